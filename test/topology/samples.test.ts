// The topology of real Windows captures (read in place; skipped when ../shared/etl-samples is absent):
//  - tritonpilot (Win11, pktmon): Hyper-V "Default Switch" with its host vNIC port (VmsMiniport "Default Switch",
//    adapter "Hyper-V Virtual Ethernet Adapter", ifIndex 29, 172.21.64.1) and its extension filter;
//  - gobang (Win11, pktmon components only): "FSE Switch" with the "FSE HostVnic" port whose adapter is the
//    "Hyper-V Virtual Ethernet Container Adapter" in compartment 2, and four VmsVmNic ports of one VM mirroring
//    host adapters' MACs (WSL mirrored networking), VFP and the vSwitch filter as extensions;
//  - demikernel (Azure VM, no vSwitch): adapters only, the Mellanox VF under the synthetic NIC;
//  - the real host samples (another host) as inventory: nothing breaks, names stay missing, notes say why.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readInventory } from "../../src/inventory/mod.js";
import { namer, readTopology, renderTopologyText, topologyDot, topologySvg } from "../../src/topology/mod.js";
import { etlSamples, missing, missingReference, referenceDir, sample } from "../helpers/samples.js";

const TRITON = "tritonpilot-win11-vmswitch-pktmon.etl";
const GOBANG = "gobang-win11-vmswitch-components-pktmon.etl";
const DEMI = "demikernel-ws2022-azure-pktmon.etl";
const HOST = "host-samples/SOURCES.md";

test(`${TRITON}: the Default Switch, its host vNIC port and adapter`, { skip: missing(TRITON) }, () => {
  const t = readTopology(sample(TRITON)!);
  assert.equal(t.switches.length, 1);
  const sw = t.switches[0];
  assert.equal(sw.name, "Default Switch");
  assert.equal(sw.id, undefined);
  assert.equal(sw.ifIndex, 25);
  assert.equal(sw.type, "Internal");
  assert.deepEqual(sw.extensions, ["Hyper-V Virtual Switch Extension Filter"]);
  assert.ok(sw.components.includes(120), "VmsExtMiniport 120 is the switch");
  assert.equal(sw.ports.length, 1);
  const p = sw.ports[0];
  assert.equal(p.component, 121);
  assert.equal(p.kind, "host-vnic");
  assert.equal(p.nicFriendlyName, "Default Switch");
  assert.equal(p.mac, "00-15-5D-29-9C-F2");
  assert.equal(p.ifIndex, 29);
  assert.equal(p.adapter, "Hyper-V Virtual Ethernet Adapter");
  assert.equal(p.compartment, 1);
  assert.ok(p.ips.includes("172.21.64.1"));
  const adapter = t.nics.find((n) => n.ifIndex === 29)!;
  assert.equal(adapter.driver, "VmsProxyHNic.sys");
  assert.equal(adapter.kind, "host-vnic");
  assert.deepEqual(adapter.port, { switch: "Default Switch", index: 0 });
  const ext = t.nics.find((n) => n.ifIndex === 25)!;
  assert.equal(ext.kind, "switch-adapter");
  // The 51 packets are all on the Realtek USB NIC.
  const realtek = t.nics.find((n) => n.ifIndex === 7)!;
  assert.equal(realtek.name, "Realtek USB GbE Family Controller #3");
  assert.equal(realtek.kind, "physical");
  assert.equal(realtek.packets, 51);
  assert.equal(realtek.mac, "A0-CE-C8-74-2F-4A");
  assert.ok(realtek.ips.includes("192.168.2.1"));
  assert.ok(t.externalNics.some((x) => x.name === realtek.name && x.origin === "trace"));
  assert.deepEqual(t.hostVnics.map((h) => [h.name, h.switch, h.ifIndex]), [["Hyper-V Virtual Ethernet Adapter", "Default Switch", 29]]);
  assert.deepEqual(t.networks.map((n) => [n.name, n.origin]), [["Default Switch", "trace"]]);
  const n = namer(t);
  assert.equal(n.component(121)?.switch, "Default Switch");
  assert.equal(n.mac("00:15:5d:29:9c:f2")?.kind, "host-vnic");
  assert.equal(n.ifIndex(7)?.label, "Realtek USB GbE Family Controller #3");
  const text = renderTopologyText(t);
  assert.match(text, /^vSwitch Default Switch {2}Internal \(inferred\) {2}ifIndex 25/m);
  assert.match(text, /adapter "Hyper-V Virtual Ethernet Adapter" \(VmsProxyHNic\.sys\)/);
});

test(`${GOBANG}: the FSE Switch, its ports and the container adapter`, { skip: missing(GOBANG) }, () => {
  const t = readTopology(sample(GOBANG)!);
  assert.equal(t.stats.packets, 0, "components only");
  assert.equal(t.switches.length, 1);
  const sw = t.switches[0];
  assert.equal(sw.name, "FSE Switch");
  assert.equal(sw.ifIndex, 2);
  assert.deepEqual([...sw.components].sort((a, b) => a - b), [16, 17, 60, 141, 142, 143, 144, 145, 146, 147, 3].sort((a, b) => a - b));
  assert.deepEqual(sw.extensions, ["Virtual Filtering Platform VMSwitch Extension", "Hyper-V Virtual Switch Extension Filter", "VFP Extension"]);
  assert.deepEqual(sw.ports.map((p) => p.component), [143, 144, 145, 146, 147]);
  const host = sw.ports[0];
  assert.equal(host.nicFriendlyName, "FSE HostVnic");
  assert.equal(host.adapter, "Hyper-V Virtual Ethernet Container Adapter");
  assert.equal(host.kind, "container-vnic", host.kindFrom);
  assert.equal(host.compartment, 2);
  assert.equal(host.mac, "00-15-5D-9A-CC-23");
  assert.equal(host.ifIndex, 26);
  assert.ok(host.ips.includes("169.254.3.40"));
  const adapter = t.nics.find((n) => n.name === "Hyper-V Virtual Ethernet Container Adapter")!;
  assert.equal(adapter.kind, "container-vnic");
  assert.equal(adapter.compartment, 2);
  assert.deepEqual(adapter.port, { switch: "FSE Switch", index: 0 });
  for (const p of sw.ports.slice(1)) {
    assert.equal(p.kind, "vm");
    assert.equal(p.nicFriendlyName, "03EDF5A9-77E5-4BC9-8358-C5273F2C7C6B");
  }
  assert.deepEqual(sw.ports.slice(1).map((p) => p.mirrors ?? null), ["VirtualBox Host-Only Ethernet Adapter", "Realtek Gaming GbE Family Controller #2", null, "Intel(R) Wi-Fi 6 AX200 160MHz"]);
  assert.deepEqual(t.containers.map((c) => [c.vNic, c.compartment, c.switch, c.origin]), [["FSE HostVnic", 2, "FSE Switch", "trace"]]);
  // A mirrored MAC names the host adapter, not the VM NIC.
  assert.equal(namer(t).mac("08-97-98-70-48-CC")?.label, "Realtek Gaming GbE Family Controller #2");
  const comp = t.components.find((c) => c.id === 2)!;
  assert.equal(comp.description, "Hyper-V Virtual Ethernet Container Adapter");
  assert.equal(comp.role, "nic");
  const svg = topologySvg(t);
  assert.ok(svg.includes("FSE HostVnic") && svg.includes("Hyper-V Virtual Ethernet Container Adapter"));
  assert.match(topologyDot(t), /subgraph cluster_s0 \{\n {4}label="vSwitch FSE Switch/);
});

test(`${DEMI}: an Azure VM without a vSwitch: adapters only`, { skip: missing(DEMI) }, () => {
  const t = readTopology(sample(DEMI)!);
  assert.deepEqual(t.switches, []);
  assert.ok(t.notes.some((n) => /no Hyper-V vSwitch/.test(n)), t.notes.join("; "));
  assert.deepEqual(t.nics.map((n) => [n.ifIndex, n.name, n.kind]), [
    [5, "Microsoft Hyper-V Network Adapter #3", "physical"],
    [9, "Microsoft Hyper-V Network Adapter #2", "physical"],
    [24, "Mellanox ConnectX-4 Lx Virtual Ethernet Adapter #2", "physical"],
  ]);
  const vf = t.nics.find((n) => n.ifIndex === 24)!;
  assert.equal(vf.vfOf, 5);
  assert.equal(t.nics.find((n) => n.ifIndex === 9)!.ips[0], "10.9.0.22");
  assert.deepEqual(t.externalNics.map((x) => x.ifIndex), [5, 9], "the VF is not listed as a NIC of its own");
  assert.equal(t.nics.reduce((s, n) => s + n.packets, 0) > 0, true);
  assert.deepEqual(t.containers, []);
  assert.deepEqual(t.hostVnics, []);
  assert.match(renderTopologyText(t), /No vSwitch in this capture/);
  const svg = topologySvg(t);
  assert.ok(svg.includes("Mellanox ConnectX-4 Lx Virtual Ethernet Adapter #2"));
});

test("every real sample gives a topology (no throw; pktmon ones name their adapters)", { skip: etlSamples().length ? false : "no samples" }, () => {
  for (const name of etlSamples()) {
    const t = readTopology(sample(name)!);
    if (t.flavour.pktmon && t.stats.pktmonComponents > 0) assert.ok(t.nics.length > 0, name);
    JSON.stringify(t);
    renderTopologyText(t);
    topologyDot(t);
    topologySvg(t);
  }
});

test("the real host samples as inventory of unrelated captures: names stay missing, notes say so, no error", { skip: missing(TRITON, GOBANG, DEMI) || missingReference(HOST) }, () => {
  const inv = readInventory(join(referenceDir, "host-samples"));
  assert.ok(inv.networks.length > 0);
  for (const name of [TRITON, GOBANG, DEMI]) {
    const t = readTopology(sample(name)!, { inventory: inv });
    assert.ok(t.inventory, name);
    for (const sw of t.switches) {
      assert.equal(sw.network, undefined, `${name}: switch ${sw.name} joined nothing`);
      for (const p of sw.ports) assert.equal(p.owner, undefined, `${name}: port ${p.nicFriendlyName} joined ${p.owner?.label} by ${p.owner?.matchedBy}`);
    }
    for (const n of t.nics) assert.equal(n.owner, undefined, `${name}: adapter ${n.name} joined ${n.owner?.label} by ${n.owner?.matchedBy} ${n.owner?.via}`);
    assert.equal(t.inventory.matched, 0, name);
    assert.match(t.inventory.notes[0], /none of the host state matched this capture/);
    // The host state's own objects are still listed, marked as not in the capture.
    assert.ok(t.networks.some((n) => n.name === "nat" && n.origin === "inventory"));
    assert.ok(t.hostVnics.some((h) => h.name === "vEthernet (nat)" && h.origin === "inventory"));
    assert.ok(t.networks.filter((n) => n.origin === "trace").length === t.switches.length);
    const text = renderTopologyText(t);
    assert.match(text, /none of the host state matched/);
    assert.match(text, /\(not in the capture\)/);
    topologySvg(t);
  }
});
