/**
 * `wnvtrace follow <file>`: every packet's journey through the host as a short story —
 *
 *   #3 ICMP echo 172.18.5.2 → 13.107.21.200  wcow1 (try-nat) → vSwitch try-nat → host vNIC vEthernet (try-nat) +2.1 µs → Ethernet +9.8 µs  NAT: src 172.18.5.2 → 10.0.0.4   delivered
 *
 * -Y keeps journeys with a hop whose frame matches the display filter; --packet N prints one journey hop by
 * hop; --inventory names hops after containers and networks from the host state (bad or partial state only
 * leaves names out); --json / --ndjson give the journeys as data. Drops are red and unfinished journeys yellow
 * when stdout is a terminal.
 */
import type { PacketRecord } from "../../packets/mod.js";
import { Dissection, newDissecter } from "../../packets/mod.js";
import { compileFilter } from "../../filter/mod.js";
import type { PacketFilter } from "../../filter/mod.js";
import type { Journey } from "../../journeys/mod.js";
import { JourneyReader, journeyDetail, journeyJson, storyLine } from "../../journeys/mod.js";
import { WnvError } from "../../bytes/errors.js";
import { progressBar } from "../progress.js";
import { hostState } from "../util.js";

export interface FollowOptions {
  readonly filter?: string;
  readonly packet?: number;
  readonly inventory?: readonly string[];
  readonly json?: boolean;
  readonly ndjson?: boolean;
  /** ANSI colours (default: when stdout is a terminal and NO_COLOR is unset). */
  readonly color?: boolean;
}

export interface FollowResult {
  readonly journeys: number;
  readonly printed: number;
  readonly delivered: number;
  readonly dropped: number;
  readonly unfinished: number;
}

/** Batches output into large writes. */
class Batch {
  private buf = "";
  constructor(private readonly write: (s: string) => void) {}
  add(s: string): void {
    this.buf += s;
    if (this.buf.length >= 1 << 17) this.flush();
  }
  flush(): void {
    if (this.buf) this.write(this.buf);
    this.buf = "";
  }
}


export function runFollow(path: string, o: FollowOptions, write: (s: string) => void, warn: (s: string) => void): FollowResult {
  if (o.json && o.ndjson) throw new WnvError("usage", "choose one of --json and --ndjson");
  // A bad filter is a usage error whatever the input: compile it before opening the file.
  const filter: PacketFilter | null = o.filter !== undefined && o.filter.trim() !== "" ? compileFilter(o.filter) : null;
  const dis = filter ? newDissecter() : null;
  const d = filter ? new Dissection() : null;
  const match = filter ? (p: PacketRecord): boolean => filter(dis!.run(d!, p.bytes, p.originalLength, p.linkType), p) : undefined;
  const inventory = hostState(o.inventory, warn);
  const color = o.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  const detail = o.packet !== undefined;
  const json = o.json || o.ndjson;
  const reader = new JourneyReader(path, {
    inventory, ...(match ? { match } : {}), frameSummaries: json || detail,
  });
  const progress = progressBar("journeys", reader.packets.decoder.reader.fileSize);
  const out = new Batch(write);
  let printed = 0;
  let seen = 0;
  let found: Journey | null = null;
  if (o.json && !detail) out.add("[");
  try {
    for (let j = reader.next(); j; j = reader.next()) {
      if ((++seen & 0x3ff) === 0) progress.update(reader.packets.decoder.reader.progress);
      if (detail) {
        if (j.id === o.packet) {
          found = j;
          break;
        }
        continue;
      }
      if (filter && !j.matched) continue;
      if (json) out.add(o.json ? (printed === 0 ? "\n" : ",\n") + journeyJson(j) : journeyJson(j) + "\n");
      else out.add(storyLine(j, { color }) + "\n");
      printed++;
    }
  } finally {
    progress.stop();
  }
  const s = reader.stats;
  reader.close();
  if (detail) {
    if (!found) throw new WnvError("usage", `no journey #${o.packet} in ${path} (it has ${s.journeys}; \`wnvtrace follow ${path}\` lists them)`);
    if (filter && !found.matched) warn(`journey #${o.packet} does not match the filter`);
    out.add(json ? journeyJson(found, o.json ? 2 : undefined) + "\n" : journeyDetail(found, { color }));
    out.flush();
    return { journeys: s.journeys, printed: 1, delivered: s.delivered, dropped: s.dropped, unfinished: s.unfinished };
  }
  if (o.json) out.add(printed ? "\n]\n" : "]\n");
  else if (!json) {
    const f = `${s.journeys} journeys: ${s.delivered} delivered, ${s.dropped} dropped, ${s.unfinished} unfinished${filter ? `; ${printed} match the filter` : ""}`;
    out.add(`${printed ? "\n" : ""}${f}\n`);
  }
  out.flush();
  return { journeys: s.journeys, printed, delivered: s.delivered, dropped: s.dropped, unfinished: s.unfinished };
}
