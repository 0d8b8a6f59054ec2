/**
 * MS-XCA §2.4 "Plain LZ77" (COMPRESSION_FORMAT_XPRESS = 3) decompression, the format ETW uses for compressed
 * buffers (pktmon always compresses). Writes into a caller-owned output array (reused across buffers) and never
 * allocates. Returns the number of bytes written, or a negative error code (see XpressError).
 */
export const XpressError = { BadOffset: -1, Truncated: -2, BadLength: -3, Overflow: -4 } as const;

export function xpressDecompress(src: Uint8Array, srcStart: number, srcEnd: number, out: Uint8Array, outSize: number): number {
  let i = srcStart;
  let o = 0;
  let flags = 0;
  let flagCount = 0;
  let halfByte = -1;
  if (outSize > out.length) return XpressError.Overflow;
  while (o < outSize) {
    if (flagCount === 0) {
      if (i + 4 > srcEnd) return i >= srcEnd ? o : XpressError.Truncated;
      flags = (src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24)) >>> 0;
      i += 4;
      flagCount = 32;
    }
    flagCount--;
    if (((flags >>> flagCount) & 1) === 0) {
      if (i >= srcEnd) return o;
      out[o++] = src[i++];
      continue;
    }
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
    if (o + length > outSize) return XpressError.Overflow;
    let from = o - offset;
    if (offset >= length) {
      out.copyWithin(o, from, from + length);
      o += length;
    } else {
      const stop = o + length;
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
