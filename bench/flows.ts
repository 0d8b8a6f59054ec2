/**
 * Flows benchmark: `node --expose-gc dist/bench/flows.js` (after `npm run build`).
 *
 * Inputs, built in a temp dir:
 *   stmcast     the real stmcast pktmon sample's 16 compressed buffers repeated (as bench/packets.ts does) to
 *               BENCH_MB MiB (default 256): pktmon without appearance numbers, so every record goes through the
 *               content (key + fingerprint) sighting rule;
 *   lab-pktmon  the lab's nat-port-mapping scenario × BENCH_LAB_REPS (default 6,000: beyond ~10,000 the lab's
 *               ephemeral ports wrap and UDP 5-tuples repeat) in the pktmon flavour:
 *               4 appearances per packet, (PktGroupId, PktNumber) rule, NAT pairing by same packet;
 *   lab-netsh   the same in the netsh flavour (NDIS 1001 + VMSwitch 1003 sightings, WinNat 1001 sessions).
 * Cases, each in its own child process (one core; peak RSS per case):
 *   read        PacketReader alone: the floor under everything
 *   flows       readFlows: reader + dissection + FlowTable, end to end (what `wnvtrace flows` does)
 *   preread     the first BENCH_PRE (default 1,000,000) packet records read into memory first, then timed:
 *               dissection alone, and dissection + FlowTable.add (best of 3); "flows only" = the difference.
 *               Then dissection + FlowTable.add + FindingsCollector.packet and both finish() calls ("flows +
 *               findings"), the findings share derived the same way.
 *   diagnose    diagnose(): reader + journeys + dissection + flows + findings, end to end (`wnvtrace diagnose`)
 * Figures are packet records (sightings) per second.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { writeRepeatedBuffers } from "../test/helpers/etlbytes.js";
import type { PacketRecord } from "../src/packets/mod.js";
import { Dissection, PacketReader, newDissecter } from "../src/packets/mod.js";
import { FlowTable, readFlows } from "../src/flows/mod.js";
import { FindingsCollector, diagnose } from "../src/findings/mod.js";
import { loadScenario, runLab } from "../src/lab/lab.js";

const SAMPLE = "stmcast-win11-26k-packets-pktmon.etl";
const MiB = 1024 * 1024;
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const samples = process.env.WNVTRACE_SAMPLES ? resolve(process.env.WNVTRACE_SAMPLES) : resolve(repo, "..", "shared", "etl-samples");

type Mode = "read" | "flows" | "preread" | "diagnose";
const MODES: Mode[] = ["read", "flows", "preread", "diagnose"];

interface Result {
  readonly mode: Mode;
  readonly seconds: number;
  readonly records: number;
  readonly maxRssMB: number;
  readonly note: string;
  /** preread: seconds for dissection alone and for dissection + flows. */
  readonly dissect?: number;
  readonly both?: number;
  readonly all?: number;
}

/** Header buffer once, then the sample's data buffers repeated with increasing SequenceNumber. */
function buildStmcast(path: string, target: number): string {
  const r = writeRepeatedBuffers(join(samples, SAMPLE), path, target);
  return `${SAMPLE} data buffers × ${r.reps}`;
}

function measure(file: string, mode: Mode): Result {
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = process.hrtime.bigint();
  const secs = (): number => Number(process.hrtime.bigint() - t0) / 1e9;
  if (mode === "read") {
    const r = new PacketReader(file);
    let n = 0;
    while (r.next()) n++;
    r.close();
    return { mode, seconds: secs(), records: n, maxRssMB: process.resourceUsage().maxRSS / 1024, note: "packet records" };
  }
  if (mode === "flows") {
    const res = readFlows(file);
    const s = res.stats;
    return {
      mode, seconds: secs(), records: s.records, maxRssMB: process.resourceUsage().maxRSS / 1024,
      note: `${s.packets} packets, ${s.flows} flows, ${s.natPairs} NAT pairs, ${s.dnsTransactions} DNS transactions`,
    };
  }
  if (mode === "diagnose") {
    const res = diagnose(file);
    const s = res.findings.summary;
    return {
      mode, seconds: secs(), records: res.packets, maxRssMB: process.resourceUsage().maxRSS / 1024,
      note: `${res.journeys} journeys, ${res.flows.flows.length} flows, findings: ${s.critical} critical, ${s.error} error, ${s.warning} warning, ${s.info} info`,
    };
  }
  const max = Number(process.env.BENCH_PRE ?? "1000000");
  const recs: PacketRecord[] = [];
  const r = new PacketReader(file);
  for (let p = r.next(); p && recs.length < max; p = r.next()) recs.push(p);
  const traceStart = r.decoder.clock.startTime;
  r.close();
  const dis = newDissecter();
  const d = new Dissection();
  let dissect = Infinity;
  let both = Infinity;
  let all = Infinity;
  let note = "";
  for (let round = 0; round < 3; round++) {
    (globalThis as { gc?: () => void }).gc?.();
    let t = process.hrtime.bigint();
    let sink = 0;
    for (let i = 0; i < recs.length; i++) {
      const p = recs[i];
      dis.run(d, p.bytes, p.originalLength, p.linkType);
      sink += d.n;
    }
    dissect = Math.min(dissect, Number(process.hrtime.bigint() - t) / 1e9);
    (globalThis as { gc?: () => void }).gc?.();
    t = process.hrtime.bigint();
    const table = new FlowTable({ traceStart });
    for (let i = 0; i < recs.length; i++) {
      const p = recs[i];
      dis.run(d, p.bytes, p.originalLength, p.linkType);
      table.add(p, d);
    }
    const res = table.finish();
    both = Math.min(both, Number(process.hrtime.bigint() - t) / 1e9);
    note = `${res.stats.packets} packets, ${res.stats.flows} flows (${sink > 0 ? "" : "no layers?"}finish() included)`;
    (globalThis as { gc?: () => void }).gc?.();
    t = process.hrtime.bigint();
    const t2 = new FlowTable({ traceStart });
    const col = new FindingsCollector();
    for (let i = 0; i < recs.length; i++) {
      const p = recs[i];
      dis.run(d, p.bytes, p.originalLength, p.linkType);
      col.packet(p, d, t2.add(p, d), t2.lastKey);
    }
    const fr = col.finish({ flows: t2.finish() });
    all = Math.min(all, Number(process.hrtime.bigint() - t) / 1e9);
    note += `; ${fr.findings.length} findings`;
  }
  return { mode, seconds: both, records: recs.length, maxRssMB: process.resourceUsage().maxRSS / 1024, note, dissect, both, all };
}

function rate(n: number, s: number): string {
  return Math.round(n / s).toLocaleString("en-US");
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === "--case") {
    process.stdout.write(JSON.stringify(measure(args[1], args[2] as Mode)) + "\n");
    return;
  }
  const only = process.env.BENCH_CASES ? new Set(process.env.BENCH_CASES.split(",").map((s) => s.trim())) : null;
  const dir = mkdtempSync(join(tmpdir(), "wnvtrace-bench-flows-"));
  try {
    const inputs: { name: string; file: string; what: string }[] = [];
    if (existsSync(join(samples, SAMPLE))) {
      const file = join(dir, "stmcast.etl");
      const what = buildStmcast(file, Number(process.env.BENCH_MB ?? "256") * MiB);
      inputs.push({ name: "stmcast", file, what: `${what}, ${(statSync(file).size / MiB).toFixed(0)} MiB` });
    } else console.log(`bench: ${SAMPLE} not found in ${samples}; lab inputs only`);
    const reps = Number(process.env.BENCH_LAB_REPS ?? "6000");
    const lab = runLab(loadScenario("nat-port-mapping"), { outDir: join(dir, "lab"), flavor: "both", scale: reps });
    inputs.push({ name: "lab-pktmon", file: lab.files.pktmon!, what: `nat-port-mapping × ${reps}, ${(statSync(lab.files.pktmon!).size / MiB).toFixed(0)} MiB` });
    inputs.push({ name: "lab-netsh", file: lab.files.netsh!, what: `nat-port-mapping × ${reps}, ${(statSync(lab.files.netsh!).size / MiB).toFixed(0)} MiB` });
    console.log(`bench: node ${process.version}, one core per case`);
    for (const i of inputs) console.log(`  ${i.name.padEnd(10)}  ${i.what}`);
    console.log("");
    const rows: string[][] = [["input", "case", "records/s", "records", "seconds", "peak RSS MB", "note"]];
    for (const i of inputs) {
      for (const m of MODES) {
        if (only && !only.has(m) && !only.has(`${i.name}/${m}`)) continue;
        const self = fileURLToPath(import.meta.url);
        const r = spawnSync(process.execPath, ["--expose-gc", "--max-old-space-size=8192", self, "--case", i.file, m], { encoding: "utf8", maxBuffer: 1 << 20 });
        if (r.status !== 0) throw new Error(`case ${i.name}/${m} failed:\n${r.stderr}`);
        const res = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as Result;
        if (m === "preread") {
          rows.push([i.name, "dissect (pre-read)", rate(res.records, res.dissect!), res.records.toLocaleString("en-US"), res.dissect!.toFixed(2), res.maxRssMB.toFixed(0), "dissection alone"]);
          rows.push([i.name, "dissect+flows (pre-read)", rate(res.records, res.both!), res.records.toLocaleString("en-US"), res.both!.toFixed(2), res.maxRssMB.toFixed(0), res.note]);
          rows.push([i.name, "flows only (derived)", rate(res.records, res.both! - res.dissect!), res.records.toLocaleString("en-US"), (res.both! - res.dissect!).toFixed(2), "", "FlowTable.add + finish"]);
          rows.push([i.name, "dissect+flows+findings (pre-read)", rate(res.records, res.all!), res.records.toLocaleString("en-US"), res.all!.toFixed(2), res.maxRssMB.toFixed(0), "FindingsCollector.packet + finish added"]);
          rows.push([i.name, "flows+findings (derived)", rate(res.records, res.all! - res.dissect!), res.records.toLocaleString("en-US"), (res.all! - res.dissect!).toFixed(2), "", "without dissection"]);
        } else {
          rows.push([i.name, m === "read" ? "read" : m === "diagnose" ? "diagnose (end to end)" : "read+dissect+flows", rate(res.records, res.seconds), res.records.toLocaleString("en-US"), res.seconds.toFixed(2), res.maxRssMB.toFixed(0), res.note]);
        }
        console.error(`  done: ${i.name}/${m}`);
      }
    }
    const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const [n, r] of rows.entries()) {
      console.log(r.map((x, c) => (c <= 1 || c === 6 ? x.padEnd(w[c]) : x.padStart(w[c]))).join("  ").trimEnd());
      if (n === 0) console.log(w.map((x) => "-".repeat(x)).join("  "));
    }
    console.log("\nrecords = packet records (pktmon appearances, NDIS/VMSwitch sightings). Target: flows (+ findings) ≥ 1 M packets/s on one core.");
  } finally {
    if (process.env.BENCH_KEEP !== "1") rmSync(dir, { recursive: true, force: true });
  }
}

main();
