/** `wnvtrace info <file>`: what is in a capture — header facts, buffers, events per provider and id, problems. */
import { TraceDecoder } from "../../events/mod.js";
import { RecordKind, RECORD_KIND_NAMES } from "../../etl/mod.js";
import { filetimeToIso } from "../../bytes/time.js";
import { LogFileMode } from "../../layout/etl.js";
import { progressBar } from "../progress.js";
import { table, toJson } from "../format.js";

export interface InfoReport {
  readonly file: string;
  readonly fileSize: number;
  readonly format: string;
  readonly loggerName: string;
  readonly logFileName: string;
  readonly os: { readonly version: string; readonly build: number };
  readonly pointerSize: number;
  readonly processors: number;
  readonly clock: { readonly type: string; readonly frequency: number };
  readonly logFileMode: string;
  readonly timeZone: { readonly biasMinutes: number; readonly name: string };
  readonly header: { readonly startTime: string; readonly endTime: string; readonly bootTime: string };
  readonly events: { readonly first: string | null; readonly last: string | null; readonly total: number };
  readonly buffers: { readonly count: number; readonly compressed: number; readonly compression: string; readonly bufferSize: number; readonly skipped: number };
  readonly lost: { readonly events: number; readonly buffers: number; readonly buffersFlaggedEventsLost: number };
  readonly recordKinds: Readonly<Record<string, number>>;
  readonly embeddedMetadata: { readonly events: number; readonly maps: number };
  readonly providers: readonly ProviderRow[];
  readonly problems: Readonly<Record<string, number>>;
  readonly problemSamples: readonly { kind: string; offset: number; message: string }[];
}

export interface ProviderRow {
  readonly guid: string;
  readonly name: string;
  readonly events: number;
  readonly byId: readonly { readonly kind: string; readonly id: number; readonly version: number; readonly name: string; readonly count: number }[];
}

const COMPRESSION_NAMES: Record<number, string> = { 0: "none", 2: "LZNT1", 3: "Xpress (plain LZ77)", 4: "Xpress Huffman" };

export function collectInfo(path: string): InfoReport {
  const bar = progressBar("reading", 0);
  const dec = new TraceDecoder(path, { onPrescanProgress: (n) => bar.update(n) });
  bar.stop();
  const r = dec.reader;
  const main = progressBar("counting", r.fileSize);
  interface Acc { name: string; events: number; ids: Map<string, { kind: string; id: number; version: number; name: string; count: number }> }
  const providers = new Map<string, Acc>();
  let first: number | null = null;
  let last: number | null = null;
  let total = 0;
  while (dec.next()) {
    const rec = dec.record;
    if (rec.kind === RecordKind.Classic && rec.providerId === "bbccf6c1-6cd1-48c4-80ff-839482e37671") dec.learn(rec);
    total++;
    if (first === null || rec.ticks < first) first = rec.ticks;
    if (last === null || rec.ticks > last) last = rec.ticks;
    const pkey = rec.kind === RecordKind.System || rec.kind === RecordKind.PerfInfo || rec.kind === RecordKind.Compact ? `${rec.providerId}` : rec.providerId;
    let acc = providers.get(pkey);
    if (!acc) providers.set(pkey, (acc = { name: "", events: 0, ids: new Map() }));
    acc.events++;
    const isEvent = rec.kind === RecordKind.EventHeader;
    const id = isEvent ? rec.id : rec.opcode;
    const kind = isEvent ? "id" : rec.kind === RecordKind.Message ? "wpp" : "opcode";
    const k = `${kind}|${id}|${rec.version}|${rec.kind}`;
    let row = acc.ids.get(k);
    if (!row) {
      const name = dec.nameOf(rec);
      acc.ids.set(k, (row = { kind: `${RECORD_KIND_NAMES[rec.kind]} ${kind}`, id, version: rec.version, name, count: 0 }));
    }
    row.count++;
    if (!acc.name) acc.name = dec.providerName(rec);
    if ((total & 0xffff) === 0) main.update(r.progress);
  }
  main.stop();
  const info = dec.info;
  const bs = r.bufferStats();
  const rs = r.stats();
  const modes: string[] = [];
  if (info.logFileMode & LogFileMode.Sequential) modes.push("sequential");
  if (info.logFileMode & LogFileMode.Circular) modes.push("circular");
  if (info.logFileMode & LogFileMode.Relog) modes.push("relogged");
  if (info.logFileMode & LogFileMode.Compressed) modes.push("compressed");
  const format = `ETW trace log (.etl), ${info.pointerSize * 8}-bit${modes.length ? ", " + modes.join(", ") : ""}`;
  const providerRows: ProviderRow[] = [...providers.entries()]
    .map(([guid, a]) => ({
      guid, name: a.name, events: a.events,
      byId: [...a.ids.values()].sort((x, y) => x.id - y.id || x.version - y.version),
    }))
    .sort((a, b) => b.events - a.events);
  dec.close();
  return {
    file: path,
    fileSize: r.fileSize,
    format,
    loggerName: info.loggerName,
    logFileName: info.logFileName,
    os: { version: info.osVersion, build: info.osBuild },
    pointerSize: info.pointerSize,
    processors: info.numberOfProcessors,
    clock: { type: dec.clock.name, frequency: dec.clock.frequency },
    logFileMode: "0x" + info.logFileMode.toString(16),
    timeZone: { biasMinutes: info.timeZone.bias, name: info.timeZone.standardName },
    header: { startTime: filetimeToIso(info.startTime), endTime: filetimeToIso(info.endTime), bootTime: filetimeToIso(info.bootTime) },
    events: { first: first === null ? null : dec.clock.iso(first), last: last === null ? null : dec.clock.iso(last), total },
    buffers: { count: bs.count, compressed: bs.compressed, compression: COMPRESSION_NAMES[bs.compressed ? r.compression : 0] ?? `format ${r.compression}`, bufferSize: info.bufferSize, skipped: bs.skipped },
    lost: { events: info.eventsLost, buffers: info.buffersLost, buffersFlaggedEventsLost: bs.eventsLostFlag },
    recordKinds: rs.byKind,
    embeddedMetadata: { events: dec.registry.embeddedEvents, maps: dec.registry.embeddedMapCount },
    providers: providerRows,
    problems: { ...r.diagnosticCounts },
    problemSamples: r.diagnostics.slice(0, 20).map((d) => ({ kind: d.kind, offset: d.offset, message: d.message })),
  };
}

export function renderInfo(i: InfoReport): string {
  const out: string[] = [];
  const tz = i.timeZone.biasMinutes === 0 ? "UTC" : `UTC${i.timeZone.biasMinutes < 0 ? "+" : "-"}${hm(Math.abs(i.timeZone.biasMinutes))}`;
  out.push(`File:        ${i.file} (${i.fileSize.toLocaleString("en-US")} bytes)`);
  out.push(`Format:      ${i.format}`);
  out.push(`Logger:      ${i.loggerName}${i.logFileName ? `  (was ${i.logFileName})` : ""}`);
  out.push(`Windows:     ${i.os.version} build ${i.os.build}`);
  out.push(`CPUs:        ${i.processors}    pointer size: ${i.pointerSize} bytes`);
  out.push(`Clock:       ${i.clock.type}, ${i.clock.frequency.toLocaleString("en-US")} Hz    host time zone: ${tz}${i.timeZone.name ? ` (${i.timeZone.name})` : ""}`);
  out.push(`Header:      start ${i.header.startTime}  end ${i.header.endTime}  boot ${i.header.bootTime}`);
  out.push(`Events:      ${i.events.total.toLocaleString("en-US")}  from ${i.events.first ?? "-"}  to ${i.events.last ?? "-"}`);
  out.push(`Buffers:     ${i.buffers.count} (${i.buffers.compressed} compressed${i.buffers.compressed ? `, ${i.buffers.compression}` : ""}), capacity ${i.buffers.bufferSize.toLocaleString("en-US")} bytes${i.buffers.skipped ? `, ${i.buffers.skipped} skipped` : ""}`);
  out.push(`Lost:        ${i.lost.events} events, ${i.lost.buffers} buffers (per header)${i.lost.buffersFlaggedEventsLost ? `; ${i.lost.buffersFlaggedEventsLost} buffers flagged EVENTS_LOST` : ""}`);
  out.push(`Records:     ${Object.entries(i.recordKinds).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  out.push(`Metadata:    ${i.embeddedMetadata.events} embedded event schemas, ${i.embeddedMetadata.maps} value maps`);
  out.push("");
  out.push("Events per provider:");
  const rows: (string | number)[][] = [["count", "provider", "guid"]];
  for (const p of i.providers) rows.push([p.events, p.name || "(unknown)", `{${p.guid}}`]);
  out.push(indent(table(rows, [0])));
  out.push("");
  out.push("Events per provider and id:");
  const rows2: (string | number)[][] = [["count", "provider", "record", "id/opcode", "ver", "name"]];
  for (const p of i.providers) {
    for (const r of p.byId) rows2.push([r.count, p.name || `{${p.guid}}`, r.kind.split(" ")[0], r.id, r.version, r.name]);
  }
  out.push(indent(table(rows2, [0, 3, 4])));
  const probs = Object.entries(i.problems);
  out.push("");
  if (probs.length === 0) out.push("Problems:    none (every buffer and record was read)");
  else {
    out.push(`Problems:    ${probs.map(([k, v]) => `${k} ×${v}`).join(", ")}`);
    for (const s of i.problemSamples) out.push(`  - ${s.message}`);
  }
  return out.join("\n");
}

function hm(min: number): string {
  return `${String(Math.floor(min / 60)).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`;
}

function indent(s: string): string {
  return s.split("\n").map((l) => "  " + l).join("\n");
}

export function infoJson(i: InfoReport): string {
  return toJson(i, true);
}
