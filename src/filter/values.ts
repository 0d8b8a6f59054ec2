/**
 * Literal parsers for filter constants, each returning null when the text is not of that kind. Results are in
 * the form field getters return (FieldSpec): IPv4 as a u32, MAC as a 48-bit number, IPv6 as 32 lower-case hex
 * digits, byte strings as a Uint8Array.
 */

/** Decimal, 0x hex, 0b binary or 0-prefixed octal (as in Wireshark and C), optionally negative. */
export function parseInteger(s: string): number | null {
  const neg = s.startsWith("-");
  const t = neg ? s.slice(1) : s;
  let v: number;
  if (/^0[xX][0-9A-Fa-f]+$/.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^0[bB][01]+$/.test(t)) v = parseInt(t.slice(2), 2);
  else if (/^0[0-7]+$/.test(t)) v = parseInt(t.slice(1), 8);
  else if (/^(0|[1-9][0-9]*)$/.test(t)) v = Number(t);
  else return null;
  if (!Number.isSafeInteger(v)) return null;
  return neg ? -v : v;
}

/** A decimal number with optional fraction and exponent, or an integer as parseInteger reads it. */
export function parseNumber(s: string): number | null {
  const i = parseInteger(s);
  if (i !== null) return i;
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/** An unsigned 64-bit integer as its canonical decimal string (pktmon group ids). */
export function parseU64(s: string): string | null {
  let v: bigint;
  if (/^0[xX][0-9A-Fa-f]+$/.test(s) || /^[0-9]+$/.test(s)) v = BigInt(s);
  else return null;
  return v <= 0xffffffffffffffffn ? v.toString(10) : null;
}

/** Dotted quad (exactly four decimal octets) → u32. */
export function parseIpv4(s: string): number | null {
  const m = /^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/.exec(s);
  if (!m) return null;
  let v = 0;
  for (let k = 1; k <= 4; k++) {
    const o = Number(m[k]);
    if (o > 255) return null;
    v = v * 256 + o;
  }
  return v;
}

/** Full, compressed (::) or IPv4-embedded (::ffff:1.2.3.4) IPv6 text → 32 lower-case hex digits. */
export function parseIpv6(s: string): string | null {
  if (s.length < 2 || s.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(":")) return null;
  const dbl = s.indexOf("::");
  if (dbl !== -1 && s.indexOf("::", dbl + 1) !== -1) return null;
  const groups = (x: string, lastMayBeV4: boolean): number[] | null => {
    if (x === "") return [];
    const g = x.split(":");
    const out: number[] = [];
    for (let k = 0; k < g.length; k++) {
      const p = g[k];
      if (lastMayBeV4 && k === g.length - 1 && p.includes(".")) {
        const v4 = parseIpv4(p);
        if (v4 === null) return null;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  let words: number[];
  if (dbl === -1) {
    const g = groups(s, true);
    if (!g || g.length !== 8) return null;
    words = g;
  } else {
    const head = groups(s.slice(0, dbl), false);
    const tail = groups(s.slice(dbl + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return null;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  return words.map((w) => w.toString(16).padStart(4, "0")).join("");
}

/** aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff (one or two digits a byte) or aabb.ccdd.eeff → 48-bit number. */
export function parseMac(s: string): number | null {
  let bytes: number[];
  const sep = /^[0-9A-Fa-f]{1,2}([:-])[0-9A-Fa-f]{1,2}(?:\1[0-9A-Fa-f]{1,2}){4}$/.exec(s);
  if (sep) bytes = s.split(sep[1]).map((x) => parseInt(x, 16));
  else if (/^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$/.test(s)) {
    const h = s.replace(/\./g, "");
    bytes = [];
    for (let k = 0; k < 12; k += 2) bytes.push(parseInt(h.slice(k, k + 2), 16));
  } else return null;
  let v = 0;
  for (const b of bytes) v = v * 256 + b;
  return v;
}

/** Hex bytes: aa:bb:cc, aa-bb, 0.1.0.d (one or two digits a byte, one kind of separator), aabbcc, or 0xNN. */
export function parseBytes(s: string): Uint8Array | null {
  const sep = /^[0-9A-Fa-f]{1,2}(?:([:.-])[0-9A-Fa-f]{1,2}(?:\1[0-9A-Fa-f]{1,2})*)?$/.exec(s);
  if (sep) return Uint8Array.from(sep[1] ? s.split(sep[1]).map((x) => parseInt(x, 16)) : [parseInt(s, 16)]);
  if (/^(?:[0-9A-Fa-f]{2})+$/.test(s)) {
    const out = new Uint8Array(s.length / 2);
    for (let k = 0; k < out.length; k++) out[k] = parseInt(s.slice(2 * k, 2 * k + 2), 16);
    return out;
  }
  if (/^0[xX][0-9A-Fa-f]{1,2}$/.test(s)) return Uint8Array.of(parseInt(s.slice(2), 16));
  return null;
}

/** What a literal looks like, for "… is not an IPv4 address (it looks like a MAC address)" hints. */
export function looksLike(s: string): string | null {
  if (parseIpv4(s) !== null) return "an IPv4 address";
  if (/^[^/]+\/[0-9]+$/.test(s) && parseIpv4(s.slice(0, s.indexOf("/"))) !== null) return "an IPv4 CIDR block";
  if (parseMac(s) !== null) return "a MAC address";
  if (parseIpv6(s) !== null) return "an IPv6 address";
  if (parseNumber(s) !== null) return "a number";
  return null;
}
