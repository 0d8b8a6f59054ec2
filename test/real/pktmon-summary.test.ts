/**
 * pktmon-wifi-vpn-2.etl: our one-line summary of every PktMon packet (event 160) against the TAB-indented
 * summary line `pktmon format` printed under the same packet (pktmon-wifi-vpn-2.pktmon-format.utf16.txt, made
 * by Windows from the same file). Golden packet lines are in the order of our packets; the pairing is checked
 * through PktNumber, Appearance, OriginalSize and LoggedSize before the summaries are compared.
 *
 * The capture mixes Ethernet and 802.11 ("Type WiFi") appearances: decrypted data frames that keep the
 * Protected bit ("Data IV:…"), LLC/SNAP data frames carrying TCP, UDP, DNS and ARP, Ethernet frames logged
 * with the WiFi type (which pktmon, like us, decodes as 802.11: "Assoc Request", "unknown 802.11 frame type (3)"),
 * DNS and mDNS over Ethernet, ICMP echo, ARP, IGMP ("ip-proto-2") and IPv6 UDP. Frames are cut at 128 bytes.
 *
 * pktmon's own oddity — in 802.11 header lines with three or four MAC addresses the third repeats the first
 * (two rotating static buffers, printf arguments evaluated right to left) — is reproduced by summarize() (see
 * dot11.ts); the last test shows the real addresses with { pktmonQuirks: false }.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Dissection, PacketReader, Proto, newDissecter, summarize } from "../../src/packets/mod.js";
import type { PacketRecord } from "../../src/packets/mod.js";
import { missing, sample } from "../helpers/samples.js";

const ETL = "pktmon-wifi-vpn-2.etl";
const TXT = "pktmon-wifi-vpn-2.pktmon-format.utf16.txt";

interface GoldenPacket {
  readonly line: number;
  readonly pktNumber: number;
  readonly appearance: number;
  readonly originalSize: number;
  readonly loggedSize: number;
  readonly summary: string;
}

/**
 * Differences from `pktmon format` we accept, each with the reason (index = position among the PktMon packets).
 * Empty: every line matches. Add an entry only for a formatter behaviour that cannot reasonably be reproduced.
 */
const TOLERATED: readonly { readonly index: number; readonly ours: string; readonly golden: string; readonly reason: string }[] = [];

function readGolden(path: string): GoldenPacket[] {
  const bytes = readFileSync(path);
  let text = new TextDecoder("utf-16le", { ignoreBOM: true }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split("\r\n");
  const re = /\[Microsoft-Windows-PktMon\] PktGroupId \d+, PktNumber (\d+), Appearance (\d+), .*OriginalSize (\d+), LoggedSize (\d+)/;
  const out: GoldenPacket[] = [];
  lines.forEach((l, i) => {
    const m = re.exec(l);
    if (!m) return;
    const next = lines[i + 1] ?? "";
    assert.ok(next.startsWith("\t"), `line ${i + 2} is the TAB-indented summary of the packet on line ${i + 1}`);
    out.push({ line: i + 1, pktNumber: +m[1], appearance: +m[2], originalSize: +m[3], loggedSize: +m[4], summary: next.slice(1) });
  });
  return out;
}

function pktmonPackets(path: string): PacketRecord[] {
  const r = new PacketReader(path);
  try {
    return [...r].filter((p) => p.source === "pktmon" && p.eventId === 160);
  } finally {
    r.close();
  }
}

test(`${ETL}: every PktMon packet's summary equals \`pktmon format\`'s line (1111 of 1111)`, { skip: missing(ETL, TXT) }, (t) => {
  const golden = readGolden(sample(TXT)!);
  const packets = pktmonPackets(sample(ETL)!);
  assert.equal(golden.length, 1111);
  assert.equal(packets.length, golden.length, "one golden summary per PktMon 160 event");
  const dis = newDissecter();
  const d = new Dissection();
  let exact = 0;
  const unexpected: string[] = [];
  const tolerated = new Map(TOLERATED.map((x) => [x.index, x]));
  packets.forEach((p, k) => {
    const g = golden[k];
    assert.deepEqual(
      [p.pktmon?.pktNumber, p.pktmon?.appearance, p.originalLength, p.bytes.length],
      [g.pktNumber, g.appearance, g.originalSize, g.loggedSize],
      `packet ${k} pairs with golden line ${g.line}`,
    );
    dis.run(d, p.bytes, p.originalLength, p.linkType);
    const ours = summarize(d);
    if (ours === g.summary) {
      exact++;
      return;
    }
    const tol = tolerated.get(k);
    if (tol && tol.ours === ours && tol.golden === g.summary) return;
    unexpected.push(`#${k} (line ${g.line + 1})\n  ours:   ${ours}\n  golden: ${g.summary}`);
  });
  t.diagnostic(`exact matches: ${exact} of ${golden.length}; tolerated: ${TOLERATED.length}`);
  assert.deepEqual(unexpected.slice(0, 10), [], `${unexpected.length} summaries differ`);
  assert.equal(exact + TOLERATED.length, golden.length);
});

test(`${ETL}: the 802.11 appearances dissect through LLC/SNAP to IP and DNS`, { skip: missing(ETL) }, () => {
  const dis = newDissecter();
  const d = new Dissection();
  const counts = new Map<string, number>();
  for (const p of pktmonPackets(sample(ETL)!)) {
    if (p.linkType !== 105) continue;
    dis.run(d, p.bytes, p.originalLength, p.linkType);
    const names = Array.from(d.proto.subarray(0, d.n), (x) => dis.tables.byProto[x]?.abbrev ?? String(x)).join("/");
    counts.set(names, (counts.get(names) ?? 0) + 1);
  }
  // Decrypted frames that keep the Protected bit still carry LLC/SNAP and are dissected through it.
  assert.ok((counts.get("wlan/llc/ip/udp/data") ?? 0) > 0);
  assert.ok((counts.get("wlan/llc/ip/tcp/data") ?? 0) > 0);
  assert.ok((counts.get("wlan/llc/ip/udp/dns") ?? 0) > 0);
  assert.ok((counts.get("wlan/llc/arp") ?? 0) > 0);
  // Ethernet frames logged as WiFi become management frames (type 0) or unknown types: the MAC header only.
  assert.ok((counts.get("wlan") ?? 0) > 0);
});

test(`${ETL}: with pktmonQuirks false the 802.11 header shows the real third address`, { skip: missing(ETL) }, () => {
  const p = pktmonPackets(sample(ETL)!)[0];
  const d = newDissecter().run(new Dissection(), p.bytes, p.originalLength, p.linkType);
  assert.equal(d.proto[0], Proto.Dot11);
  assert.equal(summarize(d), "DA:01-00-5E-7F-FF-FA BSSID:3C-84-6A-01-EA-8B SA:01-00-5E-7F-FF-FA Data IV:3aaaa Pad 0 KeyID 0");
  assert.equal(summarize(d, { pktmonQuirks: false }), "DA:01-00-5E-7F-FF-FA BSSID:3C-84-6A-01-EA-8B SA:EC-8E-B5-4A-56-EF Data IV:3aaaa Pad 0 KeyID 0");
});
