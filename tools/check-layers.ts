/**
 * Fails when an import goes up the pipeline: bytes → layout → etl → events → (later stages) → cli. The lab sits
 * beside the pipeline and may import any stage, but no stage may import the lab (except the CLI, which runs it).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, dirname, resolve } from "node:path";

const ORDER = ["bytes", "layout", "etl", "events", "packets", "filter", "inventory", "journeys", "topology", "flows", "findings", "export", "web", "lab", "cli"];
const root = resolve("src");
const rank = (stage: string): number => ORDER.indexOf(stage);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

let bad = 0;
for (const f of files(root)) {
  const stage = relative(root, f).split("/")[0];
  const src = readFileSync(f, "utf8");
  for (const m of src.matchAll(/from\s+"(\.[^"]+)"/g)) {
    const target = relative(root, resolve(dirname(f), m[1])).split("/")[0];
    if (target === stage || target.startsWith("..")) continue;
    const up = rank(target) > rank(stage) && !(stage === "cli");
    const intoLab = target === "lab" && stage !== "cli";
    if ((up || intoLab) && rank(stage) >= 0 && rank(target) >= 0) {
      console.error(`${relative(".", f)}: imports ${m[1]} (stage "${target}" is downstream of "${stage}")`);
      bad++;
    }
  }
}
if (bad) {
  console.error(`${bad} import(s) go up the pipeline`);
  process.exit(1);
}
console.log("layers: ok");
