// `wnvtrace diagnose` as a user runs it: text, --json, --ndjson, --min-severity, --inventory, exit codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { loadScenario, runLab } from "../../src/lab/lab.js";
import type { Finding } from "../../src/findings/mod.js";
import { runCli } from "../helpers/cli.js";
import type { CliRun } from "../helpers/cli.js";


function run(...args: string[]): CliRun {
  return runCli(args);
}

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-cli-diagnose-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const acl = runLab(loadScenario("fault-acl"), { outDir: join(dir, "acl"), flavor: "netsh" });
const aclFile = acl.files.netsh!;
const aclHost = join(dir, "acl", "host");

test("diagnose: ranked text with explanation, evidence and next steps", () => {
  const r = run("diagnose", aclFile, "--inventory", aclHost);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, "");
  const lines = r.out.split("\n");
  assert.equal(lines[0], `${aclFile}: 2 findings (critical 0, error 2, warning 0, info 0)`);
  assert.equal(lines[2], "  1. ERROR    3 packets dropped at web (l2b) (egress): Failed security policy   [drop]");
  assert.match(r.out, /\n {5}evidence: packets \d+, \d+, \d+ · journeys \d+, \d+, \d+ · hops /);
  assert.match(r.out, /\n {5}next: {5}list the endpoint's ACL policies: Get-HnsEndpoint \| \? IPAddress -eq '10\.0\.0\.40'/);
  assert.match(r.out, /\n {2}2\. ERROR {4}1 TCP connection to web \(l2b\) \(10\.0\.0\.40\):80 got no SYN-ACK {3}\[tcp-no-synack\]\n/);
  assert.ok(!r.out.includes("\u001b["), "no colour when piped");
});

test("diagnose --json / --ndjson: the same findings as data", () => {
  const j = run("diagnose", aclFile, "--inventory", aclHost, "--json");
  assert.equal(j.code, 0, j.err);
  const doc = JSON.parse(j.out) as { file: string; summary: Record<string, number>; findings: Finding[]; checks: { ran: string[]; skipped: { code: string }[] } };
  assert.equal(doc.file, aclFile);
  assert.deepEqual(doc.summary, { critical: 0, error: 2, warning: 0, info: 0 });
  assert.deepEqual(doc.findings.map((f) => [f.rank, f.code]), [[1, "drop"], [2, "tcp-no-synack"]]);
  assert.equal(doc.findings[0].evidence.journeys.length, 3);
  assert.ok(doc.checks.ran.includes("dns-unanswered"));
  const nd = run("diagnose", aclFile, "--inventory", aclHost, "--ndjson");
  const rows = nd.out.trimEnd().split("\n").map((l) => JSON.parse(l) as Finding);
  assert.deepEqual(rows.map((f) => f.code), ["drop", "tcp-no-synack"]);
});

test("diagnose --min-severity, without --inventory, and a missing inventory path", () => {
  const crit = run("diagnose", aclFile, "--min-severity", "critical", "--json");
  assert.deepEqual((JSON.parse(crit.out) as { findings: Finding[] }).findings, []);
  const noInv = run("diagnose", aclFile);
  assert.equal(noInv.code, 0);
  assert.match(noInv.out, /3 packets dropped at /);
  assert.match(noInv.out, /\nchecks not run:\n {2}overlay-no-encap: needs --inventory/);
  const gone = run("diagnose", aclFile, "--inventory", join(dir, "nope"));
  assert.equal(gone.code, 0);
  assert.match(gone.err, /--inventory .*nope: no such file or folder \(ignored\)/);
});

test("diagnose: usage errors exit 1, unreadable input exits 2 with one line", () => {
  const both = run("diagnose", aclFile, "--json", "--ndjson");
  assert.equal(both.code, 1);
  assert.match(both.err, /choose one of --json and --ndjson/);
  const sev = run("diagnose", aclFile, "--min-severity", "fatal");
  assert.equal(sev.code, 1);
  const junk = join(dir, "junk.etl");
  writeFileSync(junk, Buffer.alloc(70000, 7));
  const bad = run("diagnose", junk);
  assert.equal(bad.code, 2);
  assert.equal(bad.err.trim().split("\n").length, 1);
  assert.match(bad.err, /not an ETL file/);
});
