// Wrong, partial or broken host state: the topology still comes out, names go missing rather than wrong, and the
// notes say what did not match. Never an error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { loadScenario, runLab } from "../../src/lab/lab.js";
import { inventoryFromTexts, readInventory } from "../../src/inventory/mod.js";
import { readTopology, renderTopologyText, topologySvg } from "../../src/topology/mod.js";
import { missingReference, referenceDir } from "../helpers/samples.js";

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-topodeg-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

function lab(name: string): { netsh: string; pktmon: string; host: string } {
  const out = join(dir, name);
  const r = runLab(loadScenario(name), { outDir: out, flavor: "both" });
  return { netsh: r.files.netsh!, pktmon: r.files.pktmon!, host: join(out, "host") };
}

const seed = lab("seed-nat");
const natpm = lab("nat-port-mapping");

test("another host's state (the real host samples) against lab captures: nothing wrong is named", { skip: missingReference("host-samples/SOURCES.md") }, () => {
  const inv = readInventory(join(referenceDir, "host-samples"));
  for (const f of [seed.netsh, seed.pktmon]) {
    const t = readTopology(f, { inventory: inv });
    // The lab's "try-nat" is none of the samples' networks (External, nat, vxlan0).
    assert.equal(t.switches[0].network, undefined);
    for (const p of t.switches[0].ports) assert.equal(p.owner, undefined, `${p.nicFriendlyName}: ${p.owner?.label} by ${p.owner?.matchedBy}`);
    assert.equal(t.inventory!.matched, 0);
    assert.match(t.inventory!.notes[0], /none of the host state matched/);
    // Trace names are all still there.
    assert.ok(t.containers.filter((c) => c.origin === "trace").length === 2);
  }
  // A switch named like one of theirs ("nat") joins by name, but the subnet disagrees: low confidence and a note.
  for (const f of [natpm.netsh, natpm.pktmon]) {
    const t = readTopology(f, { inventory: inv });
    const sw = t.switches[0];
    assert.equal(sw.network?.name, "nat");
    assert.equal(sw.network?.matchedBy, "network-name");
    assert.equal(sw.network?.confidence, "low");
    assert.ok(t.inventory!.notes.some((n) => /none of the IPs seen on it .* is in 172\.25\.112\.0\/20/.test(n)), t.inventory!.notes.join("\n"));
    // Their host vNIC "vEthernet (nat)" has interface index 13; ours is 11: not joined by its name.
    const hv = sw.ports.find((p) => p.kind === "host-vnic")!;
    if (hv.ifIndex !== undefined) assert.equal(hv.owner, undefined, `${hv.owner?.label} by ${hv.owner?.matchedBy}`);
    const web = sw.ports.find((p) => p.kind === "container-vnic")!;
    assert.equal(web.owner, undefined);
    renderTopologyText(t);
    topologySvg(t);
  }
});

test("partial host state: docker network inspect alone names the containers by MAC; no HNS ids", () => {
  const inv = readInventory(join(seed.host, "docker-network-inspect.json"));
  const t = readTopology(seed.netsh, { inventory: inv });
  const named = t.switches[0].ports.filter((p) => p.owner);
  assert.deepEqual(named.map((p) => [p.owner!.container, p.owner!.matchedBy]).sort(), [["wcow1", "mac"], ["wcow2", "mac"]]);
  for (const c of t.containers) {
    assert.ok(c.name === "wcow1" || c.name === "wcow2");
    assert.equal(c.endpoint, undefined, "no HNS dump, no endpoint id");
    assert.equal(c.origin, "both");
  }
  assert.equal(t.switches[0].network?.name, "try-nat", "the docker network name is the switch name");
});

test("host state with only ipconfig: the host vNIC is named, containers stay as the trace shows them", () => {
  const inv = readInventory(join(seed.host, "ipconfig-allcompartments.txt"));
  const t = readTopology(seed.netsh, { inventory: inv });
  const hv = t.switches[0].ports.find((p) => p.kind === "host-vnic")!;
  assert.equal(hv.owner?.label, "vEthernet (try-nat)");
  assert.equal(hv.owner?.matchedBy, "mac");
});

test("unreadable, empty, binary and truncated host files: skipped with notes, the topology is the trace's", () => {
  const bad = join(dir, "bad-host");
  mkdirSync(bad, { recursive: true });
  writeFileSync(join(bad, "garbage.txt"), "this is not host state\n");
  writeFileSync(join(bad, "empty.json"), "");
  writeFileSync(join(bad, "binary.bin"), Buffer.from([0, 1, 2, 3, 255, 254, 0, 0, 7]));
  const full = readFileSync(join(seed.host, "Get-HnsEndpoint.json"), "utf8");
  writeFileSync(join(bad, "Get-HnsEndpoint.json"), full.slice(0, Math.floor(full.length / 3)));
  const inv = readInventory([bad, join(dir, "does-not-exist")]);
  const plain = readTopology(seed.pktmon);
  const t = readTopology(seed.pktmon, { inventory: inv });
  assert.ok(t.inventory);
  assert.ok(t.inventory.notes.length > 0);
  assert.deepEqual(t.switches.map((s) => s.ports.map((p) => [p.nicFriendlyName, p.mac, p.kind])), plain.switches.map((s) => s.ports.map((p) => [p.nicFriendlyName, p.mac, p.kind])));
  for (const p of t.switches[0].ports) if (p.owner) assert.equal(p.owner.matchedBy, "mac", "a salvaged endpoint may still join, by MAC");
});

test("an inventory of contradicting texts: a name that matches but whose MAC disagrees is refused", () => {
  const inv = inventoryFromTexts({
    "ipconfig.txt": [
      "Windows IP Configuration",
      "",
      "Ethernet adapter vEthernet (try-nat):",
      "",
      "   Connection-specific DNS Suffix  . :",
      "   Description . . . . . . . . . . . : Hyper-V Virtual Ethernet Adapter",
      "   Physical Address. . . . . . . . . : 00-15-5D-99-99-99",
      "   IPv4 Address. . . . . . . . . . . : 172.18.5.1",
      "   Subnet Mask . . . . . . . . . . . : 255.255.255.0",
      "",
    ].join("\r\n"),
  });
  assert.equal(inv.hostVnics.length, 1);
  const t = readTopology(seed.pktmon, { inventory: inv });
  const hv = t.switches[0].ports.find((p) => p.kind === "host-vnic")!;
  // Its trace name "Ethernet" would lead to "vEthernet (try-nat)" by the switch; the MACs disagree.
  assert.equal(hv.owner, undefined, `${hv.owner?.label} by ${hv.owner?.matchedBy}`);
});
