/**
 * Journeys from a file: a PacketReader for the packet sightings (NDIS 1001, VMSwitch 1003, pktmon 160/170),
 * its onRecord hook for the VmSwitch NBL, drop and name-bearing control events, and a JourneyBuilder that
 * turns both into journeys. Pull them one by one (next() / for…of); nothing but open journeys is held.
 */
import type { EtlRecord } from "../etl/mod.js";
import type { Plan, TraceDecoder } from "../events/mod.js";
import type { PacketRecord } from "../packets/mod.js";
import { PacketReader } from "../packets/mod.js";
import type { Inventory, InventoryLookup } from "../inventory/mod.js";
import { readUtf16, utf16zEnd } from "../bytes/text.js";
import type { Journey } from "./types.js";
import type { JourneyBuilderOptions, JourneyStats, VmsEvent } from "./builder.js";
import { JourneyBuilder } from "./builder.js";
import { HopNamer, TraceNames } from "./names.js";

export const VMSWITCH_GUID = "67dc0d66-3695-47c0-9642-33f76f7bd7ad";

export interface JourneyReaderOptions extends Omit<JourneyBuilderOptions, "namer" | "components" | "startTime"> {
  /** Host state: an Inventory (readInventory) or a lookup over one. Bad or partial state only leaves names out. */
  readonly inventory?: Inventory | InventoryLookup | null;
  /** Called now and then with the bytes read so far (progress bars). */
  readonly onProgress?: (bytes: number) => void;
  /** Called with every packet record before the journey builder sees it (one pass for journeys and other stages). */
  readonly onPacket?: (p: PacketRecord) => void;
  /** Called with every ETW record the packet reader sees (after the reader's own use of VmSwitch events). */
  readonly onRecord?: (rec: EtlRecord, dec: TraceDecoder) => void;
}

const NBL_IDS = new Set([56, 57, 58, 240, 241, 242]);
const CONTROL_IDS = new Set([5, 7, 9, 17, 42, 43, 67, 116, 117, 232]);

interface NblPlan {
  /** Field indices: NIC, NIC friendly, source NIC, source NIC friendly, switch, switch friendly, BufferAddress, DropReason. */
  readonly nic: number;
  readonly nicF: number;
  readonly src: number;
  readonly srcF: number;
  readonly sw: number;
  readonly swF: number;
  readonly buf: number;
  readonly reason: number;
  /** Index of the first field after the name strings (BufferAddress or DropReason): names are the bytes before it. */
  readonly namesEnd: number;
  /** BufferAddress is the last field (56/57/58/240–242 as documented): no field location needed. */
  readonly lastIsBuf: boolean;
}

interface NameEntry {
  readonly bytes: Uint8Array;
  readonly nic: string;
  readonly nicF: string;
  readonly src: string;
  readonly srcF: string;
  readonly sw: string;
  readonly swF: string;
}

/**
 * Reads VmSwitch events without building strings per event: the name strings (NIC, switch, friendly names)
 * come first in every NBL/drop template, so the bytes before BufferAddress/DropReason are looked up in a small
 * content-keyed cache and decoded once per distinct NIC/switch combination.
 */
class VmsParser {
  private readonly plans = new WeakMap<Plan, NblPlan | null>();
  private readonly off = new Int32Array(64);
  private readonly names = new Map<number, NameEntry[]>();
  /** The names entry last seen per event id: consecutive events mostly repeat it. */
  private readonly lastById: (NameEntry | undefined)[] = new Array(512);
  readonly ev: VmsEvent = { id: 0, ticks: 0, cpu: 0, tid: 0, nblHi: 0, nblLo: 0, nblKey: 0, nic: "", nicF: "", srcNic: "", srcNicF: "", switchName: "", switchF: "", dropReason: 0, place: null };

  private planOf(plan: Plan): NblPlan | null {
    let p = this.plans.get(plan);
    if (p !== undefined) return p;
    const ix = (n: string): number => plan.indexOf(n);
    const buf = ix("BufferAddress");
    const reason = ix("DropReason");
    const namesEnd = buf >= 0 ? buf : reason;
    const dest = ix("DestNicName");
    p = namesEnd < 0 ? null : {
      nic: dest >= 0 ? dest : ix("NicName"), nicF: dest >= 0 ? ix("DestNicFName") : ix("NicFName"),
      src: ix("SrcNicName"), srcF: ix("SrcNicFName"), sw: ix("SwitchName"), swF: ix("SwitchFName"), buf, reason, namesEnd,
      lastIsBuf: buf >= 0 && buf === plan.names.length - 1 && plan.schema.fields[buf]?.inType === "Pointer",
    };
    this.plans.set(plan, p);
    return p;
  }

  private str(b: Uint8Array, i: number, n: number): string {
    if (i < 0 || i >= n) return "";
    const o = this.off[i];
    const e = this.off[i + 1];
    const z = utf16zEnd(b, o, e);
    return readUtf16(b, o, (z - o) >> 1, e);
  }

  /** Parses an NBL/drop event into `ev` (false when its schema does not fit). */
  parse(rec: EtlRecord, plan: Plan): boolean {
    const p = this.planOf(plan);
    if (!p) return false;
    const b = rec.bytes;
    const s = rec.payloadStart;
    let n = -1;
    let e: number;
    if (p.lastIsBuf) {
      // BufferAddress ends the payload: the names are everything before it, no need to locate the fields.
      e = rec.payloadEnd - rec.pointerSize;
      if (e <= s) return false;
    } else {
      n = plan.locate(b, s, rec.payloadEnd, rec.pointerSize, this.off);
      if (n <= p.namesEnd) return false;
      e = this.off[p.namesEnd];
    }
    const len = e - s;
    let hit = this.lastById[rec.id & 511];
    if (!hit || !sameRegion(hit.bytes, b, s, len)) {
      hit = undefined;
      let h = 0x811c9dc5 ^ len;
      for (let i = s; i < e; i += 2) h = Math.imul(h ^ (b[i] | (b[i + 1] << 8)), 16777619);
      let list = this.names.get(h);
      if (list) for (const x of list) if (sameRegion(x.bytes, b, s, len)) hit = x;
      if (!hit) {
        if (n < 0) n = plan.locate(b, s, rec.payloadEnd, rec.pointerSize, this.off);
        hit = { bytes: b.slice(s, e), nic: this.str(b, p.nic, n), nicF: this.str(b, p.nicF, n), src: this.str(b, p.src, n), srcF: this.str(b, p.srcF, n), sw: this.str(b, p.sw, n), swF: this.str(b, p.swF, n) };
        if (!list) this.names.set(h, (list = []));
        if (list.length < 8) list.push(hit);
      }
      this.lastById[rec.id & 511] = hit;
    }
    const ev = this.ev;
    ev.id = rec.id;
    ev.ticks = rec.ticks;
    ev.cpu = rec.cpu;
    ev.tid = rec.tid;
    ev.nic = hit.nic;
    ev.nicF = hit.nicF;
    ev.srcNic = hit.src;
    ev.srcNicF = hit.srcF;
    ev.switchName = hit.sw;
    ev.switchF = hit.swF;
    ev.place = hit;
    ev.nblHi = 0;
    ev.nblLo = 0;
    ev.nblKey = 0;
    ev.dropReason = 0;
    if (p.buf >= 0) {
      let o = -1;
      let size = 0;
      if (p.lastIsBuf) {
        o = e;
        size = rec.pointerSize;
      } else if (n > p.buf) {
        o = this.off[p.buf];
        size = this.off[p.buf + 1] - o;
      }
      if (o >= 0) {
        ev.nblLo = rec.dv.getUint32(o, true);
        ev.nblHi = size === 8 ? rec.dv.getUint32(o + 4, true) : 0;
        ev.nblKey = (ev.nblHi & 0x1fffff) * 4294967296 + ev.nblLo;
      }
    }
    if (p.reason >= 0 && n > p.reason) ev.dropReason = rec.dv.getUint32(this.off[p.reason], true);
    return true;
  }
}

function sameRegion(a: Uint8Array, b: Uint8Array, s: number, len: number): boolean {
  if (a.length !== len) return false;
  if (len < 64) {
    for (let i = 0; i < len; i++) if (a[i] !== b[s + i]) return false;
    return true;
  }
  // Names run to a few hundred bytes: a native memcmp beats a byte loop.
  return Buffer.compare(a, b.subarray(s, s + len)) === 0;
}

export class JourneyReader implements Iterable<Journey> {
  readonly packets: PacketReader;
  readonly builder: JourneyBuilder;
  readonly names: TraceNames;
  private readonly queue: Journey[] = [];
  private head = 0;
  private readonly vms = new VmsParser();
  private finished = false;
  private readonly onProgress?: (bytes: number) => void;
  private readonly onPacket?: (p: PacketRecord) => void;
  private readonly onRecordHook?: (rec: EtlRecord, dec: TraceDecoder) => void;
  private seen = 0;

  constructor(input: string | Uint8Array | TraceDecoder, o: JourneyReaderOptions = {}) {
    this.names = new TraceNames();
    this.packets = new PacketReader(input, { onRecord: (rec, dec) => this.record(rec, dec) });
    this.names.components = this.packets.components;
    this.onProgress = o.onProgress;
    this.onPacket = o.onPacket;
    this.onRecordHook = o.onRecord;
    this.builder = new JourneyBuilder((j) => this.queue.push(j), {
      ...o,
      namer: new HopNamer(this.names, o.inventory ?? null),
      components: this.packets.components,
      startTime: this.packets.decoder.clock.startTime,
    });
  }

  private record(rec: EtlRecord, dec: TraceDecoder): void {
    if (this.onRecordHook) this.onRecordHook(rec, dec);
    if (rec.providerId !== VMSWITCH_GUID) return;
    const id = rec.id;
    if (NBL_IDS.has(id) || id === 54 || id === 55) {
      const r = dec.resolve(rec);
      if (r && this.vms.parse(rec, r.plan)) this.builder.vmswitch(this.vms.ev);
    } else if (CONTROL_IDS.has(id)) {
      const r = dec.resolve(rec);
      if (!r) return;
      const res = r.plan.decode(rec.bytes, rec.payloadStart, rec.payloadEnd, rec.pointerSize);
      const f: Record<string, string | number | undefined> = {};
      r.schema.fields.forEach((d, i) => {
        const v = res.values[i];
        if (typeof v === "string" || typeof v === "number") f[d.name] = v;
      });
      this.names.control(id, f);
    }
  }

  /** The next complete journey, or null at the end. */
  next(): Journey | null {
    while (this.head >= this.queue.length) {
      if (this.head > 0) {
        this.queue.length = 0;
        this.head = 0;
      }
      if (this.finished) return null;
      const p: PacketRecord | null = this.packets.next();
      if (p) {
        if (this.onPacket) this.onPacket(p);
        this.builder.packet(p);
        if (this.onProgress && (++this.seen & 0x3fff) === 0) this.onProgress(this.packets.decoder.reader.progress);
      } else {
        this.builder.finish();
        this.finished = true;
      }
    }
    return this.queue[this.head++];
  }

  *[Symbol.iterator](): IterableIterator<Journey> {
    for (let j = this.next(); j; j = this.next()) yield j;
  }

  get stats(): JourneyStats {
    return this.builder.stats;
  }

  close(): void {
    this.packets.close();
  }
}

/** Every journey of a file (small files and tests; use JourneyReader to stream big ones). */
export function readJourneys(input: string | Uint8Array, o: JourneyReaderOptions = {}): Journey[] {
  const r = new JourneyReader(input, o);
  try {
    return [...r];
  } finally {
    r.close();
  }
}
