/**
 * TraceLogging (self-describing) events: the schema travels in each event (extended item EVENT_SCHEMA_TL, 11)
 * and the provider name in PROV_TRAITS (12).
 *
 * Expected values come from PerfView's own tests for the two PerfView files:
 *  - microsoft/perfview src/TraceEvent/TraceEvent.Tests/inputs/primitive-types.baseline.txt (the dump of
 *    primitive-types.etl: header fields, and per event the relative time in ms, PID, TID, processor, DataLen and
 *    every field);
 *  - microsoft/perfview src/TraceEvent/TraceEvent.Tests/Regression/Issue1618.cs (SelfDescribingSingleEvent.etl:
 *    provider "MySource", event "TestEvent", payload 0 is the struct { "b":"Hello", "c":"World!" }).
 * The airbus lxcore file has no published expectations; its values were checked against the raw bytes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatValue } from "../../src/events/mod.js";
import type { EtwEvent, TraceDecoder } from "../../src/events/mod.js";
import { missing, sample } from "../helpers/samples.js";
import { decodeAll as decodeInput } from "../helpers/decode.js";

function decodeAll(name: string): { events: EtwEvent[]; d: TraceDecoder } {
  const { events, decoder } = decodeInput(sample(name)!);
  assert.deepEqual(decoder.reader.diagnostics, []);
  return { events, d: decoder };
}


const PRIMITIVE = "perfview-primitive-types-tracelogging.etl";

/** PerfView's primitive-types.baseline.txt, event by event (values as PerfView prints them). */
const PERFVIEW_PRIMITIVE = [
  { ms: "2,942.306", len: 78, string_type: "Mercury", boolean_type: false, char_type: 77, int16_type: -51, int32_type: -102, uint16_type: 51, uint32_type: 102, int64_type: -204, uint64_type: 204, guid: "0ad614c4-0ef4-4225-8013-f44f37cb0397", file_time: "2021-09-09T14:59:35.7990000Z", system_time: "2021-09-09T14:59:35.799" },
  { ms: "3,381.259", len: 76, string_type: "Venus", boolean_type: true, char_type: 86, int16_type: -95, int32_type: -190, uint16_type: 95, uint32_type: 190, int64_type: -380, uint64_type: 380, guid: "e04ff801-9ea3-494f-a10e-8ef833e9099f", file_time: "2021-09-09T14:59:36.2390000Z", system_time: "2021-09-09T14:59:36.239" },
  { ms: "3,814.002", len: 76, string_type: "Earth", boolean_type: false, char_type: 69, int16_type: -65, int32_type: -130, uint16_type: 65, uint32_type: 130, int64_type: -260, uint64_type: 260, guid: "c7a6c80e-f2a6-4220-ab98-d7c21a58f9fb", file_time: "2021-09-09T14:59:36.6710000Z", system_time: "2021-09-09T14:59:36.671" },
  { ms: "4,190.408", len: 75, string_type: "Mars", boolean_type: false, char_type: 77, int16_type: -29, int32_type: -58, uint16_type: 29, uint32_type: 58, int64_type: -116, uint64_type: 116, guid: "0a922cee-67c1-4108-b39d-b132e47033c4", file_time: "2021-09-09T14:59:37.0480000Z", system_time: "2021-09-09T14:59:37.048" },
  { ms: "4,626.652", len: 78, string_type: "Jupiter", boolean_type: true, char_type: 74, int16_type: -69, int32_type: -138, uint16_type: 69, uint32_type: 138, int64_type: -276, uint64_type: 276, guid: "bb11b97b-1110-4eb6-bc33-fd71219d322e", file_time: "2021-09-09T14:59:37.4840000Z", system_time: "2021-09-09T14:59:37.484" },
];

test(`${PRIMITIVE}: 5 PrimitiveTypesTest events decode to PerfView's baseline values`, { skip: missing(PRIMITIVE) }, () => {
  const { events, d } = decodeAll(PRIMITIVE);
  assert.equal(events.length, 7);

  // Header, as in the baseline's first line.
  const i = d.info;
  assert.equal(events[0].name, "Header");
  assert.equal(events[0].pid, 39096);
  assert.equal(events[0].tid, 29376);
  assert.equal(events[0].cpu, 0);
  assert.equal(i.loggerName, "solar_system");
  assert.equal(i.bufferSize, 8192);
  assert.equal(i.osBuild, 19043);
  assert.equal(i.numberOfProcessors, 8);
  assert.equal(i.logFileMode, 0);
  assert.equal(i.buffersWritten, 2);
  assert.equal(i.pointerSize, 8);
  assert.equal(i.cpuSpeedMHz, 2304);
  assert.equal(i.perfFreq, 10_000_000);
  assert.equal(i.clockType, 1);
  assert.equal(i.timeZone.bias, -120, "PerfView: UtcOffsetMinutes=-120");
  assert.equal(events[0].payloadSize, 366, "PerfView: DataLen=366");

  const tl = events.filter((e) => e.kind === "EVENT_HEADER");
  assert.equal(tl.length, 5);
  tl.forEach((e, k) => {
    const x = PERFVIEW_PRIMITIVE[k];
    const at = `event ${k} (${x.string_type})`;
    assert.equal(e.providerName, "solar_system", at);
    assert.equal(e.providerId, "d3dd3dd4-aac2-4e2a-8dd4-a8fb61b77615", at);
    assert.equal(e.name, "PrimitiveTypesTest", at);
    assert.equal(e.schemaSource, "tracelogging", at);
    assert.equal(e.id, 0);
    assert.equal(e.level, 5);
    assert.equal(e.pid, 33984);
    assert.equal(e.tid, 21768);
    assert.equal(e.cpu, 2, `${at}: ProceNum`);
    assert.equal(e.payloadSize, x.len, `${at}: DataLen`);
    // PerfView prints the time since the session start in ms with 3 decimals.
    assert.equal((e.ticks / 1e4).toLocaleString("en-US", { minimumFractionDigits: 3, maximumFractionDigits: 3 }), x.ms, `${at}: time`);
    assert.equal(e.truncated, false);
    const f = e.fields!;
    assert.deepEqual(Object.keys(f), ["string_type", "boolean_type", "char_type", "int16_type", "int32_type", "uint16_type", "uint32_type", "int64_type", "uint64_type", "guid_type", "file_time_type", "system_time_type"]);
    assert.equal(f.string_type, x.string_type, `${at}: string_type`);
    assert.equal(f.boolean_type, x.boolean_type, `${at}: boolean_type (UInt8, out type Boolean)`);
    assert.equal(f.char_type, x.char_type, `${at}: char_type (UInt8, out type String; PerfView prints the number)`);
    assert.equal(f.int16_type, x.int16_type);
    assert.equal(f.int32_type, x.int32_type);
    assert.equal(f.uint16_type, x.uint16_type);
    assert.equal(f.uint32_type, x.uint32_type);
    // The event's metadata declares int64_type as UINT64 (InType 10), so TDH semantics give the unsigned value;
    // PerfView shows the same 8 bytes as signed. Same bits either way.
    assert.equal(typeof f.int64_type, "bigint");
    assert.equal(BigInt.asIntN(64, f.int64_type as bigint), BigInt(x.int64_type), `${at}: int64_type bits`);
    assert.equal(f.int64_type, (1n << 64n) + BigInt(x.int64_type));
    assert.equal(f.uint64_type, x.uint64_type);
    assert.equal(f.guid_type, x.guid, `${at}: guid_type`);
    assert.equal(typeof f.file_time_type, "bigint");
    assert.equal(formatValue({ name: "file_time_type", inType: "FILETIME" }, f.file_time_type, {}, 8), x.file_time, `${at}: file_time_type`);
    // SYSTEMTIME 2021-09-09 14:59:35.799 (wYear 2021, wMonth 9, wDayOfWeek 4, wDay 9, …, wMilliseconds 799): the
    // same instant as file_time_type to the millisecond. (PerfView's baseline prints "…:35.03…" for every event,
    // which is not what the bytes hold.)
    assert.equal(f.system_time_type, x.system_time, `${at}: system_time_type`);
    assert.equal(`${f.system_time_type}`.slice(0, 23), x.file_time.slice(0, 23));
  });
});

const SINGLE = "perfview-SelfDescribingSingleEvent-tracelogging.etl";

test(`${SINGLE}: MySource/TestEvent with struct a = { b: "Hello", c: "World!" } (PerfView Issue1618)`, { skip: missing(SINGLE) }, () => {
  const { events } = decodeAll(SINGLE);
  assert.equal(events.length, 23);
  const tl = events.filter((e) => e.kind === "EVENT_HEADER");
  assert.equal(tl.length, 1);
  const e = tl[0];
  assert.equal(e.providerName, "MySource");
  assert.equal(e.providerId, "a61ea624-4944-55fc-c2a8-37838829438d");
  assert.equal(e.name, "TestEvent");
  assert.equal(e.id, 3);
  assert.equal(e.level, 5);
  assert.equal(e.pid, 111592);
  assert.equal(e.tid, 52284);
  assert.equal(e.time, "2022-04-20T21:27:16.5904094Z");
  assert.equal(e.schemaSource, "tracelogging");
  assert.equal(e.payloadSize, 26);
  assert.deepEqual(e.fields, { a: { b: "Hello", c: "World!" } });
  assert.deepEqual(e.extended?.map((x) => x.type), ["provider-traits", "tracelogging-schema"]);
  const traits = e.extended?.find((x) => x.type === "provider-traits");
  assert.deepEqual(traits && traits.type === "provider-traits" ? [traits.providerName, traits.groupGuid] : null, ["MySource", null]);
});

const LXCORE = "airbus-lxcore_kernel-tracelogging.etl";

test(`${LXCORE}: 2 LxCore BreakPoint events with counted/NUL-terminated ANSI strings, GUID and ints`, { skip: missing(LXCORE) }, () => {
  const { events, d } = decodeAll(LXCORE);
  assert.equal(events.length, 4);
  assert.equal(d.info.logFileMode, 0, "plain real-time session file, not relogged");
  const tl = events.filter((e) => e.kind === "EVENT_HEADER");
  assert.equal(tl.length, 2);
  const common = {
    ErrorLevel: 2, instanceId: "00000000-0000-0000-0000-000000000000", LxPid: -1, LxTid: -1, LxNs: 0, ExecutablePath: "",
  };
  const expected = [
    { time: "2020-07-14T12:04:36.9026510Z", cpu: 5, size: 118, fields: { ...common, Function: "LxpDrvFsTypeMount", Line: 10528, Message: "Failed to open volume C:\\WINDOWS\\system32\\lxss\\tools, result -2\n" } },
    { time: "2020-07-14T12:04:36.9038717Z", cpu: 3, size: 88, fields: { ...common, Function: "LxpInstanceStart", Line: 2659, Message: "[0xc0000034] LxpInstanceInitialize\n" } },
  ];
  tl.forEach((e, k) => {
    const x = expected[k];
    assert.equal(e.providerName, "Microsoft.Windows.Subsystem.LxCore");
    assert.equal(e.providerId, "0cd1c309-0878-4515-83db-749843b3f5c9");
    assert.equal(e.name, "BreakPoint");
    assert.equal(e.id, 0);
    assert.equal(e.level, 2);
    assert.equal(e.channel, 11, "TraceLogging channel");
    assert.equal(e.keywords, "0x0000400000000000");
    assert.equal(e.pid, 5876);
    assert.equal(e.tid, 2868);
    assert.equal(e.time, x.time);
    assert.equal(e.cpu, x.cpu);
    assert.equal(e.payloadSize, x.size);
    assert.equal(e.truncated, false);
    assert.deepEqual(e.fields, x.fields);
    assert.deepEqual(Object.keys(e.fields!), ["ErrorLevel", "instanceId", "LxPid", "LxTid", "LxNs", "ExecutablePath", "Function", "Line", "Message"]);
    const traits = e.extended?.find((it) => it.type === "provider-traits");
    assert.ok(traits && traits.type === "provider-traits");
    assert.equal(traits.providerName, "Microsoft.Windows.Subsystem.LxCore");
    assert.equal(traits.groupGuid, "4f50731a-89cf-4782-b3e0-dce8c90476ba", "provider group trait");
  });
});
