/**
 * ICMPv6 with hand-made messages: RFC 4443 errors and echo, RFC 4861 neighbor discovery (§4.1–4.4 layouts,
 * §4.6 options in 8-byte units), RFC 3810 MLDv2 report behind a hop-by-hop router-alert header.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Proto, summarize } from "../../src/packets/mod.js";
import { cat, dissect, eth, fv, ip6, ip6Hex, ipv6, labels, layers, mac, macNum, touchEverything, treeOf, u16, u32, udp } from "./build.js";

const HOST = "00:15:5d:00:00:01";
const ROUTER = "00:15:5d:00:00:fe";

const v6frame = (dstMac: string, src: string, dst: string, icmp: number[] | Uint8Array, next = 58): Uint8Array => eth(dstMac, HOST, 0x86dd, ipv6(src, dst, next, icmp, 255));

// hand-made: neighbor solicitation for fe80::2 with a source link-layer address option
const NS = [135, 0, 0, 0, 0, 0, 0, 0, ...ip6("fe80::2"), 1, 1, ...mac(HOST)];
// hand-made: solicited, override neighbor advertisement with a target link-layer address option
const NA = [136, 0, 0, 0, 0x60, 0, 0, 0, ...ip6("fe80::2"), 2, 1, ...mac(ROUTER)];

test("ICMPv6 neighbor solicitation: target address, source link-layer option, summary", () => {
  const d = dissect(v6frame("33:33:ff:00:00:02", "fe80::1", "ff02::1:ff00:2", NS));
  assert.equal(layers(d), "eth/ipv6/icmpv6");
  assert.equal(d.truncated, 0);
  assert.equal(d.malformed, 0);
  assert.equal(fv(d, "icmpv6.type"), 135);
  assert.equal(fv(d, "icmpv6.code"), 0);
  assert.equal(fv(d, "icmpv6.nd.ns.target_address"), ip6Hex("fe80::2"));
  assert.equal(fv(d, "icmpv6.nd.na.target_address"), undefined);
  assert.equal(fv(d, "icmpv6.opt.src_linkaddr"), macNum(HOST));
  assert.equal(fv(d, "icmpv6.opt.linkaddr"), macNum(HOST));
  assert.equal(summarize(d), "00-15-5D-00-00-01 > 33-33-FF-00-00-02, ethertype IPv6 (0x86dd), length 86: fe80::1 > ff02::1:ff00:2: ICMP6, neighbor solicitation, who has fe80::2, length 32");
  const t = treeOf(d, "icmpv6");
  assert.ok(labels(t).includes("Type: Neighbor Solicitation (135)"));
  assert.ok(labels(t).includes("Target Address: fe80::2"));
  assert.ok(labels(t).includes("ICMPv6 Option (Source link-layer address) : 00:15:5d:00:00:01"));
});

test("ICMPv6 neighbor advertisement: flags, target, target link-layer option", () => {
  const d = dissect(v6frame(HOST, "fe80::2", "fe80::1", NA));
  assert.equal(fv(d, "icmpv6.nd.na.target_address"), ip6Hex("fe80::2"));
  assert.equal(fv(d, "icmpv6.nd.na.flag.r"), false);
  assert.equal(fv(d, "icmpv6.nd.na.flag.s"), true);
  assert.equal(fv(d, "icmpv6.nd.na.flag.o"), true);
  assert.equal(fv(d, "icmpv6.opt.target_linkaddr"), macNum(ROUTER));
  assert.match(summarize(d), /fe80::2 > fe80::1: ICMP6, neighbor advertisement, tgt is fe80::2, length 32$/);
});

test("ICMPv6 router advertisement and solicitation: prefix, MTU, lifetime", () => {
  // hand-made RA: hop limit 64, M and O flags, lifetime 1800 s; prefix 2001:db8::/64, MTU 1500, source link-layer
  const prefix = [3, 4, 64, 0xc0, ...u32(86400), ...u32(14400), ...u32(0), ...ip6("2001:db8::")];
  const ra = [134, 0, 0, 0, 64, 0xc0, ...u16(1800), ...u32(0), ...u32(0), ...prefix, 5, 1, 0, 0, ...u32(1500), 1, 1, ...mac(ROUTER)];
  const d = dissect(v6frame("33:33:00:00:00:01", "fe80::fe", "ff02::1", ra));
  assert.equal(d.malformed, 0);
  assert.equal(fv(d, "icmpv6.nd.ra.cur_hop_limit"), 64);
  assert.equal(fv(d, "icmpv6.nd.ra.flag.m"), true);
  assert.equal(fv(d, "icmpv6.nd.ra.router_lifetime"), 1800);
  assert.equal(fv(d, "icmpv6.opt.prefix"), ip6Hex("2001:db8::"));
  assert.equal(fv(d, "icmpv6.opt.mtu"), 1500);
  assert.equal(fv(d, "icmpv6.opt.src_linkaddr"), macNum(ROUTER));
  assert.match(summarize(d), /fe80::fe > ff02::1: ICMP6, router advertisement, length 64$/);
  assert.ok(labels(treeOf(d, "icmpv6")).includes("ICMPv6 Option (Prefix information) : 2001:db8::/64"));

  const rs = dissect(v6frame("33:33:00:00:00:02", "fe80::1", "ff02::2", [133, 0, 0, 0, 0, 0, 0, 0, 1, 1, ...mac(HOST)]));
  assert.match(summarize(rs), /ICMP6, router solicitation, length 16$/);
});

test("ICMPv6 echo and errors: packet too big (MTU), unreachable port, time exceeded quote the packet", () => {
  const echo = dissect(v6frame(ROUTER, "2001:db8::1", "2001:db8::2", [128, 0, 0, 0, ...u16(0x1234), ...u16(7), 1, 2, 3, 4, 5, 6, 7, 8]));
  assert.equal(fv(echo, "icmpv6.echo.identifier"), 0x1234);
  assert.equal(fv(echo, "icmpv6.echo.sequence_number"), 7);
  assert.match(summarize(echo), /2001:db8::1 > 2001:db8::2: ICMP6, echo request, seq 7, length 16$/);

  // the offending packet: 2001:db8::1 → 2001:db8::2, UDP 5000 → 9999
  const quoted = ipv6("2001:db8::1", "2001:db8::2", 17, udp(5000, 9999, [1, 2, 3, 4]));
  const ptb = dissect(v6frame(HOST, "2001:db8::fe", "2001:db8::1", cat([2, 0, 0, 0], u32(1280), quoted)));
  assert.equal(layers(ptb), "eth/ipv6/icmpv6/ipv6/udp/data");
  assert.equal(fv(ptb, "icmpv6.mtu"), 1280);
  assert.equal(fv(ptb, "ipv6.dst", -1), ip6Hex("2001:db8::2"));
  assert.match(summarize(ptb), /2001:db8::fe > 2001:db8::1: ICMP6, packet too big, mtu 1280, length 60$/);

  const unreach = dissect(v6frame(HOST, "2001:db8::2", "2001:db8::1", cat([1, 4, 0, 0, 0, 0, 0, 0], quoted)));
  assert.match(summarize(unreach), /ICMP6, destination unreachable, unreachable port, 2001:db8::2 udp port 9999, length 60$/);

  const ttl = dissect(v6frame(HOST, "2001:db8::fe", "2001:db8::1", cat([3, 0, 0, 0, 0, 0, 0, 0], quoted)));
  assert.match(summarize(ttl), /ICMP6, time exceeded in-transit for 2001:db8::2, length 60$/);
});

test("ICMPv6 MLDv2 report behind a hop-by-hop router alert", () => {
  // hand-made: HBH (next 58, router alert option, PadN) + MLDv2 report with one record for ff02::fb
  const hbh = [58, 0, 5, 2, 0, 0, 1, 0];
  const report = [143, 0, 0, 0, 0, 0, ...u16(1), 4, 0, ...u16(0), ...ip6("ff02::fb")];
  const d = dissect(v6frame("33:33:00:00:00:16", "fe80::1", "ff02::16", cat(hbh, report), 0));
  assert.equal(layers(d), "eth/ipv6/icmpv6");
  assert.equal(fv(d, "icmpv6.mldr.nb_mcast_records"), 1);
  assert.match(summarize(d), /fe80::1 > ff02::16: HBH ICMP6, multicast listener report v2, 1 group record\(s\), length 28$/);
});

test("ICMPv6 truncated and malformed: cut inside the target, zero-length option, short message", () => {
  const full = v6frame("33:33:ff:00:00:02", "fe80::1", "ff02::1:ff00:2", NS);
  const cut = dissect(full.subarray(0, 14 + 40 + 16), 1, full.length);
  assert.equal(layers(cut), "eth/ipv6/icmpv6");
  assert.equal(cut.truncated, Proto.Icmpv6);
  assert.equal(fv(cut, "icmpv6.type"), 135);
  assert.equal(fv(cut, "icmpv6.nd.ns.target_address"), undefined);
  assert.match(summarize(cut), /ff02::1:ff00:2: ICMP6, neighbor solicitation\[\|icmp6\]$/);
  touchEverything(cut);

  // the option is cut: the target is there, the option is not
  const optCut = dissect(full.subarray(0, full.length - 3), 1, full.length);
  assert.equal(optCut.truncated, Proto.Icmpv6);
  assert.equal(fv(optCut, "icmpv6.nd.ns.target_address"), ip6Hex("fe80::2"));
  assert.equal(fv(optCut, "icmpv6.opt.src_linkaddr"), undefined);
  touchEverything(optCut);

  const zero = NS.slice();
  zero[25] = 0; // option length 0 (RFC 4861 §4.6: nodes MUST silently discard)
  const z = dissect(v6frame("33:33:ff:00:00:02", "fe80::1", "ff02::1:ff00:2", zero));
  assert.equal(z.malformed, Proto.Icmpv6);
  assert.equal(fv(z, "icmpv6.opt.src_linkaddr"), undefined);
  touchEverything(z);
  summarize(z);

  const short = dissect(v6frame("33:33:ff:00:00:02", "fe80::1", "ff02::1:ff00:2", NS.slice(0, 20)));
  assert.equal(short.malformed, Proto.Icmpv6);
  assert.equal(short.truncated, 0);
  touchEverything(short);
  summarize(short);
});
