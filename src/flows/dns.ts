/**
 * DNS transactions: a query and its response(s), matched by (client address, client port, transaction id) —
 * so an LLMNR query sent to the multicast group still meets the unicast answer. mDNS (port 5353) is announced
 * more than asked and is left out. Counted once per packet (repeat sightings never reach this), in capture
 * order; a query sent again with the same id while pending is a retry of the same transaction.
 */
import type { Dissection, FieldSpec } from "../packets/mod.js";
import { Proto, builtinTables, fieldRegistry, ipv4Text } from "../packets/mod.js";
import type { DnsAnswer, DnsTransaction, Endpoint } from "./types.js";
import type { PacketKey } from "./key.js";
import { addrText, hashWords } from "./key.js";

const TYPES: Record<number, string> = {
  1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV", 35: "NAPTR",
  41: "OPT", 43: "DS", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 64: "SVCB", 65: "HTTPS", 255: "ANY",
};
const RCODES: Record<number, string> = {
  0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED", 6: "YXDOMAIN", 7: "YXRRSET",
  8: "NXRRSET", 9: "NOTAUTH", 10: "NOTZONE",
};

export function dnsTypeName(t: number): string {
  return TYPES[t] ?? `TYPE${t}`;
}
export function rcodeName(r: number): string {
  return RCODES[r] ?? `RCODE${r}`;
}

interface Fields {
  qname: FieldSpec;
  qtype: FieldSpec;
  a: FieldSpec;
  aaaa: FieldSpec;
  cname: FieldSpec;
  ptr: FieldSpec;
}
let fields: Fields | null = null;
function dnsFields(): Fields {
  if (!fields) {
    const reg = fieldRegistry(builtinTables());
    const f = (n: string): FieldSpec => {
      const e = reg.get(n);
      if (!e) throw new Error(`DNS field ${n} is not registered`);
      return e.field;
    };
    fields = { qname: f("dns.qry.name"), qtype: f("dns.qry.type"), a: f("dns.a"), aaaa: f("dns.aaaa"), cname: f("dns.cname"), ptr: f("dns.ptr.domain_name") };
  }
  return fields;
}

function first(v: ReturnType<FieldSpec["get"]>): number | string | undefined {
  if (Array.isArray(v)) return v[0] as number | string | undefined;
  return typeof v === "number" || typeof v === "string" ? v : undefined;
}
function all(v: ReturnType<FieldSpec["get"]>): (number | string)[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v as (number | string)[];
  return typeof v === "number" || typeof v === "string" ? [v] : [];
}

function hexToIpv6(h: string): string {
  const w = new Uint32Array(4);
  for (let i = 0; i < 4; i++) w[i] = parseInt(h.slice(i * 8, i * 8 + 8), 16) >>> 0;
  return addrText(6, w);
}

/** A transaction; its endpoints are kept as address words and ports, their text made when asked (finish). */
class Txn {
  name = "";
  qtype = 0;
  queries = 0;
  responses = 0;
  queryTicks = -1;
  responseTicks = -1;
  rcode = -1;
  answers: DnsAnswer[] = [];
  private c: Endpoint | null = null;
  private s: Endpoint | null = null;
  constructor(
    readonly flowId: number, readonly transport: "udp" | "tcp", readonly family: number,
    /** Client address words 0-3, server address words 0-3. */
    readonly ca0: number, readonly ca1: number, readonly ca2: number, readonly ca3: number, readonly cport: number,
    readonly sa0: number, readonly sa1: number, readonly sa2: number, readonly sa3: number, readonly sport: number,
    readonly id: number,
  ) {}
  get client(): Endpoint {
    return (this.c ??= endpoint(this.family, this.ca0, this.ca1, this.ca2, this.ca3, this.cport));
  }
  get server(): Endpoint {
    return (this.s ??= endpoint(this.family, this.sa0, this.sa1, this.sa2, this.sa3, this.sport));
  }
}

const addrScratch = new Uint32Array(4);
function endpoint(family: number, a0: number, a1: number, a2: number, a3: number, port: number): Endpoint {
  addrScratch[0] = a0;
  addrScratch[1] = a1;
  addrScratch[2] = a2;
  addrScratch[3] = a3;
  return { ip: addrText(family, addrScratch), port };
}

/** A new transaction between client c (address, port) and server s. */
function newTxn(flowId: number, transport: "udp" | "tcp", family: number, c: Uint32Array, cport: number, s: Uint32Array, sport: number, id: number): Txn {
  return new Txn(flowId, transport, family, c[0], c[1], c[2], c[3], cport, s[0], s[1], s[2], s[3], sport, id);
}

export class DnsTracker {
  private readonly pending = new Map<number, Txn>();
  private readonly done: Txn[] = [];
  private readonly scratch = new Uint32Array(6);

  /** The client-side key: a 21-bit hash of the client address, its port and the id (exact enough for a map). */
  private keyOf(addr: Uint32Array, port: number, id: number): number {
    const s = this.scratch;
    s[0] = addr[0];
    s[1] = addr[1];
    s[2] = addr[2];
    s[3] = addr[3];
    return (hashWords(s, 4) & 0x1fffff) * 4294967296 + (((port << 16) | id) >>> 0);
  }

  /** A packet whose innermost layer stack has DNS at layer `i`. */
  add(d: Dissection, i: number, k: PacketKey, flowId: number, ticks: number): void {
    if (k.sport === 5353 || k.dport === 5353) return;
    const base = d.start[i] + (d.parent[i] >= 0 && d.proto[d.parent[i]] === Proto.Tcp ? 2 : 0);
    if (base + 12 > d.length) return;
    const id = d.u16(base);
    const flags = d.u16(base + 2);
    const response = (flags & 0x8000) !== 0;
    if (((flags >> 11) & 15) !== 0) return; // not a standard query (NOTIFY, UPDATE …)
    const transport = k.kind === 1 ? "tcp" : "udp";
    if (!response) {
      const key = this.keyOf(k.src, k.sport, id);
      let t = this.pending.get(key);
      if (!t || t.responses > 0) {
        t = newTxn(flowId, transport, k.family, k.src, k.sport, k.dst, k.dport, id);
        const f = dnsFields();
        t.name = String(first(f.qname.get(d, i)) ?? "");
        t.qtype = Number(first(f.qtype.get(d, i)) ?? 0);
        t.queryTicks = ticks;
        this.pending.set(key, t);
        this.done.push(t);
      }
      t.queries++;
      return;
    }
    const key = this.keyOf(k.dst, k.dport, id);
    let t = this.pending.get(key);
    if (!t) {
      // A response whose query the capture did not see.
      t = newTxn(flowId, transport, k.family, k.dst, k.dport, k.src, k.sport, id);
      const f = dnsFields();
      t.name = String(first(f.qname.get(d, i)) ?? "");
      t.qtype = Number(first(f.qtype.get(d, i)) ?? 0);
      this.pending.set(key, t);
      this.done.push(t);
    }
    t.responses++;
    if (t.responseTicks >= 0) return;
    t.responseTicks = ticks;
    t.rcode = flags & 15;
    const f = dnsFields();
    for (const v of all(f.cname.get(d, i))) t.answers.push({ type: "CNAME", value: String(v) });
    for (const v of all(f.a.get(d, i))) t.answers.push({ type: "A", value: ipv4Text(Number(v)) });
    for (const v of all(f.aaaa.get(d, i))) t.answers.push({ type: "AAAA", value: hexToIpv6(String(v)) });
    for (const v of all(f.ptr.get(d, i))) t.answers.push({ type: "PTR", value: String(v) });
  }

  /** Every transaction, in order of its first packet. */
  /**
   * Every transaction, in order of its first packet. `insideOf` maps the internal number of a NAT outside flow to
   * its inside flow: a transaction seen on both (same id, name and type) is listed once, on the inside, with the
   * client's outside address as `natClient`.
   */
  transactions(flowNumber: (internal: number) => number, insideOf: ReadonlyMap<number, number> = new Map()): DnsTransaction[] {
    const natClient = new Map<Txn, Endpoint>();
    const skip = new Set<Txn>();
    if (insideOf.size) {
      const byFlow = new Map<number, Txn[]>();
      for (const t of this.done) {
        const l = byFlow.get(t.flowId);
        if (l) l.push(t);
        else byFlow.set(t.flowId, [t]);
      }
      for (const t of this.done) {
        const inside = insideOf.get(t.flowId);
        if (inside === undefined) continue;
        const twin = byFlow.get(inside)?.find((x) => x.id === t.id && x.name === t.name && x.qtype === t.qtype && !natClient.has(x));
        if (!twin) continue;
        skip.add(t);
        natClient.set(twin, t.client);
      }
    }
    return this.done.filter((t) => !skip.has(t)).map((t) => {
      const answered = t.responseTicks >= 0;
      const status: DnsTransaction["status"] = t.queries === 0 ? "response-only" : !answered ? "unanswered" : t.rcode !== 0 ? "error" : t.answers.length ? "answered" : "empty";
      const o: { -readonly [K in keyof DnsTransaction]: DnsTransaction[K] } = {
        flowId: flowNumber(t.flowId), transport: t.transport, client: t.client, server: t.server, id: t.id, name: t.name, qtype: t.qtype,
        qtypeName: dnsTypeName(t.qtype), queries: t.queries, responses: t.responses, answers: t.answers, status,
      };
      const nc = natClient.get(t);
      if (nc) o.natClient = nc;
      if (t.queryTicks >= 0) o.queryTicks = t.queryTicks;
      if (answered) {
        o.responseTicks = t.responseTicks;
        o.rcode = t.rcode;
        o.rcodeName = rcodeName(t.rcode);
        if (t.queryTicks >= 0) o.latencyMs = Math.round(t.responseTicks - t.queryTicks) / 10_000;
      }
      return o;
    });
  }
}
