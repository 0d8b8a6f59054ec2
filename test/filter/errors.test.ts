// Bad filters: each one must fail at compile time with a FilterError naming the exact column and saying why.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FilterError, compileFilter } from "../../src/filter/mod.js";
import { WnvError } from "../../src/bytes/errors.js";

/** Compiles `filter`, which must fail; returns [column, message without the "filter: " / " at column N" frame]. */
function failure(filter: string): [number, string] {
  try {
    compileFilter(filter);
  } catch (e) {
    assert.ok(e instanceof FilterError, `${filter}: ${String(e)}`);
    assert.equal(e.filter, filter);
    const first = e.message.split("\n")[0];
    const m = /^filter: (.*) at column (\d+)$/.exec(first);
    assert.ok(m, first);
    assert.equal(Number(m[2]), e.column);
    return [e.column, m[1]];
  }
  assert.fail(`${JSON.stringify(filter)} compiled`);
}

function check(cases: [string, number, string][]): void {
  for (const [filter, col, msg] of cases) assert.deepEqual(failure(filter), [col, msg], filter);
}

test("FilterError is a usage error that draws a caret under the column", () => {
  try {
    compileFilter("tcp.port == 80 and ip.sorc == 10.0.0.1");
    assert.fail("compiled");
  } catch (e) {
    assert.ok(e instanceof FilterError && e instanceof WnvError);
    assert.equal(e.code, "usage");
    assert.equal(e.exitCode, 1);
    assert.equal(e.column, 20);
    assert.equal(e.message, [
      'filter: unknown field "ip.sorc" (did you mean ip.src?) at column 20',
      "  tcp.port == 80 and ip.sorc == 10.0.0.1",
      "                     ^",
    ].join("\n"));
  }
});

test("unknown fields and protocols, with a suggestion when one is close", () => {
  check([
    ["ip.sorc == 1.2.3.4", 1, 'unknown field "ip.sorc" (did you mean ip.src?)'],
    ["ip.adr == 1.2.3.4", 1, 'unknown field "ip.adr" (did you mean ip.addr?)'],
    ["tcp.prot == 80", 1, 'unknown field "tcp.prot" (did you mean tcp.port?)'],
    ["tcp.flags.sny", 1, 'unknown field "tcp.flags.sny" (did you mean tcp.flags.syn?)'],
    ["frame.lenght > 1", 1, 'unknown field "frame.lenght" (did you mean frame.len?)'],
    ["tpc", 1, 'unknown field or protocol "tpc" (did you mean tcp?)'],
    ["ip.foo", 1, 'unknown field "ip.foo" (ip has no such field)'],
    ["foo.bar == 1", 1, 'unknown field "foo.bar"'],
    ["ip and udp.prot == 53", 8, 'unknown field "udp.prot" (did you mean udp.port?)'],
  ]);
});

test("missing operands", () => {
  check([
    ["ip.src ==", 10, 'expected a value after "=="'],
    ["ip.src == ", 11, 'expected a value after "=="'],
    ["ip.src eq", 10, 'expected a value after "eq"'],
    ["ip.src == )", 11, 'expected a value after "==", got ")"'],
    ["tcp.port in", 12, 'expected "{" after "in", got the end of the filter'],
    ["ip and", 7, 'expected a field or protocol name after "and"'],
    ["ip &&", 6, 'expected a field or protocol name after "&&"'],
    ["ip or or tcp", 7, 'expected a field or protocol name after "or", got "or"'],
    ["and ip", 1, 'expected a field or protocol name, got "and"'],
    ["not", 4, 'expected a field or protocol name after "not"'],
    ["!", 2, 'expected a field or protocol name after "!"'],
    ["== 1", 1, 'expected a field or protocol name, got "=="'],
    ["()", 2, 'expected a field or protocol name after "(", got ")"'],
    ["contains", 1, 'expected a field or protocol name, got "contains"'],
    ["10.0.0.1", 1, 'expected a field or protocol name, got "10.0.0.1" (a value must follow a field and an operator, as in ip.addr == 10.0.0.1)'],
    ['"ip"', 1, 'expected a field or protocol name, got "ip" (a value must follow a field and an operator, as in ip.addr == 10.0.0.1)'],
    ["ip.src 10.0.0.1", 8, 'expected an operator (==, !=, <, contains, in …) between ip.src and "10.0.0.1"'],
    ["ip.src in {1.2.3.4 and}", 20, 'expected a value, got "and"'],
  ]);
});

test("trailing garbage and unbalanced parentheses", () => {
  check([
    ["ip.src == 1.2.3.4 foo", 19, 'unexpected "foo" after a complete expression (missing "and"/"or"?)'],
    ["tcp.port == 80 443", 16, 'unexpected "443" after a complete expression (missing "and"/"or"?)'],
    ["tcp.port == 80 == 81", 16, 'unexpected "==": a comparison needs a field on its left'],
    ["(ip", 1, 'unbalanced parenthesis: "(" is never closed'],
    ["((ip) and tcp", 1, 'unbalanced parenthesis: "(" is never closed'],
    ["ip and (tcp or (udp)", 8, 'unbalanced parenthesis: "(" is never closed'],
    ["ip)", 3, 'unbalanced parenthesis: ")" without a matching "("'],
    ["(ip))", 5, 'unbalanced parenthesis: ")" without a matching "("'],
    ["(ip foo)", 5, 'expected an operator (==, !=, <, contains, in …) between ip and "foo"'],
    ["(ip.src == 1.2.3.4 tcp)", 20, 'unexpected "tcp" after a complete expression (missing "and"/"or"?)'],
  ]);
});

test("values that do not fit the field's type", () => {
  check([
    ["ip.src == abc", 11, '"abc" is not an IPv4 address'],
    ["ip.src == 00:11:22:33:44:55", 11, '"00:11:22:33:44:55" is not an IPv4 address (it looks like a MAC address; ip.src holds IPv4 addresses)'],
    ["ip.src == 80", 11, '"80" is not an IPv4 address (it looks like a number; ip.src holds IPv4 addresses)'],
    ["ip.src == 10.0.0.300", 11, '"10.0.0.300" is not an IPv4 address'],
    ["ip.dst == 'a'", 11, "'a' (a character constant) is not an IPv4 address"],
    ["ip.addr == 10.0.0.0/33", 21, '"33" is not a prefix length (0–32)'],
    ["ip.addr == 10.0.0.0/x", 21, '"x" is not a prefix length (0–32)'],
    ["ipv6.addr == 1.2.3.4", 14, '"1.2.3.4" is not an IPv6 address (it looks like an IPv4 address; ipv6.addr holds IPv6 addresses)'],
    ["ipv6.addr == 2001:db8:::1", 14, '"2001:db8:::1" is not an IPv6 address'],
    ["ipv6.addr == 1::2::3", 14, '"1::2::3" is not an IPv6 address'],
    ["ipv6.addr == 1:2:3:4:5:6:7:8:9", 14, '"1:2:3:4:5:6:7:8:9" is not an IPv6 address'],
    ["ipv6.addr == 2001:db8::/129", 25, '"129" is not a prefix length (0–128)'],
    ["eth.src == 10.0.0.1", 12, '"10.0.0.1" is not a MAC address (it looks like an IPv4 address; eth.src holds MAC addresses)'],
    ["eth.src == 00:11:22:33:44", 12, '"00:11:22:33:44" is not a MAC address'],
    ["eth.src == 00:11-22:33:44:55", 12, '"00:11-22:33:44:55" is not a MAC address'],
    ["tcp.port == -1", 13, '"-1" is not an unsigned integer'],
    ["tcp.port == 1.5", 13, '"1.5" is not an unsigned integer'],
    ["tcp.port == http", 13, '"http" is not an unsigned integer'],
    ["tcp.port == 08", 13, '"08" is not an unsigned integer'],
    ["tcp.port == 10.0.0.1", 13, '"10.0.0.1" is not an unsigned integer (it looks like an IPv4 address; tcp.port holds unsigned integers)'],
    ["tcp.flags.syn == 2", 18, '"2" is not a boolean (use true, false, 1 or 0)'],
    ["tcp.flags.syn == yes", 18, '"yes" is not a boolean (use true, false, 1 or 0)'],
    ["data.data contains xyz", 20, '"xyz" is not a byte string (write hex bytes such as 47:45:54, or a quoted "text")'],
    ["data.data == abc", 14, '"abc" is not a byte string (write hex bytes such as 47:45:54, or a quoted "text")'],
    ["frame.time_relative == abc", 24, '"abc" is not a number'],
    ["pktmon.group == -1", 17, '"-1" is not an unsigned integer'],
    ["pktmon.group == 18446744073709551616", 17, '"18446744073709551616" is not an unsigned integer'],
    ["tcp.flags & x", 13, '"x" is not an unsigned integer'],
  ]);
});

test("operators that do not apply to the field", () => {
  check([
    ["ip.src contains 1", 8, '"contains" needs a string, byte-string or protocol field; ip.src is an IPv4 address'],
    ["tcp.port contains 80", 10, '"contains" needs a string, byte-string or protocol field; tcp.port is an unsigned integer'],
    ['ip.src matches "x"', 8, '"matches" needs a string field; ip.src is an IPv4 address'],
    ['data.data ~ "x"', 11, '"~" needs a string field; data.data is a byte string'],
    ["tcp.flags.syn > 1", 15, '">" cannot order booleans (tcp.flags.syn is a boolean); use == or !='],
    ["ip.addr < 10.0.0.0/8", 11, "a CIDR block can only be compared with ==, != or in"],
    ["ipv6.addr ge fe80::/10", 14, "a CIDR block can only be compared with ==, != or in"],
    ["tcp == 1", 5, 'tcp is a protocol: it can only be searched with "contains" (not "==")'],
    ["frame == 1", 7, 'frame is a protocol: it can only be searched with "contains" (not "==")'],
    ['ip matches "x"', 4, 'ip is a protocol: it can only be searched with "contains" (not "matches")'],
    ["tcp in {1}", 5, 'tcp is a protocol: "in" needs a field'],
    ["pktmon contains 1", 1, "pktmon is the capture record, not bytes: test one of its fields (pktmon.…) instead"],
    ["pktmon.component < foo", 20, '"foo" is not a number; pktmon.component can be compared with a name only with ==, != or in'],
    ["frame.len#2 == 1", 10, '"#" (layer) applies to protocol fields, not to frame.len'],
    ["ip.src#0 == 1.2.3.4", 8, 'expected a layer number (1, 2, …) after "#", got "0"'],
    ["ip.src#x", 8, 'expected a layer number (1, 2, …) after "#", got "x"'],
    ["eth.src & 1", 9, '"&" needs an integer field; eth.src is a MAC address'],
    ["ip & 1", 4, '"&" needs an integer field; ip is a protocol'],
  ]);
});

test("sets and ranges", () => {
  check([
    ["tcp.port in {}", 14, "empty set: put at least one value between { }"],
    ["tcp.port in {80", 13, 'unclosed set: "{" is never closed'],
    ["tcp.port in 80", 13, 'expected "{" after "in", got "80"'],
    ["tcp.port in {80..}", 18, 'expected a value after "..", got "}"'],
    ["tcp.port in {10.0.0.0/8}", 14, '"10.0.0.0/8" is not an unsigned integer (it looks like an IPv4 CIDR block; tcp.port holds unsigned integers)'],
    ["tcp.port in {80 http}", 17, '"http" is not an unsigned integer'],
    ["tcp.port == 1..2", 14, 'a range ("..") is only allowed inside a set: field in {lo..hi}'],
    ["ip.addr in {10.0.0.0/8..11.0.0.0}", 13, "a CIDR block cannot bound a range"],
    ["ip.addr in {10.0.0.0..11.0.0.0/8}", 23, "a CIDR block cannot bound a range"],
    ["tcp.flags.syn in {0..1}", 19, "a range needs ordered values; tcp.flags.syn is a boolean"],
  ]);
});

test("scanner errors: stray characters, bad strings and escapes, unsupported syntax", () => {
  check([
    ["ip.src = 1.2.3.4", 8, 'unexpected "=" (use == to compare)'],
    ["ip | tcp", 4, 'unexpected "|" (use || or "or")'],
    ["ip ^ tcp", 4, 'unexpected "^" (use ^^ or "xor")'],
    ["ip.src[0:2]", 7, 'slices ("[…]") are not supported'],
    ["$ip", 1, 'field references ("$…") are not supported'],
    ["@ip", 1, 'raw field values ("@…") are not supported'],
    ["tcp.port + 1", 10, 'arithmetic ("+") is not supported'],
    ["ip ; tcp", 4, 'unexpected character ";"'],
    ["len(ip)", 1, "functions (len(…)) are not supported"],
    ['vmswitch.port == "abc', 18, 'unterminated string (missing closing ")'],
    ['vmswitch.port == "abc\\"', 18, 'unterminated string (missing closing ")'],
    ["vlan.id == 'ab'", 12, 'a character constant holds exactly one character (use "…" for text)'],
    ["vlan.id == 'a", 12, "unterminated character constant (missing closing ')"],
    ['vmswitch.port == "a\\qb"', 20, "unknown escape \\q in a string (write \\\\ for a backslash)"],
    ['vmswitch.port == "\\x"', 19, "\\x needs 1 or 2 hex digits"],
    ['vmswitch.port == "\\u12"', 19, "\\u needs 4 hex digits"],
    ['vmswitch.port == "\\777"', 19, "octal escape \\777 is above \\377"],
    ['vmswitch.port matches "("', 23, "invalid regular expression: /(/i: Unterminated group"],
    ['vmswitch.port matches "(?x)a"', 23, 'regular expression option "x" is not supported (only i, m, s)'],
  ]);
});
