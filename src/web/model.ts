/**
 * CaptureModel: everything the web UI shows about one capture, built in ONE streaming pass (JourneyReader with
 * its onPacket/onRecord hooks feeding the flows table, the topology collector, the findings collector and the
 * packet store), then answered from memory:
 *
 *   - packets: compact columns (typed arrays, interned metadata "templates", captured bytes in 16 MiB slabs; no
 *     object per packet: ~90 bytes + the captured bytes each). Table rows, the detail tree and the -Y filter
 *     re-dissect the stored bytes on demand, so a page costs O(page) and the last filter's match list is cached;
 *   - journeys: one compact JSON text each (hop "shapes" — kind, where, names, changes — interned; frames point
 *     at their packet instead of copying the bytes), expanded to JourneyView on request;
 *   - flows, topology, findings: the stages' own results; timeline: packets per bin per "where".
 *
 * Loading is incremental (step(budgetMs)) so a server can answer /api/status while it runs.
 */
import { basename } from "node:path";
import { statSync } from "node:fs";
import type { EtlRecord } from "../etl/mod.js";
import { TraceDecoder } from "../events/mod.js";
import type { FindingsResult } from "../findings/types.js";
import type { FlowsResult } from "../flows/mod.js";
import { FlowTable, WINNAT_GUID, labelEndpoints, winNatSessionOf } from "../flows/mod.js";
import { compileFilter, FilterError } from "../filter/mod.js";
import type { PacketFilter } from "../filter/mod.js";
import type { Inventory } from "../inventory/mod.js";
import { InventoryLookup } from "../inventory/mod.js";
import type { Journey } from "../journeys/mod.js";
import { IsoClock, JourneyReader } from "../journeys/mod.js";
import type { Dissector, PacketRecord, TreeNode } from "../packets/mod.js";
import { Dissection, NDISCAP_GUID, PKTMON_GUID, layerTrees, newDissecter } from "../packets/mod.js";
import type { Dissecter } from "../packets/mod.js";
import { describeInterface } from "../export/mod.js";
import type { Topology } from "../topology/mod.js";
import { TopologyCollector, buildTopology, finishTopology, topologyGraph } from "../topology/mod.js";
import { FindingsCollector } from "../findings/mod.js";
import type {
  EmbeddedPackets, EmbeddedRecord, JourneyPage, JourneyQuery, JourneyRow, JourneyView, LoadStatus, Overview, PackedHop, PackedHopShape, PackedJourney, PackedJourneys, PackedPackets, PackedReport, PackedRewrite,
  PacketDetail, PacketPage, PacketRow, PacketTemplate, ReportData, Timeline, TopologyView,
} from "./api.js";
import { FATE_KINDS, MAX_JOURNEY_PAGE, PACKED_FORMAT, distinctLabels, expandJourney, fateOf, recordOf, rowOf, searchText } from "./packed.js";
import type { JourneyEnv } from "./packed.js";
import { grown } from "../bytes/arrays.js";
export { columns } from "./columns.js";

export interface CaptureModelOptions {
  /** Host state to name containers, networks and NICs (never required). */
  readonly inventory?: Inventory | null;
  /** Overview.file; default the file's base name. */
  readonly name?: string;
}

/** Page size limit of /api/packets. */
export const MAX_PAGE = 5000;

const CHUNK = 16 * 1024 * 1024;

/**
 * Metadata shared by many packets: everything of a PacketRecord but the per-packet numbers (vmswitch.hashValue,
 * pktmon groupId/pktNumber/appearance are Cols).
 */
interface Template extends PacketTemplate {
  /** Interned "where" text and the pcapng interface name. */
  readonly where: number;
  readonly ifName: string;
  /** In/Out or pktmon's direction tag. */
  readonly dir: string;
}

/** Growable typed-array columns, one entry per packet (index = number - 1). */
class Cols {
  n = 0;
  cap = 0;
  ticks = new Float64Array(0);
  off = new Float64Array(0);
  capLen = new Uint32Array(0);
  origLen = new Uint32Array(0);
  tmpl = new Uint32Array(0);
  cpu = new Uint16Array(0);
  pid = new Uint32Array(0);
  tid = new Uint32Array(0);
  hash = new Uint32Array(0);
  group = new Uint32Array(0);
  pktNum = new Uint32Array(0);
  appearance = new Uint32Array(0);
  /** Interned "where" from the packet's journey hop (0: the template's). */
  where = new Uint32Array(0);
  journey = new Uint32Array(0);
  evBuf = new Uint32Array(0);
  evOff = new Uint32Array(0);
  evFile = new Float64Array(0);

  grow(): void {
    const cap = Math.max(1024, this.cap * 2);
    this.ticks = grown(this.ticks, cap);
    this.off = grown(this.off, cap);
    this.capLen = grown(this.capLen, cap);
    this.origLen = grown(this.origLen, cap);
    this.tmpl = grown(this.tmpl, cap);
    this.cpu = grown(this.cpu, cap);
    this.pid = grown(this.pid, cap);
    this.tid = grown(this.tid, cap);
    this.hash = grown(this.hash, cap);
    this.group = grown(this.group, cap);
    this.pktNum = grown(this.pktNum, cap);
    this.appearance = grown(this.appearance, cap);
    this.where = grown(this.where, cap);
    this.journey = grown(this.journey, cap);
    this.evBuf = grown(this.evBuf, cap);
    this.evOff = grown(this.evOff, cap);
    this.evFile = grown(this.evFile, cap);
    this.cap = cap;
  }
}

/** Strings (or JSON texts) stored once, referred to by index; index 0 is "". */
class Interner {
  readonly list: string[] = [""];
  private readonly map = new Map<string, number>([["", 0]]);
  private parsed: unknown[] = [];
  id(s: string): number {
    let i = this.map.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.map.set(s, i);
    }
    return i;
  }
  json(i: number): unknown {
    let v = this.parsed[i];
    if (v === undefined) v = this.parsed[i] = JSON.parse(this.list[i]);
    return v;
  }
}

/**
 * The journey builder's `where` and `names` objects: shared per place and enriched as the trace goes on (a later
 * event names a port seen earlier), so they are kept by identity and read when a journey is shown. Should a
 * builder ever make one per hop, past LIMIT they are kept as JSON snapshots instead (bounded memory).
 */
class Places {
  private static readonly LIMIT = 65536;
  private readonly ids = new Map<object, number>();
  private readonly objs: unknown[] = [];
  private readonly snap = new Interner();
  id(o: object): number {
    let i = this.ids.get(o);
    if (i !== undefined) return i;
    if (this.objs.length >= Places.LIMIT) return -1 - this.snap.id(JSON.stringify(o));
    i = this.objs.length;
    this.objs.push(o);
    this.ids.set(o, i);
    return i;
  }
  get(i: number): unknown {
    return i >= 0 ? this.objs[i] : this.snap.json(-1 - i);
  }
  /** Every place by index, and the snapshots by −1 − index (PackedJourneys.places / placeSnaps). */
  tables(): { places: unknown[]; snaps: unknown[] } {
    return { places: this.objs, snaps: this.snap.list.map((t, k) => (k === 0 ? null : this.snap.json(k))) };
  }
}

type HopShape = PackedHopShape;
type StoredHop = PackedHop;
type StoredJourney = PackedJourney;

/**
 * Texts by id (1-based, any order) kept as UTF-8 in 4 MiB slabs: no string per journey on the JS heap (and
 * journeys' "→" would make every string two bytes a character).
 */
class TextStore {
  private static readonly SLAB = 4 * 1024 * 1024;
  private readonly slabs: Buffer[] = [];
  private used = TextStore.SLAB;
  private at = new Float64Array(1024);
  private len = new Uint32Array(1024);
  count = 0;
  add(id: number, text: string): void {
    const n = Buffer.byteLength(text);
    if (this.used + n > TextStore.SLAB) {
      this.slabs.push(Buffer.allocUnsafe(Math.max(TextStore.SLAB, n)));
      this.used = 0;
    }
    const k = this.slabs.length - 1;
    this.slabs[k].write(text, this.used);
    while (id >= this.at.length) {
      this.at = grown(this.at, this.at.length * 2);
      this.len = grown(this.len, this.len.length * 2);
    }
    this.at[id] = k * TextStore.SLAB + this.used + 1;
    this.len[id] = n;
    this.used += n;
    this.count = Math.max(this.count, id);
  }
  get(id: number): string | undefined {
    if (!(id >= 1 && id < this.at.length) || this.at[id] === 0) return undefined;
    const o = this.at[id] - 1;
    const k = Math.floor(o / TextStore.SLAB);
    const s = o - k * TextStore.SLAB;
    return this.slabs[k].toString("utf8", s, s + this.len[id]);
  }
}

/**
 * The journeys list's columns, by journey id (1-based): start/end ticks, hop count, fate kind (0: no journey),
 * fate location and drop reason (interned by the model), the set of hop name places (interned "3,7" keys), and
 * every summary lowercased in UTF-8 slabs, searched with Buffer.indexOf (no string per journey on the heap).
 */
class JourneyIndex {
  private static readonly SLAB = 4 * 1024 * 1024;
  cap = 0;
  max = 0;
  /** Journeys stored. */
  size = 0;
  start = new Float64Array(0);
  end = new Float64Array(0);
  hops = new Uint32Array(0);
  kind = new Uint8Array(0);
  where = new Uint32Array(0);
  reason = new Uint32Array(0);
  names = new Uint32Array(0);
  readonly nameSets = new Interner();
  private readonly slabs: Buffer[] = [];
  /** Bytes written in each slab (the rest is unset memory). */
  private readonly filled: number[] = [];
  private used = JourneyIndex.SLAB;
  /** Summary texts in append order: global position (slab × SLAB + offset) and journey id. */
  private at = new Float64Array(1024);
  private ids = new Uint32Array(1024);
  private count = 0;

  private grow(id: number): void {
    const cap = Math.max(1024, this.cap * 2, id + 1);
    this.start = grown(this.start, cap);
    this.end = grown(this.end, cap);
    this.hops = grown(this.hops, cap);
    this.kind = grown(this.kind, cap);
    this.where = grown(this.where, cap);
    this.reason = grown(this.reason, cap);
    this.names = grown(this.names, cap);
    this.cap = cap;
  }

  add(j: Journey, where: number, reason: number, names: number): void {
    const id = j.id;
    if (id >= this.cap) this.grow(id);
    this.max = Math.max(this.max, id);
    if (!this.kind[id]) this.size++;
    this.start[id] = j.startTicks;
    this.end[id] = j.endTicks;
    this.hops[id] = j.hops.length;
    this.kind[id] = FATE_KINDS.indexOf(j.fate.kind) + 1;
    this.where[id] = where;
    this.reason[id] = reason;
    this.names[id] = names;
    const text = j.summary.toLowerCase() + "\n";
    const n = Buffer.byteLength(text);
    if (this.used + n > JourneyIndex.SLAB) {
      this.slabs.push(Buffer.allocUnsafe(Math.max(JourneyIndex.SLAB, n)));
      this.filled.push(0);
      this.used = 0;
    }
    const k = this.slabs.length - 1;
    this.slabs[k].write(text, this.used);
    this.filled[k] = this.used + n;
    if (this.count >= this.at.length) {
      this.at = grown(this.at, this.at.length * 2);
      this.ids = grown(this.ids, this.ids.length * 2);
    }
    this.at[this.count] = k * JourneyIndex.SLAB + this.used;
    this.ids[this.count++] = id;
    this.used += n;
  }

  /** Marks in `hit` (by id) the journeys whose lowercased summary contains `text`. */
  searchSummaries(text: string, hit: Uint8Array): void {
    const needle = Buffer.from(text);
    const S = JourneyIndex.SLAB;
    for (let k = 0; k < this.slabs.length; k++) {
      const slab = this.slabs[k];
      const limit = this.filled[k];
      for (let pos = slab.indexOf(needle, 0); pos >= 0 && pos < limit; ) {
        // The summary holding the hit: the last one starting at or before it.
        const g = k * S + pos;
        let lo = 0;
        let hi = this.count - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (this.at[mid] <= g) lo = mid;
          else hi = mid - 1;
        }
        hit[this.ids[lo]] = 1;
        const next = lo + 1 < this.count ? this.at[lo + 1] - k * S : limit;
        if (next >= limit) break;
        pos = slab.indexOf(needle, next);
      }
    }
  }
}

const hexOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

function dirOf(p: PacketRecord): string {
  if (p.pktmon) return p.pktmon.dirName;
  return p.direction === "in" ? "In" : p.direction === "out" ? "Out" : "";
}

export class CaptureModel {
  readonly path: string;
  readonly name: string;
  readonly fileBytes: number;
  private readonly inventory: Inventory | null;
  /** Loading-time state, released once the capture is loaded. */
  private reader: JourneyReader | null;
  private readonly dec: TraceDecoder;
  private readonly clock: IsoClock;
  private readonly cols = new Cols();
  private readonly chunks: Uint8Array[] = [];
  private chunkUsed = CHUNK;
  private readonly templates: Template[] = [];
  /** Template ids by metaHash. */
  private readonly templateIds = new Map<number, number[]>();
  private readonly strings = new Interner();
  private readonly shapes = new Interner();
  private readonly places = new Places();
  private readonly groups = new Interner();
  /** Distinct fates (index 0 unused), by location for lookup. */
  private readonly fates: Journey["fate"][] = [{ kind: "unfinished" }];
  private readonly fateIds = new Map<string, number[]>();
  private static readonly MAX_FATES = 65536;
  private readonly journeys = new TextStore();
  private readonly jindex = new JourneyIndex();
  private jcache: { key: string; list: Uint32Array } | null = null;
  private readonly quickShapes = new Map<string, number>();
  private readonly dis: Dissecter = newDissecter();
  private readonly byProto: readonly (Dissector | undefined)[];
  private readonly d = new Dissection();
  private readonly d2 = new Dissection();
  private flowTable: FlowTable | null;
  private topo: TopologyCollector | null = new TopologyCollector();
  private findingsCol: FindingsCollector | null;
  private readonly providers = new Map<string, { name: string; guid: string; events: number }>();
  private events = 0;
  private firstTicks = Infinity;
  private lastTicks = -Infinity;
  private firstPacketTicks = NaN;
  private journeyCount = 0;
  private dropped = 0;
  private hasNetsh = false;
  private hasPktmon = false;
  private state: LoadStatus["state"] = "loading";
  private error: string | undefined;
  private flowsResult: FlowsResult | null = null;
  private topologyView: TopologyView | null = null;
  private findingsResult: FindingsResult | null = null;
  private timelineResult: Timeline | null = null;
  private readonly notes: string[] = [];
  private cache: { filter: string; matches: Uint32Array; ms: number } | null = null;

  constructor(path: string, o: CaptureModelOptions = {}) {
    this.path = path;
    this.name = o.name ?? basename(path);
    this.inventory = o.inventory ?? null;
    const dec = new TraceDecoder(path);
    this.fileBytes = statSync(path).size;
    this.findingsCol = new FindingsCollector({ inventory: this.inventory });
    this.flowTable = new FlowTable({ traceStart: dec.clock.startTime });
    this.reader = new JourneyReader(dec, {
      inventory: this.inventory,
      frameSummaries: false,
      onPacket: (p) => this.onPacket(p),
      onRecord: (rec, dec) => this.onRecord(rec, dec),
    });
    this.findingsCol.components = this.reader.packets.components;
    this.dec = this.reader.packets.decoder;
    this.clock = new IsoClock(this.dec.clock.startTime);
    this.byProto = this.dis.tables.byProto;
  }

  // ---- loading ------------------------------------------------------------------------------------------

  status(): LoadStatus {
    const done = this.state === "loading" ? this.dec.reader.progress : this.fileBytes;
    return { state: this.state, done, total: this.fileBytes, packets: this.cols.n, ...(this.error ? { error: this.error } : {}) };
  }

  get ready(): boolean {
    return this.state === "ready";
  }

  /** Reads for about `budgetMs` milliseconds; true when the capture is fully loaded (or failed). */
  step(budgetMs = 50): boolean {
    if (this.state !== "loading") return true;
    const until = performance.now() + budgetMs;
    try {
      for (;;) {
        for (let k = 0; k < 256; k++) {
          const j = this.reader!.next();
          if (!j) {
            this.finish();
            return true;
          }
          this.onJourney(j);
        }
        if (performance.now() >= until) return false;
      }
    } catch (e) {
      this.state = "failed";
      this.error = (e as Error).message;
      this.close();
      throw e;
    }
  }

  /** Loads everything now. */
  loadSync(): this {
    while (!this.step(1000)) {
      // keep going
    }
    return this;
  }

  /** Loads in slices, yielding to the event loop between them (the server keeps answering /api/status). */
  async load(onStatus?: (s: LoadStatus) => void): Promise<this> {
    while (!this.step(40)) {
      onStatus?.(this.status());
      await new Promise<void>((r) => setImmediate(r));
    }
    onStatus?.(this.status());
    return this;
  }

  private onRecord(rec: EtlRecord, dec: TraceDecoder): void {
    this.events++;
    if (rec.ticks < this.firstTicks) this.firstTicks = rec.ticks;
    if (rec.ticks > this.lastTicks) this.lastTicks = rec.ticks;
    let pr = this.providers.get(rec.providerId);
    if (!pr) this.providers.set(rec.providerId, (pr = { name: dec.providerName(rec), guid: rec.providerId, events: 0 }));
    pr.events++;
    this.topo!.record(rec, dec);
    this.findingsCol!.record(rec, dec);
    if (rec.providerId === WINNAT_GUID) {
      const s = winNatSessionOf(rec, dec);
      if (s) this.flowTable!.addWinNatSession(s);
    }
  }

  private countPacketEvent(guid: string, name: string, n: number): void {
    let pr = this.providers.get(guid);
    if (!pr) this.providers.set(guid, (pr = { name, guid, events: 0 }));
    pr.events += n;
    this.events += n;
  }

  /**
   * The template of a packet: found by a numeric hash of its metadata and a field-by-field comparison (no key
   * string per packet: building and hashing one cost more than the rest of storing the packet).
   */
  private templateOf(p: PacketRecord): number {
    const b = metaHash(p);
    const cands = this.templateIds.get(b);
    if (cands) {
      for (const id of cands) if (sameMeta(this.templates[id], p)) return id;
    }
    const id = this.newTemplate(p);
    if (cands) cands.push(id);
    else this.templateIds.set(b, [id]);
    return id;
  }

  private newTemplate(p: PacketRecord): number {
    const comps = this.reader!.packets.components;
    const ifName = describeInterface(p, comps).name;
    const dir = dirOf(p);
    let where: string;
    if (p.pktmon) {
      const m = p.pktmon;
      where = `${m.componentName ?? `component ${m.componentId}`} ${dir}`;
    } else if (p.vmswitch) {
      const v = p.vmswitch;
      where = `vNIC ${v.sourceNicType} ${v.sourceNicName}${v.vlanId ? ` vlan ${v.vlanId}` : ""} ${dir}`;
    } else where = `${ifName} ${dir}`;
    const id = this.templates.length;
    this.templates.push({
      source: p.source, linkType: p.linkType, direction: p.direction, eventId: p.eventId,
      ...(p.ndis ? { ndis: p.ndis } : {}),
      ...(p.vmswitch ? { vmswitch: { ...p.vmswitch, hashValue: 0 } } : {}),
      ...(p.pktmon ? { pktmon: { ...p.pktmon, groupId: "", pktNumber: 0, appearance: 0 } } : {}),
      where: this.strings.id(where.trim()), ifName, dir,
    });
    return id;
  }

  private onPacket(p: PacketRecord): void {
    const c = this.cols;
    if (c.n >= c.cap) c.grow();
    const i = c.n;
    if (p.number !== i + 1) throw new Error(`packet numbers out of step: ${p.number} at index ${i}`);
    if (Number.isNaN(this.firstPacketTicks)) this.firstPacketTicks = p.ticks;
    if (p.ticks < this.firstTicks) this.firstTicks = p.ticks;
    if (p.ticks > this.lastTicks) this.lastTicks = p.ticks;
    const b = p.bytes;
    if (this.chunkUsed + b.length > CHUNK) {
      this.chunks.push(new Uint8Array(Math.max(CHUNK, b.length)));
      this.chunkUsed = 0;
    }
    const ci = this.chunks.length - 1;
    this.chunks[ci].set(b, this.chunkUsed);
    c.off[i] = ci * CHUNK + this.chunkUsed;
    this.chunkUsed += b.length;
    c.capLen[i] = b.length;
    c.origLen[i] = p.originalLength;
    c.ticks[i] = p.ticks;
    c.cpu[i] = p.cpu;
    c.pid[i] = p.pid;
    c.tid[i] = p.tid;
    c.tmpl[i] = this.templateOf(p);
    if (p.vmswitch) c.hash[i] = p.vmswitch.hashValue;
    if (p.pktmon) {
      c.group[i] = this.groups.id(p.pktmon.groupId);
      c.pktNum[i] = p.pktmon.pktNumber;
      c.appearance[i] = p.pktmon.appearance;
      this.hasPktmon = true;
      this.countPacketEvent(PKTMON_GUID, "Microsoft-Windows-PktMon", 1);
    } else {
      this.hasNetsh = true;
      this.countPacketEvent(NDISCAP_GUID, "Microsoft-Windows-NDIS-PacketCapture", p.ndis ? Math.max(1, p.ndis.fragments) : 1);
    }
    c.evBuf[i] = p.event.buffer;
    c.evOff[i] = p.event.offset;
    c.evFile[i] = p.event.bufferOffset;
    c.n = i + 1;
    const d = this.d;
    this.dis.run(d, b, p.originalLength, p.linkType);
    const fresh = this.flowTable!.add(p, d);
    this.topo!.packet(p);
    this.findingsCol!.packet(p, d, fresh, this.flowTable!.lastKey);
  }

  private onJourney(j: Journey): void {
    this.findingsCol!.journey(j);
    this.journeyCount++;
    if (j.fate.kind === "dropped") this.dropped++;
    const c = this.cols;
    const hops: StoredHop[] = j.hops.map((h) => {
      const w = this.places.id(h.where);
      const n = h.names ? this.places.id(h.names) : null;
      // Most hops change nothing and drop nothing: a short key finds their shape without JSON.
      const quick = h.changes.length === 0 && !h.drop ? `${h.kind}|${w}|${n}|${h.eventIds.join(",")}|${h.vlan}|${h.delivered}` : null;
      let shape: number | HopShape | undefined = quick === null ? undefined : this.quickShapes.get(quick);
      if (shape === undefined) {
        const obj: HopShape = { kind: h.kind, w, n, eventIds: h.eventIds, vlan: h.vlan, changes: h.changes, drop: h.drop, delivered: h.delivered };
        // Hops with changes (NAT ports, ICMP ids …) are mostly unique: kept inline in the journey's text, not interned.
        if (quick === null) shape = obj;
        else this.quickShapes.set(quick, (shape = this.shapes.id(JSON.stringify(obj))));
      }
      const no = h.packet ?? 0;
      if (no > 0 && no <= c.n) {
        c.journey[no - 1] = j.id;
        if (h.names?.label) {
          const t = this.templates[c.tmpl[no - 1]];
          c.where[no - 1] = this.strings.id(`${h.names.label}${t.dir ? " " + t.dir : ""}`);
        }
      }
      const f = h.frame;
      const k = h.nbl && j.nbls ? j.nbls.indexOf(h.nbl) : -1;
      return [shape, h.parent, h.ticks, h.latencyTicks, h.cpu, no, k >= 0 ? k : (h.nbl ?? ""), h.pktmon?.groupId ?? "", h.pktmon?.pktNumber ?? 0, h.pktmon?.appearance ?? 0,
        f ? f.length : -1, f ? f.linkType : 0, f && !(no > 0 && no <= c.n) ? hexOf(f.bytes) : ""];
    });
    // Rewrites mostly repeat their hop's changes: [hop, by, index of the change] then.
    const rewrites: PackedRewrite[] = j.rewrites.map((r) => {
      const ch = j.hops[r.hop]?.changes;
      if (!ch || Object.keys(r).length !== 5) return r;
      const k = ch.findIndex((c) => c.field === r.field && c.from === r.from && c.to === r.to && Object.keys(c).length === 3);
      return k >= 0 ? [r.hop, r.by, k] : r;
    });
    // Fates repeat ("delivered to wcow2 …"): interned, unless an unusual capture makes them unique.
    const fate = this.fateId(j.fate);
    const nameKey: number[] = [];
    for (const x of hops) {
      const sh = typeof x[0] === "number" ? (this.shapes.json(x[0]) as HopShape) : x[0];
      if (typeof sh.n === "number" && !nameKey.includes(sh.n)) nameKey.push(sh.n);
    }
    this.jindex.add(j, this.strings.id(j.fate.location ?? ""), this.strings.id(j.fate.kind === "dropped" ? (j.fate.reasonName ?? "") : ""), this.jindex.nameSets.id(nameKey.join(",")));
    const s: StoredJourney = [j.id, j.flavor, j.key, j.nbls ?? 0, j.summary, j.protocol, j.src, j.dst, j.startTicks, j.endTicks, fate, rewrites, j.matched ? 1 : 0, hops];
    this.journeys.add(j.id, JSON.stringify(s));
  }

  /** Fates repeat ("delivered to wcow2 …"): an index into `fates`, or the fate itself once there are too many. */
  private fateId(f: Journey["fate"]): number | Journey["fate"] {
    const key = f.location ?? f.kind;
    let cands = this.fateIds.get(key);
    if (cands) {
      for (const id of cands) if (sameFate(this.fates[id], f)) return id;
    }
    if (this.fates.length >= CaptureModel.MAX_FATES) return f;
    const id = this.fates.length;
    this.fates.push({ ...f });
    if (cands) cands.push(id);
    else this.fateIds.set(key, (cands = [id]));
    return id;
  }

  private finish(): void {
    const packets = this.reader!.packets;
    const flows = this.flowTable!.finish();
    if (this.inventory) labelEndpoints(flows, new InventoryLookup(this.inventory));
    this.flowsResult = flows;
    const etl = this.dec.reader;
    let t: Topology = buildTopology(this.topo!, packets.components, this.name);
    const problems = new Map<string, number>();
    for (const d of etl.diagnostics) problems.set(d.kind, (problems.get(d.kind) ?? 0) + 1);
    if (problems.size) {
      const text = `the reader skipped damaged parts of the file: ${[...problems].map(([k, v]) => `${k} ×${v}`).join(", ")}`;
      t.notes.push(text);
      this.notes.push(text);
    }
    t = finishTopology(t, this.inventory ?? undefined);
    this.topologyView = topologyViewOf(t);
    this.findingsResult = this.findingsCol!.finish({ flows, reader: packets, topology: t });
    this.timelineResult = this.buildTimeline();
    const info = this.dec.info;
    if (info.eventsLost) this.notes.push(`the capture lost ${info.eventsLost} events (ETW buffers full)`);
    if (info.buffersLost) this.notes.push(`the capture lost ${info.buffersLost} buffers`);
    if (packets.stats.incompleteFrames) this.notes.push(`${packets.stats.incompleteFrames} NDIS frames were incomplete at the end of the capture`);
    this.state = "ready";
    this.close();
  }

  private buildTimeline(): Timeline {
    const c = this.cols;
    const n = c.n;
    const start = n ? c.ticks[0] : 0;
    let end = start;
    for (let i = 0; i < n; i++) if (c.ticks[i] > end) end = c.ticks[i];
    let min = start;
    for (let i = 0; i < n; i++) if (c.ticks[i] < min) min = c.ticks[i];
    const span = (end - min) / 1e7;
    const NICE = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400];
    const binSeconds = NICE.find((w) => span / w <= 600) ?? 86400;
    const bins = Math.max(1, Math.floor(span / binSeconds) + 1);
    const perWhere = new Map<number, number[]>();
    const totals = new Map<number, number>();
    const binTicks = binSeconds * 1e7;
    for (let i = 0; i < n; i++) {
      const w = this.whereOf(i);
      let a = perWhere.get(w);
      if (!a) perWhere.set(w, (a = new Array<number>(bins).fill(0)));
      a[Math.min(bins - 1, Math.floor((c.ticks[i] - min) / binTicks))]++;
      totals.set(w, (totals.get(w) ?? 0) + 1);
    }
    const order = [...perWhere.keys()].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0));
    const MAX_SERIES = 24;
    const series = order.slice(0, MAX_SERIES).map((w) => ({ where: this.strings.list[w], counts: perWhere.get(w)! }));
    if (order.length > MAX_SERIES) {
      const other = new Array<number>(bins).fill(0);
      for (const w of order.slice(MAX_SERIES)) perWhere.get(w)!.forEach((v, k) => (other[k] += v));
      series.push({ where: `${order.length - MAX_SERIES} other places`, counts: other });
    }
    return { startTicks: min, binSeconds, series };
  }

  // ---- packets ------------------------------------------------------------------------------------------

  get packetCount(): number {
    return this.cols.n;
  }

  private bytesOf(i: number): Uint8Array {
    const o = this.cols.off[i];
    const ci = Math.floor(o / CHUNK);
    const s = o - ci * CHUNK;
    return this.chunks[ci].subarray(s, s + this.cols.capLen[i]);
  }

  private whereOf(i: number): number {
    return this.cols.where[i] || this.templates[this.cols.tmpl[i]].where;
  }

  /** The PacketRecord of packet index i, rebuilt from the columns (bytes are a view into the store). */
  record(i: number): PacketRecord {
    const c = this.cols;
    const r = this.embeddedRecord(i) as PacketRecord & { bytes: Uint8Array; event: PacketRecord["event"] };
    r.bytes = this.bytesOf(i);
    r.event = { buffer: c.evBuf[i], bufferOffset: c.evFile[i], offset: c.evOff[i] };
    return r;
  }

  private embeddedRecord(i: number): EmbeddedRecord {
    const c = this.cols;
    return recordOf(this.templates[c.tmpl[i]], {
      number: i + 1, ticks: c.ticks[i], cpu: c.cpu[i], pid: c.pid[i], tid: c.tid[i], originalLength: c.origLen[i], hash: c.hash[i],
      groupId: this.groups.list[c.group[i]], pktNumber: c.pktNum[i], appearance: c.appearance[i],
    });
  }

  private dissect(i: number, d: Dissection = this.d2): Dissection {
    const t = this.templates[this.cols.tmpl[i]];
    this.dis.run(d, this.bytesOf(i), this.cols.origLen[i], t.linkType);
    return d;
  }

  /** The table row of packet index i. */
  row(i: number): PacketRow {
    const c = this.cols;
    const first = Number.isNaN(this.firstPacketTicks) ? 0 : this.firstPacketTicks;
    return rowOf(this.dissect(i), this.dis, i + 1, c.ticks[i], first, c.origLen[i], this.strings.list[this.whereOf(i)], this.templates[c.tmpl[i]], c.journey[i]);
  }

  /** Packet indices matching a display filter (cached for the last filter). Throws FilterError. */
  matches(filter: string): { list: Uint32Array | null; ms: number } {
    const f = filter.trim();
    if (f === "") return { list: null, ms: 0 };
    if (this.cache && this.cache.filter === f) return { list: this.cache.matches, ms: 0 };
    const t0 = performance.now();
    const pred: PacketFilter = compileFilter(f, this.dis.tables);
    const n = this.cols.n;
    let out = new Uint32Array(Math.min(n, 1 << 16));
    let k = 0;
    const d = this.d2;
    for (let i = 0; i < n; i++) {
      this.dissect(i, d);
      if (!pred(d, this.record(i))) continue;
      if (k >= out.length) {
        const b = new Uint32Array(out.length * 2);
        b.set(out);
        out = b;
      }
      out[k++] = i;
    }
    const matches = out.slice(0, k);
    const ms = performance.now() - t0;
    this.cache = { filter: f, matches, ms };
    return { list: matches, ms };
  }

  /** A page of rows (offset/limit over the filtered list); `find` adds the row index of packet `find`. */
  page(filter: string, offset: number, limit: number, find?: number): PacketPage & { found?: number; filterMs?: number } {
    const { list, ms } = this.matches(filter);
    const total = this.cols.n;
    const matched = list ? list.length : total;
    const off = Math.max(0, Math.min(offset, matched));
    const end = Math.min(matched, off + Math.max(0, Math.min(limit, MAX_PAGE)));
    const rows: PacketRow[] = [];
    for (let k = off; k < end; k++) rows.push(this.row(list ? list[k] : k));
    const page: PacketPage & { found?: number; filterMs?: number } = { total, matched, offset: off, rows, filterMs: Math.round(ms) };
    if (find !== undefined) {
      const i = find - 1;
      if (!list) page.found = i >= 0 && i < total ? i : -1;
      else {
        let lo = 0;
        let hi = list.length - 1;
        page.found = -1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          if (list[mid] === i) {
            page.found = mid;
            break;
          }
          if (list[mid] < i) lo = mid + 1;
          else hi = mid - 1;
        }
      }
    }
    return page;
  }

  /** Packet `no` (PacketRecord.number) with its metadata, layer tree and bytes; null when there is none. */
  detail(no: number): PacketDetail | null {
    if (!Number.isInteger(no) || no < 1 || no > this.cols.n) return null;
    const i = no - 1;
    const p = this.record(i);
    const d = this.dissect(i);
    const t = this.templates[this.cols.tmpl[i]];
    const meta: { label: string; value: string }[] = [];
    const add = (label: string, value: string | number | undefined): void => {
      if (value !== undefined && value !== "") meta.push({ label, value: String(value) });
    };
    add("Number", no);
    add("Time", this.clock.iso(p.ticks));
    add("Ticks", `${p.ticks} (100 ns since the trace start)`);
    add("Source", `${p.source === "pktmon" ? "Microsoft-Windows-PktMon" : "Microsoft-Windows-NDIS-PacketCapture"} event ${p.eventId}`);
    add("CPU / PID / TID", `${p.cpu} / ${p.pid} / ${p.tid}`);
    add("Direction", t.dir || p.direction);
    add("Interface", t.ifName);
    add("Where", this.strings.list[this.whereOf(i)]);
    add("Captured / original length", `${p.bytes.length} / ${p.originalLength}`);
    if (p.ndis) {
      add("MiniportIfIndex / LowerIfIndex", `${p.ndis.miniportIfIndex} / ${p.ndis.lowerIfIndex}`);
      add("Fragments", p.ndis.fragments);
      add("Interface name", p.ndis.ifName);
    }
    if (p.vmswitch) {
      const v = p.vmswitch;
      add("Source port", `${v.sourcePortId} ${v.sourcePortName}`);
      add("Source NIC", `${v.sourceNicType} ${v.sourceNicName}`);
      add("Destinations", v.destinationCount);
      add("VLAN", v.vlanId || undefined);
      add("Hash", v.hashValue ? `0x${(v.hashValue >>> 0).toString(16)}` : undefined);
      add("MiniportIfIndex / LowerIfIndex", `${v.miniportIfIndex} / ${v.lowerIfIndex}`);
    }
    if (p.pktmon) {
      const m = p.pktmon;
      add("PktGroupId / PktNumber / Appearance", `${m.groupId} / ${m.pktNumber} / ${m.appearance}`);
      add("Component", `${m.componentId}${m.componentName ? ` ${m.componentName}` : ""}`);
      add("Edge / Filter", `${m.edgeId} / ${m.filterId}`);
      add("Packet type", `${m.packetType} ${m.packetTypeName}`);
      if (m.drop) {
        add("Drop reason", `${m.dropReasonName ?? ""} (${m.dropReason})`.trim());
        add("Drop location", `0x${(m.dropLocation >>> 0).toString(16).padStart(8, "0")}`);
      }
    }
    add("Event", `buffer ${p.event.buffer} (file offset ${p.event.bufferOffset}), record offset ${p.event.offset}`);
    if (this.cols.journey[i]) add("Journey", `#${this.cols.journey[i]}`);
    if (d.truncated) add("Truncated", this.byProto[d.truncated]?.name ?? String(d.truncated));
    if (d.malformed) add("Malformed", `${this.byProto[d.malformed]?.name ?? d.malformed}: ${d.malformedReason}`);
    const tree = layerTrees(d, this.byProto) as TreeNode[];
    return { row: this.row(i), meta, tree: tree as PacketDetail["tree"], hex: hexOf(p.bytes), originalLength: p.originalLength };
  }

  // ---- journeys, topology, flows, findings, timeline, overview ------------------------------------------

  get journeyIds(): number {
    return this.journeys.count;
  }

  /** Journey `id` as the UI shows it (frames as hex, hop times as ISO). `hexFor(no)` false: leave the hex empty. */
  journey(id: number, hexFor: (no: number) => boolean = () => true): JourneyView | null {
    const text = Number.isInteger(id) && id > 0 ? this.journeys.get(id) : undefined;
    if (!text) return null;
    return expandJourney(JSON.parse(text) as StoredJourney, this.journeyEnv(hexFor));
  }

  /** A journey's list row (null: no journey `id`). */
  journeyRow(id: number): JourneyRow | null {
    const x = this.jindex;
    if (!(Number.isInteger(id) && id >= 1 && id <= x.max && x.kind[id])) return null;
    const s = JSON.parse(this.journeys.get(id)!) as StoredJourney;
    const first = Number.isNaN(this.firstPacketTicks) ? 0 : this.firstPacketTicks;
    const reason = this.strings.list[x.reason[id]];
    return {
      id, summary: s[4], protocol: s[5], src: s[6], dst: s[7], startTime: Math.round(x.start[id] - first) / 1e7, hops: x.hops[id],
      durationUs: (x.end[id] - x.start[id]) / 10, fate: FATE_KINDS[x.kind[id] - 1], where: this.strings.list[x.where[id]],
      ...(reason ? { reason } : {}), containers: this.labelsOf(x.names[id]),
    };
  }

  /** The hop name labels of a name set (read from the places now: they are enriched as the trace goes on). */
  private labelsOf(set: number): string[] {
    const key = this.jindex.nameSets.list[set];
    return key ? distinctLabels(key.split(",").map((i) => this.places.get(Number(i)))) : [];
  }

  /**
   * Journey ids matching a query, in id order (null: every journey), cached for the last query. The `-Y` filter
   * selects the journeys of the packets it matches (the packet filter's own cache). Throws FilterError.
   */
  journeyMatches(q: JourneyQuery): Uint32Array | null {
    const fate = fateOf(q.fate ?? "");
    if (fate === null) throw new Error(`fate must be one of ${FATE_KINDS.join(", ")}`);
    const text = searchText(q.q);
    const filter = (q.filter ?? "").trim();
    if (!fate && !text && !filter) return null;
    const key = JSON.stringify([fate, text, filter]);
    if (this.jcache?.key === key) return this.jcache.list;
    const x = this.jindex;
    const max = x.max;
    let inFilter: Uint8Array | null = null;
    if (filter) {
      inFilter = new Uint8Array(max + 1);
      const { list } = this.matches(filter);
      const jc = this.cols.journey;
      if (list) for (let k = 0; k < list.length; k++) inFilter[jc[list[k]]] = 1;
      else inFilter.fill(1);
    }
    let hit: Uint8Array | null = null;
    const whereOk = new Map<number, boolean>();
    const reasonOk = new Map<number, boolean>();
    const namesOk = new Map<number, boolean>();
    if (text) {
      hit = new Uint8Array(max + 1);
      x.searchSummaries(text, hit);
    }
    const fk = fate ? FATE_KINDS.indexOf(fate) + 1 : 0;
    let out = new Uint32Array(1024);
    let n = 0;
    for (let id = 1; id <= max; id++) {
      const kind = x.kind[id];
      if (!kind || (fk && kind !== fk) || (inFilter && !inFilter[id])) continue;
      if (hit && !hit[id]) {
        const w = x.where[id];
        let ok = whereOk.get(w);
        if (ok === undefined) whereOk.set(w, (ok = this.strings.list[w].toLowerCase().includes(text)));
        if (!ok && x.reason[id]) {
          const rs = x.reason[id];
          ok = reasonOk.get(rs);
          if (ok === undefined) reasonOk.set(rs, (ok = this.strings.list[rs].toLowerCase().includes(text)));
        }
        if (!ok) {
          const ns = x.names[id];
          ok = namesOk.get(ns);
          if (ok === undefined) namesOk.set(ns, (ok = this.labelsOf(ns).some((l) => l.toLowerCase().includes(text))));
          if (!ok) continue;
        }
      }
      if (n >= out.length) {
        const b = new Uint32Array(out.length * 2);
        b.set(out);
        out = b;
      }
      out[n++] = id;
    }
    const list = out.slice(0, n);
    this.jcache = { key, list };
    return list;
  }

  /** A page of the journeys list (api.ts JourneyPage). Throws FilterError for a bad `-Y` filter. */
  journeyPage(q: JourneyQuery, offset: number, limit: number): JourneyPage {
    const list = this.journeyMatches(q);
    const x = this.jindex;
    const total = x.size;
    const matched = list ? list.length : total;
    const off = Math.max(0, Math.min(offset, matched));
    const end = Math.min(matched, off + Math.max(0, Math.min(limit, MAX_JOURNEY_PAGE)));
    const rows: JourneyRow[] = [];
    if (list) for (let k = off; k < end; k++) rows.push(this.journeyRow(list[k])!);
    else if (x.size === x.max) for (let k = off; k < end; k++) rows.push(this.journeyRow(k + 1)!);
    else {
      // Ids with gaps (not seen so far): walk to the offset-th present id.
      let seen = 0;
      for (let id = 1; id <= x.max && rows.length < end - off; id++) {
        if (x.kind[id] && seen++ >= off) rows.push(this.journeyRow(id)!);
      }
    }
    return { total, matched, offset: off, rows };
  }

  private journeyEnv(hexFor: (no: number) => boolean): JourneyEnv {
    return {
      shape: (i) => this.shapes.json(i) as HopShape,
      place: (i) => this.places.get(i),
      fate: (f) => (typeof f === "number" ? this.fates[f] : f),
      iso: (ticks) => this.clock.iso(ticks),
      bytes: (no) => (no > 0 && no <= this.cols.n ? this.bytesOf(no - 1) : null),
      hexFor,
      dis: this.dis,
      d: this.d2,
    };
  }

  private need<T>(v: T | null): T {
    if (v === null) throw new Error("the capture is still loading");
    return v;
  }

  topology(): TopologyView {
    return this.need(this.topologyView);
  }

  flows(): FlowsResult {
    return this.need(this.flowsResult);
  }

  findings(): FindingsResult {
    return this.need(this.findingsResult);
  }

  timeline(): Timeline {
    return this.need(this.timelineResult);
  }

  overview(extraNotes: string[] = []): Overview {
    const info = this.dec.info;
    const first = Number.isFinite(this.firstTicks) ? this.firstTicks : 0;
    const last = Number.isFinite(this.lastTicks) ? this.lastTicks : first;
    const flavours: string[] = [];
    if (this.hasNetsh) flavours.push("netsh");
    if (this.hasPktmon) flavours.push("pktmon");
    return {
      file: this.name, fileBytes: this.fileBytes, flavours,
      start: this.clock.iso(first), end: this.clock.iso(last), duration: (last - first) / 1e7,
      ...(info.osBuild ? { osBuild: `${info.osVersion} build ${info.osBuild}` } : {}),
      providers: [...this.providers.values()].sort((a, b) => b.events - a.events),
      events: this.events, packets: this.cols.n, drops: this.dropped, journeys: this.journeyCount,
      flows: this.flowsResult?.flows.length ?? 0,
      findings: this.findingsResult?.summary ?? { critical: 0, error: 0, warning: 0, info: 0 },
      notes: [...this.notes, ...extraNotes],
    };
  }

  /** Everything `wnvtrace report` embeds: the first `maxPackets` packets and the journeys that touch them. */
  reportData(maxPackets: number): ReportData {
    const n = Math.min(this.cols.n, Math.max(0, maxPackets));
    const notes: string[] = [];
    if (n < this.cols.n) notes.push(`this report holds the first ${n} of ${this.cols.n} packets (wnvtrace report --max-packets); flows, topology, findings, timeline and counts cover the whole capture`);
    const rows: PacketRow[] = [];
    const records: EmbeddedRecord[] = [];
    const offsets: number[] = [0];
    let size = 0;
    for (let i = 0; i < n; i++) size += this.cols.capLen[i];
    const all = Buffer.alloc(size);
    let o = 0;
    const ids = new Set<number>();
    for (let i = 0; i < n; i++) {
      rows.push(this.row(i));
      const { bytes: b, event: _event, ...r } = this.record(i);
      void _event;
      all.set(b, o);
      o += b.length;
      offsets.push(o);
      records.push(r);
      if (this.cols.journey[i]) ids.add(this.cols.journey[i]);
    }
    const embedded = (no: number): boolean => no >= 1 && no <= n;
    const journeys: JourneyView[] = [];
    for (const id of [...ids].sort((a, b) => a - b)) {
      const j = this.journey(id, (no) => !embedded(no));
      if (j) journeys.push(j);
    }
    const packets: EmbeddedPackets = { rows, records, bytes: all.toString("base64"), offsets, total: this.cols.n };
    return {
      overview: this.overview(notes), topology: this.topology(), flows: this.flows(), findings: this.findings(), timeline: this.timeline(), journeys, packets,
    };
  }

  /**
   * What report.html embeds (api.ts PackedReport): the first `maxPackets` packets as templates + columns with
   * their bytes stored once per distinct content, and the journeys that touch them as tuples over shared shapes,
   * places and fates. PackedView (src/web/packed.ts) expands it into exactly `reportData(maxPackets)`.
   */
  packedReport(maxPackets: number): PackedReport {
    const c = this.cols;
    const n = Math.min(c.n, Math.max(0, maxPackets));
    const notes: string[] = [];
    if (n < c.n) notes.push(`this report holds the first ${n} of ${c.n} packets (wnvtrace report --max-packets); flows, topology, findings, timeline and counts cover the whole capture`);
    const ids = new Set<number>();
    for (let i = 0; i < n; i++) if (c.journey[i]) ids.add(c.journey[i]);
    // Journeys as stored (fates by index into the model's table); frames of packets past the cap carry their hex.
    const fates = this.fates;
    const list: PackedJourney[] = [];
    for (const id of [...ids].sort((a, b) => a - b)) {
      const text = this.journeys.get(id);
      if (!text) continue;
      const s = JSON.parse(text) as StoredJourney;
      for (const h of s[13]) if (h[10] >= 0 && h[5] > n && h[5] <= c.n) h[12] = hexOf(this.bytesOf(h[5] - 1));
      list.push(s);
    }
    const { places, snaps } = this.places.tables();
    const journeys: PackedJourneys = { shapes: this.shapes.list.map((t, k) => (k === 0 ? null : this.shapes.json(k))) as HopShape[], places, placeSnaps: snaps, fates, list };
    return {
      format: PACKED_FORMAT, overview: this.overview(notes), topology: this.topology(), flows: this.flows(), findings: this.findings(), timeline: this.timeline(),
      traceStart: String(this.dec.clock.startTime), journeys, ...(n > 0 ? { packets: this.packedPackets(n) } : {}),
    };
  }

  private packedPackets(n: number): PackedPackets {
    const c = this.cols;
    const ticks: number[] = new Array<number>(n);
    const col = <T extends ArrayLike<number>>(a: T): number[] => Array.from({ length: n }, (_, i) => a[i]);
    const where: number[] = new Array<number>(n);
    const places: string[] = [];
    const placeIds = new Map<number, number>();
    const usedGroups: string[] = [];
    const groupIds = new Map<number, number>();
    const group: number[] = new Array<number>(n);
    let prev = 0;
    let anyHash = false;
    let anyPktmon = false;
    for (let i = 0; i < n; i++) {
      ticks[i] = c.ticks[i] - prev;
      prev = c.ticks[i];
      const w = this.whereOf(i);
      let k = placeIds.get(w);
      if (k === undefined) {
        placeIds.set(w, (k = places.length));
        places.push(this.strings.list[w]);
      }
      where[i] = k;
      let g = groupIds.get(c.group[i]);
      if (g === undefined) {
        groupIds.set(c.group[i], (g = usedGroups.length));
        usedGroups.push(this.groups.list[c.group[i]]);
      }
      group[i] = g;
      const t = this.templates[c.tmpl[i]];
      if (t.vmswitch) anyHash = true;
      if (t.pktmon) anyPktmon = true;
    }
    // Captured bytes, each distinct content once (pktmon sees one packet at many components).
    const blobOf = new Map<string, number>();
    const blob: number[] = new Array<number>(n);
    const parts: Uint8Array[] = [];
    const offsets = [0];
    let size = 0;
    for (let i = 0; i < n; i++) {
      const b = this.bytesOf(i);
      const key = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
      let k = blobOf.get(key);
      if (k === undefined) {
        blobOf.set(key, (k = parts.length));
        parts.push(b);
        offsets.push((size += b.length));
      }
      blob[i] = k;
    }
    const templates: PacketTemplate[] = this.templates.map((t) => ({
      source: t.source, linkType: t.linkType, direction: t.direction, eventId: t.eventId,
      ...(t.ndis ? { ndis: t.ndis } : {}), ...(t.vmswitch ? { vmswitch: t.vmswitch } : {}), ...(t.pktmon ? { pktmon: t.pktmon } : {}),
    }));
    return {
      count: n, total: c.n, firstTicks: Number.isNaN(this.firstPacketTicks) ? 0 : this.firstPacketTicks, templates, places,
      ...(anyPktmon ? { groups: usedGroups } : {}),
      tmpl: col(c.tmpl), ticks, cpu: col(c.cpu), pid: col(c.pid), tid: col(c.tid), length: col(c.origLen), where, journey: col(c.journey),
      ...(anyHash ? { hash: col(c.hash) } : {}),
      ...(anyPktmon ? { group, pktNumber: col(c.pktNum), appearance: col(c.appearance) } : {}),
      blob, bytes: Buffer.concat(parts).toString("base64"), offsets,
    };
  }

  private closed = false;

  close(): void {
    if (this.state === "loading") {
      this.state = "failed";
      this.error = "closed";
    }
    if (!this.closed) this.reader?.close();
    this.closed = true;
    // Loaded, failed or closed: the collectors and the reader's state are no longer needed.
    this.reader = null;
    this.flowTable = null;
    this.topo = null;
    this.findingsCol = null;
    this.quickShapes.clear();
  }
}

/** Equal fates (the fields a Fate has, and no others). */
function sameFate(a: Journey["fate"], b: Journey["fate"]): boolean {
  return a.kind === b.kind && a.reason === b.reason && a.reasonName === b.reasonName && a.location === b.location && a.explanation === b.explanation &&
    a.hop === b.hop && Object.keys(a).length === Object.keys(b).length;
}

const DIR_CODE: Record<string, number> = { in: 1, out: 2, unknown: 3 };

/** A 32-bit hash of the metadata a template holds (equal metadata, equal hash). */
function metaHash(p: PacketRecord): number {
  let h = Math.imul(p.eventId, 0x9e3779b1) ^ Math.imul(p.linkType + 1, 0x85ebca6b) ^ (DIR_CODE[p.direction] ?? 0);
  if (p.pktmon) {
    const m = p.pktmon;
    h = Math.imul(h ^ m.componentId, 0xc2b2ae35) ^ Math.imul(m.edgeId + 7 * m.dirTag, 0x27d4eb2f) ^ (m.dropReason << 3) ^ m.packetType;
  } else if (p.vmswitch) {
    const v = p.vmswitch;
    h = Math.imul(h ^ v.sourcePortId, 0xc2b2ae35) ^ Math.imul(v.miniportIfIndex + 31 * v.lowerIfIndex, 0x27d4eb2f) ^ (v.vlanId << 8) ^ v.destinationCount;
  } else if (p.ndis) {
    const m = p.ndis;
    h = Math.imul(h ^ m.miniportIfIndex, 0xc2b2ae35) ^ Math.imul(m.lowerIfIndex + 1, 0x27d4eb2f) ^ (m.fragments << 4);
  }
  return h | 0;
}

/** Whether template `t` holds the metadata of `p` (the same fields the template keeps; "" and absent names are equal). */
function sameMeta(t: Template, p: PacketRecord): boolean {
  if (t.source !== p.source || t.linkType !== p.linkType || t.direction !== p.direction || t.eventId !== p.eventId) return false;
  if (p.pktmon) {
    const a = t.pktmon;
    const m = p.pktmon;
    return !!a && a.dirTag === m.dirTag && a.dirName === m.dirName && a.packetType === m.packetType && a.packetTypeName === m.packetTypeName &&
      a.componentId === m.componentId && (a.componentName ?? "") === (m.componentName ?? "") && a.edgeId === m.edgeId && a.filterId === m.filterId &&
      a.drop === m.drop && a.dropReason === m.dropReason && (a.dropReasonName ?? "") === (m.dropReasonName ?? "") && a.dropLocation === m.dropLocation;
  }
  if (t.pktmon) return false;
  if (p.vmswitch) {
    const a = t.vmswitch;
    const v = p.vmswitch;
    return !!a && a.miniportIfIndex === v.miniportIfIndex && a.lowerIfIndex === v.lowerIfIndex && a.sourcePortId === v.sourcePortId &&
      a.sourcePortName === v.sourcePortName && a.sourceNicName === v.sourceNicName && a.sourceNicType === v.sourceNicType &&
      a.destinationCount === v.destinationCount && a.vlanId === v.vlanId;
  }
  if (t.vmswitch) return false;
  if (p.ndis) {
    const a = t.ndis;
    const m = p.ndis;
    return !!a && a.miniportIfIndex === m.miniportIfIndex && a.lowerIfIndex === m.lowerIfIndex && a.fragments === m.fragments &&
      (a.ifName ?? "") === (m.ifName ?? "") && (a.metadataHex ?? "") === (m.metadataHex ?? "");
  }
  return !t.ndis;
}

/** Display-filter MAC literal from the topology's dash form. */
function macFilter(mac: string): string {
  return mac.toLowerCase().replace(/-/g, ":");
}

function addrFilter(ips: readonly string[], mac?: string): string | undefined {
  const parts = ips.map((ip) => (ip.includes(":") ? `ipv6.addr == ${ip}` : `ip.addr == ${ip}`));
  if (parts.length === 0 && mac) parts.push(`eth.addr == ${macFilter(mac)}`);
  return parts.length ? parts.join(" || ") : undefined;
}

/** The topology with the graph the UI draws; every node that has addresses gets the filter selecting its packets. */
export function topologyViewOf(t: Topology): TopologyView {
  const g = topologyGraph(t);
  const others = t.nics.filter((n) => !n.port && (n.kind === "physical" || n.kind === "host-vnic" || n.kind === "container-vnic" || (n.kind === "unknown" && (n.mac || n.packets))));
  const nodes = g.nodes.map((n) => {
    let filter: string | undefined;
    const m = /^s(\d+)p(\d+)([nch]?)$/.exec(n.id);
    if (m) {
      const p = t.switches[Number(m[1])]?.ports[Number(m[2])];
      if (p && m[3]) filter = addrFilter(p.ips, p.mac);
      else if (p) filter = p.portId !== undefined ? `vmswitch.port_id == ${p.portId}` : addrFilter(p.ips, p.mac);
    } else if (/^a\d+$/.test(n.id)) {
      const a = others[Number(n.id.slice(1))];
      if (a) filter = addrFilter(a.ips, a.mac);
    }
    return {
      id: n.id, label: n.label, kind: n.kind, ...(n.network ? { network: n.network } : {}),
      ...(n.network ? { driver: t.networks.find((x) => x.name === n.network)?.driver } : {}),
      details: n.details, color: n.color, column: n.column, group: n.group, row: n.row,
      ...(filter ? { filter } : {}),
    };
  });
  return {
    topology: t,
    graph: { nodes, edges: g.edges.map((e) => ({ source: e.from, target: e.to })), groups: g.groups, legend: g.legend, title: g.title } as TopologyView["graph"],
  };
}

export { FilterError };
