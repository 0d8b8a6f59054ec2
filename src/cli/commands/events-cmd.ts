import type { Command } from "commander";
import { Option } from "commander";
import { WnvError } from "../../bytes/errors.js";
import type { CliContext } from "../util.js";
import { collect, intArg } from "../util.js";
import { runEvents } from "./events.js";

export function registerEvents(program: Command, ctx: CliContext): void {
  program
    .command("events")
    .description("list events, one per line (time, [cpu]pid.tid, provider, id, message), or as JSON")
    .argument("<file>", ".etl file")
    .option("--provider <name|guid>", "only this provider (name substring or GUID); repeatable", collect, [])
    .option("--id <ids>", "only these event ids (classic records: opcodes), e.g. 56,57,58 or 62-71")
    .option("--limit <n>", "stop after n events", intArg("--limit"))
    .addOption(new Option("--time <zone>", "timestamps in utc, host (the capturing host's time zone) or relative seconds").choices(["utc", "host", "relative"]).default("utc"))
    .option("--messages", "print only each event's message, like Get-WinEvent's .Message")
    .option("--json", "a JSON array of events (header fields and decoded fields)")
    .option("--ndjson", "one JSON object per line")
    .action((file: string, o: { provider: string[]; id?: string; limit?: number; time: string; messages?: boolean; json?: boolean; ndjson?: boolean }) => {
      if (o.json && o.ndjson) throw new WnvError("usage", "choose one of --json and --ndjson");
      runEvents(file, { ...o, messagesOnly: o.messages }, ctx.out);
    });
}
