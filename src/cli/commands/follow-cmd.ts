import type { Command } from "commander";
import type { CliContext } from "../util.js";
import { collect, intArg } from "../util.js";
import { runFollow } from "./follow.js";

export function registerFollow(program: Command, ctx: CliContext): void {
  program
    .command("follow")
    .description("follow every packet hop by hop through the host (vSwitch ports, VFP, host NICs, pktmon components): latency, rewrites (NAT, VXLAN, MAC, VLAN) and fate, one story per packet")
    .argument("<file>", ".etl file (netsh / NetEventSession or pktmon)")
    .option("-Y, --filter <filter>", "only journeys with a hop whose frame matches this display filter, e.g. \"icmp\"")
    .option("--packet <n>", "print journey #n in detail: each hop with time, where, names, changes and the frame", intArg("--packet"))
    .option("--inventory <path>", "host state (docker/HNS/ipconfig/Get-NetAdapter … files or a folder) to name containers and networks; repeatable", collect, [])
    .option("--json", "a JSON array of journeys")
    .option("--ndjson", "one JSON journey per line")
    .action((file: string, o: { filter?: string; packet?: number; inventory: string[]; json?: boolean; ndjson?: boolean }) => {
      runFollow(file, o, ctx.out, ctx.warn);
    });
}
