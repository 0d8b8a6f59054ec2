/**
 * IEEE 802.11 (link type 105, as pktmon captures Wi-Fi: no radiotap, no FCS) and 802.2 LLC/SNAP with hand-made
 * frames laid out per IEEE 802.11-2016 §9.2–9.3 (frame control little-endian, addresses by To/From DS, QoS
 * control, management fixed fields and elements) and RFC 1042 (SNAP); summaries as tcpdump -e prints them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Proto, summarize } from "../../src/packets/mod.js";
import { ascii, cat, dissect, fv, ipv4, labels, layers, le16, mac, macNum, nodeFor, touchEverything, treeOf, u16, u32, udp } from "./build.js";

const AP = "3c:84:6a:01:ea:8b";
const STA = "54:8c:a0:98:0e:25";
const GROUP = "01:00:5e:7f:ff:fa";
const BCAST = "ff:ff:ff:ff:ff:ff";
const A4 = "02:00:00:00:00:04";
const M = (s: string): string => s.toUpperCase().replace(/:/g, "-");

const SNAP_IPV4 = [0xaa, 0xaa, 0x03, 0, 0, 0, ...u16(0x0800)];
const PAYLOAD = ipv4("192.168.0.111", "239.255.255.250", 17, udp(50000, 1900, [1, 2, 3, 4]));

/** A data frame header: frame control (subtype, flags), duration, addresses, sequence control [, QoS]. */
function dataHeader(subtype: number, flags: number, addrs: string[], qos?: number): number[] {
  const a = addrs.slice(0, 3).flatMap(mac);
  const a4 = addrs.length > 3 ? mac(addrs[3]) : [];
  return [0x08 | (subtype << 4), flags, 0x2c, 0x00, ...a, ...le16(0x1230), ...a4, ...(qos === undefined ? [] : le16(qos))];
}

function mgmt(subtype: number, da: string, sa: string, bssid: string, body: number[], flags = 0): number[] {
  return [subtype << 4, flags, 0, 0, ...mac(da), ...mac(sa), ...mac(bssid), ...le16(0x0100), ...body];
}

const element = (id: number, value: number[]): number[] => [id, value.length, ...value];
const RATES = [0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24];

test("802.11 QoS data to the AP: addresses by To DS, QoS TID, LLC/SNAP → IPv4/UDP", () => {
  // hand-made: QoS Data (subtype 8), To DS; A1 = BSSID, A2 = SA, A3 = DA; TID 5
  const f = cat(dataHeader(8, 0x01, [AP, STA, GROUP], 0x0005), SNAP_IPV4, PAYLOAD);
  const d = dissect(f, 105);
  assert.equal(layers(d), "wlan/llc/ip/udp/data");
  assert.equal(d.truncated, 0);
  assert.equal(fv(d, "wlan.fc.type"), 2);
  assert.equal(fv(d, "wlan.fc.subtype"), 8);
  assert.equal(fv(d, "wlan.fc.type_subtype"), 0x28);
  assert.equal(fv(d, "wlan.fc.tods"), true);
  assert.equal(fv(d, "wlan.fc.fromds"), false);
  assert.equal(fv(d, "wlan.fc.protected"), false);
  assert.equal(fv(d, "wlan.duration"), 44);
  assert.equal(fv(d, "wlan.bssid"), macNum(AP));
  assert.equal(fv(d, "wlan.ra"), macNum(AP));
  assert.equal(fv(d, "wlan.sa"), macNum(STA));
  assert.equal(fv(d, "wlan.ta"), macNum(STA));
  assert.equal(fv(d, "wlan.da"), macNum(GROUP));
  assert.deepEqual(fv(d, "wlan.addr"), [macNum(AP), macNum(STA), macNum(GROUP)]);
  assert.equal(fv(d, "llc.pid"), undefined, "with an ethertype OUI the protocol id is llc.type");
  assert.equal(fv(d, "wlan.seq"), 0x123);
  assert.equal(fv(d, "wlan.frag"), 0);
  assert.equal(fv(d, "wlan.qos.tid"), 5);
  assert.equal(fv(d, "llc.dsap"), 0xaa);
  assert.equal(fv(d, "llc.oui"), 0);
  assert.equal(fv(d, "llc.type"), 0x0800);
  const rest = `LLC, dsap SNAP (0xaa) Individual, ssap SNAP (0xaa) Command, ctrl 0x03: oui Ethernet (0x000000), ethertype IPv4 (0x0800), length 32: 192.168.0.111.50000 > 239.255.255.250.1900: UDP, length 4`;
  // pktmon repeats the first address as the third (see dot11.ts); tcpdump proper prints the real DA.
  assert.equal(summarize(d), `CF +QoS BSSID:${M(AP)} SA:${M(STA)} DA:${M(AP)} ${rest}`);
  assert.equal(summarize(d, { pktmonQuirks: false }), `CF +QoS BSSID:${M(AP)} SA:${M(STA)} DA:${M(GROUP)} ${rest}`);
  const t = treeOf(d, "wlan");
  assert.equal(t.label, "IEEE 802.11 QoS Data, Flags: .......T");
  assert.ok(labels(t).includes("Type/Subtype: QoS Data (0x0028)"));
  assert.ok(labels(t).includes("BSS Id: 3c:84:6a:01:ea:8b"));
  assert.ok(labels(t).includes("Destination address: 01:00:5e:7f:ff:fa"));
  assert.ok(labels(t).includes("Sequence number: 291"));
  assert.ok(labels(t).includes("TID: 5"));
  assert.deepEqual(nodeFor(t, "wlan.sa"), { label: "Source address: 54:8c:a0:98:0e:25", field: "wlan.sa", start: 10, length: 6 });
  assert.ok(labels(treeOf(d, "llc")).includes("Type: IPv4 (0x0800)"));
});

test("802.11 data from the AP and between APs (4 addresses)", () => {
  const from = dissect(cat(dataHeader(0, 0x02, [GROUP, AP, STA]), SNAP_IPV4, PAYLOAD), 105);
  assert.equal(fv(from, "wlan.da"), macNum(GROUP));
  assert.equal(fv(from, "wlan.bssid"), macNum(AP));
  assert.equal(fv(from, "wlan.sa"), macNum(STA));
  assert.match(summarize(from, { pktmonQuirks: false }), new RegExp(`^DA:${M(GROUP)} BSSID:${M(AP)} SA:${M(STA)} LLC, `));

  const wds = dissect(cat(dataHeader(0, 0x03, [AP, STA, GROUP, A4]), SNAP_IPV4, PAYLOAD), 105);
  assert.equal(layers(wds), "wlan/llc/ip/udp/data");
  assert.equal(fv(wds, "wlan.ra"), macNum(AP));
  assert.equal(fv(wds, "wlan.ta"), macNum(STA));
  assert.equal(fv(wds, "wlan.da"), macNum(GROUP));
  assert.equal(fv(wds, "wlan.sa"), macNum(A4));
  assert.equal(fv(wds, "wlan.bssid"), undefined);
  assert.match(summarize(wds), new RegExp(`^RA:${M(AP)} TA:${M(STA)} DA:${M(AP)} SA:${M(STA)} LLC, `));
  assert.match(summarize(wds, { pktmonQuirks: false }), new RegExp(`^RA:${M(AP)} TA:${M(STA)} DA:${M(GROUP)} SA:${M(A4)} LLC, `));
});

test("802.11 protected data: encrypted body stays data; Windows' decrypted body goes through LLC", () => {
  // hand-made CCMP header (PN0 1, ExtIV | key 0) and 16 bytes of ciphertext
  const enc = dissect(cat(dataHeader(0, 0x41, [AP, STA, GROUP]), [0x01, 0x00, 0x00, 0x20, 0, 0, 0, 0], new Array(16).fill(0x5a)), 105);
  assert.equal(layers(enc), "wlan/data");
  assert.equal(fv(enc, "wlan.fc.protected"), true);
  assert.equal(summarize(enc), `BSSID:${M(AP)} SA:${M(STA)} DA:${M(AP)} Data IV:  1 Pad 20 KeyID 0`);

  const dec = dissect(cat(dataHeader(0, 0x42, [GROUP, AP, STA]), SNAP_IPV4, PAYLOAD), 105);
  assert.equal(layers(dec), "wlan/llc/ip/udp/data");
  assert.equal(fv(dec, "ip.src"), 0xc0a8006f);
  assert.equal(summarize(dec), `DA:${M(GROUP)} BSSID:${M(AP)} SA:${M(GROUP)} Data IV:3aaaa Pad 0 KeyID 0`);
});

test("802.11 management: beacon, probe request, association response, authentication, deauthentication", () => {
  // hand-made beacon: timestamp, interval 100 TU, capabilities ESS|Privacy; SSID, rates, DS channel 6
  const beaconBody = [...new Array(8).fill(0), ...le16(100), ...le16(0x0011), ...element(0, ascii("HomeNet")), ...element(1, RATES), ...element(3, [6])];
  const b = dissect(mgmt(8, BCAST, AP, AP, beaconBody), 105);
  assert.equal(layers(b), "wlan");
  assert.equal(fv(b, "wlan.fc.type_subtype"), 8);
  assert.deepEqual(fv(b, "wlan.ssid"), Uint8Array.from(ascii("HomeNet")));
  assert.equal(fv(b, "wlan.bssid"), macNum(AP));
  assert.equal(fv(b, "wlan.da"), macNum(BCAST));
  assert.equal(summarize(b), `BSSID:${M(AP)} DA:${M(BCAST)} SA:${M(AP)} Beacon (HomeNet) [1.0* 2.0* 5.5* 11.0* 6.0 9.0 12.0 18.0 Mbit] ESS CH: 6, PRIVACY`);
  const t = treeOf(b, "wlan");
  assert.equal(t.label, "IEEE 802.11 Beacon frame, Flags: ........");
  assert.ok(labels(t).includes('Tag: SSID parameter set: "HomeNet"'));
  assert.ok(labels(t).includes("Tag: DS Parameter set: Current Channel: 6"));

  const probe = dissect(mgmt(4, BCAST, STA, BCAST, [...element(0, ascii("HomeNet")), ...element(1, [0x02, 0x04])]), 105);
  assert.equal(fv(probe, "wlan.sa"), macNum(STA));
  assert.equal(summarize(probe), `BSSID:${M(BCAST)} DA:${M(BCAST)} SA:${M(BCAST)} Probe Request (HomeNet) [1.0 2.0 Mbit]`);
  assert.equal(summarize(probe, { pktmonQuirks: false }), `BSSID:${M(BCAST)} DA:${M(BCAST)} SA:${M(STA)} Probe Request (HomeNet) [1.0 2.0 Mbit]`);

  const assoc = dissect(mgmt(1, STA, AP, AP, [...le16(0x0411), ...le16(0), ...le16(0xc001), ...element(1, RATES)]), 105);
  assert.equal(fv(assoc, "wlan.fixed.status_code"), 0);
  assert.match(summarize(assoc), /Assoc Response AID\(1\) : PRIVACY : Successful$/);

  const auth = dissect(mgmt(11, AP, STA, AP, [...le16(0), ...le16(1), ...le16(0)]), 105);
  assert.match(summarize(auth), /Authentication \(Open System\)-1: Successful$/);

  const deauth = dissect(mgmt(12, STA, AP, AP, le16(7)), 105);
  assert.equal(fv(deauth, "wlan.fixed.reason_code"), 7);
  assert.match(summarize(deauth), /DeAuthentication: Class 3 frame received from nonassociated station$/);
});

test("802.11 control frames, null data, unknown types", () => {
  const ack = dissect([0xd4, 0x00, 0, 0, ...mac(STA)], 105);
  assert.equal(layers(ack), "wlan");
  assert.equal(fv(ack, "wlan.fc.type_subtype"), 0x1d);
  assert.equal(fv(ack, "wlan.ra"), macNum(STA));
  assert.equal(fv(ack, "wlan.ta"), undefined);
  assert.equal(summarize(ack), `RA:${M(STA)} Acknowledgment`);

  const rts = dissect([0xb4, 0x00, 0x10, 0x01, ...mac(AP), ...mac(STA)], 105);
  assert.equal(fv(rts, "wlan.ta"), macNum(STA));
  assert.equal(summarize(rts), `RA:${M(AP)} TA:${M(STA)} Request-To-Send`);

  const pspoll = dissect([0xa4, 0x10, ...le16(0xc005), ...mac(AP), ...mac(STA)], 105);
  assert.equal(fv(pspoll, "wlan.bssid"), macNum(AP));
  assert.equal(summarize(pspoll), `BSSID:${M(AP)} TA:${M(STA)} Power Save-Poll AID(c005)`);

  assert.equal(summarize(dissect([0x54, 0x00, 0, 0, ...mac(STA), ...mac(AP)], 105)), "unknown 802.11 ctrl frame subtype (5)");
  assert.equal(summarize(dissect([0x3c, 0x84, 0x6a, 0x01, 0xea, 0x8b, 0, 0], 105)), "unknown 802.11 frame type (3)");

  const nul = dissect(dataHeader(4, 0x11, [AP, STA, AP]), 105);
  assert.equal(layers(nul), "wlan");
  assert.equal(fv(nul, "wlan.fc.pwrmgt"), true);
  assert.equal(summarize(nul), `BSSID:${M(AP)} SA:${M(STA)} DA:${M(AP)} `);
});

test("802.11 and LLC truncated: header cut, elements cut, LLC and SNAP cut", () => {
  const full = cat(dataHeader(8, 0x01, [AP, STA, GROUP], 0), SNAP_IPV4, PAYLOAD);
  const hdr = dissect(full.subarray(0, 20), 105, full.length);
  assert.equal(layers(hdr), "wlan");
  assert.equal(hdr.truncated, Proto.Dot11);
  assert.equal(fv(hdr, "wlan.bssid"), macNum(AP));
  assert.equal(fv(hdr, "wlan.da"), undefined);
  assert.equal(summarize(hdr), " [|802.11]");
  touchEverything(hdr);

  const llc2 = dissect(full.subarray(0, 28), 105, full.length);
  assert.equal(layers(llc2), "wlan/llc");
  assert.equal(llc2.truncated, Proto.Llc);
  assert.match(summarize(llc2), /DA:3C-84-6A-01-EA-8B \[\|llc\]$/);
  touchEverything(llc2);

  const snap = dissect(full.subarray(0, 31), 105, full.length);
  assert.equal(snap.truncated, Proto.Llc);
  assert.equal(fv(snap, "llc.type"), undefined);
  assert.match(summarize(snap), /ctrl 0x03: \[\|snap\]$/);
  touchEverything(snap);

  const ip = dissect(full.subarray(0, 40), 105, full.length);
  assert.equal(layers(ip), "wlan/llc");
  assert.equal(ip.truncated, Proto.Ipv4);
  assert.match(summarize(ip), /ethertype IPv4 \(0x0800\), length 32: \[\|ip\]$/);

  // an association request whose rates element is cut: the SSID is printed, then [|802.11]
  const req = mgmt(0, AP, STA, AP, [...le16(0x0431), ...le16(10), ...element(0, ascii("HomeNet")), ...element(1, RATES)]);
  const r = dissect(Uint8Array.from(req).subarray(0, req.length - 5), 105, req.length);
  assert.deepEqual(fv(r, "wlan.ssid"), Uint8Array.from(ascii("HomeNet")));
  assert.equal(summarize(r), `BSSID:${M(AP)} DA:${M(AP)} SA:${M(AP)} Assoc Request (HomeNet) [|802.11]`);
  touchEverything(r);
});

test("LLC on 802.3 Ethernet: spanning tree BPDU and a plain UI frame", () => {
  // hand-made configuration BPDU (IEEE 802.1D §9.3.1): root and bridge 8000.00:11:22:33:44:55, port 0x8001
  const bridge = [0x80, 0x00, ...mac("00:11:22:33:44:55")];
  const bpdu = [0, 0, 0, 0, 0, ...bridge, ...u32(0), ...bridge, ...u16(0x8001), ...u16(0), ...u16(20 << 8), ...u16(2 << 8), ...u16(15 << 8)];
  const llcBpdu = [0x42, 0x42, 0x03, ...bpdu];
  const f = cat(mac("01:80:c2:00:00:00"), mac("00:11:22:33:44:55"), u16(llcBpdu.length), llcBpdu, new Array(8).fill(0));
  const d = dissect(f);
  assert.equal(layers(d), "eth/llc/data");
  assert.equal(fv(d, "llc.dsap"), 0x42);
  assert.equal(fv(d, "llc.control"), 3);
  assert.equal(fv(d, "llc.type"), undefined);
  assert.equal(summarize(d), "00-11-22-33-44-55 > 01-80-C2-00-00-00, 802.3, length 38: LLC, dsap STP (0x42) Individual, ssap STP (0x42) Command, ctrl 0x03: STP 802.1d, Config, Flags [none], bridge-id 8000.00:11:22:33:44:55.8001, length 35");

  const ui = [0xf0, 0xf0, 0x03, ...new Array(17).fill(0)];
  const n = dissect(cat(mac("03:00:00:00:00:01"), mac("00:11:22:33:44:55"), u16(ui.length), ui, new Array(26).fill(0)));
  assert.equal(layers(n), "eth/llc/data");
  assert.match(summarize(n), /802\.3, length 20: LLC, dsap NetBeui \(0xf0\) Individual, ssap NetBeui \(0xf0\) Command, ctrl 0x03: Unnumbered, ui, Flags \[Command\], length 20$/);

  // SNAP inside 802.3 hands the ethertype on (RFC 1042)
  const snap = [...SNAP_IPV4, ...PAYLOAD];
  const s = dissect(cat(mac(GROUP), mac(STA), u16(snap.length), snap));
  assert.equal(layers(s), "eth/llc/ip/udp/data");
});
