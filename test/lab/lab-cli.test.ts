// `wnvtrace lab` and `npm start`'s demo, run as a user runs them; the host-state files join with the capture.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { TraceDecoder } from "../../src/events/mod.js";
import { runCli } from "../helpers/cli.js";
import type { CliRun } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-lab-cli-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): CliRun {
  return runCli(args);
}

test("lab --list names every bundled scenario with its description", () => {
  const r = run("lab", "--list");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^seed-nat +nat network try-nat with wcow1 and wcow2/m);
  assert.match(r.out, /^overlay +overlay network: VXLAN/m);
});

test("lab seed-nat -o DIR writes both flavours, host state and ground truth that agree with each other", () => {
  const out = join(dir, "seed");
  const r = run("lab", "seed-nat", "-o", out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /6 packets written to/);
  for (const f of ["seed-nat.netsh.etl", "seed-nat.pktmon.etl", "ground-truth.json", "host/docker-network-inspect.json", "host/docker-inspect.json", "host/Get-HnsNetwork.json",
    "host/Get-HnsEndpoint.json", "host/hcn-networks.json", "host/hcn-endpoints.json", "host/hnsdiag-list-all.txt", "host/ipconfig-allcompartments.txt", "host/Get-VMSwitch.txt", "host/Get-NetAdapter.txt"]) {
    assert.ok(existsSync(join(out, f)), f);
  }
  const truth = JSON.parse(readFileSync(join(out, "ground-truth.json"), "utf8"));
  assert.equal(truth.schema, "wnvtrace-lab-truth/1");
  assert.equal(truth.packets.length, 6);
  assert.equal(truth.topology.switches[0].friendlyName, "try-nat");
  // HNS endpoint → vSwitch port: the capture's control events name the same port GUIDs.
  const eps = JSON.parse(readFileSync(join(out, "host/Get-HnsEndpoint.json"), "utf8")) as { Name: string; MacAddress: string; IPAddress: string; Resources: { Allocators: { EndpointPortGuid: string }[] } }[];
  const d = new TraceDecoder(join(out, "seed-nat.netsh.etl"));
  const ports = new Set<string>();
  while (d.next()) {
    const e = d.decode();
    if (e.id === 232 && e.fields) ports.add(String(e.fields.PortName));
  }
  d.close();
  for (const ep of eps) assert.ok(ports.has(ep.Resources.Allocators[0].EndpointPortGuid), `${ep.Name}'s port is connected in the capture`);
  // docker ↔ HNS by MAC and IP.
  const nets = JSON.parse(readFileSync(join(out, "host/docker-network-inspect.json"), "utf8"));
  assert.equal(nets[0].Name, "try-nat");
  assert.equal(nets[0].Options["com.docker.network.windowsshim.networkname"], "try-nat");
  const hnsNets = JSON.parse(readFileSync(join(out, "host/Get-HnsNetwork.json"), "utf8"));
  assert.equal(nets[0].Options["com.docker.network.windowsshim.hnsid"].toUpperCase(), hnsNets[0].ID);
  for (const c of Object.values(nets[0].Containers) as { Name: string; MacAddress: string; IPv4Address: string }[]) {
    const ep = eps.find((x) => x.MacAddress === c.MacAddress.toUpperCase().replace(/:/g, "-"))!;
    assert.ok(ep, c.Name);
    assert.equal(`${ep.IPAddress}/24`, c.IPv4Address);
  }
  const ipc = readFileSync(join(out, "host/ipconfig-allcompartments.txt"), "utf8");
  assert.match(ipc, /Network Information for Compartment 1 \(ACTIVE\)/);
  assert.match(ipc, /Network Information for Compartment 3\r?\n/);
  assert.match(ipc, /Ethernet adapter vEthernet \(try-nat\):/);
  assert.match(readFileSync(join(out, "host/Get-VMSwitch.txt"), "utf8"), /^try-nat +Internal/m);
  assert.match(readFileSync(join(out, "host/hnsdiag-list-all.txt"), "utf8"), /^try-nat +[0-9A-F-]{36}$/m);
  // vfpctrl names every port with the NIC GUID the VmSwitch events carry.
  const vfp = readFileSync(join(out, "host/vfpctrl-list-vmswitch-port.txt"), "utf8");
  for (const p of truth.topology.switches[0].ports as { port: string; nic: string }[]) {
    assert.match(vfp, new RegExp(`Port name +: ${p.port}\\n(?:.*\\n)*? +NIC name +: ${p.nic}\\n`));
  }
});

test("lab --flavor pktmon --scale 2 writes only the pktmon file, twice the packets", () => {
  const out = join(dir, "scaled");
  const r = run("lab", "transparent", "-o", out, "--flavor", "pktmon", "--scale", "2");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /36 packets \(2 repetitions\)/);
  assert.ok(existsSync(join(out, "transparent.pktmon.etl")));
  assert.ok(!existsSync(join(out, "transparent.netsh.etl")));
});

test("lab errors: one line, exit 1", () => {
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "name: bad\nnetworks:\n  - { name: n, driver: natt }\n");
  const r = run("lab", bad, "-o", join(dir, "bad"));
  assert.equal(r.code, 1);
  assert.equal(r.err.trimEnd(), 'wnvtrace: error: bad.yaml:3: networks[0].driver: "natt" is not one of nat, transparent, l2bridge, l2tunnel, overlay, internal, private');
  assert.equal(run("lab", "seed-nat").code, 1, "-o is required");
  assert.equal(run("lab", "nonesuch", "-o", dir).code, 1);
});

test("demo (npm start) prints the seed-nat capture's VmSwitch lines like Get-WinEvent, its journeys and a diagnosis", () => {
  const r = run("demo", "-o", join(dir, "demo"));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^NBL 0xffff[0-9a-f]{12} received from Nic [0-9A-F-]{36} \(Friendly Name: [0-9a-f]{15}\) in switch [0-9A-F-]{36} \(Friendly Name: try-nat\)$/m);
  assert.match(r.out, /^VMSwitch Packet Fragment \(155 bytes\)$/m);
  assert.match(r.out, /^NBL 0xffff[0-9a-f]{12} delivered to Nic [0-9A-F-]{36} \(Friendly Name: Ethernet\) in switch [0-9A-F-]{36} \(Friendly Name: try-nat\)$/m);
  // Then the journeys, named from the host state, and the diagnosis of the fault-drop scenario.
  assert.match(r.out, /^#3 ICMP echo 172\.18\.5\.2 → 13\.107\.21\.200 {2}wcow1 \(try-nat\) → vSwitch try-nat → host vNIC vEthernet \(try-nat\) .* NAT: src 172\.18\.5\.2 → 10\.0\.0\.4 {3}delivered$/m);
  assert.match(r.out, /^6 journeys: 6 delivered, 0 dropped, 0 unfinished$/m);
  assert.match(r.out, /: 3 findings \(critical 0, error 3, warning 0, info 0\)$/m);
  assert.match(r.out, /^ {2}2\. ERROR {4}1 packet dropped at wcow2 \(nat\) \[pktmon component \d+\]: Spoofed MAC address is not allowed {3}\[drop\]$/m);
  assert.match(r.out, /wnvtrace follow \S+fault-drop\.pktmon\.etl --packet 3 shows/);
  assert.match(r.out, /^See them in a browser: wnvtrace serve /m);
});
