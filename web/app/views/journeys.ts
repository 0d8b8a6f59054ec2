/**
 * Journeys list: every journey as a row (summary, hops, duration, fate, where it ended, the containers it
 * passed), fate chips (All / Dropped / Unfinished / Delivered), a search box (summary, where, drop reason,
 * container names) and a `-Y` packet filter (journeys with a hop whose packet matches). The same virtualized table as the packets table (VirtualTable: fixed row height, only visible rows in
 * the DOM, pages fetched on demand). Dropped rows are red with the reason; a click opens the journey diagram (#journey=N).
 * State in the hash: #view=journeys&fate=dropped&q=wcow2&filter=icmp.
 */
import type { JourneyRow } from "../../../src/web/api.js";
import type { Ctx, View } from "../app.js";
import { errText } from "../app.js";
import { FilterFailure } from "../data/source.js";
import { h, num, secs } from "../dom.js";
import type { HashState } from "../router.js";
import { current, navigate, update } from "../router.js";
import { VirtualTable } from "../vtable.js";

const PAGE = 200;
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
  private readonly yInput: HTMLInputElement;
  private readonly chips = new Map<string, HTMLButtonElement>();
  private readonly countEl: HTMLElement;
  private readonly errBox: HTMLElement;
  private readonly table: VirtualTable<JourneyRow>;

  /** The applied query ("fate\0text"), its generation and counts. */
  private applied: string | null = null;
  private fate = "";
  private q = "";
  private filter = "";
  private gen = 0;
  private typeTimer = 0;

  constructor(private readonly ctx: Ctx) {
    this.search = h("input", {
      type: "search", class: "filter-input", testid: "journey-search", spellcheck: "false", autocomplete: "off",
      placeholder: "Search summary, where it ended, drop reason, container names — e.g. wcow2, DNS, Filtered", "aria-label": "Search journeys",
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
    this.yInput = h("input", {
      type: "search", class: "filter-input", testid: "journey-filter", spellcheck: "false", autocomplete: "off",
      placeholder: "-Y packet filter, e.g. icmp or ip.addr == 172.18.5.2", "aria-label": "Journeys whose packets match a display filter",
    });
    this.yInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        const f = this.yInput.value.trim();
        if (f !== (current().filter ?? "")) update({ view: "journeys", filter: f });
      } else if (e.key === "Escape") {
        this.yInput.value = this.filter;
        this.yInput.blur();
      }
    });
    const chipBar = h("div", { class: "chips", role: "radiogroup", "aria-label": "Fate" }, FATES.map(([fate, label]) => {
      const b = h("button", { class: `fchip${fate ? ` fchip-${fate}` : ""}`, type: "button", role: "radio", testid: `fate-filter-${fate || "all"}`, "data-fate": fate }, label);
      b.addEventListener("click", () => update({ view: "journeys", fate: fate || undefined }));
      this.chips.set(fate, b);
      return b;
    }));
    this.countEl = h("span", { class: "count", testid: "journey-count" });
    this.errBox = h("div", { class: "filter-error", testid: "journey-filter-error", hidden: true, role: "alert" });
    this.table = new VirtualTable<JourneyRow>({
      columns: COLS, tableClass: "jtable", rowClass: "jrow", testid: "journey-table", rowTestid: "journey-row", label: "Journeys",
      keyAttr: "id", pageSize: PAGE,
      rowKey: (row) => row.id,
      fetchPage: async (pg) => (await ctx.src.journeys({ fate: this.fate as JourneyRow["fate"] | "", q: this.q, filter: this.filter }, pg * PAGE, PAGE)).rows,
      fetchDelay: () => (ctx.src.kind === "embedded" ? 0 : 40),
      fill: fillRow,
      fillLoading: (c) => {
        for (let i = 0; i < c.length; i++) c[i].textContent = i === 2 ? "…" : "";
      },
      classes: (row) => (row.fate === "dropped" ? " drop" : row.fate === "unfinished" ? " unfinished" : ""),
      onActivate: (row) => this.open(row.id),
    });
    this.el = h("section", { class: "view view-journeys" },
      h("div", { class: "toolbar" }, chipBar,
        h("div", { class: "filterbox" }, this.search, h("button", { class: "btn primary", onclick: () => this.submit() }, "Search"),
          h("button", { class: "btn", onclick: () => { this.search.value = ""; this.submit(); } }, "Clear")),
        h("div", { class: "filterbox" }, this.yInput),
        this.countEl),
      this.errBox, h("div", { class: "split" }, this.table.el));
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
    const filter = (s.filter ?? "").trim();
    if (document.activeElement !== this.search) this.search.value = q;
    if (document.activeElement !== this.yInput) this.yInput.value = filter;
    for (const [f, b] of this.chips) {
      b.classList.toggle("active", f === fate);
      b.setAttribute("aria-checked", String(f === fate));
    }
    const key = `${fate}\0${q}\0${filter}`;
    if (key !== this.applied) void this.apply(fate, q, filter, key);
  }

  private async apply(fate: string, q: string, filter: string, key: string): Promise<void> {
    const gen = ++this.gen;
    this.countEl.textContent = "Loading…";
    this.countEl.classList.add("busy");
    try {
      const page = await this.ctx.src.journeys({ fate: fate as JourneyRow["fate"] | "", q, filter }, 0, PAGE);
      if (gen !== this.gen) return;
      this.errBox.hidden = true;
      this.yInput.classList.remove("bad");
      this.applied = key;
      this.fate = fate;
      this.q = q;
      this.filter = filter;
      this.countEl.textContent = fate || q || filter ? `Journeys: ${num(page.matched)} of ${num(page.total)}` : `Journeys: ${num(page.total)}`;
      this.countEl.dataset.matched = String(page.matched);
      this.countEl.dataset.total = String(page.total);
      this.table.reset(page.rows, page.matched, page.total === 0 ? "This capture has no journeys." : "No journey matches.");
    } catch (e) {
      if (gen !== this.gen) return;
      this.countEl.textContent = "";
      this.errBox.hidden = false;
      this.errBox.replaceChildren();
      if (e instanceof FilterFailure) {
        // A bad -Y filter: the message and a caret under the column, as in the packets view.
        this.yInput.classList.add("bad");
        this.errBox.append(h("div", { class: "msg" }, e.message), h("pre", { class: "caret" }, `${e.filter}\n${" ".repeat(Math.max(0, e.column))}^`));
      } else this.errBox.textContent = `Journeys: ${errText(e)}`;
    } finally {
      if (gen === this.gen) this.countEl.classList.remove("busy");
    }
  }

  key(e: KeyboardEvent): boolean {
    return this.table.key(e);
  }
}

function fillRow(c: HTMLCollection, row: JourneyRow, el: HTMLElement): void {
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
