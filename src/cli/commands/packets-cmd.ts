import type { Command } from "commander";
import { WnvError } from "../../bytes/errors.js";
import type { CliContext } from "../util.js";
import { intArg } from "../util.js";
import { runPackets } from "./packets.js";

export function registerPackets(program: Command, ctx: CliContext): void {
  program
    .command("packets")
    .description("list packets, one line per sighting (time, pktmon group:number#appearance or port/ifIndex, direction, where, sizes, summary), or as JSON")
    .argument("<file>", ".etl file")
    .option("-Y, --filter <filter>", "display filter (Wireshark-like), e.g. \"tcp.port == 443\"")
    .option("--limit <n>", "stop after n packets", intArg("--limit"))
    .option("-v, --verbose", "also print each layer's detail tree and a hex dump")
    .option("--json", "a JSON array of packets (metadata, layers, summary, bytes in hex)")
    .option("--ndjson", "one JSON object per line")
    .action((file: string, o: { filter?: string; limit?: number; verbose?: boolean; json?: boolean; ndjson?: boolean }) => {
      if (o.json && o.ndjson) throw new WnvError("usage", "choose one of --json and --ndjson");
      runPackets(file, o, ctx.out);
    });
}
