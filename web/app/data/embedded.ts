/**
 * The report's data source: ReportData parsed from <script type="application/json" id="wnv-data">. Filtering,
 * dissection and the detail tree run here with the CLI's own modules (src/filter, src/packets/dissect,
 * src/packets/tree), so a filter means the same in the report as in `wnvtrace packets -Y`.
 */
import type { EmbeddedPackets, LoadStatus, Overview, PacketDetail, PacketPage, PacketRow, ReportData, JourneyView, TopologyView, Timeline, TreeNodeView } from "../../../src/web/api.js";
import type { FlowsResult } from "../../../src/flows/types.js";
import type { FindingsResult } from "../../../src/findings/types.js";
import type { PacketRecord } from "../../../src/packets/frame.js";
import type { TreeNode } from "../../../src/packets/dissect/core.js";
import { Dissection } from "../../../src/packets/dissect/core.js";
import { newDissecter } from "../../../src/packets/dissect/index.js";
import { layerTrees } from "../../../src/packets/tree.js";
import { compileFilter, FilterError } from "../../../src/filter/mod.js";
import type { PacketFilter } from "../../../src/filter/mod.js";
import type { DataSource } from "./source.js";
import { FilterFailure, NotFound } from "./source.js";
import { fromBase64 } from "../dom.js";
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
  private readonly pk: EmbeddedPackets | undefined;
  private bytes: Uint8Array | null = null;
  private full: PacketRecord[] | null = null;
  private readonly dis = newDissecter();
  private readonly d = new Dissection();
  /** Matching row indices per filter text (a few recent filters). */
  private readonly matches = new Map<string, Promise<Int32Array>>();

  constructor(private readonly data: ReportData) {
    this.pk = data.packets;
    this.hasPackets = !!this.pk && this.pk.rows.length > 0;
  }

  static fromDocument(el: HTMLElement): EmbeddedSource {
    return new EmbeddedSource(JSON.parse(el.textContent ?? "{}") as ReportData);
  }

  private bytesOf(i: number): Uint8Array {
    const pk = this.pk!;
    this.bytes ??= fromBase64(pk.bytes);
    return this.bytes.subarray(pk.offsets[i], pk.offsets[i + 1]);
  }

  private records(): PacketRecord[] {
    if (!this.full) {
      const pk = this.pk!;
      this.full = pk.records.map((r, i) => ({ ...r, bytes: this.bytesOf(i) }) as unknown as PacketRecord);
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
    if (!f || !this.pk) return null;
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
      this.dis.run(this.d, p.bytes, p.originalLength, p.linkType);
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
    const rows = this.pk?.rows ?? [];
    const total = this.pk?.total ?? 0;
    const m = this.match(filter);
    if (!m) return { total, matched: rows.length, offset, rows: rows.slice(offset, offset + limit) };
    const ix = await m;
    const out: PacketRow[] = [];
    for (let i = offset; i < Math.min(ix.length, offset + limit); i++) out.push(rows[ix[i]]);
    return { total, matched: ix.length, offset, rows: out };
  }

  private indexOfNo(no: number): number {
    const rows = this.pk?.rows ?? [];
    let lo = 0;
    let hi = rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = rows[mid].no;
      if (v === no) return mid;
      if (v < no) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
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
    if (i < 0 || !this.pk) throw new NotFound(`packet ${no} is not in this report`);
    const rec = this.pk.records[i];
    const b = this.bytesOf(i);
    this.dis.run(this.d, b, rec.originalLength, rec.linkType);
    const tree = layerTrees(this.d, this.dis.tables.byProto).map(toView);
    let hex = "";
    for (const x of b) hex += (x < 16 ? "0" : "") + x.toString(16);
    return { row: this.pk.rows[i], meta: recordMeta(rec, b.length), tree, hex, originalLength: rec.originalLength };
  }

  async journey(id: number): Promise<JourneyView> {
    const j = this.data.journeys[id - 1]?.id === id ? this.data.journeys[id - 1] : this.data.journeys.find((x) => x.id === id);
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
    return this.data.journeys.length;
  }
}
