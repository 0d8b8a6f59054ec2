// Dev only: drives the app in headless chromium and prints what it sees (keyboard, virtual scrolling, filter
// errors, detail tree ↔ hex, topology hook). Usage: node web/dev/interact.mjs URL_OR_HTML [OUTDIR]
import { chromium } from "playwright-core";
import { resolve } from "node:path";

const [target, out = "/tmp/wnv-shots/interact"] = process.argv.slice(2);
const url = /^https?:/.test(target) ? target : "file://" + resolve(target);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const msgs = [];
page.on("console", (m) => msgs.push(`${m.type()}: ${m.text()}`));
page.on("pageerror", (e) => msgs.push(`pageerror: ${e.message}`));
const log = (...a) => console.log(...a);
const { mkdirSync } = await import("node:fs");
mkdirSync(out, { recursive: true });

await page.goto(url);
if (await page.locator("[data-testid=load-progress]").count()) {
  await page.waitForTimeout(500);
  log("loading:", await page.locator("[data-testid=load-progress]").innerText());
  await page.screenshot({ path: `${out}/loading.png` });
  await page.locator("[data-testid=load-progress]").waitFor({ state: "detached", timeout: 20000 });
}
await page.click("[data-testid=tab-packets]");
await page.locator("[data-testid=packet-row]").first().waitFor();
log("count:", await page.locator("[data-testid=packet-count]").innerText(), "matched attr:", await page.locator("[data-testid=packet-count]").getAttribute("data-matched"));
log("rows in DOM:", await page.locator("[data-testid=packet-row]").count());
// Scroll to the middle and to the end.
const scroller = page.locator("[data-testid=packet-table]");
const t0 = Date.now();
for (let i = 1; i <= 20; i++) await scroller.evaluate((el, f) => { el.scrollTop = el.scrollHeight * f; }, i / 20);
log("20 scroll jumps in", Date.now() - t0, "ms");
await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
await page.waitForTimeout(400);
log("middle first row:", await page.locator("[data-testid=packet-row]:not([hidden])").first().getAttribute("data-no"), "rows in DOM:", await page.locator(".prow").count());
await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight; });
await page.waitForTimeout(400);
log("end last row:", await page.locator("[data-testid=packet-row][data-no]:not([hidden])").last().getAttribute("data-no"));
await page.screenshot({ path: `${out}/end.png` });
// Keyboard: focus table, Home, ↓ ↓, Enter, Esc.
await scroller.focus();
await page.keyboard.press("Home");
await page.waitForTimeout(300);
await page.keyboard.press("ArrowDown");
await page.keyboard.press("ArrowDown");
await page.waitForTimeout(200);
log("selected:", await page.locator(".prow.sel").getAttribute("data-no"));
await page.keyboard.press("Enter");
await page.waitForTimeout(400);
log("hash after Enter:", await page.evaluate(() => location.hash), "detail visible:", await page.locator("[data-testid=packet-detail]").isVisible());
await page.keyboard.press("ArrowDown");
await page.waitForTimeout(400);
log("hash after ↓ with detail open:", await page.evaluate(() => location.hash));
// Tree node → hex highlight.
await page.locator("[data-testid=tree-node]").first().click();
const node = page.locator("[data-testid=tree-node]").nth(1);
await node.click();
log("tree node:", await node.innerText(), "highlighted bytes:", await page.locator("[data-testid=hex-view] .hex-hl").count() / 2, "data-selected:", await page.locator("[data-testid=hex-byte][data-selected]").count());
await page.screenshot({ path: `${out}/detail.png` });
await page.keyboard.press("Escape");
await page.waitForTimeout(300);
log("hash after Esc:", await page.evaluate(() => location.hash), "detail visible:", await page.locator("[data-testid=packet-detail]").isVisible());
// "/" focuses the filter; bad filter shows error + caret; good filter counts.
await page.keyboard.press("/");
log("focused:", await page.evaluate(() => document.activeElement?.getAttribute("data-testid")));
await page.keyboard.type("ip.src == 1 && bad");
await page.keyboard.press("Enter");
await page.locator("[data-testid=filter-error]").waitFor({ state: "visible" });
log("filter error:", JSON.stringify(await page.locator("[data-testid=filter-error]").innerText()));
const F = url.startsWith("http") ? "icmp" : "tcp";
await page.fill("[data-testid=filter-input]", F);
await page.press("[data-testid=filter-input]", "Enter");
await page.waitForTimeout(600);
log(F + ":", await page.locator("[data-testid=packet-count]").innerText(), "error hidden:", await page.locator("[data-testid=filter-error]").isHidden(), "hash:", await page.evaluate(() => location.hash));
// #packet=N deep link.
await page.evaluate((f) => { location.hash = `#filter=${f}&packet=13`; }, F);
await page.waitForTimeout(600);
log("deep link selected:", await page.locator(".prow.sel").getAttribute("data-no"), "detail:", (await page.locator(".detail-title").innerText()).slice(0, 40));
await page.goBack();
await page.waitForTimeout(400);
log("back →", await page.evaluate(() => location.hash), "detail visible:", await page.locator("[data-testid=packet-detail]").isVisible());
// Topology hook.
await page.click("[data-testid=tab-topology]");
await page.locator("[data-testid=topo-node]").first().waitFor();
const ids = await page.evaluate(() => window.__wnv?.topology?.nodes ?? []);
log("topology nodes:", ids.length, ids.slice(0, 6).join(" "));
const withFilter = page.locator("[data-testid=topo-node].link").first();
if (await withFilter.count()) {
  const id = await withFilter.getAttribute("data-id");
  await withFilter.click();
  await page.waitForTimeout(500);
  log("clicked", id, "→", await page.evaluate(() => location.hash), "input:", await page.inputValue("[data-testid=filter-input]"), "count:", await page.locator("[data-testid=packet-count]").innerText());
}
// Flows → packets.
await page.click("[data-testid=tab-flows]");
await page.locator("[data-testid=flow-row]").first().click();
await page.waitForTimeout(600);
log("flow click →", await page.inputValue("[data-testid=filter-input]"), "|", await page.locator("[data-testid=packet-count]").innerText());
// Timeline bin click.
await page.click("[data-testid=tab-timeline]");
const tl = page.locator("[data-testid=timeline] .tl-hit");
await tl.waitFor();
const box = await tl.boundingBox();
await page.mouse.move(box.x + 5, box.y + 20);
await page.waitForTimeout(200);
await page.screenshot({ path: `${out}/timeline-hover.png` });
await page.mouse.click(box.x + 5, box.y + 20);
await page.waitForTimeout(600);
log("timeline click →", await page.inputValue("[data-testid=filter-input]"), "|", await page.locator("[data-testid=packet-count]").innerText());
log(msgs.length ? msgs.join("\n") : "console: clean");
await browser.close();
