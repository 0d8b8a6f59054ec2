/**
 * What the two writers share: payload templates built with the events stage's encoder and located with the
 * decoder's own fetch plan (so the lab writes exactly what the reader reads, fast enough for multi-GB files),
 * relogger-style embedded metadata (TRACE_EVENT_INFO / EVENT_MAP_INFO written on the first use of each event,
 * on the same CPU and at the same time, as pktmon and netsh merged files carry them), and which events each hop
 * becomes in each flavour (the ground truth lists the same).
 */
import type { EtlWriter } from "../etl/mod.js";
import { WellKnownGuid } from "../layout/etl.js";
import { Plan, bundledSchemas, encodeEventMapInfo, encodePayload, encodeTraceEventInfo, messageFor } from "../events/mod.js";
import type { EventSchema, FieldDef, FieldValue, ProviderSchema } from "../events/mod.js";
import type { Hop } from "./model/journey.js";
import type { CaptureProvider } from "./scenario.js";

export const VMSWITCH = "67dc0d66-3695-47c0-9642-33f76f7bd7ad";
export const NDISCAP = "2ed6006e-4729-4609-b423-3ee7bcd678ef";
export const PKTMON = "4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac";
export const WINNAT = "66c07ecd-6667-43fc-93f8-05cf07f446ec";

/** NDIS-PacketCapture keywords. */
export const NDIS_KW = {
  Ethernet: 0x1n, VMSwitch: 0x1000000n, PacketTruncated: 0x2000000n, PacketStart: 0x40000000n, PacketEnd: 0x80000000n, Send: 0x100000000n, Receive: 0x200000000n,
} as const;
/** VmSwitch keywords as real events carry them (channel bit 63 + VmsControlPath / VmsDataPath [inferred masks]). */
export const VMS_KW = { control: 0x8000000000000001n, data: 0x8000000000000002n, drop: 0x8000010000000002n } as const;

export function provider(guid: string): ProviderSchema {
  const p = bundledSchemas().get(guid);
  if (!p) throw new Error(`bundled schema for provider ${guid} is missing (src/schemas)`);
  return p;
}

export function eventSchema(p: ProviderSchema, id: number, version = 0): EventSchema {
  const s = p.events.find((e) => e.id === id && e.version === version);
  if (!s) throw new Error(`bundled schema ${p.name} has no event ${id} v${version}`);
  return s;
}

/**
 * A payload built once by encodePayload and cut where its one variable-length binary field goes; the numeric
 * fields are patched in place at the offsets the decoder's plan finds. make() costs one allocation per event.
 */
export class PayloadTemplate {
  private readonly head: Uint8Array;
  private readonly tail: Uint8Array;
  /** Field name → [offset, size, in head (true) or tail (false)]. */
  private readonly at = new Map<string, [number, number, boolean]>();
  private lastKey = "";
  private lastAt: [number, number, boolean] | undefined;

  constructor(readonly schema: EventSchema, values: Readonly<Record<string, FieldValue>>, readonly binary: string | null, ptr: 4 | 8 = 8) {
    const v: Record<string, FieldValue> = { ...values };
    if (binary) v[binary] = new Uint8Array(0);
    const t = encodePayload(schema, v, ptr);
    const plan = new Plan(schema);
    const off = new Int32Array(schema.fields.length + 1);
    const n = plan.locate(t, 0, t.length, ptr, off);
    if (n !== schema.fields.length) throw new Error(`template for ${schema.name}: located ${n} of ${schema.fields.length} fields`);
    const cut = binary ? off[plan.indexOf(binary)] : t.length;
    this.head = t.slice(0, cut);
    this.tail = t.slice(cut);
    schema.fields.forEach((f: FieldDef, i) => {
      const size = off[i + 1] - off[i];
      if (size === 1 || size === 2 || size === 4 || size === 8) this.at.set(f.name, off[i] < cut ? [off[i], size, true] : [off[i] - cut, size, false]);
    });
  }

  /** The payload with `bin` in the binary field and the given integer fields replaced. */
  make(patch: Readonly<Record<string, number | bigint>>, bin: Uint8Array = EMPTY): Uint8Array {
    const o = new Uint8Array(this.head.length + bin.length + this.tail.length);
    o.set(this.head, 0);
    if (bin.length) o.set(bin, this.head.length);
    o.set(this.tail, this.head.length + bin.length);
    const dv = new DataView(o.buffer);
    for (const k in patch) {
      const a = this.lastKey === k ? this.lastAt : this.at.get(k);
      if (!a) throw new Error(`template for ${this.schema.name}: no fixed-size field ${k}`);
      this.lastKey = k;
      this.lastAt = a;
      const pos = a[2] ? a[0] : this.head.length + bin.length + a[0];
      const val = patch[k];
      switch (a[1]) {
        case 1: o[pos] = Number(val) & 0xff; break;
        case 2: dv.setUint16(pos, Number(val) & 0xffff, true); break;
        case 4: dv.setUint32(pos, Number(val) >>> 0, true); break;
        case 8: dv.setBigUint64(pos, BigInt.asUintN(64, BigInt(val)), true); break;
      }
    }
    return o;
  }
}

const EMPTY = new Uint8Array(0);

/** Caches templates by a key of up to three parts (strings keep their hash, so nested maps avoid building keys). */
export class Templates {
  private readonly m = new Map<unknown, Map<unknown, Map<unknown, PayloadTemplate>>>();
  get(a: unknown, b: unknown, c: unknown, make: () => PayloadTemplate): PayloadTemplate {
    let m1 = this.m.get(a);
    if (!m1) this.m.set(a, (m1 = new Map()));
    let m2 = m1.get(b);
    if (!m2) m1.set(b, (m2 = new Map()));
    let t = m2.get(c);
    if (!t) m2.set(c, (t = make()));
    return t;
  }
}

/**
 * Writes events the way the relogger does: before an event's first occurrence, its TRACE_EVENT_INFO (and the
 * EVENT_MAP_INFO of each value map it uses) as KernelTraceControl MetaData records on the same CPU, same time.
 */
export class MetadataWriter {
  private readonly seen = new Set<EventSchema>();
  private readonly seenMaps = new Set<string>();
  constructor(private readonly w: EtlWriter, private readonly osBuild: number) {}

  ensure(p: ProviderSchema, s: EventSchema, at: { cpu: number; ticks: number; pid: number; tid: number }, keyword: bigint): void {
    if (this.seen.has(s)) return;
    this.seen.add(s);
    const message = messageFor(s, this.osBuild);
    const info = encodeTraceEventInfo({ providerGuid: p.guid, providerName: p.name, schema: s, keyword, ...(message !== undefined ? { message } : {}) });
    this.w.writeClassic({ cpu: at.cpu, ticks: at.ticks, guid: WellKnownGuid.KernelTraceControlMetadata, opcode: 32, pid: at.pid, tid: at.tid, payload: info });
    for (const f of s.fields) {
      if (!f.map || this.seenMaps.has(`${p.guid}|${f.map}`)) continue;
      const map = p.maps?.[f.map];
      if (!map) continue;
      this.seenMaps.add(`${p.guid}|${f.map}`);
      const body = encodeEventMapInfo(f.map, map);
      const payload = new Uint8Array(16 + body.length);
      payload.set(info.subarray(0, 16), 0); // provider GUID, as TRACE_EVENT_INFO starts with it
      payload.set(body, 16);
      this.w.writeClassic({ cpu: at.cpu, ticks: at.ticks, guid: WellKnownGuid.KernelTraceControlMetadata, opcode: 33, pid: at.pid, tid: at.tid, payload });
    }
  }
}

/** Thread ids of the system threads (DPCs) that log data-path events, one per CPU. */
export function systemTid(cpu: number): number {
  return 0x1a8 + cpu * 0x0c;
}

/** Events a hop becomes in the netsh flavour (in order), with only `providers` enabled (default: all). */
export function netshEvents(h: Hop, providers?: ReadonlySet<CaptureProvider>): number[] {
  const all = netshAllEvents(h);
  if (!providers) return all;
  return all.filter((id) => providers.has(netshProviderOf(h, id)));
}

/** Which capture provider writes event `id` of a hop. */
function netshProviderOf(h: Hop, id: number): CaptureProvider {
  return h.kind === "winnat" ? "winnat" : id === 1001 || id === 1003 ? "ndis" : "vmswitch";
}

function netshAllEvents(h: Hop): number[] {
  switch (h.kind) {
    case "switch-in": return [56, 1003];
    case "switch-out": return [57, 1003, 58];
    case "nic-send":
    case "nic-recv": return [1001];
    case "winnat": return h.nat?.created ? [1001] : [];
    case "drop": return h.drop && (h.drop.by === "vSwitch" || h.drop.by === "VFP") && h.vswitch ? [h.drop.side === "ingress" ? 54 : 55] : [];
    default: return [];
  }
}

/** Providers of the netsh events of a hop (parallel to netshEvents). */
export function netshProviders(h: Hop, providers?: ReadonlySet<CaptureProvider>): string[] {
  return netshEvents(h, providers).map((id) => ({ winnat: WINNAT, ndis: NDISCAP, vmswitch: VMSWITCH })[netshProviderOf(h, id)]);
}

/** The bytes a capture with snap length `snaplen` keeps of a frame (null: all of them). */
export function snap(frame: Uint8Array, snaplen: number | null): Uint8Array {
  return snaplen !== null && frame.length > snaplen ? frame.subarray(0, snaplen) : frame;
}

/** Events a hop becomes in the pktmon flavour. */
export function pktmonEvents(h: Hop): number[] {
  switch (h.kind) {
    case "switch-in":
    case "switch-out":
    case "vfp":
    case "nic-send":
    case "nic-recv": return [160];
    case "drop": return h.drop && h.drop.by !== "WinNAT" && h.drop.by !== "host" ? [170] : [];
    default: return [];
  }
}

/** Offsets (ticks) of a hop's netsh events after the hop's time: 56 → 1003 0.9 µs; 57 → 1003 0.8 µs → 58 2.7 µs. */
export function netshOffsets(h: Hop): number[] {
  return h.kind === "switch-in" ? [0, 9] : h.kind === "switch-out" ? [0, 8, 27] : [0];
}
