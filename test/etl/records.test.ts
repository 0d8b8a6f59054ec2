// Record kinds and header details no real sample carries: EVENT_HEADER extended data items, WPP (TraceMessage)
// records, and the system-time and CPU-cycle clocks. Inputs are written by the tests (EtlWriter + hand-made bytes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { EtlReader, EtlWriter, memorySink, RecordKind, TraceClock } from "../../src/etl/mod.js";
import type { LogfileInfo } from "../../src/etl/mod.js";
import { TraceDecoder } from "../../src/events/mod.js";
import { writeGuid } from "../../src/bytes/guid.js";

const START = 132670973801396699n; // 2021-06-02T08:49:40.1396699Z
const PROVIDER = "11111111-2222-3333-4444-555555555555";

/** One extended data item: 8-byte header (size, type, linkage, data size) + data padded to 8. */
function item(type: number, data: Uint8Array, last: boolean): Uint8Array {
  const size = 8 + ((data.length + 7) & ~7);
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, size, true);
  dv.setUint16(2, type, true);
  dv.setUint16(4, last ? 0 : 1, true);
  dv.setUint16(6, data.length, true);
  b.set(data, 8);
  return b;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function guidBytes(g: string): Uint8Array {
  const b = new Uint8Array(16);
  writeGuid(b, 0, g);
  return b;
}

function u32s(...v: number[]): Uint8Array {
  const b = new Uint8Array(v.length * 4);
  v.forEach((x, i) => new DataView(b.buffer).setUint32(i * 4, x, true));
  return b;
}

function u64s(...v: bigint[]): Uint8Array {
  const b = new Uint8Array(v.length * 8);
  v.forEach((x, i) => new DataView(b.buffer).setBigUint64(i * 8, x, true));
  return b;
}

test("EVENT_HEADER extended data items decode (related activity, SID, session, instance, stack, traits, process key)", () => {
  const sid = Uint8Array.of(1, 2, 0, 0, 0, 0, 0, 5, 0x20, 0, 0, 0, 0x20, 0x02, 0, 0); // S-1-5-32-544
  // PROV_TRAITS: u16 total size, NUL-terminated UTF-8 name, then traits {u16 size, u8 type (1 = group GUID), GUID}.
  const name = new TextEncoder().encode("MyProvider\0");
  const traits = concat([Uint8Array.of(2 + name.length + 19, 0), name, Uint8Array.of(19, 0, 1), guidBytes("4f50731a-89cf-4782-b3e0-dce8c90476ba")]);
  const ext = concat([
    item(1, guidBytes("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"), false),
    item(2, sid, false),
    item(3, u32s(7), false),
    item(4, concat([u32s(11, 12), guidBytes("0c885e0d-6eb6-476c-a048-2457eed3a5c1")]), false),
    item(6, u64s(0x1234n, 0xfffff80012345678n, 0xfffff80087654321n), false),
    item(12, traits, false),
    item(13, u64s(281474976710693n), true),
  ]);
  const sink = memorySink();
  const w = new EtlWriter(sink, { startTime: START, cpus: 1 });
  w.writeEvent({ cpu: 0, ticks: 5, provider: PROVIDER, id: 9, extended: ext, payload: Uint8Array.of(0xde, 0xad, 0xbe, 0xef), activityId: "01020304-0506-0708-090a-0b0c0d0e0f10" });
  w.close();
  const r = EtlReader.open(sink.bytes());
  let seen = 0;
  while (r.next()) {
    const rec = r.record;
    if (rec.kind !== RecordKind.EventHeader) continue;
    seen++;
    assert.deepEqual([...rec.payload()], [0xde, 0xad, 0xbe, 0xef]);
    assert.equal(rec.activityId(), "01020304-0506-0708-090a-0b0c0d0e0f10");
    const items = rec.extendedItems();
    const traitsAt = items[5].type === "provider-traits" ? items[5].offset : -1;
    assert.equal(rec.bytes[traitsAt], traits[0]); // the offset points at the traits data in the record
    assert.deepEqual(items, [
      { type: "related-activity-id", value: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" },
      { type: "sid", value: "S-1-5-32-544" },
      { type: "terminal-session-id", value: 7 },
      { type: "instance-info", instanceId: 11, parentInstanceId: 12, parentGuid: "0c885e0d-6eb6-476c-a048-2457eed3a5c1" },
      { type: "stack-trace", matchId: "0x1234", frames: ["0xfffff80012345678", "0xfffff80087654321"] },
      { type: "provider-traits", providerName: "MyProvider", groupGuid: "4f50731a-89cf-4782-b3e0-dce8c90476ba", offset: traitsAt, length: traits.length },
      { type: "process-start-key", value: "281474976710693" },
    ]);
  }
  assert.equal(seen, 1);
  assert.deepEqual(r.diagnostics, []);
  // The decoder exposes the related activity id and the provider name from the traits.
  const d = new TraceDecoder(sink.bytes());
  let e = null;
  while (d.next()) if (d.record.kind === RecordKind.EventHeader) e = d.decode();
  assert.ok(e);
  assert.equal(e.relatedActivityId, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
  assert.equal(e.providerName, "MyProvider");
  assert.equal(e.payloadSize, 4);
});

test("WPP (TraceMessage) records are delivered, counted and reported once, with GUID, ids and time", () => {
  // Write a file with one placeholder event, then overwrite that record with a WPP record of the same size.
  const sink = memorySink();
  const w = new EtlWriter(sink, { startTime: START, cpus: 1 });
  w.writeEvent({ cpu: 0, ticks: 1000, provider: PROVIDER, id: 1, payload: new Uint8Array(16) });
  w.writeEvent({ cpu: 0, ticks: 2000, provider: PROVIDER, id: 2, payload: new Uint8Array(4) });
  w.close();
  const bytes = sink.bytes();
  const reader = EtlReader.open(bytes, { order: "file" });
  let at = -1;
  let raw = 0;
  let rawHi = 0;
  while (reader.next()) {
    const rec = reader.record;
    if (rec.kind === RecordKind.EventHeader && rec.id === 1) {
      at = rec.bufferOffset + 0x48 + rec.start;
      raw = rec.rawLo;
      rawHi = rec.rawHi;
    }
  }
  assert.ok(at > 0);
  const size = 0x50 + 16; // same size as the placeholder
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  dv.setUint16(at, size, true);
  bytes[at + 2] = 0x00;
  bytes[at + 3] = 0x90;
  dv.setUint16(at + 4, 42, true); // MessageNumber
  dv.setUint16(at + 6, 0x02 | 0x08 | 0x20, true); // GUID, TIMESTAMP, SYSTEMINFO
  writeGuid(bytes, at + 8, "1f387cbc-6818-4530-9db6-5f1058cd7e86");
  dv.setUint32(at + 24, raw, true);
  dv.setUint32(at + 28, rawHi, true);
  dv.setUint32(at + 32, 0x1a8, true); // ThreadId
  dv.setUint32(at + 36, 4, true); // ProcessId
  const r = EtlReader.open(bytes);
  const kinds: number[] = [];
  let wpp = null;
  while (r.next()) {
    kinds.push(r.record.kind);
    if (r.record.kind === RecordKind.Message) wpp = { id: r.record.id, guid: r.record.providerId, tid: r.record.tid, pid: r.record.pid, ticks: r.record.ticks, payload: r.record.payloadEnd - r.record.payloadStart };
  }
  assert.deepEqual(kinds, [RecordKind.System, RecordKind.Message, RecordKind.EventHeader]);
  assert.deepEqual(wpp, { id: 42, guid: "1f387cbc-6818-4530-9db6-5f1058cd7e86", tid: 0x1a8, pid: 4, ticks: 1000, payload: size - 40 });
  assert.equal(r.stats().wppSkipped, 1);
  assert.equal(r.diagnosticCounts["record-wpp-skipped"], 1);
});

function info(clockType: number, perfFreq: number, cpuSpeedMHz: number): LogfileInfo {
  return {
    bufferSize: 65536, osVersion: "10.0", osBuild: 20348, numberOfProcessors: 1, endTime: START, timerResolution: 156250,
    maximumFileSize: 0, logFileMode: 1, buffersWritten: 1, pointerSize: 8, eventsLost: 0, cpuSpeedMHz,
    timeZone: { bias: 0, standardName: "", standardBias: 0, daylightName: "", daylightBias: 0 },
    bootTime: START - 1n, perfFreq, startTime: START, clockType, buffersLost: 0, loggerName: "", logFileName: "",
  };
}

test("TraceClock: QPC at 3,117,777 Hz stays exact over 30 days (no float drift)", () => {
  const c = new TraceClock(info(1, 3117777, 3193), 0, 1000);
  const thirtyDays = 3117777 * 86400 * 30; // raw ticks
  const hi = Math.floor((thirtyDays + 1000) / 4294967296);
  const lo = (thirtyDays + 1000) % 4294967296;
  assert.equal(c.ticks(hi, lo), 86400 * 30 * 1e7);
  assert.equal(c.ticks(0, 1000 + 3117777), 1e7);
  assert.equal(c.ticks(0, 1000 + 1), 3); // 1 raw tick = 3.2 × 100 ns, floored
  assert.equal(c.iso(86400 * 30 * 1e7), "2021-07-02T08:49:40.1396699Z");
});

test("TraceClock: system-time clock (raw values are FILETIMEs) converts exactly", () => {
  const raw0 = START;
  const c = new TraceClock(info(2, 10_000_000, 2400), Number(raw0 >> 32n), Number(raw0 & 0xffffffffn));
  const later = raw0 + 123456789n;
  assert.equal(c.ticks(Number(later >> 32n), Number(later & 0xffffffffn)), 123456789);
  assert.equal(c.iso(123456789), "2021-06-02T08:49:52.4853488Z");
  assert.equal(c.name, "system time");
});

test("TraceClock: CPU-cycle clock scales by CpuSpeedInMHz", () => {
  const c = new TraceClock(info(3, 10_000_000, 2400), 0, 0);
  assert.equal(c.ticks(0, 2400), 10); // 2400 cycles at 2.4 GHz = 1 µs = 10 × 100 ns
  assert.equal(c.ticks(0, 2_400_000_000), 1e7);
  assert.equal(c.frequency, 2.4e9);
  assert.equal(c.name, "CPU cycle counter");
});
