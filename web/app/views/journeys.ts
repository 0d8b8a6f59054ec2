/**
 * Journeys list: every journey as a row (summary, hops, duration, fate, where it ended, the containers it
 * passed), fate chips (All / Dropped / Unfinished / Delivered) and a search box (summary, where, container
 * names). A virtualized table like the packets table: fixed row height, only visible rows in the DOM, pages
 * fetched on demand. Dropped rows are red with the reason; a click opens the journey diagram (#journey=N).
 * State in the hash: #view=journeys&fate=dropped&q=wcow2.
 */
import type { JourneyRow } from "../../../src/web/api.js";
import type { Ctx, View } from "../app.js";
import { errText } from "../app.js";
import { h, num, rafThrottle, secs } from "../dom.js";
import type { HashState } from "../router.js";
import { current, navigate, update } from "../router.js";

const ROW_H = 22;
const PAGE = 200;
const MAX_PAGES = 64;
const MAX_PX = 15_000_000;
const COLS = ["No.", "Start", "Summary", "Hops", "Duration", "Fate", "Where / reason", "Containers"] as const;
const FATES = [["", "All"], ["dropped", "Dropped"], ["unfinished", "Unfinished"], ["delivered", "Delivered"]] as const;

function durText(us: number): string {
  if (us >= 1e6) return `${(us / 1e6).toFixed(2)} s`;
  if (us >= 1000) return `${(us / 1000).toFixed(us >= 10000 ? 1 : 2)} ms`;
  return `${us.toFixed(us < 10 ? 1 : 0)} µs`;
}

export class JourneysView implements View {
  readonly el: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly chips = new Map<string, HTMLButtonElement>();
  private readonly countEl: HTMLElement;
  private readonly errBox: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsEl: HTMLElement;
  private readonly emptyEl: HTMLElement;
  private readonly table: HTMLElement;
  private pool: HTMLElement[] = [];
  private sbw = -1;

  /** The applied query ("fate\0text"), its generation and counts. */
  private applied: string | null = null;
  private fate = "";
  private q = "";
  private gen = 0;
  private count = 0;
  private pages = new Map<number, JourneyRow[]>();
  private inflight = new Set<number>();
  private wanted = new Set<number>();
  private fetchTimer = 0;
  private typeTimer = 0;
  private sel = -1;
  private readonly draw = rafThrottle(() => this.render());

  constructor(private readonly ctx: Ctx) {
    this.search = h("input", {
      type: "search", class: "filter-input", testid: "journey-search", spellcheck: "false", autocomplete: "off",
      placeholder: "Search summary, where it ended, container names — e.g. wcow2, DNS, vEthernet", "aria-label": "Search journeys",
    });
    this.search.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        this.submit();
      } else if (e.key === "Escape") {
        this.search.value = this.q;
        this.search.blur();
      }
    });
    // Typing searches after a pause (replacing the history entry, so Back does not step through keystrokes).
    this.search.addEventListener("input", () => {
      clearTimeout(this.typeTimer);
      this.typeTimer = window.setTimeout(() => this.submit(true), 250);
    });
    const chipBar = h("div", { class: "chips", role: "radiogroup", "aria-label": "Fate" }, FATES.map(([fate, label]) => {
      const b = h("button", { class: `fchip${fate ? ` fchip-${fate}` : ""}`, type: "button", role: "radio", testid: `fate-filter-${fate || "all"}`, "data-fate": fate }, label);
      b.addEventListener("click", () => update({ view: "journeys", fate: fate || undefined }));
      this.chips.set(fate, b);
      return b;
    }));
    this.countEl = h("span", { class: "count", testid: "journey-count" });
    this.errBox = h("div", { class: "filter-error", hidden: true, role: "alert" });
    const head = h("div", { class: "prow jrow phead", role: "row" }, COLS.map((c) => h("span", { role: "columnheader" }, c)));
    this.spacer = h("div", { class: "vt-spacer" });
    this.rowsEl = h("div", { class: "vt-rows", role: "rowgroup" });
    this.emptyEl = h("div", { class: "vt-empty", hidden: true });
    this.scroller = h("div", { class: "vt-scroll", tabindex: 0, testid: "journey-table", role: "grid", "aria-label": "Journeys" }, this.spacer, this.rowsEl, this.emptyEl);
    this.scroller.addEventListener("scroll", this.draw, { passive: true });
    this.rowsEl.addEventListener("click", (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>(".prow");
      if (!row || row.dataset.id === undefined) return;
      this.open(Number(row.dataset.id));
    });
    this.table = h("div", { class: "ptable jtable" }, head, this.scroller);
    this.el = h("section", { class: "view view-journeys" },
      h("div", { class: "toolbar" }, chipBar,
        h("div", { class: "filterbox" }, this.search, h("button", { class: "btn primary", onclick: () => this.submit() }, "Search"),
          h("button", { class: "btn", onclick: () => { this.search.value = ""; this.submit(); } }, "Clear")),
        this.countEl),
      this.errBox, h("div", { class: "split" }, this.table));
    new ResizeObserver(this.draw).observe(this.scroller);
  }

  private open(id: number): void {
    navigate({ view: "journey", journey: id });
  }

  private submit(replace = false): void {
    clearTimeout(this.typeTimer);
    const q = this.search.value.trim();
    if (q === (current().q ?? "")) return;
    update({ view: "journeys", q: q || undefined }, replace);
  }

  show(s: HashState): void {
    const fate = s.fate ?? "";
    const q = s.q ?? "";
    if (document.activeElement !== this.search) this.search.value = q;
    for (const [f, b] of this.chips) {
      b.classList.toggle("active", f === fate);
      b.setAttribute("aria-checked", String(f === fate));
    }
    const key = `${fate}\0${q}`;
    if (key !== this.applied) void this.apply(fate, q, key);
  }

  private async apply(fate: string, q: string, key: string): Promise<void> {
    const gen = ++this.gen;
    this.countEl.textContent = "Loading…";
    this.countEl.classList.add("busy");
    try {
      const page = await this.ctx.src.journeys({ fate: fate as JourneyRow["fate"] | "", q }, 0, PAGE);
      if (gen !== this.gen) return;
      this.errBox.hidden = true;
      this.applied = key;
      this.fate = fate;
      this.q = q;
      this.pages = new Map([[0, page.rows]]);
      this.inflight.clear();
      this.count = page.matched;
      this.sel = -1;
      this.scroller.scrollTop = 0;
      this.countEl.textContent = fate || q ? `Journeys: ${num(page.matched)} of ${num(page.total)}` : `Journeys: ${num(page.total)}`;
      this.countEl.dataset.matched = String(page.matched);
      this.countEl.dataset.total = String(page.total);
      this.emptyEl.hidden = page.matched > 0;
      this.emptyEl.textContent = page.total === 0 ? "This capture has no journeys." : "No journey matches.";
      this.spacer.style.height = `${Math.min(this.count * ROW_H, MAX_PX)}px`;
      this.render();
    } catch (e) {
      if (gen !== this.gen) return;
      this.countEl.textContent = "";
      this.errBox.hidden = false;
      this.errBox.textContent = `Journeys: ${errText(e)}`;
    } finally {
      if (gen === this.gen) this.countEl.classList.remove("busy");
    }
  }

  // ---- virtual scrolling (as the packets table) ----------------------------------------------------------------

  private position(): number {
    const viewH = this.scroller.clientHeight;
    const maxScroll = this.spacer.offsetHeight - viewH;
    const maxFirst = this.count - viewH / ROW_H;
    if (maxScroll <= 0 || maxFirst <= 0) return 0;
    return (this.scroller.scrollTop / maxScroll) * maxFirst;
  }

  private scrollToPosition(p: number): void {
    const viewH = this.scroller.clientHeight;
    const maxScroll = this.spacer.offsetHeight - viewH;
    const maxFirst = this.count - viewH / ROW_H;
    if (maxScroll <= 0 || maxFirst <= 0) return;
    this.scroller.scrollTop = (Math.max(0, Math.min(maxFirst, p)) / maxFirst) * maxScroll;
  }

  private rowAt(idx: number): JourneyRow | undefined {
    return this.pages.get(Math.floor(idx / PAGE))?.[idx % PAGE];
  }

  private render(): void {
    const viewH = this.scroller.clientHeight;
    const sbw = this.scroller.offsetWidth - this.scroller.clientWidth;
    if (sbw !== this.sbw) {
      this.sbw = sbw;
      this.table.style.setProperty("--sbw", `${sbw}px`);
    }
    const n = Math.min(this.count, Math.ceil(viewH / ROW_H) + 1);
    const p = this.position();
    const first = Math.floor(p);
    const frac = p - first;
    while (this.pool.length < n) {
      const r = h("div", { class: "prow jrow", role: "row", testid: "journey-row" }, COLS.map(() => h("span", { role: "gridcell" })));
      this.pool.push(r);
      this.rowsEl.append(r);
    }
    this.rowsEl.style.transform = `translateY(${this.scroller.scrollTop - frac * ROW_H}px)`;
    const missing = new Set<number>();
    for (let k = 0; k < this.pool.length; k++) {
      const el = this.pool[k];
      const idx = first + k;
      if (k >= n || idx >= this.count) {
        if (!el.hidden) {
          el.hidden = true;
          el.removeAttribute("data-id");
        }
        continue;
      }
      el.hidden = false;
      el.dataset.idx = String(idx);
      const row = this.rowAt(idx);
      const c = el.children;
      if (!row) {
        missing.add(Math.floor(idx / PAGE));
        el.removeAttribute("data-id");
        el.className = "prow jrow loading";
        for (let i = 0; i < c.length; i++) c[i].textContent = i === 2 ? "…" : "";
        continue;
      }
      if (el.dataset.id !== String(row.id) || el.dataset.gen !== String(this.gen)) {
        el.dataset.id = String(row.id);
        el.dataset.gen = String(this.gen);
        el.dataset.fate = row.fate;
        c[0].textContent = String(row.id);
        c[1].textContent = secs(row.startTime);
        c[2].textContent = row.summary;
        c[3].textContent = String(row.hops);
        c[4].textContent = durText(row.durationUs);
        c[5].textContent = row.fate;
        c[6].textContent = row.fate === "dropped" ? `${row.reason ? `[DROP ${row.reason}] ` : ""}${row.where}` : row.where;
        c[7].textContent = row.containers.join(" → ");
        el.title = row.fate === "dropped" ? `Dropped${row.reason ? `: ${row.reason}` : ""}${row.where ? ` at ${row.where}` : ""}` : "";
      }
      el.className = `prow jrow${row.fate === "dropped" ? " drop" : row.fate === "unfinished" ? " unfinished" : ""}${idx === this.sel ? " sel" : ""}`;
    }
    if (missing.size) this.want(missing);
  }

  private want(pages: Set<number>): void {
    this.wanted = pages;
    clearTimeout(this.fetchTimer);
    this.fetchTimer = window.setTimeout(() => {
      for (const pg of this.wanted) void this.fetchPage(pg);
    }, this.ctx.src.kind === "embedded" ? 0 : 40);
  }

  private async fetchPage(pg: number): Promise<void> {
    if (this.pages.has(pg) || this.inflight.has(pg)) return;
    const gen = this.gen;
    this.inflight.add(pg);
    try {
      const page = await this.ctx.src.journeys({ fate: this.fate as JourneyRow["fate"] | "", q: this.q }, pg * PAGE, PAGE);
      if (gen !== this.gen) return;
      if (this.pages.size >= MAX_PAGES) {
        let far = -1;
        for (const k of this.pages.keys()) if (far < 0 || Math.abs(k - pg) > Math.abs(far - pg)) far = k;
        this.pages.delete(far);
      }
      this.pages.set(pg, page.rows);
      this.draw();
    } catch {
      /* shown as "…" rows; the next scroll asks again */
    } finally {
      if (gen === this.gen) this.inflight.delete(pg);
    }
  }

  private async move(to: number): Promise<void> {
    if (this.count === 0) return;
    const idx = Math.max(0, Math.min(this.count - 1, to));
    if (!this.rowAt(idx)) await this.fetchPage(Math.floor(idx / PAGE));
    this.sel = idx;
    const rowsInView = this.scroller.clientHeight / ROW_H;
    const p = this.position();
    if (idx < p) this.scrollToPosition(idx);
    else if (idx + 1 > p + rowsInView) this.scrollToPosition(idx + 1 - rowsInView);
    this.render();
  }

  key(e: KeyboardEvent): boolean {
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_H) - 1);
    const from = this.sel >= 0 ? this.sel : Math.ceil(this.position()) - 1;
    switch (e.key) {
      case "ArrowDown": void this.move(from + 1); return true;
      case "ArrowUp": void this.move(this.sel >= 0 ? from - 1 : from + 1); return true;
      case "PageDown": void this.move(from + page); return true;
      case "PageUp": void this.move(from - page); return true;
      case "Home": void this.move(0); return true;
      case "End": void this.move(this.count - 1); return true;
      case "Enter": {
        const r = this.sel >= 0 ? this.rowAt(this.sel) : undefined;
        if (r) this.open(r.id);
        return true;
      }
    }
    return false;
  }
}
