/**
 * IEEE 802.2 LLC with SNAP (RFC 1042): DSAP, SSAP, control (1 byte for U frames, 2 for I/S frames) and, for
 * SNAP (AA AA 03), a 3-byte OUI and 2-byte protocol id. With OUI 00-00-00 (or Cisco's 00-00-F8) the protocol
 * id is an ethertype and the payload is handed off through the ethertype table — that is how 802.11 data
 * frames carry IPv4/IPv6/ARP. Reached from 802.11 data frames and from 802.3 (length-field) Ethernet frames.
 */
import type { DecodeContext, Dissection, Dissector, FieldSpec, TreeNode } from "./core.js";
import { Proto } from "./core.js";
import { etherTypeName, field, leaf, u8at } from "./base.js";
import { macText } from "./addr.js";
import type { SummaryContext } from "./summary.js";

const SNAP = 0xaa;

function isSnap(d: Dissection, o: number): boolean {
  return o + 3 <= d.length && (d.u8(o) & 0xfe) === SNAP && (d.u8(o + 1) & 0xfe) === SNAP && d.u8(o + 2) === 0x03;
}

function decode(d: Dissection, off: number, end: number, ctx: DecodeContext): Proto {
  if (off + 3 > d.length) {
    if (off < d.length) d.push(Proto.Llc, off, d.length, end);
    return d.cut(Proto.Llc);
  }
  const dsap = d.u8(off) & 0xfe;
  const ssap = d.u8(off + 1) & 0xfe;
  if (dsap === 0xfe && ssap === 0xfe && d.u8(off) === 0xff && d.u8(off + 1) === 0xff) {
    // "Raw 802.3" Novell IPX: no LLC header at all.
    ctx.next = off;
    return Proto.Data;
  }
  const hl = (d.u8(off + 2) & 3) === 3 ? 3 : 4;
  const total = isSnap(d, off) ? 8 : hl;
  if (off + total > d.length) {
    d.push(Proto.Llc, off, d.length, end);
    return d.cut(Proto.Llc);
  }
  d.push(Proto.Llc, off, off + total, end);
  if (off + total >= end) return Proto.None;
  ctx.next = off + total;
  ctx.nextEnd = end;
  if (total === 8) {
    const oui = d.u32(off + 3) >>> 8;
    if (oui === 0 || oui === 0xf8) return (ctx.tables.etherType[d.u16(off + 6)] as Proto) || Proto.Data;
    return Proto.Data;
  }
  if (dsap === 0x06 && ssap === 0x06 && d.u8(off + 2) === 0x03) return Proto.Ipv4; // RFC 948
  return Proto.Data;
}

const snapGet = (get: (d: Dissection, o: number) => number): FieldSpec["get"] => (d, i) => (isSnap(d, d.start[i]) && d.start[i] + 8 <= d.length ? get(d, d.start[i]) : undefined);

const fields: FieldSpec[] = [
  field("llc.dsap", "DSAP", "uint", (d, i) => u8at(d, d.start[i])),
  field("llc.dsap.ig", "IG Bit", "bool", (d, i) => { const v = u8at(d, d.start[i]); return v === undefined ? v : (v & 1) !== 0; }),
  field("llc.ssap", "SSAP", "uint", (d, i) => u8at(d, d.start[i] + 1)),
  field("llc.ssap.cr", "CR Bit", "bool", (d, i) => { const v = u8at(d, d.start[i] + 1); return v === undefined ? v : (v & 1) !== 0; }),
  field("llc.control", "Control", "uint", (d, i) => {
    const o = d.start[i];
    if (o + 3 > d.length) return undefined;
    return (d.u8(o + 2) & 3) === 3 ? d.u8(o + 2) : o + 4 <= d.length ? d.u8(o + 2) | (d.u8(o + 3) << 8) : undefined;
  }),
  field("llc.oui", "Organization Code", "uint", snapGet((d, o) => d.u32(o + 3) >>> 8)),
  field("llc.pid", "Protocol ID", "uint", (d, i) => {
    const o = d.start[i];
    if (!isSnap(d, o) || o + 8 > d.length) return undefined;
    const oui = d.u32(o + 3) >>> 8;
    return oui === 0 || oui === 0xf8 ? undefined : d.u16(o + 6); // with an ethertype OUI the field is llc.type
  }),
  field("llc.type", "Type", "uint", (d, i) => {
    const o = d.start[i];
    if (!isSnap(d, o) || o + 8 > d.length) return undefined;
    const oui = d.u32(o + 3) >>> 8;
    return oui === 0 || oui === 0xf8 ? d.u16(o + 6) : undefined;
  }),
];

const SAP_NAMES: Record<number, string> = {
  0x00: "Null", 0xff: "Global", 0x02: "802.1B I", 0x03: "802.1B G", 0x06: "IP", 0x04: "SNA", 0x0e: "ProWay NM", 0x42: "STP",
  0x4e: "RS511", 0x7e: "ISO8208", 0x8e: "ProWay", 0xaa: "SNAP", 0xe0: "IPX", 0xf0: "NetBeui", 0xfe: "OSI",
};

function tree(d: Dissection, i: number): TreeNode {
  const o = d.start[i];
  if (o + 3 > d.length) return { label: "Logical-Link Control [truncated]", start: o, length: d.length - o };
  const dsap = d.u8(o);
  const ssap = d.u8(o + 1);
  const ctl = d.u8(o + 2);
  const hex = (v: number, w: number): string => "0x" + v.toString(16).padStart(w, "0");
  const ch: TreeNode[] = [
    leaf(`DSAP: ${SAP_NAMES[dsap & 0xfe] ?? "Unknown"} (${hex(dsap & 0xfe, 2)}), ${dsap & 1 ? "Group" : "Individual"}`, "llc.dsap", o, 1),
    leaf(`SSAP: ${SAP_NAMES[ssap & 0xfe] ?? "Unknown"} (${hex(ssap & 0xfe, 2)}), ${ssap & 1 ? "Response" : "Command"}`, "llc.ssap", o + 1, 1),
    (ctl & 3) === 3 ? leaf(`Control field: U, func=${ctl === 3 ? "UI" : hex(ctl & 0xef, 2)} (${hex(ctl, 2)})`, "llc.control", o + 2, 1) : leaf(`Control field: ${ctl & 1 ? "S" : "I"} (${hex(ctl | ((o + 4 <= d.length ? d.u8(o + 3) : 0) << 8), 4)})`, "llc.control", o + 2, Math.min(2, d.length - o - 2)),
  ];
  if (isSnap(d, o) && o + 8 <= d.length) {
    const oui = d.u32(o + 3) >>> 8;
    const pid = d.u16(o + 6);
    ch.push(leaf(`Organization Code: ${OUI_NAMES[oui] ?? "Unknown"} (0x${oui.toString(16).padStart(6, "0")})`, "llc.oui", o + 3, 3));
    ch.push(oui === 0 || oui === 0xf8 ? leaf(`Type: ${etherTypeName(pid)} (${hex(pid, 4)})`, "llc.type", o + 6, 2) : leaf(`PID: ${hex(pid, 4)}`, "llc.pid", o + 6, 2));
  }
  return { label: "Logical-Link Control", start: o, length: d.hdrEnd[i] - o, children: ch };
}

export const llc: Dissector = { proto: Proto.Llc, abbrev: "llc", name: "Logical-Link Control", decode, fields, tree };

// ---- summary: tcpdump's llc_print / snap_print with -e -------------------------------------------------------

const OUI_NAMES: Record<number, string> = {
  0x000000: "Ethernet", 0x00000c: "Cisco", 0x000081: "Nortel Networks SONMP", 0x0000f8: "Cisco bridged", 0x0080c2: "Ethernet bridged",
  0x00a03e: "ATM Forum", 0x00e02f: "DOCSIS Spanning Tree", 0x080007: "Appletalk", 0x009069: "Juniper", 0x080009: "Hewlett-Packard",
};
const U_CMDS: Record<number, string> = { 0x03: "ui", 0xe3: "test", 0xaf: "xid", 0x63: "ua", 0x43: "disc", 0x0f: "dm", 0x6f: "sabme", 0x87: "frmr" };
const FLAG_NAMES: Record<number, string> = { 0: "Command", 1: "Response", 0x10: "Poll", 0x11: "Final", 0x100: "Poll", 0x101: "Final" };

/** On-wire end of layer i: a layer reaching the end of the captured bytes reaches the end of the frame. */
export function wireEnd(d: Dissection, i: number): number {
  return d.end[i] >= d.length ? d.end[i] + d.wireLength - d.length : d.end[i];
}

export function summary(d: Dissection, i: number, c: SummaryContext): string {
  const o = d.start[i];
  const length = wireEnd(d, i) - o;
  if (o + 3 > d.length || length < 3) return "[|llc]";
  const dsapF = d.u8(o);
  const ssapF = d.u8(o + 1);
  let control = d.u8(o + 2);
  const isU = (control & 3) === 3;
  if (!isU) {
    if (o + 4 > d.length || length < 4) return "[|llc]";
    control |= d.u8(o + 3) << 8;
  }
  const dsap = dsapF & 0xfe;
  const ssap = ssapF & 0xfe;
  let s = `LLC, dsap ${SAP_NAMES[dsap] ?? "Unknown"} (0x${hex2(dsap)}) ${dsapF & 1 ? "Group" : "Individual"}, ssap ${SAP_NAMES[ssap] ?? "Unknown"} (0x${hex2(ssap)}) ${ssapF & 1 ? "Response" : "Command"}, ctrl 0x${control.toString(16).padStart(isU ? 2 : 4, "0")}: `;
  const next = i + 1 < d.n && d.proto[i + 1] === Proto.Data ? "" : c.rest(i + 1);
  if (dsap === SNAP && ssap === SNAP && control === 0x03) {
    if (o + 8 > d.length || length < 8) return s + "[|snap]";
    const oui = d.u32(o + 3) >>> 8;
    const pid = d.u16(o + 6);
    const ether = oui === 0 || oui === 0xf8;
    s += `oui ${OUI_NAMES[oui] ?? "Unknown"} (0x${oui.toString(16).padStart(6, "0")}), ${oui === 0 ? "ethertype" : "pid"} ${ether ? etherTypeName(pid) : "Unknown"} (0x${pid.toString(16).padStart(4, "0")}), length ${length - 8}: `;
    return s + (ether ? next : "");
  }
  if (dsap === 0x42 && ssap === 0x42 && control === 0x03) return s + stp(d, o + 3, length - 3);
  if (dsap === 0x06 && ssap === 0x06 && control === 0x03) return s + next;
  const flags = FLAG_NAMES[(ssapF & 1) | (isU ? control & 0x10 : control & 0x100)] ?? "?";
  if (isU) return s + `Unnumbered, ${U_CMDS[control & 0xef] ?? hex2(control & 0xef)}, Flags [${flags}], length ${length}`;
  if (control & 1) return s + `Supervisory, ${["Receiver Ready", "Receiver not Ready", "Reject"][(control >> 2) & 3] ?? "?"}, rcv seq ${(control >> 9) & 0x7f}, Flags [${flags}], length ${length}`;
  return s + `Information, send seq ${(control >> 1) & 0x7f}, rcv seq ${(control >> 9) & 0x7f}, Flags [${flags}], length ${length}`;
}

const hex2 = (v: number): string => v.toString(16).padStart(2, "0");

const STP_FLAGS: [number, string][] = [[0x01, "Topology change"], [0x02, "Proposal"], [0x10, "Learn"], [0x20, "Forward"], [0x40, "Agreement"], [0x80, "Topology change ACK"]];

/** tcpdump's stp_print (non-verbose) for configuration and rapid STP BPDUs. */
function stp(d: Dissection, p: number, length: number): string {
  if (length < 4 || p + 4 > d.length) return "[|stp]";
  if (d.u16(p) !== 0) return "";
  const ver = d.u8(p + 2);
  const type = d.u8(p + 3);
  let s = `STP ${["802.1d", "", "802.1w", "802.1s", "802.1Q"][ver] || `Unknown STP protocol (0x${hex2(ver)})`}`;
  if (ver > 4 || ver === 1) return s;
  s += `, ${type === 0 ? "Config" : type === 0x80 ? "Topology Change" : type === 0x02 ? "Rapid STP" : `Unknown BPDU Type (0x${hex2(type)})`}`;
  if (type === 0x80) return s;
  if (type !== 0 && type !== 0x02) return s;
  if (length < 35 || p + 35 > d.length) return s + "[|stp]";
  const f = d.u8(p + 4);
  const names = STP_FLAGS.filter(([b]) => f & b).map(([, n]) => n);
  const b = p + 17;
  const bridge = `${hex2(d.u8(b))}${hex2(d.u8(b + 1))}.${macText(d.bytes, b + 2)}`;
  return s + `, Flags [${names.length ? names.join(", ") : "none"}], bridge-id ${bridge}.${d.u16(p + 25).toString(16).padStart(4, "0")}, length ${length}`;
}
