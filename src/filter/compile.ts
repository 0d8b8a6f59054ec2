import type { DissectorTables } from "../packets/mod.js";
import type { PacketFilter } from "./mod.js";
import { FilterError } from "./mod.js";

/** Compiles a display filter. (Placeholder until the language lands: only the empty filter is accepted.) */
export function compileFilter(text: string, _tables?: DissectorTables): PacketFilter {
  if (text.trim() === "") return () => true;
  throw new FilterError(text, 1, "display filters are not implemented yet");
}
