/**
 * wnvtrace command line. The only module that prints or exits. Exit codes: 0 ok (warnings on stderr),
 * 1 usage error, 2 unreadable input.
 */
import { Command, CommanderError, Option } from "commander";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { WnvError } from "../bytes/errors.js";
import { fileSink } from "../etl/mod.js";
import { collectInfo, infoJson, renderInfo } from "./commands/info.js";
import { runEvents } from "./commands/events.js";
import { writeSeedCapture } from "../lab/seed.js";

const out = (s: string): void => {
  process.stdout.write(s);
};

function warnProblems(problems: Readonly<Record<string, number>>, first?: string): void {
  const entries = Object.entries(problems);
  if (entries.length === 0) return;
  process.stderr.write(`wnvtrace: warning: ${entries.map(([k, v]) => `${k} ×${v}`).join(", ")}${first ? ` — first: ${first}` : ""}\n`);
}

function collect(value: string, prev: string[]): string[] {
  return [...prev, value];
}

function intArg(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new WnvError("usage", `${name} expects a whole number, got "${v}"`);
    return Number(v);
  };
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("wnvtrace")
    .description("Read Windows .etl network captures (pktmon, netsh trace, NetEventSession) on any OS.")
    .version("0.1.0")
    .showHelpAfterError("(run wnvtrace --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command("info")
    .description("what is in a capture: header facts, buffers, events per provider and id, problems found")
    .argument("<file>", ".etl file")
    .option("--json", "machine-readable output")
    .action((file: string, o: { json?: boolean }) => {
      const report = collectInfo(file);
      out((o.json ? infoJson(report) : renderInfo(report)) + "\n");
      warnProblems(report.problems, report.problemSamples[0]?.message);
    });

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
      runEvents(file, { ...o, messagesOnly: o.messages }, out);
    });

  program
    .command("demo")
    .description("write the built-in demo capture (a container's packet crossing the Hyper-V switch) and show it")
    .option("-o, --out <dir>", "where to write demo.etl", join(tmpdir(), "wnvtrace-demo"))
    .action((o: { out: string }) => {
      const dir = resolve(o.out);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, "seed-nat.etl");
      writeSeedCapture(fileSink(file));
      out(`Demo capture written to ${file}\n\n$ wnvtrace info ${file}\n`);
      const report = collectInfo(file);
      out(renderInfo(report) + "\n\n");
      out(`$ wnvtrace events ${file} --provider Hyper-V-VmSwitch --provider NDIS-PacketCapture --messages   # like (Get-WinEvent -Path … -Oldest).Message\n`);
      runEvents(file, { provider: ["Microsoft-Windows-Hyper-V-VmSwitch", "Microsoft-Windows-NDIS-PacketCapture"], id: "56-58,240-242,1003", messagesOnly: true }, out);
      out(`\n$ wnvtrace events ${file}\n`);
      runEvents(file, {}, out);
    });

  return program;
}

export function main(argv: string[]): number {
  const program = buildProgram();
  try {
    program.parse(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
      return 1;
    }
    if (e instanceof WnvError) {
      process.stderr.write(`wnvtrace: error: ${e.message}\n`);
      return e.exitCode;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && err.code === "EPIPE") return 0;
    process.stderr.write(`wnvtrace: internal error: ${err?.message ?? String(e)}${process.env.WNVTRACE_DEBUG ? "\n" + err?.stack : " (set WNVTRACE_DEBUG=1 for a stack trace)"}\n`);
    return 2;
  }
}

