// A wrong or partial host state degrades gracefully: names go missing, notes say why, nothing throws.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { InventoryLookup, buildInventory, inventoryFromTexts, parseHostText, readInventory } from "../../src/inventory/mod.js";
import * as F from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-invbad-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

test("garbage, binary, empty and unknown-JSON files are skipped with a reason", () => {
  const d = join(dir, "mixed");
  mkdirSync(d);
  const bin = new Uint8Array(4096);
  for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919 + 13) & 0xff;
  writeFileSync(join(d, "garbage.bin"), bin);
  writeFileSync(join(d, "prose.txt"), "hello world\nthis is not host state at all: really\n");
  writeFileSync(join(d, "empty.txt"), "");
  writeFileSync(join(d, "other.json"), JSON.stringify({ foo: 1, bar: [1, 2, 3] }));
  writeFileSync(join(d, "capture.etl"), bin);
  writeFileSync(join(d, "Get-VMSwitch.txt"), F.GET_VMSWITCH_TABLE);
  const inv = readInventory(d);
  const why = Object.fromEntries(inv.sources.map((s) => [s.path.split(/[\\/]/).pop(), s.skipped ?? "read"]));
  assert.deepEqual(why, {
    "Get-VMSwitch.txt": "read",
    "capture.etl": ".etl file, not host-state text",
    "empty.txt": "empty",
    "garbage.bin": "binary, not a text host-state file",
    "other.json": "JSON with no known host-state objects",
    "prose.txt": "no recognised host-state content",
  });
  assert.equal(inv.switches.length, 2, "the good file is still used");
  assert.equal(inv.notes.filter((n) => n.includes("skipped")).length, 5);
});

test("truncated JSON keeps its complete leading objects; a hopeless one is skipped", () => {
  const full = F.HCN_ENDPOINTS;
  const cut = full.slice(0, full.indexOf('"remote-pod"'));
  const p = parseHostText(cut, "hcn-endpoints.json");
  assert.equal(p.records.hnsEndpoints.length, 1);
  assert.equal(p.records.hnsEndpoints[0].ip, "10.88.0.7");
  assert.ok(p.notes.some((n) => /truncated; kept/.test(n)));
  const hopeless = parseHostText('[{"ID": "6c50381c-7d2e', "x.json");
  assert.equal(hopeless.skipped, "truncated JSON with nothing usable");
  assert.ok(hopeless.notes.some((n) => /nothing in it could be used/.test(n)));
});

test("an empty folder, a missing path: an empty Inventory with notes", () => {
  const empty = join(dir, "empty");
  mkdirSync(empty);
  const inv = readInventory([empty, join(dir, "does-not-exist")]);
  assert.deepEqual([inv.networks, inv.endpoints, inv.containers, inv.hostVnics, inv.externalNics, inv.switches], [[], [], [], [], [], []]);
  assert.equal(inv.notes.length, 2);
  assert.match(inv.notes[0], /folder is empty/);
  assert.match(inv.notes[1], /not found or unreadable/);
  assert.equal(new InventoryLookup(inv).find("00-15-5D-A1-B2-C3"), null);
  assert.equal(new InventoryLookup(inv).find("nat"), null);
});

test("partial state: docker alone still names the container by MAC and IP (no HNS ids)", () => {
  const inv = inventoryFromTexts({ "docker-inspect.json": F.DOCKER_INSPECT });
  assert.equal(inv.endpoints.length, 1);
  const e = inv.endpoints[0];
  assert.equal(e.endpointId, undefined);
  assert.equal(e.containerName, "wcow1");
  assert.equal(e.networkName, "try-nat");
  const L = new InventoryLookup(inv);
  assert.equal(L.find("00:15:5d:a1:b2:c3")?.label, "wcow1 (try-nat)");
  assert.equal(L.find("172.30.16.5")?.label, "wcow1 (try-nat)");
  assert.equal(L.find(F.WCOW1_EP_ID), null, "no HNS dump, no HNS id");
});

test("wrong types inside otherwise valid objects do not throw", () => {
  const odd = [
    { ID: 12345, Name: ["x"], Type: { a: 1 }, Subnets: "nonsense", Policies: "also nonsense", MacPools: null },
    { ID: F.WCOW1_EP_ID, VirtualNetwork: 7, MacAddress: ["00-15-5D-00-00-01"], IPAddress: {}, Policies: [null, 1, "x", { Type: 5 }], State: "weird", Namespace: 3 },
    { HostComputeNetwork: null, IpConfigurations: "x", Flags: "1", Policies: [{ Type: "PortMapping", Settings: "x" }] },
    { Name: "n", Id: "x", IPAM: "x", Containers: [1, 2], Options: "x", Driver: "nat", Scope: "local" },
    { Id: "x", NetworkSettings: { Networks: { a: null, b: { MacAddress: 5 } }, Ports: { "80/tcp": null, junk: 1 } }, HostConfig: 1 },
  ];
  const inv = inventoryFromTexts({ "odd.json": JSON.stringify(odd) });
  assert.ok(Array.isArray(inv.networks));
  assert.deepEqual(inv.notes.filter((x) => x.includes("internal error")), []);
  assert.doesNotThrow(() => new InventoryLookup(inv).find("n"));
});

test("every fixture cut at every 37th character parses and joins without throwing", () => {
  const all = [
    F.DOCKER_INSPECT,
    F.DOCKER_NETWORK_INSPECT,
    F.HNS_NETWORKS_V1,
    F.HNS_ENDPOINT_V1_SINGLE,
    F.HCN_NETWORKS,
    F.HCN_ENDPOINTS,
    F.GET_NETADAPTER_TABLE,
    F.GET_VMSWITCH_LIST,
    F.VFPCTRL_PORTS,
    F.IPCONFIG_ALLCOMPARTMENTS + F.NETIPADDRESS_TAIL,
    F.COLLECTLOGS_NETWORK_TXT,
    F.HNS_ENDPOINT_LIST,
  ];
  let n = 0;
  for (const text of all) {
    for (let cut = 0; cut < text.length; cut += 37) {
      const parsed = [parseHostText(text.slice(0, cut), "a"), parseHostText(text.slice(cut), "b")];
      for (const p of parsed) assert.ok(!p.notes.some((x) => x.includes("internal error")), p.notes.join("; "));
      const inv = buildInventory(parsed);
      assert.ok(!inv.notes.some((x) => x.includes("internal error")), inv.notes.join("; "));
      const L = new InventoryLookup(inv);
      L.find("00-15-5D-A1-B2-C3");
      L.find("f82c3ec1d0fe590");
      n++;
    }
  }
  assert.ok(n > 300);
});
