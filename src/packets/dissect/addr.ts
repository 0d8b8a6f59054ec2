/** Address text helpers for dissectors (allocation only when text is asked for). */
import { ipv6Text as v6 } from "../../events/render.js";

const HEXU: string[] = [];
for (let i = 0; i < 256; i++) HEXU.push(i.toString(16).padStart(2, "0"));

/** aa:bb:cc:dd:ee:ff (Wireshark style). */
export function macText(b: Uint8Array, o: number, sep = ":"): string {
  return HEXU[b[o]] + sep + HEXU[b[o + 1]] + sep + HEXU[b[o + 2]] + sep + HEXU[b[o + 3]] + sep + HEXU[b[o + 4]] + sep + HEXU[b[o + 5]];
}

/** A 48-bit MAC held in a number → aa:bb:cc:dd:ee:ff. */
export function macFromNumber(v: number): string {
  const hi = Math.floor(v / 4294967296);
  const lo = v >>> 0;
  const b = [hi >>> 8, hi & 255, lo >>> 24, (lo >>> 16) & 255, (lo >>> 8) & 255, lo & 255];
  return b.map((x) => HEXU[x]).join(":");
}

/** A u32 (network order value) → dotted quad. */
export function ipv4Text(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

export function ipv6Text(b: Uint8Array, o: number): string {
  return v6(b, o);
}

/** 16 bytes → 32 lower-case hex digits (the comparable form of ipv6 fields). */
export function ipv6Hex(b: Uint8Array, o: number): string {
  let s = "";
  for (let i = 0; i < 16; i++) s += HEXU[b[o + i]];
  return s;
}
