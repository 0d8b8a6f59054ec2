/**
 * Tunnels and raw IP with hand-made frames: VXLAN (RFC 7348 §5 header: flags 0x08, 24-bit VNI) on UDP 4789,
 * NVGRE (RFC 7637 §3.2: GRE with the key bit, protocol 0x6558, key = 24-bit VSID + 8-bit FlowID), plain GRE
 * (RFC 2784/2890) carrying IPv4, and link type 101 (raw IPv4/IPv6 without a link header).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Proto, summarize } from "../../src/packets/mod.js";
import { cat, dissect, dnsName, eth, fv, icmpEcho, ip4Num, ipv4, ipv6, labels, layers, macNum, touchEverything, treeOf, u16, u32, udp } from "./build.js";

const OUTER_A = "00:15:5d:00:00:01";
const OUTER_B = "00:15:5d:00:00:02";
const VM_A = "00:15:5d:00:00:0a";
const VM_B = "00:15:5d:00:00:0b";

/** The tenant frame: VM A pings VM B (98 bytes). */
const INNER = eth(VM_B, VM_A, 0x0800, ipv4("192.168.1.1", "192.168.1.2", 1, icmpEcho(1, 1)));
const INNER_TEXT = "00-15-5D-00-00-0A > 00-15-5D-00-00-0B, ethertype IPv4 (0x0800), length 98: 192.168.1.1 > 192.168.1.2: ICMP echo request, id 1, seq 1, length 64";

const vxlanFrame = (vni: number): Uint8Array => eth(OUTER_B, OUTER_A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(54321, 4789, cat([0x08, 0, 0, 0], u32(vni << 8), INNER))));

test("VXLAN: VNI and flags, inner Ethernet/IPv4/ICMP in layer order, outer and inner summary", () => {
  const d = dissect(vxlanFrame(4096));
  assert.equal(layers(d), "eth/ip/udp/vxlan/eth/ip/icmp");
  assert.equal(d.truncated, 0);
  assert.equal(fv(d, "vxlan.vni"), 4096);
  assert.equal(fv(d, "vxlan.flags"), 0x0800);
  assert.equal(fv(d, "vxlan.flag_i"), true);
  assert.equal(fv(d, "eth.src", 1), macNum(VM_A));
  assert.equal(fv(d, "ip.dst", 1), ip4Num("192.168.1.2"));
  assert.equal(fv(d, "icmp.type"), 8);
  assert.equal(summarize(d), `00-15-5D-00-00-01 > 00-15-5D-00-00-02, ethertype IPv4 (0x0800), length 148: 10.0.0.1.54321 > 10.0.0.2.4789: VXLAN, flags [I] (0x08), vni 4096 ${INNER_TEXT}`);
  assert.ok(labels(treeOf(d, "vxlan")).includes("VXLAN Network Identifier (VNI): 4096"));
});

test("VXLAN truncated: inside the header, inside the inner frame", () => {
  const full = vxlanFrame(0xabcdef);
  const hdr = dissect(full.subarray(0, 14 + 20 + 8 + 5), 1, full.length);
  assert.equal(layers(hdr), "eth/ip/udp/vxlan");
  assert.equal(hdr.truncated, Proto.Vxlan);
  assert.equal(fv(hdr, "vxlan.vni"), undefined);
  assert.match(summarize(hdr), /10\.0\.0\.2\.4789: \[\|VXLAN\]$/);
  touchEverything(hdr);

  const inner = dissect(full.subarray(0, 14 + 20 + 8 + 8 + 14 + 10), 1, full.length);
  assert.equal(layers(inner), "eth/ip/udp/vxlan/eth");
  assert.equal(inner.truncated, Proto.Ipv4);
  assert.equal(fv(inner, "vxlan.vni"), 0xabcdef);
  assert.match(summarize(inner), /vni 11259375 00-15-5D-00-00-0A > 00-15-5D-00-00-0B, ethertype IPv4 \(0x0800\), length 98: \[\|ip\]$/);
  touchEverything(inner);
});

test("NVGRE: VSID and FlowID from the key, inner Ethernet/IPv4/ICMP, outer and inner summary", () => {
  // hand-made: GRE flags K (0x2000), protocol 0x6558, key = VSID 0x001234, FlowID 0x56
  const gre = cat([0x20, 0x00], u16(0x6558), [0x00, 0x12, 0x34, 0x56], INNER);
  const d = dissect(eth(OUTER_B, OUTER_A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 47, gre)));
  assert.equal(layers(d), "eth/ip/gre/eth/ip/icmp");
  assert.equal(fv(d, "gre.proto"), 0x6558);
  assert.equal(fv(d, "gre.flags.key"), true);
  assert.equal(fv(d, "gre.key"), 0x00123456);
  assert.equal(fv(d, "nvgre.vsid"), 0x1234);
  assert.equal(fv(d, "nvgre.flowid"), 0x56);
  assert.equal(fv(d, "eth.dst", 1), macNum(VM_B));
  assert.equal(summarize(d), `00-15-5D-00-00-01 > 00-15-5D-00-00-02, ethertype IPv4 (0x0800), length 140: 10.0.0.1 > 10.0.0.2: GREv0, key=0x123456, proto TEB (0x6558), length 106: ${INNER_TEXT}`);
  const t = treeOf(d, "gre");
  assert.equal(t.label, "Generic Routing Encapsulation (Transparent Ethernet bridging), NVGRE");
  assert.ok(labels(t).includes("Virtual Subnet ID (VSID): 4660"));
});

test("GRE: IPv4 payload with checksum and sequence number; truncated and bad versions", () => {
  // hand-made: flags C|S (0x9000), protocol IPv4, checksum/offset 0, sequence 7
  const inner = ipv4("192.168.1.1", "192.168.1.2", 1, icmpEcho(1, 1));
  const gre = cat([0x90, 0x00], u16(0x0800), [0, 0, 0, 0], u32(7), inner);
  const d = dissect(eth(OUTER_B, OUTER_A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 47, gre)));
  assert.equal(layers(d), "eth/ip/gre/ip/icmp");
  assert.equal(fv(d, "gre.sequence_number"), 7);
  assert.equal(fv(d, "gre.checksum"), 0);
  assert.equal(fv(d, "gre.key"), undefined);
  assert.equal(fv(d, "nvgre.vsid"), undefined);
  assert.match(summarize(d), /10\.0\.0\.1 > 10\.0\.0\.2: GREv0, off 0x0, seq 7, proto IPv4 \(0x0800\), length 96: 192\.168\.1\.1 > 192\.168\.1\.2: ICMP echo request, id 1, seq 1, length 64$/);

  const frame = eth(OUTER_B, OUTER_A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 47, gre));
  const cut = dissect(frame.subarray(0, 14 + 20 + 6), 1, frame.length);
  assert.equal(layers(cut), "eth/ip/gre");
  assert.equal(cut.truncated, Proto.Gre);
  assert.equal(fv(cut, "gre.proto"), 0x0800);
  assert.equal(fv(cut, "gre.sequence_number"), undefined);
  assert.match(summarize(cut), /GREv0\[\|gre\]$/);
  touchEverything(cut);

  const two = dissect(frame.subarray(0, 14 + 20 + 2), 1, frame.length);
  assert.equal(two.truncated, Proto.Gre);
  assert.match(summarize(two), /10\.0\.0\.2: GREv0\[\|gre\]$/);
  touchEverything(two);

  const v2 = dissect(eth(OUTER_B, OUTER_A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 47, cat([0x00, 0x02], u16(0x0800), inner))));
  assert.equal(v2.malformed, Proto.Gre);
  assert.match(summarize(v2), /GREv2 ERROR: unknown-version$/);
  touchEverything(v2);
});

test("raw IP (link type 101): IPv4 and IPv6 without a link header", () => {
  const query = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...dnsName("google.com"), 0, 1, 0, 1];
  const v4 = dissect(ipv4("10.0.0.1", "10.0.0.53", 17, udp(40000, 53, query)), 101);
  assert.equal(layers(v4), "ip/udp/dns");
  assert.equal(fv(v4, "dns.qry.name"), "google.com");
  assert.equal(summarize(v4), "10.0.0.1.40000 > 10.0.0.53.53: 4660+ A? google.com. (28)");

  const v6 = dissect(ipv6("2001:db8::1", "2001:db8::2", 58, [128, 0, 0, 0, 0, 1, 0, 2]), 101);
  assert.equal(layers(v6), "ipv6/icmpv6");
  assert.equal(summarize(v6), "2001:db8::1 > 2001:db8::2: ICMP6, echo request, seq 2, length 8");
});
