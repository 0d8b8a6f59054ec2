// `wnvtrace packets` and `wnvtrace export`, run as a user runs them: text lines, JSON, verbose detail, filters,
// exit codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { fileSink } from "../../src/etl/mod.js";
import { writeSeedCapture } from "../../src/lab/seed.js";
import { compileFilter } from "../../src/filter/mod.js";
import { readPcapng } from "../../src/export/mod.js";
import { missing, sample } from "../helpers/samples.js";
import { BIN, runCli } from "../helpers/cli.js";
import type { CliRun } from "../helpers/cli.js";


function run(...args: string[]): CliRun {
  return runCli(args);
}

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-cli-packets-"));
const seed = join(dir, "seed.etl");
writeSeedCapture(fileSink(seed));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

const SEED_SUMMARY = "00-15-5D-3A-9F-22 > 00-15-5D-3A-90-01, ethertype IPv4 (0x0800), length 155: 172.18.5.2 > 13.107.21.200: ICMP echo request, id 1, seq 17, length 121";

/** True when the display-filter language is implemented (the filter module may still be a placeholder). */
function filtersWork(): boolean {
  try {
    compileFilter("icmp");
    return true;
  } catch {
    return false;
  }
}

test("packets: the seed's two VMSwitch fragments, one line each", () => {
  const r = run("packets", seed);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, "");
  assert.deepEqual(r.out.trimEnd().split("\n"), [
    `2018-07-13T02:00:00.5000009Z port 2 In vNIC Synthetic 5AA3FFAC-AB7F-41DA-BD02-A4404FCA9241 155/155: ${SEED_SUMMARY}`,
    `2018-07-13T02:00:00.5000029Z port 2 In vNIC Synthetic 5AA3FFAC-AB7F-41DA-BD02-A4404FCA9241 155/155: ${SEED_SUMMARY}`,
  ]);
});

test("packets --verbose: layer trees and a hex dump after each line", () => {
  const r = run("packets", seed, "--verbose", "--limit", "1");
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split("\n");
  assert.match(lines[0], /^2018-07-13T02:00:00\.5000009Z port 2 In /);
  assert.equal(lines[1], "    Ethernet II, Src: 00:15:5d:3a:9f:22, Dst: 00:15:5d:3a:90:01");
  assert.ok(lines.includes("        Source Address: 172.18.5.2"));
  assert.ok(lines.some((l) => /^ {4}Internet Control Message Protocol/.test(l)));
  assert.ok(lines.includes("    0000  00 15 5d 3a 90 01 00 15  5d 3a 9f 22 08 00 45 00  ..]:....]:.\"..E."));
  const dump = lines.filter((l) => /^ {4}[0-9a-f]{4} {2}/.test(l));
  assert.equal(dump.length, Math.ceil(155 / 16));
  assert.match(dump[dump.length - 1], /^ {4}0090 {2}[0-9a-f ]+ +[ -~]+$/);
});

test("packets --json parses: metadata, layers with offsets, summary and bytes", () => {
  const r = run("packets", seed, "--json");
  assert.equal(r.code, 0, r.err);
  const arr = JSON.parse(r.out) as Record<string, unknown>[];
  assert.equal(arr.length, 2);
  const p = arr[0] as { [k: string]: unknown; vmswitch: { sourceNicName: string; vlanId: number }; layers: { proto: string; start: number; headerEnd: number; end: number }[] };
  assert.equal(p.source, "vmswitch");
  assert.equal(p.eventId, 1003);
  assert.equal(p.time, "2018-07-13T02:00:00.5000009Z");
  assert.equal(p.timeUnixNs, "1531447200500000900");
  assert.equal(p.direction, "in");
  assert.equal(p.capturedLength, 155);
  assert.equal(p.interface, "vNIC:Synthetic:4A1F0C3E-3C2B-4E8F-9B57-2E0D6A7C1B11:0:0");
  assert.equal(p.vmswitch.sourceNicName, "5AA3FFAC-AB7F-41DA-BD02-A4404FCA9241");
  assert.deepEqual(p.layers.map((l) => [l.proto, l.start, l.headerEnd]), [["eth", 0, 14], ["ip", 14, 34], ["icmp", 34, 42]]);
  assert.equal(p.summary, SEED_SUMMARY);
  assert.match(p.bytes as string, /^00155d3a900100155d3a9f22080045/);
  assert.equal((p.bytes as string).length, 310);
  const nd = run("packets", seed, "--ndjson", "--limit", "1");
  assert.equal(nd.code, 0);
  const lines = nd.out.trimEnd().split("\n");
  assert.equal(lines.length, 1);
  assert.equal(JSON.parse(lines[0]).number, 1);
  const empty = run("packets", seed, "--json", "--limit", "0");
  assert.deepEqual(JSON.parse(empty.out), []);
});

test("packets -Y with a bad filter: exit 1 and the message pointing at the column", () => {
  const r = run("packets", seed, "-Y", "ip.src ==");
  assert.equal(r.code, 1);
  assert.equal(r.out, "");
  assert.match(r.err, /^wnvtrace: error: filter: .* at column \d+\n {2}ip\.src ==\n  *\^\n$/);
  const e = run("export", seed, "-o", join(dir, "never.pcapng"), "-Y", "ip.src ==");
  assert.equal(e.code, 1);
  assert.match(e.err, /at column \d+/);
  assert.equal(existsSync(join(dir, "never.pcapng")), false, "no output file for a bad filter");
});

test("packets -Y selects packets", { skip: filtersWork() ? false : "display filters are not implemented yet" }, () => {
  assert.equal(run("packets", seed, "-Y", "icmp").out.trimEnd().split("\n").length, 2);
  assert.equal(run("packets", seed, "-Y", "tcp").out, "");
});

test("packets on a pktmon sample: group:number#appearance, direction, component, sizes", { skip: missing("demikernel-ws2022-azure-pktmon.etl") }, () => {
  const r = run("packets", sample("demikernel-ws2022-azure-pktmon.etl")!);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split("\n");
  assert.equal(lines.length, 114);
  assert.deepEqual(lines.slice(0, 3), [
    "2024-06-10T20:18:35.4891721Z 1071654:1#1 Rx Microsoft Hyper-V Network Adapter #3 (netvsc.sys) [59/1] 98/98: 94-8E-D3-C5-F7-48 > 00-22-48-7B-B3-80, ethertype IPv4 (0x0800), length 98: 10.9.1.14 > 10.9.1.22: ICMP echo request, id 18, seq 1, length 64",
    "2024-06-10T20:18:35.4891755Z 1071654:1#2 Rx XDP Lightweight Filter (xdp.sys) [61/2] 98/98: 94-8E-D3-C5-F7-48 > 00-22-48-7B-B3-80, ethertype IPv4 (0x0800), length 98: 10.9.1.14 > 10.9.1.22: ICMP echo request, id 18, seq 1, length 64",
    "2024-06-10T20:18:35.4934391Z 1071655:1#1 Tx XDP Lightweight Filter (xdp.sys) [61/2] 98/98: 00-22-48-7B-B3-80 > 00-00-00-00-00-00, ethertype IPv4 (0x0800), length 98: 10.9.1.22 > 10.9.1.14: ICMP echo reply, id 18, seq 1, length 64",
  ]);
  const j = run("packets", sample("demikernel-ws2022-azure-pktmon.etl")!, "--ndjson");
  const objs = j.out.trimEnd().split("\n").map((l) => JSON.parse(l) as { pktmon: { groupId: string; componentId: number } });
  assert.equal(objs.length, 114);
  assert.deepEqual([objs[5].pktmon.groupId, objs[5].pktmon.componentId], ["1071655", 48]);
});

test("export: writes a pcapng, reports on stderr; usage and input errors exit 1 and 2", () => {
  const out = join(dir, "seed.pcapng");
  const r = run("export", seed, "-o", out);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, "");
  assert.match(r.err, /^wnvtrace: wrote 2 packets on 1 interfaces to .*seed\.pcapng \(2 packet records read\)\n$/);
  const f = readPcapng(readFileSync(out));
  assert.equal(f.packets.length, 2);
  assert.equal(f.interfaces[0].name, "vNIC:Synthetic:4A1F0C3E-3C2B-4E8F-9B57-2E0D6A7C1B11:0:0");
  const toStdout = spawnSync(process.execPath, [BIN, "export", seed, "-o", "-"], { env: { ...process.env, WNVTRACE_NO_PROGRESS: "1" } });
  assert.equal(toStdout.status, 0);
  assert.deepEqual(new Uint8Array(toStdout.stdout), new Uint8Array(readFileSync(out)));
  assert.equal(run("export", seed).code, 1, "-o is required");
  assert.equal(run("export", join(dir, "missing.etl"), "-o", join(dir, "x.pcapng")).code, 2);
  assert.equal(run("packets", join(dir, "missing.etl")).code, 2);
  assert.equal(run("packets", seed, "--json", "--ndjson").code, 1);
  assert.equal(run("packets", seed, "--limit", "x").code, 1);
});
