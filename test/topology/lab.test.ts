// The topology against the lab's ground truth: every bundled scenario, both capture flavours.
//  - From the trace alone: the switches (GUID + friendly name in netsh captures, VMSwitchName in pktmon ones), every
//    port with its NIC friendly name (and port/NIC GUIDs, port id in netsh captures; the pktmon component in pktmon
//    ones), MACs, kinds and switch types.
//  - With DIR/host/ as inventory: every container, host vNIC and uplink named, with the key that matched; every
//    switch joined to its network; the containers/networks/host vNICs lists filled from both sides.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { bundledScenarios, loadScenario, runLab } from "../../src/lab/lab.js";
import { readInventory } from "../../src/inventory/mod.js";
import { namer, readTopology } from "../../src/topology/mod.js";
import type { TopoPort, TopoSwitch, Topology } from "../../src/topology/mod.js";

interface TruthPort {
  kind: "container" | "host-vnic" | "external";
  nic: string;
  nicFriendlyName: string;
  port: string;
  portFriendlyName: string;
  portId: number;
  mac: string;
  owner: string;
}
interface Truth {
  topology: {
    switches: { name: string; friendlyName: string; type: string; ifIndex: number; networks: string[]; ports: TruthPort[] }[];
    networks: { name: string; driver: string; hnsId: string; hnsName: string; subnet: string; gateway: string }[];
    containers: { name: string; id: string; network: string; endpointId: string; ip: string; mac: string; compartment: number; nic: string; port: string }[];
    pktmonComponents?: { id: number; type: number; name: string; description: string }[];
  };
}

const KIND = { container: "container-vnic", "host-vnic": "host-vnic", external: "external" } as const;

let scenarios: string[] = [];
try {
  scenarios = bundledScenarios();
} catch {
  scenarios = [];
}
const dir = mkdtempSync(join(tmpdir(), "wnvtrace-topolab-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

const generated = new Map<string, { truth: Truth; netsh: string; pktmon: string; host: string }>();
function lab(name: string): { truth: Truth; netsh: string; pktmon: string; host: string } {
  let g = generated.get(name);
  if (!g) {
    const out = join(dir, name);
    const r = runLab(loadScenario(name), { outDir: out, flavor: "both" });
    g = { truth: JSON.parse(readFileSync(r.files.truth, "utf8")) as Truth, netsh: r.files.netsh!, pktmon: r.files.pktmon!, host: join(out, "host") };
    generated.set(name, g);
  }
  return g;
}

function switchOf(t: Topology, friendlyName: string): TopoSwitch {
  const s = t.switches.find((x) => x.friendlyName === friendlyName);
  assert.ok(s, `switch ${friendlyName} in ${t.switches.map((x) => x.name).join(", ")}`);
  return s;
}

function portOf(s: TopoSwitch, p: TruthPort, flavor: "netsh" | "pktmon"): TopoPort {
  const got = flavor === "netsh" ? s.ports.find((x) => x.port === p.port) : s.ports.find((x) => x.nicFriendlyName === p.nicFriendlyName && x.kind === KIND[p.kind]);
  assert.ok(got, `${flavor}: port of ${p.owner} (${p.nicFriendlyName}) on ${s.name}; have ${s.ports.map((x) => `${x.kind}:${x.nicFriendlyName}`).join(", ")}`);
  return got;
}

for (const name of scenarios) {
  // A netsh capture without the VmSwitch provider (capture.providers) has no switch or port names to list.
  const noVms = !loadScenario(name).capture.providers.has("vmswitch");
  for (const flavor of noVms ? (["pktmon"] as const) : (["netsh", "pktmon"] as const)) {
    test(`lab ${name} (${flavor}): the trace alone lists the ground truth's switches, ports and NIC names`, () => {
      const g = lab(name);
      const t = readTopology(g[flavor]);
      assert.equal(t.inventory, undefined);
      assert.equal(t.switches.length, g.truth.topology.switches.length, t.switches.map((s) => s.name).join(", "));
      for (const ts of g.truth.topology.switches) {
        const s = switchOf(t, ts.friendlyName);
        assert.equal(s.name, ts.friendlyName);
        if (flavor === "netsh") assert.equal(s.id, ts.name, "switch GUID");
        else assert.equal(s.id, undefined, "pktmon does not give switch GUIDs");
        assert.equal(s.ifIndex, ts.ifIndex, "switch interface index");
        assert.equal(s.type, ts.type, "switch type inferred from its ports");
        assert.equal(s.typeFrom, "inferred");
        assert.equal(s.ports.length, ts.ports.length, `ports of ${ts.friendlyName}: ${s.ports.map((x) => x.nicFriendlyName).join(", ")}`);
        for (const tp of ts.ports) {
          const p = portOf(s, tp, flavor);
          const what = `${tp.kind} ${tp.owner}`;
          assert.equal(p.kind, KIND[tp.kind], `${what}: kind (${p.kindFrom})`);
          assert.equal(p.nicFriendlyName, tp.nicFriendlyName, `${what}: NIC friendly name`);
          if (flavor === "netsh") {
            assert.equal(p.nic, tp.nic, `${what}: NIC GUID`);
            assert.equal(p.portFriendlyName, tp.portFriendlyName, `${what}: port friendly name`);
            if (p.portId !== undefined) assert.equal(p.portId, tp.portId, `${what}: port id`);
            assert.ok(p.sources.includes("VmSwitch 232"), `${what}: named by VmSwitch 232`);
            assert.ok(p.ifIndex !== undefined, `${what}: ifIndex from VmSwitch 116`);
          } else {
            const comp = g.truth.topology.pktmonComponents!.find((c) => c.id === p.component);
            assert.ok(comp, `${what}: pktmon component`);
            assert.equal(comp.description, tp.nicFriendlyName);
            assert.ok(s.components.includes(comp.id));
          }
          // MACs: pktmon gives every port's; netsh captures show the MAC of ports that sent frames (never the uplink's).
          if (flavor === "pktmon" || tp.kind === "container") assert.equal(p.mac, tp.mac, `${what}: MAC`);
          else if (p.mac !== undefined) assert.equal(p.mac, tp.mac, `${what}: MAC`);
          if (tp.kind === "external") assert.notEqual(p.macFrom, "packets", "an uplink's MAC is never guessed from frames");
        }
        if (flavor === "pktmon") assert.ok(s.extensions.includes("VFP Extension"), "the VFP extension is grouped under its switch");
      }
      // Container IPs come from the packets (ARP / IP sources) when the container sent any.
      for (const c of g.truth.topology.containers) {
        const port = t.switches.flatMap((s) => s.ports).find((p) => p.mac === c.mac);
        assert.ok(port, `container ${c.name}'s port by MAC`);
        for (const ip of port.ips) assert.equal(ip, c.ip, `container ${c.name}: IP seen in packets`);
        const row = t.containers.find((x) => x.mac === c.mac);
        assert.ok(row, `container ${c.name} listed from the trace`);
        assert.equal(row.origin, "trace");
        assert.equal(row.id, c.id.slice(0, 15), "the NIC friendly name is the container id prefix");
      }
      assert.ok(t.names.some((n) => n.type === "switch-friendly-name" || n.type === "switch"));
    });

    test(`lab ${name} (${flavor}): with DIR/host as inventory, containers, networks, host vNICs and uplinks are named`, () => {
      const g = lab(name);
      const inv = readInventory(g.host);
      const t = readTopology(g[flavor], { inventory: inv });
      assert.ok(t.inventory && t.inventory.matched > 0);
      for (const ts of g.truth.topology.switches) {
        const s = switchOf(t, ts.friendlyName);
        const net = g.truth.topology.networks.find((n) => ts.networks.includes(n.name))!;
        assert.ok(s.network, `switch ${s.name} joined to its network`);
        assert.equal(s.network.name, net.hnsName);
        assert.equal(s.network.driver, net.driver);
        assert.equal(s.network.matchedBy, flavor === "netsh" ? "switch-id" : "name", `switch ${s.name}: ${s.network.matchedBy}`);
        assert.equal(s.type, ts.type);
        for (const tp of ts.ports) {
          const p = portOf(s, tp, flavor);
          const what = `${flavor} ${tp.kind} ${tp.owner}`;
          assert.ok(p.owner, `${what}: named`);
          assert.equal(p.kind, KIND[tp.kind], what);
          if (tp.kind === "container") {
            assert.equal(p.owner.container, tp.owner, what);
            assert.equal(p.owner.matchedBy, "mac", `${what}: joined by MAC`);
            assert.equal(p.owner.via, tp.mac);
            assert.equal(p.owner.confidence, "high");
          } else {
            assert.equal(p.owner.label, tp.owner, what);
            assert.equal(p.owner.kind, tp.kind === "host-vnic" ? "host-vnic" : "external-nic", what);
            // MAC first — except where the host vNIC carries the uplink's MAC (l2bridge, transparent, overlay…).
            const shared = ts.ports.filter((x) => x.mac === tp.mac).length > 1;
            if (p.mac && !shared) assert.equal(p.owner.matchedBy, "mac", `${what}: MAC first (${p.owner.matchedBy})`);
            else assert.ok(["mac", "nic-name", "port-guid", "interface-guid", "name", "alias", "description"].includes(p.owner.matchedBy), `${what}: ${p.owner.matchedBy}`);
          }
        }
      }
      for (const c of g.truth.topology.containers) {
        const row = t.containers.find((x) => x.name === c.name);
        assert.ok(row, `container ${c.name} listed`);
        assert.equal(row.origin, "both");
        assert.equal(row.id, c.id);
        assert.equal(row.endpoint, c.endpointId);
        assert.equal(row.compartment, c.compartment);
        assert.equal(row.mac, c.mac);
        assert.equal(row.ip, c.ip);
        assert.equal(row.network, g.truth.topology.networks.find((n) => n.name === c.network)!.hnsName);
        assert.equal(row.inTrace?.matchedBy, "mac");
        if (flavor === "netsh") {
          assert.equal(row.nic, c.nic);
          assert.equal(row.port, c.port);
        }
      }
      assert.equal(t.containers.length, g.truth.topology.containers.length, "no extra containers");
      for (const n of g.truth.topology.networks) {
        const row = t.networks.find((x) => x.name === n.hnsName);
        assert.ok(row, `network ${n.hnsName}`);
        assert.equal(row.driver, n.driver);
        assert.ok(row.subnets.includes(n.subnet));
        assert.equal(row.origin, "both");
        assert.ok(row.inTrace);
      }
      const hostPorts = g.truth.topology.switches.flatMap((s) => s.ports.filter((p) => p.kind === "host-vnic"));
      for (const hp of hostPorts) {
        const row = t.hostVnics.find((h) => h.name === hp.owner);
        assert.ok(row, `host vNIC ${hp.owner}`);
        assert.equal(row.origin, "both");
        assert.ok(row.inTrace);
      }
      // Names: the NIC GUID / friendly name of each container says which container it is.
      const n = namer(t);
      for (const ts of g.truth.topology.switches) {
        for (const tp of ts.ports.filter((p) => p.kind === "container")) {
          const r = flavor === "netsh" ? n.nic(tp.nic, tp.nicFriendlyName, ts.name) : n.nic(undefined, tp.nicFriendlyName, ts.friendlyName);
          assert.equal(r?.container, tp.owner);
          assert.equal(n.mac(tp.mac)?.container, tp.owner);
          const name = t.names.find((x) => x.name === tp.nicFriendlyName);
          assert.ok(name && name.is.includes(tp.owner), `trace name ${tp.nicFriendlyName} → ${name?.is}`);
        }
      }
    });
  }
}

test("the lab's scenarios are there to test against", { skip: scenarios.length ? false : "no bundled lab scenarios next to the compiled lab (run npm run build)" }, () => {
  assert.ok(scenarios.includes("seed-nat"));
});
