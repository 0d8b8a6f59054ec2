/**
 * Stage: topology. The virtual network a capture shows — vSwitches, their ports and NICs (GUID ↔ friendly name ↔
 * IfIndex ↔ MAC), host adapters, pktmon components under their switch, MAC/IP pairs seen in packets — read in
 * one streaming pass, optionally joined to host state (inventory) so that every port and adapter is named:
 * container, host vNIC, external NIC, network. The only import path later stages use.
 *
 *   const t = readTopology("capture.etl", { inventory: readInventory("host/") });
 *   renderTopologyText(t); topologyDot(t); topologySvg(t);
 *   namer(t).nic(nicGuid, friendlyName, switchName)   // → { label: "wcow1 (try-nat)", container: "wcow1", … }
 */
import type { DecoderOptions } from "../events/mod.js";
import type { Inventory } from "../inventory/mod.js";
import { PacketReader } from "../packets/mod.js";
import { TopologyCollector } from "./collect.js";
import { buildTopology } from "./build.js";
import { joinInventory } from "./join.js";
import { summarize } from "./summary.js";
import type { Topology } from "./types.js";

export type * from "./types.js";
export { TopologyCollector, LIMITS } from "./collect.js";
export { buildTopology, MAX_ADDRESSES } from "./build.js";
export { joinInventory } from "./join.js";
export type { JoinStats } from "./join.js";
export { summarize, portLabel } from "./summary.js";
export { namer } from "./namer.js";
export type { Named, Namer } from "./namer.js";
export { renderTopologyText } from "./render-text.js";
export { topologyGraph, topologyDot } from "./graph.js";
export type { TopoGraph, GraphNode, GraphEdge } from "./graph.js";
export { topologySvg } from "./svg.js";

export interface TopologyOptions extends DecoderOptions {
  /** Host state to join (from readInventory); without it the topology comes from the trace alone. */
  readonly inventory?: Inventory;
  /** Called now and then with file bytes read and the file size. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Reads a capture in one streaming pass and builds its topology (joined to the inventory when one is given). */
export function readTopology(input: string | Uint8Array, o: TopologyOptions = {}): Topology {
  const col = new TopologyCollector();
  const reader = new PacketReader(input, { ...o, onRecord: (rec, d) => col.record(rec, d) });
  let t: Topology;
  try {
    const etl = reader.decoder.reader;
    let n = 0;
    for (let p = reader.next(); p; p = reader.next()) {
      col.packet(p);
      if (o.onProgress && (++n & 0xfff) === 0) o.onProgress(etl.progress, etl.fileSize);
    }
    o.onProgress?.(etl.fileSize, etl.fileSize);
    t = buildTopology(col, reader.components, typeof input === "string" ? input : undefined);
    const problems = new Map<string, number>();
    for (const d of etl.diagnostics) problems.set(d.kind, (problems.get(d.kind) ?? 0) + 1);
    if (problems.size) t.notes.push(`the reader skipped damaged parts of the file: ${[...problems].map(([k, v]) => `${k} ×${v}`).join(", ")}`);
  } finally {
    reader.close();
  }
  return finishTopology(t, o.inventory);
}

/** Joins a built topology to host state (when given) and fills its lists and names. */
export function finishTopology(t: Topology, inv?: Inventory): Topology {
  if (inv) {
    const s = joinInventory(t, inv);
    const notes = [...s.notes, ...inv.notes];
    if (s.matched === 0 && inv.sources.some((x) => !x.skipped)) {
      notes.unshift("none of the host state matched this capture (another host, or another time?): names come from the trace alone");
    }
    t.inventory = { sources: inv.sources.length, matched: s.matched, notes };
  }
  summarize(t, inv);
  return t;
}
