/**
 * Frame builders for the lab: Ethernet (optionally 802.1Q-tagged), ARP, IPv4, IPv6, ICMP/ICMPv6 echo, UDP, TCP,
 * DNS, HTTP and VXLAN, all with correct checksums; plus a light parser (`peek`) and the rewrites the model
 * applies on the way (MAC rewrite, NAT of addresses and ports with checksum update, VLAN tag insert/remove,
 * VXLAN encapsulation/decapsulation). Own code on purpose: the lab must not depend on the dissectors it is the
 * ground truth for.
 */
import { concatBytes } from "../bytes/hex.js";

export const EtherType = { IPv4: 0x0800, ARP: 0x0806, VLAN: 0x8100, IPv6: 0x86dd } as const;
export const IpProto = { ICMP: 1, TCP: 6, UDP: 17, ICMPv6: 58 } as const;
export const TcpFlag = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;
export const VXLAN_PORT = 4789;

// ---- addresses -------------------------------------------------------------------------------------------

/** "00-15-5D-3A-90-01" or "00:15:5d:3a:90:01" → 6 bytes; throws on anything else. */
export function parseMac(s: string): Uint8Array {
  const m = /^([0-9a-fA-F]{2})[-:]([0-9a-fA-F]{2})[-:]([0-9a-fA-F]{2})[-:]([0-9a-fA-F]{2})[-:]([0-9a-fA-F]{2})[-:]([0-9a-fA-F]{2})$/.exec(s.trim());
  if (!m) throw new Error(`not a MAC address: "${s}"`);
  return Uint8Array.from(m.slice(1).map((h) => parseInt(h, 16)));
}

/** 6 bytes → "00-15-5D-3A-90-01" (HNS style; sep ":" and lower case for docker style). */
export function macText(b: Uint8Array, sep = "-", upper = true): string {
  const s = [...b.subarray(0, 6)].map((x) => x.toString(16).padStart(2, "0")).join(sep);
  return upper ? s.toUpperCase() : s;
}

export const BROADCAST_MAC = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
export const ZERO_MAC = new Uint8Array(6);

export function isBroadcast(mac: Uint8Array): boolean {
  return (mac[0] & 1) === 1;
}

export function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return false;
  return true;
}

const ipCache = new Map<string, Uint8Array>();

/** "10.0.0.4" → 4 bytes (a fresh copy). */
export function parseIpv4(s: string): Uint8Array {
  let b = ipCache.get(s);
  if (!b) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
    if (!m || m.slice(1).some((x) => Number(x) > 255)) throw new Error(`not an IPv4 address: "${s}"`);
    b = Uint8Array.from(m.slice(1).map(Number));
    if (ipCache.size > 100_000) ipCache.clear();
    ipCache.set(s, b);
  }
  return b.slice();
}

export function ipv4Text(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

export function ipv4Number(s: string): number {
  let b = ipCache.get(s);
  if (!b) b = parseIpv4(s);
  return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
}

export function ipv4FromNumber(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

const cidrCache = new Map<string, [number, number]>();

/** True when `ip` is inside `cidr` ("172.18.5.0/24"). */
export function inSubnet(ip: string, cidr: string): boolean {
  let c = cidrCache.get(cidr);
  if (!c) {
    const [net, len] = cidr.split("/");
    const bits = Number(len);
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    c = [mask, (ipv4Number(net) & mask) >>> 0];
    if (cidrCache.size > 10_000) cidrCache.clear();
    cidrCache.set(cidr, c);
  }
  return ((ipv4Number(ip) & c[0]) >>> 0) === c[1];
}

/** Full IPv6 text or "::" shorthand → 16 bytes. */
export function parseIpv6(s: string): Uint8Array {
  const t = s.trim();
  const halves = t.split("::");
  if (halves.length > 2) throw new Error(`not an IPv6 address: "${s}"`);
  const part = (x: string): number[] => (x ? x.split(":").map((h) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(h)) throw new Error(`not an IPv6 address: "${s}"`);
    return parseInt(h, 16);
  }) : []);
  const a = part(halves[0]);
  const b = halves.length === 2 ? part(halves[1]) : [];
  const words = halves.length === 2 ? [...a, ...new Array(8 - a.length - b.length).fill(0), ...b] : a;
  if (words.length !== 8) throw new Error(`not an IPv6 address: "${s}"`);
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  return out;
}

// ---- checksums ---------------------------------------------------------------------------------------------

function sum16(b: Uint8Array, start: number, end: number, acc = 0): number {
  let s = acc;
  let i = start;
  for (; i + 1 < end; i += 2) s += (b[i] << 8) | b[i + 1];
  if (i < end) s += b[i] << 8;
  return s;
}

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** Internet checksum of b[start, end). */
export function inetChecksum(b: Uint8Array, start = 0, end = b.length): number {
  return fold(sum16(b, start, end));
}

// ---- builders ----------------------------------------------------------------------------------------------

function concat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

export interface EthernetOptions {
  readonly dst: Uint8Array;
  readonly src: Uint8Array;
  readonly type: number;
  /** 802.1Q VLAN id (tag inserted when set). */
  readonly vlan?: number;
  readonly priority?: number;
  readonly payload: Uint8Array;
}

/** An Ethernet II frame (no FCS, as captures show them); pads to the 60-byte minimum like NICs do. */
export function ethernet(o: EthernetOptions): Uint8Array {
  const tag = o.vlan !== undefined;
  const head = new Uint8Array(tag ? 18 : 14);
  head.set(o.dst.subarray(0, 6), 0);
  head.set(o.src.subarray(0, 6), 6);
  const dv = new DataView(head.buffer);
  if (tag) {
    dv.setUint16(12, EtherType.VLAN);
    dv.setUint16(14, ((o.priority ?? 0) << 13) | (o.vlan! & 0xfff));
    dv.setUint16(16, o.type);
  } else {
    dv.setUint16(12, o.type);
  }
  const f = concat(head, o.payload);
  if (f.length >= 60) return f;
  const p = new Uint8Array(60);
  p.set(f);
  return p;
}

export interface ArpOptions {
  /** 1 request, 2 reply */
  readonly op: 1 | 2;
  readonly senderMac: Uint8Array;
  readonly senderIp: string;
  readonly targetMac: Uint8Array;
  readonly targetIp: string;
}

export function arp(o: ArpOptions): Uint8Array {
  const b = new Uint8Array(28);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, 1);
  dv.setUint16(2, EtherType.IPv4);
  b[4] = 6;
  b[5] = 4;
  dv.setUint16(6, o.op);
  b.set(o.senderMac, 8);
  b.set(parseIpv4(o.senderIp), 14);
  b.set(o.targetMac, 18);
  b.set(parseIpv4(o.targetIp), 24);
  return b;
}

export interface Ipv4Options {
  readonly src: string;
  readonly dst: string;
  readonly proto: number;
  readonly id?: number;
  readonly ttl?: number;
  readonly tos?: number;
  /** Don't Fragment (Windows sets it on TCP; ping does not). */
  readonly df?: boolean;
  readonly payload: Uint8Array;
}

export function ipv4(o: Ipv4Options): Uint8Array {
  const h = new Uint8Array(20);
  const dv = new DataView(h.buffer);
  h[0] = 0x45;
  h[1] = o.tos ?? 0;
  dv.setUint16(2, 20 + o.payload.length);
  dv.setUint16(4, o.id ?? 0);
  dv.setUint16(6, o.df ? 0x4000 : 0);
  h[8] = o.ttl ?? 128;
  h[9] = o.proto;
  h.set(parseIpv4(o.src), 12);
  h.set(parseIpv4(o.dst), 16);
  dv.setUint16(10, inetChecksum(h));
  return concat(h, o.payload);
}

export interface Ipv6Options {
  readonly src: string;
  readonly dst: string;
  readonly next: number;
  readonly hopLimit?: number;
  readonly flowLabel?: number;
  readonly payload: Uint8Array;
}

export function ipv6(o: Ipv6Options): Uint8Array {
  const h = new Uint8Array(40);
  const dv = new DataView(h.buffer);
  dv.setUint32(0, (6 << 28) | ((o.flowLabel ?? 0) & 0xfffff));
  dv.setUint16(4, o.payload.length);
  h[6] = o.next;
  h[7] = o.hopLimit ?? 128;
  h.set(parseIpv6(o.src), 8);
  h.set(parseIpv6(o.dst), 24);
  return concat(h, o.payload);
}

/** Sum of the IPv4/IPv6 pseudo-header for a transport checksum. */
function pseudo(src: Uint8Array, dst: Uint8Array, proto: number, len: number): number {
  let s = sum16(src, 0, src.length);
  s = sum16(dst, 0, dst.length, s);
  return s + proto + (len & 0xffff) + Math.floor(len / 0x10000);
}

function addrBytes(ip: string): Uint8Array {
  return ip.includes(":") ? parseIpv6(ip) : parseIpv4(ip);
}

/** ICMP (v4) echo request (8) or reply (0). */
export function icmpEcho(type: 0 | 8, id: number, seq: number, data: Uint8Array): Uint8Array {
  const b = new Uint8Array(8 + data.length);
  const dv = new DataView(b.buffer);
  b[0] = type;
  dv.setUint16(4, id);
  dv.setUint16(6, seq);
  b.set(data, 8);
  dv.setUint16(2, inetChecksum(b));
  return b;
}

/**
 * ICMP destination unreachable (type 3) with `code` (3 = port unreachable), quoting the offending IP packet as a
 * Linux peer does: as much of it as fits a 576-byte error (RFC 1812 §4.3.2.3; at least the header + 8 bytes).
 */
export function icmpUnreachable(code: number, quoted: Uint8Array): Uint8Array {
  const q = quoted.subarray(0, Math.min(quoted.length, 576 - 20 - 8));
  const b = new Uint8Array(8 + q.length);
  b[0] = 3;
  b[1] = code;
  b.set(q, 8);
  new DataView(b.buffer).setUint16(2, inetChecksum(b));
  return b;
}

/** ICMPv6 echo request (128) or reply (129), checksummed over the pseudo-header. */
export function icmpv6Echo(type: 128 | 129, id: number, seq: number, data: Uint8Array, src: string, dst: string): Uint8Array {
  const b = new Uint8Array(8 + data.length);
  const dv = new DataView(b.buffer);
  b[0] = type;
  dv.setUint16(4, id);
  dv.setUint16(6, seq);
  b.set(data, 8);
  dv.setUint16(2, fold(sum16(b, 0, b.length, pseudo(parseIpv6(src), parseIpv6(dst), IpProto.ICMPv6, b.length))));
  return b;
}

/** Windows ping's payload: "abcdefghijklmnopqrstuvw" repeated. */
export function pingData(size: number): Uint8Array {
  const a = "abcdefghijklmnopqrstuvw";
  const d = new Uint8Array(size);
  for (let i = 0; i < size; i++) d[i] = a.charCodeAt(i % a.length);
  return d;
}

export interface UdpOptions {
  readonly sport: number;
  readonly dport: number;
  readonly payload: Uint8Array;
}

export function udp(o: UdpOptions, src: string, dst: string): Uint8Array {
  const b = new Uint8Array(8 + o.payload.length);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, o.sport);
  dv.setUint16(2, o.dport);
  dv.setUint16(4, b.length);
  b.set(o.payload, 8);
  const c = fold(sum16(b, 0, b.length, pseudo(addrBytes(src), addrBytes(dst), IpProto.UDP, b.length)));
  dv.setUint16(6, c === 0 ? 0xffff : c);
  return b;
}

export interface TcpOptions {
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window?: number;
  /** Raw options (padded to 4 bytes here). */
  readonly options?: Uint8Array;
  readonly payload?: Uint8Array;
}

/** Windows' SYN options: MSS, NOP, window scale 8, NOP, NOP, SACK permitted. */
export function synOptions(mss = 1460): Uint8Array {
  return Uint8Array.of(2, 4, mss >> 8, mss & 0xff, 1, 3, 3, 8, 1, 1, 4, 2);
}

export function tcp(o: TcpOptions, src: string, dst: string): Uint8Array {
  const opt = o.options ?? new Uint8Array(0);
  const optLen = (opt.length + 3) & ~3;
  const hl = 20 + optLen;
  const payload = o.payload ?? new Uint8Array(0);
  const b = new Uint8Array(hl + payload.length);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, o.sport);
  dv.setUint16(2, o.dport);
  dv.setUint32(4, o.seq >>> 0);
  dv.setUint32(8, o.ack >>> 0);
  b[12] = (hl / 4) << 4;
  b[13] = o.flags;
  dv.setUint16(14, o.window ?? 64240);
  b.set(opt, 20);
  b.set(payload, hl);
  dv.setUint16(16, fold(sum16(b, 0, b.length, pseudo(addrBytes(src), addrBytes(dst), IpProto.TCP, b.length))));
  return b;
}

function dnsName(name: string): Uint8Array {
  const parts: number[] = [];
  for (const label of name.replace(/\.$/, "").split(".")) {
    parts.push(label.length);
    for (let i = 0; i < label.length; i++) parts.push(label.charCodeAt(i));
  }
  parts.push(0);
  return Uint8Array.from(parts);
}

/** A recursive DNS query for one name (type A = 1, AAAA = 28). */
export function dnsQuery(id: number, name: string, qtype = 1): Uint8Array {
  const h = new Uint8Array(12);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, id);
  dv.setUint16(2, 0x0100); // RD
  dv.setUint16(4, 1);
  const q = new Uint8Array(4);
  new DataView(q.buffer).setUint16(0, qtype);
  new DataView(q.buffer).setUint16(2, 1);
  return concat(h, dnsName(name), q);
}

/** The answer to dnsQuery: A records (compressed name pointer to the question), or rcode 3 (NXDOMAIN) when none. */
export function dnsResponse(id: number, name: string, addresses: readonly string[], ttl = 300, qtype = 1): Uint8Array {
  const h = new Uint8Array(12);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, id);
  dv.setUint16(2, 0x8180 | (addresses.length ? 0 : 3));
  dv.setUint16(4, 1);
  dv.setUint16(6, addresses.length);
  const q = new Uint8Array(4);
  new DataView(q.buffer).setUint16(0, qtype);
  new DataView(q.buffer).setUint16(2, 1);
  const answers = addresses.map((a) => {
    const r = new Uint8Array(16);
    const rv = new DataView(r.buffer);
    rv.setUint16(0, 0xc00c);
    rv.setUint16(2, 1);
    rv.setUint16(4, 1);
    rv.setUint32(6, ttl);
    rv.setUint16(10, 4);
    r.set(parseIpv4(a), 12);
    return r;
  });
  return concat(h, dnsName(name), q, ...answers);
}

const enc = new TextEncoder();

export function httpRequest(host: string, path = "/", method = "GET"): Uint8Array {
  return enc.encode(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1\r\nConnection: close\r\n\r\n`);
}

export function httpResponse(status: number, body: string, server = "Microsoft-IIS/10.0"): Uint8Array {
  const reason = status === 200 ? "OK" : status === 404 ? "Not Found" : status === 503 ? "Service Unavailable" : "Status";
  return enc.encode(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/html\r\nServer: ${server}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
}

/** VXLAN header (flags I, 24-bit VNI) followed by the inner frame. */
export function vxlan(vni: number, inner: Uint8Array): Uint8Array {
  const h = new Uint8Array(8);
  h[0] = 0x08;
  h[4] = (vni >>> 16) & 0xff;
  h[5] = (vni >>> 8) & 0xff;
  h[6] = vni & 0xff;
  return concat(h, inner);
}

export interface Ipv4FrameOptions extends Omit<Ipv4Options, "payload"> {
  readonly ethSrc: Uint8Array;
  readonly ethDst: Uint8Array;
  readonly vlan?: number;
  readonly payload: Uint8Array;
}

/** Ethernet + IPv4 + the given (already built) transport payload. */
export function ipv4Frame(o: Ipv4FrameOptions): Uint8Array {
  return ethernet({ dst: o.ethDst, src: o.ethSrc, type: EtherType.IPv4, vlan: o.vlan, payload: ipv4(o) });
}

/** Outer Ethernet + IPv4 + UDP (dst 4789) + VXLAN around `inner`. Source port from the inner flow hash. */
export function vxlanEncap(o: { outerSrcMac: Uint8Array; outerDstMac: Uint8Array; srcPa: string; dstPa: string; vni: number; sport: number; id?: number; inner: Uint8Array }): Uint8Array {
  const u = udp({ sport: o.sport, dport: VXLAN_PORT, payload: vxlan(o.vni, o.inner) }, o.srcPa, o.dstPa);
  // VFP leaves the outer UDP checksum 0 (allowed for IPv4); Windows does the same.
  u[6] = 0;
  u[7] = 0;
  return ipv4Frame({ ethSrc: o.outerSrcMac, ethDst: o.outerDstMac, src: o.srcPa, dst: o.dstPa, proto: IpProto.UDP, id: o.id, ttl: 128, df: false, payload: u });
}

// ---- parsing -----------------------------------------------------------------------------------------------

export interface Peek {
  readonly dstMac: Uint8Array;
  readonly srcMac: Uint8Array;
  readonly vlan: number | null;
  readonly etherType: number;
  /** Offset of the L3 header. */
  readonly l3: number;
  readonly ipVersion: 0 | 4 | 6;
  readonly src: string;
  readonly dst: string;
  readonly proto: number;
  /** Offset of the L4 header (−1 when none). */
  readonly l4: number;
  readonly sport: number;
  readonly dport: number;
  readonly tcpFlags: number;
  readonly icmpType: number;
  /** L3 packet length (IPv4 total length / IPv6 payload + 40 / 28 for ARP). */
  readonly l3Length: number;
  readonly arp?: { readonly op: number; readonly senderMac: Uint8Array; readonly senderIp: string; readonly targetMac: Uint8Array; readonly targetIp: string };
  /** VXLAN: VNI and the inner frame's offset. */
  readonly vxlan?: { readonly vni: number; readonly inner: number } | undefined;
}

function ipv6Text(b: Uint8Array, off: number): string {
  const w: string[] = [];
  for (let i = 0; i < 16; i += 2) w.push(((b[off + i] << 8) | b[off + i + 1]).toString(16));
  return w.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}

/** Parses the headers the model needs. Never throws on short frames (fields stay empty). */
export function peek(f: Uint8Array): Peek {
  const n = f.length;
  let type = n >= 14 ? (f[12] << 8) | f[13] : 0;
  let l3 = 14;
  let vlan: number | null = null;
  if (type === EtherType.VLAN && n >= 18) {
    vlan = ((f[14] << 8) | f[15]) & 0xfff;
    type = (f[16] << 8) | f[17];
    l3 = 18;
  }
  const dstMac = f.subarray(0, 6);
  const srcMac = f.subarray(6, 12);
  if (type === EtherType.ARP && n >= l3 + 28) {
    const senderIp = ipv4Text(f, l3 + 14), targetIp = ipv4Text(f, l3 + 24);
    return {
      dstMac, srcMac, vlan, etherType: type, l3, ipVersion: 0, src: senderIp, dst: targetIp, proto: 0, l4: -1, sport: 0, dport: 0, tcpFlags: 0, icmpType: -1, l3Length: 28,
      arp: { op: (f[l3 + 6] << 8) | f[l3 + 7], senderMac: f.subarray(l3 + 8, l3 + 14), senderIp, targetMac: f.subarray(l3 + 18, l3 + 24), targetIp },
    };
  }
  let ipVersion: 0 | 4 | 6 = 0, src = "", dst = "", proto = 0, l4 = -1, l3Length = 0;
  if (type === EtherType.IPv4 && n >= l3 + 20) {
    ipVersion = 4;
    l3Length = (f[l3 + 2] << 8) | f[l3 + 3];
    proto = f[l3 + 9];
    src = ipv4Text(f, l3 + 12);
    dst = ipv4Text(f, l3 + 16);
    l4 = l3 + (f[l3] & 0xf) * 4;
  } else if (type === EtherType.IPv6 && n >= l3 + 40) {
    ipVersion = 6;
    l3Length = ((f[l3 + 4] << 8) | f[l3 + 5]) + 40;
    proto = f[l3 + 6];
    src = ipv6Text(f, l3 + 8);
    dst = ipv6Text(f, l3 + 24);
    l4 = l3 + 40;
  }
  let sport = 0, dport = 0, tcpFlags = 0, icmpType = -1;
  let vx: Peek["vxlan"];
  if (l4 >= 0) {
    if ((proto === IpProto.TCP || proto === IpProto.UDP) && n >= l4 + 8) {
      sport = (f[l4] << 8) | f[l4 + 1];
      dport = (f[l4 + 2] << 8) | f[l4 + 3];
      if (proto === IpProto.TCP && n >= l4 + 14) tcpFlags = f[l4 + 13];
      if (proto === IpProto.UDP && dport === VXLAN_PORT && n >= l4 + 16 + 14) vx = { vni: (f[l4 + 12] << 16) | (f[l4 + 13] << 8) | f[l4 + 14], inner: l4 + 16 };
    } else if ((proto === IpProto.ICMP || proto === IpProto.ICMPv6) && n > l4) {
      icmpType = f[l4];
    }
  }
  return { dstMac, srcMac, vlan, etherType: type, l3, ipVersion, src, dst, proto, l4, sport, dport, tcpFlags, icmpType, l3Length, vxlan: vx };
}

// ---- rewrites (each returns a new frame) -------------------------------------------------------------------

/** Rewrites the Ethernet source and/or destination MAC. */
export function setMacs(f: Uint8Array, src?: Uint8Array, dst?: Uint8Array): Uint8Array {
  const o = f.slice();
  if (dst) o.set(dst.subarray(0, 6), 0);
  if (src) o.set(src.subarray(0, 6), 6);
  return o;
}

/** Recomputes the IPv4 header checksum and the TCP/UDP/ICMP checksum of an IPv4 frame in place. */
export function fixChecksums(o: Uint8Array): void {
  const p = peek(o);
  if (p.ipVersion !== 4) return;
  const dv = new DataView(o.buffer, o.byteOffset, o.byteLength);
  const ihl = (o[p.l3] & 0xf) * 4;
  dv.setUint16(p.l3 + 10, 0);
  dv.setUint16(p.l3 + 10, inetChecksum(o, p.l3, p.l3 + ihl));
  const end = Math.min(o.length, p.l3 + p.l3Length);
  const len = end - p.l4;
  const src = o.subarray(p.l3 + 12, p.l3 + 16);
  const dst = o.subarray(p.l3 + 16, p.l3 + 20);
  if (p.proto === IpProto.TCP && len >= 20) {
    dv.setUint16(p.l4 + 16, 0);
    dv.setUint16(p.l4 + 16, fold(sum16(o, p.l4, end, pseudo(src, dst, IpProto.TCP, len))));
  } else if (p.proto === IpProto.UDP && len >= 8) {
    if (dv.getUint16(p.l4 + 6) === 0) return; // checksum not used
    dv.setUint16(p.l4 + 6, 0);
    const c = fold(sum16(o, p.l4, end, pseudo(src, dst, IpProto.UDP, len)));
    dv.setUint16(p.l4 + 6, c === 0 ? 0xffff : c);
  } else if (p.proto === IpProto.ICMP && len >= 4) {
    dv.setUint16(p.l4 + 2, 0);
    dv.setUint16(p.l4 + 2, inetChecksum(o, p.l4, end));
  }
}

export interface NatRewrite {
  readonly src?: string;
  readonly dst?: string;
  readonly sport?: number;
  readonly dport?: number;
  /** ICMP echo identifier (WinNAT maps it like a port). */
  readonly icmpId?: number;
  /** Decrement the TTL (routing through the host). */
  readonly ttlDec?: boolean;
}

/** Rewrites IPv4 addresses / ports and fixes the checksums. */
export function natRewrite(f: Uint8Array, r: NatRewrite): Uint8Array {
  const o = f.slice();
  const p = peek(o);
  if (p.ipVersion !== 4) return o;
  const dv = new DataView(o.buffer, o.byteOffset, o.byteLength);
  if (r.src) o.set(parseIpv4(r.src), p.l3 + 12);
  if (r.dst) o.set(parseIpv4(r.dst), p.l3 + 16);
  if (r.ttlDec && o[p.l3 + 8] > 0) o[p.l3 + 8]--;
  if (p.proto === IpProto.TCP || p.proto === IpProto.UDP) {
    if (r.sport !== undefined) dv.setUint16(p.l4, r.sport);
    if (r.dport !== undefined) dv.setUint16(p.l4 + 2, r.dport);
  } else if (p.proto === IpProto.ICMP && r.icmpId !== undefined) {
    dv.setUint16(p.l4 + 4, r.icmpId);
  }
  fixChecksums(o);
  return o;
}

/** Decrements the IPv4 TTL (routing) and fixes the header checksum. */
export function decTtl(f: Uint8Array): Uint8Array {
  return natRewrite(f, { ttlDec: true });
}

/** Inserts an 802.1Q tag. */
export function addVlanTag(f: Uint8Array, vlan: number): Uint8Array {
  const o = new Uint8Array(f.length + 4);
  o.set(f.subarray(0, 12));
  o[12] = 0x81;
  o[13] = 0x00;
  o[14] = (vlan >> 8) & 0x0f;
  o[15] = vlan & 0xff;
  o.set(f.subarray(12), 16);
  return o;
}

/** Removes an 802.1Q tag (if any). */
export function removeVlanTag(f: Uint8Array): Uint8Array {
  if (f.length < 18 || f[12] !== 0x81 || f[13] !== 0x00) return f.slice();
  const o = new Uint8Array(f.length - 4);
  o.set(f.subarray(0, 12));
  o.set(f.subarray(16), 12);
  return o;
}

/** The inner frame of a VXLAN packet. */
export function vxlanDecap(f: Uint8Array): Uint8Array {
  const p = peek(f);
  if (!p.vxlan) throw new Error("not a VXLAN frame");
  return f.slice(p.vxlan.inner);
}

/** A 16-bit flow hash of a frame's addresses and ports (for VXLAN source ports and CPU choice). */
export function flowHash(f: Uint8Array): number {
  const p = peek(f);
  let h = 2166136261;
  const mix = (s: string | number): void => {
    const t = String(s);
    for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 16777619);
  };
  // Symmetric: both directions of a flow hash alike.
  const a = `${p.src}:${p.sport}`;
  const b = `${p.dst}:${p.dport}`;
  mix(a < b ? a + b : b + a);
  mix(p.proto);
  return (h >>> 0) & 0xffff;
}
