/**
 * Hand-made packet builders for the dissector tests: headers are assembled field by field from the RFC layouts
 * (lengths computed, checksums left 0 — no dissector checks them), and small helpers to dissect, read fields and
 * search detail trees.
 */
import { Dissection, fieldRegistry, newDissecter } from "../../src/packets/mod.js";
import type { FieldSpec, TreeNode } from "../../src/packets/mod.js";

export type Bytes = Uint8Array | readonly number[];

export function cat(...parts: Bytes[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const u16 = (v: number): number[] => [(v >>> 8) & 255, v & 255];
export const u32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
export const le16 = (v: number): number[] => [v & 255, (v >>> 8) & 255];
export const hex = (s: string): number[] => (s.replace(/\s+/g, "").match(/../g) ?? []).map((h) => parseInt(h, 16));
export const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
export const mac = (s: string): number[] => s.split(/[:-]/).map((h) => parseInt(h, 16));
export const ip4 = (s: string): number[] => s.split(".").map(Number);
/** A 48-bit MAC as the number mac fields return. */
export const macNum = (s: string): number => mac(s).reduce((a, b) => a * 256 + b, 0);
/** A dotted quad as the number ipv4 fields return. */
export const ip4Num = (s: string): number => ip4(s).reduce((a, b) => a * 256 + b, 0);

export function ip6(s: string): number[] {
  const [head, tail] = s.includes("::") ? s.split("::") : [s, undefined];
  const words = (x: string | undefined): number[] => (x ? x.split(":").map((w) => parseInt(w, 16)) : []);
  const h = words(head);
  const t = words(tail);
  const all = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap((w) => u16(w));
}
/** 32 hex digits, as ipv6 fields return. */
export const ip6Hex = (s: string): string => ip6(s).map((b) => b.toString(16).padStart(2, "0")).join("");

/** DNS name in wire form ("google.com" → 06 google 03 com 00). */
export const dnsName = (s: string): number[] => [...s.split(".").filter(Boolean).flatMap((l) => [l.length, ...ascii(l)]), 0];

export function eth(dst: string, src: string, type: number, payload: Bytes): Uint8Array {
  return cat(mac(dst), mac(src), u16(type), payload);
}

export function ipv4(src: string, dst: string, proto: number, payload: Bytes, ttl = 64): Uint8Array {
  return cat([0x45, 0, ...u16(20 + payload.length), 0x12, 0x34, 0x40, 0, ttl, proto, 0, 0], ip4(src), ip4(dst), payload);
}

export function ipv6(src: string, dst: string, next: number, payload: Bytes, hlim = 64): Uint8Array {
  return cat([0x60, 0, 0, 0, ...u16(payload.length), next, hlim], ip6(src), ip6(dst), payload);
}

export function udp(sport: number, dport: number, payload: Bytes): Uint8Array {
  return cat(u16(sport), u16(dport), u16(8 + payload.length), [0, 0], payload);
}

/** TCP header without options; flags e.g. 0x18 (PSH, ACK). */
export function tcp(sport: number, dport: number, seq: number, ack: number, flags: number, payload: Bytes, win = 512): Uint8Array {
  return cat(u16(sport), u16(dport), u32(seq), u32(ack), [0x50, flags], u16(win), [0, 0, 0, 0], payload);
}

/** ICMP echo request with `n` bytes of data. */
export function icmpEcho(id: number, seq: number, n = 56): Uint8Array {
  return cat([8, 0, 0, 0], u16(id), u16(seq), new Array(n).fill(0x61));
}

const dissecter = newDissecter();
const registry = fieldRegistry(dissecter.tables);

/** Dissects `bytes` (link type 1 Ethernet, 105 802.11, 101 raw IP) into a fresh Dissection. */
export function dissect(bytes: Bytes, linkType = 1, wireLength?: number): Dissection {
  const b = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
  return dissecter.run(new Dissection(), b, wireLength ?? b.length, linkType);
}

/** Protocol abbreviations of the layers, outermost first ("eth/ip/udp/dns"). */
export function layers(d: Dissection): string {
  return Array.from(d.proto.subarray(0, d.n), (p) => dissecter.tables.byProto[p]?.abbrev ?? `#${p}`).join("/");
}

/** Value of a field, read from the first layer of its protocol (or the `nth` one: -1 for the innermost). */
export function fv(d: Dissection, abbrev: string, nth = 0): ReturnType<FieldSpec["get"]> {
  const r = registry.get(abbrev);
  if (!r) throw new Error(`no field ${abbrev}`);
  const idx: number[] = [];
  for (let i = 0; i < d.n; i++) if (d.proto[i] === r.proto) idx.push(i);
  const i = nth < 0 ? idx[idx.length + nth] : idx[nth];
  return i === undefined ? undefined : r.field.get(d, i);
}

/** The tree of the first layer of protocol `abbrev`. */
export function treeOf(d: Dissection, abbrev: string, nth = 0): TreeNode {
  const dis = dissecter.tables.byAbbrev.get(abbrev);
  if (!dis?.tree) throw new Error(`no tree for ${abbrev}`);
  let k = 0;
  for (let i = 0; i < d.n; i++) if (d.proto[i] === dis.proto && k++ === nth) return dis.tree(d, i);
  throw new Error(`no ${abbrev} layer`);
}

/** All labels of a tree, depth first. */
export function labels(t: TreeNode): string[] {
  return [t.label, ...(t.children ?? []).flatMap(labels)];
}

/** The first node carrying field `abbrev`. */
export function nodeFor(t: TreeNode, abbrev: string): TreeNode | undefined {
  if (t.field === abbrev) return t;
  for (const c of t.children ?? []) {
    const n = nodeFor(c, abbrev);
    if (n) return n;
  }
  return undefined;
}

/**
 * Every field of every layer and every tree, read once: must not throw on any input. Returns the tree nodes of
 * the `checked` protocols whose byte range falls outside the captured bytes.
 */
export function touchEverything(d: Dissection, checked: ReadonlySet<number> = new Set()): string[] {
  const bad: string[] = [];
  const walk = (t: TreeNode): void => {
    if (t.start < 0 || t.length < 0 || t.start + t.length > d.length) bad.push(`${t.label} [${t.start}+${t.length}] of ${d.length}`);
    for (const c of t.children ?? []) walk(c);
  };
  for (let i = 0; i < d.n; i++) {
    const dis = dissecter.tables.byProto[d.proto[i]];
    if (!dis) continue;
    for (const f of dis.fields) f.get(d, i);
    const t = dis.tree?.(d, i);
    if (t && checked.has(d.proto[i])) walk(t);
  }
  return bad;
}

/** Deterministic PRNG (mulberry32) for reproducible fuzzing. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
