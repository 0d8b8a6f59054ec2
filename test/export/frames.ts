/**
 * Tiny frame builders for synthetic captures: Ethernet (optionally 802.1Q), IPv4/IPv6, TCP/UDP/ICMP, VXLAN and
 * NVGRE (GRE with key, Transparent Ethernet Bridging). Checksums are computed so that other tools see valid
 * packets.
 */
export type Bytes = Uint8Array;

export function cat(...parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function mac(s: string): Bytes {
  return Uint8Array.from(s.split(":"), (x) => parseInt(x, 16));
}

export function ip4(s: string): Bytes {
  return Uint8Array.from(s.split("."), Number);
}

/** IPv6 text (with at most one "::") → 16 bytes. */
export function ip6(s: string): Bytes {
  const [a, b] = s.split("::");
  const head = a ? a.split(":") : [];
  const tail = b !== undefined && b ? b.split(":") : [];
  const words = b === undefined ? head : [...head, ...Array(8 - head.length - tail.length).fill("0"), ...tail];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    const v = parseInt(w, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 255;
  });
  return out;
}

function checksum(b: Bytes, start = 0, end = b.length, initial = 0): number {
  let s = initial;
  for (let i = start; i < end; i += 2) s += (b[i] << 8) | (i + 1 < end ? b[i + 1] : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

function sum(b: Bytes): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | (i + 1 < b.length ? b[i + 1] : 0);
  return s;
}

const u16 = (v: number): Bytes => Uint8Array.of(v >> 8, v & 255);
const u32 = (v: number): Bytes => Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);

export function ether(dst: string, src: string, type: number, payload: Bytes, vlan?: number): Bytes {
  const tag = vlan !== undefined ? cat(u16(0x8100), u16(vlan & 0xfff)) : new Uint8Array(0);
  return cat(mac(dst), mac(src), tag, u16(type), payload);
}

export function ipv4(src: string, dst: string, proto: number, payload: Bytes, ttl = 64, id = 0x1234): Bytes {
  const h = new Uint8Array(20);
  const dv = new DataView(h.buffer);
  h[0] = 0x45;
  dv.setUint16(2, 20 + payload.length);
  dv.setUint16(4, id);
  dv.setUint16(6, 0x4000);
  h[8] = ttl;
  h[9] = proto;
  h.set(ip4(src), 12);
  h.set(ip4(dst), 16);
  dv.setUint16(10, checksum(h));
  return cat(h, l4Checksummed(proto, payload, cat(ip4(src), ip4(dst))));
}

export function ipv6(src: string, dst: string, next: number, payload: Bytes, hlim = 64): Bytes {
  const h = new Uint8Array(40);
  const dv = new DataView(h.buffer);
  dv.setUint32(0, 0x60000000);
  dv.setUint16(4, payload.length);
  h[6] = next;
  h[7] = hlim;
  h.set(ip6(src), 8);
  h.set(ip6(dst), 24);
  return cat(h, l4Checksummed(next, payload, cat(ip6(src), ip6(dst))));
}

/** Fills in the TCP/UDP checksum (pseudo-header from the addresses). */
function l4Checksummed(proto: number, seg: Bytes, addrs: Bytes): Bytes {
  const at = proto === 6 ? 16 : proto === 17 ? 6 : -1;
  if (at < 0 || seg.length < at + 2) return seg;
  const s = seg.slice();
  s[at] = 0;
  s[at + 1] = 0;
  const pseudo = sum(addrs) + proto + s.length;
  let c = checksum(s, 0, s.length, pseudo);
  if (proto === 17 && c === 0) c = 0xffff;
  s[at] = c >> 8;
  s[at + 1] = c & 255;
  return s;
}

export function udp(sport: number, dport: number, payload: Bytes): Bytes {
  return cat(u16(sport), u16(dport), u16(8 + payload.length), u16(0), payload);
}

/** TCP flags: FIN 1, SYN 2, RST 4, PSH 8, ACK 16. */
export function tcp(sport: number, dport: number, flags: number, payload: Bytes = new Uint8Array(0), seq = 1000, ack = 0): Bytes {
  const h = new Uint8Array(20);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, sport);
  dv.setUint16(2, dport);
  dv.setUint32(4, seq);
  dv.setUint32(8, ack);
  h[12] = 5 << 4;
  h[13] = flags;
  dv.setUint16(14, 64240);
  return cat(h, payload);
}

export function icmpEcho(type: 8 | 0, id: number, seq: number, data: Bytes): Bytes {
  const m = cat(Uint8Array.of(type, 0, 0, 0), u16(id), u16(seq), data);
  const c = checksum(m);
  m[2] = c >> 8;
  m[3] = c & 255;
  return m;
}

export function vxlan(vni: number, inner: Bytes): Bytes {
  return cat(Uint8Array.of(0x08, 0, 0, 0), u32((vni << 8) >>> 0), inner);
}

/** NVGRE: GRE with the Key bit, protocol 0x6558, key = VSID << 8 | FlowID. */
export function nvgre(vsid: number, flowId: number, inner: Bytes): Bytes {
  return cat(u16(0x2000), u16(0x6558), u32(((vsid << 8) | flowId) >>> 0), inner);
}

/** A DNS query for `name` (type A). */
export function dnsQuery(id: number, name: string): Bytes {
  const labels = name.split(".").flatMap((l) => [l.length, ...Array.from(l, (c) => c.charCodeAt(0))]);
  return cat(u16(id), u16(0x0100), u16(1), u16(0), u16(0), u16(0), Uint8Array.from([...labels, 0]), u16(1), u16(1));
}

export function text(s: string): Bytes {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
