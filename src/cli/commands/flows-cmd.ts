import type { Command } from "commander";
import { Option } from "commander";
import { WnvError } from "../../bytes/errors.js";
import { FLOW_PROTOS, FLOW_SORTS } from "../../flows/mod.js";
import type { CliContext } from "../util.js";
import { collect } from "../util.js";
import { runFlows } from "./flows.js";
import type { FlowsCliOptions } from "./flows.js";

export function registerFlows(program: Command, ctx: CliContext): void {
  program
    .command("flows")
    .description("conversations (TCP/UDP 5-tuple, ICMP echo id, ARP pair): packets and bytes each way, times, TCP state and problems, DNS transactions, NAT inside/outside and tunnel views")
    .argument("<file>", ".etl file")
    .option("-Y, --filter <filter>", "only packets matching this display filter count, e.g. \"ip.addr == 172.18.5.0/24\"")
    .option("--inventory <path>", "host state (files or folders, repeatable) to name endpoints by container / vNIC / NIC", collect, [])
    .option("--json", "JSON: { stats, flows, dns }")
    .option("--csv", "CSV: one row per flow (per DNS transaction with --proto dns)")
    .addOption(new Option("--sort <key>", "order of the flows").choices([...FLOW_SORTS]))
    .addOption(new Option("--proto <proto>", "only these flows (dns: the DNS transactions)").choices([...FLOW_PROTOS]))
    .action((file: string, o: FlowsCliOptions) => {
      if (o.json && o.csv) throw new WnvError("usage", "choose one of --json and --csv");
      const r = runFlows(file, o, ctx.out, ctx.warn);
      if (r.stats.records === 0) ctx.warn(`${file}: no packets`);
    });
}
