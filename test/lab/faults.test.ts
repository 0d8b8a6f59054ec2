// The fault scenarios a diagnosis has to find, written by the lab and read back with the readers a Windows file
// goes through (PacketReader + dissector, TraceDecoder, readJourneys, readInventory, `wnvtrace info`): each
// asserts the evidence the finding needs is really in the .etl files and host state, and the ground truth's
// `faults` list names it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { bundledScenarios, loadScenario, runLab } from "../../src/lab/lab.js";
import { PacketReader } from "../../src/packets/mod.js";
import type { Dissection, PacketRecord } from "../../src/packets/mod.js";
import { readInventory } from "../../src/inventory/mod.js";
import { readJourneys } from "../../src/journeys/mod.js";
import { EtlReader } from "../../src/etl/mod.js";
import { FINDING_CODES } from "../../src/lab/truth.js";
import { dissect, fv, layers } from "../packets/build.js";
import { decodeAll } from "../helpers/decode.js";

const BIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "wnvtrace-faults-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

interface TruthFault { kind: string; line: number; expect: string[]; traffic?: string; packets: number[] }
interface Truth {
  packets: { id: number; description: string; hops: { kind: string; length: number; frame: string }[]; fate: { kind: string; reason?: number | null } }[];
  faults: TruthFault[];
  capture: { snaplen: number | null; lostEvents: { events: number; buffers: number } | null; netshProviders: string[] };
  topology: { containers: { name: string }[]; staleEndpoints?: { name: string; ip: string; mac: string; endpointId: string; state: string }[] };
}

interface Pkt { readonly p: PacketRecord; readonly d: Dissection }

const made = new Map<string, { out: string; truth: Truth }>();
function lab(name: string): { out: string; truth: Truth; file: (f: "netsh" | "pktmon") => string } {
  let m = made.get(name);
  if (!m) {
    const out = join(dir, name);
    runLab(loadScenario(name), { outDir: out, flavor: "both" });
    m = { out, truth: JSON.parse(readFileSync(join(out, "ground-truth.json"), "utf8")) as Truth };
    made.set(name, m);
  }
  const o = m.out;
  return { ...m, file: (f) => join(o, `${name}.${f}.etl`) };
}

function packets(file: string): Pkt[] {
  const pr = new PacketReader(readFileSync(file));
  const out: Pkt[] = [];
  for (let p = pr.next(); p; p = pr.next()) out.push({ p: { ...p, bytes: p.bytes.slice() }, d: dissect(p.bytes.slice(), 1, p.originalLength) });
  assert.deepEqual(pr.decoder.reader.diagnostics, [], `${file}: no diagnostics`);
  pr.close();
  return out;
}

const SYN = 0x02, ACK = 0x10, RST = 0x04;
const tcpFlags = (x: Pkt): number | undefined => fv(x.d, "tcp.flags", -1) as number | undefined;
const innerIp = (x: Pkt, f: string): unknown => fv(x.d, f, -1);
/** One entry per packet (distinct IP id + source), in capture order: a packet shows up at several hops. */
function distinct(xs: readonly Pkt[]): Pkt[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = `${String(innerIp(x, "ip.src"))}/${String(innerIp(x, "ip.id"))}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function fault(t: Truth, kind: string): TruthFault {
  const f = t.faults.find((x) => x.kind === kind);
  assert.ok(f, `truth lists a ${kind} fault (has ${t.faults.map((x) => x.kind).join(", ") || "none"})`);
  for (const c of f.expect) assert.ok((FINDING_CODES as readonly string[]).includes(c), `${c} is a finding code`);
  return f;
}

function gapsMs(xs: readonly Pkt[]): number[] {
  return xs.slice(1).map((x, i) => Math.round((x.p.ticks - xs[i].p.ticks) / 1e4));
}

test("the new fault scenarios are bundled and listed by lab --list", () => {
  const names = ["fault-wrong-vni", "fault-nat-inbound", "fault-hairpin", "fault-stale-endpoint", "fault-tcp-reset", "fault-asymmetric", "fault-capture-health", "fault-no-vmswitch"];
  for (const n of names) assert.ok(bundledScenarios().includes(n), n);
  const r = spawnSync(process.execPath, [BIN, "lab", "--list"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  for (const n of names) assert.match(r.stdout, new RegExp(`^${n} +\\S`, "m"));
});

test("existing faults carry their finding codes in the ground truth", () => {
  const want: Record<string, [string, string[]]> = {
    "fault-drop": ["drop", ["drop"]], "fault-mtu": ["mtu", ["mtu-exceeded", "drop", "vxlan-overhead"]], "fault-no-encap": ["noEncap", ["overlay-no-encap", "tcp-no-synack"]],
    "fault-no-dns": ["noDnsAnswer", ["dns-unanswered"]], "fault-arp-no-reply": ["noArpReply", ["arp-no-reply"]], "fault-acl": ["acl", ["drop", "tcp-no-synack"]],
  };
  for (const [name, [kind, codes]] of Object.entries(want)) {
    const t = lab(name).truth;
    const f = fault(t, kind);
    assert.deepEqual(f.expect, codes, name);
    assert.ok(f.packets.length > 0, `${name}: the fault bit packets`);
    assert.ok(f.line > 0);
    for (const id of f.packets) assert.ok(t.packets.some((p) => p.id === id), `${name}: packet ${id} exists`);
  }
  // Dropped packets of fault-acl are the three SYNs the ACL blocked, and they are the truth's drops.
  const acl = lab("fault-acl").truth;
  assert.deepEqual(fault(acl, "acl").packets, acl.packets.filter((p) => p.fate.reason === 12).map((p) => p.id));
  assert.ok(acl.packets.filter((p) => fault(acl, "acl").packets.includes(p.id)).every((p) => /^TCP SYN/.test(p.description)));
});

test("clean scenarios plant nothing: empty fault lists", () => {
  for (const name of ["seed-nat", "nat-port-mapping", "transparent", "l2bridge", "l2tunnel", "overlay", "internal"]) {
    assert.deepEqual(lab(name).truth.faults, [], name);
  }
});

for (const flavor of ["netsh", "pktmon"] as const) {
  test(`fault-wrong-vni (${flavor}): outer VXLAN header carries VNI 4096 on a VNI-4097 network; pings and 3 SYNs unanswered`, () => {
    const g = lab("fault-wrong-vni");
    const all = packets(g.file(flavor));
    const vx = all.filter((x) => layers(x.d).includes("/vxlan/"));
    assert.ok(vx.length >= 5, `VXLAN frames: ${vx.length}`);
    for (const x of vx) assert.equal(fv(x.d, "vxlan.vni"), 4096);
    // Leaving the host: the 1001 send on the NIC (netsh) / Tx at the NIC (pktmon) is encapsulated.
    assert.ok(vx.some((x) => x.p.direction === "out" && (flavor === "netsh" ? x.p.source === "ndis" : x.p.pktmon?.dirName?.startsWith("Tx"))));
    const echo = distinct(all.filter((x) => innerIp(x, "icmp.type") === 8));
    assert.equal(echo.length, 2);
    assert.equal(all.filter((x) => innerIp(x, "icmp.type") === 0).length, 0, "no echo reply");
    const syns = distinct(all.filter((x) => tcpFlags(x) === SYN));
    assert.equal(syns.length, 3, "SYN + 2 retransmissions");
    assert.deepEqual(gapsMs(syns).map((ms) => Math.round(ms / 1000)), [1, 2], "retransmitted after 1 s, then 2 s");
    assert.equal(all.filter((x) => tcpFlags(x) === (SYN | ACK)).length, 0, "no SYN-ACK");
    // Host state: HNS still says the network's VSID is 4097.
    const nets = JSON.parse(readFileSync(join(g.out, "host/Get-HnsNetwork.json"), "utf8")) as { Subnets: { Policies: { Type: string; VSID?: number }[] }[] }[];
    assert.deepEqual(nets[0].Subnets[0].Policies, [{ Type: "VSID", VSID: 4097 }]);
    const f = fault(g.truth, "wrongVni");
    assert.deepEqual(f.expect, ["overlay-wrong-vni", "tcp-no-synack"]);
    assert.deepEqual(f.packets, g.truth.packets.map((p) => p.id), "every packet was encapsulated with the wrong VNI");
  });

  test(`fault-nat-inbound (${flavor}): SYNs to host:8080 received on the NIC 3 times (1 s, 2 s), never at web's vNIC; mapping still listed`, () => {
    const g = lab("fault-nat-inbound");
    const all = packets(g.file(flavor));
    const toHost = all.filter((x) => tcpFlags(x) === SYN && fv(x.d, "tcp.dstport") === 8080);
    assert.equal(toHost.length, 3, "each SYN seen once, at the physical NIC");
    for (const x of toHost) {
      assert.equal(x.p.direction, "in");
      if (flavor === "netsh") assert.deepEqual([x.p.source, x.p.eventId], ["ndis", 1001]);
      else assert.match(x.p.pktmon!.dirName ?? "", /^Rx/);
    }
    assert.deepEqual(gapsMs(toHost).map((ms) => Math.round(ms / 1000)), [1, 2]);
    assert.equal(all.filter((x) => fv(x.d, "tcp.dstport") === 80 || fv(x.d, "tcp.srcport") === 80).length, 0, "nothing reaches web:80");
    assert.equal(all.filter((x) => tcpFlags(x) === (SYN | ACK)).length, 0);
    assert.ok(all.some((x) => innerIp(x, "icmp.type") === 0), "outbound NAT still works (echo reply)");
    assert.match(readFileSync(join(g.out, "host/Get-NetNatStaticMapping.txt"), "utf8"), /^TCP +0\.0\.0\.0 +8080 +172\.24\.80\.\d+ +80 /m);
    const ep = (JSON.parse(readFileSync(join(g.out, "host/Get-HnsEndpoint.json"), "utf8")) as { Policies: { Type: string; ExternalPort?: number }[] }[])[0];
    assert.ok(ep.Policies.some((p) => p.Type === "NAT" && p.ExternalPort === 8080));
    const f = fault(g.truth, "noPortForward");
    assert.deepEqual(f.expect, ["nat-inbound-not-forwarded", "tcp-no-synack"]);
    assert.deepEqual(f.packets, [1, 2, 3]);
  });

  test(`fault-hairpin (${flavor}): web2 → 10.0.0.4:8080 reaches the host vNIC 3 times and is never answered; the outside client is`, () => {
    const g = lab("fault-hairpin");
    const all = packets(g.file(flavor));
    // web2 is 172.29.0.x; the outside client's SYNs (198.51.100.20) are the working contrast.
    const fromInside = (x: Pkt): boolean => (fv(x.d, "ip.src") as number) >>> 24 === 172;
    const hairAll = all.filter((x) => tcpFlags(x) === SYN && fromInside(x));
    const hair = distinct(hairAll);
    assert.equal(hair.length, 3, "SYN + 2 retransmissions from web2");
    assert.deepEqual(gapsMs(hair).map((ms) => Math.round(ms / 1000)), [1, 2]);
    for (const x of hair) assert.equal(fv(x.d, "ip.dst"), (10 << 24) + 4, "to the host's external address");
    // Seen delivered to the host vNIC, never rewritten, never answered.
    assert.ok(hairAll.some((x) => flavor === "netsh" ? x.p.source === "ndis" && x.p.direction === "in" : x.p.pktmon?.dirName?.startsWith("Rx")), "received by the host vNIC");
    assert.ok(hairAll.every((x) => fv(x.d, "tcp.dstport") === 8080));
    const synAcks = all.filter((x) => tcpFlags(x) === (SYN | ACK));
    assert.ok(synAcks.length > 0, "the outside client is answered");
    assert.ok(synAcks.every((x) => (fv(x.d, "ip.dst") as number) >>> 24 === 198), "only the outside client gets SYN-ACKs, web2 none");
    const f = fault(g.truth, "noHairpin");
    assert.deepEqual(f.expect, ["nat-hairpin", "tcp-no-synack"]);
    assert.deepEqual(f.packets, [10, 11, 12]);
  });

  test(`fault-stale-endpoint (${flavor}): frames to db's MAC arrive at the vSwitch and are dropped (Invalid destination MAC)`, () => {
    const g = lab("fault-stale-endpoint");
    const stale = g.truth.topology.staleEndpoints?.[0];
    assert.ok(stale && stale.name === "db" && stale.state === "Detached");
    const mac = Number.parseInt(stale.mac.replace(/-/g, ""), 16);
    const all = packets(g.file(flavor));
    const toDb = all.filter((x) => fv(x.d, "eth.dst") === mac);
    assert.ok(toDb.length >= 4, `frames to db's MAC: ${toDb.length}`);
    assert.equal(all.filter((x) => fv(x.d, "eth.src") === mac).length, 0, "db never sends");
    assert.equal(distinct(toDb.filter((x) => tcpFlags(x) === SYN)).length, 3, "SYN + 2 retransmissions");
    if (flavor === "pktmon") {
      assert.ok(toDb.filter((x) => x.p.pktmon!.drop).length >= 4);
      assert.ok(toDb.filter((x) => x.p.pktmon!.drop).every((x) => x.p.pktmon!.dropReason === 26));
    } else {
      const drops = decodeAll(g.file("netsh")).events.filter((e) => e.id === 54);
      assert.equal(drops.length, 4);
      assert.ok(drops.every((e) => e.fields!.DropReason === 26));
    }
  });
}

test("fault-stale-endpoint host state: db is gone from docker and ipconfig, its HNS endpoint is Detached; the inventory reads it", () => {
  const g = lab("fault-stale-endpoint");
  const stale = g.truth.topology.staleEndpoints![0];
  const host = join(g.out, "host");
  const docker = JSON.parse(readFileSync(join(host, "docker-inspect.json"), "utf8")) as { Name: string }[];
  assert.deepEqual(docker.map((c) => c.Name).sort(), ["/client", "/web"]);
  const net = (JSON.parse(readFileSync(join(host, "docker-network-inspect.json"), "utf8")) as { Containers: Record<string, { Name: string }> }[])[0];
  assert.ok(!Object.values(net.Containers).some((c) => c.Name === "db"));
  assert.ok(!readFileSync(join(host, "ipconfig-allcompartments.txt"), "utf8").includes(stale.ip));
  assert.ok(!readFileSync(join(host, "vfpctrl-list-vmswitch-port.txt"), "utf8").includes(stale.mac));
  const eps = JSON.parse(readFileSync(join(host, "Get-HnsEndpoint.json"), "utf8")) as { ID: string; IPAddress: string; State: number; SharedContainers: string[] }[];
  const ep = eps.find((e) => e.IPAddress === stale.ip)!;
  assert.deepEqual([ep.State, ep.SharedContainers], [4, []]);
  const inv = readInventory(host);
  assert.deepEqual(inv.sources.filter((s) => s.skipped), [], "every host file is read");
  const e = inv.endpoints.find((x) => x.ip === stale.ip);
  assert.ok(e, "the inventory lists the stale endpoint");
  assert.equal(e.endpointId, stale.endpointId);
  assert.equal(e.mac, stale.mac);
  assert.equal(e.state, "Detached");
  assert.equal(e.containerName, undefined, "no container owns it");
  assert.ok(inv.endpoints.some((x) => x.containerName === "web" && x.state === "AttachedSharing"));
  const f = fault(g.truth, "staleEndpoint");
  assert.deepEqual(f.expect, ["stale-endpoint", "drop", "tcp-no-synack"]);
  assert.deepEqual(f.packets, [1, 2, 3, 4]);
});

for (const flavor of ["netsh", "pktmon"] as const) {
  test(`fault-tcp-reset (${flavor}): RST,ACK for the closed TCP port; ICMP 3/3 quoting the UDP datagram; open ports answered`, () => {
    const g = lab("fault-tcp-reset");
    const all = packets(g.file(flavor));
    const rst = all.filter((x) => tcpFlags(x) === (RST | ACK));
    assert.ok(rst.length > 0);
    assert.ok(rst.every((x) => fv(x.d, "tcp.srcport") === 8443));
    const syn = all.find((x) => tcpFlags(x) === SYN && fv(x.d, "tcp.dstport") === 8443)!;
    assert.equal(fv(rst[0].d, "tcp.ack_raw"), ((fv(syn.d, "tcp.seq_raw") as number) + 1) >>> 0, "RST acknowledges the SYN");
    assert.equal(distinct(all.filter((x) => tcpFlags(x) === SYN && fv(x.d, "tcp.dstport") === 8443)).length, 1, "refused at once: no retransmission");
    const unreach = all.filter((x) => fv(x.d, "icmp.type") === 3);
    assert.ok(unreach.length > 0);
    for (const x of unreach) {
      assert.equal(fv(x.d, "icmp.code"), 3, "port unreachable");
      // The quoted datagram after Ethernet, IP and the 8-byte ICMP header: app1 → svc UDP 5353 with its payload.
      const q = x.p.bytes.subarray(14 + 20 + 8);
      assert.equal(q[9], 17, "quoted protocol UDP");
      assert.deepEqual([...q.subarray(12, 16)], [192, 168, 10, 101], "quoted source app1");
      assert.deepEqual([...q.subarray(16, 20)], [10, 50, 0, 9], "quoted destination svc");
      assert.equal((q[22] << 8) | q[23], 5353, "quoted destination port");
      assert.equal(new TextDecoder().decode(q.subarray(28, 33)), "query", "the whole datagram is quoted");
    }
    assert.ok(all.some((x) => tcpFlags(x) === (SYN | ACK) && fv(x.d, "tcp.srcport") === 443), "443 answers");
    assert.ok(all.some((x) => fv(x.d, "udp.srcport") === 123), "123/udp answers");
    const fs = g.truth.faults;
    assert.deepEqual(fs.map((f) => [f.kind, f.traffic, f.expect]), [["notListening", "refused", ["tcp-reset"]], ["notListening", "udp-closed", ["icmp-unreachable"]]]);
  });

  test(`fault-asymmetric (${flavor}): echo requests leave on Ethernet, replies arrive on Ethernet 2 and go no further`, () => {
    const g = lab("fault-asymmetric");
    const all = packets(g.file(flavor));
    const ifIndex = (x: Pkt): number | undefined => (flavor === "netsh" ? x.p.ndis?.lowerIfIndex : x.p.pktmon?.componentId);
    const reqOut = all.filter((x) => fv(x.d, "icmp.type") === 8 && x.p.direction === "out" && (flavor === "netsh" ? x.p.source === "ndis" : /^Tx/.test(x.p.pktmon!.dirName ?? "")) && (fv(x.d, "ip.src") as number) === (10 << 24) + 4);
    const repIn = all.filter((x) => fv(x.d, "icmp.type") === 0);
    assert.equal(reqOut.length, 2, "two requests out of the default-route NIC (after WinNAT)");
    assert.equal(repIn.length, 2, "two replies, each seen once: at the other NIC, nowhere after");
    for (const x of repIn) assert.equal(x.p.direction, "in");
    assert.equal(new Set(reqOut.map(ifIndex)).size, 1);
    assert.equal(new Set(repIn.map(ifIndex)).size, 1);
    assert.notEqual(ifIndex(reqOut[0]), ifIndex(repIn[0]), "reply on another interface than the request");
    if (flavor === "netsh") assert.deepEqual([ifIndex(reqOut[0]), ifIndex(repIn[0])], [4, 5], "Ethernet is ifIndex 4, Ethernet 2 ifIndex 5");
    const f = fault(g.truth, "asymmetric");
    assert.deepEqual([f.expect, f.traffic, f.packets], [["asymmetric-path"], "ping-out", [4, 6]]);
  });

  test(`fault-capture-health (${flavor}): captured 128 bytes of longer packets, original length kept; header lost counts`, () => {
    const g = lab("fault-capture-health");
    const all = packets(g.file(flavor));
    const big = all.filter((x) => x.p.originalLength > 128);
    assert.ok(big.length >= 4, `truncated packets: ${big.length}`);
    for (const x of big) {
      assert.equal(x.p.bytes.length, 128);
      assert.equal(x.p.originalLength, 14 + 20 + 8 + 1000, "original: the 1000-byte ping");
    }
    assert.ok(all.filter((x) => x.p.originalLength <= 128).every((x) => x.p.bytes.length === x.p.originalLength), "short packets whole");
    const r = EtlReader.open(readFileSync(g.file(flavor)));
    assert.deepEqual([r.info.eventsLost, r.info.buffersLost], [1234, 3]);
    r.close();
    const info = spawnSync(process.execPath, [BIN, "info", "--json", g.file(flavor)], { encoding: "utf8" });
    assert.equal(info.status, 0, info.stderr);
    const j = JSON.parse(info.stdout) as { lost: { events: number; buffers: number; buffersFlaggedEventsLost: number } };
    assert.deepEqual(j.lost, { events: 1234, buffers: 3, buffersFlaggedEventsLost: 1 });
    assert.deepEqual(g.truth.capture, { snaplen: 128, lostEvents: { events: 1234, buffers: 3 }, netshProviders: ["ndis", "vmswitch", "winnat"] });
    assert.deepEqual(g.truth.faults.map((f) => [f.kind, f.expect]), [["snaplen", ["capture-truncated"]], ["lostEvents", ["capture-lost-events"]]]);
    assert.deepEqual(g.truth.faults[0].packets, [3, 4], "the two big pings");
  });
}

test("wnvtrace info prints the lost counts of fault-capture-health", () => {
  const g = lab("fault-capture-health");
  const r = spawnSync(process.execPath, [BIN, "info", g.file("netsh")], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Lost: +1234 events, 3 buffers \(per header\); 1 buffers flagged EVENTS_LOST$/m);
  // A healthy capture says 0.
  const ok = spawnSync(process.execPath, [BIN, "info", lab("seed-nat").file("netsh")], { encoding: "utf8" });
  assert.match(ok.stdout, /^Lost: +0 events, 0 buffers \(per header\)$/m);
});

test("fault-no-vmswitch: the netsh file has NDIS-PacketCapture 1001/1003 only, no VmSwitch or WinNat event; pktmon unaffected", () => {
  const g = lab("fault-no-vmswitch");
  const ev = decodeAll(g.file("netsh")).events.filter((e) => e.kind === "EVENT_HEADER");
  const providers = new Set(ev.map((e) => e.providerName));
  assert.deepEqual([...providers], ["Microsoft-Windows-NDIS-PacketCapture"]);
  assert.deepEqual([...new Set(ev.map((e) => e.id))].sort((a, b) => a - b), [1001, 1003, 1014]);
  const all = packets(g.file("netsh"));
  assert.ok(all.some((x) => x.p.source === "vmswitch") && all.some((x) => x.p.source === "ndis"), "packets at vSwitch ports and NICs");
  // The same scenario's pktmon file and a full netsh capture do have what is missing here.
  assert.ok(packets(g.file("pktmon")).length > 0);
  assert.ok(decodeAll(lab("seed-nat").file("netsh")).events.some((e) => e.providerName === "Microsoft-Windows-Hyper-V-VmSwitch"));
  assert.deepEqual(g.truth.capture.netshProviders, ["ndis"]);
  const f = fault(g.truth, "providers");
  assert.deepEqual(f.expect, ["capture-missing-provider"]);
  assert.deepEqual(f.packets, g.truth.packets.map((p) => p.id), "every packet crossed the nat vSwitch");
  // Journeys read from it carry no NBL (VmSwitch 56/57/58 are what tie a packet's hops together).
  for (const j of readJourneys(g.file("netsh"))) for (const h of j.hops) assert.equal(h.nbl, undefined);
});
