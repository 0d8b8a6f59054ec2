/** UTF-16LE / ANSI string readers over byte arrays. Short strings are decoded without TextDecoder. */
const utf16 = new TextDecoder("utf-16le");
const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

/** Decodes `chars` UTF-16LE code units starting at `off` (clamped to `end`). */
export function readUtf16(b: Uint8Array, off: number, chars: number, end = b.length): string {
  let stop = off + chars * 2;
  if (stop > end) stop = end - ((end - off) & 1);
  if (stop <= off) return "";
  const n = (stop - off) >> 1;
  if (n <= 64) return interned(b, off, stop);
  return utf16.decode(b.subarray(off, stop));
}

/**
 * Short strings repeat endlessly in traces (NIC and switch GUIDs, friendly names, component names): they are
 * interned by content, so decoding one costs a hash and a compare instead of building a new string.
 */
const INTERN = new Map<number, string>();
const INTERN_MAX = 65536;

function interned(b: Uint8Array, off: number, stop: number): string {
  let h = 0;
  for (let i = off; i < stop; i += 2) h = (Math.imul(h, 31) + (b[i] | (b[i + 1] << 8))) | 0;
  return lookup(b, off, stop, h);
}

/**
 * A NUL-terminated UTF-16LE string in one pass (find the end and hash together), interned like readUtf16.
 * Returns the string; `utf16zNext` is set to the offset after the terminator.
 */
export let utf16zNext = 0;
export function readUtf16zFast(b: Uint8Array, off: number, end: number): string {
  let i = off;
  let h = 0;
  while (i + 1 < end) {
    const c = b[i] | (b[i + 1] << 8);
    if (c === 0) break;
    h = (Math.imul(h, 31) + c) | 0;
    i += 2;
  }
  utf16zNext = Math.min(i + 2, end);
  if (i - off > 128) return utf16.decode(b.subarray(off, i));
  return lookup(b, off, i, h);
}

function lookup(b: Uint8Array, off: number, stop: number, h: number): string {
  const hit = INTERN.get(h);
  if (hit !== undefined && hit.length === (stop - off) >> 1) {
    let same = true;
    for (let i = off, k = 0; i < stop; i += 2, k++) {
      if (hit.charCodeAt(k) !== (b[i] | (b[i + 1] << 8))) {
        same = false;
        break;
      }
    }
    if (same) return hit;
  }
  let s = "";
  for (let i = off; i < stop; i += 2) s += String.fromCharCode(b[i] | (b[i + 1] << 8));
  if (INTERN.size >= INTERN_MAX) INTERN.clear();
  INTERN.set(h, s);
  return s;
}

/** Finds the end of a NUL-terminated UTF-16LE string: returns the offset of the terminator (or `end`). */
export function utf16zEnd(b: Uint8Array, off: number, end: number): number {
  let i = off;
  while (i + 1 < end) {
    if (b[i] === 0 && b[i + 1] === 0) return i;
    i += 2;
  }
  return end;
}

/** Reads a NUL-terminated UTF-16LE string; returns the string and the offset after the terminator. */
export function readUtf16z(b: Uint8Array, off: number, end: number): { value: string; next: number } {
  const z = utf16zEnd(b, off, end);
  return { value: readUtf16(b, off, (z - off) >> 1, end), next: Math.min(z + 2, end) };
}

/** Finds the NUL byte ending an 8-bit string (or `end`). */
export function ansizEnd(b: Uint8Array, off: number, end: number): number {
  let i = off;
  while (i < end && b[i] !== 0) i++;
  return i;
}

/** Reads `len` bytes as Latin-1 (Windows ANSI strings, code page unknown offline). */
export function readAnsi(b: Uint8Array, off: number, len: number): string {
  return latin1.decode(b.subarray(off, off + len));
}

/** Reads `len` bytes as UTF-8 (TraceLogging metadata names). */
export function readUtf8(b: Uint8Array, off: number, len: number): string {
  return utf8.decode(b.subarray(off, off + len));
}

/** Encodes a JS string as UTF-16LE, optionally with a NUL terminator. */
export function encodeUtf16(s: string, nul: boolean): Uint8Array {
  const out = new Uint8Array((s.length + (nul ? 1 : 0)) * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[i * 2] = c & 0xff;
    out[i * 2 + 1] = c >> 8;
  }
  return out;
}
