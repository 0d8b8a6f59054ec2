/**
 * Stage: host-state inventory. Reads what admins collect on a Windows container host (docker, HNS v1/v2,
 * hnsdiag, ipconfig, Get-NetAdapter, Get-VMSwitch, vfpctrl, collectlogs.ps1 folders), joins it into one
 * Inventory, and answers "what is this name from the trace?". The only import path later stages use.
 *
 *   const inv = readInventory("host/");            // never throws: problems become inv.notes
 *   const names = new InventoryLookup(inv);
 *   names.find("f82c3ec1d0fe590", { switchName: "nat" })  // → { kind: "container", label: "wcow1 (nat)", … }
 */
import type { Inventory, ParsedSource } from "./types.js";
import type { ReadOptions } from "./load.js";
import { readHostPaths } from "./load.js";
import { buildInventory } from "./join.js";
import { parseHostText } from "./detect.js";

export type * from "./types.js";
export { emptyRecords } from "./types.js";
export { parseHostText } from "./detect.js";
export { readHostFile, readHostPaths, MAX_FILE_BYTES } from "./load.js";
export type { ReadOptions } from "./load.js";
export { buildInventory, endpointLabel } from "./join.js";
export { InventoryLookup, lookup } from "./lookup.js";
export type { LookupResult, LookupContext, LookupKind, Confidence } from "./lookup.js";
export { renderInventory, traceNames } from "./render.js";
export { decodeText, macKey, normalizeMac, normGuid, normIp } from "./text.js";
export { parsePsValue, parsePsHashtable } from "./pshash.js";

/** Reads files and/or folders of host state and joins them. Never throws for bad input. */
export function readInventory(paths: string | string[], opts: ReadOptions = {}): Inventory {
  const { parsed, notes } = readHostPaths(paths, opts);
  return buildInventory(parsed, notes);
}

/** Joins host state given as texts (name → content), e.g. from a test or an upload. */
export function inventoryFromTexts(texts: Record<string, string>): Inventory {
  const parsed: ParsedSource[] = Object.entries(texts).map(([name, text]) => parseHostText(text, name));
  return buildInventory(parsed);
}
