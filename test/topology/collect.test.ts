// The collector's rules on hand-made input: which IPs a MAC owns (ARP senders; a single source address; never a
// router's forwarded sources or an address two MACs send from), VLAN tags, and the VmSwitch field vocabulary
// (232 NIC ↔ port ↔ switch, 116 NIC ↔ IfIndex, 31 MAC ↔ NIC, 56 NIC on a switch with no port event).
import { test } from "node:test";
import assert from "node:assert/strict";
import { PktmonComponents } from "../../src/packets/mod.js";
import { TopologyCollector, buildTopology, finishTopology, namer } from "../../src/topology/mod.js";

function mac(s: string): number[] {
  return s.split(/[-:]/).map((x) => parseInt(x, 16));
}
function ip4(s: string): number[] {
  return s.split(".").map(Number);
}
function eth(src: string, dst: string, type: number, payload: number[], vlan?: number): Uint8Array {
  const tag = vlan === undefined ? [] : [0x81, 0x00, (vlan >> 8) & 0x0f, vlan & 0xff];
  return new Uint8Array([...mac(dst), ...mac(src), ...tag, type >> 8, type & 0xff, ...payload]);
}
function ipv4(src: string, dst: string): number[] {
  const h = new Array(20).fill(0);
  h[0] = 0x45;
  h[9] = 1;
  h.splice(12, 4, ...ip4(src));
  h.splice(16, 4, ...ip4(dst));
  return h;
}
function arp(senderMac: string, senderIp: string, targetIp: string): number[] {
  return [0, 1, 8, 0, 6, 4, 0, 1, ...mac(senderMac), ...ip4(senderIp), 0, 0, 0, 0, 0, 0, ...ip4(targetIp)];
}
function ipv6(src: number[]): number[] {
  const h = new Array(40).fill(0);
  h[0] = 0x60;
  h.splice(8, 16, ...src);
  return h;
}

const A = "00-15-5D-00-00-01";
const B = "00-15-5D-00-00-02";
const R = "12-34-56-00-00-FE";
const C = "00-15-5D-00-00-0C";
const D = "00-15-5D-00-00-0D";
const E = "00-15-5D-00-00-0E";
const BCAST = "FF-FF-FF-FF-FF-FF";

test("MAC → IP ownership from frames", () => {
  const col = new TopologyCollector();
  col.frame(eth(A, BCAST, 0x0806, arp(A, "10.0.0.1", "10.0.0.9")));
  col.frame(eth(A, B, 0x0800, ipv4("10.0.0.1", "10.0.0.2")));
  col.frame(eth(B, A, 0x0800, ipv4("10.0.0.2", "10.0.0.1"), 11));
  col.frame(eth(R, A, 0x0800, ipv4("8.8.8.8", "10.0.0.1")));
  col.frame(eth(R, A, 0x0800, ipv4("1.1.1.1", "10.0.0.1")));
  col.frame(eth(C, A, 0x0800, ipv4("9.9.9.9", "10.0.0.1")));
  col.frame(eth(D, A, 0x0800, ipv4("9.9.9.9", "10.0.0.1")));
  col.frame(eth(E, A, 0x86dd, ipv6([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])));
  col.frame(eth(E, A, 0x0800, ipv4("0.0.0.0", "255.255.255.255")));
  col.frame(new Uint8Array(10));
  const t = buildTopology(col, new PktmonComponents());
  const by = new Map(t.addresses.map((a) => [a.mac, a]));
  assert.deepEqual(by.get(A)?.ips, ["10.0.0.1"]);
  assert.equal(by.get(A)?.arp, true);
  assert.equal(by.get(A)?.packets, 2);
  assert.deepEqual(by.get(B)?.ips, ["10.0.0.2"], "a VLAN-tagged frame");
  assert.deepEqual(by.get(R)?.ips, [], "a router owns none of the addresses it forwards");
  assert.deepEqual(by.get(R)?.otherIps, ["8.8.8.8", "1.1.1.1"]);
  assert.deepEqual(by.get(C)?.ips, [], "an address two MACs send from belongs to neither");
  assert.deepEqual(by.get(D)?.otherIps, ["9.9.9.9"]);
  assert.deepEqual(by.get(E)?.ips, ["fe80::1"]);
  assert.equal(by.get(E)?.packets, 2);
  assert.equal(t.switches.length, 0);
});

test("VmSwitch fields: switches, ports, NICs, IfIndex and MAC", () => {
  const col = new TopologyCollector();
  const sw = { SwitchName: "D2FD9981-CB99-4866-9548-81F4ADEF178C", SwitchFName: "nat" };
  col.learnVmSwitch(9, { ...sw, Flags: 0, OwnerService: 0 });
  col.learnVmSwitch(232, { NicName: "5AA3FFAC-AB7F-41DA-BD02-A4404FCA9241", NicFName: "f82c3ec1d0fe590", PortName: "0B1E4A5C-0000-4000-8000-000000000001", PortFName: "Dynamic Ethernet Switch Port", ...sw });
  col.learnVmSwitch(31, { MacAddress: "00155D3A9F22", NicName: "5AA3FFAC-AB7F-41DA-BD02-A4404FCA9241", NicFName: "f82c3ec1d0fe590" });
  col.learnVmSwitch(116, { ...sw, NicName: "7F88B4C9-7ED6-4013-ADBA-4CE5A0C50487", NicFName: "Ethernet", NicIndex: 13, NetCfgInstanceId: "{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}", Status: 0 });
  col.learnVmSwitch(56, { NicName: "7F88B4C9-7ED6-4013-ADBA-4CE5A0C50487", NicFName: "Ethernet", ...sw, BufferAddress: 1n });
  col.learnVmSwitch(17, { NicName: "7F88B4C9-7ED6-4013-ADBA-4CE5A0C50487", NicFName: "Ethernet", PortName: "0B1E4A5C-0000-4000-8000-000000000002", PortFName: "Container NIC 7f88b4c9", ...sw });
  const t = finishTopology(buildTopology(col, new PktmonComponents()));
  assert.equal(t.switches.length, 1);
  const s = t.switches[0];
  assert.deepEqual([s.id, s.name, s.type], ["D2FD9981-CB99-4866-9548-81F4ADEF178C", "nat", "Internal"]);
  assert.equal(s.ports.length, 2);
  const ct = s.ports.find((p) => p.nicFriendlyName === "f82c3ec1d0fe590")!;
  assert.equal(ct.mac, "00-15-5D-3A-9F-22");
  assert.equal(ct.macFrom, "vmswitch");
  assert.equal(ct.kind, "container-vnic");
  assert.deepEqual(ct.sources, ["VmSwitch 232", "VmSwitch 31"].sort());
  const hv = s.ports.find((p) => p.nicFriendlyName === "Ethernet")!;
  assert.equal(hv.port, "0B1E4A5C-0000-4000-8000-000000000002");
  assert.equal(hv.kind, "host-vnic");
  assert.equal(hv.ifIndex, 13);
  assert.equal(hv.interfaceGuid, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
  assert.deepEqual(t.nics.map((n) => [n.ifIndex, n.kind, n.port?.switch]), [[13, "host-vnic", "nat"]]);
  const n = namer(t);
  assert.equal(n.nic("5aa3ffac-ab7f-41da-bd02-a4404fca9241")?.label, "container vNIC f82c3ec1d0fe590");
  assert.equal(n.nic(undefined, "Ethernet", "D2FD9981-CB99-4866-9548-81F4ADEF178C")?.kind, "host-vnic");
  assert.equal(n.switch("nat")?.label, "vSwitch nat");
  assert.equal(n.name("00:15:5d:3a:9f:22")?.kind, "container-vnic");
  assert.equal(n.name("no such thing"), null);
});

test("a NIC seen only in NBL events still gets a port under its switch", () => {
  const col = new TopologyCollector();
  col.learnVmSwitch(56, { NicName: "AAAAAAAA-0000-0000-0000-000000000001--BBBBBBBB-0000-0000-0000-000000000002", NicFName: "Network Adapter", SwitchName: "S1", SwitchFName: "ext", BufferAddress: 5n });
  const t = finishTopology(buildTopology(col, new PktmonComponents()));
  assert.equal(t.switches[0].name, "ext");
  assert.deepEqual(t.switches[0].ports.map((p) => [p.nic, p.kind, p.port]), [["AAAAAAAA-0000-0000-0000-000000000001--BBBBBBBB-0000-0000-0000-000000000002", "vm", undefined]]);
  assert.equal(t.switches[0].type, "Private");
});
