/**
 * demikernel-ws2022-azure-pktmon.etl against demikernel-ws2022-azure-pktmon.pcapng, which Windows' own
 * `pktmon etl2pcap` made from the same capture (SHB "Packet Monitor", one Ethernet IDB, µs timestamps, no EPB
 * options).
 *
 * What pktmon etl2pcap writes, read from the golden file: 114 packets, i.e. *every appearance* — the capture
 * has 114 PktMon 160 events for 38 distinct (PktGroupId, PktNumber) pairs. So the comparison is against our
 * `allAppearances` export, packet by packet in order: bytes, captured and original lengths, and timestamps
 * (the golden's are microseconds: our nanosecond times truncated to µs must equal them).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { PacketReader } from "../../src/packets/mod.js";
import { exportPcapng, pcapngMemorySink, readPcapng } from "../../src/export/mod.js";
import { missing, sample } from "../helpers/samples.js";

const ETL = "demikernel-ws2022-azure-pktmon.etl";
const GOLDEN = "demikernel-ws2022-azure-pktmon.pcapng";

test("pktmon etl2pcap golden: every appearance, same bytes, lengths and times packet by packet", { skip: missing(ETL, GOLDEN) }, (t) => {
  const golden = readPcapng(readFileSync(sample(GOLDEN)!));
  assert.equal(golden.sections[0].userAppl, "Packet Monitor");
  assert.equal(golden.interfaces.length, 1);
  assert.equal(golden.interfaces[0].unitsPerSecond, 1_000_000n, "the golden has microsecond timestamps");

  const first = pcapngMemorySink();
  const r1 = exportPcapng(new PacketReader(sample(ETL)!), first);
  const all = pcapngMemorySink();
  const r2 = exportPcapng(new PacketReader(sample(ETL)!), all, { allAppearances: true });
  // pktmon etl2pcap writes all appearances, not the first one only.
  assert.equal(r2.written, golden.packets.length);
  assert.equal(r1.written, 38);
  assert.notEqual(r1.written, golden.packets.length);

  const ours = readPcapng(all.bytes());
  let matched = 0;
  golden.packets.forEach((g, i) => {
    const o = ours.packets[i];
    assert.deepEqual(o.data, g.data, `packet ${i + 1}: bytes`);
    assert.equal(o.capturedLength, g.capturedLength, `packet ${i + 1}: captured length`);
    assert.equal(o.originalLength, g.originalLength, `packet ${i + 1}: original length`);
    assert.equal((o.timeNs / 1000n) * 1000n, g.timeNs, `packet ${i + 1}: time (µs)`);
    matched++;
  });
  t.diagnostic(`${matched}/${golden.packets.length} packets equal to the golden pcapng (bytes, lengths, µs times); first-appearance export: ${r1.written}`);
});
