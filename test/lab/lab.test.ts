// Every bundled lab scenario, in both flavours, read back by exactly the code that reads Windows' files: the
// packets' bytes are the ground truth's frames hop by hop, the events come in the expected order, every event
// decodes from the embedded metadata with no diagnostics, and the files pass the structural checks the real
// samples pass.
import { decodeAll } from "../helpers/decode.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { memorySink, EtlReader } from "../../src/etl/mod.js";
import { xpressDecompress } from "../../src/etl/xpress.js";
import { PacketReader } from "../../src/packets/mod.js";
import { toHex } from "../../src/bytes/hex.js";
import { BufferHeader as BH, BufferFlag, BufferType, ClockType, LogFileMode } from "../../src/layout/etl.js";
import { bundledScenarios, loadScenario, simulate } from "../../src/lab/lab.js";
import { seedLines } from "../../src/lab/seed.js";

interface TruthHop { kind: string; frame: string; events: { netsh: number[]; pktmon: number[] }; nbl?: string; pktmon?: { component: number; appearance: number; direction: string } }
interface TruthPacket { id: number; description: string; pktGroupId: string; hops: TruthHop[]; fate: { kind: string; reason?: number | null } }
interface Truth { packets: TruthPacket[]; controlEvents: { netsh: number[]; pktmon: number[] }; scale: { packetsPerRepetition: number } }

type Flavor = "netsh" | "pktmon";

function run(name: string, flavor: Flavor, compress?: boolean, scale = 1): { bytes: Uint8Array; truth: Truth; packets: number } {
  const sink = memorySink();
  const r = simulate(loadScenario(name), flavor === "netsh" ? { netsh: sink, compressNetsh: compress ?? false, scale } : { pktmon: sink, compressPktmon: compress ?? true, scale });
  const truth = JSON.parse(JSON.stringify(r.truth.build({ files: {}, scale, controlEvents: r.controlEvents }))) as Truth;
  return { bytes: sink.bytes(), truth, packets: r.packets };
}


const BYTE_HOPS = new Set(["switch-in", "switch-out", "nic-send", "nic-recv"]);

const scenarios = bundledScenarios();

test("the bundled scenarios are there: seed-nat, one per driver, and the faults", () => {
  for (const n of ["seed-nat", "nat-port-mapping", "transparent", "l2bridge", "l2tunnel", "overlay", "internal", "fault-drop", "fault-mtu", "fault-acl", "fault-no-encap", "fault-no-dns", "fault-arp-no-reply"]) {
    assert.ok(scenarios.includes(n), n);
  }
  const drivers = new Set(scenarios.flatMap((s) => loadScenario(s).networks.map((n) => n.driver)));
  assert.deepEqual([...drivers].sort(), ["internal", "l2bridge", "l2tunnel", "nat", "overlay", "private", "transparent"]);
});

for (const name of scenarios) {
  for (const flavor of ["netsh", "pktmon"] as const) {
    test(`${name} (${flavor}): packets read back equal the ground truth's frames, events in order, no diagnostics`, () => {
      const { bytes, truth } = run(name, flavor);
      assert.ok(truth.packets.length > 0, "the scenario sends packets");
      // Packets through PacketReader, exactly as for a Windows file.
      const pr = new PacketReader(bytes);
      const got: string[] = [];
      const meta: { groupId?: string; appearance?: number; componentId?: number; drop?: boolean }[] = [];
      for (let p = pr.next(); p; p = pr.next()) {
        got.push(toHex(p.bytes));
        meta.push(p.pktmon ? { groupId: p.pktmon.groupId, appearance: p.pktmon.appearance, componentId: p.pktmon.componentId, drop: p.pktmon.drop } : {});
      }
      assert.deepEqual(pr.decoder.reader.diagnostics, [], "no diagnostics");
      pr.close();
      const want: string[] = [];
      const wantMeta: typeof meta = [];
      for (const pk of truth.packets) {
        for (const h of pk.hops) {
          if (flavor === "netsh" ? BYTE_HOPS.has(h.kind) : h.events.pktmon.length > 0) {
            want.push(h.frame);
            if (flavor === "pktmon") wantMeta.push({ groupId: pk.pktGroupId, appearance: h.pktmon!.appearance, componentId: h.pktmon!.component, drop: h.kind === "drop" });
          }
        }
      }
      assert.equal(got.length, want.length, "number of captured frames");
      for (let i = 0; i < want.length; i++) assert.equal(got[i], want[i], `frame ${i}`);
      if (flavor === "pktmon") assert.deepEqual(meta, wantMeta, "PktGroupId / Appearance / Component per appearance");

      // Event ids in order (header and metadata records aside), each decoded from embedded metadata, complete.
      const { events, decoder } = decodeAll(bytes);
      assert.deepEqual(decoder.reader.diagnostics, []);
      const ev = events.filter((e) => e.kind === "EVENT_HEADER");
      for (const e of ev) {
        assert.equal(e.schemaSource, "embedded", `${e.providerName} ${e.id} decodes from the file's own metadata`);
        assert.equal(e.truncated, false);
        assert.ok(e.message !== null, `${e.providerName} ${e.id} has a message`);
      }
      const ids: number[] = [];
      if (flavor === "netsh") ids.push(...truth.controlEvents.netsh);
      for (const pk of truth.packets) for (const h of pk.hops) ids.push(...h.events[flavor]);
      if (flavor === "pktmon") ids.push(...truth.controlEvents.pktmon);
      assert.deepEqual(ev.map((e) => e.id), ids, "event ids in order");
      // Time never goes back.
      for (let i = 1; i < events.length; i++) assert.ok(events[i].ticks >= events[i - 1].ticks, `event ${i} goes back in time`);
    });
  }
}

test("seed-nat netsh: the echo request to bing.com renders the blog's five lines with the scenario's GUIDs and names", () => {
  const scn = loadScenario("seed-nat");
  const { bytes, truth } = run("seed-nat", "netsh");
  const pk = truth.packets.find((p) => p.description.startsWith("ICMP echo request wcow1 → bing.com"))!;
  assert.ok(pk);
  const wcow1 = scn.containers.find((c) => c.name === "wcow1")!;
  const sw = wcow1.network.vswitch;
  const expected = seedLines({
    nbl: BigInt(pk.hops[0].nbl!), containerNic: wcow1.nicName, containerNicFriendly: wcow1.nicFriendlyName,
    hostNic: sw.hostVnic!.nicName, hostNicFriendly: sw.hostVnic!.nicFriendlyName, switchName: sw.name, switchFriendly: sw.friendlyName,
    frameLength: 155,
  });
  assert.equal(sw.friendlyName, "try-nat");
  assert.equal(wcow1.nicFriendlyName, wcow1.id.slice(0, 15));
  const lines = decodeAll(bytes).events.filter((e) => e.kind === "EVENT_HEADER" && [56, 57, 58, 1003].includes(e.id)).map((e) => e.message);
  const at = lines.indexOf(expected[0]);
  assert.ok(at >= 0, `the line ${expected[0]} is in the capture`);
  assert.deepEqual(lines.slice(at, at + 5), expected);
  assert.match(expected[0], /^NBL 0xffff[0-9a-f]{12} received from Nic [0-9A-F-]{36} \(Friendly Name: [0-9a-f]{15}\) in switch [0-9A-F-]{36} \(Friendly Name: try-nat\)$/);
});

test("NBL addresses: one per vSwitch traversal (56/57/58 share it), recycled across packets", () => {
  for (const name of ["seed-nat", "l2tunnel"]) {
    const { truth } = run(name, "netsh");
    const perPacket = truth.packets.map((p) => p.hops.filter((h) => h.nbl).map((h) => h.nbl!));
    const all = perPacket.flat();
    assert.ok(new Set(all).size < all.length, `${name}: addresses are reused`);
    for (const p of truth.packets) {
      const hops = p.hops.filter((h) => h.kind === "switch-in" || h.kind === "switch-out");
      for (let i = 0; i + 1 < hops.length; i++) if (hops[i].kind === "switch-in" && hops[i + 1].kind === "switch-out") assert.equal(hops[i].nbl, hops[i + 1].nbl);
    }
  }
  // l2tunnel hairpin: two traversals in one packet, two different NBLs.
  const hair = run("l2tunnel", "netsh").truth.packets[0].hops.filter((h) => h.kind === "switch-in");
  assert.equal(hair.length, 2);
  assert.notEqual(hair[0].nbl, hair[1].nbl);
});

test("fates: drops carry their reason where the scenario puts them", () => {
  const fate = (n: string) => run(n, "netsh").truth.packets.map((p) => [p.fate.kind, p.fate.reason ?? null]);
  assert.ok(fate("fault-drop").some(([k, r]) => k === "dropped" && r === 16));
  assert.ok(fate("fault-drop").some(([k, r]) => k === "dropped" && r === 8));
  assert.ok(fate("fault-mtu").some(([k, r]) => k === "dropped" && r === 23));
  assert.ok(fate("fault-acl").some(([k, r]) => k === "dropped" && r === 12));
  assert.ok(fate("fault-no-encap").every(([k]) => k === "lost"));
  const nodns = run("fault-no-dns", "netsh").truth.packets;
  assert.deepEqual(nodns.map((p) => p.description.slice(0, 9)), ["DNS query", "DNS query"], "no answer, one retry, no ping");
  const arp = run("fault-arp-no-reply", "netsh").truth.packets;
  assert.equal(arp.filter((p) => p.description.startsWith("ARP who-has")).length, 7);
  assert.equal(arp.filter((p) => / is-at /.test(p.description)).length, 1);
});

test("pktmon drops are 170 events with the drop reason; netsh vSwitch drops are VmSwitch 54/55", () => {
  const p = run("fault-acl", "pktmon");
  const drops = decodeAll(p.bytes).events.filter((e) => e.id === 170);
  assert.equal(drops.length, 3);
  assert.ok(drops.every((e) => e.fields!.DropReason === 12));
  assert.match(drops[0].message!, /^Drop: PktGroupId \d+, PktNumber 1, Appearance \d, Direction Egress ?, Type Ethernet ?, Component \d+, Edge 1, Filter 0, DropReason Failed security policy/);
  const n = run("fault-mtu", "netsh");
  const d = decodeAll(n.bytes).events.filter((e) => e.id === 55);
  assert.equal(d.length, 1);
  assert.equal(d[0].fields!.DropReason, 23);
  assert.match(d[0].message!, /^Packet dropped on NIC [0-9A-F-]{36} \(Friendly Name: Microsoft Hyper-V Network Adapter\) in switch .* DropReason 23\.$/);
});

/** Structural checks, as the real samples' tests do them. */
function structure(bytes: Uint8Array, compressed: boolean, cpus: number): void {
  const r = EtlReader.open(bytes);
  const i = r.info;
  assert.equal(i.pointerSize, 8);
  assert.equal(i.numberOfProcessors, cpus);
  assert.equal(i.perfFreq, 10_000_000);
  assert.equal(i.clockType, ClockType.Qpc);
  assert.equal(i.loggerName, "Relogger");
  assert.ok(i.logFileMode & LogFileMode.Relog);
  assert.equal((i.logFileMode & LogFileMode.Compressed) !== 0, compressed);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0, n = 0, last = 0;
  while (off + BH.size <= bytes.length) {
    const size = dv.getUint32(off + BH.BufferSize, true);
    const saved = dv.getUint32(off + BH.SavedOffset, true);
    const flag = dv.getUint16(off + BH.BufferFlag, true);
    const type = dv.getUint16(off + BH.BufferType, true);
    if (n === 0) {
      assert.equal(type, BufferType.Header, "first buffer is the header buffer");
      assert.equal(dv.getUint32(off + BH.State, true) & 0xffff, compressed ? 3 : 0, "compression format in the header buffer's State");
    } else {
      assert.equal(type, BufferType.Generic);
      assert.ok(dv.getUint16(off + BH.ProcessorIndex, true) < cpus);
      if (compressed) {
        assert.ok(flag & BufferFlag.Compressed);
        const out = new Uint8Array(saved - BH.size);
        const got = xpressDecompress(bytes, off + BH.size, off + size, out, out.length);
        assert.equal(got + BH.size, saved, "SavedOffset = decompressed size + 0x48");
      } else {
        assert.equal(size, i.bufferSize, "uncompressed buffers are BufferSize bytes");
        assert.equal(flag & BufferFlag.Compressed, 0);
      }
    }
    off += size;
    n++;
  }
  assert.equal(off, bytes.length, "buffers tile the file");
  assert.equal(i.buffersWritten, n, "BuffersWritten = buffers in the file");
  // Records 8-aligned, time order, EndTime = the last event.
  let records = 0;
  while (r.next()) {
    records++;
    assert.equal(r.record.start % 8, 0, "records start 8-aligned");
    last = Math.max(last, r.record.ticks);
  }
  assert.ok(records > 1);
  assert.equal(i.endTime, i.startTime + BigInt(last), "EndTime is the last event's time");
  assert.ok(i.bootTime < i.startTime);
  assert.deepEqual(r.diagnostics, []);
  r.close();
}

for (const [name, flavor, compress] of [["seed-nat", "netsh", false], ["seed-nat", "netsh", true], ["seed-nat", "pktmon", true], ["overlay", "pktmon", false], ["l2bridge", "netsh", false]] as const) {
  test(`${name} (${flavor}, ${compress ? "compressed" : "uncompressed"}): header fields, buffer sizes, alignment, clock`, () => {
    const { bytes } = run(name, flavor, compress);
    structure(bytes, compress, loadScenario(name).host.cpus);
  });
}

test("--scale repeats the traffic: N × the packets, all read back, NAT ports and NBLs keep moving", () => {
  const one = run("seed-nat", "pktmon");
  const three = run("seed-nat", "pktmon", true, 3);
  assert.equal(three.packets, 3 * one.truth.scale.packetsPerRepetition);
  assert.equal(three.truth.packets.length, one.truth.packets.length, "ground truth lists the first repetition");
  const pr = new PacketReader(three.bytes);
  const groups = new Set<string>();
  for (let p = pr.next(); p; p = pr.next()) groups.add(p.pktmon!.groupId);
  assert.equal(groups.size, three.packets);
  assert.deepEqual(pr.decoder.reader.diagnostics, []);
});

test("pktmon component table: VmsVmNic per container, VmsMiniport host vNIC, VmsExtMiniport switch, VFP filter, physical Miniport", () => {
  const { bytes } = run("seed-nat", "pktmon");
  const pr = new PacketReader(bytes);
  while (pr.next()) { /* drain */ }
  const comps = pr.components.all();
  const types = comps.map((c) => c.typeName).sort();
  assert.deepEqual(types, ["Filter", "Miniport", "VmsExtMiniport", "VmsMiniport", "VmsVmNic", "VmsVmNic"]);
  const sw = comps.find((c) => c.typeName === "VmsVmNic")!;
  assert.deepEqual(sw.props.VMSwitchName, ["try-nat"]);
  assert.equal(typeof sw.props.PhysAddress?.[0], "string");
});
