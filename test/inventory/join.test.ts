// The joiner and the lookup API on one consistent fixture host (see fixtures.ts), written as the lab will write
// it (DIR/host/ with the lab's file names) plus collectlogs-style and vfpctrl files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import type { InvEndpoint, Inventory } from "../../src/inventory/mod.js";
import { InventoryLookup, inventoryFromTexts, lookup, readInventory, renderInventory, traceNames } from "../../src/inventory/mod.js";
import * as F from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-inv-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

/** The lab's DIR/host/ layout, with PowerShell-ish encodings. */
function writeHost(root: string, withPorts: boolean): string {
  const host = join(root, "host");
  mkdirSync(host, { recursive: true });
  writeFileSync(join(host, "docker-network-inspect.json"), F.DOCKER_NETWORK_INSPECT);
  writeFileSync(join(host, "docker-inspect.json"), F.DOCKER_INSPECT);
  writeFileSync(join(host, "Get-HnsNetwork.json"), F.utf16le(F.HNS_NETWORKS_V1));
  writeFileSync(join(host, "Get-HnsEndpoint.json"), F.utf8bom(F.HNS_ENDPOINT_V1_SINGLE));
  writeFileSync(join(host, "hcn-networks.json"), F.HCN_NETWORKS);
  writeFileSync(join(host, "hcn-endpoints.json"), F.HCN_ENDPOINTS);
  writeFileSync(join(host, "hcn-namespaces.json"), F.HCN_NAMESPACES);
  writeFileSync(join(host, "ipconfig-allcompartments.txt"), F.utf16le(F.IPCONFIG_ALLCOMPARTMENTS));
  writeFileSync(join(host, "Get-VMSwitch.txt"), F.GET_VMSWITCH_TABLE + F.GET_VMSWITCH_LIST);
  writeFileSync(join(host, "Get-NetAdapter.txt"), F.GET_NETADAPTER_TABLE);
  if (withPorts) writeFileSync(join(host, "ports.txt"), F.utf16le(F.VFPCTRL_PORTS));
  return host;
}

const full = readInventory(writeHost(join(dir, "full"), true));
const noPorts = readInventory(writeHost(join(dir, "noports"), false));

const wcow1 = (inv: Inventory): InvEndpoint => {
  const e = inv.endpoints.find((x) => x.containerName === "wcow1");
  assert.ok(e, "wcow1 has an endpoint");
  return e;
};

test("every file of the lab layout is read and recognised", () => {
  assert.equal(full.sources.length, 11);
  assert.deepEqual(full.notes.filter((n) => /internal error/.test(n)), []);
  for (const s of full.sources) assert.ok(!s.skipped && s.formats.length > 0, `${s.path}: ${s.skipped}`);
});

test("networks: HNS v1 + docker joined by the hnsid option; HCN v2 NAT without Type; switches from Get-VMSwitch", () => {
  const n = full.networks.find((x) => x.name === "try-nat")!;
  assert.equal(n.id, F.TRYNAT_HNS_ID);
  assert.equal(n.dockerId, F.TRYNAT_DOCKER_ID);
  assert.equal(n.driver, "nat");
  assert.deepEqual(n.subnets, ["172.30.16.0/20"]);
  assert.equal(n.gateway, "172.30.16.1");
  assert.equal(n.vSwitchName, "try-nat");
  assert.equal(n.vSwitchId, F.SWITCH_ID);
  assert.equal(n.switchType, "internal");
  assert.equal(n.hostVnic, "vEthernet (try-nat)");
  assert.deepEqual(n.links.find((l) => l.to === "docker-network"), { to: "docker-network", value: F.TRYNAT_DOCKER_ID, matchedBy: "hnsid-option" });
  assert.equal(n.links.find((l) => l.to === "host-vnic")?.matchedBy, "mac", "the Host Vnic allocator MAC is the adapter's MAC");
  const k8s = full.networks.find((x) => x.name === "k8s-nat")!;
  assert.equal(k8s.driver, "nat");
  assert.equal(k8s.gateway, "10.88.0.1");
  const vx = full.networks.find((x) => x.name === "vxlan0")!;
  assert.equal(vx.vsid, 4096);
  assert.equal(vx.vxlanPort, 4789);
  const sw = full.switches.find((s) => s.name === "try-nat")!;
  assert.equal(sw.id, F.SWITCH_ID);
  assert.equal(sw.type, "internal");
  assert.equal(sw.networkName, "try-nat");
  const ext = full.switches.find((s) => s.name === "ext")!;
  assert.equal(ext.type, "external");
  assert.equal(ext.netAdapter, "Microsoft Hyper-V Network Adapter");
});

test("container wcow1: docker ↔ HNS endpoint by MAC, compartment and vNIC from ipconfig /allcompartments, vSwitch port", () => {
  const e = wcow1(full);
  assert.equal(e.endpointId, F.WCOW1_EP_ID);
  assert.equal(e.containerId, F.WCOW1_ID);
  assert.equal(e.networkName, "try-nat");
  assert.equal(e.mac, "00-15-5D-A1-B2-C3");
  assert.equal(e.macKey, "00155da1b2c3");
  assert.equal(e.ip, "172.30.16.5");
  assert.equal(e.compartmentId, 4);
  assert.equal(e.vNicName, "vEthernet (Ethernet)");
  assert.equal(e.portName, F.WCOW1_PORT);
  assert.equal(e.portFriendlyName, "f82c3ec1d0fe590");
  assert.equal(e.state, "Attached");
  assert.equal(e.isRemote, false);
  assert.equal(e.dockerEndpointId, F.WCOW1_DOCKER_EP);
  assert.deepEqual(e.policies.portMappings, [{ protocol: "TCP", internalPort: 80, externalPort: 8080 }]);
  const by = Object.fromEntries(e.links.map((l) => [l.to, l.matchedBy]));
  assert.equal(by["network"], "hns-network-id");
  assert.equal(by["container"], "mac", "docker's MAC is tried first (SharedContainers agrees)");
  assert.equal(by["container-vnic"], "mac");
  assert.equal(by["vfp-port"], "mac");
  assert.ok(e.friendlyNames.includes("f82c3ec1d0fe590"));
  const c = full.containers.find((x) => x.name === "wcow1")!;
  assert.equal(c.id, F.WCOW1_ID);
  assert.equal(c.isolation, "process");
  assert.equal(c.compartmentId, 4);
  assert.deepEqual(c.endpointIds, [F.WCOW1_EP_ID]);
  assert.deepEqual(c.macs, ["00-15-5D-A1-B2-C3"]);
  assert.deepEqual(c.vNicNames, ["vEthernet (Ethernet)"]);
  assert.equal(full.endpoints.filter((x) => x.containerName === "wcow1").length, 1, "docker's two views of wcow1 join into one endpoint");
});

test("docker ↔ HNS falls back to MAC when HNS does not list the container", () => {
  const ep = JSON.parse(F.HNS_ENDPOINT_V1_SINGLE) as Record<string, unknown>;
  delete ep.SharedContainers;
  const inv = inventoryFromTexts({ "ep.json": JSON.stringify(ep), "di.json": F.DOCKER_INSPECT });
  const e = wcow1(inv);
  assert.equal(e.endpointId, F.WCOW1_EP_ID);
  assert.equal(e.links.find((l) => l.to === "container")?.matchedBy, "mac");
  // Without MAC on either side: IP.
  const di = JSON.parse(F.DOCKER_INSPECT) as { NetworkSettings: { Networks: Record<string, { MacAddress: string }> } }[];
  di[0].NetworkSettings.Networks["try-nat"].MacAddress = "";
  delete ep.MacAddress;
  const inv2 = inventoryFromTexts({ "ep.json": JSON.stringify(ep), "di.json": JSON.stringify(di) });
  assert.equal(wcow1(inv2).links.find((l) => l.to === "container")?.matchedBy, "ip");
});

test("CNI pod: HCN endpoint named <container id>_<network> → container by name prefix; namespace → compartment", () => {
  const e = full.endpoints.find((x) => x.endpointId === F.POD_EP_ID)!;
  assert.equal(e.networkName, "k8s-nat");
  assert.equal(e.containerId, F.POD_CONTAINER);
  assert.equal(e.links.find((l) => l.to === "container")?.matchedBy, "name-prefix");
  assert.equal(e.compartmentId, 6);
  assert.equal(e.links.find((l) => l.to === "compartment")?.matchedBy, "namespace");
  const remote = full.endpoints.find((x) => x.endpointId === F.REMOTE_EP_ID)!;
  assert.equal(remote.isRemote, true);
  assert.equal(remote.networkName, "vxlan0");
  assert.equal(remote.policies.providerAddress, "10.0.0.7");
});

test("host vNICs and external NICs from ipconfig + Get-NetAdapter", () => {
  const h = full.hostVnics.find((x) => x.alias === "vEthernet (try-nat)")!;
  assert.equal(h.mac, "00-15-5D-11-22-33");
  assert.equal(h.ip, "172.30.16.1");
  assert.equal(h.compartmentId, 1);
  assert.equal(h.ifIndex, 23);
  assert.equal(h.networkName, "try-nat");
  assert.equal(h.portFriendlyName, "Container NIC 6c50381c");
  assert.equal(h.portName, F.HOST_PORT);
  assert.equal(h.links.find((l) => l.to === "net-adapter")?.matchedBy, "alias");
  const x = full.externalNics.find((n) => n.name === "Ethernet")!;
  assert.equal(x.description, "Microsoft Hyper-V Network Adapter");
  assert.equal(x.mac, "00-15-5D-00-0A-01");
  assert.equal(x.ip, "192.168.1.20");
  assert.equal(x.ifIndex, 6);
  assert.equal(x.switchName, "ext", "the external switch's adapter description names it");
  assert.equal(full.externalNics.some((n) => /isatap/.test(n.name)), false, "tunnel adapters are not external NICs");
  assert.ok(full.hostVnics.some((v) => v.alias === "vEthernet (Default Swi..."), "a Get-NetAdapter-only vNIC is kept");
  assert.deepEqual(
    full.compartments.map((c) => [c.id, c.active ?? false]),
    [
      [1, true],
      [4, false],
      [6, false],
    ],
  );
});

test("lookup: a MAC in three spellings names the container", () => {
  const L = new InventoryLookup(full);
  for (const m of ["00:15:5d:a1:b2:c3", "00-15-5D-A1-B2-C3", "00155DA1B2C3"]) {
    const r = L.find(m);
    assert.ok(r, m);
    assert.equal(r.kind, "container");
    assert.equal(r.label, "wcow1 (try-nat)");
    assert.equal(r.containerName, "wcow1");
    assert.equal(r.networkName, "try-nat");
    assert.equal(r.endpointId, F.WCOW1_EP_ID);
    assert.equal(r.matchedBy, "mac");
    assert.equal(r.confidence, "high");
  }
  const hv = L.find("00:15:5D:11:22:33")!;
  assert.equal(hv.kind, "host-vnic");
  assert.equal(hv.label, "vEthernet (try-nat)");
  assert.equal(L.find("00-15-5D-00-0A-01")?.kind, "external-nic");
  assert.equal(L.find("02-00-00-00-00-99"), null);
});

test("lookup: GUIDs with braces or any case; NIC names <VM>--<port>", () => {
  const L = new InventoryLookup(full);
  const ep = L.find(`{${F.WCOW1_EP_ID.toUpperCase()}}`)!;
  assert.equal(ep.label, "wcow1 (try-nat)");
  assert.equal(ep.matchedBy, "hns-endpoint-id");
  const port = L.find(F.WCOW1_PORT.toLowerCase())!;
  assert.equal(port.label, "wcow1 (try-nat)");
  assert.equal(port.matchedBy, "port-guid");
  const nic = L.find(`0C9B8A7F-6E5D-4C3B-2A19-087F6E5D4C3B--${F.WCOW1_PORT.toUpperCase()}`)!;
  assert.equal(nic.label, "wcow1 (try-nat)");
  assert.equal(nic.matchedBy, "nic-name");
  const sw = L.find(`{${F.SWITCH_ID.toUpperCase()}}`)!;
  assert.equal(sw.kind, "switch");
  assert.equal(sw.label, "try-nat");
  assert.equal(sw.matchedBy, "switch-id");
  const net = L.find(F.TRYNAT_HNS_ID.toUpperCase())!;
  assert.equal(net.kind, "network");
  assert.equal(net.matchedBy, "hns-network-id");
  assert.equal(L.find(F.HOST_PORT)?.kind, "host-vnic");
  // Without vfpctrl, a NIC name whose GUIDs are unknown finds nothing rather than guessing.
  assert.equal(new InventoryLookup(noPorts).find(`0C9B8A7F-6E5D-4C3B-2A19-087F6E5D4C3B--${F.WCOW1_PORT}`)?.label, "wcow1 (try-nat)", "the port GUID is the HNS allocator's EndpointPortGuid");
});

test("lookup: friendly names — exact, prefix of the container id, Container NIC, vEthernet (x), switch names", () => {
  const L = new InventoryLookup(full);
  const fn = L.nic(undefined, "f82c3ec1d0fe590", "try-nat")!;
  assert.equal(fn.label, "wcow1 (try-nat)");
  assert.equal(fn.matchedBy, "name", "vfpctrl knows this friendly name exactly");
  // Without vfpctrl: the 15-hex friendly name is a prefix of wcow1's docker id.
  const pre = new InventoryLookup(noPorts).find("f82c3ec1d0fe590")!;
  assert.equal(pre.kind, "container");
  assert.equal(pre.label, "wcow1 (try-nat)");
  assert.equal(pre.matchedBy, "name-prefix");
  assert.equal(pre.confidence, "high");
  // A prefix of the HNS endpoint id without dashes.
  assert.equal(new InventoryLookup(noPorts).find("6c50381c7d2e")?.endpointId, F.WCOW1_EP_ID);
  // "Container NIC <8 hex>": vfpctrl names the host vNIC port so.
  const cn = L.find("Container NIC 6c50381c")!;
  assert.equal(cn.kind, "host-vnic");
  assert.equal(cn.label, "vEthernet (try-nat)");
  // Without vfpctrl, WS2016's rule: the first 8 hex of the HNS endpoint id.
  const cn2 = new InventoryLookup(noPorts).find("Container NIC 6c50381c")!;
  assert.equal(cn2.label, "wcow1 (try-nat)");
  assert.equal(cn2.matchedBy, "container-nic-prefix");
  assert.equal(L.find("vEthernet (try-nat)")?.kind, "host-vnic");
  assert.equal(L.find("vEthernet (Ethernet)")?.label, "wcow1 (try-nat)", "a container-side alias");
  assert.equal(L.find("wcow1")?.endpointId, F.WCOW1_EP_ID);
  assert.equal(L.find("Ethernet")?.kind, "external-nic");
  const s = L.switch(undefined, "try-nat")!;
  assert.equal(s.kind, "switch");
  assert.equal(s.label, "try-nat");
  assert.equal(s.networkName, "try-nat");
  const s2 = L.switch(undefined, "k8s-nat")!;
  assert.equal(s2.kind, "switch", "a network's switch, named after it");
  assert.equal(s2.matchedBy, "network-name");
  assert.equal(L.find("nothing-like-this"), null);
});

test("lookup: IPs, remote endpoints, and the one-shot lookup()", () => {
  const r = lookup(full, "172.30.16.5");
  assert.equal(r?.label, "wcow1 (try-nat)");
  assert.equal(r?.matchedBy, "ip");
  assert.equal(lookup(full, "172.30.16.1")?.kind, "host-vnic");
  assert.equal(lookup(full, "192.168.1.20/24")?.kind, "external-nic");
  const rem = lookup(full, "10.244.2.9")!;
  assert.equal(rem.kind, "endpoint");
  assert.match(rem.label, /^remote endpoint remote-pod/);
});

test("ambiguous names: several 'Ethernet' endpoints come back low-confidence, narrowed by the switch", () => {
  const text = [1, 2, 3]
    .map((i) =>
      JSON.stringify({ ID: `1179${i}e63-07b3-4199-91d5-9bc25108fb41`, Name: "Ethernet", VirtualNetworkName: i === 3 ? "nat" : "vxlan0", MacAddress: `00-15-5D-00-00-0${i}`, IPAddress: `10.244.1.${i}` }),
    )
    .join("\n");
  const inv = inventoryFromTexts({ "eps.txt": text, "hnsdiag.txt": "Networks:\nName ID\nvxlan0 705B6B4D-E2F2-421A-B31B-E3C5E8831944\nnat B5083512-BE1D-4326-B58F-56CA5154E8D5\n" });
  const any = lookup(inv, "Ethernet")!;
  assert.equal(any.confidence, "low");
  assert.equal(any.alternatives?.length, 2);
  const onNat = new InventoryLookup(inv).nic(undefined, "Ethernet", "nat")!;
  assert.equal(onNat.networkName, "nat");
  assert.equal(onNat.confidence, "high");
  assert.equal(onNat.alternatives, undefined);
});

test("NIC names in switch context: inverse alias, adapter description, default name; a shared MAC stays ambiguous", () => {
  const inv = inventoryFromTexts(F.EXTERNAL_HOST);
  assert.deepEqual(inv.hostVnics.map((h) => [h.alias, h.networkName]), [["vEthernet (Ethernet)", undefined]]);
  assert.deepEqual(inv.externalNics.map((x) => [x.name, x.switchName]), [["Ethernet", "l2b"]], "the same MAC does not merge a vNIC with a physical NIC");
  const L = new InventoryLookup(inv);
  const h = L.nic(undefined, "Ethernet", "l2b")!;
  assert.equal(h.kind, "host-vnic", "a switch NIC friendly name x is the host vNIC vEthernet (x)");
  assert.equal(h.matchedBy, "alias");
  assert.equal(L.find("Ethernet")?.kind, "external-nic", "without the NIC context the adapter name wins");
  const up = L.nic(undefined, "Microsoft Hyper-V Network Adapter", "l2b")!;
  assert.equal(up.kind, "external-nic");
  assert.equal(up.matchedBy, "description");
  const mac = L.find("00-0D-3A-DF-2A-13")!;
  assert.equal(mac.confidence, "low");
  assert.deepEqual(mac.alternatives, ["Ethernet"]);
  // On an internal (nat) switch a physical NIC cannot be: "Ethernet" there is the switch's host vNIC, a guess.
  const d = new InventoryLookup(full).nic(undefined, "Ethernet", "try-nat")!;
  assert.equal(d.label, "vEthernet (try-nat)");
  assert.equal(d.matchedBy, "default-name");
  assert.equal(d.confidence, "low");
});

test("Get-NetNatStaticMapping (list) adds the WinNAT forward to the endpoint owning the internal IP", () => {
  const inv = inventoryFromTexts({ "di.json": F.DOCKER_INSPECT, "nat.txt": F.NETNAT_STATIC_MAPPING });
  assert.deepEqual(inv.sources.map((s) => s.formats), [["docker-inspect"], ["netnatstaticmapping"]]);
  const e = wcow1(inv);
  assert.deepEqual(e.policies.portMappings, [{ internalPort: 80, protocol: "TCP", externalPort: 8080, externalIp: "0.0.0.0" }]);
  assert.equal(e.links.find((l) => l.to === "nat-mapping")?.matchedBy, "ip");
});

test("render and trace names", () => {
  const text = renderInventory(full);
  assert.match(text, /try-nat {2}driver nat {2}subnets 172\.30\.16\.0\/20/);
  assert.match(text, /wcow1 \(try-nat\)/);
  const names = traceNames(full);
  assert.ok(names.some((n) => n.name === "f82c3ec1d0fe590" && n.owner === "wcow1 (try-nat)"));
  assert.ok(names.some((n) => n.name === "try-nat" && n.owner === "switch try-nat"));
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(full)));
});
