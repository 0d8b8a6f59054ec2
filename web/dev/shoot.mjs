// Dev only: screenshots of the app (a report .html or a serve URL) in headless chromium, plus every console
// message. Usage: node web/dev/shoot.mjs PAGE OUTDIR [hash …]   (hash like "view=topology"; default: a tour)
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

const [page0, out = "/tmp/wnv-shots", ...hashes] = process.argv.slice(2);
const url = /^https?:/.test(page0) ? page0 : "file://" + resolve(page0);
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
const dark = process.env.WNV_DARK === "1";
const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: dark ? "dark" : "light" });
const msgs = [];
page.on("console", (m) => msgs.push(`${m.type()}: ${m.text()}`));
page.on("pageerror", (e) => msgs.push(`pageerror: ${e.message}`));
const tour = hashes.length ? hashes : ["view=overview", "view=packets", "packet=3", "filter=tcp%20%26%26%20ip.addr%20%3D%3D%20", "journey=1", "view=topology", "view=flows", "view=findings", "view=timeline"];
await page.goto(url + "#" + tour[0]);
await page.waitForTimeout(400);
let i = 0;
for (const hsh of tour) {
  await page.evaluate((x) => { location.hash = x; }, hsh);
  await page.waitForTimeout(350);
  const f = `${out}/${String(++i).padStart(2, "0")}-${hsh.replace(/[^a-z0-9=]+/gi, "_").slice(0, 40)}${dark ? "-dark" : ""}.png`;
  await page.screenshot({ path: f });
  console.log(f);
}
console.log(msgs.length ? msgs.join("\n") : "console: clean");
await browser.close();
