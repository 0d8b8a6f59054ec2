/**
 * Synthetic captures for the export tests, written with EtlWriter and the bundled schemas:
 *
 *   ndis fixture (NetEventSession-style, 2 CPUs)
 *     A  1001 on CPU 0, one 300-byte TCP frame split over 3 events (PacketStart / none / PacketEnd), with
 *        B  a single-event 1001 packet on CPU 1 between A's fragments (IPv6 DNS query, sent, LWF 9 over 7);
 *     C  1001 VXLAN (VNI 5001) around Ethernet/IPv4/ICMP;   D  1001 NVGRE (VSID 6001, FlowID 42) around TCP;
 *     E  1001 truncated (PacketTruncated keyword): 128 of 642 bytes;   F  1001 802.1Q-tagged frame (VLAN 100);
 *     G  1003 vSwitch port 5 (Synthetic NIC) with VLAN 42 and RSS hash in the OOB data, 1 destination;
 *     H  1003 port 6 (External NIC) VXLAN;   I  1003 port 6 NVGRE;   J  1003 port 5 VLAN 42 again (same IDB as G).
 *
 *   pktmon fixture (relogged + compressed like pktmon; the component table is written at the end)
 *     group 100 #1 seen at 3 components; group 101 #1 seen twice, dropped (170) at the second;
 *     group 2^60+5 packets #1 and #2 (u64 beyond 2^53); group 103 #1 dropped at its first appearance;
 *     group 104 #1: an 802.11 frame (PacketType 2) with the Protected bit set, as Windows logs decrypted frames.
 */
import type { EtlSink } from "../../src/etl/mod.js";
import { EtlWriter } from "../../src/etl/mod.js";
import type { EventSchema, FieldValue } from "../../src/events/mod.js";
import { bundledSchemas, encodePayload } from "../../src/events/mod.js";
import { cat, dnsQuery, ether, icmpEcho, ipv4, ipv6, mac, nvgre, tcp, text, udp, vxlan } from "./frames.js";

export const NDISCAP = "2ed6006e-4729-4609-b423-3ee7bcd678ef";
export const PKTMON = "4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac";
export const START = 133600000000000000n; // 2024-05-14T…Z

const KW = { Eth: 0x1n, VmSwitch: 0x1000000n, Truncated: 0x2000000n, Start: 0x40000000n, End: 0x80000000n, Send: 0x100000000n, Recv: 0x200000000n };

export interface ExpectedPacket {
  readonly label: string;
  readonly ticks: number;
  readonly bytes: Uint8Array;
  readonly originalLength: number;
  readonly direction: "in" | "out";
  readonly ifName: string;
  readonly ifDescription: string;
  readonly comment: string;
  /** Values tshark must report (field → all occurrences joined with ";"). */
  readonly tshark: Readonly<Record<string, string>>;
}

function schema(provider: string, id: number): EventSchema {
  const p = bundledSchemas().get(provider);
  const e = p?.events.find((x) => x.id === id);
  if (!e) throw new Error(`no bundled schema for ${provider} event ${id}`);
  return e;
}

const M = { a: "00:15:5d:01:02:0a", b: "00:15:5d:01:02:0b", c: "02:00:00:00:00:01", d: "02:00:00:00:00:02" };

/** OOB data: 9 pointer-sized NDIS_NET_BUFFER_LIST_INFO slots; slot 4 = 802.1Q info, slot 8 = RSS hash. */
function oob(vlanId: number, hash: number): Uint8Array {
  const b = new Uint8Array(9 * 8);
  const dv = new DataView(b.buffer);
  dv.setUint32(4 * 8, (vlanId << 4) | 0x0, true);
  dv.setUint32(8 * 8, hash, true);
  return b;
}

export function writeNdisFixture(sink: EtlSink): ExpectedPacket[] {
  const w = new EtlWriter(sink, { startTime: START, cpus: 2, osBuild: 20348, loggerName: "Session1", timeZoneBias: 0 });
  const s1001 = schema(NDISCAP, 1001);
  const s1003 = schema(NDISCAP, 1003);
  const pid = 4;
  const tid = 0x1a8;
  const f1001 = (cpu: number, ticks: number, miniport: number, lower: number, frag: Uint8Array, kw: bigint): void => {
    w.writeEvent({ cpu, ticks, provider: NDISCAP, id: 1001, keyword: kw, pid, tid, payload: encodePayload(s1001, { MiniportIfIndex: miniport, LowerIfIndex: lower, Fragment: frag }) });
  };
  const f1003 = (cpu: number, ticks: number, v: Record<string, FieldValue>, frag: Uint8Array, kw: bigint): void => {
    w.writeEvent({ cpu, ticks, provider: NDISCAP, id: 1003, keyword: KW.VmSwitch | KW.Start | KW.End | kw, pid, tid, payload: encodePayload(s1003, { MiniportIfIndex: 0, LowerIfIndex: 0, ...v, Fragment: frag }) });
  };
  const out: ExpectedPacket[] = [];

  // A: 300-byte TCP frame in three fragments on CPU 0; B: one single-event packet on CPU 1 in between.
  const A = ether(M.b, M.a, 0x0800, ipv4("10.1.0.5", "10.1.0.9", 6, tcp(49152, 443, 0x18, text("x".repeat(246)), 7000, 9000)));
  const B = ether(M.a, M.b, 0x86dd, ipv6("fd00::5", "fd00::53", 17, udp(53000, 53, dnsQuery(0x4242, "wnvtrace.example.com"))));
  f1001(0, 1000, 7, 7, A.subarray(0, 100), KW.Eth | KW.Start | KW.Recv);
  f1001(1, 1010, 7, 9, B, KW.Eth | KW.Start | KW.End | KW.Send);
  f1001(0, 1020, 7, 7, A.subarray(100, 200), KW.Eth | KW.Recv);
  f1001(0, 1040, 7, 7, A.subarray(200), KW.Eth | KW.End | KW.Recv);
  out.push({
    label: "B", ticks: 1010, bytes: B, originalLength: B.length, direction: "out", ifName: "eth:9:0", ifDescription: "LWF over IfIndex 7",
    comment: "PID=4 TID=424 MiniportIfIndex=7 LowerIfIndex=9",
    tshark: { "ipv6.src": "fd00::5", "ipv6.dst": "fd00::53", "udp.dstport": "53", "dns.qry.name": "wnvtrace.example.com" },
  });
  out.push({
    label: "A", ticks: 1000, bytes: A, originalLength: 300, direction: "in", ifName: "eth:7:0", ifDescription: "",
    comment: "PID=4 TID=424 MiniportIfIndex=7 LowerIfIndex=7 Fragments=3",
    tshark: { "ip.src": "10.1.0.5", "ip.dst": "10.1.0.9", "tcp.srcport": "49152", "tcp.dstport": "443", "tcp.flags": "0x0018", "frame.len": "300" },
  });

  // C: VXLAN; D: NVGRE (both on the miniport, ifIndex 7).
  const C = ether(M.b, M.a, 0x0800, ipv4("192.168.10.1", "192.168.10.2", 17, udp(54321, 4789, vxlan(5001,
    ether(M.d, M.c, 0x0800, ipv4("172.16.0.1", "172.16.0.2", 1, icmpEcho(8, 7, 1, text("abcdefgh"))))))));
  f1001(1, 2000, 7, 7, C, KW.Eth | KW.Start | KW.End | KW.Recv);
  out.push({
    label: "C", ticks: 2000, bytes: C, originalLength: C.length, direction: "in", ifName: "eth:7:0", ifDescription: "", comment: "PID=4 TID=424 MiniportIfIndex=7 LowerIfIndex=7",
    tshark: { "vxlan.vni": "5001", "ip.src": "192.168.10.1;172.16.0.1", "ip.dst": "192.168.10.2;172.16.0.2", "eth.src": `${M.a};${M.c}`, "icmp.type": "8" },
  });
  const D = ether(M.a, M.b, 0x0800, ipv4("192.168.10.2", "192.168.10.1", 47, nvgre(6001, 42,
    ether(M.c, M.d, 0x0800, ipv4("172.16.0.2", "172.16.0.1", 6, tcp(80, 50000, 0x12, new Uint8Array(0), 1, 2))))));
  f1001(0, 2100, 7, 7, D, KW.Eth | KW.Start | KW.End | KW.Send);
  out.push({
    label: "D", ticks: 2100, bytes: D, originalLength: D.length, direction: "out", ifName: "eth:7:0", ifDescription: "", comment: "PID=4 TID=424 MiniportIfIndex=7 LowerIfIndex=7",
    tshark: { "gre.key": String((6001 << 8) | 42), "ip.src": "192.168.10.2;172.16.0.2", "tcp.srcport": "80", "tcp.flags": "0x0012", "eth.dst": `${M.a};${M.c}` },
  });

  // E: truncated to 128 bytes; the original length comes from the IPv4 total length. F: 802.1Q tag in the frame.
  const Efull = ether(M.b, M.a, 0x0800, ipv4("10.1.0.9", "10.1.0.5", 17, udp(40000, 40001, new Uint8Array(600).fill(0x61))));
  f1001(0, 2200, 7, 7, Efull.subarray(0, 128), KW.Eth | KW.Start | KW.End | KW.Truncated | KW.Recv);
  out.push({
    label: "E", ticks: 2200, bytes: Efull.slice(0, 128), originalLength: 642, direction: "in", ifName: "eth:7:0", ifDescription: "", comment: "PID=4 TID=424 MiniportIfIndex=7 LowerIfIndex=7",
    tshark: { "frame.len": "642", "frame.cap_len": "128", "udp.srcport": "40000" },
  });
  const F = ether(M.b, M.a, 0x0800, ipv4("10.100.0.1", "10.100.0.2", 17, udp(5000, 5001, text("vlan tagged"))), 100);
  f1001(1, 2300, 7, 7, F, KW.Eth | KW.Start | KW.End | KW.Recv);
  out.push({
    label: "F", ticks: 2300, bytes: F, originalLength: F.length, direction: "in", ifName: "eth:7:0", ifDescription: "", comment: "PID=4 TID=424 MiniportIfIndex=7 LowerIfIndex=7",
    tshark: { "vlan.id": "100", "ip.src": "10.100.0.1", "udp.dstport": "5001" },
  });

  // G–J: vSwitch 1003 fragments.
  const port5 = { SourcePortId: 5, SourcePortName: "4A1F0C3E-3C2B-4E8F-9B57-2E0D6A7C1B11", SourceNicName: "5AA3FFAC-AB7F-41DA-BD02-A4404FCA9241", SourceNicType: "Synthetic" };
  const port6 = { SourcePortId: 6, SourcePortName: "9C3D5E71-8A42-4B6C-A1D3-7F2E9B0C4D22", SourceNicName: "7F88B4C9-7ED6-4013-ADBA-4CE5A0C50487", SourceNicType: "External" };
  const vnic5 = "vNIC:Synthetic:4A1F0C3E-3C2B-4E8F-9B57-2E0D6A7C1B11:0:42";
  const vnic6 = "vNIC:External:9C3D5E71-8A42-4B6C-A1D3-7F2E9B0C4D22:0:0";
  const c5 = (dst: string) => `PID=4 TID=424 VlanId=42 SrcPortId=5 SrcNicType=Synthetic SrcNicName=5AA3FFAC-AB7F-41DA-BD02-A4404FCA9241 SrcPortName=4A1F0C3E-3C2B-4E8F-9B57-2E0D6A7C1B11${dst} HashValue=12345678`;
  const c6 = "PID=4 TID=424 VlanId=0 SrcPortId=6 SrcNicType=External SrcNicName=7F88B4C9-7ED6-4013-ADBA-4CE5A0C50487 SrcPortName=9C3D5E71-8A42-4B6C-A1D3-7F2E9B0C4D22 HashValue=00000000";
  const G = ether(M.d, M.c, 0x0800, ipv4("10.0.0.2", "10.0.0.3", 17, udp(1234, 5678, text("from the container"))));
  f1003(0, 3000, { ...port5, Destination: [1.5], OOBData: oob(42, 0x12345678) }, G, KW.Recv);
  out.push({
    label: "G", ticks: 3000, bytes: G, originalLength: G.length, direction: "in", ifName: vnic5, ifDescription: " VlanID=42 ", comment: c5(" DstNicCount=1"),
    tshark: { "ip.src": "10.0.0.2", "udp.srcport": "1234", "udp.dstport": "5678" },
  });
  const H = ether(M.a, M.b, 0x0800, ipv4("192.168.20.1", "192.168.20.2", 17, udp(40000, 4789, vxlan(7777,
    ether(M.c, M.d, 0x0800, ipv4("10.244.1.5", "10.244.2.6", 6, tcp(33000, 8080, 0x02)))))));
  f1003(1, 3100, { ...port6, Destination: [], OOBData: oob(0, 0) }, H, KW.Send);
  out.push({
    label: "H", ticks: 3100, bytes: H, originalLength: H.length, direction: "out", ifName: vnic6, ifDescription: "", comment: c6,
    tshark: { "vxlan.vni": "7777", "ip.src": "192.168.20.1;10.244.1.5", "tcp.dstport": "8080", "tcp.flags": "0x0002" },
  });
  const I = ether(M.a, M.b, 0x0800, ipv4("192.168.20.1", "192.168.20.3", 47, nvgre(8888, 7,
    ether(M.c, M.d, 0x86dd, ipv6("fd10::1", "fd10::2", 17, udp(5000, 53, dnsQuery(7, "inner.nvgre.test")))))));
  f1003(1, 3200, { ...port6, Destination: [], OOBData: oob(0, 0) }, I, KW.Send);
  out.push({
    label: "I", ticks: 3200, bytes: I, originalLength: I.length, direction: "out", ifName: vnic6, ifDescription: "", comment: c6,
    tshark: { "gre.key": String((8888 << 8) | 7), "ipv6.src": "fd10::1", "dns.qry.name": "inner.nvgre.test" },
  });
  const J = ether(M.c, M.d, 0x0800, ipv4("10.0.0.3", "10.0.0.2", 1, icmpEcho(0, 9, 3, text("pong"))));
  f1003(0, 3300, { ...port5, Destination: [2.5], OOBData: oob(42, 0x12345678) }, J, KW.Recv);
  out.push({
    label: "J", ticks: 3300, bytes: J, originalLength: J.length, direction: "in", ifName: vnic5, ifDescription: " VlanID=42 ", comment: c5(" DstNicCount=1"),
    tshark: { "icmp.type": "0", "ip.src": "10.0.0.3" },
  });
  w.close();
  return out;
}

export interface PktmonExpected {
  readonly group: string;
  readonly pktNumber: number;
  readonly appearance: number;
  readonly componentId: number;
  readonly drop: boolean;
  readonly bytes: Uint8Array;
  readonly originalLength: number;
  readonly ticks: number;
  readonly dirTag: number;
  /** 1 Ethernet, 2 WiFi (802.11). */
  readonly packetType: number;
}

export const PKTMON_COMPONENTS = [
  { Id: 11, Type: 2, Name: "e1d68x64.sys", Description: "Intel(R) Ethernet Connection (7) I219-LM", mac: "00:1b:21:aa:bb:cc" },
  { Id: 12, Type: 3, Name: "wfplwfs.sys", Description: "WFP Native MAC Layer LightWeight Filter" },
  { Id: 13, Type: 4, Name: "tcpip.sys", Description: "TCPIP" },
  { Id: 14, Type: 2, Name: "Netwtw14.sys", Description: "Intel(R) Wi-Fi 6E AX211 160MHz" },
] as const;

export const BIG_GROUP = "1152921504606846981"; // 2^60 + 5

/** Writes the pktmon fixture; returns every appearance in time order. */
export function writePktmonFixture(sink: EtlSink): PktmonExpected[] {
  const w = new EtlWriter(sink, { startTime: START, cpus: 2, osBuild: 22621, loggerName: "PktMon", relogged: true, compress: true, timeZoneBias: -60 });
  const s160 = schema(PKTMON, 160);
  const s170 = schema(PKTMON, 170);
  const s20 = schema(PKTMON, 20);
  const s70 = schema(PKTMON, 70);
  const out: PktmonExpected[] = [];
  let t = 10_000;
  const app = (group: string, num: number, appearance: number, comp: number, dirTag: number, frame: Uint8Array, drop = false, logged = frame.length, packetType = 1): void => {
    const payload = frame.subarray(0, logged);
    w.writeEvent({
      cpu: appearance % 2, ticks: t, provider: PKTMON, id: drop ? 170 : 160, pid: 4, tid: 0x278,
      payload: encodePayload(drop ? s170 : s160, {
        PktGroupId: BigInt(group), PktNumber: num, AppearanceCount: appearance, DirTag: dirTag, PacketType: packetType, ComponentId: comp,
        EdgeId: 1, FilterId: 0, DropReason: drop ? 8 : 0, DropLocation: drop ? 0xe0004a3 : 0, OriginalPayloadSize: frame.length,
        LoggedPayloadSize: payload.length, Payload: payload,
      }),
    });
    out.push({ group, pktNumber: num, appearance, componentId: comp, drop, bytes: payload.slice(), originalLength: frame.length, ticks: t, dirTag, packetType });
    t += 37;
  };
  const syn = ether("00:1b:21:aa:bb:cc", "00:15:5d:00:00:01", 0x0800, ipv4("10.2.0.1", "10.2.0.2", 6, tcp(51000, 22, 0x02)));
  app("100", 1, 1, 11, 3, syn);
  app("100", 1, 2, 12, 3, syn);
  app("100", 1, 3, 13, 3, syn);
  const dns = ether("00:15:5d:00:00:01", "00:1b:21:aa:bb:cc", 0x0800, ipv4("10.2.0.2", "8.8.8.8", 17, udp(61000, 53, dnsQuery(1, "wnvtrace.test"))));
  app("101", 1, 1, 13, 4, dns, false, 64);
  app("101", 1, 2, 12, 4, dns, true, 64);
  const req = ether("00:15:5d:00:00:01", "00:1b:21:aa:bb:cc", 0x0800, ipv4("10.2.0.2", "10.2.0.1", 1, icmpEcho(8, 1, 1, text("ping"))));
  const rep = ether("00:1b:21:aa:bb:cc", "00:15:5d:00:00:01", 0x0800, ipv4("10.2.0.1", "10.2.0.2", 1, icmpEcho(0, 1, 1, text("ping"))));
  app(BIG_GROUP, 1, 1, 11, 4, req);
  app(BIG_GROUP, 2, 1, 11, 3, rep);
  const arpLike = ether("ff:ff:ff:ff:ff:ff", "00:15:5d:00:00:09", 0x0800, ipv4("10.2.0.9", "10.2.0.255", 17, udp(137, 137, new Uint8Array(50))));
  app("103", 1, 1, 11, 3, arpLike, true);
  // An 802.11 data frame as Windows logs it: decrypted, yet with the Protected bit (0x40) set.
  const wifi = cat(Uint8Array.of(0x08, 0x42, 0, 0), mac("00:1b:21:aa:bb:cc"), mac("02:11:22:33:44:55"), mac("00:15:5d:00:00:01"), Uint8Array.of(0x10, 0x00),
    Uint8Array.of(0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00), ipv4("10.3.0.1", "10.3.0.2", 17, udp(50000, 9999, text("over the air"))));
  app("104", 1, 1, 14, 3, wifi, false, wifi.length, 2);
  // The component table comes last, as pktmon writes it.
  for (const c of PKTMON_COMPONENTS) {
    w.writeEvent({ cpu: 0, ticks: t, provider: PKTMON, id: 20, pid: 4, tid: 0x278, payload: encodePayload(s20, { Id: c.Id, Type: c.Type, Name: c.Name, Description: c.Description }) });
    if ("mac" in c) {
      const mac = Uint8Array.from(c.mac.split(":"), (x) => parseInt(x, 16));
      w.writeEvent({ cpu: 0, ticks: t, provider: PKTMON, id: 70, pid: 4, tid: 0x278, payload: encodePayload(s70, { ComponentId: c.Id, Type: 6, Value: mac }) });
    }
  }
  w.close();
  return out;
}
