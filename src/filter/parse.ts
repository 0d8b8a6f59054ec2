/**
 * Display-filter parser: tokens → AST. Grammar (Wireshark's, the subset wnvtrace supports):
 *
 *   filter   := ε | expr
 *   expr     := xor { ("or" | "||") xor }
 *   xor      := and { ("xor" | "^^") and }
 *   and      := unary { ("and" | "&&") unary }
 *   unary    := ("not" | "!") unary | primary
 *   primary  := "(" expr ")" | test
 *   test     := field [ "#" N ] [ ("&" | "bitand") value ] [ relation ]
 *   relation := cmpop value
 *             | ["not"] "in" "{" item { [","] item } "}"
 *   item     := value [ ".." value ]
 *   cmpop    := "==" | "eq" | "any_eq" | "!=" | "ne" | "all_ne" | "===" | "all_eq" | "!==" | "any_ne"
 *             | "<" | "lt" | ">" | "gt" | "<=" | "le" | ">=" | "ge" | "contains" | "matches" | "~"
 *   value    := word | "string" | r"raw string" | 'c'
 *
 * Precedence, highest first: not, and, xor, or (all binary operators left-associative). Keywords are
 * case-insensitive. A field alone is an existence test. The parser knows no fields: compile.ts resolves
 * names and types against the dissector registry.
 */
import { FilterError } from "./mod.js";
import type { Token } from "./scan.js";
import { scan } from "./scan.js";

/** The comparison operators, by meaning (Wireshark's names). */
export type CmpOp = "any_eq" | "all_ne" | "all_eq" | "any_ne" | "lt" | "gt" | "le" | "ge" | "contains" | "matches";

const CMP_OPS = new Map<string, CmpOp>([
  ["==", "any_eq"], ["eq", "any_eq"], ["any_eq", "any_eq"],
  ["!=", "all_ne"], ["ne", "all_ne"], ["all_ne", "all_ne"],
  ["===", "all_eq"], ["all_eq", "all_eq"],
  ["!==", "any_ne"], ["any_ne", "any_ne"],
  ["<", "lt"], ["lt", "lt"], [">", "gt"], ["gt", "gt"], ["<=", "le"], ["le", "le"], [">=", "ge"], ["ge", "ge"],
  ["contains", "contains"], ["matches", "matches"], ["~", "matches"],
]);

const LOGIC_WORDS = new Set(["and", "or", "xor", "not"]);

/** A literal as written: a bare word, a quoted string or a character constant. */
export interface ValueTok {
  readonly kind: "word" | "string" | "char";
  /** word: as written; string: decoded; char: the character. */
  readonly text: string;
  /** char: its code point. */
  readonly code: number;
  readonly col: number;
  /** As written (quotes included). */
  readonly src: string;
}

export interface FieldRef {
  readonly name: string;
  readonly col: number;
  /** "#n": only the n-th layer of the field's protocol (1-based); 0 = every layer. */
  readonly layer: number;
  readonly layerCol: number;
  /** "& mask": the value is ANDed with the mask before the test. */
  readonly mask?: { readonly value: ValueTok; readonly col: number };
}

export interface SetItem {
  readonly lo: ValueTok;
  /** Set for a range lo..hi (inclusive). */
  readonly hi?: ValueTok;
}

export type Node =
  | { readonly k: "or" | "and" | "xor"; readonly a: Node; readonly b: Node; readonly col: number }
  | { readonly k: "not"; readonly a: Node; readonly col: number }
  | { readonly k: "exists"; readonly f: FieldRef }
  | { readonly k: "cmp"; readonly f: FieldRef; readonly op: CmpOp; readonly opText: string; readonly opCol: number; readonly v: ValueTok }
  | { readonly k: "in"; readonly f: FieldRef; readonly negate: boolean; readonly opCol: number; readonly items: readonly SetItem[] };

/** Parses a filter; null for an empty (match-all) filter. Throws FilterError with the column of the problem. */
export function parse(text: string): Node | null {
  const p = new Parser(text, scan(text));
  return p.filter();
}

/** A field or protocol name as the language accepts it (the registry decides whether it exists). */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

class Parser {
  private i = 0;
  constructor(private readonly text: string, private readonly toks: Token[]) {}

  private get t(): Token {
    return this.toks[this.i];
  }

  private fail(col: number, message: string): never {
    throw new FilterError(this.text, col, message);
  }

  /** The current token as a keyword (lower-cased word), or the operator text. */
  private key(t: Token = this.t): string {
    return t.kind === "word" ? t.text.toLowerCase() : t.kind === "op" ? t.text : "";
  }

  private describe(t: Token): string {
    return t.kind === "eof" ? "the end of the filter" : t.kind === "string" || t.kind === "char" ? t.src : JSON.stringify(t.src);
  }

  filter(): Node | null {
    if (this.t.kind === "eof") return null;
    const n = this.expr();
    const t = this.t;
    if (t.kind !== "eof") {
      if (t.kind === "op" && t.text === ")") this.fail(t.col, `unbalanced parenthesis: ")" without a matching "("`);
      this.unexpected(t);
    }
    return n;
  }

  private unexpected(t: Token): never {
    if (t.kind === "op" && t.text === "..") this.fail(t.col, `a range ("..") is only allowed inside a set: field in {lo..hi}`);
    if (CMP_OPS.has(this.key(t))) this.fail(t.col, `unexpected ${this.describe(t)}: a comparison needs a field on its left`);
    this.fail(t.col, `unexpected ${this.describe(t)} after a complete expression (missing "and"/"or"?)`);
  }

  private expr(after?: string): Node {
    let a = this.xor(after);
    for (let k = this.key(); k === "or" || k === "||"; k = this.key()) {
      const col = this.t.col;
      const op = this.t.src;
      this.i++;
      a = { k: "or", a, b: this.xor(op), col };
    }
    return a;
  }

  private xor(after?: string): Node {
    let a = this.and(after);
    for (let k = this.key(); k === "xor" || k === "^^"; k = this.key()) {
      const col = this.t.col;
      const op = this.t.src;
      this.i++;
      a = { k: "xor", a, b: this.and(op), col };
    }
    return a;
  }

  private and(after?: string): Node {
    let a = this.unary(after);
    for (let k = this.key(); k === "and" || k === "&&"; k = this.key()) {
      const col = this.t.col;
      const op = this.t.src;
      this.i++;
      a = { k: "and", a, b: this.unary(op), col };
    }
    return a;
  }

  /** `after`: the operator just read, for "expected … after and" messages. */
  private unary(after?: string): Node {
    const k = this.key();
    if (k === "not" || k === "!") {
      const col = this.t.col;
      const op = this.t.src;
      this.i++;
      return { k: "not", a: this.unary(op), col };
    }
    return this.primary(after);
  }

  private primary(after?: string): Node {
    const t = this.t;
    if (t.kind === "op" && t.text === "(") {
      this.i++;
      const n = this.expr("(");
      const c = this.t;
      if (c.kind === "op" && c.text === ")") {
        this.i++;
        return n;
      }
      if (c.kind === "eof") this.fail(t.col, `unbalanced parenthesis: "(" is never closed`);
      this.unexpected(c);
    }
    if (t.kind === "word" && FIELD_NAME.test(t.text) && !LOGIC_WORDS.has(t.text.toLowerCase()) && !CMP_OPS.has(t.text.toLowerCase()) && t.text.toLowerCase() !== "in") {
      return this.test();
    }
    // Not something a test can start with.
    if (t.kind === "op" && t.text === ")" && after === undefined) {
      this.fail(t.col, `unbalanced parenthesis: ")" without a matching "("`);
    }
    const where = after === undefined ? "" : ` after ${JSON.stringify(after)}`;
    if (t.kind === "eof") this.fail(t.col, `expected a field or protocol name${where}`);
    if (t.kind === "op" || (t.kind === "word" && (LOGIC_WORDS.has(t.text.toLowerCase()) || CMP_OPS.has(t.text.toLowerCase())))) {
      this.fail(t.col, `expected a field or protocol name${where}, got ${this.describe(t)}`);
    }
    this.fail(t.col, `expected a field or protocol name${where}, got ${this.describe(t)} (a value must follow a field and an operator, as in ip.addr == 10.0.0.1)`);
  }

  private test(): Node {
    const nameTok = this.t;
    this.i++;
    if (this.t.kind === "op" && this.t.text === "(") this.fail(nameTok.col, `functions (${nameTok.text}(…)) are not supported`);
    let layer = 0;
    let layerCol = 0;
    if (this.t.kind === "op" && this.t.text === "#") {
      layerCol = this.t.col;
      this.i++;
      const n = this.t;
      if (n.kind !== "word" || !/^[0-9]+$/.test(n.text) || Number(n.text) < 1 || Number(n.text) > 255) {
        this.fail(n.col, `expected a layer number (1, 2, …) after "#", got ${this.describe(n)}`);
      }
      layer = Number(n.text);
      this.i++;
    }
    let mask: FieldRef["mask"];
    const mk = this.key();
    if (mk === "&" || mk === "bitand" || mk === "bitwise_and") {
      const col = this.t.col;
      const opSrc = this.t.src;
      this.i++;
      mask = { value: this.value(opSrc), col };
    }
    const f: FieldRef = { name: nameTok.text, col: nameTok.col, layer, layerCol, ...(mask ? { mask } : {}) };
    const t = this.t;
    const k = this.key();
    const op = CMP_OPS.get(k);
    if (op !== undefined) {
      this.i++;
      return { k: "cmp", f, op, opText: t.src, opCol: t.col, v: this.value(t.src) };
    }
    if (k === "in") {
      this.i++;
      return this.set(f, t, false);
    }
    if (k === "not" && this.key(this.toks[this.i + 1]) === "in") {
      this.i += 2;
      return this.set(f, t, true);
    }
    if (t.kind === "string" || t.kind === "char" || (t.kind === "word" && !LOGIC_WORDS.has(k))) {
      this.fail(t.col, `expected an operator (==, !=, <, contains, in …) between ${nameTok.text} and ${this.describe(t)}`);
    }
    return { k: "exists", f };
  }

  private set(f: FieldRef, opTok: Token, negate: boolean): Node {
    const open = this.t;
    if (!(open.kind === "op" && open.text === "{")) this.fail(open.col, `expected "{" after "in", got ${this.describe(open)}`);
    this.i++;
    const items: SetItem[] = [];
    for (;;) {
      const t = this.t;
      if (t.kind === "op" && t.text === "}") {
        if (items.length === 0) this.fail(t.col, "empty set: put at least one value between { }");
        this.i++;
        break;
      }
      if (t.kind === "eof") this.fail(open.col, `unclosed set: "{" is never closed`);
      if (items.length > 0 && t.kind === "op" && t.text === ",") {
        this.i++;
        continue;
      }
      const lo = this.value(items.length === 0 ? "{" : undefined);
      if (this.t.kind === "op" && this.t.text === "..") {
        this.i++;
        items.push({ lo, hi: this.value("..") });
      } else {
        items.push({ lo });
      }
    }
    return { k: "in", f, negate, opCol: opTok.col, items };
  }

  private value(after?: string): ValueTok {
    const t = this.t;
    const where = after === undefined ? "" : ` after ${JSON.stringify(after)}`;
    if (t.kind === "word" && !LOGIC_WORDS.has(t.text.toLowerCase())) {
      this.i++;
      return { kind: "word", text: t.text, code: 0, col: t.col, src: t.src };
    }
    if (t.kind === "string" || t.kind === "char") {
      this.i++;
      return { kind: t.kind, text: t.text, code: t.code, col: t.col, src: t.src };
    }
    if (t.kind === "eof") this.fail(t.col, `expected a value${where}`);
    this.fail(t.col, `expected a value${where}, got ${this.describe(t)}`);
  }
}
