/**
 * Seven hand-built packets the filter tests run every filter over, and `which(filter)` → the names of the
 * packets it keeps. Asserting the whole list checks the matches and the non-matches at once.
 *
 *   syn     NDIS #1, out, 0 s     eth 00:11:22:33:44:55 → 66:77:88:99:aa:bb
 *                                 IPv4 10.1.2.3 → 192.168.1.10 (ttl 64, id 0x1234, DF)
 *                                 TCP 51000 → 443 [SYN]; 54 bytes captured of 60 on the wire
 *   get     vSwitch #2, in, 1.5 s eth 66:77:88:99:aa:bb → 00:11:22:33:44:55, 802.1Q VLAN 100 priority 5
 *                                 IPv4 172.16.5.4 → 10.200.0.1, TCP 40000 → 80 [PSH, ACK] "GET /index.html …"
 *   udp     PktMon #3, in, 3 s    eth 00:11:22:33:44:55 → 66:77:88:99:aa:bb
 *                                 IPv4 192.168.1.10 → 8.8.8.8, UDP 53000 → 7777, payload de ad be ef 00 01
 *                                 component 12 "Microsoft Hyper-V Network Adapter (vmnic0)", Rx, group 2^64-1
 *   drop    PktMon drop #4, out   eth 00:11:22:33:44:55 → 66:77:88:99:aa:bb
 *                                 IPv4 10.0.0.1 → 10.1.2.3 ICMP 3/3 (port unreachable) quoting
 *                                 IPv4 10.1.2.3 → 203.0.113.9 UDP 5000 → 33434: two IPv4 layers
 *                                 component 7 "vmswitch", Tx, group 42, drop reason 25 "Filtered VLAN"
 *   tunnel  NDIS #5, in, 6 s      eth 66:77:88:99:aa:bb → 00:11:22:33:44:55
 *                                 IPv4 198.51.100.1 → 198.51.100.2 (proto 4, ttl 64)
 *                                 IPv4 10.9.9.9 → 10.8.8.8 (ttl 63), TCP 1234 → 443 [SYN, ACK]
 *   arp     NDIS #6, unknown      eth 00:11:22:33:44:55 → ff:ff:ff:ff:ff:ff, ARP request
 *                                 who has 10.1.2.1, tell 10.1.2.3
 *   v6      NDIS #7, in           eth 02:00:5e:10:00:01 → 33:33:00:01:00:02
 *                                 IPv6 2001:db8::1 → fe80::abcd:1, UDP 5460 → 5470 "hello"
 */
import type { DissectorTables, PacketRecord } from "../../src/packets/mod.js";
import { Dissecter, Dissection, builtinTables } from "../../src/packets/mod.js";
import { compileFilter } from "../../src/filter/mod.js";
import { ACK, PSH, SYN, arp, ascii, eth, icmp, ipv4, ipv6, record, tcp, udp, vlan } from "./build.js";

const A = "00:11:22:33:44:55";
const B = "66:77:88:99:aa:bb";

export const CORPUS: ReadonlyArray<readonly [string, PacketRecord]> = [
  ["syn", record(eth(B, A, 0x0800, ipv4("10.1.2.3", "192.168.1.10", 6, tcp(51000, 443, SYN), { id: 0x1234, df: true })), {
    number: 1, ticks: 0, direction: "out", originalLength: 60,
    ndis: { miniportIfIndex: 7, lowerIfIndex: 3, fragments: 1, ifName: "Ethernet 2" },
  })],
  ["get", record(eth(A, B, 0x8100, vlan(100, 5, 0x0800, ipv4("172.16.5.4", "10.200.0.1", 6,
    tcp(40000, 80, PSH | ACK, ascii("GET /index.html HTTP/1.1\r\nHost: example\r\n\r\n"))))), {
    number: 2, ticks: 15_000_000, source: "vmswitch", eventId: 1003,
    vmswitch: {
      miniportIfIndex: 9, lowerIfIndex: 0, sourcePortId: 5, sourcePortName: "Container NIC 3f2a", sourceNicName: "Ethernet",
      sourceNicType: "Synthetic", destinationCount: 1, vlanId: 100, hashValue: 0,
    },
  })],
  ["udp", record(eth(B, A, 0x0800, ipv4("192.168.1.10", "8.8.8.8", 17, udp(53000, 7777, Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0, 1)))), {
    number: 3, ticks: 30_000_000, source: "pktmon", eventId: 160,
    pktmon: {
      groupId: "18446744073709551615", pktNumber: 3, appearance: 2, dirTag: 1, dirName: "Rx", packetType: 1, packetTypeName: "Ethernet",
      componentId: 12, componentName: "Microsoft Hyper-V Network Adapter (vmnic0)", edgeId: 1, filterId: 0, drop: false, dropReason: 0, dropLocation: 0,
    },
  })],
  ["drop", record(eth(B, A, 0x0800, ipv4("10.0.0.1", "10.1.2.3", 1,
    icmp(3, 3, [0, 0, 0, 0], ipv4("10.1.2.3", "203.0.113.9", 17, udp(5000, 33434))))), {
    number: 4, ticks: 45_000_000, source: "pktmon", direction: "out", eventId: 170,
    pktmon: {
      groupId: "42", pktNumber: 4, appearance: 1, dirTag: 2, dirName: "Tx", packetType: 1, packetTypeName: "Ethernet",
      componentId: 7, componentName: "vmswitch", edgeId: 3, filterId: 0, drop: true, dropReason: 25, dropReasonName: "Filtered VLAN", dropLocation: 0xe0004001,
    },
  })],
  ["tunnel", record(eth(A, B, 0x0800, ipv4("198.51.100.1", "198.51.100.2", 4,
    ipv4("10.9.9.9", "10.8.8.8", 6, tcp(1234, 443, SYN | ACK), { ttl: 63 }))), {
    number: 5, ticks: 60_000_000,
    ndis: { miniportIfIndex: 7, lowerIfIndex: 3, fragments: 2 },
  })],
  ["arp", record(eth("ff:ff:ff:ff:ff:ff", A, 0x0806, arp(1, A, "10.1.2.3", "00:00:00:00:00:00", "10.1.2.1")), {
    number: 6, ticks: 75_000_000, direction: "unknown",
    ndis: { miniportIfIndex: 8, lowerIfIndex: 3, fragments: 1 },
  })],
  ["v6", record(eth("33:33:00:01:00:02", "02:00:5e:10:00:01", 0x86dd,
    ipv6("2001:db8:0:0:0:0:0:1", "fe80:0:0:0:0:0:abcd:1", 17, udp(5460, 5470, ascii("hello")))), {
    number: 7, ticks: 90_000_000,
    ndis: { miniportIfIndex: 8, lowerIfIndex: 3, fragments: 1 },
  })],
];

export const ALL = CORPUS.map(([n]) => n);

/** The names of the corpus packets `filter` keeps, dissected into one reused Dissection. */
export function which(filter: string, tables: DissectorTables = builtinTables(), corpus = CORPUS): string[] {
  const f = compileFilter(filter, tables);
  const dis = new Dissecter(tables);
  const d = new Dissection();
  const out: string[] = [];
  for (const [name, p] of corpus) {
    dis.run(d, p.bytes, p.originalLength, p.linkType);
    if (f(d, p)) out.push(name);
  }
  return out;
}
