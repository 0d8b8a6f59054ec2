// Journeys from real pktmon captures (read in place from ../shared/etl-samples; skipped when absent).
//   - pktmon-wifi-vpn-2.etl against Windows' own `pktmon format` text of the same file: the same groups
//     (PktGroupId + PktNumber), the same appearances in the same order, at the same components, edges and
//     directions; component types and names agree with the text's component table.
//   - every pktmon sample: every appearance lands in exactly one journey, in appearance order; stmcast
//     (Windows 11 26100, AppearanceCount 0 and a new PktGroupId per sighting) chains identical bytes on one CPU.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { readJourneys } from "../../src/journeys/mod.js";
import type { Journey } from "../../src/journeys/mod.js";
import { PacketReader } from "../../src/packets/mod.js";
import { missing, sample } from "../helpers/samples.js";

const ETL = "pktmon-wifi-vpn-2.etl";
const TXT = "pktmon-wifi-vpn-2.pktmon-format.utf16.txt";

function golden(path: string): string[] {
  const bytes = readFileSync(path);
  let text = new TextDecoder("utf-16le", { ignoreBOM: true }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.split("\r\n").filter((l) => l !== "" && !l.startsWith("\t"));
}

const PKT = /\[Microsoft-Windows-PktMon\] (Drop: )?PktGroupId (\d+), PktNumber (\d+), Appearance (\d+), Direction (\S+) , Type (\S+) , Component (\d+), Edge (\d+),/;
const COMP = /\[Microsoft-Windows-PktMon\] Component (\d+), Type (.+?) , Name ([^,]*), (.*?) ?$/;

test(`${ETL}: journeys = pktmon format's groups, appearances, components, edges and directions`, { skip: missing(ETL, TXT) }, () => {
  const lines = golden(sample(TXT)!);
  // Golden journeys: consecutive appearances of one (group, number), a new one when the count restarts.
  const open = new Map<string, string[]>();
  const want: string[] = [];
  const comps = new Map<number, { type: string; name: string; description: string }>();
  let appearances = 0;
  for (const l of lines) {
    const c = COMP.exec(l);
    if (c) comps.set(Number(c[1]), { type: c[2].trim(), name: c[3].trim(), description: c[4].trim() });
    const m = PKT.exec(l);
    if (!m) continue;
    appearances++;
    const key = `${m[2]}/${m[3]}`;
    const a = Number(m[4]);
    let seq = open.get(key);
    if (!seq || a <= Number(seq[seq.length - 1].split("@")[0]) || a === 1) {
      if (seq) want.push(`${key}: ${seq.join(" ")}`);
      open.set(key, (seq = []));
    }
    seq.push(`${a}@${m[7]}/${m[8]}/${m[5]}${m[1] ? "/drop" : ""}`);
  }
  for (const [key, seq] of open) want.push(`${key}: ${seq.join(" ")}`);
  assert.equal(appearances, 1111, "the text's packet lines");

  const journeys = readJourneys(sample(ETL)!);
  const got = journeys.map((j) => `${j.key.replace(/^pktmon /, "")}: ${j.hops.map((h) => `${h.pktmon!.appearance}@${h.where.component}/${h.where.edge}/${h.where.direction}${h.kind === "drop" ? "/drop" : ""}`).join(" ")}`);
  assert.equal(journeys.reduce((n, j) => n + j.hops.length, 0), 1111);
  assert.deepEqual([...got].sort(), [...want].sort());
  assert.equal(journeys.length, 108);

  // Components: the hop's type and label agree with the text's component table.
  let checked = 0;
  for (const j of journeys) {
    for (const h of j.hops) {
      const c = comps.get(h.where.component!);
      assert.ok(c, `component ${h.where.component} is in the text`);
      assert.equal(h.where.componentType, c.type, `component ${h.where.component} type`);
      const label = h.where.componentName ?? "";
      if (c.description) assert.ok(label.includes(c.description), `component ${h.where.component}: "${label}" names "${c.description}"`);
      if (c.name && c.name !== c.description) assert.ok(label.includes(c.name), `component ${h.where.component}: "${label}" names "${c.name}"`);
      assert.ok(h.names?.label, "every hop is named");
      checked++;
    }
  }
  assert.equal(checked, 1111);
  for (const j of journeys) {
    assert.equal(j.fate.kind, "delivered", `#${j.id}: no drops in this capture`);
    for (const h of j.hops.slice(1)) assert.ok(h.latencyTicks >= 0, `#${j.id} hop ${h.index}: latency ${h.latencyTicks}`);
  }
});

test(`${ETL}: the first journey reads like pktmon's own view (Wi-Fi adapter up the filter stack, 802.11 → Ethernet)`, { skip: missing(ETL) }, () => {
  const j = readJourneys(sample(ETL)!).find((x) => x.key === "pktmon 562949953422193/1")!;
  assert.ok(j);
  assert.equal(j.hops.length, 13);
  assert.equal(j.hops[0].kind, "nic-recv");
  assert.match(j.hops[0].names!.label, /Realtek RTL8723BE 802\.11 bgn Wi-Fi Adapter/);
  assert.equal(j.hops[0].frame!.linkType, 105);
  assert.equal(j.hops[6].frame!.linkType, 1, "Ethernet after the native Wi-Fi filter");
  assert.match(j.summary, /^SSDP 192\.168\.0\.115:51065 → 239\.255\.255\.250:1900$/);
});

function checkSample(name: string, journeys: readonly Journey[]): void {
  const r = new PacketReader(sample(name)!);
  let appearances = 0;
  for (let p = r.next(); p; p = r.next()) if (p.pktmon) appearances++;
  r.close();
  assert.equal(journeys.reduce((n, j) => n + j.hops.length, 0), appearances, `${name}: every appearance is in one journey`);
  for (const j of journeys) {
    assert.equal(j.flavor, "pktmon");
    const a = j.hops.map((h) => h.pktmon!.appearance);
    assert.deepEqual(a, [...a].sort((x, y) => x - y), `${name} #${j.id}: appearance order`);
    if (j.fate.kind === "dropped") {
      const d = j.hops[j.fate.hop!];
      assert.equal(d.kind, "drop");
      assert.equal(j.fate.reason, d.drop!.reason);
      assert.ok(j.fate.reasonName && j.fate.reasonName !== "", `${name} #${j.id}: drop reason named`);
    }
  }
}

for (const name of ["pktmon-wifi-vpn-1.etl", "demikernel-ws2022-azure-pktmon.etl", "tritonpilot-win11-vmswitch-pktmon.etl", "stmcast-win11-26k-packets-pktmon.etl"]) {
  test(`${name}: every appearance in exactly one journey, in appearance order; drops named`, { skip: missing(name) }, () => {
    checkSample(name, readJourneys(sample(name)!));
  });
}

test("stmcast (AppearanceCount 0): identical bytes on one CPU chain into one journey, one visit per component edge and direction", { skip: missing("stmcast-win11-26k-packets-pktmon.etl") }, () => {
  const js = readJourneys(sample("stmcast-win11-26k-packets-pktmon.etl")!);
  const multi = js.filter((j) => j.hops.length > 1);
  assert.ok(multi.length > 3000, `${multi.length} chains`);
  for (const j of multi) {
    const places = new Set<string>();
    for (const h of j.hops) {
      assert.equal(h.pktmon!.appearance, 0);
      assert.equal(h.cpu, j.hops[0].cpu);
      assert.equal(Buffer.compare(Buffer.from(h.frame!.bytes), Buffer.from(j.hops[0].frame!.bytes)), 0);
      const k = `${h.where.component}/${h.where.edge}/${h.where.direction}`;
      assert.ok(!places.has(k), `#${j.id}: ${k} twice`);
      places.add(k);
    }
  }
  const drops = js.filter((j) => j.fate.kind === "dropped");
  assert.ok(drops.length > 0);
  assert.ok(drops.some((j) => j.fate.reasonName === "Not locally destined"));
});
