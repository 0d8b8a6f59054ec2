// Parsers, one source format at a time, on hand-written fixtures (formats with no licensed real sample) and on
// PowerShell quirks: single object vs array, "@{…}" strings, UTF-16LE/UTF-8 BOM, CRLF, Format-List continuation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeText, macKey, normalizeMac, normGuid, normIp, parseHostText, parsePsHashtable, parsePsValue } from "../../src/inventory/mod.js";
import * as F from "./fixtures.js";

test("MAC, GUID and IP normalisers accept every usual spelling", () => {
  for (const m of ["00:15:5d:a1:b2:c3", "00-15-5D-A1-B2-C3", "00155DA1B2C3", "0015.5da1.b2c3", "0:15:5d:a1:b2:c3"]) {
    assert.equal(normalizeMac(m), "00-15-5D-A1-B2-C3", m);
    assert.equal(macKey(m), "00155da1b2c3", m);
  }
  assert.equal(normalizeMac("00-00-00-00-00-00"), null);
  assert.equal(normalizeMac("not a mac"), null);
  assert.equal(normGuid("{6F7E13A2-8ADE-48EE-844E-AC0B0AFF235D}"), "6f7e13a2-8ade-48ee-844e-ac0b0aff235d");
  assert.equal(normGuid("6F7E13A28ADE48EE844EAC0B0AFF235D"), "6f7e13a2-8ade-48ee-844e-ac0b0aff235d");
  assert.equal(normGuid("f82c3ec1d0fe590"), null);
  assert.equal(normIp("172.28.96.1(Preferred)"), "172.28.96.1");
  assert.equal(normIp("fe80::34b5:b7e:ceb6:5800%13"), "fe80::34b5:b7e:ceb6:5800");
  assert.equal(normIp("172.25.112.5/20"), "172.25.112.5");
  assert.equal(normIp("999.1.1.1"), null);
});

test("PowerShell value renderings: @{…}, collections, System.Object[]", () => {
  assert.deepEqual(parsePsHashtable("@{ID=7E5D3C1B-9A8F-4E6D-8C4B-2A0F1E3D5C7B; CompartmentId=4}"), { ID: "7E5D3C1B-9A8F-4E6D-8C4B-2A0F1E3D5C7B", CompartmentId: "4" });
  assert.deepEqual(parsePsValue("{@{A=1; B=@{C=x y}}, @{A=2; B=}}"), [{ A: "1", B: { C: "x y" } }, { A: "2", B: null }]);
  assert.deepEqual(parsePsValue("{10.0.0.1, 10.0.0.2}"), ["10.0.0.1", "10.0.0.2"]);
  assert.deepEqual(parsePsValue("{}"), []);
  assert.equal(parsePsValue("System.Object[]"), null);
  assert.equal(parsePsValue("plain text"), "plain text");
});

test("text decoding: UTF-16LE with BOM, UTF-8 with BOM, BOM-less UTF-16LE", () => {
  assert.equal(decodeText(F.utf16le("Name : nat\r\n")), "Name : nat\r\n");
  assert.equal(decodeText(F.utf8bom("Name : nat")), "Name : nat");
  const noBom = F.utf16le("ipconfig output here").subarray(2);
  assert.equal(decodeText(noBom), "ipconfig output here");
});

test("docker inspect: container name, id, isolation, network attachment with docker's MAC spelling, published ports", () => {
  const p = parseHostText(F.DOCKER_INSPECT, "docker-inspect.json");
  assert.deepEqual(p.formats, ["docker-inspect"]);
  const [c] = p.records.dockerContainers;
  assert.equal(c.name, "wcow1");
  assert.equal(c.id, F.WCOW1_ID);
  assert.equal(c.isolation, "process");
  assert.equal(c.hostName, "f82c3ec1d0fe");
  assert.equal(c.networks.length, 1);
  const a = c.networks[0];
  assert.equal(a.networkName, "try-nat");
  assert.equal(a.mac, "00-15-5D-A1-B2-C3");
  assert.equal(a.ip, "172.30.16.5");
  assert.equal(a.prefixLength, 20);
  assert.equal(a.gateway, "172.30.16.1");
  assert.equal(a.endpointId, F.WCOW1_DOCKER_EP);
  assert.deepEqual(c.portMappings, [{ internalPort: 80, protocol: "TCP", externalPort: 8080, externalIp: "0.0.0.0" }]);
});

test("docker network inspect: hnsid option, subnet, attached containers", () => {
  const p = parseHostText(F.DOCKER_NETWORK_INSPECT, "x.json");
  const [n] = p.records.dockerNetworks;
  assert.equal(n.name, "try-nat");
  assert.equal(n.driver, "nat");
  assert.equal(n.hnsId, F.TRYNAT_HNS_ID);
  assert.equal(n.hnsName, "try-nat");
  assert.deepEqual(n.subnets, ["172.30.16.0/20"]);
  assert.deepEqual(n.gateways, ["172.30.16.1"]);
  assert.equal(n.attachments.length, 1);
  assert.equal(n.attachments[0].containerName, "wcow1");
  assert.equal(n.attachments[0].ip, "172.30.16.5");
  assert.equal(n.attachments[0].prefixLength, 20);
});

test("Get-HnsNetwork v1 JSON: unknown keys ignored, allocators give the switch id and host vNIC MAC", () => {
  const p = parseHostText(F.HNS_NETWORKS_V1, "Get-HnsNetwork.json");
  assert.deepEqual(p.formats, ["hns-v1-json"]);
  const [n] = p.records.hnsNetworks;
  assert.equal(n.id, F.TRYNAT_HNS_ID);
  assert.equal(n.name, "try-nat");
  assert.equal(n.type, "nat");
  assert.deepEqual(n.subnets, [{ prefix: "172.30.16.0/20", gateway: "172.30.16.1" }]);
  assert.equal(n.switchId, F.SWITCH_ID);
  assert.equal(n.hostVnicMac, "00-15-5D-11-22-33");
  assert.equal(n.natName, "NATA3C5E7F9-1B2D-4F6A-8C0E-2B4D6F8A0C1E");
});

test("Get-HnsEndpoint v1 JSON, a single object in UTF-16LE with CRLF: policies, @{…} Namespace, port GUID, state", () => {
  const text = decodeText(F.utf16le(F.HNS_ENDPOINT_V1_SINGLE.replace(/\n/g, "\r\n")));
  const p = parseHostText(text, "Get-HnsEndpoint.json");
  assert.deepEqual(p.formats, ["hns-v1-json"]);
  assert.equal(p.records.hnsEndpoints.length, 1);
  const e = p.records.hnsEndpoints[0];
  assert.equal(e.id, F.WCOW1_EP_ID);
  assert.equal(e.mac, "00-15-5D-A1-B2-C3");
  assert.equal(e.ip, "172.30.16.5");
  assert.equal(e.prefixLength, 20);
  assert.equal(e.networkId, F.TRYNAT_HNS_ID);
  assert.equal(e.networkName, "try-nat");
  assert.equal(e.state, "Attached");
  assert.equal(e.compartmentId, 4);
  assert.equal(e.namespaceId, "7e5d3c1b-9a8f-4e6d-8c4b-2a0f1e3d5c7b");
  assert.equal(e.portGuid, F.WCOW1_PORT);
  assert.deepEqual(e.sharedContainers, [F.WCOW1_ID]);
  assert.deepEqual(e.policies.portMappings, [{ protocol: "TCP", internalPort: 80, externalPort: 8080 }]);
  assert.equal(e.policies.acls.length, 1);
  assert.equal(e.policies.acls[0].action, "Allow");
  assert.equal(e.policies.acls[0].remoteAddresses, "10.0.0.0/8");
  assert.deepEqual(e.policies.types, ["NAT", "ACL", "L2Driver"]);
});

test("Get-HnsEndpoint list (Format-List) output: continuation lines, @{…} policies and namespace", () => {
  const p = parseHostText(F.HNS_ENDPOINT_LIST, "endpoint-fl.txt");
  assert.deepEqual(p.formats, ["hns-v1-list"]);
  const [e] = p.records.hnsEndpoints;
  assert.equal(e.id, "3e0c5e8d-346a-49ca-a6a3-11785d351970");
  assert.equal(e.name, "Ethernet");
  assert.equal(e.mac, "00-15-5D-9C-01-0C");
  assert.equal(e.compartmentId, 5);
  assert.equal(e.networkType, "l2bridge");
  assert.deepEqual(e.policies.types, ["OutBoundNAT", "L2Driver", "NAT"]);
  assert.deepEqual(e.policies.portMappings, [{ protocol: "TCP", internalPort: 80, externalPort: 8080 }]);
  assert.ok(e.policies.outboundNat);
});

test("HCN v2 JSON: a network without Type is NAT; overlay VSID/VXLAN/DR MAC; endpoints with flags and PA", () => {
  const nets = parseHostText(F.HCN_NETWORKS, "hcn-networks.json");
  assert.deepEqual(nets.formats, ["hcn-v2-json"]);
  const [nat, vx] = nets.records.hnsNetworks;
  assert.equal(nat.type, "nat");
  assert.equal(nat.name, "k8s-nat");
  assert.deepEqual(nat.subnets, [{ prefix: "10.88.0.0/16", gateway: "10.88.0.1" }]);
  assert.equal(nat.networkAdapterName, "Ethernet");
  assert.equal(vx.type, "overlay");
  assert.equal(vx.subnets[0].vsid, 4096);
  assert.equal(vx.vxlanPort, 4789);
  assert.equal(vx.drMac, "00-15-5D-7B-82-55");
  assert.equal(vx.managementIp, "10.0.0.6");

  const eps = parseHostText(F.HCN_ENDPOINTS, "hcn-endpoints.json").records.hnsEndpoints;
  assert.equal(eps.length, 2);
  assert.equal(eps[0].ip, "10.88.0.7");
  assert.equal(eps[0].prefixLength, 16);
  assert.equal(eps[0].gateway, "10.88.0.1");
  assert.equal(eps[0].isRemote, false);
  assert.deepEqual(eps[0].policies.portMappings, [{ protocol: "TCP", internalPort: 80, externalPort: 30080 }]);
  assert.deepEqual(eps[0].policies.outboundNat, { exceptions: ["10.0.0.0/8"] });
  assert.equal(eps[1].isRemote, true);
  assert.equal(eps[1].policies.providerAddress, "10.0.0.7");

  const ns = parseHostText(F.HCN_NAMESPACES, "ns.json").records.hnsNamespaces;
  assert.deepEqual(ns, [{ schema: "v2", id: "2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091", compartmentId: 6, type: "Host", endpointIds: [F.POD_EP_ID], containerIds: [] }]);
});

test("HNS raw response and PowerShell {value, Count} envelopes are unwrapped; trailing commas tolerated", () => {
  const raw = JSON.stringify({ Success: true, Error: "", Output: JSON.parse(F.HNS_NETWORKS_V1) });
  assert.equal(parseHostText(raw, "raw.json").records.hnsNetworks[0].name, "try-nat");
  const wrapped = JSON.stringify({ value: JSON.parse(F.HNS_NETWORKS_V1), Count: 1 });
  assert.equal(parseHostText(wrapped, "wrapped.json").records.hnsNetworks[0].name, "try-nat");
  const trailing = '[{"ID": "' + F.TRYNAT_HNS_ID + '", "Name": "try-nat", "Type": "nat", "Subnets": [],},]';
  assert.equal(parseHostText(trailing, "t.json").records.hnsNetworks[0].name, "try-nat");
});

test("Get-NetAdapter table: right-aligned ifIndex, truncated names, CRLF", () => {
  const p = parseHostText(F.GET_NETADAPTER_TABLE, "Get-NetAdapter.txt");
  assert.deepEqual(p.formats, ["netadapter"]);
  assert.deepEqual(p.records.netAdapters, [
    { name: "vEthernet (try-nat)", description: "Hyper-V Virtual Ethernet Adapter #2", ifIndex: 23, status: "Up", mac: "00-15-5D-11-22-33", linkSpeed: "10 Gbps" },
    { name: "Ethernet", description: "Microsoft Hyper-V Network Adapter", ifIndex: 6, status: "Up", mac: "00-15-5D-00-0A-01", linkSpeed: "10 Gbps" },
    { name: "vEthernet (Default Swi...", description: "Hyper-V Virtual Ethernet Adapter", ifIndex: 113, status: "Up", mac: "00-15-5D-E8-00-10", linkSpeed: "10 Gbps" },
  ]);
});

test("Get-NetAdapter | fl", () => {
  const p = parseHostText(F.GET_NETADAPTER_LIST, "na.txt");
  assert.deepEqual(p.records.netAdapters, [{ name: "Ethernet", description: "Microsoft Hyper-V Network Adapter", ifIndex: 6, status: "Up", mac: "00-15-5D-00-0A-01", linkSpeed: "10" }]);
});

test("Get-VMSwitch table and | fl", () => {
  const t = parseHostText(F.GET_VMSWITCH_TABLE, "Get-VMSwitch.txt");
  assert.deepEqual(t.formats, ["vmswitch"]);
  assert.deepEqual(t.records.vmSwitches, [
    { name: "try-nat", type: "internal" },
    { name: "ext", type: "external", netAdapterDescription: "Microsoft Hyper-V Network Adapter" },
  ]);
  const l = parseHostText(F.GET_VMSWITCH_LIST, "vmswitch-fl.txt");
  assert.deepEqual(l.records.vmSwitches, [{ name: "try-nat", id: F.SWITCH_ID, type: "internal", allowManagementOs: true }]);
});

test("vfpctrl /list-vmswitch-port: blocks, NIC names, MAC spellings, ExternalPort", () => {
  const p = parseHostText(F.VFPCTRL_PORTS, "ports.txt");
  assert.deepEqual(p.formats, ["vfpctrl"]);
  const [host, ctr, ext] = p.records.vfpPorts;
  assert.equal(p.records.vfpPorts.length, 3);
  assert.equal(host.portName, F.HOST_PORT);
  assert.equal(host.portFriendlyName, "Container NIC 6c50381c");
  assert.equal(host.switchName, F.SWITCH_ID);
  assert.equal(host.switchFriendlyName, "try-nat");
  assert.equal(host.mac, "00-15-5D-11-22-33");
  assert.equal(host.mtu, 1500);
  assert.equal(ctr.portFriendlyName, "f82c3ec1d0fe590");
  assert.equal(ctr.nicName, `0C9B8A7F-6E5D-4C3B-2A19-087F6E5D4C3B--${F.WCOW1_PORT.toUpperCase()}`);
  assert.equal(ctr.mac, "00-15-5D-A1-B2-C3");
  assert.equal(ctr.vmId, "0c9b8a7f-6e5d-4c3b-2a19-087f6e5d4c3b");
  assert.equal(ctr.portType, "Synthetic");
  assert.equal(ext.portFriendlyName, "ExternalPort");
  assert.equal(ext.mac, undefined);
});

test("ipconfig /allcompartments /all: compartments, MACs, IPs with (Preferred), masks, DNS continuation lines, ifIndex from the zone", () => {
  const p = parseHostText(F.IPCONFIG_ALLCOMPARTMENTS, "ipconfig-allcompartments.txt");
  assert.deepEqual(p.formats, ["ipconfig"]);
  const a = p.records.ipAdapters;
  assert.deepEqual(
    a.map((x) => [x.compartmentId, x.name]),
    [
      [1, "vEthernet (try-nat)"],
      [1, "Ethernet"],
      [1, "isatap.lab.local"],
      [4, "vEthernet (Ethernet)"],
    ],
  );
  const v = a[0];
  assert.equal(v.compartmentActive, true);
  assert.equal(v.hostName, "WINHOST1");
  assert.equal(v.mac, "00-15-5D-11-22-33");
  assert.deepEqual(v.ipv4, [{ address: "172.30.16.1", mask: "255.255.240.0", prefixLength: 20 }]);
  assert.equal(v.ifIndex, 23);
  assert.deepEqual(v.dnsServers, ["fec0:0:0:ffff::1", "fec0:0:0:ffff::2"]);
  assert.equal(v.dhcp, false);
  assert.deepEqual(a[1].gateways, ["192.168.1.1"]);
  assert.equal(a[1].dhcp, true);
  assert.equal(a[2].mediaDisconnected, true);
  assert.equal(a[3].compartmentActive, false);
  assert.deepEqual(a[3].ipv4.map((x) => x.address), ["172.30.16.5"]);
});

test("collectlogs ip.txt: ipconfig followed by Get-NetIPAddress (list) and Get-NetIPInterface (table)", () => {
  const p = parseHostText(F.IPCONFIG_ALLCOMPARTMENTS + F.NETIPADDRESS_TAIL, "ip.txt");
  assert.deepEqual(p.formats.sort(), ["ipconfig", "netipaddress"]);
  assert.equal(p.records.ipAdapters.length, 4);
  assert.deepEqual(p.records.netIpAddresses, [{ ip: "172.30.16.1", ifIndex: 23, alias: "vEthernet (try-nat)", family: "IPv4", prefixLength: 20 }]);
  assert.ok(p.notes.some((n) => n.includes("ifIndex, InterfaceAlias")), "the unused Get-NetIPInterface table is noted");
});

test("collectlogs network.txt / endpoint.txt: a table then ConvertTo-Json in one UTF-16LE file", () => {
  const net = parseHostText(decodeText(F.utf16le(F.COLLECTLOGS_NETWORK_TXT)), "network.txt");
  assert.deepEqual(net.formats.sort(), ["hns-table", "hns-v1-json"]);
  assert.equal(net.records.hnsNetworks.length, 2);
  assert.deepEqual(net.records.hnsNetworks.map((n) => [n.schema, n.id, n.subnets[0]?.prefix]), [
    ["v1", F.TRYNAT_HNS_ID, "172.30.16.0/20"],
    ["table", F.TRYNAT_HNS_ID, "172.30.16.0/20"],
  ]);
  const ep = parseHostText(decodeText(F.utf16le(F.COLLECTLOGS_ENDPOINT_TXT)), "endpoint.txt");
  assert.equal(ep.records.hnsEndpoints.length, 2);
  assert.equal(ep.records.hnsEndpoints[1].schema, "table");
  assert.equal(ep.records.hnsEndpoints[1].mac, "00-15-5D-A1-B2-C3");
  assert.equal(ep.records.hnsEndpoints[1].state, "Attached");
});

test("format detection is by content: a misleading file name does not matter", () => {
  assert.deepEqual(parseHostText(F.GET_VMSWITCH_TABLE, "docker-inspect.json").formats, ["vmswitch"]);
  assert.deepEqual(parseHostText(F.DOCKER_INSPECT, "ipconfig.txt").formats, ["docker-inspect"]);
});
