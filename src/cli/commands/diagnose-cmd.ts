/**
 * `wnvtrace diagnose <file> [--inventory PATH]… [--json|--ndjson] [--min-severity S]`: the capture's problems,
 * ranked (critical, error, warning, info; then how often), each with a plain explanation, the evidence (packet
 * numbers as `wnvtrace packets` numbers them, journeys as `wnvtrace follow` numbers them, flows as `wnvtrace
 * flows` numbers them) and what to check next. Exit code 0 whatever was found: findings are output, not errors.
 */
import type { Command } from "commander";
import { Option } from "commander";
import { WnvError } from "../../bytes/errors.js";
import type { CliContext } from "../util.js";
import { collect, fileSize, hostState } from "../util.js";
import { diagnose, renderFindingsText } from "../../findings/mod.js";
import type { Severity } from "../../findings/mod.js";
import { progressBar } from "../progress.js";

const SEVERITIES: readonly Severity[] = ["critical", "error", "warning", "info"];

interface DiagnoseCliOptions {
  inventory: string[];
  json?: boolean;
  ndjson?: boolean;
  minSeverity?: Severity;
  color?: boolean;
}

export function registerDiagnose(program: Command, ctx: CliContext): void {
  program
    .command("diagnose")
    .description("find the problems in a capture: drops (with the plain meaning of the reason), DNS without answer, ARP without reply, SYN without SYN-ACK, resets, ICMP errors, MTU/VXLAN overhead, overlay encapsulation, NAT port forwarding and hairpin, asymmetric paths, stale endpoints, capture health — ranked, with evidence and what to check next")
    .argument("<file>", ".etl file")
    .option("--inventory <path>", "host state (files or folders) for names, subnets, published ports and endpoint states; repeatable", collect, [])
    .option("--json", "JSON: { file, summary, checks, findings }")
    .option("--ndjson", "one finding per line")
    .addOption(new Option("--min-severity <severity>", "leave out findings below this severity").choices([...SEVERITIES]))
    .option("--no-color", "no ANSI colours in text output")
    .action((file: string, o: DiagnoseCliOptions) => {
      if (o.json && o.ndjson) throw new WnvError("usage", "choose one of --json and --ndjson");
      const inventory = hostState(o.inventory, ctx.warn);
      const bar = progressBar("diagnose", fileSize(file));
      let r;
      try {
        r = diagnose(file, { inventory, onProgress: (done) => bar.update(done) });
      } finally {
        bar.stop();
      }
      let findings = r.findings;
      if (o.minSeverity) {
        const max = SEVERITIES.indexOf(o.minSeverity);
        const kept = findings.findings.filter((f) => SEVERITIES.indexOf(f.severity) <= max);
        findings = { ...findings, findings: kept };
      }
      if (o.json) ctx.out(JSON.stringify({ file, packets: r.packets, journeys: r.journeys, flows: r.flows.flows.length, summary: findings.summary, checks: findings.checks, findings: findings.findings }, null, 2) + "\n");
      else if (o.ndjson) ctx.out(findings.findings.map((f) => JSON.stringify(f)).join("\n") + (findings.findings.length ? "\n" : ""));
      else {
        const color = o.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;
        ctx.out(renderFindingsText(findings, { color, file }));
      }
      if (r.packets === 0) ctx.warn(`${file}: no packets`);
    });
}
