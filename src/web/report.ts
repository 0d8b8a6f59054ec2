/**
 * `wnvtrace report`: the web UI's views in ONE self-contained HTML file (inline CSS, the JS bundle, the data as
 * a compressed PackedReport, see api.ts), to mail to a colleague and open from disk with no network. The packets are capped (first N, Overview
 * notes say so); flows, topology, findings, timeline and counts always cover the whole capture.
 */
import { writeFileSync } from "node:fs";
import { WnvError } from "../bytes/errors.js";
import type { Inventory } from "../inventory/mod.js";
import type { LoadStatus } from "./api.js";
import { CaptureModel } from "./model.js";
import { DATA_ENCODING, packData, readAssets, reportPage } from "./page.js";
import type { AppAssets } from "./page.js";

/** Packets a report holds by default. */
export const REPORT_MAX_PACKETS = 100_000;

export interface ReportOptions {
  readonly inventory?: Inventory | null;
  readonly maxPackets?: number;
  readonly onProgress?: (s: LoadStatus) => void;
  readonly assets?: AppAssets;
}

export interface ReportResult {
  readonly html: string;
  readonly packets: number;
  readonly embedded: number;
  readonly journeys: number;
}

/** Builds the report page of a capture. */
export function buildReport(file: string, o: ReportOptions = {}): ReportResult {
  const assets = o.assets ?? readAssets();
  const model = new CaptureModel(file, { inventory: o.inventory ?? null });
  try {
    while (!model.step(200)) o.onProgress?.(model.status());
    o.onProgress?.(model.status());
    const data = model.packedReport(o.maxPackets ?? REPORT_MAX_PACKETS);
    const html = reportPage(assets, packData(data), DATA_ENCODING);
    return { html, packets: model.packetCount, embedded: data.packets?.count ?? 0, journeys: data.journeys.list.length };
  } finally {
    model.close();
  }
}

/** Writes the report of `file` to `out`. */
export function writeReport(file: string, out: string, o: ReportOptions = {}): ReportResult {
  const r = buildReport(file, o);
  try {
    writeFileSync(out, r.html);
  } catch (e) {
    throw new WnvError("usage", `cannot write ${out}: ${(e as Error).message}`);
  }
  return r;
}
