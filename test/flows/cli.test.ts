// `wnvtrace flows` as a user runs it: the table, --proto dns, --json, --csv, --sort, --inventory, -Y, exit codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { loadScenario, runLab } from "../../src/lab/lab.js";
import type { Flow, FlowsResult } from "../../src/flows/mod.js";
import { runCli } from "../helpers/cli.js";
import type { CliRun } from "../helpers/cli.js";


function run(...args: string[]): CliRun {
  return runCli(args);
}

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-cli-flows-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const seed = runLab(loadScenario("seed-nat"), { outDir: join(dir, "seed-nat"), flavor: "netsh" });
const netsh = seed.files.netsh!;
const noDns = runLab(loadScenario("fault-no-dns"), { outDir: join(dir, "no-dns"), flavor: "pktmon" }).files.pktmon!;

test("flows: a table sorted by bytes, with the NAT outside view under its flow", () => {
  const r = run("flows", netsh);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, "");
  const lines = r.out.trimEnd().split("\n");
  assert.match(lines[0], /^3 flow\(s\) of 3, sorted by bytes; 10 packets counted once from 20 sightings, 2 NAT pair\(s\) joined$/);
  assert.match(lines[1], /^PROTO\s+A\s+B\s+A→B pkts\s+bytes\s+B→A pkts\s+bytes\s+START\(s\)\s+DURATION\(s\)\s+NOTES$/);
  assert.match(lines[2], /^icmp\s+172\.18\.5\.2#1\s+<->\s+13\.107\.21\.200#1\s+1\s+155\s+1\s+155\s+0\.001498\s+0\.0121\s+echo 1 req 1 rep, rtt 12\.1 ms$/);
  assert.match(lines[3], /^\s+NAT outside 10\.0\.0\.4#52030 <-> 13\.107\.21\.200#52030 {2}1 155 \/ 1 155 {2}\(winnat-session, payload-match\)$/);
  assert.match(lines[4], /^udp\s+172\.18\.5\.2:58305\s+<->\s+168\.63\.129\.16:53\s+1\s+68\s+1\s+84\s+0\.000000\s+0\.0013\s+dns 1$/);
  assert.equal(lines.length, 7);
});

test("flows --sort time / packets, --proto icmp|udp|arp", () => {
  const t = run("flows", netsh, "--sort", "time");
  assert.match(t.out.split("\n")[2], /^udp /);
  const icmp = run("flows", netsh, "--proto", "icmp");
  assert.match(icmp.out, /^2 flow\(s\) of 3/);
  assert.doesNotMatch(icmp.out, /\nudp /);
  assert.match(run("flows", netsh, "--proto", "arp").out, /^0 flow\(s\) of 3/);
  const bad = run("flows", netsh, "--sort", "size");
  assert.equal(bad.code, 1);
  assert.match(bad.err, /Allowed choices are bytes, packets, time/);
});

test("flows --proto dns: the transactions, unanswered ones marked", () => {
  const r = run("flows", noDns, "--proto", "dns");
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split("\n");
  assert.equal(lines[0], "1 DNS transaction(s), 1 unanswered");
  assert.match(lines[2], /^0\.000000\s+172\.30\.32\.2:\d+ \[NAT 10\.0\.0\.4:\d+\]\s+168\.63\.129\.16:53\s+\d+\s+bing\.com\s+A\s+unanswered\s+2$/);
});

test("flows --json: stats, flows and DNS transactions as plain data", () => {
  const r = run("flows", netsh, "--json");
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as Pick<FlowsResult, "stats" | "dns" | "dedupRule" | "traceStart"> & { flows: Flow[] };
  assert.deepEqual(j.stats, { records: 20, packets: 10, repeatSightings: 10, unkeyed: 0, flows: 3, natPairs: 2, winNatSessions: 2, dnsTransactions: 1 });
  assert.equal(j.traceStart, "2018-07-13T02:00:00.0000000Z");
  assert.match(j.dedupRule, /first appearance of each \(PktGroupId, PktNumber\)/);
  const udp = j.flows.find((f) => f.protocol === "udp")!;
  assert.deepEqual(udp.nat?.evidence, ["winnat-session", "payload-match"]);
  assert.equal(udp.start, "2018-07-13T02:00:00.5000009Z");
  assert.equal(j.dns[0].name, "bing.com");
});

test("flows --csv: a header and one row per flow; --proto dns --csv: one row per transaction", () => {
  const r = run("flows", netsh, "--csv", "--sort", "time");
  assert.equal(r.code, 0, r.err);
  const rows = r.out.trimEnd().split("\n").map((l) => l.split(","));
  const h = rows[0];
  assert.equal(rows.length, 4);
  const col = (row: string[], name: string): string => row[h.indexOf(name)];
  assert.equal(col(rows[1], "protocol"), "udp");
  assert.equal(col(rows[1], "a_ip"), "172.18.5.2");
  assert.equal(col(rows[1], "nat_a"), "10.0.0.4:52029");
  assert.equal(col(rows[1], "dns_transactions"), "1");
  const d = run("flows", noDns, "--proto", "dns", "--csv").out.trimEnd().split("\n");
  assert.equal(d.length, 2);
  assert.match(d[0], /^flow_id,rel_start,transport,client_ip,/);
  assert.match(d[1], /,bing\.com,A,unanswered,,,2,0,$/);
});

test("flows --inventory names the endpoints; -Y limits the packets counted", () => {
  const r = run("flows", netsh, "--inventory", join(seed.dir, "host"), "--proto", "icmp", "--sort", "time");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /172\.18\.5\.2#1 \(wcow1 \(try-nat\)\)\s+<->\s+172\.18\.5\.3#1 \(wcow2 \(try-nat\)\)/);
  const y = run("flows", netsh, "-Y", "icmp");
  assert.match(y.out, /^2 flow\(s\) of 2, sorted by bytes; 6 packets counted once from 12 sightings/);
});

test("flows: usage errors exit 1, unreadable input exits 2, a missing --inventory path is a warning", () => {
  const f = run("flows", netsh, "-Y", "tcp.port ==");
  assert.equal(f.code, 1);
  assert.match(f.err, /filter: expected a value/);
  const both = run("flows", netsh, "--json", "--csv");
  assert.equal(both.code, 1);
  assert.match(both.err, /choose one of --json and --csv/);
  const gone = run("flows", join(dir, "nope.etl"));
  assert.equal(gone.code, 2);
  // Host state only adds names: a missing path is a warning.
  const inv = run("flows", netsh, "--inventory", join(dir, "no-such-folder"));
  assert.equal(inv.code, 0);
  assert.match(inv.err, /warning: --inventory .*no such file or folder \(ignored\)/);
  assert.match(inv.out, /^3 flow\(s\)/);
});
