// The command line, run as a user runs it: exit codes, one-line errors, and the outputs of info/events.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { fileSink } from "../../src/etl/mod.js";
import { SEED_LINES, writeSeedCapture } from "../../src/lab/seed.js";
import { runCli } from "../helpers/cli.js";
import type { CliRun } from "../helpers/cli.js";


function run(...args: string[]): CliRun {
  return runCli(args);
}

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-cli-"));
const seed = join(dir, "seed.etl");
writeSeedCapture(fileSink(seed));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

test("events --messages prints the seed's lines like Get-WinEvent", () => {
  const r = run("events", seed, "--provider", "vmswitch", "--provider", "NDIS-PacketCapture", "--id", "56-58,1003", "--messages");
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.out.trimEnd().split("\n"), [...SEED_LINES]);
  assert.equal(r.err, "");
});

test("events --ndjson carries header fields and decoded fields", () => {
  const r = run("events", seed, "--id", "57", "--ndjson");
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split("\n");
  assert.equal(lines.length, 1);
  const e = JSON.parse(lines[0]);
  assert.equal(e.id, 57);
  assert.equal(e.providerId, "67dc0d66-3695-47c0-9642-33f76f7bd7ad");
  assert.equal(e.pid, 4);
  assert.equal(e.tid, 424);
  assert.equal(e.cpu, 1);
  assert.equal(e.level, 4);
  assert.equal(e.fields.DestNicFName, "Ethernet");
  assert.equal(e.fields.BufferAddress, "18446624793004479632"); // 0xffff9383cbf21490 as a decimal string
  assert.equal(e.time, "2018-07-13T02:00:00.5000021Z");
});

test("events --json is one valid array; --limit stops early", () => {
  const r = run("events", seed, "--json", "--limit", "3");
  assert.equal(r.code, 0, r.err);
  const arr = JSON.parse(r.out);
  assert.equal(arr.length, 3);
  assert.equal(arr[0].name, "Header");
});

test("events --time host prints the capturing host's local time", () => {
  const r = run("events", seed, "--id", "56", "--time", "host");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^2018-07-12T19:00:00\.5000000-07:00 \[1\]0004\.01A8 Microsoft-Windows-Hyper-V-VmSwitch 56: NBL 0xffff9383cbf21490 received/);
});

test("info reports header facts and per-id counts", () => {
  const r = run("info", seed, "--json");
  assert.equal(r.code, 0, r.err);
  const i = JSON.parse(r.out);
  assert.equal(i.os.build, 17763);
  assert.equal(i.pointerSize, 8);
  assert.equal(i.processors, 2);
  assert.equal(i.events.total, 8);
  assert.equal(i.clock.type, "QPC");
  const vms = i.providers.find((p: { name: string }) => p.name === "Microsoft-Windows-Hyper-V-VmSwitch");
  assert.equal(vms.events, 5);
  assert.deepEqual(vms.byId.map((x: { id: number; count: number }) => [x.id, x.count]), [[56, 1], [57, 1], [58, 1], [232, 2]]);
  assert.deepEqual(i.problems, {});
});

test("exit code 2 and a one-line error with the offset for a file that is not an ETL", () => {
  const bad = join(dir, "bad.etl");
  writeFileSync(bad, Buffer.alloc(4096, 0x41));
  const r = run("info", bad);
  assert.equal(r.code, 2);
  assert.equal(r.out, "");
  const lines = r.err.trimEnd().split("\n");
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^wnvtrace: error: .*not an ETL file.*offset 72/);
});

test("exit code 2 for a missing file, 1 for usage errors", () => {
  const m = run("info", join(dir, "nope.etl"));
  assert.equal(m.code, 2);
  assert.match(m.err, /cannot open .*no such file/);
  assert.equal(run("events").code, 1);
  assert.equal(run("events", seed, "--id", "abc").code, 1);
  assert.equal(run("events", seed, "--limit", "x").code, 1);
  assert.equal(run("frobnicate").code, 1);
  assert.equal(run("--help").code, 0);
});
