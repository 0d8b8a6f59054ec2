/** TRACE_LOGFILE_HEADER (the payload of the first record of the first buffer) and the trace clock. */
import { LogfileHeader as L, ClockType } from "../layout/etl.js";
import { readUtf16z } from "../bytes/text.js";
import { FILETIME_UNIX_EPOCH, IsoClock } from "../bytes/time.js";

export interface TimeZoneInfo {
  /** Minutes to add to local time to get UTC (Windows Bias). */
  readonly bias: number;
  readonly standardName: string;
  readonly standardBias: number;
  readonly daylightName: string;
  readonly daylightBias: number;
}

export interface LogfileInfo {
  readonly bufferSize: number;
  readonly osVersion: string;       // "10.0"
  readonly osBuild: number;         // ProviderVersion
  readonly numberOfProcessors: number;
  readonly endTime: bigint;         // FILETIME
  readonly timerResolution: number;
  readonly maximumFileSize: number;
  readonly logFileMode: number;
  readonly buffersWritten: number;
  readonly pointerSize: 4 | 8;
  readonly eventsLost: number;
  readonly cpuSpeedMHz: number;
  readonly timeZone: TimeZoneInfo;
  readonly bootTime: bigint;        // FILETIME
  readonly perfFreq: number;
  readonly startTime: bigint;       // FILETIME
  readonly clockType: number;       // 1 QPC, 2 system time, 3 CPU cycles
  readonly buffersLost: number;
  readonly loggerName: string;
  readonly logFileName: string;
}

/**
 * Parses the logfile header. `p` is the record payload (after the 0x20-byte SYSTEM header) and `end` its end.
 * `hdrPtr` is the pointer size implied by the record header type; the PointerSize field overrides it.
 */
export function parseLogfileHeader(b: Uint8Array, p: number, end: number, hdrPtr: 4 | 8): LogfileInfo {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const declared = dv.getUint32(p + L.PointerSize, true);
  const ptr: 4 | 8 = declared === 4 || declared === 8 ? declared : hdrPtr;
  const shift = ptr === 8 ? 0 : -8;
  const tz = p + L.TimeZone + shift;
  const tzName = (o: number): string => readUtf16z(b, o, o + 64).value;
  const names = p + L.Names + shift;
  const logger = names < end ? readUtf16z(b, names, end) : { value: "", next: end };
  const file = logger.next < end ? readUtf16z(b, logger.next, end) : { value: "", next: end };
  const ver = dv.getUint32(p + L.Version, true);
  return {
    bufferSize: dv.getUint32(p + L.BufferSize, true),
    osVersion: `${ver & 0xff}.${(ver >>> 8) & 0xff}`,
    osBuild: dv.getUint32(p + L.ProviderVersion, true),
    numberOfProcessors: dv.getUint32(p + L.NumberOfProcessors, true),
    endTime: dv.getBigUint64(p + L.EndTime, true),
    timerResolution: dv.getUint32(p + L.TimerResolution, true),
    maximumFileSize: dv.getUint32(p + L.MaximumFileSize, true),
    logFileMode: dv.getUint32(p + L.LogFileMode, true),
    buffersWritten: dv.getUint32(p + L.BuffersWritten, true),
    pointerSize: ptr,
    eventsLost: dv.getUint32(p + L.EventsLost, true),
    cpuSpeedMHz: dv.getUint32(p + L.CpuSpeedInMHz, true),
    timeZone: {
      bias: dv.getInt32(tz, true),
      standardName: tzName(tz + 4),
      standardBias: dv.getInt32(tz + 84, true),
      daylightName: tzName(tz + 88),
      daylightBias: dv.getInt32(tz + 168, true),
    },
    bootTime: dv.getBigUint64(p + L.BootTime + shift, true),
    perfFreq: Number(dv.getBigUint64(p + L.PerfFreq + shift, true)),
    startTime: dv.getBigUint64(p + L.StartTime + shift, true),
    clockType: dv.getUint32(p + L.ReservedFlags + shift, true),
    buffersLost: dv.getUint32(p + L.BuffersLost + shift, true),
    loggerName: logger.value,
    logFileName: file.value,
  };
}

/**
 * Converts raw record timestamps into 100 ns ticks relative to the trace StartTime, exactly (no float error):
 * the raw value is read as two u32 halves and differenced against the header record's raw value first.
 */
export class TraceClock {
  readonly startTime: bigint;
  readonly clockType: number;
  private readonly hi0: number;
  private readonly lo0: number;
  private readonly ticksPerSecond: number; // raw units per second
  private readonly unit: boolean;          // raw unit is already 100 ns
  private readonly text: IsoClock;

  constructor(info: LogfileInfo, rawHi0: number, rawLo0: number) {
    this.startTime = info.startTime;
    this.clockType = info.clockType;
    this.hi0 = rawHi0;
    this.lo0 = rawLo0;
    if (info.clockType === ClockType.SystemTime) this.ticksPerSecond = 1e7;
    else if (info.clockType === ClockType.CpuCycle) this.ticksPerSecond = Math.max(1, info.cpuSpeedMHz) * 1e6;
    else this.ticksPerSecond = info.perfFreq > 0 ? info.perfFreq : 1e7;
    this.unit = this.ticksPerSecond === 1e7;
    this.text = new IsoClock(info.startTime);
  }

  /** Raw timestamp (as hi/lo u32 halves) → 100 ns ticks since StartTime. */
  ticks(hi: number, lo: number): number {
    const delta = (hi - this.hi0) * 4294967296 + (lo - this.lo0);
    if (this.unit) return delta;
    const f = this.ticksPerSecond;
    const q = Math.floor(delta / f);
    const r = delta - q * f;
    return q * 1e7 + Math.floor((r * 1e7) / f);
  }

  /** 100 ns ticks since StartTime → absolute FILETIME. */
  filetime(ticks: number): bigint {
    return this.startTime + BigInt(ticks);
  }

  /** 100 ns ticks since StartTime → ISO 8601 UTC with 7 fractional digits (no BigInt; the date part is cached). */
  iso(ticks: number): string {
    return this.text.iso(ticks);
  }

  /** 100 ns ticks since StartTime → nanoseconds since the Unix epoch. */
  unixNs(ticks: number): bigint {
    return (this.filetime(ticks) - FILETIME_UNIX_EPOCH) * 100n;
  }

  get name(): string {
    return this.clockType === ClockType.SystemTime ? "system time"
      : this.clockType === ClockType.CpuCycle ? "CPU cycle counter" : "QPC";
  }

  get frequency(): number {
    return this.ticksPerSecond;
  }
}
