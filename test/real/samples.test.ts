/**
 * Every real .etl sample: the reader walks it with no diagnostics (no WPP either), delivers the same records as
 * the independent Python scanner (../shared/reference/etl_scan.py, output in etl_scan-output.txt) per
 * (header kind, provider or kernel group, id/opcode/type, version), and delivers them in time order. The
 * decoder then decodes every record of every file.
 *
 * Samples are read in place and never copied; tests skip when a file is absent.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { EtlReader, RecordKind } from "../../src/etl/mod.js";
import type { EtlRecord } from "../../src/etl/mod.js";
import { TraceDecoder } from "../../src/events/mod.js";
import { etlSamples, missing, missingReference, reference, sample } from "../helpers/samples.js";

/** Record counts, buffers and compressed buffers per file, as etl_scan.py reports them. */
const EXPECTED: Record<string, { events: number; buffers: number; compressed: number }> = {
  "airbus-ShutdownPerfDiagLogger-kernel.etl": { events: 17078, buffers: 49, compressed: 0 },
  "airbus-lxcore_kernel-tracelogging.etl": { events: 4, buffers: 3, compressed: 0 },
  "attackhost-netsh-ndiscap-1001.etl": { events: 102, buffers: 3, compressed: 0 },
  "demikernel-ws2022-azure-pktmon.etl": { events: 467, buffers: 3, compressed: 2 },
  "gobang-win11-vmswitch-components-pktmon.etl": { events: 1195, buffers: 3, compressed: 2 },
  "perfview-SelfDescribingSingleEvent-tracelogging.etl": { events: 23, buffers: 3, compressed: 2 },
  "perfview-primitive-types-tracelogging.etl": { events: 7, buffers: 2, compressed: 0 },
  "perfview-smallEtlFile-32bit-compressed.etl": { events: 2, buffers: 2, compressed: 1 },
  "pktmon-wifi-vpn-1.etl": { events: 4601, buffers: 5, compressed: 4 },
  "pktmon-wifi-vpn-2.etl": { events: 2154, buffers: 5, compressed: 4 },
  "stmcast-win11-26k-packets-pktmon.etl": { events: 31068, buffers: 17, compressed: 16 },
  "tritonpilot-win11-vmswitch-pktmon.etl": { events: 1075, buffers: 8, compressed: 7 },
};

/** Header type byte → the name etl_scan.py prints. */
const HDR_NAMES: Record<number, string> = {
  0x01: "SYSTEM32", 0x02: "SYSTEM64", 0x03: "COMPACT32", 0x04: "COMPACT64", 0x0a: "FULL_HEADER32", 0x0b: "INSTANCE32",
  0x0f: "MESSAGE", 0x10: "PERFINFO32", 0x11: "PERFINFO64", 0x12: "EVENT_HEADER32", 0x13: "EVENT_HEADER64",
  0x14: "FULL_HEADER64", 0x15: "INSTANCE64",
};

/** The scanner's row key for a record: "KIND provider-or-group what vN". */
function keyOf(r: EtlRecord): string {
  const kind = HDR_NAMES[r.headerType] ?? `type${r.headerType}`;
  switch (r.kind) {
    case RecordKind.System:
    case RecordKind.Compact:
    case RecordKind.PerfInfo:
      return `${kind} group=0x${r.group.toString(16).padStart(2, "0")} type=${r.opcode} v${r.version & 0xff}`;
    case RecordKind.EventHeader:
      return `${kind} ${r.providerId} id=${r.id} v${r.version}`;
    case RecordKind.Classic:
    case RecordKind.Instance:
      return `${kind} ${r.providerId} opcode=${r.opcode} v${r.version}`;
    default:
      return `${kind} ${r.providerId} msg=${r.id}`;
  }
}

/** Raw extended-data item types of an EVENT_HEADER record. */
function extTypes(r: EtlRecord): number[] {
  const out: number[] = [];
  if (r.extStart < 0) return out;
  const end = r.start + r.size;
  for (let q = r.extStart; q + 8 <= end; ) {
    const size = r.dv.getUint16(q, true);
    out.push(r.dv.getUint16(q + 2, true));
    if (size < 8 || (r.dv.getUint16(q + 4, true) & 1) === 0) break;
    q += size;
  }
  return out;
}

interface Scan {
  readonly records: number;
  readonly rows: Map<string, number>;
  readonly kinds: Record<string, number>;
  readonly ext: Record<string, number>;
  readonly firstTicks: number;
  readonly lastTicks: number;
  readonly outOfOrder: number;
  readonly buffers: number;
  readonly compressed: number;
  readonly wpp: number;
  readonly reader: EtlReader;
}

/** Walks a file in delivery (time) order and tallies it like etl_scan.py. */
function scan(path: string): Scan {
  const reader = EtlReader.open(path);
  const rows = new Map<string, number>();
  const kinds: Record<string, number> = {};
  const ext: Record<string, number> = {};
  let records = 0, outOfOrder = 0, wpp = 0;
  let first = NaN, last = -Infinity;
  try {
    while (reader.next()) {
      const r = reader.record;
      records++;
      if (r.ticks < last) outOfOrder++;
      if (records === 1) first = r.ticks;
      last = Math.max(last, r.ticks);
      if (r.kind === RecordKind.Message) wpp++;
      const k = keyOf(r);
      rows.set(k, (rows.get(k) ?? 0) + 1);
      const kind = k.slice(0, k.indexOf(" "));
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      for (const t of extTypes(r)) ext[t] = (ext[t] ?? 0) + 1;
    }
  } finally {
    reader.close();
  }
  const bs = reader.bufferStats();
  return { records, rows, kinds, ext, firstTicks: first, lastTicks: last, outOfOrder, buffers: bs.count, compressed: bs.compressed, wpp, reader };
}

// ---- etl_scan-output.txt -------------------------------------------------------------------------------------

interface ScanOutput {
  logger: string;
  file: string;
  os: number[]; // major, minor, build, CPUs, ptr, BufferSize, BuffersWritten, LogFileMode, clock, PerfFreq, CpuMHz, TimerRes, EventsLost, BuffersLost
  times: string[]; // StartTime, EndTime, BootTime
  buffers: number;
  compressed: number;
  events: number;
  range: [string, string];
  kinds: Record<string, number>;
  ext: Record<string, number>;
  rows: Map<string, number>;
}

/** Python dict repr {'A': 1, 12: 2} → record. */
function pyDict(s: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of s.matchAll(/'?([A-Za-z0-9_]+)'?:\s*(\d+)/g)) out[m[1]] = Number(m[2]);
  return out;
}

function parseScanOutput(text: string): Map<string, ScanOutput> {
  const out = new Map<string, ScanOutput>();
  let cur: ScanOutput | null = null;
  for (const line of text.split(/\r?\n/)) {
    let m: RegExpExecArray | null;
    if ((m = /^== (\S+) \(\d+ bytes\)/.exec(line))) {
      cur = { logger: "", file: "", os: [], times: [], buffers: -1, compressed: -1, events: -1, range: ["", ""], kinds: {}, ext: {}, rows: new Map() };
      out.set(m[1], cur);
    } else if (!cur) {
      continue;
    } else if ((m = /^\s+logger=(['"])(.*?)\1 file=(['"])(.*)\3$/.exec(line))) {
      cur.logger = m[2].replace(/\\\\/g, "\\");
      cur.file = m[4].replace(/\\\\/g, "\\");
    } else if ((m = /^\s+OS (\d+)\.(\d+) build (\d+), CPUs (\d+), ptr (\d+), BufferSize (\d+), BuffersWritten (\d+), LogFileMode (0x[0-9a-f]+), ReservedFlags\(clock\) (\d+), PerfFreq (\d+), CpuMHz (\d+), TimerRes (\d+), EventsLost (\d+), BuffersLost (\d+)/.exec(line))) {
      cur.os = m.slice(1).map(Number);
    } else if ((m = /^\s+StartTime (\S+) EndTime (\S+) BootTime (\S+)/.exec(line))) {
      cur.times = [m[1], m[2], m[3]];
    } else if ((m = /buffers walked (\d+) \(compressed (\d+)\); events (\d+)/.exec(line))) {
      cur.buffers = Number(m[1]);
      cur.compressed = Number(m[2]);
      cur.events = Number(m[3]);
    } else if ((m = /^\s+event time range: (\S+) \.\. (\S+)/.exec(line))) {
      cur.range = [m[1], m[2]];
    } else if ((m = /^\s+header kinds: (\{.*\})/.exec(line))) {
      cur.kinds = pyDict(m[1]);
    } else if ((m = /^\s+extended item types: (\{.*\})/.exec(line))) {
      cur.ext = pyDict(m[1]);
    } else if ((m = /^\s+(\d+)\s+([A-Z_0-9]+)\s+(\S+)\s+((?:type|id|opcode|msg)=\d+(?: v\d+)?)/.exec(line))) {
      cur.rows.set(`${m[2]} ${m[3]} ${m[4]}`, Number(m[1]));
    }
  }
  return out;
}

/** "2020-02-28T09:03:47.744580Z" (Python isoformat, µs rounded) → FILETIME. */
function isoToFiletime(s: string): bigint {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?Z$/.exec(s);
  assert.ok(m, `bad time ${s}`);
  const secs = BigInt(Date.parse(m[1] + "Z") / 1000);
  const frac = BigInt((m[2] ?? "").padEnd(7, "0"));
  return (secs + 11644473600n) * 10_000_000n + frac;
}

/**
 * |a − b| ≤ 15 ticks. The scanner prints microseconds, and gets them through a double: FILETIME/10 is about
 * 1.3e16 µs, beyond 2^53, where doubles are 2 apart. Its last digit can thus be off by one or two.
 */
function nearTime(actual: bigint, expectedIso: string, what: string): void {
  const e = isoToFiletime(expectedIso);
  const d = actual > e ? actual - e : e - actual;
  assert.ok(d <= 15n, `${what}: ours ${actual} vs scanner ${expectedIso} (${e}), off by ${d} ticks`);
}

const scanText = (() => {
  const p = reference("etl_scan-output.txt");
  return p ? readFileSync(p, "utf8") : null;
})();
const scanned = scanText ? parseScanOutput(scanText) : new Map<string, ScanOutput>();

// ---- tests ---------------------------------------------------------------------------------------------------

test("etl_scan-output.txt parses into 12 files with rows", { skip: missingReference("etl_scan-output.txt") }, () => {
  assert.deepEqual([...scanned.keys()].sort(), Object.keys(EXPECTED).sort());
  for (const [name, s] of scanned) {
    assert.equal(s.events, EXPECTED[name].events, name);
    let sum = 0;
    for (const c of s.rows.values()) sum += c;
    assert.equal(sum, s.events, `${name}: rows add up to the events line`);
  }
});

for (const [name, exp] of Object.entries(EXPECTED)) {
  test(`${name}: ${exp.events} records in ${exp.buffers} buffers, no diagnostics, time order, same tallies as etl_scan.py`, { skip: missing(name) }, () => {
    const s = scan(sample(name)!);
    assert.deepEqual(s.reader.diagnostics, [], "no diagnostics");
    assert.deepEqual(s.reader.diagnosticCounts, {}, "no diagnostic counts");
    assert.equal(s.wpp, 0, "no WPP records");
    assert.equal(s.reader.stats().wppSkipped, 0);
    assert.equal(s.records, exp.events, "record count");
    assert.equal(s.reader.stats().records, exp.events, "reader's own count");
    assert.equal(s.buffers, exp.buffers, "buffers");
    assert.equal(s.compressed, exp.compressed, "compressed buffers");
    assert.equal(s.reader.bufferStats().skipped, 0, "no buffer skipped");
    assert.equal(s.outOfOrder, 0, "records are delivered in non-decreasing time order");
    assert.equal(s.firstTicks, 0, "the first record is the logfile header at StartTime");

    const ref = scanned.get(name);
    if (!ref) return; // reference output absent: the literal counts above still ran
    assert.deepEqual(Object.fromEntries([...s.rows].sort()), Object.fromEntries([...ref.rows].sort()), "per-(kind, provider/group, id/opcode, version) counts");
    assert.deepEqual(s.kinds, ref.kinds, "header kinds");
    assert.deepEqual(s.ext, ref.ext, "extended item types");
    const i = s.reader.info;
    const [maj, min, build, cpus, ptr, bufSize, written, mode, clock, freq, mhz, timerRes, lost, bufLost] = ref.os;
    assert.equal(i.osVersion, `${maj}.${min}`);
    assert.equal(i.osBuild, build);
    assert.equal(i.numberOfProcessors, cpus);
    assert.equal(i.pointerSize, ptr);
    assert.equal(i.bufferSize, bufSize);
    assert.equal(i.buffersWritten, written);
    assert.equal(i.logFileMode, mode);
    assert.equal(i.clockType, clock);
    assert.equal(i.perfFreq, freq);
    assert.equal(i.cpuSpeedMHz, mhz);
    assert.equal(i.timerResolution, timerRes);
    assert.equal(i.eventsLost, lost);
    assert.equal(i.buffersLost, bufLost);
    assert.equal(i.loggerName, ref.logger);
    assert.equal(i.logFileName, ref.file);
    nearTime(i.startTime, ref.times[0], "StartTime");
    nearTime(i.endTime, ref.times[1], "EndTime");
    nearTime(i.bootTime, ref.times[2], "BootTime");
    nearTime(s.reader.clock.filetime(s.firstTicks), ref.range[0], "first record time");
    nearTime(s.reader.clock.filetime(s.lastTicks), ref.range[1], "last record time");
  });
}

test("kernel logger file: SYSTEM64 ×8433 + PERFINFO64 ×8645 (image, thread, process groups)", { skip: missing("airbus-ShutdownPerfDiagLogger-kernel.etl") }, () => {
  const s = scan(sample("airbus-ShutdownPerfDiagLogger-kernel.etl")!);
  assert.deepEqual(s.kinds, { SYSTEM64: 8433, PERFINFO64: 8645 });
  assert.equal(s.rows.get("PERFINFO64 group=0x14 type=3 v3"), 6549);
  assert.equal(s.rows.get("SYSTEM64 group=0x14 type=2 v3"), 4791);
  assert.equal(s.rows.get("SYSTEM64 group=0x05 type=1 v3"), 350);
  assert.equal(s.rows.get("PERFINFO64 group=0x03 type=39 v5"), 5);
  assert.equal(s.reader.info.loggerName, "PerfDiag Logger");
  assert.equal(s.reader.info.osBuild, 18362);
  assert.equal(s.reader.clock.iso(s.lastTicks), "2020-02-28T17:15:51.6538124Z");
});

test("32-bit compressed PerfView file: PointerSize 4, PerfFreq 3117777, one EVENT_HEADER32 event 154", { skip: missing("perfview-smallEtlFile-32bit-compressed.etl") }, () => {
  const s = scan(sample("perfview-smallEtlFile-32bit-compressed.etl")!);
  const i = s.reader.info;
  assert.equal(i.pointerSize, 4);
  assert.equal(i.perfFreq, 3117777);
  assert.equal(i.osBuild, 10586);
  assert.equal(i.clockType, 1, "QPC clock");
  assert.equal(s.reader.clock.frequency, 3117777);
  assert.equal(i.loggerName, "PerfWatsonGCHeapETLSession688");
  assert.deepEqual(s.kinds, { SYSTEM32: 1, EVENT_HEADER32: 1 });
  assert.equal(s.rows.get("EVENT_HEADER32 a669021c-c450-4609-a035-5af59af4df18 id=154 v2"), 1);

  const d = new TraceDecoder(sample("perfview-smallEtlFile-32bit-compressed.etl")!);
  const evs = [];
  while (d.next()) {
    assert.equal(d.record.pointerSize, 4, "every record has 32-bit headers");
    evs.push(d.decode());
  }
  d.close();
  assert.equal(evs.length, 2);
  const e = evs[1];
  assert.equal(e.kind, "EVENT_HEADER");
  assert.equal(e.providerId, "a669021c-c450-4609-a035-5af59af4df18");
  assert.equal(e.id, 154);
  assert.equal(e.version, 2);
  assert.equal(e.level, 4);
  assert.equal(e.keywords, "0x0000000020000008");
  assert.equal(e.pid, 688);
  assert.equal(e.tid, 4336);
  assert.equal(e.payloadSize, 584);
  // Raw QPC delta scaled by 10^7 / 3117777, floored to 100 ns; etl_scan.py prints the same instant as …22.068864Z.
  assert.equal(e.time, "2016-08-17T23:30:22.0688637Z");
  assert.equal(e.ticks, 309371);
  assert.equal(evs[0].ticks, 0, "header record at StartTime");
  assert.equal(evs[0].time, "2016-08-17T23:30:22.0379266Z");

  // The same from the raw QPC values, in exact integer arithmetic.
  const r = EtlReader.open(sample("perfview-smallEtlFile-32bit-compressed.etl")!);
  const raw: bigint[] = [];
  while (r.next()) raw.push((BigInt(r.record.rawHi >>> 0) << 32n) | BigInt(r.record.rawLo >>> 0));
  r.close();
  assert.equal(raw.length, 2);
  assert.equal(raw[1] - raw[0], 96455n, "QPC counts between the two records");
  assert.equal(Number(((raw[1] - raw[0]) * 10_000_000n) / 3117777n), e.ticks);
});

test("stmcast: 31068 records, 26704 PktMon packets (id 160) and 3428 drops (id 170) across 16 CPUs, in time order", { skip: missing("stmcast-win11-26k-packets-pktmon.etl") }, () => {
  const s = scan(sample("stmcast-win11-26k-packets-pktmon.etl")!);
  assert.equal(s.records, 31068);
  assert.equal(s.rows.get("EVENT_HEADER64 4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac id=160 v0"), 26704);
  assert.equal(s.rows.get("EVENT_HEADER64 4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac id=170 v0"), 3428);
  assert.deepEqual(s.kinds, { SYSTEM64: 3, FULL_HEADER64: 92, EVENT_HEADER64: 30973 });
  assert.equal(s.outOfOrder, 0);
  assert.equal(s.reader.info.numberOfProcessors, 16);
  // The buffers come from several CPUs, so order is the merge's doing, not the file's.
  const cpus = new Set<number>();
  const r = EtlReader.open(sample("stmcast-win11-26k-packets-pktmon.etl")!);
  let switches = 0, prev = -1;
  while (r.next()) {
    cpus.add(r.record.cpu);
    if (prev >= 0 && r.record.cpu !== prev) switches++;
    prev = r.record.cpu;
  }
  r.close();
  assert.ok(cpus.size >= 2, `records from ${cpus.size} CPUs`);
  assert.ok(switches > 100, `the merge interleaves CPUs (${switches} switches)`);
});

test("every .etl in the samples folder parses without diagnostics and every record decodes", { skip: missing() }, (t) => {
  const names = etlSamples();
  for (const n of Object.keys(EXPECTED)) assert.ok(names.includes(n), `${n} is in the samples folder`);
  let total = 0;
  for (const name of names) {
    const d = new TraceDecoder(sample(name)!);
    let n = 0, last = -Infinity, withSchema = 0;
    try {
      while (d.next()) {
        const e = d.decode();
        assert.ok(e.ticks >= last, `${name}: event ${n} goes back in time`);
        last = e.ticks;
        if (e.fields) {
          withSchema++;
          assert.equal(e.truncated, false, `${name}: event ${n} (${e.providerName} ${e.id}) is truncated`);
        }
        n++;
      }
    } finally {
      d.close();
    }
    assert.deepEqual(d.reader.diagnostics, [], `${name}: diagnostics`);
    if (EXPECTED[name]) assert.equal(n, EXPECTED[name].events, `${name}: decoded events`);
    // Every EVENT_HEADER record of these files has a schema (embedded TRACE_EVENT_INFO or TraceLogging), except
    // the CLR rundown event of the 32-bit PerfView file.
    if (name !== "perfview-smallEtlFile-32bit-compressed.etl" && EXPECTED[name]) {
      const eh = scan(sample(name)!).kinds;
      assert.equal(withSchema, (eh.EVENT_HEADER64 ?? 0) + (eh.EVENT_HEADER32 ?? 0), `${name}: events with a schema`);
    }
    total += n;
  }
  t.diagnostic(`${names.length} files, ${total} events decoded`);
});
