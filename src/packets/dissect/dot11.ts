/**
 * IEEE 802.11 MAC frames as pktmon captures them on Wi-Fi adapters (link type 105, no radiotap header, no FCS).
 *
 * decode() reads the frame control field and records the MAC header (addresses, sequence control, QoS control,
 * HT control); data frames hand their body to LLC/SNAP. Windows' native Wi-Fi stack hands frames on after
 * decryption but leaves the Protected bit set, so a protected data frame whose body starts with an RFC 1042
 * LLC/SNAP header (AA AA 03 00, which cannot begin a CCMP/TKIP header: the ExtIV bit 0x20 of its byte 3 would be
 * set; only a WEP IV could look like it) is dissected as plaintext; other protected bodies stay opaque data.
 * Management frame bodies (fixed parameters, then tagged elements) are read on demand.
 *
 * The protocol version (low bits of frame control) is not checked, as in tcpdump and `pktmon format`: pktmon logs
 * some Ethernet frames with the WiFi type, and both read them as version-0 headers (Wireshark reads version 1 as
 * an 802.11ah short header instead).
 */
import type { DecodeContext, Dissection, Dissector, FieldSpec, TreeNode } from "./core.js";
import { Proto } from "./core.js";
import { field, leaf, mac48 } from "./base.js";
import { macText } from "./addr.js";
import { macDash } from "./summary.js";
import type { SummaryContext } from "./summary.js";
import { safeChar } from "./dns.js";

export const T_MGMT = 0, T_CTRL = 1, T_DATA = 2;
const TO_DS = 0x01, FROM_DS = 0x02, PROTECTED = 0x40, ORDER = 0x80;

/** Header length of each control subtype (fc, duration, RA and whatever fixed fields follow). */
const CTRL_LEN = [10, 10, 16, 16, 16, 16, 10, 16, 20, 16, 16, 16, 10, 10, 16, 16];

const fcType = (d: Dissection, o: number): number => (d.bytes[o] >> 2) & 3;
const fcSub = (d: Dissection, o: number): number => d.bytes[o] >> 4;
const fcFlags = (d: Dissection, o: number): number => d.bytes[o + 1];
const isQos = (d: Dissection, o: number): boolean => fcType(d, o) === T_DATA && (fcSub(d, o) & 8) !== 0;

/** MAC header length of the frame at o (frame control must be present). */
export function macHeaderLength(d: Dissection, o: number): number {
  const type = fcType(d, o);
  const flags = fcFlags(d, o);
  if (type === T_MGMT) return flags & ORDER ? 28 : 24;
  if (type === T_CTRL) return CTRL_LEN[fcSub(d, o)];
  if (type === T_DATA) {
    let n = (flags & 3) === 3 ? 30 : 24;
    if (fcSub(d, o) & 8) n += flags & ORDER ? 6 : 2;
    return n;
  }
  return 10; // extension frames (type 3, 802.11ad DMG beacon): frame control, duration, address 1
}

function decode(d: Dissection, off: number, end: number, ctx: DecodeContext): Proto {
  if (off + 2 > d.length) return d.cut(Proto.Dot11);
  const type = fcType(d, off);
  const hl = macHeaderLength(d, off);
  if (off + hl > d.length) {
    d.push(Proto.Dot11, off, d.length, end);
    return d.cut(Proto.Dot11);
  }
  d.push(Proto.Dot11, off, off + hl, end);
  const sub = fcSub(d, off);
  if (type !== T_DATA || sub & 4 || off + hl >= end) return Proto.None; // management/control bodies are read on demand; null frames carry none
  ctx.next = off + hl;
  ctx.nextEnd = end;
  if (sub & 8 && d.u8(off + hl - (fcFlags(d, off) & ORDER ? 6 : 2)) & 0x80) return Proto.Data; // A-MSDU
  const b = off + hl;
  const snap = b + 4 <= d.length && d.bytes[b] === 0xaa && d.bytes[b + 1] === 0xaa && d.bytes[b + 2] === 0x03 && d.bytes[b + 3] === 0;
  if (fcFlags(d, off) & PROTECTED && !snap) return Proto.Data;
  return Proto.Llc;
}

// ---- addresses -----------------------------------------------------------------------------------------------

export type Dot11Role = "ra" | "ta" | "da" | "sa" | "bssid";

/** Offset of the address playing `role` in layer i (per type and To/From DS), or -1. */
export function dot11Addr(d: Dissection, i: number, role: Dot11Role): number {
  const o = d.start[i];
  if (o + 2 > d.length) return -1;
  const type = fcType(d, o);
  const sub = fcSub(d, o);
  const a = [o + 4, o + 10, o + 16, o + 24];
  let k = -1;
  if (type === T_MGMT) k = { ra: 0, da: 0, ta: 1, sa: 1, bssid: 2 }[role];
  else if (type === T_DATA) {
    const ds = fcFlags(d, o) & 3;
    if (role === "ra") k = 0;
    else if (role === "ta") k = 1;
    else if (ds === 0) k = { da: 0, sa: 1, bssid: 2 }[role];
    else if (ds === TO_DS) k = { bssid: 0, sa: 1, da: 2 }[role];
    else if (ds === FROM_DS) k = { da: 0, bssid: 1, sa: 2 }[role];
    else k = { da: 2, sa: 3, bssid: -1 }[role];
  } else if (type === 3) k = role === "ra" ? 0 : -1;
  else if (type === T_CTRL) {
    if (role === "ra") k = 0;
    else if (role === "ta" && CTRL_LEN[sub] >= 16 && sub !== 14 && sub !== 15) k = 1;
    else if (role === "bssid") k = sub === 10 ? 0 : sub === 14 || sub === 15 ? 1 : -1;
  }
  return k >= 0 && a[k] + 6 <= d.hdrEnd[i] ? a[k] : -1;
}

const addrField = (role: Dot11Role): FieldSpec["get"] => (d, i) => { const p = dot11Addr(d, i, role); return p >= 0 ? mac48(d, p) : undefined; };
const fcBit = (bit: number): FieldSpec["get"] => (d, i) => (d.start[i] + 2 <= d.length ? (fcFlags(d, d.start[i]) & bit) !== 0 : undefined);

// ---- management bodies ---------------------------------------------------------------------------------------

/** Fixed-parameter length of each management subtype (-1: no tagged elements follow). */
const MGMT_FIXED = [4, 6, 10, 6, 0, 12, -1, -1, 12, 0, 2, 6, 2, -1, -1, -1];

/** Offset of tagged element `id` in management layer i (its id byte), or -1. */
export function dot11Element(d: Dissection, i: number, id: number): number {
  const o = d.start[i];
  if (fcType(d, o) !== T_MGMT || fcFlags(d, o) & PROTECTED) return -1;
  const fixed = MGMT_FIXED[fcSub(d, o)];
  if (fixed < 0) return -1;
  for (let p = d.hdrEnd[i] + fixed; p + 2 <= d.end[i]; p += 2 + d.bytes[p + 1]) {
    if (p + 2 + d.bytes[p + 1] > d.end[i]) return -1;
    if (d.bytes[p] === id) return p;
  }
  return -1;
}

const utf8 = new TextDecoder("utf-8");

/** The SSID element's bytes (Wireshark's wlan.ssid is a byte field: SSIDs need not be text). */
function ssid(d: Dissection, i: number): Uint8Array | undefined {
  const p = dot11Element(d, i, 0);
  return p >= 0 ? d.bytes.subarray(p + 2, p + 2 + d.bytes[p + 1]) : undefined;
}

const fields: FieldSpec[] = [
  field("wlan.fc", "Frame Control Field", "uint", (d, i) => (d.start[i] + 2 <= d.length ? d.u16(d.start[i]) : undefined)),
  field("wlan.fc.type", "Type", "uint", (d, i) => (d.start[i] + 1 <= d.length ? fcType(d, d.start[i]) : undefined)),
  field("wlan.fc.subtype", "Subtype", "uint", (d, i) => (d.start[i] + 1 <= d.length ? fcSub(d, d.start[i]) : undefined)),
  field("wlan.fc.type_subtype", "Type/Subtype", "uint", (d, i) => (d.start[i] + 1 <= d.length ? (fcType(d, d.start[i]) << 4) | fcSub(d, d.start[i]) : undefined)),
  field("wlan.fc.ds", "DS status", "uint", (d, i) => (d.start[i] + 2 <= d.length ? fcFlags(d, d.start[i]) & 3 : undefined)),
  field("wlan.fc.tods", "To DS", "bool", fcBit(TO_DS)),
  field("wlan.fc.fromds", "From DS", "bool", fcBit(FROM_DS)),
  field("wlan.fc.frag", "More Fragments", "bool", fcBit(0x04)),
  field("wlan.fc.retry", "Retry", "bool", fcBit(0x08)),
  field("wlan.fc.pwrmgt", "PWR MGT", "bool", fcBit(0x10)),
  field("wlan.fc.moredata", "More Data", "bool", fcBit(0x20)),
  field("wlan.fc.protected", "Protected flag", "bool", fcBit(PROTECTED)),
  field("wlan.fc.order", "+HTC/Order flag", "bool", fcBit(ORDER)),
  field("wlan.duration", "Duration", "uint", (d, i) => {
    const o = d.start[i];
    if (o + 4 > d.hdrEnd[i] || (fcType(d, o) === T_CTRL && fcSub(d, o) === 10)) return undefined; // PS-Poll carries the AID there
    return (d.bytes[o + 2] | (d.bytes[o + 3] << 8)) & 0x7fff;
  }),
  field("wlan.ra", "Receiver address", "mac", addrField("ra")),
  field("wlan.ta", "Transmitter address", "mac", addrField("ta")),
  field("wlan.da", "Destination address", "mac", addrField("da")),
  field("wlan.sa", "Source address", "mac", addrField("sa")),
  field("wlan.bssid", "BSS Id", "mac", addrField("bssid")),
  field("wlan.addr", "Hardware address", "mac", (d, i) => {
    // Every address of the header in Wireshark's order (A1, A2, A3; A1, A2, A4, A3 with four), repeats included.
    const o = d.start[i];
    if (o + 2 > d.length) return undefined;
    const type = fcType(d, o);
    let offs = fcType(d, o) === T_DATA && (fcFlags(d, o) & 3) === 3 ? [4, 10, 24, 16] : [4, 10, 16];
    if (type === T_CTRL) offs = dot11Addr(d, i, "ta") >= 0 || dot11Addr(d, i, "bssid") === o + 10 ? [4, 10] : [4];
    else if (type === 3) offs = [4];
    const out: number[] = [];
    for (const k of offs) if (o + k + 6 <= d.hdrEnd[i]) out.push(d.u16(o + k) * 4294967296 + d.u32(o + k + 2));
    return out.length === 0 ? undefined : out.length === 1 ? out[0] : out;
  }),
  field("wlan.seq", "Sequence number", "uint", (d, i) => { const p = seqCtl(d, i); return p >= 0 ? (d.bytes[p] | (d.bytes[p + 1] << 8)) >> 4 : undefined; }),
  field("wlan.frag", "Fragment number", "uint", (d, i) => { const p = seqCtl(d, i); return p >= 0 ? d.bytes[p] & 15 : undefined; }),
  field("wlan.qos.tid", "TID", "uint", (d, i) => { const p = qosCtl(d, i); return p >= 0 ? d.bytes[p] & 15 : undefined; }),
  field("wlan.qos.amsdupresent", "A-MSDU Present", "bool", (d, i) => { const p = qosCtl(d, i); return p >= 0 ? (d.bytes[p] & 0x80) !== 0 : undefined; }),
  field("wlan.ssid", "SSID", "bytes", ssid),
  field("wlan.fixed.status_code", "Status code", "uint", (d, i) => fixedLe16(d, i, { 1: 2, 3: 2, 11: 4 })),
  field("wlan.fixed.reason_code", "Reason code", "uint", (d, i) => fixedLe16(d, i, { 10: 0, 12: 0 })),
];

function seqCtl(d: Dissection, i: number): number {
  const o = d.start[i];
  return fcType(d, o) !== T_CTRL && o + 24 <= d.hdrEnd[i] ? o + 22 : -1;
}

function qosCtl(d: Dissection, i: number): number {
  const o = d.start[i];
  if (!isQos(d, o)) return -1;
  const p = o + ((fcFlags(d, o) & 3) === 3 ? 30 : 24);
  return p + 2 <= d.hdrEnd[i] ? p : -1;
}

function fixedLe16(d: Dissection, i: number, at: Record<number, number>): number | undefined {
  const o = d.start[i];
  const k = at[fcSub(d, o)];
  if (fcType(d, o) !== T_MGMT || k === undefined || fcFlags(d, o) & PROTECTED) return undefined;
  const p = d.hdrEnd[i] + k;
  return p + 2 <= d.end[i] ? d.bytes[p] | (d.bytes[p + 1] << 8) : undefined;
}

// ---- tree ------------------------------------------------------------------------------------------------------

const WS_MGMT = ["Association Request", "Association Response", "Reassociation Request", "Reassociation Response", "Probe Request", "Probe Response", "Measurement Pilot", "Timing Advertisement", "Beacon frame", "ATIM", "Disassociate", "Authentication", "Deauthentication", "Action", "Action No Ack", "Reserved"];
const WS_CTRL = ["Reserved", "Reserved", "Trigger", "TACK", "Beamforming Report Poll", "VHT/HE NDP Announcement", "Control Frame Extension", "Control Wrapper", "802.11 Block Ack Req", "802.11 Block Ack", "Power-Save poll", "Request-to-send", "Clear-to-send", "Acknowledgement", "CF-End", "CF-End + CF-Ack"];
const WS_DATA = ["Data", "Data + CF-Ack", "Data + CF-Poll", "Data + CF-Ack + CF-Poll", "Null function (No data)", "CF-Ack (No data)", "CF-Poll (No data)", "CF-Ack/Poll (No data)", "QoS Data", "QoS Data + CF-Acknowledgment", "QoS Data + CF-Poll", "QoS Data + CF-Ack + CF-Poll", "QoS Null function (No data)", "Reserved", "QoS CF-Poll (No Data)", "QoS CF-Ack + CF-Poll (No data)"];
const WS_TYPES = ["Management frame", "Control frame", "Data frame", "Extension frame"];

export function dot11SubtypeName(type: number, sub: number): string {
  return (type === T_MGMT ? WS_MGMT : type === T_CTRL ? WS_CTRL : type === T_DATA ? WS_DATA : [])[sub] ?? "Extension";
}

/** Wireshark's flag string: o p m P R M F T from the most significant bit. */
function flagString(f: number): string {
  let s = "";
  for (let b = 7; b >= 0; b--) s += f & (1 << b) ? "opmPRMFT"[7 - b] : ".";
  return s;
}

const ROLE_LABELS: [Dot11Role, string, string][] = [
  ["ra", "Receiver address", "wlan.ra"], ["ta", "Transmitter address", "wlan.ta"], ["da", "Destination address", "wlan.da"],
  ["sa", "Source address", "wlan.sa"], ["bssid", "BSS Id", "wlan.bssid"],
];

const TAG_NAMES: Record<number, string> = { 0: "SSID parameter set", 1: "Supported Rates", 3: "DS Parameter set", 5: "Traffic Indication Map (TIM)", 7: "Country Information", 45: "HT Capabilities", 48: "RSN Information", 50: "Extended Supported Rates", 61: "HT Information", 127: "Extended Capabilities", 191: "VHT Capabilities", 221: "Vendor Specific" };

function managementNode(d: Dissection, i: number): TreeNode | null {
  const o = d.start[i];
  const fixed = MGMT_FIXED[fcSub(d, o)];
  const b = d.hdrEnd[i];
  if (fcFlags(d, o) & PROTECTED || b >= d.end[i]) return null;
  const ch: TreeNode[] = [];
  if (fixed > 0) ch.push({ label: `Fixed parameters (${Math.min(fixed, d.end[i] - b)} bytes)`, start: b, length: Math.min(fixed, d.end[i] - b) });
  if (fixed >= 0 && b + fixed < d.end[i]) {
    const tags: TreeNode[] = [];
    let p = b + fixed;
    for (; p + 2 <= d.end[i] && p + 2 + d.bytes[p + 1] <= d.end[i]; p += 2 + d.bytes[p + 1]) {
      const id = d.bytes[p];
      const len = d.bytes[p + 1];
      let text = `Tag: ${TAG_NAMES[id] ?? `Unknown (${id})`}`;
      if (id === 0) text += `: "${utf8.decode(d.bytes.subarray(p + 2, p + 2 + len))}"`;
      if (id === 3 && len === 1) text += `: Current Channel: ${d.bytes[p + 2]}`;
      tags.push({ label: text, field: id === 0 ? "wlan.ssid" : "wlan.tag", start: p, length: 2 + len });
    }
    if (p < d.end[i]) tags.push({ label: "Tagged parameters (truncated)", start: p, length: d.end[i] - p });
    ch.push({ label: `Tagged parameters (${d.end[i] - b - fixed} bytes)`, start: b + fixed, length: d.end[i] - b - fixed, children: tags });
  }
  return { label: "IEEE 802.11 Wireless Management", start: b, length: d.end[i] - b, children: ch };
}

function tree(d: Dissection, i: number): TreeNode {
  const o = d.start[i];
  const type = fcType(d, o);
  const sub = fcSub(d, o);
  const f = o + 2 <= d.length ? fcFlags(d, o) : 0;
  const name = dot11SubtypeName(type, sub);
  const ts = (type << 4) | sub;
  const ch: TreeNode[] = [
    leaf(`Type/Subtype: ${name} (0x${ts.toString(16).padStart(4, "0")})`, "wlan.fc.type_subtype", o, 1),
    {
      label: `Frame Control Field: 0x${(d.u8(o) << 8 | f).toString(16).padStart(4, "0")}`, field: "wlan.fc", start: o, length: 2,
      children: [
        leaf(`Version: ${d.u8(o) & 3}`, "wlan.fc.version", o, 1),
        leaf(`Type: ${WS_TYPES[type]} (${type})`, "wlan.fc.type", o, 1),
        leaf(`Subtype: ${sub}`, "wlan.fc.subtype", o, 1),
        leaf(`Flags: 0x${f.toString(16).padStart(2, "0")}`, "wlan.flags", o + 1, 1),
      ],
    },
  ];
  if (o + 4 <= d.hdrEnd[i]) {
    const dur = d.bytes[o + 2] | (d.bytes[o + 3] << 8);
    ch.push(type === T_CTRL && sub === 10 ? leaf(`Association ID: ${dur & 0x3fff}`, "wlan.aid", o + 2, 2) : leaf(`Duration: ${dur} microseconds`, "wlan.duration", o + 2, 2));
  }
  for (const [role, label, abbrev] of ROLE_LABELS) {
    const p = dot11Addr(d, i, role);
    if (p >= 0) ch.push(leaf(`${label}: ${macText(d.bytes, p)}`, abbrev, p, 6));
  }
  const sc = seqCtl(d, i);
  if (sc >= 0) {
    const v = d.bytes[sc] | (d.bytes[sc + 1] << 8);
    ch.push(leaf(`Fragment number: ${v & 15}`, "wlan.frag", sc, 2), leaf(`Sequence number: ${v >> 4}`, "wlan.seq", sc, 2));
  }
  const q = qosCtl(d, i);
  if (q >= 0) ch.push({ label: `QoS Control: 0x${(d.bytes[q] | (d.bytes[q + 1] << 8)).toString(16).padStart(4, "0")}`, field: "wlan.qos", start: q, length: 2, children: [leaf(`TID: ${d.bytes[q] & 15}`, "wlan.qos.tid", q, 1)] });
  if (type === T_MGMT) {
    const m = managementNode(d, i);
    if (m) ch.push(m);
  }
  // A management frame's body belongs to this layer; a data frame's body is the next layer's.
  return { label: `IEEE 802.11 ${name}, Flags: ${flagString(f)}`, start: o, length: (type === T_MGMT ? d.end[i] : d.hdrEnd[i]) - o, children: ch };
}

export const dot11: Dissector = { proto: Proto.Dot11, abbrev: "wlan", name: "IEEE 802.11 wireless LAN", decode, fields, tree };

// ---- summary: tcpdump's ieee802_11_print with -e (header addresses), as pktmon prints it ----------------------

const ST_NAMES = ["Assoc Request", "Assoc Response", "ReAssoc Request", "ReAssoc Response", "Probe Request", "Probe Response", "", "", "Beacon", "ATIM", "Disassociation", "Authentication", "DeAuthentication", "Action"];
const CTRL_NAMES: Record<number, string> = { 7: "Control Wrapper", 8: "BAR", 9: "BA", 10: "Power Save-Poll", 11: "Request-To-Send", 12: "Clear-To-Send", 13: "Acknowledgment", 14: "CF-End", 15: "CF-End+CF-Ack" };
/** tcpdump 4.9's header lengths of the control subtypes it knows (7–15). */
const TD_CTRL_LEN: Record<number, number> = { 7: 16, 8: 20, 9: 10, 10: 16, 11: 16, 12: 10, 13: 10, 14: 16, 15: 16 };
const TSTR = " [|802.11]";

/** tcpdump 4.9's status_text (index = status code). */
const STATUS_TEXT = [
  "Successful", "Unspecified failure", "Reserved", "Reserved", "Reserved", "Reserved", "Reserved", "Reserved", "Reserved", "Reserved",
  "Cannot Support all requested capabilities in the Capability Information field",
  "Reassociation denied due to inability to confirm that association exists",
  "Association denied due to reason outside the scope of the standard",
  "Responding station does not support the specified authentication algorithm ",
  "Received an Authentication frame with authentication transaction sequence number out of expected sequence",
  "Authentication rejected because of challenge failure",
  "Authentication rejected due to timeout waiting for next frame in sequence",
  "Association denied because AP is unable to handle additionalassociated stations",
  "Association denied due to requesting station not supporting all of the data rates in BSSBasicRateSet parameter",
  "Association denied due to requesting station not supporting short preamble operation",
  "Association denied due to requesting station not supporting PBCC encoding",
  "Association denied due to requesting station not supporting channel agility",
  "Association request rejected because Spectrum Management capability is required",
  "Association request rejected because the information in the Power Capability element is unacceptable",
  "Association request rejected because the information in the Supported Channels element is unacceptable",
  "Association denied due to requesting station not supporting short slot operation",
  "Association denied due to requesting station not supporting DSSS-OFDM operation",
  "Association denied because the requested STA does not support HT features",
  "Reserved",
  "Association denied because the requested STA does not support the PCO transition time required by the AP",
  "Reserved", "Reserved", "Unspecified, QoS-related failure",
  "Association denied due to QAP having insufficient bandwidth to handle another QSTA",
  "Association denied due to excessive frame loss rates and/or poor conditions on current operating channel",
  "Association (with QBSS) denied due to requesting station not supporting the QoS facility",
  "Association denied due to requesting station not supporting Block Ack",
  "The request has been declined",
  "The request has not been successful as one or more parameters have invalid values",
  "The TS has not been created because the request cannot be honored. Try again with the suggested changes to the TSPEC",
  "Invalid Information Element", "Group Cipher is not valid", "Pairwise Cipher is not valid", "AKMP is not valid",
  "Unsupported RSN IE version", "Invalid RSN IE Capabilities", "Cipher suite is rejected per security policy",
  "The TS has not been created. However, the HC may be capable of creating a TS, in response to a request, after the time indicated in the TS Delay element",
  "Direct Link is not allowed in the BSS by policy", "Destination STA is not present within this QBSS.", "The Destination STA is not a QSTA.",
];

/** tcpdump 4.9's reason_text, including its missing entry 19 (so codes 20–46 print the next code's text). */
const REASON_TEXT = [
  "Reserved", "Unspecified reason", "Previous authentication no longer valid",
  "Deauthenticated because sending station is leaving (or has left) IBSS or ESS", "Disassociated due to inactivity",
  "Disassociated because AP is unable to handle all currently  associated stations",
  "Class 2 frame received from nonauthenticated station", "Class 3 frame received from nonassociated station",
  "Disassociated because sending station is leaving (or has left) BSS",
  "Station requesting (re)association is not authenticated with responding station",
  "Disassociated because the information in the Power Capability element is unacceptable",
  "Disassociated because the information in the SupportedChannels element is unacceptable",
  "Invalid Information Element", "Reserved", "Michael MIC failure", "4-Way Handshake timeout", "Group key update timeout",
  "Information element in 4-Way Handshake different from (Re)AssociationRequest/Probe Response/Beacon",
  "Group Cipher is not valid", "AKMP is not valid", "Unsupported RSN IE version", "Invalid RSN IE Capabilities",
  "IEEE 802.1X Authentication failed", "Cipher suite is rejected per security policy",
  "Reserved", "Reserved", "Reserved", "Reserved", "Reserved", "Reserved",
  "TS deleted because QoS AP lacks sufficient bandwidth for this QoS STA due to a change in BSS service characteristics or operational mode (e.g. an HT BSS change from 40 MHz channel to 20 MHz channel)",
  "Disassociated for unspecified, QoS-related reason", "Disassociated because QoS AP lacks sufficient bandwidth for this QoS STA",
  "Disassociated because of excessive number of frames that need to be acknowledged, but are not acknowledged for AP transmissions and/or poor channel conditions",
  "Disassociated because STA is transmitting outside the limits of its TXOPs",
  "Requested from peer STA as the STA is leaving the BSS (or resetting)", "Requested from peer STA as it does not want to use the mechanism",
  "Requested from peer STA as the STA received frames using the mechanism for which a set up is required",
  "Requested from peer STA due to time out", "Reserved", "Reserved", "Reserved", "Reserved", "Reserved",
  "Peer STA does not support the requested cipher suite", "Association denied due to requesting STA not supporting HT features",
];
const AUTH_ALG = ["Open System", "Shared Key", "EAP"];

/**
 * The MAC addresses of one header line. pktmon's formatter (a Windows build of tcpdump) renders MAC addresses
 * into two rotating static buffers and MSVC evaluates printf arguments right to left, so in a line with three or
 * four addresses the third shows the first one's text and the fourth the second's ("DA:x BSSID:y SA:x"). With
 * `quirks` false the addresses are printed as they are.
 */
function macs(d: Dissection, offs: number[], quirks: boolean): string[] {
  return offs.map((p, k) => macDash(d.bytes, quirks ? offs[k % 2] : p));
}

interface Elements { ssid: number; ssidLen: number; rates: number; ratesLen: number; channel: number; ok: boolean }

/** tcpdump's parse_elements: the first SSID, rates and DS elements, and whether all elements were whole. */
function parseElements(d: Dissection, p: number, length: number): Elements {
  const e: Elements = { ssid: -1, ssidLen: 0, rates: -1, ratesLen: 0, channel: -1, ok: false };
  while (length !== 0) {
    if (p + 2 > d.length || length < 2) return e;
    const id = d.bytes[p];
    const len = d.bytes[p + 1];
    if (p + 2 + len > d.length || length < len + 2) return e;
    if (id === 0) {
      if (len > 32) return e;
      if (e.ssid < 0) [e.ssid, e.ssidLen] = [p + 2, len];
    } else if (id === 16) {
      if (len > 253) return e;
    } else if (id === 1) {
      if (len > 16) return e;
      if (e.rates < 0 && len !== 0) [e.rates, e.ratesLen] = [p + 2, len];
    } else if (id === 3 && len === 1 && e.channel < 0) e.channel = d.bytes[p + 2];
    p += 2 + len;
    length -= 2 + len;
  }
  e.ok = true;
  return e;
}

function ssidText(d: Dissection, e: Elements): string {
  if (e.ssid < 0) return "";
  let s = " (";
  for (let k = 0; k < e.ssidLen && d.bytes[e.ssid + k] !== 0; k++) s += safeChar(d.bytes[e.ssid + k]);
  return s + ")";
}

function ratesText(d: Dissection, e: Elements): string {
  if (e.rates < 0) return "";
  let s = "";
  for (let k = 0; k < e.ratesLen; k++) {
    const r = d.bytes[e.rates + k];
    s += (k === 0 ? " [" : " ") + (0.5 * (r & 0x7f)).toFixed(1) + (r & 0x80 ? "*" : "");
  }
  return s + " Mbit]";
}

const le16 = (d: Dissection, p: number): number => d.bytes[p] | (d.bytes[p + 1] << 8);

/** The management body after the subtype name; ok false makes the caller append " [|802.11]". */
function mgmtBody(d: Dissection, sub: number, p: number, length: number, quirks: boolean): [string, boolean] {
  const need = (n: number): boolean => p + n <= d.length && length >= n;
  const privacy = (cap: number): string => (cap & 0x10 ? ", PRIVACY" : "");
  switch (sub) {
    case 0: case 2: {
      const fixed = sub === 0 ? 4 : 10;
      if (!need(fixed)) return ["", false];
      const e = parseElements(d, p + fixed, length - fixed);
      if (sub === 0) return [ssidText(d, e) + ratesText(d, e), e.ok];
      return [ssidText(d, e) + ` AP : ${macs(d, [p + 4], quirks)[0]}`, e.ok];
    }
    case 1: case 3: {
      if (!need(6)) return ["", false];
      const e = parseElements(d, p + 6, length - 6);
      const cap = le16(d, p);
      const status = le16(d, p + 2);
      return [` AID(${(le16(d, p + 4) & 0x3fff).toString(16)}) :${cap & 0x10 ? " PRIVACY " : ""}: ${STATUS_TEXT[status] ?? "n/a"}`, e.ok];
    }
    case 4: {
      const e = parseElements(d, p, length);
      return [ssidText(d, e) + ratesText(d, e), e.ok];
    }
    case 5: case 8: {
      if (!need(12)) return ["", false];
      const e = parseElements(d, p + 12, length - 12);
      const cap = le16(d, p + 10);
      let s = ssidText(d, e) + ratesText(d, e);
      if (sub === 8) s += cap & 1 ? " ESS" : " IBSS";
      if (e.channel >= 0) s += ` CH: ${e.channel}`;
      return [s + privacy(cap), e.ok];
    }
    case 9: return ["", true];
    case 10: case 12:
      if (!need(2)) return ["", false];
      return [`: ${REASON_TEXT[le16(d, p)] ?? "Reserved"}`, true];
    case 11: {
      if (!need(6)) return ["", false];
      const e = parseElements(d, p + 6, length - 6);
      const alg = le16(d, p);
      const seq = le16(d, p + 2);
      const status = seq % 2 ? STATUS_TEXT[le16(d, p + 4)] ?? "n/a" : "";
      const algText = AUTH_ALG[alg] ?? "Reserved";
      if (alg === 1 && (seq === 2 || seq === 3)) return [` (${algText})-${seq.toString(16)} [Challenge Text] ${status}`, e.ok];
      return [` (${algText})-${seq.toString(16)}: ${status}`, e.ok];
    }
    case 13: {
      if (!need(2)) return ["", false];
      return [": " + actionText(d.bytes[p], d.bytes[p + 1]), true];
    }
    default:
      return ["", true];
  }
}

function actionText(cat: number, act: number): string {
  const pick = (names: string[]): string => names[act] ?? `Act#${act}`;
  switch (cat) {
    case 0: return `Spectrum Management Act#${act}`;
    case 1: return `QoS Act#${act}`;
    case 2: return `DLS Act#${act}`;
    case 3: return "BA " + pick(["ADDBA Request", "ADDBA Response", "DELBA"]);
    case 7: return "HT " + pick(["TxChWidth", "MIMOPwrSave"]);
    case 13: return "MeshAction " + pick(["MeshLink", "HWMP", "Gate Announcement", "Congestion Control", "MCCA Setup Request", "MCCA Setup Reply", "MCCA Advertisement Request", "MCCA Advertisement", "MCCA Teardown", "TBTT Adjustment Request", "TBTT Adjustment Response"]);
    case 14: return "MultiohopAction " + pick(["Proxy Update", "Proxy Update Confirmation"]);
    case 15: return "SelfprotectAction " + (["", "Peering Open", "Peering Confirm", "Peering Close", "Group Key Inform", "Group Key Acknowledge"][act] || `Act#${act}`);
    case 127: return `Vendor Act#${act}`;
    default: return `Reserved(${cat}) Act#${act}`;
  }
}

function wep(d: Dissection, p: number): string | null {
  if (p + 4 > d.length) return null;
  const iv = (d.bytes[p] | (d.bytes[p + 1] << 8) | (d.bytes[p + 2] << 16) | (d.bytes[p + 3] << 24)) >>> 0;
  return ` IV:${(iv & 0xffffff).toString(16).padStart(3, " ")} Pad ${((iv >>> 24) & 0x3f).toString(16)} KeyID ${(iv >>> 30).toString(16)}`;
}

function header(d: Dissection, o: number, type: number, sub: number, quirks: boolean): string {
  const a1 = o + 4, a2 = o + 10, a3 = o + 16, a4 = o + 24;
  if (type === T_MGMT) {
    const [b, da, sa] = macs(d, [a3, a1, a2], quirks);
    return `BSSID:${b} DA:${da} SA:${sa} `;
  }
  if (type === T_CTRL) {
    switch (sub) {
      case 8: {
        const [ra, ta] = macs(d, [a1, a2], quirks);
        return ` RA:${ra} TA:${ta} CTL(${le16(d, o + 16).toString(16)}) SEQ(${le16(d, o + 18)}) `;
      }
      case 9: case 12: case 13: return `RA:${macDash(d.bytes, a1)} `;
      case 10: return `BSSID:${macDash(d.bytes, a1)} TA:${macDash(d.bytes, a2)} `;
      case 11: return `RA:${macDash(d.bytes, a1)} TA:${macDash(d.bytes, a2)} `;
      case 14: case 15: return `RA:${macDash(d.bytes, a1)} BSSID:${macDash(d.bytes, a2)} `;
      default: return "";
    }
  }
  let s = "";
  if (sub & 0x0b) s = "CF " + (sub & 1 ? (sub & 2 ? "Ack/Poll" : "Ack") : sub & 2 ? "Poll" : "") + (sub & 8 ? "+QoS" : "") + " ";
  const ds = fcFlags(d, o) & 3;
  if (ds === 0) {
    const [da, sa, b] = macs(d, [a1, a2, a3], quirks);
    return s + `DA:${da} SA:${sa} BSSID:${b} `;
  }
  if (ds === FROM_DS) {
    const [da, b, sa] = macs(d, [a1, a2, a3], quirks);
    return s + `DA:${da} BSSID:${b} SA:${sa} `;
  }
  if (ds === TO_DS) {
    const [b, sa, da] = macs(d, [a1, a2, a3], quirks);
    return s + `BSSID:${b} SA:${sa} DA:${da} `;
  }
  const [ra, ta, da, sa] = macs(d, [a1, a2, a3, a4], quirks);
  return s + `RA:${ra} TA:${ta} DA:${da} SA:${sa} `;
}

export function summary(d: Dissection, i: number, c: SummaryContext): string {
  const o = d.start[i];
  if (o + 2 > d.length) return TSTR;
  const type = fcType(d, o);
  const sub = fcSub(d, o);
  const flags = fcFlags(d, o);
  let hdrlen: number;
  if (type === T_MGMT) hdrlen = 24;
  else if (type === T_CTRL) {
    hdrlen = TD_CTRL_LEN[sub] ?? 0;
    if (!hdrlen) return `unknown 802.11 ctrl frame subtype (${sub})`;
  } else if (type === T_DATA) hdrlen = ((flags & 3) === 3 ? 30 : 24) + (sub & 8 ? 2 : 0);
  else return `unknown 802.11 frame type (${type})`;
  if (o + hdrlen > d.length) return TSTR;
  const length = d.wireLength - o - hdrlen;
  const p = o + hdrlen;
  let s = header(d, o, type, sub, c.pktmonQuirks);
  if (type === T_MGMT) {
    s += ST_NAMES[sub] || `Unhandled Management subtype(${sub.toString(16)})`;
    if (flags & PROTECTED) {
      const w = wep(d, p);
      return w === null ? s + TSTR : s + w;
    }
    const [body, ok] = mgmtBody(d, sub, p, length, c.pktmonQuirks);
    return s + body + (ok ? "" : TSTR);
  }
  if (type === T_CTRL) {
    s += CTRL_NAMES[sub];
    if (sub === 10) s += ` AID(${le16(d, o + 2).toString(16)})`;
    return s;
  }
  if (sub & 4) return s; // null function: no body
  if (flags & PROTECTED) {
    const w = wep(d, p);
    return w === null ? s + "Data" + TSTR : s + "Data" + w;
  }
  return s + (i + 1 < d.n && d.proto[i + 1] === Proto.Llc ? c.rest(i + 1) : d.truncated === Proto.Llc ? "[|llc]" : "");
}
