/**
 * attackhost-netsh-ndiscap-1001.etl: a netsh-trace-style relogged file whose one Microsoft-Windows-NDIS-PacketCapture
 * event 1001 (Packet Fragment) must decode from the TRACE_EVENT_INFO embedded in the file (build 19044 template,
 * with the GftFlowEntryId / GftOffloadInformation tail).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { missing, sample } from "../helpers/samples.js";
import { decodeAll } from "../helpers/decode.js";

const ETL = "attackhost-netsh-ndiscap-1001.etl";

/** NDIS-PacketCapture keyword masks (manifest). */
const KW = {
  Native80211: 0x10000n,
  PacketStart: 0x40000000n,
  PacketEnd: 0x80000000n,
  SendPath: 0x100000000n,
  ReceivePath: 0x200000000n,
  Channel63: 0x8000000000000000n,
};

test(`${ETL}: NDIS-PacketCapture 1001 decodes from embedded metadata: ifIndex 8/8, 197-byte 802.11 fragment`, { skip: missing(ETL) }, () => {
  const { events, decoder: d } = decodeAll(sample(ETL)!);
  assert.deepEqual(d.reader.diagnostics, []);
  assert.equal(events.length, 102);
  const ndis = events.filter((e) => e.providerId === "2ed6006e-4729-4609-b423-3ee7bcd678ef");
  assert.equal(ndis.length, 1);
  const e = ndis[0];
  assert.equal(e.providerName, "Microsoft-Windows-NDIS-PacketCapture");
  assert.equal(e.id, 1001);
  assert.equal(e.version, 0);
  assert.equal(e.level, 4);
  assert.equal(e.channel, 16);
  assert.equal(e.schemaSource, "embedded");
  assert.equal(e.time, "2022-04-20T04:04:59.2672495Z");
  assert.equal(e.cpu, 3);
  assert.equal(e.pid, 12332);
  assert.equal(e.tid, 18084);
  assert.equal(e.payloadSize, 12 + 197 + 16, "3 × u32 + fragment + 2 × u64 (Gft tail)");
  assert.equal(e.truncated, false);

  const f = e.fields!;
  assert.deepEqual(Object.keys(f), ["MiniportIfIndex", "LowerIfIndex", "FragmentSize", "Fragment", "GftFlowEntryId", "GftOffloadInformation"]);
  assert.equal(f.MiniportIfIndex, 8);
  assert.equal(f.LowerIfIndex, 8);
  assert.equal(f.FragmentSize, 197);
  assert.ok(f.Fragment instanceof Uint8Array);
  const frag = f.Fragment;
  assert.equal(frag.length, 197);
  assert.equal(f.GftFlowEntryId, 0);
  assert.equal(f.GftOffloadInformation, 0);

  // The fragment is an 802.11 data frame carrying LLC/SNAP + IPv4/UDP: an SSDP M-SEARCH from 192.168.1.2 to
  // 239.255.255.250:1900.
  assert.deepEqual([...frag.subarray(0, 2)], [0x08, 0x01], "frame control: data frame, ToDS");
  assert.deepEqual([...frag.subarray(24, 32)], [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00], "LLC/SNAP, IPv4");
  assert.deepEqual([...frag.subarray(24 + 8 + 12, 24 + 8 + 20)], [192, 168, 1, 2, 239, 255, 255, 250], "IPv4 src, dst");
  assert.equal(Buffer.from(frag.subarray(60, 68)).toString("latin1"), "M-SEARCH");

  // Keywords: PacketStart | PacketEnd | Native802.11 in the low word; in the high word the channel bit 63, two
  // unnamed bits (0x20000000000, 0x40000000000) and 0x100000000, which the manifest calls ut:SendPath — not
  // ReceivePath (0x200000000). The frame agrees: ToDS set, FromDS clear, i.e. station → AP, sent by this host.
  assert.equal(e.keywords, "0x80000601c0010000");
  const kw = BigInt(e.keywords);
  for (const [name, bit] of [["PacketStart", KW.PacketStart], ["PacketEnd", KW.PacketEnd], ["Native802.11", KW.Native80211], ["SendPath", KW.SendPath], ["channel bit 63", KW.Channel63]] as const) {
    assert.equal(kw & bit, bit, `${name} bit set`);
  }
  assert.equal(kw & KW.ReceivePath, 0n, "ReceivePath bit clear");
  assert.equal(frag[1] & 0x03, 0x01, "ToDS=1, FromDS=0");

  // Message from the embedded metadata (build 19044 text: no ", MiniportIfIndex …" suffix), trailing space kept.
  assert.equal(e.message, "Packet Fragment (197 bytes) ");
});
