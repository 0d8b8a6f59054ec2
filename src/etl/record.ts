/**
 * EtlRecord: one event record, as a view into the buffer it sits in. The reader reuses these objects: a record
 * is valid until the cursor moves on; call clone() to keep one.
 */
import { readGuid } from "../bytes/guid.js";
import { readUtf8, ansizEnd } from "../bytes/text.js";
import { ExtType } from "../layout/etl.js";
import { kernelGroupGuid } from "./kernel.js";

export const RecordKind = {
  System: 1,      // SYSTEM_TRACE_HEADER (kernel, logfile header)
  Compact: 2,     // compact SYSTEM header
  PerfInfo: 3,    // PERFINFO_TRACE_HEADER
  Classic: 4,     // EVENT_TRACE_HEADER (MOF / relogger rundown)
  Instance: 5,    // EVENT_INSTANCE_GUID_HEADER
  EventHeader: 6, // EVENT_HEADER (manifest / TraceLogging)
  Message: 7,     // WPP TraceMessage
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

export const RECORD_KIND_NAMES: Record<RecordKind, string> = {
  1: "SYSTEM", 2: "COMPACT", 3: "PERFINFO", 4: "CLASSIC", 5: "INSTANCE", 6: "EVENT_HEADER", 7: "WPP_MESSAGE",
};

/** A decoded EVENT_HEADER extended data item. */
export type ExtendedItem =
  | { type: "related-activity-id"; value: string }
  | { type: "sid"; value: string }
  | { type: "terminal-session-id"; value: number }
  | { type: "instance-info"; instanceId: number; parentInstanceId: number; parentGuid: string }
  | { type: "stack-trace"; matchId: string; frames: string[] }
  | { type: "pebs-index"; value: string }
  | { type: "pmc-counters"; values: string[] }
  | { type: "psm-key"; value: string }
  | { type: "event-key"; value: string }
  | { type: "tracelogging-schema"; offset: number; length: number }
  | { type: "provider-traits"; providerName: string; groupGuid: string | null; offset: number; length: number }
  | { type: "process-start-key"; value: string }
  | { type: "control-guid"; value: string }
  | { type: "qpc-delta"; value: string }
  | { type: "container-id"; value: string }
  | { type: "unknown"; extType: number; size: number };

/** Where a record came from: for messages, --debug and links between stages. */
export interface RecordRef {
  /** Index of the buffer in file order. */
  readonly buffer: number;
  /** File offset of that buffer. */
  readonly bufferOffset: number;
  /** Offset of the record inside the (decompressed) buffer, counting the 0x48 header. */
  readonly offset: number;
}

let lastKwHi = 0;
let lastKwLo = 0;
let lastKwHex = "0x0000000000000000";

export class EtlRecord {
  kind: RecordKind = RecordKind.System;
  headerType = 0;
  /** Pointer size of the payload, from the header type (32 or 64-bit variant). */
  pointerSize: 4 | 8 = 8;
  /** The buffer the record is in; valid until the cursor moves. */
  bytes: Uint8Array = new Uint8Array(0);
  dv: DataView = new DataView(new ArrayBuffer(0));
  /** Start of the record in `bytes`. */
  start = 0;
  size = 0;
  /** Where the user data (payload) starts and ends in `bytes`. */
  payloadStart = 0;
  payloadEnd = 0;
  /** 100 ns ticks since the trace StartTime. */
  ticks = 0;
  /** Raw timestamp halves, as stored. */
  rawHi = 0;
  rawLo = 0;
  cpu = 0;
  pid = 0;
  tid = 0;
  /** Provider GUID (EVENT_HEADER, classic, WPP with GUID) or the kernel group's GUID (SYSTEM/PERFINFO). */
  providerId = "";
  /** EVENT_HEADER: event id; SYSTEM/PERFINFO: hook type; classic: 0. */
  id = 0;
  version = 0;
  channel = 0;
  level = 0;
  /** EVENT_HEADER opcode; classic Class.Type; SYSTEM/PERFINFO hook type. */
  opcode = 0;
  task = 0;
  /** Kernel hook group (SYSTEM/COMPACT/PERFINFO) or -1. */
  group = -1;
  flags = 0;
  eventProperty = 0;
  keywordLo = 0;
  keywordHi = 0;
  /** Kernel/user time or ProcessorTime as stored (two u32). */
  kernelTime = 0;
  userTime = 0;
  /** Offset of the first extended data item, or -1. */
  extStart = -1;
  bufferIndex = 0;
  bufferOffset = 0;
  /** Offset of the buffer data in `bytes` (the byte after the 0x48 header). */
  dataBase = 0;

  get keyword(): bigint {
    return (BigInt(this.keywordHi >>> 0) << 32n) | BigInt(this.keywordLo >>> 0);
  }

  /** Keyword as 0x-prefixed 16-digit hex. */
  get keywordHex(): string {
    const hi = this.keywordHi >>> 0;
    const lo = this.keywordLo >>> 0;
    // Consecutive records mostly share their keywords: remember the last rendering.
    if (hi !== lastKwHi || lo !== lastKwLo) {
      lastKwHi = hi;
      lastKwLo = lo;
      lastKwHex = "0x" + hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
    }
    return lastKwHex;
  }

  get ref(): RecordRef {
    return { buffer: this.bufferIndex, bufferOffset: this.bufferOffset, offset: this.start - this.dataBase + 0x48 };
  }

  /** ActivityId of an EVENT_HEADER record, or null when absent/zero. */
  activityId(): string | null {
    if (this.kind !== RecordKind.EventHeader) return null;
    const o = this.start + 0x40;
    for (let i = 0; i < 16; i++) if (this.bytes[o + i] !== 0) return readGuid(this.bytes, o);
    return null;
  }

  /** The user data as a sub-array (no copy). */
  payload(): Uint8Array {
    return this.bytes.subarray(this.payloadStart, this.payloadEnd);
  }

  /** Decodes the EVENT_HEADER extended data items. */
  extendedItems(): ExtendedItem[] {
    const out: ExtendedItem[] = [];
    if (this.extStart < 0) return out;
    const b = this.bytes;
    const dv = this.dv;
    let q = this.extStart;
    const end = this.start + this.size;
    while (q + 8 <= end) {
      const itemSize = dv.getUint16(q, true);
      const type = dv.getUint16(q + 2, true);
      const linkage = dv.getUint16(q + 4, true);
      const dataSize = dv.getUint16(q + 6, true);
      const d = q + 8;
      const dEnd = Math.min(d + dataSize, end);
      out.push(decodeExtItem(b, dv, type, d, dEnd, this.pointerSize));
      if (itemSize < 8) break;
      q += itemSize;
      if ((linkage & 1) === 0) break;
    }
    return out;
  }

  /** A copy that stays valid after the cursor moves. */
  clone(): EtlRecord {
    const c = new EtlRecord();
    Object.assign(c, this);
    const copy = this.bytes.slice(this.start, this.start + this.size);
    const shift = -this.start;
    c.bytes = copy;
    c.dv = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
    c.start = 0;
    c.payloadStart = this.payloadStart + shift;
    c.payloadEnd = this.payloadEnd + shift;
    c.extStart = this.extStart < 0 ? -1 : this.extStart + shift;
    c.dataBase = this.dataBase + shift;
    return c;
  }
}

function hexU64(dv: DataView, o: number): string {
  return "0x" + dv.getBigUint64(o, true).toString(16);
}

function decodeExtItem(b: Uint8Array, dv: DataView, type: number, d: number, end: number, ptr: 4 | 8): ExtendedItem {
  const n = end - d;
  switch (type) {
    case ExtType.RelatedActivityId:
      if (n >= 16) return { type: "related-activity-id", value: readGuid(b, d) };
      break;
    case ExtType.Sid:
      if (n >= 8) return { type: "sid", value: formatSid(b, d, end) };
      break;
    case ExtType.TsId:
      if (n >= 4) return { type: "terminal-session-id", value: dv.getUint32(d, true) };
      break;
    case ExtType.InstanceInfo:
      if (n >= 24) {
        return {
          type: "instance-info", instanceId: dv.getUint32(d, true), parentInstanceId: dv.getUint32(d + 4, true),
          parentGuid: readGuid(b, d + 8),
        };
      }
      break;
    case ExtType.StackTrace32:
    case ExtType.StackTrace64: {
      if (n < 8) break;
      const w = type === ExtType.StackTrace64 ? 8 : 4;
      const frames: string[] = [];
      for (let o = d + 8; o + w <= end; o += w) {
        frames.push(w === 8 ? hexU64(dv, o) : "0x" + dv.getUint32(o, true).toString(16));
      }
      return { type: "stack-trace", matchId: hexU64(dv, d), frames };
    }
    case ExtType.PebsIndex:
      if (n >= 8) return { type: "pebs-index", value: hexU64(dv, d) };
      break;
    case ExtType.PmcCounters: {
      const values: string[] = [];
      for (let o = d; o + 8 <= end; o += 8) values.push(hexU64(dv, o));
      return { type: "pmc-counters", values };
    }
    case ExtType.PsmKey:
      if (n >= 8) return { type: "psm-key", value: hexU64(dv, d) };
      break;
    case ExtType.EventKey:
      if (n >= 8) return { type: "event-key", value: hexU64(dv, d) };
      break;
    case ExtType.EventSchemaTl:
      return { type: "tracelogging-schema", offset: d, length: n };
    case ExtType.ProvTraits: {
      // u16 total size, NUL-terminated UTF-8 provider name, then traits {u16 size, u8 type, data}.
      if (n < 3) break;
      const nameEnd = ansizEnd(b, d + 2, end);
      const providerName = readUtf8(b, d + 2, nameEnd - d - 2);
      let groupGuid: string | null = null;
      let o = nameEnd + 1;
      while (o + 3 <= end) {
        const sz = dv.getUint16(o, true);
        const tt = b[o + 2];
        if (tt === 1 && sz >= 19 && o + 19 <= end) groupGuid = readGuid(b, o + 3);
        if (sz < 3) break;
        o += sz;
      }
      return { type: "provider-traits", providerName, groupGuid, offset: d, length: n };
    }
    case ExtType.ProcessStartKey:
      if (n >= 8) return { type: "process-start-key", value: dv.getBigUint64(d, true).toString() };
      break;
    case ExtType.ControlGuid:
      if (n >= 16) return { type: "control-guid", value: readGuid(b, d) };
      break;
    case ExtType.QpcDelta:
      if (n >= 8) return { type: "qpc-delta", value: dv.getBigUint64(d, true).toString() };
      break;
    case ExtType.ContainerId:
      if (n >= 16) return { type: "container-id", value: readGuid(b, d) };
      break;
  }
  void ptr;
  return { type: "unknown", extType: type, size: n };
}

/** Formats a binary SID at `off` as S-1-…; tolerant of short input. */
export function formatSid(b: Uint8Array, off: number, end: number): string {
  if (off + 8 > end) return "";
  const rev = b[off];
  const count = b[off + 1];
  let auth = 0;
  for (let i = 0; i < 6; i++) auth = auth * 256 + b[off + 2 + i];
  let s = `S-${rev}-${auth}`;
  for (let i = 0; i < count && off + 8 + i * 4 + 4 <= end; i++) {
    const o = off + 8 + i * 4;
    s += "-" + ((b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0);
  }
  return s;
}

/** Size in bytes of a binary SID at `off` (8 + 4 × SubAuthorityCount). */
export function sidSize(b: Uint8Array, off: number): number {
  return 8 + 4 * b[off + 1];
}

export { kernelGroupGuid };
