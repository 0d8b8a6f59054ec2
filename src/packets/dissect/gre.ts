/**
 * GRE (RFC 2784, key and sequence number RFC 2890, version 1 enhanced GRE of PPTP, RFC 2637) on IP protocol 47,
 * including NVGRE (RFC 7637): protocol type 0x6558 (transparent Ethernet bridging) with the key bit set, the key
 * holding a 24-bit Virtual Subnet ID and an 8-bit FlowID. The payload is handed off by ethertype.
 */
import type { DecodeContext, Dissection, Dissector, FieldSpec, TreeNode } from "./core.js";
import { Proto } from "./core.js";
import { etherTypeName, field, leaf, u16at } from "./base.js";
import type { SummaryContext } from "./summary.js";

const C = 0x8000, R = 0x4000, K = 0x2000, S = 0x1000, A = 0x0080;
export const ETHERTYPE_TEB = 0x6558;

/** Length of the GRE header with flags word `f`, without RFC 1701 source routing entries. */
function headerLength(f: number): number {
  return 4 + (f & (C | R) ? 4 : 0) + (f & K ? 4 : 0) + (f & S ? 4 : 0) + ((f & 7) === 1 && f & A ? 4 : 0);
}

/** Offsets of the optional fields of the GRE header at o (-1 when absent) and its total length. */
function layout(d: Dissection, o: number): { sum: number; key: number; seq: number; ack: number; len: number } {
  const f = d.u16(o);
  let p = o + 4;
  const sum = f & (C | R) ? p : -1;
  if (sum >= 0) p += 4;
  const key = f & K ? p : -1;
  if (key >= 0) p += 4;
  const seq = f & S ? p : -1;
  if (seq >= 0) p += 4;
  const ack = (f & 7) === 1 && f & A ? p : -1;
  if (ack >= 0) p += 4;
  return { sum, key, seq, ack, len: p - o };
}

function decode(d: Dissection, off: number, end: number, ctx: DecodeContext): Proto {
  if (off + 4 > d.length) {
    if (off + 2 <= d.length) d.push(Proto.Gre, off, d.length, end);
    return d.cut(Proto.Gre);
  }
  const f = d.u16(off);
  const version = f & 7;
  if (version > 1) {
    d.push(Proto.Gre, off, off + 4, end);
    return d.bad(Proto.Gre, `GRE version ${version}`);
  }
  let len = headerLength(f);
  if (f & R && version === 0) {
    // RFC 1701 source routing entries (address family, SRE offset, SRE length, …) end with a NULL SRE.
    let p = off + len;
    for (;;) {
      if (p + 4 > d.length) {
        d.push(Proto.Gre, off, d.length, end);
        return d.cut(Proto.Gre);
      }
      const sreLen = d.u8(p + 3);
      p += 4 + sreLen;
      if (sreLen === 0 && d.u16(p - 4) === 0) break;
    }
    len = p - off;
  }
  if (off + len > d.length) {
    d.push(Proto.Gre, off, d.length, end);
    return d.cut(Proto.Gre);
  }
  d.push(Proto.Gre, off, off + len, end);
  if (off + len >= end) return Proto.None;
  ctx.next = off + len;
  ctx.nextEnd = end;
  if (version === 1) return Proto.Data; // PPP payload of PPTP
  return (ctx.tables.etherType[d.u16(off + 2)] as Proto) || Proto.Data;
}

const flagBit = (bit: number): FieldSpec["get"] => (d, i) => { const v = u16at(d, d.start[i]); return v === undefined ? v : (v & bit) !== 0; };

function keyAt(d: Dissection, i: number): number {
  const o = d.start[i];
  if (o + 4 > d.length) return -1;
  const k = layout(d, o).key;
  return k >= 0 && k + 4 <= d.length ? k : -1;
}

/** True when the layer is NVGRE: transparent Ethernet bridging with a key. */
function isNvgre(d: Dissection, i: number): boolean {
  return keyAt(d, i) >= 0 && d.u16(d.start[i] + 2) === ETHERTYPE_TEB;
}

const vsid: FieldSpec["get"] = (d, i) => (isNvgre(d, i) ? d.u32(keyAt(d, i)) >>> 8 : undefined);
const flowId: FieldSpec["get"] = (d, i) => (isNvgre(d, i) ? d.u8(keyAt(d, i) + 3) : undefined);

const fields: FieldSpec[] = [
  field("gre.flags_and_version", "Flags and Version", "uint", (d, i) => u16at(d, d.start[i])),
  field("gre.flags.checksum", "Checksum Bit", "bool", flagBit(C)),
  field("gre.flags.routing", "Routing Bit", "bool", flagBit(R)),
  field("gre.flags.key", "Key Bit", "bool", flagBit(K)),
  field("gre.flags.sequence_number", "Sequence Number Bit", "bool", flagBit(S)),
  field("gre.flags.version", "Version", "uint", (d, i) => { const v = u16at(d, d.start[i]); return v === undefined ? v : v & 7; }),
  field("gre.proto", "Protocol Type", "uint", (d, i) => u16at(d, d.start[i] + 2)),
  field("gre.checksum", "Checksum", "uint", (d, i) => { const s = d.start[i] + 4 <= d.length ? layout(d, d.start[i]).sum : -1; return s >= 0 ? u16at(d, s) : undefined; }),
  field("gre.key", "Key", "uint", (d, i) => { const k = keyAt(d, i); return k >= 0 ? d.u32(k) : undefined; }),
  field("gre.sequence_number", "Sequence Number", "uint", (d, i) => { const s = d.start[i] + 4 <= d.length ? layout(d, d.start[i]).seq : -1; return s >= 0 && s + 4 <= d.length ? d.u32(s) : undefined; }),
  field("nvgre.vsid", "Virtual Subnet ID (VSID)", "uint", vsid),
  field("nvgre.flowid", "FlowID", "uint", flowId),
];

function tree(d: Dissection, i: number): TreeNode {
  const o = d.start[i];
  if (o + 4 > d.length) return { label: "Generic Routing Encapsulation [truncated]", start: o, length: d.length - o };
  const f = d.u16(o);
  const proto = d.u16(o + 2);
  const l = layout(d, o);
  const hex = (v: number, w: number): string => "0x" + v.toString(16).padStart(w, "0");
  const ch: TreeNode[] = [
    {
      label: `Flags and Version: ${hex(f, 4)}`, field: "gre.flags_and_version", start: o, length: 2,
      children: [
        leaf(`Checksum Bit: ${f & C ? "Yes" : "No"}`, "gre.flags.checksum", o, 2),
        leaf(`Routing Bit: ${f & R ? "Yes" : "No"}`, "gre.flags.routing", o, 2),
        leaf(`Key Bit: ${f & K ? "Yes" : "No"}`, "gre.flags.key", o, 2),
        leaf(`Sequence Number Bit: ${f & S ? "Yes" : "No"}`, "gre.flags.sequence_number", o, 2),
        leaf(`Version: ${f & 7}`, "gre.flags.version", o, 2),
      ],
    },
    leaf(`Protocol Type: ${greProtoName(proto)} (${hex(proto, 4)})`, "gre.proto", o + 2, 2),
  ];
  if (l.sum >= 0 && l.sum + 4 <= d.length) ch.push(leaf(`Checksum: ${hex(d.u16(l.sum), 4)}`, "gre.checksum", l.sum, 2), leaf(`Offset: ${d.u16(l.sum + 2)}`, "gre.offset", l.sum + 2, 2));
  if (l.key >= 0 && l.key + 4 <= d.length) {
    const key = d.u32(l.key);
    const kids = proto === ETHERTYPE_TEB
      ? [leaf(`Virtual Subnet ID (VSID): ${key >>> 8}`, "nvgre.vsid", l.key, 3), leaf(`FlowID: ${key & 0xff}`, "nvgre.flowid", l.key + 3, 1)]
      : undefined;
    ch.push({ label: `Key: ${hex(key, 8)}`, field: "gre.key", start: l.key, length: 4, children: kids });
  }
  if (l.seq >= 0 && l.seq + 4 <= d.length) ch.push(leaf(`Sequence Number: ${d.u32(l.seq)}`, "gre.sequence_number", l.seq, 4));
  const title = proto === ETHERTYPE_TEB && l.key >= 0 ? "Generic Routing Encapsulation (Transparent Ethernet bridging), NVGRE" : `Generic Routing Encapsulation (${greProtoName(proto)})`;
  return { label: title, start: o, length: d.hdrEnd[i] - o, children: ch };
}

function greProtoName(p: number): string {
  return p === ETHERTYPE_TEB ? "Transparent Ethernet bridging" : p === 0x880b ? "PPP" : p === 0x8847 ? "MPLS unicast" : p === 0x88be ? "ERSPAN" : etherTypeName(p);
}

export const gre: Dissector = { proto: Proto.Gre, abbrev: "gre", name: "Generic Routing Encapsulation", decode, fields, tree };

/**
 * tcpdump's gre_print (non-verbose): "GREv0, key=0x1000100, proto TEB (0x6558), length 106: " and then the
 * inner packet (inner Ethernet for NVGRE).
 */
export function summary(d: Dissection, i: number, c: SummaryContext): string {
  const o = d.start[i];
  const ip = d.parent[i];
  const length = ip >= 0 ? ipPayloadEnd(d, ip) - o : d.end[i] - o;
  if (o + 2 > d.length) return "[|gre]";
  const f = d.u16(o);
  const ver = f & 7;
  let s = `GREv${ver}`;
  if (ver > 1) return s + " ERROR: unknown-version";
  if (o + 4 > d.length) return s + "[|gre]";
  const proto = d.u16(o + 2);
  const l = layout(d, o);
  const protoText = `, proto ${tdProtoName(proto)} (0x${proto.toString(16).padStart(4, "0")}), length ${length}`;
  if (ver === 1) {
    // Enhanced GRE (PPTP): call id, sequence and acknowledgement numbers; the PPP payload is not decoded.
    if (l.key >= 0) s += l.key + 4 <= d.length ? `, call ${d.u16(l.key + 2)}` : "[|gre]";
    if (l.seq >= 0) s += l.seq + 4 <= d.length ? `, seq ${d.u32(l.seq)}` : "[|gre]";
    if (l.ack >= 0) s += l.ack + 4 <= d.length ? `, ack ${d.u32(l.ack)}` : "[|gre]";
    if (s.endsWith("[|gre]")) return s;
    return s + (l.seq < 0 ? ", no-payload" : "") + protoText;
  }
  if (l.sum >= 0) {
    if (l.sum + 4 > d.length) return s + "[|gre]";
    s += `, off 0x${d.u16(l.sum + 2).toString(16)}`;
  }
  if (l.key >= 0) {
    if (l.key + 4 > d.length) return s + "[|gre]";
    s += `, key=0x${d.u32(l.key).toString(16)}`;
  }
  if (l.seq >= 0) {
    if (l.seq + 4 > d.length) return s + "[|gre]";
    s += `, seq ${d.u32(l.seq)}`;
  }
  s += protoText + ": ";
  // IPv4, IPv6 and bridged Ethernet continue with the inner packet ("[|ip]" when it was cut); tcpdump names the rest.
  if (proto !== 0x0800 && proto !== 0x86dd && proto !== ETHERTYPE_TEB) return s + `gre-proto-0x${proto.toString(16)}`;
  return s + c.rest(i + 1);
}

/** tcpdump's ethertype_values names ("unknown" when it has none). */
function tdProtoName(p: number): string {
  if (p === ETHERTYPE_TEB) return "TEB";
  if (p === 0x880b) return "PPP";
  if (p === 0x8847) return "MPLS unicast";
  const n = etherTypeName(p);
  return n === "Unknown" ? "unknown" : n;
}

function ipPayloadEnd(d: Dissection, ip: number): number {
  const o = d.start[ip];
  if (d.proto[ip] === Proto.Ipv4) return o + d.u16(o + 2);
  if (d.proto[ip] === Proto.Ipv6) return o + 40 + d.u16(o + 4);
  return d.end[ip];
}
