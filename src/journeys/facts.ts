/**
 * Frame facts: the handful of header values a journey compares between hops (MACs, VLAN, IP addresses, TTL,
 * ports, ICMP identifier, VXLAN outer header and inner frame), read straight from the bytes as numbers and
 * offsets — text is made only for what changed and for the journey's one-line description ("ICMP echo
 * 172.18.5.2 → 13.107.21.200"). The tcpdump-style frame summaries come from the dissectors (summarize()).
 * Also the hashes that link sightings of the same packet by content.
 */
import { macDash, ipv4Text, ipv6Text } from "../packets/mod.js";
import type { Change } from "./types.js";

/** LINKTYPE values the facts reader understands. */
const LT_ETHERNET = 1;
const LT_RAW_IP = 101;

export interface FrameFacts {
  readonly bytes: Uint8Array;
  /** Offset of the Ethernet header (-1: the frame starts at IP). */
  readonly eth: number;
  /** 802.1Q tag in the frame (-1: untagged). */
  readonly vlan: number;
  readonly etherType: number;
  /** Offset of the IP header (-1: none), its version, TTL/hop limit, IPv4 id (-1 for IPv6) and protocol. */
  readonly ip: number;
  readonly v: number;
  readonly ttl: number;
  readonly id: number;
  readonly proto: number;
  /** Transport: ports (-1 when absent), ICMP type/code/identifier/sequence (-1), TCP flags (-1). */
  readonly sport: number;
  readonly dport: number;
  readonly icmpType: number;
  readonly icmpCode: number;
  readonly icmpId: number;
  readonly icmpSeq: number;
  readonly tcpFlags: number;
  /** ARP: offset of the ARP header (-1), opcode. */
  readonly arp: number;
  readonly arpOp: number;
  /** VXLAN: VNI (-1) and the inner frame. */
  readonly vni: number;
  readonly inner: FrameFacts | null;
}

function u16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

function ipFacts(b: Uint8Array, eth: number, vlan: number, etherType: number, o: number, depth: number): FrameFacts | null {
  let v = 0, ttl = -1, id = -1, proto = -1, l4 = -1, end = b.length;
  if (o + 20 <= b.length && b[o] >> 4 === 4) {
    v = 4;
    const ihl = (b[o] & 15) * 4;
    ttl = b[o + 8];
    id = u16(b, o + 4);
    proto = b[o + 9];
    const total = u16(b, o + 2);
    if (total >= ihl) end = Math.min(end, o + total);
    if ((u16(b, o + 6) & 0x1fff) === 0 && ihl >= 20) l4 = o + ihl;
  } else if (o + 40 <= b.length && b[o] >> 4 === 6) {
    v = 6;
    ttl = b[o + 7];
    proto = b[o + 6];
    l4 = o + 40;
    // Extension headers (hop-by-hop, routing, destination options; a fragment ends the walk).
    for (let k = 0; k < 8 && (proto === 0 || proto === 43 || proto === 60) && l4 + 8 <= b.length; k++) {
      proto = b[l4];
      l4 += (b[l4 + 1] + 1) * 8;
    }
  } else {
    return { bytes: b, eth, vlan, etherType, ip: -1, v: 0, ttl: -1, id: -1, proto: -1, sport: -1, dport: -1, icmpType: -1, icmpCode: -1, icmpId: -1, icmpSeq: -1, tcpFlags: -1, arp: -1, arpOp: -1, vni: -1, inner: null };
  }
  let sport = -1, dport = -1, icmpType = -1, icmpCode = -1, icmpId = -1, icmpSeq = -1, tcpFlags = -1, vni = -1;
  let inner: FrameFacts | null = null;
  if (l4 >= 0) {
    if ((proto === 6 || proto === 17) && l4 + 4 <= b.length) {
      sport = u16(b, l4);
      dport = u16(b, l4 + 2);
      if (proto === 6 && l4 + 14 <= b.length) tcpFlags = b[l4 + 13];
      if (proto === 17 && dport === 4789 && l4 + 16 <= end && (b[l4 + 8] & 0x08) !== 0 && depth === 0) {
        vni = (b[l4 + 12] << 16) | (b[l4 + 13] << 8) | b[l4 + 14];
        inner = ethFacts(b, l4 + 16, 1);
      }
    } else if ((proto === 1 || proto === 58) && l4 + 2 <= b.length) {
      icmpType = b[l4];
      icmpCode = b[l4 + 1];
      const echo = proto === 1 ? icmpType === 0 || icmpType === 8 : icmpType === 128 || icmpType === 129;
      if (echo && l4 + 8 <= b.length) {
        icmpId = u16(b, l4 + 4);
        icmpSeq = u16(b, l4 + 6);
      }
    }
  }
  return { bytes: b, eth, vlan, etherType, ip: o, v, ttl, id, proto, sport, dport, icmpType, icmpCode, icmpId, icmpSeq, tcpFlags, arp: -1, arpOp: -1, vni, inner };
}

function ethFacts(b: Uint8Array, o: number, depth: number): FrameFacts | null {
  if (o + 14 > b.length) return null;
  let etherType = u16(b, o + 12);
  let vlan = -1;
  let p = o + 14;
  if ((etherType === 0x8100 || etherType === 0x88a8) && p + 4 <= b.length) {
    vlan = u16(b, p) & 0xfff;
    etherType = u16(b, p + 2);
    p += 4;
  }
  if (etherType === 0x0800 || etherType === 0x86dd) return ipFacts(b, o, vlan, etherType, p, depth);
  const arp = etherType === 0x0806 && p + 28 <= b.length && b[p + 4] === 6 && b[p + 5] === 4 ? p : -1;
  return {
    bytes: b, eth: o, vlan, etherType, ip: -1, v: 0, ttl: -1, id: -1, proto: -1, sport: -1, dport: -1, icmpType: -1, icmpCode: -1, icmpId: -1, icmpSeq: -1, tcpFlags: -1,
    arp, arpOp: arp >= 0 ? u16(b, arp + 6) : -1, vni: -1, inner: null,
  };
}

/** Facts of a captured frame (Ethernet or raw IP; null for anything else, e.g. 802.11). */
export function frameFacts(b: Uint8Array, linkType = LT_ETHERNET): FrameFacts | null {
  if (linkType === LT_ETHERNET) return ethFacts(b, 0, 0);
  if (linkType === LT_RAW_IP && b.length > 0) return ipFacts(b, -1, -1, b[0] >> 4 === 6 ? 0x86dd : 0x0800, 0, 0);
  return null;
}

function ipText(f: FrameFacts, dst: boolean): string {
  if (f.v === 4) return ipv4Text((f.bytes[f.ip + (dst ? 16 : 12)] << 24 | f.bytes[f.ip + (dst ? 17 : 13)] << 16 | f.bytes[f.ip + (dst ? 18 : 14)] << 8 | f.bytes[f.ip + (dst ? 19 : 15)]) >>> 0);
  return ipv6Text(f.bytes, f.ip + (dst ? 24 : 8));
}

function sameIp(a: FrameFacts, b: FrameFacts, dst: boolean): boolean {
  const n = a.v === 4 ? 4 : 16;
  const oa = a.ip + (a.v === 4 ? (dst ? 16 : 12) : dst ? 24 : 8);
  const ob = b.ip + (b.v === 4 ? (dst ? 16 : 12) : dst ? 24 : 8);
  for (let i = 0; i < n; i++) if (a.bytes[oa + i] !== b.bytes[ob + i]) return false;
  return true;
}

function sameMacAt(a: FrameFacts, b: FrameFacts, off: number): boolean {
  for (let i = 0; i < 6; i++) if (a.bytes[a.eth + off + i] !== b.bytes[b.eth + off + i]) return false;
  return true;
}

/** The frame's VLAN: its own 802.1Q tag, else the one the vSwitch carried out of band. */
function effectiveVlan(f: FrameFacts, oob: number | undefined): number {
  return f.vlan >= 0 ? f.vlan : oob ?? -1;
}

function vxlanText(f: FrameFacts): string {
  return `VXLAN ${ipText(f, false)} → ${ipText(f, true)} VNI ${f.vni}`;
}

/** Field names, plain and for the inner frame of a tunnel. */
const F = [
  { smac: "source MAC", dmac: "destination MAC", src4: "source IPv4", dst4: "destination IPv4", src6: "source IPv6", dst6: "destination IPv6", sport: "source port", dport: "destination port", icmpId: "ICMP identifier", ttl4: "IPv4 TTL", ttl6: "IPv6 hop limit" },
  { smac: "inner source MAC", dmac: "inner destination MAC", src4: "inner source IPv4", dst4: "inner destination IPv4", src6: "inner source IPv6", dst6: "inner destination IPv6", sport: "inner source port", dport: "inner destination port", icmpId: "inner ICMP identifier", ttl4: "inner IPv4 TTL", ttl6: "inner IPv6 hop limit" },
] as const;

function diffL2L3(a: FrameFacts, b: FrameFacts, inner: 0 | 1, out: Change[]): void {
  const n = F[inner];
  if (a.eth >= 0 && b.eth >= 0) {
    if (!sameMacAt(a, b, 6)) out.push({ field: n.smac, from: macDash(a.bytes, a.eth + 6), to: macDash(b.bytes, b.eth + 6) });
    if (!sameMacAt(a, b, 0)) out.push({ field: n.dmac, from: macDash(a.bytes, a.eth), to: macDash(b.bytes, b.eth) });
  }
  if (a.ip < 0 || b.ip < 0 || a.v !== b.v) return;
  const v4 = a.v === 4;
  if (!sameIp(a, b, false)) out.push({ field: v4 ? n.src4 : n.src6, from: ipText(a, false), to: ipText(b, false) });
  if (!sameIp(a, b, true)) out.push({ field: v4 ? n.dst4 : n.dst6, from: ipText(a, true), to: ipText(b, true) });
  if (a.proto === b.proto && (a.proto === 6 || a.proto === 17)) {
    if (a.sport !== b.sport) out.push({ field: n.sport, from: String(a.sport), to: String(b.sport) });
    if (a.dport !== b.dport) out.push({ field: n.dport, from: String(a.dport), to: String(b.dport) });
  }
  if (a.icmpId >= 0 && b.icmpId >= 0 && a.icmpId !== b.icmpId) out.push({ field: n.icmpId, from: String(a.icmpId), to: String(b.icmpId) });
  if (a.ttl !== b.ttl) out.push({ field: v4 ? n.ttl4 : n.ttl6, from: String(a.ttl), to: String(b.ttl) });
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
  if (!a.inner && b.inner) {
    out.push({ field: "encapsulation", from: "none", to: `${vxlanText(b)} (UDP ${b.sport} → ${b.dport})` });
    diffL2L3(a, b.inner, 1, out);
  } else if (a.inner && !b.inner) {
    out.push({ field: "encapsulation", from: vxlanText(a), to: "removed" });
    diffL2L3(a.inner, b, 0, out);
  } else {
    if (a.inner && b.inner && a.vni !== b.vni) out.push({ field: "VXLAN VNI", from: String(a.vni), to: String(b.vni) });
    diffL2L3(a, b, 0, out);
    if (a.inner && b.inner) diffL2L3(a.inner, b.inner, 1, out);
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

/** True when the facts say who talks to whom (an IP or ARP packet). */
export function addressed(f: FrameFacts | null): boolean {
  return !!f && (f.ip >= 0 || f.arp >= 0);
}

/** A short description of a packet for story lines: protocol, source and destination. */
export function describeFacts(f: FrameFacts | null, wireLength = 0, linkType = LT_ETHERNET): PacketDescription {
  if (!f) {
    const p = linkType === 105 ? "802.11" : "frame";
    return { protocol: p, src: "", dst: "", summary: `${p} (${wireLength} bytes)` };
  }
  if (f.inner) {
    const inner = describeFacts(f.inner);
    return { ...inner, summary: `${inner.summary} (VXLAN VNI ${f.vni} ${ipText(f, false)} → ${ipText(f, true)})` };
  }
  if (f.arp >= 0) {
    const b = f.bytes;
    const a = f.arp;
    const spa = `${b[a + 14]}.${b[a + 15]}.${b[a + 16]}.${b[a + 17]}`;
    const tpa = `${b[a + 24]}.${b[a + 25]}.${b[a + 26]}.${b[a + 27]}`;
    const s = f.arpOp === 1 ? `ARP who-has ${tpa} tell ${spa}` : f.arpOp === 2 ? `ARP reply ${spa} is-at ${macDash(b, a + 8)}` : `ARP op ${f.arpOp} ${spa} → ${tpa}`;
    return { protocol: "ARP", src: spa, dst: tpa, summary: s };
  }
  if (f.ip < 0) {
    const et = `0x${f.etherType.toString(16).padStart(4, "0")}`;
    const src = f.eth >= 0 ? macDash(f.bytes, f.eth + 6) : "";
    const dst = f.eth >= 0 ? macDash(f.bytes, f.eth) : "";
    return { protocol: `ethertype ${et}`, src, dst, summary: `ethertype ${et} ${src} → ${dst}` };
  }
  const src = ipText(f, false);
  const dst = ipText(f, true);
  if ((f.proto === 6 || f.proto === 17) && f.sport >= 0) {
    const name = f.proto === 6 ? "TCP" : "UDP";
    const app = WELL_KNOWN[Math.min(f.sport, f.dport)] ?? WELL_KNOWN[f.dport] ?? WELL_KNOWN[f.sport];
    const protocol = app && f.proto === 17 ? app : name;
    const host = (ip: string, port: number): string => (f.v === 6 ? `[${ip}]:${port}` : `${ip}:${port}`);
    let flags = "";
    if (f.tcpFlags >= 0) {
      for (const [bit, ch] of TCP_FLAGS) if (f.tcpFlags & bit) flags += ch;
      flags = ` [${flags || "none"}]`;
    }
    return { protocol, src: host(src, f.sport), dst: host(dst, f.dport), summary: `${protocol} ${host(src, f.sport)} → ${host(dst, f.dport)}${flags}` };
  }
  if (f.proto === 1 || f.proto === 58) {
    const t = (f.proto === 1 ? ICMP_NAMES : ICMP6_NAMES)[f.icmpType] ?? `${f.proto === 1 ? "ICMP" : "ICMPv6"} type ${f.icmpType}`;
    return { protocol: f.proto === 1 ? "ICMP" : "ICMPv6", src, dst, summary: `${t} ${src} → ${dst}` };
  }
  const p = f.proto === 2 ? "IGMP" : f.proto === 47 ? "GRE" : f.proto === 50 ? "ESP" : `IP proto ${f.proto}`;
  return { protocol: p, src, dst, summary: `${p} ${src} → ${dst}` };
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
  const end = Math.min(b.length, 64 + skip);
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
