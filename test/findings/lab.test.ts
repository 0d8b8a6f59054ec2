// Findings on the lab's fault scenarios: each planted fault produces its finding, with evidence that points at
// the right packets (checked by reading those packets back), and clean scenarios raise no alarm.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { loadScenario, runLab } from "../../src/lab/lab.js";
import { readInventory } from "../../src/inventory/mod.js";
import { diagnose } from "../../src/findings/mod.js";
import type { DiagnoseResult, Finding, FindingCode } from "../../src/findings/mod.js";
import { Dissection, PacketReader, Proto, newDissecter } from "../../src/packets/mod.js";
import type { PacketRecord } from "../../src/packets/mod.js";
import { readJourneys } from "../../src/journeys/mod.js";
import type { Journey } from "../../src/journeys/mod.js";

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-findings-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

type Flavor = "netsh" | "pktmon";
interface Run {
  readonly file: string;
  readonly r: DiagnoseResult;
  readonly packets: Map<number, { p: PacketRecord; protos: number[]; bytes: Uint8Array }>;
  readonly journeys: Journey[];
}

const cache = new Map<string, Run>();
function lab(name: string, flavor: Flavor): Run {
  const key = `${name}/${flavor}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const res = runLab(loadScenario(name), { outDir: join(dir, name), flavor: "both" });
  const file = res.files[flavor]!;
  const inventory = readInventory(join(dir, name, "host"));
  const r = diagnose(file, { inventory });
  const packets = new Map<number, { p: PacketRecord; protos: number[]; bytes: Uint8Array }>();
  const reader = new PacketReader(file);
  const dis = newDissecter();
  const d = new Dissection();
  for (let p = reader.next(); p; p = reader.next()) {
    dis.run(d, p.bytes, p.originalLength, p.linkType);
    packets.set(p.number, { p, protos: [...d.proto.subarray(0, d.n)], bytes: p.bytes.slice() });
  }
  reader.close();
  const run = { file, r, packets, journeys: readJourneys(file, { inventory }) };
  cache.set(key, run);
  return run;
}

function codes(r: DiagnoseResult, min: "warning" | "info" = "warning"): FindingCode[] {
  const keep = min === "warning" ? ["critical", "error", "warning"] : ["critical", "error", "warning", "info"];
  return r.findings.findings.filter((f) => keep.includes(f.severity)).map((f) => f.code);
}

function only(r: DiagnoseResult, code: FindingCode): Finding[] {
  return r.findings.findings.filter((f) => f.code === code);
}

/** Every evidence packet exists and satisfies `pred`; returns how many were checked. */
function eachEvidence(run: Run, f: Finding, pred: (x: { p: PacketRecord; protos: number[]; bytes: Uint8Array }) => boolean): number {
  assert.ok(f.evidence.packets.length > 0, `${f.code}: no evidence packets`);
  for (const n of f.evidence.packets) {
    const x = run.packets.get(n);
    assert.ok(x, `${f.code}: evidence packet ${n} does not exist`);
    assert.ok(pred(x), `${f.code}: evidence packet ${n} is not what the finding says`);
  }
  return f.evidence.packets.length;
}

const u16 = (b: Uint8Array, o: number): number => (b[o] << 8) | b[o + 1];
const ipAt = (b: Uint8Array, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
/** IPv4 header offset of an untagged Ethernet frame, or -1. */
const ip4 = (b: Uint8Array): number => (u16(b, 12) === 0x0800 ? 14 : -1);

for (const flavor of ["netsh", "pktmon"] as const) {
  test(`fault-drop (${flavor}): two drop findings with the reasons and places the scenario planted`, () => {
    const run = lab("fault-drop", flavor);
    const drops = only(run.r, "drop");
    assert.equal(drops.length, 2);
    const filtered = drops.find((f) => f.subject.reason === "Filtered")!;
    const spoof = drops.find((f) => /Spoofed MAC/.test(f.subject.reason ?? ""))!;
    assert.ok(filtered && spoof);
    assert.equal(filtered.count, 2);
    assert.equal(spoof.count, 1);
    assert.match(filtered.title, /^2 packets dropped at vEthernet \(nat\)/);
    assert.match(spoof.title, /^1 packet dropped at wcow2 \(nat\)/);
    assert.equal(filtered.severity, "error");
    assert.match(spoof.explanation, /MAC spoofing protection/);
    // Evidence journeys end in a drop with that reason.
    for (const f of [filtered, spoof]) {
      assert.ok(f.evidence.journeys.length >= 1);
      for (const id of f.evidence.journeys) {
        const j = run.journeys.find((x) => x.id === id)!;
        assert.equal(j.fate.kind, "dropped");
        assert.equal(j.fate.reasonName, f.subject.reason);
      }
      for (const h of f.evidence.hops) assert.equal(run.journeys.find((x) => x.id === h.journey)!.hops[h.hop].kind, "drop");
    }
    // The spoofed-MAC drop is wcow1's second echo request to wcow2.
    eachEvidence(run, spoof, (x) => x.protos.includes(Proto.Icmp) && x.bytes[14 + 20] === 8);
    if (flavor === "pktmon") eachEvidence(run, filtered, (x) => x.p.pktmon?.drop === true && x.p.pktmon.dropReason === 8);
    // The filtered DNS query is also unanswered, and that finding names the drop as the cause.
    const dns = only(run.r, "dns-unanswered");
    assert.equal(dns.length, 1);
    assert.match(dns[0].explanation, /dropped on this host \(vEthernet \(nat\)[^)]*\)?.*Filtered/);
  });

  test(`fault-acl (${flavor}): security-policy drops and the SYN that never got a SYN-ACK`, () => {
    const run = lab("fault-acl", flavor);
    assert.deepEqual(codes(run.r).sort(), ["drop", "tcp-no-synack"]);
    const d = only(run.r, "drop")[0];
    assert.equal(d.count, 3, "the SYN and its two retransmissions");
    assert.match(d.subject.reason ?? "", /Failed security policy/);
    assert.ok(d.next.some((n) => /Policies/.test(n)));
    const s = only(run.r, "tcp-no-synack")[0];
    assert.equal(s.count, 1);
    assert.equal(s.subject.ip, "10.0.0.40");
    assert.equal(s.subject.port, 80);
    assert.match(s.title, /web \(l2b\) \(10\.0\.0\.40\):80/);
    eachEvidence(run, s, (x) => x.protos.includes(Proto.Tcp) && (x.bytes[14 + 20 + 13] & 0x12) === 0x02 && u16(x.bytes, 14 + 20 + 2) === 80);
  });

  test(`fault-arp-no-reply (${flavor}): both unanswered targets, the answered one not`, () => {
    const run = lab("fault-arp-no-reply", flavor);
    const arp = only(run.r, "arp-no-reply");
    assert.deepEqual(arp.map((f) => f.subject.ip).sort(), ["172.30.0.11", "172.30.0.99"]);
    for (const f of arp) {
      assert.equal(f.count, 3);
      assert.equal(f.severity, "warning");
      eachEvidence(run, f, (x) => x.protos.includes(Proto.Arp) && u16(x.bytes, 14 + 6) === 1 && ipAt(x.bytes, 14 + 24) === f.subject.ip);
    }
    assert.equal(codes(run.r).length, 2);
  });

  test(`fault-no-dns (${flavor}): the unanswered query, per container and server`, () => {
    const run = lab("fault-no-dns", flavor);
    assert.deepEqual(codes(run.r), ["dns-unanswered"]);
    const f = only(run.r, "dns-unanswered")[0];
    assert.equal(f.subject.peer, "168.63.129.16");
    assert.equal(f.subject.ip, "172.30.32.2");
    assert.match(f.title, /^1 DNS query from wcow1 \(nat\) \(172\.30\.32\.2\) to 168\.63\.129\.16 got no answer$/);
    assert.match(f.explanation, /bing\.com \(A\) \(2 query packets including retries\)/);
    // Inside and outside the NAT, query and retry: every evidence packet is a DNS query for bing.com.
    const n = eachEvidence(run, f, (x) => x.protos.includes(Proto.Dns) && (x.bytes[ip4(x.bytes) + 20 + 8 + 2] & 0x80) === 0);
    assert.ok(n >= 4, `${n} evidence packets`);
    assert.equal(f.evidence.flows.length, 1);
  });

  test(`fault-mtu (${flavor}): MTU drop of the encapsulated frame, VXLAN overhead named`, () => {
    const run = lab("fault-mtu", flavor);
    assert.deepEqual(codes(run.r).sort(), ["drop", "mtu-exceeded", "vxlan-overhead"]);
    const m = only(run.r, "mtu-exceeded")[0];
    assert.equal(m.severity, "critical");
    assert.equal(m.rank, 1);
    assert.match(m.title, /^1 frame of up to 1464 bytes too large for Ethernet/);
    assert.match(m.explanation, /VXLAN-encapsulated/);
    assert.equal(m.evidence.journeys.length, 1);
    const j = run.journeys.find((x) => x.id === m.evidence.journeys[0])!;
    assert.equal(j.fate.kind, "dropped");
    assert.match(j.summary, /10\.244\.2\.20/);
  });

  test(`fault-no-encap (${flavor}): the SYN left the physical NIC unencapsulated`, () => {
    const run = lab("fault-no-encap", flavor);
    const f = only(run.r, "overlay-no-encap");
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, "critical");
    assert.equal(f[0].subject.ip, "10.244.3.20");
    assert.equal(f[0].subject.network, "vxlan0");
    assert.equal(f[0].evidence.journeys.length, 3, "the SYN and two retransmissions");
    eachEvidence(run, f[0], (x) => x.protos.includes(Proto.Tcp) && !x.protos.includes(Proto.Vxlan) && ipAt(x.bytes, 14 + 16) === "10.244.3.20");
    for (const h of f[0].evidence.hops) {
      const hop = run.journeys.find((x) => x.id === h.journey)!.hops[h.hop];
      assert.ok(hop.names?.kind === "external-nic" || hop.where.nicType === "External", `hop ${h.journey}/${h.hop} is on the physical side`);
    }
    assert.ok(codes(run.r).includes("tcp-no-synack"));
  });
}

for (const name of ["seed-nat", "nat-port-mapping", "overlay", "l2bridge", "l2tunnel", "internal"]) {
  for (const flavor of ["netsh", "pktmon"] as const) {
    test(`clean scenario ${name} (${flavor}): no false alarm`, () => {
      const run = lab(name, flavor);
      assert.deepEqual(run.r.findings.findings.map((f) => `${f.severity} ${f.title}`), []);
      assert.ok(run.r.findings.checks.ran.includes("drop"));
      assert.ok(run.r.packets > 0);
    });
  }
}

for (const flavor of ["netsh", "pktmon"] as const) {
  test(`transparent (${flavor}): its one planted drop (untagged host vNIC → VLAN 11 access port) and nothing else`, () => {
    const run = lab("transparent", flavor);
    const f = run.r.findings.findings;
    assert.equal(f.length, 1);
    assert.equal(f[0].code, "drop");
    assert.equal(f[0].subject.reason, "Filtered VLAN");
    assert.equal(f[0].count, 1);
    assert.match(f[0].explanation, /VLAN is not allowed on that port/);
  });
}


for (const flavor of ["netsh", "pktmon"] as const) {
  test(`fault-wrong-vni (${flavor}): VXLAN with VNI 4096 on the VNI-4097 network`, () => {
    const run = lab("fault-wrong-vni", flavor);
    assert.deepEqual(codes(run.r).sort(), ["overlay-wrong-vni", "tcp-no-synack"]);
    const f = only(run.r, "overlay-wrong-vni")[0];
    assert.equal(f.severity, "critical");
    assert.equal(f.title, "VXLAN packets for overlay vxlan0 carry VNI 4096, the network's VNI is 4097");
    // Every evidence packet is VXLAN with VNI 4096 in the outer header.
    eachEvidence(run, f, (x) => {
      if (!x.protos.includes(Proto.Vxlan)) return false;
      const v = 14 + 20 + 8;
      return ((x.bytes[v + 4] << 16) | (x.bytes[v + 5] << 8) | x.bytes[v + 6]) === 4096;
    });
  });

  test(`fault-nat-inbound (${flavor}): SYNs to the published port never reach web`, () => {
    const run = lab("fault-nat-inbound", flavor);
    assert.deepEqual(codes(run.r).sort(), ["nat-inbound-not-forwarded", "tcp-no-synack"]);
    const f = only(run.r, "nat-inbound-not-forwarded")[0];
    assert.equal(f.severity, "critical");
    assert.equal(f.rank, 1);
    assert.equal(f.title, "inbound TCP to published port 10.1.0.5:8080 never reached the container");
    assert.equal(f.subject.container, "web");
    assert.equal(f.count, 3, "the SYN and two retransmissions, each seen once at the NIC");
    assert.match(f.explanation, /publishes as tcp 8080 → web \(172\.\d+\.\d+\.\d+\):80/);
    eachEvidence(run, f, (x) => x.protos.includes(Proto.Tcp) && ipAt(x.bytes, 14 + 16) === "10.1.0.5" && u16(x.bytes, 14 + 20 + 2) === 8080 && (x.bytes[14 + 20 + 13] & 0x12) === 0x02);
  });

  test(`fault-hairpin (${flavor}): web2 → host:8080 is a hairpin that hangs; the outside client is fine`, () => {
    const run = lab("fault-hairpin", flavor);
    assert.deepEqual(codes(run.r).sort(), ["nat-hairpin", "tcp-no-synack"]);
    const f = only(run.r, "nat-hairpin")[0];
    assert.equal(f.severity, "error");
    assert.match(f.explanation, /1 connection of them got no answer/);
    assert.equal(f.evidence.flows.length, 1);
    eachEvidence(run, f, (x) => x.protos.includes(Proto.Tcp) && u16(x.bytes, 14 + 20 + 2) === 8080);
    assert.equal(only(run.r, "nat-inbound-not-forwarded").length, 0, "the outside client's request was forwarded");
  });

  test(`fault-stale-endpoint (${flavor}): traffic to db's Detached endpoint, dropped at the vSwitch`, () => {
    const run = lab("fault-stale-endpoint", flavor);
    assert.deepEqual(codes(run.r).sort(), ["drop", "stale-endpoint", "tcp-no-synack"]);
    const f = only(run.r, "stale-endpoint")[0];
    assert.equal(f.subject.ip, "172.26.32.3");
    assert.match(f.explanation, /in state Detached/);
    assert.ok(f.evidence.flows.length >= 2, "the ping and the TCP attempts to it");
    for (const id of f.evidence.flows) {
      const fl = run.r.flows.flows.find((x) => x.id === id)!;
      assert.ok(fl.a.ip === "172.26.32.3" || fl.b.ip === "172.26.32.3");
    }
    assert.equal(f.count, 4);
    const d = only(run.r, "drop")[0];
    assert.equal(d.subject.reason, "Invalid destination MAC");
    assert.equal(d.count, 4);
    assert.match(f.explanation, /dropped on this host .*Invalid destination MAC/);
  });

  test(`fault-tcp-reset (${flavor}): the refused TCP port and the UDP port unreachable`, () => {
    const run = lab("fault-tcp-reset", flavor);
    assert.deepEqual(codes(run.r).sort(), ["icmp-unreachable", "tcp-reset"]);
    const rst = only(run.r, "tcp-reset")[0];
    assert.equal(rst.title, "10.50.0.9:8443 refused 1 connection (RST)");
    assert.equal(rst.severity, "error");
    eachEvidence(run, rst, (x) => x.protos.includes(Proto.Tcp) && (x.bytes[14 + 20 + 13] & 0x04) !== 0);
    const icmp = only(run.r, "icmp-unreachable")[0];
    assert.equal(icmp.subject.reason, "port unreachable");
    assert.equal(icmp.subject.port, 5353);
    eachEvidence(run, icmp, (x) => x.protos.includes(Proto.Icmp) && x.bytes[14 + 20] === 3 && x.bytes[14 + 21] === 3);
    // The flow it quotes: the UDP datagram to port 5353.
    assert.equal(icmp.evidence.flows.length, 1);
    const quoted = run.r.flows.flows.find((f) => f.id === icmp.evidence.flows[0])!;
    assert.equal(quoted.protocol, "udp");
    assert.equal(quoted.b.port, 5353);
  });

  test(`fault-asymmetric (${flavor}): out on one NIC, back on the other`, () => {
    const run = lab("fault-asymmetric", flavor);
    assert.deepEqual(codes(run.r), ["asymmetric-path"]);
    const f = only(run.r, "asymmetric-path")[0];
    assert.match(f.title, flavor === "netsh" ? /goes out on Ethernet \(ifIndex 4\), comes back on Ethernet 2 \(ifIndex 5\)/ : /goes out on Microsoft Hyper-V Network Adapter \(netvsc\.sys\) \[component \d+\], comes back on Microsoft Hyper-V Network Adapter #2/);
    assert.match(f.title, /icmp 10\.0\.0\.4:\d+ ↔ 93\.184\.216\.34:\d+/);
  });

  test(`fault-capture-health (${flavor}): lost events from the header, truncated packets`, () => {
    const run = lab("fault-capture-health", flavor);
    assert.deepEqual(codes(run.r, "info").sort(), ["capture-lost-events", "capture-truncated"]);
    const lost = only(run.r, "capture-lost-events")[0];
    assert.match(lost.title, /^the capture lost events: 1234 events, 3 buffers/);
    const t = only(run.r, "capture-truncated")[0];
    assert.equal(t.count, 8);
    assert.match(t.title, /^8 of \d+ packets captured truncated \(at most 128 bytes kept\)$/);
    eachEvidence(run, t, (x) => x.bytes.length === 128 && x.p.originalLength === 1042);
  });
}

test("fault-no-vmswitch (netsh): no VmSwitch provider, with the command that captures it", () => {
  const run = lab("fault-no-vmswitch", "netsh");
  const f = run.r.findings.findings;
  assert.deepEqual(f.map((x) => x.code), ["capture-missing-provider"]);
  assert.ok(f[0].next.some((n) => n.includes("scenario=Virtualization")));
  assert.ok(f[0].next.some((n) => n.startsWith("or use pktmon") && n.includes("pktmon start --capture --comp all")));
  assert.deepEqual(lab("fault-no-vmswitch", "pktmon").r.findings.findings, []);
});

test("every planted fault's expected findings appear (ground-truth.json faults)", () => {
  for (const name of ["fault-acl", "fault-arp-no-reply", "fault-drop", "fault-mtu", "fault-no-dns", "fault-no-encap", "fault-wrong-vni", "fault-nat-inbound", "fault-hairpin", "fault-stale-endpoint", "fault-tcp-reset", "fault-asymmetric", "fault-capture-health"]) {
    for (const flavor of ["netsh", "pktmon"] as const) {
      const run = lab(name, flavor);
      const truth = JSON.parse(readFileSync(join(dir, name, "ground-truth.json"), "utf8")) as { faults: { kind: string; expect: FindingCode[] }[] };
      assert.ok(truth.faults.length > 0, name);
      const got = new Set(codes(run.r, "info"));
      for (const f of truth.faults) for (const c of f.expect) assert.ok(got.has(c), `${name} (${flavor}): fault ${f.kind} should give ${c}; got ${[...got].join(", ")}`);
    }
  }
});

test("findings are ranked by severity, then count, and numbered from 1", () => {
  const run = lab("fault-drop", "netsh");
  const f = run.r.findings.findings;
  f.forEach((x, i) => assert.equal(x.rank, i + 1));
  const order = { critical: 0, error: 1, warning: 2, info: 3 } as const;
  for (let i = 1; i < f.length; i++) {
    const a = f[i - 1];
    const b = f[i];
    assert.ok(order[a.severity] < order[b.severity] || (order[a.severity] === order[b.severity] && a.count >= b.count));
  }
  assert.deepEqual(run.r.findings.summary, { critical: 0, error: 3, warning: 0, info: 0 });
});

test("without host state the host-state checks say why they did not run", () => {
  const res = runLab(loadScenario("fault-no-encap"), { outDir: join(dir, "no-inv"), flavor: "netsh" });
  const r = diagnose(res.files.netsh!);
  assert.equal(only(r, "overlay-no-encap").length, 0);
  assert.deepEqual(r.findings.checks.skipped.find((s) => s.code === "overlay-no-encap"), { code: "overlay-no-encap", why: "needs --inventory (which subnets are overlay networks)" });
  assert.equal(only(r, "tcp-no-synack").length, 1, "the trace alone still shows the unanswered SYN");
});

test("thousands of conversations (tables grow): still no false alarm, and the counts scale", () => {
  const res = runLab(loadScenario("nat-port-mapping"), { outDir: join(dir, "scaled"), flavor: "netsh", scale: 500 });
  const r = diagnose(res.files.netsh!, { inventory: readInventory(join(dir, "scaled", "host")) });
  assert.ok(r.flows.flows.length >= 1500, `${r.flows.flows.length} flows`);
  assert.deepEqual(r.findings.findings, []);
  assert.ok(r.findings.checks.ran.includes("asymmetric-path"));
});
