/**
 * Text rendering of field values and event messages, following what Windows prints (TdhFormatProperty and
 * FormatMessage-style %N inserts): map values by their text, GUIDs in braces, binary as 0x + upper-case hex,
 * pointers as 0x + 16 lower-case digits (how VmSwitch NBL addresses appear), IPv4/IPv6 out-types as addresses.
 */
import type { FieldDef, ValueMap, EventSchema } from "./schema.js";
import type { FieldValue } from "./plan.js";
import { filetimeToIso } from "../bytes/time.js";

const HEXU: string[] = [];
for (let i = 0; i < 256; i++) HEXU.push(i.toString(16).toUpperCase().padStart(2, "0"));

export function ipv4Text(v: number): string {
  // IPv4 out-type on a UInt32: the address bytes are in memory order (little-endian read → reverse).
  return `${v & 0xff}.${(v >>> 8) & 0xff}.${(v >>> 16) & 0xff}.${(v >>> 24) & 0xff}`;
}

/** RFC 5952 text of a 16-byte IPv6 address. */
export function ipv6Text(b: Uint8Array, off = 0): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[off + i * 2] << 8) | b[off + i * 2 + 1]);
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  }
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(":");
  if (bestStart < 0) return hex(w);
  return hex(w.slice(0, bestStart)) + "::" + hex(w.slice(bestStart + bestLen));
}

function mapText(map: ValueMap, v: number): string {
  if (map.kind === "value") return map.entries[String(v)] ?? String(v);
  const parts: string[] = [];
  let rest = v >>> 0;
  for (const [k, name] of Object.entries(map.entries)) {
    const bit = Number(k) >>> 0;
    if (bit !== 0 && (v & bit) === bit) {
      parts.push(name);
      rest &= ~bit;
    }
  }
  if (parts.length === 0) return map.entries["0"] ?? String(v);
  if (rest) parts.push("0x" + rest.toString(16).toUpperCase());
  return parts.join("|");
}

/** Renders one field value the way Windows' formatter does. */
export function formatValue(def: FieldDef, value: FieldValue, maps: Readonly<Record<string, ValueMap>>, ptrSize: 4 | 8): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((v) => formatValue({ ...def, count: undefined }, v, maps, ptrSize)).join(", ");
  if (def.map && typeof value === "number" && maps[def.map]) return mapText(maps[def.map], value);
  const out = def.outType;
  switch (def.inType) {
    case "Pointer":
    case "SizeT": {
      const n = typeof value === "bigint" ? value : BigInt(value as number);
      return "0x" + n.toString(16).padStart(ptrSize * 2, "0");
    }
    case "HexInt32":
      return "0x" + ((value as number) >>> 0).toString(16).toUpperCase();
    case "HexInt64":
      return "0x" + (typeof value === "bigint" ? value : BigInt(value as number)).toString(16).toUpperCase();
    case "GUID":
      return `{${value as string}}`;
    case "FILETIME":
      return typeof value === "bigint" ? filetimeToIso(value) : String(value);
    case "Boolean":
      return value ? "true" : "false";
  }
  if (value instanceof Uint8Array) {
    if (out === "IPv6" && value.length === 16) return ipv6Text(value);
    if (out === "IPv4" && value.length === 4) return `${value[0]}.${value[1]}.${value[2]}.${value[3]}`;
    let s = "0x";
    for (let i = 0; i < value.length; i++) s += HEXU[value[i]];
    return s;
  }
  if (typeof value === "number") {
    if (out === "IPv4") return ipv4Text(value);
    if (out === "Port") return String(((value & 0xff) << 8) | ((value >>> 8) & 0xff));
    if (out === "HexInt32" || out === "HexInt16" || out === "HexInt8" || out === "Hex" || out === "Win32Error" || out === "NTStatus" || out === "HResult" || out === "ErrorCode") {
      return "0x" + (value >>> 0).toString(16).toUpperCase().padStart(out === "HexInt32" || out === "NTStatus" || out === "HResult" ? 8 : 0, "0");
    }
    return String(value);
  }
  if (typeof value === "bigint") {
    if (out === "HexInt64" || out === "Hex") return "0x" + value.toString(16).toUpperCase();
    return value.toString();
  }
  if (typeof value === "object") return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return String(value);
}

/** Chooses the message text for the trace's OS build. */
export function messageFor(schema: EventSchema, osBuild: number): string | undefined {
  const byBuild = schema.messageByBuild;
  if (byBuild) {
    let bestKey = -1;
    let text: string | undefined;
    for (const [k, v] of Object.entries(byBuild)) {
      const kb = Number(k);
      if (kb <= osBuild && kb > bestKey) {
        bestKey = kb;
        text = v;
      }
    }
    if (text !== undefined) return text;
  }
  return schema.message;
}

/**
 * Expands %1…%N inserts (1-based field positions) and the FormatMessage escapes %n %t %r %% %. %!. Inserts
 * may carry a printf spec (%1!s!), which is ignored. Missing inserts render as empty strings.
 */
export function formatMessage(template: string, texts: readonly string[]): string {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== "%") {
      out += c;
      continue;
    }
    const d = template[i + 1];
    if (d === undefined) break;
    if (d >= "1" && d <= "9") {
      let j = i + 1;
      while (j < template.length && template[j] >= "0" && template[j] <= "9") j++;
      const n = Number(template.slice(i + 1, j));
      if (template[j] === "!") {
        const k = template.indexOf("!", j + 1);
        if (k > 0) j = k + 1;
      }
      out += texts[n - 1] ?? "";
      i = j - 1;
      continue;
    }
    i++;
    if (d === "n") out += "\n";
    else if (d === "t") out += "\t";
    else if (d === "r") out += "\r";
    else if (d === "0") break;
    else out += d; // %% %. %! and unknown escapes print the character
  }
  return out;
}
