// encodeTraceEventInfo / encodeEventMapInfo are the inverses of the parsers that read the metadata relogged files
// embed: every bundled schema and map survives the round trip, and the blobs have TDH's layout.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bundledSchemas, encodeEventMapInfo, encodeTraceEventInfo, parseEventMapInfo, parseTraceEventInfo } from "../../src/events/mod.js";
import type { EventSchema, FieldDef } from "../../src/events/mod.js";

/** What the parser can give back: everything but the per-build message table. */
function expected(s: EventSchema): EventSchema {
  const { messageByBuild: _drop, ...rest } = s;
  return { ...rest, level: rest.level ?? "4", fields: rest.fields.map(norm) };
}
function norm(f: FieldDef): FieldDef {
  return f.fields ? { ...f, fields: f.fields.map(norm) } : f;
}

test("every bundled event schema round-trips through TRACE_EVENT_INFO", () => {
  const b = bundledSchemas();
  let n = 0;
  for (const guid of b.guids()) {
    const p = b.get(guid)!;
    for (const s of p.events) {
      if (s.fields.some((f) => f.varCount)) continue;
      const blob = encodeTraceEventInfo({ providerGuid: p.guid, providerName: p.name, schema: s, keyword: 0x8000000000000002n });
      const back = parseTraceEventInfo(blob, 0, blob.length);
      assert.ok(back, `${p.name} ${s.id}`);
      assert.equal(back.providerGuid, p.guid);
      assert.equal(back.providerName, p.name);
      assert.deepEqual(JSON.parse(JSON.stringify(back.schema)), JSON.parse(JSON.stringify(expected(s))), `${p.name} ${s.id} v${s.version}`);
      n++;
    }
  }
  assert.ok(n > 500, `${n} schemas checked`);
});

test("TRACE_EVENT_INFO layout: descriptor, offsets, 24-byte property records, length/count references", () => {
  const s: EventSchema = {
    id: 1003, version: 0, name: "VMSwitchPacketFragment", level: "Informational", keywords: ["VMSwitch"], message: "VMSwitch Packet Fragment (%9 bytes)",
    fields: [
      { name: "Count", inType: "UInt32" }, { name: "Dest", inType: "Double", count: "Count" },
      { name: "Size", inType: "UInt32" }, { name: "Data", inType: "Binary", length: "Size" },
      { name: "Mac", inType: "Binary", length: 6 }, { name: "Pair", inType: "Struct", fields: [{ name: "A", inType: "UInt16" }, { name: "B", inType: "UnicodeString" }] },
    ],
  };
  const blob = encodeTraceEventInfo({ providerGuid: "2ed6006e-4729-4609-b423-3ee7bcd678ef", providerName: "Microsoft-Windows-NDIS-PacketCapture", schema: s, keyword: 0x1000000n });
  const dv = new DataView(blob.buffer);
  assert.deepEqual([...blob.subarray(0, 4)], [0x6e, 0x00, 0xd6, 0x2e]); // GUID Data1 little-endian
  assert.equal(dv.getUint16(32, true), 1003);
  assert.equal(blob[36], 4, "level Informational");
  assert.equal(dv.getBigUint64(40, true), 0x1000000n);
  assert.equal(dv.getUint32(100, true), 8, "6 top-level + 2 struct members");
  assert.equal(dv.getUint32(104, true), 6);
  const prop = (i: number) => ({ flags: dv.getUint32(112 + i * 24, true), a: dv.getUint16(112 + i * 24 + 16, true), b: dv.getUint16(112 + i * 24 + 18, true), it: dv.getUint16(112 + i * 24 + 8, true), ot: dv.getUint16(112 + i * 24 + 10, true) });
  assert.deepEqual(prop(1), { flags: 0x4, a: 0, b: 8, it: 12, ot: 0 }, "Dest: count from property 0");
  assert.deepEqual(prop(3), { flags: 0x2, a: 1, b: 2, it: 14, ot: 0 }, "Data: length from property 2");
  assert.deepEqual(prop(4), { flags: 0x10, a: 1, b: 6, it: 14, ot: 0 }, "Mac: fixed length");
  assert.deepEqual(prop(5), { flags: 0x1, a: 1, b: 0, it: 6, ot: 2 }, "Pair: struct members start at 6, 2 of them");
  const back = parseTraceEventInfo(blob, 0, blob.length)!;
  assert.deepEqual(JSON.parse(JSON.stringify(back.schema)), JSON.parse(JSON.stringify(s)));
});

test("every bundled value map round-trips through EVENT_MAP_INFO", () => {
  const b = bundledSchemas();
  let n = 0;
  for (const guid of b.guids()) {
    for (const [name, map] of Object.entries(b.get(guid)!.maps ?? {})) {
      const blob = encodeEventMapInfo(name, map);
      const back = parseEventMapInfo(blob, 0, blob.length);
      assert.ok(back);
      assert.equal(back.name, name);
      assert.equal(back.map.kind, map.kind);
      const norm = (e: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(e).map(([k, v]) => [String(Number(k) >>> 0), v]));
      assert.deepEqual(back.map.entries, norm(map.entries), name);
      n++;
    }
  }
  assert.ok(n >= 10, `${n} maps checked`);
});
