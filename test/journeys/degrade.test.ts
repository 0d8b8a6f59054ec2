// Wrong or partial host state degrades gracefully: the journeys stay exactly the ground truth's, every hop keeps a
// name (the trace's own when the host state says nothing), and no hop is ever named after the wrong container.
// Also: the real host samples (../shared/reference/host-samples) read and name nothing wrongly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { loadScenario, runLab } from "../../src/lab/lab.js";
import { inventoryFromTexts, readInventory } from "../../src/inventory/mod.js";
import type { Inventory } from "../../src/inventory/mod.js";
import { readJourneys } from "../../src/journeys/mod.js";
import { missingReference, referenceDir } from "../helpers/samples.js";
import type { Truth } from "./truth.js";
import { captured, compare } from "./truth.js";

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-journeys-degrade-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const seed = join(dir, "seed-nat");
runLab(loadScenario("seed-nat"), { outDir: seed, flavor: "both" });
const other = join(dir, "overlay");
runLab(loadScenario("overlay"), { outDir: other, flavor: "pktmon" });
const truth = JSON.parse(readFileSync(join(seed, "ground-truth.json"), "utf8")) as Truth;

function check(what: string, inv: Inventory | null): void {
  for (const flavor of ["netsh", "pktmon"] as const) {
    const js = readJourneys(join(seed, `seed-nat.${flavor}.etl`), { inventory: inv });
    assert.deepEqual(compare(truth, js, flavor), [], `${what}, ${flavor}: journeys unchanged`);
    const byStart = new Map(js.map((j) => [`${j.hops[0].ticks}/${j.hops[0].cpu}`, j]));
    for (const p of truth.packets) {
      const th = captured(p, flavor);
      const j = byStart.get(`${th[0].ticks}/${th[0].cpu}`)!;
      th.forEach((t, i) => {
        const h = j.hops[i];
        assert.ok(h.names?.label, `${what}, ${flavor} #${p.id} hop ${i}: still named`);
        const port = t.kind === "switch-in" ? t.from : t.kind === "switch-out" ? t.to : undefined;
        if (h.names?.container !== undefined) {
          assert.equal(port?.kind, "container", `${what}, ${flavor} #${p.id} hop ${i}: a container name on a ${t.kind} hop`);
          assert.equal(h.names.container, port!.owner, `${what}, ${flavor} #${p.id} hop ${i}: right container or none`);
        }
      });
    }
  }
}

test("host state: garbage file → trace names, same journeys", () => {
  const g = join(dir, "garbage.json");
  writeFileSync(g, "{ \"this\": is not [ json");
  check("garbage file", readInventory(g));
});

test("host state: empty folder → trace names, same journeys", () => {
  const e = join(dir, "empty");
  mkdirSync(e, { recursive: true });
  check("empty folder", readInventory(e));
});

test("host state: another host's state (the overlay scenario's) → nothing named wrongly", () => {
  check("another host's state", readInventory(join(other, "host")));
});

test("host state: partial (docker network inspect only; ipconfig only; HNS endpoints only) → right names or none", () => {
  for (const f of ["docker-network-inspect.json", "ipconfig-allcompartments.txt", "Get-HnsEndpoint.json"]) {
    const p = join(dir, `partial-${f}`);
    mkdirSync(p, { recursive: true });
    copyFileSync(join(seed, "host", f), join(p, f));
    check(`only ${f}`, readInventory(p));
  }
});

test("host state: truncated files (every host file cut in half) → right names or none", () => {
  const texts: Record<string, string> = {};
  for (const f of ["docker-inspect.json", "Get-HnsEndpoint.json", "hcn-networks.json", "Get-NetAdapter.txt", "Get-VMSwitch.txt"]) {
    const t = readFileSync(join(seed, "host", f), "utf8");
    texts[f] = t.slice(0, t.length >> 1);
  }
  check("truncated files", inventoryFromTexts(texts));
});

test("the real host samples read, and following a lab trace with them names nothing wrongly", { skip: missingReference("host-samples") }, () => {
  const inv = readInventory(join(referenceDir, "host-samples"));
  assert.ok(inv.networks.length > 0, "the samples describe networks");
  check("real host samples", inv);
});
