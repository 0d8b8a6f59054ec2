/** `wnvtrace export <file> -o out.pcapng`: the capture's packets as pcapng, streamed. */
import { compileFilter } from "../../filter/mod.js";
import type { PacketFilter } from "../../filter/mod.js";
import { PacketReader } from "../../packets/mod.js";
import { exportPcapng, fdSink, pcapngFileSink } from "../../export/mod.js";
import type { ExportResult, PcapngSink } from "../../export/mod.js";
import { WnvError } from "../../bytes/errors.js";
import { progressBar } from "../progress.js";

export interface ExportCliOptions {
  readonly out: string;
  readonly filter?: string;
  readonly allAppearances?: boolean;
  readonly limit?: number;
}

export function runExport(path: string, o: ExportCliOptions): ExportResult {
  const filter: PacketFilter | null = o.filter !== undefined && o.filter.trim() !== "" ? compileFilter(o.filter) : null;
  const pre = progressBar("metadata", 0);
  const reader = new PacketReader(path, { onPrescanProgress: (n) => pre.update(n) });
  pre.stop();
  let sink: PcapngSink;
  if (o.out === "-") sink = fdSink(1, false);
  else {
    try {
      sink = pcapngFileSink(o.out);
    } catch (e) {
      reader.close();
      throw new WnvError("usage", `cannot write ${o.out}: ${(e as Error).message}`);
    }
  }
  const bar = progressBar("export", reader.decoder.reader.fileSize);
  try {
    return exportPcapng(reader, sink, { filter, allAppearances: o.allAppearances, limit: o.limit, onProgress: (n) => bar.update(n) });
  } finally {
    bar.stop();
    reader.close();
  }
}
