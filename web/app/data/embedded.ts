/**
 * The report's data source: the PackedReport embedded in <script id="wnv-data"> (deflate-raw + base64, see
 * src/web/api.ts), inflated once at start and read on demand through PackedView (src/web/packed.ts: rows and
 * journeys are rebuilt from the embedded bytes and tuples when shown). Filtering, dissection and the detail tree
 * run here with the CLI's own modules (src/filter, src/packets/dissect, src/packets/tree), so a filter means the
 * same in the report as in `wnvtrace packets -Y`.
 */
import type { LoadStatus, Overview, PackedReport, PacketDetail, PacketPage, PacketRow, JourneyPage, JourneyQuery, JourneyView, TopologyView, Timeline, TreeNodeView } from "../../../src/web/api.js";
import type { FlowsResult } from "../../../src/flows/types.js";
import type { FindingsResult } from "../../../src/findings/types.js";
import type { PacketRecord } from "../../../src/packets/frame.js";
import type { TreeNode } from "../../../src/packets/dissect/core.js";
import { Dissection } from "../../../src/packets/dissect/core.js";
import { layerTrees } from "../../../src/packets/tree.js";
import { compileFilter, FilterError } from "../../../src/filter/mod.js";
import type { PacketFilter } from "../../../src/filter/mod.js";
import { PackedView, fromBase64, toHex } from "../../../src/web/packed.js";
import type { DataSource } from "./source.js";
import { FilterFailure, NotFound } from "./source.js";
import { recordMeta } from "./meta.js";

const CHUNK = 20000;
const yieldToUi = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function toView(n: TreeNode): TreeNodeView {
  return n.children ? { label: n.label, start: n.start, length: n.length, children: n.children.map(toView) } : { label: n.label, start: n.start, length: n.length };
}

/** The bare message of a FilterError (its text also carries the filter and a caret line). */
export function filterMessage(e: FilterError): string {
  const m = /^filter: ([\s\S]*?) at column \d+\n/.exec(e.message);
  return m ? m[1] : e.message.split("\n")[0];
}

export class EmbeddedSource implements DataSource {
  readonly kind = "embedded";
  readonly hasPackets: boolean;
  private readonly pv: PackedView;
  private full: PacketRecord[] | null = null;
  private readonly d = new Dissection();
  /** Matching row indices per filter text (a few recent filters). */
  private readonly matches = new Map<string, Promise<Int32Array>>();

  constructor(private readonly data: PackedReport) {
    this.pv = new PackedView(data);
    this.hasPackets = this.pv.count > 0;
  }

  /** Reads the data element: deflate-raw + base64 (what `wnvtrace report` writes) or plain JSON. */
  static async fromDocument(el: HTMLElement): Promise<EmbeddedSource> {
    const text = el.textContent ?? "";
    if (el.dataset.encoding === "deflate-raw+base64") {
      const packed = fromBase64(text.trim());
      const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
      return new EmbeddedSource(JSON.parse(await new Response(stream).text()) as PackedReport);
    }
    return new EmbeddedSource(JSON.parse(text || "{}") as PackedReport);
  }

  /** Records with their bytes, for the filter (built once, on the first filter). */
  private records(): PacketRecord[] {
    if (!this.full) {
      const pv = this.pv;
      this.full = Array.from({ length: pv.count }, (_, i) => ({ ...pv.record(i), bytes: pv.bytes(i) }) as unknown as PacketRecord);
    }
    return this.full;
  }

  private compile(filter: string): PacketFilter {
    try {
      return compileFilter(filter);
    } catch (e) {
      if (e instanceof FilterError) throw new FilterFailure(filter, Math.max(0, e.column - 1), filterMessage(e));
      throw e;
    }
  }

  /** Row indices matching `filter` (null: every row). */
  private match(filter: string): Promise<Int32Array> | null {
    const f = filter.trim();
    if (!f || !this.hasPackets) return null;
    let m = this.matches.get(f);
    if (!m) {
      const pred = this.compile(f);
      m = this.run(pred);
      if (this.matches.size >= 8) this.matches.delete(this.matches.keys().next().value as string);
      this.matches.set(f, m);
    }
    return m;
  }

  private async run(pred: PacketFilter): Promise<Int32Array> {
    const recs = this.records();
    const out = new Int32Array(recs.length);
    let n = 0;
    for (let i = 0; i < recs.length; i++) {
      if (i > 0 && i % CHUNK === 0) await yieldToUi();
      const p = recs[i];
      this.pv.dis.run(this.d, p.bytes, p.originalLength, p.linkType);
      if (pred(this.d, p)) out[n++] = i;
    }
    return out.slice(0, n);
  }

  async status(): Promise<LoadStatus> {
    return { state: "ready", done: this.data.overview.fileBytes, total: this.data.overview.fileBytes, packets: this.data.overview.packets };
  }
  async overview(): Promise<Overview> {
    return this.data.overview;
  }

  async packets(filter: string, offset: number, limit: number): Promise<PacketPage> {
    const pv = this.pv;
    const total = this.data.packets?.total ?? 0;
    const m = this.match(filter);
    const out: PacketRow[] = [];
    if (!m) {
      for (let i = Math.max(0, offset); i < Math.min(pv.count, offset + limit); i++) out.push(pv.row(i));
      return { total, matched: pv.count, offset, rows: out };
    }
    const ix = await m;
    for (let i = offset; i < Math.min(ix.length, offset + limit); i++) out.push(pv.row(ix[i]));
    return { total, matched: ix.length, offset, rows: out };
  }

  /** Packets are numbers 1 … count in order. */
  private indexOfNo(no: number): number {
    return Number.isInteger(no) && no >= 1 && no <= this.pv.count ? no - 1 : -1;
  }

  async indexOf(filter: string, no: number): Promise<number> {
    const i = this.indexOfNo(no);
    if (i < 0) return -1;
    const m = this.match(filter);
    if (!m) return i;
    const ix = await m;
    let lo = 0;
    let hi = ix.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ix[mid] === i) return mid;
      if (ix[mid] < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  async packet(no: number): Promise<PacketDetail> {
    const i = this.indexOfNo(no);
    if (i < 0) throw new NotFound(`packet ${no} is not in this report`);
    const pv = this.pv;
    const rec = pv.record(i);
    const b = pv.bytes(i);
    const row = pv.row(i);
    pv.dis.run(this.d, b, rec.originalLength, rec.linkType);
    const tree = layerTrees(this.d, pv.dis.tables.byProto).map(toView);
    return { row, meta: recordMeta(rec, b.length), tree, hex: toHex(b), originalLength: rec.originalLength };
  }

  /** Journey ids per `-Y` filter (the journeys of the embedded packets it matches). */
  private readonly journeyIds = new Map<string, Set<number>>();

  async journeys(q: JourneyQuery, offset: number, limit: number): Promise<JourneyPage> {
    const f = (q.filter ?? "").trim();
    let ids: Set<number> | undefined;
    if (f) {
      ids = this.journeyIds.get(f);
      if (!ids) {
        const m = this.match(f);
        ids = new Set<number>();
        if (m) for (const i of await m) if (this.pv.journeyOf(i)) ids.add(this.pv.journeyOf(i));
        if (this.journeyIds.size >= 8) this.journeyIds.delete(this.journeyIds.keys().next().value as string);
        this.journeyIds.set(f, ids);
      }
    }
    return this.pv.journeyPage(q, offset, limit, ids);
  }

  async journey(id: number): Promise<JourneyView> {
    const j = this.pv.journey(id);
    if (!j) throw new NotFound(`journey ${id} is not in this report`);
    return j;
  }
  async topology(): Promise<TopologyView> {
    return this.data.topology;
  }
  async flows(): Promise<FlowsResult> {
    return this.data.flows;
  }
  async findings(): Promise<FindingsResult> {
    return this.data.findings;
  }
  async timeline(): Promise<Timeline> {
    return this.data.timeline;
  }
  /** Journey ids the report carries (for the journey picker). */
  journeyCount(): number {
    return this.pv.journeyCount;
  }
}
