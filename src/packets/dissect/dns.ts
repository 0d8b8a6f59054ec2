/**
 * DNS (RFC 1035) over UDP/TCP port 53, mDNS (RFC 6762) on 5353 and LLMNR (RFC 4795) on 5355.
 *
 * decode() checks the header and walks the four sections in place (names are skipped, not decompressed), so a
 * capture cut short sets `truncated` where the bytes run out and a record running past the end of the message
 * sets `malformed`. Compression pointers of the question and owner names are followed with RFC 1035's rule that
 * a pointer refers to a *prior* occurrence: every jump must go strictly backwards (tcpdump's and BIND's rule),
 * so a pointer loop is reported as malformed and can never be followed. Names become text only when a field,
 * the tree or the summary asks for them.
 */
import type { DecodeContext, Dissection, Dissector, FieldSpec, TreeNode } from "./core.js";
import { Proto } from "./core.js";
import { field, leaf, u16at } from "./base.js";
import { ipv4Text, ipv6Hex, ipv6Text } from "./addr.js";

// ---- layout ------------------------------------------------------------------------------------------------

function parentProto(d: Dissection, i: number): number {
  const p = d.parent[i];
  return p >= 0 ? d.proto[p] : Proto.None;
}

/** Offset of the DNS header of layer i (after the 2-byte length prefix over TCP). */
export function dnsBase(d: Dissection, i: number): number {
  return d.start[i] + (parentProto(d, i) === Proto.Tcp ? 2 : 0);
}

/** "dns", "mdns" or "llmnr", from the transport ports (53 wins, as in tcpdump). */
export function dnsFlavour(d: Dissection, i: number): "dns" | "mdns" | "llmnr" {
  const p = d.parent[i];
  if (p < 0 || d.proto[p] !== Proto.Udp) return "dns";
  const sp = d.u16(d.start[p]);
  const dp = d.u16(d.start[p] + 2);
  if (sp === 53 || dp === 53) return "dns";
  if (sp === 5353 || dp === 5353) return "mdns";
  if (sp === 5355 || dp === 5355) return "llmnr";
  return "dns";
}

/**
 * Position after the name at p, read in place (a pointer ends it); may lie beyond `end` when the name runs
 * past it. -1 for a label type that is not a length or a pointer (0x40 extended, 0x80 reserved), or a name
 * longer than 255 bytes.
 */
function skipName(d: Dissection, p: number, end: number): number {
  let len = 0;
  for (;;) {
    if (p >= end) return p + 1;
    const c = d.bytes[p];
    if (c === 0) return p + 1;
    const t = c & 0xc0;
    if (t === 0xc0) return p + 2;
    if (t !== 0) return -1;
    len += c + 1;
    if (len > 255) return -1;
    p += c + 1;
  }
}

const NAME_OK = 0, NAME_CUT = -1, NAME_LOOP = -2, NAME_BAD = -3;

/** Follows the name at p through its compression pointers (strictly backwards) without building text. */
function checkName(d: Dissection, base: number, p: number, end: number): number {
  let max = p - base;
  for (let hops = 0; hops < 256; hops++) {
    if (p >= end) return NAME_CUT;
    const c = d.bytes[p];
    if (c === 0) return NAME_OK;
    if ((c & 0xc0) === 0xc0) {
      if (p + 1 >= end) return NAME_CUT;
      const off = ((c & 0x3f) << 8) | d.bytes[p + 1];
      if (off >= max) return NAME_LOOP;
      max = off;
      p = base + off;
      continue;
    }
    if (c & 0xc0) return NAME_BAD;
    p += c + 1;
  }
  return NAME_BAD;
}

// ---- decode ------------------------------------------------------------------------------------------------

function decode(d: Dissection, off: number, end: number, ctx: DecodeContext): Proto {
  const parent = d.n > 0 ? d.proto[d.n - 1] : Proto.None;
  let base = off;
  let declared = end;
  if (parent === Proto.Tcp) {
    if (off + 2 > d.length) return d.cut(Proto.Dns);
    const len = d.u16(off);
    if (len < 12) {
      // Not the start of a DNS message (a continuation segment): leave it as data.
      ctx.next = off;
      return Proto.Data;
    }
    base = off + 2;
    declared = base + len;
  } else if (parent === Proto.Udp) {
    const u = d.start[d.n - 1];
    const ulen = d.u16(u + 4);
    if (ulen >= 8) declared = u + ulen;
  }
  if (base + 12 > d.length) {
    if (base < d.length) d.push(Proto.Dns, off, d.length, end);
    return d.cut(Proto.Dns);
  }
  d.push(Proto.Dns, off, base + 12, Math.min(end, declared));
  const limit = Math.min(d.length, declared);
  let p = base + 12;
  for (let s = 0; s < 4; s++) {
    const count = d.u16(base + 4 + 2 * s);
    for (let k = 0; k < count; k++) {
      const name = p;
      p = skipName(d, p, limit);
      if (p < 0) return d.bad(Proto.Dns, "invalid DNS label type or name too long");
      p += s === 0 ? 4 : 10;
      if (p > limit) return overrun(d, p, declared);
      const chk = checkName(d, base, name, limit);
      if (chk === NAME_LOOP) return d.bad(Proto.Dns, "DNS compression pointer does not point backwards (loop)");
      if (chk === NAME_BAD) return d.bad(Proto.Dns, "invalid DNS label type");
      if (s === 0) continue;
      const type = d.u16(p - 10);
      const rdlen = d.u16(p - 2);
      if (p + rdlen > limit) return overrun(d, p + rdlen, declared);
      if (type === 2 || type === 5 || type === 12 || type === 39) {
        const c = checkName(d, base, p, p + rdlen);
        if (c === NAME_LOOP) return d.bad(Proto.Dns, "DNS compression pointer does not point backwards (loop)");
        if (c === NAME_BAD || c === NAME_CUT) return d.bad(Proto.Dns, "invalid name in DNS record data");
      }
      p += rdlen;
    }
  }
  return Proto.None;
}

function overrun(d: Dissection, want: number, declared: number): Proto {
  if (want > declared) return d.bad(Proto.Dns, "DNS record runs past the end of the message");
  return d.cut(Proto.Dns);
}

// ---- records (for fields and the tree) ---------------------------------------------------------------------

interface Rr {
  readonly section: number; // 0 question, 1 answer, 2 authority, 3 additional
  readonly name: number;
  readonly type: number;
  readonly cls: number;
  readonly ttl: number;
  /** Offset of the record data (resource records) and its length. */
  readonly rdata: number;
  readonly rdlen: number;
  readonly start: number;
  readonly end: number;
}

/** The records of layer i that lie wholly in the captured bytes, in order. */
function records(d: Dissection, i: number): Rr[] {
  const base = dnsBase(d, i);
  const out: Rr[] = [];
  if (base + 12 > d.length) return out;
  const limit = d.end[i];
  let p = base + 12;
  for (let s = 0; s < 4; s++) {
    const count = d.u16(base + 4 + 2 * s);
    for (let k = 0; k < count; k++) {
      const start = p;
      p = skipName(d, p, limit);
      if (p < 0 || p + (s === 0 ? 4 : 10) > limit) return out;
      const type = d.u16(p);
      const cls = d.u16(p + 2);
      if (s === 0) {
        p += 4;
        out.push({ section: 0, name: start, type, cls, ttl: 0, rdata: p, rdlen: 0, start, end: p });
        continue;
      }
      const rdlen = d.u16(p + 8);
      const rdata = p + 10;
      if (rdata + rdlen > limit) return out;
      out.push({ section: s, name: start, type, cls, ttl: d.u32(p + 4), rdata, rdlen, start, end: rdata + rdlen });
      p = rdata + rdlen;
    }
  }
  return out;
}

const utf8 = new TextDecoder("utf-8");

/** A label as Wireshark shows it: UTF-8 text, control characters as \ooo (octal). */
function labelText(d: Dissection, p: number, n: number): string {
  return utf8.decode(d.bytes.subarray(p, p + n)).replace(/\p{Cc}/gu, (c) => "\\" + c.charCodeAt(0).toString(8).padStart(3, "0"));
}

/** Wireshark's text of the name at p ("www.example.com", "<Root>"), or null when it cannot be read. */
export function dnsName(d: Dissection, base: number, p: number, end: number): string | null {
  let max = p - base;
  let s = "";
  for (let hops = 0; hops < 256; hops++) {
    if (p >= end) return null;
    const c = d.bytes[p];
    if (c === 0) return s === "" ? "<Root>" : s;
    if ((c & 0xc0) === 0xc0) {
      if (p + 1 >= end) return null;
      const off = ((c & 0x3f) << 8) | d.bytes[p + 1];
      if (off >= max) return null;
      max = off;
      p = base + off;
      continue;
    }
    if (c & 0xc0 || p + 1 + c > end) return null;
    if (s) s += ".";
    s += labelText(d, p + 1, c);
    p += c + 1;
  }
  return null;
}

function many<T extends number | string>(a: T[]): T | T[] | undefined {
  return a.length === 0 ? undefined : a.length === 1 ? a[0] : a;
}

/** Field values over the records of `section` (-1: every resource record) with type `type` (-1: any). */
function collect<T extends number | string>(d: Dissection, i: number, section: number, type: number, get: (r: Rr) => T | null): T | T[] | undefined {
  const out: T[] = [];
  for (const r of records(d, i)) {
    if (section >= 0 ? r.section !== section : r.section === 0) continue;
    if (type >= 0 && r.type !== type) continue;
    const v = get(r);
    if (v !== null) out.push(v);
  }
  return many(out);
}

function rdName(d: Dissection, i: number, r: Rr, skip = 0): string | null {
  return dnsName(d, dnsBase(d, i), r.rdata + skip, r.end);
}

/**
 * A flag bit as Wireshark offers it: AA, RA, AD and the rcode only in responses; RD, RA, AD and CD are not DNS
 * flags in LLMNR, whose 0x0400 and 0x0100 bits are Conflict and Tentative (RFC 4795 §2.1.1).
 */
function flagBit(bit: number, respOnly: boolean, llmnr: boolean | null): FieldSpec["get"] {
  return (d, i) => {
    const v = u16at(d, dnsBase(d, i) + 2);
    if (v === undefined || (respOnly && !(v & 0x8000))) return undefined;
    if (llmnr !== null && (dnsFlavour(d, i) === "llmnr") !== llmnr) return undefined;
    return (v & bit) !== 0;
  };
}

/** Owner names of the resource records; Wireshark files SRV owners (_service._proto.name) under dns.srv.* instead. */
function respNames(d: Dissection, i: number): string | string[] | undefined {
  return collect(d, i, -1, -1, (r) => (r.type === 33 ? null : dnsName(d, dnsBase(d, i), r.name, d.end[i])));
}

/** One label of an SRV owner name: 0 service, 1 protocol, 2 the rest (Wireshark's dns.srv.service/proto/name). */
function srvPart(d: Dissection, i: number, part: number): string | string[] | undefined {
  return collect(d, i, -1, 33, (r) => {
    const name = dnsName(d, dnsBase(d, i), r.name, d.end[i]);
    if (name === null) return null;
    const labels = name.split(".");
    return part < 2 ? labels[part] ?? null : labels.slice(2).join(".") || null;
  });
}

/** Record types, plus the types listed in NSEC type bitmaps (which Wireshark also files under dns.resp.type). */
function respTypes(d: Dissection, i: number): number | number[] | undefined {
  const out: number[] = [];
  for (const r of records(d, i)) {
    if (r.section === 0) continue;
    out.push(r.type);
    if (r.type !== 47) continue;
    let p = skipName(d, r.rdata, r.end);
    while (p >= 0 && p + 2 <= r.end) {
      const win = d.bytes[p];
      const len = d.bytes[p + 1];
      if (len < 1 || len > 32 || p + 2 + len > r.end) break;
      for (let k = 0; k < len; k++) for (let b = 0; b < 8; b++) if (d.bytes[p + 2 + k] & (0x80 >> b)) out.push(win * 256 + k * 8 + b);
      p += 2 + len;
    }
  }
  return many(out);
}

const hdr = (o: number): FieldSpec["get"] => (d, i) => u16at(d, dnsBase(d, i) + o);

const fields: FieldSpec[] = [
  field("dns.length", "Length", "uint", (d, i) => (parentProto(d, i) === Proto.Tcp ? u16at(d, d.start[i]) : undefined)),
  field("dns.id", "Transaction ID", "uint", hdr(0)),
  field("dns.flags", "Flags", "uint", hdr(2)),
  field("dns.flags.response", "Response", "bool", flagBit(0x8000, false, null)),
  field("dns.flags.opcode", "Opcode", "uint", (d, i) => { const v = u16at(d, dnsBase(d, i) + 2); return v === undefined ? v : (v >> 11) & 15; }),
  field("dns.flags.authoritative", "Authoritative", "bool", flagBit(0x0400, true, false)),
  field("dns.flags.conflict", "Conflict", "bool", flagBit(0x0400, false, true)),
  field("dns.flags.truncated", "Truncated", "bool", flagBit(0x0200, false, null)),
  field("dns.flags.recdesired", "Recursion desired", "bool", flagBit(0x0100, false, false)),
  field("dns.flags.tentative", "Tentative", "bool", flagBit(0x0100, false, true)),
  field("dns.flags.recavail", "Recursion available", "bool", flagBit(0x0080, true, false)),
  field("dns.flags.authenticated", "Answer authenticated", "bool", flagBit(0x0020, true, false)),
  field("dns.flags.checkdisable", "Non-authenticated data", "bool", flagBit(0x0010, false, false)),
  field("dns.flags.rcode", "Reply code", "uint", (d, i) => { const v = u16at(d, dnsBase(d, i) + 2); return v === undefined || !(v & 0x8000) ? undefined : v & 15; }),
  field("dns.count.queries", "Questions", "uint", hdr(4)),
  field("dns.count.answers", "Answer RRs", "uint", hdr(6)),
  field("dns.count.auth_rr", "Authority RRs", "uint", hdr(8)),
  field("dns.count.add_rr", "Additional RRs", "uint", hdr(10)),
  field("dns.qry.name", "Name", "string", (d, i) => collect(d, i, 0, -1, (r) => dnsName(d, dnsBase(d, i), r.name, d.end[i]))),
  field("dns.qry.type", "Type", "uint", (d, i) => collect(d, i, 0, -1, (r) => r.type)),
  field("dns.qry.class", "Class", "uint", (d, i) => collect(d, i, 0, -1, (r) => r.cls & (dnsFlavour(d, i) === "mdns" ? 0x7fff : 0xffff))),
  field("dns.resp.name", "Name", "string", respNames),
  field("dns.resp.type", "Type", "uint", respTypes),
  // OPT pseudo-records (41) carry the UDP payload size and extended flags there instead: Wireshark files them elsewhere.
  field("dns.resp.class", "Class", "uint", (d, i) => collect(d, i, -1, -1, (r) => (r.type === 41 ? null : r.cls & (dnsFlavour(d, i) === "mdns" ? 0x7fff : 0xffff)))),
  field("dns.resp.ttl", "Time to live", "uint", (d, i) => collect(d, i, -1, -1, (r) => (r.type === 41 ? null : r.ttl))),
  field("dns.rr.udp_payload_size", "UDP payload size", "uint", (d, i) => collect(d, i, -1, 41, (r) => r.cls)),
  field("dns.resp.len", "Data length", "uint", (d, i) => collect(d, i, -1, -1, (r) => r.rdlen)),
  field("dns.a", "Address", "ipv4", (d, i) => collect(d, i, -1, 1, (r) => (r.rdlen === 4 ? d.u32(r.rdata) : null))),
  field("dns.aaaa", "AAAA Address", "ipv6", (d, i) => collect(d, i, -1, 28, (r) => (r.rdlen === 16 ? ipv6Hex(d.bytes, r.rdata) : null))),
  field("dns.cname", "CNAME", "string", (d, i) => collect(d, i, -1, 5, (r) => rdName(d, i, r))),
  field("dns.ptr.domain_name", "Domain Name", "string", (d, i) => collect(d, i, -1, 12, (r) => rdName(d, i, r))),
  field("dns.ns", "Name Server", "string", (d, i) => collect(d, i, -1, 2, (r) => rdName(d, i, r))),
  field("dns.mx.mail_exchange", "Mail Exchange", "string", (d, i) => collect(d, i, -1, 15, (r) => (r.rdlen > 2 ? rdName(d, i, r, 2) : null))),
  field("dns.srv.service", "Service", "string", (d, i) => srvPart(d, i, 0)),
  field("dns.srv.proto", "Protocol", "string", (d, i) => srvPart(d, i, 1)),
  field("dns.srv.name", "Name", "string", (d, i) => srvPart(d, i, 2)),
  field("dns.srv.target", "Target", "string", (d, i) => collect(d, i, -1, 33, (r) => (r.rdlen > 6 ? rdName(d, i, r, 6) : null))),
  field("dns.srv.port", "Port", "uint", (d, i) => collect(d, i, -1, 33, (r) => (r.rdlen >= 6 ? d.u16(r.rdata + 4) : null))),
  field("dns.txt", "TXT", "string", (d, i) => {
    const out: string[] = []; // one value per character-string, as Wireshark has it
    for (const r of records(d, i)) if (r.section > 0 && r.type === 16) out.push(...txtStrings(d, r));
    return many(out);
  }),
];

/** The character-strings of a TXT record (UTF-8). */
function txtStrings(d: Dissection, r: Rr): string[] {
  const out: string[] = [];
  for (let p = r.rdata; p < r.end; ) {
    const l = d.bytes[p];
    out.push(utf8.decode(d.bytes.subarray(p + 1, Math.min(p + 1 + l, r.end))));
    p += l + 1;
  }
  return out;
}

// ---- tree --------------------------------------------------------------------------------------------------

const TYPE_NAMES: Record<number, string> = {
  1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 13: "HINFO", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV",
  35: "NAPTR", 39: "DNAME", 41: "OPT", 43: "DS", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 50: "NSEC3", 64: "SVCB",
  65: "HTTPS", 99: "SPF", 251: "IXFR", 252: "AXFR", 255: "ANY", 257: "CAA",
};
const CLASS_NAMES: Record<number, string> = { 1: "IN", 3: "CH", 4: "HS", 254: "NONE", 255: "ANY" };
const OPCODES = ["Standard query", "Inverse query", "Server status request", "Unknown", "Notify", "Dynamic update"];
const RCODES = ["No error", "Format error", "Server failure", "No such name", "Not implemented", "Refused", "Name exists", "RRset exists", "RRset does not exist", "Not authoritative", "Name out of zone"];
const SECTIONS = ["Queries", "Answers", "Authoritative nameservers", "Additional records"];

const typeName = (t: number): string => TYPE_NAMES[t] ?? `Unknown (${t})`;

function rdataText(d: Dissection, i: number, r: Rr): string {
  switch (r.type) {
    case 1: return r.rdlen === 4 ? `addr ${ipv4Text(d.u32(r.rdata))}` : "";
    case 28: return r.rdlen === 16 ? `addr ${ipv6Text(d.bytes, r.rdata)}` : "";
    case 5: return `cname ${rdName(d, i, r) ?? "<bad name>"}`;
    case 2: return `ns ${rdName(d, i, r) ?? "<bad name>"}`;
    case 12: return rdName(d, i, r) ?? "<bad name>";
    case 15: return r.rdlen > 2 ? `preference ${d.u16(r.rdata)}, mx ${rdName(d, i, r, 2) ?? "<bad name>"}` : "";
    case 33: return r.rdlen > 6 ? `priority ${d.u16(r.rdata)}, weight ${d.u16(r.rdata + 2)}, port ${d.u16(r.rdata + 4)}, target ${rdName(d, i, r, 6) ?? "<bad name>"}` : "";
    case 16: return `txt ${txtStrings(d, r).join(" ")}`;
    default: return "";
  }
}

function rrNode(d: Dissection, i: number, r: Rr, mdns: boolean): TreeNode {
  const base = dnsBase(d, i);
  const name = dnsName(d, base, r.name, d.end[i]) ?? "<bad name>";
  const cls = r.cls & (mdns ? 0x7fff : 0xffff);
  const clsText = `${CLASS_NAMES[cls] ?? "Unknown"} (0x${cls.toString(16).padStart(4, "0")})`;
  const t = r.start + (r.rdata - r.start - (r.section === 0 ? 4 : 10));
  const ch: TreeNode[] = [
    leaf(`Name: ${name}`, r.section === 0 ? "dns.qry.name" : "dns.resp.name", r.name, t - r.name),
    leaf(`Type: ${typeName(r.type)} (${r.type})`, r.section === 0 ? "dns.qry.type" : "dns.resp.type", t, 2),
    leaf(`Class: ${clsText}`, r.section === 0 ? "dns.qry.class" : "dns.resp.class", t + 2, 2),
  ];
  let label = `${name}: type ${typeName(r.type)}, class ${CLASS_NAMES[cls] ?? cls}`;
  if (r.section > 0) {
    ch.push(leaf(`Time to live: ${r.ttl}`, "dns.resp.ttl", t + 4, 4));
    ch.push(leaf(`Data length: ${r.rdlen}`, "dns.resp.len", t + 8, 2));
    const text = rdataText(d, i, r);
    if (text) {
      label += `, ${text}`;
      ch.push(leaf(rdataLabel(r.type, text), rdataField(r.type), r.rdata, r.rdlen));
    }
  }
  return { label, start: r.start, length: r.end - r.start, children: ch };
}

function rdataLabel(type: number, text: string): string {
  if (type === 1 || type === 28) return `Address: ${text.slice(5)}`;
  if (type === 5) return `CNAME: ${text.slice(6)}`;
  if (type === 12) return `Domain Name: ${text}`;
  if (type === 2) return `Name Server: ${text.slice(3)}`;
  return `Data: ${text}`;
}

function rdataField(type: number): string {
  return ({ 1: "dns.a", 28: "dns.aaaa", 5: "dns.cname", 12: "dns.ptr.domain_name", 2: "dns.ns", 15: "dns.mx.mail_exchange", 33: "dns.srv.target", 16: "dns.txt" } as Record<number, string>)[type] ?? "dns.data";
}

function tree(d: Dissection, i: number): TreeNode {
  const base = dnsBase(d, i);
  const flavour = dnsFlavour(d, i);
  const title = flavour === "mdns" ? "Multicast Domain Name System" : flavour === "llmnr" ? "Link-local Multicast Name Resolution" : "Domain Name System";
  if (base + 12 > d.length) return { label: `${title} [truncated]`, start: d.start[i], length: d.length - d.start[i] };
  const flags = d.u16(base + 2);
  const resp = (flags & 0x8000) !== 0;
  const op = (flags >> 11) & 15;
  const rcode = flags & 15;
  const ch: TreeNode[] = [];
  if (base !== d.start[i]) ch.push(leaf(`Length: ${d.u16(d.start[i])}`, "dns.length", d.start[i], 2));
  ch.push(leaf(`Transaction ID: 0x${d.u16(base).toString(16).padStart(4, "0")}`, "dns.id", base, 2));
  const opText = OPCODES[op] ?? "Unknown";
  ch.push({
    label: `Flags: 0x${flags.toString(16).padStart(4, "0")} ${opText}${resp ? " response" : ""}${resp ? `, ${RCODES[rcode] ?? "Unknown"}` : ""}`,
    field: "dns.flags", start: base + 2, length: 2,
    children: [
      leaf(`Response: Message is a ${resp ? "response" : "query"}`, "dns.flags.response", base + 2, 2),
      leaf(`Opcode: ${opText} (${op})`, "dns.flags.opcode", base + 2, 2),
      ...(resp ? [leaf(`Authoritative: ${flags & 0x0400 ? "Server is an authority for domain" : "Server is not an authority for domain"}`, "dns.flags.authoritative", base + 2, 2)] : []),
      leaf(`Truncated: Message is ${flags & 0x0200 ? "" : "not "}truncated`, "dns.flags.truncated", base + 2, 2),
      leaf(`Recursion desired: ${flags & 0x0100 ? "Do" : "Don't do"} query recursively`, "dns.flags.recdesired", base + 2, 2),
      ...(resp ? [leaf(`Recursion available: Server ${flags & 0x0080 ? "can" : "can't"} do recursive queries`, "dns.flags.recavail", base + 2, 2),
        leaf(`Reply code: ${RCODES[rcode] ?? "Unknown"} (${rcode})`, "dns.flags.rcode", base + 2, 2)] : []),
    ],
  });
  const counts = ["Questions", "Answer RRs", "Authority RRs", "Additional RRs"];
  const abbrevs = ["dns.count.queries", "dns.count.answers", "dns.count.auth_rr", "dns.count.add_rr"];
  for (let s = 0; s < 4; s++) ch.push(leaf(`${counts[s]}: ${d.u16(base + 4 + 2 * s)}`, abbrevs[s], base + 4 + 2 * s, 2));
  const rrs = records(d, i);
  for (let s = 0; s < 4; s++) {
    const list = rrs.filter((r) => r.section === s);
    if (list.length === 0) continue;
    const start = list[0].start;
    ch.push({ label: SECTIONS[s], start, length: list[list.length - 1].end - start, children: list.map((r) => rrNode(d, i, r, flavour === "mdns")) });
  }
  return { label: `${title} (${resp ? "response" : "query"})`, start: d.start[i], length: d.end[i] - d.start[i], children: ch };
}

export const dns: Dissector = { proto: Proto.Dns, abbrev: "dns", name: "Domain Name System", decode, fields, tree };

// ---- summary: tcpdump's ns_print (non-verbose), reproduced step by step -----------------------------------

const NS_OPS = ["", " inv_q", " stat", " op3", " notify", " update", " op6", " op7", " op8", " updateA", " updateD", " updateDA", " updateM", " updateMA", " zoneInit", " zoneRef"];
const NS_RESP = ["", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused", " YXDomain", " YXRRSet", " NXRRSet", " NotAuth", " NotZone", " Resp11", " Resp12", " Resp13", " Resp14", " NoChange"];
/** tcpdump 4.9's ns_type2str (numbers it has no name for print as "Type%d"). */
const NS_TYPES: Record<number, string> = {
  1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG", 9: "MR", 10: "NULL", 11: "WKS", 12: "PTR",
  13: "HINFO", 14: "MINFO", 15: "MX", 16: "TXT", 17: "RP", 18: "AFSDB", 19: "X25", 20: "ISDN", 21: "RT", 22: "NSAP",
  23: "NSAP_PTR", 24: "SIG", 25: "KEY", 26: "PX", 27: "GPOS", 28: "AAAA", 29: "LOC", 30: "NXT", 31: "EID", 32: "NIMLOC",
  33: "SRV", 34: "ATMA", 35: "NAPTR", 36: "KX", 37: "CERT", 38: "A6", 39: "DNAME", 40: "SINK", 41: "OPT", 42: "APL",
  43: "DS", 44: "SSHFP", 45: "IPSECKEY", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 99: "SPF", 100: "UINFO", 101: "UID",
  102: "GID", 103: "UNSPEC", 249: "TKEY", 250: "TSIG", 251: "IXFR", 252: "AXFR", 253: "MAILB", 254: "MAILA", 255: "ANY",
};
const NS_CLASSES: Record<number, string> = { 1: "IN", 3: "CHAOS", 4: "HS", 255: "ANY" };

const nsType = (t: number): string => NS_TYPES[t] ?? `Type${t}`;
const nsClass = (c: number): string => NS_CLASSES[c] ?? `(Class ${c})`;

/** tcpdump's fn_printn: bytes as text with M- / ^ escapes; false when the bytes ran out first. */
export function fnPrintn(d: Dissection, p: number, n: number, out: { s: string }): boolean {
  for (; n > 0 && p < d.length; n--, p++) out.s += safeChar(d.bytes[p]);
  return n === 0;
}

export function safeChar(c: number): string {
  let s = "";
  if (c & 0x80) {
    c &= 0x7f;
    s = "M-";
  }
  if (c < 0x20 || c > 0x7e) {
    c ^= 0x40;
    s += "^";
  }
  return s + String.fromCharCode(c);
}

class NsPrinter {
  readonly o = { s: "" };
  constructor(readonly d: Dissection, readonly bp: number, readonly mdns: boolean) {}

  /** ns_nskip: position after the name (in place), or -1. */
  nskip(cp: number): number {
    const d = this.d;
    if (cp >= d.length) return -1;
    let i = d.bytes[cp++];
    while (i) {
      if ((i & 0xc0) === 0xc0) return cp + 1;
      if ((i & 0xc0) === 0x40) {
        if ((i & 0x3f) !== 1 || cp >= d.length) return -1;
        const bits = d.bytes[cp++] || 256;
        cp += (bits + 7) >> 3;
      } else cp += i;
      if (cp >= d.length) return -1;
      i = d.bytes[cp++];
    }
    return cp;
  }

  /** labellen; -1 on failure (extended label types other than the obsolete bit label print "<ELT n>"). */
  labellen(cp: number): number {
    const d = this.d;
    if (cp >= d.length) return -1;
    const i = d.bytes[cp];
    if ((i & 0xc0) === 0x40) {
      if ((i & 0x3f) !== 1) {
        this.o.s += `<ELT ${i & 0x3f}>`;
        return -1;
      }
      if (cp + 1 >= d.length) return -1;
      return ((d.bytes[cp + 1] || 256) + 7 >> 3) + 1;
    }
    return i;
  }

  /** ns_nprint: prints the name; returns the position after it in place, or -1 (NULL). */
  nprint(cp: number): number {
    const d = this.d;
    const o = this.o;
    let l = this.labellen(cp);
    if (l < 0 || cp >= d.length) return -1;
    let max = cp - this.bp;
    let rp = -1;
    let compress = false;
    let i = d.bytes[cp++];
    if ((i & 0xc0) !== 0xc0) rp = cp + l;
    if (i === 0) {
      o.s += ".";
      return rp;
    }
    while (i && cp < d.length) {
      if ((i & 0xc0) === 0xc0) {
        if (!compress) {
          rp = cp + 1;
          compress = true;
        }
        const off = ((i << 8) | d.bytes[cp]) & 0x3fff;
        if (off >= max) {
          o.s += "<BAD PTR>";
          return -1;
        }
        max = off;
        cp = this.bp + off;
        l = this.labellen(cp);
        if (l < 0 || cp >= d.length) return -1;
        i = d.bytes[cp++];
        continue;
      }
      if ((i & 0xc0) === 0x40) {
        // RFC 2673 bit label (historic): tcpdump prints it as \[x…/n]; we stop here instead.
        o.s += "<ELT 1>";
        return -1;
      }
      if (!fnPrintn(d, cp, l, o)) return -1;
      cp += l;
      o.s += ".";
      l = this.labellen(cp);
      if (l < 0 || cp >= d.length) return -1;
      i = d.bytes[cp++];
      if (!compress) rp += l + 1;
    }
    return rp;
  }

  /** ns_qprint. */
  qprint(cp: number): number {
    const d = this.d;
    const np = cp;
    cp = this.nskip(cp);
    if (cp < 0 || cp + 4 > d.length) return -1;
    const t = d.u16(cp);
    const c = d.u16(cp + 2);
    this.o.s += " " + nsType(t);
    const cls = this.mdns ? c & 0x7fff : c;
    if (cls !== 1) this.o.s += " " + nsClass(cls);
    if (this.mdns) this.o.s += c & 0x8000 ? " (QU)" : " (QM)";
    this.o.s += "? ";
    const r = this.nprint(np);
    return r < 0 ? -1 : r + 4;
  }

  /** ns_rprint (non-verbose): returns the position after the record, d.length when it cannot be read, -1 for NULL. */
  rprint(cp: number): number {
    const d = this.d;
    const o = this.o;
    cp = this.nskip(cp);
    if (cp < 0 || cp + 10 > d.length) return d.length;
    const typ = d.u16(cp);
    const c = d.u16(cp + 2);
    const cls = this.mdns ? c & 0x7fff : c;
    if (cls !== 1 && typ !== 41) o.s += " " + nsClass(cls);
    if (this.mdns && c & 0x8000) o.s += " (Cache flush)";
    const optFlags = d.u16(cp + 6);
    const len = d.u16(cp + 8);
    cp += 10;
    const rp = cp + len;
    o.s += " " + nsType(typ);
    if (rp > d.length) return -1;
    switch (typ) {
      case 1:
        if (cp + 4 > d.length) return -1;
        o.s += " " + ipv4Text(d.u32(cp));
        break;
      case 2: case 5: case 12: case 39:
        o.s += " ";
        if (this.nprint(cp) < 0) return -1;
        break;
      case 15:
        o.s += " ";
        if (cp + 2 > d.length || this.nprint(cp + 2) < 0) return -1;
        o.s += " " + d.u16(cp);
        break;
      case 16:
        while (cp < rp) {
          o.s += ' "';
          if (cp >= d.length) return -1;
          const n = d.bytes[cp];
          if (!fnPrintn(d, cp + 1, n, o)) return -1;
          cp += 1 + n;
          o.s += '"';
        }
        break;
      case 33:
        o.s += " ";
        if (cp + 6 > d.length || this.nprint(cp + 6) < 0) return -1;
        o.s += `:${d.u16(cp + 4)} ${d.u16(cp)} ${d.u16(cp + 2)}`;
        break;
      case 28:
        if (cp + 16 > d.length) return -1;
        o.s += " " + ipv6Text(d.bytes, cp);
        break;
      case 41:
        o.s += ` UDPsize=${cls}`;
        if (optFlags & 0x8000) o.s += " DO";
        break;
    }
    return rp;
  }

  print(length: number): string {
    const d = this.d;
    const o = this.o;
    const bp = this.bp;
    if (bp + 12 > d.length) return "[|domain]";
    const flags = d.u16(bp + 2);
    let qd = d.u16(bp + 4);
    let an = d.u16(bp + 6);
    const ns = d.u16(bp + 8);
    const ar = d.u16(bp + 10);
    const op = (flags >> 11) & 15;
    const trunc = (): string => o.s + "[|domain]";
    let cp = bp + 12;
    if (flags & 0x8000) {
      o.s += `${d.u16(bp)}${NS_OPS[op]}${NS_RESP[flags & 15]}${flags & 0x0400 ? "*" : ""}${flags & 0x0080 ? "" : "-"}${flags & 0x0200 ? "|" : ""}${flags & 0x0020 ? "$" : ""}`;
      if (qd !== 1) o.s += ` [${qd}q]`;
      for (let k = 0; k < qd; k++) {
        if (k > 0) o.s += ",";
        cp = this.nskip(cp);
        if (cp < 0) return trunc();
        cp += 4;
      }
      o.s += ` ${an}/${ns}/${ar}`;
      if (an > 0) {
        an--;
        cp = this.rprint(cp);
        if (cp < 0) return trunc();
        while (cp < d.length && an > 0) {
          an--;
          o.s += ",";
          cp = this.rprint(cp);
          if (cp < 0) return trunc();
        }
      }
      if (an > 0) return trunc();
    } else {
      o.s += `${d.u16(bp)}${NS_OPS[op]}${flags & 0x0100 ? "+" : ""}${flags & 0x0010 ? "%" : ""}`;
      if (flags & 0x6cf) o.s += ` [b2&3=0x${flags.toString(16)}]`;
      if (op === 1) {
        if (qd) o.s += ` [${qd}q]`;
        if (an !== 1) o.s += ` [${an}a]`;
      } else {
        if (an) o.s += ` [${an}a]`;
        if (qd !== 1) o.s += ` [${qd}q]`;
      }
      if (ns) o.s += ` [${ns}n]`;
      if (ar) o.s += ` [${ar}au]`;
      if (qd > 0) {
        qd--;
        cp = this.qprint(cp);
        if (cp < 0) return trunc();
        while (cp < d.length && qd > 0) {
          qd--;
          cp = this.qprint(cp);
          if (cp < 0) return trunc();
        }
      }
      if (qd > 0) return trunc();
    }
    return o.s + ` (${length})`;
  }
}

/**
 * The summary tcpdump prints for a DNS message: "1234+ A? google.com. (28)", "1234 1/0/0 A 142.250.1.1 (44)",
 * mDNS "0 PTR (QM)? _spotify-connect._tcp.local. (45)"; null for LLMNR, which tcpdump does not decode. Over TCP
 * the text follows the TCP part after a space (tcpdump 4.9 glued it to the TCP length, "length 3012345+ …"; 4.99
 * and we insert the space).
 */
export function summary(d: Dissection, i: number): string | null {
  const flavour = dnsFlavour(d, i);
  if (flavour === "llmnr") return null; // tcpdump has no LLMNR printer: "UDP, length n"
  const p = d.parent[i];
  const tcp = p >= 0 && d.proto[p] === Proto.Tcp;
  const bp = dnsBase(d, i);
  let length: number;
  if (tcp) length = tcpPayloadLength(d, p) - 2;
  else if (p >= 0 && d.proto[p] === Proto.Udp) length = Math.max(0, d.u16(d.start[p] + 4) - 8);
  else length = d.end[i] - bp;
  const text = new NsPrinter(d, bp, flavour === "mdns").print(length);
  return tcp ? " " + text : text;
}

/** TCP payload length on the wire (from the IP lengths; the layer ends are clamped to the captured bytes). */
function tcpPayloadLength(d: Dissection, t: number): number {
  const ip = d.parent[t];
  if (ip < 0) return d.end[t] - d.hdrEnd[t];
  const o = d.start[ip];
  const ipEnd = d.proto[ip] === Proto.Ipv4 ? o + d.u16(o + 2) : o + 40 + d.u16(o + 4);
  return ipEnd - d.hdrEnd[t];
}
