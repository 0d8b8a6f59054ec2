/**
 * pktmon-wifi-vpn-1.etl against the Windows `tracerpt` summary made from the same file
 * (pktmon-wifi-vpn-1.tracerpt-summary.txt, beside it). The summary is parsed here, not copied.
 *
 * tracerpt has two tables:
 *   1. per (GUID, task, opcode, version): classic records counted by opcode (EventTrace header records by their
 *      opcode name, e.g. "Header", "PartitionInfoExtension"); manifest events of a provider by their opcode (all
 *      PktMon events have opcode 0, so they form one row);
 *   2. per (GUID, event id, version): manifest events by id; classic and kernel records all have id 0.
 * Our records are mapped onto those rows and every count must match, in both directions.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { EVENT_TRACE_TYPES, RecordKind } from "../../src/etl/mod.js";
import { TraceDecoder } from "../../src/events/mod.js";
import { missing, sample } from "../helpers/samples.js";

const ETL = "pktmon-wifi-vpn-1.etl";
const SUMMARY = "pktmon-wifi-vpn-1.tracerpt-summary.txt";

interface Row {
  count: number;
  name: string;
  key: string;
}

interface Summary {
  buffers: number;
  events: number;
  lost: number;
  elapsedSeconds: number;
  startDate: string;
  byOpcode: Row[];
  byId: Row[];
}

const OPCODE_BY_NAME: Record<string, number> = Object.fromEntries(Object.entries(EVENT_TRACE_TYPES).map(([k, v]) => [v, Number(k)]));

function parseSummary(text: string): Summary {
  const num = (re: RegExp): number => {
    const m = re.exec(text);
    assert.ok(m, `summary line ${re}`);
    return Number(m[1]);
  };
  const s: Summary = {
    buffers: num(/^Total Buffers Processed\s+(\d+)/m),
    events: num(/^Total Events\s+Processed\s+(\d+)/m),
    lost: num(/^Total Events\s+Lost\s+(\d+)/m),
    elapsedSeconds: num(/^Elapsed Time\s+(\d+) sec/m),
    startDate: /^Start Time\s+(.+?)\s*$/m.exec(text)?.[1] ?? "",
    byOpcode: [],
    byId: [],
  };
  let table: "opcode" | "id" | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (/^\|Event Count/.test(line)) {
      table = /\bOpcode\b/.test(line) ? "opcode" : /\bEvent ID\b/.test(line) ? "id" : null;
      continue;
    }
    const m = /^\|(.*)\{([0-9a-fA-F-]{36})\}\|\s*$/.exec(line);
    if (!m || !table) continue;
    // Columns are space-aligned and Event Name may be empty: read the fixed columns from the right.
    const tok = m[1].trim().split(/\s+/);
    const guid = m[2].toLowerCase();
    const count = Number(tok[0]);
    const version = tok[tok.length - 1];
    if (table === "opcode") {
      const opTok = tok[tok.length - 2];
      const op = /^\d+$/.test(opTok) ? Number(opTok) : OPCODE_BY_NAME[opTok];
      assert.ok(op !== undefined, `unknown opcode name ${opTok}`);
      const task = tok[tok.length - 3];
      s.byOpcode.push({ count, name: tok.slice(1, -3).join(" "), key: `${guid} task=${task} opcode=${op} v${version}` });
    } else {
      const id = tok[tok.length - 2];
      s.byId.push({ count, name: tok.slice(1, -2).join(" "), key: `${guid} id=${id} v${version}` });
    }
  }
  return s;
}

function tally(rows: Row[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.key] = (out[r.key] ?? 0) + r.count;
  return out;
}

test(`${ETL}: events per provider/opcode and per event id equal the Windows tracerpt summary`, { skip: missing(ETL, SUMMARY) }, (t) => {
  const sum = parseSummary(readFileSync(sample(SUMMARY)!, "latin1"));
  // A few literal values, so that a broken summary parser cannot make the comparison vacuous.
  assert.equal(sum.events, 4601);
  assert.equal(sum.buffers, 5);
  assert.equal(sum.lost, 0);
  assert.equal(sum.byOpcode.length, 14);
  assert.equal(sum.byId.length, 15);
  assert.ok(sum.byId.some((r) => r.key === "4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac id=160 v0" && r.count === 3646 && r.name === "Microsoft-Windows-PktMon"));
  assert.ok(sum.byOpcode.some((r) => r.key === "4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac task=0 opcode=0 v0" && r.count === 4514));
  assert.ok(sum.byOpcode.some((r) => r.key === "68fdd900-4a3e-11d1-84f4-0000f80464e3 task=0 opcode=80 v2" && r.count === 2), "PartitionInfoExtension ×2");

  const d = new TraceDecoder(sample(ETL)!);
  const ours = { byOpcode: [] as Row[], byId: [] as Row[] };
  const names = new Map<string, Set<string>>();
  let n = 0;
  try {
    while (d.next()) {
      const r = d.record;
      const e = d.decode();
      n++;
      const manifest = r.kind === RecordKind.EventHeader;
      const id = manifest ? r.id : 0; // classic and kernel records have no event id
      const task = manifest ? r.task : 0;
      ours.byOpcode.push({ count: 1, name: e.providerName, key: `${r.providerId} task=${task} opcode=${r.opcode} v${r.version}` });
      ours.byId.push({ count: 1, name: e.providerName, key: `${r.providerId} id=${id} v${r.version}` });
      let s = names.get(r.providerId);
      if (!s) names.set(r.providerId, (s = new Set()));
      s.add(e.providerName);
    }
  } finally {
    d.close();
  }

  assert.equal(n, sum.events, "Total Events Processed");
  assert.equal(d.reader.bufferCount, sum.buffers, "Total Buffers Processed");
  assert.equal(d.info.eventsLost, sum.lost, "Total Events Lost");
  assert.equal(Math.floor(Number(d.info.endTime - d.info.startTime) / 1e7), sum.elapsedSeconds, "Elapsed Time");
  assert.equal(sum.startDate, "Tuesday, June 1, 2021");
  assert.equal(new Date(d.clock.iso(0).slice(0, 23) + "Z").getUTCDay(), 2, "the trace starts on a Tuesday");

  assert.deepEqual(tally(ours.byOpcode), tally(sum.byOpcode), "table 1: per GUID, task, opcode, version");
  assert.deepEqual(tally(ours.byId), tally(sum.byId), "table 2: per GUID, event id, version");

  // Where tracerpt names the provider, we give the same name.
  for (const row of [...sum.byOpcode, ...sum.byId]) {
    if (!row.name) continue;
    const guid = row.key.slice(0, 36);
    assert.deepEqual([...(names.get(guid) ?? [])], [row.name], `provider name for ${guid}`);
  }
  t.diagnostic(`compared ${sum.byOpcode.length} + ${sum.byId.length} tracerpt rows over ${n} events`);
});
