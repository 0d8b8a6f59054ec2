/**
 * `wnvtrace serve <file>` — the capture in a local web app (overview, packets with -Y filtering, packet detail,
 * journeys, topology, flows, findings, timeline), bound to 127.0.0.1; and `wnvtrace report <file> -o x.html` —
 * the same views in one self-contained HTML file.
 */
import { spawn } from "node:child_process";
import type { Command } from "commander";
import { WnvError } from "../../bytes/errors.js";
import { CaptureModel } from "../../web/model.js";
import { readAssets } from "../../web/page.js";
import { REPORT_MAX_PACKETS, writeReport } from "../../web/report.js";
import { isLoopback, startWebServer } from "../../web/server.js";
import type { CliContext } from "../util.js";
import { collect, hostState, intArg } from "../util.js";
import { progressBar } from "../progress.js";
import type { Progress } from "../progress.js";


/** Opens a URL in the default browser, best effort: never fails, never waits. */
function openBrowser(url: string, warn: (s: string) => void): void {
  const [cmd, args] = process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]] : ["xdg-open", [url]];
  try {
    const child = spawn(cmd, args, { detached: true, stdio: "ignore" });
    child.on("error", () => warn(`could not open a browser (${cmd}); open ${url} yourself`));
    child.unref();
  } catch {
    warn(`could not open a browser; open ${url} yourself`);
  }
}

interface ServeOptions {
  inventory: string[];
  port: number;
  host: string;
  open?: boolean;
}

interface ReportCliOptions {
  inventory: string[];
  out: string;
  maxPackets: number;
}

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command("serve")
    .description("browse a capture in a local web app: overview, packets (-Y filter), packet detail, journeys, topology, flows, findings, timeline")
    .argument("<file>", ".etl file (netsh / NetEventSession or pktmon)")
    .option("--inventory <path>", "host state (docker/HNS/ipconfig/Get-NetAdapter … files or a folder) to name containers and networks; repeatable", collect, [])
    .option("--port <n>", "TCP port (0 = any free port)", intArg("--port"), 8417)
    .option("--host <address>", "address to bind; anything but 127.0.0.1/localhost exposes the capture to the network", "127.0.0.1")
    .option("--open", "open the app in the default browser (best effort)")
    .addHelpText("after", "\nServes only the capture it was started on; nothing in a URL names a file. Ctrl-C stops it.\nExample: wnvtrace serve capture.etl --inventory host/ --port 0 --open")
    .action((file: string, o: ServeOptions) => {
      if (o.port > 65535) throw new WnvError("usage", `--port must be 0…65535, got ${o.port}`);
      if (!isLoopback(o.host)) ctx.warn(`serving on ${o.host}: anyone who can reach this address can read the capture`);
      const assets = readAssets();
      const inventory = hostState(o.inventory, ctx.warn);
      const model = new CaptureModel(file, { inventory });
      const started = performance.now();
      void (async () => {
        let web;
        try {
          web = await startWebServer(model, { host: o.host, port: o.port, assets });
        } catch (e) {
          model.close();
          process.stderr.write(`wnvtrace: error: cannot listen on ${o.host}:${o.port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
          process.exitCode = 1;
          return;
        }
        ctx.out(`wnvtrace: serving ${model.name} at ${web.url} (Ctrl-C to stop)\n`);
        let stopping = false;
        const stop = (): void => {
          if (stopping) return;
          stopping = true;
          model.close();
          void web.close().then(() => {
            process.stderr.write("wnvtrace: stopped\n");
            process.exit(process.exitCode ?? 0);
          });
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
        if (o.open) openBrowser(web.url, ctx.warn);
        const bar = progressBar("loading", model.fileBytes);
        try {
          await model.load((s) => bar.update(s.done));
        } catch (e) {
          bar.stop();
          if (!stopping) ctx.warn(`the capture could not be read: ${(e as Error).message} (the app shows the error)`);
          return;
        }
        bar.stop();
        const ov = model.overview();
        if (!stopping) ctx.out(`wnvtrace: ready: ${ov.packets} packets, ${ov.journeys} journeys, ${ov.flows} flows (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
      })();
    });
}

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command("report")
    .description("write the web app's views of a capture as ONE self-contained HTML file (opens from disk, no network needed)")
    .argument("<file>", ".etl file (netsh / NetEventSession or pktmon)")
    .requiredOption("-o, --out <file>", "output .html file")
    .option("--inventory <path>", "host state (docker/HNS/ipconfig/Get-NetAdapter … files or a folder) to name containers and networks; repeatable", collect, [])
    .option("--max-packets <n>", `packets the report holds (the first n; flows, topology, findings and counts cover the whole capture)`, intArg("--max-packets"), REPORT_MAX_PACKETS)
    .addHelpText("after", "\nExample: wnvtrace report capture.etl --inventory host/ -o capture.html")
    .action((file: string, o: ReportCliOptions) => {
      const assets = readAssets();
      const inventory = hostState(o.inventory, ctx.warn);
      let bar: Progress | null = null;
      let r;
      try {
        r = writeReport(file, o.out, { inventory, maxPackets: o.maxPackets, assets, onProgress: (s) => (bar ??= progressBar("report", s.total)).update(s.done) });
      } finally {
        (bar as Progress | null)?.stop();
      }
      process.stderr.write(`wnvtrace: wrote ${o.out}: ${r.embedded}${r.embedded < r.packets ? ` of ${r.packets}` : ""} packets, ${r.journeys} journeys (${(r.html.length / 1048576).toFixed(1)} MB)\n`);
    });
}
