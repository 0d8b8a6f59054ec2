/**
 * Journeys as text: one short story per journey, the way an admin would tell it after reading the NBL events
 * by hand —
 *
 *   #3 ICMP echo 172.18.5.2 → 13.107.21.200  wcow1 (try-nat) → vSwitch try-nat → host vNIC vEthernet (try-nat) +1.5 µs → Ethernet +13 µs  NAT: src 172.18.5.2 → 10.0.0.4   delivered
 *
 * — a detailed view (one line per hop: time, latency, where, names, changes, frame summary), and JSON.
 * A fan-out prints its branches in brackets: `… → vSwitch nat → [host vNIC vEthernet (nat) +2 µs | wcow2 (nat) +4 µs]`.
 */
import type { Hop, Journey, Rewrite } from "./types.js";

export interface StoryOptions {
  /** ANSI colours (drops in red, unfinished in yellow). */
  readonly color?: boolean;
}

const RED = "\x1b[31m";
const YELLOW = "\x1b[33m";
const DIM = "\x1b[2m";
const RESET = "\x1b[0m";

/** 100 ns ticks → "1.5 µs", "13 µs", "1.2 ms", "2.05 s". */
export function formatLatency(ticks: number): string {
  const us = ticks / 10;
  if (us < 10) return `${us.toFixed(1).replace(/\.0$/, "")} µs`;
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1).replace(/\.?0+$/, "")} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

function label(h: Hop): string {
  const w = h.where;
  const l = h.names?.label ?? w.nicFriendly ?? w.componentName ?? (w.ifIndex !== undefined ? `interface ${w.ifIndex}` : w.nic ?? "?");
  return h.names?.kind === "host-vnic" && !/^host vNIC /.test(l) ? `host vNIC ${l}` : l;
}

/** The vSwitch by the name people know it by: its network (HNS/docker), else its friendly name. */
function switchText(h: Hop): string {
  return `vSwitch ${h.names?.network ?? h.where.switchFriendly ?? h.where.switchName ?? "?"}`;
}

interface Ctx {
  readonly hops: readonly Hop[];
  readonly kids: number[][];
  readonly color: boolean;
}

/** The places from hop i on: "a → b +1 µs → [c | d]". `prev` is the previous place's label and last time. */
function path(c: Ctx, i: number, prevLabel: string, prevTicks: number, inSwitch: string): string {
  const h = c.hops[i];
  const parts: string[] = [];
  let last = prevLabel;
  let t = prevTicks;
  let sw = inSwitch;
  const lat = (): string => (prevTicks < 0 ? "" : ` +${formatLatency(Math.max(0, h.ticks - t))}`);
  switch (h.kind) {
    case "switch-in": {
      const l = label(h);
      if (l !== last) parts.push(l + lat());
      sw = switchText(h);
      parts.push(sw);
      last = sw;
      t = h.ticks;
      break;
    }
    case "vfp": {
      const s = switchText(h);
      if (sw !== s && last !== s) {
        parts.push(s);
        last = s;
      }
      sw = s;
      break;
    }
    case "switch-out": {
      const s = switchText(h);
      if (sw !== s && last !== s) parts.push(s);
      const l = label(h);
      parts.push(l + lat());
      last = l;
      t = h.ticks;
      sw = "";
      break;
    }
    case "drop": {
      const l = `✗ ${label(h)}`;
      parts.push((c.color ? RED : "") + l + lat() + (c.color ? RESET : ""));
      last = l;
      t = h.ticks;
      break;
    }
    default: {
      const l = label(h);
      if (l !== last) {
        parts.push(l + lat());
        last = l;
      }
      t = h.ticks;
      sw = "";
    }
  }
  const kids = c.kids[i];
  let tail = "";
  if (kids.length === 1) tail = path(c, kids[0], last, t, sw);
  else if (kids.length > 1) tail = `[${kids.map((k) => path(c, k, last, t, sw)).join(" | ")}]`;
  if (!tail) return parts.join(" → ");
  return parts.length ? `${parts.join(" → ")} → ${tail}` : tail;
}

/** The rewrites worth a few words on the story line: NAT, VXLAN encap/decap, MAC rewrites, VLAN. */
function notes(rw: readonly Rewrite[]): string[] {
  const out: string[] = [];
  const byHop = new Map<number, Rewrite[]>();
  for (const r of rw) {
    let l = byHop.get(r.hop);
    if (!l) byHop.set(r.hop, (l = []));
    l.push(r);
  }
  for (const list of byHop.values()) {
    const get = (f: string): Rewrite | undefined => list.find((r) => r.field === f);
    const by = list[0].by;
    const nat = by === "VFP" ? "VFP NAT" : "NAT";
    const enc = get("encapsulation");
    if (enc) {
      const vni = /VNI (\d+)/.exec(enc.to === "removed" ? enc.from : enc.to)?.[1];
      out.push(enc.to === "removed" ? `decap VNI ${vni ?? "?"}` : `encap VNI ${vni ?? "?"}`);
    }
    for (const side of ["source", "destination"] as const) {
      const ip = get(`${side} IPv4`) ?? get(`${side} IPv6`);
      const port = get(`${side} port`);
      const s = side === "source" ? "src" : "dst";
      if (ip && port) out.push(`${nat}: ${s} ${ip.from}:${port.from} → ${ip.to}:${port.to}`);
      else if (ip) out.push(`${nat}: ${s} ${ip.from} → ${ip.to}`);
      else if (port) out.push(`${nat}: ${s} port ${port.from} → ${port.to}`);
    }
    const anyIp = list.some((r) => /IPv4|IPv6|port/.test(r.field) && !/TTL|hop limit/.test(r.field));
    if (!anyIp && !enc) {
      for (const side of ["source", "destination"] as const) {
        const m = get(`${side} MAC`);
        if (m) out.push(`MAC: ${side === "source" ? "src" : "dst"} ${m.from} → ${m.to}`);
      }
    }
    const v = get("VLAN");
    if (v) out.push(v.from === "none" ? `VLAN ${v.to} tagged` : v.to === "none" ? `VLAN ${v.from} untagged` : `VLAN ${v.from} → ${v.to}`);
  }
  return out;
}

function fateText(j: Journey, color: boolean): string {
  const f = j.fate;
  if (f.kind === "delivered") return f.explanation ? `delivered (${f.explanation})` : "delivered";
  if (f.kind === "dropped") {
    const t = `DROPPED: ${f.reasonName ?? f.reason ?? "?"}${f.location ? ` at ${f.location}` : ""}`;
    return color ? RED + t + RESET : t;
  }
  const t = `unfinished: ${f.explanation ?? ""}`.trim();
  return color ? YELLOW + t + RESET : t;
}

/** One line: `#id summary  place → place +latency …  notes   fate`. */
export function storyLine(j: Journey, o: StoryOptions = {}): string {
  const kids: number[][] = j.hops.map(() => []);
  const roots: number[] = [];
  for (const h of j.hops) (h.parent >= 0 ? kids[h.parent] : roots).push(h.index);
  const c: Ctx = { hops: j.hops, kids, color: o.color ?? false };
  const route = roots.map((r) => path(c, r, "", -1, "")).join(" ; ");
  const n = notes(j.rewrites);
  return `#${j.id} ${j.summary}  ${route}${n.length ? `  ${n.join(", ")}` : ""}   ${fateText(j, c.color)}`;
}

function whereText(h: Hop): string {
  const w = h.where;
  const parts: string[] = [];
  if (w.component !== undefined) parts.push(`component ${w.component}${w.componentName ? ` ${w.componentName}` : ""}${w.componentType ? ` [${w.componentType}]` : ""} edge ${w.edge ?? "?"}`);
  if (w.switchName || w.switchFriendly) parts.push(`vSwitch ${w.switchFriendly ?? w.switchName}${w.switchFriendly && w.switchName && w.switchName !== w.switchFriendly ? ` (${w.switchName})` : ""}`);
  if (w.fromNic) parts.push(`from NIC ${w.fromNicFriendly ? `${w.fromNicFriendly} ` : ""}(${w.fromNic})`);
  if (w.nic) parts.push(`${w.fromNic ? "to " : ""}NIC ${w.nicFriendly ? `${w.nicFriendly} ` : ""}(${w.nic})${w.nicType ? ` ${w.nicType}` : ""}`);
  if (w.port) parts.push(`port ${w.portFriendly ? `${w.portFriendly} ` : ""}(${w.port}${w.portId !== undefined ? ` id ${w.portId}` : ""})`);
  if (w.ifIndex !== undefined) parts.push(`ifIndex ${w.ifIndex}`);
  parts.push(`dir ${w.direction}`);
  return parts.join(", ");
}

/** The journey in detail: a header, the fate, then each hop with time, latency, where, names, changes and frame. */
export function journeyDetail(j: Journey, o: StoryOptions = {}): string {
  const color = o.color ?? false;
  const lines: string[] = [];
  lines.push(`#${j.id} ${j.summary}`);
  lines.push(`  ${j.flavor} capture, ${j.key}${j.nbls && j.nbls.length > 1 ? ` (NBLs ${j.nbls.join(", ")})` : ""}, ${j.hops.length} hop${j.hops.length === 1 ? "" : "s"}, ${formatLatency(j.endTicks - j.startTicks)} end to end`);
  lines.push(`  fate: ${fateText(j, color)}${j.fate.kind === "dropped" && j.fate.explanation ? `\n        ${j.fate.explanation}` : ""}`);
  for (const h of j.hops) {
    const tree = h.parent >= 0 && h.parent !== h.index - 1 ? ` (after hop ${h.parent})` : "";
    const lat = h.parent >= 0 ? `+${formatLatency(h.latencyTicks)}` : "";
    const head = `  ${String(h.index).padStart(2)}  ${h.time}  ${lat.padStart(10)}  ${h.kind.padEnd(10)} ${label(h)}${tree}`;
    lines.push(h.kind === "drop" && color ? RED + head + RESET : head);
    const nm = h.names;
    if (nm) lines.push(`        names: ${nm.label} [${nm.kind}${nm.container ? `, container ${nm.container}` : ""}${nm.network ? `, network ${nm.network}` : ""}, from ${nm.source}]`);
    lines.push(`        where: ${whereText(h)}`);
    const ev = `events ${h.eventIds.join(", ")}${h.nbl ? `, NBL ${h.nbl}` : ""}${h.pktmon ? `, pktmon ${h.pktmon.groupId}/${h.pktmon.pktNumber} appearance ${h.pktmon.appearance}` : ""}${h.vlan ? `, VLAN ${h.vlan} (out of band)` : ""}${h.delivered === false ? ", not seen delivered" : ""}`;
    lines.push(`        ${ev}`);
    if (h.drop) lines.push(`        ${color ? RED : ""}drop: ${h.drop.reasonName} (${h.drop.reason})${h.drop.side ? `, ${h.drop.side} side` : ""}${h.drop.location ? `, location ${h.drop.location}` : ""}${color ? RESET : ""}`);
    for (const c of h.changes) lines.push(`        changed: ${c.field} ${c.from} → ${c.to}`);
    if (h.frame) lines.push(`        ${color ? DIM : ""}${h.frame.bytes.length}/${h.frame.length} bytes${h.frame.summary ? `: ${h.frame.summary}` : ""}${color ? RESET : ""}`);
  }
  return lines.join("\n") + "\n";
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, "0"));

function hex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX[b[i]];
  return s;
}

/** The journey as a JSON text (frame bytes as hex; a hop whose frame equals its parent's still lists it). */
export function journeyJson(j: Journey, space?: number): string {
  return JSON.stringify(j, (_k, v: unknown) => (v instanceof Uint8Array ? hex(v) : v), space);
}
