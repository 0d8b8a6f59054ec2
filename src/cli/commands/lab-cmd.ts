/**
 * `wnvtrace lab <scenario.yaml|name> -o DIR [--flavor netsh|pktmon|both] [--compress|--no-compress] [--scale N]`
 * and `wnvtrace lab --list`: writes a lab scenario's .etl files, host state and ground truth.
 */
import type { Command } from "commander";
import { Option } from "commander";
import { resolve } from "node:path";
import { WnvError } from "../../bytes/errors.js";
import { bundledScenarios, loadScenario, runLab } from "../../lab/lab.js";
import type { Flavor } from "../../lab/lab.js";
import type { CliContext } from "../util.js";
import { intArg } from "../util.js";

export interface LabCliOptions {
  readonly out?: string;
  readonly flavor: Flavor | "both";
  readonly compress?: boolean;
  readonly scale: number;
  readonly list?: boolean;
}

/** Lists the bundled scenarios (name and description). */
export function listScenarios(ctx: CliContext): void {
  const names = bundledScenarios();
  const w = Math.max(...names.map((n) => n.length));
  for (const n of names) ctx.out(`${n.padEnd(w)}  ${loadScenario(n).description}\n`);
}

export function runLabCommand(scenario: string, o: LabCliOptions, ctx: CliContext): void {
  if (!o.out) throw new WnvError("usage", "lab: -o DIR is required (where to write the .etl files, host/ and ground-truth.json)");
  const scn = loadScenario(scenario);
  const dir = resolve(o.out);
  let lastReport = Date.now();
  const r = runLab(scn, {
    outDir: dir, flavor: o.flavor, compress: o.compress, scale: o.scale,
    onProgress: (rep, bytes) => {
      if (o.scale > 1 && process.stderr.isTTY && !process.env.WNVTRACE_NO_PROGRESS && Date.now() - lastReport > 1000) {
        lastReport = Date.now();
        process.stderr.write(`\rlab: repetition ${rep}/${o.scale}, ${(bytes / 1048576).toFixed(0)} MB written`);
      }
    },
  });
  if (o.scale > 1 && process.stderr.isTTY && !process.env.WNVTRACE_NO_PROGRESS) process.stderr.write("\r\x1b[K");
  const mb = (n: number): string => (n / 1048576).toFixed(n >= 10 * 1048576 ? 0 : 2);
  const total = r.bytes.netsh + r.bytes.pktmon;
  ctx.out(`Scenario ${scn.name}: ${scn.description}\n`);
  ctx.out(`${r.packets} packets${o.scale > 1 ? ` (${o.scale} repetitions)` : ""} written to ${dir}\n`);
  if (r.files.netsh) ctx.out(`  ${r.files.netsh}  netsh/NetEventSession flavour, ${r.events.netsh} events, ${mb(r.bytes.netsh)} MB\n`);
  if (r.files.pktmon) ctx.out(`  ${r.files.pktmon}  pktmon flavour, ${r.events.pktmon} events, ${mb(r.bytes.pktmon)} MB\n`);
  ctx.out(`  ${r.files.truth}  every packet's hops, rewrites and fate\n`);
  ctx.out(`  ${resolve(dir, "host")}/  ${r.files.host.length} host-state files (docker, HNS v1/v2, hnsdiag, ipconfig, Get-VMSwitch, Get-NetAdapter)\n`);
  ctx.out(`${mb(total)} MB in ${r.seconds.toFixed(2)} s (${(total / 1048576 / Math.max(r.seconds, 1e-6)).toFixed(0)} MB/s)\n`);
}

export function registerLab(program: Command, ctx: CliContext): void {
  program
    .command("lab")
    .description("write a lab scenario's capture(s) as Windows would (.etl: netsh and/or pktmon flavour), the host state and ground-truth.json")
    .argument("[scenario]", "a bundled scenario name (see --list) or a scenario .yaml file")
    .option("-o, --out <dir>", "output directory")
    .addOption(new Option("--flavor <flavor>", "which capture to write").choices(["netsh", "pktmon", "both"]).default("both"))
    .option("--compress", "Xpress-compress every .etl (default: pktmon compressed, netsh not)")
    .option("--no-compress", "write every .etl uncompressed")
    .option("--scale <n>", "repeat the traffic n times (multi-GB files for benchmarks; streamed)", intArg("--scale"), 1)
    .option("--list", "list the bundled scenarios")
    .action((scenario: string | undefined, o: LabCliOptions) => {
      if (o.list) {
        listScenarios(ctx);
        return;
      }
      if (!scenario) throw new WnvError("usage", "lab: give a scenario name or .yaml file (wnvtrace lab --list shows the bundled ones)");
      if (o.scale < 1) throw new WnvError("usage", "--scale must be at least 1");
      runLabCommand(scenario, o, ctx);
    });
}
