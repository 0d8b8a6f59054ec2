// Bundles the web UI (web/app) for the browser: dist/web/app.js (one minified IIFE), dist/web/app.css and
// dist/web/index.html (the page template `wnvtrace serve` fills in and `wnvtrace report` inlines; see web/NOTES.md).
// Node built-ins are a build error: the app shares src/filter and src/packets/dissect with the CLI, and an import
// that drags in a file reader must fail here rather than in the browser.
import { build } from "esbuild";
import { builtinModules } from "node:module";
import { copyFileSync, mkdirSync, statSync } from "node:fs";

const out = "dist/web";
mkdirSync(out, { recursive: true });
const builtins = new Set(builtinModules);

const noNode = {
  name: "no-node-builtins",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const p = args.path;
      if (p.startsWith("node:") || builtins.has(p) || builtins.has(p.split("/")[0])) {
        return { errors: [{ text: `"${p}" is a Node built-in: the browser bundle cannot use it (imported by ${args.importer})` }] };
      }
      return undefined;
    });
  },
};

const started = Date.now();
const common = { bundle: true, minify: true, logLevel: "warning", legalComments: "none", charset: "utf8" };
await Promise.all([
  build({
    ...common,
    entryPoints: ["web/app/main.ts"],
    outfile: `${out}/app.js`,
    format: "iife",
    platform: "browser",
    target: ["es2022", "chrome110", "firefox110", "safari16"],
    tsconfig: "tsconfig.app.json",
    sourcemap: process.env.WNV_SOURCEMAP ? "linked" : false,
    plugins: [noNode],
  }),
  build({ ...common, entryPoints: ["web/app/style.css"], outfile: `${out}/app.css` }),
]);
copyFileSync("web/app/index.html", `${out}/index.html`);
if (process.env.WNV_BUILD_VERBOSE) {
  const kb = (f) => (statSync(`${out}/${f}`).size / 1024).toFixed(1) + " KiB";
  console.log(`web app: app.js ${kb("app.js")}, app.css ${kb("app.css")} in ${Date.now() - started} ms`);
}
