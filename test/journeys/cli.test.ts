// `wnvtrace follow`, run as a user runs it: story lines for seed-nat (with and without host state), --packet
// detail, -Y, --json / --ndjson, colours, exit codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { fileSink } from "../../src/etl/mod.js";
import { writeSeedCapture } from "../../src/lab/seed.js";
import { loadScenario, runLab } from "../../src/lab/lab.js";
import { runFollow } from "../../src/cli/commands/follow.js";
import { runCli } from "../helpers/cli.js";
import type { CliRun } from "../helpers/cli.js";


function run(...args: string[]): CliRun {
  return runCli(args, { NO_COLOR: "1" });
}

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-follow-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const lab = join(dir, "seed-nat");
runLab(loadScenario("seed-nat"), { outDir: lab, flavor: "both" });
const NETSH = join(lab, "seed-nat.netsh.etl");
const PKTMON = join(lab, "seed-nat.pktmon.etl");
const HOST = join(lab, "host");
const acl = join(dir, "fault-acl");
runLab(loadScenario("fault-acl"), { outDir: acl, flavor: "both" });

// The seed packet (ping bing.com from wcow1) as the story tells it: container → switch → host vNIC → Ethernet, NAT, delivered.
const SEED_PING = /^#3 ICMP echo 172\.18\.5\.2 → 13\.107\.21\.200 {2}wcow1 \(try-nat\) → vSwitch try-nat → host vNIC vEthernet \(try-nat\) \+[\d.]+ µs → Ethernet \+[\d.]+ µs {2}NAT: src 172\.18\.5\.2 → 10\.0\.0\.4 {3}delivered$/;

for (const [flavor, file] of [["netsh", NETSH], ["pktmon", PKTMON]] as const) {
  test(`follow ${flavor} seed-nat --inventory: one story per packet; the seed ping reads container → switch → host vNIC → Ethernet, NAT, delivered`, () => {
    const r = run("follow", file, "--inventory", HOST);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, "");
    const lines = r.out.trimEnd().split("\n");
    assert.equal(lines.length, 8, r.out);
    assert.match(lines[2], SEED_PING);
    assert.match(lines[0], /^#1 DNS 172\.18\.5\.2:\d+ → 168\.63\.129\.16:53 {2}wcow1 \(try-nat\) → vSwitch try-nat → host vNIC vEthernet \(try-nat\) .* → Ethernet .*NAT: src 172\.18\.5\.2:\d+ → 10\.0\.0\.4:\d+ {3}delivered$/);
    assert.match(lines[3], /^#4 ICMP echo reply 13\.107\.21\.200 → 10\.0\.0\.4 {2}Ethernet → host vNIC vEthernet \(try-nat\) .* → vSwitch try-nat → wcow1 \(try-nat\) .*NAT: dst 10\.0\.0\.4 → 172\.18\.5\.2 {3}delivered$/);
    assert.match(lines[4], /^#5 ICMP echo 172\.18\.5\.2 → 172\.18\.5\.3 {2}wcow1 \(try-nat\) → vSwitch try-nat → wcow2 \(try-nat\) \+[\d.]+ µs {3}delivered$/);
    assert.equal(lines[7], "6 journeys: 6 delivered, 0 dropped, 0 unfinished");
  });
}

test("follow without host state: the trace's own names (container vNIC friendly name, switch friendly name)", () => {
  const r = run("follow", NETSH);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split("\n");
  assert.match(lines[2], /^#3 ICMP echo 172\.18\.5\.2 → 13\.107\.21\.200 {2}9397c9e33cf650e \(try-nat\) → vSwitch try-nat → .* → interface 4 \+[\d.]+ µs {2}NAT: src 172\.18\.5\.2 → 10\.0\.0\.4 {3}delivered$/);
});

test("follow --packet 3: every hop on its own line with time, latency, where, names, changes and the frame", () => {
  const r = run("follow", NETSH, "--packet", "3", "--inventory", HOST);
  assert.equal(r.code, 0, r.err);
  const t = r.out;
  assert.match(t, /^#3 ICMP echo 172\.18\.5\.2 → 13\.107\.21\.200\n {2}netsh capture, nbl 0x[0-9a-f]{16}, 4 hops/);
  assert.match(t, /fate: delivered/);
  assert.match(t, / {2} 0 {2}2018-07-13T02:00:00\.\d{7}Z {14}switch-in {2}wcow1 \(try-nat\)\n/);
  assert.match(t, /names: wcow1 \(try-nat\) \[container, container wcow1, network try-nat, from inventory\]/);
  assert.match(t, /events 56, 1003, NBL 0x/);
  assert.match(t, / 1 {2}\S+ +\+[\d.]+ µs {2}switch-out host vNIC vEthernet \(try-nat\)/);
  assert.match(t, /events 57, 1003, 58, NBL/);
  assert.match(t, / 2 {2}\S+ +\+[\d.]+ µs {2}nic-recv {3}host vNIC vEthernet \(try-nat\)/);
  assert.match(t, / 3 {2}\S+ +\+[\d.]+ µs {2}nic-send {3}Ethernet/);
  assert.match(t, /changed: source IPv4 172\.18\.5\.2 → 10\.0\.0\.4/);
  assert.match(t, /changed: IPv4 TTL 128 → 127/);
  assert.match(t, /155\/155 bytes: 00-0D-3A-6B-21-4C > 12-34-56-54-2B-30, ethertype IPv4 \(0x0800\), length 155: 10\.0\.0\.4 > 13\.107\.21\.200: ICMP echo request/);
});

test("follow --json parses; --ndjson gives one journey per line; --packet N --json gives one object", () => {
  const r = run("follow", PKTMON, "--json", "--inventory", HOST);
  assert.equal(r.code, 0, r.err);
  const js = JSON.parse(r.out) as { id: number; hops: { kind: string; frame?: { bytes: string; summary: string }; names?: { container?: string } }[]; fate: { kind: string }; rewrites: unknown[] }[];
  assert.equal(js.length, 6);
  assert.deepEqual(js.map((j) => j.id), [1, 2, 3, 4, 5, 6]);
  assert.equal(js[2].hops[0].names?.container, "wcow1");
  assert.match(js[2].hops[0].frame!.bytes, /^00155d2f0001/);
  assert.match(js[2].hops[0].frame!.summary, /ICMP echo request/);
  assert.ok(js[2].rewrites.length > 0);
  const n = run("follow", PKTMON, "--ndjson");
  assert.equal(n.code, 0, n.err);
  const lines = n.out.trimEnd().split("\n");
  assert.equal(lines.length, 6);
  for (const l of lines) JSON.parse(l);
  const one = run("follow", PKTMON, "--packet", "5", "--json");
  assert.equal(one.code, 0, one.err);
  assert.equal((JSON.parse(one.out) as { id: number }).id, 5);
});

test("follow -Y keeps journeys with a matching hop; a drop is red on a terminal", () => {
  const r = run("follow", join(acl, "fault-acl.netsh.etl"), "-Y", "tcp.dstport == 80");
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split("\n");
  assert.equal(lines.length, 5, r.out);
  for (const l of lines.slice(0, 3)) assert.match(l, /^#\d TCP .* {3}DROPPED: Failed security policy at the port of .* \(egress side\)$/);
  assert.equal(lines[4], "5 journeys: 2 delivered, 3 dropped, 0 unfinished; 3 match the filter");
  let out = "";
  runFollow(join(acl, "fault-acl.pktmon.etl"), { color: true }, (s) => (out += s), () => {});
  const RED = "\u001b[31m";
  assert.ok(out.includes(`${RED}DROPPED: Failed security policy`), out);
  assert.ok(out.includes(`${RED}✗ `), out);
  // Matching a NAT'ed address finds the journey through any hop (before or after the rewrite).
  const nat = run("follow", NETSH, "-Y", "ip.src == 10.0.0.4 && icmp");
  assert.equal(nat.code, 0, nat.err);
  assert.match(nat.out, /^#3 ICMP echo 172\.18\.5\.2 → 13\.107\.21\.200 /);
});

test("follow exit codes: bad filter / options 1, unknown journey 1, unreadable file 2; bad host state only warns", () => {
  assert.equal(run("follow", NETSH, "-Y", "ip.src ==").code, 1);
  assert.equal(run("follow", NETSH, "--json", "--ndjson").code, 1);
  assert.equal(run("follow", NETSH, "--packet", "x").code, 1);
  const none = run("follow", NETSH, "--packet", "99");
  assert.equal(none.code, 1);
  assert.match(none.err, /no journey #99/);
  assert.equal(run("follow", join(dir, "missing.etl")).code, 2);
  const junk = join(dir, "junk.etl");
  writeFileSync(junk, "this is not an etl file at all, not even close".repeat(10));
  assert.equal(run("follow", junk).code, 2);
  const garbage = join(dir, "garbage.json");
  writeFileSync(garbage, "{ not json ]]]");
  const g = run("follow", NETSH, "--inventory", garbage);
  assert.equal(g.code, 0, g.err);
  assert.equal(g.out.trimEnd().split("\n").length, 8);
  const m = run("follow", NETSH, "--inventory", join(dir, "no-such-folder"));
  assert.equal(m.code, 0);
  assert.match(m.err, /--inventory .*no-such-folder: no such file or folder \(ignored\)/);
});

test("follow the blog's seed capture (56 → 1003 → 57 → 1003 → 58): one journey, two hops, delivered", () => {
  const seed = join(dir, "seed.etl");
  writeSeedCapture(fileSink(seed));
  const r = run("follow", seed);
  assert.equal(r.code, 0, r.err);
  assert.equal(
    r.out.split("\n")[0].replace(/\+[\d.]+ µs/, "+N µs"),
    "#1 ICMP echo 172.18.5.2 → 13.107.21.200  f82c3ec1d0fe590 (nat) → vSwitch nat → Ethernet (nat) +N µs   delivered",
  );
});
