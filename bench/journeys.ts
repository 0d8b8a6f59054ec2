/**
 * Journeys benchmark: `node --expose-gc dist/bench/journeys.js` (after `npm run build`).
 *
 * Writes lab captures with `--scale` into a temp dir (nat-port-mapping: every packet crosses a vSwitch and
 * WinNAT, so netsh journeys link NBL traversals and host-NIC sightings by bytes and by the NAT-invariant key),
 * then measures, each case in its own child process (peak RSS per case), CPU seconds of that process:
 *   builder-real    JourneyBuilder alone on a real capture's appearances (pktmon-wifi-vpn-1.etl, 11 per packet up a
 *                   Wi-Fi filter stack) replayed BENCH_REAL_REPEAT times (default 100) with shifted times
 *   builder-pktmon  JourneyBuilder alone: pktmon appearances already in memory → journeys (the journeys stage's own cost)
 *   builder-netsh   the same for netsh: VmSwitch events + NDIS 1003/1001 records in memory → journeys
 *   reader-pktmon   PacketReader alone on the pktmon file (the upstream floor: decompression, decoding, records)
 *   reader-netsh    PacketReader + VmSwitch event parsing on the netsh file (upstream floor for netsh)
 *   file-pktmon     JourneyReader end to end on the pktmon file (reader + builder, no frame summaries)
 *   file-netsh      JourneyReader end to end on the netsh file
 *   cli-netsh       `wnvtrace follow FILE` (story lines, output discarded), in the child process
 *   rss-netsh       JourneyReader over a BENCH_RSS_MB (default 2048) netsh capture: RSS sampled every 1 %, peak and spread
 * Env: BENCH_SCENARIO (default nat-port-mapping), BENCH_SCALE (repetitions for the timing captures, default 5000 = 100 000 packets, 400 000 appearances),
 * BENCH_RSS_MB (0 skips the RSS case), BENCH_CASES (comma list), BENCH_KEEP=1 keeps the temp dir.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loadScenario, runLab } from "../src/lab/lab.js";
import type { PacketReader, PacketRecord } from "../src/packets/mod.js";
import { JourneyBuilder, JourneyReader, HopNamer, TraceNames } from "../src/journeys/mod.js";
import type { VmsEvent } from "../src/journeys/mod.js";
import { main as cliMain } from "../src/cli/program.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const SCENARIO = process.env.BENCH_SCENARIO ?? "nat-port-mapping";
const samples = process.env.WNVTRACE_SAMPLES ? resolve(process.env.WNVTRACE_SAMPLES) : resolve(repo, "..", "shared", "etl-samples");
const REAL = join(samples, "pktmon-wifi-vpn-1.etl");
const MiB = 1024 * 1024;

type Mode = "builder-real" | "builder-pktmon" | "builder-netsh" | "reader-pktmon" | "reader-netsh" | "file-pktmon" | "file-netsh" | "cli-netsh" | "rss-netsh";
const MODES: Mode[] = ["builder-real", "builder-pktmon", "builder-netsh", "reader-pktmon", "reader-netsh", "file-pktmon", "file-netsh", "cli-netsh", "rss-netsh"];

interface Result {
  readonly mode: Mode;
  readonly cpu: number;
  readonly wall: number;
  readonly appearances: number;
  readonly journeys: number;
  readonly bytes: number;
  readonly maxRssMB: number;
  readonly note: string;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Loads every packet record and VmSwitch event of a file into memory, in order. */
function preload(file: string): { items: (PacketRecord | VmsEvent)[]; names: TraceNames; reader: PacketReader } {
  const items: (PacketRecord | VmsEvent)[] = [];
  const names = new TraceNames();
  // A JourneyReader's own VmSwitch parsing, tapped: its builder is replaced by a recorder.
  const jr = new JourneyReader(file, {});
  const b = jr.builder as unknown as { vmswitch(e: VmsEvent): void; packet(p: PacketRecord): void; finish(): void };
  b.vmswitch = (e) => items.push({ ...e });
  b.packet = (p) => items.push(p);
  b.finish = () => {};
  while (jr.next()) {
    // no journeys: the recorder swallows everything
  }
  names.components = jr.packets.components;
  for (const [k, v] of jr.names.nics) names.nics.set(k, { ...v });
  for (const [k, v] of jr.names.nicByIfIndex) names.nicByIfIndex.set(k, v);
  for (const [k, v] of jr.names.switchFriendly) names.switchFriendly.set(k, v);
  return { items, names, reader: jr.packets };
}

function child(mode: Mode, file: string): Result {
  const bytes = statSync(file).size;
  if (mode === "builder-real" || mode === "builder-pktmon" || mode === "builder-netsh") {
    const { items: once, names, reader } = preload(file);
    let items = once;
    if (mode === "builder-real") {
      // Replay the capture: every copy shifted by the capture's span plus a second (group ids repeat: new journeys).
      const span = once.reduce((m, x) => Math.max(m, x.ticks), 0) + 10_000_000;
      const n = Number(process.env.BENCH_REAL_REPEAT ?? 100);
      items = [];
      for (let r = 0; r < n; r++) for (const x of once) items.push({ ...x, ticks: x.ticks + r * span } as PacketRecord | VmsEvent);
    }
    const appearances = items.filter((x) => "source" in x).length;
    (globalThis as { gc?: () => void }).gc?.();
    let journeys = 0;
    const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
    let best = Infinity;
    let bestWall = Infinity;
    for (let r = 0; r < rounds; r++) {
      const b = new JourneyBuilder(() => journeys++, { namer: new HopNamer(names), components: reader.components, startTime: reader.decoder.clock.startTime, frameSummaries: false });
      const c0 = cpuSeconds();
      const w0 = performance.now();
      for (const it of items) {
        if ("source" in it) b.packet(it);
        else b.vmswitch(it);
      }
      b.finish();
      best = Math.min(best, cpuSeconds() - c0);
      bestWall = Math.min(bestWall, (performance.now() - w0) / 1000);
    }
    return { mode, cpu: best, wall: bestWall, appearances, journeys: journeys / rounds, bytes, maxRssMB: process.memoryUsage().rss / MiB, note: `best of ${rounds}, ${items.length - appearances} VmSwitch events` };
  }
  if (mode === "reader-pktmon" || mode === "reader-netsh") {
    const c0 = cpuSeconds();
    const w0 = performance.now();
    const jr = new JourneyReader(file, {});
    const b = jr.builder as unknown as { vmswitch(e: VmsEvent): void; packet(p: PacketRecord): void; finish(): void };
    let n = 0;
    let v = 0;
    b.vmswitch = () => v++;
    b.packet = () => n++;
    b.finish = () => {};
    while (jr.next()) {
      // nothing is built
    }
    return { mode, cpu: cpuSeconds() - c0, wall: (performance.now() - w0) / 1000, appearances: n, journeys: 0, bytes, maxRssMB: process.memoryUsage().rss / MiB, note: `PacketReader${mode === "reader-netsh" ? ` + ${v} VmSwitch events parsed` : ""}` };
  }
  if (mode === "cli-netsh") {
    // The CLI in this process (its stdout swallowed), so that CPU time and peak RSS are the command's.
    const write = process.stdout.write.bind(process.stdout);
    let out = 0;
    process.stdout.write = ((chunk: string | Uint8Array): boolean => {
      out += chunk.length;
      return true;
    }) as typeof process.stdout.write;
    const c0 = cpuSeconds();
    const w0 = performance.now();
    const code = cliMain(["follow", file]);
    const cpu = cpuSeconds() - c0;
    const wall = (performance.now() - w0) / 1000;
    process.stdout.write = write;
    if (code !== 0) throw new Error(`follow exited ${code}`);
    return { mode, cpu, wall, appearances: 0, journeys: 0, bytes, maxRssMB: process.memoryUsage().rss / MiB, note: `\`wnvtrace follow\` story lines, ${(out / MiB).toFixed(0)} MB of text` };
  }
  // file-*, rss-*
  const c0 = cpuSeconds();
  const w0 = performance.now();
  const jr = new JourneyReader(file, { frameSummaries: false });
  const size = jr.packets.decoder.reader.fileSize;
  const samples: number[] = [];
  let next = 0;
  let journeys = 0;
  for (let j = jr.next(); j; j = jr.next()) {
    journeys++;
    if (mode === "rss-netsh" && (journeys & 0xfff) === 0) {
      const at = jr.packets.decoder.reader.progress / size;
      if (at >= next) {
        samples.push(process.memoryUsage().rss / MiB);
        next += 0.01;
      }
    }
  }
  const appearances = jr.packets.stats.packets;
  const cpu = cpuSeconds() - c0;
  const wall = (performance.now() - w0) / 1000;
  let note = `max open ${jr.stats.maxOpen}`;
  if (samples.length) {
    const a = samples.slice(Math.floor(samples.length * 0.1));
    note += `; RSS over the file (after the first 10 %): min ${Math.min(...a).toFixed(0)} / median ${a.sort((x, y) => x - y)[a.length >> 1].toFixed(0)} / max ${Math.max(...a).toFixed(0)} MB; at 10 % ${samples[Math.floor(samples.length * 0.1)].toFixed(0)} MB, at 100 % ${samples[samples.length - 1].toFixed(0)} MB`;
  }
  return { mode, cpu, wall, appearances, journeys, bytes, maxRssMB: process.memoryUsage().rss / MiB, note };
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") {
    const r = child(argv[1] as Mode, argv[2]);
    process.stdout.write(JSON.stringify({ ...r, maxRssMB: Math.max(r.maxRssMB, process.resourceUsage().maxRSS / 1024) }) + "\n");
    return;
  }
  const scale = Number(process.env.BENCH_SCALE ?? 5000);
  const rssMB = Number(process.env.BENCH_RSS_MB ?? 2048);
  const only = process.env.BENCH_CASES ? new Set(process.env.BENCH_CASES.split(",")) : null;
  const dir = mkdtempSync(join(tmpdir(), "wnvtrace-bench-journeys-"));
  try {
    const scn = loadScenario(SCENARIO);
    const out = join(dir, "timing");
    process.stderr.write(`writing ${SCENARIO} × ${scale} (netsh + pktmon) …\n`);
    runLab(scn, { outDir: out, flavor: "both", scale });
    const netsh = join(out, `${SCENARIO}.netsh.etl`);
    const pktmon = join(out, `${SCENARIO}.pktmon.etl`);
    let big = "";
    if (rssMB > 0 && (!only || only.has("rss-netsh"))) {
      // netsh: ~2.25 kB per repetition-packet of this scenario; write until the file reaches the target.
      const reps = Math.ceil((rssMB * MiB) / (statSync(netsh).size / scale));
      process.stderr.write(`writing a ${rssMB} MB netsh capture (${SCENARIO} × ${reps}) …\n`);
      const o2 = join(dir, "rss");
      runLab(scn, { outDir: o2, flavor: "netsh", scale: reps });
      big = join(o2, `${SCENARIO}.netsh.etl`);
    }
    const rows: Result[] = [];
    for (const mode of MODES) {
      if (only && !only.has(mode)) continue;
      const file = mode === "builder-real" ? REAL : mode.endsWith("pktmon") ? pktmon : mode === "rss-netsh" ? big : netsh;
      if (!file || !existsSync(file)) continue;
      const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), "--child", mode, file], { encoding: "utf8", maxBuffer: 1 << 26 });
      if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
      const res = JSON.parse(r.stdout.trim().split("\n").pop()!) as Result;
      rows.push(res);
      const rate = res.appearances ? `${(res.appearances / res.cpu / 1e6).toFixed(2)} M appearances/s` : "";
      process.stdout.write(
        `${mode.padEnd(15)} ${(res.bytes / MiB).toFixed(0).padStart(6)} MB  ${res.cpu.toFixed(2).padStart(7)} s cpu ${res.wall.toFixed(2).padStart(7)} s wall  ` +
          `${String(res.appearances).padStart(9)} appearances ${String(Math.round(res.journeys)).padStart(8)} journeys  ${rate.padStart(24)}  peak RSS ${res.maxRssMB.toFixed(0)} MB  ${res.note}\n`,
      );
    }
  } finally {
    if (process.env.BENCH_KEEP) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main();
