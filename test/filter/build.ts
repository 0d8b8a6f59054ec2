/**
 * Hand-made packet builders for the filter tests. Every header is written field by field (network byte order)
 * so a reader can check the bytes against the RFC layouts; checksums are left 0 (the dissectors do not check
 * them). Addresses are given as text in their plainest form: MACs as aa:bb:cc:dd:ee:ff, IPv4 dotted quads,
 * IPv6 as all eight groups (no "::": the compressed forms are what the filters under test must parse).
 */
import type { PacketRecord } from "../../src/packets/mod.js";
import { LinkType } from "../../src/packets/mod.js";

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export function mac(s: string): number[] {
  const b = s.split(":").map((x) => parseInt(x, 16));
  if (b.length !== 6) throw new Error(`test MAC ${s}`);
  return b;
}

export function ip4(s: string): number[] {
  const b = s.split(".").map(Number);
  if (b.length !== 4) throw new Error(`test IPv4 ${s}`);
  return b;
}

/** Eight groups, no compression: "2001:db8:0:0:0:0:0:1". */
export function ip6(s: string): number[] {
  const g = s.split(":").map((x) => parseInt(x, 16));
  if (g.length !== 8) throw new Error(`test IPv6 ${s} (write all 8 groups)`);
  return g.flatMap((w) => [w >> 8, w & 255]);
}

const be16 = (v: number): number[] => [(v >> 8) & 255, v & 255];
const be32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

/** Ethernet II: destination(6) source(6) EtherType(2), then the payload. */
export function eth(dst: string, src: string, etherType: number, payload: Uint8Array): Uint8Array {
  return concat(Uint8Array.from([...mac(dst), ...mac(src), ...be16(etherType)]), payload);
}

/** 802.1Q tag after the MAC addresses: TCI = PCP(3) DEI(1) VID(12), then the inner EtherType. */
export function vlan(id: number, priority: number, etherType: number, payload: Uint8Array): Uint8Array {
  return concat(Uint8Array.from([...be16((priority << 13) | id), ...be16(etherType)]), payload);
}

/**
 * IPv4, 20-byte header (IHL 5): version/IHL 0x45, DSCP 0, total length, identification, flags+fragment
 * offset (DF = 0x4000), TTL, protocol, checksum 0, source, destination.
 */
export function ipv4(src: string, dst: string, proto: number, payload: Uint8Array, o: { ttl?: number; id?: number; df?: boolean } = {}): Uint8Array {
  const hdr = [0x45, 0, ...be16(20 + payload.length), ...be16(o.id ?? 1), ...be16(o.df ? 0x4000 : 0), o.ttl ?? 64, proto, 0, 0, ...ip4(src), ...ip4(dst)];
  return concat(Uint8Array.from(hdr), payload);
}

/** IPv6, 40-byte header: version 6 / traffic class 0 / flow label, payload length, next header, hop limit, addresses. */
export function ipv6(src: string, dst: string, next: number, payload: Uint8Array, hopLimit = 64): Uint8Array {
  const hdr = [0x60, 0, 0, 0, ...be16(payload.length), next, hopLimit, ...ip6(src), ...ip6(dst)];
  return concat(Uint8Array.from(hdr), payload);
}

export const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

/** TCP, 20-byte header (data offset 5): ports, sequence, acknowledgment, offset<<4, flags, window, checksum 0, urgent 0. */
export function tcp(sport: number, dport: number, flags: number, payload: Uint8Array = new Uint8Array(0), seq = 1000, ack = 0, win = 64240): Uint8Array {
  const hdr = [...be16(sport), ...be16(dport), ...be32(seq), ...be32(ack), 5 << 4, flags, ...be16(win), 0, 0, 0, 0];
  return concat(Uint8Array.from(hdr), payload);
}

/** UDP: ports, length (header + payload), checksum 0. */
export function udp(sport: number, dport: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  return concat(Uint8Array.from([...be16(sport), ...be16(dport), ...be16(8 + payload.length), 0, 0]), payload);
}

/** ICMP: type, code, checksum 0, 4 bytes of rest-of-header (unused / identifier+sequence), then the body. */
export function icmp(type: number, code: number, rest: number[], body: Uint8Array): Uint8Array {
  return concat(Uint8Array.from([type, code, 0, 0, ...rest]), body);
}

/** ARP for Ethernet/IPv4: htype 1, ptype 0x0800, hlen 6, plen 4, opcode, sender MAC/IP, target MAC/IP (28 bytes). */
export function arp(op: number, sha: string, spa: string, tha: string, tpa: string): Uint8Array {
  return Uint8Array.from([0, 1, 8, 0, 6, 4, ...be16(op), ...mac(sha), ...ip4(spa), ...mac(tha), ...ip4(tpa)]);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A packet record as the assembler makes them: NDIS source, Ethernet, received, wire length = captured. */
export function record(bytes: Uint8Array, over: Partial<Mutable<PacketRecord>> = {}): PacketRecord {
  return {
    number: 1, ticks: 0, cpu: 0, pid: 4, tid: 8, source: "ndis", linkType: LinkType.Ethernet, direction: "in",
    bytes, originalLength: bytes.length, event: { buffer: 0, bufferOffset: 0, offset: 0 }, eventId: 1001,
    ...over,
  };
}
