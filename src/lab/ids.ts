/**
 * Deterministic identities for the lab: GUIDs, docker IDs, MACs and a small PRNG, all derived from a seed
 * (the scenario's `seed`, default its name) with SHA-256, so that the same scenario always writes the same files.
 */
import { createHash } from "node:crypto";

export class Ids {
  constructor(readonly seed: string) {}

  private digest(kind: string, name: string): Buffer {
    return createHash("sha256").update(`${this.seed}\0${kind}\0${name}`).digest();
  }

  /** A version-4-shaped GUID, lower case. */
  guid(kind: string, name: string): string {
    const d = this.digest(kind, name);
    d[6] = (d[6] & 0x0f) | 0x40;
    d[8] = (d[8] & 0x3f) | 0x80;
    const h = d.subarray(0, 16).toString("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  /** A 64-hex docker ID (container, network, endpoint). */
  dockerId(kind: string, name: string): string {
    return this.digest(kind, name).toString("hex");
  }

  /** `n` bytes of the digest. */
  bytes(kind: string, name: string, n: number): Uint8Array {
    return new Uint8Array(this.digest(kind, name).subarray(0, n));
  }

  /** An integer in [0, max). */
  int(kind: string, name: string, max: number): number {
    return this.digest(kind, name).readUInt32BE(0) % max;
  }
}

/** Small seeded PRNG (mulberry32) for per-hop jitter. */
export class Rng {
  private s: number;
  constructor(seed: string) {
    let h = 1779033703 ^ seed.length;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    this.s = h >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
}
