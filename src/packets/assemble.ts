/**
 * Stage 3a: capture events → packet records. Pulls records from a TraceDecoder and turns
 *   - NDIS-PacketCapture 1001 fragments into frames (joined per CPU from PacketStart to PacketEnd),
 *   - NDIS-PacketCapture 1003 VMSwitch fragments into frames with their vSwitch port/NIC,
 *   - PktMon 160/170 (and 240) into packet appearances with group/number/appearance/component/edge,
 * keeping pktmon's component table (20, 30–75) and NDIS interface attach events (1014/1015) on the way.
 * Field offsets come from the trace's own schema (embedded metadata or bundled), located without allocation.
 */
import type { EtlRecord, RecordRef } from "../etl/mod.js";
import { EtlReader, RecordKind } from "../etl/mod.js";
import type { DecoderOptions, Plan, ResolvedSchema } from "../events/mod.js";
import { TraceDecoder } from "../events/mod.js";
import { readUtf16zFast } from "../bytes/text.js";
import { toHex } from "../bytes/hex.js";
import type { LinkType, PacketRecord, PktmonMeta } from "./frame.js";
import { LinkType as LT } from "./frame.js";
import { PktmonComponents } from "./components.js";

export const NDISCAP_GUID = "2ed6006e-4729-4609-b423-3ee7bcd678ef";
export const PKTMON_GUID = "4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac";

/** NDIS-PacketCapture keyword bits (low/high 32-bit halves). */
const KW_LO = { Native80211: 0x10000, WirelessWan: 0x200, VmSwitch: 0x1000000, Truncated: 0x2000000, Start: 0x40000000, End: 0x80000000 };
const KW_HI = { Send: 0x1, Receive: 0x2 };

const DIR_NAMES: Record<number, string> = { 0: "None", 1: "In", 2: "Out", 3: "Rx", 4: "Tx", 5: "Ingress", 6: "Egress" };
const PACKET_TYPES: Record<number, string> = { 0: "Unknown", 1: "Ethernet", 2: "WiFi", 3: "IP", 4: "HTTP" };

/** Field offsets of one record under one plan, found once per record with no allocation. */
class Located {
  readonly off = new Int32Array(128);
  n = 0;
  b: Uint8Array = new Uint8Array(0);
  dv: DataView = new DataView(new ArrayBuffer(0));
  locate(plan: Plan, rec: EtlRecord): number {
    this.b = rec.bytes;
    this.dv = rec.dv;
    this.n = plan.locate(rec.bytes, rec.payloadStart, rec.payloadEnd, rec.pointerSize, this.off);
    return this.n;
  }
  has(i: number): boolean {
    return i >= 0 && i < this.n;
  }
  /** Unsigned integer of field i (1, 2, 4 or 8 bytes); 0 when absent. */
  uint(i: number): number {
    if (!this.has(i)) return 0;
    const o = this.off[i];
    switch (this.off[i + 1] - o) {
      case 1: return this.b[o];
      case 2: return this.dv.getUint16(o, true);
      case 4: return this.dv.getUint32(o, true);
      case 8: return this.dv.getUint32(o, true) + this.dv.getUint32(o + 4, true) * 4294967296;
      default: return 0;
    }
  }
  u64(i: number): string {
    if (!this.has(i) || this.off[i + 1] - this.off[i] !== 8) return String(this.uint(i));
    const o = this.off[i];
    const hi = this.dv.getUint32(o + 4, true);
    if (hi < 0x200000) return String(hi * 4294967296 + this.dv.getUint32(o, true));
    return this.dv.getBigUint64(o, true).toString();
  }
  /** UTF-16 string of field i (NUL-terminated or counted: up to the next field). */
  str(i: number): string {
    if (!this.has(i)) return "";
    return readUtf16zFast(this.b, this.off[i], this.off[i + 1]);
  }
  bytes(i: number): Uint8Array {
    if (!this.has(i)) return new Uint8Array(0);
    return slab.copy(this.b, this.off[i], this.off[i + 1]);
  }
  start(i: number): number {
    return this.off[i];
  }
  end(i: number): number {
    return this.off[i + 1];
  }
}

/**
 * Packet bytes are copied out of the reader's reused buffers into 1 MiB slabs (one ArrayBuffer per slab instead
 * of one per packet, like Node's Buffer pool); a slab is freed when no packet refers to it any more.
 */
class Slab {
  private buf = new Uint8Array(0);
  private pos = 0;
  copy(src: Uint8Array, start: number, end: number): Uint8Array {
    const n = end - start;
    if (n > 65536) return src.slice(start, end);
    if (this.pos + n > this.buf.length) {
      this.buf = new Uint8Array(1 << 20);
      this.pos = 0;
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    out.set(src.subarray(start, end));
    this.pos += (n + 7) & ~7;
    return out;
  }
}
const slab = new Slab();

/** Indices of the fields the assembler needs, per plan. */
type Idx = Record<string, number>;
const idxCache = new WeakMap<Plan, Idx>();
function indices(plan: Plan, names: readonly string[]): Idx {
  let m = idxCache.get(plan);
  if (!m) {
    m = {};
    for (const n of names) m[n] = plan.indexOf(n);
    idxCache.set(plan, m);
  }
  return m;
}

const F1001 = ["MiniportIfIndex", "LowerIfIndex", "FragmentSize", "Fragment"] as const;
const F1003 = ["MiniportIfIndex", "LowerIfIndex", "SourcePortId", "SourcePortName", "SourceNicName", "SourceNicType", "DestinationCount", "Destination", "FragmentSize", "Fragment", "OOBDataSize", "OOBData"] as const;
const F160 = ["PktGroupId", "PktNumber", "AppearanceCount", "DirTag", "PacketType", "ComponentId", "EdgeId", "FilterId", "DropReason", "DropLocation", "OriginalPayloadSize", "LoggedPayloadSize", "Payload"] as const;
const F20 = ["Id", "Type", "Name", "Description"] as const;

interface Pending {
  parts: Uint8Array[];
  size: number;
  cpu: number;
  ref: RecordRef;
  ticks: number;
  pid: number;
  tid: number;
  miniport: number;
  lower: number;
  kwLo: number;
  kwHi: number;
}

export interface PacketStats {
  packets: number;
  ndisFrames: number;
  ndisFragments: number;
  vmswitchFrames: number;
  pktmonAppearances: number;
  pktmonDrops: number;
  /** 1001 fragment runs cut off by a new PacketStart or the end of the trace. */
  incompleteFrames: number;
}

export interface PacketReaderOptions extends DecoderOptions {
  /** Called for every record that is not a packet (after the assembler has looked at it). */
  readonly onRecord?: (rec: EtlRecord, decoder: TraceDecoder) => void;
}

export class PacketReader {
  readonly decoder: TraceDecoder;
  readonly components = new PktmonComponents();
  /** NDIS attach events (1014): MiniportIfIndex → media type. */
  readonly ndisInterfaces = new Map<number, { lowerIfIndex: number; mediaType: number }>();
  readonly stats: PacketStats = { packets: 0, ndisFrames: 0, ndisFragments: 0, vmswitchFrames: 0, pktmonAppearances: 0, pktmonDrops: 0, incompleteFrames: 0 };
  private readonly loc = new Located();
  private readonly pending = new Map<number, Pending>();
  private readonly queue: PacketRecord[] = [];
  private number = 0;
  private done = false;
  private readonly onRecord?: (rec: EtlRecord, decoder: TraceDecoder) => void;
  private metadataHex: string | undefined;

  constructor(input: string | Uint8Array | TraceDecoder, options: PacketReaderOptions = {}) {
    this.decoder = input instanceof TraceDecoder ? input : new TraceDecoder(input, options);
    this.onRecord = options.onRecord;
    this.learnComponentsEarly();
  }

  /**
   * pktmon writes its component table (events 20, 30–75) when the capture stops, so it sits in the last
   * buffer(s) of one CPU. Read those buffers first — the last buffer of every CPU, and earlier ones of a CPU
   * while they still hold component events — so that packets name their component from the first one on.
   */
  private learnComponentsEarly(): void {
    const lists = [...this.decoder.reader.cpuBuffers().values()];
    let pick = lists.map((l) => l.length - 1);
    for (let round = 0; round < 64; round++) {
      const want = pick.flatMap((k, i) => (k >= 0 ? [lists[i][k]] : []));
      if (want.length === 0) break;
      const hits = new Set<number>();
      const r = EtlReader.open(this.decoder.input, { order: "file", buffers: want });
      try {
        while (r.next()) {
          const rec = r.record;
          if (rec.kind !== RecordKind.EventHeader || rec.providerId !== PKTMON_GUID) continue;
          const id = rec.id;
          if (id !== 20 && id !== 270 && (id < 30 || id > 75)) continue;
          hits.add(rec.bufferIndex);
          const res = this.decoder.resolve(rec);
          if (!res) continue;
          if (id === 20 || id === 270) this.pktmonComponent(rec, res);
          else this.pktmonProperty(rec, res);
        }
      } finally {
        r.close();
      }
      // Go one buffer further back only on CPUs whose buffer held component events.
      pick = pick.map((k, i) => (k >= 0 && hits.has(lists[i][k]) ? k - 1 : -1));
    }
  }

  /** The next packet record, or null at the end. */
  next(): PacketRecord | null {
    while (this.queue.length === 0) {
      if (this.done) return null;
      if (!this.decoder.next()) {
        this.done = true;
        for (const [cpu, p] of this.pending) {
          this.stats.incompleteFrames++;
          this.emitNdis(p);
          this.pending.delete(cpu);
        }
        continue;
      }
      this.consume(this.decoder.record);
    }
    return this.queue.shift() ?? null;
  }

  *[Symbol.iterator](): IterableIterator<PacketRecord> {
    for (let p = this.next(); p; p = this.next()) yield p;
  }

  close(): void {
    this.decoder.close();
  }

  private consume(rec: EtlRecord): void {
    if (rec.kind === RecordKind.Classic) {
      if (rec.providerId === "bbccf6c1-6cd1-48c4-80ff-839482e37671") this.decoder.learn(rec);
      this.onRecord?.(rec, this.decoder);
      return;
    }
    if (rec.kind !== RecordKind.EventHeader) {
      this.onRecord?.(rec, this.decoder);
      return;
    }
    const pid = rec.providerId;
    if (pid === PKTMON_GUID) {
      const id = rec.id;
      if (id === 160 || id === 170 || id === 240) return this.pktmonPacket(rec);
      const r = this.decoder.resolve(rec);
      if (r) {
        if (id === 20 || id === 270) this.pktmonComponent(rec, r);
        else if (id >= 30 && id <= 75) this.pktmonProperty(rec, r);
      }
    } else if (pid === NDISCAP_GUID) {
      const id = rec.id;
      if (id === 1001) return this.ndisFragment(rec);
      if (id === 1003) return this.vmswitchFragment(rec);
      const r = this.decoder.resolve(rec);
      if (r && id === 1002) {
        const l = this.loc;
        l.locate(r.plan, rec);
        const ix = indices(r.plan, ["Metadata"]);
        this.metadataHex = toHex(l.bytes(ix.Metadata));
      } else if (r && id === 1014) {
        const l = this.loc;
        l.locate(r.plan, rec);
        const ix = indices(r.plan, ["MiniportIfIndex", "LowerIfIndex", "MediaType"]);
        this.ndisInterfaces.set(l.uint(ix.MiniportIfIndex), { lowerIfIndex: l.uint(ix.LowerIfIndex), mediaType: l.uint(ix.MediaType) });
      }
    }
    this.onRecord?.(rec, this.decoder);
  }

  private push(p: PacketRecord): void {
    this.queue.push(p);
    this.stats.packets++;
  }

  // ---- NDIS 1001 ---------------------------------------------------------------------------------------

  private ndisFragment(rec: EtlRecord): void {
    const r = this.decoder.resolve(rec);
    if (!r) return;
    const l = this.loc;
    l.locate(r.plan, rec);
    const ix = indices(r.plan, F1001);
    if (!l.has(ix.Fragment)) return;
    this.stats.ndisFragments++;
    const kwLo = rec.keywordLo >>> 0;
    const start = (kwLo & KW_LO.Start) !== 0;
    const end = (kwLo & KW_LO.End) !== 0;
    let p = this.pending.get(rec.cpu);
    if (p && start) {
      // A new packet starts while the previous one never ended: emit what we have.
      this.stats.incompleteFrames++;
      this.emitNdis(p);
      this.pending.delete(rec.cpu);
      p = undefined;
    }
    // A fragment with neither bit continues a packet already started on this CPU (etl2pcapng: "zero or more
    // events with neither keyword in between"); with nothing pending it is a single-event packet.
    const continuing = p !== undefined;
    if (!p) {
      p = {
        parts: [], size: 0, cpu: rec.cpu, ref: rec.ref, ticks: rec.ticks, pid: rec.pid, tid: rec.tid,
        miniport: l.uint(ix.MiniportIfIndex), lower: l.uint(ix.LowerIfIndex), kwLo, kwHi: rec.keywordHi >>> 0,
      };
    }
    const frag = l.bytes(ix.Fragment);
    p.parts.push(frag);
    p.size += frag.length;
    if (end || (!start && !continuing)) {
      this.emitNdis(p);
      this.pending.delete(rec.cpu);
    } else {
      this.pending.set(rec.cpu, p);
    }
  }

  private emitNdis(p: Pending): void {
    const bytes = p.parts.length === 1 ? p.parts[0] : concat(p.parts, p.size);
    const linkType = linkTypeOf(p.kwLo);
    this.stats.ndisFrames++;
    this.push({
      number: ++this.number, ticks: p.ticks, cpu: p.cpu, pid: p.pid, tid: p.tid, source: "ndis", linkType,
      direction: p.kwHi & KW_HI.Send ? "out" : p.kwHi & KW_HI.Receive ? "in" : "unknown",
      bytes, originalLength: originalLength(bytes, linkType, (p.kwLo & KW_LO.Truncated) !== 0),
      ndis: { miniportIfIndex: p.miniport, lowerIfIndex: p.lower, fragments: p.parts.length, ...(this.metadataHex ? { metadataHex: this.metadataHex } : {}) },
      event: p.ref, eventId: 1001,
    });
    this.metadataHex = undefined;
  }

  // ---- NDIS 1003 ---------------------------------------------------------------------------------------

  private vmswitchFragment(rec: EtlRecord): void {
    const r = this.decoder.resolve(rec);
    if (!r) return;
    const l = this.loc;
    l.locate(r.plan, rec);
    const ix = indices(r.plan, F1003);
    if (!l.has(ix.Fragment)) return;
    const bytes = l.bytes(ix.Fragment);
    let vlanId = 0;
    let hashValue = 0;
    if (l.has(ix.OOBData)) {
      // OOBData: NDIS_NET_BUFFER_LIST_INFO slots, pointer-sized. Slot 4 = Ieee8021Q (VlanId bits 4..15), slot 8 = hash.
      const ps = rec.pointerSize;
      const o = l.start(ix.OOBData);
      const e = l.end(ix.OOBData);
      if (o + 5 * ps <= e) vlanId = (rec.dv.getUint32(o + 4 * ps, true) >>> 4) & 0xfff;
      if (o + 9 * ps <= e) hashValue = rec.dv.getUint32(o + 8 * ps, true);
    }
    const kwLo = rec.keywordLo >>> 0;
    const kwHi = rec.keywordHi >>> 0;
    this.stats.vmswitchFrames++;
    this.push({
      number: ++this.number, ticks: rec.ticks, cpu: rec.cpu, pid: rec.pid, tid: rec.tid, source: "vmswitch", linkType: LT.Ethernet,
      direction: kwHi & KW_HI.Send ? "out" : kwHi & KW_HI.Receive ? "in" : "unknown",
      bytes, originalLength: originalLength(bytes, LT.Ethernet, (kwLo & KW_LO.Truncated) !== 0),
      vmswitch: {
        miniportIfIndex: l.uint(ix.MiniportIfIndex), lowerIfIndex: l.uint(ix.LowerIfIndex), sourcePortId: l.uint(ix.SourcePortId),
        sourcePortName: l.str(ix.SourcePortName), sourceNicName: l.str(ix.SourceNicName), sourceNicType: l.str(ix.SourceNicType),
        destinationCount: l.uint(ix.DestinationCount), vlanId, hashValue,
      },
      event: rec.ref, eventId: 1003,
    });
  }

  // ---- PktMon ------------------------------------------------------------------------------------------

  private pktmonPacket(rec: EtlRecord): void {
    const r = this.decoder.resolve(rec);
    if (!r) return;
    const l = this.loc;
    l.locate(r.plan, rec);
    const ix = indices(r.plan, F160);
    if (!l.has(ix.Payload) && !l.has(ix.LoggedPayloadSize)) return;
    const names = mapNames(r);
    const drop = rec.id === 170;
    const packetType = l.uint(ix.PacketType);
    const dirTag = l.uint(ix.DirTag);
    const componentId = l.uint(ix.ComponentId);
    const dropReason = l.uint(ix.DropReason);
    const bytes = l.bytes(ix.Payload);
    const componentName = this.components.label(componentId);
    const meta: { -readonly [K in keyof PktmonMeta]: PktmonMeta[K] } = {
      groupId: l.u64(ix.PktGroupId), pktNumber: l.uint(ix.PktNumber), appearance: l.uint(ix.AppearanceCount),
      dirTag, dirName: names.dir(dirTag), packetType, packetTypeName: names.type(packetType), componentId,
      edgeId: l.uint(ix.EdgeId), filterId: l.uint(ix.FilterId), drop, dropReason, dropLocation: l.uint(ix.DropLocation),
    };
    if (componentName !== undefined) meta.componentName = componentName;
    if (drop) meta.dropReasonName = names.drop(dropReason);
    this.stats.pktmonAppearances++;
    if (drop) this.stats.pktmonDrops++;
    const linkType: LinkType = packetType === 2 ? LT.Ieee80211 : packetType === 3 ? LT.RawIp : packetType === 4 ? LT.User0 : LT.Ethernet;
    this.push({
      number: ++this.number, ticks: rec.ticks, cpu: rec.cpu, pid: rec.pid, tid: rec.tid, source: "pktmon", linkType,
      direction: dirTag === 1 || dirTag === 3 || dirTag === 5 ? "in" : dirTag === 2 || dirTag === 4 || dirTag === 6 ? "out" : "unknown",
      bytes, originalLength: Math.max(bytes.length, l.uint(ix.OriginalPayloadSize)),
      pktmon: meta, event: rec.ref, eventId: rec.id,
    });
  }

  private pktmonComponent(rec: EtlRecord, r: ResolvedSchema): void {
    const l = this.loc;
    l.locate(r.plan, rec);
    const ix = indices(r.plan, F20);
    this.components.setComponent(l.uint(ix.Id), l.uint(ix.Type), l.str(ix.Name), l.str(ix.Description));
  }

  private pktmonProperty(rec: EtlRecord, r: ResolvedSchema): void {
    const res = r.plan.decode(rec.bytes, rec.payloadStart, rec.payloadEnd, rec.pointerSize);
    if (res.values.length < 3) return;
    const comp = Number(res.values[0]);
    const type = Number(res.values[1]);
    const defs = r.schema.fields;
    // The value is the last field (event 70: Size then Value); render it the way pktmon does.
    const vi = res.values.length - 1;
    const v = res.values[vi];
    const def = defs[vi];
    let text: string | number;
    if (v instanceof Uint8Array) text = def.outType === "IPv6" && v.length === 16 ? ipv6(v) : [...v].map((x) => x.toString(16).padStart(2, "0")).join("-").toUpperCase();
    else if (typeof v === "number" && def.outType === "IPv4") text = `${v & 255}.${(v >>> 8) & 255}.${(v >>> 16) & 255}.${v >>> 24}`;
    else if (typeof v === "number" && def.map && r.maps[def.map]) text = (r.maps[def.map].entries[String(v)] ?? String(v)).trim();
    else if (typeof v === "number" || typeof v === "string") text = v;
    else text = String(v);
    this.components.addProperty(comp, type, text);
  }
}

interface Names {
  dir(v: number): string;
  type(v: number): string;
  drop(v: number): string;
}
const namesCache = new WeakMap<ResolvedSchema, Names>();

/** Value-map lookups for one schema, with the texts trimmed once and cached. */
function mapNames(r: ResolvedSchema): Names {
  let n = namesCache.get(r);
  if (n) return n;
  const memo = (field: string, fallback: Record<number, string>): ((v: number) => string) => {
    const cache = new Map<number, string>();
    return (v) => {
      let t = cache.get(v);
      if (t === undefined) cache.set(v, (t = mapName(r, field, v) ?? fallback[v] ?? String(v)));
      return t;
    };
  };
  n = { dir: memo("DirTag", DIR_NAMES), type: memo("PacketType", PACKET_TYPES), drop: memo("DropReason", {}) };
  namesCache.set(r, n);
  return n;
}

function mapName(r: ResolvedSchema, field: string, v: number): string | undefined {
  const i = r.plan.indexOf(field);
  if (i < 0) return undefined;
  const m = r.schema.fields[i].map;
  const t = m ? r.maps[m]?.entries[String(v)] : undefined;
  return t?.trim();
}

function ipv6(b: Uint8Array): string {
  const w: string[] = [];
  for (let i = 0; i < 16; i += 2) w.push(((b[i] << 8) | b[i + 1]).toString(16));
  return w.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}

function linkTypeOf(kwLo: number): LinkType {
  if (kwLo & KW_LO.Native80211) return LT.Ieee80211;
  if (kwLo & KW_LO.WirelessWan) return LT.RawIp;
  return LT.Ethernet;
}

/** Wire length: for truncated captures, inferred from the IP header (as etl2pcapng does). */
function originalLength(b: Uint8Array, linkType: LinkType, truncated: boolean): number {
  if (!truncated || linkType !== LT.Ethernet || b.length < 18) return b.length;
  let off = 12;
  let type = (b[off] << 8) | b[off + 1];
  if (type === 0x8100 && b.length >= 22) {
    off += 4;
    type = (b[off] << 8) | b[off + 1];
  }
  const ip = off + 2;
  let len = 0;
  if (type === 0x0800 && b.length >= ip + 4) len = ((b[ip + 2] << 8) | b[ip + 3]) + ip;
  else if (type === 0x86dd && b.length >= ip + 6) len = ((b[ip + 4] << 8) | b[ip + 5]) + 40 + ip;
  return len > b.length ? len : b.length;
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const o = new Uint8Array(size);
  let i = 0;
  for (const p of parts) {
    o.set(p, i);
    i += p.length;
  }
  return o;
}
