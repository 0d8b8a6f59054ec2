/**
 * Fetch plans: an EventSchema compiled once into numeric steps (PerfView's PayloadFetch idea). A plan decodes a
 * payload into values, or only locates field offsets (no allocation) for hot paths such as packet assembly.
 * Decoding never throws: a field that runs past the payload end stops the decode and marks it truncated.
 */
import type { EventSchema, FieldDef, InType, ValueMap } from "./schema.js";
import { readGuid } from "../bytes/guid.js";
import { readUtf16, utf16zEnd, ansizEnd, readAnsi, readUtf16zFast, utf16zNext } from "../bytes/text.js";
import { systemtimeToIso } from "../bytes/time.js";
import { formatSid } from "../etl/mod.js";

/** A decoded field value. 64-bit integers are numbers when exact, bigint otherwise; FILETIME is bigint. */
export type FieldValue =
  | number | bigint | string | boolean | Uint8Array | null
  | FieldValue[] | { readonly [name: string]: FieldValue };

const enum K {
  I8, U8, I16, U16, I32, U32, I64, U64, F32, F64, Bool, Guid, Ptr, FileTime, SysTime, Sid, WStr, AStr, Bin,
  CountedW, CountedA, RevCountedW, RevCountedA, RestW, RestA, WChar, AChar, HexDump, WbemSid, CountedBin, Struct,
}

const KIND: Record<InType, K> = {
  Int8: K.I8, UInt8: K.U8, Int16: K.I16, UInt16: K.U16, Int32: K.I32, UInt32: K.U32, Int64: K.I64, UInt64: K.U64,
  Float: K.F32, Double: K.F64, Boolean: K.Bool, GUID: K.Guid, Pointer: K.Ptr, SizeT: K.Ptr, FILETIME: K.FileTime,
  SYSTEMTIME: K.SysTime, SID: K.Sid, HexInt32: K.U32, HexInt64: K.U64, UnicodeString: K.WStr, AnsiString: K.AStr,
  Binary: K.Bin, CountedString: K.CountedW, CountedAnsiString: K.CountedA, ReversedCountedString: K.RevCountedW,
  ReversedCountedAnsiString: K.RevCountedA, NonNullTerminatedString: K.RestW, NonNullTerminatedAnsiString: K.RestA,
  UnicodeChar: K.WChar, AnsiChar: K.AChar, HexDump: K.HexDump, WbemSID: K.WbemSid, CountedBinary: K.CountedBin,
  Struct: K.Struct,
};

/** Fixed sizes; 0 = variable, -1 = pointer-sized. */
const FIXED: Partial<Record<K, number>> = {
  [K.I8]: 1, [K.U8]: 1, [K.I16]: 2, [K.U16]: 2, [K.I32]: 4, [K.U32]: 4, [K.I64]: 8, [K.U64]: 8, [K.F32]: 4,
  [K.F64]: 8, [K.Bool]: 4, [K.Guid]: 16, [K.Ptr]: -1, [K.FileTime]: 8, [K.SysTime]: 16, [K.WChar]: 2, [K.AChar]: 1,
};

interface Step {
  readonly def: FieldDef;
  readonly kind: K;
  /** Constant length (strings: chars; binary: bytes), or -1. */
  readonly constLength: number;
  /** Index of the field holding the length, or -1. */
  readonly lengthRef: number;
  /** Constant count (>= 0) for arrays, -1 for scalars. */
  readonly constCount: number;
  readonly countRef: number;
  readonly varCount: boolean;
  /** An integer with out type Boolean (TraceLogging UInt8 + TlgOutBOOLEAN, TDH UINT8/UINT32 + BOOLEAN): yields true/false. */
  readonly bool: boolean;
  readonly sub: Plan | null;
}

export interface DecodeResult {
  readonly values: FieldValue[];
  /** Fields decoded before the payload ran out (all of them when complete). */
  readonly decoded: number;
  /** True when the payload ended before the last field. */
  readonly truncated: boolean;
  /** Bytes after the last field (newer builds append fields; never an error). */
  readonly trailing: number;
}

export class Plan {
  readonly schema: EventSchema;
  readonly names: readonly string[];
  private readonly steps: Step[];
  private dv: DataView = new DataView(new ArrayBuffer(0));
  private readonly nums: Float64Array;

  constructor(schema: EventSchema, fields: readonly FieldDef[] = schema.fields) {
    this.schema = schema;
    const names = fields.map((f) => f.name);
    this.names = names;
    this.nums = new Float64Array(fields.length);
    this.steps = fields.map((def, i) => {
      const ref = (r: number | string | undefined): [number, number] => {
        if (r === undefined) return [-1, -1];
        if (typeof r === "number") return [r, -1];
        const j = names.lastIndexOf(r, i - 1);
        return [-1, j];
      };
      const [constLength, lengthRef] = ref(def.length);
      const [cc, countRef] = ref(def.count);
      const kind = KIND[def.inType] ?? K.Bin;
      return {
        def, kind, constLength, lengthRef,
        constCount: def.count === undefined ? -1 : cc, countRef, varCount: def.varCount === true,
        bool: def.outType === "Boolean" && kind >= K.I8 && kind <= K.U64,
        sub: kind === K.Struct && def.fields ? new Plan(schema, def.fields) : null,
      };
    });
  }

  /** Index of a field by name, or -1. */
  indexOf(name: string): number {
    return this.names.indexOf(name);
  }

  /**
   * Decodes the payload b[start, end). `ptr` is the pointer size. Values of binary fields are copies.
   */
  decode(b: Uint8Array, start: number, end: number, ptr: 4 | 8): DecodeResult {
    const values: FieldValue[] = [];
    if (this.fast === undefined) this.fast = compileFast(this.steps);
    if (this.fast) {
      const dv = this.viewOf(b);
      const count = this.fast(b, dv, start, end, ptr, values, this.nums, HELPERS);
      return { values, decoded: count, truncated: count < this.steps.length, trailing: Math.max(0, end - HELPERS.pos) };
    }
    const r = this.run(b, start, end, ptr, values, null);
    return { values, decoded: r.count, truncated: r.count < this.steps.length, trailing: Math.max(0, end - r.pos) };
  }

  /** Generated straight-line decoder for plans of plain scalar/string/binary fields (undefined: not built yet). */
  private fast: FastDecode | null | undefined = undefined;

  private lastBytes: Uint8Array | null = null;

  /** A DataView over `b`, rebuilt only when a different array comes (the reader reuses its buffers). */
  private viewOf(b: Uint8Array): DataView {
    if (b !== this.lastBytes) {
      this.lastBytes = b;
      this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    return this.dv;
  }

  /**
   * Locates fields without building values: writes each field's start offset into `offsets[i]` and the end of
   * the last into `offsets[n]`. Returns the number of fields located (less than the count when truncated).
   * Scalar values needed for lengths/counts are read on the way.
   */
  locate(b: Uint8Array, start: number, end: number, ptr: 4 | 8, offsets: Int32Array): number {
    const r = this.run(b, start, end, ptr, null, offsets);
    return r.count;
  }

  private run(b: Uint8Array, start: number, end: number, ptr: 4 | 8, values: FieldValue[] | null, offsets: Int32Array | null): { count: number; pos: number } {
    // One DataView per underlying buffer (the reader reuses buffers, so this is rarely rebuilt).
    const dv = this.viewOf(b);
    const nums = this.nums; // numeric values for length/count references (plans are not re-entrant)
    let pos = start;
    let i = 0;
    for (; i < this.steps.length; i++) {
      const s = this.steps[i];
      if (offsets) offsets[i] = pos;
      let count = s.constCount;
      if (s.countRef >= 0) count = nums[s.countRef];
      if (s.varCount) {
        if (pos + 2 > end) break;
        count = dv.getUint16(pos, true);
        pos += 2;
      }
      let length = s.constLength;
      if (s.lengthRef >= 0) length = nums[s.lengthRef];
      if (count < 0) {
        const v = readOne(s, b, dv, pos, end, ptr, length, values !== null);
        if (NEXT < 0) break;
        if (typeof v === "number") nums[i] = v;
        if (values) values.push(s.bool ? v !== 0 && v !== 0n : v);
        pos = NEXT;
      } else {
        const arr: FieldValue[] = [];
        let ok = true;
        for (let k = 0; k < count; k++) {
          const v = readOne(s, b, dv, pos, end, ptr, length, values !== null);
          if (NEXT < 0) {
            ok = false;
            break;
          }
          arr.push(s.bool ? v !== 0 && v !== 0n : v);
          pos = NEXT;
        }
        if (!ok) break;
        if (values) values.push(!s.bool && (s.def.inType === "UInt8" || s.def.inType === "Int8") ? Uint8Array.from(arr as number[]) : arr);
      }
    }
    if (offsets) offsets[i] = pos;
    return { count: i, pos };
  }
}

/** Where the last readOne() stopped (-1: the field did not fit). A module variable instead of a result object. */
let NEXT = 0;

function ret(value: FieldValue, next: number): FieldValue {
  NEXT = next;
  return value;
}

function fail(): null {
  NEXT = -1;
  return null;
}

function readOne(s: Step, b: Uint8Array, dv: DataView, p: number, end: number, ptr: 4 | 8, length: number, want: boolean): FieldValue {
  switch (s.kind) {
    case K.I8: return p + 1 <= end ? ret(dv.getInt8(p), p + 1) : fail();
    case K.U8: return p + 1 <= end ? ret(b[p], p + 1) : fail();
    case K.I16: return p + 2 <= end ? ret(dv.getInt16(p, true), p + 2) : fail();
    case K.U16: return p + 2 <= end ? ret(dv.getUint16(p, true), p + 2) : fail();
    case K.I32: return p + 4 <= end ? ret(dv.getInt32(p, true), p + 4) : fail();
    case K.U32: return p + 4 <= end ? ret(dv.getUint32(p, true), p + 4) : fail();
    case K.Bool: return p + 4 <= end ? ret(dv.getUint32(p, true) !== 0, p + 4) : fail();
    case K.I64: return p + 8 <= end ? ret(i64(dv, p), p + 8) : fail();
    case K.U64: return p + 8 <= end ? ret(u64(dv, p), p + 8) : fail();
    case K.F32: return p + 4 <= end ? ret(dv.getFloat32(p, true), p + 4) : fail();
    case K.F64: return p + 8 <= end ? ret(dv.getFloat64(p, true), p + 8) : fail();
    case K.Guid: return p + 16 <= end ? ret(want ? readGuid(b, p) : null, p + 16) : fail();
    case K.Ptr:
      if (p + ptr > end) return fail();
      return ret(ptr === 8 ? u64(dv, p) : dv.getUint32(p, true), p + ptr);
    case K.FileTime: return p + 8 <= end ? ret(dv.getBigUint64(p, true), p + 8) : fail();
    case K.SysTime: return p + 16 <= end ? ret(want ? systemtimeToIso(dv, p) : null, p + 16) : fail();
    case K.Sid: {
      if (p + 8 > end) return fail();
      const n = 8 + 4 * b[p + 1];
      if (p + n > end) return fail();
      return ret(want ? formatSid(b, p, p + n) : null, p + n);
    }
    case K.WbemSid: {
      const q = p + 2 * ptr;
      if (q + 8 > end) return fail();
      const n = 8 + 4 * b[q + 1];
      if (q + n > end) return fail();
      return ret(want ? formatSid(b, q, q + n) : null, q + n);
    }
    case K.WStr: {
      if (length >= 0) {
        const n = length * 2;
        if (p + n > end) return fail();
        // Counted strings may still carry a NUL; Windows stops at it when rendering.
        return ret(want ? trimNul(readUtf16(b, p, length, end)) : null, p + n);
      }
      if (p >= end) return fail();
      const z = utf16zEnd(b, p, end);
      return ret(want ? readUtf16(b, p, (z - p) >> 1, end) : null, Math.min(z + 2, end));
    }
    case K.AStr: {
      if (length >= 0) {
        if (p + length > end) return fail();
        return ret(want ? trimNul(readAnsi(b, p, length)) : null, p + length);
      }
      if (p >= end) return fail();
      const z = ansizEnd(b, p, end);
      return ret(want ? readAnsi(b, p, z - p) : null, Math.min(z + 1, end));
    }
    case K.WChar: return p + 2 <= end ? ret(String.fromCharCode(dv.getUint16(p, true)), p + 2) : fail();
    case K.AChar: return p + 1 <= end ? ret(String.fromCharCode(b[p]), p + 1) : fail();
    case K.Bin: {
      const n = length >= 0 ? length : end - p;
      if (p + n > end) return fail();
      return ret(want ? b.slice(p, p + n) : null, p + n);
    }
    case K.CountedW:
    case K.CountedA:
    case K.RevCountedW:
    case K.RevCountedA:
    case K.CountedBin: {
      if (p + 2 > end) return fail();
      let n = dv.getUint16(p, true);
      if (s.kind === K.RevCountedW || s.kind === K.RevCountedA) n = ((n & 0xff) << 8) | (n >>> 8);
      const q = p + 2;
      if (q + n > end) return fail();
      if (!want) return ret(null, q + n);
      if (s.kind === K.CountedBin) return ret(b.slice(q, q + n), q + n);
      const v = s.kind === K.CountedW || s.kind === K.RevCountedW ? readUtf16(b, q, n >> 1, end) : readAnsi(b, q, n);
      return ret(v, q + n);
    }
    case K.RestW: return ret(want ? readUtf16(b, p, (end - p) >> 1, end) : null, end);
    case K.RestA: return ret(want ? readAnsi(b, p, end - p) : null, end);
    case K.HexDump: {
      if (p + 4 > end) return fail();
      const n = dv.getUint32(p, true);
      if (p + 4 + n > end) return fail();
      return ret(want ? b.slice(p + 4, p + 4 + n) : null, p + 4 + n);
    }
    case K.Struct: {
      if (!s.sub) return ret(null, p);
      const r = s.sub.decode(b, p, end, ptr);
      if (r.truncated) return fail();
      const obj: Record<string, FieldValue> = {};
      s.sub.names.forEach((nm, k) => (obj[nm] = r.values[k]));
      return ret(obj, end - r.trailing);
    }
  }
  return fail();
}

/** u64 as a number when exact (< 2^53), else bigint; no BigInt work in the common case. */
function u64(dv: DataView, p: number): number | bigint {
  const hi = dv.getUint32(p + 4, true);
  if (hi < 0x200000) return hi * 4294967296 + dv.getUint32(p, true);
  return dv.getBigUint64(p, true);
}

function i64(dv: DataView, p: number): number | bigint {
  const hi = dv.getInt32(p + 4, true);
  if (hi >= -0x200000 && hi < 0x200000) return hi * 4294967296 + dv.getUint32(p, true);
  return dv.getBigInt64(p, true);
}


function trimNul(s: string): string {
  const z = s.indexOf("\0");
  return z < 0 ? s : s.slice(0, z);
}

type FastDecode = (b: Uint8Array, dv: DataView, p: number, end: number, ptr: 4 | 8, vals: FieldValue[], nums: Float64Array, h: Helpers) => number;
type Helpers = typeof HELPERS;

/** Helpers the generated decoders call; `pos` receives where decoding stopped. */
const HELPERS: {
  pos: number; zend: number; steps: readonly Step[];
  u64: (dv: DataView, p: number) => number | bigint; i64: (dv: DataView, p: number) => number | bigint;
  wstr: (b: Uint8Array, p: number, chars: number, end: number) => string; wstrz: (b: Uint8Array, p: number, end: number) => string;
  guid: (b: Uint8Array, off: number) => string;
  generic: (i: number, b: Uint8Array, dv: DataView, p: number, end: number, ptr: 4 | 8, nums: Float64Array) => FieldValue;
} = {
  pos: 0,
  steps: [],
  generic: (i, b, dv, p, end, ptr, nums) => genericField(i, b, dv, p, end, ptr, nums),
  u64: (dv: DataView, p: number): number | bigint => u64(dv, p),
  i64: (dv: DataView, p: number): number | bigint => i64(dv, p),
  wstr: (b: Uint8Array, p: number, chars: number, end: number): string => trimNul(readUtf16(b, p, chars, end)),
  wstrz: (b: Uint8Array, p: number, end: number): string => {
    const s = readUtf16zFast(b, p, end);
    HELPERS.zend = utf16zNext;
    return s;
  },
  zend: 0,
  guid: readGuid,
};

/**
 * Compiles a plan into straight-line code (PerfView's "fetch plan" idea taken one step further): one bounds
 * check and one typed read per field, no dispatch. Only for plans whose fields are plain scalars, GUIDs,
 * UTF-16 strings (NUL-terminated or counted) and binary blobs; anything else returns null (generic path).
 */
function compileFast(steps: readonly Step[]): FastDecode {
  const lines: string[] = ["let v, n;"];
  const stop = (i: number): string => `{ h.pos = p; return ${i}; }`;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s.constCount >= 0 || s.countRef >= 0 || s.varCount || s.bool || s.sub) {
      // Arrays, booleans, structs: the generic reader for this one field.
      lines.push(`v = h.generic(${i}, b, dv, p, end, ptr, nums); if (h.pos < 0) { h.pos = p; return ${i}; } vals.push(v); p = h.pos;`);
      continue;
    }
    const scalar = (size: number, read: string): void => {
      lines.push(`if (p + ${size} > end) ${stop(i)}`, `v = ${read}; nums[${i}] = v; vals.push(v); p += ${size};`);
    };
    switch (s.kind) {
      case K.U8: scalar(1, "b[p]"); break;
      case K.I8: scalar(1, "dv.getInt8(p)"); break;
      case K.U16: scalar(2, "dv.getUint16(p, true)"); break;
      case K.I16: scalar(2, "dv.getInt16(p, true)"); break;
      case K.U32: scalar(4, "dv.getUint32(p, true)"); break;
      case K.I32: scalar(4, "dv.getInt32(p, true)"); break;
      case K.F32: scalar(4, "dv.getFloat32(p, true)"); break;
      case K.F64: scalar(8, "dv.getFloat64(p, true)"); break;
      case K.U64: lines.push(`if (p + 8 > end) ${stop(i)}`, `v = h.u64(dv, p); if (typeof v === "number") nums[${i}] = v; vals.push(v); p += 8;`); break;
      case K.I64: lines.push(`if (p + 8 > end) ${stop(i)}`, `v = h.i64(dv, p); if (typeof v === "number") nums[${i}] = v; vals.push(v); p += 8;`); break;
      case K.Bool: lines.push(`if (p + 4 > end) ${stop(i)}`, `vals.push(dv.getUint32(p, true) !== 0); p += 4;`); break;
      case K.Ptr: lines.push(`if (p + ptr > end) ${stop(i)}`, `v = ptr === 8 ? h.u64(dv, p) : dv.getUint32(p, true); if (typeof v === "number") nums[${i}] = v; vals.push(v); p += ptr;`); break;
      case K.Guid: lines.push(`if (p + 16 > end) ${stop(i)}`, `vals.push(h.guid(b, p)); p += 16;`); break;
      case K.WStr: {
        const len = s.lengthRef >= 0 ? `nums[${s.lengthRef}]` : s.constLength >= 0 ? String(s.constLength) : null;
        if (len !== null) lines.push(`n = ${len}; if (p + n * 2 > end) ${stop(i)}`, `vals.push(h.wstr(b, p, n, end)); p += n * 2;`);
        else lines.push(`if (p >= end) ${stop(i)}`, `vals.push(h.wstrz(b, p, end)); p = h.zend;`);
        break;
      }
      case K.Bin: {
        const len = s.lengthRef >= 0 ? `nums[${s.lengthRef}]` : s.constLength >= 0 ? String(s.constLength) : "end - p";
        lines.push(`n = ${len}; if (p + n > end) ${stop(i)}`, `vals.push(b.slice(p, p + n)); p += n;`);
        break;
      }
      default:
        lines.push(`v = h.generic(${i}, b, dv, p, end, ptr, nums); if (h.pos < 0) { h.pos = p; return ${i}; } if (typeof v === "number") nums[${i}] = v; vals.push(v); p = h.pos;`);
    }
  }
  lines.push(`h.pos = p; return ${steps.length};`);
  const body = new Function("b", "dv", "p", "end", "ptr", "vals", "nums", "h", lines.join("\n")) as FastDecode;
  // Bind this plan's steps for the generic fallback.
  return (b, dv, p, end, ptr, vals, nums, h) => {
    h.steps = steps;
    return body(b, dv, p, end, ptr, vals, nums, h);
  };
}

/** Reads field `i` of `h.steps` with the generic reader (arrays included); h.pos = next offset or -1. */
function genericField(i: number, b: Uint8Array, dv: DataView, p: number, end: number, ptr: 4 | 8, nums: Float64Array): FieldValue {
  const s = HELPERS.steps[i];
  let count = s.constCount;
  if (s.countRef >= 0) count = nums[s.countRef];
  if (s.varCount) {
    if (p + 2 > end) return (HELPERS.pos = -1), null;
    count = dv.getUint16(p, true);
    p += 2;
  }
  let length = s.constLength;
  if (s.lengthRef >= 0) length = nums[s.lengthRef];
  if (count < 0) {
    const v = readOne(s, b, dv, p, end, ptr, length, true);
    HELPERS.pos = NEXT;
    return s.bool ? v !== 0 && v !== 0n : v;
  }
  const arr: FieldValue[] = [];
  for (let k = 0; k < count; k++) {
    const v = readOne(s, b, dv, p, end, ptr, length, true);
    if (NEXT < 0) return (HELPERS.pos = -1), null;
    arr.push(s.bool ? v !== 0 && v !== 0n : v);
    p = NEXT;
  }
  HELPERS.pos = p;
  return !s.bool && (s.def.inType === "UInt8" || s.def.inType === "Int8") ? Uint8Array.from(arr as number[]) : arr;
}

/** Fixed byte size of a scalar InType (pointer-sized types take `ptr`), or 0 when variable. */
export function fixedSize(t: InType, ptr: 4 | 8): number {
  const f = FIXED[KIND[t]];
  return f === undefined ? 0 : f < 0 ? ptr : f;
}

export type { ValueMap };
