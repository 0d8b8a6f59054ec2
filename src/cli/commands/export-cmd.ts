import type { Command } from "commander";
import type { CliContext } from "../util.js";
import { intArg } from "../util.js";
import { runExport } from "./export.js";

export function registerExport(program: Command, _ctx: CliContext): void {
  program
    .command("export")
    .description("write the capture's packets to a pcapng file (one interface per NIC / vSwitch port / pktmon component)")
    .argument("<file>", ".etl file")
    .requiredOption("-o, --out <file>", "output .pcapng file (- for stdout)")
    .option("-Y, --filter <filter>", "only packets matching this display filter")
    .option("--all-appearances", "write every pktmon appearance of a packet (default: the first one)")
    .option("--limit <n>", "stop after writing n packets", intArg("--limit"))
    .option("-q, --quiet", "no summary line on stderr")
    .action((file: string, o: { out: string; filter?: string; allAppearances?: boolean; limit?: number; quiet?: boolean }) => {
      const r = runExport(file, o);
      if (!o.quiet && o.out !== "-") {
        process.stderr.write(`wnvtrace: wrote ${r.written} packets on ${r.interfaces} interfaces to ${o.out} (${r.seen} packet records read` +
          `${r.repeatAppearances ? `, ${r.repeatAppearances} repeat pktmon appearances skipped` : ""}${r.filteredOut ? `, ${r.filteredOut} filtered out` : ""})\n`);
      }
    });
}
