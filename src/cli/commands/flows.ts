/**
 * `wnvtrace flows <file>`: the capture's conversations, like `tshark -z conv,tcp` / `conv,udp` plus state:
 *
 *   PROTO  A                     B                       A→B pkts  bytes  B→A pkts  bytes  START(s)  DURATION(s)  NOTES
 *   tcp    172.24.80.2:50732  <-> 93.184.216.34:80           6    504         3    337  0.318       0.0437       closed, handshake 18.19 ms
 *          NAT outside  10.1.0.5:51333 <-> 93.184.216.34:80  6 504 / 3 337  (winnat-session, payload-match)
 *
 * Each packet counts once (see the flows stage for the rule). --proto dns lists DNS transactions instead;
 * --json gives { stats, flows, dns }, --csv one row per flow (or per DNS transaction with --proto dns).
 */
import { compileFilter } from "../../filter/mod.js";
import type { PacketFilter } from "../../filter/mod.js";
import { InventoryLookup } from "../../inventory/mod.js";
import { labelEndpoints, readFlows, selectFlows, sortFlows } from "../../flows/mod.js";
import type { DnsTransaction, Endpoint, Flow, FlowProtoFilter, FlowSort, FlowView, FlowsResult } from "../../flows/mod.js";
import { progressBar } from "../progress.js";
import type { Progress } from "../progress.js";
import { hostState } from "../util.js";

export interface FlowsCliOptions {
  readonly filter?: string;
  readonly inventory?: string[];
  readonly json?: boolean;
  readonly csv?: boolean;
  readonly sort?: FlowSort;
  readonly proto?: FlowProtoFilter;
}

/**
 * Reads the flows of `path` as the command does (filter compiled first: a typo is a usage error). Host state
 * only adds names: a missing --inventory path is a warning, as in `follow` and `topology`.
 */
export function flowsOf(path: string, o: FlowsCliOptions, warn: (s: string) => void = () => {}): FlowsResult {
  const filter: PacketFilter | null = o.filter !== undefined && o.filter.trim() !== "" ? compileFilter(o.filter) : null;
  const inventory = hostState(o.inventory, warn);
  const pre = progressBar("metadata", 0);
  let bar: Progress | null = null;
  try {
    const r = readFlows(path, {
      filter,
      reader: { onPrescanProgress: (n) => pre.update(n) },
      onProgress: (n, total) => {
        if (!bar) {
          pre.stop();
          bar = progressBar("flows", total);
        }
        bar.update(n);
      },
    });
    if (inventory) labelEndpoints(r, new InventoryLookup(inventory));
    return r;
  } finally {
    pre.stop();
    (bar as Progress | null)?.stop();
  }
}

export function runFlows(path: string, o: FlowsCliOptions, write: (s: string) => void, warn: (s: string) => void = () => {}): FlowsResult {
  const r = flowsOf(path, o, warn);
  const flows = sortFlows(selectFlows(r.flows, o.proto), o.sort ?? (o.proto === "dns" ? "time" : "bytes"));
  const ids = new Set(flows.map((f) => f.id));
  const dns = o.proto === undefined || o.proto === "dns" || o.proto === "udp" || o.proto === "tcp" ? r.dns.filter((t) => ids.has(t.flowId)) : [];
  if (o.json) write(JSON.stringify({ traceStart: r.traceStart, captureFirstTicks: r.captureFirstTicks, dedupRule: r.dedupRule, stats: r.stats, flows, dns }, null, 2) + "\n");
  else if (o.csv) write(o.proto === "dns" ? dnsCsv(dns, r.captureFirstTicks) : flowsCsv(flows));
  else write(o.proto === "dns" ? dnsText(dns, r) : flowsText(flows, r, o.sort ?? "bytes"));
  return r;
}

// ---- text ------------------------------------------------------------------------------------------------

function ep(e: Endpoint, proto: string): string {
  const host = e.ip.includes(":") ? `[${e.ip}]` : e.ip;
  const at = proto === "arp" || (proto === "ip" && e.port === 0) ? host : proto.startsWith("icmp") ? `${host}#${e.port}` : `${host}:${e.port}`;
  return e.label ? `${at} (${e.label})` : at;
}

function ms(v: number | undefined): string {
  return v === undefined ? "" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** The NOTES column: state and what went wrong, shortest first. */
export function flowNotes(f: Flow): string {
  const n: string[] = [];
  const t = f.tcp;
  if (t) {
    n.push(t.state === "reset" ? `reset by ${t.resetBy === "a" ? "A" : "B"}` : t.state);
    if (t.handshakeRttMs !== undefined) n.push(`handshake ${ms(t.handshakeRttMs)} ms`);
    else if (t.synToSynAckMs !== undefined) n.push(`syn-ack after ${ms(t.synToSynAckMs)} ms`);
    if (t.synRetries) n.push(`SYN retries ${t.synRetries}`);
    const sum = (k: "retransmissions" | "outOfOrder" | "lost" | "zeroWindows" | "duplicateAcks"): number => t.aToB[k] + t.bToA[k];
    if (sum("retransmissions") > t.synRetries) n.push(`retrans ${sum("retransmissions") - t.synRetries}`);
    if (sum("outOfOrder")) n.push(`out-of-order ${sum("outOfOrder")}`);
    if (sum("lost")) n.push(`not captured ${sum("lost")}`);
    if (sum("zeroWindows")) n.push(`zero window ${sum("zeroWindows")}`);
    if (sum("duplicateAcks")) n.push(`dup ack ${sum("duplicateAcks")}`);
  }
  if (f.echo) {
    const e = f.echo;
    n.push(`echo ${e.requests} req ${e.replies} rep${e.unanswered ? `, ${e.unanswered} unanswered` : ""}${e.rttAvgMs !== undefined ? `, rtt ${ms(e.rttAvgMs)} ms` : ""}`);
  }
  if (f.arp) {
    const a = f.arp;
    n.push(`arp ${a.requests} req ${a.replies} rep${a.unanswered ? `, ${a.unanswered} unanswered` : ""}${a.resolvedMac ? ` → ${a.resolvedMac}` : ""}${a.gratuitous ? `, ${a.gratuitous} gratuitous` : ""}`);
  }
  if (f.dns) n.push(`dns ${f.dns.transactions}${f.dns.unanswered ? `, ${f.dns.unanswered} unanswered` : ""}${f.dns.errors ? `, ${f.dns.errors} with an error rcode` : ""}`);
  for (const e of f.icmpErrors ?? []) n.push(`${e.text}${e.mtu !== undefined ? ` (mtu ${e.mtu})` : ""} from ${e.from} ×${e.count}`);
  if (f.drops) n.push(`dropped ${f.drops.packets} (${Object.entries(f.drops.reasons).map(([k, v]) => `${k} ×${v}`).join(", ")})`);
  return n.join(", ");
}

function viewLine(v: FlowView, label: string, proto: string): string {
  const counts = `${v.aToB.packets} ${v.aToB.bytes} / ${v.bToA.packets} ${v.bToA.bytes}`;
  return `${label} ${ep(v.a, proto)} <-> ${ep(v.b, proto)}  ${counts}`;
}

function pad(s: string, w: number, right = false): string {
  return right ? s.padStart(w) : s.padEnd(w);
}

export function flowsText(flows: readonly Flow[], r: FlowsResult, sort: FlowSort): string {
  const head = ["PROTO", "A", "", "B", "A→B pkts", "bytes", "B→A pkts", "bytes", "START(s)", "DURATION(s)", "NOTES"];
  const rows = flows.map((f) => [
    f.protocol, ep(f.a, f.protocol), "<->", ep(f.b, f.protocol), String(f.aToB.packets), String(f.aToB.bytes), String(f.bToA.packets), String(f.bToA.bytes),
    f.relStart.toFixed(6), f.duration.toFixed(4), flowNotes(f),
  ]);
  const right = new Set([4, 5, 6, 7, 8, 9]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, w[i], right.has(i)))).join("  ").trimEnd();
  const s = r.stats;
  let out = `${flows.length} flow(s) of ${s.flows}, sorted by ${sort}; ${s.packets} packets counted once from ${s.records} sightings` +
    `${s.natPairs ? `, ${s.natPairs} NAT pair(s) joined` : ""}${s.unkeyed ? `, ${s.unkeyed} non-IP/ARP packets not in flows` : ""}\n`;
  out += line(head) + "\n";
  const indent = " ".repeat(w[0] + 2);
  flows.forEach((f, k) => {
    out += line(rows[k]) + "\n";
    if (f.nat) out += `${indent}${viewLine(f.nat.view, "NAT outside", f.protocol)}  (${f.nat.evidence.join(", ")})\n`;
    for (const t of f.tunnels ?? []) out += `${indent}${viewLine(t, `${t.kind.toUpperCase()}${t.vni !== undefined ? ` vni ${t.vni}` : ""}`, t.protocol)}\n`;
  });
  return out;
}

export function dnsText(dns: readonly DnsTransaction[], r: FlowsResult): string {
  const head = ["START(s)", "CLIENT", "SERVER", "ID", "QUERY", "TYPE", "STATUS", "RCODE", "LATENCY(ms)", "TRIES", "ANSWERS"];
  const rows = dns.map((t) => [
    t.queryTicks !== undefined ? ((t.queryTicks - r.captureFirstTicks) / 1e7).toFixed(6) : t.responseTicks !== undefined ? ((t.responseTicks - r.captureFirstTicks) / 1e7).toFixed(6) : "",
    ep(t.client, t.transport) + (t.natClient ? ` [NAT ${ep(t.natClient, t.transport)}]` : ""), ep(t.server, t.transport), String(t.id), t.name, t.qtypeName, t.status,
    t.rcodeName ?? "", ms(t.latencyMs), String(t.queries), t.answers.map((a) => `${a.type} ${a.value}`).join(", "),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const right = new Set([0, 3, 8, 9]);
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, w[i], right.has(i)))).join("  ").trimEnd();
  const un = dns.filter((t) => t.status === "unanswered").length;
  return `${dns.length} DNS transaction(s)${un ? `, ${un} unanswered` : ""}\n` + [line(head), ...rows.map(line)].join("\n") + "\n";
}

// ---- CSV -------------------------------------------------------------------------------------------------

function csvCell(v: string | number | boolean | undefined): string {
  if (v === undefined) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const FLOW_COLUMNS = [
  "id", "protocol", "a_ip", "a_port", "a_label", "b_ip", "b_port", "b_label", "packets_a_to_b", "bytes_a_to_b", "packets_b_to_a", "bytes_b_to_a",
  "packets", "bytes", "rel_start", "duration", "start", "tcp_state", "handshake_rtt_ms", "retransmissions", "out_of_order", "not_captured",
  "zero_windows", "duplicate_acks", "reset_by", "echo_requests", "echo_replies", "echo_unanswered", "echo_rtt_avg_ms", "arp_requests", "arp_replies",
  "arp_unanswered", "arp_mac", "dns_transactions", "dns_unanswered", "icmp_errors", "dropped", "nat_evidence", "nat_a", "nat_b", "nat_packets_a_to_b",
  "nat_packets_b_to_a", "tunnel",
] as const;

export function flowsCsv(flows: readonly Flow[]): string {
  const lines = [FLOW_COLUMNS.join(",")];
  for (const f of flows) {
    const t = f.tcp;
    const both = (k: "retransmissions" | "outOfOrder" | "lost" | "zeroWindows" | "duplicateAcks"): number | undefined => (t ? t.aToB[k] + t.bToA[k] : undefined);
    const addr = (e: Endpoint): string => `${e.ip}:${e.port}`;
    const row: (string | number | undefined)[] = [
      f.id, f.protocol, f.a.ip, f.a.port, f.a.label, f.b.ip, f.b.port, f.b.label, f.aToB.packets, f.aToB.bytes, f.bToA.packets, f.bToA.bytes,
      f.packets, f.bytes, f.relStart.toFixed(7), f.duration.toFixed(7), f.start, t?.state, t?.handshakeRttMs, both("retransmissions"), both("outOfOrder"), both("lost"),
      both("zeroWindows"), both("duplicateAcks"), t?.resetBy, f.echo?.requests, f.echo?.replies, f.echo?.unanswered, f.echo?.rttAvgMs, f.arp?.requests,
      f.arp?.replies, f.arp?.unanswered, f.arp?.resolvedMac, f.dns?.transactions, f.dns?.unanswered, f.icmpErrors?.reduce((s, e) => s + e.count, 0), f.drops?.packets,
      f.nat?.evidence.join(" "), f.nat ? addr(f.nat.view.a) : undefined, f.nat ? addr(f.nat.view.b) : undefined, f.nat?.view.aToB.packets, f.nat?.view.bToA.packets,
      f.tunnels?.map((v) => `${v.kind}${v.vni !== undefined ? ":" + v.vni : ""} ${v.a.ip}-${v.b.ip}`).join(" "),
    ];
    lines.push(row.map(csvCell).join(","));
  }
  return lines.join("\n") + "\n";
}

const DNS_COLUMNS = [
  "flow_id", "rel_start", "transport", "client_ip", "client_port", "client_label", "server_ip", "server_port", "server_label", "nat_client", "id", "name",
  "qtype", "status", "rcode", "latency_ms", "queries", "responses", "answers",
] as const;

export function dnsCsv(dns: readonly DnsTransaction[], t0: number): string {
  const lines = [DNS_COLUMNS.join(",")];
  for (const t of dns) {
    const at = t.queryTicks ?? t.responseTicks;
    lines.push([
      t.flowId, at !== undefined ? ((at - t0) / 1e7).toFixed(7) : undefined, t.transport, t.client.ip, t.client.port, t.client.label, t.server.ip, t.server.port,
      t.server.label, t.natClient ? `${t.natClient.ip}:${t.natClient.port}` : undefined, t.id, t.name, t.qtypeName, t.status, t.rcodeName, t.latencyMs,
      t.queries, t.responses, t.answers.map((a) => `${a.type} ${a.value}`).join(" "),
    ].map(csvCell).join(","));
  }
  return lines.join("\n") + "\n";
}
