// The JourneyBuilder's rules on hand-made inputs: NBL reuse, fan-out, 58 without 57, drops, unfinished
// traversals at the end of the capture and after the lifetime, bounded memory, pktmon group reuse.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JourneyBuilder } from "../../src/journeys/mod.js";
import type { Journey, VmsEvent } from "../../src/journeys/mod.js";
import type { PacketRecord } from "../../src/packets/mod.js";

const SW = "9D32A887-5D69-45BA-AE42-A534F765F7C2";
const A = "8812232C-2DD5-47DA-A87A-775C5C0273ED";
const B = "6A1B4C70-EAD9-4C04-98A4-3F31F61C1157";
const H = "36E5B7DE-1F88-4EB9-87B7-317FA5E27658";

function ev(id: number, ticks: number, o: Partial<VmsEvent> = {}): VmsEvent {
  return {
    id, ticks, cpu: 0, tid: 0x1a8, nblHi: 0xffff9383, nblLo: 0xcbf21490, nblKey: (0xffff9383 & 0x1fffff) * 4294967296 + 0xcbf21490,
    nic: A, nicF: "wcow1", srcNic: "", srcNicF: "", switchName: SW, switchF: "nat", dropReason: 0, place: null, ...o,
  };
}

function frame(seed: number): Uint8Array {
  const b = new Uint8Array(60);
  b.set([0x00, 0x15, 0x5d, 0, 0, 1, 0x00, 0x15, 0x5d, 0, 0, 2, 0x08, 0x00, 0x45, 0, 0, 46, seed >> 8, seed & 255, 0, 0, 128, 17]);
  b.set([172, 18, 5, 2, 172, 18, 5, 3], 26);
  return b;
}

let n = 0;
function frag(ticks: number, bytes: Uint8Array, nic = A, dir: "in" | "out" = "in"): PacketRecord {
  return {
    number: ++n, ticks, cpu: 0, pid: 4, tid: 0x1a8, source: "vmswitch", linkType: 1, direction: dir, bytes, originalLength: bytes.length,
    vmswitch: { miniportIfIndex: 10, lowerIfIndex: 10, sourcePortId: 3, sourcePortName: "PORT", sourceNicName: nic, sourceNicType: "Synthetic", destinationCount: 0, vlanId: 0, hashValue: 0 },
    event: { buffer: 0, bufferOffset: 0, offset: 0 }, eventId: 1003,
  };
}

function pm(ticks: number, group: string, appearance: number, component: number, bytes: Uint8Array, drop = false): PacketRecord {
  return {
    number: ++n, ticks, cpu: 0, pid: 4, tid: 0x1a8, source: "pktmon", linkType: 1, direction: "in", bytes, originalLength: bytes.length,
    pktmon: {
      groupId: group, pktNumber: 1, appearance, dirTag: 5, dirName: "Ingress", packetType: 1, packetTypeName: "Ethernet", componentId: component, edgeId: 1, filterId: 0,
      drop, dropReason: drop ? 12 : 0, dropLocation: 0, ...(drop ? { dropReasonName: "Failed security policy" } : {}),
    },
    event: { buffer: 0, bufferOffset: 0, offset: 0 }, eventId: drop ? 170 : 160,
  };
}

function collect(): { out: Journey[]; b: JourneyBuilder } {
  const out: Journey[] = [];
  return { out, b: new JourneyBuilder((j) => out.push(j)) };
}

test("a 56 without 57 at the end of the capture: unfinished, entered the vSwitch and not seen leaving", () => {
  const { out, b } = collect();
  b.vmswitch(ev(56, 1000));
  b.packet(frag(1009, frame(1)));
  b.finish();
  assert.equal(out.length, 1);
  assert.equal(out[0].fate.kind, "unfinished");
  assert.match(out[0].fate.explanation!, /entered vSwitch nat from .* and was not seen leaving it/);
  assert.deepEqual(out[0].hops[0].eventIds, [56, 1003]);
  assert.equal(out[0].key, "nbl 0xffff9383cbf21490");
});

test("NBL reuse: a new 56 for the same address starts a new journey", () => {
  const { out, b } = collect();
  b.vmswitch(ev(56, 1000));
  b.packet(frag(1009, frame(1)));
  b.vmswitch(ev(57, 1015, { nic: H, nicF: "Ethernet", srcNic: A, srcNicF: "wcow1" }));
  b.packet(frag(1023, frame(1), A, "out"));
  b.vmswitch(ev(58, 1042, { nic: H, nicF: "Ethernet" }));
  b.vmswitch(ev(56, 1100));
  b.packet(frag(1109, frame(2)));
  b.vmswitch(ev(57, 1115, { nic: B, nicF: "wcow2", srcNic: A, srcNicF: "wcow1" }));
  b.packet(frag(1123, frame(2), A, "out"));
  b.vmswitch(ev(58, 1142, { nic: B, nicF: "wcow2" }));
  b.finish();
  assert.equal(out.length, 2);
  assert.deepEqual(out.map((j) => j.hops.map((h) => h.eventIds.join("+"))), [["56+1003", "57+1003+58"], ["56+1003", "57+1003+58"]]);
  assert.deepEqual(out.map((j) => j.hops[1].where.nic), [H, B]);
  assert.deepEqual(out.map((j) => j.fate.kind), ["delivered", "delivered"]);
  assert.deepEqual(out.map((j) => j.hops[1].latencyTicks), [15, 15]);
});

test("fan-out: one 56, two 57/58 pairs → a tree (both switch-outs follow the switch-in)", () => {
  const { out, b } = collect();
  b.vmswitch(ev(56, 1000));
  b.packet(frag(1009, frame(3)));
  b.vmswitch(ev(57, 1015, { nic: H, nicF: "Ethernet", srcNic: A }));
  b.packet(frag(1023, frame(3), A, "out"));
  b.vmswitch(ev(58, 1042, { nic: H, nicF: "Ethernet" }));
  b.vmswitch(ev(57, 1100, { nic: B, nicF: "wcow2", srcNic: A }));
  b.packet(frag(1108, frame(3), A, "out"));
  b.vmswitch(ev(58, 1127, { nic: B, nicF: "wcow2" }));
  b.finish();
  assert.equal(out.length, 1);
  assert.deepEqual(out[0].hops.map((h) => h.parent), [-1, 0, 0]);
  assert.equal(out[0].fate.kind, "delivered");
  assert.match(out[0].fate.location!, /Ethernet.*wcow2|wcow2.*Ethernet/);
});

test("a 58 without its 57 still ends the traversal (delivered); a 57 without 58 is unfinished", () => {
  let r = collect();
  r.b.vmswitch(ev(56, 1000));
  r.b.packet(frag(1009, frame(4)));
  r.b.vmswitch(ev(58, 1042, { nic: H, nicF: "Ethernet" }));
  r.b.finish();
  assert.deepEqual(r.out[0].hops.map((h) => [h.kind, h.delivered ?? null]), [["switch-in", null], ["switch-out", true]]);
  assert.equal(r.out[0].fate.kind, "delivered");
  r = collect();
  r.b.vmswitch(ev(56, 1000));
  r.b.packet(frag(1009, frame(5)));
  r.b.vmswitch(ev(57, 1015, { nic: H, nicF: "Ethernet", srcNic: A }));
  r.b.finish();
  assert.equal(r.out[0].fate.kind, "unfinished");
  assert.match(r.out[0].fate.explanation!, /routed to .* but its delivery was not seen/);
});

test("VmSwitch 55 after a 56 on the same CPU and switch: dropped, with the reason named and explained", () => {
  const { out, b } = collect();
  b.vmswitch(ev(56, 1000));
  b.packet(frag(1009, frame(6)));
  b.vmswitch(ev(55, 1030, { nic: B, nicF: "wcow2", dropReason: 12, nblHi: 0, nblLo: 0, nblKey: 0 }));
  b.finish();
  assert.equal(out.length, 1);
  const j = out[0];
  assert.deepEqual(j.hops.map((h) => h.kind), ["switch-in", "drop"]);
  assert.equal(j.hops[1].parent, 0);
  assert.equal(j.hops[1].nbl, "0xffff9383cbf21490");
  assert.deepEqual([j.fate.kind, j.fate.reason, j.fate.reasonName], ["dropped", 12, "Failed security policy"]);
  assert.match(j.fate.explanation!, /ACL/);
  // A drop with no traversal to join (another switch) is a journey of its own.
  const r = collect();
  r.b.vmswitch(ev(54, 5000, { switchName: "OTHER", dropReason: 16, nblKey: 0 }));
  r.b.finish();
  assert.equal(r.out[0].fate.reasonName, "Spoofed MAC address is not allowed");
});

test("lifetime: a traversal waiting for its 57 is flushed as unfinished once the trace moves 1 s on; memory stays bounded", () => {
  const { out, b } = collect();
  b.vmswitch(ev(56, 1000));
  b.packet(frag(1009, frame(7)));
  for (let i = 0; i < 20_000; i++) {
    const t = 2000 + i * 1000; // a packet every 100 µs for 2 s
    const key = 0x100000 + i;
    b.vmswitch(ev(56, t, { nblLo: key, nblHi: 0, nblKey: key }));
    b.packet(frag(t + 9, frame(i + 10)));
    b.vmswitch(ev(57, t + 15, { nblLo: key, nblHi: 0, nblKey: key, nic: B, srcNic: A }));
    b.packet(frag(t + 23, frame(i + 10), A, "out"));
    b.vmswitch(ev(58, t + 42, { nblLo: key, nblHi: 0, nblKey: key, nic: B }));
    assert.ok(b.openCount < 30, `open journeys: ${b.openCount}`);
  }
  b.finish();
  assert.equal(out.length, 20_001);
  const first = out.find((j) => j.hops[0].ticks === 1000)!;
  assert.equal(first.fate.kind, "unfinished");
  assert.match(first.fate.explanation!, /outlived its lifetime/);
  assert.equal(b.stats.expired, 1);
  assert.ok(b.stats.maxOpen < 30);
  // Journeys come out as they complete, numbered in the order they started.
  assert.deepEqual([...out].sort((x, y) => x.id - y.id).map((j) => j.id), out.map((_, i) => i + 1));
});

test("a 1003 that follows no VmSwitch event stands alone; a later identical frame on another NIC joins it", () => {
  const { out, b } = collect();
  b.packet(frag(1000, frame(8)));
  b.packet(frag(1500, frame(8), B, "out"));
  b.finish();
  assert.equal(out.length, 1);
  assert.deepEqual(out[0].hops.map((h) => [h.kind, h.parent]), [["switch-in", -1], ["switch-out", 0]]);
  assert.equal(b.stats.fragmentsAlone, 2);
});

test("pktmon: a group id seen again with appearance 1 starts a new journey; a drop ends in dropped", () => {
  const { out, b } = collect();
  const f = frame(9);
  b.packet(pm(1000, "77", 1, 104, f));
  b.packet(pm(1010, "77", 2, 102, f, true));
  b.packet(pm(50_000, "77", 1, 104, frame(10)));
  b.packet(pm(50_010, "77", 2, 103, frame(10)));
  b.finish();
  assert.equal(out.length, 2);
  assert.deepEqual(out.map((j) => j.hops.map((h) => h.pktmon!.appearance)), [[1, 2], [1, 2]]);
  assert.deepEqual(out.map((j) => j.fate.kind), ["dropped", "delivered"]);
  assert.equal(out[0].fate.reasonName, "Failed security policy");
  assert.equal(out[0].hops[1].frame!.bytes, out[0].hops[0].frame!.bytes, "identical bytes are shared");
});
