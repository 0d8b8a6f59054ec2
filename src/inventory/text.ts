/**
 * Text plumbing for host-state files: byte decoding (UTF-8 / UTF-16LE / UTF-16BE, with or without BOM — Windows
 * PowerShell 5's `>` writes UTF-16LE with a BOM), line splitting, and the normalisers for MACs, GUIDs and IPs.
 */

/** Decodes a file's bytes to text: honours a BOM, and recognises BOM-less UTF-16 by its zero bytes. */
export function decodeText(b: Uint8Array): string {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return new TextDecoder("utf-8").decode(b.subarray(3));
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return new TextDecoder("utf-16le").decode(b.subarray(2));
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return new TextDecoder("utf-16be").decode(b.subarray(2));
  // BOM-less UTF-16: ASCII text has every other byte zero.
  const n = Math.min(b.length & ~1, 512);
  if (n >= 4) {
    let evenZero = 0;
    let oddZero = 0;
    for (let i = 0; i < n; i += 2) {
      if (b[i] === 0) evenZero++;
      if (b[i + 1] === 0) oddZero++;
    }
    const half = n / 2;
    if (oddZero > half * 0.6 && evenZero < half * 0.1) return new TextDecoder("utf-16le").decode(b);
    if (evenZero > half * 0.6 && oddZero < half * 0.1) return new TextDecoder("utf-16be").decode(b);
  }
  return new TextDecoder("utf-8").decode(b);
}

/** True when decoded text looks binary (NULs or many control characters): not a host-state text file. */
export function looksBinary(text: string): boolean {
  const n = Math.min(text.length, 4096);
  if (n === 0) return false;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) bad++;
  }
  return bad > n * 0.05;
}

/** Splits text into lines: strips a leading BOM, CRLF / CR line ends and trailing whitespace. */
export function splitLines(text: string): string[] {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return t.split(/\r\n|\r|\n/).map((l) => l.replace(/\s+$/, ""));
}

// ---------------------------------------------------------------------------------------------------------------
// MAC addresses

/**
 * The 12 lower-case hex digits of a MAC in any usual spelling ("00-15-5D-AA-BB-CC", "00:15:5d:aa:bb:cc",
 * "00155DAABBCC", "0015.5daa.bbcc"), or null.
 */
export function macKey(s: string | undefined | null): string | null {
  if (!s) return null;
  const t = s.trim();
  let m = /^([0-9a-fA-F]{1,2})([-:])([0-9a-fA-F]{1,2})\2([0-9a-fA-F]{1,2})\2([0-9a-fA-F]{1,2})\2([0-9a-fA-F]{1,2})\2([0-9a-fA-F]{1,2})$/.exec(t);
  if (m) return [m[1], m[3], m[4], m[5], m[6], m[7]].map((x) => x.padStart(2, "0")).join("").toLowerCase();
  m = /^([0-9a-fA-F]{4})\.([0-9a-fA-F]{4})\.([0-9a-fA-F]{4})$/.exec(t);
  if (m) return (m[1] + m[2] + m[3]).toLowerCase();
  if (/^[0-9a-fA-F]{12}$/.test(t)) return t.toLowerCase();
  return null;
}

/** "00-15-5D-AA-BB-CC" for a MAC in any spelling, or null. All-zero MACs count as absent. */
export function normalizeMac(s: string | undefined | null): string | null {
  const k = macKey(s);
  if (!k || k === "000000000000") return null;
  return k.toUpperCase().match(/../g)!.join("-");
}

// ---------------------------------------------------------------------------------------------------------------
// GUIDs

const GUID_RE = /^\{?([0-9a-fA-F]{8})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{12})\}?$/;

/** A GUID in our canonical form (lower-case, dashes, no braces), or null. Accepts braces and missing dashes. */
export function normGuid(s: string | undefined | null): string | null {
  if (!s) return null;
  const t = s.trim();
  if (!/[-{]/.test(t) && t.length !== 32) return null;
  const m = GUID_RE.exec(t);
  return m ? `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`.toLowerCase() : null;
}

/** True for a 64-hex docker id. */
export function isDockerId(s: string | undefined | null): boolean {
  return !!s && /^[0-9a-f]{64}$/i.test(s.trim());
}

// ---------------------------------------------------------------------------------------------------------------
// IP addresses

/** True for a dotted IPv4 address. */
export function isIpv4(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  return !!m && m.slice(1).every((x) => Number(x) <= 255);
}

/** True for an IPv6 address (no zone, no prefix). */
export function isIpv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(":")) return false;
  const dbl = s.split("::");
  if (dbl.length > 2) return false;
  const groups = s.split(":").filter((g) => g !== "");
  return groups.length <= 8 && groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g) || isIpv4(g));
}

/**
 * Cleans an address as Windows prints it: drops "(Preferred)"-style suffixes, a "/len" prefix length and a "%zone".
 * Returns the address (IPv6 lower-case) or null when it is not an IP.
 */
export function normIp(s: string | undefined | null): string | null {
  if (!s) return null;
  let t = s.trim().replace(/\([A-Za-z ]+\)$/, "").trim();
  t = t.replace(/\/\d+$/, "").replace(/%[0-9A-Za-z]+$/, "");
  if (isIpv4(t)) return t;
  if (isIpv6(t)) return t.toLowerCase();
  return null;
}

/** "172.28.96.0/20" → 20; a dotted mask → its length; else undefined. */
export function maskLength(mask: string | undefined): number | undefined {
  if (!mask || !isIpv4(mask)) return undefined;
  let bits = 0;
  let seenZero = false;
  for (const part of mask.split(".")) {
    const n = Number(part);
    for (let i = 7; i >= 0; i--) {
      if (n & (1 << i)) {
        if (seenZero) return undefined;
        bits++;
      } else seenZero = true;
    }
  }
  return bits;
}

/** True when IPv4 `ip` is inside `prefix` ("a.b.c.d/len"). */
export function inSubnet(ip: string, prefix: string): boolean {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(prefix.trim());
  if (!m || !isIpv4(ip) || !isIpv4(m[1])) return false;
  const len = Number(m[2]);
  if (len > 32) return false;
  const toNum = (a: string): number => a.split(".").reduce((acc, x) => acc * 256 + Number(x), 0);
  const block = 2 ** (32 - len);
  return Math.floor(toNum(ip) / block) === Math.floor(toNum(m[1]) / block);
}

// ---------------------------------------------------------------------------------------------------------------
// Plain-object helpers for JSON-ish input

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Case-insensitive property read (PowerShell property names are case-insensitive). */
export function prop(o: unknown, ...names: string[]): unknown {
  if (!isObj(o)) return undefined;
  for (const n of names) {
    if (n in o) return o[n];
  }
  const lower = names.map((n) => n.toLowerCase());
  for (const k of Object.keys(o)) {
    if (lower.includes(k.toLowerCase())) return o[k];
  }
  return undefined;
}

/** A non-empty string property (numbers are converted), or undefined. */
export function str(o: unknown, ...names: string[]): string | undefined {
  const v = prop(o, ...names);
  if (typeof v === "string") {
    const t = v.trim();
    return t === "" ? undefined : t;
  }
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  return undefined;
}

/** A numeric property (numeric strings accepted), or undefined. */
export function num(o: unknown, ...names: string[]): number | undefined {
  const v = prop(o, ...names);
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** A boolean property ("True"/"False" strings accepted), or undefined. */
export function bool(o: unknown, ...names: string[]): boolean | undefined {
  const v = prop(o, ...names);
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const t = v.trim().toLowerCase();
    if (t === "true" || t === "yes") return true;
    if (t === "false" || t === "no") return false;
  }
  if (typeof v === "number") return v !== 0;
  return undefined;
}

/** The property as an array: a single object/value becomes a one-element array (ConvertTo-Json quirk). */
export function arr(o: unknown, ...names: string[]): unknown[] {
  const v = prop(o, ...names);
  if (v === undefined || v === null || v === "") return [];
  return Array.isArray(v) ? v : [v];
}

/** Strings of an array property (or a comma list). */
export function strList(o: unknown, ...names: string[]): string[] {
  const v = prop(o, ...names);
  if (typeof v === "string") return v.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
  return arr(o, ...names)
    .map((x) => (typeof x === "string" ? x.trim() : typeof x === "number" ? String(x) : isObj(x) ? str(x, "ID", "Id") ?? "" : ""))
    .filter(Boolean);
}

/** Pushes `v` into `list` when it is a non-empty string not already there (case-insensitive). */
export function addUnique(list: string[], v: string | undefined | null): void {
  if (!v) return;
  const l = v.toLowerCase();
  if (!list.some((x) => x.toLowerCase() === l)) list.push(v);
}
