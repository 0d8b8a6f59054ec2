/**
 * Test helpers for building and mutating ETL bytes in memory: locating the real samples (read in place, never
 * copied), walking buffer headers, counting the records the reader delivers per buffer, and a seeded PRNG for
 * reproducible garbage. Nothing here writes into the repository.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import { BufferHeader as BH } from "../../src/layout/etl.js";
import { fileURLToPath } from "node:url";
import { EtlReader } from "../../src/etl/reader.js";
import type { OpenOptions } from "../../src/etl/reader.js";
import { RecordKind } from "../../src/etl/record.js";
import type { Diagnostic, DiagnosticKind } from "../../src/bytes/errors.js";

/** Folder of the real Windows samples: `../shared/etl-samples/` relative to the repo root (compiled file: dist/test/helpers). */
export const SAMPLES_DIR = fileURLToPath(new URL("../../../../shared/etl-samples/", import.meta.url));

export function samplePath(name: string): string {
  return SAMPLES_DIR + name;
}

/** Bytes of a sample, or null when the folder or the file is absent (tests then skip). */
export function loadSample(name: string): Uint8Array | null {
  const p = samplePath(name);
  if (!existsSync(p)) return null;
  const b = readFileSync(p);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Skip reason for node:test when a sample is missing, or false when present. */
export function skipUnless(name: string): string | false {
  return existsSync(samplePath(name)) ? false : `sample ${name} not found in ${SAMPLES_DIR}`;
}

// ---- little-endian access --------------------------------------------------------------------------------

export function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}
export function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}
export function setU16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}
export function setU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}
/** Reads a u64 as a bigint. */
export function u64(b: Uint8Array, o: number): bigint {
  return (BigInt(u32(b, o + 4)) << 32n) | BigInt(u32(b, o));
}
export function setU64(b: Uint8Array, o: number, v: bigint): void {
  setU32(b, o, Number(v & 0xffffffffn));
  setU32(b, o + 4, Number((v >> 32n) & 0xffffffffn));
}

// ---- buffers ---------------------------------------------------------------------------------------------

export const HDR = 0x48;
export const FLAG_COMPRESSED = 0x40;

export interface RawBuffer {
  /** Index in file order. */
  readonly index: number;
  readonly offset: number;
  readonly size: number;
  readonly saved: number;
  readonly filled: number;
  readonly seq: bigint;
  readonly cpu: number;
  readonly flags: number;
  readonly type: number;
  readonly timestamp: bigint;
  readonly compressed: boolean;
}

/** Walks the BufferSize chain of a well-formed file (no resync: for pristine samples only). */
export function listBuffers(b: Uint8Array): RawBuffer[] {
  const out: RawBuffer[] = [];
  let off = 0;
  while (off + HDR <= b.length) {
    const size = u32(b, off);
    if (size < HDR || off + size > b.length) throw new Error(`listBuffers: bad buffer at ${off}`);
    const flags = u16(b, off + 0x34);
    out.push({
      index: out.length, offset: off, size, saved: u32(b, off + 4), filled: u32(b, off + 0x30),
      seq: u64(b, off + 0x18), cpu: u16(b, off + 0x28), flags, type: u16(b, off + 0x36),
      timestamp: u64(b, off + 0x10), compressed: (flags & FLAG_COMPRESSED) !== 0,
    });
    off += size;
  }
  return out;
}

// ---- what the reader delivers ----------------------------------------------------------------------------

/** One delivered record, located by the file offset of its buffer and its offset inside the (decompressed) buffer. */
export interface RecordPos {
  readonly bufferOffset: number;
  /** Offset inside the buffer, counting the 0x48 header (for uncompressed buffers: file offset − bufferOffset). */
  readonly offset: number;
  readonly kind: RecordKind;
  readonly headerType: number;
  readonly size: number;
  readonly ticks: number;
}

export interface ReadResult {
  readonly records: RecordPos[];
  readonly diagnostics: Diagnostic[];
  readonly counts: Partial<Record<DiagnosticKind, number>>;
  /** Records per buffer file offset. */
  readonly perBuffer: Map<number, number>;
}

/** Reads everything from bytes (file order by default) and returns where each record came from. */
export function readAll(bytes: Uint8Array, options: OpenOptions = { order: "file" }): ReadResult {
  const r = EtlReader.open(bytes, options);
  const records: RecordPos[] = [];
  const perBuffer = new Map<number, number>();
  try {
    while (r.next()) {
      const rec = r.record;
      const ref = rec.ref;
      records.push({ bufferOffset: ref.bufferOffset, offset: ref.offset, kind: rec.kind, headerType: rec.headerType, size: rec.size, ticks: rec.ticks });
      perBuffer.set(ref.bufferOffset, (perBuffer.get(ref.bufferOffset) ?? 0) + 1);
    }
  } finally {
    r.close();
  }
  return { records, diagnostics: r.diagnostics, counts: { ...r.diagnosticCounts }, perBuffer };
}

/** Key that identifies a record across two reads of (a mutation of) the same file. */
export function recordKey(p: RecordPos): string {
  return `${p.bufferOffset}:${p.offset}`;
}

/** Offset of the Size field inside a record header, by record kind. */
export function sizeFieldOffset(kind: RecordKind): number {
  return kind === RecordKind.System || kind === RecordKind.Compact || kind === RecordKind.PerfInfo ? 4 : 0;
}

/** Offset of the raw timestamp inside a record header, by record kind (-1 for WPP, whose position varies). */
export function timestampOffset(kind: RecordKind): number {
  if (kind === RecordKind.PerfInfo) return 0x08;
  if (kind === RecordKind.Message) return -1;
  return 0x10;
}

// ---- reproducible garbage --------------------------------------------------------------------------------

/** mulberry32: a tiny seeded PRNG returning u32 values. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export function randomBytes(seed: number, n: number): Uint8Array {
  const next = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const v = next();
    out[i] = v & 0xff;
    if (i + 1 < n) out[i + 1] = (v >>> 8) & 0xff;
    if (i + 2 < n) out[i + 2] = (v >>> 16) & 0xff;
    if (i + 3 < n) out[i + 3] = (v >>> 24) & 0xff;
  }
  return out;
}

/** Fills b[off, off+n) with seeded random bytes. */
export function scribble(b: Uint8Array, off: number, n: number, seed: number): void {
  b.set(randomBytes(seed, n), off);
}

/** A private copy of the bytes to mutate. */
export function copy(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}

/**
 * Big inputs for benchmarks: writes `source`'s header buffer once, then its data buffers repeated (streamed,
 * SequenceNumber increased per repetition, payloads untouched) until `targetBytes`. Returns the repetitions.
 */
export function writeRepeatedBuffers(source: string, path: string, targetBytes: number): { reps: number; dataBuffers: number; unitBytes: number } {
  const b = new Uint8Array(readFileSync(source));
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const bufs: { offset: number; seq: number }[] = [];
  for (let o = 0; o + BH.size <= b.length;) {
    const size = dv.getUint32(o + BH.BufferSize, true);
    if (size < BH.size || o + size > b.length) throw new Error(`${source}: bad buffer at ${o}`);
    bufs.push({ offset: o, seq: Number(dv.getBigInt64(o + BH.SequenceNumber, true)) });
    o += size;
  }
  const data = bufs.slice(1);
  const dataStart = data[0].offset;
  const unit = b.subarray(dataStart);
  const maxSeq = Math.max(...data.map((x) => x.seq));
  const chunk = new Uint8Array(unit.length);
  const cdv = new DataView(chunk.buffer);
  const fd = openSync(path, "w");
  let reps = 0;
  try {
    let written = writeSync(fd, b.subarray(0, dataStart));
    while (written < targetBytes) {
      chunk.set(unit);
      for (const x of data) cdv.setBigInt64(x.offset - dataStart + BH.SequenceNumber, BigInt(x.seq + reps * maxSeq), true);
      written += writeSync(fd, chunk);
      reps++;
    }
  } finally {
    closeSync(fd);
  }
  return { reps, dataBuffers: data.length, unitBytes: unit.length };
}
