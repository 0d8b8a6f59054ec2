/**
 * The real pktmon samples exported (first appearances and all appearances) and opened by tshark: it must read
 * every file with nothing on stderr, see the same lengths and times, and agree with our dissector on every
 * field both of us decode (addresses, ports, TCP flags, ICMP type, protocol stack). Where tshark decodes
 * further than our dissectors (802.11, application protocols), the common part is compared and the stacks are
 * reported. Packets tshark calls malformed are reported, not failed: pktmon labels some Ethernet frames
 * "WiFi" (e.g. at the Npcap filter above the native-WiFi translation), and we keep pktmon's link type.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { PacketReader } from "../../src/packets/mod.js";
import { exportPcapng, pcapngFileSink } from "../../src/export/mod.js";
import { missing, sample } from "../helpers/samples.js";
import { compareWithTshark, noTshark } from "./tshark.js";

const SAMPLES = [
  "pktmon-wifi-vpn-1.etl",
  "pktmon-wifi-vpn-2.etl",
  "demikernel-ws2022-azure-pktmon.etl",
  "stmcast-win11-26k-packets-pktmon.etl",
  "tritonpilot-win11-vmswitch-pktmon.etl",
];

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-tshark-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

for (const name of SAMPLES) {
  test(`tshark agrees with our export of ${name}`, { skip: missing(name) || noTshark }, (t) => {
    for (const all of [false, true]) {
      const out = join(dir, `${name}.${all ? "all" : "first"}.pcapng`);
      const res = exportPcapng(new PacketReader(sample(name)!), pcapngFileSink(out), { allAppearances: all });
      const c = compareWithTshark(out);
      assert.equal(c.packets, res.written);
      assert.deepEqual(c.mismatches.slice(0, 20), [], `${c.mismatches.length} differences`);
      const top = (m: Readonly<Record<string, number>>): string => Object.entries(m).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k} ×${v}`).join(", ");
      t.diagnostic(`${all ? "all appearances" : "first appearances"}: ${c.packets} packets, ${c.identical} identical, ${c.tsharkDeeper} where tshark decodes further` +
        `${c.tsharkDeeper ? ` (${top(c.deeperStacks)})` : ""}, ${c.malformed} malformed to tshark${c.malformed ? ` (${top(c.malformedStacks)})` : ""}`);
    }
  });
}
