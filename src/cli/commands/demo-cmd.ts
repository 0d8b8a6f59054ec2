import type { Command } from "commander";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { fileSink } from "../../etl/mod.js";
import { writeSeedCapture } from "../../lab/seed.js";
import type { CliContext } from "../util.js";
import { collectInfo, renderInfo } from "./info.js";
import { runEvents } from "./events.js";

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description("write the built-in demo capture (a container's packet crossing the Hyper-V switch) and show it")
    .option("-o, --out <dir>", "where to write seed-nat.etl", join(tmpdir(), "wnvtrace-demo"))
    .action((o: { out: string }) => {
      const dir = resolve(o.out);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, "seed-nat.etl");
      writeSeedCapture(fileSink(file));
      ctx.out(`Demo capture written to ${file}\n\n$ wnvtrace info ${file}\n`);
      ctx.out(renderInfo(collectInfo(file)) + "\n\n");
      ctx.out(`$ wnvtrace events ${file} --provider Hyper-V-VmSwitch --provider NDIS-PacketCapture --messages   # like (Get-WinEvent -Path … -Oldest).Message\n`);
      runEvents(file, { provider: ["Microsoft-Windows-Hyper-V-VmSwitch", "Microsoft-Windows-NDIS-PacketCapture"], id: "56-58,240-242,1003", messagesOnly: true }, ctx.out);
      ctx.out(`\n$ wnvtrace events ${file}\n`);
      runEvents(file, {}, ctx.out);
    });
}
