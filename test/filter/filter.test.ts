// Display filters over the hand-built corpus (corpus.ts): every assertion lists exactly the packets kept.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dissecter, Dissection, Proto, builtinTables } from "../../src/packets/mod.js";
import { compileFilter } from "../../src/filter/mod.js";
import { ALL, CORPUS, which } from "./corpus.js";

test("the corpus dissects into the layers the tests rely on", () => {
  const dis = new Dissecter(builtinTables());
  const d = new Dissection();
  const layers: Record<string, number[]> = {};
  for (const [name, p] of CORPUS) {
    dis.run(d, p.bytes, p.originalLength, p.linkType);
    layers[name] = [...d.proto.subarray(0, d.n)];
  }
  assert.deepEqual(layers, {
    syn: [Proto.Eth, Proto.Ipv4, Proto.Tcp],
    get: [Proto.Eth, Proto.Vlan, Proto.Ipv4, Proto.Tcp, Proto.Data],
    udp: [Proto.Eth, Proto.Ipv4, Proto.Udp, Proto.Data],
    drop: [Proto.Eth, Proto.Ipv4, Proto.Icmp, Proto.Ipv4, Proto.Udp],
    tunnel: [Proto.Eth, Proto.Ipv4, Proto.Ipv4, Proto.Tcp],
    arp: [Proto.Eth, Proto.Arp],
    v6: [Proto.Eth, Proto.Ipv6, Proto.Udp, Proto.Data],
  });
});

test("an empty filter keeps everything", () => {
  assert.deepEqual(which(""), ALL);
  assert.deepEqual(which("   \t"), ALL);
});

test("protocol names test for a layer of that protocol", () => {
  assert.deepEqual(which("eth"), ALL);
  assert.deepEqual(which("frame"), ALL);
  assert.deepEqual(which("ip"), ["syn", "get", "udp", "drop", "tunnel"]);
  assert.deepEqual(which("ipv6"), ["v6"]);
  assert.deepEqual(which("tcp"), ["syn", "get", "tunnel"]);
  assert.deepEqual(which("udp"), ["udp", "drop", "v6"]);
  assert.deepEqual(which("icmp"), ["drop"]);
  assert.deepEqual(which("arp"), ["arp"]);
  assert.deepEqual(which("vlan"), ["get"]);
  assert.deepEqual(which("data"), ["get", "udp", "v6"]);
  assert.deepEqual(which("ip#2"), ["drop", "tunnel"]);
  assert.deepEqual(which("pktmon"), ["udp", "drop"]);
  assert.deepEqual(which("vmswitch"), ["get"]);
  assert.deepEqual(which("ndis"), ["syn", "tunnel", "arp", "v6"]);
});

test("a field alone tests presence; a boolean field alone tests that it is set", () => {
  assert.deepEqual(which("ip.src"), ["syn", "get", "udp", "drop", "tunnel"]);
  assert.deepEqual(which("icmp.type"), ["drop"]);
  assert.deepEqual(which("tcp.flags.syn"), ["syn", "tunnel"]);
  assert.deepEqual(which("tcp.flags.ack"), ["get", "tunnel"]);
  assert.deepEqual(which("ip.flags.df"), ["syn"]);
  assert.deepEqual(which("pktmon.drop"), ["drop"]);
  assert.deepEqual(which("pktmon.drop_reason"), ["drop"]);
  assert.deepEqual(which("vmswitch.port"), ["get"]);
  assert.deepEqual(which("ndis.ifname"), ["syn"]);
});

test("== and eq on IPv4 fields; ip.addr is ip.src or ip.dst of any IPv4 layer", () => {
  assert.deepEqual(which("ip.src == 10.1.2.3"), ["syn", "drop"]); // drop: the quoted (inner) header's source
  assert.deepEqual(which("ip.src eq 10.1.2.3"), ["syn", "drop"]);
  assert.deepEqual(which("ip.dst == 10.1.2.3"), ["drop"]);
  assert.deepEqual(which("ip.addr == 10.1.2.3"), ["syn", "drop"]);
  assert.deepEqual(which("ip.addr == 10.8.8.8"), ["tunnel"]);
  assert.deepEqual(which("ip.addr == 8.8.8.8"), ["udp"]);
  assert.deepEqual(which('ip.addr == "8.8.8.8"'), ["udp"]);
});

test("layer operator: field#n looks only at the n-th layer of its protocol", () => {
  assert.deepEqual(which("ip.src#1 == 10.1.2.3"), ["syn"]);
  assert.deepEqual(which("ip.src#2 == 10.1.2.3"), ["drop"]);
  assert.deepEqual(which("ip.src#2 == 10.9.9.9"), ["tunnel"]);
  assert.deepEqual(which("ip.addr#1 == 10.0.0.0/8"), ["syn", "get", "drop"]);
  assert.deepEqual(which("ip.addr#2 == 10.0.0.0/8"), ["drop", "tunnel"]);
  assert.deepEqual(which("ip.ttl#2 == 63"), ["tunnel"]);
  assert.deepEqual(which("ip.ttl#3"), []);
  assert.deepEqual(which("ip.ttl#2 != 63"), ["drop"]);
});

test("CIDR blocks for IPv4", () => {
  assert.deepEqual(which("ip.addr == 10.0.0.0/8"), ["syn", "get", "drop", "tunnel"]);
  assert.deepEqual(which("ip.addr == 10.1.2.0/24"), ["syn", "drop"]);
  assert.deepEqual(which("ip.addr == 10.1.2.3/32"), ["syn", "drop"]);
  assert.deepEqual(which("ip.src == 10.1.2.200/24"), ["syn", "drop"]); // host bits are masked off
  assert.deepEqual(which("ip.dst == 192.168.0.0/16"), ["syn"]);
  assert.deepEqual(which("ip.dst == 198.51.100.0/30"), ["tunnel"]);
  assert.deepEqual(which("ip.dst == 198.51.100.0/31"), []); // .0 and .1 only
  assert.deepEqual(which("ip.dst == 198.51.100.0/32"), []);
  assert.deepEqual(which("ip.src == 0.0.0.0/0"), ["syn", "get", "udp", "drop", "tunnel"]);
  assert.deepEqual(which("ip.addr != 10.0.0.0/8"), ["udp"]);
  assert.deepEqual(which("ip.addr == 10.0.0.0/8 and tcp.port == 443"), ["syn", "tunnel"]);
});

test("!= is Wireshark's all_ne with an implicit existence test; !== is any_ne; === is all_eq", () => {
  // syn and drop carry 10.1.2.3; arp and v6 have no ip.addr at all, so != does not keep them.
  assert.deepEqual(which("ip.addr != 10.1.2.3"), ["get", "udp", "tunnel"]);
  assert.deepEqual(which("ip.addr ne 10.1.2.3"), ["get", "udp", "tunnel"]);
  assert.deepEqual(which("ip.addr all_ne 10.1.2.3"), ["get", "udp", "tunnel"]);
  assert.deepEqual(which("!(ip.addr == 10.1.2.3)"), ["get", "udp", "tunnel", "arp", "v6"]);
  assert.deepEqual(which("not ip.addr == 10.1.2.3"), ["get", "udp", "tunnel", "arp", "v6"]);
  // any_ne: some address differs (syn's destination does).
  assert.deepEqual(which("ip.addr !== 10.1.2.3"), ["syn", "get", "udp", "drop", "tunnel"]);
  assert.deepEqual(which("ip.addr any_ne 10.1.2.3"), ["syn", "get", "udp", "drop", "tunnel"]);
  assert.deepEqual(which("ip.addr any_eq 10.1.2.3"), ["syn", "drop"]);
  // all_eq: every IPv4 layer has ttl 64 (the tunnel's inner header has 63).
  assert.deepEqual(which("ip.ttl === 64"), ["syn", "get", "udp", "drop"]);
  assert.deepEqual(which("ip.ttl all_eq 64"), ["syn", "get", "udp", "drop"]);
  assert.deepEqual(which("ip.ttl == 63"), ["tunnel"]);
  assert.deepEqual(which("ip.ttl != 64"), []);
  assert.deepEqual(which("ip.ttl != 63"), ["syn", "get", "udp", "drop"]);
  assert.deepEqual(which("tcp.dstport != 443"), ["get"]);
  assert.deepEqual(which("tcp.port != 443"), ["get"]);
  assert.deepEqual(which("tcp.port !== 443"), ["syn", "get", "tunnel"]);
});

test("ordering operators, symbol and word forms", () => {
  const pairs: [string, string, string[]][] = [
    ["tcp.srcport < 1235", "tcp.srcport lt 1235", ["tunnel"]],
    ["tcp.srcport > 40000", "tcp.srcport gt 40000", ["syn"]],
    ["tcp.srcport <= 40000", "tcp.srcport le 40000", ["get", "tunnel"]],
    ["tcp.srcport >= 40000", "tcp.srcport ge 40000", ["syn", "get"]],
    ["tcp.dstport == 80", "tcp.dstport eq 80", ["get"]],
    ["tcp.dstport != 80", "tcp.dstport ne 80", ["syn", "tunnel"]],
    ["ip.dst > 192.168.0.0", "ip.dst gt 192.168.0.0", ["syn", "drop", "tunnel"]],
    ["ip.dst < 10.200.0.1", "ip.dst lt 10.200.0.1", ["udp", "drop", "tunnel"]],
    ["ip.dst <= 10.200.0.1", "ip.dst le 10.200.0.1", ["get", "udp", "drop", "tunnel"]],
    ["eth.src >= 66:77:88:99:aa:bb", "eth.src ge 66:77:88:99:aa:bb", ["get", "tunnel"]],
    ["ipv6.dst > 2001:db8::1", "ipv6.dst gt 2001:db8::1", ["v6"]],
    ["frame.time_relative >= 1.5", "frame.time_relative ge 1.5", ["get", "udp", "drop", "tunnel", "arp", "v6"]],
    ["frame.time_relative < 4.5", "frame.time_relative lt 4.5", ["syn", "get", "udp"]],
    ['vmswitch.port < "D"', 'vmswitch.port lt "D"', ["get"]],
  ];
  for (const [sym, word, want] of pairs) {
    assert.deepEqual(which(sym), want, sym);
    assert.deepEqual(which(word), want, word);
  }
  // Keywords are case-insensitive.
  assert.deepEqual(which("tcp.srcport GE 40000 AND NOT tcp.flags.syn"), ["get"]);
});

test("integers in decimal, hex, octal, binary and as character constants", () => {
  assert.deepEqual(which("ip.id == 0x1234"), ["syn"]);
  assert.deepEqual(which("ip.id == 4660"), ["syn"]);
  assert.deepEqual(which("ip.id == 011064"), ["syn"]); // octal, as in Wireshark and C
  assert.deepEqual(which("ip.id == 0b1001000110100"), ["syn"]);
  assert.deepEqual(which("vlan.id == 'd'"), ["get"]); // 'd' is 100
  assert.deepEqual(which("vlan.id == '\\x64'"), ["get"]);
  assert.deepEqual(which("vlan.priority == 5 && vlan.etype == 0x0800"), ["get"]);
});

test("booleans: true/false/1/0, any case", () => {
  assert.deepEqual(which("tcp.flags.syn == 1"), ["syn", "tunnel"]);
  assert.deepEqual(which("tcp.flags.syn == true"), ["syn", "tunnel"]);
  assert.deepEqual(which("tcp.flags.syn == TRUE"), ["syn", "tunnel"]);
  assert.deepEqual(which("tcp.flags.syn == 0"), ["get"]);
  assert.deepEqual(which("tcp.flags.syn == False"), ["get"]);
  assert.deepEqual(which("tcp.flags.syn != 1"), ["get"]);
  assert.deepEqual(which("tcp.flags.syn and not tcp.flags.ack"), ["syn"]);
  assert.deepEqual(which("pktmon.drop == false"), ["udp"]);
});

test("bitwise and: field & mask alone, and compared", () => {
  assert.deepEqual(which("tcp.flags & 0x02"), ["syn", "tunnel"]);
  assert.deepEqual(which("tcp.flags & 0x12 == 0x12"), ["tunnel"]);
  assert.deepEqual(which("tcp.flags bitand 0x18 == 0x18"), ["get"]);
  assert.deepEqual(which("tcp.flags & 0x01"), []);
  assert.deepEqual(which("pktmon.drop_location & 0xe0000000 == 0xe0000000"), ["drop"]);
});

test("logical operators: not > and > xor > or, symbols and words, parentheses", () => {
  assert.deepEqual(which("tcp or udp and ipv6"), ["syn", "get", "tunnel", "v6"]); // tcp or (udp and ipv6)
  assert.deepEqual(which("(tcp or udp) and ipv6"), ["v6"]);
  assert.deepEqual(which("tcp || udp && ipv6"), ["syn", "get", "tunnel", "v6"]);
  assert.deepEqual(which("(tcp || udp) && ipv6"), ["v6"]);
  assert.deepEqual(which("not tcp and ip"), ["udp", "drop"]); // (not tcp) and ip
  assert.deepEqual(which("not (tcp and ip)"), ["udp", "drop", "arp", "v6"]);
  assert.deepEqual(which("!tcp && ip"), ["udp", "drop"]);
  assert.deepEqual(which("! tcp || arp"), ["udp", "drop", "arp", "v6"]);
  assert.deepEqual(which("not not tcp"), ["syn", "get", "tunnel"]);
  assert.deepEqual(which("tcp xor vlan"), ["syn", "tunnel"]);
  assert.deepEqual(which("tcp ^^ vlan"), ["syn", "tunnel"]);
  assert.deepEqual(which("tcp and vlan xor udp"), ["get", "udp", "drop", "v6"]); // (tcp and vlan) xor udp
  assert.deepEqual(which("arp or tcp xor vlan"), ["syn", "tunnel", "arp"]); // arp or (tcp xor vlan)
  assert.deepEqual(which("((arp))"), ["arp"]);
  assert.deepEqual(which("ip and (tcp.port == 443 or udp.port == 7777) and !(ip.addr == 10.9.9.9)"), ["syn", "udp"]);
});

test("MAC addresses in colon, hyphen and dotted forms, any case", () => {
  for (const m of ["00:11:22:33:44:55", "00-11-22-33-44-55", "0011.2233.4455", "0:11:22:33:44:55"]) {
    assert.deepEqual(which(`eth.src == ${m}`), ["syn", "udp", "drop", "arp"], m);
  }
  assert.deepEqual(which("eth.dst == 66:77:88:99:AA:BB"), ["syn", "udp", "drop"]);
  assert.deepEqual(which("eth.addr == 66:77:88:99:aa:bb"), ["syn", "get", "udp", "drop", "tunnel"]);
  assert.deepEqual(which("eth.addr == ff:ff:ff:ff:ff:ff"), ["arp"]);
  assert.deepEqual(which("eth.dst != ff-ff-ff-ff-ff-ff"), ["syn", "get", "udp", "drop", "tunnel", "v6"]);
  assert.deepEqual(which("arp.src.hw_mac == 00:11:22:33:44:55 and arp.dst.hw_mac == 00:00:00:00:00:00"), ["arp"]);
});

test("ARP and ICMP fields", () => {
  assert.deepEqual(which("arp.opcode == 1 and arp.src.proto_ipv4 == 10.1.2.3 and arp.dst.proto_ipv4 == 10.1.2.1"), ["arp"]);
  assert.deepEqual(which("arp.dst.proto_ipv4 == 10.1.2.0/24"), ["arp"]);
  assert.deepEqual(which("icmp.type == 3 and icmp.code == 3"), ["drop"]);
  assert.deepEqual(which("icmp.type == 8"), []);
  assert.deepEqual(which("ip.proto == 17"), ["udp", "drop"]); // drop: the quoted header says UDP
  assert.deepEqual(which("ip.proto == 1"), ["drop"]);
  assert.deepEqual(which("udp.port == 33434"), ["drop"]);
});

test("IPv6 addresses: full, compressed, CIDR (including prefixes that split a hex digit)", () => {
  assert.deepEqual(which("ipv6.src == 2001:db8::1"), ["v6"]);
  assert.deepEqual(which("ipv6.src == 2001:0DB8:0000:0000:0000:0000:0000:0001"), ["v6"]);
  assert.deepEqual(which("ipv6.src == 2001:db8::2"), []);
  assert.deepEqual(which("ipv6.dst == fe80::abcd:1"), ["v6"]);
  assert.deepEqual(which("ipv6.addr == fe80::abcd:1"), ["v6"]);
  assert.deepEqual(which("ipv6.addr == 2001:db8::/32"), ["v6"]);
  assert.deepEqual(which("ipv6.addr == 2001:db9::/32"), []);
  assert.deepEqual(which("ipv6.dst == fe80::/10"), ["v6"]);
  assert.deepEqual(which("ipv6.dst == fec0::/10"), []); // fe80 and fec0 differ inside the third hex digit
  assert.deepEqual(which("ipv6.dst == fe80::/9"), ["v6"]);
  assert.deepEqual(which("ipv6.dst == fe00::/9"), []); // the 9th bit: 8 = 1000 vs 0 = 0000
  assert.deepEqual(which("ipv6.dst == fe00::/8"), ["v6"]);
  assert.deepEqual(which("ipv6.dst == ff00::/9"), []);
  assert.deepEqual(which("ipv6.src == 2001:db8::1/128"), ["v6"]);
  assert.deepEqual(which("ipv6.src == ::/0"), ["v6"]);
  assert.deepEqual(which("ipv6.src == ::ffff:10.1.2.3"), []);
  assert.deepEqual(which("ipv6.addr != 2001:db8::1"), []);
  assert.deepEqual(which("ipv6.src != ::1"), ["v6"]);
});

test("contains on strings (case-sensitive), bytes and protocols; matches (case-insensitive by default)", () => {
  assert.deepEqual(which('data.data contains "GET /"'), ["get"]);
  assert.deepEqual(which("data.data contains 47:45:54"), ["get"]);
  assert.deepEqual(which("data.data contains 47-45-54"), ["get"]);
  assert.deepEqual(which("data.data contains 474554"), ["get"]);
  assert.deepEqual(which("data.data contains de:ad:be:ef"), ["udp"]);
  assert.deepEqual(which("data.data contains ad:de"), []);
  assert.deepEqual(which("data.data contains 0xef"), ["udp"]);
  assert.deepEqual(which('data.data == "hello"'), ["v6"]);
  assert.deepEqual(which("data.data == 68:65:6c:6c:6f"), ["v6"]);
  assert.deepEqual(which("data.data == 68:65:6c:6c"), []);
  assert.deepEqual(which('tcp contains "Host: example"'), ["get"]);
  assert.deepEqual(which('ip contains "Host"'), ["get"]);
  assert.deepEqual(which('udp contains "hello"'), ["v6"]);
  assert.deepEqual(which("udp contains 82:9a"), ["drop"]); // the quoted UDP header's port 33434
  assert.deepEqual(which("ip#2 contains 0a:01:02:03"), ["drop"]); // the quoted IPv4 header's 10.1.2.3
  assert.deepEqual(which("ip#1 contains 0a:09:09:09"), ["tunnel"]); // the outer header spans the inner one
  assert.deepEqual(which("ip#2 contains c6:33:64:01"), []); // …but not the other way round
  assert.deepEqual(which("eth contains ff:ff:ff:ff:ff:ff"), ["arp"]);
  assert.deepEqual(which('frame contains "hello"'), ["v6"]);
  assert.deepEqual(which('frame contains "HELLO"'), []);
  assert.deepEqual(which('vmswitch.port contains "Container"'), ["get"]);
  assert.deepEqual(which('vmswitch.port contains "container"'), []);
  assert.deepEqual(which("vmswitch.port contains NIC"), ["get"]);
  assert.deepEqual(which('vmswitch.port matches "container nic [0-9a-f]+$"'), ["get"]);
  assert.deepEqual(which('vmswitch.port ~ "^Container"'), ["get"]);
  assert.deepEqual(which('vmswitch.port matches "(?-i)container"'), []);
  assert.deepEqual(which('vmswitch.port matches "(?-i)Container"'), ["get"]);
  assert.deepEqual(which('frame.direction matches "^(in|out)$"'), ["syn", "get", "udp", "drop", "tunnel", "v6"]);
});

test("strings: quoted with escapes, raw, or bare words", () => {
  assert.deepEqual(which('frame.direction == "in"'), ["get", "udp", "tunnel", "v6"]);
  assert.deepEqual(which("frame.direction == in"), ["get", "udp", "tunnel", "v6"]);
  assert.deepEqual(which("frame.direction eq out"), ["syn", "drop"]);
  assert.deepEqual(which('frame.direction == "\\x6fut"'), ["syn", "drop"]); // \x6f = o
  assert.deepEqual(which('frame.direction == "\\157ut"'), ["syn", "drop"]); // \157 = o (octal)
  assert.deepEqual(which('frame.direction == "\\u006fut"'), ["syn", "drop"]);
  assert.deepEqual(which('vmswitch.port == "Container NIC 3f2a"'), ["get"]);
  assert.deepEqual(which('vmswitch.port == "container nic 3f2a"'), []);
  assert.deepEqual(which('vmswitch.port == r"Container NIC 3f2a"'), ["get"]);
  assert.deepEqual(which('vmswitch.port contains r"\\d"'), []); // raw: a backslash and a d
  assert.deepEqual(which('vmswitch.port matches r"NIC \\d"'), ["get"]);
  assert.deepEqual(which("frame.source == vmswitch"), ["get"]);
  assert.deepEqual(which("frame.source == pktmon and pktmon.direction == Rx"), ["udp"]);
});

test("membership: in {…} with spaces or commas, ranges, CIDR, strings; not in", () => {
  assert.deepEqual(which("tcp.port in {80 443}"), ["syn", "get", "tunnel"]);
  assert.deepEqual(which("tcp.port in {80, 443}"), ["syn", "get", "tunnel"]);
  assert.deepEqual(which("tcp.dstport in {80}"), ["get"]);
  assert.deepEqual(which("tcp.srcport in {1000..2000}"), ["tunnel"]);
  assert.deepEqual(which("tcp.srcport in {1000 .. 1234, 51000}"), ["syn", "tunnel"]);
  assert.deepEqual(which("tcp.srcport in {1000..1233}"), []);
  assert.deepEqual(which("ip.addr in {8.8.8.8 10.9.9.0/24}"), ["udp", "tunnel"]);
  assert.deepEqual(which("ip.addr in {10.0.0.5..10.1.2.3}"), ["syn", "drop"]);
  assert.deepEqual(which("eth.dst in {ff:ff:ff:ff:ff:ff 33-33-00-01-00-02}"), ["arp", "v6"]);
  assert.deepEqual(which("ipv6.dst in {fe80::/16}"), ["v6"]);
  assert.deepEqual(which('frame.direction in {"out" unknown}'), ["syn", "drop", "arp"]);
  assert.deepEqual(which("frame.time_relative in {1.5 .. 3}"), ["get", "udp"]);
  assert.deepEqual(which("tcp.dstport not in {80}"), ["syn", "tunnel"]);
  assert.deepEqual(which("tcp.port not in {80 443}"), []);
  assert.deepEqual(which("not tcp.port in {80 443}"), ["udp", "drop", "arp", "v6"]);
  assert.deepEqual(which("frame.number in {1 3 5 7 2}"), ["syn", "get", "udp", "tunnel", "v6"]);
});

test("frame.* fields", () => {
  assert.deepEqual(which("frame.len == 60"), ["syn"]);
  assert.deepEqual(which("frame.cap_len == 54"), ["syn"]);
  assert.deepEqual(which("frame.len > 60"), ["get", "drop", "tunnel", "v6"]);
  assert.deepEqual(which("frame.cap_len < 50"), ["udp", "arp"]);
  assert.deepEqual(which("frame.number == 4"), ["drop"]);
  assert.deepEqual(which("frame.number >= 6"), ["arp", "v6"]);
  assert.deepEqual(which("frame.time_relative == 1.5"), ["get"]);
  assert.deepEqual(which("frame.time_relative > 1 and frame.time_relative < 3.5"), ["get", "udp"]);
  assert.deepEqual(which("frame.direction == unknown"), ["arp"]);
});

test("pktmon.* fields, with component and drop reason also matched by name", () => {
  assert.deepEqual(which("pktmon.component == 12"), ["udp"]);
  assert.deepEqual(which("pktmon.component == 7"), ["drop"]);
  assert.deepEqual(which('pktmon.component == "vmswitch"'), ["drop"]);
  assert.deepEqual(which("pktmon.component == vmnic0"), ["udp"]); // the name inside "Description (Name)"
  assert.deepEqual(which('pktmon.component == "Microsoft Hyper-V Network Adapter"'), ["udp"]); // the description
  assert.deepEqual(which('pktmon.component == "Microsoft Hyper-V Network Adapter (vmnic0)"'), ["udp"]);
  assert.deepEqual(which('pktmon.component == "Hyper-V"'), []);
  assert.deepEqual(which('pktmon.component contains "Hyper-V"'), ["udp"]);
  assert.deepEqual(which('pktmon.component matches "^vm"'), ["drop"]);
  // A set holding a name compares names (as text), so the bare 12 here is the text "12" and matches no label.
  assert.deepEqual(which("pktmon.component in {vmswitch 12}"), ["drop"]);
  assert.deepEqual(which("pktmon.component in {7 12}"), ["udp", "drop"]);
  assert.deepEqual(which("pktmon.component != 12"), ["drop"]);
  assert.deepEqual(which("pktmon.group == 18446744073709551615"), ["udp"]);
  assert.deepEqual(which("pktmon.group == 0xffffffffffffffff"), ["udp"]);
  assert.deepEqual(which("pktmon.group == 42"), ["drop"]);
  assert.deepEqual(which("pktmon.group > 42"), ["udp"]);
  assert.deepEqual(which("pktmon.group < 100"), ["drop"]);
  assert.deepEqual(which("pktmon.appearance == 2"), ["udp"]);
  assert.deepEqual(which("pktmon.drop"), ["drop"]);
  assert.deepEqual(which("!pktmon.drop"), ["syn", "get", "udp", "tunnel", "arp", "v6"]);
  assert.deepEqual(which("pktmon.drop_reason == 25"), ["drop"]);
  assert.deepEqual(which('pktmon.drop_reason == "Filtered VLAN"'), ["drop"]);
  assert.deepEqual(which('pktmon.drop_reason contains "VLAN"'), ["drop"]);
  assert.deepEqual(which("pktmon.edge == 3"), ["drop"]);
  assert.deepEqual(which("pktmon.direction == Tx"), ["drop"]);
  assert.deepEqual(which('pktmon.direction == "Rx"'), ["udp"]);
  assert.deepEqual(which("pktmon.packet_type == 1"), ["udp", "drop"]);
  assert.deepEqual(which("pktmon.packet_type == Ethernet"), ["udp", "drop"]);
});

test("vmswitch.* and ndis.* fields", () => {
  assert.deepEqual(which('vmswitch.port == "Container NIC 3f2a"'), ["get"]);
  assert.deepEqual(which("vmswitch.port_id == 5"), ["get"]);
  assert.deepEqual(which("vmswitch.nic == Ethernet"), ["get"]);
  assert.deepEqual(which("vmswitch.nic_type == Synthetic"), ["get"]);
  assert.deepEqual(which("vmswitch.vlan == 100"), ["get"]);
  assert.deepEqual(which("ndis.ifindex == 7"), ["syn", "tunnel"]);
  assert.deepEqual(which("ndis.ifindex == 9"), ["get"]); // the vSwitch record's miniport ifIndex
  assert.deepEqual(which("ndis.ifindex in {8 9}"), ["get", "arp", "v6"]);
  assert.deepEqual(which('ndis.ifname == "Ethernet 2"'), ["syn"]);
  assert.deepEqual(which("ndis.fragments > 1"), ["tunnel"]);
});

test("a compiled filter is reusable and independent of the Dissection it runs on", () => {
  const f = compileFilter("ip.addr == 10.0.0.0/8 and tcp.port == 443");
  const dis = new Dissecter(builtinTables());
  const d1 = new Dissection();
  const d2 = new Dissection();
  const got: boolean[] = [];
  for (let round = 0; round < 3; round++) {
    for (const [, p] of CORPUS) {
      const d = round === 1 ? d2 : d1;
      dis.run(d, p.bytes, p.originalLength, p.linkType);
      got.push(f(d, p));
    }
  }
  const once = [true, false, false, false, true, false, false];
  assert.deepEqual(got, [...once, ...once, ...once]);
});
