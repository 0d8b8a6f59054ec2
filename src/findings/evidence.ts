/**
 * Evidence lists with a cap: the first MAX_EVIDENCE items are kept, the rest only counted, so a capture with a
 * million dropped packets costs a counter, not a million numbers.
 */
import type { EventRef, Evidence, HopRef } from "./types.js";

export const MAX_EVIDENCE = 25;

/** Packet numbers of one kind of event (a SYN, a query, a drop …), with first/last time. */
export class Refs {
  readonly nums: number[] = [];
  total = 0;
  first = -1;
  last = -1;

  add(no: number, ticks: number): void {
    this.total++;
    if (this.nums.length < MAX_EVIDENCE) this.nums.push(no);
    if (this.first < 0 || ticks < this.first) this.first = ticks;
    if (ticks > this.last) this.last = ticks;
  }

  /** Counts an occurrence that has no packet number (a VmSwitch drop event). */
  count(ticks: number): void {
    this.total++;
    if (this.first < 0 || ticks < this.first) this.first = ticks;
    if (ticks > this.last) this.last = ticks;
  }

  merge(o: Refs): void {
    this.total += o.total;
    for (const n of o.nums) if (this.nums.length < MAX_EVIDENCE && !this.nums.includes(n)) this.nums.push(n);
    if (o.first >= 0 && (this.first < 0 || o.first < this.first)) this.first = o.first;
    if (o.last > this.last) this.last = o.last;
  }
}

/** Builds one Finding's evidence. */
export class EvidenceBuilder {
  private readonly packets = new Set<number>();
  private readonly journeys = new Set<number>();
  private readonly hops: HopRef[] = [];
  private readonly flows = new Set<number>();
  private readonly events: EventRef[] = [];
  private extra = 0;

  packet(no: number): this {
    if (this.packets.size < MAX_EVIDENCE) this.packets.add(no);
    else if (!this.packets.has(no)) this.extra++;
    return this;
  }
  refs(r: Refs | undefined): this {
    if (!r) return this;
    for (const n of r.nums) this.packet(n);
    this.extra += Math.max(0, r.total - r.nums.length);
    return this;
  }
  journey(id: number): this {
    if (this.journeys.size < MAX_EVIDENCE) this.journeys.add(id);
    else this.extra++;
    return this;
  }
  hop(journey: number, hop: number): this {
    if (this.hops.length < MAX_EVIDENCE) this.hops.push({ journey, hop });
    return this;
  }
  flow(id: number): this {
    if (this.flows.size < MAX_EVIDENCE) this.flows.add(id);
    else this.extra++;
    return this;
  }
  event(e: EventRef): this {
    if (this.events.length < MAX_EVIDENCE) this.events.push(e);
    else this.extra++;
    return this;
  }
  get empty(): boolean {
    return this.packets.size + this.journeys.size + this.flows.size + this.events.length === 0;
  }
  build(): Evidence {
    return {
      packets: [...this.packets].sort((a, b) => a - b),
      journeys: [...this.journeys].sort((a, b) => a - b),
      hops: this.hops,
      flows: [...this.flows].sort((a, b) => a - b),
      events: this.events,
      more: this.extra,
    };
  }
}
