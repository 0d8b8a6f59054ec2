/**
 * The checks: what one pass gathered (collector.ts) plus the flows of the same pass → findings, each with its
 * evidence, a plain explanation and what to check next; then ranked (severity, then how often).
 */
import type { PacketReader } from "../packets/mod.js";
import { NDISCAP_GUID, PKTMON_GUID, ipv4Text } from "../packets/mod.js";
import { VMSWITCH_GUID, dropExplanation } from "../journeys/mod.js";
import type { Flow, FlowsResult } from "../flows/mod.js";
import type { Refs } from "./evidence.js";
import { EvidenceBuilder } from "./evidence.js";
import type { DropGroup, Gathered } from "./collector.js";
import { COMPONENT_BASE } from "./collector.js";
import type { HostInfo } from "./hostinfo.js";
import { ip4 } from "./hostinfo.js";
import type { Finding, FindingCode, FindingsResult, Severity, Subject } from "./types.js";

/** The capture commands the "missing provider" findings recommend (landscape.md §5: microsoft/SDN's scripts). */
export const NETSH_COMMAND = "netsh trace start capture=yes captureMultilayer=yes capturetype=both scenario=Virtualization report=disabled tracefile=C:\\server.etl";
export const PKTMON_COMMAND = "pktmon start --capture --comp all --pkt-size 0 --file-name C:\\pktmon.etl";
export const NETSH_FULL_COMMAND = NETSH_COMMAND.replace("capture=yes", "capture=yes provider=Microsoft-Windows-Hyper-V-VmSwitch provider=Microsoft-Windows-WinNat");

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, error: 1, warning: 2, info: 3 };

interface Draft {
  code: FindingCode;
  severity: Severity;
  title: string;
  explanation: string;
  count: number;
  unit: string;
  subject: Subject;
  evidence: EvidenceBuilder;
  next: string[];
  first: number;
  last: number;
}

function plural(n: number, one: string, many = one + "s"): string {
  return `${n} ${n === 1 ? one : many}`;
}

class Out {
  readonly list: Draft[] = [];
  readonly ran = new Set<FindingCode>();
  readonly skipped: { code: FindingCode; why: string }[] = [];
  add(d: Omit<Draft, "first" | "last"> & { first?: number; last?: number }): void {
    this.list.push({ first: -1, last: -1, ...d });
  }
  skip(code: FindingCode, why: string): void {
    if (!this.skipped.some((s) => s.code === code)) this.skipped.push({ code, why });
  }
}

function fromRefs(r: Refs | undefined, e: EvidenceBuilder): EvidenceBuilder {
  return e.refs(r);
}

export function buildFindings(g: Gathered, host: HostInfo | null, flows: FlowsResult, reader: PacketReader | null): FindingsResult {
  const out = new Out();
  const label = (ip: string): string => (host ? host.label(ip) : ip);

  drops(g, out);
  dns(g, out, flows, label);
  arp(g, out, flows, label);
  tcp(g, out, flows, label);
  icmp(g, out, flows, label);
  mtu(g, out);
  overlay(g, out, host, label);
  nat(g, out, host, label, flows);
  paths(g, out, host);
  stale(g, out, host, flows);
  health(g, out, reader);

  crossReference(out, g);
  out.list.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.count - a.count || a.first - b.first);
  const summary: Record<Severity, number> = { critical: 0, error: 0, warning: 0, info: 0 };
  const findings: Finding[] = out.list.map((d, i) => {
    summary[d.severity]++;
    return {
      rank: i + 1, code: d.code, severity: d.severity, title: d.title, explanation: d.explanation, count: d.count, unit: d.unit,
      subject: d.subject, evidence: d.evidence.build(), next: d.next, firstTicks: Math.max(0, d.first), lastTicks: Math.max(0, d.last),
    };
  });
  return { findings, summary, checks: { ran: [...out.ran], skipped: out.skipped } };
}

/** Findings whose packets were dropped say where (the drop finding is the cause, this one the symptom). */
function crossReference(out: Out, g: Gathered): void {
  if (!g.dropByPacket.size && !g.drops.size) return;
  const byPacket = new Map<number, string>();
  for (const grp of g.drops.values()) for (const n of grp.refs.nums) byPacket.set(n, `${grp.location}: ${grp.reasonName}`);
  for (const d of out.list) {
    if (d.code === "drop" || d.code === "mtu-exceeded" || d.code === "vxlan-overhead") continue;
    const where = new Set<string>();
    for (const n of d.evidence.build().packets) {
      const w = byPacket.get(n);
      if (w) where.add(w);
    }
    if (where.size) d.explanation += ` Some of these packets were dropped on this host (${[...where].join("; ")}): see the drop finding${where.size > 1 ? "s" : ""}.`;
  }
}

// ---- drops ---------------------------------------------------------------------------------------------------

const HOST_STACK_REASON = /^(INET|NL|FL|TCP|UDP|WFP)[:_ ]|^Drop_Unknown|not locally destined|checksum|address resolution|inspection drop/i;
const HOST_STACK_PLACE = /tcpip\.sys|afd\.sys|TCP\/IP|http\.sys|wfp/i;
/** Host-stack drops that are TCP housekeeping (stragglers after a close, duplicates): worth knowing, not a fault. */
const BENIGN_REASON = /session state error|FIN-WAIT|TIME-WAIT|CLOSE-WAIT|duplicate segment|received RST/i;

function drops(g: Gathered, out: Out): void {
  out.ran.add("drop");
  for (const grp of g.drops.values()) {
    const n = Math.max(grp.distinct, 1);
    const why = dropExplanation(grp.reason, grp.reasonName);
    const e = fromRefs(grp.refs, new EvidenceBuilder());
    for (const j of grp.journeys) e.journey(j);
    for (const h of grp.hops) e.hop(h.journey, h.hop);
    const named = grp.reasonName !== String(grp.reason) ? `${grp.reasonName} (reason ${grp.reason})` : `reason ${grp.reason}`;
    const side = grp.side ? ` (${grp.side})` : "";
    const hostStack = HOST_STACK_REASON.test(grp.reasonName) || HOST_STACK_PLACE.test(grp.location);
    out.add({
      code: "drop", severity: !hostStack ? "error" : BENIGN_REASON.test(grp.reasonName) ? "info" : "warning",
      title: `${plural(n, "packet")} dropped at ${grp.location}${side}: ${grp.reasonName}`,
      explanation: `The ${hostStack ? "host's network stack" : "virtual switch"} dropped ${n === 1 ? "a packet" : `${n} packets`} at ${grp.location}${side} with ${named}${why ? `: ${why}` : ""}.` +
        (grp.df && grp.vxlan ? " The dropped frames are VXLAN-encapsulated with Don't Fragment set." : ""),
      count: n, unit: "packets", subject: { location: grp.location, reason: grp.reasonName }, evidence: e,
      next: dropNext(grp),
      first: grp.refs.first, last: grp.refs.last,
    });
  }
}

function dropNext(grp: DropGroup): string[] {
  const { reason, reasonName: name } = grp;
  const n: string[] = [];
  const ip = grp.dstIp ?? "<ip>";
  if (reason === 12 || /security policy/i.test(name)) n.push(`list the endpoint's ACL policies: Get-HnsEndpoint | ? IPAddress -eq '${ip}' | select -expand Policies`, "vfpctrl /list-rule /port <port GUID> to see the VFP rule that matched");
  else if (reason === 23 || /mtu/i.test(name)) n.push("compare the frame size with the MTU of the way out: netsh interface ipv4 show subinterfaces; for overlay networks the container MTU must leave room for 50 bytes of VXLAN");
  else if (reason === 16 || /spoof/i.test(name)) n.push("Get-VMNetworkAdapter -All | select Name, MacAddress, MacAddressSpoofing: the source MAC must belong to the port (or spoofing be allowed)");
  else if (reason === 20 || /subnet id/i.test(name)) n.push("compare the VSID/VNI of the network on both hosts: Get-HnsNetwork | select Name, Type, Subnets");
  else if (reason === 8 || /filtered/i.test(name)) n.push("vfpctrl /list-rule /port <port GUID> and the switch extensions (Get-VMSwitchExtension) of the switch");
  else if (reason === 26 || reason === 33 || /nic|destination mac/i.test(name)) n.push(`check that ${ip} still has a vSwitch port: Get-HnsEndpoint | ? IPAddress -eq '${ip}'; docker ps -a`);
  const j = grp.journeys.values().next();
  if (!j.done) n.push(`wnvtrace follow <file> --packet ${j.value} shows a dropped packet's journey hop by hop`);
  else if (grp.refs.nums.length) n.push(`wnvtrace packets <file> -v -Y "frame.number == ${grp.refs.nums[0]}" shows a dropped packet`);
  return n;
}

// ---- DNS -----------------------------------------------------------------------------------------------------

function dns(g: Gathered, out: Out, flows: FlowsResult, label: (ip: string) => string): void {
  out.ran.add("dns-unanswered");
  out.ran.add("dns-error");
  interface G { client: string; server: string; names: Set<string>; n: number; queries: number; e: EvidenceBuilder; first: number; last: number; rcode?: string }
  const unanswered = new Map<string, G>();
  const errors = new Map<string, G>();
  for (const t of flows.dns) {
    if (t.status !== "unanswered" && t.status !== "error") continue;
    // mDNS/LLMNR announcements and multicast queries nobody answers are normal.
    if (t.server.port !== 53) continue;
    const isErr = t.status === "error";
    if (isErr && t.rcode === 3 && /\.(local|lan|home|internal)$/i.test(t.name)) continue;
    const key = `${t.client.ip}|${t.server.ip}|${isErr ? t.rcodeName : ""}`;
    const map = isErr ? errors : unanswered;
    let x = map.get(key);
    if (!x) map.set(key, (x = { client: t.client.ip, server: t.server.ip, names: new Set(), n: 0, queries: 0, e: new EvidenceBuilder(), first: t.queryTicks ?? t.responseTicks ?? -1, last: -1, rcode: t.rcodeName }));
    x.n++;
    x.queries += t.queries;
    if (x.names.size < 5) x.names.add(`${t.name} (${t.qtypeName})`);
    x.e.flow(t.flowId);
    x.e.refs(g.dnsQuery.get(`${t.client.ip}:${t.client.port}#${t.id}`));
    if (t.natClient) x.e.refs(g.dnsQuery.get(`${t.natClient.ip}:${t.natClient.port}#${t.id}`));
    if (isErr) x.e.refs(g.dnsResponse.get(`${t.client.ip}:${t.client.port}#${t.id}`));
    const tk = t.responseTicks ?? t.queryTicks ?? -1;
    if (tk > x.last) x.last = tk;
  }
  for (const x of unanswered.values()) {
    const names = [...x.names].join(", ");
    out.add({
      code: "dns-unanswered", severity: "error",
      title: `${plural(x.n, "DNS query", "DNS queries")} from ${label(x.client)} to ${label(x.server)} got no answer`,
      explanation: `${label(x.client)} asked ${label(x.server)} for ${names} (${plural(x.queries, "query packet")} including retries) and no response came back during the capture. ` +
        "In containers this is usually the DNS server not reachable through the NAT/vSwitch path, a firewall on the way, or a DNS server address inherited from the host that the container cannot reach.",
      count: x.n, unit: "queries", subject: { ip: x.client, peer: x.server, port: 53 }, evidence: x.e,
      next: [
        `Resolve-DnsName <name> -Server ${x.server} on the host: does the server answer the host?`,
        "in the container: ipconfig /all (which DNS servers it was given) and nslookup <name> <server>",
        `wnvtrace follow <file> -Y "dns && ip.addr == ${x.server}" to see how far the queries got`,
      ],
      first: x.first, last: x.last,
    });
  }
  for (const x of errors.values()) {
    const nx = x.rcode === "NXDOMAIN";
    out.add({
      code: "dns-error", severity: nx ? "warning" : "error",
      title: `${plural(x.n, "DNS query", "DNS queries")} from ${label(x.client)} answered ${x.rcode} by ${label(x.server)}`,
      explanation: `${label(x.server)} answered ${x.rcode} for ${[...x.names].join(", ")}. ` +
        (nx ? "NXDOMAIN: the name does not exist for that server (a typo, a missing search suffix, or a split-horizon name the container's server does not know)." :
          "The server failed or refused the query: it may not allow recursion for the container's (NAT'd) address, or cannot reach its upstream."),
      count: x.n, unit: "queries", subject: { ip: x.client, peer: x.server, port: 53, reason: x.rcode }, evidence: x.e,
      next: [`Resolve-DnsName <name> -Server ${x.server} from the host and from the container`, "check the DNS suffix search list in the container (ipconfig /all)"],
      first: x.first, last: x.last,
    });
  }
}

// ---- ARP -----------------------------------------------------------------------------------------------------

function arp(g: Gathered, out: Out, flows: FlowsResult, label: (ip: string) => string): void {
  out.ran.add("arp-no-reply");
  const byTarget = new Map<string, { askers: Set<string>; n: number; e: EvidenceBuilder; first: number; last: number }>();
  for (const f of flows.flows) {
    const a = f.arp;
    if (!a || a.unanswered === 0 || a.replies > 0) continue;
    // A is the asker (first packet's source).
    let x = byTarget.get(f.b.ip);
    if (!x) byTarget.set(f.b.ip, (x = { askers: new Set(), n: 0, e: new EvidenceBuilder(), first: f.firstTicks, last: f.lastTicks }));
    x.askers.add(f.a.ip);
    x.n += a.unanswered;
    x.e.flow(f.id).refs(g.arpReq.get(`${f.a.ip}>${f.b.ip}`));
    if (f.lastTicks > x.last) x.last = f.lastTicks;
  }
  for (const [target, x] of byTarget) {
    const askers = [...x.askers].map(label).join(", ");
    out.add({
      code: "arp-no-reply", severity: "warning",
      title: `ARP for ${label(target)}: ${plural(x.n, "request")}, no reply`,
      explanation: `${askers} asked who has ${target} and nobody answered. Either no one on that segment owns the address (a stale route, gateway or endpoint), ` +
        "or its owner cannot answer (the container is stopped, its vNIC is disconnected from the switch, or a port ACL/VLAN setting blocks ARP).",
      count: x.n, unit: "requests", subject: { ip: target, peer: [...x.askers].join(", ") }, evidence: x.e,
      next: [`Get-HnsEndpoint | ? IPAddress -eq '${target}' (does an endpoint own it, and is it attached?)`, "Get-NetNeighbor -IPAddress " + target + " on the host", "check the port's VLAN settings: Get-VMNetworkAdapterVlan"],
      first: x.first, last: x.last,
    });
  }
}

// ---- TCP -----------------------------------------------------------------------------------------------------

function synKeys(f: Flow): string[] {
  const k = [`${f.a.ip}:${f.a.port}>${f.b.ip}:${f.b.port}`, `${f.b.ip}:${f.b.port}>${f.a.ip}:${f.a.port}`];
  if (f.nat) {
    const v = f.nat.view;
    k.push(`${v.a.ip}:${v.a.port}>${v.b.ip}:${v.b.port}`, `${v.b.ip}:${v.b.port}>${v.a.ip}:${v.a.port}`);
  }
  return k;
}

function tcp(g: Gathered, out: Out, flows: FlowsResult, label: (ip: string) => string): void {
  out.ran.add("tcp-no-synack");
  out.ran.add("tcp-reset");
  interface G { dst: string; port: number; clients: Set<string>; n: number; e: EvidenceBuilder; first: number; last: number; refused: number }
  const syns = g.syn.map();
  const rsts = g.rst.map();
  const noAnswer = new Map<string, G>();
  const resets = new Map<string, G>();
  const bump = (map: Map<string, G>, ip: string, port: number, f: Flow): G => {
    const key = `${ip}:${port}`;
    let x = map.get(key);
    if (!x) map.set(key, (x = { dst: ip, port, clients: new Set(), n: 0, e: new EvidenceBuilder(), first: f.firstTicks, last: f.lastTicks, refused: 0 }));
    if (f.lastTicks > x.last) x.last = f.lastTicks;
    if (f.firstTicks < x.first) x.first = f.firstTicks;
    x.e.flow(f.id);
    return x;
  };
  for (const f of flows.flows) {
    const t = f.tcp;
    if (!t) continue;
    if (t.state === "syn-sent") {
      const x = bump(noAnswer, f.b.ip, f.b.port, f);
      x.n++;
      x.clients.add(f.a.ip);
      for (const k of synKeys(f)) x.e.refs(syns.get(k));
    } else if (t.state === "reset") {
      const by = t.resetBy === "b" ? f.b : f.a;
      const other = t.resetBy === "b" ? f.a : f.b;
      const x = bump(resets, by.ip, by.port, f);
      x.n++;
      x.clients.add(other.ip);
      if (!t.handshake.synAck && t.handshake.syn) x.refused++;
      for (const k of synKeys(f)) x.e.refs(rsts.get(k));
    }
  }
  for (const x of noAnswer.values()) {
    out.add({
      code: "tcp-no-synack", severity: "error",
      title: `${plural(x.n, "TCP connection")} to ${label(x.dst)}:${x.port} got no SYN-ACK`,
      explanation: `${[...x.clients].map(label).join(", ")} sent SYN to ${x.dst}:${x.port} and nothing came back during the capture (retransmitted SYNs count as one attempt). ` +
        "The SYN was lost on the way (see drops), blocked by an ACL or firewall, not forwarded by NAT, or the far side has no route back.",
      count: x.n, unit: "connections", subject: { ip: x.dst, port: x.port, peer: [...x.clients].join(", ") }, evidence: x.e,
      next: [`wnvtrace follow <file> -Y "tcp.flags.syn == 1 && ip.addr == ${x.dst}" to see the last hop each SYN reached`, `Test-NetConnection ${x.dst} -Port ${x.port} from the host`, "check ACL policies on the endpoints (Get-HnsEndpoint … Policies) and the host firewall"],
      first: x.first, last: x.last,
    });
  }
  for (const x of resets.values()) {
    const refused = x.refused > 0;
    out.add({
      code: "tcp-reset", severity: refused ? "error" : "warning",
      title: refused ? `${label(x.dst)}:${x.port} refused ${plural(x.refused, "connection")} (RST)` : `${plural(x.n, "TCP connection")} reset by ${label(x.dst)}:${x.port}`,
      explanation: refused ? `The SYNs to ${x.dst}:${x.port} were answered with RST: the host is reachable but nothing listens on that port (or a firewall rejects it actively).` :
        `${x.dst}:${x.port} ended ${x.n === 1 ? "a connection" : `${x.n} connections`} with RST instead of FIN: the application aborted, a load balancer/NAT timed the session out, or a middlebox rejected it.`,
      count: x.n, unit: "connections", subject: { ip: x.dst, port: x.port, peer: [...x.clients].join(", ") }, evidence: x.e,
      next: refused ? [`netstat -ano | findstr :${x.port} on ${x.dst}: is the service listening?`, "check the published port / service target port"] : ["wnvtrace flows <file> --proto tcp to see what came before the reset"],
      first: x.first, last: x.last,
    });
  }
}

// ---- ICMP ----------------------------------------------------------------------------------------------------

const UNREACH4: Record<number, string> = { 0: "network unreachable", 1: "host unreachable", 2: "protocol unreachable", 3: "port unreachable", 4: "fragmentation needed", 9: "network administratively prohibited", 10: "host administratively prohibited", 13: "communication administratively prohibited" };
const UNREACH6: Record<number, string> = { 0: "no route to destination", 1: "administratively prohibited", 3: "address unreachable", 4: "port unreachable" };

function icmpText(v6: boolean, type: number, code: number): string {
  if (!v6) {
    if (type === 3) return UNREACH4[code] ?? `destination unreachable (code ${code})`;
    if (type === 11) return code === 0 ? "TTL exceeded in transit" : "fragment reassembly time exceeded";
    return `ICMP type ${type} code ${code}`;
  }
  if (type === 1) return UNREACH6[code] ?? `destination unreachable (code ${code})`;
  if (type === 2) return "packet too big";
  if (type === 3) return "hop limit exceeded";
  return `ICMPv6 type ${type} code ${code}`;
}

function icmp(g: Gathered, out: Out, flows: FlowsResult, label: (ip: string) => string): void {
  out.ran.add("icmp-unreachable");
  out.ran.add("icmp-frag-needed");
  for (const e of g.icmpErrors.values()) {
    const frag = (!e.v6 && e.type === 3 && e.code === 4) || (e.v6 && e.type === 2);
    const what = icmpText(e.v6, e.type, e.code);
    const ev = new EvidenceBuilder().refs(e.refs);
    const m = /^(tcp|udp) \[?([^\]]+?)\]?:(\d+)$/.exec(e.quoted);
    const subject: Subject = { ip: e.to, peer: e.from, reason: what };
    if (m) subject.port = Number(m[3]);
    // The flows the error quoted (the flows stage notes each ICMP error on the flow of the packet it quotes).
    for (const f of flows.flows) if (f.icmpErrors?.some((n) => n.type === e.type && n.code === e.code && n.from === e.from)) ev.flow(f.id);
    if (frag) {
      out.add({
        code: "icmp-frag-needed", severity: "error",
        title: `${label(e.from)} says ${what}${e.mtu ? ` (next-hop MTU ${e.mtu})` : ""} for ${e.quoted || e.to}`,
        explanation: `A router or host on the path could not forward packets of this size${e.mtu ? ` (its MTU is ${e.mtu})` : ""} and the packets had Don't Fragment set. ` +
          "If these ICMP messages are blocked or ignored the connection stalls (PMTU black hole): large transfers hang while small requests work. Overlay networks need 50 bytes of room for VXLAN.",
        count: e.refs.distinct, unit: "ICMP messages", subject, evidence: ev,
        next: ["lower the MTU of the container vNIC or the network (netsh interface ipv4 set subinterface <n> mtu=1450 store=persistent)", "check that ICMP 'fragmentation needed' reaches the sender (firewalls)"],
        first: e.refs.first, last: e.refs.last,
      });
    } else {
      const port = !e.v6 && e.type === 3 && e.code === 3;
      const admin = (!e.v6 && e.type === 3 && (e.code === 9 || e.code === 10 || e.code === 13)) || (e.v6 && e.type === 1 && e.code === 1);
      out.add({
        code: "icmp-unreachable", severity: port ? "warning" : "error",
        title: `${label(e.from)}: ${what} for ${e.quoted || e.to}`,
        explanation: port ? `${e.from} has nothing listening on ${e.quoted || e.to}: the datagram arrived but no process takes it.` :
          admin ? `${e.from} refused to forward to ${e.to}: a firewall or filter rule prohibits it.` :
            `${e.from} could not deliver to ${e.to}: ${what}. Check routes and that the destination exists.`,
        count: e.refs.distinct, unit: "ICMP messages", subject, evidence: ev,
        next: port ? [`check the service on ${e.to} (netstat -ano -p udp)`] : [`Find-NetRoute -RemoteIPAddress ${e.to} on the host`, "route print / Get-NetRoute in the container's compartment"],
        first: e.refs.first, last: e.refs.last,
      });
    }
  }
}

// ---- MTU -----------------------------------------------------------------------------------------------------

function mtu(g: Gathered, out: Out): void {
  out.ran.add("mtu-exceeded");
  out.ran.add("vxlan-overhead");
  for (const grp of g.drops.values()) {
    if (!(grp.reason === 23 || /mtu/i.test(grp.reasonName))) continue;
    const e = new EvidenceBuilder().refs(grp.refs);
    for (const j of grp.journeys) e.journey(j);
    for (const h of grp.hops) e.hop(h.journey, h.hop);
    const n = Math.max(grp.distinct, 1);
    out.add({
      code: "mtu-exceeded", severity: "critical",
      title: `${plural(n, "frame")} of up to ${grp.maxLength} bytes too large for ${grp.location}`,
      explanation: `Frames of up to ${grp.maxLength} bytes were dropped as larger than the MTU at ${grp.location}${grp.df ? " (Don't Fragment set, so they could not be fragmented)" : ""}. ` +
        (grp.vxlan ? "They are VXLAN-encapsulated: the 50 bytes of outer headers pushed a full-size inner packet over the underlay's MTU. " : "") +
        "Small packets (pings, DNS) pass while large ones (TLS handshakes, file transfers) vanish.",
      count: n, unit: "frames", subject: { location: grp.location, reason: grp.reasonName }, evidence: e,
      next: ["netsh interface ipv4 show subinterfaces on the host (MTU of each interface)", grp.vxlan ? "set the overlay network/container MTU to the underlay MTU minus 50, or raise the underlay MTU (jumbo frames)" : "lower the container vNIC MTU or raise the path MTU"],
      first: grp.refs.first, last: grp.refs.last,
    });
    if (grp.vxlan) {
      out.add({
        code: "vxlan-overhead", severity: "error",
        title: `VXLAN overhead: encapsulated frames exceed the MTU at ${grp.location}`,
        explanation: "VXLAN adds 50 bytes (outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8) to every container packet. With an underlay MTU of 1500 the containers must use 1450; these frames were dropped because that room was not left.",
        count: n, unit: "frames", subject: { location: grp.location }, evidence: new EvidenceBuilder().refs(grp.refs),
        next: ["Get-HnsNetwork | select Name, Type, @{n='MTU';e={$_.Policies}}: check the network's MTU / EncapOverhead", "netsh interface ipv4 show subinterfaces inside the container"],
        first: grp.refs.first, last: grp.refs.last,
      });
    }
  }
  for (const v of g.vni.values()) {
    if (v.big.total === 0) continue;
    if (out.list.some((d) => d.code === "vxlan-overhead")) break;
    out.add({
      code: "vxlan-overhead", severity: "warning",
      title: `VXLAN ${v.vni}: ${plural(v.big.distinct, "encapsulated packet")} larger than 1500 bytes (up to ${v.maxOuter})`,
      explanation: `Inner packets of up to ${v.maxInner} bytes plus 50 bytes of VXLAN headers give outer packets of ${v.maxOuter} bytes. Unless the underlay carries jumbo frames end to end, these are dropped or fragmented on the way.`,
      count: v.big.distinct, unit: "packets", subject: { reason: `VNI ${v.vni}` }, evidence: new EvidenceBuilder().refs(v.big),
      next: ["check the underlay MTU on both hosts and the switches between them", "set the container MTU to underlay MTU − 50"],
      first: v.big.first, last: v.big.last,
    });
  }
}

// ---- overlay -------------------------------------------------------------------------------------------------

function overlay(g: Gathered, out: Out, host: HostInfo | null, label: (ip: string) => string): void {
  const subs = host ? host.overlaySubnets() : [];
  if (!subs.length) {
    out.skip("overlay-no-encap", host ? "the host state has no overlay network" : "needs --inventory (which subnets are overlay networks)");
    if (!g.vni.size) out.skip("overlay-wrong-vni", "no VXLAN traffic in the capture");
  } else out.ran.add("overlay-no-encap");
  for (const e of g.noEncap.values()) {
    const ev = new EvidenceBuilder().refs(e.refs);
    for (const j of e.journeys) ev.journey(j);
    for (const h of e.hops) ev.hop(h.journey, h.hop);
    out.add({
      code: "overlay-no-encap", severity: "critical",
      title: `traffic to ${label(e.dst)} left the host without VXLAN encapsulation`,
      explanation: `${e.dst} is in the overlay network ${e.network} (${e.subnet}) but not on this host, so its packets must leave inside VXLAN to the remote host's provider address. ` +
        "They left the physical NIC as they were, addressed to an overlay MAC nobody on the underlay owns, and are lost. VFP had no encapsulation rule for the destination: the remote endpoint (and its PA policy) is missing from HNS, or the overlay plugin/flannel did not program it.",
      count: e.journeys.size || e.refs.total, unit: "packets", subject: { ip: e.dst, network: e.network }, evidence: ev,
      next: ["Get-HnsEndpoint | ? IsRemoteEndpoint: is there a remote endpoint for " + e.dst + " with a PA policy?", "vfpctrl /list-rule /port <external port> /layer VNET_ENCAP_LAYER", "restart the overlay plugin / flanneld and check its log for the remote subnet"],
      first: e.refs.first, last: e.refs.last,
    });
  }
  if (g.vni.size) out.ran.add("overlay-wrong-vni");
  if (!g.vni.size || !subs.length) {
    // Without host state: one subnet seen with several VNIs is suspicious.
    return;
  }
  for (const v of g.vni.values()) {
    const nets = new Map<string, { vni?: number; hits: number }>();
    for (const a of v.inner) {
      const s = subs.find((x) => ((a & x.mask) >>> 0) === x.base);
      if (s) nets.set(s.network, { vni: s.vni, hits: (nets.get(s.network)?.hits ?? 0) + 1 });
    }
    for (const [net, x] of nets) {
      if (x.vni === undefined || x.vni === v.vni) continue;
      out.add({
        code: "overlay-wrong-vni", severity: "critical",
        title: `VXLAN packets for overlay ${net} carry VNI ${v.vni}, the network's VNI is ${x.vni}`,
        explanation: `The inner addresses belong to ${net} (VSID/VNI ${x.vni} in the host state) but ${plural(v.refs.distinct, "packet")} were encapsulated with VNI ${v.vni}. ` +
          "The remote host finds no virtual subnet with that id and drops them (vSwitch reason 'Virtual Subnet ID does not match'): nodes configured with different VNIs, or a stale network recreated with a new one.",
        count: v.refs.distinct, unit: "packets", subject: { network: net, reason: `VNI ${v.vni} ≠ ${x.vni}` }, evidence: new EvidenceBuilder().refs(v.refs),
        next: ["compare Get-HnsNetwork | select Name, @{n='VSID';e={$_.Subnets.Policies}} on both hosts", "check the VNI in the CNI/flannel configuration (net-conf.json \"VNI\")"],
        first: v.refs.first, last: v.refs.last,
      });
    }
  }
}

// ---- NAT -----------------------------------------------------------------------------------------------------

function nat(g: Gathered, out: Out, host: HostInfo | null, label: (ip: string) => string, flows: FlowsResult): void {
  if (!host || !host.published.length) {
    out.skip("nat-inbound-not-forwarded", host ? "the host state has no published ports" : "needs --inventory (published ports)");
    out.skip("nat-hairpin", host ? "the host state has no published ports" : "needs --inventory (published ports)");
    return;
  }
  out.ran.add("nat-inbound-not-forwarded");
  out.ran.add("nat-hairpin");
  for (const [key, e] of g.inbound) {
    const [p, ip, port] = key.split(":");
    const proto = Number(p);
    const maps = host.published.filter((m) => m.proto === proto && m.externalPort === Number(port));
    const reached = maps.some((m) => (g.forwarded.get(`${m.proto}:${m.externalPort}`)?.total ?? 0) > 0);
    const outside = e.refs.distinct - e.hairpin.distinct;
    const target = maps.map((m) => m.text).join(", ");
    if (outside > 0 && !reached) {
      out.add({
        code: "nat-inbound-not-forwarded", severity: "critical",
        title: `inbound ${proto === 6 ? "TCP" : "UDP"} to published port ${ip}:${port} never reached the container`,
        explanation: `${plural(outside, "packet")} from ${[...e.sources].filter((s) => !host.local.has(s)).map((s) => label(ipv4Text(s))).join(", ")} arrived for ${ip}:${port}, which the host state publishes as ${target}, ` +
          "but none was seen going to the container. WinNAT has no (working) static mapping for the port, the host firewall drops it before NAT, or the mapping points to an old container address.",
        count: outside, unit: "packets", subject: { ip, port: Number(port), container: maps[0]?.container }, evidence: new EvidenceBuilder().refs(e.refs),
        next: ["Get-NetNatStaticMapping and Get-NetNat: is there a mapping for this port, to the container's current IP?", "docker port <container>; Get-HnsEndpoint … Policies (PortMapping)", `Get-NetFirewallRule -Enabled True | Get-NetFirewallPortFilter | ? LocalPort -eq ${port}`],
        first: e.refs.first, last: e.refs.last,
      });
    }
    if (e.hairpin.total > 0) {
      // Hairpin connections (container → this host's address:published port) that never got an answer.
      const hung = flows.flows.filter((f) => f.protocol === "tcp" && f.b.ip === ip && f.b.port === Number(port) && host.local.has(ip4(f.a.ip)) && f.tcp?.state === "syn-sent");
      const ev = new EvidenceBuilder().refs(e.hairpin);
      for (const f of hung) ev.flow(f.id);
      out.add({
        code: "nat-hairpin", severity: hung.length ? "error" : "warning",
        title: `hairpin: containers connect to their own host's published port ${ip}:${port}`,
        explanation: `${plural(e.hairpin.distinct, "packet")} from containers on this host went to the host's address ${ip}:${port} (published as ${target}). ` +
          (hung.length ? `${plural(hung.length, "connection")} of them got no answer: ` : "") +
          "WinNAT does not loop such traffic back to a container on the same host on many Windows builds (NAT hairpin/loopback is unsupported), so such connections hang. Use the container's name or IP, or a service address, instead.",
        count: e.hairpin.distinct, unit: "packets", subject: { ip, port: Number(port), container: maps[0]?.container }, evidence: ev,
        next: ["connect to the container by name/IP on the container network (docker network inspect)", "Get-NetNat | select Name, InternalIPInterfaceAddressPrefix"],
        first: e.hairpin.first, last: e.hairpin.last,
      });
    }
  }
}

// ---- paths and endpoints ------------------------------------------------------------------------------------

function ifName(g: Gathered, host: HostInfo | null, i: number): string {
  const n = g.ifNames.get(i);
  if (i >= COMPONENT_BASE) return `${n ?? "component"} [component ${i - COMPONENT_BASE}]`;
  if (n) return `${n} (ifIndex ${i})`;
  const x = host?.inv.externalNics.find((e) => e.ifIndex === i) ?? host?.inv.hostVnics.find((e) => e.ifIndex === i);
  if (x) return `${"name" in x ? x.name : x.alias} (ifIndex ${i})`;
  return `ifIndex ${i}`;
}

function paths(g: Gathered, out: Out, host: HostInfo | null): void {
  if (!g.sources.ndis && !g.paths.size) {
    out.skip("asymmetric-path", "needs packets seen at the host's physical NICs (NDIS capture, or pktmon with its component table)");
    return;
  }
  out.ran.add("asymmetric-path");
  for (const s of g.paths.asymmetric()) {    const ab = [...s.ab].map((i) => ifName(g, host, i)).join(", ");
    const ba = [...s.ba].map((i) => ifName(g, host, i)).join(", ");
    out.add({
      code: "asymmetric-path", severity: "warning",
      title: `asymmetric path: ${s.text} goes out on ${ab}, comes back on ${ba}`,
      explanation: `The two directions of ${s.text} crossed different host interfaces (${ab} one way, ${ba} the other). Stateful parts of the path (WinNAT, VFP flow state, firewalls, load balancers) see only half of the conversation and may drop the replies; ` +
        "check the routes and which NIC owns the address the peer answers to.",
      count: s.refs.distinct, unit: "packets", subject: { reason: s.text }, evidence: new EvidenceBuilder().refs(s.refs),
      next: ["Get-NetRoute -AddressFamily IPv4 | sort RouteMetric (which interface the default route uses)", "route print on the host and the container compartment"],
      first: s.refs.first, last: s.refs.last,
    });
  }
}

function stale(g: Gathered, out: Out, host: HostInfo | null, flows: FlowsResult): void {
  if (!host) {
    out.skip("stale-endpoint", "needs --inventory (endpoint states)");
    return;
  }
  out.ran.add("stale-endpoint");
  for (const [ip, r] of g.stale) {
    const e = host.stale.get(ip)!;
    const raw = e.containerName ?? e.endpointName ?? e.endpointId ?? ipv4Text(ip);
    const name = /^[0-9a-f]{64}$/i.test(raw) ? raw.slice(0, 12) : raw;
    out.add({
      code: "stale-endpoint", severity: "error",
      title: `traffic to ${ipv4Text(ip)}, whose endpoint (${name}) the host state says is gone`,
      explanation: `${plural(r.distinct, "packet")} went to or from ${ipv4Text(ip)}, but the HNS endpoint with that address is in state ${e.state}${e.containerName ? ` and its container ${e.containerName} is not running` : ""}. ` +
        "Something still uses the old address (a DNS record, a service/load-balancer backend, a client cache) or HNS left a stale endpoint behind after the container was removed.",
      count: r.distinct, unit: "packets", subject: { ip: ipv4Text(ip), container: e.containerName }, evidence: staleEvidence(r, ipv4Text(ip), flows),
      next: ["Get-HnsEndpoint | ? IPAddress -eq '" + ipv4Text(ip) + "' | fl ID, State, SharedContainers", "remove stale endpoints: Get-HnsEndpoint | ? State -eq 4 | Remove-HnsEndpoint (after checking)", "docker ps -a; check what still points at the address (DNS, service endpoints)"],
      first: r.first, last: r.last,
    });
  }
}

function staleEvidence(r: Refs, ip: string, flows: FlowsResult): EvidenceBuilder {
  const ev = new EvidenceBuilder().refs(r);
  for (const f of flows.flows) if (f.a.ip === ip || f.b.ip === ip) ev.flow(f.id);
  return ev;
}

// ---- capture health ------------------------------------------------------------------------------------------

function health(g: Gathered, out: Out, reader: PacketReader | null): void {
  out.ran.add("capture-truncated");
  out.ran.add("capture-missing-provider");
  if (g.truncated.total > 0) {
    const all = g.truncated.total === g.packets;
    out.add({
      code: "capture-truncated", severity: "info",
      title: `${all ? "every packet" : `${g.truncated.total} of ${g.packets} packets`} captured truncated (at most ${g.maxCaptured} bytes kept)`,
      explanation: `The capture kept only the first bytes of ${all ? "each packet" : `${g.truncated.total} of ${g.packets} packets`} (snap length ${g.maxCaptured}). Headers decode, but payloads (DNS answers, HTTP, TLS) and inner VXLAN headers may be cut, so some checks see less.`,
      count: g.truncated.total, unit: "packets", subject: {}, evidence: new EvidenceBuilder().refs(g.truncated),
      next: ["capture whole packets: pktmon start --capture --pkt-size 0, or netsh trace … without a truncation length (Add-NetEventPacketCaptureProvider -TruncationLength 65535)"],
      first: g.truncated.first, last: g.truncated.last,
    });
  }
  if (reader) {
    out.ran.add("capture-lost-events");
    out.ran.add("capture-damaged");
    const etl = reader.decoder.reader;
    const info = etl.info;
    const b = etl.bufferStats();
    const lostEvents = info.eventsLost;
    const lostBuffers = info.buffersLost;
    const flagged = b.eventsLostFlag + b.buffersLostFlag;
    if (lostEvents || lostBuffers || flagged) {
      out.add({
        code: "capture-lost-events", severity: "warning",
        title: `the capture lost events: ${lostEvents} events${lostBuffers ? `, ${lostBuffers} buffers` : ""}${flagged ? ` (${flagged} buffers flagged)` : ""}`,
        explanation: "ETW could not write everything: buffers were full when events arrived. Journeys may have missing hops and counts are lower bounds — an 'unfinished' journey may be an artefact of the loss, not a drop.",
        count: lostEvents + lostBuffers + flagged, unit: "events/buffers", subject: {}, evidence: new EvidenceBuilder().event({ ticks: 0, provider: "trace header", id: 0, text: `EventsLost ${lostEvents}, BuffersLost ${lostBuffers}` }),
        next: ["capture with bigger/more buffers (netsh trace … maxSize= / New-NetEventSession -MaxFileSize; pktmon --file-size) and a capture filter (pktmon filter add) to lower the rate"],
        first: 0, last: 0,
      });
    }
    const diag = etl.diagnosticCounts;
    const kinds = Object.entries(diag).filter(([, n]) => (n ?? 0) > 0);
    if (kinds.length) {
      const total = kinds.reduce((s, [, n]) => s + (n ?? 0), 0);
      const ev = new EvidenceBuilder();
      for (const d of etl.diagnostics.slice(0, 5)) ev.event({ ticks: 0, provider: "reader", id: 0, text: `offset ${d.offset}: ${d.message}` });
      out.add({
        code: "capture-damaged", severity: "warning",
        title: `the file is damaged: ${kinds.map(([k, n]) => `${k} ×${n}`).join(", ")}`,
        explanation: "Parts of the file could not be read and were skipped (a truncated copy, a capture stopped uncleanly, or disk errors). Everything else was read; findings about the skipped time range are missing.",
        count: total, unit: "problems", subject: {}, evidence: ev,
        next: ["copy the .etl again after the capture is stopped (netsh trace stop / pktmon stop)", "wnvtrace info <file> lists each problem with its file offset"],
        first: 0, last: 0,
      });
    }
  }
  const netsh = g.sources.ndis + g.sources.vmswitch > 0 || (g.providers.get(NDISCAP_GUID) ?? 0) > 0;
  const pktmon = g.sources.pktmon > 0 || (g.providers.get(PKTMON_GUID) ?? 0) > 0;
  if (g.packets === 0) {
    out.add({
      code: "capture-missing-provider", severity: "warning",
      title: "no packets in the capture",
      explanation: "The trace has no packet capture events (NDIS-PacketCapture or PktMon), so no packets, journeys, flows or drops can be shown. It was probably started without capture=yes / --capture.",
      count: 1, unit: "capture", subject: {}, evidence: new EvidenceBuilder(),
      next: [NETSH_COMMAND, PKTMON_COMMAND],
    });
  } else if (netsh && !pktmon && g.vmswitchEvents === 0 && g.providers.size > 0) {
    // (providers.size > 0: the collector saw the ETW records, so the absence of VmSwitch events is a fact.)
    out.add({
      code: "capture-missing-provider", severity: "info",
      title: "no Hyper-V VmSwitch events: packets cannot be followed through the vSwitch",
      explanation: "The capture has NDIS packets but no Microsoft-Windows-Hyper-V-VmSwitch events, so wnvtrace cannot follow a packet from a container's vNIC through the virtual switch (journeys stop at the host NICs) and vSwitch drops are invisible.",
      count: 1, unit: "capture", subject: { reason: "Microsoft-Windows-Hyper-V-VmSwitch" }, evidence: new EvidenceBuilder(),
      next: [`capture with the Virtualization scenario (adds the vSwitch): ${NETSH_COMMAND}`, `or name the providers: ${NETSH_FULL_COMMAND}`, `or use pktmon, which sees every vSwitch component: ${PKTMON_COMMAND}`],
    });
  }
  if (g.vmswitchEvents === 0 && g.providers.size && !g.providers.has(VMSWITCH_GUID) && pktmon && reader && reader.components.size === 0) {
    out.add({
      code: "capture-missing-provider", severity: "warning",
      title: "pktmon component table missing: hops cannot be named",
      explanation: "pktmon writes the table of components (NICs, vSwitch ports, filters) at the end of the capture; this file has none, so packets show component numbers only. The capture was probably not stopped with 'pktmon stop', or started with flags that omit it.",
      count: 1, unit: "capture", subject: {}, evidence: new EvidenceBuilder(),
      next: ["stop captures with pktmon stop (not by killing the session)", "keep the default capture flags (0x012 includes the component table)"],
    });
  }
}
