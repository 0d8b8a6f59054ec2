import type { Command } from "commander";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { loadScenario, runLab } from "../../lab/lab.js";
import type { CliContext } from "../util.js";
import { collectInfo, renderInfo } from "./info.js";
import { runEvents } from "./events.js";

/**
 * `wnvtrace demo` (what `npm start` runs): writes the lab's seed-nat scenario — containers wcow1 and wcow2 on the
 * nat network try-nat; `ping bing.com` through WinNAT, then a container-to-container ping — and prints its
 * VmSwitch / NDIS-PacketCapture events like `(Get-WinEvent -Path … -Oldest).Message`.
 */
export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description("run the lab's seed-nat scenario (containers on a nat network pinging bing.com and each other) and show its events like Get-WinEvent")
    .option("-o, --out <dir>", "where to write the lab output", join(tmpdir(), "wnvtrace-demo"))
    .action((o: { out: string }) => {
      const dir = resolve(o.out);
      const scn = loadScenario("seed-nat");
      const r = runLab(scn, { outDir: dir, flavor: "both" });
      const file = r.files.netsh!;
      ctx.out(`Lab scenario seed-nat written to ${dir}: ${r.packets} packets\n`);
      ctx.out(`  ${file}\n  ${r.files.pktmon}\n  ${r.files.truth}\n  ${join(dir, "host")}/ (docker network inspect, Get-HnsEndpoint, hnsdiag, ipconfig /allcompartments, …)\n\n`);
      ctx.out(`$ wnvtrace info ${file}\n`);
      ctx.out(renderInfo(collectInfo(file)) + "\n\n");
      ctx.out(`$ wnvtrace events ${file} --provider Hyper-V-VmSwitch --provider NDIS-PacketCapture --messages   # like (Get-WinEvent -Path … -Oldest).Message\n`);
      runEvents(file, { provider: ["Microsoft-Windows-Hyper-V-VmSwitch", "Microsoft-Windows-NDIS-PacketCapture"], messagesOnly: true }, ctx.out);
    });
}
