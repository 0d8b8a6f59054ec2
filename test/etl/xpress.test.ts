/**
 * MS-XCA plain LZ77 ("Xpress", COMPRESSION_FORMAT_XPRESS = 3): the spec's own examples, round trips through
 * xpressCompress on varied data (including every length-escape branch), every compressed buffer of the real
 * pktmon samples, and damaged input (a negative error code, never an exception, never a write past outSize).
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { XpressError, xpressCompress, xpressDecompress } from "../../src/etl/xpress.js";
import { HDR, listBuffers, loadSample, prng, randomBytes, skipUnless } from "../helpers/etlbytes.js";
import { fromHex } from "../../src/bytes/hex.js";

const PKTMON_SAMPLES = [
  "stmcast-win11-26k-packets-pktmon.etl",
  "pktmon-wifi-vpn-1.etl",
  "pktmon-wifi-vpn-2.etl",
  "demikernel-ws2022-azure-pktmon.etl",
  "gobang-win11-vmswitch-components-pktmon.etl",
  "tritonpilot-win11-vmswitch-pktmon.etl",
  "perfview-SelfDescribingSingleEvent-tracelogging.etl",
  "perfview-smallEtlFile-32bit-compressed.etl",
];

/** Decompresses into an array with a guard zone after outSize; asserts the guard is untouched. */
function decompressGuarded(src: Uint8Array, outSize: number, start = 0, end = src.length): { got: number; out: Uint8Array } {
  const guard = 256;
  const out = new Uint8Array(outSize + guard).fill(0xa5);
  let got = 0;
  assert.doesNotThrow(() => {
    got = xpressDecompress(src, start, end, out, outSize);
  });
  for (let i = outSize; i < out.length; i++) if (out[i] !== 0xa5) assert.fail(`wrote past outSize at ${i} (outSize ${outSize})`);
  assert.ok(Number.isInteger(got) && got <= outSize, `result ${got} is an error code or at most outSize`);
  return { got, out: out.subarray(0, outSize) };
}

function roundTrip(data: Uint8Array, label: string): Uint8Array {
  const packed = xpressCompress(data);
  const { got, out } = decompressGuarded(packed, data.length);
  assert.equal(got, data.length, `${label}: decompressed length`);
  assert.ok(Buffer.from(out).equals(Buffer.from(data)), `${label}: same bytes`);
  return packed;
}

/**
 * Walks a compressed stream and reports which length encodings its matches use: "inline" (3..9), "nibble"
 * (10..24), "byte" (25..279), "u16" (≥ 280), "u32".
 */
function lengthClasses(src: Uint8Array, outSize: number): Set<string> {
  const seen = new Set<string>();
  let i = 0, o = 0, flags = 0, n = 0, half = -1;
  while (o < outSize) {
    if (n === 0) {
      flags = (src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24)) >>> 0;
      i += 4;
      n = 32;
    }
    n--;
    if (((flags >>> n) & 1) === 0) {
      i++;
      o++;
      continue;
    }
    const v = src[i] | (src[i + 1] << 8);
    i += 2;
    let len = v & 7;
    let cls = "inline";
    if (len === 7) {
      cls = "nibble";
      if (half < 0) {
        half = i;
        len = src[i++] & 15;
      } else {
        len = src[half] >>> 4;
        half = -1;
      }
      if (len === 15) {
        cls = "byte";
        len = src[i++];
        if (len === 255) {
          cls = "u16";
          len = src[i] | (src[i + 1] << 8);
          i += 2;
          if (len === 0) {
            cls = "u32";
            len = (src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24)) >>> 0;
            i += 4;
          }
          len -= 22;
        }
        len += 15;
      }
      len += 7;
    }
    o += len + 3;
    seen.add(cls);
  }
  return seen;
}

describe("xpressDecompress: MS-XCA examples", () => {
  test("26 literals (MS-XCA 3.1 example 1)", () => {
    const src = fromHex("3f000000 6162636465666768696a6b6c6d6e6f707172737475767778797a");
    const { got, out } = decompressGuarded(src, 26);
    assert.equal(got, 26);
    assert.equal(Buffer.from(out).toString("latin1"), "abcdefghijklmnopqrstuvwxyz");
  });

  test('"abc" × 100 (MS-XCA 3.1 example 2: a u16 length escape, overlapping copy)', () => {
    const src = fromHex("ffffff1f 616263 1700 0f ff 2601");
    const { got, out } = decompressGuarded(src, 300);
    assert.equal(got, 300);
    assert.equal(Buffer.from(out).toString("latin1"), "abc".repeat(100));
  });

  test("u32 length escape (u16 of 0), a 100000-byte run", () => {
    // Literal 'z', then a match at offset 1 of 99999 bytes: 7 | nibble 15 | byte 255 | u16 0 | u32 L, where the
    // length is L - 22 + 15 + 7 + 3 = L + 3.
    const u32 = 99999 - 3;
    const src = new Uint8Array([
      0xff, 0xff, 0xff, 0x7f, // flags, MSB first: 0 (literal), 1 (match), then 1s
      0x7a,
      0x07, 0x00, 0x0f, 0xff, 0x00, 0x00,
      u32 & 0xff, (u32 >>> 8) & 0xff, (u32 >>> 16) & 0xff, u32 >>> 24,
    ]);
    const { got, out } = decompressGuarded(src, 100000);
    assert.equal(got, 100000);
    assert.ok(out.every((x) => x === 0x7a));
    assert.deepEqual(lengthClasses(src, 100000), new Set(["u32"]));
  });

  test("two nibble-escaped matches share one length byte (low nibble first)", () => {
    // "abcd" then match (off 4, len 12: nibble 2) then match (off 4, len 14: nibble 4): the shared byte is 0x42.
    const src = new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x61, 0x62, 0x63, 0x64, 0x1f, 0x00, 0x42, 0x1f, 0x00]);
    const { got, out } = decompressGuarded(src, 30);
    assert.equal(got, 30);
    assert.equal(Buffer.from(out).toString("latin1"), "abcd".repeat(8).slice(0, 30));
  });
});

describe("xpressCompress → xpressDecompress round trips", () => {
  test("empty and tiny inputs", () => {
    for (let n = 0; n <= 40; n++) roundTrip(randomBytes(n + 1, n), `random ${n}`);
    for (let n = 0; n <= 40; n++) roundTrip(new Uint8Array(n).fill(7), `run ${n}`);
  });

  test("random data (incompressible)", () => {
    for (const n of [100, 4096, 65536, 300001]) {
      const data = randomBytes(n, n);
      const packed = roundTrip(data, `random ${n}`);
      assert.ok(packed.length <= n + Math.ceil(n / 32) * 4 + 64);
    }
  });

  test("repetitive text and structured records", () => {
    const text = new TextEncoder().encode("The quick brown fox jumps over the lazy dog. ".repeat(5000));
    assert.ok(roundTrip(text, "text").length < text.length / 10);
    const rec = new Uint8Array(200_000);
    const next = prng(42);
    for (let i = 0; i < rec.length; i += 64) {
      rec[i] = 0x13; rec[i + 1] = 0x00; rec[i + 2] = 0x13; rec[i + 3] = 0xc0; // EVENT_HEADER-like markers
      const v = next();
      rec[i + 16] = v & 0xff; rec[i + 17] = (v >>> 8) & 0xff;   // changing timestamps
    }
    roundTrip(rec, "records");
  });

  test("long runs beyond 65 KiB (matches are split at 65535 bytes)", () => {
    for (const n of [65535, 65536, 65538, 70000, 200_000, 1 << 20]) {
      const data = new Uint8Array(n).fill(0x41);
      const packed = roundTrip(data, `run ${n}`);
      assert.ok(packed.length < 200, `run ${n} compresses to ${packed.length} bytes`);
    }
    const mixed = new Uint8Array(300_000);
    mixed.set(randomBytes(9, 1000), 0);
    mixed.fill(0xee, 1000, 150_000);
    mixed.set(randomBytes(10, 1000), 150_000);
    roundTrip(mixed, "random + long run + random + zeros");
  });

  test("each length-escape branch at its boundaries", () => {
    // Random prefix, then a run of `m + 1` equal bytes: a literal then one match of length m at offset 1.
    const want: Record<string, number[]> = {
      inline: [3, 4, 9],
      nibble: [10, 11, 24],
      byte: [25, 26, 100, 279],
      u16: [280, 281, 1000, 65535],
    };
    for (const [cls, lengths] of Object.entries(want)) {
      for (const m of lengths) {
        const prefix = randomBytes(m, 64);
        const data = new Uint8Array(64 + m + 1 + 64);
        data.set(prefix, 0);
        data.fill(0x00, 64, 64 + m + 1);
        data.set(randomBytes(m + 7, 64), 64 + m + 1);
        data[63] = 0xff; // the run is exactly m + 1 bytes long
        data[64 + m + 1] = 0xff;
        const packed = roundTrip(data, `match ${m}`);
        const seen = lengthClasses(packed, data.length);
        assert.ok(seen.has(cls), `match of ${m} bytes uses the ${cls} encoding (saw ${[...seen].join(", ")})`);
      }
    }
  });

  test("offsets up to the 8 KiB window and overlapping copies", () => {
    const block = randomBytes(3, 8192);
    const data = new Uint8Array(8192 * 3);
    data.set(block, 0);
    data.set(block, 8192);
    data.set(block.subarray(0, 4096), 16384);
    data.set(block.subarray(0, 4096), 20480);
    roundTrip(data, "window");
    const pattern = new Uint8Array(10_000);
    for (let i = 0; i < pattern.length; i++) pattern[i] = [1, 2, 3, 4, 5][i % 5];
    roundTrip(pattern, "period 5");
  });
});

describe("real compressed buffers", () => {
  for (const name of PKTMON_SAMPLES) {
    test(`${name}: every compressed buffer decompresses to SavedOffset − 0x48 bytes and round-trips`, { skip: skipUnless(name) }, () => {
      const bytes = loadSample(name);
      assert.ok(bytes);
      const bufs = listBuffers(bytes).filter((b) => b.compressed);
      assert.ok(bufs.length > 0);
      for (const b of bufs) {
        const outSize = b.saved - HDR;
        const { got, out } = decompressGuarded(bytes, outSize, b.offset + HDR, b.offset + b.size);
        assert.equal(got, outSize, `buffer at ${b.offset}`);
        // The decompressed data starts with a record marker (flag byte 0xC0).
        assert.equal(out[3] & 0xc0, 0xc0, `buffer at ${b.offset} starts with a record`);
        const again = xpressCompress(out);
        const back = decompressGuarded(again, outSize);
        assert.equal(back.got, outSize);
        assert.ok(Buffer.from(back.out).equals(Buffer.from(out)), `buffer at ${b.offset} round-trips`);
      }
    });
  }
});

describe("damaged input", () => {
  test("specific errors: bad offset, truncation, bad length, overflow", () => {
    // A match before anything was written.
    assert.equal(xpressDecompress(fromHex("ffffffff 0800"), 0, 6, new Uint8Array(16), 16), XpressError.BadOffset);
    // Literal, then a match whose offset (2) reaches before the output start.
    assert.equal(xpressDecompress(fromHex("ffffff7f 61 0800"), 0, 7, new Uint8Array(16), 16), XpressError.BadOffset);
    // Flag word cut short.
    assert.equal(xpressDecompress(fromHex("0000"), 0, 2, new Uint8Array(16), 16), XpressError.Truncated);
    // Match token cut in half.
    assert.equal(xpressDecompress(fromHex("ffffff7f 61 00"), 0, 6, new Uint8Array(16), 16), XpressError.Truncated);
    // Length escapes cut short: the nibble, the byte, the u16, the u32.
    assert.equal(xpressDecompress(fromHex("ffffff7f 61 0700"), 0, 7, new Uint8Array(64), 64), XpressError.Truncated);
    assert.equal(xpressDecompress(fromHex("ffffff7f 61 0700 0f"), 0, 8, new Uint8Array(64), 64), XpressError.Truncated);
    assert.equal(xpressDecompress(fromHex("ffffff7f 61 0700 0f ff 00"), 0, 10, new Uint8Array(64), 64), XpressError.Truncated);
    assert.equal(xpressDecompress(fromHex("ffffff7f 61 0700 0f ff 0000 0000"), 0, 13, new Uint8Array(64), 64), XpressError.Truncated);
    // u16 length below 22 (the escape subtracts 22).
    assert.equal(xpressDecompress(fromHex("ffffff7f 61 0700 0f ff 0500"), 0, 11, new Uint8Array(64), 64), XpressError.BadLength);
    // A match longer than the room left.
    assert.equal(xpressDecompress(fromHex("ffffff7f 61 0600"), 0, 7, new Uint8Array(64), 5), XpressError.Overflow);
    // outSize larger than the output array.
    assert.equal(xpressDecompress(fromHex("00000000 61"), 0, 5, new Uint8Array(4), 8), XpressError.Overflow);
    // Input that simply ends early gives a short count (the reader treats count ≠ outSize as a failure).
    assert.equal(xpressDecompress(fromHex("00000000 616263"), 0, 7, new Uint8Array(16), 16), 3);
  });

  test("random garbage never throws or overruns", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const src = randomBytes(seed, 1 + (seed * 37) % 2000);
      const outSize = (seed * 101) % 5000;
      decompressGuarded(src, outSize);
    }
  });

  test("mutated real buffers: each fails with an error code or a short/equal count, never throws or overruns", { skip: skipUnless(PKTMON_SAMPLES[0]) }, () => {
    const bytes = loadSample(PKTMON_SAMPLES[0]);
    assert.ok(bytes);
    const bufs = listBuffers(bytes).filter((b) => b.compressed).slice(0, 6);
    const next = prng(2024);
    let failures = 0;
    let trials = 0;
    for (const b of bufs) {
      const outSize = b.saved - HDR;
      const original = bytes.subarray(b.offset + HDR, b.offset + b.size);
      for (let t = 0; t < 25; t++) {
        const m = new Uint8Array(original);
        // Flip a few bytes among the first 2 KiB (where flag words, offsets and lengths are dense).
        for (let k = 0; k < 4; k++) m[next() % Math.min(m.length, 2048)] ^= 1 + (next() % 255);
        const { got } = decompressGuarded(m, outSize);
        trials++;
        if (got !== outSize) failures++;
      }
      // Truncations at arbitrary points.
      for (let t = 0; t < 10; t++) {
        const cut = next() % (original.length >>> 1); // well before the last token
        const { got } = decompressGuarded(original, outSize, 0, cut);
        assert.ok(got < outSize, `truncated at ${cut}: ${got}`);
      }
    }
    assert.ok(failures > trials / 2, `most mutations are detected (${failures}/${trials})`);
  });
});
