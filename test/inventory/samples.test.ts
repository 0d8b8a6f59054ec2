// The real host-state outputs in ../shared/reference/host-samples (read in place: their licences keep them out of
// the repository; see SOURCES.md there). Each test skips, saying why, when its file is absent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InventoryLookup, decodeText, parseHostText, readInventory } from "../../src/inventory/mod.js";
import { missingReference, reference, referenceDir } from "../helpers/samples.js";

const HS = "host-samples";
const DOCKER = `${HS}/vdoc_docker-network-inspect_nat.json`;
const HNSNET = `${HS}/sdn_get-hnsnetwork_overlay_list-format.txt`;
const HNSDIAG = `${HS}/sdn_hnsdiag-list-all_overlay.txt`;
const IPCONFIG = `${HS}/sdn_ipconfig_host_with-vEthernet-nat.txt`;
const HCS = `${HS}/moby_hcs-v1-container-config_EndpointList.txt`;

const parse = (name: string) => parseHostText(decodeText(readFileSync(reference(name)!)), name);

test("docker network inspect nat (Virtualization-Documentation)", { skip: missingReference(DOCKER) }, () => {
  const p = parse(DOCKER);
  assert.deepEqual(p.formats, ["docker-network-inspect"]);
  assert.deepEqual(p.records.dockerNetworks, [
    {
      id: "9d35e3b6619d919f554b2c419aee515133238070121ca999d3514196541a7cfd",
      name: "nat",
      driver: "nat",
      subnets: ["172.25.112.0/20"],
      gateways: ["172.25.112.1"],
      internal: false,
      hnsId: "bcbf2335-aa54-4561-a665-2b05caa7f5b4",
      hnsName: "nat",
      attachments: [],
    },
  ]);
});

test("Get-HnsNetwork list format, overlay network (microsoft/SDN)", { skip: missingReference(HNSNET) }, () => {
  const p = parse(HNSNET);
  assert.deepEqual(p.formats, ["hns-v1-list"]);
  assert.equal(p.records.hnsNetworks.length, 1);
  const n = p.records.hnsNetworks[0];
  assert.equal(n.id, "6f7e13a2-8ade-48ee-844e-ac0b0aff235d");
  assert.equal(n.name, "External");
  assert.equal(n.type, "overlay");
  assert.deepEqual(n.subnets, [{ prefix: "192.168.255.0/30", gateway: "192.168.255.1" }]);
  assert.equal(n.networkAdapterName, "Ethernet 2");
  assert.equal(n.managementIp, "10.0.0.6");
  assert.equal(n.drMac, "00-15-5D-7B-82-55");
  assert.equal(n.layeredOn, "241f09ef-fb6a-44f6-9d54-ddb8bd487ce3");
  assert.equal(n.dnsServerCompartment, 3);
  assert.deepEqual(n.policyTypes, []);
  assert.equal(p.records.hnsEndpoints.length, 0, "the trailing flanneld message is not an object");
});

test("hnsdiag list all, overlay host (microsoft/SDN)", { skip: missingReference(HNSDIAG) }, () => {
  const p = parse(HNSDIAG);
  assert.deepEqual(p.formats, ["hnsdiag"]);
  assert.deepEqual(
    p.records.hnsNetworks.map((n) => [n.name, n.id]),
    [
      ["nat", "b5083512-be1d-4326-b58f-56ca5154e8d5"],
      ["External", "6f7e13a2-8ade-48ee-844e-ac0b0aff235d"],
      ["vxlan0", "705b6b4d-e2f2-421a-b31b-e3c5e8831944"],
    ],
  );
  assert.deepEqual(
    p.records.hnsEndpoints.map((e) => [e.name, e.id, e.networkName]),
    [
      ["Ethernet", "11796e63-07b3-4199-91d5-9bc25108fb41", "vxlan0"],
      ["Ethernet", "07f382ab-8884-40ba-8adf-efe4c92e8608", "vxlan0"],
      ["Ethernet", "99f4e4e7-0ff0-4cf7-9301-3bd1628beaf9", "vxlan0"],
      ["Ethernet", "3e0c5e8d-346a-49ca-a6a3-11785d351970", "vxlan0"],
      ["Ethernet", "fc0bbb8f-52a6-486f-bff8-10ab92859006", "vxlan0"],
      ["Ethernet", "ba06178e-11e9-4ba3-931d-7c2989b51dd7", "vxlan0"],
    ],
  );
  assert.deepEqual(p.records.hnsNamespaces, []);
  assert.deepEqual(p.records.hnsLoadBalancers, [
    { id: "326f84d7-35ec-4355-a60a-e82e2b05ec24", vips: ["10.96.0.1"], endpointIds: ["ba06178e-11e9-4ba3-931d-7c2989b51dd7"], portMappings: [] },
    { id: "af826f8b-9f78-41ea-bc9e-6e433f8784df", vips: ["10.96.0.10"], endpointIds: ["fc0bbb8f-52a6-486f-bff8-10ab92859006", "07f382ab-8884-40ba-8adf-efe4c92e8608"], portMappings: [] },
  ]);
});

test("ipconfig on a host with vEthernet (nat) (microsoft/SDN)", { skip: missingReference(IPCONFIG) }, () => {
  const p = parse(IPCONFIG);
  assert.deepEqual(p.formats, ["ipconfig"]);
  const [eth, nat] = p.records.ipAdapters;
  assert.equal(p.records.ipAdapters.length, 2);
  assert.equal(eth.adapterType, "Ethernet");
  assert.equal(eth.name, "Ethernet 2");
  assert.deepEqual(eth.ipv4, [{ address: "10.0.0.6", mask: "255.255.255.0", prefixLength: 24 }]);
  assert.deepEqual(eth.gateways, ["10.0.0.1"]);
  assert.equal(eth.linkLocal, "fe80::e848:b82e:a09c:b687");
  assert.equal(eth.ifIndex, 7);
  assert.equal(eth.compartmentId, undefined, "plain ipconfig has no compartment banner");
  assert.equal(nat.name, "vEthernet (nat)");
  assert.equal(nat.linkLocal, "fe80::34b5:b7e:ceb6:5800");
  assert.equal(nat.ifIndex, 13);
  // The published excerpt ends after the link-local line: its IPv4 (the NAT gateway) is not in the file.
  assert.deepEqual(nat.ipv4, []);
});

test("HCS v1 container configs with EndpointList (moby); the second is cut short in the excerpt", { skip: missingReference(HCS) }, () => {
  const p = parse(HCS);
  assert.deepEqual(p.formats, ["hcs-config"]);
  assert.deepEqual(p.records.hcsContainers, [
    { id: "5e0055c814a6005b8e57ac59f9a522066e0af12b48b3c26a9416e23907698776", hostName: "5e0055c814a6", owner: "docker", hvPartition: false, endpointIds: ["eef2649d-bb17-4d53-9937-295a8efe6f2c"] },
    { id: "475c2c58933b72687a88a441e7e0ca4bd72d76413c5f9d5031fee83b98f6045d", hostName: "475c2c58933b", owner: "docker", hvPartition: true, endpointIds: ["e1bb1e61-d56f-405e-b75d-fd520cefa0cb"] },
  ]);
  assert.ok(p.notes.some((n) => /truncated/.test(n)));
});

const SDN = [HNSNET, HNSDIAG, IPCONFIG];

test("the SDN host's three outputs joined: networks, host vNIC, uplink, endpoints", { skip: missingReference(...SDN) }, () => {
  const inv = readInventory(SDN.map((n) => reference(n)!));
  assert.deepEqual(inv.sources.map((s) => s.formats), [["hns-v1-list"], ["hnsdiag"], ["ipconfig"]]);
  assert.deepEqual(
    inv.networks.map((n) => [n.name, n.id, n.driver]),
    [
      ["External", "6f7e13a2-8ade-48ee-844e-ac0b0aff235d", "overlay"],
      ["nat", "b5083512-be1d-4326-b58f-56ca5154e8d5", undefined],
      ["vxlan0", "705b6b4d-e2f2-421a-b31b-e3c5e8831944", undefined],
    ],
  );
  const ext = inv.networks[0];
  assert.deepEqual(ext.subnets, ["192.168.255.0/30"]);
  assert.equal(ext.links.find((l) => l.to === "external-nic")?.value, "Ethernet 2");
  const nat = inv.networks[1];
  assert.equal(nat.hostVnic, "vEthernet (nat)");
  assert.equal(nat.vSwitchName, "nat");
  const h = inv.hostVnics[0];
  assert.equal(inv.hostVnics.length, 1);
  assert.equal(h.alias, "vEthernet (nat)");
  assert.equal(h.networkName, "nat");
  assert.equal(h.ifIndex, 13);
  assert.equal(h.links.find((l) => l.to === "network")?.matchedBy, "alias");
  assert.deepEqual(
    inv.externalNics.map((x) => [x.name, x.ip, x.ifIndex, x.switchName]),
    [["Ethernet 2", "10.0.0.6", 7, "External"]],
  );
  assert.equal(inv.endpoints.length, 6);
  assert.ok(inv.endpoints.every((e) => e.networkName === "vxlan0" && e.networkId === "705b6b4d-e2f2-421a-b31b-e3c5e8831944"));
  assert.equal(inv.loadBalancers.length, 2);

  const L = new InventoryLookup(inv);
  assert.equal(L.switch(undefined, "nat")?.networkName, "nat");
  assert.equal(L.find("vEthernet (nat)")?.kind, "host-vnic");
  assert.equal(L.find("{6F7E13A2-8ADE-48EE-844E-AC0B0AFF235D}")?.label, "External");
  const ep = L.find("11796E63-07B3-4199-91D5-9BC25108FB41")!;
  assert.equal(ep.kind, "endpoint");
  assert.equal(ep.networkName, "vxlan0");
  assert.equal(ep.matchedBy, "hns-endpoint-id");
  const eth = L.find("Ethernet")!;
  assert.equal(eth.confidence, "low", "six endpoints are named Ethernet");
  assert.equal(eth.alternatives?.length, 5);
  assert.equal(L.find("10.0.0.6")?.label, "Ethernet 2");
  assert.equal(L.find("fe80::34b5:b7e:ceb6:5800%13")?.label, "vEthernet (nat)");
});

test("the whole host-samples folder reads without error; SOURCES.md is skipped with a note", { skip: missingReference(DOCKER, HNSNET, HNSDIAG, IPCONFIG, HCS) }, () => {
  const inv = readInventory(join(referenceDir, HS));
  const skipped = inv.sources.filter((s) => s.skipped).map((s) => s.path.split(/[\\/]/).pop());
  assert.deepEqual(skipped, ["SOURCES.md"]);
  // The samples come from different hosts: docker's nat says HNS id bcbf2335…, hnsdiag's nat is b5083512….
  const nat = inv.networks.find((n) => n.name === "nat")!;
  assert.equal(nat.dockerId, "9d35e3b6619d919f554b2c419aee515133238070121ca999d3514196541a7cfd");
  assert.equal(nat.id, "b5083512-be1d-4326-b58f-56ca5154e8d5");
  assert.ok(inv.notes.some((n) => n.includes("bcbf2335-aa54-4561-a665-2b05caa7f5b4") && n.includes("different hosts")));
  assert.equal(inv.containers.length, 2);
  assert.ok(inv.notes.some((n) => n.includes("eef2649d-bb17-4d53-9937-295a8efe6f2c")), "the HCS endpoint no HNS dump has is noted");
  // The 15-hex friendly-name rule, on a docker network id: a prefix of nat's id names its switch.
  const sw = new InventoryLookup(inv).switch(undefined, "9d35e3b6619d919")!;
  assert.equal(sw.kind, "switch");
  assert.equal(sw.networkName, "nat");
  assert.equal(sw.matchedBy, "name-prefix");
});
