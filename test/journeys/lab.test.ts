// Every bundled lab scenario, both capture flavours: every journey equals the ground truth (hops, order, where,
// frames, rewrites, fate, drop reasons), with and without the host state; with it, every hop is named after its
// container / host vNIC / NIC and network.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { bundledScenarios, loadScenario, runLab } from "../../src/lab/lab.js";
import { readInventory } from "../../src/inventory/mod.js";
import { readJourneys } from "../../src/journeys/mod.js";
import type { Truth } from "./truth.js";
import { compare, compareNames } from "./truth.js";

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-journeys-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

for (const name of bundledScenarios()) {
  test(`lab ${name}: journeys equal the ground truth (netsh and pktmon, with and without host state)`, () => {
    const out = join(dir, name);
    runLab(loadScenario(name), { outDir: out, flavor: "both" });
    const truth = JSON.parse(readFileSync(join(out, "ground-truth.json"), "utf8")) as Truth;
    const inv = readInventory(join(out, "host"));
    // A netsh capture without the VmSwitch provider has no NBLs to follow (fault-no-vmswitch tests it on its own).
    const flavors = truth.capture.netshProviders.includes("vmswitch") ? (["netsh", "pktmon"] as const) : (["pktmon"] as const);
    for (const flavor of flavors) {
      const file = join(out, `${name}.${flavor}.etl`);
      const bare = readJourneys(file);
      assert.deepEqual(compare(truth, bare, flavor), [], `${flavor} without host state`);
      const named = readJourneys(file, { inventory: inv });
      assert.deepEqual(compare(truth, named, flavor), [], `${flavor} with host state`);
      assert.deepEqual(compareNames(truth, named, flavor), [], `${flavor} names from the host state`);
      // Without host state, names still come from the trace.
      for (const j of bare) for (const h of j.hops) assert.ok(h.names?.label, `${flavor} #${j.id} hop ${h.index} has a trace name`);
    }
  });
}

test("lab transparent (VLAN 11): the tag shows up as a VLAN change where pktmon sees it appear or go, never inside the vSwitch (netsh carries it out of band)", () => {
  const out = join(dir, "transparent-vlan");
  runLab(loadScenario("transparent"), { outDir: out, flavor: "both" });
  const truth = JSON.parse(readFileSync(join(out, "ground-truth.json"), "utf8")) as Truth;
  const pm = readJourneys(join(out, "transparent.pktmon.etl"));
  let out11 = 0;
  let in11 = 0;
  for (const j of pm) {
    for (const r of j.rewrites.filter((x) => x.field === "VLAN")) {
      const h = j.hops[r.hop];
      assert.equal(r.by, "vSwitch");
      if (r.from === "none") {
        assert.equal(r.to, "11");
        assert.equal(h.kind, "nic-send", `#${j.id}: tagged on the way out at the NIC`);
        out11++;
      } else {
        assert.deepEqual([r.from, r.to], ["11", "none"]);
        assert.equal(h.kind, "switch-in", `#${j.id}: untagged on the way in at the external port`);
        in11++;
      }
    }
  }
  const outbound = truth.packets.filter((p) => p.hops.some((h) => h.kind === "nic-send")).length;
  const inbound = truth.packets.filter((p) => p.hops.some((h) => h.kind === "nic-recv")).length;
  assert.equal(out11, outbound);
  assert.equal(in11, inbound);
  const ns = readJourneys(join(out, "transparent.netsh.etl"));
  assert.deepEqual(ns.flatMap((j) => j.rewrites.filter((r) => r.field === "VLAN")), [], "netsh: 1003 OOB VLAN 11 = the wire tag: no change");
  assert.ok(ns.some((j) => j.hops.some((h) => h.vlan === 11)), "netsh hops carry the out-of-band VLAN");
});
