/**
 * The built-in dissectors and their handoffs (Wireshark's register/handoff split: modules declare, this list
 * wires). No module registers itself on import, so tests and the lab can build tables with only what they need.
 */
import type { DissectorModule } from "./dissect.js";
import { buildTables, Dissecter } from "./dissect.js";
import type { DissectorTables } from "./core.js";
import { Proto } from "./core.js";
import { arp, data, ethernet, icmp, ipv4, ipv6, tcp, udp, vlan } from "./base.js";
import { SUMMARY } from "./summary.js";
import { dns, summary as dnsSummary } from "./dns.js";
import { dhcp, summary as dhcpSummary } from "./dhcp.js";
import { icmpv6, summary as icmpv6Summary } from "./icmpv6.js";
import { vxlan, summary as vxlanSummary } from "./vxlan.js";
import { ETHERTYPE_TEB, gre, summary as greSummary } from "./gre.js";
import { dot11, summary as dot11Summary } from "./dot11.js";
import { llc, summary as llcSummary } from "./llc.js";

export const BASE_MODULES: readonly DissectorModule[] = [
  { dissector: ethernet, handoff: () => {} },
  { dissector: vlan, handoff: (t) => { t.etherType[0x8100] = Proto.Vlan; t.etherType[0x88a8] = Proto.Vlan; } },
  { dissector: arp, handoff: (t) => { t.etherType[0x0806] = Proto.Arp; } },
  { dissector: ipv4, handoff: (t) => { t.etherType[0x0800] = Proto.Ipv4; t.ipProto[4] = Proto.Ipv4; } },
  { dissector: ipv6, handoff: (t) => { t.etherType[0x86dd] = Proto.Ipv6; t.ipProto[41] = Proto.Ipv6; } },
  { dissector: icmp, handoff: (t) => { t.ipProto[1] = Proto.Icmp; } },
  { dissector: tcp, handoff: (t) => { t.ipProto[6] = Proto.Tcp; } },
  { dissector: udp, handoff: (t) => { t.ipProto[17] = Proto.Udp; } },
  { dissector: data, handoff: () => {} },
];

/** Application, tunnel and wireless dissectors. */
export const EXTRA_MODULES: DissectorModule[] = [
  {
    dissector: dns,
    handoff: (t) => {
      t.udpPort[53] = Proto.Dns; // DNS
      t.udpPort[5353] = Proto.Dns; // mDNS
      t.udpPort[5355] = Proto.Dns; // LLMNR
      t.tcpPort[53] = Proto.Dns;
    },
  },
  { dissector: dhcp, handoff: (t) => { t.udpPort[67] = Proto.Dhcp; t.udpPort[68] = Proto.Dhcp; } },
  { dissector: icmpv6, handoff: (t) => { t.ipProto[58] = Proto.Icmpv6; } },
  { dissector: vxlan, handoff: (t) => { t.udpPort[4789] = Proto.Vxlan; } },
  { dissector: gre, handoff: (t) => { t.ipProto[47] = Proto.Gre; t.etherType[ETHERTYPE_TEB] = Proto.Eth; } },
  { dissector: dot11, handoff: () => {} }, // first layer of link type 105
  { dissector: llc, handoff: () => {} }, // reached from 802.11 data frames and 802.3 length-field frames
];

/** One-line summary printers of the extra protocols (tcpdump's text, as `pktmon format` prints it). */
export function registerSummaries(): void {
  SUMMARY[Proto.Dns] = dnsSummary;
  SUMMARY[Proto.Dhcp] = dhcpSummary;
  SUMMARY[Proto.Icmpv6] = icmpv6Summary;
  SUMMARY[Proto.Vxlan] = vxlanSummary;
  SUMMARY[Proto.Gre] = greSummary;
  SUMMARY[Proto.Dot11] = dot11Summary;
  SUMMARY[Proto.Llc] = llcSummary;
}

export function builtinModules(): readonly DissectorModule[] {
  return [...BASE_MODULES, ...EXTRA_MODULES];
}

let shared: DissectorTables | null = null;
export function builtinTables(): DissectorTables {
  if (!shared) {
    registerSummaries();
    shared = buildTables(builtinModules());
  }
  return shared;
}

export function newDissecter(): Dissecter {
  return new Dissecter(builtinTables());
}
