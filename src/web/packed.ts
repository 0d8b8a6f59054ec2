/**
 * The compact record shapes shared by the server's CaptureModel and the report's browser app (browser-safe: no
 * Node imports). The model stores journeys as PackedJourney tuples and packets as templates + columns; report.html
 * embeds the same forms (PackedReport, see api.ts); both turn them into the api.ts shapes with the functions
 * here, so `serve` and a report show the same rows, records and journeys.
 */
import { IsoClock } from "../bytes/time.js";
import type { Journey } from "../journeys/types.js";
import type { PacketRecord } from "../packets/frame.js";
import { Dissection } from "../packets/dissect/core.js";
import type { Dissecter } from "../packets/dissect/dissect.js";
import { newDissecter } from "../packets/dissect/index.js";
import { summarize } from "../packets/dissect/summary.js";
import type {
  EmbeddedPackets, EmbeddedRecord, JourneyPage, JourneyQuery, JourneyRow, JourneyView, PackedHopShape, PackedJourney, PackedPackets, PackedReport, PacketRow, PacketTemplate, ReportData,
} from "./api.js";
import { columns } from "./columns.js";

export const PACKED_FORMAT = "wnvtrace-report/2" as const;

/** The per-packet numbers of a record (the rest is its template). */
export interface PacketNumbers {
  readonly number: number;
  readonly ticks: number;
  readonly cpu: number;
  readonly pid: number;
  readonly tid: number;
  readonly originalLength: number;
  readonly hash: number;
  readonly groupId: string;
  readonly pktNumber: number;
  readonly appearance: number;
}

/** A record without bytes and event reference, from its template and its numbers. */
export function recordOf(t: PacketTemplate, n: PacketNumbers): EmbeddedRecord {
  return {
    number: n.number, ticks: n.ticks, cpu: n.cpu, pid: n.pid, tid: n.tid, source: t.source, linkType: t.linkType, direction: t.direction,
    originalLength: n.originalLength, eventId: t.eventId,
    ...(t.ndis ? { ndis: t.ndis } : {}),
    ...(t.vmswitch ? { vmswitch: { ...t.vmswitch, hashValue: n.hash } } : {}),
    ...(t.pktmon ? { pktmon: { ...t.pktmon, groupId: n.groupId, pktNumber: n.pktNumber, appearance: n.appearance } } : {}),
  };
}

/** The table row of a dissected packet. `first`: ticks of packet 1. */
export function rowOf(d: Dissection, dis: Dissecter, no: number, ticks: number, first: number, length: number, where: string, t: PacketTemplate, journey: number): PacketRow {
  const cols = columns(d, dis.tables.byProto);
  return {
    no, time: Math.round(ticks - first) / 1e7, src: cols.src, dst: cols.dst, protocol: cols.protocol, length, where, info: cols.info,
    ...(t.pktmon?.drop ? { drop: t.pktmon.dropReasonName || String(t.pktmon.dropReason) } : {}),
    ...(journey ? { journey } : {}),
  };
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => (i < 16 ? "0" : "") + i.toString(16));

/** Lowercase hex without separators. */
export function toHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX[b[i]];
  return s;
}

export function fromHex(h: string): Uint8Array {
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(2 * i, 2), 16);
  return out;
}

export function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** What expanding a journey reads from its owner. */
export interface JourneyEnv {
  shape(i: number): PackedHopShape;
  place(i: number): unknown;
  fate(f: number | Journey["fate"]): Journey["fate"];
  iso(ticks: number): string;
  /** The captured bytes of packet `no` when the owner has them (null: use the hop's hex). */
  bytes(no: number): Uint8Array | null;
  /** Whether a frame taken from packet `no` carries its hex (a report leaves it to the embedded packets). */
  hexFor(no: number): boolean;
  readonly dis: Dissecter;
  readonly d: Dissection;
}

/** A PackedJourney as the UI shows it (frames as hex with their summary, hop times as ISO). */
export function expandJourney(s: PackedJourney, env: JourneyEnv): JourneyView {
  const [jid, flavor, key, nbls, summary, protocol, src, dst, startTicks, endTicks, fate, rewrites, matched, hops] = s;
  const d = env.d;
  const shapeOf = (shape: number | PackedHopShape): PackedHopShape => (typeof shape === "number" ? env.shape(shape) : shape);
  const view = {
    id: jid, flavor, key, ...(nbls ? { nbls } : {}), summary, protocol, src, dst, startTicks, endTicks,
    hops: hops.map((h, index) => {
      const [shape, parent, ticks, latencyTicks, cpu, no, nbl, group, pktNumber, appearance, flen, link, hex] = h;
      const sh = shapeOf(shape);
      let frame: { hex: string; length: number; linkType: number; summary?: string } | undefined;
      if (flen >= 0) {
        const own = no > 0 ? env.bytes(no) : null;
        if (own) {
          env.dis.run(d, own, flen, link as PacketRecord["linkType"]);
          frame = { hex: env.hexFor(no) ? toHex(own) : "", length: flen, linkType: link, summary: summarize(d) };
        } else {
          env.dis.run(d, fromHex(hex), flen, link as PacketRecord["linkType"]);
          frame = { hex, length: flen, linkType: link, summary: summarize(d) };
        }
      }
      return {
        index, parent, kind: sh.kind, ticks, time: env.iso(ticks), latencyTicks, cpu, where: env.place(sh.w),
        ...(typeof sh.n === "number" ? { names: env.place(sh.n) } : {}), eventIds: sh.eventIds,
        ...(group ? { pktmon: { groupId: group, pktNumber, appearance } } : {}),
        ...(nbl !== "" ? { nbl: typeof nbl === "number" ? (nbls as string[])[nbl] : nbl } : {}), ...(no ? { packet: no } : {}), ...(sh.vlan !== undefined ? { vlan: sh.vlan } : {}),
        ...(frame ? { frame } : {}), changes: sh.changes ?? [], ...(sh.drop ? { drop: sh.drop } : {}), ...(sh.delivered !== undefined ? { delivered: sh.delivered } : {}),
      };
    }),
    fate: env.fate(fate),
    rewrites: rewrites.map((r) => (Array.isArray(r) ? { hop: r[0], by: r[1], ...shapeOf(hops[r[0]][0]).changes[r[2]] } : r)),
    ...(matched ? { matched: true } : {}),
  };
  return view as unknown as JourneyView;
}

// ---- journeys list (api.ts JourneyRow / JourneyPage) ---------------------------------------------------------

export const FATE_KINDS = ["delivered", "dropped", "unfinished"] as const;

/** Page size limit of the journeys list. */
export const MAX_JOURNEY_PAGE = 1000;

/** The fate of a JourneyQuery when valid ("" none); null when it is not a fate kind. */
export function fateOf(v: string | null | undefined): JourneyRow["fate"] | "" | null {
  if (!v) return "";
  return (FATE_KINDS as readonly string[]).includes(v) ? (v as JourneyRow["fate"]) : null;
}

/** The search text of a query: trimmed, lowercase, no line breaks ("" matches everything). */
export function searchText(q: string | undefined): string {
  return (q ?? "").replace(/[\r\n]+/g, " ").trim().toLowerCase();
}

/** Distinct labels in order (a journey's `containers`: the hop names' labels, first appearance first). */
export function distinctLabels(names: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    const label = (n as { label?: unknown } | null | undefined)?.label;
    if (typeof label === "string" && label && !out.includes(label)) out.push(label);
  }
  return out;
}

/** Whether a row passes the fate and text parts of a query (`text` from searchText). */
export function journeyRowMatches(r: JourneyRow, fate: JourneyRow["fate"] | "", text: string): boolean {
  if (fate && r.fate !== fate) return false;
  if (!text) return true;
  return r.summary.toLowerCase().includes(text) || r.where.toLowerCase().includes(text) || (r.reason ?? "").toLowerCase().includes(text) ||
    r.containers.some((c) => c.toLowerCase().includes(text));
}

/** The list row of a stored journey (`first`: ticks of packet 1). */
export function journeyRowOf(s: PackedJourney, env: Pick<JourneyEnv, "shape" | "place" | "fate">, first: number): JourneyRow {
  const [id, , , , summary, protocol, src, dst, startTicks, endTicks, fate, , , hops] = s;
  const f = env.fate(fate);
  const names: unknown[] = [];
  for (const h of hops) {
    const sh = typeof h[0] === "number" ? env.shape(h[0]) : h[0];
    if (typeof sh.n === "number") names.push(env.place(sh.n));
  }
  return {
    id, summary, protocol, src, dst, startTime: Math.round(startTicks - first) / 1e7, hops: hops.length, durationUs: (endTicks - startTicks) / 10,
    fate: f.kind, where: f.location ?? "", ...(f.kind === "dropped" && f.reasonName ? { reason: f.reasonName } : {}), containers: distinctLabels(names),
  };
}

/**
 * A PackedReport read on demand: rows, records and journeys are built when asked for (and rows cached), so a
 * report opens after one JSON.parse and a page of rows costs a page of dissections.
 */
export class PackedView {
  readonly count: number;
  private readonly pk: PackedPackets | undefined;
  private readonly ticks: Float64Array;
  private blob: Uint8Array | null = null;
  private readonly rows: (PacketRow | undefined)[];
  private readonly recs: (EmbeddedRecord | undefined)[];
  readonly dis: Dissecter = newDissecter();
  private readonly d = new Dissection();
  private readonly env: JourneyEnv;

  constructor(readonly data: PackedReport) {
    if (data.format !== PACKED_FORMAT) throw new Error(`report data format ${String(data.format)}, this app reads ${PACKED_FORMAT}`);
    this.pk = data.packets;
    this.count = this.pk?.count ?? 0;
    this.ticks = new Float64Array(this.count);
    let t = 0;
    for (let i = 0; i < this.count; i++) this.ticks[i] = t += this.pk!.ticks[i];
    this.rows = new Array<PacketRow | undefined>(this.count);
    this.recs = new Array<EmbeddedRecord | undefined>(this.count);
    const j = data.journeys;
    const clock = new IsoClock(BigInt(data.traceStart));
    this.env = {
      shape: (i) => j.shapes[i],
      place: (i) => (i >= 0 ? j.places[i] : j.placeSnaps[-1 - i]),
      fate: (f) => (typeof f === "number" ? j.fates[f] : f),
      iso: (ticks) => clock.iso(ticks),
      bytes: (no) => (no >= 1 && no <= this.count ? this.bytes(no - 1) : null),
      hexFor: () => false,
      dis: this.dis,
      d: new Dissection(),
    };
  }

  /** Captured bytes of packet index i. */
  bytes(i: number): Uint8Array {
    const pk = this.pk!;
    this.blob ??= fromBase64(pk.bytes);
    const b = pk.blob[i];
    return this.blob.subarray(pk.offsets[b], pk.offsets[b + 1]);
  }

  template(i: number): PacketTemplate {
    return this.pk!.templates[this.pk!.tmpl[i]];
  }

  record(i: number): EmbeddedRecord {
    let r = this.recs[i];
    if (!r) {
      const pk = this.pk!;
      r = this.recs[i] = recordOf(this.template(i), {
        number: i + 1, ticks: this.ticks[i], cpu: pk.cpu[i], pid: pk.pid[i], tid: pk.tid[i], originalLength: pk.length[i], hash: pk.hash?.[i] ?? 0,
        groupId: pk.groups?.[pk.group?.[i] ?? 0] ?? "", pktNumber: pk.pktNumber?.[i] ?? 0, appearance: pk.appearance?.[i] ?? 0,
      });
    }
    return r;
  }

  /** Dissects packet index i into `d`. */
  dissect(i: number, d: Dissection): Dissection {
    this.dis.run(d, this.bytes(i), this.pk!.length[i], this.template(i).linkType);
    return d;
  }

  row(i: number): PacketRow {
    let r = this.rows[i];
    if (!r) {
      const pk = this.pk!;
      r = this.rows[i] = rowOf(this.dissect(i, this.d), this.dis, i + 1, this.ticks[i], pk.firstTicks, pk.length[i], pk.places[pk.where[i]], this.template(i), pk.journey[i]);
    }
    return r;
  }

  get journeyCount(): number {
    return this.data.journeys.list.length;
  }

  journey(id: number): JourneyView | null {
    const list = this.data.journeys.list;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = list[mid][0];
      if (v === id) return expandJourney(list[mid], this.env);
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }

  private jrows: JourneyRow[] | null = null;

  /** Every embedded journey's list row, in id order (built once). */
  journeyRows(): JourneyRow[] {
    this.jrows ??= this.data.journeys.list.map((s) => journeyRowOf(s, this.env, this.pk?.firstTicks ?? 0));
    return this.jrows;
  }

  /**
   * A page of the journeys list (as /api/journeys answers it). `inFilter`: the journey ids whose hops' packets
   * match the query's `-Y` filter (the caller runs the filter over the embedded packets); absent: no filter.
   */
  journeyPage(q: JourneyQuery, offset: number, limit: number, inFilter?: ReadonlySet<number>): JourneyPage {
    const all = this.journeyRows();
    const fate = fateOf(q.fate) ?? "";
    const text = searchText(q.q);
    const list = !fate && !text && !inFilter ? all : all.filter((r) => (!inFilter || inFilter.has(r.id)) && journeyRowMatches(r, fate, text));
    const off = Math.max(0, Math.min(offset, list.length));
    return { total: all.length, matched: list.length, offset: off, rows: list.slice(off, off + Math.max(0, Math.min(limit, MAX_JOURNEY_PAGE))) };
  }

  /** Journey id of packet index i (0: none). */
  journeyOf(i: number): number {
    return this.pk?.journey[i] ?? 0;
  }

  /** The whole ReportData (tests; the app reads on demand). `bytes` is the concatenation of every packet's bytes. */
  expand(): ReportData {
    const { overview, topology, flows, findings, timeline } = this.data;
    let packets: EmbeddedPackets | undefined;
    if (this.pk) {
      const parts: Uint8Array[] = [];
      const offsets = [0];
      let o = 0;
      for (let i = 0; i < this.count; i++) {
        const b = this.bytes(i);
        parts.push(b);
        offsets.push((o += b.length));
      }
      let bin = "";
      for (const p of parts) for (let k = 0; k < p.length; k++) bin += String.fromCharCode(p[k]);
      packets = {
        rows: Array.from({ length: this.count }, (_, i) => this.row(i)), records: Array.from({ length: this.count }, (_, i) => this.record(i)),
        bytes: btoa(bin), offsets, total: this.pk.total,
      };
    }
    const journeys = this.data.journeys.list.map((s) => expandJourney(s, this.env));
    return { overview, topology, flows, findings, timeline, journeys, ...(packets ? { packets } : {}) };
  }
}
