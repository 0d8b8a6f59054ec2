/**
 * The app's page: dist/web/index.html (built from web/app by tools/build-app.mjs) with its three placeholders
 * filled — linked assets for `serve`, everything inline for `report` (one self-contained file). See web/NOTES.md.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { WnvError } from "../bytes/errors.js";

/** dist/web, next to dist/src (this module is dist/src/web/page.js once compiled). */
export const APP_DIR = fileURLToPath(new URL("../../web/", import.meta.url));

export interface AppAssets {
  readonly html: string;
  readonly js: string;
  readonly css: string;
}

/** Reads the bundle; a missing bundle is an error that says how to build it. */
export function readAssets(dir = APP_DIR): AppAssets {
  const files = ["index.html", "app.js", "app.css"].map((f) => join(dir, f));
  const gone = files.filter((f) => !existsSync(f));
  if (gone.length) throw new WnvError("unreadable", `the web app bundle is missing (${gone.join(", ")}): run npm run build`);
  const [html, js, css] = files.map((f) => readFileSync(f, "utf8"));
  return { html, js, css };
}

/** Replaces a placeholder line; a function replacement so `$&` etc. in the bundle stay literal. */
function fill(html: string, name: string, text: string): string {
  const marker = `<!--WNV:${name}-->`;
  const at = html.indexOf(marker);
  if (at < 0) throw new WnvError("unreadable", `the page template has no ${marker} placeholder`);
  return html.slice(0, at) + text + html.slice(at + marker.length);
}

/** The page `serve` answers at `/`: assets under app/ (relative URLs, so any mount point works). */
export function servePage(a: AppAssets): string {
  let h = fill(a.html, "CSS", '<link rel="stylesheet" href="app/app.css">');
  h = fill(h, "DATA", "");
  return fill(h, "JS", '<script src="app/app.js"></script>');
}

/**
 * JSON text safe inside a `<script>` element: every `<` as \u003c (so no `</script>` or `<!--` can end or
 * confuse the element), and U+2028/U+2029 escaped too.
 */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Inline script text: a literal `</script` inside the bundle would end the element early. */
function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** The data element's encoding in report.html: the JSON text, raw-DEFLATE compressed, in base64. */
export const DATA_ENCODING = "deflate-raw+base64";

/** `v` as report.html embeds it (DATA_ENCODING; base64 has no `<`, so it cannot end its element). */
export function packData(v: unknown): string {
  return deflateRawSync(Buffer.from(JSON.stringify(v)), { level: 9, memLevel: 9 }).toString("base64");
}

/** The value of report.html's data element (either encoding); tests and tools read reports with it. */
export function readReportData(html: string): unknown {
  const m = /<script type="([^"]+)" id="wnv-data"(?: data-encoding="([^"]+)")?>([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new WnvError("unreadable", "no wnv-data element in the page");
  if (m[2] === DATA_ENCODING) return JSON.parse(inflateRawSync(Buffer.from(m[3], "base64")).toString("utf8"));
  return JSON.parse(m[3]);
}

/**
 * The report page: CSS, data and JS inline; no external URL. `data` is JSON text (scriptJson) or, with
 * `encoding` DATA_ENCODING, packData's text.
 */
export function reportPage(a: AppAssets, data: string, encoding?: typeof DATA_ENCODING): string {
  let h = fill(a.html, "CSS", `<style>\n${a.css.replace(/<\/(style)/gi, "<\\/$1")}\n</style>`);
  h = fill(h, "DATA", encoding
    ? `<script type="application/octet-stream" id="wnv-data" data-encoding="${encoding}">${data}</script>`
    : `<script type="application/json" id="wnv-data">${data}</script>`);
  return fill(h, "JS", `<script>\n${scriptText(a.js)}\n</script>`);
}
