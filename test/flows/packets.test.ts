// Hand-made packets through the FlowTable: TCP handshake and analysis (retransmission, out-of-order, lost
// segment, zero window, duplicate ACK, keep-alive, RST, port reuse), ICMP echo and errors, ARP, DNS, VXLAN
// views, fragments, and the once-per-packet rules (pktmon appearances, netsh sightings, observation points).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { PacketRecord, PktmonMeta } from "../../src/packets/mod.js";
import { Dissection, newDissecter } from "../../src/packets/mod.js";
import { FlowTable } from "../../src/flows/mod.js";
import type { Flow, FlowsResult } from "../../src/flows/mod.js";
import {
  IpProto, TcpFlag, arp, dnsQuery, dnsResponse, ethernet, EtherType, icmpEcho, ipv4, ipv4Frame, ipv6, parseMac, pingData, synOptions, tcp, udp, vxlanEncap,
} from "../../src/lab/frames.js";

const MAC_A = parseMac("00-15-5D-00-00-0A");
const MAC_B = parseMac("00-15-5D-00-00-0B");
const A = "10.0.0.1";
const B = "10.0.0.2";
const MS = 10_000; // ticks per millisecond

let number = 0;
const dis = newDissecter();
const d = new Dissection();

interface Where {
  /** netsh sightings: vSwitch port (default 1) and direction. */
  port?: number;
  dir?: "in" | "out";
  pktmon?: Partial<PktmonMeta>;
}

function record(bytes: Uint8Array, ticks: number, w: Where = {}): PacketRecord {
  const base = {
    number: ++number, ticks, cpu: 0, pid: 4, tid: 8, linkType: 1 as const, direction: w.dir ?? "in", bytes, originalLength: bytes.length,
    event: { buffer: 0, bufferOffset: 0, offset: 0 }, eventId: 1003,
  };
  if (w.pktmon) {
    const m: PktmonMeta = {
      groupId: "1", pktNumber: 1, appearance: 1, dirTag: 3, dirName: "Rx", packetType: 1, packetTypeName: "Ethernet", componentId: 1, edgeId: 1,
      filterId: 0, drop: false, dropReason: 0, dropLocation: 0, ...w.pktmon,
    };
    return { ...base, source: "pktmon", pktmon: m, eventId: m.drop ? 170 : 160 };
  }
  return {
    ...base, source: "vmswitch",
    vmswitch: { miniportIfIndex: 1, lowerIfIndex: 1, sourcePortId: w.port ?? 1, sourcePortName: "p", sourceNicName: "n", sourceNicType: "Synthetic", destinationCount: 1, vlanId: 0, hashValue: 0 },
  };
}

function feed(t: FlowTable, bytes: Uint8Array, ticks: number, w: Where = {}): boolean {
  const p = record(bytes, ticks, w);
  dis.run(d, p.bytes, p.originalLength, p.linkType);
  return t.add(p, d);
}

let ipId = 100;
function tcpFrame(src: string, dst: string, sport: number, dport: number, seq: number, ack: number, flags: number, o: { len?: number; window?: number; id?: number } = {}): Uint8Array {
  const payload = new Uint8Array(o.len ?? 0).fill(0x41);
  const seg = tcp({ sport, dport, seq, ack, flags, window: o.window ?? 8192, payload, options: flags & TcpFlag.SYN ? synOptions() : undefined }, src, dst);
  return ipv4Frame({ ethSrc: src === A ? MAC_A : MAC_B, ethDst: src === A ? MAC_B : MAC_A, src, dst, proto: IpProto.TCP, id: o.id ?? ipId++, df: true, payload: seg });
}

/** A client (A:50000) → server (B:80) connection; returns helpers that send from either side. */
function conn(t: FlowTable, sport = 50000) {
  return {
    c: (ticks: number, seq: number, ack: number, flags: number, o: { len?: number; window?: number } = {}) => feed(t, tcpFrame(A, B, sport, 80, seq, ack, flags, o), ticks),
    s: (ticks: number, seq: number, ack: number, flags: number, o: { len?: number; window?: number } = {}) => feed(t, tcpFrame(B, A, 80, sport, seq, ack, flags, o), ticks),
  };
}

function only(r: FlowsResult): Flow {
  assert.equal(r.flows.length, 1, JSON.stringify(r.flows.map((f) => [f.a, f.b])));
  return r.flows[0];
}

const { SYN, ACK, FIN, RST, PSH } = TcpFlag;

test("TCP: handshake, data, FIN both ways → closed; RTT split at the capture point; A is the first packet's source", () => {
  const t = new FlowTable();
  const x = conn(t);
  x.c(0, 1000, 0, SYN);
  x.s(10 * MS, 5000, 1001, SYN | ACK);
  x.c(12 * MS, 1001, 5001, ACK);
  x.c(13 * MS, 1001, 5001, PSH | ACK, { len: 100 });
  x.s(20 * MS, 5001, 1101, PSH | ACK, { len: 300 });
  x.c(21 * MS, 1101, 5301, FIN | ACK);
  x.s(22 * MS, 5301, 1102, FIN | ACK);
  x.c(23 * MS, 1102, 5302, ACK);
  const f = only(t.finish());
  assert.equal(f.protocol, "tcp");
  assert.deepEqual([f.a, f.b], [{ ip: A, port: 50000 }, { ip: B, port: 80 }]);
  assert.deepEqual([f.aToB.packets, f.bToA.packets], [5, 3]);
  assert.equal(f.duration, 0.023);
  const tc = f.tcp!;
  assert.equal(tc.state, "closed");
  assert.deepEqual(tc.handshake, { syn: true, synAck: true, ack: true });
  assert.equal(tc.synToSynAckMs, 10);
  assert.equal(tc.synAckToAckMs, 2);
  assert.equal(tc.handshakeRttMs, 12);
  assert.equal(tc.aToB.payloadBytes, 100);
  assert.equal(tc.bToA.payloadBytes, 300);
  for (const dir of [tc.aToB, tc.bToA]) assert.deepEqual([dir.retransmissions, dir.outOfOrder, dir.lost, dir.zeroWindows, dir.duplicateAcks], [0, 0, 0, 0, 0]);
});

test("TCP: a SYN with no answer is syn-sent; the same SYN again is a retry, not a new connection", () => {
  const t = new FlowTable();
  const x = conn(t);
  x.c(0, 1000, 0, SYN);
  x.c(3000 * MS, 1000, 0, SYN);
  x.c(9000 * MS, 1000, 0, SYN);
  const f = only(t.finish());
  assert.equal(f.tcp!.state, "syn-sent");
  assert.equal(f.tcp!.synRetries, 2);
  assert.equal(f.aToB.packets, 3);
});

test("TCP: retransmission (same data again), out-of-order (a hole filled within the RTT), a hole never filled, dup ACKs, zero window, keep-alive", () => {
  const t = new FlowTable();
  const x = conn(t);
  x.c(0, 0, 0, SYN);
  x.s(1 * MS, 100, 1, SYN | ACK);
  x.c(2 * MS, 1, 101, ACK);
  x.c(3 * MS, 1, 101, ACK, { len: 1000 }); // [1, 1001)
  x.c(4 * MS, 2001, 101, ACK, { len: 1000 }); // [2001, 3001): hole [1001, 2001)
  x.c(5 * MS, 1001, 101, ACK, { len: 1000 }); // fills the hole 1 ms later: out of order
  x.s(6 * MS, 101, 3001, ACK);
  x.s(6.1 * MS, 101, 3001, ACK); // duplicate ACK (nothing new, the client has data beyond? no: acked all) → not a dup
  x.c(500 * MS, 1, 101, ACK, { len: 1000 }); // [1, 1001) again: retransmission
  x.c(600 * MS, 5001, 101, ACK, { len: 500 }); // hole [3001, 5001) never filled
  x.s(601 * MS, 101, 3001, ACK); // dup ack (client sent beyond 3001)
  x.s(602 * MS, 101, 3001, ACK); // dup ack
  x.s(700 * MS, 101, 5501, ACK, { window: 0 }); // zero window
  x.c(800 * MS, 5500, 101, ACK, { len: 1 }); // keep-alive: one byte at nextSeq - 1
  const f = only(t.finish());
  const c = f.tcp!.aToB;
  const s = f.tcp!.bToA;
  assert.equal(c.retransmissions, 1);
  assert.equal(c.outOfOrder, 1);
  assert.equal(c.lost, 1);
  assert.equal(c.keepAlives, 1);
  assert.equal(s.duplicateAcks, 2);
  assert.equal(s.zeroWindows, 1);
  assert.equal(f.tcp!.state, "established");
});

test("TCP: a hole filled long after it opened is a retransmission of a segment the capture missed", () => {
  const t = new FlowTable();
  const x = conn(t);
  x.c(0, 0, 0, SYN);
  x.s(1 * MS, 100, 1, SYN | ACK);
  x.c(2 * MS, 1, 101, ACK);
  x.c(3 * MS, 1001, 101, ACK, { len: 1000 }); // hole [1, 1001)
  x.c(300 * MS, 1, 101, ACK, { len: 1000 }); // resent after an RTO
  const f = only(t.finish());
  assert.equal(f.tcp!.aToB.retransmissions, 1);
  assert.equal(f.tcp!.aToB.outOfOrder, 0);
  assert.equal(f.tcp!.aToB.lost, 0);
});

test("TCP: RST → reset, by the side that sent it", () => {
  const t = new FlowTable();
  const x = conn(t);
  x.c(0, 0, 0, SYN);
  x.s(1 * MS, 0, 1, RST | ACK);
  const f = only(t.finish());
  assert.equal(f.tcp!.state, "reset");
  assert.equal(f.tcp!.resetBy, "b");
  assert.equal(f.tcp!.bToA.rst, true);
});

test("TCP: midstream capture (no SYN) and half-closed", () => {
  const t = new FlowTable();
  const x = conn(t);
  x.s(0, 7000, 300, ACK, { len: 10 });
  x.c(1 * MS, 300, 7010, ACK);
  assert.equal(only(t.finish()).tcp!.state, "midstream");
  x.c(2 * MS, 300, 7010, FIN | ACK);
  assert.equal(only(t.finish()).tcp!.state, "half-closed");
});

test("TCP: port reuse — a new SYN with another ISN after the close starts a second flow, as tshark's tcp.stream does", () => {
  const t = new FlowTable();
  const x = conn(t);
  x.c(0, 1000, 0, SYN);
  x.s(1 * MS, 5000, 1001, SYN | ACK);
  x.c(2 * MS, 1001, 5001, ACK);
  x.c(3 * MS, 1001, 5001, FIN | ACK);
  x.s(4 * MS, 5001, 1002, FIN | ACK);
  x.c(5 * MS, 1002, 5002, ACK);
  x.c(1000 * MS, 90000, 0, SYN);
  x.s(1001 * MS, 70000, 90001, SYN | ACK);
  const r = t.finish();
  assert.equal(r.flows.length, 2);
  assert.deepEqual(r.flows.map((f) => [f.packets, f.tcp!.state]), [[6, "closed"], [2, "syn-received"]]);
  assert.equal(r.flows[1].relStart, 1);
});

test("ICMP echo: one flow per identifier, requests matched to replies by sequence, unanswered counted", () => {
  const t = new FlowTable();
  const echo = (src: string, dst: string, type: 0 | 8, id: number, seq: number): Uint8Array =>
    ipv4Frame({ ethSrc: MAC_A, ethDst: MAC_B, src, dst, proto: IpProto.ICMP, id: ipId++, payload: icmpEcho(type, id, seq, pingData(32)) });
  feed(t, echo(A, B, 8, 1, 1), 0);
  feed(t, echo(B, A, 0, 1, 1), 2 * MS);
  feed(t, echo(A, B, 8, 1, 2), 1000 * MS);
  feed(t, echo(B, A, 0, 1, 2), 1004 * MS);
  feed(t, echo(A, B, 8, 1, 3), 2000 * MS);
  feed(t, echo(A, B, 8, 2, 1), 3000 * MS); // another ping session
  const r = t.finish();
  assert.equal(r.flows.length, 2);
  const f = r.flows[0];
  assert.equal(f.protocol, "icmp");
  assert.deepEqual([f.a.port, f.b.port], [1, 1]);
  assert.deepEqual(f.echo, { requests: 3, replies: 2, unanswered: 1, rttMinMs: 2, rttAvgMs: 3, rttMaxMs: 4 });
  assert.deepEqual(r.flows[1].echo, { requests: 1, replies: 0, unanswered: 1 });
});

test("ICMP errors are noted on the flow of the packet they quote (port unreachable, fragmentation needed with the MTU)", () => {
  const t = new FlowTable();
  const q = udp({ sport: 5000, dport: 53, payload: dnsQuery(7, "example.com") }, A, B);
  const dgram = ipv4({ src: A, dst: B, proto: IpProto.UDP, id: 42, payload: q });
  feed(t, ipv4Frame({ ethSrc: MAC_A, ethDst: MAC_B, src: A, dst: B, proto: IpProto.UDP, id: 42, payload: q }), 0);
  const err = (type: number, code: number, mtu: number): Uint8Array => {
    const b = new Uint8Array(8 + 28);
    b[0] = type;
    b[1] = code;
    b[6] = mtu >> 8;
    b[7] = mtu & 255;
    b.set(dgram.subarray(0, 28), 8);
    return ipv4Frame({ ethSrc: MAC_B, ethDst: MAC_A, src: B, dst: A, proto: IpProto.ICMP, id: ipId++, payload: b });
  };
  feed(t, err(3, 3, 0), 1 * MS);
  feed(t, err(3, 3, 0), 2 * MS);
  feed(t, err(3, 4, 1400), 3 * MS);
  const r = t.finish();
  const u = r.flows.find((f) => f.protocol === "udp")!;
  assert.deepEqual(u.icmpErrors, [
    { type: 3, code: 3, text: "port unreachable", from: B, count: 2 },
    { type: 3, code: 4, text: "fragmentation needed", from: B, count: 1, mtu: 1400 },
  ]);
  // The errors themselves are an ICMP flow between the two hosts, not part of the UDP flow.
  assert.equal(u.packets, 1);
  assert.equal(r.flows.find((f) => f.protocol === "icmp")!.packets, 3);
  assert.equal(r.dns[0].status, "unanswered");
});

test("ARP: request and reply are one flow; the answer's MAC and latency; unanswered requests", () => {
  const t = new FlowTable();
  const frame = (b: Uint8Array, src: Uint8Array): Uint8Array => ethernet({ dst: parseMac("FF-FF-FF-FF-FF-FF"), src, type: EtherType.ARP, payload: b });
  const zero = new Uint8Array(6);
  feed(t, frame(arp({ op: 1, senderMac: MAC_A, senderIp: A, targetMac: zero, targetIp: B }), MAC_A), 0);
  feed(t, frame(arp({ op: 2, senderMac: MAC_B, senderIp: B, targetMac: MAC_A, targetIp: A }), MAC_B), 0.5 * MS);
  feed(t, frame(arp({ op: 1, senderMac: MAC_A, senderIp: A, targetMac: zero, targetIp: "10.0.0.9" }), MAC_A), 10 * MS);
  feed(t, frame(arp({ op: 1, senderMac: MAC_A, senderIp: A, targetMac: zero, targetIp: "10.0.0.9" }), MAC_A), 1010 * MS);
  const r = t.finish();
  assert.equal(r.flows.length, 2);
  assert.deepEqual(r.flows[0].arp, { requests: 1, replies: 1, gratuitous: 0, unanswered: 0, resolvedMac: "00:15:5d:00:00:0b", latencyMs: 0.5 });
  assert.deepEqual(r.flows[1].arp, { requests: 2, replies: 0, gratuitous: 0, unanswered: 2 });
  assert.equal(r.flows[0].protocol, "arp");
});

test("DNS: answered (latency, answers), a retry with the same id, NXDOMAIN, unanswered, response without query", () => {
  const t = new FlowTable();
  const dns = (src: string, dst: string, sport: number, dport: number, payload: Uint8Array, ticks: number): void => {
    feed(t, ipv4Frame({ ethSrc: MAC_A, ethDst: MAC_B, src, dst, proto: IpProto.UDP, id: ipId++, payload: udp({ sport, dport, payload }, src, dst) }), ticks);
  };
  dns(A, B, 5001, 53, dnsQuery(1, "a.example"), 0);
  dns(A, B, 5001, 53, dnsQuery(1, "a.example"), 1000 * MS);
  dns(B, A, 53, 5001, dnsResponse(1, "a.example", ["192.0.2.7"]), 1003 * MS);
  const nx = dnsResponse(2, "nx.example", []);
  nx[3] = (nx[3] & 0xf0) | 3;
  dns(A, B, 5002, 53, dnsQuery(2, "nx.example"), 2000 * MS);
  dns(B, A, 53, 5002, nx, 2001 * MS);
  dns(A, B, 5003, 53, dnsQuery(3, "lost.example", 28), 3000 * MS);
  dns(B, A, 53, 5004, dnsResponse(4, "late.example", ["192.0.2.8"]), 4000 * MS);
  const r = t.finish();
  const by = new Map(r.dns.map((x) => [x.name, x]));
  const a = by.get("a.example")!;
  assert.equal(a.status, "answered");
  assert.equal(a.queries, 2);
  assert.equal(a.latencyMs, 1003);
  assert.deepEqual(a.answers, [{ type: "A", value: "192.0.2.7" }]);
  assert.deepEqual([a.client, a.server], [{ ip: A, port: 5001 }, { ip: B, port: 53 }]);
  assert.equal(by.get("nx.example")!.status, "error");
  assert.equal(by.get("nx.example")!.rcodeName, "NXDOMAIN");
  assert.equal(by.get("lost.example")!.status, "unanswered");
  assert.equal(by.get("lost.example")!.qtypeName, "AAAA");
  assert.equal(by.get("late.example")!.status, "response-only");
  const flow = r.flows.find((f) => f.id === a.flowId)!;
  assert.deepEqual(flow.dns, { transactions: 1, unanswered: 0, errors: 0 });
  assert.deepEqual(r.flows.find((f) => f.id === by.get("lost.example")!.flowId)!.dns, { transactions: 1, unanswered: 1, errors: 0 });
});

test("IPv6 TCP: addresses in RFC 5952 text, payload length from the IPv6 header", () => {
  const t = new FlowTable();
  const seg = tcp({ sport: 443, dport: 51000, seq: 1, ack: 1, flags: ACK, payload: new Uint8Array(20) }, "2001:db8::1", "2001:db8::2");
  feed(t, ethernet({ dst: MAC_B, src: MAC_A, type: EtherType.IPv6, payload: ipv6({ src: "2001:db8::1", dst: "2001:db8::2", next: IpProto.TCP, payload: seg }) }), 0);
  const f = only(t.finish());
  assert.deepEqual([f.a.ip, f.b.ip], ["2001:db8::1", "2001:db8::2"]);
  assert.equal(f.tcp!.aToB.payloadBytes, 20);
});

test("IPv4 fragments: later fragments join the flow of their first fragment", () => {
  const t = new FlowTable();
  const u = udp({ sport: 7000, dport: 7001, payload: new Uint8Array(100) }, A, B);
  const frag = (offset8: number, more: boolean, payload: Uint8Array): Uint8Array => {
    const ip = ipv4({ src: A, dst: B, proto: IpProto.UDP, id: 77, payload });
    ip[6] = (more ? 0x20 : 0) | (offset8 >> 8);
    ip[7] = offset8 & 255;
    return ethernet({ dst: MAC_B, src: MAC_A, type: EtherType.IPv4, payload: ip });
  };
  feed(t, frag(0, true, u.subarray(0, 64)), 0);
  feed(t, frag(8, false, u.subarray(64)), 1);
  const f = only(t.finish());
  assert.equal(f.protocol, "udp");
  assert.equal(f.aToB.packets, 2);
});

test("VXLAN: flows are keyed by the inner packet; the outer header is a view counted once per packet", () => {
  const t = new FlowTable();
  const inner = tcpFrame(A, B, 50000, 80, 0, 0, SYN);
  const outer = vxlanEncap({ outerSrcMac: MAC_A, outerDstMac: MAC_B, srcPa: "192.168.0.6", dstPa: "192.168.0.7", vni: 4096, sport: 60000, inner });
  // netsh: inner at the container's port, encapsulated at the switch's external port and the host NIC.
  feed(t, inner, 0, { port: 3, dir: "in" });
  feed(t, outer, 2, { port: 3, dir: "out" });
  feed(t, outer, 5, { port: 9, dir: "out" });
  const f = only(t.finish());
  assert.equal(f.packets, 1);
  assert.equal(f.bytes, inner.length);
  assert.deepEqual(f.tunnels, [{
    kind: "vxlan", protocol: "udp", a: { ip: "192.168.0.6", port: 60000 }, b: { ip: "192.168.0.7", port: 4789 },
    aToB: { packets: 1, bytes: outer.length }, bToA: { packets: 0, bytes: 0 }, firstTicks: 2, lastTicks: 2, vni: 4096,
  }]);
});

test("netsh sightings: the same frame at three points counts once; again at its first point it is another packet; later than 5 ms too", () => {
  const t = new FlowTable();
  const frame = tcpFrame(A, B, 50000, 80, 1, 1, ACK, { len: 10, id: 9 });
  const routed = Uint8Array.from(frame);
  routed[14 + 8] = 127; // TTL decremented by a routing hop
  assert.equal(feed(t, frame, 0, { port: 1, dir: "in" }), true);
  assert.equal(feed(t, frame, 10, { port: 1, dir: "out" }), false);
  assert.equal(feed(t, routed, 20, { port: 2, dir: "out" }), false);
  assert.equal(feed(t, frame, 30, { port: 1, dir: "in" }), true); // a duplicate where it entered
  assert.equal(feed(t, frame, 30 + 6 * MS, { port: 2, dir: "out" }), true); // too late to be the same packet
  const r = t.finish();
  assert.equal(only(r).packets, 3);
  assert.deepEqual([r.stats.records, r.stats.packets, r.stats.repeatSightings], [5, 3, 2]);
});

test("pktmon: the first appearance of (PktGroupId, PktNumber) counts; drops are counted per packet; AppearanceCount 0 falls back to content", () => {
  const t = new FlowTable();
  const frame = tcpFrame(A, B, 50000, 80, 1, 1, ACK, { len: 10 });
  assert.equal(feed(t, frame, 0, { pktmon: { groupId: "7", appearance: 1, componentId: 1 } }), true);
  assert.equal(feed(t, frame, 1, { pktmon: { groupId: "7", appearance: 2, componentId: 2 } }), false);
  assert.equal(feed(t, frame, 2, { pktmon: { groupId: "7", appearance: 3, componentId: 3, drop: true, dropReason: 23, dropReasonName: "MTU mismatch" } }), false);
  assert.equal(feed(t, frame, 3, { pktmon: { groupId: "7", pktNumber: 2, appearance: 1, componentId: 1 } }), true);
  // Older pktmon: every component's sighting has its own group id and appearance 0.
  const other = tcpFrame(A, B, 50000, 80, 11, 1, ACK, { len: 10 });
  assert.equal(feed(t, other, 10, { pktmon: { groupId: "100", appearance: 0, componentId: 1 } }), true);
  assert.equal(feed(t, other, 11, { pktmon: { groupId: "101", appearance: 0, componentId: 2 } }), false);
  assert.equal(feed(t, other, 12, { pktmon: { groupId: "102", appearance: 0, componentId: 3, drop: true, dropReason: 1 } }), false);
  assert.equal(feed(t, other, 13, { pktmon: { groupId: "103", appearance: 0, componentId: 3, drop: true, dropReason: 1 } }), false);
  const f = only(t.finish());
  assert.equal(f.packets, 3);
  assert.deepEqual(f.drops, { packets: 2, reasons: { "MTU mismatch": 1, "1": 1 } });
});

test("pktmon: an appearance with another 5-tuple (NAT) counts in that flow too, and joins the two as inside/outside views", () => {
  const t = new FlowTable();
  const inside = ipv4Frame({ ethSrc: MAC_A, ethDst: MAC_B, src: "172.18.0.2", dst: "93.184.216.34", proto: IpProto.UDP, id: 5, payload: udp({ sport: 40000, dport: 53, payload: dnsQuery(9, "x.example") }, "172.18.0.2", "93.184.216.34") });
  const outside = ipv4Frame({ ethSrc: MAC_A, ethDst: MAC_B, src: "10.0.0.4", dst: "93.184.216.34", proto: IpProto.UDP, id: 5, payload: udp({ sport: 61000, dport: 53, payload: dnsQuery(9, "x.example") }, "10.0.0.4", "93.184.216.34") });
  feed(t, inside, 0, { pktmon: { groupId: "9", appearance: 1, componentId: 1 } });
  feed(t, inside, 1, { pktmon: { groupId: "9", appearance: 2, componentId: 2 } });
  feed(t, outside, 2, { pktmon: { groupId: "9", appearance: 3, componentId: 3 } });
  const r = t.finish();
  const f = only(r);
  assert.deepEqual([f.a, f.b], [{ ip: "172.18.0.2", port: 40000 }, { ip: "93.184.216.34", port: 53 }]);
  assert.deepEqual(f.nat?.evidence, ["same-packet"]);
  assert.deepEqual([f.nat?.view.kind, f.nat?.view.a, f.nat?.view.b, f.nat?.view.aToB.packets], ["nat-outside", { ip: "10.0.0.4", port: 61000 }, { ip: "93.184.216.34", port: 53 }, 1]);
  assert.equal(r.stats.natPairs, 1);
  assert.equal(r.dns.length, 1);
  assert.deepEqual(r.dns[0].natClient, { ip: "10.0.0.4", port: 61000 });
});

test("no NAT pairing for the same multicast sent from two addresses", () => {
  const t = new FlowTable();
  const m = (src: string): Uint8Array => ipv4Frame({ ethSrc: MAC_A, ethDst: MAC_B, src, dst: "224.0.0.251", proto: IpProto.UDP, id: 0, payload: udp({ sport: 5353, dport: 5353, payload: dnsQuery(0, "printer.local") }, src, "224.0.0.251") });
  feed(t, m("10.0.0.1"), 0);
  feed(t, m("192.168.1.1"), 1);
  const r = t.finish();
  assert.equal(r.flows.length, 2);
  assert.equal(r.stats.natPairs, 0);
});
