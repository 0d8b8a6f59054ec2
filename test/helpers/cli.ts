/** Runs the built CLI (dist/src/cli/main.js) as a user would: exit code, stdout, stderr; no progress bars. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `wnvtrace …args`; `env` adds variables (NO_COLOR …). */
export function runCli(args: readonly string[], env: Record<string, string> = {}): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, WNVTRACE_NO_PROGRESS: "1", ...env }, maxBuffer: 1 << 28 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
