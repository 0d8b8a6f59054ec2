/**
 * Display filters (a Wireshark-like subset): compileFilter(text) → predicate over a dissected packet.
 * This file fixes the API; the language is implemented in scan.ts / parse.ts / compile.ts.
 */
import type { Dissection, DissectorTables, PacketRecord } from "../packets/mod.js";
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
