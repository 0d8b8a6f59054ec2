/**
 * Flows of the real samples against tshark's conversation tables on pcapng written by our exporter:
 * `-z conv,tcp` and `-z conv,udp` (endpoints, A = first packet's source, frames and bytes each way, relative
 * start, duration; bytes exact from frame.len) and `-z conv,ip` / `conv,ipv6` (frames per address pair, all
 * our flows but ARP summed).
 *
 * Which pcapng: the exporter's default writes each pktmon packet once by (PktGroupId, PktNumber) — the flows'
 * rule for captures that number appearances — so flows must agree with tshark on that file. Older pktmon
 * captures (AppearanceCount 0: every component's sighting has its own group id) keep every sighting in the
 * default export, while flows count a packet once across components; for those the comparison runs on a pcapng
 * of exactly the sightings the flows counted (FlowTable.add → true), and the default export's surplus is
 * reported as the systematic difference.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { Dissection, PacketReader, newDissecter } from "../../src/packets/mod.js";
import { PcapngExporter, exportPcapng, pcapngFileSink } from "../../src/export/mod.js";
import { FlowTable, readFlows } from "../../src/flows/mod.js";
import type { FlowsResult } from "../../src/flows/mod.js";
import { missing, sample } from "../helpers/samples.js";
import { noTshark } from "../export/tshark.js";
import { compareAddressPairs, compareConversations, tsharkConv } from "./conv.js";

const SAMPLES = [
  "pktmon-wifi-vpn-1.etl",
  "pktmon-wifi-vpn-2.etl",
  "stmcast-win11-26k-packets-pktmon.etl",
  "demikernel-ws2022-azure-pktmon.etl",
  "tritonpilot-win11-vmswitch-pktmon.etl",
];

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-flows-tshark-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

/** One pass: the flows, and a pcapng of the sightings they counted. */
function countedExport(path: string, out: string): { result: FlowsResult; linked: boolean; written: number } {
  const reader = new PacketReader(path);
  const table = new FlowTable({ traceStart: reader.decoder.clock.startTime });
  const x = new PcapngExporter(reader, pcapngFileSink(out), { allAppearances: true });
  const dis = newDissecter();
  const d = new Dissection();
  let linked = true;
  try {
    for (let p = reader.next(); p; p = reader.next()) {
      if (p.pktmon && p.pktmon.appearance === 0) linked = false;
      dis.run(d, p.bytes, p.originalLength, p.linkType);
      if (table.add(p, d)) x.add(p);
    }
  } finally {
    x.close();
    reader.close();
  }
  return { result: table.finish(), linked, written: x.writer.packets };
}

function compareAll(file: string, r: FlowsResult): { text: string; differences: string[] } {
  const parts: string[] = [];
  const differences: string[] = [];
  for (const kind of ["tcp", "udp"] as const) {
    const c = compareConversations(file, r, kind);
    parts.push(`conv,${kind} ${c.matched}/${c.tshark} rows match (ours ${c.ours})`);
    differences.push(...c.differences);
  }
  for (const kind of ["ip", "ipv6"] as const) {
    const c = compareAddressPairs(file, r, kind);
    parts.push(`conv,${kind} ${c.matched}/${c.tshark}`);
    differences.push(...c.differences);
  }
  return { text: parts.join(", "), differences };
}

/** TCP analysis counts, ours and tshark's expert flags on the same file (reported, not asserted: the rules differ in details). */
function tcpAnalysis(file: string, r: FlowsResult): string {
  const count = (filter: string): number => {
    const o = spawnSync("tshark", ["-r", file, "-n", "-Y", filter, "-T", "fields", "-e", "frame.number"], { encoding: "utf8", maxBuffer: 1 << 28 }).stdout.trim();
    return o ? o.split("\n").length : 0;
  };
  const sum = { retrans: 0, syn: 0, ooo: 0, dup: 0, zw: 0, ka: 0, lost: 0 };
  for (const f of r.flows) {
    if (!f.tcp) continue;
    sum.syn += f.tcp.synRetries;
    for (const x of [f.tcp.aToB, f.tcp.bToA]) {
      sum.retrans += x.retransmissions;
      sum.ooo += x.outOfOrder;
      sum.dup += x.duplicateAcks;
      sum.zw += x.zeroWindows;
      sum.ka += x.keepAlives;
      sum.lost += x.lost;
    }
  }
  const rt = "(tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission)";
  return `TCP analysis ours/tshark: retransmissions ${sum.retrans}/${count(rt)} (SYN ${sum.syn}/${count(`${rt} && tcp.flags.syn == 1`)}), ` +
    `out-of-order ${sum.ooo}/${count("tcp.analysis.out_of_order")}, dup ACK ${sum.dup}/${count("tcp.analysis.duplicate_ack")}, ` +
    `zero window ${sum.zw}/${count("tcp.analysis.zero_window")}, keep-alive ${sum.ka}/${count("tcp.analysis.keep_alive")}, ` +
    `not captured ${sum.lost}/${count("tcp.analysis.lost_segment")}`;
}

for (const name of SAMPLES) {
  test(`flows agree with tshark -z conv on ${name}`, { skip: missing(name) || noTshark }, (t) => {
    const path = sample(name)!;
    const r = readFlows(path);
    const counted = join(dir, `${name}.counted.pcapng`);
    const c = countedExport(path, counted);
    assert.deepEqual(c.result, r, "readFlows and a hand-driven FlowTable agree");
    assert.equal(r.stats.natPairs, 0, "no NAT in these captures");

    const def = join(dir, `${name}.pcapng`);
    const res = exportPcapng(new PacketReader(path), pcapngFileSink(def));
    if (c.linked) {
      assert.equal(res.written, c.written, "the exporter's default and the flows count the same sightings");
      const cmp = compareAll(def, r);
      assert.deepEqual(cmp.differences.slice(0, 20), [], `${cmp.differences.length} differences`);
      t.diagnostic(`default export (${res.written} packets): ${cmp.text}`);
      t.diagnostic(tcpAnalysis(def, r));
    } else {
      const cmp = compareAll(counted, r);
      assert.deepEqual(cmp.differences.slice(0, 20), [], `${cmp.differences.length} differences`);
      const frames = (kind: "tcp" | "udp"): number => tsharkConv(def, kind).reduce((s, x) => s + x.framesAB + x.framesBA, 0);
      const ours = (kind: "tcp" | "udp"): number => r.flows.filter((f) => f.protocol === kind).reduce((s, f) => s + f.packets, 0);
      t.diagnostic(`no appearance numbers (AppearanceCount 0): the default export keeps every sighting (${res.written} packets); ` +
        `flows count ${r.stats.packets} packets. On the counted sightings (${c.written}): ${cmp.text}. ` +
        `On the default export tshark counts tcp ${frames("tcp")} / udp ${frames("udp")} frames where flows count ${ours("tcp")} / ${ours("udp")}.`);
      t.diagnostic(tcpAnalysis(counted, r));
    }
  });
}
