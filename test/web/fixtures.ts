/**
 * Shared by the web tests: the lab's seed-nat capture (netsh and pktmon flavours, with its host state), the app
 * bundle (dist/web, built by tools/build-app.mjs) or a stand-in when it is absent, and a Node-side count of the
 * packets a display filter matches (PacketReader + dissector + compileFilter, independent of the web model).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { loadScenario, runLab } from "../../src/lab/lab.js";
import { Dissection, PacketReader, newDissecter } from "../../src/packets/mod.js";
import { compileFilter } from "../../src/filter/mod.js";
import { APP_DIR, readAssets } from "../../src/web/page.js";
import type { AppAssets } from "../../src/web/page.js";

export interface LabCapture {
  readonly netsh: string;
  readonly pktmon: string;
  readonly host: string;
  readonly dir: string;
}

const labs = new Map<string, LabCapture>();

/** Runs a lab scenario once per process (both flavours and host state); its folder is removed at exit. */
export function labCapture(name: string): LabCapture {
  let c = labs.get(name);
  if (!c) {
    const d = mkdtempSync(join(tmpdir(), `wnvtrace-web-${name}-`));
    process.on("exit", () => rmSync(d, { recursive: true, force: true }));
    runLab(loadScenario(name), { outDir: d, flavor: "both" });
    c = { netsh: join(d, `${name}.netsh.etl`), pktmon: join(d, `${name}.pktmon.etl`), host: join(d, "host"), dir: d };
    labs.set(name, c);
  }
  return c;
}

/** The lab's seed-nat capture (wcow1 and wcow2 on try-nat). */
export const seedNat = (): LabCapture => labCapture("seed-nat");

/** The lab's fault-drop capture (vSwitch drops at wcow2's port and the host vNIC). */
export const faultDrop = (): LabCapture => labCapture("fault-drop");

/** Packet numbers matching `filter`, counted without the web model. */
export function matchingPackets(file: string, filter: string): number[] {
  const f = compileFilter(filter);
  const r = new PacketReader(file);
  const dis = newDissecter();
  const d = new Dissection();
  const out: number[] = [];
  try {
    for (let p = r.next(); p; p = r.next()) {
      dis.run(d, p.bytes, p.originalLength, p.linkType);
      if (f(d, p)) out.push(p.number);
    }
  } finally {
    r.close();
  }
  return out;
}

/** True when the real app bundle is built (npm run build). */
export const haveBundle: boolean = ["index.html", "app.js", "app.css"].every((f) => existsSync(join(APP_DIR, f)));

/** The real bundle, or a stand-in page with the same placeholders (for tests of the server's own behaviour). */
export function assets(): AppAssets {
  if (haveBundle) return readAssets();
  return {
    html: "<!doctype html><html><head><!--WNV:CSS-->\n</head><body><div id=\"app\"></div>\n<!--WNV:DATA-->\n<!--WNV:JS-->\n</body></html>",
    js: "document.getElementById('app').textContent = 'stand-in';",
    css: "body{}",
  };
}

export const CHROMIUM = "/usr/bin/chromium";
export const haveChromium: boolean = existsSync(CHROMIUM);
