/**
 * EtlWriter: the inverse of the reader. Writes the header buffer (TRACE_LOGFILE_HEADER), per-CPU buffers of
 * EVENT_HEADER / classic records, optionally Xpress-compressed, with the same layout definitions the reader
 * uses (src/layout/etl.ts). It knows nothing of the lab: it writes records it is given. Streams to a sink;
 * the header's BuffersWritten/EndTime are patched at the end.
 */
import { openSync, writeSync, closeSync } from "node:fs";
import {
  BufferHeader as BH, BufferFlag, BufferType, ClockType, CompressionFormat, EventHeader as EH, FullHeader as FH,
  HeaderType as HT, LogFileMode, LogfileHeader as L, SystemHeader as SH,
} from "../layout/etl.js";
import { writeGuid } from "../bytes/guid.js";
import { encodeUtf16 } from "../bytes/text.js";
import { concatBytes } from "../bytes/hex.js";
import { xpressCompress } from "./xpress.js";

export interface EtlSink {
  write(bytes: Uint8Array): void;
  /** Overwrites bytes already written at file offset `pos`. */
  patch(pos: number, bytes: Uint8Array): void;
  close(): void;
}

export function fileSink(path: string): EtlSink {
  const fd = openSync(path, "w");
  let pos = 0;
  return {
    write(b) {
      let done = 0;
      while (done < b.length) done += writeSync(fd, b, done, b.length - done, pos + done);
      pos += b.length;
    },
    patch(at, b) {
      writeSync(fd, b, 0, b.length, at);
    },
    close() {
      closeSync(fd);
    },
  };
}

export interface MemorySink extends EtlSink {
  bytes(): Uint8Array;
}

export function memorySink(): MemorySink {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let joined: Uint8Array | null = null;
  const join = (): Uint8Array => {
    if (!joined) {
      joined = new Uint8Array(size);
      let o = 0;
      for (const c of chunks) {
        joined.set(c, o);
        o += c.length;
      }
      chunks.length = 0;
      chunks.push(joined);
    }
    return joined;
  };
  return {
    write(b) {
      chunks.push(b.slice());
      size += b.length;
      joined = null;
    },
    patch(at, b) {
      join().set(b, at);
    },
    close() {},
    bytes: () => join(),
  };
}

export interface EtlWriterOptions {
  /** Buffer capacity (uncompressed). Default 64 KiB. */
  readonly bufferSize?: number;
  readonly pointerSize?: 4 | 8;
  readonly cpus?: number;
  /** OS build written as ProviderVersion (e.g. 20348). */
  readonly osBuild?: number;
  /** FILETIME of the trace start (raw timestamp 0 of our clock maps to it). */
  readonly startTime: bigint;
  readonly bootTime?: bigint;
  /** QPC frequency; default 10 MHz. */
  readonly perfFreq?: number;
  readonly cpuSpeedMHz?: number;
  readonly loggerName?: string;
  readonly logFileName?: string;
  /** Xpress-compress data buffers (as pktmon does). */
  readonly compress?: boolean;
  /** Mark the file as relogged (LogFileMode 0x10000, as pktmon and netsh merged files are). */
  readonly relogged?: boolean;
  /** Local time zone bias in minutes (UTC = local + bias), e.g. -330 for IST. */
  readonly timeZoneBias?: number;
  readonly timeZoneName?: string;
  /** EventsLost / BuffersLost of the logfile header (what the session reported when it stopped). Default 0. */
  readonly eventsLost?: number;
  readonly buffersLost?: number;
}

export interface EventRecordInput {
  readonly cpu: number;
  /** 100 ns ticks since startTime. */
  readonly ticks: number;
  readonly provider: string;
  readonly id: number;
  readonly version?: number;
  readonly channel?: number;
  readonly level?: number;
  readonly opcode?: number;
  readonly task?: number;
  readonly keyword?: bigint;
  readonly pid?: number;
  readonly tid?: number;
  readonly activityId?: string;
  /** Pre-encoded extended data items (each 8-aligned, Linkage bits set by the caller). */
  readonly extended?: Uint8Array;
  readonly payload: Uint8Array;
}

export interface ClassicRecordInput {
  readonly cpu: number;
  readonly ticks: number;
  readonly guid: string;
  readonly opcode: number;
  readonly version?: number;
  readonly level?: number;
  readonly pid?: number;
  readonly tid?: number;
  readonly payload: Uint8Array;
}

const HDR = BH.size;

class CpuBuffer {
  readonly data: Uint8Array;
  readonly dv: DataView;
  used = 0;
  lastTicks = 0;
  constructor(size: number) {
    this.data = new Uint8Array(size - HDR);
    this.dv = new DataView(this.data.buffer);
  }
}

export class EtlWriter {
  private readonly sink: EtlSink;
  private readonly o: Required<Omit<EtlWriterOptions, "timeZoneName">> & { timeZoneName: string };
  private readonly cpus: CpuBuffer[] = [];
  private seq = 0;
  private buffers = 0;
  private lastTicks = 0;
  private readonly raw0: number;
  private closed = false;
  /** Bytes written so far. */
  written = 0;
  eventsWritten = 0;

  constructor(sink: EtlSink, options: EtlWriterOptions) {
    this.sink = sink;
    this.o = {
      bufferSize: options.bufferSize ?? 64 * 1024,
      pointerSize: options.pointerSize ?? 8,
      cpus: options.cpus ?? 1,
      osBuild: options.osBuild ?? 20348,
      startTime: options.startTime,
      bootTime: options.bootTime ?? options.startTime - 36000000000n,
      perfFreq: options.perfFreq ?? 10_000_000,
      cpuSpeedMHz: options.cpuSpeedMHz ?? 2400,
      loggerName: options.loggerName ?? "wnvtrace",
      logFileName: options.logFileName ?? "wnvtrace.etl",
      compress: options.compress ?? false,
      relogged: options.relogged ?? false,
      timeZoneBias: options.timeZoneBias ?? 0,
      timeZoneName: options.timeZoneName ?? "Coordinated Universal Time",
      eventsLost: options.eventsLost ?? 0,
      buffersLost: options.buffersLost ?? 0,
    };
    // Raw QPC value at the trace start: time since boot, like a real capture.
    this.raw0 = Math.round(Number(this.o.startTime - this.o.bootTime) * (this.o.perfFreq / 1e7));
    for (let i = 0; i < this.o.cpus; i++) this.cpus.push(new CpuBuffer(this.o.bufferSize));
    this.writeHeaderBuffer(0, 0);
  }

  private raw(ticks: number): number {
    return this.raw0 + Math.round(ticks * (this.o.perfFreq / 1e7));
  }

  private logFileMode(): number {
    return LogFileMode.Sequential | (this.o.relogged ? LogFileMode.Relog : 0) | (this.o.compress ? LogFileMode.Compressed : 0);
  }

  /** The header buffer: WMI_BUFFER_HEADER + SYSTEM64 record holding TRACE_LOGFILE_HEADER. */
  private headerBuffer(buffersWritten: number, endTicks: number): Uint8Array {
    const ptr = this.o.pointerSize;
    const shift = ptr === 8 ? 0 : -8;
    const names = concatBytes([encodeUtf16(this.o.loggerName, true), encodeUtf16(this.o.logFileName, true)]);
    const payloadLen = L.Names + shift + names.length;
    const recSize = SH.size + payloadLen;
    const used = HDR + ((recSize + 7) & ~7);
    // Compressed (pktmon-style) files keep the header buffer small; others use the full buffer size.
    const bufLen = this.o.compress ? (used + 1023) & ~1023 : this.o.bufferSize;
    const buf = new Uint8Array(bufLen);
    const dv = new DataView(buf.buffer);
    let p = HDR;
    // SYSTEM header, hook 0x0000 (EventTrace Header), version 2.
    dv.setUint16(p + SH.Version, 2, true);
    buf[p + SH.HeaderType] = ptr === 8 ? HT.System64 : HT.System32;
    buf[p + SH.Flags] = 0xc0;
    dv.setUint16(p + SH.Size, recSize, true);
    dv.setUint16(p + SH.HookId, 0, true);
    setU64(dv, p + SH.SystemTime, this.raw0);
    p += SH.size;
    dv.setUint32(p + L.BufferSize, this.o.bufferSize, true);
    dv.setUint32(p + L.Version, 0x0000000a | (0 << 8), true); // 10.0
    dv.setUint32(p + L.ProviderVersion, this.o.osBuild, true);
    dv.setUint32(p + L.NumberOfProcessors, this.o.cpus, true);
    dv.setBigUint64(p + L.EndTime, this.o.startTime + BigInt(Math.max(0, endTicks)), true);
    dv.setUint32(p + L.TimerResolution, 156250, true);
    dv.setUint32(p + L.MaximumFileSize, 0, true);
    dv.setUint32(p + L.LogFileMode, this.logFileMode(), true);
    dv.setUint32(p + L.BuffersWritten, buffersWritten, true);
    dv.setUint32(p + L.StartBuffers, 1, true);
    dv.setUint32(p + L.PointerSize, ptr, true);
    dv.setUint32(p + L.EventsLost, this.o.eventsLost >>> 0, true);
    dv.setUint32(p + L.CpuSpeedInMHz, this.o.cpuSpeedMHz, true);
    const tz = p + L.TimeZone + shift;
    dv.setInt32(tz, this.o.timeZoneBias, true);
    buf.set(encodeUtf16(this.o.timeZoneName.slice(0, 31), false), tz + 4);
    buf.set(encodeUtf16(this.o.timeZoneName.slice(0, 31), false), tz + 88);
    dv.setBigUint64(p + L.BootTime + shift, this.o.bootTime, true);
    dv.setBigUint64(p + L.PerfFreq + shift, BigInt(this.o.perfFreq), true);
    dv.setBigUint64(p + L.StartTime + shift, this.o.startTime, true);
    dv.setUint32(p + L.ReservedFlags + shift, ClockType.Qpc, true);
    dv.setUint32(p + L.BuffersLost + shift, this.o.buffersLost >>> 0, true);
    buf.set(names, p + L.Names + shift);
    const end = used;
    buf.fill(0xff, end);
    dv.setUint32(BH.BufferSize, bufLen, true);
    dv.setUint32(BH.SavedOffset, end, true);
    dv.setUint32(BH.CurrentOffset, end, true);
    dv.setUint16(BH.ProcessorIndex, 0, true);
    dv.setUint32(BH.State, this.o.compress ? CompressionFormat.Xpress : 0, true);
    dv.setUint32(BH.Offset, end, true);
    dv.setUint16(BH.BufferFlag, BufferFlag.FlushMarker, true);
    dv.setUint16(BH.BufferType, BufferType.Header, true);
    return buf;
  }

  private writeHeaderBuffer(buffersWritten: number, endTicks: number): void {
    const b = this.headerBuffer(buffersWritten, endTicks);
    this.sink.write(b);
    this.written += b.length;
  }

  private room(cpu: number, size: number): CpuBuffer {
    if (cpu < 0 || cpu >= this.cpus.length) throw new Error(`cpu ${cpu} out of range (0..${this.cpus.length - 1})`);
    const aligned = (size + 7) & ~7;
    if (aligned > this.o.bufferSize - HDR) throw new Error(`record of ${size} bytes does not fit a ${this.o.bufferSize}-byte buffer`);
    const c = this.cpus[cpu];
    if (c.used + aligned > c.data.length) this.flush(cpu);
    return c;
  }

  /** Provider GUIDs as bytes, parsed once each (a writer sees a handful of providers, millions of times). */
  private readonly guids = new Map<string, Uint8Array>();

  private guid(b: Uint8Array, off: number, g: string): void {
    let bytes = this.guids.get(g);
    if (!bytes) {
      bytes = new Uint8Array(16);
      writeGuid(bytes, 0, g);
      this.guids.set(g, bytes);
    }
    b.set(bytes, off);
  }

  /** Writes an EVENT_HEADER record. */
  writeEvent(e: EventRecordInput): void {
    const ext = e.extended ?? new Uint8Array(0);
    const size = EH.size + ext.length + e.payload.length;
    if (size > 0xffff) throw new Error(`event of ${size} bytes exceeds the 64 KiB record limit`);
    const c = this.room(e.cpu, size);
    const b = c.data;
    const dv = c.dv;
    const p = c.used;
    b.fill(0, p, p + ((size + 7) & ~7));
    dv.setUint16(p + EH.Size, size, true);
    b[p + EH.HeaderType] = this.o.pointerSize === 8 ? HT.EventHeader64 : HT.EventHeader32;
    b[p + EH.MarkerFlags] = 0xc0;
    dv.setUint16(p + EH.Flags, (this.o.pointerSize === 8 ? 0x40 : 0x20) | (ext.length ? 0x1 : 0), true);
    dv.setUint32(p + EH.ThreadId, e.tid ?? 0, true);
    dv.setUint32(p + EH.ProcessId, e.pid ?? 0, true);
    setU64(dv, p + EH.TimeStamp, this.raw(e.ticks));
    this.guid(b, p + EH.ProviderId, e.provider);
    dv.setUint16(p + EH.Id, e.id, true);
    b[p + EH.Version] = e.version ?? 0;
    b[p + EH.Channel] = e.channel ?? 0;
    b[p + EH.Level] = e.level ?? 4;
    b[p + EH.Opcode] = e.opcode ?? 0;
    dv.setUint16(p + EH.Task, e.task ?? 0, true);
    dv.setBigUint64(p + EH.Keyword, e.keyword ?? 0n, true);
    if (e.activityId) writeGuid(b, p + EH.ActivityId, e.activityId);
    b.set(ext, p + EH.size);
    b.set(e.payload, p + EH.size + ext.length);
    this.commit(c, size, e.ticks);
  }

  /** Writes a classic EVENT_TRACE_HEADER record (e.g. KernelTraceControl metadata). */
  writeClassic(e: ClassicRecordInput): void {
    const size = FH.size + e.payload.length;
    if (size > 0xffff) throw new Error(`record of ${size} bytes exceeds the 64 KiB record limit`);
    const c = this.room(e.cpu, size);
    const b = c.data;
    const dv = c.dv;
    const p = c.used;
    b.fill(0, p, p + ((size + 7) & ~7));
    dv.setUint16(p + FH.Size, size, true);
    b[p + FH.HeaderType] = this.o.pointerSize === 8 ? HT.FullHeader64 : HT.FullHeader32;
    b[p + FH.Flags] = 0xc0;
    b[p + FH.ClassType] = e.opcode;
    b[p + FH.ClassLevel] = e.level ?? 0;
    dv.setUint16(p + FH.ClassVersion, e.version ?? 0, true);
    dv.setUint32(p + FH.ThreadId, e.tid ?? 0, true);
    dv.setUint32(p + FH.ProcessId, e.pid ?? 0, true);
    setU64(dv, p + FH.TimeStamp, this.raw(e.ticks));
    this.guid(b, p + FH.Guid, e.guid);
    b.set(e.payload, p + FH.size);
    this.commit(c, size, e.ticks);
  }

  private commit(c: CpuBuffer, size: number, ticks: number): void {
    c.used += (size + 7) & ~7;
    c.lastTicks = ticks;
    if (ticks > this.lastTicks) this.lastTicks = ticks;
    this.eventsWritten++;
  }

  /** Writes out a CPU's buffer (if it holds records). */
  flush(cpu: number): void {
    const c = this.cpus[cpu];
    if (c.used === 0) return;
    const used = c.used;
    const head = new Uint8Array(HDR);
    const dv = new DataView(head.buffer);
    let body: Uint8Array;
    let flags = BufferFlag.ProcIndex;
    // ETW marks the buffer logged after events were lost; with losses, the first data buffer carries the flag.
    if (this.buffers === 0 && this.o.eventsLost > 0) flags |= BufferFlag.EventsLost;
    if (this.o.compress) {
      body = xpressCompress(c.data.subarray(0, used));
      flags |= BufferFlag.Compressed;
    } else {
      body = new Uint8Array(this.o.bufferSize - HDR);
      body.set(c.data.subarray(0, used));
      body.fill(0xff, used);
    }
    dv.setUint32(BH.BufferSize, HDR + body.length, true);
    dv.setUint32(BH.SavedOffset, HDR + used, true);
    dv.setUint32(BH.CurrentOffset, HDR + used, true);
    setU64(dv, BH.TimeStamp, this.raw(c.lastTicks));
    dv.setBigInt64(BH.SequenceNumber, BigInt(++this.seq), true);
    dv.setUint16(BH.ProcessorIndex, cpu, true);
    dv.setUint32(BH.Offset, HDR + used, true);
    dv.setUint16(BH.BufferFlag, flags, true);
    dv.setUint16(BH.BufferType, BufferType.Generic, true);
    this.sink.write(head);
    this.sink.write(body);
    this.written += HDR + body.length;
    this.buffers++;
    c.used = 0;
  }

  /** Flushes every CPU buffer, patches the header (BuffersWritten, EndTime) and closes the sink. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let i = 0; i < this.cpus.length; i++) this.flush(i);
    this.sink.patch(0, this.headerBuffer(this.buffers + 1, this.lastTicks));
    this.sink.close();
  }
}

function setU64(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, v % 4294967296, true);
  dv.setUint32(off + 4, Math.floor(v / 4294967296), true);
}

