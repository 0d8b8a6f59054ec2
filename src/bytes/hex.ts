/** Hex helpers for rendering binary fields and pointers. */
const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, "0"));

/** Lower-case hex of the bytes, no separators. */
export function toHex(b: Uint8Array, off = 0, end = b.length): string {
  let s = "";
  for (let i = off; i < end; i++) s += HEX[b[i]];
  return s;
}

/** Formats a u64 given as two u32 halves as 0x + 16 lower-case hex digits (how VmSwitch prints NBL pointers). */
export function hex64(hi: number, lo: number): string {
  return "0x" + (hi >>> 0).toString(16).padStart(8, "0") + (lo >>> 0).toString(16).padStart(8, "0");
}

/** Formats a u32 as 0x + 8 hex digits. */
export function hex32(v: number): string {
  return "0x" + (v >>> 0).toString(16).padStart(8, "0");
}

/** Parses a hex string (spaces allowed) into bytes. */
export function fromHex(s: string): Uint8Array {
  const h = s.replace(/[^0-9a-fA-F]/g, "");
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Joins byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}
