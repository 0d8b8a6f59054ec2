/**
 * encodePayload: the inverse of Plan.decode. Builds an event payload from named values with the same schema the
 * decoder uses, so the lab and tests write exactly what the reader reads. Length and count fields that are not
 * given are filled in from the fields that reference them (WCHARs for strings, bytes for binary).
 */
import type { EventSchema, FieldDef } from "./schema.js";
import type { FieldValue } from "./plan.js";
import { writeGuid } from "../bytes/guid.js";
import { encodeUtf16 } from "../bytes/text.js";
import { concatBytes } from "../bytes/hex.js";

export function encodePayload(schema: EventSchema, values: Readonly<Record<string, FieldValue>>, ptr: 4 | 8 = 8): Uint8Array {
  return encodeFields(schema.fields, values, ptr);
}

function encodeFields(fields: readonly FieldDef[], values: Readonly<Record<string, FieldValue>>, ptr: 4 | 8): Uint8Array {
  const v: Record<string, FieldValue> = { ...values };
  // Derive length/count fields from their referents.
  for (const f of fields) {
    const val = v[f.name];
    if (typeof f.length === "string" && v[f.length] === undefined && val !== undefined && val !== null) {
      v[f.length] = typeof val === "string" ? val.length : val instanceof Uint8Array ? val.length : 0;
    }
    if (typeof f.count === "string" && v[f.count] === undefined && Array.isArray(val)) v[f.count] = val.length;
    if (typeof f.count === "string" && v[f.count] === undefined && val instanceof Uint8Array && (f.inType === "UInt8" || f.inType === "Int8")) v[f.count] = val.length;
  }
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    const val = v[f.name];
    if (f.count !== undefined) {
      const arr: FieldValue[] = Array.isArray(val) ? val : val instanceof Uint8Array ? Array.from(val) : [];
      const n = typeof f.count === "number" ? f.count : Number(v[f.count] ?? arr.length);
      if (f.varCount) parts.push(u16(n));
      for (let i = 0; i < n; i++) parts.push(one(f, arr[i] ?? 0, v, ptr));
    } else {
      parts.push(one(f, val ?? null, v, ptr));
    }
  }
  return concatBytes(parts);
}

function one(f: FieldDef, val: FieldValue, all: Record<string, FieldValue>, ptr: 4 | 8): Uint8Array {
  const len = typeof f.length === "number" ? f.length : typeof f.length === "string" ? Number(all[f.length] ?? -1) : -1;
  const num = (): number => (typeof val === "number" ? val : typeof val === "bigint" ? Number(val) : typeof val === "boolean" ? (val ? 1 : 0) : 0);
  const big = (): bigint => (typeof val === "bigint" ? val : BigInt(Math.trunc(num())));
  const buf = (n: number, w: (dv: DataView) => void): Uint8Array => {
    const b = new Uint8Array(n);
    w(new DataView(b.buffer));
    return b;
  };
  switch (f.inType) {
    case "Int8": case "UInt8": case "AnsiChar":
      return Uint8Array.of(f.inType === "AnsiChar" && typeof val === "string" ? val.charCodeAt(0) : num() & 0xff);
    case "Int16": case "UInt16": case "UnicodeChar":
      return u16(f.inType === "UnicodeChar" && typeof val === "string" ? val.charCodeAt(0) : num());
    case "Int32": case "UInt32": case "HexInt32": case "Boolean":
      return buf(4, (dv) => dv.setUint32(0, num() >>> 0, true));
    case "Int64": case "UInt64": case "HexInt64": case "FILETIME":
      return buf(8, (dv) => dv.setBigUint64(0, BigInt.asUintN(64, big()), true));
    case "Float": return buf(4, (dv) => dv.setFloat32(0, num(), true));
    case "Double": return buf(8, (dv) => dv.setFloat64(0, num(), true));
    case "Pointer": case "SizeT":
      return ptr === 8 ? buf(8, (dv) => dv.setBigUint64(0, BigInt.asUintN(64, big()), true)) : buf(4, (dv) => dv.setUint32(0, num() >>> 0, true));
    case "GUID": {
      const b = new Uint8Array(16);
      if (typeof val === "string") writeGuid(b, 0, val);
      return b;
    }
    case "UnicodeString": {
      const s = typeof val === "string" ? val : "";
      return len >= 0 ? encodeUtf16(s.slice(0, len).padEnd(len, "\0"), false) : encodeUtf16(s, true);
    }
    case "AnsiString": {
      const s = typeof val === "string" ? val : "";
      const b = Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
      if (len >= 0) {
        const o = new Uint8Array(len);
        o.set(b.subarray(0, len));
        return o;
      }
      return concatBytes([b, Uint8Array.of(0)]);
    }
    case "CountedString": {
      const s = encodeUtf16(typeof val === "string" ? val : "", false);
      return concatBytes([u16(s.length), s]);
    }
    case "CountedBinary": {
      const b = val instanceof Uint8Array ? val : new Uint8Array(0);
      return concatBytes([u16(b.length), b]);
    }
    case "Binary": case "NonNullTerminatedString": case "NonNullTerminatedAnsiString": {
      const b = val instanceof Uint8Array ? val : typeof val === "string" ? encodeUtf16(val, false) : new Uint8Array(0);
      if (len >= 0 && b.length !== len) {
        const o = new Uint8Array(len);
        o.set(b.subarray(0, len));
        return o;
      }
      return b;
    }
    case "Struct":
      return encodeFields(f.fields ?? [], (val && typeof val === "object" && !(val instanceof Uint8Array) && !Array.isArray(val) ? val : {}) as Record<string, FieldValue>, ptr);
    default:
      throw new Error(`encodePayload: in-type ${f.inType} (field ${f.name}) is not supported`);
  }
}

function u16(n: number): Uint8Array {
  return Uint8Array.of(n & 0xff, (n >>> 8) & 0xff);
}

