/**
 * Display-filter compiler: AST (parse.ts) → one closure per node, built once. Constants are parsed and type
 * checked here (IPv4 → u32, MAC → 48-bit number, IPv6 → 32 hex digits, CIDR → network + mask, regex → RegExp),
 * so running a predicate allocates nothing and compiles nothing: it tests Dissection.mask for the field's
 * protocol, walks only the layers of that protocol (d.proto[i] === proto) and calls the field getters.
 *
 * Semantics (Wireshark ≥ 3.6 / 4.x):
 *   - A field may occur several times (two IPv4 layers in a tunnel or an ICMP error, src and dst of an
 *     "either" field such as ip.addr). `==`, `<`, `>`, `<=`, `>=`, contains, matches and `in` are true when ANY
 *     occurrence satisfies them.
 *   - `!=` (ne, all_ne) is "all occurrences differ", with Wireshark's implicit existence test: `ip.addr != X`
 *     is `ip.addr && !(ip.addr == X)` — a packet without the field does not match. Write `!(ip.addr == X)` to
 *     also keep packets that have no IP layer. `not in` likewise is `f && !(f in {…})`.
 *   - `===` (all_eq): present and every occurrence equal; `!==` (any_ne): some occurrence differs.
 *   - A field alone tests presence; a boolean field alone (tcp.flags.syn, pktmon.drop) tests that some
 *     occurrence is true (Wireshark tests presence only; for a flag, "set" is what users mean).
 *   - contains is case-sensitive; matches is case-insensitive unless the pattern starts with (?-i) (as in
 *     Wireshark's PCRE2 default).
 *   - `proto contains …` searches the bytes each layer of the protocol spans, header and payload
 *     (`frame contains …`: all captured bytes). A quoted string against bytes means its UTF-8 bytes.
 *   - `field#n` restricts a protocol field to the n-th layer of its protocol (ip.src#2 = inner IPv4 source).
 *   - `field & mask` (bitand) ANDs integer values with the mask; alone it tests for a non-zero result.
 */
import type { Dissection, DissectorTables, FieldSpec, PacketRecord } from "../packets/mod.js";
import { builtinTables } from "../packets/dissect/index.js";
import type { PacketFilter } from "./mod.js";
import { FilterError } from "./mod.js";
import type { CmpOp, FieldRef, Node, SetItem, ValueTok } from "./parse.js";
import { parse } from "./parse.js";
import type { FilterField, FilterType, LayerField } from "./fields.js";
import { filterFields, suggest, TYPE_NAMES } from "./fields.js";
import { looksLike, parseBytes, parseInteger, parseIpv4, parseIpv6, parseMac, parseNumber, parseU64 } from "./values.js";

/** Compiles a display filter against the dissectors in `tables` (default: the built-in ones). Empty = match all. */
export function compileFilter(text: string, tables?: DissectorTables): PacketFilter {
  const ast = parse(text);
  if (ast === null) return () => true;
  return new Compiler(text, filterFields(tables ?? builtinTables())).node(ast);
}

// ---- runtime helpers (kept small and monomorphic: they run per packet) -------------------------------------

type FieldValue = ReturnType<FieldSpec["get"]>;
type Scalar = number | string | boolean | Uint8Array;
type Test = (v: Scalar) => boolean;

function isList(v: FieldValue): v is readonly (number | string)[] {
  return Array.isArray(v);
}

/** Does `test` accept the value (or one element of a multi-value)? */
function hit(v: FieldValue, test: Test): boolean {
  if (v === undefined) return false;
  if (isList(v)) {
    for (let k = 0; k < v.length; k++) if (test(v[k])) return true;
    return false;
  }
  return test(v);
}

/**
 * All-occurrences check: 0 = no value, 1 = every value passed, 2 = some value failed.
 */
function every(v: FieldValue, test: Test): 0 | 1 | 2 {
  if (v === undefined) return 0;
  if (isList(v)) {
    if (v.length === 0) return 0;
    for (let k = 0; k < v.length; k++) if (!test(v[k])) return 2;
    return 1;
  }
  return test(v) ? 1 : 2;
}

function indexOfBytes(h: Uint8Array, from: number, to: number, needle: Uint8Array): number {
  const n = needle.length;
  if (n === 0) return from;
  const first = needle[0];
  const last = to - n;
  outer: for (let i = from; i <= last; i++) {
    if (h[i] !== first) continue;
    for (let k = 1; k < n; k++) if (h[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Decimal strings without leading zeros: shorter is smaller, then lexicographic. */
function cmpU64(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

function bitand(v: number, m: number): number {
  if (v <= 0xffffffff && m <= 0xffffffff && v >= 0) return (v & m) >>> 0;
  return Number(BigInt.asUintN(64, BigInt(v)) & BigInt(m));
}

function hexNibble(c: number): number {
  return c >= 97 ? c - 87 : c >= 65 ? c - 55 : c - 48;
}

// ---- field access ------------------------------------------------------------------------------------------

/** How a compiled test reaches a field's values. */
interface Access {
  readonly type: FilterType;
  /** Some value passes. */
  any(test: Test): PacketFilter;
  /** The field is present and every value passes. */
  all(test: Test): PacketFilter;
}

function layerAccess(f: LayerField, nth: number): Access {
  const proto = f.proto;
  const bit = 1 << proto;
  const gets = f.gets;
  return {
    type: f.type,
    any(test) {
      if (nth === 0 && gets.length === 1) {
        const g = gets[0];
        return (d) => {
          if ((d.mask & bit) === 0) return false;
          const pr = d.proto;
          const n = d.n;
          for (let i = 0; i < n; i++) if (pr[i] === proto && hit(g(d, i), test)) return true;
          return false;
        };
      }
      if (nth === 0 && gets.length === 2) {
        const g0 = gets[0];
        const g1 = gets[1];
        return (d) => {
          if ((d.mask & bit) === 0) return false;
          const pr = d.proto;
          const n = d.n;
          for (let i = 0; i < n; i++) if (pr[i] === proto && (hit(g0(d, i), test) || hit(g1(d, i), test))) return true;
          return false;
        };
      }
      return (d) => {
        if ((d.mask & bit) === 0) return false;
        let seen = 0;
        for (let i = 0; i < d.n; i++) {
          if (d.proto[i] !== proto || (nth !== 0 && ++seen !== nth)) continue;
          for (let g = 0; g < gets.length; g++) if (hit(gets[g](d, i), test)) return true;
          if (nth !== 0) return false;
        }
        return false;
      };
    },
    all(test) {
      return (d) => {
        if ((d.mask & bit) === 0) return false;
        let present = false;
        let seen = 0;
        for (let i = 0; i < d.n; i++) {
          if (d.proto[i] !== proto || (nth !== 0 && ++seen !== nth)) continue;
          for (let g = 0; g < gets.length; g++) {
            const r = every(gets[g](d, i), test);
            if (r === 2) return false;
            if (r === 1) present = true;
          }
          if (nth !== 0) break;
        }
        return present;
      };
    },
  };
}

function recordAccess(type: FilterType, get: (p: PacketRecord, d: Dissection) => number | string | boolean | undefined): Access {
  const one = (test: Test): PacketFilter => (d, p) => {
    const v = get(p, d);
    return v !== undefined && test(v);
  };
  return { type, any: one, all: one };
}

/** Applies `& mask` to integer values before the test. */
function masked(a: Access, m: number): Access {
  return {
    type: a.type,
    any: (test) => a.any((v) => test(bitand(v as number, m))),
    all: (test) => a.all((v) => test(bitand(v as number, m))),
  };
}

// ---- constants ---------------------------------------------------------------------------------------------

/** A parsed constant, in the representation field values have. */
type Const =
  | { readonly t: "num"; readonly v: number }
  | { readonly t: "bool"; readonly v: boolean }
  | { readonly t: "str"; readonly v: string }
  | { readonly t: "bytes"; readonly v: Uint8Array }
  | { readonly t: "cidr4"; readonly net: number; readonly mask: number }
  | { readonly t: "cidr6"; readonly prefix: string; readonly nibble: number; readonly nibbleMask: number; readonly rem: number };

const ORDERED = new Set<FilterType>(["uint", "int", "double", "ipv4", "ipv6", "mac", "string", "bytes", "u64"]);

class Compiler {
  constructor(private readonly text: string, private readonly fields: Map<string, FilterField>) {}

  private fail(col: number, message: string): never {
    throw new FilterError(this.text, col, message);
  }

  node(n: Node): PacketFilter {
    switch (n.k) {
      case "and": {
        const a = this.node(n.a);
        const b = this.node(n.b);
        return (d, p) => a(d, p) && b(d, p);
      }
      case "or": {
        const a = this.node(n.a);
        const b = this.node(n.b);
        return (d, p) => a(d, p) || b(d, p);
      }
      case "xor": {
        const a = this.node(n.a);
        const b = this.node(n.b);
        return (d, p) => a(d, p) !== b(d, p);
      }
      case "not": {
        const a = this.node(n.a);
        return (d, p) => !a(d, p);
      }
      case "exists":
        return this.exists(n.f);
      case "cmp":
        return this.compare(n.f, n.op, n.opText, n.opCol, n.v);
      case "in":
        return this.member(n.f, n.negate, n.opCol, n.items);
    }
  }

  // -- names --

  private resolve(ref: FieldRef): FilterField {
    const f = this.fields.get(ref.name);
    if (!f) {
      const s = suggest(ref.name, this.fields.keys());
      const dot = ref.name.indexOf(".");
      const proto = dot > 0 ? ref.name.slice(0, dot) : "";
      const hint = s !== undefined ? ` (did you mean ${s}?)` : dot > 0 && this.fields.has(proto) ? ` (${proto} has no such field)` : "";
      this.fail(ref.col, `unknown ${dot > 0 ? "field" : "field or protocol"} ${JSON.stringify(ref.name)}${hint}`);
    }
    if (ref.layer !== 0 && f.kind !== "layer" && f.kind !== "proto") {
      this.fail(ref.layerCol, `"#" (layer) applies to protocol fields, not to ${ref.name}`);
    }
    return f;
  }

  /** The field as an Access (for value tests), with # and & applied. `textMode`: compare the name behind an id. */
  private access(ref: FieldRef, f: FilterField, textMode: boolean): Access {
    let a: Access;
    if (f.kind === "layer") a = layerAccess(f, ref.layer);
    else if (f.kind === "record") {
      a = textMode && f.text ? recordAccess("string", f.text) : recordAccess(f.type, f.get);
    } else {
      return this.fail(ref.col, `${ref.name} is a protocol: compare one of its fields, or search it with "contains"`);
    }
    if (ref.mask) {
      if (a.type !== "uint" && a.type !== "int") {
        this.fail(ref.mask.col, `"&" needs an integer field; ${ref.name} is ${TYPE_NAMES[a.type]}`);
      }
      const m = this.numberConst(ref.mask.value, "uint");
      a = masked(a, m);
    }
    return a;
  }

  // -- existence --

  private exists(ref: FieldRef): PacketFilter {
    const f = this.resolve(ref);
    if (f.kind === "proto") {
      const bit = 1 << f.proto;
      const proto = f.proto;
      const nth = ref.layer;
      if (ref.mask) this.fail(ref.mask.col, `"&" needs an integer field; ${ref.name} is a protocol`);
      if (nth === 0) return (d) => (d.mask & bit) !== 0;
      return (d) => {
        if ((d.mask & bit) === 0) return false;
        let seen = 0;
        for (let i = 0; i < d.n; i++) if (d.proto[i] === proto && ++seen === nth) return true;
        return false;
      };
    }
    if (f.kind === "meta") {
      if (ref.mask) this.fail(ref.mask.col, `"&" needs an integer field; ${ref.name} is a protocol`);
      return (_d, p) => f.present(p);
    }
    const a = this.access(ref, f, false);
    if (ref.mask) return a.any((v) => v !== 0);
    if (a.type === "bool") return a.any((v) => v === true);
    return a.any(() => true);
  }

  // -- comparisons --

  private compare(ref: FieldRef, op: CmpOp, opText: string, opCol: number, v: ValueTok): PacketFilter {
    const f = this.resolve(ref);
    if (f.kind === "proto" || f.kind === "meta") return this.protoCompare(ref, f, op, opText, opCol, v);
    const textMode = f.kind === "record" && f.text !== undefined && !ref.mask &&
      (op === "contains" || op === "matches" || v.kind === "string" || this.numericOf(f.type, v) === null);
    const a = this.access(ref, f, textMode);
    const type = a.type;
    const textEq = textMode && f.kind === "record" ? f.textEq : undefined;

    if (op === "contains") {
      if (type === "string") {
        const s = this.stringConst(v);
        return a.any((x) => (x as string).includes(s));
      }
      if (type === "bytes") {
        const b = this.bytesConst(v);
        return a.any((x) => indexOfBytes(x as Uint8Array, 0, (x as Uint8Array).length, b) >= 0);
      }
      this.fail(opCol, `"contains" needs a string, byte-string or protocol field; ${ref.name} is ${TYPE_NAMES[type]}`);
    }
    if (op === "matches") {
      if (type !== "string") this.fail(opCol, `"${opText}" needs a string field; ${ref.name} is ${TYPE_NAMES[type]}`);
      const re = this.regex(v);
      return a.any((x) => re.test(x as string));
    }
    if (op === "lt" || op === "gt" || op === "le" || op === "ge") {
      if (!ORDERED.has(type)) this.fail(opCol, `"${opText}" cannot order ${plural(type)} (${ref.name} is ${TYPE_NAMES[type]}); use == or !=`);
      if (textMode) this.fail(v.col, `${JSON.stringify(v.text)} is not a number; ${ref.name} can be compared with a name only with ==, != or in`);
      const c = this.constant(ref.name, type, v);
      if (c.t === "cidr4" || c.t === "cidr6") this.fail(v.col, `a CIDR block can only be compared with ==, != or in`);
      return a.any(orderTest(op, c, type));
    }
    // Equality family.
    const eq = this.eqTest(this.constant(ref.name, type, v), textEq);
    switch (op) {
      case "any_eq": return a.any(eq);
      case "all_ne": return a.all((x) => !eq(x));
      case "all_eq": return a.all(eq);
      case "any_ne": return a.any((x) => !eq(x));
    }
  }

  /** `proto contains bytes|"text"` over the bytes each layer spans (frame: all captured bytes). */
  private protoCompare(ref: FieldRef, f: FilterField & { kind: "proto" | "meta" }, op: CmpOp, opText: string, opCol: number, v: ValueTok): PacketFilter {
    if (ref.mask) this.fail(ref.mask.col, `"&" needs an integer field; ${ref.name} is a protocol`);
    if (f.kind === "meta" && f.name !== "frame") {
      this.fail(ref.col, `${ref.name} is the capture record, not bytes: test one of its fields (${ref.name}.…) instead`);
    }
    if (op !== "contains") {
      this.fail(opCol, `${ref.name} is a protocol: it can only be searched with "contains" (not "${opText}")`);
    }
    const needle = this.bytesConst(v);
    if (f.kind === "meta") return (d) => indexOfBytes(d.bytes, 0, d.length, needle) >= 0;
    const proto = f.proto;
    const bit = 1 << proto;
    const nth = ref.layer;
    return (d) => {
      if ((d.mask & bit) === 0) return false;
      let seen = 0;
      for (let i = 0; i < d.n; i++) {
        if (d.proto[i] !== proto || (nth !== 0 && ++seen !== nth)) continue;
        if (indexOfBytes(d.bytes, d.start[i], d.end[i], needle) >= 0) return true;
        if (nth !== 0) return false;
      }
      return false;
    };
  }

  private member(ref: FieldRef, negate: boolean, opCol: number, items: readonly SetItem[]): PacketFilter {
    const f = this.resolve(ref);
    if (f.kind === "proto" || f.kind === "meta") this.fail(opCol, `${ref.name} is a protocol: "in" needs a field`);
    const textMode = f.kind === "record" && f.text !== undefined && !ref.mask &&
      items.some((it) => [it.lo, it.hi].some((v) => v !== undefined && (v.kind === "string" || this.numericOf(f.type, v) === null)));
    const a = this.access(ref, f, textMode);
    const type = a.type;
    const textEq = textMode && f.kind === "record" ? f.textEq : undefined;
    const tests: Test[] = [];
    const simple = new Set<number | string | boolean>();
    let allSimple = textEq === undefined;
    for (const it of items) {
      const lo = this.constant(ref.name, type, it.lo);
      if (it.hi === undefined) {
        if (lo.t === "num" || lo.t === "str" || lo.t === "bool") simple.add(lo.v);
        else allSimple = false;
        tests.push(this.eqTest(lo, textEq));
        continue;
      }
      allSimple = false;
      if (!ORDERED.has(type) || textMode) this.fail(it.lo.col, `a range needs ordered values; ${ref.name} is ${TYPE_NAMES[type]}`);
      const hi = this.constant(ref.name, type, it.hi);
      if (lo.t === "cidr4" || lo.t === "cidr6") this.fail(it.lo.col, "a CIDR block cannot bound a range");
      if (hi.t === "cidr4" || hi.t === "cidr6") this.fail(it.hi.col, "a CIDR block cannot bound a range");
      const ge = orderTest("ge", lo, type);
      const le = orderTest("le", hi, type);
      tests.push((x) => ge(x) && le(x));
    }
    let inSet: Test;
    if (allSimple) inSet = (x) => simple.has(x as number | string | boolean);
    else if (tests.length === 1) inSet = tests[0];
    else {
      inSet = (x) => {
        for (let k = 0; k < tests.length; k++) if (tests[k](x)) return true;
        return false;
      };
    }
    return negate ? a.all((x) => !inSet(x)) : a.any(inSet);
  }

  // -- constants --

  private eqTest(c: Const, textEq?: (s: string) => (v: string) => boolean): Test {
    switch (c.t) {
      case "num": case "bool": {
        const k = c.v;
        return (x) => x === k;
      }
      case "str": {
        const k = c.v;
        if (textEq) {
          const t = textEq(k);
          return (x) => t(x as string);
        }
        return (x) => x === k;
      }
      case "bytes": {
        const k = c.v;
        return (x) => cmpBytes(x as Uint8Array, k) === 0;
      }
      case "cidr4": {
        const { net, mask } = c;
        return (x) => (((x as number) & mask) >>> 0) === net;
      }
      case "cidr6": {
        const { prefix, nibble, nibbleMask, rem } = c;
        const at = prefix.length;
        if (rem === 0) return (x) => (x as string).startsWith(prefix);
        return (x) => (x as string).startsWith(prefix) && (hexNibble((x as string).charCodeAt(at)) & nibbleMask) === nibble;
      }
    }
  }

  /** The constant a value token denotes for a field of `type`, or a FilterError at the token. */
  private constant(field: string, type: FilterType, v: ValueTok): Const {
    switch (type) {
      case "uint": case "int": case "double":
        return { t: "num", v: this.numberConst(v, type, field) };
      case "u64": {
        const s = v.kind === "char" ? null : parseU64(v.text);
        if (s === null) this.badValue(v, type, field);
        return { t: "str", v: s };
      }
      case "bool": {
        const s = v.text.toLowerCase();
        if (v.kind !== "char" && (s === "true" || s === "1")) return { t: "bool", v: true };
        if (v.kind !== "char" && (s === "false" || s === "0")) return { t: "bool", v: false };
        return this.fail(v.col, `${JSON.stringify(v.text)} is not a boolean (use true, false, 1 or 0)`);
      }
      case "ipv4": {
        if (v.kind === "char") this.badValue(v, type, field);
        const slash = v.text.indexOf("/");
        const addr = parseIpv4(slash < 0 ? v.text : v.text.slice(0, slash));
        if (addr === null) this.badValue(v, type, field);
        if (slash < 0) return { t: "num", v: addr };
        const bits = this.prefixLength(v, slash, 32);
        if (bits === 32) return { t: "num", v: addr };
        const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        return { t: "cidr4", net: (addr & mask) >>> 0, mask };
      }
      case "ipv6": {
        if (v.kind === "char") this.badValue(v, type, field);
        const slash = v.text.indexOf("/");
        const hex = parseIpv6(slash < 0 ? v.text : v.text.slice(0, slash));
        if (hex === null) this.badValue(v, type, field);
        if (slash < 0) return { t: "str", v: hex };
        const bits = this.prefixLength(v, slash, 128);
        if (bits === 128) return { t: "str", v: hex };
        const rem = bits & 3;
        const nibbleMask = (0xf0 >> rem) & 0xf;
        const nibble = rem === 0 ? 0 : parseInt(hex[bits >> 2], 16) & nibbleMask;
        return { t: "cidr6", prefix: hex.slice(0, bits >> 2), nibble, nibbleMask, rem };
      }
      case "mac": {
        const m = v.kind === "char" ? null : parseMac(v.text);
        if (m === null) this.badValue(v, type, field);
        return { t: "num", v: m };
      }
      case "string":
        return { t: "str", v: this.stringConst(v) };
      case "bytes":
        return { t: "bytes", v: this.bytesConst(v) };
    }
  }

  private prefixLength(v: ValueTok, slash: number, max: number): number {
    const p = v.text.slice(slash + 1);
    if (!/^[0-9]{1,3}$/.test(p) || Number(p) > max) {
      this.fail(v.kind === "word" ? v.col + slash + 1 : v.col, `${JSON.stringify(p)} is not a prefix length (0–${max})`);
    }
    return Number(p);
  }

  /** The number a token denotes for a numeric field, or null. */
  private numericOf(type: FilterType, v: ValueTok): number | string | null {
    if (v.kind === "char") return type === "u64" ? null : v.code;
    if (type === "u64") return parseU64(v.text);
    const n = type === "double" ? parseNumber(v.text) : parseInteger(v.text);
    if (n === null || (type === "uint" && n < 0)) return null;
    return n;
  }

  private numberConst(v: ValueTok, type: "uint" | "int" | "double", field?: string): number {
    const n = this.numericOf(type, v);
    if (n === null || typeof n !== "number") return this.badValue(v, type, field);
    return n;
  }

  private badValue(v: ValueTok, type: FilterType, field?: string): never {
    if (v.kind === "char") return this.fail(v.col, `${v.src} (a character constant) is not ${TYPE_NAMES[type]}`);
    const like = looksLike(v.text);
    const numeric = type === "uint" || type === "int" || type === "u64" || type === "double";
    const hint = like !== null && like !== TYPE_NAMES[type] && !(numeric && like === "a number")
      ? ` (it looks like ${like}; ${field ?? "the field"} holds ${plural(type)})` : "";
    return this.fail(v.col, `${JSON.stringify(v.text)} is not ${TYPE_NAMES[type]}${hint}`);
  }

  private stringConst(v: ValueTok): string {
    return v.text;
  }

  private bytesConst(v: ValueTok): Uint8Array {
    if (v.kind === "string") return new TextEncoder().encode(v.text);
    if (v.kind === "char") {
      if (v.code > 255) this.fail(v.col, `${v.src} does not fit in a byte`);
      return Uint8Array.of(v.code);
    }
    const b = parseBytes(v.text);
    if (b === null) this.fail(v.col, `${JSON.stringify(v.text)} is not a byte string (write hex bytes such as 47:45:54, or a quoted "text")`);
    return b;
  }

  private regex(v: ValueTok): RegExp {
    let pattern = v.text;
    const flags = new Set(["i"]);
    const m = /^\(\?([A-Za-z]*)(?:-([A-Za-z]*))?\)/.exec(pattern);
    if (m) {
      for (const [letters, on] of [[m[1], true], [m[2] ?? "", false]] as const) {
        for (const c of letters) {
          if (c !== "i" && c !== "m" && c !== "s") this.fail(v.col, `regular expression option "${c}" is not supported (only i, m, s)`);
          if (on) flags.add(c);
          else flags.delete(c);
        }
      }
      pattern = pattern.slice(m[0].length);
    }
    try {
      return new RegExp(pattern, [...flags].join(""));
    } catch (e) {
      return this.fail(v.col, `invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}`);
    }
  }
}

function plural(type: FilterType): string {
  const n = TYPE_NAMES[type].replace(/^an? /, "");
  return n.endsWith("ss") ? `${n}es` : `${n}s`;
}

/** < > <= >= against a constant, by representation. */
function orderTest(op: "lt" | "gt" | "le" | "ge", c: Const, type: FilterType): Test {
  if (c.t === "num") {
    const k = c.v;
    switch (op) {
      case "lt": return (x) => (x as number) < k;
      case "gt": return (x) => (x as number) > k;
      case "le": return (x) => (x as number) <= k;
      case "ge": return (x) => (x as number) >= k;
    }
  }
  let cmp: (x: Scalar) => number;
  if (c.t === "str") {
    const k = c.v;
    // u64 values are canonical decimal strings of any length; ipv6 (fixed-width hex) and strings compare as text.
    cmp = type === "u64" ? (x) => cmpU64(x as string, k) : (x) => ((x as string) < k ? -1 : (x as string) > k ? 1 : 0);
  } else if (c.t === "bytes") {
    const k = c.v;
    cmp = (x) => cmpBytes(x as Uint8Array, k);
  } else {
    throw new Error(`unordered constant ${c.t}`);
  }
  switch (op) {
    case "lt": return (x) => cmp(x) < 0;
    case "gt": return (x) => cmp(x) > 0;
    case "le": return (x) => cmp(x) <= 0;
    case "ge": return (x) => cmp(x) >= 0;
  }
}
