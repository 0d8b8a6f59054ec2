/**
 * Display-filter scanner: text → tokens, each with its 1-based column (UTF-16 code units, as the caret in
 * FilterError counts them).
 *
 * Token kinds:
 *   word    a run of [A-Za-z0-9_.:/-]: field names, keywords (and, eq, contains, in …), numbers, IPv4/IPv6
 *           addresses and CIDR blocks, MAC addresses, byte strings, bare-word strings. A word stops before "..".
 *   string  "…" with C escapes (\" \\ \' \a \b \f \n \r \t \v \NNN \xNN \uNNNN \UNNNNNNNN), or raw r"…"
 *   char    'x' or '\n' … (a C character constant: a number)
 *   op      == != === !== < > <= >= ~ && || ^^ ! & ( ) { } , .. #
 */
import { FilterError } from "./mod.js";

export type TokenKind = "word" | "string" | "char" | "op" | "eof";

export interface Token {
  readonly kind: TokenKind;
  /** word: its text; string: the decoded text; char: the character; op: the operator; eof: "". */
  readonly text: string;
  /** char: the code point. */
  readonly code: number;
  /** 1-based column of the first character. */
  readonly col: number;
  /** Source text of the token (with quotes for strings). */
  readonly src: string;
}

const WORD = /[A-Za-z0-9_.:/-]/;

function isWordChar(c: string): boolean {
  return WORD.test(c);
}

const TWO_CHAR_OPS = new Set(["==", "!=", "<=", ">=", "&&", "||", "^^"]);

/** Why a lone character cannot start a token (a hint for the usual confusions). */
function badChar(c: string): string {
  switch (c) {
    case "=": return `unexpected "=" (use == to compare)`;
    case "|": return `unexpected "|" (use || or "or")`;
    case "^": return `unexpected "^" (use ^^ or "xor")`;
    case "[": return `slices ("[…]") are not supported`;
    case "$": return `field references ("$…") are not supported`;
    case "@": return `raw field values ("@…") are not supported`;
    case "+": case "*": case "%": return `arithmetic ("${c}") is not supported`;
    default: return `unexpected character ${JSON.stringify(c)}`;
  }
}

export function scan(text: string): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  const tok = (kind: TokenKind, t: string, start: number, end: number, code = 0): void => {
    out.push({ kind, text: t, code, col: start + 1, src: text.slice(start, end) });
  };
  while (i < n) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    const three = text.slice(i, i + 3);
    if (three === "===" || three === "!==") {
      tok("op", three, i, i + 3);
      i += 3;
      continue;
    }
    if (TWO_CHAR_OPS.has(two)) {
      tok("op", two, i, i + 2);
      i += 2;
      continue;
    }
    if (two === "..") {
      tok("op", "..", i, i + 2);
      i += 2;
      continue;
    }
    if (c === "<" || c === ">" || c === "!" || c === "~" || c === "&" || c === "(" || c === ")" || c === "{" || c === "}" || c === "," || c === "#") {
      tok("op", c, i, i + 1);
      i++;
      continue;
    }
    if (c === '"' || ((c === "r" || c === "R") && text[i + 1] === '"' && (i === 0 || !isWordChar(text[i - 1])))) {
      const raw = c !== '"';
      const start = i;
      const r = readQuoted(text, raw ? i + 1 : i, '"', raw);
      tok("string", r.value, start, r.end);
      i = r.end;
      continue;
    }
    if (c === "'") {
      const r = readQuoted(text, i, "'", false);
      const cp = r.value.codePointAt(0);
      if (cp === undefined || String.fromCodePoint(cp).length !== r.value.length) {
        throw new FilterError(text, i + 1, `a character constant holds exactly one character (use "…" for text)`);
      }
      tok("char", r.value, i, r.end, cp);
      i = r.end;
      continue;
    }
    if (isWordChar(c)) {
      const start = i;
      while (i < n && isWordChar(text[i]) && !(text[i] === "." && text[i + 1] === ".")) i++;
      tok("word", text.slice(start, i), start, i);
      continue;
    }
    throw new FilterError(text, i + 1, badChar(c));
  }
  out.push({ kind: "eof", text: "", code: 0, col: n + 1, src: "" });
  return out;
}

/** Reads a quoted literal starting at the quote `at`; returns the decoded value and the index after the closing quote. */
function readQuoted(text: string, at: number, quote: string, raw: boolean): { value: string; end: number } {
  let i = at + 1;
  let value = "";
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === quote) return { value, end: i + 1 };
    if (c !== "\\") {
      value += c;
      i++;
      continue;
    }
    // A backslash.
    if (i + 1 >= n) break;
    const e = text[i + 1];
    if (raw) {
      // Raw strings keep every backslash; \" still does not end the string.
      value += "\\" + e;
      i += 2;
      continue;
    }
    const simple = ESCAPES[e];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    if (e >= "0" && e <= "7") {
      const m = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
      const v = parseInt(m![0], 8);
      if (v > 255) throw new FilterError(text, i + 1, `octal escape \\${m![0]} is above \\377`);
      value += String.fromCharCode(v);
      i += 1 + m![0].length;
      continue;
    }
    const hexLen = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (hexLen) {
      const digits = text.slice(i + 2, i + 2 + hexLen);
      const valid = e === "x" ? /^[0-9A-Fa-f]{1,2}/.exec(digits) : /^[0-9A-Fa-f]+$/.test(digits) && digits.length === hexLen ? [digits] : null;
      if (!valid) throw new FilterError(text, i + 1, `\\${e} needs ${e === "x" ? "1 or 2" : hexLen} hex digits`);
      const v = parseInt(valid[0], 16);
      if (v > 0x10ffff) throw new FilterError(text, i + 1, `\\${e}${digits} is not a Unicode code point`);
      value += String.fromCodePoint(v);
      i += 2 + valid[0].length;
      continue;
    }
    throw new FilterError(text, i + 1, `unknown escape \\${e} in a ${quote === '"' ? "string" : "character constant"} (write \\\\ for a backslash)`);
  }
  throw new FilterError(text, at + 1, quote === '"' ? "unterminated string (missing closing \")" : "unterminated character constant (missing closing ')");
}

const ESCAPES: Record<string, string> = {
  "'": "'", '"': '"', "\\": "\\", a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v",
};
