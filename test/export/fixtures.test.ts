/**
 * Synthetic captures (test/export/fixtures.ts) through PacketReader and the pcapng exporter, read back with our
 * pcapng reader and with tshark: NDIS 1001 fragment joining across CPUs, 1003 VLAN/hash from the OOB data,
 * VXLAN and NVGRE inside 1001/1003, truncation, pktmon first-appearance dedup, drops, u64 packet ids.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { fileSink } from "../../src/etl/mod.js";
import { PacketReader, Proto } from "../../src/packets/mod.js";
import type { PacketRecord } from "../../src/packets/mod.js";
import { exportPcapng, pcapngFileSink, pcapngMemorySink, readPcapng, UnixNsClock } from "../../src/export/mod.js";
import type { PcapngFile } from "../../src/export/mod.js";
import { BIG_GROUP, START, writeNdisFixture, writePktmonFixture } from "./fixtures.js";
import type { ExpectedPacket } from "./fixtures.js";
import { AGG, compareWithTshark, noTshark, tsharkFields } from "./tshark.js";

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-export-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

const ndisEtl = join(dir, "ndis.etl");
const expected: ExpectedPacket[] = writeNdisFixture(fileSink(ndisEtl));
const pktmonEtl = join(dir, "pktmon.etl");
const pktmonExpected = writePktmonFixture(fileSink(pktmonEtl));
const ns = (ticks: number): bigint => new UnixNsClock(START).bigint(ticks);

function records(path: string): PacketRecord[] {
  const r = new PacketReader(path);
  const out = [...r];
  r.close();
  return out;
}

function exportToMemory(path: string, o: Parameters<typeof exportPcapng>[2] = {}): PcapngFile {
  const sink = pcapngMemorySink();
  exportPcapng(new PacketReader(path), sink, o);
  return readPcapng(sink.bytes());
}

test("NDIS 1001: a frame in 3 fragments on one CPU is joined, around another CPU's single-event packet", () => {
  const recs = records(ndisEtl);
  assert.deepEqual(recs.map((r) => r.bytes.length), expected.map((e) => e.bytes.length));
  const [b, a] = recs;
  assert.equal(a.source, "ndis");
  assert.equal(a.ndis?.fragments, 3);
  assert.equal(a.cpu, 0);
  assert.equal(a.ticks, 1000, "a joined frame carries its first fragment's time");
  assert.deepEqual(a.bytes, expected[1].bytes);
  assert.equal(b.ndis?.fragments, 1);
  assert.equal(b.cpu, 1);
  assert.deepEqual([b.ndis?.miniportIfIndex, b.ndis?.lowerIfIndex, b.direction], [7, 9, "out"]);
  const r = new PacketReader(ndisEtl);
  assert.equal([...r].length, 10);
  assert.equal(r.stats.incompleteFrames, 0);
  assert.equal(r.stats.ndisFragments, 8);
  assert.equal(r.stats.ndisFrames, 6);
  assert.equal(r.stats.vmswitchFrames, 4);
});

test("NDIS 1003: VLAN id and RSS hash come from the OOB data; truncated frames get their IP length", () => {
  const recs = records(ndisEtl);
  const g = recs[6];
  assert.equal(g.source, "vmswitch");
  assert.deepEqual([g.vmswitch?.vlanId, g.vmswitch?.hashValue, g.vmswitch?.destinationCount, g.vmswitch?.sourcePortId], [42, 0x12345678, 1, 5]);
  assert.equal(recs[7].vmswitch?.vlanId, 0);
  const e = recs[4];
  assert.deepEqual([e.bytes.length, e.originalLength], [128, 642]);
});

test("pcapng from the NDIS fixture: one IDB per NIC / vSwitch port written lazily, etl2pcapng names, comments, flags", () => {
  const sink = pcapngMemorySink();
  const res = exportPcapng(new PacketReader(ndisEtl), sink);
  assert.deepEqual([res.seen, res.written, res.interfaces, res.repeatAppearances], [10, 10, 4, 0]);
  const f = readPcapng(sink.bytes());
  assert.deepEqual(f.interfaces.map((i) => [i.name, i.description ?? "", i.linkType, i.tsresol]), [
    ["eth:9:0", "LWF over IfIndex 7", 1, 9],
    ["eth:7:0", "", 1, 9],
    ["vNIC:Synthetic:4A1F0C3E-3C2B-4E8F-9B57-2E0D6A7C1B11:0:42", " VlanID=42 ", 1, 9],
    ["vNIC:External:9C3D5E71-8A42-4B6C-A1D3-7F2E9B0C4D22:0:0", "", 1, 9],
  ]);
  // Lazily: the vSwitch IDBs come after the NDIS packets.
  const bytes = sink.bytes();
  const idbOffsets: number[] = [];
  for (let p = 0; p < bytes.length;) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    if (dv.getUint32(p, true) === 1) idbOffsets.push(p);
    p += dv.getUint32(p + 4, true);
  }
  assert.ok(idbOffsets[2] > f.packets[5].offset && idbOffsets[2] < f.packets[6].offset, "the vNIC IDB is written just before its first packet");
  assert.equal(f.sections[0].userAppl, "wnvtrace");
  assert.equal(f.sections[0].os, "Windows 10.0 build 20348");
  f.packets.forEach((p, i) => {
    const e = expected[i];
    const iface = f.interfaces[p.interfaceIndex];
    assert.equal(iface.name, e.ifName, `${e.label}: interface`);
    assert.deepEqual(p.data, e.bytes, `${e.label}: bytes`);
    assert.equal(p.originalLength, e.originalLength, `${e.label}: original length`);
    assert.equal(p.timeNs, ns(e.ticks), `${e.label}: time`);
    assert.equal(p.flags, e.direction === "in" ? 1 : 2, `${e.label}: direction`);
    assert.deepEqual(p.comments, [e.comment], `${e.label}: comment`);
    assert.equal(p.packetId, undefined);
  });
});

test("pktmon fixture: first appearance of each (PktGroupId, PktNumber) by default, every one with allAppearances", () => {
  const first = exportToMemory(pktmonEtl);
  const firsts = pktmonExpected.filter((e, i) => pktmonExpected.findIndex((x) => x.group === e.group && x.pktNumber === e.pktNumber) === i);
  assert.equal(first.packets.length, 6);
  assert.deepEqual(first.packets.map((p) => p.packetId?.toString()), firsts.map((e) => e.group));
  assert.deepEqual(first.packets.map((p) => p.timeNs), firsts.map((e) => ns(e.ticks)));
  assert.deepEqual(first.packets.map((p) => [p.capturedLength, p.originalLength]), firsts.map((e) => [e.bytes.length, e.originalLength]));
  assert.equal(first.packets[2].packetId, BigInt(BIG_GROUP), "u64 PktGroupId beyond 2^53 is exact");
  // The component table is at the end of the file, yet names the interfaces (learned in the first pass).
  assert.deepEqual(first.interfaces.map((i) => [i.name, i.description]), [
    ["e1d68x64.sys", "Intel(R) Ethernet Connection (7) I219-LM"],
    ["tcpip.sys", "TCPIP"],
    ["Netwtw14.sys", "Intel(R) Wi-Fi 6E AX211 160MHz"],
  ]);
  assert.deepEqual(first.interfaces.map((i) => i.linkType), [1, 1, 105]);
  assert.deepEqual([...first.interfaces[0].mac!], [0, 0x1b, 0x21, 0xaa, 0xbb, 0xcc]);
  // The drop that is a first appearance carries the verdict and the reason in its comment.
  const drop = first.packets[4];
  assert.deepEqual(drop.verdicts.map((v) => v.type), [2]);
  assert.match(drop.comments[0], /^PID=4 TID=632 PktGroupId=103 PktNumber=1 Appearance=1 Direction=Rx Type=Ethernet Component=11 \[Intel\(R\) Ethernet Connection \(7\) I219-LM \(e1d68x64\.sys\)\] Edge=1 Filter=0 Drop: DropReason=Filtered \(8\) DropLocation=0x0e0004a3$/);
  assert.deepEqual(first.packets.map((p) => p.verdicts.length), [0, 0, 0, 0, 1, 0]);
  // 802.11: written with the Protected bit cleared (Windows logs decrypted frames with it set); nothing else changes.
  const wifi = first.packets[5];
  const logged = firsts[5].bytes;
  assert.equal(logged[1], 0x42);
  assert.equal(wifi.data[1], 0x02);
  assert.deepEqual(wifi.data.subarray(2), logged.subarray(2));

  const all = exportToMemory(pktmonEtl, { allAppearances: true });
  assert.equal(all.packets.length, pktmonExpected.length);
  all.packets.forEach((p, i) => {
    const e = pktmonExpected[i];
    if (e.packetType === 1) assert.deepEqual(p.data, e.bytes);
    assert.equal(p.packetId, BigInt(e.group));
    assert.equal(p.flags, e.dirTag === 3 ? 1 : 2);
    assert.equal(p.verdicts.length, e.drop ? 1 : 0);
    assert.match(p.comments[0], new RegExp(`PktGroupId=${e.group} PktNumber=${e.pktNumber} Appearance=${e.appearance} .*Component=${e.componentId} `));
  });
  assert.equal(all.interfaces.length, 4);
});

test("the filter runs before de-duplication: the first *matching* appearance is written", () => {
  // Only what component 12 (the WFP filter) saw: group 100 #2 and the drop of group 101 #2.
  const f = exportToMemory(pktmonEtl, { filter: (_d, p) => p.pktmon?.componentId === 12 });
  assert.deepEqual(f.packets.map((p) => p.comments[0].match(/Appearance=(\d+)/)?.[1]), ["2", "2"]);
  assert.equal(f.packets[1].verdicts.length, 1);
  // Ethernet / IP / UDP (the third layer is UDP): B, C, E, G, H — not F (802.1Q) nor I (GRE).
  const udpOnly = exportToMemory(ndisEtl, { filter: (d) => d.n > 2 && d.proto[2] === Proto.Udp });
  assert.deepEqual(udpOnly.packets.map((p) => p.capturedLength), expected.filter((e) => ["B", "C", "E", "G", "H"].includes(e.label)).map((e) => e.bytes.length));
});

test("an export streamed to a file is byte for byte the in-memory export", () => {
  const path = join(dir, "ndis.pcapng");
  exportPcapng(new PacketReader(ndisEtl), pcapngFileSink(path));
  const mem = pcapngMemorySink();
  exportPcapng(new PacketReader(ndisEtl), mem);
  assert.deepEqual(new Uint8Array(readFileSync(path)), mem.bytes());
});

test("tshark reads the NDIS fixture export cleanly and agrees with our dissector and the built values", { skip: noTshark }, (t) => {
  const path = join(dir, "ndis-tshark.pcapng");
  exportPcapng(new PacketReader(ndisEtl), pcapngFileSink(path));
  const c = compareWithTshark(path);
  assert.deepEqual(c.mismatches, []);
  assert.equal(c.malformed, 0, JSON.stringify(c.malformedStacks));
  assert.equal(c.packets, expected.length);
  t.diagnostic(`${c.packets} packets: ${c.identical} identical field by field, ${c.tsharkDeeper} where tshark decodes further (${Object.keys(c.deeperStacks).join(", ")})`);
  const fields = [...new Set(expected.flatMap((e) => Object.keys(e.tshark)))];
  const rows = tsharkFields(path, ["frame.interface_name", "frame.interface_description", "frame.comment", "frame.packet_flags_direction", ...fields]);
  rows.forEach((row, i) => {
    const e = expected[i];
    assert.equal(row["frame.interface_name"], e.ifName, `${e.label}: if_name`);
    assert.equal(row["frame.interface_description"], e.ifDescription, `${e.label}: if_description`);
    assert.equal(row["frame.comment"], e.comment, `${e.label}: comment`);
    assert.equal(Number(row["frame.packet_flags_direction"]), e.direction === "in" ? 1 : 2, `${e.label}: direction`);
    for (const [k, v] of Object.entries(e.tshark)) {
      const got = row[k];
      const same = got === v || (/^(0x[0-9a-f]+|\d+)$/i.test(got) && /^(0x[0-9a-f]+|\d+)$/i.test(v) && Number(got) === Number(v));
      assert.ok(same, `${e.label}: tshark ${k} = ${JSON.stringify(got)}, built ${JSON.stringify(v)} (occurrences joined with ${AGG})`);
    }
  });
});

test("tshark reads the pktmon fixture export (both modes) and agrees with us", { skip: noTshark }, () => {
  for (const all of [false, true]) {
    const path = join(dir, `pktmon-${all}.pcapng`);
    exportPcapng(new PacketReader(pktmonEtl), pcapngFileSink(path), { allAppearances: all });
    const c = compareWithTshark(path);
    assert.deepEqual(c.mismatches, []);
    assert.equal(c.malformed, 0);
    assert.equal(c.packets, all ? 9 : 6);
    const rows = tsharkFields(path, ["frame.packet_id", "frame.verdict.ebpf_xdp", "frame.interface_name"]);
    assert.equal(rows[2]["frame.packet_id"], all ? "100" : BIG_GROUP);
    const wifi = tsharkFields(path, ["frame.protocols", "wlan.fc.protected", "ip.src", "udp.dstport"]).pop()!;
    assert.deepEqual(wifi, { "frame.protocols": "wlan:llc:ip:udp:data", "wlan.fc.protected": "0", "ip.src": "10.3.0.1", "udp.dstport": "9999" });
    assert.deepEqual(rows.map((r) => r["frame.verdict.ebpf_xdp"]).filter((v) => v !== "").length, all ? 2 : 1);
  }
});
