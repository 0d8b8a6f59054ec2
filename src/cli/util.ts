/** Shared CLI plumbing: the output context and commander option helpers. */
import { WnvError } from "../bytes/errors.js";

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
