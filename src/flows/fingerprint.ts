/**
 * Address-free fingerprints of a packet, for two jobs:
 *   - sighting identity of NDIS/VMSwitch captures (netsh): the same frame seen again at another vSwitch port or
 *     host NIC is the same key + the same fingerprint within a few milliseconds. TTL/hop limit, checksums, the
 *     IPv4 id, MACs and VLAN tags are left out (they change hop by hop, checksum offload fills them in late, WFP
 *     zeroes the id in its drop reports);
 *   - NAT pairing without WinNat events: a packet whose addresses/ports were rewritten keeps its fingerprint
 *     (IP length and id, TCP sequence/ack/flags/window, UDP length, ICMP type/code/sequence, the first 32 payload
 *     bytes).
 */
import type { Dissection } from "../packets/mod.js";
import { Proto } from "../packets/mod.js";
import type { PacketKey } from "./key.js";

const PRIME = 0x01000193;

function mix(h: number, v: number): number {
  return Math.imul(h ^ v, PRIME);
}

function payload(d: Dissection, h: number, from: number): number {
  const end = Math.min(d.length, from + 32);
  let o = from;
  for (; o + 4 <= end; o += 4) h = mix(h, d.u32(o));
  for (; o < end; o++) h = mix(h, d.bytes[o]);
  return h;
}

/**
 * Fingerprint of a keyed IP packet (k from extractKey), without the IPv4 id: WFP's drop reports show the
 * packet with id and checksum zeroed, and sightings are told apart by time and observation point anyway.
 */
export function fingerprint(d: Dissection, k: PacketKey): number {
  let h = 0x811c9dc5 | 0;
  const ip = d.start[k.ip];
  if (d.proto[k.ip] === Proto.Ipv4) h = mix(mix(h, d.u16(ip + 2)), d.u8(ip + 9));
  else h = mix(mix(h, d.u16(ip + 4)), d.u8(ip + 6));
  const tr = k.transport;
  if (tr < 0) return payload(d, h, d.hdrEnd[k.ip]) >>> 0;
  const t = d.start[tr];
  const p = d.proto[tr];
  if (p === Proto.Tcp) {
    if (t + 16 <= d.length) h = mix(mix(mix(h, d.u32(t + 4)), d.u32(t + 8)), d.u32(t + 12));
  } else if (p === Proto.Udp) {
    if (t + 6 <= d.length) h = mix(h, d.u16(t + 4));
  } else if (t + 8 <= d.length) {
    // ICMP: type, code and (echo) sequence; the identifier is rewritten by NAT.
    h = mix(mix(h, d.u16(t)), k.kind === 3 ? d.u16(t + 6) : d.u32(t + 4));
  }
  return payload(d, h, d.hdrEnd[tr]) >>> 0;
}

/** The fingerprint for NAT pairing: with the IPv4 id, which NAT keeps and two different senders rarely share. */
export function natFingerprint(d: Dissection, k: PacketKey, fp: number): number {
  return d.proto[k.ip] === Proto.Ipv4 ? mix(fp, d.u16(d.start[k.ip] + 4) + 1) >>> 0 : fp;
}

/**
 * Fingerprint of a frame without an IP flow key (ARP, LLDP, STP …): up to 64 bytes after the link headers
 * (Ethernet and 802.1Q tags, which a vSwitch adds and strips), without the length (padding changes with tags).
 */
export function frameFingerprint(d: Dissection): number {
  let i = 0;
  while (i < d.n && (d.proto[i] === Proto.Eth || d.proto[i] === Proto.Vlan)) i++;
  const from = i < d.n ? d.start[i] : d.n > 0 ? d.hdrEnd[d.n - 1] : 0;
  const end = Math.min(d.proto[i] === Proto.Arp ? d.hdrEnd[i] : d.length, from + 64);
  let h = 0x2545f491;
  let o = from;
  for (; o + 4 <= end; o += 4) h = mix(h, d.u32(o));
  for (; o < end; o++) h = mix(h, d.bytes[o]);
  return h >>> 0;
}
