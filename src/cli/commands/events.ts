/** `wnvtrace events <file>`: one event per line (or JSON), filtered by provider and id. */
import { TraceDecoder, bundledSchemas } from "../../events/mod.js";
import { normalizeGuid } from "../../bytes/guid.js";
import { WnvError } from "../../bytes/errors.js";
import { progressBar } from "../progress.js";
import { eventLine, shiftIso, toJson } from "../format.js";

export interface EventsOptions {
  readonly provider?: string[];
  readonly id?: string;
  readonly limit?: number;
  readonly json?: boolean;
  readonly ndjson?: boolean;
  /** utc (default) | host (capture host's time zone from the header) | relative (seconds since start) */
  readonly time?: string;
  /** Print only the message text (Get-WinEvent's .Message); events without a message print their name. */
  readonly messagesOnly?: boolean;
}

export interface Writer {
  (s: string): void;
}

/** Parses "--id 56,57,58" (and ranges "62-71"). */
export function parseIds(s: string | undefined): Set<number> | null {
  if (!s) return null;
  const out = new Set<number>();
  for (const part of s.split(",")) {
    const t = part.trim();
    const m = /^(\d+)(?:-(\d+))?$/.exec(t);
    if (!m) throw new WnvError("usage", `--id: "${t}" is not an event id or range (expected e.g. 56,57,58 or 62-71)`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b - a > 65535) throw new WnvError("usage", `--id: bad range "${t}"`);
    for (let i = a; i <= b; i++) out.add(i);
  }
  return out;
}

/** Provider filter: GUIDs or names (case-insensitive; a name matches as a substring, e.g. "vmswitch"). */
function providerFilter(list: string[] | undefined): ((guid: string, name: string) => boolean) | null {
  if (!list || list.length === 0) return null;
  const guids = new Set<string>();
  const names: string[] = [];
  for (const p of list.flatMap((x) => x.split(","))) {
    const g = normalizeGuid(p);
    if (g) guids.add(g);
    else if (p.trim()) {
      names.push(p.trim().toLowerCase());
      const b = bundledSchemas().guidOf(p.trim());
      if (b) guids.add(b);
    }
  }
  return (guid, name) => guids.has(guid) || names.some((n) => name.toLowerCase().includes(n));
}

export function runEvents(path: string, o: EventsOptions, write: Writer): number {
  const ids = parseIds(o.id);
  const pf = providerFilter(o.provider);
  const limit = o.limit ?? Infinity;
  const timeMode = o.time ?? "utc";
  if (!["utc", "host", "relative"].includes(timeMode)) throw new WnvError("usage", `--time must be utc, host or relative (got "${timeMode}")`);
  const pre = progressBar("metadata", 0);
  const dec = new TraceDecoder(path, { onPrescanProgress: (n) => pre.update(n) });
  pre.stop();
  const bar = progressBar("events", dec.reader.fileSize);
  const hostOffset = -dec.info.timeZone.bias;
  let n = 0;
  let seen = 0;
  if (o.json) write("[");
  try {
    while (n < limit && dec.next()) {
      const rec = dec.record;
      if ((++seen & 0xfff) === 0) bar.update(dec.reader.progress);
      if (ids && !ids.has(rec.kind === 6 ? rec.id : rec.opcode)) {
        if (rec.kind === 4) dec.learn(rec);
        continue;
      }
      if (pf && !pf(rec.providerId, dec.providerName(rec))) {
        if (rec.kind === 4) dec.learn(rec);
        continue;
      }
      const e = dec.decode(rec);
      if (o.json || o.ndjson) {
        const s = toJson(e);
        write(o.json ? (n === 0 ? "\n" : ",\n") + s : s + "\n");
      } else if (o.messagesOnly) {
        write((e.message ?? e.name).replace(/\s+$/, "") + "\n");
      } else {
        const t = timeMode === "relative" ? `${(e.ticks / 1e7).toFixed(7).padStart(14)}` : timeMode === "host" ? shiftIso(e.time, hostOffset) : e.time;
        write(eventLine(e, t) + "\n");
      }
      n++;
    }
  } finally {
    bar.stop();
  }
  if (o.json) write(n ? "\n]\n" : "]\n");
  dec.close();
  return n;
}
