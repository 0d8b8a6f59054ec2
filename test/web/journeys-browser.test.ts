// The Journeys list in a real browser (Debian's chromium via playwright-core) on the lab's fault-drop capture:
// served, and as a report opened from disk. Journeys tab → all journeys; the Dropped chip → exactly the dropped
// journeys (ids from the Node-side readJourneys), red, with their reasons; the URL says #view=journeys&fate=dropped;
// a search narrows the list; clicking a dropped row opens its diagram, which names the drop reason; the
// Overview's drops tile links to the dropped journeys. Screenshots go to test-artifacts/web/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import { readInventory } from "../../src/inventory/mod.js";
import type { Journey } from "../../src/journeys/mod.js";
import { readJourneys } from "../../src/journeys/mod.js";
import { faultDrop, haveBundle, matchingPackets } from "./fixtures.js";
import { CHROMIUM, screenshot, watchErrors } from "./browser.js";
import { withReport, withServed } from "./drive.js";

const skip = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is absent (Debian's chromium; .ci/run installs it)`
  : !haveBundle ? "the app bundle (dist/web) is not built (npm run build)" : false;

const T = 20_000;

/** The little of the DOM the in-page predicates use (the tests compile without the DOM library). */
interface El {
  readonly dataset: Record<string, string | undefined>;
  readonly classList: { contains(c: string): boolean };
  getAttribute(n: string): string | null;
}
declare const document: { querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El> };
declare const location: { readonly hash: string };

/** Waits until the list shows `want` (ids, in order): the count says so and exactly those rows are rendered. */
async function waitRows(page: Page, want: number[]): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const c = document.querySelector("[data-testid=journey-count]");
      if (!c || c.classList.contains("busy") || c.dataset.matched !== String(want.length)) return false;
      const rows = Array.from(document.querySelectorAll("[data-testid=journey-row][data-id]:not([hidden])"));
      return rows.map((r) => r.dataset.id).join(",") === want.join(",");
    },
    want,
    { timeout: T },
  );
}

async function walk(page: Page, url: string, tag: string, ref: Journey[], file: string): Promise<void> {
  const errors = watchErrors(page);
  const dropped = ref.filter((j) => j.fate.kind === "dropped");
  assert.ok(dropped.length >= 2);

  // The Overview's drops tile points at the dropped journeys.
  await page.goto(url);
  const tiles = page.getByTestId("overview-counts");
  await tiles.waitFor({ timeout: T });
  const dropsTile = tiles.locator("a.tile").filter({ hasText: "drops" });
  assert.equal(await dropsTile.getAttribute("href"), "#view=journeys&fate=dropped");

  // Journeys tab: every journey.
  await page.getByTestId("nav-journeys").click();
  await waitRows(page, ref.map((j) => j.id));
  await screenshot(page, `${tag}-journeys-1-all`);

  // Dropped: exactly the dropped journeys, red, with their reasons.
  await page.getByTestId("fate-filter-dropped").click();
  await waitRows(page, dropped.map((j) => j.id));
  assert.match(await page.evaluate(() => location.hash), /^#view=journeys&fate=dropped$/);
  const rows = page.locator("[data-testid=journey-row][data-id]:visible");
  for (const [k, j] of dropped.entries()) {
    const row = rows.nth(k);
    assert.match(String(await row.getAttribute("class")), /\bdrop\b/);
    assert.ok((await row.innerText()).includes(j.fate.reasonName!), `row ${j.id} shows ${j.fate.reasonName}`);
  }
  await screenshot(page, `${tag}-journeys-2-dropped`);

  // A search narrows it (hop names): the drops at the host vNIC.
  const want = dropped.filter((j) => j.hops.some((h) => /vethernet/i.test(h.names?.label ?? "")) || /vethernet/i.test(j.fate.location ?? "") || /vethernet/i.test(j.summary));
  assert.ok(want.length > 0 && want.length < dropped.length);
  await page.getByTestId("journey-search").fill("vEthernet");
  await page.getByTestId("journey-search").press("Enter");
  await waitRows(page, want.map((j) => j.id));
  assert.match(await page.evaluate(() => location.hash), /fate=dropped/);
  assert.match(await page.evaluate(() => location.hash), /q=vEthernet/);
  await screenshot(page, `${tag}-journeys-3-search`);
  await page.getByTestId("journey-search").fill("");
  await page.getByTestId("journey-search").press("Enter");
  await waitRows(page, dropped.map((j) => j.id));

  // A -Y packet filter: the dropped journeys with an ICMP packet (the echo dropped at wcow2); a bad one shows a caret.
  const icmp = new Set(matchingPackets(file, "icmp"));
  const icmpDropped = dropped.filter((j) => j.hops.some((h) => h.packet !== undefined && icmp.has(h.packet)));
  assert.ok(icmpDropped.length > 0 && icmpDropped.length < dropped.length);
  const yBox = page.getByTestId("journey-filter");
  await yBox.fill("icmp");
  await yBox.press("Enter");
  await waitRows(page, icmpDropped.map((j) => j.id));
  assert.match(await page.evaluate(() => location.hash), /filter=icmp/);
  await yBox.fill("icmp &&");
  await yBox.press("Enter");
  const err = page.getByTestId("journey-filter-error");
  await err.waitFor({ timeout: T });
  assert.match(await err.innerText(), /icmp &&\n {7}\^/);
  await yBox.fill("");
  await yBox.press("Enter");
  await waitRows(page, dropped.map((j) => j.id));

  // Click the first dropped journey: the diagram, with the drop reason.
  const first = dropped[0];
  await page.locator(`[data-testid=journey-row][data-id='${first.id}']`).click();
  const fate = page.getByTestId("journey-fate");
  await fate.waitFor({ timeout: T });
  await page.waitForFunction((id) => location.hash === `#journey=${id}`, first.id, { timeout: T });
  const text = await fate.textContent();
  assert.ok(text?.includes(first.fate.reasonName!), `the diagram names the reason: ${text}`);
  assert.match(text ?? "", /DROPPED/);
  await screenshot(page, `${tag}-journeys-4-diagram`);

  // Back: the dropped list again (URL state).
  await page.goBack();
  await waitRows(page, dropped.map((j) => j.id));
  // The deliberate bad filter is a 400 answer, which chromium logs as a failed resource load (served app only).
  assert.deepEqual(errors.filter((e) => !(tag === "serve" && /status of 400 \(Bad Request\)/.test(e))), [], "no console errors");
}

test("browser: Journeys list on the served fault-drop capture (Dropped chip, search, row → diagram with the reason)", { skip, timeout: 120_000 }, async () => {
  const lab = faultDrop();
  const inventory = readInventory(lab.host);
  const ref = readJourneys(lab.netsh, { inventory });
  await withServed(lab.netsh, inventory, (page, url) => walk(page, url, "serve", ref, lab.netsh));
});

test("browser: Journeys list in the fault-drop report opened from disk (same walk, no network)", { skip, timeout: 120_000 }, async () => {
  const lab = faultDrop();
  const inventory = readInventory(lab.host);
  const ref = readJourneys(lab.pktmon, { inventory });
  await withReport(lab.pktmon, inventory, "fault-drop.pktmon.report.html", (page, url) => walk(page, url, "report", ref, lab.pktmon));
});
