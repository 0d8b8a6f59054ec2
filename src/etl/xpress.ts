/**
 * MS-XCA §2.4 "Plain LZ77" (COMPRESSION_FORMAT_XPRESS = 3) decompression, the format ETW uses for compressed
 * buffers (pktmon always compresses). Writes into a caller-owned output array (reused across buffers), never
 * past `outSize`, and never throws on bad input. Returns the number of bytes written (less than `outSize` when the
 * input ends early), or a negative error code (see XpressError).
 */
export const XpressError = { BadOffset: -1, Truncated: -2, BadLength: -3, Overflow: -4 } as const;

export function xpressDecompress(src: Uint8Array, srcStart: number, srcEnd: number, out: Uint8Array, outSize: number): number {
  let i = srcStart;
  let o = 0;
  let flags = 0;
  let flagCount = 0;
  let halfByte = -1;
  if (outSize > out.length) return XpressError.Overflow;
  // Short matches are copied 4 bytes at a time through a DataView (TurboFan inlines unaligned 32-bit loads and
  // stores); copyWithin costs a builtin call each time, which dominates for the short matches that are typical.
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  while (o < outSize) {
    if (flagCount === 0) {
      if (i + 4 > srcEnd) return i >= srcEnd ? o : XpressError.Truncated;
      flags = src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24);
      i += 4;
      flagCount = 32;
    }
    // A run of literals: the zero flag bits below the current one, copied in one loop.
    let lits = Math.clz32(flags << (32 - flagCount));
    if (lits > 0) {
      if (lits > flagCount) lits = flagCount;
      if (lits > outSize - o) lits = outSize - o;
      if (lits > srcEnd - i) {
        while (i < srcEnd) out[o++] = src[i++];
        return o;
      }
      for (let k = 0; k < lits; k++) out[o++] = src[i++];
      flagCount -= lits;
      continue;
    }
    flagCount--;
    if (i + 2 > srcEnd) return i >= srcEnd ? o : XpressError.Truncated;
    const v = src[i] | (src[i + 1] << 8);
    i += 2;
    let length = v & 7;
    const offset = (v >>> 3) + 1;
    if (length === 7) {
      if (halfByte < 0) {
        if (i >= srcEnd) return XpressError.Truncated;
        halfByte = i;
        length = src[i++] & 0x0f;
      } else {
        length = src[halfByte] >>> 4;
        halfByte = -1;
      }
      if (length === 15) {
        if (i >= srcEnd) return XpressError.Truncated;
        length = src[i++];
        if (length === 255) {
          if (i + 2 > srcEnd) return XpressError.Truncated;
          length = src[i] | (src[i + 1] << 8);
          i += 2;
          if (length === 0) {
            if (i + 4 > srcEnd) return XpressError.Truncated;
            length = (src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24)) >>> 0;
            i += 4;
          }
          if (length < 22) return XpressError.BadLength;
          length -= 22;
        }
        length += 15;
      }
      length += 7;
    }
    length += 3;
    if (offset > o) return XpressError.BadOffset;
    if (length > outSize - o) return XpressError.Overflow;
    let from = o - offset;
    if (length > 32) {
      if (offset >= length) {
        out.copyWithin(o, from, from + length);
      } else {
        // Overlapping: the output repeats with period `offset`. Copy one period, then double what is there.
        out.copyWithin(o, from, o);
        let n = offset;
        while (n < length) {
          const c = n < length - n ? n : length - n;
          out.copyWithin(o + n, o, o + c);
          n += c;
        }
      }
      o += length;
    } else {
      const stop = o + length;
      if (offset >= 4) {
        // Each 4-byte chunk's source lies wholly before its destination, so this is right even when overlapping.
        while (o + 4 <= stop) {
          dv.setInt32(o, dv.getInt32(from, true), true);
          o += 4;
          from += 4;
        }
      }
      while (o < stop) out[o++] = out[from++];
    }
  }
  return o;
}

/**
 * Plain LZ77 compression (the inverse, for the lab writer and tests). Greedy matching with a small hash
 * table; output is valid MS-XCA plain LZ77 that Windows (and xpressDecompress) can read.
 */
export function xpressCompress(src: Uint8Array): Uint8Array {
  const n = src.length;
  const out = new Uint8Array(n + Math.ceil(n / 32) * 4 + 64);
  const head = new Int32Array(1 << 15).fill(-1);
  let o = 0;
  let flagPos = 0;
  let flags = 0;
  let flagBits = 0;
  let halfByte = -1;
  o = 4;
  const pushFlag = (bit: number): void => {
    if (flagBits === 32) {
      writeU32(out, flagPos, flags >>> 0);
      flagPos = o;
      o += 4;
      flags = 0;
      flagBits = 0;
    }
    flags = ((flags << 1) | bit) >>> 0;
    flagBits++;
  };
  let i = 0;
  while (i < n) {
    let bestLen = 0;
    let bestOff = 0;
    if (i + 3 <= n) {
      const h = ((src[i] << 7) ^ (src[i + 1] << 4) ^ src[i + 2]) & 0x7fff;
      const cand = head[h];
      head[h] = i;
      if (cand >= 0 && i - cand <= 8192) {
        let l = 0;
        const max = Math.min(n - i, 65535);
        while (l < max && src[cand + l] === src[i + l]) l++;
        if (l >= 3) {
          bestLen = l;
          bestOff = i - cand;
        }
      }
    }
    if (bestLen === 0) {
      pushFlag(0);
      out[o++] = src[i++];
      continue;
    }
    pushFlag(1);
    const len = bestLen - 3;
    const base = ((bestOff - 1) << 3) >>> 0;
    if (len < 7) {
      writeU16(out, o, base | len);
      o += 2;
    } else {
      writeU16(out, o, base | 7);
      o += 2;
      const rest = len - 7;
      const nib = rest < 15 ? rest : 15;
      if (halfByte < 0) {
        halfByte = o;
        out[o++] = nib;
      } else {
        out[halfByte] |= nib << 4;
        halfByte = -1;
      }
      if (rest >= 15) {
        const r2 = rest - 15;
        if (r2 < 255) {
          out[o++] = r2;
        } else {
          out[o++] = 255;
          writeU16(out, o, rest + 7);
          o += 2;
        }
      }
    }
    i += bestLen;
  }
  // Pad the last flag word with 1-bits as MS-XCA does (the decoder stops at the output size).
  while (flagBits < 32) {
    flags = ((flags << 1) | 1) >>> 0;
    flagBits++;
  }
  writeU32(out, flagPos, flags >>> 0);
  return out.slice(0, o);
}

function writeU16(b: Uint8Array, off: number, v: number): void {
  b[off] = v & 0xff;
  b[off + 1] = (v >>> 8) & 0xff;
}
function writeU32(b: Uint8Array, off: number, v: number): void {
  b[off] = v & 0xff;
  b[off + 1] = (v >>> 8) & 0xff;
  b[off + 2] = (v >>> 16) & 0xff;
  b[off + 3] = (v >>> 24) & 0xff;
}
