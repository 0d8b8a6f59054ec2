/**
 * Where the real Windows sample captures live, for the tests in test/real/. The samples are NOT part of the
 * repository (licences, personal data): they are read in place from `../shared/etl-samples/` next to the repository
 * root, and every test that needs one skips, saying why, when it is absent (fresh clone, public CI).
 *
 * WNVTRACE_SAMPLES may point elsewhere (a relative path is taken from the current directory).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the nearest ancestor of this file with the project's package.json. */
function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "wnvtrace") return dir;
      } catch {
        // not ours; keep climbing
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  // Compiled layout: dist/test/helpers/samples.js → the root is three levels up.
  return fileURLToPath(new URL("../../../", import.meta.url));
}

export const repoRoot: string = findRepoRoot();

/** `../shared` as seen from the repository root. */
export const sharedDir: string = resolve(repoRoot, "..", "shared");

/** The folder of real .etl samples (may not exist). */
export const samplesDir: string = process.env.WNVTRACE_SAMPLES ? resolve(process.env.WNVTRACE_SAMPLES) : join(sharedDir, "etl-samples");

/** Reference outputs made by other tools (etl_scan.py output, …); may not exist. */
export const referenceDir: string = join(sharedDir, "reference");

/** Path of a sample file, or null when it is not there. */
export function sample(name: string): string | null {
  const p = join(samplesDir, name);
  return existsSync(p) ? p : null;
}

/** Path of a reference file, or null when it is not there. */
export function reference(name: string): string | null {
  const p = join(referenceDir, name);
  return existsSync(p) ? p : null;
}

/**
 * For node:test's `skip` option: false when all the named samples exist, else the reason to skip.
 * Usage: `test("…", { skip: missing("a.etl") }, () => { const p = sample("a.etl")!; … })`.
 */
export function missing(...names: string[]): string | false {
  if (!existsSync(samplesDir)) return `sample folder ${samplesDir} is absent (samples are not in the repository)`;
  const gone = names.filter((n) => sample(n) === null);
  return gone.length ? `sample ${gone.join(", ")} is absent from ${samplesDir}` : false;
}

/** Like missing(), for reference files. */
export function missingReference(...names: string[]): string | false {
  const gone = names.filter((n) => reference(n) === null);
  return gone.length ? `reference ${gone.join(", ")} is absent from ${referenceDir}` : false;
}

/** The .etl files present in the samples folder, sorted by name (empty when the folder is absent). */
export function etlSamples(): string[] {
  if (!existsSync(samplesDir)) return [];
  return readdirSync(samplesDir).filter((n) => n.toLowerCase().endsWith(".etl")).sort();
}
