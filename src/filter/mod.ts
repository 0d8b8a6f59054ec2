/**
 * Display filters (a Wireshark-like subset): compileFilter(text) → predicate over a dissected packet.
 * This file fixes the API; the language is implemented in scan.ts (tokens) / parse.ts (grammar, AST) /
 * compile.ts (types, semantics, closures); fields.ts lists what a filter can name.
 */
import type { Dissection, PacketRecord } from "../packets/mod.js";
import { WnvError } from "../bytes/errors.js";

export type PacketFilter = (d: Dissection, p: PacketRecord) => boolean;

/** A filter that does not parse or names an unknown field: the message points at the column (1-based). */
export class FilterError extends WnvError {
  readonly column: number;
  readonly filter: string;
  constructor(filter: string, column: number, message: string) {
    super("usage", `filter: ${message} at column ${column}\n  ${filter}\n  ${" ".repeat(Math.max(0, column - 1))}^`);
    this.column = column;
    this.filter = filter;
  }
}

export { compileFilter } from "./compile.js";
export { parseIpv4 } from "./values.js";
/** Every name a filter accepts for a set of tables (fields, protocols, frame/pktmon/vmswitch/ndis), for help and completion. */
export { filterFields } from "./fields.js";
export type { FilterField, FilterType } from "./fields.js";
