/**
 * Web UI benchmark: `npm run bench:web` (builds first).
 *
 * 1. Writes a lab capture of at least BENCH_WEB_PACKETS packet sightings (default 1 000 000; the seed-nat scenario
 *    repeated, netsh flavour) into a temp dir, with its host state.
 * 2. In a child process (its own peak RSS): builds the CaptureModel in one pass — load time, packets/s, peak RSS,
 *    bytes of memory per packet — then serves it (`wnvtrace serve`'s server, port 0).
 * 3. Server-side: a first page, a page deep in the list, the `icmp` filter over every packet (then a cached page).
 * 4. In Debian's chromium (playwright-core): time from navigation to the first rows of the packet table painted
 *    (after parsing ended), then BENCH_WEB_JUMPS (default 50) jumps by large random distances through the
 *    virtualized table, each timed in the browser from setting scrollTop to the frame where every visible row
 *    shows its packet (median / p95 / max), and the longest gap between animation frames during the jumps.
 *
 * 5. The report (`wnvtrace report`) of the real stmcast pktmon sample (30 k sightings), when ../shared has it:
 *    time to write it, its size, and in chromium the time from opening the file to the first packet rows (best
 *    of 3).
 *
 * Env: BENCH_WEB_PACKETS, BENCH_WEB_JUMPS, BENCH_KEEP=1 (keep the temp dir and print it).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { loadScenario, runLab } from "../src/lab/lab.js";
import { readInventory } from "../src/inventory/mod.js";
import { CaptureModel } from "../src/web/model.js";
import { readAssets } from "../src/web/page.js";
import { startWebServer } from "../src/web/server.js";
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { CHROMIUM, launch } from "../test/web/browser.js";
import { buildReport } from "../src/web/report.js";
import { sample } from "../test/helpers/samples.js";

const MiB = 1024 * 1024;
const PACKETS = Number(process.env.BENCH_WEB_PACKETS ?? 1_000_000);
const JUMPS = Number(process.env.BENCH_WEB_JUMPS ?? 50);
const SCENARIO = "seed-nat";

interface LoadFigures {
  url: string;
  packets: number;
  journeys: number;
  flows: number;
  fileMB: number;
  loadSeconds: number;
  packetsPerSecond: number;
  peakRssMB: number;
  rssAfterGcMB: number;
  heapUsedMB: number;
  arrayBuffersMB: number;
}

/** Child: load the model, report, serve until killed. */
async function child(file: string, host: string): Promise<void> {
  let peak = 0;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const t0 = performance.now();
  const model = new CaptureModel(file, { inventory: readInventory(host) });
  while (!model.step(250)) sample();
  const loadSeconds = (performance.now() - t0) / 1000;
  sample();
  (globalThis as { gc?: () => void }).gc?.();
  const mu = process.memoryUsage();
  const web = await startWebServer(model, { port: 0, assets: readAssets() });
  const ov = model.overview();
  const f: LoadFigures = {
    url: web.url, packets: ov.packets, journeys: ov.journeys, flows: ov.flows, fileMB: statSync(file).size / MiB,
    loadSeconds, packetsPerSecond: ov.packets / loadSeconds,
    peakRssMB: Math.max(peak, process.resourceUsage().maxRSS * 1024) / MiB, rssAfterGcMB: mu.rss / MiB, heapUsedMB: mu.heapUsed / MiB, arrayBuffersMB: mu.arrayBuffers / MiB,
  };
  process.stdout.write(JSON.stringify(f) + "\n");
}

function stats(xs: number[]): { median: number; p95: number; max: number; mean: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** The little of the DOM the in-page code uses (bench compiles without the DOM library). */
interface El {
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  readonly hidden: boolean;
  getAttribute(n: string): string | null;
  getBoundingClientRect(): { top: number; bottom: number };
}
declare const document: { querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El> };
declare function requestAnimationFrame(cb: (t: number) => void): number;

async function main(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  if (!existsSync(CHROMIUM)) console.log(`note: ${CHROMIUM} is absent: browser figures skipped (apt-get install chromium)`);
  const dir = mkdtempSync(join(tmpdir(), "wnvtrace-bench-web-"));
  try {
    const perRep = 20; // seed-nat, netsh: 20 packet sightings per repetition
    const scale = Math.ceil(PACKETS / perRep);
    let t = performance.now();
    runLab(loadScenario(SCENARIO), { outDir: dir, flavor: "netsh", scale });
    const file = join(dir, `${SCENARIO}.netsh.etl`);
    console.log(`lab ${SCENARIO} ×${scale}: ${(statSync(file).size / MiB).toFixed(0)} MB written in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const proc = spawn(process.execPath, ["--expose-gc", self, "--child", file, join(dir, "host")], { stdio: ["ignore", "pipe", "inherit"] });
    const figures = await new Promise<LoadFigures>((resolve, reject) => {
      const rl = createInterface({ input: proc.stdout });
      rl.once("line", (l) => resolve(JSON.parse(l) as LoadFigures));
      proc.once("exit", (c) => reject(new Error(`model process exited ${c}`)));
    });
    try {
      const f = figures;
      console.log(`model: ${f.packets} packets, ${f.journeys} journeys, ${f.flows} flows from ${f.fileMB.toFixed(0)} MB in ${f.loadSeconds.toFixed(1)} s = ${Math.round(f.packetsPerSecond)} packets/s`);
      console.log(`model memory: peak RSS ${f.peakRssMB.toFixed(0)} MB; after GC: RSS ${f.rssAfterGcMB.toFixed(0)} MB, heap ${f.heapUsedMB.toFixed(0)} MB, array buffers ${f.arrayBuffersMB.toFixed(0)} MB (${((f.heapUsedMB + f.arrayBuffersMB) * MiB / f.packets).toFixed(0)} B/packet)`);

      const api = async (p: string): Promise<{ ms: number; body: { matched?: number; filterMs?: number; rows?: unknown[] } }> => {
        const t0 = performance.now();
        const r = await fetch(f.url + p.replace(/^\//, ""));
        const body = (await r.json()) as { matched?: number; filterMs?: number };
        return { ms: performance.now() - t0, body };
      };
      const first = await api("/api/packets?offset=0&limit=200");
      const deep = await api(`/api/packets?offset=${Math.floor(f.packets * 0.77)}&limit=200`);
      const filt = await api("/api/packets?filter=icmp&offset=0&limit=200");
      const filt2 = await api(`/api/packets?filter=icmp&offset=${Math.floor((filt.body.matched ?? 0) / 2)}&limit=200`);
      console.log(`server: page of 200 rows ${first.ms.toFixed(1)} ms (offset 0), ${deep.ms.toFixed(1)} ms (deep); filter icmp over ${f.packets} packets ${filt.ms.toFixed(0)} ms ` +
        `(${filt.body.matched} match, server ${filt.body.filterMs} ms), next page of it ${filt2.ms.toFixed(1)} ms (cached)`);

      if (existsSync(CHROMIUM)) {
        const b = await launch();
        try {
          const page = await b.context.newPage();
          t = performance.now();
          await page.goto(f.url + "#view=packets");
          await page.locator("[data-testid=packet-row][data-no]").first().waitFor({ state: "visible", timeout: 60_000 });
          const firstPage = performance.now() - t;
          // Navigation start → first row painted, measured by the browser itself.
          const inPage = await page.evaluate(() => new Promise<number>((r) => requestAnimationFrame((ts) => r(ts))));
          console.log(`browser: first page of rows visible ${firstPage.toFixed(0)} ms after navigation (browser clock: painted by ${inPage.toFixed(0)} ms)`);

          const jumps = await page.evaluate(async (n: number) => {
            const sc = document.querySelector("[data-testid=packet-table]")!;
            const visibleRows = (): El[] => {
              const box = sc.getBoundingClientRect();
              return Array.from(document.querySelectorAll("[data-testid=packet-row]")).filter((e) => {
                if (e.hidden) return false;
                const r = e.getBoundingClientRect();
                return r.bottom > box.top + 1 && r.top < box.bottom - 1;
              });
            };
            const frame = (): Promise<number> => new Promise((r) => requestAnimationFrame((ts) => r(ts)));
            const times: number[] = [];
            let maxGap = 0;
            let seed = 12345;
            const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
            for (let k = 0; k < n; k++) {
              const before = visibleRows().map((e) => e.getAttribute("data-no")).join(",");
              const max = sc.scrollHeight - sc.clientHeight;
              const t0 = performance.now();
              sc.scrollTop = Math.floor(rnd() * max);
              let last = t0;
              for (;;) {
                const ts = await frame();
                maxGap = Math.max(maxGap, ts - last);
                last = ts;
                const rows = visibleRows();
                const nos = rows.map((e) => e.getAttribute("data-no"));
                if (rows.length > 0 && nos.every((x) => x !== null) && nos.join(",") !== before) break;
                if (performance.now() - t0 > 10_000) break;
              }
              times.push(performance.now() - t0);
            }
            return { times, maxGap };
          }, JUMPS);
          const s = stats(jumps.times);
          console.log(`browser: ${JUMPS} random jumps through ${f.packets} rows — rows painted after median ${s.median.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, max ${s.max.toFixed(0)} ms; longest frame gap ${jumps.maxGap.toFixed(0)} ms`);
        } finally {
          await b.close();
        }
      }
    } finally {
      proc.kill("SIGTERM");
    }
    await reportFigures(dir);
  } finally {
    if (process.env.BENCH_KEEP) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the stmcast sample's report and times opening it in chromium. */
async function reportFigures(dir: string): Promise<void> {
  const src = sample("stmcast-win11-26k-packets-pktmon.etl");
  if (!src) {
    console.log("report: the stmcast sample is absent (../shared/etl-samples): skipped");
    return;
  }
  let t = performance.now();
  const r = buildReport(src, { maxPackets: 100_000 });
  const out = join(dir, "stmcast.report.html");
  writeFileSync(out, r.html);
  console.log(`report: stmcast (${r.embedded} packets) written in ${((performance.now() - t) / 1000).toFixed(1)} s, ${(statSync(out).size / MiB).toFixed(2)} MB`);
  if (!existsSync(CHROMIUM)) return;
  const b = await launch();
  try {
    let best = Infinity;
    for (let k = 0; k < 3; k++) {
      const p = await b.context.newPage();
      t = performance.now();
      await p.goto(pathToFileURL(out).href + "#view=packets", { waitUntil: "commit" });
      await p.locator("[data-testid=packet-row][data-no]").first().waitFor({ timeout: 60_000 });
      best = Math.min(best, performance.now() - t);
      await p.close();
    }
    console.log(`report: first packet rows ${best.toFixed(0)} ms after opening the file (best of 3)`);
  } finally {
    await b.close();
  }
}

if (process.argv[2] === "--child") void child(process.argv[3], process.argv[4]);
else await main();
