// The web UI's data (CaptureModel): one pass gives the same packets, journeys, flows and topology as the stages
// on their own; pages slice the (filtered) list; the filter agrees with a Node-side count; detail, journeys and
// topology carry what the views show; the report data embeds the first N packets and says so.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readInventory } from "../../src/inventory/mod.js";
import { readJourneys } from "../../src/journeys/mod.js";
import { readFlows } from "../../src/flows/mod.js";
import { FilterError } from "../../src/filter/mod.js";
import { CaptureModel, MAX_PAGE } from "../../src/web/model.js";
import type { TreeNodeView } from "../../src/web/api.js";
import { matchingPackets, seedNat } from "./fixtures.js";

function labels(nodes: readonly TreeNodeView[], out: string[] = []): string[] {
  for (const n of nodes) {
    out.push(n.label);
    if (n.children) labels(n.children, out);
  }
  return out;
}

for (const flavor of ["netsh", "pktmon"] as const) {
  test(`seed-nat ${flavor}: overview, pages, filter, detail, journeys and topology`, () => {
    const lab = seedNat();
    const file = lab[flavor];
    const inv = readInventory(lab.host);
    const m = new CaptureModel(file, { inventory: inv });
    assert.equal(m.status().state, "loading");
    m.loadSync();
    const st = m.status();
    assert.equal(st.state, "ready");
    assert.equal(st.done, st.total);

    const all = matchingPackets(file, "");
    const journeys = readJourneys(file, { inventory: inv });
    const flows = readFlows(file);
    const ov = m.overview();
    assert.equal(ov.file, `seed-nat.${flavor}.etl`);
    assert.deepEqual(ov.flavours, [flavor]);
    assert.equal(ov.packets, all.length);
    assert.equal(ov.journeys, journeys.length);
    assert.equal(ov.flows, flows.flows.length);
    assert.ok(ov.events >= ov.packets);
    assert.ok(ov.providers.length > 0 && ov.providers.every((p) => p.guid && p.events > 0));
    assert.match(ov.start, /^2018-07-13T02:00:00\.\d{7}Z$/);
    assert.ok(ov.duration > 0);
    assert.deepEqual(Object.keys(ov.findings).sort(), ["critical", "error", "info", "warning"]);

    // Paging: pages slice the whole list; rows are packet numbers in order.
    const whole = m.page("", 0, MAX_PAGE);
    assert.equal(whole.total, all.length);
    assert.deepEqual(whole.rows.map((r) => r.no), all);
    const p2 = m.page("", 5, 4);
    assert.equal(p2.offset, 5);
    assert.deepEqual(p2.rows.map((r) => r.no), all.slice(5, 9));
    assert.equal(m.page("", 1000, 10).rows.length, 0);
    for (const r of whole.rows) {
      assert.equal(typeof r.time, "number");
      assert.ok(r.src && r.dst && r.protocol && r.where && r.info, JSON.stringify(r));
      assert.ok(r.journey && r.journey >= 1, `row ${r.no} belongs to a journey`);
    }
    assert.equal(whole.rows[0].time, 0);

    // The filter agrees with the Node-side count, and paging works on the filtered list.
    const icmp = matchingPackets(file, "icmp");
    assert.ok(icmp.length >= 8);
    const f = m.page("icmp", 0, 3, icmp[2]);
    assert.equal(f.matched, icmp.length);
    assert.deepEqual(f.rows.map((r) => r.no), icmp.slice(0, 3));
    assert.equal(f.found, 2);
    assert.ok(f.rows.every((r) => r.protocol === "ICMP"));
    assert.equal(m.page("icmp", 0, 0, 1).found, -1, "packet 1 (DNS) is not in the icmp list");
    assert.equal(m.page("icmp", 0, 1).filterMs, 0, "the last filter's matches are reused");
    assert.deepEqual(m.page("ip.addr == 172.18.5.3 && icmp.type == 8", 0, 100).rows.map((r) => r.no), matchingPackets(file, "ip.addr == 172.18.5.3 && icmp.type == 8"));
    assert.deepEqual(m.page(`frame.number == 17`, 0, 10).rows.map((r) => r.no), [17]);
    if (flavor === "pktmon") assert.equal(m.page("pktmon.appearance >= 1", 0, 0).matched, matchingPackets(file, "pktmon.appearance >= 1").length);
    assert.throws(() => m.page("ip.addr ==", 0, 10), (e: unknown) => e instanceof FilterError && e.column === 11);
    assert.throws(() => m.page("no.such.field", 0, 10), FilterError);

    // Detail: metadata, the layer tree (ICMP), the bytes.
    const d = m.detail(icmp[0])!;
    assert.equal(d.row.no, icmp[0]);
    assert.ok(labels(d.tree).some((l) => /Internet Control Message Protocol/.test(l)), labels(d.tree).join("\n"));
    assert.ok(d.tree.every((n) => n.start >= 0 && n.length >= 0));
    assert.match(d.hex, /^([0-9a-f]{2})+$/);
    assert.equal(d.hex.length / 2, d.row.length <= d.originalLength ? d.hex.length / 2 : -1);
    assert.ok(d.meta.some((x) => x.label === "Number" && x.value === String(icmp[0])));
    assert.equal(m.detail(0), null);
    assert.equal(m.detail(all.length + 1), null);

    // Journeys: same as readJourneys, hops point at packets, frames as hex, container names from the host state.
    for (const j of journeys) {
      const v = m.journey(j.id)!;
      assert.equal(v.summary, j.summary);
      assert.equal(v.hops.length, j.hops.length);
      assert.deepEqual(v.fate, j.fate);
      assert.deepEqual(v.rewrites, j.rewrites);
      v.hops.forEach((h, k) => {
        const o = j.hops[k];
        assert.equal(h.kind, o.kind);
        assert.equal(h.time, o.time);
        assert.deepEqual(h.where, o.where);
        assert.deepEqual(h.names, o.names);
        assert.equal(h.packet, o.packet);
        assert.equal(h.frame?.hex, o.frame ? Buffer.from(o.frame.bytes).toString("hex") : undefined);
        assert.ok(!o.frame || h.frame?.summary, "frames have a summary");
      });
    }
    assert.equal(m.journey(0), null);
    assert.equal(m.journey(journeys.length + 1), null);
    const toWcow2 = journeys.find((j) => j.dst === "172.18.5.3")!;
    const names = m.journey(toWcow2.id)!.hops.map((h) => h.names?.container).filter(Boolean);
    assert.deepEqual([...new Set(names)], ["wcow1", "wcow2"]);
    assert.equal(whole.rows[toWcow2.hops[0].packet! - 1].journey, toWcow2.id);

    // Topology: container nodes with the filter that selects their packets.
    const topo = m.topology();
    const cts = topo.graph.nodes.filter((n) => n.kind === "container");
    assert.deepEqual(cts.map((n) => n.label).sort(), ["wcow1", "wcow2"]);
    const w2 = cts.find((n) => n.label === "wcow2")!;
    assert.equal(w2.filter, "ip.addr == 172.18.5.3");
    assert.equal(m.page(w2.filter!, 0, 0).matched, matchingPackets(file, "ip.addr == 172.18.5.3").length);
    for (const e of topo.graph.edges) {
      assert.ok(topo.graph.nodes.some((n) => n.id === e.source) && topo.graph.nodes.some((n) => n.id === e.target));
    }

    // Timeline: every packet in exactly one bin.
    const tl = m.timeline();
    assert.ok(tl.binSeconds > 0);
    assert.equal(tl.series.reduce((s, x) => s + x.counts.reduce((a, b) => a + b, 0), 0), all.length);
    assert.ok(tl.series.some((s) => s.where.startsWith("wcow1 (try-nat)")));

    assert.deepEqual(m.flows().stats, flows.stats);
    assert.deepEqual(m.findings().findings, []);
    m.close();
  });
}

test("report data: the first N packets with their records and bytes, the journeys that touch them, a note on the cap", () => {
  const lab = seedNat();
  const m = new CaptureModel(lab.pktmon, { inventory: readInventory(lab.host) }).loadSync();
  const full = m.reportData(1_000_000);
  assert.equal(full.packets!.rows.length, m.packetCount);
  assert.equal(full.overview.notes.length, 0);
  const r = m.reportData(10);
  const e = r.packets!;
  assert.equal(e.total, m.packetCount);
  assert.equal(e.rows.length, 10);
  assert.equal(e.records.length, 10);
  assert.equal(e.offsets.length, 11);
  const bytes = Buffer.from(e.bytes, "base64");
  assert.equal(bytes.length, e.offsets[10]);
  for (let i = 0; i < 10; i++) {
    const d = m.detail(i + 1)!;
    assert.equal(bytes.subarray(e.offsets[i], e.offsets[i + 1]).toString("hex"), d.hex);
    assert.equal(e.records[i].number, i + 1);
    assert.equal((e.records[i] as { bytes?: unknown }).bytes, undefined);
    assert.ok(e.records[i].pktmon?.groupId);
  }
  assert.ok(r.overview.notes.some((n) => /first 10 of 20 packets/.test(n)), r.overview.notes.join("; "));
  // Journeys touching the embedded packets; their embedded frames carry no hex (the app reads EmbeddedPackets).
  assert.ok(r.journeys.length >= 2);
  for (const j of r.journeys) {
    assert.ok(j.hops.some((h) => h.packet !== undefined && h.packet <= 10));
    for (const h of j.hops) if (h.frame) assert.equal(h.frame.hex === "", h.packet !== undefined && h.packet <= 10, `journey ${j.id} hop ${h.index}`);
  }
  assert.equal(r.flows.flows.length, m.flows().flows.length, "flows cover the whole capture");
  m.close();
});

test("an unreadable file is a WnvError (exit code 2), not an internal error", () => {
  assert.throws(() => new CaptureModel("/nonexistent/x.etl"), (e: unknown) => (e as { exitCode?: number }).exitCode === 2);
});

test("findings: the model's one pass finds what `wnvtrace diagnose` finds (lab fault-drop), evidence pointing at real packets", async () => {
  const { diagnose } = await import("../../src/findings/mod.js");
  const { loadScenario, runLab } = await import("../../src/lab/lab.js");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "wnvtrace-web-fault-"));
  try {
    runLab(loadScenario("fault-drop"), { outDir: dir, flavor: "both" });
    const inv = readInventory(join(dir, "host"));
    for (const flavor of ["netsh", "pktmon"]) {
      const file = join(dir, `fault-drop.${flavor}.etl`);
      const want = diagnose(file, { inventory: inv }).findings;
      const m = new CaptureModel(file, { inventory: inv }).loadSync();
      const got = m.findings();
      assert.deepEqual(got, want, flavor);
      assert.ok(got.findings.length > 0, `${flavor}: fault-drop has findings`);
      assert.deepEqual(m.overview().findings, want.summary);
      for (const f of got.findings) {
        for (const no of f.evidence.packets) assert.ok(m.detail(no), `${flavor}: evidence packet ${no} exists`);
        for (const id of f.evidence.journeys) assert.ok(m.journey(id), `${flavor}: evidence journey ${id} exists`);
      }
      m.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
