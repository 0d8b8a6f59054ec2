// The lab's frame builders: correct lengths and checksums (verified independently by summing), and rewrites that
// keep them correct.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  EtherType, IpProto, TcpFlag, addVlanTag, arp, dnsQuery, dnsResponse, ethernet, icmpEcho, icmpv6Echo, inetChecksum, ipv4Frame, ipv6,
  natRewrite, parseIpv4, parseIpv6, parseMac, peek, pingData, removeVlanTag, synOptions, tcp, udp, vxlanDecap, vxlanEncap, BROADCAST_MAC, ZERO_MAC,
} from "../../src/lab/frames.js";

const A = parseMac("00-15-5D-3A-9F-22");
const B = parseMac("00:15:5d:3a:90:01");

/** One's-complement sum of a transport segment with its pseudo-header (0xffff when the checksum is right). */
function transportSum(src: Uint8Array, dst: Uint8Array, proto: number, seg: Uint8Array): number {
  let s = 0;
  const add = (b: Uint8Array): void => {
    for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | (i + 1 < b.length ? b[i + 1] : 0);
  };
  add(src);
  add(dst);
  s += proto + seg.length;
  add(seg);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function ipv4Ok(f: Uint8Array): void {
  const p = peek(f);
  assert.equal(inetChecksum(f, p.l3, p.l3 + 20), 0, "IPv4 header checksum");
  const seg = f.subarray(p.l4, p.l3 + p.l3Length);
  if (p.proto === IpProto.ICMP) assert.equal(inetChecksum(seg), 0, "ICMP checksum");
  else if (p.proto === IpProto.UDP && (seg[6] | seg[7]) === 0) return;
  else assert.equal(transportSum(f.subarray(p.l3 + 12, p.l3 + 16), f.subarray(p.l3 + 16, p.l3 + 20), p.proto, seg), 0xffff, "transport checksum");
}

test("Ethernet + IPv4 + ICMP echo: the blog's 155-byte frame shape", () => {
  const f = ipv4Frame({ ethSrc: A, ethDst: B, src: "172.18.5.2", dst: "13.107.21.200", proto: IpProto.ICMP, id: 0x1c2b, payload: icmpEcho(8, 1, 17, pingData(113)) });
  assert.equal(f.length, 155);
  const p = peek(f);
  assert.deepEqual([p.src, p.dst, p.proto, p.icmpType, p.l3Length], ["172.18.5.2", "13.107.21.200", 1, 8, 141]);
  ipv4Ok(f);
  assert.equal(String.fromCharCode(...f.subarray(42, 47)), "abcde");
});

test("TCP SYN with Windows options, UDP and DNS: checksums verify", () => {
  const syn = ipv4Frame({ ethSrc: A, ethDst: B, src: "10.0.0.4", dst: "93.184.216.34", proto: IpProto.TCP, df: true, payload: tcp({ sport: 50000, dport: 80, seq: 123456, ack: 0, flags: TcpFlag.SYN, options: synOptions() }, "10.0.0.4", "93.184.216.34") });
  const p = peek(syn);
  assert.equal(p.tcpFlags, TcpFlag.SYN);
  assert.equal(syn[p.l4 + 12] >> 4, 8, "32-byte TCP header with options");
  ipv4Ok(syn);
  const q = ipv4Frame({ ethSrc: A, ethDst: B, src: "172.18.5.2", dst: "168.63.129.16", proto: IpProto.UDP, payload: udp({ sport: 55000, dport: 53, payload: dnsQuery(0x1234, "bing.com") }, "172.18.5.2", "168.63.129.16") });
  ipv4Ok(q);
  assert.equal(peek(q).dport, 53);
  const r = dnsResponse(0x1234, "bing.com", ["13.107.21.200"]);
  assert.deepEqual([...r.subarray(r.length - 4)], [13, 107, 21, 200]);
  assert.equal(r[3] & 0xf, 0, "rcode NOERROR");
  assert.equal(dnsResponse(1, "nope.example", [])[3] & 0xf, 3, "NXDOMAIN");
});

test("ARP request/reply and 60-byte padding", () => {
  const f = ethernet({ dst: BROADCAST_MAC, src: A, type: EtherType.ARP, payload: arp({ op: 1, senderMac: A, senderIp: "172.18.5.2", targetMac: ZERO_MAC, targetIp: "172.18.5.1" }) });
  assert.equal(f.length, 60);
  const p = peek(f);
  assert.equal(p.arp!.op, 1);
  assert.equal(p.arp!.targetIp, "172.18.5.1");
});

test("IPv6 + ICMPv6 echo checksum over the pseudo-header", () => {
  const src = "fe80::215:5dff:fe3a:9f22", dst = "fe80::1";
  const e = icmpv6Echo(128, 1, 1, pingData(32), src, dst);
  assert.equal(transportSum(parseIpv6(src), parseIpv6(dst), IpProto.ICMPv6, e), 0xffff);
  const f = ethernet({ dst: B, src: A, type: EtherType.IPv6, payload: ipv6({ src, dst, next: IpProto.ICMPv6, payload: e }) });
  const p = peek(f);
  assert.equal(p.ipVersion, 6);
  assert.equal(p.icmpType, 128);
  assert.equal(p.l3Length, 40 + e.length);
});

test("NAT rewrite keeps checksums right; VLAN tag insert/remove; VXLAN encap/decap", () => {
  const f = ipv4Frame({ ethSrc: A, ethDst: B, src: "172.18.5.2", dst: "93.184.216.34", proto: IpProto.TCP, payload: tcp({ sport: 50000, dport: 80, seq: 1, ack: 2, flags: TcpFlag.ACK, payload: new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n") }, "172.18.5.2", "93.184.216.34") });
  const n = natRewrite(f, { src: "10.0.0.4", sport: 61000, ttlDec: true });
  const p = peek(n);
  assert.deepEqual([p.src, p.sport, n[p.l3 + 8]], ["10.0.0.4", 61000, 127]);
  ipv4Ok(n);
  const icmp = natRewrite(ipv4Frame({ ethSrc: A, ethDst: B, src: "172.18.5.2", dst: "1.1.1.1", proto: IpProto.ICMP, payload: icmpEcho(8, 1, 5, pingData(32)) }), { src: "10.0.0.4", icmpId: 4242 });
  ipv4Ok(icmp);
  const tagged = addVlanTag(f, 11);
  assert.equal(peek(tagged).vlan, 11);
  assert.equal(peek(tagged).src, "172.18.5.2");
  assert.deepEqual(removeVlanTag(tagged), f);
  const outer = vxlanEncap({ outerSrcMac: A, outerDstMac: B, srcPa: "10.0.0.6", dstPa: "10.0.0.7", vni: 4096, sport: 50123, inner: f });
  const o = peek(outer);
  assert.equal(o.dport, 4789);
  assert.equal(o.vxlan!.vni, 4096);
  assert.equal(outer.length, f.length + 50, "VXLAN adds 50 bytes");
  ipv4Ok(outer);
  assert.deepEqual(vxlanDecap(outer), f);
  assert.deepEqual([...parseIpv4("10.0.0.4")], [10, 0, 0, 4]);
});
