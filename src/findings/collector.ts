/**
 * FindingsCollector: one streaming pass gathers what the checks need, then finish() turns it (with the flows of
 * the same pass) into ranked findings.
 *
 * Per packet the cost is one key extraction and a few integer compares; strings and map entries are made only
 * for the packets that can be evidence (SYN, RST, ARP request, DNS, ICMP error, pktmon drop, VXLAN, truncated,
 * packets to addresses the host state flags). Every map is keyed by what a finding groups on, and every list
 * of packet numbers is capped (evidence.ts), so memory stays flat however long the capture.
 */
import type { EtlRecord } from "../etl/mod.js";
import type { TraceDecoder } from "../events/mod.js";
import type { Dissection, PacketRecord, PacketReader, PktmonComponents } from "../packets/mod.js";
import { Proto, NDISCAP_GUID, PKTMON_GUID } from "../packets/mod.js";
import type { Inventory } from "../inventory/mod.js";
import type { Journey } from "../journeys/mod.js";
import { VMSWITCH_GUID, dropReasonName, frameFacts } from "../journeys/mod.js";
import type { FrameFacts } from "../journeys/mod.js";
import type { FlowsResult } from "../flows/mod.js";
import { WINNAT_GUID } from "../flows/mod.js";
import type { Topology } from "../topology/mod.js";
import { FlowIndex, KEY_WORDS, Kind, PacketKey, addrText, extractKey, hashWords } from "../flows/key.js";
import { Refs } from "./evidence.js";
import { HostInfo } from "./hostinfo.js";
import type { Subnet4 } from "./hostinfo.js";
import type { FindingsResult } from "./types.js";
import { buildFindings } from "./checks.js";
import { grown } from "../bytes/arrays.js";

export interface FindingsOptions {
  /** Host state: names, subnets, published ports, endpoint states. Without it the host-state checks are skipped. */
  readonly inventory?: Inventory | null;
  /** The pktmon component table (PacketReader.components): which components are physical NICs. */
  readonly components?: PktmonComponents | null;
}

/** pktmon component types of a host's own NICs (Miniport, NetVsc Miniport, NetCx). */
const PHYSICAL_TYPES = new Set([2, 9, 14]);
/** Interface ids in the path check: NDIS ifIndex as is, pktmon components above this. */
export const COMPONENT_BASE = 1_000_000;

/** A group of dropped packets: one reason at one place. */
export interface DropGroup {
  readonly reason: number;
  readonly reasonName: string;
  /** Where, in words: the hop's name (container, host vNIC, NIC) when a journey gave one, else the pktmon component / VmSwitch NIC. */
  location: string;
  readonly side?: string;
  readonly refs: Refs;
  /** Distinct packets (pktmon repeats a drop per WFP filter; several sightings are one packet). */
  distinct: number;
  readonly journeys: Set<number>;
  readonly hops: { journey: number; hop: number }[];
  /** Frames dropped: largest wire length, and whether VXLAN-encapsulated / DF set. */
  maxLength: number;
  vxlan: boolean;
  df: boolean;
  /** The location was renamed after a journey hop (once). */
  named: boolean;
  /** pktmon component id, for pktmon drops. */
  component?: number;
  /** Destination IPv4 address of the first dropped frame (for the next-step commands). */
  dstIp?: string;
}

export interface IcmpErrorGroup {
  readonly type: number;
  readonly code: number;
  readonly v6: boolean;
  readonly from: string;
  /** The quoted packet's destination (what could not be reached) and protocol/port. */
  readonly to: string;
  readonly quoted: string;
  mtu: number;
  readonly refs: Refs;
}

export interface VniStats {
  readonly vni: number;
  readonly refs: Refs;
  /** Inner IPv4 addresses seen (capped). */
  readonly inner: Set<number>;
  maxOuter: number;
  maxInner: number;
  /** Outer packets above 1500 bytes. */
  readonly big: Refs;
}

export interface NoEncap {
  readonly dst: string;
  readonly subnet: string;
  readonly network: string;
  readonly refs: Refs;
  readonly journeys: Set<number>;
  readonly hops: { journey: number; hop: number }[];
}

export interface PathSeen {
  /** Interfaces each direction was seen on: A→B (the canonical low side first) and B→A (at most 4 each). */
  readonly ab: number[];
  readonly ba: number[];
  readonly refs: Refs;
  readonly text: string;
}

/**
 * Which host interfaces (NDIS ifIndex / pktmon physical-NIC components) each direction of a conversation
 * crossed, keyed by the flow key words in a FlowIndex: no string or object per packet.
 */
export class PathTable {
  private readonly index = new FlowIndex();
  /** Per path: 4 interface slots per direction (-1 empty), packets each way, first packet number each way. */
  private ifs = new Int32Array(1024 * 8).fill(-1);
  private counts = new Int32Array(1024 * 2);
  private firstNo = new Int32Array(1024 * 2);
  private lastTicks = new Float64Array(1024);
  private firstTicks = new Float64Array(1024);

  get size(): number {
    return this.index.size;
  }

  add(k: PacketKey, h: number, iface: number, no: number, ticks: number): void {
    let i = this.index.find(k.words, h);
    if (i < 0) {
      if (this.index.size >= MAX_PATHS) return;
      i = this.index.size;
      this.index.insert(k.words, h, i);
      if (i * 8 + 8 > this.ifs.length) this.grow();
      this.firstTicks[i] = ticks;
    }
    const dir = k.reversed ? 1 : 0;
    const base = i * 8 + dir * 4;
    for (let j = 0; j < 4; j++) {
      const v = this.ifs[base + j];
      if (v === iface) break;
      if (v === -1) {
        this.ifs[base + j] = iface;
        break;
      }
    }
    if (this.counts[i * 2 + dir]++ === 0) this.firstNo[i * 2 + dir] = no;
    this.lastTicks[i] = ticks;
  }

  private grow(): void {
    this.ifs = grown(this.ifs, this.ifs.length * 2, -1);
    this.counts = grown(this.counts, this.counts.length * 2);
    this.firstNo = grown(this.firstNo, this.firstNo.length * 2);
    this.lastTicks = grown(this.lastTicks, this.lastTicks.length * 2);
    this.firstTicks = grown(this.firstTicks, this.firstTicks.length * 2);
  }

  /** The paths whose two directions share no interface (both directions seen). */
  *asymmetric(): IterableIterator<PathSeen> {
    const w = new Uint32Array(KEY_WORDS);
    for (let i = 0; i < this.index.size; i++) {
      if (!this.counts[i * 2] || !this.counts[i * 2 + 1]) continue;
      const ab: number[] = [];
      const ba: number[] = [];
      for (let j = 0; j < 4; j++) {
        if (this.ifs[i * 8 + j] >= 0) ab.push(this.ifs[i * 8 + j]);
        if (this.ifs[i * 8 + 4 + j] >= 0) ba.push(this.ifs[i * 8 + 4 + j]);
      }
      if (ab.some((x) => ba.includes(x))) continue;
      this.index.words(i, w);
      const kind = w[0] & 0xff;
      const proto = kind === Kind.Tcp ? "tcp" : kind === Kind.Udp ? "udp" : "icmp";
      const lp = w[9] >>> 16;
      const hp = w[9] & 0xffff;
      const refs = new Refs();
      refs.add(this.firstNo[i * 2], this.firstTicks[i]);
      refs.add(this.firstNo[i * 2 + 1], this.lastTicks[i]);
      refs.total = refs.distinct = this.counts[i * 2] + this.counts[i * 2 + 1];
      yield { ab, ba, refs, text: `${proto} ${addrText(4, w, 1)}:${lp} ↔ ${addrText(4, w, 5)}:${hp}` };
    }
  }
}

/** Refs per directional flow key (a SYN's 5-tuple …), in a FlowIndex: no string per packet. */
export class KeyedRefs {
  private readonly index = new FlowIndex();
  private readonly refs: Refs[] = [];
  private readonly w = new Uint32Array(KEY_WORDS);

  get size(): number {
    return this.refs.length;
  }

  add(k: PacketKey, no: number, ticks: number, fresh: boolean): void {
    const w = this.w;
    w.set(k.words);
    if (k.reversed) w[0] = (w[0] | 0x80000000) >>> 0;
    const h = hashWords(w);
    let i = this.index.find(w, h);
    if (i < 0) {
      if (this.refs.length >= MAX_KEYS) return;
      i = this.refs.length;
      this.index.insert(w, h, i);
      this.refs.push(new Refs());
    }
    this.refs[i].add(no, ticks, fresh);
  }

  /** "src:sport>dst:dport" → refs, for the checks (made once, at the end). */
  map(): Map<string, Refs> {
    const m = new Map<string, Refs>();
    const w = new Uint32Array(KEY_WORDS);
    for (let i = 0; i < this.refs.length; i++) {
      this.index.words(i, w);
      const fam = (w[0] >>> 8) & 0xff;
      const lo = `${addrText(fam, w, 1)}:${w[9] >>> 16}`;
      const hi = `${addrText(fam, w, 5)}:${w[9] & 0xffff}`;
      m.set(w[0] >>> 31 ? `${hi}>${lo}` : `${lo}>${hi}`, this.refs[i]);
    }
    return m;
  }
}

/** What one pass gathered; the checks (checks.ts) read it. */
export class Gathered {
  packets = 0;
  firstTicks = -1;
  lastTicks = -1;
  readonly sources = { ndis: 0, vmswitch: 0, pktmon: 0 };
  readonly providers = new Map<string, number>();
  truncated = new Refs();
  maxCaptured = 0;
  readonly syn = new KeyedRefs();
  readonly synAck = new KeyedRefs();
  readonly rst = new KeyedRefs();
  readonly arpReq = new Map<string, Refs>();
  readonly dnsQuery = new Map<string, Refs>();
  readonly dnsResponse = new Map<string, Refs>();
  readonly icmpErrors = new Map<string, IcmpErrorGroup>();
  readonly drops = new Map<string, DropGroup>();
  /** pktmon drop packet number → its group (to join journeys' drop hops to the same group). */
  readonly dropByPacket = new Map<number, DropGroup>();
  readonly vni = new Map<number, VniStats>();
  readonly noEncap = new Map<string, NoEncap>();
  readonly paths = new PathTable();
  /** Packets to/from addresses of stale endpoints, by address. */
  readonly stale = new Map<number, Refs>();
  /** Packets to published ports on host addresses ("ip:port" of the host side), and from which sources. */
  readonly inbound = new Map<string, { refs: Refs; sources: Set<number>; hairpin: Refs }>();
  /** Packets that reached a published mapping's container address and internal port. */
  readonly forwarded = new Map<string, Refs>();
  readonly ifNames = new Map<number, string>();
  journeys = 0;
  journeyDrops = 0;
  winNatEvents = 0;
  vmswitchEvents = 0;
}

const MAX_KEYS = 20000;
const MAX_PATHS = 50000;

function ipText(k: PacketKey, src: boolean): string {
  return addrText(k.family, src ? k.src : k.dst);
}

export class FindingsCollector {
  readonly g = new Gathered();
  readonly host: HostInfo | null;
  private readonly k = new PacketKey();
  private readonly overlay: ReturnType<HostInfo["overlaySubnets"]>;
  /** pktmon component id → 1 physical NIC, 2 other, 0 not looked up yet. */
  private readonly physical = new Uint8Array(65536);
  /** Set before the first packet when the capture is pktmon (diagnose() does). */
  components: PktmonComponents | null;
  private fresh = true;
  private lastDropGroup = "";
  private lastDropNumber = -1;
  private readonly pktmonGroups = new Map<number, DropGroup>();

  constructor(o: FindingsOptions = {}) {
    this.host = o.inventory ? new HostInfo(o.inventory) : null;
    this.overlay = this.host ? this.host.overlaySubnets() : [];
    this.components = o.components ?? null;
  }

  private isPhysical(id: number): boolean {
    let v = this.physical[id & 0xffff];
    if (v === 0) {
      const c = this.components?.get(id);
      v = c && PHYSICAL_TYPES.has(c.type) ? 1 : 2;
      if (c) this.physical[id & 0xffff] = v;
      if (v === 1 && !this.g.ifNames.has(COMPONENT_BASE + id)) this.g.ifNames.set(COMPONENT_BASE + id, this.components!.label(id) ?? `component ${id}`);
    }
    return v === 1;
  }

  /** Every ETW record (a reader's onRecord hook): provider tallies for the capture-health checks. */
  record(rec: EtlRecord, _dec?: TraceDecoder): void {
    const id = rec.providerId;
    if (!id) return;
    this.g.providers.set(id, (this.g.providers.get(id) ?? 0) + 1);
    if (id === VMSWITCH_GUID) this.g.vmswitchEvents++;
    else if (id === WINNAT_GUID) this.g.winNatEvents++;
  }

  /**
   * Every packet sighting with its dissection (`d` may be reused after the call returns). `fresh`: whether this
   * sighting is a packet not seen before (FlowTable.add's answer, when a FlowTable sees the same packets), so
   * counts are of packets, not of sightings; true when unknown. `key`: FlowTable.lastKey after the same
   * packet's add() (saves extracting it again; null = the packet has no flow key).
   */
  packet(p: PacketRecord, d: Dissection, fresh = true, key?: PacketKey | null): void {
    this.fresh = fresh;
    const g = this.g;
    g.packets++;
    const t = p.ticks;
    if (g.firstTicks < 0) g.firstTicks = t;
    if (t > g.lastTicks) g.lastTicks = t;
    g.sources[p.source]++;
    const cap = p.bytes.length;
    if (cap > g.maxCaptured) g.maxCaptured = cap;
    if (cap < p.originalLength && !(p.pktmon && p.pktmon.drop)) g.truncated.add(p.number, t);
    if (p.ndis && p.ndis.ifName && !g.ifNames.has(p.ndis.miniportIfIndex)) g.ifNames.set(p.ndis.miniportIfIndex, p.ndis.ifName);
    if (p.pktmon && p.pktmon.drop) this.pktmonDrop(p, d);

    let k = this.k;
    if (key !== undefined) {
      if (key === null) return;
      k = key;
    } else if (!extractKey(d, k)) return;
    switch (k.kind) {
      case Kind.Tcp: this.tcp(p, d, k); break;
      case Kind.Udp: if ((k.sport === 53 || k.dport === 53) && d.has(Proto.Dns)) this.dns(p, d, k); break;
      case Kind.IcmpOther: this.icmp(p, d, k); break;
      case Kind.Arp: this.arp(p, d); break;
      default: break;
    }
    if (k.tunnel >= 0 && d.proto[k.tunnel] === Proto.Vxlan) this.vxlan(p, d, k);
    if (k.family === 4 && (k.kind === Kind.Tcp || k.kind === Kind.Udp || k.kind === Kind.Echo) && k.tunnel < 0) {
      if (p.source === "ndis") this.path(p, k, p.ndis!.miniportIfIndex);
      else if (p.pktmon && !p.pktmon.drop && this.components && this.isPhysical(p.pktmon.componentId)) this.path(p, k, COMPONENT_BASE + p.pktmon.componentId);
    }
    if (this.host && k.family === 4 && k.ip >= 0) this.hostChecks(p, d, k);
  }

  /** Every journey as it completes. */
  journey(j: Journey): void {
    const g = this.g;
    g.journeys++;
    for (const h of j.hops) {
      if (h.kind === "drop" && h.drop) {
        g.journeyDrops++;
        const byPkt = h.packet !== undefined ? g.dropByPacket.get(h.packet) : undefined;
        let grp = byPkt;
        if (grp && h.names && h.names.source === "inventory" && !grp.named) {
          grp.named = true;
          grp.location = grp.component !== undefined ? `${h.names.label} [pktmon component ${grp.component}]` : h.names.label;
        }
        if (!grp) {
          const where = h.names?.label ?? h.where.nicFriendly ?? h.where.nic ?? h.where.switchFriendly ?? h.where.switchName ?? "the vSwitch";
          const sw = h.where.switchFriendly ?? h.where.switchName;
          const loc = sw && !where.includes(sw) ? `${where} on vSwitch ${sw}` : where;
          grp = this.dropGroup(h.drop.reason, h.drop.reasonName, loc, h.drop.side);
          grp.distinct++;
          const pk = h.packet ?? (h.parent >= 0 ? j.hops[h.parent].packet : undefined);
          if (pk !== undefined) grp.refs.add(pk, h.ticks);
          else grp.refs.count(h.ticks);
          const f = j.hops[h.parent]?.frame ?? h.frame;
          if (f) {
            const facts = frameFacts(f.bytes, f.linkType);
            this.dropFacts(grp, f.length, facts?.ip ?? -1, f.bytes, (facts?.vni ?? -1) >= 0);
            // Dropped on the way out of an overlay host (netsh shows only the inner frame): VFP had encapsulated it.
            if (!grp.vxlan && this.overlay.length && this.external(h, true) && this.remoteOverlayDst(facts)) {
              grp.vxlan = true;
              grp.maxLength = Math.max(grp.maxLength, f.length + 50);
            }
          }
        }
        grp.journeys.add(j.id);
        if (grp.hops.length < 25) grp.hops.push({ journey: j.id, hop: h.index });
      }
      if (this.overlay.length && h.frame && this.external(h)) this.encapCheck(j, h.index, frameFacts(h.frame.bytes, h.frame.linkType), h.ticks, h.packet);
    }
  }

  finish(c: { flows: FlowsResult; reader?: PacketReader | null; topology?: Topology | null }): FindingsResult {
    return buildFindings(this.g, this.host, c.flows, c.reader ?? null);
  }

  // ---- per-packet checks ------------------------------------------------------------------------------------

  private dropGroup(reason: number, reasonName: string, location: string, side?: string): DropGroup {
    const key = `${reason}|${location}|${side ?? ""}`;
    let grp = this.g.drops.get(key);
    if (!grp) {
      grp = { reason, reasonName, location, side, refs: new Refs(), distinct: 0, journeys: new Set(), hops: [], maxLength: 0, vxlan: false, df: false, named: false };
      if (this.g.drops.size < MAX_KEYS) this.g.drops.set(key, grp);
    }
    return grp;
  }

  /** Size, DF, VXLAN and destination of a dropped frame, from its facts (journeys stage) or its dissection. */
  private dropFacts(grp: DropGroup, length: number, ip: number, bytes: Uint8Array, vxlan: boolean): void {
    if (length > grp.maxLength) grp.maxLength = length;
    if (vxlan) grp.vxlan = true;
    if (ip < 0 || ip + 20 > bytes.length || bytes[ip] >> 4 !== 4) return;
    if (bytes[ip + 6] & 0x40) grp.df = true;
    grp.dstIp ??= `${bytes[ip + 16]}.${bytes[ip + 17]}.${bytes[ip + 18]}.${bytes[ip + 19]}`;
  }

  private pktmonDrop(p: PacketRecord, d: Dissection): void {
    const m = p.pktmon!;
    const g = this.g;
    const ck = m.dropReason * 65536 + (m.componentId & 0xffff);
    let grp = this.pktmonGroups.get(ck);
    if (!grp) {
      const name = m.dropReasonName && m.dropReasonName !== String(m.dropReason) ? m.dropReasonName : dropReasonName(m.dropReason);
      const loc = m.componentName ? `${m.componentName} [component ${m.componentId}]` : `component ${m.componentId}`;
      grp = this.dropGroup(m.dropReason, name, loc);
      grp.component = m.componentId;
      this.pktmonGroups.set(ck, grp);
    }
    grp.refs.add(p.number, p.ticks);
    // WFP reports one drop per filter layer, one after another: a packet counts once.
    if (m.groupId !== this.lastDropGroup || m.pktNumber !== this.lastDropNumber) {
      this.lastDropGroup = m.groupId;
      this.lastDropNumber = m.pktNumber;
      grp.distinct++;
    }
    let ip = -1;
    for (let i = 0; i < d.n && ip < 0; i++) if (d.proto[i] === Proto.Ipv4) ip = d.start[i];
    this.dropFacts(grp, p.originalLength, ip, d.bytes, d.has(Proto.Vxlan));
    if (g.dropByPacket.size < 200000) g.dropByPacket.set(p.number, grp);
  }

  private tcp(p: PacketRecord, d: Dissection, k: PacketKey): void {
    const t = d.start[k.transport];
    if (t + 14 > d.length) return;
    const flags = d.u8(t + 13);
    const syn = (flags & 0x02) !== 0;
    const ack = (flags & 0x10) !== 0;
    const rst = (flags & 0x04) !== 0;
    if (!syn && !rst) return;
    (rst ? this.g.rst : ack ? this.g.synAck : this.g.syn).add(k, p.number, p.ticks, this.fresh);
  }

  private dns(p: PacketRecord, d: Dissection, k: PacketKey): void {
    let i = 0;
    while (i < d.n && d.proto[i] !== Proto.Dns) i++;
    const s = d.start[i];
    if (i >= d.n || s + 4 > d.length) return;
    const id = d.u16(s);
    const qr = d.u8(s + 2) & 0x80;
    const key = qr ? `${ipText(k, false)}:${k.dport}#${id}` : `${ipText(k, true)}:${k.sport}#${id}`;
    const map = qr ? this.g.dnsResponse : this.g.dnsQuery;
    let r = map.get(key);
    if (!r) {
      if (map.size >= MAX_KEYS) return;
      map.set(key, (r = new Refs()));
    }
    r.add(p.number, p.ticks);
  }

  private icmp(p: PacketRecord, d: Dissection, k: PacketKey): void {
    const t = d.start[k.transport];
    if (t + 8 > d.length) return;
    const type = d.u8(t);
    const code = d.u8(t + 1);
    const v6 = k.family === 6;
    const isErr = v6 ? type >= 1 && type <= 4 : type === 3 || type === 11 || type === 12;
    if (!isErr) return;
    const from = ipText(k, true);
    let to = "?";
    let quoted = "";
    const q = k.quotedIp;
    if (q >= 0) {
      const o = d.start[q];
      const qv4 = d.proto[q] === Proto.Ipv4;
      if (qv4 && o + 20 <= d.length) {
        const dst = d.u32(o + 16);
        to = `${dst >>> 24}.${(dst >>> 16) & 255}.${(dst >>> 8) & 255}.${dst & 255}`;
        const proto = d.u8(o + 9);
        const ihl = (d.u8(o) & 15) * 4;
        if ((proto === 6 || proto === 17) && o + ihl + 4 <= d.length) quoted = `${proto === 6 ? "tcp" : "udp"} ${to}:${d.u16(o + ihl + 2)}`;
        else quoted = `${proto === 1 ? "icmp" : `ip proto ${proto}`} ${to}`;
      } else if (!qv4 && o + 40 <= d.length) {
        to = addrText(6, [d.u32(o + 24), d.u32(o + 28), d.u32(o + 32), d.u32(o + 36)]);
        const nh = d.u8(o + 6);
        quoted = (nh === 6 || nh === 17) && o + 44 <= d.length ? `${nh === 6 ? "tcp" : "udp"} [${to}]:${d.u16(o + 42)}` : `ipv6 ${to}`;
      }
    }
    const key = `${type}/${code}/${from}/${quoted || to}`;
    let e = this.g.icmpErrors.get(key);
    if (!e) {
      if (this.g.icmpErrors.size >= MAX_KEYS) return;
      e = { type, code, v6, from, to, quoted, mtu: 0, refs: new Refs() };
      this.g.icmpErrors.set(key, e);
    }
    if (!v6 && type === 3 && code === 4) e.mtu = d.u16(t + 6);
    else if (v6 && type === 2) e.mtu = d.u32(t + 4);
    e.refs.add(p.number, p.ticks, this.fresh);
  }

  private arp(p: PacketRecord, d: Dissection): void {
    let i = 0;
    while (i < d.n && d.proto[i] !== Proto.Arp) i++;
    const o = d.start[i];
    if (i >= d.n || o + 28 > d.length) return;
    if (d.u16(o + 6) !== 1) return;
    const sender = d.u32(o + 14);
    const target = d.u32(o + 24);
    if (sender === target || sender === 0) return; // gratuitous / probe
    const key = `${addrText(4, [sender])}>${addrText(4, [target])}`;
    let r = this.g.arpReq.get(key);
    if (!r) {
      if (this.g.arpReq.size >= MAX_KEYS) return;
      this.g.arpReq.set(key, (r = new Refs()));
    }
    r.add(p.number, p.ticks);
  }

  private vxlan(p: PacketRecord, d: Dissection, k: PacketKey): void {
    const s = d.start[k.tunnel];
    if (s + 8 > d.length) return;
    const vni = d.u32(s + 4) >>> 8;
    let v = this.g.vni.get(vni);
    if (!v) {
      if (this.g.vni.size >= 4096) return;
      v = { vni, refs: new Refs(), inner: new Set(), maxOuter: 0, maxInner: 0, big: new Refs() };
      this.g.vni.set(vni, v);
    }
    v.refs.add(p.number, p.ticks, this.fresh);
    if (k.family === 4 && v.inner.size < 256) {
      v.inner.add(k.src[0]);
      v.inner.add(k.dst[0]);
    }
    const oip = k.outerIp;
    if (oip >= 0) {
      const o = d.start[oip];
      const outer = d.proto[oip] === Proto.Ipv4 ? d.u16(o + 2) : d.u16(o + 4) + 40;
      if (outer > v.maxOuter) v.maxOuter = outer;
      if (outer > 1500) v.big.add(p.number, p.ticks, this.fresh);
    }
    const i = d.start[k.ip];
    const inner = d.proto[k.ip] === Proto.Ipv4 ? d.u16(i + 2) : d.u16(i + 4) + 40;
    if (inner > v.maxInner) v.maxInner = inner;
  }

  private path(p: PacketRecord, k: PacketKey, iface: number): void {
    this.g.paths.add(k, hashWords(k.words), iface, p.number, p.ticks);
  }

  private hostChecks(p: PacketRecord, d: Dissection, k: PacketKey): void {
    const host = this.host!;
    const g = this.g;
    const src = k.src[0];
    const dst = k.dst[0];
    if (host.stale.size) {
      const hit = host.stale.has(dst) ? dst : host.stale.has(src) ? src : -1;
      if (hit >= 0) {
        let r = g.stale.get(hit);
        if (!r) g.stale.set(hit, (r = new Refs()));
        r.add(p.number, p.ticks, this.fresh);
      }
    }
    if (host.published.length && (k.kind === Kind.Tcp || k.kind === Kind.Udp)) {
      const proto = k.kind === Kind.Tcp ? 6 : 17;
      if (host.publishedPorts.has(k.dport) && host.hostIps.has(dst)) {
        const key = `${proto}:${addrText(4, [dst])}:${k.dport}`;
        let e = g.inbound.get(key);
        if (!e) {
          if (g.inbound.size >= MAX_KEYS) return;
          g.inbound.set(key, (e = { refs: new Refs(), sources: new Set(), hairpin: new Refs() }));
        }
        e.refs.add(p.number, p.ticks, this.fresh);
        if (e.sources.size < 64) e.sources.add(src);
        if (host.local.has(src)) e.hairpin.add(p.number, p.ticks, this.fresh);
      }
      for (const m of host.published) {
        if (m.proto === proto && m.internalIp === dst && m.internalPort === k.dport) {
          const key = `${m.proto}:${m.externalPort}`;
          let r = g.forwarded.get(key);
          if (!r) g.forwarded.set(key, (r = new Refs()));
          r.add(p.number, p.ticks);
        }
      }
    }
    void d;
  }

  /** A hop on the physical side of the host: an external vSwitch port or a physical NIC. */
  private external(h: Journey["hops"][number], dropOk = false): boolean {
    if (h.kind === "drop" && !dropOk) return false;
    if (h.names?.kind === "external-nic") return true;
    if (h.where.nicType === "External") return true;
    return false;
  }

  /** The overlay subnet of the frame's IPv4 destination when it is a remote overlay address (not on this host), else null. */
  /** The overlay subnet of an unencapsulated IPv4 frame's destination when that is a remote overlay address (not on this host). */
  private remoteOverlayDst(f: FrameFacts | null): { dst: number; sn: Subnet4 } | null {
    if (!f || f.v !== 4 || f.vni >= 0 || f.ip + 20 > f.bytes.length) return null;
    const b = f.bytes;
    const dst = ((b[f.ip + 16] << 24) | (b[f.ip + 17] << 16) | (b[f.ip + 18] << 8) | b[f.ip + 19]) >>> 0;
    const host = this.host!;
    if (host.local.has(dst) || host.hostIps.has(dst)) return null;
    const sn = this.overlay.find((s) => ((dst & s.mask) >>> 0) === s.base);
    return sn ? { dst, sn } : null;
  }

  private encapCheck(j: Journey, hop: number, facts: FrameFacts | null, ticks: number, packet: number | undefined): void {
    const r = this.remoteOverlayDst(facts);
    if (!r) return;
    const { dst, sn } = r;
    const dt = addrText(4, [dst]);
    let e = this.g.noEncap.get(dt);
    if (!e) {
      if (this.g.noEncap.size >= MAX_KEYS) return;
      e = { dst: dt, subnet: sn.text, network: sn.network, refs: new Refs(), journeys: new Set(), hops: [] };
      this.g.noEncap.set(dt, e);
    }
    if (!e.journeys.has(j.id)) {
      e.journeys.add(j.id);
      if (packet !== undefined) e.refs.add(packet, ticks);
      else e.refs.count(ticks);
    }
    if (e.hops.length < 25) e.hops.push({ journey: j.id, hop });
  }
}

export { NDISCAP_GUID, PKTMON_GUID };
