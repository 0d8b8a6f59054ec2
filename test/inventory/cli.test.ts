// `wnvtrace inventory`, run as a user runs it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import * as F from "./fixtures.js";
import { runCli } from "../helpers/cli.js";
import type { CliRun } from "../helpers/cli.js";


function run(...args: string[]): CliRun {
  return runCli(args);
}

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-invcli-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "docker-inspect.json"), F.DOCKER_INSPECT);
writeFileSync(join(dir, "Get-HnsEndpoint.json"), F.utf16le(F.HNS_ENDPOINT_V1_SINGLE));
writeFileSync(join(dir, "Get-HnsNetwork.json"), F.HNS_NETWORKS_V1);
writeFileSync(join(dir, "junk.txt"), "nothing to see");

test("inventory <folder> prints networks, containers and notes; warns about skipped files", () => {
  const r = run("inventory", dir);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Networks \(1\)\n {2}try-nat {2}driver nat {2}subnets 172\.30\.16\.0\/20/);
  assert.match(r.out, /wcow1 \(try-nat\) {2}id 6c50381c-7d2e-4a1b-9c3d-5e6f7a8b9c0d/);
  assert.match(r.out, /junk\.txt: skipped \(no recognised host-state content\)/);
  assert.match(r.err, /1 of 4 file\(s\) skipped/);
});

test("inventory --json is the Inventory object", () => {
  const r = run("inventory", dir, "--json");
  assert.equal(r.code, 0, r.err);
  const inv = JSON.parse(r.out);
  assert.equal(inv.networks[0].name, "try-nat");
  assert.equal(inv.endpoints[0].containerName, "wcow1");
});

test("inventory --lookup answers for one trace name", () => {
  const r = run("inventory", dir, "--lookup", "00155da1b2c3");
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, "00155da1b2c3: wcow1 (try-nat) [container] (matched by mac, confidence high)\n");
  const j = JSON.parse(run("inventory", dir, "--lookup", "nope", "--json").out);
  assert.equal(j, null);
});

test("inventory of a missing path: exit 2, one-line error", () => {
  const r = run("inventory", join(dir, "missing"));
  assert.equal(r.code, 2);
  assert.match(r.err, /^wnvtrace: error: .*missing: no such file or folder\n$/);
});
