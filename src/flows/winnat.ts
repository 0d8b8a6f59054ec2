/**
 * Microsoft-Windows-WinNat event 1001 (WinNatSessionCreate, v0 and v1): the internal and external transport
 * addresses of a new NAT session, as SOCKADDR_IN / SOCKADDR_IN6 blobs (family little-endian, port and address
 * in network order). For ICMP the "port" is the echo identifier.
 */
import type { EtlRecord } from "../etl/mod.js";
import type { TraceDecoder } from "../events/mod.js";

export const WINNAT_GUID = "66c07ecd-6667-43fc-93f8-05cf07f446ec";

export interface SockAddr {
  readonly family: 4 | 6;
  /** Address as 4 u32 words (IPv4: word 0). */
  readonly addr: Uint32Array;
  readonly port: number;
}

export interface WinNatSession {
  readonly ticks: number;
  /** IP protocol: 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6. */
  readonly ipProto: number;
  readonly internalSrc: SockAddr;
  readonly internalDst: SockAddr;
  readonly externalSrc: SockAddr;
  readonly externalDst: SockAddr;
  readonly compartment?: number;
}

/** Parses a SOCKADDR blob (null for other families or short blobs). */
export function parseSockAddr(b: Uint8Array): SockAddr | null {
  if (b.length < 8) return null;
  const fam = b[0] | (b[1] << 8);
  const port = (b[2] << 8) | b[3];
  const u32 = (o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  if (fam === 2) return { family: 4, addr: Uint32Array.of(u32(4), 0, 0, 0), port };
  if (fam === 23 && b.length >= 24) return { family: 6, addr: Uint32Array.of(u32(8), u32(12), u32(16), u32(20)), port };
  return null;
}

/** The session of a WinNat 1001 record, or null when the record is something else or does not decode. */
export function winNatSessionOf(rec: EtlRecord, decoder: TraceDecoder): WinNatSession | null {
  if (rec.providerId !== WINNAT_GUID || rec.id !== 1001) return null;
  const r = decoder.resolve(rec);
  if (!r) return null;
  const res = r.plan.decode(rec.bytes, rec.payloadStart, rec.payloadEnd, rec.pointerSize);
  const byName = new Map<string, unknown>();
  r.schema.fields.forEach((f, i) => byName.set(f.name, res.values[i]));
  const sa = (n: string): SockAddr | null => {
    const v = byName.get(n);
    return v instanceof Uint8Array ? parseSockAddr(v) : null;
  };
  const is = sa("InternalSrcAddr");
  const id = sa("InternalDstAddr");
  const es = sa("ExternalSrcAddr");
  const ed = sa("ExternalDstAddr");
  const proto = Number(byName.get("TransportProtocol"));
  if (!is || !id || !es || !ed || !Number.isFinite(proto)) return null;
  const comp = byName.get("InternalCompartmentId");
  return {
    ticks: rec.ticks, ipProto: proto, internalSrc: is, internalDst: id, externalSrc: es, externalDst: ed,
    ...(typeof comp === "number" ? { compartment: comp } : {}),
  };
}
