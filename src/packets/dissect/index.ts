/**
 * The built-in dissectors and their handoffs (Wireshark's register/handoff split: modules declare, this list
 * wires). No module registers itself on import, so tests and the lab can build tables with only what they need.
 */
import type { DissectorModule } from "./dissect.js";
import { buildTables, Dissecter } from "./dissect.js";
import type { DissectorTables } from "./core.js";
import { Proto } from "./core.js";
import { arp, data, ethernet, icmp, ipv4, ipv6, tcp, udp, vlan } from "./base.js";

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

/** Application, tunnel and wireless dissectors are appended here as they are written. */
export const EXTRA_MODULES: DissectorModule[] = [];

export function builtinModules(): readonly DissectorModule[] {
  return [...BASE_MODULES, ...EXTRA_MODULES];
}

let shared: DissectorTables | null = null;
export function builtinTables(): DissectorTables {
  return (shared ??= buildTables(builtinModules()));
}

export function newDissecter(): Dissecter {
  return new Dissecter(builtinTables());
}
