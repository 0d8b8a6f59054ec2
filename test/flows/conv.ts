/**
 * tshark's conversation tables (`-q -z conv,tcp|udp|ip|ipv6`) parsed, and a packet-by-packet exact byte count
 * (`-T fields`), to judge our flows against. tshark 4.x prints bytes ≥ 10000 as "73 kB" (integer division by
 * 1000), so exact byte totals come from frame.len per packet instead.
 */
import { spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import type { Flow, FlowsResult } from "../../src/flows/mod.js";
import { cleanStderr, ipv6Bytes } from "../export/tshark.js";

export interface ConvRow {
  readonly a: string;
  readonly aPort: number;
  readonly b: string;
  readonly bPort: number;
  /** B → A ("<-") and A → B ("->"). */
  readonly framesBA: number;
  readonly bytesBA: string;
  readonly framesAB: number;
  readonly bytesAB: string;
  readonly relStart: number;
  readonly duration: number;
}

/** Canonical address text (IPv6 as 32 hex digits) so that spellings compare. */
export function canonIp(ip: string): string {
  return ip.includes(":") ? ipv6Bytes(ip) : ip;
}

function splitEndpoint(s: string, withPort: boolean): [string, number] {
  if (!withPort) return [canonIp(s), 0];
  const i = s.lastIndexOf(":");
  return [canonIp(s.slice(0, i)), Number(s.slice(i + 1))];
}

/** Runs `tshark -r file -n -q -z conv,<kind>` and parses the rows. */
export function tsharkConv(file: string, kind: "tcp" | "udp" | "ip" | "ipv6"): ConvRow[] {
  const r = spawnSync("tshark", ["-r", file, "-n", "-q", "-z", `conv,${kind}`], { encoding: "utf8", maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(cleanStderr(r.stderr), "");
  const rows: ConvRow[] = [];
  const size = String.raw`(\d+ (?:bytes|kB|MB|GB))`;
  const re = new RegExp(String.raw`^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+${size}\s+(\d+)\s+${size}\s+\d+\s+\d+ (?:bytes|kB|MB|GB)\s+([\d.]+)\s+([\d.]+)\s*$`);
  for (const line of r.stdout.split("\n")) {
    const m = re.exec(line);
    if (!m) continue;
    const withPort = kind === "tcp" || kind === "udp";
    const [a, aPort] = splitEndpoint(m[1], withPort);
    const [b, bPort] = splitEndpoint(m[2], withPort);
    rows.push({ a, aPort, b, bPort, framesBA: Number(m[3]), bytesBA: m[4], framesAB: Number(m[5]), bytesAB: m[6], relStart: Number(m[7]), duration: Number(m[8]) });
  }
  return rows;
}

/** Does tshark's byte text ("2333 bytes", "73 kB") describe this exact count? */
export function bytesMatch(exact: number, text: string): boolean {
  const [n, unit] = text.split(" ");
  const div = unit === "bytes" ? 1 : unit === "kB" ? 1e3 : unit === "MB" ? 1e6 : 1e9;
  return Math.floor(exact / div) === Number(n);
}

/** Exact frame.len sums per directed conversation "src|sport|dst|dport|proto", from tshark's own dissection. */
export function tsharkExactBytes(file: string): Map<string, { frames: number; bytes: number }> {
  const fields = ["frame.len", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "icmp", "icmpv6"];
  const args = ["-r", file, "-n", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=l", "-Y", "(tcp || udp) && !icmp && !icmpv6"];
  for (const f of fields) args.push("-e", f);
  const r = spawnSync("tshark", args, { encoding: "utf8", maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr);
  const out = new Map<string, { frames: number; bytes: number }>();
  for (const line of r.stdout.split("\n")) {
    if (!line) continue;
    const c = line.split("\t");
    const src = canonIp(c[1] || c[2]);
    const dst = canonIp(c[3] || c[4]);
    const tcp = c[5] !== "";
    const k = `${src}|${tcp ? c[5] : c[7]}|${dst}|${tcp ? c[6] : c[8]}|${tcp ? "tcp" : "udp"}`;
    const e = out.get(k) ?? { frames: 0, bytes: 0 };
    e.frames++;
    e.bytes += Number(c[0]);
    out.set(k, e);
  }
  return out;
}

/** Our conversations as tshark would list them: every flow, and each NAT outside view as its own conversation. */
export interface OurConv {
  readonly protocol: string;
  readonly a: string;
  readonly aPort: number;
  readonly b: string;
  readonly bPort: number;
  readonly framesAB: number;
  readonly bytesAB: number;
  readonly framesBA: number;
  readonly bytesBA: number;
  readonly relStart: number;
  readonly duration: number;
  readonly flow: Flow;
}

export function ourConversations(r: FlowsResult): OurConv[] {
  const out: OurConv[] = [];
  for (const f of r.flows) {
    out.push({
      protocol: f.protocol, a: canonIp(f.a.ip), aPort: f.a.port, b: canonIp(f.b.ip), bPort: f.b.port, framesAB: f.aToB.packets, bytesAB: f.aToB.bytes,
      framesBA: f.bToA.packets, bytesBA: f.bToA.bytes, relStart: f.relStart, duration: f.duration, flow: f,
    });
    const v = f.nat?.view;
    if (v) {
      out.push({
        protocol: f.protocol, a: canonIp(v.a.ip), aPort: v.a.port, b: canonIp(v.b.ip), bPort: v.b.port, framesAB: v.aToB.packets, bytesAB: v.aToB.bytes,
        framesBA: v.bToA.packets, bytesBA: v.bToA.bytes, relStart: (v.firstTicks - r.captureFirstTicks) / 1e7, duration: (v.lastTicks - v.firstTicks) / 1e7, flow: f,
      });
    }
  }
  return out;
}

export interface ConvComparison {
  readonly tshark: number;
  readonly ours: number;
  readonly matched: number;
  readonly differences: string[];
}

/**
 * tshark's TCP/UDP conversations vs ours: same endpoints with the same A (first packet's source), frames each
 * way, bytes each way (exact, from frame.len), relative start within 1 µs (tshark prints 9 decimals, we keep
 * 100 ns), duration within tshark's 4-decimal rounding.
 */
export function compareConversations(file: string, r: FlowsResult, kind: "tcp" | "udp"): ConvComparison {
  const rows = tsharkConv(file, kind);
  const exact = tsharkExactBytes(file);
  const ours = ourConversations(r).filter((c) => c.protocol === kind);
  const byKey = new Map(ours.map((c) => [`${c.a}|${c.aPort}|${c.b}|${c.bPort}`, c]));
  const diffs: string[] = [];
  const used = new Set<OurConv>();
  let matched = 0;
  for (const t of rows) {
    const name = `${kind} ${t.a}:${t.aPort} <-> ${t.b}:${t.bPort}`;
    let c = byKey.get(`${t.a}|${t.aPort}|${t.b}|${t.bPort}`);
    if (!c) {
      c = byKey.get(`${t.b}|${t.bPort}|${t.a}|${t.aPort}`);
      if (c) diffs.push(`${name}: A and B swapped`);
      else diffs.push(`${name}: not in our flows`);
      continue;
    }
    used.add(c);
    const e = (s: string, sp: number, d: string, dp: number): { frames: number; bytes: number } => exact.get(`${s}|${sp}|${d}|${dp}|${kind}`) ?? { frames: 0, bytes: 0 };
    const ab = e(t.a, t.aPort, t.b, t.bPort);
    const ba = e(t.b, t.bPort, t.a, t.aPort);
    const bad: string[] = [];
    if (c.framesAB !== t.framesAB || c.framesBA !== t.framesBA) bad.push(`frames ${c.framesAB}/${c.framesBA} vs ${t.framesAB}/${t.framesBA}`);
    if (!bytesMatch(c.bytesAB, t.bytesAB) || !bytesMatch(c.bytesBA, t.bytesBA)) bad.push(`bytes ${c.bytesAB}/${c.bytesBA} vs table ${t.bytesAB}/${t.bytesBA}`);
    if (c.bytesAB !== ab.bytes || c.bytesBA !== ba.bytes) bad.push(`bytes ${c.bytesAB}/${c.bytesBA} vs frame.len sums ${ab.bytes}/${ba.bytes}`);
    if (Math.abs(c.relStart - t.relStart) > 1e-6) bad.push(`start ${c.relStart} vs ${t.relStart}`);
    if (Math.abs(c.duration - t.duration) > 0.00005 + 1e-9) bad.push(`duration ${c.duration} vs ${t.duration}`);
    if (bad.length) diffs.push(`${name}: ${bad.join("; ")}`);
    else matched++;
  }
  for (const c of ours) if (!used.has(c)) diffs.push(`${kind} ${c.a}:${c.aPort} <-> ${c.b}:${c.bPort}: not in tshark's table`);
  return { tshark: rows.length, ours: ours.length, matched, differences: diffs };
}

/** tshark's IPv4/IPv6 conversations vs our flows summed per address pair (ARP left out): frames each way. */
export function compareAddressPairs(file: string, r: FlowsResult, kind: "ip" | "ipv6"): ConvComparison {
  const rows = tsharkConv(file, kind);
  const agg = new Map<string, Map<string, number>>();
  for (const c of ourConversations(r)) {
    if (c.protocol === "arp" || c.a.length === 32 !== (kind === "ipv6")) continue;
    const k = [c.a, c.b].sort().join("|");
    const m = agg.get(k) ?? new Map<string, number>();
    m.set(c.a, (m.get(c.a) ?? 0) + c.framesAB);
    m.set(c.b, (m.get(c.b) ?? 0) + c.framesBA);
    agg.set(k, m);
  }
  const diffs: string[] = [];
  const ours = agg.size;
  let matched = 0;
  for (const t of rows) {
    const k = [t.a, t.b].sort().join("|");
    const m = agg.get(k);
    agg.delete(k);
    const fromA = m?.get(t.a) ?? 0;
    const fromB = m?.get(t.b) ?? 0;
    if (!m) diffs.push(`${kind} ${t.a} <-> ${t.b}: not in our flows`);
    else if (t.a !== t.b && (fromA !== t.framesAB || fromB !== t.framesBA)) diffs.push(`${kind} ${t.a} <-> ${t.b}: frames ${fromA}/${fromB} vs ${t.framesAB}/${t.framesBA}`);
    else matched++;
  }
  for (const k of agg.keys()) diffs.push(`${kind} ${k}: not in tshark's table`);
  return { tshark: rows.length, ours, matched, differences: diffs };
}
