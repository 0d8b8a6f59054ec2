// report.html's embedded data (PackedReport, deflate-raw + base64): small per packet on a deterministic lab
// capture, and lossless — PackedView (what the browser app reads) expands it into exactly the ReportData the
// model builds (rows, records, bytes, journeys with frame summaries and ISO times), with and without the cap.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { loadScenario, runLab } from "../../src/lab/lab.js";
import { readInventory } from "../../src/inventory/mod.js";
import type { Inventory } from "../../src/inventory/mod.js";
import { CaptureModel } from "../../src/web/model.js";
import { PackedView } from "../../src/web/packed.js";
import { buildReport } from "../../src/web/report.js";
import { DATA_ENCODING, readReportData } from "../../src/web/page.js";
import type { PackedReport } from "../../src/web/api.js";
import { missing, sample } from "../helpers/samples.js";
import { assets, haveBundle } from "./fixtures.js";

/** The data element's text (what the report adds to the fixed app bundle). */
function dataText(html: string): string {
  const m = new RegExp(`id="wnv-data" data-encoding="${DATA_ENCODING.replace(/\+/g, "\\+")}">([A-Za-z0-9+/=]*)</script>`).exec(html);
  assert.ok(m, "the data element, base64");
  return m[1];
}

/** The packed report of `file` expands into the model's own ReportData (JSON-compared, as the browser gets it). */
function assertLossless(file: string, inventory: Inventory | null, maxPackets: number): PackedReport {
  const m = new CaptureModel(file, { inventory }).loadSync();
  try {
    const packed = JSON.parse(JSON.stringify(m.packedReport(maxPackets))) as PackedReport;
    const want = JSON.parse(JSON.stringify(m.reportData(maxPackets))) as ReturnType<CaptureModel["reportData"]>;
    const got = JSON.parse(JSON.stringify(new PackedView(packed).expand())) as typeof want;
    assert.deepEqual(got.packets?.rows, want.packets?.rows, "rows");
    assert.deepEqual(got.packets?.records, want.packets?.records, "records");
    assert.deepEqual(got.packets?.offsets, want.packets?.offsets, "offsets");
    assert.ok(got.packets?.bytes === want.packets?.bytes, "bytes");
    assert.equal(got.journeys.length, want.journeys.length, "journeys");
    for (let k = 0; k < want.journeys.length; k++) assert.deepEqual(got.journeys[k], want.journeys[k], `journey ${want.journeys[k].id}`);
    assert.deepEqual(got, want);
    return packed;
  } finally {
    m.close();
  }
}

test("report size: under 100 bytes of embedded data per packet on lab seed-nat ×50 (1000 packets), both flavours; lossless", { skip: haveBundle ? false : "the app bundle (dist/web) is not built" }, () => {
  // Measured when written: netsh 62 B/packet, pktmon 65 B/packet (≈ 8 KB of overview/topology/flows/findings,
  // then ≈ 52 B per packet: its columns, its distinct bytes, its share of a journey). The former embedding (rows,
  // records and journeys as JSON objects, bytes base64) was 1,814 B/packet; the same JSON deflated still 117–119;
  // the packed form without deflate 489. 100 leaves room to grow while catching any of those regressions.
  const dir = mkdtempSync(join(tmpdir(), "wnvtrace-report-size-"));
  try {
    runLab(loadScenario("seed-nat"), { outDir: dir, flavor: "both", scale: 50 });
    const inventory = readInventory(join(dir, "host"));
    for (const flavor of ["netsh", "pktmon"]) {
      const file = join(dir, `seed-nat.${flavor}.etl`);
      const r = buildReport(file, { inventory, assets: assets() });
      assert.equal(r.packets, 1000, flavor);
      assert.equal(r.embedded, 1000, flavor);
      const perPacket = dataText(r.html).length / r.packets;
      assert.ok(perPacket < 100, `${flavor}: ${perPacket.toFixed(1)} bytes of data per packet`);
      const data = readReportData(r.html) as PackedReport;
      assert.equal(data.format, "wnvtrace-report/2");
      assert.equal(data.packets?.count, 1000);
      assertLossless(file, inventory, 1_000_000);
      assertLossless(file, inventory, 333);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const STMCAST = "stmcast-win11-26k-packets-pktmon.etl";

test(`report data of a real sample (${STMCAST}) is lossless, capped (journeys reaching past the cap keep their frames' hex)`, { skip: missing(STMCAST), timeout: 120_000 }, () => {
  const packed = assertLossless(sample(STMCAST)!, null, 4000);
  assert.equal(packed.packets?.count, 4000);
  assert.ok(packed.journeys.list.some((j) => j[13].some((h) => h[5] > 4000 && h[12] !== "")), "some hop's frame comes from a packet past the cap");
});
