/**
 * Flows of a whole capture: PacketReader → dissect → (display filter) → FlowTable, with the trace's WinNat
 * session events fed to the table on the way. One pass, streaming.
 */
import type { PacketFilter } from "../filter/mod.js";
import type { PacketReaderOptions } from "../packets/mod.js";
import { Dissection, PacketReader, newDissecter } from "../packets/mod.js";
import { FlowTable } from "./table.js";
import type { FlowTableOptions } from "./table.js";
import { winNatSessionOf, WINNAT_GUID } from "./winnat.js";
import type { FlowsResult } from "./types.js";

export interface ReadFlowsOptions extends FlowTableOptions {
  /** Only packet records matching this display filter count (as `wnvtrace export -Y`). */
  readonly filter?: PacketFilter | null;
  /** Called now and then with the input bytes consumed and the file size. */
  readonly onProgress?: (bytes: number, total: number) => void;
  /** Options of the PacketReader made for a path or bytes (prescan progress …). */
  readonly reader?: Omit<PacketReaderOptions, "onRecord">;
}

/** Reads a capture (path, bytes) and returns its flows. The reader is closed afterwards. */
export function readFlows(input: string | Uint8Array, o: ReadFlowsOptions = {}): FlowsResult {
  let table: FlowTable | null = null;
  const early: Parameters<FlowTable["addWinNatSession"]>[0][] = [];
  const reader = new PacketReader(input, {
    ...o.reader,
    onRecord: (rec, dec) => {
      if (rec.providerId !== WINNAT_GUID) return;
      const s = winNatSessionOf(rec, dec);
      if (!s) return;
      if (table) table.addWinNatSession(s);
      else early.push(s);
    },
  });
  try {
    table = new FlowTable({ traceStart: reader.decoder.clock.startTime, natByPayload: o.natByPayload });
    for (const s of early) table.addWinNatSession(s);
    const dis = newDissecter();
    const d = new Dissection();
    const filter = o.filter ?? null;
    let n = 0;
    for (let p = reader.next(); p; p = reader.next()) {
      if (o.onProgress && (++n & 0xfff) === 0) o.onProgress(reader.decoder.reader.progress, reader.decoder.reader.fileSize);
      dis.run(d, p.bytes, p.originalLength, p.linkType);
      if (filter && !filter(d, p)) continue;
      table.add(p, d);
    }
    return table.finish();
  } finally {
    reader.close();
  }
}
