/** Shared CLI plumbing: the output context, commander option helpers, host state and file sizes. */
import { existsSync, statSync } from "node:fs";
import { WnvError } from "../bytes/errors.js";
import type { Inventory } from "../inventory/mod.js";
import { readInventory } from "../inventory/mod.js";

export interface CliContext {
  /** Writes to stdout. */
  out(s: string): void;
  /** Writes a one-line warning to stderr. */
  warn(s: string): void;
}

/** Reports counted problems (skipped buffers/records) as one warning line. */
export function warnProblems(ctx: CliContext, problems: Readonly<Record<string, number>>, first?: string): void {
  const entries = Object.entries(problems);
  if (entries.length === 0) return;
  ctx.warn(`${entries.map(([k, v]) => `${k} ×${v}`).join(", ")}${first ? ` — first: ${first}` : ""}`);
}

/** commander collector for repeatable options. */
export function collect(value: string, prev: string[]): string[] {
  return [...prev, value];
}

/** commander parser for whole-number options. */
export function intArg(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new WnvError("usage", `${name} expects a whole number, got "${v}"`);
    return Number(v);
  };
}

/**
 * Host state from --inventory files/folders. It only adds names, so nothing here is an error: a missing path,
 * files not recognised, or state that cannot be read are warnings, and the trace's own names are used.
 */
export function hostState(paths: readonly string[] | undefined, warn: (s: string) => void): Inventory | undefined {
  if (!paths || paths.length === 0) return undefined;
  const ok = paths.filter((p) => {
    if (existsSync(p)) return true;
    warn(`--inventory ${p}: no such file or folder (ignored)`);
    return false;
  });
  if (ok.length === 0) return undefined;
  try {
    const inv = readInventory([...ok]);
    const skipped = inv.sources.filter((s) => s.skipped).length;
    if (skipped) warn(`${skipped} of ${inv.sources.length} host-state file(s) not recognised (see wnvtrace inventory)`);
    if (inv.networks.length + inv.endpoints.length + inv.hostVnics.length + inv.externalNics.length + inv.switches.length === 0) {
      warn("host state: nothing usable found (names come from the trace alone)");
    }
    return inv;
  } catch (e) {
    warn(`host state: ${(e as Error).message} (names come from the trace alone)`);
    return undefined;
  }
}

/** The size of a file for a progress bar, or 0 (the reader then says why it cannot open it). */
export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
