/**
 * The layer loop: from the link type, hand each layer to the next dissector through the tables until a
 * dissector says stop. One Dissection object and one context are reused for every packet.
 */
import type { Dissector, FieldSpec } from "./core.js";
import { Dissection, DissectorTables, Proto } from "./core.js";
import { LinkType } from "../frame.js";

export interface DissectorModule {
  readonly dissector: Dissector;
  /** Registers the dissector's handoffs (ethertype, IP protocol, ports) in the tables. */
  readonly handoff: (t: DissectorTables) => void;
}

/** Builds tables from a list of dissector modules (no import side effects: tests can build their own). */
export function buildTables(modules: readonly DissectorModule[]): DissectorTables {
  const t = new DissectorTables();
  for (const m of modules) t.add(m.dissector);
  for (const m of modules) m.handoff(t);
  return t;
}

/** All filterable fields of the registered dissectors, by abbreviation. */
export function fieldRegistry(t: DissectorTables): Map<string, { field: FieldSpec; proto: Proto }> {
  const m = new Map<string, { field: FieldSpec; proto: Proto }>();
  for (const d of t.byProto) {
    if (!d) continue;
    for (const f of d.fields) m.set(f.abbrev, { field: f, proto: d.proto });
  }
  return m;
}

const FIRST: Record<number, Proto> = {
  [LinkType.Ethernet]: Proto.Eth,
  [LinkType.RawIp]: Proto.Ipv4, // refined by the version nibble below
  [LinkType.Ieee80211]: Proto.Dot11,
};

export class Dissecter {
  readonly tables: DissectorTables;
  private readonly ctx = { tables: null as unknown as DissectorTables, next: 0, nextEnd: 0 };

  constructor(tables: DissectorTables) {
    this.tables = tables;
    this.ctx.tables = tables;
  }

  /** Dissects `bytes` (link type `linkType`) into `d`. */
  run(d: Dissection, bytes: Uint8Array, wireLength: number, linkType: number): Dissection {
    d.reset(bytes, wireLength);
    let proto: Proto = FIRST[linkType] ?? Proto.Data;
    if (linkType === LinkType.RawIp && bytes.length > 0 && bytes[0] >> 4 === 6) proto = Proto.Ipv6;
    let off = 0;
    let end = bytes.length;
    const ctx = this.ctx;
    let guard = 0;
    while (proto !== Proto.None && guard++ < 32) {
      const dis = this.tables.byProto[proto];
      if (!dis) break;
      ctx.next = end;
      ctx.nextEnd = end;
      const parentIndex = d.n;
      const next = dis.decode(d, off, end, ctx);
      if (d.n > parentIndex) d.parent[parentIndex] = parentIndex - 1;
      if (next === Proto.None) break;
      off = ctx.next;
      end = ctx.nextEnd;
      if (off >= end && next !== Proto.Data) break;
      proto = next;
    }
    return d;
  }
}

export { Dissection };
