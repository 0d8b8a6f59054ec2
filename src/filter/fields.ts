/**
 * What a filter can name: every field of the registered dissectors (fieldRegistry), the "either" fields
 * synthesized from them (P.addr = P.src|P.dst, P.port = P.srcport|P.dstport, for every protocol P that has the
 * pair and no such field of its own: eth.addr, ip.addr, ipv6.addr, tcp.port, udp.port …), the protocol names
 * themselves, and the capture-level fields read from the PacketRecord (frame.*, pktmon.*, vmswitch.*, ndis.*).
 */
import type { Dissection, DissectorTables, FieldSpec, FieldType, PacketRecord } from "../packets/mod.js";
import { fieldRegistry } from "../packets/dissect/dissect.js";

/** Field types: the dissectors' plus "double" (frame.time_relative) and "u64" (a 64-bit id as a decimal string). */
export type FilterType = FieldType | "double" | "u64";

/** A field read from the layers of one protocol; several getters = an "either" field (any of them). */
export interface LayerField {
  readonly kind: "layer";
  readonly name: string;
  readonly type: FieldType;
  readonly proto: number;
  readonly gets: readonly FieldSpec["get"][];
  readonly description: string;
}

export type RecordValue = number | string | boolean | undefined;

/** A field of the capture record (not of the bytes). `text`: the name behind an id, for string comparisons. */
export interface RecordField {
  readonly kind: "record";
  readonly name: string;
  readonly type: FilterType;
  readonly get: (p: PacketRecord, d: Dissection) => RecordValue;
  readonly text?: (p: PacketRecord) => string | undefined;
  /** How a string equals the text (default: ===), built once per constant. */
  readonly textEq?: (s: string) => (v: string) => boolean;
  readonly description: string;
}

/** A protocol name: an existence test (bit in Dissection.mask), or the bytes it spans for `contains`. */
export interface ProtoField {
  readonly kind: "proto";
  readonly name: string;
  readonly proto: number;
  readonly description: string;
}

/** frame / pktmon / vmswitch / ndis: always there, or there when the record carries that metadata. */
export interface MetaProto {
  readonly kind: "meta";
  readonly name: string;
  readonly present: (p: PacketRecord) => boolean;
  readonly description: string;
}

export type FilterField = LayerField | RecordField | ProtoField | MetaProto;

/** A pktmon component label is "Description (Name)", "Description" or "Name": == matches any of the three. */
function labelEq(s: string): (v: string) => boolean {
  const head = s + " (";
  const tail = " (" + s + ")";
  return (v) => v === s || (v.startsWith(head) && v.endsWith(")")) || v.endsWith(tail);
}

const RECORD_FIELDS: readonly RecordField[] = [
  rec("frame.len", "uint", (p) => p.originalLength, "length on the wire"),
  rec("frame.cap_len", "uint", (p) => p.bytes.length, "captured length"),
  rec("frame.number", "uint", (p) => p.number, "packet number (1-based)"),
  rec("frame.time_relative", "double", (p) => p.ticks / 1e7, "seconds since the start of the trace"),
  rec("frame.direction", "string", (p) => p.direction, '"in", "out" or "unknown"'),
  rec("frame.source", "string", (p) => p.source, '"ndis", "vmswitch" or "pktmon"'),
  rec("pktmon.component", "uint", (p) => p.pktmon?.componentId, "component id; as a string, its name or description",
    { text: (p) => p.pktmon?.componentName, textEq: labelEq }),
  rec("pktmon.group", "u64", (p) => p.pktmon?.groupId, "PktGroupId (all appearances of one packet)"),
  rec("pktmon.pkt_number", "uint", (p) => p.pktmon?.pktNumber, "pktmon packet number"),
  rec("pktmon.appearance", "uint", (p) => p.pktmon?.appearance, "appearance of the packet in its group"),
  rec("pktmon.direction", "string", (p) => p.pktmon?.dirName, '"Rx", "Tx", "Ingress", "Egress" …'),
  rec("pktmon.packet_type", "uint", (p) => p.pktmon?.packetType, "1 Ethernet, 2 WiFi, 3 IP, 4 HTTP; as a string, its name",
    { text: (p) => p.pktmon?.packetTypeName }),
  rec("pktmon.edge", "uint", (p) => p.pktmon?.edgeId, "edge id"),
  rec("pktmon.filter", "uint", (p) => p.pktmon?.filterId, "pktmon filter id"),
  rec("pktmon.drop", "bool", (p) => p.pktmon?.drop, "a drop event"),
  rec("pktmon.drop_reason", "uint", (p) => (p.pktmon?.drop ? p.pktmon.dropReason : undefined), "drop reason; as a string, its name",
    { text: (p) => (p.pktmon?.drop ? p.pktmon.dropReasonName : undefined) }),
  rec("pktmon.drop_location", "uint", (p) => (p.pktmon?.drop ? p.pktmon.dropLocation : undefined), "drop location"),
  rec("vmswitch.port", "string", (p) => p.vmswitch?.sourcePortName, "source port name"),
  rec("vmswitch.port_id", "uint", (p) => p.vmswitch?.sourcePortId, "source port id"),
  rec("vmswitch.nic", "string", (p) => p.vmswitch?.sourceNicName, "source NIC name"),
  rec("vmswitch.nic_type", "string", (p) => p.vmswitch?.sourceNicType, "source NIC type"),
  rec("vmswitch.vlan", "uint", (p) => p.vmswitch?.vlanId, "VLAN id"),
  rec("vmswitch.destinations", "uint", (p) => p.vmswitch?.destinationCount, "number of destination ports"),
  rec("ndis.ifindex", "uint", (p) => (p.ndis ?? p.vmswitch)?.miniportIfIndex, "miniport ifIndex (NDIS and vSwitch records)"),
  rec("ndis.lower_ifindex", "uint", (p) => (p.ndis ?? p.vmswitch)?.lowerIfIndex, "lower ifIndex (NDIS and vSwitch records)"),
  rec("ndis.ifname", "string", (p) => p.ndis?.ifName, "interface name, when known"),
  rec("ndis.fragments", "uint", (p) => p.ndis?.fragments, "number of 1001 fragments in the frame"),
];

const META_PROTOS: readonly MetaProto[] = [
  { kind: "meta", name: "frame", present: () => true, description: "every packet; frame contains … searches all captured bytes" },
  { kind: "meta", name: "pktmon", present: (p) => p.pktmon !== undefined, description: "a PktMon record" },
  { kind: "meta", name: "vmswitch", present: (p) => p.vmswitch !== undefined, description: "a vSwitch port record (NDIS-PacketCapture 1003)" },
  { kind: "meta", name: "ndis", present: (p) => p.ndis !== undefined, description: "an NDIS record (NDIS-PacketCapture 1001)" },
];

function rec(
  name: string, type: FilterType, get: RecordField["get"], description: string,
  extra: { text?: RecordField["text"]; textEq?: RecordField["textEq"] } = {},
): RecordField {
  return { kind: "record", name, type, get, description, ...extra };
}

/** Builds the name → field table for a set of dissector tables. */
export function filterFields(tables: DissectorTables): Map<string, FilterField> {
  const m = new Map<string, FilterField>();
  for (const d of tables.byProto) {
    if (d) m.set(d.abbrev, { kind: "proto", name: d.abbrev, proto: d.proto, description: d.name });
  }
  const reg = fieldRegistry(tables);
  for (const [abbrev, { field, proto }] of reg) {
    m.set(abbrev, { kind: "layer", name: abbrev, type: field.type, proto, gets: [field.get], description: field.name });
  }
  // Either fields.
  for (const d of tables.byProto) {
    if (!d) continue;
    for (const [either, a, b, what] of [["addr", "src", "dst", "address"], ["port", "srcport", "dstport", "port"]] as const) {
      const name = `${d.abbrev}.${either}`;
      const fa = reg.get(`${d.abbrev}.${a}`);
      const fb = reg.get(`${d.abbrev}.${b}`);
      if (m.has(name) || !fa || !fb || fa.field.type !== fb.field.type) continue;
      m.set(name, { kind: "layer", name, type: fa.field.type, proto: d.proto, gets: [fa.field.get, fb.field.get], description: `source or destination ${what}` });
    }
  }
  for (const f of [...META_PROTOS, ...RECORD_FIELDS]) if (!m.has(f.name)) m.set(f.name, f);
  return m;
}

/** The closest known name within a small edit distance, for "did you mean" hints. */
export function suggest(name: string, names: Iterable<string>): string | undefined {
  const limit = name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestD = limit + 1;
  const lower = name.toLowerCase();
  for (const n of names) {
    const d = n === lower ? 0 : distance(lower, n);
    if (d < bestD || (d === bestD && best !== undefined && n < best)) {
      best = n;
      bestD = d;
    }
  }
  return bestD <= limit ? best : undefined;
}

/** Damerau–Levenshtein (optimal string alignment) distance. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push(new Array<number>(b.length + 1).fill(0));
    rows[i][0] = i;
  }
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2][j - 2] + 1);
      rows[i][j] = v;
    }
  }
  return rows[a.length][b.length];
}

export const TYPE_NAMES: Record<FilterType | "protocol", string> = {
  uint: "an unsigned integer", int: "an integer", bool: "a boolean", ipv4: "an IPv4 address", ipv6: "an IPv6 address",
  mac: "a MAC address", string: "a string", bytes: "a byte string", double: "a number", u64: "an unsigned integer",
  protocol: "a protocol",
};
