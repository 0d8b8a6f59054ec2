// The app in a real browser (Debian's chromium via playwright-core), on the lab's seed-nat capture with its
// host state: served (wnvtrace serve's server on port 0) and as a report file opened from disk. Filter `icmp`
// (row count = a Node-side count), open a packet (ICMP in the layer tree; clicking a field highlights its bytes),
// open its journey (container names), open the topology and click a container (packets filtered to its address),
// `#packet=17` opens packet 17. A report of a real pktmon sample renders every view without console errors.
// Screenshots go to test-artifacts/web/. Skipped, saying so, without /usr/bin/chromium (CI installs it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { readInventory } from "../../src/inventory/mod.js";
import { CaptureModel } from "../../src/web/model.js";
import { buildReport } from "../../src/web/report.js";
import { etlSamples, missing, sample } from "../helpers/samples.js";
import { haveBundle, matchingPackets, seedNat } from "./fixtures.js";
import { ARTIFACTS, CHROMIUM, launch, screenshot, watchErrors } from "./browser.js";
import { withReport, withServed } from "./drive.js";

const skip = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is absent (Debian's chromium; .ci/run installs it)`
  : !haveBundle ? "the app bundle (dist/web) is not built (npm run build)" : false;

const T = 20_000;

async function packetCount(page: Page): Promise<number> {
  const el = page.getByTestId("packet-count");
  await el.and(page.locator("[data-matched]")).waitFor({ timeout: T });
  return Number(await el.getAttribute("data-matched"));
}

/** The little of the DOM the in-page predicates use (the tests compile without the DOM library). */
interface El {
  readonly dataset: Record<string, string | undefined>;
  readonly classList: { contains(c: string): boolean };
  readonly value?: string;
}
declare const document: { querySelector(s: string): El | null; querySelectorAll(s: string): { readonly length: number } };

/**
 * Waits until the packet count says `n` matches for a filter the input shows (`f`: exact text, or a regexp source).
 * Predicates are functions, not strings: the served page's CSP forbids eval, and it should.
 */
async function waitCount(page: Page, f: string, n: number, regexp = false): Promise<void> {
  await page.waitForFunction(
    ([f, n, re]) => {
      const c = document.querySelector("[data-testid=packet-count]");
      const i = document.querySelector("[data-testid=filter-input]");
      const ok = !!i && (re ? new RegExp(f).test(i.value ?? "") : i.value === f);
      return !!c && ok && c.dataset.matched === String(n) && !c.classList.contains("busy");
    },
    [f, n, regexp] as const,
    { timeout: T },
  );
}

async function applyFilter(page: Page, filter: string, expect: number): Promise<void> {
  const input = page.getByTestId("filter-input");
  await input.fill(filter);
  await input.press("Enter");
  await waitCount(page, filter, expect);
}

/** The whole walk through the app; `tag` names the screenshots. */
async function walk(page: Page, url: string, tag: string, file: string): Promise<void> {
  const errors = watchErrors(page);
  await page.goto(url + "#view=packets");
  assert.equal(await packetCount(page), matchingPackets(file, "").length);
  await screenshot(page, `${tag}-1-packets`);

  // Filter icmp: the count and the rendered rows agree with the Node-side count.
  const icmp = matchingPackets(file, "icmp");
  await applyFilter(page, "icmp", icmp.length);
  const rows = page.locator("[data-testid=packet-row][data-no]:visible");
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=packet-row][data-no]:not([hidden])").length === n, icmp.length, { timeout: T });
  assert.deepEqual((await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-no"))))).sort((a, b) => a - b), icmp);
  await screenshot(page, `${tag}-2-icmp`);

  // A bad filter: a clear error with a caret, the table keeps the last good filter.
  await page.getByTestId("filter-input").fill("icmp &&");
  await page.getByTestId("filter-input").press("Enter");
  const err = page.getByTestId("filter-error");
  await err.waitFor({ state: "visible", timeout: T });
  assert.match(await err.innerText(), /\^/);
  await screenshot(page, `${tag}-3-filter-error`);
  await applyFilter(page, "icmp", icmp.length);

  // Open the container-to-container echo request (packet 17): layer tree, field → highlighted bytes.
  await page.locator("[data-testid=packet-row][data-no='17']").click();
  const detail = page.getByTestId("packet-detail");
  await detail.getByText("Packet 17", { exact: true }).waitFor({ timeout: T });
  const icmpNode = detail.getByTestId("tree-node").filter({ hasText: /Internet Control Message Protocol/ }).first();
  await icmpNode.waitFor({ timeout: T });
  await icmpNode.click();
  const lit = detail.locator("[data-testid=hex-byte][data-selected]");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=hex-byte][data-selected]").length > 0, undefined, { timeout: T });
  const offsets = await lit.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-offset"))));
  const m = new CaptureModel(file).loadSync();
  const node = m.detail(17)!.tree.find((n) => /Internet Control Message Protocol/.test(n.label))!;
  m.close();
  assert.equal(offsets[0], node.start, "ICMP starts after Ethernet (14) + IPv4 (20)");
  assert.deepEqual(offsets, Array.from({ length: node.length }, (_, k) => node.start + k), "exactly the ICMP bytes are highlighted");
  await screenshot(page, `${tag}-4-detail`);

  // Its journey names both containers.
  await detail.getByTestId("journey-link").click();
  const jv = page.getByTestId("journey-view");
  await jv.waitFor({ timeout: T });
  const hopText = (await page.getByTestId("journey-hop").allInnerTexts()).join("\n") + (await jv.innerText());
  assert.match(hopText, /wcow1/);
  assert.match(hopText, /wcow2/);
  await screenshot(page, `${tag}-5-journey`);

  // Topology: click container wcow2 → packets filtered to its address.
  await page.getByTestId("nav-topology").click();
  const wcow2 = page.locator("[data-testid=topo-node][data-kind=container]").filter({ hasText: "wcow2" });
  await wcow2.waitFor({ timeout: T });
  await screenshot(page, `${tag}-6-topology`);
  await wcow2.click();
  const want = matchingPackets(file, "ip.addr == 172.18.5.3").length;
  await waitCount(page, "172\\.18\\.5\\.3", want, true);
  assert.equal(await page.getByTestId("filter-input").inputValue(), "ip.addr == 172.18.5.3");
  await screenshot(page, `${tag}-7-container-packets`);

  // The other views render.
  for (const v of ["flows", "findings", "timeline", "overview"]) {
    await page.getByTestId(`nav-${v}`).click();
    await page.waitForTimeout(100);
    await screenshot(page, `${tag}-8-${v}`);
  }

  // #packet=17 opens packet 17 in a fresh page.
  const p2 = await page.context().newPage();
  const errors2 = watchErrors(p2);
  await p2.goto(url + "#packet=17");
  await p2.getByTestId("packet-detail").getByText("Packet 17", { exact: true }).waitFor({ timeout: T });
  await p2.locator(".prow.sel[data-no='17'], [data-testid=packet-row][data-no='17'][aria-selected=true]").first().waitFor({ timeout: T });
  await screenshot(p2, `${tag}-9-hash-packet-17`);
  await p2.close();
  // The deliberate bad filter is a 400 answer, which chromium logs as a failed resource load (served app only).
  const expected = (e: string): boolean => /status of 400 \(Bad Request\)/.test(e);
  assert.deepEqual([...errors, ...errors2].filter((e) => !expected(e)), [], "no console errors");
}

test("browser: the served app on lab seed-nat (filter, detail, hex, journey, topology, #packet=17)", { skip, timeout: 120_000 }, async () => {
  const lab = seedNat();
  await withServed(lab.netsh, readInventory(lab.host), (page, url) => walk(page, url, "serve", lab.netsh));
});

test("browser: the report of lab seed-nat opened from disk (same walk, no network)", { skip, timeout: 120_000 }, async () => {
  const lab = seedNat();
  await withReport(lab.pktmon, readInventory(lab.host), "seed-nat.pktmon.report.html", (page, url) => walk(page, url, "report", lab.pktmon));
});

const REAL = ["demikernel-ws2022-azure-pktmon.etl", "tritonpilot-win11-vmswitch-pktmon.etl", "gobang-win11-vmswitch-components-pktmon.etl"].find((n) => sample(n)) ?? etlSamples().find((n) => /pktmon/.test(n)) ?? "demikernel-ws2022-azure-pktmon.etl";

/**
 * Builds the report of a real sample and opens it from disk: the packet rows show, every view renders, a packet's
 * detail and its journey open, a filter works, and nothing is logged as an error. (How fast the rows show is
 * measured by `npm run bench:web`, not asserted here.)
 */
async function realReport(name: string, maxPackets: number, tag: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const out = join(ARTIFACTS, `${name.replace(/\.etl$/, "")}.report.html`);
  const r = buildReport(sample(name)!, { maxPackets });
  writeFileSync(out, r.html);
  const b = await launch();
  try {
    const page = await b.context.newPage();
    const errors = watchErrors(page);
    await page.goto(pathToFileURL(out).href);
    for (const v of ["overview", "packets", "topology", "flows", "findings", "timeline"]) {
      await page.getByTestId(`nav-${v}`).click();
      await page.waitForTimeout(300);
      await screenshot(page, `${tag}-${v}`);
    }
    await page.getByTestId("nav-packets").click();
    assert.equal(await packetCount(page), r.embedded);
    await page.locator("[data-testid=packet-row][data-no]").first().click();
    await page.getByTestId("tree-node").first().waitFor({ timeout: T });
    await screenshot(page, `${tag}-detail`);
    const link = page.getByTestId("journey-link");
    if (await link.count()) {
      await link.first().click();
      await page.getByTestId("journey-view").waitFor({ timeout: T });
      await page.getByTestId("journey-hop").first().waitFor({ timeout: T });
      await screenshot(page, `${tag}-journey`);
    }
    const want = matchingPackets(sample(name)!, "udp").filter((no) => no <= r.embedded).length;
    await page.getByTestId("nav-packets").click();
    await applyFilter(page, "udp", want);
    assert.deepEqual(errors, []);
  } finally {
    await b.close();
  }
}

test(`browser: the report of a real pktmon sample (${REAL}) renders every view with no console errors`, { skip: skip || missing(REAL), timeout: 180_000 }, async () => {
  await realReport(REAL, 20_000, "real");
});

const STMCAST = "stmcast-win11-26k-packets-pktmon.etl";

test(`browser: the report of ${STMCAST} (30 k sightings) renders every view with no console errors`, { skip: skip || missing(STMCAST), timeout: 180_000 }, async () => {
  await realReport(STMCAST, 100_000, "stmcast");
});
