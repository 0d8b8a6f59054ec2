/**
 * Throughput benchmark: `npm run bench` (node --expose-gc dist/bench/run.js).
 *
 * Builds two big .etl files in a temp dir by repeating real buffers (streaming writes, never the whole file in
 * memory), then measures, each case in its own child process so that peak RSS is per case:
 *   uncompressed  the kernel-logger sample: header buffer once, then its 48 data buffers repeated with
 *                 increasing SequenceNumber and shifted timestamps (buffer and record timestamps)
 *   compressed    the stmcast pktmon sample: header buffer once, then its 16 Xpress buffers repeated with
 *                 increasing SequenceNumber (compressed payloads untouched, so timestamps repeat)
 * and for each: reader only (time order), reader + TraceDecoder.decode() of every event, and for the relogged
 * pktmon file also the decoder's default metadata prescan (a second full pass) on its own.
 *
 * Env: BENCH_MB (size of each file, default 1024), BENCH_CASES (comma list to run a subset, e.g.
 * "uncompressed/read,compressed/decode"), BENCH_KEEP=1 keeps the temp dir.
 * Figures are single-threaded; the files sit in the page cache after being written, so this measures CPU cost.
 */
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { EtlReader } from "../src/etl/reader.js";
import { TraceDecoder } from "../src/events/decoder.js";
import { listBuffers, loadSample, readAll, samplePath, SAMPLES_DIR, setU32, setU64, timestampOffset, u32 } from "../test/helpers/etlbytes.js";

const KERNEL = "airbus-ShutdownPerfDiagLogger-kernel.etl";
const PKTMON = "stmcast-win11-26k-packets-pktmon.etl";
const MiB = 1024 * 1024;

type Mode = "read" | "decode" | "prescan";

interface CaseResult {
  readonly file: string;
  readonly mode: Mode;
  readonly seconds: number;
  readonly bytes: number;
  readonly records: number;
  readonly maxRssMB: number;
  readonly diagnostics: number;
  readonly note?: string;
}

// ---- building the inputs ---------------------------------------------------------------------------------

/** Adds `delta` to the u64 at b[o] (little-endian), exactly for results below 2^53. */
function addU64(b: Uint8Array, o: number, delta: number): void {
  const v = u32(b, o + 4) * 4294967296 + u32(b, o) + delta;
  setU32(b, o, v % 4294967296);
  setU32(b, o + 4, Math.floor(v / 4294967296));
}

/** Writes `header` once and then `unit` (the data buffers) `reps` times, patched per repetition by `patch`. */
function writeRepeated(path: string, header: Uint8Array, unit: Uint8Array, targetBytes: number, patch: (chunk: Uint8Array, rep: number) => void): number {
  const fd = openSync(path, "w");
  const chunk = new Uint8Array(unit.length);
  let written = 0;
  let reps = 0;
  try {
    written += writeSync(fd, header);
    while (written < targetBytes) {
      chunk.set(unit);
      patch(chunk, reps);
      written += writeSync(fd, chunk);
      reps++;
    }
  } finally {
    closeSync(fd);
  }
  return reps;
}

function buildUncompressed(path: string, targetBytes: number): string {
  const bytes = loadSample(KERNEL);
  if (!bytes) throw new Error(`missing ${KERNEL}`);
  const bufs = listBuffers(bytes);
  const header = bytes.subarray(0, bufs[0].size);
  const dataStart = bufs[1].offset;
  const unit = bytes.subarray(dataStart);
  // Where the timestamps are, relative to the start of the data buffers: buffer headers and every record.
  const tsPos: number[] = bufs.slice(1).map((b) => b.offset - dataStart + 0x10);
  let minTs = Infinity;
  let maxTs = 0;
  for (const r of readAll(bytes).records) {
    if (r.bufferOffset < dataStart) continue;
    const to = timestampOffset(r.kind);
    if (to < 0) continue;
    const at = r.bufferOffset + r.offset + to;
    tsPos.push(at - dataStart);
    const v = u32(bytes, at + 4) * 4294967296 + u32(bytes, at);
    minTs = Math.min(minTs, v);
    maxTs = Math.max(maxTs, v);
  }
  for (const b of bufs.slice(1)) maxTs = Math.max(maxTs, Number(b.timestamp));
  const span = maxTs - minTs + 1;
  const seqs = bufs.slice(1).map((b) => Number(b.seq));
  const maxSeq = Math.max(...seqs);
  const reps = writeRepeated(path, header, unit, targetBytes, (chunk, rep) => {
    if (rep === 0) return;
    const d = rep * span;
    for (const p of tsPos) addU64(chunk, p, d);
    bufs.slice(1).forEach((b, i) => setU64(chunk, b.offset - dataStart + 0x18, BigInt(seqs[i] + rep * maxSeq)));
  });
  return `${KERNEL}: header + ${bufs.length - 1} × 64 KiB data buffers × ${reps}`;
}

function buildCompressed(path: string, targetBytes: number): string {
  const bytes = loadSample(PKTMON);
  if (!bytes) throw new Error(`missing ${PKTMON}`);
  const bufs = listBuffers(bytes);
  const header = bytes.subarray(0, bufs[0].size);
  const dataStart = bufs[1].offset;
  const unit = bytes.subarray(dataStart);
  const seqs = bufs.slice(1).map((b) => Number(b.seq));
  const maxSeq = Math.max(...seqs);
  const reps = writeRepeated(path, header, unit, targetBytes, (chunk, rep) => {
    if (rep === 0) return;
    bufs.slice(1).forEach((b, i) => setU64(chunk, b.offset - dataStart + 0x18, BigInt(seqs[i] + rep * maxSeq)));
  });
  return `${PKTMON}: header + ${bufs.length - 1} compressed buffers (${(unit.length / MiB).toFixed(2)} MiB) × ${reps}`;
}

// ---- one measurement (child process) ---------------------------------------------------------------------

function measure(file: string, mode: Mode): CaseResult {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const bytes = statSync(file).size;
  let records = 0;
  let diagnostics = 0;
  let note: string | undefined;
  const t0 = process.hrtime.bigint();
  if (mode === "read") {
    const r = EtlReader.open(file);
    let sink = 0;
    while (r.next()) sink += r.record.id;
    records = r.stats().records;
    diagnostics = r.diagnostics.length;
    note = `checksum ${sink}`;
    r.close();
  } else if (mode === "decode") {
    const d = new TraceDecoder(file, { prescan: false });
    let sink = 0;
    while (d.next()) {
      const e = d.decode();
      sink += e.fields ? 1 : 0;
    }
    records = d.reader.stats().records;
    diagnostics = d.reader.diagnostics.length;
    note = `${sink} events with a schema`;
    d.close();
  } else {
    // The default constructor runs the metadata prescan over relogged files: time that pass alone.
    const d = new TraceDecoder(file);
    records = 0;
    note = `prescan only (relogged: ${(d.info.logFileMode & 0x10000) !== 0})`;
    d.close();
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  return { file, mode, seconds, bytes, records, maxRssMB, diagnostics, ...(note ? { note } : {}) };
}

// ---- driver ----------------------------------------------------------------------------------------------

function runChild(file: string, mode: Mode): CaseResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ["--expose-gc", self, "--case", file, mode], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench case ${mode} on ${file} failed:\n${r.stderr}`);
  const line = r.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as CaseResult;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === "--case") {
    process.stdout.write(JSON.stringify(measure(args[1], args[2] as Mode)) + "\n");
    return;
  }
  if (!existsSync(samplePath(KERNEL)) || !existsSync(samplePath(PKTMON))) {
    console.log(`bench: samples not found in ${SAMPLES_DIR} (need ${KERNEL} and ${PKTMON}); nothing to do`);
    return;
  }
  const mb = Number(process.env.BENCH_MB ?? "1024");
  if (!(mb > 0)) throw new Error(`BENCH_MB must be a positive number, not ${process.env.BENCH_MB}`);
  const only = process.env.BENCH_CASES ? new Set(process.env.BENCH_CASES.split(",").map((s) => s.trim())) : null;
  const dir = mkdtempSync(join(tmpdir(), "wnvtrace-bench-"));
  const cleanup = (): void => {
    if (process.env.BENCH_KEEP !== "1") rmSync(dir, { recursive: true, force: true });
  };
  process.on("SIGINT", () => {
    cleanup();
    process.exit(130);
  });
  try {
    const inputs: { label: string; path: string; modes: Mode[]; what: string }[] = [];
    const up = join(dir, "uncompressed.etl");
    const cp = join(dir, "compressed.etl");
    const t0 = Date.now();
    inputs.push({ label: "uncompressed", path: up, modes: ["read", "decode"], what: buildUncompressed(up, mb * MiB) });
    inputs.push({ label: "compressed", path: cp, modes: ["read", "decode", "prescan"], what: buildCompressed(cp, mb * MiB) });
    console.log(`bench: built inputs in ${((Date.now() - t0) / 1000).toFixed(1)} s in ${dir}`);
    for (const i of inputs) console.log(`  ${i.label}: ${fmt(statSync(i.path).size / MiB)} MiB — ${i.what}`);
    console.log(`  node ${process.version}, one core per case, peak RSS per case (child process)\n`);
    const rows: string[][] = [["input", "case", "MB/s", "events/s", "events", "seconds", "peak RSS MB", "diag"]];
    for (const i of inputs) {
      const got = new Map<Mode, CaseResult>();
      for (const m of i.modes) {
        if (only && !only.has(`${i.label}/${m}`)) continue;
        const r = runChild(i.path, m);
        got.set(m, r);
        const mbps = r.bytes / MiB / r.seconds;
        rows.push([i.label, m === "read" ? "reader only" : m === "decode" ? "reader + decode()" : "decoder prescan pass alone",
          fmt(mbps, 0), m === "prescan" ? "-" : fmt(r.records / r.seconds, 0), m === "prescan" ? "-" : fmt(r.records),
          fmt(r.seconds, 2), fmt(r.maxRssMB, 0), String(r.diagnostics)]);
        console.error(`  done: ${i.label} ${m} (${r.note ?? ""})`);
      }
      const d = got.get("decode");
      const p = got.get("prescan");
      if (d && p) {
        // new TraceDecoder(file) with default options = prescan pass + decoding pass.
        const sec = d.seconds + p.seconds;
        rows.push([i.label, "default decoder (prescan + decode)", fmt(d.bytes / MiB / sec, 0), fmt(d.records / sec, 0), fmt(d.records),
          fmt(sec, 2), fmt(Math.max(d.maxRssMB, p.maxRssMB), 0), "(sum)"]);
      }
    }
    const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const [n, r] of rows.entries()) {
      console.log(r.map((x, c) => (c < 2 ? x.padEnd(w[c]) : x.padStart(w[c]))).join("  "));
      if (n === 0) console.log(w.map((x) => "-".repeat(x)).join("  "));
    }
    console.log("\nMB = 2^20 bytes of the .etl file. Targets: uncompressed scan+decode ≥ 300 MB/s, compressed pktmon ≥ 100 MB/s (file bytes), peak RSS < 150 MB.");
  } finally {
    cleanup();
  }
}

main();
