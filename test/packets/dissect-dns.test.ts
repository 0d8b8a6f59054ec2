/**
 * DNS, mDNS and LLMNR dissection with hand-made messages (RFC 1035 §4.1 layout: 12-byte header, questions,
 * resource records; §4.1.4 compression pointers), summaries as tcpdump prints them, truncated and malformed
 * messages.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Proto, summarize } from "../../src/packets/mod.js";
import { cat, dissect, dnsName, eth, fv, ip4Num, ip6, ip6Hex, ipv4, labels, layers, tcp, touchEverything, treeOf, u16, u32, udp } from "./build.js";

const CLIENT = "00:15:5d:00:00:01";
const SERVER = "00:15:5d:00:00:02";

function header(id: number, flags: number, qd: number, an: number, ns = 0, ar = 0): number[] {
  return [...u16(id), ...u16(flags), ...u16(qd), ...u16(an), ...u16(ns), ...u16(ar)];
}
const question = (name: string, type: number, cls = 1): number[] => [...dnsName(name), ...u16(type), ...u16(cls)];
/** A resource record whose owner name is a compression pointer to `ptr`. */
const rrPtr = (ptr: number, type: number, ttl: number, rdata: number[], cls = 1): number[] => [0xc0 | (ptr >> 8), ptr & 255, ...u16(type), ...u16(cls), ...u32(ttl), ...u16(rdata.length), ...rdata];

function overUdp(msg: number[], sport = 53123, dport = 53, src = "192.168.0.115", dst = "8.8.8.8"): Uint8Array {
  return eth(SERVER, CLIENT, 0x0800, ipv4(src, dst, 17, udp(sport, dport, msg)));
}

// hand-made: standard query, recursion desired, google.com A
const QUERY = [...header(0x1234, 0x0100, 1, 0), ...question("google.com", 1)];
// hand-made: its answer, google.com A 142.250.1.1, the owner name a pointer to the question's name (offset 12)
const RESPONSE = [...header(0x1234, 0x8180, 1, 1), ...question("google.com", 1), ...rrPtr(12, 1, 300, [142, 250, 1, 1])];

test("DNS query: header, question fields, tcpdump summary", () => {
  const d = dissect(overUdp(QUERY));
  assert.equal(layers(d), "eth/ip/udp/dns");
  assert.equal(d.truncated, 0);
  assert.equal(d.malformed, 0);
  assert.equal(fv(d, "dns.id"), 0x1234);
  assert.equal(fv(d, "dns.flags.response"), false);
  assert.equal(fv(d, "dns.flags.recdesired"), true);
  assert.equal(fv(d, "dns.flags.opcode"), 0);
  assert.equal(fv(d, "dns.count.queries"), 1);
  assert.equal(fv(d, "dns.count.answers"), 0);
  assert.equal(fv(d, "dns.qry.name"), "google.com");
  assert.equal(fv(d, "dns.qry.type"), 1);
  assert.equal(fv(d, "dns.qry.class"), 1);
  assert.equal(fv(d, "dns.a"), undefined);
  assert.equal(summarize(d), "00-15-5D-00-00-01 > 00-15-5D-00-00-02, ethertype IPv4 (0x0800), length 70: 192.168.0.115.53123 > 8.8.8.8.53: 4660+ A? google.com. (28)");
  const t = treeOf(d, "dns");
  assert.equal(t.label, "Domain Name System (query)");
  assert.ok(labels(t).includes("google.com: type A, class IN"));
});

test("DNS response: compressed owner name, A record, summary with counts", () => {
  const d = dissect(overUdp(RESPONSE, 53, 53123, "8.8.8.8", "192.168.0.115"));
  assert.equal(fv(d, "dns.flags.response"), true);
  assert.equal(fv(d, "dns.flags.rcode"), 0);
  assert.equal(fv(d, "dns.flags.recavail"), true);
  assert.equal(fv(d, "dns.resp.name"), "google.com");
  assert.equal(fv(d, "dns.resp.ttl"), 300);
  assert.equal(fv(d, "dns.a"), ip4Num("142.250.1.1"));
  assert.match(summarize(d), /8\.8\.8\.8\.53 > 192\.168\.0\.115\.53123: 4660 1\/0\/0 A 142\.250\.1\.1 \(44\)$/);
  const t = treeOf(d, "dns");
  assert.equal(t.label, "Domain Name System (response)");
  assert.ok(labels(t).includes("google.com: type A, class IN, addr 142.250.1.1"));
  assert.ok(labels(t).includes("Address: 142.250.1.1"));
});

test("DNS response: CNAME chain, several A records, AAAA, NXDOMAIN flags", () => {
  // hand-made: www.example.com CNAME example.com (pointer into the question), two A records, one AAAA
  const q = question("www.example.com", 1);
  const msg = [
    ...header(7, 0x8580, 1, 4), ...q,
    ...rrPtr(12, 5, 60, [0xc0, 16]), // rdata: pointer to "example.com" inside the question (offset 12 + 4)
    ...rrPtr(16, 1, 60, [93, 184, 216, 34]),
    ...rrPtr(16, 1, 60, [93, 184, 216, 35]),
    ...rrPtr(16, 28, 60, ip6("2606:2800:220:1::248")),
  ];
  const d = dissect(overUdp(msg, 53, 40000));
  assert.equal(d.malformed, 0);
  assert.deepEqual(fv(d, "dns.resp.name"), ["www.example.com", "example.com", "example.com", "example.com"]);
  assert.equal(fv(d, "dns.cname"), "example.com");
  assert.deepEqual(fv(d, "dns.a"), [ip4Num("93.184.216.34"), ip4Num("93.184.216.35")]);
  assert.equal(fv(d, "dns.aaaa"), ip6Hex("2606:2800:220:1::248"));
  assert.equal(fv(d, "dns.flags.authoritative"), true);
  assert.match(summarize(d), /: 7\* 4\/0\/0 CNAME example\.com\., A 93\.184\.216\.34, A 93\.184\.216\.35, AAAA 2606:2800:220:1::248 \(\d+\)$/);

  const nx = dissect(overUdp([...header(8, 0x8183, 1, 0), ...question("nope.example", 1)], 53, 40000));
  assert.equal(fv(nx, "dns.flags.rcode"), 3);
  assert.match(summarize(nx), /: 8 NXDomain 0\/0\/0 \(30\)$/);
});

test("mDNS (5353): QU/QM questions, cache-flush answers; LLMNR (5355)", () => {
  const qu = dissect(overUdp([...header(0, 0, 1, 0), ...question("_spotify-connect._tcp.local", 12, 0x8001)], 5353, 5353, "192.168.0.144", "224.0.0.251"));
  assert.equal(layers(qu), "eth/ip/udp/dns");
  assert.equal(fv(qu, "dns.qry.class"), 1, "the QU bit is not part of the class");
  assert.match(summarize(qu), /224\.0\.0\.251\.5353: 0 PTR \(QU\)\? _spotify-connect\._tcp\.local\. \(45\)$/);
  assert.equal(treeOf(qu, "dns").label, "Multicast Domain Name System (query)");

  // hand-made: mDNS response, authoritative, one A record with the cache-flush bit
  const resp = dissect(overUdp([...header(0, 0x8400, 0, 1), ...dnsName("host.local"), ...u16(1), ...u16(0x8001), ...u32(120), ...u16(4), 192, 168, 0, 144], 5353, 5353));
  assert.match(summarize(resp), /: 0\*- \[0q\] 1\/0\/0 \(Cache flush\) A 192\.168\.0\.144 \(38\)$/);
  assert.equal(fv(resp, "dns.a"), ip4Num("192.168.0.144"));

  const llmnr = dissect(overUdp([...header(0x55, 0, 1, 0), ...question("printer", 1)], 61000, 5355, "192.168.0.115", "224.0.0.252"));
  assert.equal(layers(llmnr), "eth/ip/udp/dns");
  assert.equal(fv(llmnr, "dns.qry.name"), "printer");
  assert.equal(treeOf(llmnr, "dns").label, "Link-local Multicast Name Resolution (query)");
  assert.equal(fv(llmnr, "dns.flags.recdesired"), undefined, "LLMNR has no RD bit");
  assert.equal(fv(llmnr, "dns.flags.conflict"), false);
  // tcpdump (and so pktmon) has no LLMNR printer
  assert.match(summarize(llmnr), /224\.0\.0\.252\.5355: UDP, length 25$/);
});

test("DNS over TCP: the 2-byte length prefix, summary after the TCP part", () => {
  const seg = cat(u16(QUERY.length), QUERY);
  const d = dissect(eth(SERVER, CLIENT, 0x0800, ipv4("10.0.0.1", "10.0.0.53", 6, tcp(50000, 53, 1, 1, 0x18, seg))));
  assert.equal(layers(d), "eth/ip/tcp/dns");
  assert.equal(fv(d, "dns.length"), 28);
  assert.equal(fv(d, "dns.id"), 0x1234);
  assert.equal(fv(d, "dns.qry.name"), "google.com");
  assert.match(summarize(d), /10\.0\.0\.1\.50000 > 10\.0\.0\.53\.53: Flags \[P\.\], seq 1:31, ack 1, win 512, length 30 4660\+ A\? google\.com\. \(28\)$/);
  // A segment that does not start a message (prefix < 12) stays data.
  const cont = dissect(eth(SERVER, CLIENT, 0x0800, ipv4("10.0.0.1", "10.0.0.53", 6, tcp(50000, 53, 1, 1, 0x18, [0, 4, 1, 2, 3, 4]))));
  assert.equal(layers(cont), "eth/ip/tcp/data");
});

test("DNS truncated: decoded as far as the bytes go, truncated set, tcpdump's [|domain]", () => {
  const full = overUdp(QUERY);
  // cut inside the question name ("goo")
  const cut = dissect(full.subarray(0, 14 + 20 + 8 + 12 + 4), 1, full.length);
  assert.equal(layers(cut), "eth/ip/udp/dns");
  assert.equal(cut.truncated, Proto.Dns);
  assert.equal(cut.malformed, 0);
  assert.equal(fv(cut, "dns.id"), 0x1234);
  assert.equal(fv(cut, "dns.count.queries"), 1);
  assert.equal(fv(cut, "dns.qry.name"), undefined);
  assert.match(summarize(cut), /: 4660\+\[\|domain\]$/);
  touchEverything(cut);

  // cut inside the header
  const head = dissect(full.subarray(0, 14 + 20 + 8 + 5), 1, full.length);
  assert.equal(head.truncated, Proto.Dns);
  assert.equal(fv(head, "dns.id"), 0x1234);
  assert.equal(fv(head, "dns.count.queries"), undefined);
  assert.match(summarize(head), /8\.8\.8\.8\.53: \[\|domain\]$/);
  touchEverything(head);

  // a response cut inside the answer's address: the type is printed, then [|domain]
  const r = overUdp(RESPONSE, 53, 53123);
  const rc = dissect(r.subarray(0, r.length - 2), 1, r.length);
  assert.equal(rc.truncated, Proto.Dns);
  assert.equal(fv(rc, "dns.qry.name"), "google.com");
  assert.equal(fv(rc, "dns.a"), undefined);
  assert.match(summarize(rc), /: 4660 1\/0\/0 A\[\|domain\]$/);
  touchEverything(rc);
});

test("DNS malformed: compression loops and bad lengths never hang or throw", () => {
  // hand-made: the question name is a pointer to itself (offset 12)
  const self = dissect(overUdp([...header(1, 0x0100, 1, 0), 0xc0, 12, ...u16(1), ...u16(1)]));
  assert.equal(self.malformed, Proto.Dns);
  assert.match(self.malformedReason, /loop/);
  assert.equal(fv(self, "dns.qry.name"), undefined);
  assert.match(summarize(self), /: 1\+ A\? <BAD PTR>\[\|domain\]$/);
  touchEverything(self);

  // hand-made: label "a" then a pointer forward to a name that points back to the first (a two-name loop)
  const loop = [...header(2, 0x0100, 2, 0), 1, 0x61, 0xc0, 20, ...u16(1), ...u16(1), 1, 0x62, 0xc0, 12, ...u16(1), ...u16(1)];
  const l = dissect(overUdp(loop));
  assert.equal(l.malformed, Proto.Dns);
  assert.equal(fv(l, "dns.qry.name"), undefined);
  touchEverything(l);
  summarize(l);

  // an answer whose RDLENGTH runs past the end of the UDP payload (frame complete): malformed, not truncated
  const bad = [...header(3, 0x8180, 1, 1), ...question("x.y", 1), ...rrPtr(12, 1, 1, [1, 2, 3, 4])];
  bad[bad.length - 5] = 200; // RDLENGTH low byte
  const b = dissect(overUdp(bad));
  assert.equal(b.malformed, Proto.Dns);
  assert.equal(b.truncated, 0);
  assert.match(b.malformedReason, /past the end/);
  touchEverything(b);
  summarize(b);

  // reserved label type 0x80
  const r = dissect(overUdp([...header(4, 0x0100, 1, 0), 0x81, 0x61, 0, ...u16(1), ...u16(1)]));
  assert.equal(r.malformed, Proto.Dns);
  touchEverything(r);
  summarize(r);
});
