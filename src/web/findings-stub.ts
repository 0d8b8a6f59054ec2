/**
 * TEMPORARY stand-in for src/findings/mod.ts (written on another branch): the same FindingsCollector API,
 * returning no findings. When the findings stage is merged, delete this file and import FindingsCollector from
 * "../findings/mod.js" in src/web/model.ts (the only user).
 */
import type { EtlRecord } from "../etl/mod.js";
import type { TraceDecoder } from "../events/mod.js";
import type { FindingsResult } from "../findings/types.js";
import type { FlowsResult } from "../flows/mod.js";
import type { Inventory } from "../inventory/mod.js";
import type { Journey } from "../journeys/mod.js";
import type { Dissection, PacketReader, PacketRecord } from "../packets/mod.js";
import type { Topology } from "../topology/mod.js";

export class FindingsCollector {
  constructor(o?: { inventory?: Inventory | null; traceStart?: bigint }) {
    void o;
  }
  packet(p: PacketRecord, d: Dissection): void {
    void p;
    void d;
  }
  journey(j: Journey): void {
    void j;
  }
  record(rec: EtlRecord, dec: TraceDecoder): void {
    void rec;
    void dec;
  }
  finish(c: { flows: FlowsResult; reader: PacketReader; topology?: Topology }): FindingsResult {
    void c;
    return { findings: [], summary: { critical: 0, error: 0, warning: 0, info: 0 }, checks: { ran: [], skipped: [] } };
  }
}
