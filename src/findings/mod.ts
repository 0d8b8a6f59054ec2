/**
 * Stage: findings. A capture's problems, ranked, each with a plain explanation, the evidence (packet numbers,
 * journeys and hops, flows, events) and what to check next. The only import path later stages use.
 *
 *   const r = diagnose("capture.etl", { inventory: readInventory("host/") });
 *   for (const f of r.findings.findings) console.log(f.severity, f.title, f.evidence.packets);
 *
 * Streaming use (one pass shared with other stages): `const c = new FindingsCollector({ inventory })`, then
 * c.packet(p, d) for every packet sighting, c.journey(j) for every journey, c.record(rec) for every ETW
 * record, and c.finish({ flows, reader }).
 */
import type { Inventory } from "../inventory/mod.js";
import { InventoryLookup } from "../inventory/mod.js";
import { Dissection, newDissecter } from "../packets/mod.js";
import { JourneyReader } from "../journeys/mod.js";
import { FlowTable, WINNAT_GUID, labelEndpoints, winNatSessionOf } from "../flows/mod.js";
import type { FlowsResult, WinNatSession } from "../flows/mod.js";
import { FindingsCollector } from "./collector.js";
import type { FindingsResult } from "./types.js";

export type * from "./types.js";
export { FindingsCollector } from "./collector.js";
export type { FindingsOptions } from "./collector.js";
export { MAX_EVIDENCE } from "./evidence.js";
export { NETSH_COMMAND, PKTMON_COMMAND } from "./checks.js";
export { renderFindingsText } from "./render.js";

export interface DiagnoseOptions {
  readonly inventory?: Inventory | null;
  /** Called now and then with the bytes read and the file size. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface DiagnoseResult {
  readonly findings: FindingsResult;
  readonly flows: FlowsResult;
  readonly packets: number;
  readonly journeys: number;
}

/** Reads a capture once (packets, journeys, flows) and returns its findings with the flows they refer to. */
export function diagnose(input: string | Uint8Array, o: DiagnoseOptions = {}): DiagnoseResult {
  const col = new FindingsCollector({ inventory: o.inventory });
  const dis = newDissecter();
  const d = new Dissection();
  let table: FlowTable | null = null;
  const early: WinNatSession[] = [];
  let packets = 0;
  const jr = new JourneyReader(input, {
    inventory: o.inventory ?? null,
    frameSummaries: false,
    onPacket: (p) => {
      packets++;
      dis.run(d, p.bytes, p.originalLength, p.linkType);
      const fresh = table!.add(p, d);
      col.packet(p, d, fresh, table!.lastKey);
    },
    onRecord: (rec, dec) => {
      col.record(rec, dec);
      if (rec.providerId !== WINNAT_GUID) return;
      const s = winNatSessionOf(rec, dec);
      if (!s) return;
      if (table) table.addWinNatSession(s);
      else early.push(s);
    },
    onProgress: o.onProgress ? (n) => o.onProgress!(n, jr.packets.decoder.reader.fileSize) : undefined,
  });
  col.components = jr.packets.components;
  try {
    table = new FlowTable({ traceStart: jr.packets.decoder.clock.startTime });
    for (const s of early) table.addWinNatSession(s);
    let journeys = 0;
    for (let j = jr.next(); j; j = jr.next()) {
      journeys++;
      col.journey(j);
    }
    const flows = table.finish();
    if (o.inventory) labelEndpoints(flows, new InventoryLookup(o.inventory));
    const findings = col.finish({ flows, reader: jr.packets });
    return { findings, flows, packets, journeys };
  } finally {
    jr.close();
  }
}
