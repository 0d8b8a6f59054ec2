// Flows of the lab's captures against its ground truth (both flavours, every bundled scenario): every packet is
// counted once in the flow of each 5-tuple it was captured with; WinNAT's rewrites join the container's flow
// (inside) with the host's (outside); and per scenario: TCP handshake and RTT, DNS answered / unanswered, NAT
// port mapping, VXLAN inner flows with their outer view, endpoint names from the lab's host state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { bundledScenarios, loadScenario, runLab } from "../../src/lab/lab.js";
import { Dissection, newDissecter } from "../../src/packets/mod.js";
import { InventoryLookup, readInventory } from "../../src/inventory/mod.js";
import { labelEndpoints, readFlows } from "../../src/flows/mod.js";
import type { Flow, FlowsResult } from "../../src/flows/mod.js";
import { PacketKey, addrText, extractKey } from "../../src/flows/key.js";

interface Hop {
  kind: string;
  ticks: number;
  frame: string;
  events: { netsh: number[]; pktmon: number[] };
}
interface Rewrite {
  hop: number;
  by: string;
  field: string;
  from: string;
  to: string;
}
interface TruthPacket {
  id: number;
  description: string;
  hops: Hop[];
  rewrites: Rewrite[];
}
interface Truth {
  topology: { containers: { name: string; ip: string }[] };
  packets: TruthPacket[];
}

type Flavor = "netsh" | "pktmon";
const dir = mkdtempSync(join(tmpdir(), "wnvtrace-flows-lab-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

const cache = new Map<string, { truth: Truth; flows: Record<Flavor, FlowsResult>; out: string }>();
function lab(name: string): { truth: Truth; flows: Record<Flavor, FlowsResult>; out: string } {
  let c = cache.get(name);
  if (!c) {
    const out = join(dir, name);
    const r = runLab(loadScenario(name), { outDir: out, flavor: "both" });
    const truth = JSON.parse(readFileSync(r.files.truth, "utf8")) as Truth;
    c = { truth, flows: { netsh: readFlows(r.files.netsh!), pktmon: readFlows(r.files.pktmon!) }, out };
    cache.set(name, c);
  }
  return c;
}

const dis = newDissecter();
const d = new Dissection();
const key = new PacketKey();

/** "ip:port" of both ends of a frame's (inner) flow key, as the flows print them; null for frames with no flow. */
function tuple(hex: string): { src: string; dst: string; proto: string } | null {
  const b = Uint8Array.from(Buffer.from(hex, "hex"));
  dis.run(d, b, b.length, 1);
  if (!extractKey(d, key)) return null;
  const proto = key.kind === 1 ? "tcp" : key.kind === 2 ? "udp" : key.kind === 5 ? "arp" : key.kind === 6 ? "ip" : key.family === 6 ? "icmpv6" : "icmp";
  return { src: `${addrText(key.family, key.src)}:${key.sport}`, dst: `${addrText(key.family, key.dst)}:${key.dport}`, proto };
}

function ends(f: { a: { ip: string; port: number }; b: { ip: string; port: number } }): string {
  return [`${f.a.ip}:${f.a.port}`, `${f.b.ip}:${f.b.port}`].sort().join(" ");
}

function captured(h: Hop, flavor: Flavor): boolean {
  return flavor === "netsh" ? h.events.netsh.some((e) => e === 1001 || e === 1003) : h.events.pktmon.length > 0;
}

/** Flows by "proto endpoints", for the primary view and NAT outside views (→ the flow they joined). */
function index(r: FlowsResult): Map<string, { flow: Flow; view: "flow" | "outside" }> {
  const m = new Map<string, { flow: Flow; view: "flow" | "outside" }>();
  for (const f of r.flows) {
    m.set(`${f.protocol} ${ends(f)}`, { flow: f, view: "flow" });
    if (f.nat) m.set(`${f.protocol} ${ends(f.nat.view)}`, { flow: f, view: "outside" });
  }
  return m;
}

const scenarios = bundledScenarios();

for (const name of scenarios) {
  for (const flavor of ["netsh", "pktmon"] as const) {
    test(`lab ${name} (${flavor}): each packet counted once per 5-tuple it was seen with; WinNAT rewrites join inside and outside`, () => {
      const { truth, flows } = lab(name);
      const r = flows[flavor];
      const idx = index(r);
      const expected = new Map<string, number>();
      const containers = new Set(truth.topology.containers.map((c) => c.ip));
      for (const p of truth.packets) {
        const seen = new Set<string>();
        for (const h of p.hops) {
          if (!captured(h, flavor)) continue;
          const t = tuple(h.frame);
          if (!t) continue;
          seen.add(`${t.proto} ${[t.src, t.dst].sort().join(" ")}`);
        }
        for (const k of seen) expected.set(k, (expected.get(k) ?? 0) + 1);
        // WinNAT: the tuples before and after the rewrite are two views of one flow, the container's inside.
        const nat = p.rewrites.filter((w) => w.by === "WinNAT" && /IPv4|port|identifier/.test(w.field) && !/TTL/.test(w.field));
        if (nat.length && seen.size === 2) {
          const [x, y] = [...seen].map((k) => idx.get(k));
          assert.ok(x && y, `${p.description}: both views found`);
          assert.equal(x.flow.id, y.flow.id, `${p.description}: one flow for both views`);
          assert.notEqual(x.view, y.view);
          const inside = x.view === "flow" ? x.flow : y.flow;
          assert.ok(containers.has(inside.a.ip) || containers.has(inside.b.ip), `${p.description}: the flow's own view is the container's (${ends(inside)})`);
          const rewritten = new Set(nat.flatMap((w) => [w.from, w.to]));
          const outside = inside.nat!.view;
          for (const e of [outside.a, outside.b]) if (!ends(inside).includes(`${e.ip}:`)) assert.ok(rewritten.has(e.ip), `${e.ip} is WinNAT's address`);
        }
      }
      // Counts per view: every expected tuple with exactly the number of packets seen with it.
      for (const [k, n] of expected) {
        const hit = idx.get(k);
        assert.ok(hit, `${k}: no flow (flows: ${r.flows.map((f) => `${f.protocol} ${ends(f)}`).join(", ")})`);
        const v = hit.view === "flow" ? hit.flow : hit.flow.nat!.view;
        assert.equal(v.aToB.packets + v.bToA.packets, n, `${k}: packets`);
      }
      assert.equal(r.flows.length + r.stats.natPairs, expected.size, "no other flows");
    });
  }
}

function flowOf(r: FlowsResult, proto: string, x: string, y: string): Flow {
  const want = [x, y].sort().join(" ");
  const f = r.flows.find((g) => g.protocol === proto && ends(g) === want);
  assert.ok(f, `${proto} ${want} in ${r.flows.map((g) => `${g.protocol} ${ends(g)}`).join(", ")}`);
  return f;
}

/**
 * Ticks of a truth packet at its first captured hop — with an address, the first hop where the packet carries
 * it (the inside view of a NAT'd packet: where the flow's own analysis sees it).
 */
function firstTicks(truth: Truth, match: RegExp, flavor: Flavor, withIp?: string): number {
  const p = truth.packets.find((q) => match.test(q.description));
  assert.ok(p, `no truth packet ${match}`);
  const h = p.hops.find((x) => {
    if (!captured(x, flavor)) return false;
    const t = withIp ? tuple(x.frame) : null;
    return !withIp || (t !== null && (t.src.startsWith(`${withIp}:`) || t.dst.startsWith(`${withIp}:`)));
  });
  assert.ok(h, `${match}: no captured hop${withIp ? ` with ${withIp}` : ""}`);
  return h.ticks;
}

for (const flavor of ["netsh", "pktmon"] as const) {
  test(`seed-nat (${flavor}): DNS answered through WinNAT, the ping's echo pair and RTT, NAT evidence`, () => {
    const { truth, flows } = lab("seed-nat");
    const r = flows[flavor];
    assert.equal(r.dns.length, 1);
    const q = r.dns[0];
    assert.deepEqual([q.name, q.qtypeName, q.status, q.rcodeName], ["bing.com", "A", "answered", "NOERROR"]);
    assert.deepEqual(q.answers, [{ type: "A", value: "13.107.21.200" }]);
    assert.equal(q.client.ip, "172.18.5.2");
    assert.equal(q.natClient?.ip, "10.0.0.4");
    const lat = (firstTicks(truth, /^DNS response/, flavor, "172.18.5.2") - firstTicks(truth, /^DNS query/, flavor, "172.18.5.2")) / 1e4;
    assert.ok(Math.abs(q.latencyMs! - lat) < 0.01, `latency ${q.latencyMs} vs ${lat}`);
    const ping = flowOf(r, "icmp", "172.18.5.2:1", "13.107.21.200:1");
    assert.deepEqual([ping.echo?.requests, ping.echo?.replies, ping.echo?.unanswered], [1, 1, 0]);
    const rtt = (firstTicks(truth, /^ICMP echo reply bing/, flavor, "172.18.5.2") - firstTicks(truth, /^ICMP echo request wcow1 → bing/, flavor, "172.18.5.2")) / 1e4;
    assert.ok(Math.abs(ping.echo!.rttAvgMs! - rtt) < 0.01, `rtt ${ping.echo!.rttAvgMs} vs ${rtt}`);
    assert.deepEqual([ping.nat?.view.a.ip, ping.nat?.view.a.port], ["10.0.0.4", 52030]);
    assert.ok(ping.nat!.evidence.includes(flavor === "netsh" ? "winnat-session" : "same-packet"));
    if (flavor === "netsh") assert.equal(r.stats.winNatSessions, 2);
    const local = flowOf(r, "icmp", "172.18.5.2:1", "172.18.5.3:1");
    assert.equal(local.nat, undefined);
  });

  test(`fault-no-dns (${flavor}): the query and its retry are one unanswered transaction; no echo request ever leaves`, () => {
    const r = lab("fault-no-dns").flows[flavor];
    assert.equal(r.dns.length, 1);
    assert.deepEqual([r.dns[0].status, r.dns[0].queries, r.dns[0].responses, r.dns[0].latencyMs], ["unanswered", 2, 0, undefined]);
    assert.equal(r.flows.filter((f) => f.protocol === "icmp").length, 0);
    const f = r.flows.find((g) => g.id === r.dns[0].flowId)!;
    assert.deepEqual(f.dns, { transactions: 1, unanswered: 1, errors: 0 });
    assert.deepEqual([f.aToB.packets, f.bToA.packets], [2, 0]);
  });

  test(`nat-port-mapping (${flavor}): inbound through the static mapping 8080 → web:80, TCP closed with its handshake RTT`, () => {
    const { truth, flows } = lab("nat-port-mapping");
    const r = flows[flavor];
    const web = truth.topology.containers.find((c) => c.name === "web")!.ip;
    const f = flowOf(r, "tcp", "203.0.113.50:61057", `${web}:80`);
    assert.deepEqual([f.a.ip, f.b.ip], ["203.0.113.50", web], "the client opened it");
    assert.deepEqual([f.nat?.view.kind, f.nat?.view.b.ip, f.nat?.view.b.port, f.nat?.view.a.ip], ["nat-outside", "10.1.0.5", 8080, "203.0.113.50"]);
    assert.equal(f.tcp?.state, "closed");
    assert.deepEqual(f.tcp?.handshake, { syn: true, synAck: true, ack: true });
    const rtt = (firstTicks(truth, /^TCP ACK client:61057/, flavor, web) - firstTicks(truth, /^TCP SYN client:61057/, flavor, web)) / 1e4;
    assert.ok(Math.abs(f.tcp!.handshakeRttMs! - rtt) < 0.01, `handshake ${f.tcp!.handshakeRttMs} vs ${rtt}`);
    const synAck = (firstTicks(truth, /^TCP SYN-ACK web → client/, flavor, web) - firstTicks(truth, /^TCP SYN client:61057/, flavor, web)) / 1e4;
    assert.ok(Math.abs(f.tcp!.synToSynAckMs! - synAck) < 0.01, `SYN → SYN-ACK ${f.tcp!.synToSynAckMs} vs ${synAck}`);
    const out = flowOf(r, "tcp", `${web}:50732`, "93.184.216.34:80");
    assert.equal(out.nat?.view.a.ip, "10.1.0.5");
    assert.equal(r.dns[0].status, "answered");
  });

  test(`overlay (${flavor}): flows keyed by the inner packet, VXLAN VNI 4096 between the PAs as the outer view`, () => {
    const r = lab("overlay").flows[flavor];
    const http = flowOf(r, "tcp", "10.244.1.10:58795", "10.244.1.20:80");
    assert.equal(http.tcp?.state, "closed");
    assert.equal(http.tunnels?.length, 1);
    const v = http.tunnels![0];
    assert.deepEqual([v.kind, v.vni, v.a.ip, v.b.ip, v.b.port], ["vxlan", 4096, "10.0.0.6", "10.0.0.7", 4789]);
    assert.deepEqual([v.aToB.packets, v.bToA.packets], [http.aToB.packets, http.bToA.packets]);
    const local = flowOf(r, "icmp", "10.244.1.10:1", "10.244.1.11:1");
    assert.equal(local.tunnels, undefined);
    assert.equal(r.flows.length, 4);
  });
}

test("seed-nat: endpoints named from the lab's host state (--inventory)", () => {
  const { flows, out } = lab("seed-nat");
  const r = structuredClone(flows.pktmon);
  labelEndpoints(r, new InventoryLookup(readInventory(join(out, "host"))));
  const f = flowOf(r, "icmp", "172.18.5.2:1", "172.18.5.3:1");
  assert.deepEqual([f.a.label, f.b.label], ["wcow1 (try-nat)", "wcow2 (try-nat)"]);
  assert.equal(r.dns[0].client.label, "wcow1 (try-nat)");
});
