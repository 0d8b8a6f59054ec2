/**
 * The packets seen recently, for counting each packet once: open-addressing tables over typed arrays (no object
 * per packet), in two generations of `limit` entries — when the current one is full it becomes the previous
 * one and the old previous is cleared, so lookups cover the last `limit`…2 × `limit` packets in O(1).
 *
 * Keys: pktmon (PktGroupId text, PktNumber) — the text is kept to compare exactly, its hash computed from the
 * characters — or a 53-bit number (flow key hash × fingerprint) for content-identified sightings.
 * Per packet: the flow it was first counted in, other flows it was counted in (NAT), when and where it was last
 * seen, and whether its tunnel view and its drop were counted.
 */

export const SEEN_TUNNEL = 1;
export const SEEN_DROP = 2;

class Generation {
  readonly slots: Int32Array;
  readonly str: (string | undefined)[];
  readonly num: Float64Array;
  readonly hash: Int32Array;
  readonly flow: Int32Array;
  /** A second flow the packet was counted in (NAT's other view), -1 none; a third and more go to `others`. */
  readonly flow2: Int32Array;
  readonly ticks: Float64Array;
  readonly point: Float64Array;
  readonly flags: Uint8Array;
  readonly others = new Map<number, number[]>();
  count = 0;
  constructor(readonly capacity: number) {
    this.slots = new Int32Array(capacity);
    this.str = new Array<string | undefined>(capacity).fill(undefined);
    this.num = new Float64Array(capacity);
    this.hash = new Int32Array(capacity);
    this.flow = new Int32Array(capacity);
    this.flow2 = new Int32Array(capacity);
    this.ticks = new Float64Array(capacity);
    this.point = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
  }
  clear(): void {
    this.slots.fill(0);
    this.str.fill(undefined);
    this.others.clear();
    this.count = 0;
  }
}

export function stringHash(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

/** The hash of (string, number) from the string's hash (stringHash(s, 0)) and the number. */
export function numberHash(sh: number, n: number): number {
  let h = Math.imul(sh ^ n, 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

export class Sightings {
  private gens: [Generation, Generation];
  private readonly mask: number;
  /** Generation (0/1) of the last find/insert; the handle's slot is in `slot`. */
  gen = 0;
  slot = 0;

  constructor(private readonly limit = 1 << 16) {
    const cap = 1 << Math.ceil(Math.log2(limit * 2));
    this.mask = cap - 1;
    this.gens = [new Generation(cap), new Generation(cap)];
  }

  /** Finds (string, number) → true with gen/slot set; false when absent. h = the key's hash. */
  findStr(s: string, n: number, h: number): boolean {
    for (let g = 0; g < 2; g++) {
      const t = this.gens[g];
      for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
        const v = t.slots[i];
        if (v === 0) break;
        if (t.hash[v - 1] === (h | 0) && t.num[v - 1] === n && t.str[v - 1] === s) {
          this.gen = g;
          this.slot = v - 1;
          return true;
        }
      }
    }
    return false;
  }

  findNum(n: number, h: number): boolean {
    for (let g = 0; g < 2; g++) {
      const t = this.gens[g];
      for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
        const v = t.slots[i];
        if (v === 0) break;
        if (t.hash[v - 1] === (h | 0) && t.num[v - 1] === n && t.str[v - 1] === undefined) {
          this.gen = g;
          this.slot = v - 1;
          return true;
        }
      }
    }
    return false;
  }

  /** Adds a new packet (key absent or to be shadowed); sets gen/slot. */
  insert(s: string | undefined, n: number, h: number, ticks: number, point: number): void {
    let t = this.gens[0];
    if (t.count >= this.limit) {
      const old = this.gens[1];
      old.clear();
      this.gens = [old, t];
      t = old;
    }
    const e = t.count++;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      if (t.slots[i] === 0) {
        t.slots[i] = e + 1;
        break;
      }
    }
    t.str[e] = s;
    t.num[e] = n;
    t.hash[e] = h | 0;
    t.flow[e] = -1;
    t.flow2[e] = -1;
    t.ticks[e] = ticks;
    t.point[e] = point;
    t.flags[e] = 0;
    this.gen = 0;
    this.slot = e;
  }

  /**
   * A newer packet with the found entry's key: the entry starts over for it (in place when it is in the current
   * generation; otherwise the old entry is forgotten and a new one inserted).
   */
  renew(h: number, ticks: number, point: number): void {
    const t = this.gens[this.gen];
    const e = this.slot;
    if (this.gen === 0) {
      t.flow[e] = -1;
      t.flow2[e] = -1;
      t.ticks[e] = ticks;
      t.point[e] = point;
      t.flags[e] = 0;
      t.others.delete(e);
      return;
    }
    const n = t.num[e];
    const str = t.str[e];
    t.num[e] = NaN;
    t.str[e] = undefined;
    this.insert(str, n, h, ticks, point);
  }

  // Field access for the current gen/slot.
  get flow(): number {
    return this.gens[this.gen].flow[this.slot];
  }
  set flow(v: number) {
    this.gens[this.gen].flow[this.slot] = v;
  }
  get ticks(): number {
    return this.gens[this.gen].ticks[this.slot];
  }
  set ticks(v: number) {
    this.gens[this.gen].ticks[this.slot] = v;
  }
  get point(): number {
    return this.gens[this.gen].point[this.slot];
  }
  get flags(): number {
    return this.gens[this.gen].flags[this.slot];
  }
  set flags(v: number) {
    this.gens[this.gen].flags[this.slot] = v;
  }
  /** Was the packet counted in this flow already? */
  countedIn(flow: number): boolean {
    const t = this.gens[this.gen];
    const e = this.slot;
    if (t.flow[e] === flow || t.flow2[e] === flow) return true;
    if (t.flow2[e] < 0) return false;
    const l = t.others.get(e);
    return l !== undefined && l.includes(flow);
  }

  /** Counts the packet in one more flow. */
  addOther(flow: number): void {
    const t = this.gens[this.gen];
    const e = this.slot;
    if (t.flow2[e] < 0) {
      t.flow2[e] = flow;
      return;
    }
    const l = t.others.get(e);
    if (l) l.push(flow);
    else t.others.set(e, [flow]);
  }
}
