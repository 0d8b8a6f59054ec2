/**
 * wnvtrace command line. The only module that prints or exits. Exit codes: 0 ok (warnings on stderr),
 * 1 usage error, 2 unreadable input.
 */
import { Command, CommanderError } from "commander";
import { WnvError } from "../bytes/errors.js";
import { COMMANDS } from "./commands/index.js";
import type { CliContext } from "./commands/index.js";

const ctx: CliContext = {
  out: (s: string): void => {
    process.stdout.write(s);
  },
  warn: (s: string): void => {
    process.stderr.write(`wnvtrace: warning: ${s}\n`);
  },
};

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("wnvtrace")
    .description("Read Windows .etl network captures (pktmon, netsh trace, NetEventSession) on any OS.")
    .version("0.1.0")
    .showHelpAfterError("(run wnvtrace --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  for (const register of COMMANDS) register(program, ctx);

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

