/**
 * The two ways the browser tests open a capture: served by `wnvtrace serve`'s server on a free port, or as the
 * `wnvtrace report` file opened from disk (recording every network request, which must be none).
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import type { Inventory } from "../../src/inventory/mod.js";
import { CaptureModel } from "../../src/web/model.js";
import { startWebServer } from "../../src/web/server.js";
import { buildReport } from "../../src/web/report.js";
import { assets } from "./fixtures.js";
import { ARTIFACTS, launch } from "./browser.js";

/** Loads `file` into a CaptureModel, serves it, and runs `fn` on a fresh page with the server's URL. */
export async function withServed(file: string, inventory: Inventory | null, fn: (page: Page, url: string) => Promise<void>): Promise<void> {
  const model = new CaptureModel(file, { inventory });
  const web = await startWebServer(model, { port: 0, assets: assets() });
  const loading = model.load();
  const b = await launch();
  try {
    const page = await b.context.newPage();
    await loading;
    await fn(page, web.url);
  } finally {
    await b.close();
    await web.close();
    model.close();
  }
}

/** Writes the report of `file` to test-artifacts/web/`name` and runs `fn` on it opened from disk; no network request may happen. */
export async function withReport(file: string, inventory: Inventory | null, name: string, fn: (page: Page, url: string) => Promise<void>): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const out = join(ARTIFACTS, name);
  writeFileSync(out, buildReport(file, { inventory }).html);
  const b = await launch();
  try {
    const page = await b.context.newPage();
    const requests: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url());
    });
    await fn(page, pathToFileURL(out).href);
    assert.deepEqual(requests, [], "the report makes no network request");
  } finally {
    await b.close();
  }
}
