/**
 * Robustness of the ETL reader against damaged input. Every corrupted file is built in memory from a real sample
 * (read in place from ../shared/etl-samples, mutated in a copy, passed to EtlReader.open as bytes); the expected
 * counts come from reading the pristine bytes with order "file" and attributing each record to its buffer.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { EtlReader } from "../../src/etl/reader.js";
import { xpressCompress, xpressDecompress } from "../../src/etl/xpress.js";
import { WnvError } from "../../src/bytes/errors.js";
import type { Diagnostic, DiagnosticKind } from "../../src/bytes/errors.js";
import type { RawBuffer, ReadResult, RecordPos } from "../helpers/etlbytes.js";
import {
  HDR, copy, listBuffers, loadSample, randomBytes, readAll, recordKey, samplePath, scribble, setU16, setU32,
  sizeFieldOffset, skipUnless,
} from "../helpers/etlbytes.js";

const KERNEL = "airbus-ShutdownPerfDiagLogger-kernel.etl"; // uncompressed, 49 × 64 KiB buffers, 2 CPUs
const PKTMON = "stmcast-win11-26k-packets-pktmon.etl";      // compressed (Xpress), 17 buffers, 16 CPUs
const PCAPNG = "demikernel-ws2022-azure-pktmon.pcapng";

// ---- shared expectations ---------------------------------------------------------------------------------

interface Pristine {
  readonly bytes: Uint8Array;
  readonly buffers: RawBuffer[];
  readonly result: ReadResult;
  /** Records of each buffer (by buffer file offset), in file order. */
  readonly byBuffer: Map<number, RecordPos[]>;
}

const pristineCache = new Map<string, Pristine>();

function pristine(name: string): Pristine {
  let p = pristineCache.get(name);
  if (p) return p;
  const bytes = loadSample(name);
  if (!bytes) throw new Error(`sample ${name} missing`); // tests are skipped before this can happen
  const result = readAll(bytes);
  assert.deepEqual(result.diagnostics, [], `pristine ${name} reads without diagnostics`);
  const byBuffer = new Map<number, RecordPos[]>();
  for (const r of result.records) {
    let l = byBuffer.get(r.bufferOffset);
    if (!l) byBuffer.set(r.bufferOffset, (l = []));
    l.push(r);
  }
  p = { bytes, buffers: listBuffers(bytes), result, byBuffer };
  pristineCache.set(name, p);
  return p;
}

/** Every diagnostic: one line, names an offset, and its offset field lies inside the file. */
function assertDiagnosticsWellFormed(diags: readonly Diagnostic[], fileSize: number): void {
  for (const d of diags) {
    assert.ok(!/[\r\n]/.test(d.message), `diagnostic message is one line: ${JSON.stringify(d.message)}`);
    assert.match(d.message, /offset \d+/, `diagnostic message names an offset: ${d.message}`);
    assert.ok(Number.isInteger(d.offset) && d.offset >= 0 && d.offset <= fileSize, `diagnostic offset ${d.offset} lies in the file`);
  }
}

/** Exactly these diagnostic kinds, each at these offsets (and nothing else). */
function assertDiagnostics(res: ReadResult, expected: ReadonlyArray<[DiagnosticKind, number]>, fileSize: number): void {
  assertDiagnosticsWellFormed(res.diagnostics, fileSize);
  const got = res.diagnostics.map((d) => [d.kind, d.offset] as [DiagnosticKind, number]);
  assert.deepEqual(got, expected, `diagnostics: ${res.diagnostics.map((d) => d.message).join(" | ")}`);
  const counts: Partial<Record<DiagnosticKind, number>> = {};
  for (const [k] of expected) counts[k] = (counts[k] ?? 0) + 1;
  assert.deepEqual(res.counts, counts);
}

/**
 * Reads the mutated bytes in file order and in time order and checks that exactly `expected` records (by
 * buffer offset and offset inside the buffer) are delivered, with the expected diagnostics.
 */
function assertDelivers(bytes: Uint8Array, expected: readonly RecordPos[], diags: ReadonlyArray<[DiagnosticKind, number]>): ReadResult {
  const want = expected.map(recordKey);
  const fileOrder = readAll(bytes);
  assert.equal(fileOrder.records.length, expected.length, "record count (file order)");
  assert.deepEqual(fileOrder.records.map(recordKey), want, "same records, same order (file order)");
  assertDiagnostics(fileOrder, diags, bytes.length);
  const timeOrder = readAll(bytes, { order: "time" });
  assert.equal(timeOrder.records.length, expected.length, "record count (time order)");
  assert.deepEqual(timeOrder.records.map(recordKey).sort(), [...want].sort(), "same records (time order)");
  assertDiagnostics(timeOrder, diags, bytes.length);
  return fileOrder;
}

/** Pristine records minus those of the given buffers (by offset), and minus the given individual records. */
function without(p: Pristine, lostBuffers: readonly number[], lostRecords: ReadonlySet<string> = new Set()): RecordPos[] {
  const lb = new Set(lostBuffers);
  return p.result.records.filter((r) => !lb.has(r.bufferOffset) && !lostRecords.has(recordKey(r)));
}

function countOf(p: Pristine, bufferOffset: number): number {
  return p.byBuffer.get(bufferOffset)?.length ?? 0;
}

// ---- truncation ------------------------------------------------------------------------------------------

describe("truncated files", () => {
  test("uncompressed file cut mid-buffer: every whole buffer is delivered, buffer-truncated at the cut buffer", { skip: skipUnless(KERNEL) }, () => {
    const p = pristine(KERNEL);
    for (const k of [1, 10, 25, 48]) {
      const b = p.buffers[k];
      for (const cut of [b.offset + HDR, b.offset + HDR + 1000, b.offset + (b.size >>> 1), b.offset + b.size - 1]) {
        const bytes = p.bytes.subarray(0, cut);
        const lost = p.buffers.slice(k).map((x) => x.offset);
        const expected = without(p, lost);
        assert.equal(expected.length, p.buffers.slice(0, k).reduce((n, x) => n + countOf(p, x.offset), 0));
        const res = assertDelivers(bytes, expected, [["buffer-truncated", b.offset]]);
        assert.match(res.diagnostics[0].message, new RegExp(`offset ${b.offset}\\b`));
      }
    }
  });

  test("cut inside a buffer header: trailing-bytes at the header, everything before delivered", { skip: skipUnless(KERNEL) }, () => {
    const p = pristine(KERNEL);
    const b = p.buffers[30];
    for (const extra of [1, 20, HDR - 1]) {
      const bytes = p.bytes.subarray(0, b.offset + extra);
      assertDelivers(bytes, without(p, p.buffers.slice(30).map((x) => x.offset)), [["trailing-bytes", b.offset]]);
    }
  });

  test("cut exactly at a buffer boundary: no diagnostic", { skip: skipUnless(KERNEL) }, () => {
    const p = pristine(KERNEL);
    const b = p.buffers[12];
    assertDelivers(p.bytes.subarray(0, b.offset), without(p, p.buffers.slice(12).map((x) => x.offset)), []);
  });

  test("compressed file cut mid-buffer", { skip: skipUnless(PKTMON) }, () => {
    const p = pristine(PKTMON);
    for (const k of [1, 4, 8, 16]) {
      const b = p.buffers[k];
      assert.ok(b.compressed);
      for (const cut of [b.offset + HDR + 10, b.offset + (b.size >>> 1), b.offset + b.size - 1]) {
        const expected = without(p, p.buffers.slice(k).map((x) => x.offset));
        assertDelivers(p.bytes.subarray(0, cut), expected, [["buffer-truncated", b.offset]]);
      }
    }
  });
});

// ---- garbage buffers -------------------------------------------------------------------------------------

describe("garbage buffers", () => {
  test("uncompressed: one buffer overwritten with random bytes loses exactly that buffer", { skip: skipUnless(KERNEL) }, () => {
    const p = pristine(KERNEL);
    const total = p.result.records.length;
    assert.equal(total, 17078);
    for (const k of [1, 2, 20, 47, 48]) {
      for (const seed of [1, 2, 3]) {
        const b = p.buffers[k];
        const bytes = copy(p.bytes);
        scribble(bytes, b.offset, b.size, seed * 1000 + k);
        const res = assertDelivers(bytes, without(p, [b.offset]), [["buffer-bad-size", b.offset]]);
        assert.equal(res.records.length, total - countOf(p, b.offset));
      }
    }
  });

  test("uncompressed: two adjacent garbage buffers", { skip: skipUnless(KERNEL) }, () => {
    const p = pristine(KERNEL);
    const [a, b] = [p.buffers[7], p.buffers[8]];
    const bytes = copy(p.bytes);
    scribble(bytes, a.offset, a.size + b.size, 77);
    assertDelivers(bytes, without(p, [a.offset, b.offset]), [["buffer-bad-size", a.offset]]);
  });

  test("compressed: random compressed payload gives decompress-failed, all other buffers delivered", { skip: skipUnless(PKTMON) }, () => {
    const p = pristine(PKTMON);
    const total = p.result.records.length;
    assert.equal(total, 31068);
    for (const b of p.buffers.filter((x) => x.compressed)) {
      const bytes = copy(p.bytes);
      scribble(bytes, b.offset + HDR, b.size - HDR, b.index);
      const res = assertDelivers(bytes, without(p, [b.offset]), [["decompress-failed", b.offset]]);
      assert.equal(res.records.length, total - countOf(p, b.offset));
      assert.match(res.diagnostics[0].message, /does not decompress/);
    }
  });

  test("compressed: a match reaching before the output start gives decompress-failed", { skip: skipUnless(PKTMON) }, () => {
    const p = pristine(PKTMON);
    const b = p.buffers[3];
    const bytes = copy(p.bytes);
    // A match whose offset points before the start of the output: the first flag word says "match", then offset 8192.
    setU32(bytes, b.offset + HDR, 0xffffffff);
    setU16(bytes, b.offset + HDR + 4, 0xfff8);
    assertDelivers(bytes, without(p, [b.offset]), [["decompress-failed", b.offset]]);
  });

  test("compressed: garbage buffer header makes the walker resync on the next buffer (unaligned offsets)", { skip: skipUnless(PKTMON) }, () => {
    const p = pristine(PKTMON);
    for (const b of p.buffers.filter((x) => x.compressed)) {
      for (const seed of [11, 12]) {
        const bytes = copy(p.bytes);
        scribble(bytes, b.offset, HDR, seed * 100 + b.index);
        const res = assertDelivers(bytes, without(p, [b.offset]), [["buffer-bad-size", b.offset]]);
        const next = p.buffers[b.index + 1];
        if (next) assert.match(res.diagnostics[0].message, new RegExp(`resumed at offset ${next.offset}\\b`));
      }
    }
  });
});

// ---- absurd sizes ----------------------------------------------------------------------------------------

describe("absurd sizes", () => {
  for (const name of [KERNEL, PKTMON]) {
    test(`${name}: BufferSize 0 / 0xFFFFFFFF / 0x47 in a middle buffer loses only that buffer`, { skip: skipUnless(name) }, () => {
      const p = pristine(name);
      for (const k of [1, 5, p.buffers.length - 1]) {
        const b = p.buffers[k];
        for (const v of [0, 0xffffffff, HDR - 1, 0x7fffffff]) {
          const bytes = copy(p.bytes);
          setU32(bytes, b.offset, v);
          assertDelivers(bytes, without(p, [b.offset]), [["buffer-bad-size", b.offset]]);
        }
      }
    });
  }

  test("first buffer with BufferSize 0 / 0xFFFFFFFF is not an ETL file", { skip: skipUnless(KERNEL) }, () => {
    const p = pristine(KERNEL);
    for (const v of [0, 0xffffffff]) {
      const bytes = copy(p.bytes);
      setU32(bytes, 0, v);
      assertUnreadable(() => EtlReader.open(bytes), /first buffer size/);
    }
  });

  test("record Size 0xFFFF: rest of that buffer skipped and counted, other buffers intact", { skip: skipUnless(KERNEL) }, () => {
    const p = pristine(KERNEL);
    for (const [k, j] of [[10, 0], [10, 5], [33, 200], [2, -1]] as const) {
      const b = p.buffers[k];
      const recs = p.byBuffer.get(b.offset) ?? [];
      const jj = j < 0 ? recs.length - 1 : j;
      const victim = recs[jj];
      const bytes = copy(p.bytes);
      const at = b.offset + victim.offset;
      setU16(bytes, at + sizeFieldOffset(victim.kind), 0xffff);
      const lost = new Set(recs.slice(jj).map(recordKey));
      const res = assertDelivers(bytes, without(p, [], lost), [["record-bad-size", at]]);
      assert.equal(res.records.length, p.result.records.length - (recs.length - jj));
      assert.equal(res.perBuffer.get(b.offset) ?? 0, jj);
    }
  });

  test("record Size smaller than its header: rest of buffer skipped", { skip: skipUnless(KERNEL) }, () => {
    const p = pristine(KERNEL);
    const b = p.buffers[20];
    const recs = p.byBuffer.get(b.offset) ?? [];
    const victim = recs[3];
    const bytes = copy(p.bytes);
    const at = b.offset + victim.offset;
    setU16(bytes, at + sizeFieldOffset(victim.kind), 8);
    assertDelivers(bytes, without(p, [], new Set(recs.slice(3).map(recordKey))), [["record-bad-size", at]]);
  });
});

// ---- unknown record kinds --------------------------------------------------------------------------------

describe("unknown record markers", () => {
  test("uncompressed: unknown marker gives record-unknown-kind, rest of buffer skipped, other buffers fine", { skip: skipUnless(KERNEL) }, () => {
    const p = pristine(KERNEL);
    for (const [k, j, marker] of [[30, 7, 0x12345678], [30, 0, 0xc0770000], [45, 100, 0x00400000]] as const) {
      const b = p.buffers[k];
      const recs = p.byBuffer.get(b.offset) ?? [];
      const at = b.offset + recs[j].offset;
      const bytes = copy(p.bytes);
      setU32(bytes, at, marker);
      const res = assertDelivers(bytes, without(p, [], new Set(recs.slice(j).map(recordKey))), [["record-unknown-kind", at]]);
      assert.equal(res.records.length, p.result.records.length - (recs.length - j));
      assert.match(res.diagnostics[0].message, /unknown record marker/);
    }
  });

  test("compressed: unknown marker inside a recompressed buffer", { skip: skipUnless(PKTMON) }, () => {
    const p = pristine(PKTMON);
    const k = 3;
    const b = p.buffers[k];
    const recs = p.byBuffer.get(b.offset) ?? [];
    const j = 100;
    // Decompress buffer k, break one record marker, recompress, and splice the new buffer into the file.
    const plain = new Uint8Array(b.saved - HDR);
    assert.equal(xpressDecompress(p.bytes, b.offset + HDR, b.offset + b.size, plain, plain.length), plain.length);
    setU32(plain, recs[j].offset - HDR, 0x0badf00d);
    const packed = xpressCompress(plain);
    const header = p.bytes.slice(b.offset, b.offset + HDR);
    setU32(header, 0, HDR + packed.length);
    const bytes = concat(p.bytes.subarray(0, b.offset), header, packed, p.bytes.subarray(b.offset + b.size));
    const shift = HDR + packed.length - b.size;
    // Expected: pristine records except the tail of buffer k; buffers after k moved by `shift`.
    const lost = new Set(recs.slice(j).map(recordKey));
    const expected = p.result.records.filter((r) => !lost.has(recordKey(r)))
      .map((r) => (r.bufferOffset > b.offset ? { ...r, bufferOffset: r.bufferOffset + shift } : r));
    // For a decompressed buffer the diagnostic offset is the buffer's (the record has no file offset).
    const res = assertDelivers(bytes, expected, [["record-unknown-kind", b.offset]]);
    assert.match(res.diagnostics[0].message, new RegExp(`buffer at offset ${b.offset}, record at \\+0x${recs[j].offset.toString(16)}\\b`));
  });
});

// ---- not ETL at all --------------------------------------------------------------------------------------

function assertUnreadable(fn: () => unknown, what?: RegExp): WnvError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof WnvError, `expected a WnvError, got ${String(err)}`);
  assert.equal(err.code, "unreadable");
  assert.equal(err.exitCode, 2);
  assert.ok(!/[\r\n]/.test(err.message), "one-line message");
  assert.match(err.message, /offset \d+/, `message names the offset: ${err.message}`);
  assert.match(err.message, /expected/, `message says what was expected: ${err.message}`);
  assert.equal(typeof err.offset, "number");
  if (what) assert.match(err.message, what);
  return err;
}

describe("not an ETL file", () => {
  test("a pcapng file", { skip: skipUnless(PCAPNG) }, () => {
    const bytes = loadSample(PCAPNG);
    assert.ok(bytes);
    const err = assertUnreadable(() => EtlReader.open(bytes, { name: "x.pcapng" }), /SYSTEM trace header/);
    assert.equal(err.offset, 0x48);
    assert.match(err.message, /^x\.pcapng: /);
  });

  test("a pcapng file opened by path names the path", { skip: skipUnless(PCAPNG) }, () => {
    const err = assertUnreadable(() => EtlReader.open(samplePath(PCAPNG)));
    assert.ok(err.message.includes(PCAPNG));
  });

  test("random bytes, zeros, text", () => {
    const text = new TextEncoder().encode("This is not an event trace log.\n".repeat(64));
    for (const bytes of [randomBytes(5, 4096), new Uint8Array(65536), text, new Uint8Array(65536).fill(0xff)]) {
      assertUnreadable(() => EtlReader.open(bytes));
    }
  });

  test("empty and tiny inputs", () => {
    for (const n of [0, 1, 71, 72, 383]) {
      const err = assertUnreadable(() => EtlReader.open(new Uint8Array(n)), /too small/);
      assert.equal(err.offset, 0);
      assert.ok(err.message.includes(`${n} bytes`));
    }
  });

  test("the first bytes of a real file: tiny ones are unreadable, a cut header buffer yields no records and one diagnostic", { skip: skipUnless(KERNEL) }, () => {
    const p = pristine(KERNEL);
    for (const n of [0, 16, 100, 383]) assertUnreadable(() => EtlReader.open(p.bytes.slice(0, n)), /too small/);
    for (const n of [384, 1000, 65535]) {
      const r = EtlReader.open(p.bytes.slice(0, n));
      assert.equal(r.info.bufferSize, 65536);
      assert.equal(r.next(), false);
      assert.deepEqual(r.diagnostics.map((d) => [d.kind, d.offset]), [["buffer-truncated", 0]]);
      assertDiagnosticsWellFormed(r.diagnostics, n);
    }
  });

  test("a missing file", () => {
    let err: unknown;
    try {
      EtlReader.open(samplePath("does-not-exist.etl"));
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof WnvError);
    assert.equal(err.code, "unreadable");
    assert.match(err.message, /no such file/);
  });
});

// ---- diagnostics bookkeeping -----------------------------------------------------------------------------

describe("diagnostics", () => {
  test("many bad buffers: counts keep counting past the first 1000 kept messages", { skip: skipUnless(KERNEL) }, () => {
    // 1100 bad records: 22 copies of the kernel file's data buffers, each with its first record broken.
    const p = pristine(KERNEL);
    const data = p.buffers.slice(1);
    const parts: Uint8Array[] = [p.bytes.subarray(0, p.buffers[0].size)];
    let bad = 0;
    for (let rep = 0; bad < 1100; rep++) {
      for (const b of data) {
        const c = p.bytes.slice(b.offset, b.offset + b.size);
        setU32(c, HDR, 0x12345678);
        parts.push(c);
        bad++;
      }
    }
    const bytes = concat(...parts);
    const res = readAll(bytes);
    assert.equal(res.records.length, countOf(p, 0));
    assert.equal(res.counts["record-unknown-kind"], bad);
    assert.equal(res.diagnostics.length, 1000);
    assertDiagnosticsWellFormed(res.diagnostics, bytes.length);
  });
});

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) {
    out.set(x, o);
    o += x.length;
  }
  return out;
}
