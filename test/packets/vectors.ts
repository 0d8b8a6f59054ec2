/**
 * Hand-made frames covering every dissector added for the "Packets" issue (DNS/mDNS/LLMNR over UDP and TCP, DHCP,
 * ICMPv6 ND/MLD/errors, VXLAN, NVGRE, GRE, 802.11 data/management/control, LLC/SNAP, STP, raw IP), built from
 * the RFC/IEEE layouts. Shared by the fuzz test (as mutation templates) and the tshark cross-check.
 */
import { ascii, cat, dnsName, eth, icmpEcho, ip4, ip6, ipv4, ipv6, le16, mac, tcp, u16, u32, udp } from "./build.js";

export interface Vector {
  readonly name: string;
  /** pcap link type: 1 Ethernet, 105 802.11, 101 raw IP. */
  readonly linkType: number;
  readonly bytes: Uint8Array;
}

const A = "00:15:5d:00:00:01";
const B = "00:15:5d:00:00:02";
const AP = "3c:84:6a:01:ea:8b";
const inner = eth(B, A, 0x0800, ipv4("192.168.1.1", "192.168.1.2", 1, icmpEcho(1, 1, 8)));
const dnsQuery = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...dnsName("www.example.com"), 0, 1, 0, 1];
/** Response: CNAME (pointer into the question), A, and an OPT pseudo-record in the additional section. */
const dnsResp = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 1, ...dnsName("www.example.com"), 0, 1, 0, 1,
  0xc0, 12, 0, 5, 0, 1, ...u32(60), 0, 2, 0xc0, 16, 0xc0, 16, 0, 1, 0, 1, ...u32(60), 0, 4, 1, 2, 3, 4,
  0, 0, 41, 0x10, 0, 0, 0, 0x80, 0, 0, 0];
/** mDNS response: PTR, SRV, TXT, AAAA with cache-flush bits. */
const mdnsResp = [0, 0, 0x84, 0, 0, 0, 0, 4, 0, 0, 0, 0,
  ...dnsName("_http._tcp.local"), 0, 12, 0, 1, ...u32(120), 0, 7, 4, ...ascii("web1"), 0xc0, 12,
  0xc0, 40, 0, 33, 0x80, 1, ...u32(120), 0, 13, 0, 0, 0, 0, ...u16(8080), 4, ...ascii("web1"), 0xc0, 23,
  0xc0, 40, 0, 16, 0x80, 1, ...u32(120), 0, 9, 8, ...ascii("path=/ok"),
  0xc0, 65, 0, 28, 0x80, 1, ...u32(120), 0, 16, ...ip6("fe80::1234")];
const dhcp = [1, 1, 6, 0, ...u32(7), 0, 0, 0x80, 0, ...new Array(16).fill(0), ...mac(A), ...new Array(10 + 192).fill(0),
  99, 130, 83, 99, 53, 1, 1, 12, 3, ...ascii("abc"), 50, 4, ...ip4("10.0.0.9"), 55, 2, 1, 3, 255];
const dhcpAck = [2, 1, 6, 0, ...u32(7), 0, 0, 0, 0, ...new Array(4).fill(0), ...ip4("10.0.0.9"), ...ip4("10.0.0.1"), 0, 0, 0, 0,
  ...mac(A), ...new Array(10 + 192).fill(0), 99, 130, 83, 99, 53, 1, 5, 54, 4, ...ip4("10.0.0.1"), 51, 4, ...u32(3600),
  1, 4, ...ip4("255.255.255.0"), 3, 4, ...ip4("10.0.0.1"), 6, 8, ...ip4("8.8.8.8"), ...ip4("1.1.1.1"), 255];
const ra = [134, 0, 0, 0, 64, 0xc0, ...u16(1800), ...u32(0), ...u32(0),
  3, 4, 64, 0xc0, ...u32(86400), ...u32(14400), ...u32(0), ...ip6("2001:db8::"), 5, 1, 0, 0, ...u32(1500), 1, 1, ...mac(A)];
const snapIp = [0xaa, 0xaa, 3, 0, 0, 0, 8, 0];

export const VECTORS: readonly Vector[] = [
  { name: "DNS query", linkType: 1, bytes: eth(B, A, 0x0800, ipv4("10.0.0.1", "8.8.8.8", 17, udp(5000, 53, dnsQuery))) },
  { name: "DNS response", linkType: 1, bytes: eth(B, A, 0x0800, ipv4("8.8.8.8", "10.0.0.1", 17, udp(53, 5000, dnsResp))) },
  { name: "mDNS response", linkType: 1, bytes: eth(B, A, 0x0800, ipv4("10.0.0.1", "224.0.0.251", 17, udp(5353, 5353, mdnsResp))) },
  { name: "LLMNR query", linkType: 1, bytes: eth(B, A, 0x0800, ipv4("10.0.0.1", "224.0.0.252", 17, udp(60000, 5355, dnsQuery))) },
  { name: "DNS over TCP", linkType: 1, bytes: eth(B, A, 0x0800, ipv4("10.0.0.1", "10.0.0.53", 6, tcp(5000, 53, 1, 1, 0x18, cat(u16(dnsQuery.length), dnsQuery)))) },
  { name: "DHCP discover", linkType: 1, bytes: eth(B, A, 0x0800, ipv4("0.0.0.0", "255.255.255.255", 17, udp(68, 67, dhcp))) },
  { name: "DHCP ACK", linkType: 1, bytes: eth(A, B, 0x0800, ipv4("10.0.0.1", "10.0.0.9", 17, udp(67, 68, dhcpAck))) },
  { name: "ICMPv6 NS", linkType: 1, bytes: eth(B, A, 0x86dd, ipv6("fe80::1", "ff02::1:ff00:2", 58, [135, 0, 0, 0, 0, 0, 0, 0, ...ip6("fe80::2"), 1, 1, ...mac(A)], 255)) },
  { name: "ICMPv6 NA", linkType: 1, bytes: eth(B, A, 0x86dd, ipv6("fe80::2", "fe80::1", 58, [136, 0, 0, 0, 0x60, 0, 0, 0, ...ip6("fe80::2"), 2, 1, ...mac(B)], 255)) },
  { name: "ICMPv6 RA", linkType: 1, bytes: eth(B, A, 0x86dd, ipv6("fe80::1", "ff02::1", 58, ra, 255)) },
  { name: "ICMPv6 MLDv2 report", linkType: 1, bytes: eth(B, A, 0x86dd, ipv6("fe80::1", "ff02::16", 0, [58, 0, 5, 2, 0, 0, 1, 0, 143, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, ...ip6("ff02::fb")], 1)) },
  { name: "ICMPv6 packet too big", linkType: 1, bytes: eth(B, A, 0x86dd, ipv6("2001:db8::fe", "2001:db8::1", 58, cat([2, 0, 0, 0], u32(1280), ipv6("2001:db8::1", "2001:db8::2", 17, udp(1000, 2000, [0]))))) },
  { name: "ICMPv6 echo", linkType: 1, bytes: eth(B, A, 0x86dd, ipv6("2001:db8::1", "2001:db8::2", 58, [128, 0, 0, 0, 0x12, 0x34, 0, 7, 1, 2, 3, 4])) },
  { name: "VXLAN", linkType: 1, bytes: eth(B, A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(54321, 4789, cat([0x08, 0, 0, 0, 0, 0x10, 0, 0], inner)))) },
  { name: "NVGRE", linkType: 1, bytes: eth(B, A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 47, cat([0x20, 0, 0x65, 0x58, 0, 0x12, 0x34, 0x56], inner))) },
  { name: "GRE with checksum, key, sequence", linkType: 1, bytes: eth(B, A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 47, cat([0xb0, 0, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2], ipv4("1.1.1.1", "2.2.2.2", 1, icmpEcho(1, 1, 4))))) },
  { name: "STP over 802.3", linkType: 1, bytes: cat(mac("01:80:c2:00:00:00"), mac(A), u16(38), [0x42, 0x42, 0x03, 0, 0, 0, 0, 0], new Array(30).fill(0)) },
  { name: "802.11 QoS data to DS", linkType: 105, bytes: cat([0x88, 0x01, 0x2c, 0], mac(AP), mac(A), mac(B), le16(0x10), le16(5), snapIp, ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 53, dnsQuery))) },
  { name: "802.11 data from DS", linkType: 105, bytes: cat([0x08, 0x02, 0x2c, 0], mac(B), mac(AP), mac(A), le16(0x20), snapIp, ipv4("10.0.0.2", "10.0.0.1", 17, udp(53, 1, dnsResp))) },
  { name: "802.11 WDS data", linkType: 105, bytes: cat([0x08, 0x03, 0, 0], mac(AP), mac(B), mac(A), le16(0x10), mac("02:00:00:00:00:04"), snapIp, ipv4("10.0.0.1", "10.0.0.2", 1, icmpEcho(1, 1, 4))) },
  { name: "802.11 protected (CCMP)", linkType: 105, bytes: cat([0x08, 0x41, 0, 0], mac(AP), mac(A), mac(B), le16(0x10), [1, 0, 0, 0x20, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9]) },
  { name: "802.11 beacon", linkType: 105, bytes: cat([0x80, 0x00, 0, 0], mac("ff:ff:ff:ff:ff:ff"), mac(AP), mac(AP), le16(0x150), new Array(8).fill(0), le16(100), le16(0x11), [0, 4, ...ascii("wifi"), 1, 2, 0x82, 0x84, 3, 1, 6]) },
  { name: "802.11 probe request", linkType: 105, bytes: cat([0x40, 0x00, 0, 0], mac("ff:ff:ff:ff:ff:ff"), mac(A), mac("ff:ff:ff:ff:ff:ff"), le16(0x160), [0, 4, ...ascii("wifi"), 1, 2, 0x02, 0x04]) },
  { name: "802.11 deauthentication", linkType: 105, bytes: cat([0xc0, 0x00, 0x3a, 0x01], mac(A), mac(AP), mac(AP), le16(0x170), le16(7)) },
  { name: "802.11 RTS", linkType: 105, bytes: cat([0xb4, 0x00, 0x10, 0x01], mac(AP), mac(A)) },
  { name: "802.11 ACK", linkType: 105, bytes: cat([0xd4, 0x00, 0, 0], mac(A)) },
  { name: "802.11 PS-Poll", linkType: 105, bytes: cat([0xa4, 0x10], le16(0xc005), mac(AP), mac(A)) },
  { name: "802.11 null data", linkType: 105, bytes: cat([0x48, 0x11, 0x2c, 0], mac(AP), mac(A), mac(AP), le16(0x180)) },
  { name: "raw IPv4 DHCP", linkType: 101, bytes: ipv4("10.0.0.1", "10.0.0.2", 17, udp(67, 68, dhcpAck)) },
  { name: "raw IPv6 echo", linkType: 101, bytes: ipv6("2001:db8::1", "2001:db8::2", 58, [128, 0, 0, 0, 0, 1, 0, 1]) },
];
