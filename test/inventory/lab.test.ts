// The inventory against the lab: every bundled scenario's DIR/host/ files are read and joined, and every NIC the
// ground truth lists is named from what a trace shows (NIC GUID, NIC friendly name, port GUID, MAC, on its switch).
// The lab's host files carry no vfpctrl output, so host vNIC and uplink GUIDs are not asserted (they cannot be known).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { bundledScenarios, loadScenario, runLab } from "../../src/lab/lab.js";
import { InventoryLookup, readInventory } from "../../src/inventory/mod.js";

interface TruthPort {
  kind: string;
  nic: string;
  nicFriendlyName: string;
  port: string;
  mac: string;
  owner: string;
}
interface Truth {
  topology: {
    switches: { name: string; friendlyName: string; type: string; ports: TruthPort[] }[];
    networks: { name: string; driver: string; hnsId: string; hnsName: string; dockerId: string; subnet: string; gateway: string }[];
    containers: { name: string; id: string; network: string; endpointId: string; ip: string; mac: string; compartment: number }[];
  };
}

let scenarios: string[] = [];
try {
  scenarios = bundledScenarios().map((p) => p.split(/[\\/]/).pop()!.replace(/\.ya?ml$/, ""));
} catch {
  scenarios = [];
}
const dir = mkdtempSync(join(tmpdir(), "wnvtrace-invlab-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

for (const name of scenarios) {
  test(`lab ${name}: host state joins to the ground truth`, () => {
    const out = join(dir, name);
    runLab(loadScenario(name), { outDir: out, flavor: "pktmon", scale: 0.001 });
    const truth = JSON.parse(readFileSync(join(out, "ground-truth.json"), "utf8")) as Truth;
    const inv = readInventory(join(out, "host"));
    assert.deepEqual(inv.sources.filter((s) => s.skipped), [], "every host file is read");
    assert.deepEqual(inv.notes.filter((n) => /internal error/.test(n)), []);
    const L = new InventoryLookup(inv);

    for (const n of truth.topology.networks) {
      const got = inv.networks.find((x) => x.id === n.hnsId);
      assert.ok(got, `network ${n.name}`);
      assert.equal(got.name, n.hnsName);
      assert.equal(got.dockerId, n.dockerId);
      assert.equal(got.driver, n.driver);
      assert.ok(got.subnets.includes(n.subnet));
      assert.equal(got.gateway, n.gateway);
    }
    for (const c of truth.topology.containers) {
      const e = inv.endpoints.find((x) => x.containerName === c.name);
      assert.ok(e, `container ${c.name}`);
      assert.equal(e.containerId, c.id);
      assert.equal(e.endpointId, c.endpointId);
      assert.equal(e.ip, c.ip);
      assert.equal(e.mac, c.mac);
      assert.equal(e.compartmentId, c.compartment);
      assert.equal(e.networkName, truth.topology.networks.find((n) => n.name === c.network)?.hnsName);
      assert.equal(L.find(c.ip)?.containerName, c.name);
    }
    for (const sw of truth.topology.switches) {
      assert.equal(L.switch(sw.name)?.label, sw.friendlyName, `switch ${sw.name}`);
      assert.ok(L.switch(undefined, sw.friendlyName), `switch ${sw.friendlyName}`);
      for (const p of sw.ports) {
        const what = `${p.kind} ${p.owner} on ${sw.friendlyName}`;
        const byFriendly = L.nic(undefined, p.nicFriendlyName, sw.friendlyName);
        if (p.kind === "container") {
          assert.equal(L.nic(p.nic, p.nicFriendlyName, sw.friendlyName)?.containerName, p.owner, `${what}: NIC GUID`);
          assert.equal(byFriendly?.containerName, p.owner, `${what}: friendly name ${p.nicFriendlyName}`);
          assert.equal(L.find(p.port)?.containerName, p.owner, `${what}: port GUID`);
          assert.equal(L.find(p.mac)?.containerName, p.owner, `${what}: MAC`);
        } else if (p.kind === "host-vnic") {
          assert.equal(byFriendly?.kind, "host-vnic", `${what}: friendly name ${p.nicFriendlyName}`);
          assert.equal(byFriendly?.label, p.owner);
        } else if (p.kind === "external") {
          assert.equal(byFriendly?.kind, "external-nic", `${what}: friendly name ${p.nicFriendlyName}`);
          assert.equal(byFriendly?.label, p.owner);
        }
      }
    }
  });
}

test("the lab's scenarios are there to test against", { skip: scenarios.length ? false : "no bundled lab scenarios next to the compiled lab (run npm run build)" }, () => {
  assert.ok(scenarios.includes("seed-nat"));
});
