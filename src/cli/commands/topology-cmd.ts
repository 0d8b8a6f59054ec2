/**
 * `wnvtrace topology <file> [--inventory PATH]… [--format text|json|dot|svg] [-o FILE]`: the virtual network a
 * capture shows — vSwitches, their ports, the NICs behind them (container vNICs, host vNICs, the uplink), host
 * adapters — as a tree, JSON, Graphviz DOT or an SVG picture. With host state (docker / HNS / ipconfig / vfpctrl
 * dumps), ports and adapters are named after the containers, host vNICs and NICs they are; host state that does
 * not match the capture only leaves names missing (notes say so), it is never an error.
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { WnvError } from "../../bytes/errors.js";
import type { CliContext } from "../util.js";
import { collect, fileSize, hostState } from "../util.js";
import { readTopology, renderTopologyText, topologyDot, topologySvg } from "../../topology/mod.js";
import { progressBar } from "../progress.js";

const FORMATS = ["text", "json", "dot", "svg"] as const;
type Format = (typeof FORMATS)[number];

interface TopologyCliOptions {
  inventory: string[];
  format: string;
  out?: string;
}

export function registerTopology(program: Command, ctx: CliContext): void {
  program
    .command("topology")
    .description("the virtual network in a capture: vSwitches → ports → NICs → containers / host vNICs / external NICs, as text, JSON, Graphviz DOT or SVG")
    .argument("<file>", ".etl file")
    .option("--inventory <path>", "host state (files or folders: docker, HNS, hnsdiag, ipconfig, Get-NetAdapter, Get-VMSwitch, vfpctrl) to name what the trace shows; repeatable", collect, [])
    .option("--format <format>", `output format: ${FORMATS.join(", ")}`, "text")
    .option("-o, --out <file>", "write to this file instead of stdout")
    .action((file: string, o: TopologyCliOptions) => {
      if (!(FORMATS as readonly string[]).includes(o.format)) throw new WnvError("usage", `--format must be one of ${FORMATS.join(", ")}, got "${o.format}"`);
      const format = o.format as Format;
      const inventory = hostState(o.inventory, ctx.warn);
      const bar = progressBar("topology", fileSize(file));
      let t;
      try {
        t = readTopology(file, { ...(inventory ? { inventory } : {}), onProgress: (done) => bar.update(done) });
      } finally {
        bar.stop();
      }
      if (inventory && t.inventory && t.inventory.matched === 0 && inventory.sources.some((s) => !s.skipped)) {
        ctx.warn("the host state matched nothing in this capture (another host or time?); names come from the trace alone");
      }
      const text = format === "json" ? JSON.stringify(t, null, 2) + "\n" : format === "dot" ? topologyDot(t) : format === "svg" ? topologySvg(t) : renderTopologyText(t);
      if (o.out !== undefined && o.out !== "-") {
        try {
          writeFileSync(o.out, text);
        } catch (e) {
          throw new WnvError("usage", `cannot write ${o.out}: ${(e as Error).message}`);
        }
      } else ctx.out(text);
    });
}
