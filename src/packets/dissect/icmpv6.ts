/**
 * ICMPv6 (RFC 4443) with Neighbor Discovery (RFC 4861) and MLD (RFC 2710, RFC 3810): errors (destination
 * unreachable, packet too big with the MTU, time exceeded, parameter problem) hand the quoted packet to IPv6;
 * ND messages carry a fixed part (target address …) followed by TLV options in 8-byte units, walked in place.
 */
import type { DecodeContext, Dissection, Dissector, FieldSpec, TreeNode } from "./core.js";
import { Proto } from "./core.js";
import { field, leaf, mac48, u16at, u32at, u8at } from "./base.js";
import { ipv6Hex, ipv6Text, macText } from "./addr.js";

/** Length of the fixed part of each message type (options, if any, follow it). */
function fixedLength(type: number): number {
  switch (type) {
    case 134: return 16; // router advertisement
    case 130: case 131: case 132: case 135: case 136: return 24; // MLDv1, NS, NA
    case 137: return 40; // redirect
    default: return 8;
  }
}

const hasOptions = (type: number): boolean => type >= 133 && type <= 137;

function decode(d: Dissection, off: number, end: number, ctx: DecodeContext): Proto {
  if (off + 4 > d.length) return d.cut(Proto.Icmpv6);
  const type = d.u8(off);
  let fixed = fixedLength(type);
  if (type === 130 && end - off >= 28) fixed = 28; // MLDv2 query
  if (off + fixed > end) {
    d.push(Proto.Icmpv6, off, Math.min(end, d.length), end);
    // Cut by the capture, or shorter than its fixed part on the wire.
    if (d.length < d.wireLength) return d.cut(Proto.Icmpv6);
    return d.bad(Proto.Icmpv6, `ICMPv6 type ${type} shorter than its ${fixed}-byte fixed part`);
  }
  d.push(Proto.Icmpv6, off, off + fixed, end);
  if (type >= 1 && type <= 4) {
    // Errors quote as much of the offending packet as fits.
    if (off + 8 < end) {
      ctx.next = off + 8;
      ctx.nextEnd = end;
      return Proto.Ipv6;
    }
    return Proto.None;
  }
  if (hasOptions(type)) {
    const limit = Math.min(end, d.length);
    let p = off + fixed;
    while (p + 2 <= limit) {
      const len = d.u8(p + 1) * 8;
      if (len === 0) return d.bad(Proto.Icmpv6, "ND option with length 0");
      p += len;
    }
    if (p !== limit) return d.length < d.wireLength ? d.cut(Proto.Icmpv6) : d.bad(Proto.Icmpv6, "ND option runs past the end of the message");
  }
  return Proto.None;
}

/** Offset of ND option `kind` in layer i (its type byte), or -1. */
export function ndOption(d: Dissection, i: number, kind: number): number {
  const o = d.start[i];
  if (o >= d.length || !hasOptions(d.u8(o))) return -1;
  const limit = d.end[i];
  for (let p = d.hdrEnd[i]; p + 2 <= limit; ) {
    const len = d.u8(p + 1) * 8;
    if (len === 0 || p + len > limit) return -1;
    if (d.u8(p) === kind) return p;
    p += len;
  }
  return -1;
}

const typeIs = (d: Dissection, i: number, ...types: number[]): boolean => d.start[i] < d.length && types.includes(d.u8(d.start[i]));

function addr(d: Dissection, i: number, off: number, ...types: number[]): string | undefined {
  const o = d.start[i];
  return typeIs(d, i, ...types) && o + off + 16 <= d.length ? ipv6Hex(d.bytes, o + off) : undefined;
}

function lladdr(d: Dissection, i: number, kind: number): number | undefined {
  const p = ndOption(d, i, kind);
  return p >= 0 && d.u8(p + 1) === 1 ? mac48(d, p + 2) : undefined;
}

const fields: FieldSpec[] = [
  field("icmpv6.type", "Type", "uint", (d, i) => u8at(d, d.start[i])),
  field("icmpv6.code", "Code", "uint", (d, i) => u8at(d, d.start[i] + 1)),
  field("icmpv6.checksum", "Checksum", "uint", (d, i) => u16at(d, d.start[i] + 2)),
  field("icmpv6.echo.identifier", "Identifier", "uint", (d, i) => (typeIs(d, i, 128, 129) ? u16at(d, d.start[i] + 4) : undefined)),
  field("icmpv6.echo.sequence_number", "Sequence", "uint", (d, i) => (typeIs(d, i, 128, 129) ? u16at(d, d.start[i] + 6) : undefined)),
  field("icmpv6.mtu", "MTU", "uint", (d, i) => (typeIs(d, i, 2) ? u32at(d, d.start[i] + 4) : undefined)),
  field("icmpv6.pointer", "Pointer", "uint", (d, i) => (typeIs(d, i, 4) ? u32at(d, d.start[i] + 4) : undefined)),
  field("icmpv6.nd.ns.target_address", "Target Address", "ipv6", (d, i) => addr(d, i, 8, 135)),
  field("icmpv6.nd.na.target_address", "Target Address", "ipv6", (d, i) => addr(d, i, 8, 136)),
  field("icmpv6.nd.na.flag.r", "Router", "bool", (d, i) => (typeIs(d, i, 136) ? (d.u8(d.start[i] + 4) & 0x80) !== 0 : undefined)),
  field("icmpv6.nd.na.flag.s", "Solicited", "bool", (d, i) => (typeIs(d, i, 136) ? (d.u8(d.start[i] + 4) & 0x40) !== 0 : undefined)),
  field("icmpv6.nd.na.flag.o", "Override", "bool", (d, i) => (typeIs(d, i, 136) ? (d.u8(d.start[i] + 4) & 0x20) !== 0 : undefined)),
  field("icmpv6.nd.ra.cur_hop_limit", "Cur hop limit", "uint", (d, i) => (typeIs(d, i, 134) ? u8at(d, d.start[i] + 4) : undefined)),
  field("icmpv6.nd.ra.flag.m", "Managed address configuration", "bool", (d, i) => (typeIs(d, i, 134) ? (d.u8(d.start[i] + 5) & 0x80) !== 0 : undefined)),
  field("icmpv6.nd.ra.flag.o", "Other configuration", "bool", (d, i) => (typeIs(d, i, 134) ? (d.u8(d.start[i] + 5) & 0x40) !== 0 : undefined)),
  field("icmpv6.nd.ra.router_lifetime", "Router lifetime (s)", "uint", (d, i) => (typeIs(d, i, 134) ? u16at(d, d.start[i] + 6) : undefined)),
  field("icmpv6.nd.rd.target_address", "Target Address", "ipv6", (d, i) => addr(d, i, 8, 137)),
  field("icmpv6.rd.na.destination_address", "Destination Address", "ipv6", (d, i) => addr(d, i, 24, 137)),
  field("icmpv6.opt.src_linkaddr", "Source link-layer address", "mac", (d, i) => lladdr(d, i, 1)),
  field("icmpv6.opt.target_linkaddr", "Target link-layer address", "mac", (d, i) => lladdr(d, i, 2)),
  field("icmpv6.opt.linkaddr", "Link-layer address", "mac", (d, i) => lladdr(d, i, 1) ?? lladdr(d, i, 2)),
  field("icmpv6.opt.mtu", "MTU", "uint", (d, i) => { const p = ndOption(d, i, 5); return p >= 0 ? d.u32(p + 4) : undefined; }),
  field("icmpv6.opt.prefix", "Prefix", "ipv6", (d, i) => { const p = ndOption(d, i, 3); return p >= 0 && d.u8(p + 1) === 4 ? ipv6Hex(d.bytes, p + 16) : undefined; }),
  field("icmpv6.mld.multicast_address", "Multicast Address", "ipv6", (d, i) => addr(d, i, 8, 130, 131, 132)),
  field("icmpv6.mldr.nb_mcast_records", "Number of Multicast Address Records", "uint", (d, i) => (typeIs(d, i, 143) ? u16at(d, d.start[i] + 6) : undefined)),
];

export const ICMPV6_TYPES: Record<number, string> = {
  1: "Destination Unreachable", 2: "Packet Too Big", 3: "Time Exceeded", 4: "Parameter Problem", 128: "Echo (ping) request",
  129: "Echo (ping) reply", 130: "Multicast Listener Query", 131: "Multicast Listener Report", 132: "Multicast Listener Done",
  133: "Router Solicitation", 134: "Router Advertisement", 135: "Neighbor Solicitation", 136: "Neighbor Advertisement",
  137: "Redirect", 143: "Multicast Listener Report Message v2",
};
const OPT_NAMES: Record<number, string> = { 1: "Source link-layer address", 2: "Target link-layer address", 3: "Prefix information", 4: "Redirected header", 5: "MTU", 25: "Recursive DNS Server", 31: "DNS Search List" };

function optionNodes(d: Dissection, i: number): TreeNode[] {
  const out: TreeNode[] = [];
  for (let p = d.hdrEnd[i]; p + 2 <= d.end[i]; ) {
    const kind = d.u8(p);
    const len = d.u8(p + 1) * 8;
    if (len === 0 || p + len > d.end[i]) break;
    const name = OPT_NAMES[kind] ?? "Unknown";
    const ch: TreeNode[] = [leaf(`Type: ${name} (${kind})`, "icmpv6.opt.type", p, 1), leaf(`Length: ${len / 8} (${len} bytes)`, "icmpv6.opt.length", p + 1, 1)];
    let label = `ICMPv6 Option (${name})`;
    if ((kind === 1 || kind === 2) && len === 8) {
      label += ` : ${macText(d.bytes, p + 2)}`;
      ch.push(leaf(`Link-layer address: ${macText(d.bytes, p + 2)}`, kind === 1 ? "icmpv6.opt.src_linkaddr" : "icmpv6.opt.target_linkaddr", p + 2, 6));
    } else if (kind === 5 && len === 8) ch.push(leaf(`MTU: ${d.u32(p + 4)}`, "icmpv6.opt.mtu", p + 4, 4));
    else if (kind === 3 && len === 32) {
      label += ` : ${ipv6Text(d.bytes, p + 16)}/${d.u8(p + 2)}`;
      ch.push(leaf(`Prefix: ${ipv6Text(d.bytes, p + 16)}`, "icmpv6.opt.prefix", p + 16, 16));
    }
    out.push({ label, start: p, length: len, children: ch });
    p += len;
  }
  return out;
}

function tree(d: Dissection, i: number): TreeNode {
  const o = d.start[i];
  const t = d.u8(o);
  const ch: TreeNode[] = [
    leaf(`Type: ${ICMPV6_TYPES[t] ?? "Unknown"} (${t})`, "icmpv6.type", o, 1),
    leaf(`Code: ${d.u8(o + 1)}`, "icmpv6.code", o + 1, 1),
    leaf(`Checksum: 0x${d.u16(o + 2).toString(16).padStart(4, "0")}`, "icmpv6.checksum", o + 2, 2),
  ];
  const full = d.hdrEnd[i] - o;
  if ((t === 128 || t === 129) && full >= 8) {
    ch.push(leaf(`Identifier: 0x${d.u16(o + 4).toString(16).padStart(4, "0")}`, "icmpv6.echo.identifier", o + 4, 2));
    ch.push(leaf(`Sequence: ${d.u16(o + 6)}`, "icmpv6.echo.sequence_number", o + 6, 2));
  } else if (t === 2 && full >= 8) ch.push(leaf(`MTU: ${d.u32(o + 4)}`, "icmpv6.mtu", o + 4, 4));
  else if ((t === 135 || t === 136) && full >= 24) {
    if (t === 136) {
      const f = d.u8(o + 4);
      ch.push(leaf(`Flags: 0x${d.u32(o + 4).toString(16).padStart(8, "0")}${f & 0x80 ? ", Router" : ""}${f & 0x40 ? ", Solicited" : ""}${f & 0x20 ? ", Override" : ""}`, "icmpv6.nd.na.flag", o + 4, 4));
    }
    ch.push(leaf(`Target Address: ${ipv6Text(d.bytes, o + 8)}`, t === 135 ? "icmpv6.nd.ns.target_address" : "icmpv6.nd.na.target_address", o + 8, 16));
  } else if (t === 134 && full >= 16) {
    ch.push(leaf(`Cur hop limit: ${d.u8(o + 4)}`, "icmpv6.nd.ra.cur_hop_limit", o + 4, 1));
    ch.push(leaf(`Flags: 0x${d.u8(o + 5).toString(16).padStart(2, "0")}`, "icmpv6.nd.ra.flag", o + 5, 1));
    ch.push(leaf(`Router lifetime (s): ${d.u16(o + 6)}`, "icmpv6.nd.ra.router_lifetime", o + 6, 2));
  } else if (t === 137 && full >= 40) {
    ch.push(leaf(`Target Address: ${ipv6Text(d.bytes, o + 8)}`, "icmpv6.nd.rd.target_address", o + 8, 16));
    ch.push(leaf(`Destination Address: ${ipv6Text(d.bytes, o + 24)}`, "icmpv6.rd.na.destination_address", o + 24, 16));
  } else if ((t === 130 || t === 131 || t === 132) && full >= 24) {
    ch.push(leaf(`Multicast Address: ${ipv6Text(d.bytes, o + 8)}`, "icmpv6.mld.multicast_address", o + 8, 16));
  }
  ch.push(...optionNodes(d, i));
  return { label: "Internet Control Message Protocol v6", start: o, length: d.end[i] - o, children: ch };
}

export const icmpv6: Dissector = { proto: Proto.Icmpv6, abbrev: "icmpv6", name: "Internet Control Message Protocol v6", decode, fields, tree };

// ---- summary: tcpdump's icmp6_print (non-verbose) ----------------------------------------------------------

const TD_TYPES: Record<number, string> = {
  1: "destination unreachable", 2: "packet too big", 3: "time exceeded in-transit", 4: "parameter problem",
  128: "echo request", 129: "echo reply", 130: "multicast listener query", 131: "multicast listener report",
  132: "multicast listener done", 133: "router solicitation", 134: "router advertisement", 135: "neighbor solicitation",
  136: "neighbor advertisement", 137: "redirect", 138: "router renumbering", 139: "node information query",
  140: "node information reply", 141: "inverse neighbor solicitation", 142: "inverse neighbor advertisement",
  143: "multicast listener report v2", 144: "ha discovery request", 145: "ha discovery reply",
  146: "mobile router solicitation", 147: "mobile router advertisement", 155: "RPL", 200: "mtrace response", 201: "mtrace message",
};
const UNREACH = ["unreachable route", " unreachable prohibited", "beyond scope", "unreachable address", "unreachable port"];

/** tcpdump prints "HBH " / "DSTOPT " for the extension headers it walks before the ICMPv6 message. */
function extPrefix(d: Dissection, ip: number): string {
  if (ip < 0 || d.proto[ip] !== Proto.Ipv6) return "";
  let s = "";
  let next = d.u8(d.start[ip] + 6);
  let p = d.start[ip] + 40;
  while ((next === 0 || next === 60) && p + 2 <= d.hdrEnd[ip]) {
    s += next === 0 ? "HBH " : "DSTOPT ";
    next = d.u8(p);
    p += (d.u8(p + 1) + 1) * 8;
  }
  return s;
}

export function summary(d: Dissection, i: number): string {
  const o = d.start[i];
  const ip = d.parent[i];
  const ipEnd = ip >= 0 && d.proto[ip] === Proto.Ipv6 ? d.start[ip] + 40 + d.u16(d.start[ip] + 4) : d.end[i];
  const length = Math.max(0, ipEnd - o);
  const pre = extPrefix(d, ip);
  const trunc = (s: string): string => pre + s + "[|icmp6]";
  const t = d.u8(o);
  const code = d.u8(o + 1);
  const has = (n: number): boolean => o + n <= d.length;
  let s = `ICMP6, ${TD_TYPES[t] ?? `unknown icmp6 type (${t})`}`;
  const a6 = (k: number): string => ipv6Text(d.bytes, o + k);
  switch (t) {
    case 1: {
      if (!has(48)) return trunc(s);
      s += `, ${UNREACH[code] ?? `unknown unreach code (${code})`}`;
      if (code === 0 || code === 1 || code === 3) s += ` ${a6(32)}`;
      else if (code === 2) s += ` ${a6(32)}, source address ${a6(16)}`;
      else if (code === 4) {
        const up = quotedUpper(d, o + 8);
        if (!up) return trunc(s);
        s += `, ${a6(32)} ${up[1] === 6 ? "tcp" : "udp"} port ${d.u16(up[0] + 2)}`;
      } else return pre + s; // tcpdump dumps the rest in hex on the following lines
      break;
    }
    case 2:
      if (!has(8)) return trunc(s);
      s += `, mtu ${d.u32(o + 4)}`;
      break;
    case 3:
      if (!has(48)) return trunc(s);
      s += code === 0 ? ` for ${a6(32)}` : code === 1 ? " (reassembly)" : `, unknown code (${code})`;
      break;
    case 4: {
      if (!has(48)) return trunc(s);
      const ptr = d.u32(o + 4);
      s += code === 0 ? `, erroneous - octet ${ptr}` : code === 1 ? `, next header - octet ${ptr}` : code === 2 ? `, option - octet ${ptr}` : `, code-#${code}`;
      break;
    }
    case 128: case 129:
      if (!has(8)) return trunc(s);
      s += `, seq ${d.u16(o + 6)}`;
      break;
    case 130:
      if (length === 24) s += mld6(d, o);
      else if (length >= 28) {
        s += " v2";
        if (!has(24)) return trunc(s);
        s += ` [gaddr ${a6(8)}`;
        if (!has(28)) return trunc(s);
        const n = d.u16(o + 26);
        if (n > 0) s += length < 28 + n * 16 ? " [invalid number of sources]" : `, ${n} source(s)`;
        s += "]";
      } else s += ` unknown-version (len ${length}) `;
      break;
    case 131: case 132:
      s += mld6(d, o);
      break;
    case 133: case 134: case 141: case 142:
      break;
    case 135:
      if (!has(24)) return trunc(s);
      s += `, who has ${a6(8)}`;
      break;
    case 136:
      if (!has(24)) return trunc(s);
      s += `, tgt is ${a6(8)}`;
      break;
    case 137:
      if (!has(40)) return trunc(s);
      s += `, ${a6(24)} to ${a6(8)}`;
      break;
    case 143:
      if (length < 8) {
        s += ` [invalid len ${length}]`;
        break;
      }
      if (!has(8)) return trunc(s);
      s += `, ${d.u16(o + 6)} group record(s)`;
      break;
    case 144: case 146:
      if (!has(6)) return trunc(s);
      s += `, id 0x${d.u16(o + 4).toString(16).padStart(4, "0")}`;
      break;
    case 145: case 147:
      break;
    default:
      return pre + s + `, length ${length}`; // tcpdump dumps the rest in hex on the following lines
  }
  return pre + s + `, length ${length}`;
}

/** tcpdump's mld6_print, which prints right after the type name (no separator). */
function mld6(d: Dissection, o: number): string {
  if (o + 24 > d.length) return "";
  return `max resp delay: ${d.u16(o + 4)} addr: ${ipv6Text(d.bytes, o + 8)}`;
}

/** tcpdump's get_upperlayer: [offset, protocol] of the TCP/UDP header of the quoted IPv6 packet at q, or null. */
function quotedUpper(d: Dissection, q: number): [number, number] | null {
  if (q + 7 > d.length) return null;
  let nh = d.u8(q + 6);
  let p = q + 40;
  for (let guard = 0; guard < 16 && p < d.length; guard++) {
    if (nh === 6 || nh === 17) return p + 4 <= d.length ? [p, nh] : null;
    if (nh === 0 || nh === 60 || nh === 43) {
      if (p + 2 > d.length) return null;
      const n = d.u8(p);
      p += (d.u8(p + 1) + 1) * 8;
      nh = n;
    } else if (nh === 44) {
      if (p + 4 > d.length || (d.u16(p + 2) & 0xfff8) !== 0) return null;
      nh = d.u8(p);
      p += 8;
    } else if (nh === 51) {
      if (p + 2 > d.length) return null;
      const n = d.u8(p);
      p += (d.u8(p + 1) + 2) * 4;
      nh = n;
    } else return null;
  }
  return null;
}
