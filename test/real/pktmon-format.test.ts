/**
 * pktmon-wifi-vpn-2.etl against `pktmon format` (etl2txt) output made by Windows from the same file
 * (pktmon-wifi-vpn-2.pktmon-format.utf16.txt beside it: UTF-16LE, BOM, CRLF). One line per event:
 *
 *   [CC]PPPP.TTTT::YYYY-MM-DD HH:MM:SS.fffffffff [Provider] message
 *
 * with CPU, PID and TID in upper-case hex and the capturing host's local time (9 digits; ETW has 100 ns
 * resolution, so the last two are 0). Packet events are followed by TAB-indented summary lines (the L2/L3
 * decode), which are not compared here. Every PktMon line is compared with our event: CPU, PID, TID, local
 * timestamp and the message text, which comes from the TRACE_EVENT_INFO embedded in the file (trailing
 * spaces included, as Windows prints them).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { TraceDecoder } from "../../src/events/mod.js";
import type { EtwEvent } from "../../src/events/mod.js";
import { missing, sample } from "../helpers/samples.js";

const ETL = "pktmon-wifi-vpn-2.etl";
const TXT = "pktmon-wifi-vpn-2.pktmon-format.utf16.txt";
const PKTMON = "Microsoft-Windows-PktMon";

interface Line {
  readonly n: number; // 1-based line number in the text
  readonly cpu: string;
  readonly pid: string;
  readonly tid: string;
  readonly time: string;
  readonly provider: string;
  readonly message: string;
}

function readGolden(path: string): { lines: Line[]; continuation: number } {
  const bytes = readFileSync(path);
  assert.deepEqual([bytes[0], bytes[1]], [0xff, 0xfe], "UTF-16LE byte order mark");
  let text = new TextDecoder("utf-16le", { ignoreBOM: true }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  assert.ok(text.includes("\r\n"), "CRLF line ends");
  const re = /^\[([0-9A-F]{2})\]([0-9A-F]{4})\.([0-9A-F]{4})::(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}) \[([^\]]+)\] (.*)$/;
  const lines: Line[] = [];
  let continuation = 0;
  text.split("\r\n").forEach((l, i) => {
    if (l === "") return;
    if (l.startsWith("\t")) {
      continuation++;
      return;
    }
    const m = re.exec(l);
    assert.ok(m, `line ${i + 1} has the [CPU]PID.TID::time [Provider] form: ${JSON.stringify(l.slice(0, 120))}`);
    lines.push({ n: i + 1, cpu: m[1], pid: m[2], tid: m[3], time: m[4], provider: m[5], message: m[6] });
  });
  return { lines, continuation };
}

const hex = (v: number, w: number): string => v.toString(16).toUpperCase().padStart(w, "0");

/** FILETIME shifted by `offsetMinutes` → "YYYY-MM-DD HH:MM:SS.fffffff00" (pktmon's local-time layout). */
function localText(filetime: bigint, offsetMinutes: number): string {
  const ft = filetime + BigInt(offsetMinutes) * 600_000_000n;
  const unixSeconds = ft / 10_000_000n - 11_644_473_600n;
  const d = new Date(Number(unixSeconds) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  return `${d.slice(0, 10)} ${d.slice(11, 19)}.${(ft % 10_000_000n).toString().padStart(7, "0")}00`;
}

/** "YYYY-MM-DD HH:MM:SS.fffffffff" (as if UTC) → FILETIME, dropping the last two digits. */
function textToFiletime(s: string): bigint {
  const secs = BigInt(Date.parse(s.slice(0, 19).replace(" ", "T") + "Z") / 1000);
  return (secs + 11_644_473_600n) * 10_000_000n + BigInt(s.slice(20, 27));
}

test(`${ETL}: every PktMon event's CPU, PID, TID, local time and message equal \`pktmon format\` (2057 lines)`, { skip: missing(ETL, TXT) }, (t) => {
  const golden = readGolden(sample(TXT)!);
  const d = new TraceDecoder(sample(ETL)!);
  const events: EtwEvent[] = [];
  try {
    while (d.next()) events.push(d.decode());
  } finally {
    d.close();
  }
  const clock = d.clock;

  // The host's UTC offset, two ways: the logfile header's time zone (Bias = minutes to add to local time for
  // UTC), and the first PktMon line against our first PktMon event.
  const tz = d.info.timeZone;
  const offsetFromHeader = -tz.bias;
  assert.equal(offsetFromHeader, 330, "TimeZone bias −330 min: the host was on UTC+05:30 (IST)");
  assert.equal(tz.daylightBias, -60);
  const ours = events.filter((e) => e.providerName === PKTMON);
  const theirs = golden.lines.filter((l) => l.provider === PKTMON);
  const delta = textToFiletime(theirs[0].time) - clock.filetime(ours[0].ticks);
  assert.equal(delta, 330n * 600_000_000n, "first PktMon event: local text − our UTC = +05:30");
  const offset = Number(delta / 600_000_000n);
  assert.equal(offset, offsetFromHeader);
  const sign = offset < 0 ? "-" : "+";
  assert.equal(`${sign}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0")}:${String(Math.abs(offset) % 60).padStart(2, "0")}`, "+05:30");

  assert.equal(theirs.length, 2057, "PktMon lines in the text");
  assert.equal(ours.length, theirs.length, "one PktMon event per line");
  assert.ok(ours.every((e) => e.schemaSource === "embedded"), "PktMon schemas come from the file's embedded metadata");

  let compared = 0;
  for (let i = 0; i < theirs.length; i++) {
    const g = theirs[i];
    const e = ours[i];
    const where = `line ${g.n} (PktMon event ${i}, id ${e.id})`;
    assert.equal(hex(e.cpu, 2), g.cpu, `${where}: CPU`);
    assert.equal(hex(e.pid, 4), g.pid, `${where}: PID`);
    assert.equal(hex(e.tid, 4), g.tid, `${where}: TID`);
    assert.equal(localText(clock.filetime(e.ticks), offset), g.time, `${where}: time`);
    assert.equal(e.message, g.message, `${where}: message`);
    compared++;
  }
  assert.equal(compared, 2057);

  // One TAB-indented summary line per packet event (id 160).
  assert.equal(golden.continuation, ours.filter((e) => e.id === 160).length);
  assert.equal(golden.continuation, 1111);
  t.diagnostic(`compared ${compared} PktMon lines (CPU, PID, TID, local time, message); ${golden.continuation} packet summary lines not compared`);
});

test(`${ETL}: the 3 MSNT_SystemTrace lines (Header, 2 × PartitionInfoExtensionV2) match our kernel header records`, { skip: missing(ETL, TXT) }, () => {
  const golden = readGolden(sample(TXT)!);
  const sys = golden.lines.filter((l) => l.provider === "MSNT_SystemTrace");
  assert.equal(sys.length, 3);
  const d = new TraceDecoder(sample(ETL)!);
  const kernel: EtwEvent[] = [];
  try {
    while (d.next()) {
      const e = d.decode();
      if (e.kind === "SYSTEM") kernel.push(e);
    }
  } finally {
    d.close();
  }
  assert.equal(kernel.length, 3);
  assert.deepEqual(kernel.map((e) => e.name), ["Header", "PartitionInfoExtension", "PartitionInfoExtension"]);
  const offset = -d.info.timeZone.bias;
  for (let i = 0; i < 3; i++) {
    assert.equal(hex(kernel[i].cpu, 2), sys[i].cpu);
    assert.equal(hex(kernel[i].pid, 4), sys[i].pid);
    assert.equal(hex(kernel[i].tid, 4), sys[i].tid);
    assert.equal(localText(d.clock.filetime(kernel[i].ticks), offset), sys[i].time);
  }
  assert.match(sys[1].message, /^Event: PartitionInfoExtensionV2,/);
  assert.match(sys[2].message, /^Event: PartitionInfoExtensionV2,/);

  // The Header line's "Name: value" fields against the logfile header (our message layout differs: not compared
  // as text). LoggerName/LogFileName (pointers, 0x0) and TimeZoneInformation (empty) carry nothing.
  const h = sys[0].message;
  assert.match(h, /^Event: Header, /);
  const field = (name: string): string => {
    const m = new RegExp(`(?:^|, )${name}: ([^,]*)(?:,|$)`).exec(h);
    assert.ok(m, `Header line has ${name}`);
    return m[1];
  };
  const i = d.info;
  assert.equal(Number(field("BufferSize")), i.bufferSize);
  assert.equal(Number(field("ProviderVersion")), i.osBuild);
  assert.equal(Number(field("NumberOfProcessors")), i.numberOfProcessors);
  assert.equal(BigInt(field("EndTime")), i.endTime);
  assert.equal(Number(field("TimerResolution")), i.timerResolution);
  assert.equal(Number(field("MaxFileSize")), i.maximumFileSize);
  assert.equal(field("LogFileMode"), `0x${i.logFileMode.toString(16)}`);
  assert.equal(Number(field("BuffersWritten")), i.buffersWritten);
  assert.equal(Number(field("PointerSize")), i.pointerSize);
  assert.equal(Number(field("EventsLost")), i.eventsLost);
  assert.equal(Number(field("CPUSpeed")), i.cpuSpeedMHz);
  assert.equal(BigInt(field("BootTime")), i.bootTime);
  assert.equal(Number(field("PerfFreq")), i.perfFreq);
  assert.equal(BigInt(field("StartTime")), i.startTime);
  assert.equal(field("ReservedFlags"), `0x${i.clockType.toString(16)}`);
  assert.equal(Number(field("BuffersLost")), i.buffersLost);
  assert.equal(field("SessionNameString"), i.loggerName);
  assert.equal(field("LogFileNameString"), i.logFileName);
  assert.equal(i.logFileName, "C:\\Users\\Nathaniel\\Desktop\\temp\\vid\\PktMon.etl");
  assert.equal(i.startTime, 132670973801396699n);
});
