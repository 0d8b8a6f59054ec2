/**
 * VXLAN (RFC 7348) on UDP 4789: an 8-byte header (flags with the I bit 0x08, 24-bit VNI) in front of an inner
 * Ethernet frame. The Group Policy extension (G bit 0x80, draft-smith-vxlan-group-policy) puts a 16-bit policy
 * id in bytes 2–3.
 */
import type { DecodeContext, Dissection, Dissector, FieldSpec, TreeNode } from "./core.js";
import { Proto } from "./core.js";
import { field, leaf, u16at, u8at } from "./base.js";
import type { SummaryContext } from "./summary.js";

function decode(d: Dissection, off: number, end: number, ctx: DecodeContext): Proto {
  if (off + 8 > d.length) {
    if (off < d.length) d.push(Proto.Vxlan, off, d.length, end);
    return d.cut(Proto.Vxlan);
  }
  d.push(Proto.Vxlan, off, off + 8, end);
  if (off + 8 >= end) return Proto.None;
  ctx.next = off + 8;
  ctx.nextEnd = end;
  return Proto.Eth;
}

const vni = (d: Dissection, i: number): number | undefined => {
  const o = d.start[i] + 4;
  return o + 3 <= d.length ? (d.bytes[o] << 16) | (d.bytes[o + 1] << 8) | d.bytes[o + 2] : undefined;
};

const fields: FieldSpec[] = [
  field("vxlan.flags", "Flags", "uint", (d, i) => u16at(d, d.start[i])),
  field("vxlan.flag_i", "VXLAN Network ID (VNI) present", "bool", (d, i) => { const v = u8at(d, d.start[i]); return v === undefined ? v : (v & 0x08) !== 0; }),
  field("vxlan.flag_g", "Group Based Policy extension", "bool", (d, i) => { const v = u8at(d, d.start[i]); return v === undefined ? v : (v & 0x80) !== 0; }),
  field("vxlan.gbp", "Group Policy ID", "uint", (d, i) => u16at(d, d.start[i] + 2)), // Wireshark shows it with or without the G bit
  field("vxlan.vni", "VXLAN Network Identifier (VNI)", "uint", vni),
];

function tree(d: Dissection, i: number): TreeNode {
  const o = d.start[i];
  if (o + 8 > d.length) return { label: "Virtual eXtensible Local Area Network [truncated]", start: o, length: d.length - o };
  const f = d.u8(o);
  const ch: TreeNode[] = [
    {
      label: `Flags: 0x${d.u16(o).toString(16).padStart(4, "0")}${f & 0x08 ? ", VXLAN Network ID (VNI)" : ""}${f & 0x80 ? ", GBP Extension" : ""}`, field: "vxlan.flags", start: o, length: 2,
      children: [leaf(`.... 1... = VXLAN Network ID (VNI): ${f & 0x08 ? "True" : "False"}`, "vxlan.flag_i", o, 1)],
    },
  ];
  if (f & 0x80) ch.push(leaf(`Group Policy ID: ${d.u16(o + 2)}`, "vxlan.gbp", o + 2, 2));
  ch.push(leaf(`VXLAN Network Identifier (VNI): ${d.u32(o + 4) >>> 8}`, "vxlan.vni", o + 4, 3));
  ch.push(leaf(`Reserved: ${d.u8(o + 7)}`, "vxlan.reserved8", o + 7, 1));
  return { label: "Virtual eXtensible Local Area Network", start: o, length: 8, children: ch };
}

export const vxlan: Dissector = { proto: Proto.Vxlan, abbrev: "vxlan", name: "Virtual eXtensible Local Area Network", decode, fields, tree };

/**
 * tcpdump's vxlan_print: "VXLAN, flags [I] (0x08), vni 4096" and then the inner frame. tcpdump starts the inner
 * frame on a new line; a one-line summary joins the two with a space.
 */
export function summary(d: Dissection, i: number, c: SummaryContext): string {
  const o = d.start[i];
  if (o + 8 > d.length) return "[|VXLAN]";
  const f = d.u8(o);
  const head = `VXLAN, flags [${f & 0x08 ? "I" : "."}] (0x${f.toString(16).padStart(2, "0")}), vni ${d.u32(o + 4) >>> 8}`;
  const inner = i + 1 < d.n ? c.rest(i + 1) : d.truncated === Proto.Eth ? "[|ether]" : "";
  return inner ? `${head} ${inner}` : head;
}
