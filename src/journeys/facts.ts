/**
 * Frame facts: the handful of header values a journey compares between hops (MACs, VLAN, IP addresses, TTL,
 * ports, ICMP identifier, VXLAN outer header and inner frame), read from a Dissection. Also the journey's
 * one-line packet description ("ICMP echo 172.18.5.2 → 13.107.21.200") and the hashes that link sightings of
 * the same packet by content.
 */
import type { Dissecter } from "../packets/mod.js";
import { Dissection, Proto, macDash, ipv4Text, ipv6Text } from "../packets/mod.js";
import type { Change } from "./types.js";

export interface L3Facts {
  readonly v: 4 | 6;
  readonly src: string;
  readonly dst: string;
  /** IPv4 TTL / IPv6 hop limit. */
  readonly ttl: number;
  /** IPv4 identification (-1 for IPv6). */
  readonly id: number;
  readonly proto: number;
  readonly sport: number;
  readonly dport: number;
  /** ICMP/ICMPv6 type, code and echo identifier/sequence (-1 when not ICMP). */
  readonly icmpType: number;
  readonly icmpCode: number;
  readonly icmpId: number;
  readonly icmpSeq: number;
  /** TCP flags (-1 when not TCP). */
  readonly tcpFlags: number;
}

export interface FrameFacts {
  readonly srcMac: string;
  readonly dstMac: string;
  /** 802.1Q tag in the frame (-1: untagged). */
  readonly vlan: number;
  readonly etherType: number;
  readonly l3: L3Facts | null;
  /** ARP: opcode, sender and target IPv4. */
  readonly arp: { op: number; spa: string; tpa: string } | null;
  /** VXLAN: VNI and the inner frame. */
  readonly vxlan: { vni: number; inner: FrameFacts } | null;
}

const NO_L3: L3Facts | null = null;

/** Facts of an Ethernet frame starting at layer `from` of a dissection. */
function factsAt(d: Dissection, from: number): FrameFacts | null {
  if (from >= d.n || d.proto[from] !== Proto.Eth) return null;
  const b = d.bytes;
  const o = d.start[from];
  let etherType = d.u16(o + 12);
  let vlan = -1;
  let i = from + 1;
  if (i < d.n && d.proto[i] === Proto.Vlan) {
    vlan = d.u16(d.start[i]) & 0xfff;
    etherType = d.u16(d.start[i] + 2);
    i++;
  }
  let l3: L3Facts | null = NO_L3;
  let arp: FrameFacts["arp"] = null;
  let vxlan: FrameFacts["vxlan"] = null;
  if (i < d.n && d.proto[i] === Proto.Arp) {
    const a = d.start[i];
    if (a + 28 <= d.length && d.u8(a + 4) === 6 && d.u8(a + 5) === 4) arp = { op: d.u16(a + 6), spa: ipv4Text(d.u32(a + 14)), tpa: ipv4Text(d.u32(a + 24)) };
  } else if (i < d.n && (d.proto[i] === Proto.Ipv4 || d.proto[i] === Proto.Ipv6)) {
    const ip = d.start[i];
    const v4 = d.proto[i] === Proto.Ipv4;
    let proto = v4 ? d.u8(ip + 9) : d.u8(ip + 6);
    let sport = -1, dport = -1, icmpType = -1, icmpCode = -1, icmpId = -1, icmpSeq = -1, tcpFlags = -1;
    const t = i + 1;
    if (t < d.n) {
      const l4 = d.start[t];
      const p = d.proto[t];
      if (p === Proto.Tcp || p === Proto.Udp) {
        proto = p === Proto.Tcp ? 6 : 17;
        if (l4 + 4 <= d.length) {
          sport = d.u16(l4);
          dport = d.u16(l4 + 2);
        }
        if (p === Proto.Tcp && l4 + 14 <= d.length) tcpFlags = d.u8(l4 + 13);
        // VXLAN: the next layer after UDP, then the inner Ethernet.
        if (p === Proto.Udp && t + 1 < d.n && d.proto[t + 1] === Proto.Vxlan) {
          const x = d.start[t + 1];
          const inner = factsAt(d, t + 2);
          if (x + 8 <= d.length && inner) vxlan = { vni: d.u32(x + 4) >>> 8, inner };
        }
      } else if (p === Proto.Icmp || p === Proto.Icmpv6) {
        proto = p === Proto.Icmp ? 1 : 58;
        if (l4 + 2 <= d.length) {
          icmpType = d.u8(l4);
          icmpCode = d.u8(l4 + 1);
        }
        const echo = p === Proto.Icmp ? icmpType === 0 || icmpType === 8 : icmpType === 128 || icmpType === 129;
        if (echo && l4 + 8 <= d.length) {
          icmpId = d.u16(l4 + 4);
          icmpSeq = d.u16(l4 + 6);
        }
      }
    }
    l3 = {
      v: v4 ? 4 : 6,
      src: v4 ? ipv4Text(d.u32(ip + 12)) : ipv6Text(b, ip + 8),
      dst: v4 ? ipv4Text(d.u32(ip + 16)) : ipv6Text(b, ip + 24),
      ttl: v4 ? d.u8(ip + 8) : d.u8(ip + 7),
      id: v4 ? d.u16(ip + 4) : -1,
      proto, sport, dport, icmpType, icmpCode, icmpId, icmpSeq, tcpFlags,
    };
  }
  return { srcMac: macDash(b, o + 6), dstMac: macDash(b, o), vlan, etherType, l3, arp, vxlan };
}

/** Facts of a dissected frame (null when it is not Ethernet). */
export function frameFacts(d: Dissection): FrameFacts | null {
  return factsAt(d, 0);
}

/** The frame's VLAN: its own 802.1Q tag, else the one the vSwitch carried out of band. */
function effectiveVlan(f: FrameFacts, oob: number | undefined): number {
  return f.vlan >= 0 ? f.vlan : oob ?? -1;
}

function vxlanText(f: FrameFacts): string {
  const l3 = f.l3!;
  return `VXLAN ${l3.src} → ${l3.dst} VNI ${f.vxlan!.vni}`;
}

function diffL2L3(a: FrameFacts, b: FrameFacts, prefix: string, out: Change[]): void {
  if (a.srcMac !== b.srcMac) out.push({ field: `${prefix}source MAC`, from: a.srcMac, to: b.srcMac });
  if (a.dstMac !== b.dstMac) out.push({ field: `${prefix}destination MAC`, from: a.dstMac, to: b.dstMac });
  const x = a.l3;
  const y = b.l3;
  if (!x || !y || x.v !== y.v) return;
  const ipv = x.v === 4 ? "IPv4" : "IPv6";
  if (x.src !== y.src) out.push({ field: `${prefix}source ${ipv}`, from: x.src, to: y.src });
  if (x.dst !== y.dst) out.push({ field: `${prefix}destination ${ipv}`, from: x.dst, to: y.dst });
  if (x.proto === y.proto && (x.proto === 6 || x.proto === 17)) {
    if (x.sport !== y.sport) out.push({ field: `${prefix}source port`, from: String(x.sport), to: String(y.sport) });
    if (x.dport !== y.dport) out.push({ field: `${prefix}destination port`, from: String(x.dport), to: String(y.dport) });
  }
  if (x.icmpId >= 0 && y.icmpId >= 0 && x.icmpId !== y.icmpId) out.push({ field: `${prefix}ICMP identifier`, from: String(x.icmpId), to: String(y.icmpId) });
  if (x.ttl !== y.ttl) out.push({ field: `${prefix}${x.v === 4 ? "IPv4 TTL" : "IPv6 hop limit"}`, from: String(x.ttl), to: String(y.ttl) });
}

/**
 * What changed from frame `a` to frame `b`: MACs, VLAN (the frame's tag or the vSwitch's out-of-band VLAN),
 * addresses, ports, ICMP identifier, TTL, and VXLAN encapsulation/decapsulation (with the inner frame compared
 * as "inner …" after an encapsulation). Field names and value texts follow the lab's ground truth.
 */
export function diffFacts(a: FrameFacts, b: FrameFacts, vlanA?: number, vlanB?: number): Change[] {
  const out: Change[] = [];
  const va = effectiveVlan(a, vlanA);
  const vb = effectiveVlan(b, vlanB);
  if (va !== vb) out.push({ field: "VLAN", from: va < 0 ? "none" : String(va), to: vb < 0 ? "none" : String(vb) });
  if (!a.vxlan && b.vxlan) {
    const y = b.l3!;
    out.push({ field: "encapsulation", from: "none", to: `${vxlanText(b)} (UDP ${y.sport} → ${y.dport})` });
    diffL2L3(a, b.vxlan.inner, "inner ", out);
  } else if (a.vxlan && !b.vxlan) {
    out.push({ field: "encapsulation", from: vxlanText(a), to: "removed" });
    diffL2L3(a.vxlan.inner, b, "", out);
  } else {
    if (a.vxlan && b.vxlan && a.vxlan.vni !== b.vxlan.vni) out.push({ field: "VXLAN VNI", from: String(a.vxlan.vni), to: String(b.vxlan.vni) });
    diffL2L3(a, b, "", out);
    if (a.vxlan && b.vxlan) diffL2L3(a.vxlan.inner, b.vxlan.inner, "inner ", out);
  }
  return out;
}

const ICMP_NAMES: Record<number, string> = {
  0: "ICMP echo reply", 3: "ICMP unreachable", 5: "ICMP redirect", 8: "ICMP echo", 11: "ICMP time exceeded", 12: "ICMP parameter problem",
};
const ICMP6_NAMES: Record<number, string> = {
  1: "ICMPv6 unreachable", 2: "ICMPv6 packet too big", 3: "ICMPv6 time exceeded", 128: "ICMPv6 echo", 129: "ICMPv6 echo reply",
  133: "ICMPv6 router solicitation", 134: "ICMPv6 router advertisement", 135: "ICMPv6 neighbor solicitation", 136: "ICMPv6 neighbor advertisement",
  143: "MLDv2 report",
};
const TCP_FLAGS: [number, string][] = [[0x02, "S"], [0x01, "F"], [0x04, "R"], [0x08, "P"], [0x10, "."]];

const WELL_KNOWN: Record<number, string> = { 53: "DNS", 67: "DHCP", 68: "DHCP", 80: "HTTP", 443: "HTTPS", 445: "SMB", 5353: "mDNS", 5355: "LLMNR", 1900: "SSDP", 4789: "VXLAN" };

export interface PacketDescription {
  readonly protocol: string;
  readonly src: string;
  readonly dst: string;
  readonly summary: string;
}

/** A short description of a packet for story lines: protocol, source and destination. */
export function describeFacts(f: FrameFacts | null, d: Dissection): PacketDescription {
  if (!f) {
    if (d.n > 0 && (d.proto[0] === Proto.Ipv4 || d.proto[0] === Proto.Ipv6)) {
      const o = d.start[0];
      const v4 = d.proto[0] === Proto.Ipv4;
      const src = v4 ? ipv4Text(d.u32(o + 12)) : ipv6Text(d.bytes, o + 8);
      const dst = v4 ? ipv4Text(d.u32(o + 16)) : ipv6Text(d.bytes, o + 24);
      return { protocol: v4 ? "IPv4" : "IPv6", src, dst, summary: `${v4 ? "IPv4" : "IPv6"} ${src} → ${dst}` };
    }
    const p = d.n > 0 && d.proto[0] === Proto.Dot11 ? "802.11" : "frame";
    return { protocol: p, src: "", dst: "", summary: `${p} (${d.wireLength} bytes)` };
  }
  if (f.vxlan) {
    const inner = describeFacts(f.vxlan.inner, d);
    return { ...inner, summary: `${inner.summary} (VXLAN VNI ${f.vxlan.vni} ${f.l3!.src} → ${f.l3!.dst})` };
  }
  if (f.arp) {
    const a = f.arp;
    const s = a.op === 1 ? `ARP who-has ${a.tpa} tell ${a.spa}` : a.op === 2 ? `ARP reply ${a.spa} is-at ${f.srcMac}` : `ARP op ${a.op} ${a.spa} → ${a.tpa}`;
    return { protocol: "ARP", src: a.spa, dst: a.tpa, summary: s };
  }
  const l = f.l3;
  if (!l) {
    const et = `0x${f.etherType.toString(16).padStart(4, "0")}`;
    return { protocol: `ethertype ${et}`, src: f.srcMac, dst: f.dstMac, summary: `ethertype ${et} ${f.srcMac} → ${f.dstMac}` };
  }
  if (l.proto === 6 || l.proto === 17) {
    const name = l.proto === 6 ? "TCP" : "UDP";
    const app = WELL_KNOWN[Math.min(l.sport, l.dport)] ?? WELL_KNOWN[l.dport] ?? WELL_KNOWN[l.sport];
    const protocol = app && l.proto === 17 ? app : name;
    const host = (ip: string, port: number): string => (l.v === 6 ? `[${ip}]:${port}` : `${ip}:${port}`);
    let flags = "";
    if (l.tcpFlags >= 0) {
      for (const [bit, ch] of TCP_FLAGS) if (l.tcpFlags & bit) flags += ch;
      flags = ` [${flags || "none"}]`;
    }
    return { protocol, src: host(l.src, l.sport), dst: host(l.dst, l.dport), summary: `${protocol} ${host(l.src, l.sport)} → ${host(l.dst, l.dport)}${flags}` };
  }
  if (l.proto === 1 || l.proto === 58) {
    const t = (l.proto === 1 ? ICMP_NAMES : ICMP6_NAMES)[l.icmpType] ?? `${l.proto === 1 ? "ICMP" : "ICMPv6"} type ${l.icmpType}`;
    return { protocol: l.proto === 1 ? "ICMP" : "ICMPv6", src: l.src, dst: l.dst, summary: `${t} ${l.src} → ${l.dst}` };
  }
  const p = l.proto === 2 ? "IGMP" : l.proto === 47 ? "GRE" : l.proto === 50 ? "ESP" : `IP proto ${l.proto}`;
  return { protocol: p, src: l.src, dst: l.dst, summary: `${p} ${l.src} → ${l.dst}` };
}

/** Dissects bytes (Ethernet unless told) into `d` and returns its facts. */
export function factsOf(dis: Dissecter, d: Dissection, bytes: Uint8Array, wireLength: number, linkType = 1): FrameFacts | null {
  dis.run(d, bytes, wireLength, linkType);
  return frameFacts(d);
}

// ---- content keys ----------------------------------------------------------------------------------------

/** Start of the bytes after an 802.1Q tag, or 0: links compare frames as if untagged (the vSwitch carries VLANs out of band). */
export function untaggedSkip(b: Uint8Array): number {
  return b.length >= 18 && b[12] === 0x81 && b[13] === 0x00 ? 4 : 0;
}

/** Hash of a frame's first bytes and its length, VLAN tag ignored (a lookup key; equality is checked with sameFrame). */
export function frameHash(b: Uint8Array): number {
  const skip = untaggedSkip(b);
  const n = b.length - skip;
  let h = 0x811c9dc5 ^ n;
  const end = Math.min(b.length, 96 + skip);
  for (let i = 0; i < end; i++) {
    if (i === 12 && skip) i += 4;
    h = Math.imul(h ^ b[i], 16777619);
  }
  return h >>> 0;
}

/** Same frame bytes, ignoring an 802.1Q tag on either side. */
export function sameFrame(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  const sa = untaggedSkip(a);
  const sb = untaggedSkip(b);
  if (a.length - sa !== b.length - sb) return false;
  for (let i = 0; i < 12; i++) if (a[i] !== b[i]) return false;
  for (let i = 12 + sa, j = 12 + sb; i < a.length; i++, j++) if (a[i] !== b[j]) return false;
  return true;
}

/** Byte equality (no VLAN leniency). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A key that survives NAT (addresses, ports, ICMP identifier, TTL, MACs and checksums rewritten): IPv4
 * identification, protocol, total length and the transport bytes that a translator leaves alone (TCP sequence,
 * acknowledgment, flags, window and payload; UDP payload; ICMP type, code, sequence and data). 0 when the frame
 * is not IPv4.
 */
export function natInvariantHash(b: Uint8Array): number {
  let o = 12 + untaggedSkip(b);
  if (b.length < o + 22 || b[o] !== 0x08 || b[o + 1] !== 0x00) return 0;
  o += 2;
  if (b[o] >> 4 !== 4) return 0;
  const ihl = (b[o] & 15) * 4;
  const proto = b[o + 9];
  let h = Math.imul(0x811c9dc5 ^ ((b[o + 4] << 8) | b[o + 5]), 16777619);
  h = Math.imul(h ^ proto, 16777619);
  h = Math.imul(h ^ ((b[o + 2] << 8) | b[o + 3]), 16777619);
  const l4 = o + ihl;
  let from: number;
  if (proto === 6) from = l4 + 4; // seq, ack, offset/flags, window; skip checksum below
  else if (proto === 17) from = l4 + 8;
  else if (proto === 1) from = l4 + 6; // sequence + data (type/code added below)
  else from = l4;
  if (proto === 1 && b.length >= l4 + 2) h = Math.imul(h ^ ((b[l4] << 8) | b[l4 + 1]), 16777619);
  const end = Math.min(b.length, from + 64);
  for (let i = from; i < end; i++) {
    if (proto === 6 && (i === l4 + 16 || i === l4 + 17)) continue; // TCP checksum
    h = Math.imul(h ^ b[i], 16777619);
  }
  return (h >>> 0) || 1;
}

/** New Dissection for callers that need their own (facts are read from it right away). */
export function newDissection(): Dissection {
  return new Dissection();
}
