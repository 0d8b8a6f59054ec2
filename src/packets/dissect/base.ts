/**
 * Link, network and transport dissectors: Ethernet II, 802.1Q, ARP, IPv4, IPv6 (+ extension headers), ICMP,
 * TCP, UDP and opaque data. Each reads its header in place and hands off through the tables.
 */
import type { DecodeContext, Dissection, Dissector, FieldSpec, TreeNode } from "./core.js";
import { Proto } from "./core.js";
import { ipv6Hex, macText, ipv4Text, ipv6Text } from "./addr.js";

const mac48 = (d: Dissection, o: number): number | undefined =>
  o + 6 <= d.length ? d.u16(o) * 4294967296 + d.u32(o + 2) : undefined;
const u32at = (d: Dissection, o: number): number | undefined => (o + 4 <= d.length ? d.u32(o) : undefined);
const u16at = (d: Dissection, o: number): number | undefined => (o + 2 <= d.length ? d.u16(o) : undefined);
const u8at = (d: Dissection, o: number): number | undefined => (o + 1 <= d.length ? d.u8(o) : undefined);

function field(abbrev: string, name: string, type: FieldSpec["type"], get: FieldSpec["get"]): FieldSpec {
  return { abbrev, name, type, get };
}

function leaf(label: string, field: string, start: number, length: number): TreeNode {
  return { label, field, start, length };
}

// ---- Ethernet ------------------------------------------------------------------------------------------

export const ethernet: Dissector = {
  proto: Proto.Eth, abbrev: "eth", name: "Ethernet II",
  decode(d, off, end, ctx) {
    if (off + 14 > d.length) return d.cut(Proto.Eth);
    const type = d.u16(off + 12);
    d.push(Proto.Eth, off, off + 14, end);
    ctx.next = off + 14;
    ctx.nextEnd = end;
    if (type < 0x0600) {
      // 802.3 length field: LLC follows.
      ctx.nextEnd = Math.min(end, off + 14 + type);
      return Proto.Llc;
    }
    return (ctx.tables.etherType[type] ?? 0) as Proto || Proto.Data;
  },
  fields: [
    field("eth.dst", "Destination", "mac", (d, i) => mac48(d, d.start[i])),
    field("eth.src", "Source", "mac", (d, i) => mac48(d, d.start[i] + 6)),
    field("eth.type", "Type", "uint", (d, i) => u16at(d, d.start[i] + 12)),
  ],
  tree(d, i) {
    const o = d.start[i];
    const type = d.u16(o + 12);
    return {
      label: `Ethernet II, Src: ${macText(d.bytes, o + 6)}, Dst: ${macText(d.bytes, o)}`, start: o, length: 14,
      children: [
        leaf(`Destination: ${macText(d.bytes, o)}`, "eth.dst", o, 6),
        leaf(`Source: ${macText(d.bytes, o + 6)}`, "eth.src", o + 6, 6),
        leaf(`Type: ${etherTypeName(type)} (0x${type.toString(16).padStart(4, "0")})`, "eth.type", o + 12, 2),
      ],
    };
  },
};

export const vlan: Dissector = {
  proto: Proto.Vlan, abbrev: "vlan", name: "802.1Q Virtual LAN",
  decode(d, off, end, ctx) {
    if (off + 4 > d.length) return d.cut(Proto.Vlan);
    const type = d.u16(off + 2);
    d.push(Proto.Vlan, off, off + 4, end);
    ctx.next = off + 4;
    ctx.nextEnd = end;
    return (ctx.tables.etherType[type] ?? 0) as Proto || Proto.Data;
  },
  fields: [
    field("vlan.id", "ID", "uint", (d, i) => { const v = u16at(d, d.start[i]); return v === undefined ? v : v & 0xfff; }),
    field("vlan.priority", "Priority", "uint", (d, i) => { const v = u16at(d, d.start[i]); return v === undefined ? v : v >>> 13; }),
    field("vlan.etype", "Type", "uint", (d, i) => u16at(d, d.start[i] + 2)),
  ],
  tree(d, i) {
    const o = d.start[i];
    const tci = d.u16(o);
    return {
      label: `802.1Q Virtual LAN, PRI: ${tci >>> 13}, DEI: ${(tci >>> 12) & 1}, ID: ${tci & 0xfff}`, start: o, length: 4,
      children: [leaf(`ID: ${tci & 0xfff}`, "vlan.id", o, 2), leaf(`Type: ${etherTypeName(d.u16(o + 2))}`, "vlan.etype", o + 2, 2)],
    };
  },
};

// ---- ARP -----------------------------------------------------------------------------------------------

export const arp: Dissector = {
  proto: Proto.Arp, abbrev: "arp", name: "Address Resolution Protocol",
  decode(d, off, end) {
    if (off + 8 > d.length) return d.cut(Proto.Arp);
    const hlen = d.u8(off + 4);
    const plen = d.u8(off + 5);
    const len = 8 + 2 * hlen + 2 * plen;
    if (off + len > d.length) {
      d.push(Proto.Arp, off, Math.min(d.length, off + len), end);
      return d.cut(Proto.Arp);
    }
    d.push(Proto.Arp, off, off + len, end);
    return Proto.None;
  },
  fields: [
    field("arp.opcode", "Opcode", "uint", (d, i) => u16at(d, d.start[i] + 6)),
    field("arp.src.hw_mac", "Sender MAC address", "mac", (d, i) => (d.u8(d.start[i] + 4) === 6 ? mac48(d, d.start[i] + 8) : undefined)),
    field("arp.src.proto_ipv4", "Sender IP address", "ipv4", (d, i) => (d.u8(d.start[i] + 5) === 4 ? u32at(d, d.start[i] + 8 + d.u8(d.start[i] + 4)) : undefined)),
    field("arp.dst.hw_mac", "Target MAC address", "mac", (d, i) => (d.u8(d.start[i] + 4) === 6 ? mac48(d, d.start[i] + 14 + d.u8(d.start[i] + 5)) : undefined)),
    field("arp.dst.proto_ipv4", "Target IP address", "ipv4", (d, i) => (d.u8(d.start[i] + 5) === 4 ? u32at(d, d.start[i] + 8 + 2 * d.u8(d.start[i] + 4) + 4) : undefined)),
  ],
  tree(d, i) {
    const o = d.start[i];
    const op = d.u16(o + 6);
    const h = d.u8(o + 4);
    const p = d.u8(o + 5);
    const ch: TreeNode[] = [leaf(`Opcode: ${op === 1 ? "request" : op === 2 ? "reply" : op} (${op})`, "arp.opcode", o + 6, 2)];
    if (h === 6 && p === 4 && o + 28 <= d.length) {
      ch.push(leaf(`Sender MAC address: ${macText(d.bytes, o + 8)}`, "arp.src.hw_mac", o + 8, 6));
      ch.push(leaf(`Sender IP address: ${ipv4Text(d.u32(o + 14))}`, "arp.src.proto_ipv4", o + 14, 4));
      ch.push(leaf(`Target MAC address: ${macText(d.bytes, o + 18)}`, "arp.dst.hw_mac", o + 18, 6));
      ch.push(leaf(`Target IP address: ${ipv4Text(d.u32(o + 24))}`, "arp.dst.proto_ipv4", o + 24, 4));
    }
    return { label: `Address Resolution Protocol (${op === 1 ? "request" : op === 2 ? "reply" : "opcode " + op})`, start: o, length: d.hdrEnd[i] - o, children: ch };
  },
};

// ---- IPv4 ----------------------------------------------------------------------------------------------

export const ipv4: Dissector = {
  proto: Proto.Ipv4, abbrev: "ip", name: "Internet Protocol Version 4",
  decode(d, off, end, ctx) {
    if (off + 20 > d.length) return d.cut(Proto.Ipv4);
    const vihl = d.u8(off);
    if (vihl >> 4 !== 4) return d.bad(Proto.Ipv4, `version ${vihl >> 4} in an IPv4 header`);
    const ihl = (vihl & 15) * 4;
    if (ihl < 20) return d.bad(Proto.Ipv4, `header length ${ihl} < 20`);
    const total = d.u16(off + 2);
    const layerEnd = total >= ihl ? Math.min(end, off + total) : end;
    if (off + ihl > d.length) {
      d.push(Proto.Ipv4, off, d.length, layerEnd);
      return d.cut(Proto.Ipv4);
    }
    d.push(Proto.Ipv4, off, off + ihl, layerEnd);
    ctx.next = off + ihl;
    ctx.nextEnd = layerEnd;
    const fragOff = d.u16(off + 6) & 0x1fff;
    if (fragOff !== 0) return Proto.Data; // a non-first fragment carries no transport header
    return (ctx.tables.ipProto[d.u8(off + 9)] ?? 0) as Proto || Proto.Data;
  },
  fields: [
    field("ip.version", "Version", "uint", (d, i) => d.u8(d.start[i]) >> 4),
    field("ip.hdr_len", "Header Length", "uint", (d, i) => (d.u8(d.start[i]) & 15) * 4),
    field("ip.dsfield", "Differentiated Services Field", "uint", (d, i) => u8at(d, d.start[i] + 1)),
    field("ip.len", "Total Length", "uint", (d, i) => u16at(d, d.start[i] + 2)),
    field("ip.id", "Identification", "uint", (d, i) => u16at(d, d.start[i] + 4)),
    field("ip.flags.df", "Don't fragment", "bool", (d, i) => { const v = u16at(d, d.start[i] + 6); return v === undefined ? v : (v & 0x4000) !== 0; }),
    field("ip.flags.mf", "More fragments", "bool", (d, i) => { const v = u16at(d, d.start[i] + 6); return v === undefined ? v : (v & 0x2000) !== 0; }),
    field("ip.frag_offset", "Fragment Offset", "uint", (d, i) => { const v = u16at(d, d.start[i] + 6); return v === undefined ? v : (v & 0x1fff) * 8; }),
    field("ip.ttl", "Time to Live", "uint", (d, i) => u8at(d, d.start[i] + 8)),
    field("ip.proto", "Protocol", "uint", (d, i) => u8at(d, d.start[i] + 9)),
    field("ip.checksum", "Header Checksum", "uint", (d, i) => u16at(d, d.start[i] + 10)),
    field("ip.src", "Source Address", "ipv4", (d, i) => u32at(d, d.start[i] + 12)),
    field("ip.dst", "Destination Address", "ipv4", (d, i) => u32at(d, d.start[i] + 16)),
  ],
  tree(d, i) {
    const o = d.start[i];
    const ihl = (d.u8(o) & 15) * 4;
    const flags = d.u16(o + 6);
    const proto = d.u8(o + 9);
    return {
      label: `Internet Protocol Version 4, Src: ${ipv4Text(d.u32(o + 12))}, Dst: ${ipv4Text(d.u32(o + 16))}`, start: o, length: ihl,
      children: [
        leaf(`Header Length: ${ihl} bytes`, "ip.hdr_len", o, 1),
        leaf(`Total Length: ${d.u16(o + 2)}`, "ip.len", o + 2, 2),
        leaf(`Identification: 0x${d.u16(o + 4).toString(16).padStart(4, "0")} (${d.u16(o + 4)})`, "ip.id", o + 4, 2),
        leaf(`Flags: 0x${(flags >>> 13).toString(16)}${flags & 0x4000 ? ", Don't fragment" : ""}${flags & 0x2000 ? ", More fragments" : ""}`, "ip.flags", o + 6, 1),
        leaf(`Fragment Offset: ${(flags & 0x1fff) * 8}`, "ip.frag_offset", o + 6, 2),
        leaf(`Time to Live: ${d.u8(o + 8)}`, "ip.ttl", o + 8, 1),
        leaf(`Protocol: ${ipProtoName(proto)} (${proto})`, "ip.proto", o + 9, 1),
        leaf(`Header Checksum: 0x${d.u16(o + 10).toString(16).padStart(4, "0")}`, "ip.checksum", o + 10, 2),
        leaf(`Source Address: ${ipv4Text(d.u32(o + 12))}`, "ip.src", o + 12, 4),
        leaf(`Destination Address: ${ipv4Text(d.u32(o + 16))}`, "ip.dst", o + 16, 4),
      ],
    };
  },
};

// ---- IPv6 ----------------------------------------------------------------------------------------------

const IPV6_EXT = new Set([0, 43, 44, 50, 51, 60, 135, 139, 140]);

export const ipv6: Dissector = {
  proto: Proto.Ipv6, abbrev: "ipv6", name: "Internet Protocol Version 6",
  decode(d, off, end, ctx) {
    if (off + 40 > d.length) return d.cut(Proto.Ipv6);
    if (d.u8(off) >> 4 !== 6) return d.bad(Proto.Ipv6, `version ${d.u8(off) >> 4} in an IPv6 header`);
    const plen = d.u16(off + 4);
    const layerEnd = plen === 0 ? end : Math.min(end, off + 40 + plen);
    let next = d.u8(off + 6);
    let p = off + 40;
    // Extension headers: hop-by-hop, routing, fragment, destination options, AH, mobility …
    let nonFirstFragment = false;
    while (IPV6_EXT.has(next) && next !== 50) {
      if (p + 8 > d.length) {
        d.push(Proto.Ipv6, off, p, layerEnd);
        return d.cut(Proto.Ipv6);
      }
      const hn = d.u8(p);
      let len: number;
      if (next === 44) {
        len = 8;
        if ((d.u16(p + 2) & 0xfff8) !== 0) nonFirstFragment = true;
      } else if (next === 51) len = (d.u8(p + 1) + 2) * 4;
      else len = (d.u8(p + 1) + 1) * 8;
      next = hn;
      p += len;
    }
    if (p > d.length) {
      d.push(Proto.Ipv6, off, d.length, layerEnd);
      return d.cut(Proto.Ipv6);
    }
    d.push(Proto.Ipv6, off, p, layerEnd);
    ctx.next = p;
    ctx.nextEnd = layerEnd;
    if (nonFirstFragment || next === 59) return Proto.Data;
    return (ctx.tables.ipProto[next] ?? 0) as Proto || Proto.Data;
  },
  fields: [
    field("ipv6.version", "Version", "uint", (d, i) => d.u8(d.start[i]) >> 4),
    field("ipv6.plen", "Payload Length", "uint", (d, i) => u16at(d, d.start[i] + 4)),
    field("ipv6.nxt", "Next Header", "uint", (d, i) => u8at(d, d.start[i] + 6)),
    field("ipv6.hlim", "Hop Limit", "uint", (d, i) => u8at(d, d.start[i] + 7)),
    field("ipv6.flow", "Flow Label", "uint", (d, i) => (d.start[i] + 4 <= d.length ? d.u32(d.start[i]) & 0xfffff : undefined)),
    field("ipv6.src", "Source Address", "ipv6", (d, i) => (d.start[i] + 24 <= d.length ? ipv6Hex(d.bytes, d.start[i] + 8) : undefined)),
    field("ipv6.dst", "Destination Address", "ipv6", (d, i) => (d.start[i] + 40 <= d.length ? ipv6Hex(d.bytes, d.start[i] + 24) : undefined)),
  ],
  tree(d, i) {
    const o = d.start[i];
    return {
      label: `Internet Protocol Version 6, Src: ${ipv6Text(d.bytes, o + 8)}, Dst: ${ipv6Text(d.bytes, o + 24)}`, start: o, length: d.hdrEnd[i] - o,
      children: [
        leaf(`Payload Length: ${d.u16(o + 4)}`, "ipv6.plen", o + 4, 2),
        leaf(`Next Header: ${ipProtoName(d.u8(o + 6))} (${d.u8(o + 6)})`, "ipv6.nxt", o + 6, 1),
        leaf(`Hop Limit: ${d.u8(o + 7)}`, "ipv6.hlim", o + 7, 1),
        leaf(`Source Address: ${ipv6Text(d.bytes, o + 8)}`, "ipv6.src", o + 8, 16),
        leaf(`Destination Address: ${ipv6Text(d.bytes, o + 24)}`, "ipv6.dst", o + 24, 16),
      ],
    };
  },
};

/** The transport protocol number of an IP layer (after IPv6 extension headers). */
export function ipNextProto(d: Dissection, i: number): number {
  const o = d.start[i];
  if (d.proto[i] === Proto.Ipv4) return d.u8(o + 9);
  let next = d.u8(o + 6);
  let p = o + 40;
  while (IPV6_EXT.has(next) && next !== 50 && p + 8 <= d.length && p < d.hdrEnd[i]) {
    const hn = d.u8(p);
    p += next === 44 ? 8 : next === 51 ? (d.u8(p + 1) + 2) * 4 : (d.u8(p + 1) + 1) * 8;
    next = hn;
  }
  return next;
}

// ---- ICMP ----------------------------------------------------------------------------------------------

export const icmp: Dissector = {
  proto: Proto.Icmp, abbrev: "icmp", name: "Internet Control Message Protocol",
  decode(d, off, end, ctx) {
    if (off + 4 > d.length) return d.cut(Proto.Icmp);
    const type = d.u8(off);
    const hdr = Math.min(d.length, off + 8);
    d.push(Proto.Icmp, off, hdr, end);
    // Errors (unreachable, time exceeded, parameter problem, redirect, source quench) quote the offending IP header.
    if ((type === 3 || type === 11 || type === 12 || type === 5 || type === 4) && off + 8 < d.length) {
      ctx.next = off + 8;
      ctx.nextEnd = end;
      return Proto.Ipv4;
    }
    if (off + 8 > d.length) return d.cut(Proto.Icmp);
    return Proto.None;
  },
  fields: [
    field("icmp.type", "Type", "uint", (d, i) => u8at(d, d.start[i])),
    field("icmp.code", "Code", "uint", (d, i) => u8at(d, d.start[i] + 1)),
    field("icmp.checksum", "Checksum", "uint", (d, i) => u16at(d, d.start[i] + 2)),
    field("icmp.ident", "Identifier", "uint", (d, i) => (isEcho(d.u8(d.start[i])) ? u16at(d, d.start[i] + 4) : undefined)),
    field("icmp.seq", "Sequence Number", "uint", (d, i) => (isEcho(d.u8(d.start[i])) ? u16at(d, d.start[i] + 6) : undefined)),
    field("icmp.mtu", "MTU of next hop", "uint", (d, i) => (d.u8(d.start[i]) === 3 && d.u8(d.start[i] + 1) === 4 ? u16at(d, d.start[i] + 6) : undefined)),
  ],
  tree(d, i) {
    const o = d.start[i];
    const t = d.u8(o);
    const ch: TreeNode[] = [leaf(`Type: ${t} (${icmpTypeName(t, d.u8(o + 1))})`, "icmp.type", o, 1), leaf(`Code: ${d.u8(o + 1)}`, "icmp.code", o + 1, 1)];
    if (isEcho(t) && o + 8 <= d.length) {
      ch.push(leaf(`Identifier (BE): ${d.u16(o + 4)} (0x${d.u16(o + 4).toString(16).padStart(4, "0")})`, "icmp.ident", o + 4, 2));
      ch.push(leaf(`Sequence Number (BE): ${d.u16(o + 6)} (0x${d.u16(o + 6).toString(16).padStart(4, "0")})`, "icmp.seq", o + 6, 2));
    }
    return { label: "Internet Control Message Protocol", start: o, length: d.end[i] - o, children: ch };
  },
};

function isEcho(t: number): boolean {
  return t === 0 || t === 8 || t === 13 || t === 14;
}

export function icmpTypeName(t: number, code: number): string {
  switch (t) {
    case 0: return "Echo (ping) reply";
    case 3: return ["Network unreachable", "Host unreachable", "Protocol unreachable", "Port unreachable", "Fragmentation needed", "Source route failed"][code] ?? "Destination unreachable";
    case 5: return "Redirect";
    case 8: return "Echo (ping) request";
    case 11: return "Time-to-live exceeded";
    case 12: return "Parameter problem";
    default: return `Type ${t}`;
  }
}

// ---- TCP -----------------------------------------------------------------------------------------------

export const tcp: Dissector = {
  proto: Proto.Tcp, abbrev: "tcp", name: "Transmission Control Protocol",
  decode(d, off, end, ctx) {
    if (off + 20 > d.length) {
      if (off + 4 <= d.length) d.push(Proto.Tcp, off, d.length, end);
      return d.cut(Proto.Tcp);
    }
    const hl = (d.u8(off + 12) >> 4) * 4;
    if (hl < 20) {
      d.push(Proto.Tcp, off, off + 20, end);
      return d.bad(Proto.Tcp, `data offset ${hl} < 20`);
    }
    if (off + hl > d.length) {
      d.push(Proto.Tcp, off, d.length, end);
      return d.cut(Proto.Tcp);
    }
    d.push(Proto.Tcp, off, off + hl, end);
    if (off + hl >= end) return Proto.None;
    ctx.next = off + hl;
    ctx.nextEnd = end;
    const t = ctx.tables.tcpPort;
    return ((t[d.u16(off)] || t[d.u16(off + 2)]) as Proto) || Proto.Data;
  },
  fields: [
    field("tcp.srcport", "Source Port", "uint", (d, i) => u16at(d, d.start[i])),
    field("tcp.dstport", "Destination Port", "uint", (d, i) => u16at(d, d.start[i] + 2)),
    field("tcp.seq_raw", "Sequence Number (raw)", "uint", (d, i) => u32at(d, d.start[i] + 4)),
    field("tcp.ack_raw", "Acknowledgment number (raw)", "uint", (d, i) => u32at(d, d.start[i] + 8)),
    field("tcp.hdr_len", "Header Length", "uint", (d, i) => { const v = u8at(d, d.start[i] + 12); return v === undefined ? v : (v >> 4) * 4; }),
    field("tcp.flags", "Flags", "uint", (d, i) => { const v = u16at(d, d.start[i] + 12); return v === undefined ? v : v & 0xfff; }),
    ...(["fin", "syn", "reset", "push", "ack", "urg", "ece", "cwr"] as const).map((n, bit) =>
      field(`tcp.flags.${n}`, n.toUpperCase(), "bool", (d, i) => { const v = u8at(d, d.start[i] + 13); return v === undefined ? v : (v & (1 << bit)) !== 0; })),
    field("tcp.window_size_value", "Window", "uint", (d, i) => u16at(d, d.start[i] + 14)),
    field("tcp.checksum", "Checksum", "uint", (d, i) => u16at(d, d.start[i] + 16)),
    field("tcp.urgent_pointer", "Urgent Pointer", "uint", (d, i) => u16at(d, d.start[i] + 18)),
    field("tcp.len", "TCP Segment Len", "uint", (d, i) => Math.max(0, tcpPayloadEnd(d, i) - d.hdrEnd[i])),
    field("tcp.options.mss_val", "MSS Value", "uint", (d, i) => tcpOption(d, i, 2, 4)),
    field("tcp.options.wscale.shift", "Window scale shift count", "uint", (d, i) => tcpOption(d, i, 3, 3)),
  ],
  tree(d, i) {
    const o = d.start[i];
    if (o + 20 > d.length) return { label: `Transmission Control Protocol, Src Port: ${d.u16(o)}, Dst Port: ${d.u16(o + 2)} [truncated]`, start: o, length: d.length - o };
    const flags = d.u8(o + 13);
    const len = Math.max(0, tcpPayloadEnd(d, i) - d.hdrEnd[i]);
    return {
      label: `Transmission Control Protocol, Src Port: ${d.u16(o)}, Dst Port: ${d.u16(o + 2)}, Seq: ${d.u32(o + 4)}, Ack: ${d.u32(o + 8)}, Len: ${len}`,
      start: o, length: d.hdrEnd[i] - o,
      children: [
        leaf(`Source Port: ${d.u16(o)}`, "tcp.srcport", o, 2),
        leaf(`Destination Port: ${d.u16(o + 2)}`, "tcp.dstport", o + 2, 2),
        leaf(`Sequence Number (raw): ${d.u32(o + 4)}`, "tcp.seq_raw", o + 4, 4),
        leaf(`Acknowledgment number (raw): ${d.u32(o + 8)}`, "tcp.ack_raw", o + 8, 4),
        leaf(`Header Length: ${(d.u8(o + 12) >> 4) * 4} bytes`, "tcp.hdr_len", o + 12, 1),
        leaf(`Flags: 0x${(d.u16(o + 12) & 0xfff).toString(16).padStart(3, "0")} (${tcpFlagNames(flags)})`, "tcp.flags", o + 12, 2),
        leaf(`Window: ${d.u16(o + 14)}`, "tcp.window_size_value", o + 14, 2),
        leaf(`Checksum: 0x${d.u16(o + 16).toString(16).padStart(4, "0")}`, "tcp.checksum", o + 16, 2),
      ],
    };
  },
};

/** End of a TCP segment's payload: the IP layer's end (not the Ethernet padding). */
export function tcpPayloadEnd(d: Dissection, i: number): number {
  return d.end[i];
}

function tcpOption(d: Dissection, i: number, kind: number, size: number): number | undefined {
  let p = d.start[i] + 20;
  const e = d.hdrEnd[i];
  while (p < e) {
    const k = d.u8(p);
    if (k === 0) return undefined;
    if (k === 1) {
      p++;
      continue;
    }
    if (p + 1 >= e) return undefined;
    const l = d.u8(p + 1);
    if (l < 2) return undefined;
    if (k === kind && l === size && p + l <= e) return size === 4 ? d.u16(p + 2) : d.u8(p + 2);
    p += l;
  }
  return undefined;
}

export function tcpFlagNames(f: number): string {
  const n: string[] = [];
  if (f & 0x80) n.push("CWR");
  if (f & 0x40) n.push("ECE");
  if (f & 0x20) n.push("URG");
  if (f & 0x10) n.push("ACK");
  if (f & 0x08) n.push("PSH");
  if (f & 0x04) n.push("RST");
  if (f & 0x02) n.push("SYN");
  if (f & 0x01) n.push("FIN");
  return n.join(", ");
}

// ---- UDP -----------------------------------------------------------------------------------------------

export const udp: Dissector = {
  proto: Proto.Udp, abbrev: "udp", name: "User Datagram Protocol",
  decode(d, off, end, ctx) {
    if (off + 8 > d.length) {
      if (off + 4 <= d.length) d.push(Proto.Udp, off, d.length, end);
      return d.cut(Proto.Udp);
    }
    const len = d.u16(off + 4);
    const layerEnd = len >= 8 ? Math.min(end, off + len) : end;
    d.push(Proto.Udp, off, off + 8, layerEnd);
    if (off + 8 >= layerEnd) return Proto.None;
    ctx.next = off + 8;
    ctx.nextEnd = layerEnd;
    const t = ctx.tables.udpPort;
    const sp = d.u16(off);
    const dp = d.u16(off + 2);
    // Prefer the well-known (lower) port, as Wireshark does.
    const first = sp < dp ? sp : dp;
    const second = sp < dp ? dp : sp;
    return ((t[first] || t[second]) as Proto) || Proto.Data;
  },
  fields: [
    field("udp.srcport", "Source Port", "uint", (d, i) => u16at(d, d.start[i])),
    field("udp.dstport", "Destination Port", "uint", (d, i) => u16at(d, d.start[i] + 2)),
    field("udp.length", "Length", "uint", (d, i) => u16at(d, d.start[i] + 4)),
    field("udp.checksum", "Checksum", "uint", (d, i) => u16at(d, d.start[i] + 6)),
  ],
  tree(d, i) {
    const o = d.start[i];
    return {
      label: `User Datagram Protocol, Src Port: ${d.u16(o)}, Dst Port: ${d.u16(o + 2)}`, start: o, length: 8,
      children: [
        leaf(`Source Port: ${d.u16(o)}`, "udp.srcport", o, 2),
        leaf(`Destination Port: ${d.u16(o + 2)}`, "udp.dstport", o + 2, 2),
        leaf(`Length: ${d.u16(o + 4)}`, "udp.length", o + 4, 2),
        leaf(`Checksum: 0x${d.u16(o + 6).toString(16).padStart(4, "0")}`, "udp.checksum", o + 6, 2),
      ],
    };
  },
};

// ---- Data ----------------------------------------------------------------------------------------------

export const data: Dissector = {
  proto: Proto.Data, abbrev: "data", name: "Data",
  decode(d, off, end) {
    if (off < end && off < d.length) d.push(Proto.Data, off, off, end);
    return Proto.None;
  },
  fields: [
    field("data.len", "Length", "uint", (d, i) => d.end[i] - d.start[i]),
    field("data.data", "Data", "bytes", (d, i) => d.bytes.subarray(d.start[i], d.end[i])),
  ],
  tree(d, i) {
    return { label: `Data (${d.end[i] - d.start[i]} bytes)`, start: d.start[i], length: d.end[i] - d.start[i] };
  },
};

export function etherTypeName(t: number): string {
  switch (t) {
    case 0x0800: return "IPv4";
    case 0x0806: return "ARP";
    case 0x86dd: return "IPv6";
    case 0x8100: return "802.1Q";
    case 0x88cc: return "LLDP";
    case 0x88a8: return "802.1ad";
    default: return "Unknown";
  }
}

export function ipProtoName(p: number): string {
  switch (p) {
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 58: return "ICMPv6";
    default: return `ip-proto-${p}`;
  }
}

/** Small helpers shared with the other dissector modules (bounds-checked reads, field and tree-leaf builders). */
export { mac48, u8at, u16at, u32at, field, leaf };
void ({} as DecodeContext);
