// Runs every compiled test file (dist/test/**/*.test.js) with Node's test runner. Node 20's `node --test`
// does not expand globs itself, so the files are listed here. Extra arguments are passed through.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function find(dir) {
  let out = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(find(p));
    else if (n.endsWith(".test.js")) out.push(p);
  }
  return out;
}
const files = find("dist/test").sort();
if (files.length === 0) {
  console.error("no test files under dist/test (run npm run build)");
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...process.argv.slice(2), ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
