/**
 * BOOTP/DHCP with hand-made messages (RFC 2131 §2 layout: op, htype, hlen, hops, xid, secs, flags, ciaddr,
 * yiaddr, siaddr, giaddr, chaddr[16], sname[64], file[128], magic cookie 99.130.83.99, RFC 2132 options).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Proto, summarize } from "../../src/packets/mod.js";
import { ascii, cat, dissect, eth, fv, ip4, ip4Num, ipv4, labels, layers, mac, macNum, touchEverything, treeOf, u16, u32, udp } from "./build.js";

const CLIENT_MAC = "00:15:5d:01:02:03";

function bootp(op: number, xid: number, o: { ciaddr?: string; yiaddr?: string; siaddr?: string; giaddr?: string; flags?: number; hlen?: number }, options: number[]): number[] {
  const chaddr = [...mac(CLIENT_MAC), ...new Array(10).fill(0)];
  return [
    op, 1, o.hlen ?? 6, 0, ...u32(xid), ...u16(3), ...u16(o.flags ?? 0),
    ...ip4(o.ciaddr ?? "0.0.0.0"), ...ip4(o.yiaddr ?? "0.0.0.0"), ...ip4(o.siaddr ?? "0.0.0.0"), ...ip4(o.giaddr ?? "0.0.0.0"),
    ...chaddr, ...new Array(64).fill(0), ...new Array(128).fill(0),
    99, 130, 83, 99, ...options,
  ];
}

const opt = (code: number, value: number[]): number[] => [code, value.length, ...value];

// hand-made DHCPDISCOVER: message type 1, requested address, host name, parameter request list
const DISCOVER = bootp(1, 0xdeadbeef, { flags: 0x8000 }, [
  ...opt(53, [1]), ...opt(50, ip4("192.168.1.50")), ...opt(12, ascii("host1")), ...opt(55, [1, 3, 6, 15]), 255,
]);
// hand-made DHCPACK from 192.168.1.1
const ACK = bootp(2, 0xdeadbeef, { yiaddr: "192.168.1.50", siaddr: "192.168.1.1" }, [
  ...opt(53, [5]), ...opt(54, ip4("192.168.1.1")), ...opt(51, u32(86400)), ...opt(1, ip4("255.255.255.0")),
  ...opt(3, ip4("192.168.1.1")), ...opt(6, [...ip4("8.8.8.8"), ...ip4("1.1.1.1")]), 0, 0, 255,
]);

const discoverFrame = (): Uint8Array => eth("ff:ff:ff:ff:ff:ff", CLIENT_MAC, 0x0800, ipv4("0.0.0.0", "255.255.255.255", 17, udp(68, 67, DISCOVER)));

test("DHCP Discover: header, chaddr, options 53/50/12/55, tcpdump summary", () => {
  const d = dissect(discoverFrame());
  assert.equal(layers(d), "eth/ip/udp/dhcp");
  assert.equal(d.truncated, 0);
  assert.equal(d.malformed, 0);
  assert.equal(fv(d, "dhcp.type"), 1);
  assert.equal(fv(d, "dhcp.id"), 0xdeadbeef);
  assert.equal(fv(d, "dhcp.secs"), 3);
  assert.equal(fv(d, "dhcp.flags.bc"), true);
  assert.equal(fv(d, "dhcp.hw.mac_addr"), macNum(CLIENT_MAC));
  assert.equal(fv(d, "dhcp.ip.client"), 0);
  assert.equal(fv(d, "dhcp.cookie"), ip4Num("99.130.83.99"));
  assert.equal(fv(d, "dhcp.option.dhcp"), 1);
  assert.equal(fv(d, "dhcp.option.requested_ip_address"), ip4Num("192.168.1.50"));
  assert.equal(fv(d, "dhcp.option.hostname"), "host1");
  assert.deepEqual(fv(d, "dhcp.option.request_list_item"), [1, 3, 6, 15]);
  assert.deepEqual(fv(d, "dhcp.option.type"), [53, 50, 12, 55, 0], "packet order; End counts as 0, as in Wireshark");
  assert.equal(fv(d, "dhcp.option.dhcp_server_id"), undefined);
  assert.equal(summarize(d), "00-15-5D-01-02-03 > FF-FF-FF-FF-FF-FF, ethertype IPv4 (0x0800), length 305: 0.0.0.0.68 > 255.255.255.255.67: BOOTP/DHCP, Request from 00-15-5D-01-02-03, length 263");
  const t = treeOf(d, "dhcp");
  assert.equal(t.label, "Dynamic Host Configuration Protocol (Discover)");
  assert.ok(labels(t).includes("Option: (53) DHCP Message Type (Discover)"));
  assert.ok(labels(t).includes("Host Name: host1"));
  assert.ok(labels(t).includes("Client MAC address: 00:15:5d:01:02:03"));
});

test("DHCP ACK: yiaddr/siaddr, server id, lease, mask, routers, DNS servers; reply summary", () => {
  const d = dissect(eth(CLIENT_MAC, "00:15:5d:00:00:01", 0x0800, ipv4("192.168.1.1", "192.168.1.50", 17, udp(67, 68, ACK))));
  assert.equal(fv(d, "dhcp.type"), 2);
  assert.equal(fv(d, "dhcp.ip.your"), ip4Num("192.168.1.50"));
  assert.equal(fv(d, "dhcp.ip.server"), ip4Num("192.168.1.1"));
  assert.equal(fv(d, "dhcp.option.dhcp"), 5);
  assert.equal(fv(d, "dhcp.option.dhcp_server_id"), ip4Num("192.168.1.1"));
  assert.equal(fv(d, "dhcp.option.ip_address_lease_time"), 86400);
  assert.equal(fv(d, "dhcp.option.subnet_mask"), ip4Num("255.255.255.0"));
  assert.equal(fv(d, "dhcp.option.router"), ip4Num("192.168.1.1"));
  assert.deepEqual(fv(d, "dhcp.option.domain_name_server"), [ip4Num("8.8.8.8"), ip4Num("1.1.1.1")]);
  assert.match(summarize(d), /192\.168\.1\.1\.67 > 192\.168\.1\.50\.68: BOOTP\/DHCP, Reply, length 280$/);
  assert.equal(treeOf(d, "dhcp").label, "Dynamic Host Configuration Protocol (ACK)");
});

test("DHCP truncated: fixed fields that were captured, options unknown, truncated set", () => {
  const full = discoverFrame();
  const d = dissect(full.subarray(0, 14 + 20 + 8 + 100), 1, full.length);
  assert.equal(layers(d), "eth/ip/udp/dhcp");
  assert.equal(d.truncated, Proto.Dhcp);
  assert.equal(fv(d, "dhcp.id"), 0xdeadbeef);
  assert.equal(fv(d, "dhcp.hw.mac_addr"), macNum(CLIENT_MAC));
  assert.equal(fv(d, "dhcp.option.dhcp"), undefined);
  assert.equal(fv(d, "dhcp.file"), undefined);
  assert.match(summarize(d), /BOOTP\/DHCP, Request from 00-15-5D-01-02-03, length 263$/);
  touchEverything(d);

  // cut inside the options: the whole options before the cut are still read
  const o = dissect(full.subarray(0, full.length - 4), 1, full.length);
  assert.equal(o.truncated, Proto.Dhcp);
  assert.equal(fv(o, "dhcp.option.dhcp"), 1);
  assert.equal(fv(o, "dhcp.option.hostname"), "host1");
  assert.equal(fv(o, "dhcp.option.request_list_item"), undefined, "option 55 is cut");
  touchEverything(o);

  // only 2 bytes of BOOTP
  const tiny = dissect(full.subarray(0, 14 + 20 + 8 + 2), 1, full.length);
  assert.equal(tiny.truncated, Proto.Dhcp);
  assert.match(summarize(tiny), /BOOTP\/DHCP, Request \[\|bootp\]$/);
  touchEverything(tiny);
});

test("DHCP malformed: an option running past the message, a bad hardware length", () => {
  const bad = bootp(1, 1, {}, [...opt(53, [1]), 12, 40, ...ascii("short")]);
  const d = dissect(eth("ff:ff:ff:ff:ff:ff", CLIENT_MAC, 0x0800, ipv4("0.0.0.0", "255.255.255.255", 17, udp(68, 67, bad))));
  assert.equal(d.malformed, Proto.Dhcp);
  assert.equal(d.truncated, 0);
  assert.equal(fv(d, "dhcp.option.dhcp"), 1);
  assert.equal(fv(d, "dhcp.option.hostname"), undefined);
  touchEverything(d);
  summarize(d);

  const hlen = dissect(eth("ff:ff:ff:ff:ff:ff", CLIENT_MAC, 0x0800, ipv4("0.0.0.0", "255.255.255.255", 17, udp(68, 67, bootp(1, 1, { hlen: 7 }, [255])))));
  assert.equal(hlen.malformed, Proto.Dhcp);
  assert.equal(fv(hlen, "dhcp.hw.mac_addr"), undefined);
  assert.match(summarize(hlen), /BOOTP\/DHCP, Request, length 241$/);
  touchEverything(hlen);

  // plain BOOTP without the cookie: no options, not malformed
  const plain = bootp(1, 9, {}, []).slice(0, 236);
  const p = dissect(eth("ff:ff:ff:ff:ff:ff", CLIENT_MAC, 0x0800, ipv4("0.0.0.0", "255.255.255.255", 17, udp(68, 67, cat(plain, new Array(64).fill(0))))));
  assert.equal(p.malformed, 0);
  assert.equal(fv(p, "dhcp.option.dhcp"), undefined);
  assert.equal(treeOf(p, "dhcp").label, "Bootstrap Protocol");
});
