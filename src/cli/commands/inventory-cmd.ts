import { existsSync } from "node:fs";
import type { Command } from "commander";
import { WnvError } from "../../bytes/errors.js";
import type { CliContext } from "../util.js";
import { InventoryLookup, readInventory, renderInventory } from "../../inventory/mod.js";

export function registerInventory(program: Command, ctx: CliContext): void {
  program
    .command("inventory")
    .description("read host state (docker, HNS, hnsdiag, ipconfig, Get-NetAdapter, Get-VMSwitch, vfpctrl, collectlogs folders) and print the joined inventory")
    .argument("<path...>", "files and/or folders of host state")
    .option("--json", "machine-readable output")
    .option("--lookup <name>", "only say what this trace name (MAC, IP, GUID, NIC or switch friendly name) belongs to")
    .action((paths: string[], o: { json?: boolean; lookup?: string }) => {
      for (const p of paths) if (!existsSync(p)) throw new WnvError("unreadable", `${p}: no such file or folder`);
      const inv = readInventory(paths);
      if (o.lookup !== undefined) {
        const r = new InventoryLookup(inv).find(o.lookup);
        if (o.json) ctx.out(JSON.stringify(r ? { ...r, target: undefined } : null, null, 2) + "\n");
        else ctx.out(r ? `${o.lookup}: ${r.label} [${r.kind}] (matched by ${r.matchedBy}, confidence ${r.confidence})${r.alternatives ? `; also: ${r.alternatives.join("; ")}` : ""}\n` : `${o.lookup}: not found\n`);
        return;
      }
      ctx.out((o.json ? JSON.stringify(inv, null, 2) : renderInventory(inv)) + "\n");
      const skipped = inv.sources.filter((s) => s.skipped).length;
      if (skipped > 0) ctx.warn(`${skipped} of ${inv.sources.length} file(s) skipped (see Notes)`);
    });
}
