import type { Command } from "commander";
import type { CliContext } from "../util.js";
import { warnProblems } from "../util.js";
import { collectInfo, infoJson, renderInfo } from "./info.js";

export function registerInfo(program: Command, ctx: CliContext): void {
  program
    .command("info")
    .description("what is in a capture: header facts, buffers, events per provider and id, problems found")
    .argument("<file>", ".etl file")
    .option("--json", "machine-readable output")
    .action((file: string, o: { json?: boolean }) => {
      const report = collectInfo(file);
      ctx.out((o.json ? infoJson(report) : renderInfo(report)) + "\n");
      warnProblems(ctx, report.problems, report.problemSamples[0]?.message);
    });
}
