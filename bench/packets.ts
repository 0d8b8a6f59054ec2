/**
 * Packet-path benchmark: `node --expose-gc dist/bench/packets.js` (after `npm run build`).
 *
 * Builds a big pktmon .etl by repeating the stmcast sample's 16 compressed data buffers (header buffer once,
 * SequenceNumber increased per repetition, payloads untouched) and measures, each case in its own child process
 * (peak RSS per case):
 *   read        EtlReader only (record walk, Xpress decompression) — the floor under everything else
 *   assemble    PacketReader: records → packet records (includes the metadata prescan pass of relogged files)
 *   filter      PacketReader + dissect + a display filter on every packet
 *   ndjson      the CLI: `wnvtrace packets FILE --ndjson > /dev/null`
 *   text        the CLI: `wnvtrace packets FILE > /dev/null`
 *   export      exportPcapng(all appearances) to a file in the temp dir
 *
 * Env: BENCH_MB (input size, default 256), BENCH_CASES (comma list), BENCH_KEEP=1 keeps the temp dir,
 * BENCH_FILTER (default "tcp.port == 443 || udp").
 */
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { EtlReader } from "../src/etl/mod.js";
import { writeRepeatedBuffers } from "../test/helpers/etlbytes.js";
import { Dissection, PacketReader, Proto, newDissecter } from "../src/packets/mod.js";
import { compileFilter } from "../src/filter/mod.js";
import type { PacketFilter } from "../src/filter/mod.js";
import { exportPcapng, pcapngFileSink } from "../src/export/mod.js";

const SAMPLE = "stmcast-win11-26k-packets-pktmon.etl";
const MiB = 1024 * 1024;
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const samples = process.env.WNVTRACE_SAMPLES ? resolve(process.env.WNVTRACE_SAMPLES) : resolve(repo, "..", "shared", "etl-samples");
const CLI = join(repo, "dist", "src", "cli", "main.js");

type Mode = "read" | "assemble" | "filter" | "ndjson" | "text" | "export";
const MODES: Mode[] = ["read", "assemble", "filter", "ndjson", "text", "export"];

interface Result {
  readonly mode: Mode;
  readonly seconds: number;
  readonly inputBytes: number;
  readonly packets: number;
  readonly outputBytes: number;
  readonly maxRssMB: number;
  readonly note: string;
}

function build(path: string, target: number): string {
  const r = writeRepeatedBuffers(join(samples, SAMPLE), path, target);
  return `${SAMPLE}: header + ${r.dataBuffers} compressed buffers (${(r.unitBytes / MiB).toFixed(2)} MiB) × ${r.reps}`;
}

function filterFor(): { f: PacketFilter; text: string } {
  const text = process.env.BENCH_FILTER ?? "tcp.port == 443 || udp";
  try {
    return { f: compileFilter(text), text };
  } catch {
    return { f: (d) => d.has(Proto.Udp), text: "(hand-written predicate: filters not implemented)" };
  }
}

function measure(file: string, mode: Mode, dir: string): Result {
  (globalThis as { gc?: () => void }).gc?.();
  const inputBytes = statSync(file).size;
  let packets = 0;
  let outputBytes = 0;
  let note = "";
  const t0 = process.hrtime.bigint();
  if (mode === "read") {
    const r = EtlReader.open(file);
    while (r.next()) packets++;
    note = "records";
    r.close();
  } else if (mode === "assemble") {
    const r = new PacketReader(file);
    let sink = 0;
    for (let p = r.next(); p; p = r.next()) sink += p.bytes.length;
    packets = r.stats.packets;
    note = `${sink} payload bytes`;
    r.close();
  } else if (mode === "filter") {
    const { f, text } = filterFor();
    const r = new PacketReader(file);
    const dis = newDissecter();
    const d = new Dissection();
    let hits = 0;
    for (let p = r.next(); p; p = r.next()) {
      dis.run(d, p.bytes, p.originalLength, p.linkType);
      if (f(d, p)) hits++;
      packets++;
    }
    note = `${hits} match ${text}`;
    r.close();
  } else {
    const out = join(dir, "out.pcapng");
    const res = exportPcapng(new PacketReader(file), pcapngFileSink(out), { allAppearances: true });
    packets = res.written;
    outputBytes = res.bytes;
    note = `${res.interfaces} interfaces`;
    rmSync(out, { force: true });
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  return { mode, seconds, inputBytes, packets, outputBytes, maxRssMB, note };
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === "--case") {
    const mode = args[2] as Mode;
    if (mode === "ndjson" || mode === "text") {
      // Time the CLI child alone; count packets afterwards.
      const out = openSync("/dev/null", "w");
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [CLI, "packets", args[1], ...(mode === "ndjson" ? ["--ndjson"] : [])], { stdio: ["ignore", out, "pipe"], env: { ...process.env, WNVTRACE_NO_PROGRESS: "1" } });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      closeSync(out);
      if (r.status !== 0) throw new Error(`wnvtrace packets failed: ${r.stderr}`);
      const pr = new PacketReader(args[1]);
      let packets = 0;
      while (pr.next()) packets++;
      pr.close();
      const res: Result = { mode, seconds, inputBytes: statSync(args[1]).size, packets, outputBytes: 0, maxRssMB: process.resourceUsage().maxRSS / 1024, note: "CLI child process, stdout to /dev/null (RSS: of the counting process)" };
      process.stdout.write(JSON.stringify(res) + "\n");
      return;
    }
    process.stdout.write(JSON.stringify(measure(args[1], mode, args[3])) + "\n");
    return;
  }
  if (!existsSync(join(samples, SAMPLE))) {
    console.log(`bench: ${SAMPLE} not found in ${samples}; nothing to do`);
    return;
  }
  const mb = Number(process.env.BENCH_MB ?? "256");
  const only = process.env.BENCH_CASES ? new Set(process.env.BENCH_CASES.split(",").map((s) => s.trim())) : null;
  const dir = mkdtempSync(join(tmpdir(), "wnvtrace-bench-packets-"));
  try {
    const file = join(dir, "big.etl");
    console.log(`bench: ${build(file, mb * MiB)} → ${(statSync(file).size / MiB).toFixed(0)} MiB in ${dir}`);
    console.log(`  node ${process.version}, one core per case\n`);
    const rows: string[][] = [["case", "packets/s", "in MB/s", "out MB/s", "packets", "seconds", "peak RSS MB", "note"]];
    for (const m of MODES) {
      if (only && !only.has(m)) continue;
      const self = fileURLToPath(import.meta.url);
      const r = spawnSync(process.execPath, ["--expose-gc", self, "--case", file, m, dir], { encoding: "utf8", maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`case ${m} failed:\n${r.stderr}`);
      const res = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as Result;
      rows.push([m, Math.round(res.packets / res.seconds).toLocaleString("en-US"), (res.inputBytes / MiB / res.seconds).toFixed(0),
        res.outputBytes ? (res.outputBytes / MiB / res.seconds).toFixed(0) : "-", res.packets.toLocaleString("en-US"), res.seconds.toFixed(2), res.maxRssMB.toFixed(0), res.note]);
      console.error(`  done: ${m}`);
    }
    const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const [n, r] of rows.entries()) {
      console.log(r.map((x, c) => (c === 0 || c === 7 ? x.padEnd(w[c]) : x.padStart(w[c]))).join("  "));
      if (n === 0) console.log(w.map((x) => "-".repeat(x)).join("  "));
    }
    console.log("\nin MB/s = .etl bytes (2^20) per second; out MB/s = pcapng bytes written. Targets: ≥ 1 M packet appearances/s dissected and filtered; export ≥ 200 MB/s with flat memory.");
  } finally {
    if (process.env.BENCH_KEEP !== "1") rmSync(dir, { recursive: true, force: true });
  }
}

main();
