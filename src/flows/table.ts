/**
 * FlowTable: packets → bidirectional conversations, streaming (one call per packet record, memory per flow, not
 * per packet, apart from bounded sighting windows).
 *
 * Counting each packet once. A capture sees one packet several times; a flow counts it once:
 *   - pktmon: the first appearance of each (PktGroupId, PktNumber) — the rule `wnvtrace export` uses, so flows
 *     agree with tshark on the exported pcapng. Later appearances are repeats (remembered for the last 65,536
 *     packets, as the exporter does);
 *   - NDIS 1001 / VMSwitch 1003 (netsh, NetEventSession), and pktmon captures whose appearances are not linked
 *     (AppearanceCount 0: older pktmon gives every component's sighting its own PktGroupId, so the exporter's
 *     rule keeps them all): a sighting is a repeat when a sighting with the same flow key and the same
 *     fingerprint (IP length, transport header without ports/checksum, first 32 payload bytes; not TTL, IPv4 id,
 *     checksums, MACs or VLAN tags) came less than 5 ms earlier, unless it is seen again at the observation point
 *     where the packet was first seen (vSwitch port and direction, NDIS interface and direction, pktmon
 *     component/edge/direction) — then it is another packet with the same bytes (a duplicate, a quick
 *     retransmission) — and unless it is a pktmon drop report (WFP reports one packet once per filter that
 *     dropped it, at one point). So a frame seen at the container's vSwitch port, the host vNIC and the physical
 *     NIC counts once, and so does a packet the stack's WFP layer reports several times;
 *   - a repeat sighting whose 5-tuple differs from the first (pktmon: NAT rewrote it between two components) is
 *     counted once in the flow of that 5-tuple too, and is evidence that the two flows are two views of one
 *     conversation (NAT pairing);
 *   - tunnelled packets (VXLAN, GRE, IP-in-IP) are keyed by the inner packet; the outer header is a view of the
 *     flow, counted once per packet.
 * Bytes are frame lengths on the wire (originalLength: tshark's frame.len, Ethernet padding included) of the
 * sighting counted.
 *
 * NAT pairing, strongest evidence first: WinNat 1001 session events (internal and external 5-tuples), pktmon's
 * same packet seen with two 5-tuples, and a packet of one flow whose fingerprint reappears in another flow of the
 * same protocol within 10 ms with exactly one endpoint in common (address + port; ICMP echo: address). Which view
 * is inside: the session event says so; otherwise the view the packet was seen in first is the inside when the
 * shared endpoint is the packet's destination (SNAT out, DNAT reply) and the outside when it is its source.
 */
import type { Dissection, PacketRecord } from "../packets/mod.js";
import { Proto, macText } from "../packets/mod.js";
import { filetimeToIso } from "../bytes/time.js";
import { FlowIndex, Kind, KEY_WORDS, PacketKey, addrText, canonical, extractKey, hashWords } from "./key.js";
import { fingerprint, frameFingerprint, natFingerprint } from "./fingerprint.js";
import { TcpConn } from "./tcp.js";
import { DnsTracker } from "./dns.js";
import { Recent } from "./recent.js";
import { SEEN_DROP, SEEN_TUNNEL, Sightings, numberHash, stringHash } from "./sightings.js";
import type { WinNatSession } from "./winnat.js";
import type {
  ArpInfo, EchoInfo, Endpoint, Flow, FlowProtocol, FlowView, FlowsResult, IcmpErrorNote, NatEvidence, NatInfo,
} from "./types.js";

/** Sightings remembered for repeat detection (at least as many as the exporter's window). */
const SIGHTING_WINDOW = 1 << 16;
/** Content-identified sightings remembered (16k…32k packets: far more than 5 ms of traffic). */
const CONTENT_WINDOW = 1 << 14;
/** A netsh sighting repeats an earlier one within 5 ms (100 ns ticks). */
const REPEAT_TICKS = 50_000;
/** Payload-match NAT evidence within 10 ms. */
const NAT_MATCH_TICKS = 100_000;
/** Recent payload fingerprints for NAT evidence (direct-mapped). */
const FINGERPRINTS = 1 << 16;

export const DEDUP_RULE =
  "pktmon: first appearance of each (PktGroupId, PktNumber); NDIS/VMSwitch and pktmon without appearance numbers (AppearanceCount 0): a sighting with the same flow key and fingerprint " +
  "(IP length, transport header without ports/checksums, first 32 payload bytes) within 5 ms of an earlier one is a repeat unless seen again at the point where it was first seen; " +
  "a repeat with another 5-tuple (NAT) counts once in that flow too; tunnel outer headers are views of the inner flow";

class Echo {
  requests = 0;
  replies = 0;
  matched = 0;
  rttSum = 0;
  rttMin = Infinity;
  rttMax = 0;
  readonly pending = new Recent<number, number>(1024);
}

class Arp {
  requests = 0;
  replies = 0;
  unanswered = 0;
  gratuitous = 0;
  /** Pending request ticks per requester direction (0: from A, 1: from B), -1 none. */
  readonly pending = [-1, -1];
  mac = "";
  latency = -1;
}

class TunnelView {
  packetsAB = 0;
  bytesAB = 0;
  packetsBA = 0;
  bytesBA = 0;
  first = Infinity;
  last = -Infinity;
  constructor(
    readonly kind: FlowView["kind"], readonly family: number, readonly ipProto: number,
    /** Outer endpoint on the flow's A side, then B side. */
    readonly aAddr: Uint32Array, readonly aPort: number, readonly bAddr: Uint32Array, readonly bPort: number, readonly vni: number,
  ) {}
}

export class FlowState {
  packetsAB = 0;
  bytesAB = 0;
  packetsBA = 0;
  bytesBA = 0;
  first = Infinity;
  last = -Infinity;
  tcp: TcpConn | null = null;
  echo: Echo | null = null;
  arp: Arp | null = null;
  errors: Map<string, { note: IcmpErrorNote; count: number }> | null = null;
  tunnels: TunnelView[] | null = null;
  dropPackets = 0;
  dropReasons: Record<string, number> | null = null;
  /** Older flow with the same key (TCP port reuse). */
  previous: FlowState | null = null;
  /** Set when merged into another flow as its NAT view. */
  mergedInto: FlowState | null = null;
  /** The NAT evidence this flow took part in last (a cache in front of the votes map). */
  lastVote: Vote | null = null;
  /** Has this flow taken part in NAT evidence (is it in the votes map)? */
  voted = false;
  constructor(
    readonly index: number, readonly kind: Kind, readonly family: number, readonly ipProto: number,
    /** Key number in the FlowIndex. */
    readonly key: number,
    /** Is endpoint A the key's low endpoint? */
    readonly aIsLow: boolean,
  ) {}
}

interface Vote {
  first: FlowState;
  second: FlowState;
  samePacket: number;
  payload: number;
  /** Matches saying the first-seen flow is the inside view, and the outside view. */
  firstInside: number;
  firstOutside: number;
}

interface Pair {
  inside: FlowState;
  outside: FlowState;
  evidence: NatEvidence[];
  matches: number;
  sessionTicks?: number;
}

export interface FlowTableOptions {
  /** FILETIME of tick 0 (the trace start), for ISO times. */
  readonly traceStart?: bigint;
  /** Look for NAT pairs by payload fingerprints (default true). */
  readonly natByPayload?: boolean;
}

export class FlowTable {
  private readonly index = new FlowIndex();
  private readonly flows: FlowState[] = [];
  private readonly key = new PacketKey();
  private keyed = false;

  /** The key of the packet last given to add() (reused: read it before the next add), or null when it had none. */
  get lastKey(): PacketKey | null {
    return this.keyed ? this.key : null;
  }
  private readonly key2 = new PacketKey();
  private readonly words = new Uint32Array(KEY_WORDS);
  /** The flow of the last lookup and its key words. */
  private readonly lastWords = new Uint32Array(KEY_WORDS);
  private last: FlowState | null = null;
  private readonly pktmonSeen = new Sightings(SIGHTING_WINDOW);
  /** Content-identified sightings only need to span REPEAT_TICKS: a smaller table stays in cache. */
  private readonly contentSeen = new Sightings(CONTENT_WINDOW);
  /** The PktGroupId of the last pktmon record and the hash of its text. */
  private lastGroup = "";
  private lastGroupHash = stringHash("", 0);
  /** Recent payload fingerprints, direct-mapped: [fingerprint, flow (-1 none), ticks, unused] per entry (one cache line). */
  private readonly fps = initFps();
  private readonly frags = new Recent<number, FlowState>(4096);
  private readonly votes = new Map<number, Vote>();
  private readonly sessions: WinNatSession[] = [];
  private readonly dns = new DnsTracker();
  private readonly traceStart: bigint | undefined;
  private readonly natByPayload: boolean;
  private records = 0;
  private packets = 0;
  private repeats = 0;
  private unkeyed = 0;
  private firstTicks = -1;

  constructor(o: FlowTableOptions = {}) {
    this.traceStart = o.traceStart;
    this.natByPayload = o.natByPayload ?? true;
  }

  /** A WinNat 1001 session (from the same trace). */
  addWinNatSession(s: WinNatSession): void {
    this.sessions.push(s);
  }

  /**
   * One packet record, already dissected into `d`. Returns whether this sighting was counted (in a flow, or as
   * a new packet without a flow): writing exactly the counted sightings to pcapng gives tshark the packets the
   * flows count.
   */
  add(p: PacketRecord, d: Dissection): boolean {
    this.records++;
    const ticks = p.ticks;
    if (this.firstTicks < 0) this.firstTicks = ticks;
    const k = this.key;
    const keyed = extractKey(d, k);
    this.keyed = keyed;
    const m = p.pktmon;
    const byId = m !== undefined && m.appearance !== 0;
    const s = byId ? this.pktmonSeen : this.contentSeen;
    let fp = 0;
    let isNew = false;
    if (byId) {
      // A packet's appearances come in a run: the PktGroupId text is hashed once per run.
      const g = m!.groupId;
      if (g !== this.lastGroup) {
        this.lastGroup = g;
        this.lastGroupHash = stringHash(g, 0);
      }
      const h = numberHash(this.lastGroupHash, m!.pktNumber);
      if (!s.findStr(m!.groupId, m!.pktNumber, h)) {
        isNew = true;
        s.insert(m!.groupId, m!.pktNumber, h, ticks, 0);
      }
    } else {
      let id: number;
      if (keyed && k.ip >= 0) {
        fp = fingerprint(d, k);
        id = ((hashWords(k.words) ^ (k.reversed ? 0x9e3779b9 : 0)) & 0x1fffff) * 4294967296 + fp;
      } else id = (frameFingerprint(d) & 0x1fffff) * 4294967296 + ((keyed ? hashWords(k.words) ^ (k.reversed ? 0x9e3779b9 : 0) : 0x7f4a7c15) >>> 0);
      const h = (id % 4294967296) ^ Math.floor(id / 4294967296);
      const at = observationPoint(p);
      const found = s.findNum(id, h);
      // Seen again where it entered (not a pktmon drop report, which WFP repeats per filter): another packet.
      if (!found || Math.abs(ticks - s.ticks) > REPEAT_TICKS || (s.point === at && !(m && m.drop))) {
        isNew = true;
        if (found) s.renew(h, ticks, at);
        else s.insert(undefined, id, h, ticks, at);
      }
    }
    if (ticks > s.ticks) s.ticks = ticks;
    if (isNew) this.packets++;
    if (!keyed) {
      if (isNew) this.unkeyed++;
      else this.repeats++;
      return isNew;
    }
    let f = this.flowFor(k, d, ticks);
    const fromA = !k.reversed === f.aIsLow;
    let counted = false;
    if (isNew) {
      s.flow = f.index;
      counted = true;
    } else if (!s.countedIn(f.index)) {
      // The same packet with another 5-tuple: NAT rewrote it between two sightings.
      if (s.flow < 0) s.flow = f.index;
      else {
        s.addOther(f.index);
        const first = this.flows[s.flow];
        if (f.kind === first.kind) this.vote(first, f, k, false);
      }
      counted = true;
    }
    const flags = s.flags;
    if (counted) {
      this.count(f, fromA, p.originalLength, ticks);
      f = this.analyse(f, k, d, p, fromA, ticks);
      // Payload evidence for packets first seen here (a packet already known by identity has better evidence).
      if (isNew && this.natByPayload && k.ip >= 0 && f.kind !== Kind.IpOther) this.payloadMatch(f, k, natFingerprint(d, k, fp !== 0 ? fp : fingerprint(d, k)), ticks);
    } else this.repeats++;
    if (k.tunnel >= 0 && !(flags & SEEN_TUNNEL)) {
      s.flags |= SEEN_TUNNEL;
      this.tunnelView(f, k, d, fromA, p.originalLength, ticks);
    }
    if (m && m.drop && !(flags & SEEN_DROP)) {
      s.flags |= SEEN_DROP;
      f.dropPackets++;
      const r = m.dropReasonName ?? String(m.dropReason);
      (f.dropReasons ??= {})[r] = ((f.dropReasons ??= {})[r] ?? 0) + 1;
    }
    return counted;
  }

  // ---- flows ---------------------------------------------------------------------------------------------

  /** The flow of the packet in k (created when new); later IPv4 fragments get the flow of their first fragment. */
  private flowFor(k: PacketKey, d: Dissection, ticks: number): FlowState {
    if (k.kind === Kind.IpOther && k.family === 4) {
      const o = d.start[k.ip];
      const frag = d.u16(o + 6);
      if ((frag & 0x1fff) !== 0) {
        // A later fragment: the flow of its first fragment.
        const f = this.frags.get(this.fragKey(k, d.u16(o + 4)));
        return f ?? this.lookup(k, ticks);
      }
    }
    const f = this.lookup(k, ticks);
    if (k.family === 4 && k.kind !== Kind.Arp && (d.u16(d.start[k.ip] + 6) & 0x2000) !== 0) {
      this.frags.set(this.fragKey(k, d.u16(d.start[k.ip] + 4)), f);
    }
    return f;
  }

  private fragKey(k: PacketKey, ipId: number): number {
    const w = this.words;
    w[0] = k.src[0];
    w[1] = k.dst[0];
    w[2] = k.ipProto;
    return (hashWords(w, 3) & 0x1fffff) * 65536 + ipId;
  }

  private lookup(k: PacketKey, ticks: number): FlowState {
    // The last packet's flow first: a packet's sightings and a flow's packets come in runs.
    const w = k.words;
    const l = this.lastWords;
    const last = this.last;
    if (last !== null && l[0] === w[0] && l[9] === w[9] && l[1] === w[1] && l[5] === w[5] && l[2] === w[2] && l[3] === w[3] && l[4] === w[4] && l[6] === w[6] && l[7] === w[7] && l[8] === w[8]) return last;
    const h = hashWords(w);
    const i = this.index.find(w, h);
    let f: FlowState;
    if (i >= 0) f = this.flows[i];
    else {
      const id = this.flows.length;
      const key = this.index.insert(w, h, id);
      f = new FlowState(id, k.kind, k.family, k.ipProto, key, !k.reversed);
      f.first = ticks;
      this.flows.push(f);
    }
    l.set(w);
    this.last = f;
    return f;
  }

  private count(f: FlowState, fromA: boolean, len: number, ticks: number): void {
    countInto(f, fromA, len, ticks);
  }

  /** Protocol analysis of a counted packet; returns the flow it belongs to (a new one for TCP port reuse). */
  private analyse(f: FlowState, k: PacketKey, d: Dissection, p: PacketRecord, fromA: boolean, ticks: number): FlowState {
    switch (k.kind) {
      case Kind.Tcp: return this.tcp(f, k, d, p, fromA, ticks);
      case Kind.Udp:
        if (d.mask & (1 << Proto.Dns)) this.dnsPacket(f, k, d, ticks);
        return f;
      case Kind.Echo: this.echoPacket(f, k, d, fromA, ticks); return f;
      case Kind.IcmpOther: if (k.quotedIp >= 0) this.icmpError(k, d); return f;
      case Kind.Arp: this.arpPacket(f, k, d, fromA, ticks); return f;
      default: return f;
    }
  }

  private tcp(f: FlowState, k: PacketKey, d: Dissection, p: PacketRecord, fromA: boolean, ticks: number): FlowState {
    const t = d.start[k.transport];
    if (t + 16 > d.length) return f;
    const flags = d.u8(t + 13);
    const seq = d.u32(t + 4);
    let c = f.tcp;
    if (c && c.isNewConnection(fromA ? 0 : 1, flags, seq)) {
      // Port reuse: a new connection on the same ports. Move the packet to a new flow that takes the key.
      this.uncount(f, fromA, p.originalLength);
      const id = this.flows.length;
      const g = new FlowState(id, f.kind, f.family, f.ipProto, f.key, !k.reversed);
      g.previous = f;
      this.flows.push(g);
      this.index.rebind(f.key, id);
      this.last = null;
      this.count(g, true, p.originalLength, ticks);
      f = g;
      fromA = true;
      c = null;
    }
    if (!c) c = f.tcp = new TcpConn();
    const thl = (d.u8(t + 12) >> 4) * 4;
    const ipo = d.start[k.ip];
    let len: number;
    if (k.family === 4) {
      const total = d.u16(ipo + 2);
      len = total === 0 ? p.originalLength - t - thl : total - (t - ipo) - thl; // IP length 0: LSO, use the frame
    } else len = d.u16(ipo + 4) + 40 - (t - ipo) - thl;
    c.segment(fromA ? 0 : 1, ticks, flags, seq, d.u32(t + 8), d.u16(t + 14), len > 0 ? len : 0);
    if (d.mask & (1 << Proto.Dns)) this.dnsPacket(f, k, d, ticks);
    return f;
  }

  private uncount(f: FlowState, fromA: boolean, len: number): void {
    if (fromA) {
      f.packetsAB--;
      f.bytesAB -= len;
    } else {
      f.packetsBA--;
      f.bytesBA -= len;
    }
  }

  private dnsPacket(f: FlowState, k: PacketKey, d: Dissection, ticks: number): void {
    const i = d.last(Proto.Dns);
    if (i > k.transport) this.dns.add(d, i, k, f.index, ticks);
  }

  private echoPacket(f: FlowState, k: PacketKey, d: Dissection, fromA: boolean, ticks: number): void {
    const t = d.start[k.transport];
    const type = d.u8(t);
    const seq = d.u16(t + 6);
    const e = (f.echo ??= new Echo());
    // Requests are keyed by direction and sequence: a reply answers the request the other way.
    const request = type === 8 || type === 128 || type === 13;
    const pk = ((request ? fromA : !fromA) ? 0x10000 : 0) + seq;
    if (request) {
      e.requests++;
      if (e.pending.get(pk) === undefined) e.pending.set(pk, ticks);
    } else {
      e.replies++;
      const at = e.pending.get(pk);
      if (at !== undefined) {
        e.pending.delete(pk);
        e.matched++;
        const rtt = ticks - at;
        e.rttSum += rtt;
        if (rtt < e.rttMin) e.rttMin = rtt;
        if (rtt > e.rttMax) e.rttMax = rtt;
      }
    }
  }

  private arpPacket(f: FlowState, k: PacketKey, d: Dissection, fromA: boolean, ticks: number): void {
    const o = d.start[d.last(Proto.Arp)];
    const op = d.u16(o + 6);
    const a = (f.arp ??= new Arp());
    const me = fromA ? 0 : 1;
    if (k.src[0] === k.dst[0]) a.gratuitous++;
    if (op === 1) {
      a.requests++;
      if (k.src[0] === k.dst[0]) return;
      if (a.pending[me] >= 0) a.unanswered++;
      a.pending[me] = ticks;
    } else if (op === 2) {
      a.replies++;
      const at = a.pending[me ^ 1];
      if (at >= 0) {
        a.pending[me ^ 1] = -1;
        if (a.latency < 0) a.latency = ticks - at;
      }
      if (!a.mac) a.mac = macText(d.bytes, o + 8);
    }
  }

  private icmpError(k: PacketKey, d: Dissection): void {
    // Key of the quoted packet (the one the error is about), looked up, never created.
    const q = this.key2;
    const qi = k.quotedIp;
    const o = d.start[qi];
    const v4 = d.proto[qi] === Proto.Ipv4;
    if (v4 ? o + 20 > d.length : o + 40 > d.length) return;
    q.family = v4 ? 4 : 6;
    for (let i = 0; i < 4; i++) {
      q.src[i] = v4 ? (i === 0 ? d.u32(o + 12) : 0) : d.u32(o + 8 + 4 * i);
      q.dst[i] = v4 ? (i === 0 ? d.u32(o + 16) : 0) : d.u32(o + 24 + 4 * i);
    }
    const tr = qi + 1 < d.n ? qi + 1 : -1;
    const tp = tr >= 0 ? d.proto[tr] : 0;
    const t = tr >= 0 ? d.start[tr] : 0;
    q.sport = 0;
    q.dport = 0;
    if ((tp === Proto.Tcp || tp === Proto.Udp) && t + 4 <= d.length) {
      q.kind = tp === Proto.Tcp ? Kind.Tcp : Kind.Udp;
      q.ipProto = tp === Proto.Tcp ? 6 : 17;
      q.sport = d.u16(t);
      q.dport = d.u16(t + 2);
    } else if ((tp === Proto.Icmp || tp === Proto.Icmpv6) && t + 8 <= d.length && [8, 0, 128, 129].includes(d.u8(t))) {
      q.kind = Kind.Echo;
      q.ipProto = tp === Proto.Icmp ? 1 : 58;
      q.sport = q.dport = d.u16(t + 4);
    } else {
      q.kind = Kind.IpOther;
      q.ipProto = v4 ? d.u8(o + 9) : d.u8(o + 6);
    }
    canonical(q);
    const i = this.index.find(q.words, hashWords(q.words));
    if (i < 0) return;
    const f = this.flows[i];
    const it = d.start[k.transport];
    const type = d.u8(it);
    const code = d.u8(it + 1);
    const from = addrText(k.family, k.src);
    const id = `${type}/${code}/${from}`;
    const errs = (f.errors ??= new Map());
    const e = errs.get(id);
    if (e) e.count++;
    else {
      const note: { -readonly [K in keyof IcmpErrorNote]: IcmpErrorNote[K] } = { type, code, text: icmpErrorText(k.family, type, code), from, count: 0 };
      if (k.family === 4 && type === 3 && code === 4) note.mtu = d.u16(it + 6);
      if (k.family === 6 && type === 2 && it + 8 <= d.length) note.mtu = d.u32(it + 4);
      errs.set(id, { note, count: 1 });
    }
  }

  private tunnelView(f: FlowState, k: PacketKey, d: Dissection, fromA: boolean, len: number, ticks: number): void {
    const oi = k.outerIp;
    if (oi < 0) return;
    const o = d.start[oi];
    const v4 = d.proto[oi] === Proto.Ipv4;
    const src = new Uint32Array(4);
    const dst = new Uint32Array(4);
    for (let i = 0; i < 4; i++) {
      src[i] = v4 ? (i === 0 ? d.u32(o + 12) : 0) : d.u32(o + 8 + 4 * i);
      dst[i] = v4 ? (i === 0 ? d.u32(o + 16) : 0) : d.u32(o + 24 + 4 * i);
    }
    let sport = 0;
    let dport = 0;
    let ipProto = v4 ? d.u8(o + 9) : d.u8(o + 6);
    if (k.outerTransport >= 0 && d.proto[k.outerTransport] === Proto.Udp) {
      const t = d.start[k.outerTransport];
      sport = d.u16(t);
      dport = d.u16(t + 2);
      ipProto = 17;
    }
    const tp = k.tunnel >= 0 ? d.proto[k.tunnel] : 0;
    const kind: FlowView["kind"] = tp === Proto.Vxlan ? "vxlan" : tp === Proto.Gre ? "gre" : "ip-in-ip";
    let vni = -1;
    if (tp === Proto.Vxlan && d.start[k.tunnel] + 8 <= d.length) vni = d.u32(d.start[k.tunnel] + 4) >>> 8;
    else if (tp === Proto.Gre) {
      const g = d.start[k.tunnel];
      const fl = d.u16(g);
      if (fl & 0x2000) {
        const ko = g + 4 + (fl & 0x8000 ? 4 : 0);
        if (ko + 4 <= d.length) vni = d.u32(ko);
      }
    }
    // The outer endpoint on A's side is the outer source when the packet goes A → B.
    const aAddr = fromA ? src : dst;
    const bAddr = fromA ? dst : src;
    const aPort = fromA ? sport : dport;
    const bPort = fromA ? dport : sport;
    const same = (x: Uint32Array, y: Uint32Array): boolean => x[0] === y[0] && x[1] === y[1] && x[2] === y[2] && x[3] === y[3];
    let v: TunnelView | undefined;
    for (const t of f.tunnels ?? []) {
      if (t.kind !== kind || t.vni !== vni) continue;
      // Source ports of VXLAN are per-flow hashes and may differ by direction: match on addresses.
      if (same(t.aAddr, aAddr) && same(t.bAddr, bAddr)) {
        v = t;
        break;
      }
    }
    if (!v) {
      v = new TunnelView(kind, v4 ? 4 : 6, ipProto, aAddr, aPort, bAddr, bPort, vni);
      (f.tunnels ??= []).push(v);
    }
    countInto(v, fromA, len, ticks);
  }

  // ---- NAT evidence --------------------------------------------------------------------------------------

  private payloadMatch(f: FlowState, k: PacketKey, fp: number, ticks: number): void {
    // Direct-mapped: a collision only loses a piece of evidence.
    const t = this.fps;
    const i = (fp & (FINGERPRINTS - 1)) * 4;
    const prev = t[i + 1];
    if (prev >= 0 && prev !== f.index && t[i] === fp >>> 0) {
      const e = this.flows[prev];
      const dt = ticks - t[i + 2];
      if (e.kind === f.kind && dt >= 0 && dt <= NAT_MATCH_TICKS) this.vote(e, f, k, true);
    }
    t[i] = fp >>> 0;
    t[i + 1] = f.index;
    t[i + 2] = ticks;
  }


  /** Evidence that `first` (seen first) and `second` (the packet in k) are two views of one conversation. */
  private vote(first: FlowState, second: FlowState, k: PacketKey, payload: boolean): void {
    // The pair of the second flow's last vote first: a NAT'd flow votes with the same partner every packet.
    let v = second.lastVote !== null && (second.lastVote.first === first || second.lastVote.second === first) ? second.lastVote : undefined;
    // A pair is in the map only when both flows have voted: flows new to NAT evidence skip the lookup.
    if (!v && first.voted && second.voted) v = this.votes.get(Math.min(first.index, second.index) * 67108864 + Math.max(first.index, second.index));
    if (!v) {
      // NAT translates unicast conversations; the same multicast/broadcast sent from two addresses is not NAT.
      if (isGroupAddress(k.family, k.dst) || isGroupAddress(k.family, k.src)) return;
      v = { first, second, samePacket: 0, payload: 0, firstInside: 0, firstOutside: 0 };
      this.votes.set(Math.min(first.index, second.index) * 67108864 + Math.max(first.index, second.index), v);
      first.voted = true;
      second.voted = true;
    }
    second.lastVote = v;
    const echo = first.kind === Kind.Echo;
    // The endpoints of the flow seen first (its key words in the index).
    const sharedDst = this.index.hasEndpoint(first.key, echo, k.dst, k.dport);
    const sharedSrc = this.index.hasEndpoint(first.key, echo, k.src, k.sport);
    if (sharedDst === sharedSrc) return; // both (same flow in disguise) or none (double NAT): no verdict
    if (payload) v.payload++;
    else v.samePacket++;
    // Seen first in `first`: it is the inside when the shared endpoint is the destination.
    const firstIsInside = sharedDst;
    if ((first === v.first) === firstIsInside) v.firstInside++;
    else v.firstOutside++;
  }

  private natPairs(): Pair[] {
    const pairs: Pair[] = [];
    const taken = new Set<FlowState>();
    const w = new Uint32Array(KEY_WORDS);
    const k = new PacketKey();
    const find = (proto: number, src: WinNatSession["internalSrc"], dst: WinNatSession["internalDst"], ticks: number): FlowState | null => {
      k.family = src.family;
      k.ipProto = proto;
      k.kind = proto === 6 ? Kind.Tcp : proto === 17 ? Kind.Udp : Kind.Echo;
      k.src.set(src.addr);
      k.dst.set(dst.addr);
      k.sport = src.port;
      k.dport = proto === 1 || proto === 58 ? src.port : dst.port;
      canonical(k);
      w.set(k.words);
      const i = this.index.find(w, hashWords(w));
      if (i < 0) return null;
      // TCP port reuse: the connection that was alive when the session was created.
      let f: FlowState | null = this.flows[i];
      while (f && f.previous && f.first > ticks + NAT_MATCH_TICKS) f = f.previous;
      return f;
    };
    for (const s of this.sessions) {
      const inside = find(s.ipProto, s.internalSrc, s.internalDst, s.ticks);
      const outside = find(s.ipProto, s.externalSrc, s.externalDst, s.ticks);
      if (!inside || !outside || inside === outside || taken.has(inside) || taken.has(outside)) continue;
      taken.add(inside);
      taken.add(outside);
      const v = this.votes.get(Math.min(inside.index, outside.index) * 67108864 + Math.max(inside.index, outside.index));
      const evidence: NatEvidence[] = ["winnat-session"];
      if (v?.samePacket) evidence.push("same-packet");
      if (v?.payload) evidence.push("payload-match");
      pairs.push({ inside, outside, evidence, matches: 1 + (v ? v.samePacket + v.payload : 0), sessionTicks: s.ticks });
    }
    const ranked = [...this.votes.values()].sort((x, y) => y.samePacket - x.samePacket || y.payload - x.payload || x.first.index - y.first.index);
    for (const v of ranked) {
      if (taken.has(v.first) || taken.has(v.second)) continue;
      taken.add(v.first);
      taken.add(v.second);
      const firstInside = v.firstInside >= v.firstOutside;
      const evidence: NatEvidence[] = [];
      if (v.samePacket) evidence.push("same-packet");
      if (v.payload) evidence.push("payload-match");
      pairs.push({ inside: firstInside ? v.first : v.second, outside: firstInside ? v.second : v.first, evidence, matches: v.samePacket + v.payload });
    }
    return pairs;
  }

  // ---- results -------------------------------------------------------------------------------------------

  private readonly endWords = new Uint32Array(KEY_WORDS);
  private endpoints(f: FlowState): { a: Endpoint; b: Endpoint } {
    const w = this.endWords;
    this.index.words(f.key, w);
    const loPort = w[9] >>> 16;
    const hiPort = w[9] & 0xffff;
    const lo: Endpoint = { ip: addrText(f.family, w, 1), port: loPort };
    const hi: Endpoint = { ip: addrText(f.family, w, 5), port: hiPort };
    return f.aIsLow ? { a: lo, b: hi } : { a: hi, b: lo };
  }

  private isoSec = NaN;
  private isoText = "";
  /** ISO UTC text of a tick count (the date-time part cached per second: finish() asks once per flow). */
  private iso(ticks: number): string {
    if (this.traceStart === undefined) return "";
    const t = Math.round(ticks);
    if (t < 0) return filetimeToIso(this.traceStart + BigInt(t));
    const frac = t % 10_000_000;
    const sec = t - frac;
    if (sec !== this.isoSec) {
      this.isoSec = sec;
      this.isoText = filetimeToIso(this.traceStart + BigInt(sec)).slice(0, -9);
    }
    return `${this.isoText}.${String(frac).padStart(7, "0")}Z`;
  }

  /** The flows so far (the table can keep going afterwards). */
  finish(): FlowsResult {
    const pairs = this.natPairs();
    const natOf = new Map<FlowState, Pair>();
    for (const p of pairs) {
      p.outside.mergedInto = p.inside;
      natOf.set(p.inside, p);
    }
    const out: Flow[] = [];
    const number = new Map<FlowState, number>();
    const t0 = this.firstTicks < 0 ? 0 : this.firstTicks;
    for (const f of this.flows) {
      if (f.mergedInto || f.packetsAB + f.packetsBA === 0) continue;
      number.set(f, out.length + 1);
      out.push(this.flowRecord(f, out.length + 1, t0, natOf.get(f)));
    }
    for (const p of pairs) number.set(p.outside, number.get(p.inside) ?? 0);
    const dns = this.dns.transactions((i) => number.get(this.flows[i]) ?? 0, new Map(pairs.map((p) => [p.outside.index, p.inside.index])));
    const perFlow = new Map<number, { transactions: number; unanswered: number; errors: number }>();
    for (const t of dns) {
      let c = perFlow.get(t.flowId);
      if (!c) perFlow.set(t.flowId, (c = { transactions: 0, unanswered: 0, errors: 0 }));
      c.transactions++;
      if (t.status === "unanswered") c.unanswered++;
      if (t.status === "error") c.errors++;
    }
    for (const f of out) {
      const c = perFlow.get(f.id);
      if (c) (f as { dns?: Flow["dns"] }).dns = c;
    }
    for (const p of pairs) p.outside.mergedInto = null;
    return {
      flows: out, dns,
      stats: {
        records: this.records, packets: this.packets, repeatSightings: this.repeats, unkeyed: this.unkeyed, flows: out.length,
        natPairs: pairs.length, winNatSessions: this.sessions.length, dnsTransactions: dns.length,
      },
      captureFirstTicks: t0,
      ...(this.traceStart !== undefined ? { traceStart: this.iso(0) } : {}),
      dedupRule: DEDUP_RULE,
    };
  }

  private view(f: FlowState, kind: FlowView["kind"], swap: boolean): FlowView {
    const e = this.endpoints(f);
    return {
      kind, protocol: protocolName(f),
      a: swap ? e.b : e.a, b: swap ? e.a : e.b,
      aToB: swap ? { packets: f.packetsBA, bytes: f.bytesBA } : { packets: f.packetsAB, bytes: f.bytesAB },
      bToA: swap ? { packets: f.packetsAB, bytes: f.bytesAB } : { packets: f.packetsBA, bytes: f.bytesBA },
      firstTicks: f.first, lastTicks: f.last,
    };
  }

  private flowRecord(f: FlowState, id: number, t0: number, nat: Pair | undefined): Flow {
    const e = this.endpoints(f);
    const r: { -readonly [K in keyof Flow]: Flow[K] } = {
      id, protocol: protocolName(f), ipProto: f.ipProto, a: e.a, b: e.b,
      aToB: { packets: f.packetsAB, bytes: f.bytesAB }, bToA: { packets: f.packetsBA, bytes: f.bytesBA },
      packets: f.packetsAB + f.packetsBA, bytes: f.bytesAB + f.bytesBA,
      firstTicks: f.first, lastTicks: f.last, relStart: (f.first - t0) / 1e7, duration: (f.last - f.first) / 1e7, start: this.iso(f.first),
    };
    if (f.tcp) r.tcp = f.tcp.info();
    if (f.echo) r.echo = echoInfo(f.echo);
    if (f.arp) r.arp = arpInfo(f.arp);
    if (f.errors) r.icmpErrors = [...f.errors.values()].map((x) => ({ ...x.note, count: x.count }));
    if (f.dropPackets) r.drops = { packets: f.dropPackets, reasons: f.dropReasons ?? {} };
    if (f.tunnels) {
      r.tunnels = f.tunnels.map((t) => ({
        kind: t.kind, protocol: t.ipProto === 17 ? "udp" : "ip",
        a: { ip: addrText(t.family, t.aAddr), port: t.aPort }, b: { ip: addrText(t.family, t.bAddr), port: t.bPort },
        aToB: { packets: t.packetsAB, bytes: t.bytesAB }, bToA: { packets: t.packetsBA, bytes: t.bytesBA },
        firstTicks: t.first, lastTicks: t.last, ...(t.vni >= 0 ? { vni: t.vni } : {}),
      }));
    }
    if (nat) {
      const o = nat.outside;
      // Orient the outside view like this flow: the shared endpoint keeps its side.
      const echo = f.kind === Kind.Echo;
      const ix = this.index;
      const swap = ix.sameEndpoint(f.key, f.aIsLow, o.key, !o.aIsLow, echo) || ix.sameEndpoint(f.key, !f.aIsLow, o.key, o.aIsLow, echo);
      const info: { -readonly [K in keyof NatInfo]: NatInfo[K] } = { view: this.view(o, "nat-outside", swap), evidence: nat.evidence, matches: nat.matches };
      if (nat.sessionTicks !== undefined) info.sessionTicks = nat.sessionTicks;
      r.nat = info;
    }
    return r;
  }
}

function initFps(): Float64Array {
  const t = new Float64Array(FINGERPRINTS * 4);
  for (let i = 1; i < t.length; i += 4) t[i] = -1;
  return t;
}

/**
 * Where a sighting was made, as a number: pktmon component, edge and direction; VMSwitch source port and
 * direction; NDIS interface and direction.
 */
function observationPoint(p: PacketRecord): number {
  const dir = p.direction === "in" ? 1 : p.direction === "out" ? 2 : 3;
  if (p.pktmon) return ((p.pktmon.componentId * 4096 + (p.pktmon.edgeId & 0xfff)) * 8 + (p.pktmon.dirTag & 7)) * 4;
  if (p.vmswitch) return (p.vmswitch.sourcePortId * 8 + dir) * 4 + 1;
  if (p.ndis) return (p.ndis.lowerIfIndex * 8 + dir) * 4 + 2;
  return 3;
}

/** Multicast, limited broadcast, or (a guess without the prefix length) a directed broadcast x.x.x.255. */
export function isGroupAddress(family: number, w: Uint32Array): boolean {
  if (family === 4) return w[0] >>> 28 === 14 || (w[0] & 0xff) === 0xff;
  return w[0] >>> 24 === 0xff;
}

function protocolName(f: FlowState): FlowProtocol {
  switch (f.kind) {
    case Kind.Tcp: return "tcp";
    case Kind.Udp: return "udp";
    case Kind.Arp: return "arp";
    case Kind.Echo:
    case Kind.IcmpOther: return f.family === 6 ? "icmpv6" : "icmp";
    default: return "ip";
  }
}

function echoInfo(e: Echo): EchoInfo {
  const o: { -readonly [K in keyof EchoInfo]: EchoInfo[K] } = { requests: e.requests, replies: e.replies, unanswered: e.requests - e.matched };
  if (e.matched) {
    o.rttMinMs = e.rttMin / 10_000;
    o.rttAvgMs = Math.round(e.rttSum / e.matched) / 10_000;
    o.rttMaxMs = e.rttMax / 10_000;
  }
  return o;
}

function arpInfo(a: Arp): ArpInfo {
  const o: { -readonly [K in keyof ArpInfo]: ArpInfo[K] } = {
    requests: a.requests, replies: a.replies, gratuitous: a.gratuitous,
    unanswered: a.unanswered + (a.pending[0] >= 0 ? 1 : 0) + (a.pending[1] >= 0 ? 1 : 0),
  };
  if (a.mac) o.resolvedMac = a.mac;
  if (a.latency >= 0) o.latencyMs = a.latency / 10_000;
  return o;
}

export function icmpErrorText(family: number, type: number, code: number): string {
  if (family === 4) {
    switch (type) {
      case 3: return ["network unreachable", "host unreachable", "protocol unreachable", "port unreachable", "fragmentation needed", "source route failed", "network unknown", "host unknown", "source host isolated", "network prohibited", "host prohibited", "network unreachable for TOS", "host unreachable for TOS", "communication administratively prohibited"][code] ?? `destination unreachable (code ${code})`;
      case 4: return "source quench";
      case 5: return "redirect";
      case 11: return code === 1 ? "fragment reassembly time exceeded" : "TTL exceeded in transit";
      case 12: return "parameter problem";
      default: return `ICMP type ${type} code ${code}`;
    }
  }
  switch (type) {
    case 1: return ["no route to destination", "administratively prohibited", "beyond scope of source address", "address unreachable", "port unreachable", "source address failed policy", "reject route"][code] ?? `destination unreachable (code ${code})`;
    case 2: return "packet too big";
    case 3: return code === 1 ? "fragment reassembly time exceeded" : "hop limit exceeded in transit";
    case 4: return "parameter problem";
    default: return `ICMPv6 type ${type} code ${code}`;
  }
}

/** Adds one packet to a flow's or view's counters (A→B or B→A) and widens its time span. */
function countInto(c: { packetsAB: number; bytesAB: number; packetsBA: number; bytesBA: number; first: number; last: number }, fromA: boolean, len: number, ticks: number): void {
  if (fromA) {
    c.packetsAB++;
    c.bytesAB += len;
  } else {
    c.packetsBA++;
    c.bytesBA += len;
  }
  if (ticks < c.first) c.first = ticks;
  if (ticks > c.last) c.last = ticks;
}
