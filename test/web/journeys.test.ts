// The journeys list (GET /api/journeys, CaptureModel.journeyPage, the report's PackedView.journeyPage) on the
// lab's fault-drop capture, netsh and pktmon: rows agree with an independent readJourneys pass (ids, summary,
// hops, fate, where, reason, hop names), paging, the fate filter, the text search (summary / where / container
// names, case-insensitive), the `-Y` filter (journeys with a hop whose packet matches, from a Node-side packet
// count), 400 for a bad fate or filter, and the report answering exactly as the server does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { readInventory } from "../../src/inventory/mod.js";
import type { Journey } from "../../src/journeys/mod.js";
import { readJourneys } from "../../src/journeys/mod.js";
import { CaptureModel } from "../../src/web/model.js";
import { startWebServer } from "../../src/web/server.js";
import { buildReport } from "../../src/web/report.js";
import { readReportData } from "../../src/web/page.js";
import { PackedView } from "../../src/web/packed.js";
import type { FilterError, JourneyPage, JourneyQuery, PackedReport } from "../../src/web/api.js";
import { assets, faultDrop, matchingPackets } from "./fixtures.js";

function get<T>(base: string, path: string): Promise<{ status: number; body: T }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as T }));
    });
    req.on("error", reject);
    req.end();
  });
}

const ids = (p: JourneyPage): number[] => p.rows.map((r) => r.id);

/** Hop labels of a journey, distinct, in hop order. */
const labels = (j: Journey): string[] => [...new Set(j.hops.map((h) => h.names?.label).filter((l): l is string => !!l))];

/** The text search, written independently of the model's (lowercase substring of summary, fate location, drop reason, hop labels). */
const textMatch = (j: Journey, q: string): boolean =>
  [j.summary, j.fate.location ?? "", j.fate.kind === "dropped" ? (j.fate.reasonName ?? "") : "", ...labels(j)].some((t) => t.toLowerCase().includes(q.toLowerCase()));

for (const flavour of ["netsh", "pktmon"] as const) {
  test(`journeys list (${flavour}): rows, paging, fate, search and -Y filter over HTTP agree with readJourneys`, async () => {
    const lab = faultDrop();
    const file = lab[flavour];
    const inventory = readInventory(lab.host);
    const ref = readJourneys(file, { inventory });
    const dropped = ref.filter((j) => j.fate.kind === "dropped");
    assert.ok(dropped.length >= 2, "the scenario plants drops");
    assert.ok(ref.some((j) => j.fate.kind === "delivered"));
    const model = new CaptureModel(file, { inventory });
    const web = await startWebServer(model, { port: 0, assets: assets() });
    try {
      assert.equal((await get(web.url, "/api/journeys")).status, 503, "503 while loading");
      await model.load();

      // Every journey, in id order, with the fields readJourneys gives.
      const all = await get<JourneyPage>(web.url, "/api/journeys?limit=1000");
      assert.equal(all.status, 200);
      assert.equal(all.body.total, ref.length);
      assert.equal(all.body.matched, ref.length);
      assert.deepEqual(ids(all.body), ref.map((j) => j.id));
      for (const [k, r] of all.body.rows.entries()) {
        const j = ref[k];
        assert.equal(r.summary, j.summary);
        assert.equal(r.protocol, j.protocol);
        assert.equal(r.src, j.src);
        assert.equal(r.dst, j.dst);
        assert.equal(r.hops, j.hops.length);
        assert.equal(r.durationUs, (j.endTicks - j.startTicks) / 10);
        assert.equal(r.fate, j.fate.kind);
        assert.equal(r.where, j.fate.location ?? "");
        assert.equal(r.reason, j.fate.kind === "dropped" ? j.fate.reasonName : undefined);
        assert.deepEqual(r.containers, labels(j));
        assert.ok(r.containers.length > 0, "hops are named from the host state");
      }
      const dr = all.body.rows.find((r) => r.fate === "dropped")!;
      assert.ok(dr.reason, "a dropped row carries its reason");

      // Paging.
      const pg = await get<JourneyPage>(web.url, "/api/journeys?offset=1&limit=2");
      assert.deepEqual({ ...pg.body, rows: ids(pg.body) }, { total: ref.length, matched: ref.length, offset: 1, rows: ref.slice(1, 3).map((j) => j.id) });
      const past = await get<JourneyPage>(web.url, `/api/journeys?offset=${ref.length + 5}&limit=2`);
      assert.deepEqual({ ...past.body, rows: ids(past.body) }, { total: ref.length, matched: ref.length, offset: ref.length, rows: [] });

      // Fate filter.
      for (const fate of ["dropped", "delivered", "unfinished"] as const) {
        const want = ref.filter((j) => j.fate.kind === fate).map((j) => j.id);
        const p = await get<JourneyPage>(web.url, `/api/journeys?fate=${fate}&limit=100`);
        assert.equal(p.body.matched, want.length, fate);
        assert.deepEqual(ids(p.body), want, fate);
        assert.ok(p.body.rows.every((r) => r.fate === fate));
      }
      const dp = await get<JourneyPage>(web.url, "/api/journeys?fate=dropped&offset=1&limit=1");
      assert.deepEqual(ids(dp.body), [dropped[1].id]);
      assert.equal(dp.body.matched, dropped.length);

      // Text search: summary, where, container names; case-insensitive; combined with the fate.
      for (const q of ["WCOW2", "vethernet", "dns", "echo reply", "spoofed mac", "Filtered", "nothing-like-this"]) {
        const want = ref.filter((j) => textMatch(j, q)).map((j) => j.id);
        const p = await get<JourneyPage>(web.url, `/api/journeys?q=${encodeURIComponent(q)}&limit=100`);
        assert.deepEqual(ids(p.body), want, q);
        const pd = await get<JourneyPage>(web.url, `/api/journeys?q=${encodeURIComponent(q)}&fate=dropped&limit=100`);
        assert.deepEqual(ids(pd.body), ref.filter((j) => textMatch(j, q) && j.fate.kind === "dropped").map((j) => j.id), `${q} dropped`);
      }
      assert.ok(ref.some((j) => textMatch(j, "vethernet")) && ref.some((j) => !textMatch(j, "vethernet")), "the search selects some journeys");
      // A drop reason finds the journeys dropped for it (only there: no summary or place says "spoofed").
      const spoofed = await get<JourneyPage>(web.url, `/api/journeys?q=spoofed&limit=100`);
      assert.deepEqual(ids(spoofed.body), ref.filter((j) => j.fate.kind === "dropped" && /Spoofed MAC/.test(j.fate.reasonName ?? "")).map((j) => j.id));
      assert.equal(spoofed.body.matched, 1);

      // -Y filter: journeys with a hop whose packet the filter matches.
      for (const f of ["icmp", "dns", "ip.dst == 10.0.0.1", "arp"]) {
        const pk = new Set(matchingPackets(file, f));
        const want = ref.filter((j) => j.hops.some((hp) => hp.packet !== undefined && pk.has(hp.packet))).map((j) => j.id);
        const p = await get<JourneyPage>(web.url, `/api/journeys?filter=${encodeURIComponent(f)}&limit=100`);
        assert.deepEqual(ids(p.body), want, f);
        const pd = await get<JourneyPage>(web.url, `/api/journeys?filter=${encodeURIComponent(f)}&fate=dropped&limit=100`);
        assert.deepEqual(ids(pd.body), ref.filter((j) => want.includes(j.id) && j.fate.kind === "dropped").map((j) => j.id), `${f} dropped`);
      }

      // Bad input: 400 with a reason.
      const badFate = await get<FilterError>(web.url, "/api/journeys?fate=lost");
      assert.equal(badFate.status, 400);
      assert.match(badFate.body.error, /fate/);
      const badFilter = await get<FilterError>(web.url, `/api/journeys?filter=${encodeURIComponent("icmp &&")}`);
      assert.equal(badFilter.status, 400);
      assert.equal(badFilter.body.filter, "icmp &&");
      assert.equal(typeof badFilter.body.column, "number");
      assert.equal((await get(web.url, "/api/journeys?offset=-1")).status, 400);
    } finally {
      await web.close();
      model.close();
    }
  });
}

test("journeys list: the report (PackedView) answers every query as the server's model does", () => {
  const lab = faultDrop();
  const inventory = readInventory(lab.host);
  for (const file of [lab.netsh, lab.pktmon]) {
    const model = new CaptureModel(file, { inventory }).loadSync();
    const pv = new PackedView(readReportData(buildReport(file, { inventory }).html) as PackedReport);
    const queries: JourneyQuery[] = [{}, { fate: "dropped" }, { fate: "delivered" }, { fate: "unfinished" }, { q: "wcow2" }, { q: "VETHERNET", fate: "dropped" }, { q: "dns" }, { q: "spoofed" }, { q: "filtered", fate: "dropped" }];
    for (const q of queries) {
      for (const [off, lim] of [[0, 100], [1, 2]]) assert.deepEqual(pv.journeyPage(q, off, lim), model.journeyPage(q, off, lim), JSON.stringify(q));
    }
    // -Y: the report's caller passes the journeys of the packets the filter matches.
    const pk = matchingPackets(file, "icmp");
    const inFilter = new Set(pk.map((no) => pv.journeyOf(no - 1)).filter((id) => id > 0));
    assert.deepEqual(pv.journeyPage({ filter: "icmp" }, 0, 100, inFilter), model.journeyPage({ filter: "icmp" }, 0, 100));
    model.close();
  }
});
