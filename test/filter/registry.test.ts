// Fields come from the dissector registry, not from a list in the compiler: a dissector registered only in
// this test ("toy", on UDP port 9999) is filterable at once — its protocol word, its fields of every type,
// multi-valued fields, and the either fields (toy.addr, toy.port) synthesized from its src/dst pairs.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Dissector, DissectorModule, FieldSpec, PacketRecord } from "../../src/packets/mod.js";
import { BASE_MODULES, Proto, buildTables, builtinTables } from "../../src/packets/mod.js";
import { FilterError, compileFilter } from "../../src/filter/mod.js";
import { ascii, concat, eth, ipv4, record, udp } from "./build.js";
import { which as whichIn } from "./corpus.js";

/**
 * Toy header (17 bytes, then names):
 *   0 src IPv4 | 4 dst IPv4 | 8 srcport u16 | 10 dstport u16 | 12 delta i16 | 14 flag u8 | 15 reserved | 16 count u8
 *   then count × (length u8, ASCII name).
 */
const field = (abbrev: string, type: FieldSpec["type"], get: FieldSpec["get"]): FieldSpec => ({ abbrev, name: abbrev, type, get });

const toy: Dissector = {
  proto: Proto.Dns, // any free id: these tables hold no DNS dissector
  abbrev: "toy",
  name: "Toy protocol",
  decode(d, off, end) {
    if (off + 17 > d.length) return d.cut(Proto.Dns);
    d.push(Proto.Dns, off, off + 17, end);
    return Proto.None;
  },
  fields: [
    field("toy.src", "ipv4", (d, i) => d.u32(d.start[i])),
    field("toy.dst", "ipv4", (d, i) => d.u32(d.start[i] + 4)),
    field("toy.srcport", "uint", (d, i) => d.u16(d.start[i] + 8)),
    field("toy.dstport", "uint", (d, i) => d.u16(d.start[i] + 10)),
    field("toy.delta", "int", (d, i) => d.dv.getInt16(d.start[i] + 12)),
    field("toy.flag", "bool", (d, i) => d.u8(d.start[i] + 14) !== 0),
    field("toy.blob", "bytes", (d, i) => d.bytes.subarray(d.start[i], d.start[i] + 4)),
    field("toy.name", "string", (d, i) => {
      const names: string[] = [];
      let p = d.start[i] + 17;
      for (let k = d.u8(d.start[i] + 16); k > 0 && p < d.end[i]; k--) {
        const n = d.u8(p);
        names.push(String.fromCharCode(...d.bytes.subarray(p + 1, p + 1 + n)));
        p += 1 + n;
      }
      return names.length ? names : undefined;
    }),
  ],
};

const TOY: DissectorModule = { dissector: toy, handoff: (t) => { t.udpPort[9999] = Proto.Dns; } };
const TABLES = buildTables([...BASE_MODULES, TOY]);

function toyPayload(src: number[], dst: number[], sport: number, dport: number, delta: number, flag: number, names: string[]): Uint8Array {
  const hdr = [...src, ...dst, sport >> 8, sport & 255, dport >> 8, dport & 255, (delta >> 8) & 255, delta & 255, flag, 0, names.length];
  return concat(Uint8Array.from(hdr), ...names.map((n) => concat(Uint8Array.of(n.length), ascii(n))));
}

const A = "00:11:22:33:44:55";
const B = "66:77:88:99:aa:bb";
const CORPUS: (readonly [string, PacketRecord])[] = [
  // t1: 10.0.0.1:1111 → 10.0.0.2:2222, delta -5, flag set, names a.example + b.example
  ["t1", record(eth(B, A, 0x0800, ipv4("192.168.0.1", "192.168.0.2", 17,
    udp(40000, 9999, toyPayload([10, 0, 0, 1], [10, 0, 0, 2], 1111, 2222, -5, 1, ["a.example", "b.example"])))))],
  // t2: 10.0.0.3:3333 → 10.0.0.1:1111, delta 300, flag clear, one name a.example
  ["t2", record(eth(B, A, 0x0800, ipv4("192.168.0.1", "192.168.0.2", 17,
    udp(40000, 9999, toyPayload([10, 0, 0, 3], [10, 0, 0, 1], 3333, 1111, 300, 0, ["a.example"])))))],
  // t3: same header, no names
  ["t3", record(eth(B, A, 0x0800, ipv4("192.168.0.1", "192.168.0.2", 17,
    udp(40000, 9999, toyPayload([10, 0, 0, 3], [10, 0, 0, 4], 3333, 4444, 0, 0, [])))))],
  // plain UDP on another port: no toy layer
  ["other", record(eth(B, A, 0x0800, ipv4("192.168.0.1", "192.168.0.2", 17, udp(40000, 9998, Uint8Array.of(1, 2, 3)))))],
];

const which = (filter: string): string[] => whichIn(filter, TABLES, CORPUS);

test("a registered dissector's name is a protocol word", () => {
  assert.deepEqual(which("toy"), ["t1", "t2", "t3"]);
  assert.deepEqual(which("udp and not toy"), ["other"]);
  assert.deepEqual(which('toy contains "b.ex"'), ["t1"]);
});

test("its fields of every type compare, and either fields are synthesized from src/dst pairs", () => {
  assert.deepEqual(which("toy.src == 10.0.0.3"), ["t2", "t3"]);
  assert.deepEqual(which("toy.addr == 10.0.0.1"), ["t1", "t2"]);
  assert.deepEqual(which("toy.addr == 10.0.0.4/32"), ["t3"]);
  assert.deepEqual(which("toy.port == 1111"), ["t1", "t2"]);
  assert.deepEqual(which("toy.port in {2222 4444}"), ["t1", "t3"]);
  assert.deepEqual(which("toy.delta == -5"), ["t1"]);
  assert.deepEqual(which("toy.delta < 0"), ["t1"]);
  assert.deepEqual(which("toy.delta >= 0"), ["t2", "t3"]);
  assert.deepEqual(which("toy.delta in {-10..10}"), ["t1", "t3"]);
  assert.deepEqual(which("toy.flag"), ["t1"]);
  assert.deepEqual(which("toy.flag == 0"), ["t2", "t3"]);
  assert.deepEqual(which("toy.blob == 0a:00:00:03"), ["t2", "t3"]);
  assert.deepEqual(which("toy.blob > 0a:00:00:01"), ["t2", "t3"]);
  assert.deepEqual(which("toy.blob contains 00:01"), ["t1"]);
});

test("multi-valued fields: any element for ==/contains/matches/in, every element for != and ===", () => {
  assert.deepEqual(which("toy.name"), ["t1", "t2"]); // t3 has no names: the field is absent
  assert.deepEqual(which('toy.name == "b.example"'), ["t1"]);
  assert.deepEqual(which("toy.name == a.example"), ["t1", "t2"]);
  assert.deepEqual(which('toy.name != "a.example"'), []);
  assert.deepEqual(which('toy.name != "b.example"'), ["t2"]);
  assert.deepEqual(which('toy.name !== "a.example"'), ["t1"]);
  assert.deepEqual(which('toy.name === "a.example"'), ["t2"]);
  assert.deepEqual(which('toy.name contains "b."'), ["t1"]);
  assert.deepEqual(which('toy.name matches "^B\\\\."'), ["t1"]);
  assert.deepEqual(which('toy.name in {"b.example" "zzz"}'), ["t1"]);
  assert.deepEqual(which('toy.name not in {"b.example"}'), ["t2"]);
  assert.deepEqual(which('toy.name > "a.example"'), ["t1"]);
});

test("suggestions and unknown names follow the registry", () => {
  assert.throws(() => compileFilter("toy.nme == x", TABLES), (e: unknown) =>
    e instanceof FilterError && e.column === 1 && e.message.startsWith('filter: unknown field "toy.nme" (did you mean toy.name?)'));
  assert.throws(() => compileFilter("toy.addr == 10.0.0.1", builtinTables()), (e: unknown) =>
    e instanceof FilterError && e.column === 1 && /unknown field "toy\.addr"/.test(e.message));
});
