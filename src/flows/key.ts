/**
 * Packet → flow key, without allocation: the addresses, protocol and ports of a dissected packet go into a
 * reused PacketKey, then into 10 u32 words ordered so that both directions give the same words (the lower
 * endpoint first), and a FlowIndex (open addressing over typed arrays) maps those words to a flow number.
 *
 * Which layers key a packet:
 *   - the innermost IP layer and the transport after it (VXLAN/GRE/IP-in-IP: the inner packet; the outer IP
 *     and UDP are kept as the tunnel view);
 *   - ICMP/ICMPv6 stop the walk: an error's quoted packet is not the packet's flow (it is looked up separately
 *     to note the error on the flow it refers to);
 *   - echo request/reply: the identifier is both "ports" (one flow per ping session), other ICMP types: port 0;
 *   - ARP: the sender and target IPv4 addresses (a request and its reply are one flow);
 *   - IPv4 fragments after the first have no transport header: they are given the flow of their first fragment
 *     when it was seen (same addresses, protocol and IP id).
 */
import type { Dissection } from "../packets/mod.js";
import { Proto } from "../packets/mod.js";
import { grown } from "../bytes/arrays.js";

export const Kind = { None: 0, Tcp: 1, Udp: 2, Echo: 3, IcmpOther: 4, Arp: 5, IpOther: 6 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Words per key: [kind | family << 8 | ipProto << 16, low address ×4, high address ×4, lowPort << 16 | highPort]. */
export const KEY_WORDS = 10;

export class PacketKey {
  kind: Kind = Kind.None;
  /** 4, 6 (ARP: 4). */
  family = 0;
  ipProto = 0;
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  sport = 0;
  dport = 0;
  /** Layer indexes in the dissection (-1 when absent). */
  ip = -1;
  transport = -1;
  /** Tunnel: outer IP layer, outer transport (UDP for VXLAN), tunnel layer (-1 when none). */
  outerIp = -1;
  outerTransport = -1;
  tunnel = -1;
  /** ICMP error quoting a packet: the quoted IP layer (-1 when none). */
  quotedIp = -1;
  /** Canonical key words and whether the packet goes high → low. */
  readonly words = new Uint32Array(KEY_WORDS);
  reversed = false;
}

function readAddr(d: Dissection, ip: number, srcOff: boolean, out: Uint32Array): void {
  const o = d.start[ip];
  if (d.proto[ip] === Proto.Ipv4) {
    out[0] = d.u32(o + (srcOff ? 12 : 16));
    out[1] = 0;
    out[2] = 0;
    out[3] = 0;
  } else {
    const b = o + (srcOff ? 8 : 24);
    out[0] = d.u32(b);
    out[1] = d.u32(b + 4);
    out[2] = d.u32(b + 8);
    out[3] = d.u32(b + 12);
  }
}

function isEcho(family: number, type: number): boolean {
  return family === 4 ? type === 8 || type === 0 || type === 13 || type === 14 : type === 128 || type === 129;
}

/** Fills k from the dissection; returns false when the packet has no flow (not IP, not ARP, cut too short). */
export function extractKey(d: Dissection, k: PacketKey): boolean {
  let ip = -1;
  let tr = -1;
  let tunnel = -1;
  let outerIp = -1;
  let outerTr = -1;
  let arp = -1;
  let quoted = -1;
  const n = d.n;
  for (let i = 0; i < n; i++) {
    const p = d.proto[i];
    if (p === Proto.Ipv4 || p === Proto.Ipv6) {
      if (ip >= 0 && tr < 0 && tunnel < 0) {
        // IP directly in IP (IPv6-in-IPv4, IP-in-IP): the outer one is a tunnel.
        tunnel = i;
        outerIp = ip;
      }
      ip = i;
      tr = -1;
    } else if (p === Proto.Tcp || p === Proto.Udp) {
      tr = i;
    } else if (p === Proto.Icmp || p === Proto.Icmpv6) {
      tr = i;
      if (i + 1 < n && (d.proto[i + 1] === Proto.Ipv4 || d.proto[i + 1] === Proto.Ipv6)) quoted = i + 1;
      break;
    } else if (p === Proto.Vxlan || p === Proto.Gre) {
      if (tunnel < 0) {
        tunnel = i;
        outerIp = ip;
        outerTr = tr;
      }
    } else if (p === Proto.Arp) {
      arp = i;
      break;
    }
  }
  k.ip = ip;
  k.transport = tr;
  k.tunnel = tunnel;
  k.outerIp = outerIp;
  k.outerTransport = outerTr;
  k.quotedIp = quoted;
  if (ip < 0) {
    if (arp < 0) return false;
    return arpKey(d, arp, k);
  }
  const o = d.start[ip];
  const v4 = d.proto[ip] === Proto.Ipv4;
  k.family = v4 ? 4 : 6;
  readAddr(d, ip, true, k.src);
  readAddr(d, ip, false, k.dst);
  k.sport = 0;
  k.dport = 0;
  if (tr < 0) {
    k.kind = Kind.IpOther;
    k.ipProto = v4 ? d.u8(o + 9) : d.u8(o + 6);
  } else {
    const t = d.start[tr];
    const tp = d.proto[tr];
    if (tp === Proto.Tcp || tp === Proto.Udp) {
      if (t + 4 > d.length) return false;
      k.kind = tp === Proto.Tcp ? Kind.Tcp : Kind.Udp;
      k.ipProto = tp === Proto.Tcp ? 6 : 17;
      k.sport = d.u16(t);
      k.dport = d.u16(t + 2);
    } else {
      k.ipProto = tp === Proto.Icmp ? 1 : 58;
      const type = d.u8(t);
      if (isEcho(k.family, type) && t + 8 <= d.length) {
        k.kind = Kind.Echo;
        k.sport = k.dport = d.u16(t + 4);
      } else k.kind = Kind.IcmpOther;
    }
  }
  canonical(k);
  return true;
}

function arpKey(d: Dissection, i: number, k: PacketKey): boolean {
  const o = d.start[i];
  if (o + 28 > d.length || d.u8(o + 4) !== 6 || d.u8(o + 5) !== 4) return false;
  k.kind = Kind.Arp;
  k.family = 4;
  k.ipProto = 0;
  k.src[0] = d.u32(o + 14);
  k.dst[0] = d.u32(o + 24);
  k.src[1] = k.src[2] = k.src[3] = 0;
  k.dst[1] = k.dst[2] = k.dst[3] = 0;
  k.sport = k.dport = 0;
  canonical(k);
  return true;
}

/** Orders the endpoints (address words, then port) and writes the key words. */
export function canonical(k: PacketKey): void {
  const s = k.src;
  const t = k.dst;
  let c = 0;
  for (let i = 0; i < 4 && c === 0; i++) c = s[i] === t[i] ? 0 : s[i] < t[i] ? -1 : 1;
  if (c === 0) c = k.sport === k.dport ? 0 : k.sport < k.dport ? -1 : 1;
  const rev = c > 0;
  const w = k.words;
  w[0] = k.kind | (k.family << 8) | (k.ipProto << 16);
  const lo = rev ? t : s;
  const hi = rev ? s : t;
  w[1] = lo[0];
  w[2] = lo[1];
  w[3] = lo[2];
  w[4] = lo[3];
  w[5] = hi[0];
  w[6] = hi[1];
  w[7] = hi[2];
  w[8] = hi[3];
  w[9] = rev ? ((k.dport << 16) | k.sport) >>> 0 : ((k.sport << 16) | k.dport) >>> 0;
  k.reversed = rev;
}

export function hashWords(w: Uint32Array, n = KEY_WORDS): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ w[i], 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Key words → flow number (open addressing, linear probing; keys kept in one growing Uint32Array). */
export class FlowIndex {
  private slots = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;
  private keys = new Uint32Array(1024 * KEY_WORDS);
  /** Number of keys stored (key i sits at keys[i * KEY_WORDS]). */
  size = 0;
  /** For each stored key, the flow currently holding it. */
  private holder = new Int32Array(1024);

  /** The flow holding these words, or -1. */
  find(w: Uint32Array, h: number): number {
    const slots = this.slots;
    const keys = this.keys;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const v = slots[s];
      if (v === 0) return -1;
      const o = (v - 1) * KEY_WORDS;
      if (keys[o] === w[0] && keys[o + 9] === w[9] && keys[o + 1] === w[1] && keys[o + 5] === w[5] &&
        keys[o + 2] === w[2] && keys[o + 3] === w[3] && keys[o + 4] === w[4] && keys[o + 6] === w[6] && keys[o + 7] === w[7] && keys[o + 8] === w[8]) {
        return this.holder[v - 1];
      }
    }
  }

  /** Stores new words for `flow` (the words must not be present); returns the key number. */
  insert(w: Uint32Array, h: number, flow: number): number {
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    const id = this.size++;
    if (id * KEY_WORDS + KEY_WORDS > this.keys.length) {
      this.keys = grown(this.keys, this.keys.length * 2);
      this.holder = grown(this.holder, this.holder.length * 2);
    }
    this.keys.set(w, id * KEY_WORDS);
    this.holder[id] = flow;
    this.place(h, id);
    return id;
  }

  /** Points an existing key at another flow (TCP port reuse: the newer connection takes the key). */
  rebind(key: number, flow: number): void {
    this.holder[key] = flow;
  }

  /** The key number of these words, or -1. */
  keyOf(w: Uint32Array, h: number): number {
    const slots = this.slots;
    const keys = this.keys;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const v = slots[s];
      if (v === 0) return -1;
      const o = (v - 1) * KEY_WORDS;
      let same = true;
      for (let i = 0; i < KEY_WORDS && same; i++) same = keys[o + i] === w[i];
      if (same) return v - 1;
    }
  }

  /** Do key `key`'s words have this endpoint (address, and port unless ICMP echo)? */
  hasEndpoint(key: number, echo: boolean, addr: Uint32Array, port: number): boolean {
    const w = this.keys;
    const o = key * KEY_WORDS;
    const lo = w[o + 1] === addr[0] && w[o + 2] === addr[1] && w[o + 3] === addr[2] && w[o + 4] === addr[3] && (echo || w[o + 9] >>> 16 === port);
    const hi = w[o + 5] === addr[0] && w[o + 6] === addr[1] && w[o + 7] === addr[2] && w[o + 8] === addr[3] && (echo || (w[o + 9] & 0xffff) === port);
    return lo || hi;
  }

  /**
   * Is an endpoint of key x (its low one when xLow, else its high one) the same as one of key y (address, and
   * port unless echo)?
   */
  sameEndpoint(x: number, xLow: boolean, y: number, yLow: boolean, echo: boolean): boolean {
    const w = this.keys;
    const ox = x * KEY_WORDS;
    const oy = y * KEY_WORDS;
    const ax = ox + (xLow ? 1 : 5);
    const ay = oy + (yLow ? 1 : 5);
    if (w[ax] !== w[ay] || w[ax + 1] !== w[ay + 1] || w[ax + 2] !== w[ay + 2] || w[ax + 3] !== w[ay + 3]) return false;
    if (echo) return true;
    const px = xLow ? w[ox + 9] >>> 16 : w[ox + 9] & 0xffff;
    const py = yLow ? w[oy + 9] >>> 16 : w[oy + 9] & 0xffff;
    return px === py;
  }

  /** Copies key `key`'s words into out. */
  words(key: number, out: Uint32Array): void {
    const o = key * KEY_WORDS;
    for (let i = 0; i < KEY_WORDS; i++) out[i] = this.keys[o + i];
  }

  private place(h: number, id: number): void {
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      if (this.slots[s] === 0) {
        this.slots[s] = id + 1;
        return;
      }
    }
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    const w = new Uint32Array(KEY_WORDS);
    for (let id = 0; id < this.size; id++) {
      for (let i = 0; i < KEY_WORDS; i++) w[i] = this.keys[id * KEY_WORDS + i];
      this.place(hashWords(w), id);
    }
  }
}

/** Address words → text ("10.0.0.4", "fe80::1"). */
export function addrText(family: number, w: ArrayLike<number>, o = 0): string {
  if (family === 4) {
    const v = w[o];
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const parts: number[] = [];
  for (let i = 0; i < 4; i++) parts.push(w[o + i] >>> 16, w[o + i] & 0xffff);
  // RFC 5952: the longest run (≥ 2) of zero words becomes "::".
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (parts[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && parts[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = parts.map((x) => x.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}
