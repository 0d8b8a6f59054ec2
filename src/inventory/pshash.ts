/**
 * PowerShell's text renderings of nested objects, as they appear in `Format-List` output and in `ConvertTo-Json`
 * output that ran out of depth: `@{ID=…; Name=…}` (a PSCustomObject), `{@{…}, @{…}}` and `{a, b}` (collections),
 * `System.Object[]` (a collection PowerShell did not expand).
 */
import type { Obj } from "./text.js";
import { isObj } from "./text.js";

/** Splits `s` at top-level occurrences of `sep` (outside `{}`/`()`/`[]`). */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "{" || c === "(" || c === "[") depth++;
    else if (c === "}" || c === ")" || c === "]") depth = Math.max(0, depth - 1);
    else if (depth === 0 && s.startsWith(sep, i)) {
      out.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** True when the braces of `s` (which starts with an opener) close exactly at its last character. */
function closesAtEnd(s: string, open: number): boolean {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === "{") depth++;
    else if (s[i] === "}") {
      depth--;
      if (depth === 0) return i === s.length - 1;
    }
  }
  return false;
}

/** Parses `@{A=1; B=x}` into {A: "1", B: "x"} (values parsed recursively), or null when it is not one. */
export function parsePsHashtable(s: string): Obj | null {
  const t = s.trim();
  if (!t.startsWith("@{") || !t.endsWith("}") || !closesAtEnd(t, 1)) return null;
  const inner = t.slice(2, -1).trim();
  const o: Obj = {};
  if (inner === "") return o;
  for (const part of splitTop(inner, ";")) {
    const p = part.trim();
    if (p === "") continue;
    const eq = p.indexOf("=");
    if (eq <= 0) continue;
    const key = p.slice(0, eq).trim();
    o[key] = parsePsValue(p.slice(eq + 1));
  }
  return o;
}

/**
 * Parses one PowerShell-rendered value: `@{…}` → object, `{x, y}` → array, `{}` → [], `System.Object[]` → null
 * (unknown contents), `""` → null, anything else → the trimmed string.
 */
export function parsePsValue(s: string): unknown {
  const t = s.trim();
  if (t === "") return null;
  if (t === "System.Object[]" || t === "System.Collections.Hashtable") return null;
  if (t.startsWith("@{")) {
    const h = parsePsHashtable(t);
    if (h) return h;
  }
  if (t.startsWith("{") && t.endsWith("}") && closesAtEnd(t, 0)) {
    const inner = t.slice(1, -1).trim();
    if (inner === "") return [];
    // A truncated collection ends with "..."; keep what is there.
    return splitTop(inner, ",")
      .map((x) => x.trim())
      .filter((x) => x !== "" && x !== "...")
      .map((x) => parsePsValue(x));
  }
  return t;
}

/** Replaces `@{…}` strings anywhere inside a JSON value by the objects they render (ConvertTo-Json depth overflow). */
export function deepenPs(v: unknown, depth = 0): unknown {
  if (depth > 64) return v;
  if (typeof v === "string") {
    if (v.startsWith("@{")) return parsePsHashtable(v) ?? v;
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => deepenPs(x, depth + 1));
  if (isObj(v)) {
    const o: Obj = {};
    for (const [k, x] of Object.entries(v)) o[k] = deepenPs(x, depth + 1);
    return o;
  }
  return v;
}
