/**
 * TRACE_EVENT_INFO and EVENT_MAP_INFO, as the relogger embeds them in KernelTraceControl "MetaData" records
 * ({bbccf6c1-6cd1-48c4-80ff-839482e37671}, opcode 32 EventInfo and opcode 33 EventMapInfo). pktmon and
 * `netsh trace` merged files carry them, so such files decode without any bundled schema. See
 * etl-format.md §7 and tdh.h for the layouts.
 */
import { readGuid } from "../bytes/guid.js";
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
