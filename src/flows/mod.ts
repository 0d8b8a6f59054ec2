/**
 * Stage: flows. Packets → bidirectional conversations (5-tuple; ICMP echo by identifier; ARP by address pair)
 * with packets/bytes each way, times, TCP state and analysis, DNS transactions, ICMP errors, pktmon drops, NAT
 * inside/outside views and tunnel outer headers. The only import path later stages use.
 *
 *   const r = readFlows("capture.etl", { filter: compileFilter("tcp") });
 *   for (const f of sortFlows(r.flows, "bytes")) console.log(f.a.ip, f.b.ip, f.packets, f.tcp?.state);
 *
 * Streaming use: `const t = new FlowTable({ traceStart }); t.add(packetRecord, dissection) …; t.finish()`.
 */
export type * from "./types.js";
export { FlowTable, DEDUP_RULE, icmpErrorText } from "./table.js";
export type { FlowTableOptions } from "./table.js";
export { readFlows } from "./read.js";
export type { ReadFlowsOptions } from "./read.js";
export { winNatSessionOf, parseSockAddr, WINNAT_GUID } from "./winnat.js";
export type { WinNatSession, SockAddr } from "./winnat.js";
export { dnsTypeName, rcodeName } from "./dns.js";
export { sortFlows, selectFlows, labelEndpoints, FLOW_SORTS, FLOW_PROTOS } from "./select.js";
export type { FlowSort, FlowProtoFilter } from "./select.js";
