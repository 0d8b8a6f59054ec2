import type { Command } from "commander";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { loadScenario, runLab } from "../../lab/lab.js";
import type { CliContext } from "../util.js";
import { collectInfo, renderInfo } from "./info.js";
import { runEvents } from "./events.js";
import { runFollow } from "./follow.js";
import { hostState } from "../util.js";
import { diagnose, renderFindingsText } from "../../findings/mod.js";

/**
 * `wnvtrace demo` (what `npm start` runs): writes the lab's seed-nat scenario — containers wcow1 and wcow2 on the
 * nat network try-nat; `ping bing.com` through WinNAT, then a container-to-container ping — and prints its
 * VmSwitch / NDIS-PacketCapture events like `(Get-WinEvent -Path … -Oldest).Message`; then what wnvtrace makes
 * of them: every packet's journey with the containers named from the host state, and the diagnosis of a lab
 * scenario with planted faults (fault-drop: a MAC-spoofing drop at wcow2's port, a DNS query filtered at the host
 * vNIC), and how to look at both in the browser.
 */
export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description("run the lab's seed-nat scenario (containers on a nat network pinging bing.com and each other): its events like Get-WinEvent, each packet's journey with the containers named, and the diagnosis of a scenario with planted drops")
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
      const host = join(dir, "host");
      ctx.out(`\n$ wnvtrace follow ${file} --inventory ${host}   # each packet hop by hop, containers named\n`);
      runFollow(file, { inventory: [host], color: false }, ctx.out, ctx.warn);
      const fdir = join(dir, "fault-drop");
      const f = runLab(loadScenario("fault-drop"), { outDir: fdir, flavor: "pktmon" });
      const fhost = join(fdir, "host");
      ctx.out(`\nLab scenario fault-drop (two planted vSwitch drops) written to ${fdir}\n`);
      ctx.out(`$ wnvtrace diagnose ${f.files.pktmon} --inventory ${fhost}\n`);
      const d = diagnose(f.files.pktmon!, { inventory: hostState([fhost], ctx.warn) });
      ctx.out(renderFindingsText(d.findings, { file: f.files.pktmon }));
      ctx.out(`\nSee them in a browser: wnvtrace serve ${f.files.pktmon} --inventory ${fhost} --open\n`);
      ctx.out(`or as one HTML file:   wnvtrace report ${file} --inventory ${host} -o seed-nat.html\n`);
    });
}
