// `wnvtrace topology` as a user runs it: the four formats, -o, host state, and the exit codes (usage 1,
// unreadable capture 2; host state never fails the command).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { loadScenario, runLab } from "../../src/lab/lab.js";
import type { Topology } from "../../src/topology/mod.js";
import { missing, sample } from "../helpers/samples.js";
import { runCli } from "../helpers/cli.js";
import type { CliRun } from "../helpers/cli.js";


function run(...args: string[]): CliRun {
  return runCli(args);
}

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-topocli-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const lab = runLab(loadScenario("seed-nat"), { outDir: join(dir, "seed-nat"), flavor: "both" });
const host = join(dir, "seed-nat", "host");

test("topology: the text tree, then with --inventory the containers by name", () => {
  const r = run("topology", lab.files.netsh!);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, "");
  assert.match(r.out, /^Topology of .*seed-nat\.netsh\.etl\n/);
  assert.match(r.out, /\nvSwitch try-nat {2}\{9D32A887-5D69-45BA-AE42-A534F765F7C2\} {2}Internal \(inferred\)/);
  assert.doesNotMatch(r.out, /wcow1/);
  const j = run("topology", lab.files.netsh!, "--inventory", host);
  assert.equal(j.code, 0, j.err);
  assert.match(j.out, /= container wcow1 \(try-nat\).*\[matched by mac 00-15-5D-2F-00-11, high\]/);
  assert.match(j.out, /host state: 12 file\(s\), \d+ join\(s\)/);
});

test("topology --format json|dot|svg, and -o", () => {
  const j = run("topology", lab.files.pktmon!, "--inventory", host, "--format", "json");
  assert.equal(j.code, 0, j.err);
  const t = JSON.parse(j.out) as Topology;
  assert.equal(t.switches[0].name, "try-nat");
  assert.deepEqual(t.containers.map((c) => c.name).sort(), ["wcow1", "wcow2"]);
  assert.ok(t.containers.every((c) => c.inTrace?.matchedBy === "mac"));
  const d = run("topology", lab.files.pktmon!, "--format", "dot");
  assert.equal(d.code, 0, d.err);
  assert.match(d.out, /^digraph topology \{/);
  const out = join(dir, "t.svg");
  const s = run("topology", lab.files.pktmon!, "--inventory", host, "--format", "svg", "-o", out);
  assert.equal(s.code, 0, s.err);
  assert.equal(s.out, "");
  const svg = readFileSync(out, "utf8");
  assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg /);
  assert.ok(svg.includes(">wcow1</text>") && svg.includes(">wcow2</text>") && svg.includes(">vEthernet (try-nat)</text>"));
});

test("topology: usage errors exit 1, an unreadable capture exits 2", () => {
  const bad = run("topology", lab.files.netsh!, "--format", "png");
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--format must be one of text, json, dot, svg/);
  const gone = run("topology", join(dir, "nope.etl"));
  assert.equal(gone.code, 2);
  assert.match(gone.err, /cannot open/);
  const junk = join(dir, "junk.etl");
  writeFileSync(junk, "not an etl file at all");
  assert.equal(run("topology", junk).code, 2);
  assert.equal(run("topology").code, 1);
  const unwritable = run("topology", lab.files.netsh!, "-o", join(dir, "no", "such", "dir", "x.txt"));
  assert.equal(unwritable.code, 1);
  assert.match(unwritable.err, /cannot write/);
});

test("topology: host state that is missing, foreign or junk is a warning, never a failure", () => {
  const r = run("topology", lab.files.netsh!, "--inventory", join(dir, "no-such-host-dir"));
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /--inventory .*no-such-host-dir: no such file or folder \(ignored\)/);
  const junk = join(dir, "junk.txt");
  writeFileSync(junk, "hello\n");
  const j = run("topology", lab.files.netsh!, "--inventory", junk);
  assert.equal(j.code, 0, j.err);
  assert.match(j.err, /host-state file\(s\) not recognised/);
  assert.ok(existsSync(lab.files.netsh!));
});

test("topology on the real gobang sample lists the FSE Switch and the container adapter", { skip: missing("gobang-win11-vmswitch-components-pktmon.etl") }, () => {
  const r = run("topology", sample("gobang-win11-vmswitch-components-pktmon.etl")!);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^vSwitch FSE Switch {2}Internal \(inferred\) {2}ifIndex 2$/m);
  assert.match(r.out, /adapter "Hyper-V Virtual Ethernet Container Adapter" \(VmsProxyHNic\.sys\)/);
});
