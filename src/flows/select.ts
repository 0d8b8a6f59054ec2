/** Sorting, protocol selection and inventory labels for flow lists (used by the CLI and later stages). */
import type { InventoryLookup } from "../inventory/mod.js";
import type { DnsTransaction, Endpoint, Flow, FlowsResult } from "./types.js";

export const FLOW_SORTS = ["bytes", "packets", "time"] as const;
export type FlowSort = (typeof FLOW_SORTS)[number];

export const FLOW_PROTOS = ["tcp", "udp", "icmp", "dns", "arp"] as const;
export type FlowProtoFilter = (typeof FLOW_PROTOS)[number];

/** Flows in a new array: most bytes / most packets first (ties: earlier first), or by first packet time. */
export function sortFlows(flows: readonly Flow[], by: FlowSort): Flow[] {
  const a = [...flows];
  if (by === "bytes") a.sort((x, y) => y.bytes - x.bytes || y.packets - x.packets || x.firstTicks - y.firstTicks || x.id - y.id);
  else if (by === "packets") a.sort((x, y) => y.packets - x.packets || y.bytes - x.bytes || x.firstTicks - y.firstTicks || x.id - y.id);
  else a.sort((x, y) => x.firstTicks - y.firstTicks || x.id - y.id);
  return a;
}

/** Flows of one protocol family: icmp covers ICMPv6; dns = flows that carried DNS transactions. */
export function selectFlows(flows: readonly Flow[], proto: FlowProtoFilter | undefined): Flow[] {
  if (!proto) return [...flows];
  if (proto === "icmp") return flows.filter((f) => f.protocol === "icmp" || f.protocol === "icmpv6");
  if (proto === "dns") return flows.filter((f) => (f.dns?.transactions ?? 0) > 0);
  return flows.filter((f) => f.protocol === proto);
}

/** Names every endpoint (flows, their NAT and tunnel views, DNS clients and servers) from host state. */
export function labelEndpoints(r: FlowsResult, names: InventoryLookup): void {
  const memo = new Map<string, string | null>();
  const label = (e: Endpoint): void => {
    let l = memo.get(e.ip);
    if (l === undefined) {
      const hit = names.ip(e.ip);
      l = hit ? hit.label : null;
      memo.set(e.ip, l);
    }
    if (l) e.label = l;
  };
  for (const f of r.flows) {
    label(f.a);
    label(f.b);
    if (f.nat) {
      label(f.nat.view.a);
      label(f.nat.view.b);
    }
    for (const t of f.tunnels ?? []) {
      label(t.a);
      label(t.b);
    }
  }
  const dns: readonly DnsTransaction[] = r.dns;
  for (const t of dns) {
    label(t.client);
    label(t.server);
    if (t.natClient) label(t.natClient);
  }
}
