/**
 * TRACE_EVENT_INFO and EVENT_MAP_INFO, as the relogger embeds them in KernelTraceControl "MetaData" records
 * ({bbccf6c1-6cd1-48c4-80ff-839482e37671}, opcode 32 EventInfo and opcode 33 EventMapInfo). pktmon and
 * `netsh trace` merged files carry them, so such files decode without any bundled schema. See
 * etl-format.md §7 and tdh.h for the layouts.
 */
import { readGuid, writeGuid } from "../bytes/guid.js";
import { concatBytes } from "../bytes/hex.js";
import { readUtf16z } from "../bytes/text.js";
import type { EventSchema, FieldDef, InType, ValueMap } from "./schema.js";

/** TDH_INTYPE_* numbers → our InType names. */
export const TDH_INTYPES: Record<number, InType> = {
  1: "UnicodeString", 2: "AnsiString", 3: "Int8", 4: "UInt8", 5: "Int16", 6: "UInt16", 7: "Int32", 8: "UInt32",
  9: "Int64", 10: "UInt64", 11: "Float", 12: "Double", 13: "Boolean", 14: "Binary", 15: "GUID", 16: "Pointer",
  17: "FILETIME", 18: "SYSTEMTIME", 19: "SID", 20: "HexInt32", 21: "HexInt64", 22: "CountedString",
  23: "CountedAnsiString", 24: "ReversedCountedString", 25: "ReversedCountedAnsiString",
  26: "NonNullTerminatedString", 27: "NonNullTerminatedAnsiString", 28: "UnicodeChar", 29: "AnsiChar",
  30: "SizeT", 31: "HexDump", 32: "WbemSID",
};

/** TDH_OUTTYPE_* numbers → names used by the renderer. */
export const TDH_OUTTYPES: Record<number, string> = {
  1: "String", 2: "DateTime", 3: "Byte", 4: "UnsignedByte", 5: "Short", 6: "UnsignedShort", 7: "Int",
  8: "UnsignedInt", 9: "Long", 10: "UnsignedLong", 11: "Float", 12: "Double", 13: "Boolean", 14: "Guid",
  15: "HexBinary", 16: "HexInt8", 17: "HexInt16", 18: "HexInt32", 19: "HexInt64", 20: "PID", 21: "TID",
  22: "Port", 23: "IPv4", 24: "IPv6", 25: "SocketAddress", 26: "CimDateTime", 27: "EtwTime", 28: "Xml",
  29: "ErrorCode", 30: "Win32Error", 31: "NTStatus", 32: "HResult", 33: "CultureInsensitiveDateTime",
  34: "Json", 35: "Utf8", 36: "Pkcs7WithTypeInfo", 37: "CodePointer", 38: "DateTimeUtc",
};

const PROPERTY_STRUCT = 0x1;
const PROPERTY_PARAM_LENGTH = 0x2;
const PROPERTY_PARAM_COUNT = 0x4;
const PROPERTY_PARAM_FIXED_LENGTH = 0x10;
const PROPERTY_PARAM_FIXED_COUNT = 0x20;

const VARIABLE = new Set<InType>(["UnicodeString", "AnsiString", "Binary"]);

export interface EmbeddedEventInfo {
  readonly providerGuid: string;
  readonly providerName: string;
  readonly schema: EventSchema;
  /** Map names referenced by the event's fields. */
  readonly mapNames: readonly string[];
}

/** Reads the UTF-16 string at `off` inside the blob (offset 0 = none). */
function str(b: Uint8Array, base: number, end: number, off: number): string {
  if (off === 0 || base + off >= end) return "";
  return readUtf16z(b, base + off, end).value;
}

/**
 * Parses a TRACE_EVENT_INFO blob at b[base, end). Returns null when the blob is inconsistent. Windows message
 * strings keep their trailing spaces and CR/LF; we trim the trailing CR/LF only.
 */
export function parseTraceEventInfo(b: Uint8Array, base: number, end: number): EmbeddedEventInfo | null {
  if (end - base < 112) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u32 = (o: number): number => dv.getUint32(base + o, true);
  const providerGuid = readGuid(b, base);
  const id = dv.getUint16(base + 32, true);
  const version = b[base + 34];
  const level = b[base + 36];
  const opcode = b[base + 37];
  const task = dv.getUint16(base + 38, true);
  const providerName = str(b, base, end, u32(52));
  const levelName = str(b, base, end, u32(56)).trim();
  const keywordsName = str(b, base, end, u32(64)).trim();
  const taskName = str(b, base, end, u32(68)).trim();
  const opcodeName = str(b, base, end, u32(72)).trim();
  const message = str(b, base, end, u32(76)).replace(/\r?\n$/, "");
  const eventName = str(b, base, end, u32(92)).trim();
  const propCount = u32(100);
  const topCount = u32(104);
  if (112 + propCount * 24 > end - base || topCount > propCount) return null;
  interface Raw { flags: number; name: string; inType: number; outType: number; map: string; a: number; b: number; c: number; d: number }
  const props: Raw[] = [];
  for (let i = 0; i < propCount; i++) {
    const p = base + 112 + i * 24;
    props.push({
      flags: dv.getUint32(p, true),
      name: str(b, base, end, dv.getUint32(p + 4, true)),
      inType: dv.getUint16(p + 8, true),       // or StructStartIndex
      outType: dv.getUint16(p + 10, true),     // or NumOfStructMembers
      map: str(b, base, end, dv.getUint32(p + 12, true)),
      a: dv.getUint16(p + 16, true),           // count or countPropertyIndex
      b: dv.getUint16(p + 18, true),           // length or lengthPropertyIndex
      c: dv.getUint32(p + 20, true),           // reserved / tags
      d: 0,
    });
  }
  const mapNames: string[] = [];
  const build = (i: number): FieldDef => {
    const r = props[i];
    const f: { -readonly [K in keyof FieldDef]: FieldDef[K] } = { name: r.name, inType: "Binary" };
    if (r.flags & PROPERTY_STRUCT) {
      f.inType = "Struct";
      const start = r.inType;
      const n = r.outType;
      const members: FieldDef[] = [];
      for (let k = start; k < start + n && k < props.length; k++) members.push(build(k));
      f.fields = members;
    } else {
      f.inType = TDH_INTYPES[r.inType] ?? "Binary";
      const out = TDH_OUTTYPES[r.outType];
      if (out && r.outType !== 0) f.outType = out;
      if (r.map) {
        f.map = r.map;
        if (!mapNames.includes(r.map)) mapNames.push(r.map);
      }
    }
    if (r.flags & PROPERTY_PARAM_LENGTH) {
      if (r.b < props.length) f.length = props[r.b].name;
    } else if (r.b > 0 && VARIABLE.has(f.inType)) {
      // TDH also fills `length` with the size of fixed scalars; it only matters for strings and binary.
      f.length = r.b;
    }
    if (r.flags & PROPERTY_PARAM_COUNT) {
      if (r.a < props.length) f.count = props[r.a].name;
    } else if (r.a > 1 || (r.flags & PROPERTY_PARAM_FIXED_COUNT)) {
      f.count = r.a;
    }
    return f;
  };
  const fields: FieldDef[] = [];
  for (let i = 0; i < topCount; i++) fields.push(build(i));
  const schema: EventSchema = {
    id, version,
    name: eventName || taskName || `event${id}`,
    ...(taskName ? { task: taskName } : {}),
    ...(opcodeName ? { opcode: opcodeName } : {}),
    ...(levelName ? { level: levelName } : { level: String(level) }),
    ...(keywordsName ? { keywords: keywordsName.split(/\s+/).filter(Boolean) } : {}),
    ...(message ? { message } : {}),
    fields,
  };
  void opcode;
  void task;
  return { providerGuid, providerName, schema, mapNames };
}

/**
 * Parses an EVENT_MAP_INFO blob (tdh.h): NameOffset u32, Flag u32, EntryCount u32, then either
 * FormatStringOffset/MapEntryValueType u32, then EVENT_MAP_ENTRY[EntryCount] {OutputOffset u32, Value|InputOffset u32}.
 */
export function parseEventMapInfo(b: Uint8Array, base: number, end: number): { name: string; map: ValueMap } | null {
  if (end - base < 16) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const name = str(b, base, end, dv.getUint32(base, true));
  const flag = dv.getUint32(base + 4, true);
  const count = dv.getUint32(base + 8, true);
  if (16 + count * 8 > end - base) return null;
  const bitmap = (flag & 0x2) !== 0 || (flag & 0x4) !== 0; // EVENTMAP_INFO_FLAG_MANIFEST_BITMAP / WBEM_FLAG
  const entries: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const e = base + 16 + i * 8;
    const out = dv.getUint32(e, true);
    const value = dv.getUint32(e + 4, true);
    entries[String(value)] = str(b, base, end, out);
  }
  return { name, map: { kind: bitmap ? "bitmap" : "value", entries } };
}

// ---- encoders: the inverse of the two parsers above (the lab embeds metadata like the relogger does) -----

const INTYPE_NUMBERS: Record<string, number> = Object.fromEntries(Object.entries(TDH_INTYPES).map(([k, v]) => [v, Number(k)]));
const OUTTYPE_NUMBERS: Record<string, number> = Object.fromEntries(Object.entries(TDH_OUTTYPES).map(([k, v]) => [v, Number(k)]));
const LEVELS: Record<string, number> = {
  critical: 1, "win:critical": 1, error: 2, "win:error": 2, warning: 3, "win:warning": 3,
  informational: 4, "win:informational": 4, verbose: 5, "win:verbose": 5, logalways: 0, "win:logalways": 0,
};

/** Fixed payload sizes TDH reports in EVENT_PROPERTY_INFO.length for scalars. */
const SCALAR_SIZE: Partial<Record<InType, number>> = {
  Int8: 1, UInt8: 1, Int16: 2, UInt16: 2, Int32: 4, UInt32: 4, Int64: 8, UInt64: 8, Float: 4, Double: 8, Boolean: 4,
  GUID: 16, FILETIME: 8, SYSTEMTIME: 16, HexInt32: 4, HexInt64: 8, UnicodeChar: 2, AnsiChar: 1,
};

export interface TraceEventInfoOptions {
  readonly providerGuid: string;
  readonly providerName: string;
  readonly schema: EventSchema;
  /** Message text to embed (the build-specific one; default schema.message). */
  readonly message?: string;
  /** EVENT_DESCRIPTOR fields not carried by the schema. */
  readonly channel?: number;
  readonly opcode?: number;
  readonly task?: number;
  readonly keyword?: bigint;
}

/** Growing blob of UTF-16 strings appended after a fixed part; offsets are from the blob start. */
class StringArea {
  readonly parts: Uint8Array[] = [];
  size: number;
  private readonly seen = new Map<string, number>();
  constructor(start: number) {
    this.size = start;
  }
  add(s: string | undefined): number {
    if (!s) return 0;
    const hit = this.seen.get(s);
    if (hit !== undefined) return hit;
    const off = this.size;
    const b = new Uint8Array((s.length + 1) * 2);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      b[i * 2] = c & 0xff;
      b[i * 2 + 1] = c >> 8;
    }
    this.parts.push(b);
    this.size += b.length;
    this.seen.set(s, off);
    return off;
  }
}

/**
 * Builds a TRACE_EVENT_INFO blob (tdh.h) for a schema: the inverse of parseTraceEventInfo. Struct members are
 * laid out after the top-level properties, as TDH does. TraceLogging variable-count arrays cannot be expressed.
 */
export function encodeTraceEventInfo(o: TraceEventInfoOptions): Uint8Array {
  const s = o.schema;
  // Flatten: top-level fields first, then each struct's members (breadth-first), each list contiguous.
  interface Slot { def: FieldDef; siblings: readonly FieldDef[]; base: number; structStart: number }
  const slots: Slot[] = s.fields.map((def) => ({ def, siblings: s.fields, base: 0, structStart: -1 }));
  for (let i = 0; i < slots.length; i++) {
    const d = slots[i].def;
    if (d.inType === "Struct") {
      const members = d.fields ?? [];
      slots[i].structStart = slots.length;
      const base = slots.length;
      for (const m of members) slots.push({ def: m, siblings: members, base, structStart: -1 });
    }
  }
  const fixed = 112 + slots.length * 24;
  const strings = new StringArea(fixed);
  const blob = new Uint8Array(fixed);
  const dv = new DataView(blob.buffer);
  writeGuid(blob, 0, o.providerGuid);
  dv.setUint16(32, s.id, true);
  blob[34] = s.version;
  blob[35] = o.channel ?? 0;
  blob[36] = LEVELS[(s.level ?? "").toLowerCase()] ?? (Number.isInteger(Number(s.level)) && s.level !== undefined && s.level !== "" ? Number(s.level) : 4);
  blob[37] = o.opcode ?? 0;
  dv.setUint16(38, o.task ?? 0, true);
  dv.setBigUint64(40, BigInt.asUintN(64, o.keyword ?? 0n), true);
  dv.setUint32(48, 0, true); // DecodingSourceXMLFile
  dv.setUint32(52, strings.add(o.providerName), true);
  dv.setUint32(56, strings.add(s.level), true);
  dv.setUint32(60, 0, true);
  dv.setUint32(64, strings.add(s.keywords?.join(" ")), true);
  dv.setUint32(68, strings.add(s.task), true);
  dv.setUint32(72, strings.add(s.opcode), true);
  dv.setUint32(76, strings.add(o.message ?? s.message), true);
  dv.setUint32(92, strings.add(s.name), true);
  dv.setUint32(100, slots.length, true);
  dv.setUint32(104, s.fields.length, true);
  dv.setUint32(108, 1, true); // TEMPLATE_EVENT_DATA
  slots.forEach((slot, i) => {
    const p = 112 + i * 24;
    const d = slot.def;
    const ref = (name: string): number => {
      const j = slot.siblings.findIndex((x) => x.name === name);
      if (j < 0) throw new Error(`encodeTraceEventInfo: field ${d.name} refers to unknown field ${name}`);
      return slot.base + j;
    };
    let flags = 0;
    let count = 1;
    let length = 0;
    if (d.varCount) throw new Error(`encodeTraceEventInfo: field ${d.name} is a TraceLogging variable-count array`);
    if (d.inType === "Struct") {
      flags |= PROPERTY_STRUCT;
      dv.setUint16(p + 8, slot.structStart, true);
      dv.setUint16(p + 10, (d.fields ?? []).length, true);
    } else {
      const it = INTYPE_NUMBERS[d.inType];
      if (it === undefined) throw new Error(`encodeTraceEventInfo: in-type ${d.inType} has no TDH number`);
      dv.setUint16(p + 8, it, true);
      dv.setUint16(p + 10, d.outType ? (OUTTYPE_NUMBERS[d.outType] ?? 0) : 0, true);
      dv.setUint32(p + 12, strings.add(d.map), true);
      length = SCALAR_SIZE[d.inType] ?? 0;
    }
    if (typeof d.length === "string") {
      flags |= PROPERTY_PARAM_LENGTH;
      length = ref(d.length);
    } else if (typeof d.length === "number") {
      flags |= PROPERTY_PARAM_FIXED_LENGTH;
      length = d.length;
    }
    if (typeof d.count === "string") {
      flags |= PROPERTY_PARAM_COUNT;
      count = ref(d.count);
    } else if (typeof d.count === "number") {
      flags |= PROPERTY_PARAM_FIXED_COUNT;
      count = d.count;
    }
    dv.setUint32(p, flags, true);
    dv.setUint32(p + 4, strings.add(d.name), true);
    dv.setUint16(p + 16, count, true);
    dv.setUint16(p + 18, length, true);
  });
  return concatBytes([blob, ...strings.parts]);
}

/**
 * Builds an EVENT_MAP_INFO blob: the inverse of parseEventMapInfo. Value maps get the MANIFEST_VALUEMAP flag,
 * bitmaps MANIFEST_BITMAP; entries are in ascending value order.
 */
export function encodeEventMapInfo(name: string, map: ValueMap): Uint8Array {
  const entries = Object.entries(map.entries).map(([k, v]) => [Number(k) >>> 0, v] as const).sort((a, b) => a[0] - b[0]);
  const fixed = 16 + entries.length * 8;
  const strings = new StringArea(fixed);
  const head = new Uint8Array(fixed);
  const dv = new DataView(head.buffer);
  dv.setUint32(0, strings.add(name), true);
  dv.setUint32(4, map.kind === "bitmap" ? 0x2 : 0x1, true);
  dv.setUint32(8, entries.length, true);
  dv.setUint32(12, 0, true); // MapEntryValueType: ULONG
  entries.forEach(([value, text], i) => {
    dv.setUint32(16 + i * 8, strings.add(text), true);
    dv.setUint32(16 + i * 8 + 4, value, true);
  });
  return concatBytes([head, ...strings.parts]);
}


