/**
 * Lab write benchmark: writes one scenario with `--scale` until the .etl reaches BENCH_LAB_MB (default 2048 MB),
 * streaming to a temp file, and prints MB/s and peak RSS (with RSS samples along the way, to show that memory
 * stays flat). Not part of the tests: `npm run bench:lab`.
 *
 * Env: BENCH_LAB_MB (target size), BENCH_LAB_SCENARIO (default nat-port-mapping), BENCH_LAB_FLAVOR (netsh | pktmon,
 * default netsh), BENCH_LAB_COMPRESS=1 (compress), BENCH_KEEP=1 (keep the temp dir).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memorySink } from "../src/etl/mod.js";
import { loadScenario, runLab, simulate } from "../src/lab/lab.js";

const MiB = 1024 * 1024;
const target = Number(process.env.BENCH_LAB_MB ?? 2048) * MiB;
const name = process.env.BENCH_LAB_SCENARIO ?? "nat-port-mapping";
const flavor = (process.env.BENCH_LAB_FLAVOR ?? "netsh") as "netsh" | "pktmon";
const compress = process.env.BENCH_LAB_COMPRESS === "1";

const scn = loadScenario(name);
// Bytes one repetition adds: the difference between 100 and 300 repetitions written in memory.
const probe = (reps: number): number => {
  const sink = memorySink();
  simulate(scn, flavor === "netsh" ? { netsh: sink, compressNetsh: compress, scale: reps } : { pktmon: sink, compressPktmon: compress, scale: reps });
  return sink.bytes().length;
};
const perRep = (probe(300) - probe(100)) / 200;
const scale = Math.max(1, Math.ceil(target / perRep));

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-bench-lab-"));
const samples: string[] = [];
let nextSample = 0;
const t0 = process.hrtime.bigint();
const r = runLab(scn, {
  outDir: dir, flavor, compress, scale,
  onProgress: (rep, bytes) => {
    if (bytes >= nextSample) {
      samples.push(`${(bytes / MiB).toFixed(0)} MB: RSS ${(process.memoryUsage().rss / MiB).toFixed(0)} MB`);
      nextSample += target / 8;
    }
    void rep;
  },
});
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const file = flavor === "netsh" ? r.files.netsh! : r.files.pktmon!;
const size = statSync(file).size;
const peak = process.resourceUsage().maxRSS / 1024;
console.log(`lab write: scenario ${name}, ${flavor}${compress ? " (Xpress)" : ""}, --scale ${scale}`);
console.log(`  ${r.packets.toLocaleString("en-US")} packets, ${(flavor === "netsh" ? r.events.netsh : r.events.pktmon).toLocaleString("en-US")} events, ${(size / MiB).toFixed(0)} MB in ${secs.toFixed(1)} s`);
console.log(`  ${(size / MiB / secs).toFixed(1)} MB/s written, peak RSS ${peak.toFixed(0)} MB`);
console.log(`  RSS along the way: ${samples.join("; ")}`);
if (process.env.BENCH_KEEP === "1") console.log(`  kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
