// Scanner and parser on their own: tokens and their columns, literal decoding, and the shape of the AST
// (precedence and associativity), independent of any field registry.
import { test } from "node:test";
import assert from "node:assert/strict";
import { scan } from "../../src/filter/scan.js";
import type { Node } from "../../src/filter/parse.js";
import { parse } from "../../src/filter/parse.js";
import { parseBytes, parseInteger, parseIpv4, parseIpv6, parseMac, parseNumber, parseU64 } from "../../src/filter/values.js";

const toks = (s: string): [string, string, number][] => scan(s).map((t) => [t.kind, t.text, t.col]);

test("scanner: kinds, texts and 1-based columns", () => {
  assert.deepEqual(toks("ip.src==10.0.0.1&&!tcp"), [
    ["word", "ip.src", 1], ["op", "==", 7], ["word", "10.0.0.1", 9], ["op", "&&", 17], ["op", "!", 19], ["word", "tcp", 20], ["eof", "", 23],
  ]);
  assert.deepEqual(toks(" a !== b === c != d <= e >= f < g > h ~ i ^^ j || k & l # 2"), [
    ["word", "a", 2], ["op", "!==", 4], ["word", "b", 8], ["op", "===", 10], ["word", "c", 14], ["op", "!=", 16], ["word", "d", 19],
    ["op", "<=", 21], ["word", "e", 24], ["op", ">=", 26], ["word", "f", 29], ["op", "<", 31], ["word", "g", 33], ["op", ">", 35],
    ["word", "h", 37], ["op", "~", 39], ["word", "i", 41], ["op", "^^", 43], ["word", "j", 46], ["op", "||", 48], ["word", "k", 51],
    ["op", "&", 53], ["word", "l", 55], ["op", "#", 57], ["word", "2", 59], ["eof", "", 60],
  ]);
  // Addresses, CIDR, MACs and negative numbers are single words; ".." splits a range; braces and commas are operators.
  assert.deepEqual(toks("x in {fe80::1/64,aa-bb-cc-dd-ee-ff 10.0.0.5..10.0.0.9 -3}").map((t) => t[1]), [
    "x", "in", "{", "fe80::1/64", ",", "aa-bb-cc-dd-ee-ff", "10.0.0.5", "..", "10.0.0.9", "-3", "}", "",
  ]);
});

test("scanner: strings, escapes, raw strings and character constants", () => {
  const one = (s: string): [string, string, number] => {
    const t = scan(s)[0];
    return [t.kind, t.text, t.code];
  };
  assert.deepEqual(one('"\\x48EAD"'), ["string", "HEAD", 0]);
  assert.deepEqual(one('"\\110EAD"'), ["string", "HEAD", 0]);
  assert.deepEqual(one('"a\\"b\\\\c"'), ["string", 'a"b\\c', 0]);
  assert.deepEqual(one('"\\t\\n\\r\\a\\b\\f\\v\\\'"'), ["string", "\t\n\r\x07\b\f\v'", 0]);
  assert.deepEqual(one('"touch\\u00e9 \\U0001F600"'), ["string", "touché 😀", 0]);
  assert.deepEqual(one('r"\\\\SERVER\\SHARE"'), ["string", "\\\\SERVER\\SHARE", 0]);
  assert.deepEqual(one('r"say \\"hi\\""'), ["string", 'say \\"hi\\"', 0]); // raw: \" does not end it, backslash kept
  assert.deepEqual(one("'a'"), ["char", "a", 97]);
  assert.deepEqual(one("'\\n'"), ["char", "\n", 10]);
  assert.deepEqual(one("'\\x0a'"), ["char", "\n", 10]);
  assert.deepEqual(one("'\\012'"), ["char", "\n", 10]);
  // A word that merely ends in r is not a raw-string prefix.
  assert.deepEqual(toks('var"x"').map((t) => t[0]), ["word", "string", "eof"]);
  const s = scan('x == "ab" and y');
  assert.deepEqual([s[2].col, s[2].src, s[3].col], [6, '"ab"', 11]);
});

/** A compact rendering of the AST: (op a b), !a, field, field==value. */
function show(n: Node | null): string {
  if (n === null) return "ε";
  switch (n.k) {
    case "or": case "and": case "xor": return `(${n.k} ${show(n.a)} ${show(n.b)})`;
    case "not": return `!${show(n.a)}`;
    case "exists": return n.f.name + (n.f.layer ? `#${n.f.layer}` : "") + (n.f.mask ? `&${n.f.mask.value.text}` : "");
    case "cmp": return `${n.f.name}${n.f.mask ? `&${n.f.mask.value.text}` : ""} ${n.op} ${n.v.text}`;
    case "in": return `${n.f.name} ${n.negate ? "not_in" : "in"} {${n.items.map((i) => i.lo.text + (i.hi ? `..${i.hi.text}` : "")).join(",")}}`;
  }
}

test("parser: precedence not > and > xor > or, left associativity, parentheses", () => {
  assert.equal(show(parse("")), "ε");
  assert.equal(show(parse("a or b and c")), "(or a (and b c))");
  assert.equal(show(parse("a and b or c")), "(or (and a b) c)");
  assert.equal(show(parse("(a or b) and c")), "(and (or a b) c)");
  assert.equal(show(parse("not a and b")), "(and !a b)");
  assert.equal(show(parse("not (a and b)")), "!(and a b)");
  assert.equal(show(parse("! ! a")), "!!a");
  assert.equal(show(parse("a or b or c")), "(or (or a b) c)");
  assert.equal(show(parse("a and b and c")), "(and (and a b) c)");
  assert.equal(show(parse("a or b xor c and d")), "(or a (xor b (and c d)))");
  assert.equal(show(parse("a ^^ b || c && !d")), "(or (xor a b) (and c !d))");
  assert.equal(show(parse("A AND B OR NOT C")), "(or (and A B) !C)");
  // The manual's example: "A and B or not C or D and not E or F".
  assert.equal(show(parse("A and B or not C or D and not E or F")), "(or (or (or (and A B) !C) (and D !E)) F)");
});

test("parser: relations, word operators, sets, layers and masks", () => {
  assert.equal(show(parse("x == 1")), "x any_eq 1");
  assert.equal(show(parse("x eq 1")), "x any_eq 1");
  assert.equal(show(parse("x != 1")), "x all_ne 1");
  assert.equal(show(parse("x ne 1")), "x all_ne 1");
  assert.equal(show(parse("x === 1")), "x all_eq 1");
  assert.equal(show(parse("x !== 1")), "x any_ne 1");
  assert.equal(show(parse("x lt 1 and x gt 2 and x le 3 and x ge 4")), "(and (and (and x lt 1 x gt 2) x le 3) x ge 4)");
  assert.equal(show(parse("x contains y")), "x contains y");
  assert.equal(show(parse('x matches "y"')), "x matches y");
  assert.equal(show(parse('x ~ "y"')), "x matches y");
  assert.equal(show(parse("x in {1 2,3..4}")), "x in {1,2,3..4}");
  assert.equal(show(parse("x not in {1}")), "x not_in {1}");
  assert.equal(show(parse("not x in {1}")), "!x in {1}");
  assert.equal(show(parse("x == in")), "x any_eq in"); // keywords are values after an operator
  assert.equal(show(parse("ip#2")), "ip#2");
  assert.equal(show(parse("tcp.flags & 0x02")), "tcp.flags&0x02");
  assert.equal(show(parse("tcp.flags bitand 2 == 2")), "tcp.flags&2 any_eq 2");
  const n = parse("ip.src#2 == 10.0.0.1");
  assert.ok(n && n.k === "cmp");
  assert.deepEqual([n.f.name, n.f.col, n.f.layer, n.f.layerCol, n.opCol, n.v.col, n.v.text], ["ip.src", 1, 2, 7, 10, 13, "10.0.0.1"]);
});

test("literal parsers", () => {
  assert.deepEqual(["10", "0x1F", "017", "0b101", "-12", "0", "08", "1.5", "", "0x", "9007199254740993"].map(parseInteger),
    [10, 31, 15, 5, -12, 0, null, null, null, null, null]);
  assert.deepEqual(["1.5", ".5", "2e3", "7", "abc", "1.2.3"].map(parseNumber), [1.5, 0.5, 2000, 7, null, null]);
  assert.deepEqual(["18446744073709551615", "0x10", "18446744073709551616", "-1"].map(parseU64), ["18446744073709551615", "16", null, null]);
  assert.deepEqual(["10.0.0.1", "255.255.255.255", "0.0.0.0", "256.0.0.1", "1.2.3", "1.2.3.4.5", "a.b.c.d"].map(parseIpv4),
    [0x0a000001, 0xffffffff, 0, null, null, null, null]);
  assert.deepEqual(["::", "::1", "2001:db8::1", "fe80::abcd:1", "1:2:3:4:5:6:7:8", "::ffff:10.1.2.3", "1::", "1:2:3:4:5:6:7::"].map(parseIpv6), [
    "0".repeat(32), "0".repeat(31) + "1", "20010db8" + "0".repeat(23) + "1", "fe80" + "0".repeat(20) + "abcd0001",
    "00010002000300040005000600070008", "0".repeat(20) + "ffff0a010203", "0001" + "0".repeat(28), "0001000200030004000500060007" + "0000",
  ]);
  assert.deepEqual(["1:2:3:4:5:6:7", "1::2::3", "12345::", "g::1", "1.2.3.4::", ":1", "1:2:3:4:5:6:7:8:9", "::1.2.3"].map(parseIpv6),
    [null, null, null, null, null, null, null, null]);
  assert.deepEqual(["00:11:22:33:44:55", "AA-BB-CC-DD-EE-FF", "0011.2233.4455", "0:1:2:3:4:5"].map(parseMac),
    [0x001122334455, 0xaabbccddeeff, 0x001122334455, 0x000102030405]);
  assert.deepEqual(["00:11:22:33:44", "00:11-22:33:44:55", "001122334455", "00:11:22:33:44:55:66"].map(parseMac), [null, null, null, null]);
  assert.deepEqual(["47:45:54", "0.1.0.d", "7a", "474554", "0xff", "4-5"].map((s) => [...(parseBytes(s) ?? [])]),
    [[0x47, 0x45, 0x54], [0, 1, 0, 0xd], [0x7a], [0x47, 0x45, 0x54], [0xff], [4, 5]]);
  assert.deepEqual(["xyz", "474", "47:45-54", "0x100"].map(parseBytes), [null, null, null, null]);
});
