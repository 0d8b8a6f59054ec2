/**
 * One-line packet summaries in tcpdump's style, as `pktmon format` prints them (pktmon's formatter derives from
 * tcpdump): "EC-8E-B5-4A-56-EF > 01-00-5E-7F-FF-FA, ethertype IPv4 (0x0800), length 216: 192.168.0.115.51065 >
 * 239.255.255.250.1900: UDP, length 174". Each protocol contributes its part; application protocols register
 * a printer in SUMMARY (keyed by Proto).
 */
import type { Dissection } from "./core.js";
import { Proto } from "./core.js";
import { ipv4Text, ipv6Text } from "./addr.js";
import { etherTypeName, icmpTypeName, ipNextProto } from "./base.js";

const HEXU: string[] = [];
for (let i = 0; i < 256; i++) HEXU.push(i.toString(16).toUpperCase().padStart(2, "0"));

/** pktmon's MAC style: upper-case, dash-separated. */
export function macDash(b: Uint8Array, o: number): string {
  return HEXU[b[o]] + "-" + HEXU[b[o + 1]] + "-" + HEXU[b[o + 2]] + "-" + HEXU[b[o + 3]] + "-" + HEXU[b[o + 4]] + "-" + HEXU[b[o + 5]];
}

/**
 * A printer for layer `i` of an application/tunnel protocol: returns the text after "src > dst: " (or after the
 * previous layer's text), or null to fall back to the transport summary.
 */
export type LayerSummary = (d: Dissection, i: number, out: SummaryContext) => string | null;

export interface SummaryContext {
  /** Continue with the layers after `i` (for tunnels: VXLAN → inner Ethernet). */
  rest(from: number): string;
  /** Reproduce `pktmon format`'s own oddities (see SummaryOptions). */
  readonly pktmonQuirks: boolean;
}

export interface SummaryOptions {
  /**
   * Print exactly what `pktmon format` prints, oddities included (default true). Today the one oddity is in
   * 802.11 header lines with three or four MAC addresses, where pktmon repeats the first two (see dot11.ts);
   * false prints the real addresses, as tcpdump does.
   */
  readonly pktmonQuirks?: boolean;
}

/** Registry of application/tunnel summaries (DNS, DHCP, VXLAN, 802.11 …), filled by their modules. */
export const SUMMARY: (LayerSummary | undefined)[] = [];

export function summarize(d: Dissection, opts?: SummaryOptions): string {
  const ctx: SummaryContext = { rest: (from) => layers(d, from, ctx), pktmonQuirks: opts?.pktmonQuirks ?? true };
  return layers(d, 0, ctx);
}

function layers(d: Dissection, from: number, c: SummaryContext): string {
  if (from >= d.n) return d.truncated ? "[|" + protoName(d.truncated) + "]" : "";
  const p = d.proto[from];
  const custom = SUMMARY[p];
  if (custom && p !== Proto.Eth && p !== Proto.Ipv4 && p !== Proto.Ipv6) {
    const t = custom(d, from, c);
    if (t !== null) return t;
  }
  switch (p) {
    case Proto.Eth: return ether(d, from, c);
    case Proto.Vlan: {
      const o = d.start[from];
      const tci = d.u16(o);
      const type = d.u16(o + 2);
      return `vlan ${tci & 0xfff}, p ${tci >>> 13}, ethertype ${etherTypeName(type)} (0x${hex4(type)}), ` + layers(d, from + 1, c);
    }
    case Proto.Arp: return arp(d, from);
    case Proto.Ipv4:
    case Proto.Ipv6: return ip(d, from, c);
    case Proto.Data: return `[${d.end[from] - d.start[from]} bytes]`;
    default: return "";
  }
}

/** On-wire end of layer i: a layer reaching the end of the captured bytes reaches the end of the frame. */
function wireEnd(d: Dissection, i: number): number {
  return d.end[i] >= d.length ? d.end[i] + d.wireLength - d.length : d.end[i];
}

function hex4(v: number): string {
  return v.toString(16).padStart(4, "0");
}

function ether(d: Dissection, i: number, c: SummaryContext): string {
  const o = d.start[i];
  const b = d.bytes;
  const type = d.u16(o + 12);
  const len = i === 0 ? d.wireLength : wireEnd(d, i) - o;
  const head = `${macDash(b, o + 6)} > ${macDash(b, o)}, `;
  if (type < 0x600) return head + `802.3, length ${type}: ` + c.rest(i + 1);
  const next = d.n > i + 1 ? c.rest(i + 1) : d.truncated ? `[|${protoName(d.truncated)}]` : "";
  return head + `ethertype ${etherTypeName(type)} (0x${hex4(type)}), length ${len}: ` + next;
}

function arp(d: Dissection, i: number): string {
  const o = d.start[i];
  const op = d.u16(o + 6);
  const len = wireEnd(d, i) - o;
  if (d.u8(o + 4) !== 6 || d.u8(o + 5) !== 4 || o + 28 > d.length) return `ARP, opcode ${op}, length ${len}`;
  const spa = ipv4Text(d.u32(o + 14));
  const tpa = ipv4Text(d.u32(o + 24));
  if (op === 1) {
    let zero = true;
    for (let k = 0; k < 6; k++) if (d.bytes[o + 18 + k] !== 0) zero = false;
    return `Request who-has ${tpa}${zero ? "" : ` (${macDash(d.bytes, o + 18)})`} tell ${spa}, length ${len}`;
  }
  if (op === 2) return `Reply ${spa} is-at ${macDash(d.bytes, o + 8)}, length ${len}`;
  return `ARP, opcode ${op}, length ${len}`;
}

function ip(d: Dissection, i: number, c: SummaryContext): string {
  const o = d.start[i];
  const v4 = d.proto[i] === Proto.Ipv4;
  const src = v4 ? ipv4Text(d.u32(o + 12)) : ipv6Text(d.bytes, o + 8);
  const dst = v4 ? ipv4Text(d.u32(o + 16)) : ipv6Text(d.bytes, o + 24);
  const next = i + 1 < d.n ? d.proto[i + 1] : Proto.None;
  const ipEnd = v4 ? o + d.u16(o + 2) : o + 40 + d.u16(o + 4);
  if (next === Proto.Tcp || next === Proto.Udp) {
    const t = d.start[i + 1];
    if (t + 4 > d.length) return `${src} > ${dst}: [|${next === Proto.Tcp ? "tcp" : "udp"}]`;
    const sp = d.u16(t);
    const dp = d.u16(t + 2);
    const head = `${src}.${sp} > ${dst}.${dp}: `;
    const app = i + 2 < d.n ? SUMMARY[d.proto[i + 2]] : undefined;
    const s = app ? app(d, i + 2, c) : null;
    // Over UDP the application text replaces "UDP, length n"; over TCP it follows the TCP part.
    if (next === Proto.Tcp) return head + tcp(d, i + 1, ipEnd) + (s ?? "");
    return head + (s ?? `UDP, length ${udpLen(d, i + 1)}`);
  }
  if (next === Proto.Icmp) return `${src} > ${dst}: ` + icmp(d, i + 1, ipEnd, c);
  const custom = next !== Proto.None ? SUMMARY[next] : undefined;
  if (custom) {
    const s = custom(d, i + 1, c);
    if (s !== null) return `${src} > ${dst}: ${s}`;
  }
  const proto = ipNextProto(d, i);
  const payload = Math.max(0, ipEnd - d.hdrEnd[i]);
  if (d.truncated === Proto.Ipv4 || d.truncated === Proto.Ipv6) return `${src} > ${dst}: [|ip]`;
  return `${src} > ${dst}:  ip-proto-${proto} ${payload}`;
}

function udpLen(d: Dissection, i: number): number {
  const o = d.start[i];
  const l = d.u16(o + 4);
  return l >= 8 ? l - 8 : 0;
}

const FLAG_CHARS: [number, string][] = [[0x02, "S"], [0x01, "F"], [0x08, "P"], [0x04, "R"], [0x20, "U"], [0x40, "E"], [0x80, "W"]];

function tcp(d: Dissection, i: number, ipEnd: number): string {
  const o = d.start[i];
  if (o + 20 > d.length) return "[|tcp]";
  const f = d.u8(o + 13);
  let flags = "";
  for (const [bit, ch] of FLAG_CHARS) if (f & bit) flags += ch;
  if (f & 0x10) flags += ".";
  if (!flags) flags = "none";
  const hl = (d.u8(o + 12) >> 4) * 4;
  const len = Math.max(0, ipEnd - o - hl);
  const seq = d.u32(o + 4);
  const ack = d.u32(o + 8);
  let s = `Flags [${flags}]`;
  if (len > 0 || f & 0x07) s += len > 0 ? `, seq ${seq}:${(seq + len) >>> 0}` : `, seq ${seq}`;
  if (f & 0x10) s += `, ack ${ack}`;
  s += `, win ${d.u16(o + 14)}`;
  if (f & 0x20) s += `, urg ${d.u16(o + 18)}`;
  const opts = tcpOptions(d, o + 20, Math.min(o + hl, d.length));
  if (opts) s += `, options [${opts}]`;
  return s + `, length ${len}`;
}

function tcpOptions(d: Dissection, p: number, e: number): string {
  const out: string[] = [];
  while (p < e) {
    const k = d.u8(p);
    if (k === 0) {
      out.push("eol");
      break;
    }
    if (k === 1) {
      out.push("nop");
      p++;
      continue;
    }
    if (p + 1 >= e) break;
    const l = d.u8(p + 1);
    if (l < 2 || p + l > e) break;
    if (k === 2 && l === 4) out.push(`mss ${d.u16(p + 2)}`);
    else if (k === 3 && l === 3) out.push(`wscale ${d.u8(p + 2)}`);
    else if (k === 4) out.push("sackOK");
    else if (k === 8 && l === 10) out.push(`TS val ${d.u32(p + 2)} ecr ${d.u32(p + 6)}`);
    else if (k === 5) {
      const blocks: string[] = [];
      for (let q = p + 2; q + 8 <= p + l; q += 8) blocks.push(`{${d.u32(q)}:${d.u32(q + 4)}}`);
      out.push(`sack ${blocks.length} ${blocks.join("")}`);
    } else out.push(`opt-${k}:${l}`);
    p += l;
  }
  return out.join(",");
}

function icmp(d: Dissection, i: number, ipEnd: number, c: SummaryContext): string {
  const o = d.start[i];
  const t = d.u8(o);
  const code = d.u8(o + 1);
  const len = Math.max(0, ipEnd - o);
  if ((t === 0 || t === 8) && o + 8 <= d.length) return `ICMP echo ${t === 8 ? "request" : "reply"}, id ${d.u16(o + 4)}, seq ${d.u16(o + 6)}, length ${len}`;
  if (t === 3 && i + 1 < d.n) {
    const inner = c.rest(i + 1);
    if (code === 4 && o + 8 <= d.length) return `ICMP ${icmpTypeName(t, code).toLowerCase()} - need to frag (mtu ${d.u16(o + 6)}), length ${len}`;
    return `ICMP ${icmpTypeName(t, code).toLowerCase()}, length ${len}${inner ? ` (${inner})` : ""}`;
  }
  if (t === 11) return `ICMP time exceeded in-transit, length ${len}`;
  return `ICMP type-#${t}, length ${len}`;
}

export function protoName(p: number): string {
  const names: Record<number, string> = {
    [Proto.Eth]: "ether", [Proto.Vlan]: "vlan", [Proto.Arp]: "arp", [Proto.Ipv4]: "ip", [Proto.Ipv6]: "ip6",
    [Proto.Icmp]: "icmp", [Proto.Icmpv6]: "icmp6", [Proto.Tcp]: "tcp", [Proto.Udp]: "udp", [Proto.Dns]: "domain",
    [Proto.Dhcp]: "bootp", [Proto.Vxlan]: "vxlan", [Proto.Gre]: "gre", [Proto.Dot11]: "802.11", [Proto.Llc]: "llc",
  };
  return names[p] ?? "?";
}
