/**
 * BOOTP/DHCP (RFC 951, RFC 2131/2132) on UDP 67/68: the fixed 236-byte header, the magic cookie and the
 * options (code, length, value; 0 pad, 255 end). decode() walks the options in place to find truncation and
 * bad lengths; option values are read on demand by scanning for the code (option overload, 52, is not
 * followed into sname/file).
 */
import type { Dissection, Dissector, FieldSpec, TreeNode } from "./core.js";
import { Proto } from "./core.js";
import { field, leaf, mac48, u16at, u32at, u8at } from "./base.js";
import { ipv4Text, macText } from "./addr.js";
import { macDash } from "./summary.js";

const FIXED = 236;
const COOKIE = 0x63825363;

function hasCookie(d: Dissection, o: number): boolean {
  return o + FIXED + 4 <= d.length && d.u32(o + FIXED) === COOKIE;
}

function decode(d: Dissection, off: number, end: number): Proto {
  if (off + FIXED > d.length) {
    if (off < d.length) d.push(Proto.Dhcp, off, d.length, end);
    return d.cut(Proto.Dhcp);
  }
  if (d.u8(off + 1) === 1 && d.u8(off + 2) !== 6) {
    d.push(Proto.Dhcp, off, off + FIXED, end);
    return d.bad(Proto.Dhcp, `Ethernet hardware address length ${d.u8(off + 2)} (not 6)`);
  }
  if (!hasCookie(d, off)) {
    d.push(Proto.Dhcp, off, off + FIXED, end);
    if (off + FIXED + 4 > d.length && d.length < d.wireLength) return d.cut(Proto.Dhcp);
    return Proto.None; // plain BOOTP (vendor area without the DHCP cookie)
  }
  d.push(Proto.Dhcp, off, off + FIXED + 4, end);
  const limit = Math.min(end, d.length);
  let p = off + FIXED + 4;
  while (p < limit) {
    const code = d.bytes[p];
    if (code === 255) return Proto.None;
    if (code === 0) {
      p++;
      continue;
    }
    p += p + 2 > limit ? 2 : 2 + d.bytes[p + 1];
  }
  if (p > limit) return d.length < d.wireLength ? d.cut(Proto.Dhcp) : d.bad(Proto.Dhcp, "DHCP option runs past the end of the message");
  return Proto.None;
}

/** Offset of the value of option `code` (its length byte is just before), or -1. */
export function dhcpOption(d: Dissection, i: number, code: number): number {
  const o = d.start[i];
  if (!hasCookie(d, o)) return -1;
  const limit = d.end[i];
  let p = o + FIXED + 4;
  while (p < limit) {
    const c = d.bytes[p];
    if (c === 255) return -1;
    if (c === 0) {
      p++;
      continue;
    }
    if (p + 2 > limit) return -1;
    const len = d.bytes[p + 1];
    if (p + 2 + len > limit) return -1;
    if (c === code) return p + 2;
    p += 2 + len;
  }
  return -1;
}

/** The option codes in packet order; the End option counts as 0, as Wireshark files it. */
function optionCodes(d: Dissection, i: number): number | number[] | undefined {
  const o = d.start[i];
  if (!hasCookie(d, o)) return undefined;
  const codes: number[] = [];
  for (let p = o + FIXED + 4; p < d.end[i]; ) {
    const c = d.bytes[p];
    if (c === 255) {
      codes.push(0);
      break;
    }
    if (c === 0) {
      p++;
      continue;
    }
    if (p + 2 > d.end[i] || p + 2 + d.bytes[p + 1] > d.end[i]) break;
    codes.push(c);
    p += 2 + d.bytes[p + 1];
  }
  return codes.length === 0 ? undefined : codes.length === 1 ? codes[0] : codes;
}

function optLen(d: Dissection, v: number): number {
  return d.bytes[v - 1];
}

function optU8(code: number): FieldSpec["get"] {
  return (d, i) => { const v = dhcpOption(d, i, code); return v >= 0 && optLen(d, v) >= 1 ? d.u8(v) : undefined; };
}
function optU32(code: number): FieldSpec["get"] {
  return (d, i) => { const v = dhcpOption(d, i, code); return v >= 0 && optLen(d, v) >= 4 ? d.u32(v) : undefined; };
}
function optU32List(code: number): FieldSpec["get"] {
  return (d, i) => {
    const v = dhcpOption(d, i, code);
    if (v < 0) return undefined;
    const n = optLen(d, v) >> 2;
    if (n === 0) return undefined;
    if (n === 1) return d.u32(v);
    const a: number[] = [];
    for (let k = 0; k < n; k++) a.push(d.u32(v + 4 * k));
    return a;
  };
}
function optString(code: number): FieldSpec["get"] {
  return (d, i) => { const v = dhcpOption(d, i, code); return v >= 0 ? latin1(d, v, optLen(d, v)) : undefined; };
}

function latin1(d: Dissection, p: number, n: number): string {
  let s = "";
  for (let k = 0; k < n && p + k < d.length; k++) s += String.fromCharCode(d.bytes[p + k]);
  return s;
}

/** A NUL-terminated string in a fixed-size field (sname, file). */
function cString(d: Dissection, p: number, n: number): string {
  let s = "";
  for (let k = 0; k < n && p + k < d.length && d.bytes[p + k] !== 0; k++) s += String.fromCharCode(d.bytes[p + k]);
  return s;
}

const at = (o: number, get: (d: Dissection, p: number) => number | undefined): FieldSpec["get"] => (d, i) => get(d, d.start[i] + o);

const fields: FieldSpec[] = [
  field("dhcp.type", "Message type", "uint", at(0, u8at)),
  field("dhcp.hw.type", "Hardware type", "uint", at(1, u8at)),
  field("dhcp.hw.len", "Hardware address length", "uint", at(2, u8at)),
  field("dhcp.hops", "Hops", "uint", at(3, u8at)),
  field("dhcp.id", "Transaction ID", "uint", at(4, u32at)),
  field("dhcp.secs", "Seconds elapsed", "uint", at(8, u16at)),
  field("dhcp.flags", "Bootp flags", "uint", at(10, u16at)),
  field("dhcp.flags.bc", "Broadcast flag", "bool", (d, i) => { const v = u16at(d, d.start[i] + 10); return v === undefined ? v : (v & 0x8000) !== 0; }),
  field("dhcp.ip.client", "Client IP address", "ipv4", at(12, u32at)),
  field("dhcp.ip.your", "Your (client) IP address", "ipv4", at(16, u32at)),
  field("dhcp.ip.server", "Next server IP address", "ipv4", at(20, u32at)),
  field("dhcp.ip.relay", "Relay agent IP address", "ipv4", at(24, u32at)),
  field("dhcp.hw.mac_addr", "Client MAC address", "mac", (d, i) => (d.u8(d.start[i] + 1) === 1 && d.u8(d.start[i] + 2) === 6 ? mac48(d, d.start[i] + 28) : undefined)),
  field("dhcp.server", "Server host name", "string", (d, i) => (d.start[i] + 108 <= d.length ? cString(d, d.start[i] + 44, 64) : undefined)),
  field("dhcp.file", "Boot file name", "string", (d, i) => (d.start[i] + FIXED <= d.length ? cString(d, d.start[i] + 108, 128) : undefined)),
  field("dhcp.cookie", "Magic cookie", "ipv4", at(FIXED, u32at)),
  field("dhcp.option.type", "Option", "uint", optionCodes),
  field("dhcp.option.dhcp", "DHCP Message Type", "uint", optU8(53)),
  field("dhcp.option.subnet_mask", "Subnet Mask", "ipv4", optU32(1)),
  field("dhcp.option.router", "Router", "ipv4", optU32List(3)),
  field("dhcp.option.domain_name_server", "Domain Name Server", "ipv4", optU32List(6)),
  field("dhcp.option.hostname", "Host Name", "string", optString(12)),
  field("dhcp.option.domain_name", "Domain Name", "string", optString(15)),
  field("dhcp.option.requested_ip_address", "Requested IP Address", "ipv4", optU32(50)),
  field("dhcp.option.ip_address_lease_time", "IP Address Lease Time", "uint", optU32(51)),
  field("dhcp.option.dhcp_server_id", "DHCP Server Identifier", "ipv4", optU32(54)),
  field("dhcp.option.vendor_class_id", "Vendor class identifier", "string", optString(60)),
  field("dhcp.option.request_list_item", "Parameter Request List Item", "uint", (d, i) => {
    const v = dhcpOption(d, i, 55);
    if (v < 0) return undefined;
    const a: number[] = [];
    for (let k = 0; k < optLen(d, v); k++) a.push(d.u8(v + k));
    return a.length === 1 ? a[0] : a;
  }),
];

export const DHCP_TYPES = ["", "Discover", "Offer", "Request", "Decline", "ACK", "NAK", "Release", "Inform", "Force Renew", "Lease query", "Lease Unassigned", "Lease Unknown", "Lease Active"];

const OPTION_NAMES: Record<number, string> = {
  1: "Subnet Mask", 3: "Router", 6: "Domain Name Server", 12: "Host Name", 15: "Domain Name", 28: "Broadcast Address",
  43: "Vendor-Specific Information", 50: "Requested IP Address", 51: "IP Address Lease Time", 53: "DHCP Message Type",
  54: "DHCP Server Identifier", 55: "Parameter Request List", 57: "Maximum DHCP Message Size", 58: "Renewal Time Value",
  59: "Rebinding Time Value", 60: "Vendor class identifier", 61: "Client identifier", 81: "Client Fully Qualified Domain Name",
  116: "DHCP Auto-Configuration", 119: "Domain Search", 121: "Classless Static Route", 252: "Private/Proxy autodiscovery",
  255: "End",
};

function optionNode(d: Dissection, p: number): TreeNode {
  const code = d.bytes[p];
  const name = OPTION_NAMES[code] ?? "Unknown";
  if (code === 255) return { label: "Option: (255) End", field: "dhcp.option.type", start: p, length: 1 };
  const len = d.bytes[p + 1];
  const v = p + 2;
  const ch: TreeNode[] = [leaf(`Length: ${len}`, "dhcp.option.length", p + 1, 1)];
  let extra = "";
  if (code === 53 && len >= 1) {
    extra = ` (${DHCP_TYPES[d.u8(v)] ?? "Unknown"})`;
    ch.push(leaf(`DHCP: ${DHCP_TYPES[d.u8(v)] ?? "Unknown"} (${d.u8(v)})`, "dhcp.option.dhcp", v, 1));
  } else if ((code === 1 || code === 50 || code === 54) && len === 4) {
    ch.push(leaf(`${name}: ${ipv4Text(d.u32(v))}`, code === 1 ? "dhcp.option.subnet_mask" : code === 50 ? "dhcp.option.requested_ip_address" : "dhcp.option.dhcp_server_id", v, 4));
  } else if ((code === 3 || code === 6) && len % 4 === 0) {
    for (let k = 0; k < len; k += 4) ch.push(leaf(`${name}: ${ipv4Text(d.u32(v + k))}`, code === 3 ? "dhcp.option.router" : "dhcp.option.domain_name_server", v + k, 4));
  } else if (code === 12 || code === 15 || code === 60) {
    ch.push(leaf(`${name}: ${latin1(d, v, len)}`, code === 12 ? "dhcp.option.hostname" : code === 15 ? "dhcp.option.domain_name" : "dhcp.option.vendor_class_id", v, len));
  } else if (code === 51 && len === 4) {
    ch.push(leaf(`IP Address Lease Time: ${d.u32(v)}`, "dhcp.option.ip_address_lease_time", v, 4));
  }
  return { label: `Option: (${code}) ${name}${extra}`, field: "dhcp.option.type", start: p, length: 2 + len, children: ch };
}

function tree(d: Dissection, i: number): TreeNode {
  const o = d.start[i];
  if (o + FIXED > d.length) return { label: "Dynamic Host Configuration Protocol [truncated]", start: o, length: d.length - o };
  const op = d.u8(o);
  const mt = dhcpOption(d, i, 53);
  const typeName = mt >= 0 ? DHCP_TYPES[d.u8(mt)] ?? "Unknown" : "";
  const ip = (label: string, f: string, k: number): TreeNode => leaf(`${label}: ${ipv4Text(d.u32(o + k))}`, f, o + k, 4);
  const sname = cString(d, o + 44, 64);
  const file = cString(d, o + 108, 128);
  const ch: TreeNode[] = [
    leaf(`Message type: ${op === 1 ? "Boot Request" : op === 2 ? "Boot Reply" : "Unknown"} (${op})`, "dhcp.type", o, 1),
    leaf(`Hardware type: ${d.u8(o + 1) === 1 ? "Ethernet" : "Unknown"} (0x${d.u8(o + 1).toString(16).padStart(2, "0")})`, "dhcp.hw.type", o + 1, 1),
    leaf(`Hardware address length: ${d.u8(o + 2)}`, "dhcp.hw.len", o + 2, 1),
    leaf(`Hops: ${d.u8(o + 3)}`, "dhcp.hops", o + 3, 1),
    leaf(`Transaction ID: 0x${d.u32(o + 4).toString(16).padStart(8, "0")}`, "dhcp.id", o + 4, 4),
    leaf(`Seconds elapsed: ${d.u16(o + 8)}`, "dhcp.secs", o + 8, 2),
    leaf(`Bootp flags: 0x${d.u16(o + 10).toString(16).padStart(4, "0")} (${d.u16(o + 10) & 0x8000 ? "Broadcast" : "Unicast"})`, "dhcp.flags", o + 10, 2),
    ip("Client IP address", "dhcp.ip.client", 12),
    ip("Your (client) IP address", "dhcp.ip.your", 16),
    ip("Next server IP address", "dhcp.ip.server", 20),
    ip("Relay agent IP address", "dhcp.ip.relay", 24),
  ];
  if (d.u8(o + 1) === 1 && d.u8(o + 2) === 6) ch.push(leaf(`Client MAC address: ${macText(d.bytes, o + 28)}`, "dhcp.hw.mac_addr", o + 28, 6));
  ch.push(leaf(sname ? `Server host name: ${sname}` : "Server host name not given", "dhcp.server", o + 44, 64));
  ch.push(leaf(file ? `Boot file name: ${file}` : "Boot file name not given", "dhcp.file", o + 108, 128));
  if (hasCookie(d, o)) {
    ch.push(leaf("Magic cookie: DHCP", "dhcp.cookie", o + FIXED, 4));
    let p = o + FIXED + 4;
    while (p < d.end[i]) {
      const c = d.bytes[p];
      if (c === 0) {
        p++;
        continue;
      }
      if (c !== 255 && (p + 2 > d.end[i] || p + 2 + d.bytes[p + 1] > d.end[i])) break;
      ch.push(optionNode(d, p));
      if (c === 255) break;
      p += 2 + d.bytes[p + 1];
    }
  }
  const label = mt >= 0 ? `Dynamic Host Configuration Protocol (${typeName})` : "Bootstrap Protocol";
  return { label, start: o, length: d.end[i] - o, children: ch };
}

export const dhcp: Dissector = { proto: Proto.Dhcp, abbrev: "dhcp", name: "Dynamic Host Configuration Protocol", decode, fields, tree };

/** tcpdump's bootp_print (non-verbose): "BOOTP/DHCP, Request from 00-15-5D-01-02-03, length 300". */
export function summary(d: Dissection, i: number): string {
  const o = d.start[i];
  const p = d.parent[i];
  const length = p >= 0 && d.proto[p] === Proto.Udp ? Math.max(0, d.u16(d.start[p] + 4) - 8) : d.end[i] - o;
  if (o >= d.length) return " [|bootp]";
  const op = d.u8(o);
  let s = `BOOTP/DHCP, ${op === 1 ? "Request" : op === 2 ? "Reply" : `unknown (0x${op.toString(16).padStart(2, "0")})`}`;
  if (o + 3 > d.length) return s + " [|bootp]";
  if (d.u8(o + 1) === 1 && d.u8(o + 2) === 6 && op === 1) {
    if (o + 34 > d.length) return s + " [|bootp]";
    s += ` from ${macDash(d.bytes, o + 28)}`;
  }
  return s + `, length ${length}`;
}
