/**
 * The packet table's columns from a dissection (Wireshark-like: innermost addresses, top protocol, the rest of
 * the summary). Browser-safe (dissector modules only): the server pages rows with it and the report's browser
 * app rebuilds its rows with it from the embedded bytes, so both show the same text.
 */
import type { Dissection, Dissector } from "../packets/dissect/core.js";
import { Proto } from "../packets/dissect/core.js";
import { ipv4Text, ipv6Text, macText } from "../packets/dissect/addr.js";
import { summarize } from "../packets/dissect/summary.js";

/** Wireshark-like columns from a dissection: innermost addresses, top protocol, the rest of the summary. */
export function columns(d: Dissection, byProto: readonly (Dissector | undefined)[]): { src: string; dst: string; protocol: string; info: string } {
  let src = "";
  let dst = "";
  let top = -1;
  for (let i = 0; i < d.n; i++) {
    const p = d.proto[i];
    if (p === Proto.Ipv4 && d.start[i] + 20 <= d.length) {
      src = ipv4Text(d.u32(d.start[i] + 12));
      dst = ipv4Text(d.u32(d.start[i] + 16));
    } else if (p === Proto.Ipv6 && d.start[i] + 40 <= d.length) {
      src = ipv6Text(d.bytes, d.start[i] + 8);
      dst = ipv6Text(d.bytes, d.start[i] + 24);
    } else if (p === Proto.Eth && !src && d.start[i] + 14 <= d.length) {
      src = macText(d.bytes, d.start[i] + 6);
      dst = macText(d.bytes, d.start[i]);
    }
    if (p !== Proto.Data && p !== Proto.Ipv6Ext) top = i;
  }
  const dis = top >= 0 ? byProto[d.proto[top]] : undefined;
  const protocol = dis ? dis.abbrev.toUpperCase().replace(/^IP$/, "IPv4").replace(/^IPV6$/, "IPv6") : d.n ? "DATA" : "";
  let info = summarize(d);
  const head = /^[0-9A-F]{2}(?:-[0-9A-F]{2}){5} > [0-9A-F]{2}(?:-[0-9A-F]{2}){5}, (?:ethertype [^,]*|802\.3), length \d+: /.exec(info);
  if (head) info = info.slice(head[0].length);
  return { src, dst, protocol, info };
}
