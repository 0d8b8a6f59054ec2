/**
 * TraceLogging self-describing events: the event's schema travels in an EVENT_SCHEMA_TL extended data item
 * (ext type 11) and the provider name in PROV_TRAITS (ext type 12). Layout (TraceLoggingProvider.h):
 *   u16 size, u8 tags (0x80 = another tag byte follows), NUL-terminated UTF-8 event name, then per field:
 *   NUL-terminated UTF-8 name, u8 InType (low 5 bits type; 0x20 constant count, 0x40 variable count,
 *   0x80 an OutType byte follows), [u8 OutType (0x80 = a tag follows, up to 4 bytes, 0x80-chained)],
 *   [u16 constant count]. A Struct (type 24) takes its member count from the OutType byte's low 7 bits.
 */
import type { EventSchema, FieldDef, InType } from "./schema.js";
import { readUtf8, ansizEnd } from "../bytes/text.js";

const TL_INTYPES: Record<number, InType> = {
  1: "UnicodeString", 2: "AnsiString", 3: "Int8", 4: "UInt8", 5: "Int16", 6: "UInt16", 7: "Int32", 8: "UInt32",
  9: "Int64", 10: "UInt64", 11: "Float", 12: "Double", 13: "Boolean", 14: "CountedBinary", 15: "GUID",
  16: "Pointer", 17: "FILETIME", 18: "SYSTEMTIME", 19: "SID", 20: "HexInt32", 21: "HexInt64",
  22: "CountedString", 23: "CountedAnsiString", 24: "Struct", 25: "CountedBinary",
};

/** TraceLogging OutType numbers that change rendering. */
const TL_OUTTYPES: Record<number, string> = {
  1: "NoPrint", 2: "String", 3: "Boolean", 4: "Hex", 5: "PID", 6: "TID", 7: "Port", 8: "IPv4", 9: "IPv6",
  10: "SocketAddress", 11: "Xml", 12: "Json", 13: "Win32Error", 14: "NTStatus", 15: "HResult", 16: "FileTime",
  17: "Signed", 18: "Unsigned", 35: "Utf8", 36: "Pkcs7WithTypeInfo", 37: "CodePointer", 38: "DateTimeUtc",
};

interface Cursor {
  p: number;
}

/** Parses the TL metadata at b[off, off+len). Returns null when it is malformed. */
export function parseTraceLoggingSchema(b: Uint8Array, off: number, len: number, id: number, version: number): EventSchema | null {
  const end = off + len;
  if (len < 4) return null;
  const size = b[off] | (b[off + 1] << 8);
  const stop = Math.min(end, off + size);
  const c: Cursor = { p: off + 2 };
  while (c.p < stop && b[c.p] & 0x80) c.p++; // event tags
  c.p++;
  const nameEnd = ansizEnd(b, c.p, stop);
  const name = readUtf8(b, c.p, nameEnd - c.p);
  c.p = nameEnd + 1;
  const fields = readFields(b, c, stop, Infinity);
  if (!fields) return null;
  return { id, version, name, fields };
}

function readFields(b: Uint8Array, c: Cursor, stop: number, max: number): FieldDef[] | null {
  const out: FieldDef[] = [];
  while (c.p < stop && out.length < max) {
    const ne = ansizEnd(b, c.p, stop);
    if (ne >= stop) return out.length ? out : null;
    const fname = readUtf8(b, c.p, ne - c.p);
    c.p = ne + 1;
    if (c.p >= stop) return null;
    const inRaw = b[c.p++];
    const type = inRaw & 0x1f;
    let outType = 0;
    if (inRaw & 0x80) {
      if (c.p >= stop) return null;
      const o = b[c.p++];
      outType = o & 0x7f;
      if (o & 0x80) {
        // field tag: up to 4 bytes, each with a continuation bit
        for (let k = 0; k < 4 && c.p < stop; k++) if (!(b[c.p++] & 0x80)) break;
      }
    }
    const countKind = inRaw & 0x60;
    let constCount = -1;
    if (countKind === 0x20) {
      if (c.p + 2 > stop) return null;
      constCount = b[c.p] | (b[c.p + 1] << 8);
      c.p += 2;
    }
    const inType = TL_INTYPES[type];
    if (!inType) return null;
    const f: { -readonly [K in keyof FieldDef]: FieldDef[K] } = { name: fname, inType };
    if (inType === "Struct") {
      const members = readFields(b, c, stop, outType);
      if (!members) return null;
      f.fields = members;
    } else if (outType && TL_OUTTYPES[outType]) {
      f.outType = TL_OUTTYPES[outType];
    }
    if (constCount >= 0) f.count = constCount;
    if (countKind === 0x40) f.varCount = true;
    out.push(f);
  }
  return out;
}
