/**
 * Packets: display filter box, a virtualized table (fixed row height; only the rows in the viewport exist in the
 * DOM; pages fetched on demand and cached) and the packet detail split below it.
 */
import type { PacketRow } from "../../../src/web/api.js";
import type { Ctx, View } from "../app.js";
import { errText } from "../app.js";
import { h, clear, num, rafThrottle, secs } from "../dom.js";
import { FilterFailure } from "../data/source.js";
import type { HashState } from "../router.js";
import { current, update } from "../router.js";
import { DetailPane } from "./detail.js";

const ROW_H = 22;
const PAGE = 200;
const MAX_PAGES = 64;
/** Tallest scroll area used (browsers cap element heights near 17–33 M px); beyond it scrolling is scaled. */
const MAX_PX = 15_000_000;
const COLS = ["No.", "Time", "Source", "Destination", "Protocol", "Length", "Where", "Info"] as const;

export class PacketsView implements View {
  readonly el: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly errBox: HTMLElement;
  private readonly countEl: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsEl: HTMLElement;
  private readonly emptyEl: HTMLElement;
  private readonly detail: DetailPane;
  private readonly split: HTMLElement;
  private pool: HTMLElement[] = [];
  private sbw = -1;

  /** The applied filter, its generation (bumped per apply) and the row count it matched. */
  private filter: string | null = null;
  private gen = 0;
  private count = 0;
  private total = 0;
  private pages = new Map<number, PacketRow[]>();
  private inflight = new Set<number>();
  private wanted = new Set<number>();
  private fetchTimer = 0;
  private sel = -1;
  private selNo = -1;
  private pendingPacket: number | undefined;
  private applying: Promise<boolean> | null = null;
  private readonly draw = rafThrottle(() => this.render());

  constructor(private readonly ctx: Ctx) {
    this.input = h("input", {
      type: "text", class: "filter-input", testid: "filter-input", spellcheck: "false", autocomplete: "off",
      placeholder: "Display filter (-Y syntax), e.g. ip.addr == 172.18.0.0/16 && tcp.flags.syn — Enter applies", "aria-label": "Display filter",
    });
    this.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        this.submit();
      } else if (e.key === "Escape") {
        this.input.value = this.filter ?? "";
        this.input.blur();
        this.setError(null);
      }
    });
    this.errBox = h("div", { class: "filter-error", testid: "filter-error", hidden: true, role: "alert" });
    this.countEl = h("span", { class: "count", testid: "packet-count" });
    const head = h("div", { class: "prow phead", role: "row" }, COLS.map((c) => h("span", { role: "columnheader" }, c)));
    this.spacer = h("div", { class: "vt-spacer" });
    this.rowsEl = h("div", { class: "vt-rows", role: "rowgroup" });
    this.emptyEl = h("div", { class: "vt-empty", hidden: true });
    this.scroller = h("div", { class: "vt-scroll", tabindex: 0, testid: "packet-table", role: "grid", "aria-label": "Packets" }, this.spacer, this.rowsEl, this.emptyEl);
    this.scroller.addEventListener("scroll", this.draw, { passive: true });
    this.rowsEl.addEventListener("click", (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>(".prow");
      if (!row || row.dataset.no === undefined) return;
      const idx = Number(row.dataset.idx);
      this.select(idx, Number(row.dataset.no));
      update({ view: "packets", packet: Number(row.dataset.no) });
    });
    this.detail = new DetailPane(ctx, () => update({ packet: undefined }));
    this.detail.el.hidden = true;
    const splitter = h("div", { class: "splitter", title: "Drag to resize", role: "separator" });
    this.split = h("div", { class: "split" }, h("div", { class: "ptable" }, head, this.scroller), splitter, this.detail.el);
    this.dragSplitter(splitter);
    this.el = h("section", { class: "view view-packets" },
      h("div", { class: "toolbar" },
        h("div", { class: "filterbox" }, this.input,
          h("button", { class: "btn primary", onclick: () => this.submit() }, "Apply"),
          h("button", { class: "btn", onclick: () => { this.input.value = ""; this.submit(); } }, "Clear")),
        this.countEl),
      this.errBox, this.split);
    new ResizeObserver(this.draw).observe(this.scroller);
  }

  /** The "/" shortcut. */
  focusFilter(): void {
    this.input.focus();
    this.input.select();
  }

  private submit(): void {
    const f = this.input.value.trim();
    // The hash holds the filter asked for (even a bad one): re-apply when it is already there, else navigate.
    if (f === current().filter) {
      void this.apply(f, true);
      return;
    }
    update({ view: "packets", filter: f, packet: undefined });
  }

  show(s: HashState): void {
    if (document.activeElement !== this.input || this.filter !== s.filter) this.input.value = s.filter;
    this.pendingPacket = s.packet;
    if (s.packet === undefined) {
      this.detail.el.hidden = true;
      this.detail.reset();
      this.split.classList.remove("with-detail");
    }
    if (this.filter !== s.filter) {
      this.applying = this.apply(s.filter, false);
    } else if (!this.errBox.hidden) {
      // Back to the filter that is applied (after a bad one): the table already shows it.
      this.setError(null);
    }
    void this.afterApply(s.packet);
  }

  private async afterApply(packet: number | undefined): Promise<void> {
    if (this.applying) await this.applying;
    if (packet === undefined || packet !== this.pendingPacket) return;
    this.detail.el.hidden = false;
    this.split.classList.add("with-detail");
    void this.detail.open(packet);
    if (packet === this.selNo && this.sel >= 0) {
      this.ensureVisible(this.sel, false);
      return;
    }
    try {
      const idx = await this.ctx.src.indexOf(this.filter ?? "", packet);
      if (packet !== this.pendingPacket) return;
      if (idx >= 0) {
        this.select(idx, packet);
        this.ensureVisible(idx, true);
      } else this.select(-1, packet);
    } catch {
      /* the detail pane shows what went wrong */
    }
  }

  /** Applies a filter: fetches its first page (count + rows). False when the filter is bad (the old rows stay). */
  private async apply(filter: string, force: boolean): Promise<boolean> {
    if (!force && filter === this.filter) return true;
    const gen = ++this.gen;
    this.countEl.textContent = filter ? "Filtering…" : "Loading…";
    this.countEl.classList.add("busy");
    try {
      const page = await this.ctx.src.packets(filter, 0, PAGE);
      if (gen !== this.gen) return false;
      this.setError(null);
      this.filter = filter;
      this.pages = new Map([[0, page.rows]]);
      this.inflight.clear();
      this.count = page.matched;
      this.total = page.total;
      this.sel = -1;
      this.selNo = -1;
      this.scroller.scrollTop = 0;
      this.countEl.textContent = filter ? `Displayed: ${num(page.matched)} of ${num(page.total)}` : `Packets: ${num(page.total)}`;
      this.countEl.dataset.matched = String(page.matched);
      this.countEl.dataset.total = String(page.total);
      this.emptyEl.hidden = page.matched > 0;
      this.emptyEl.textContent = page.total === 0 ? "This capture has no packets." : "No packet matches this filter.";
      this.layout();
      this.render();
      return true;
    } catch (e) {
      if (gen !== this.gen) return false;
      this.countEl.textContent = this.filter === null ? "" : this.filter ? `Displayed: ${num(this.count)} of ${num(this.total)}` : `Packets: ${num(this.total)}`;
      if (e instanceof FilterFailure) this.setError(e);
      else this.setError({ filter, column: -1, message: errText(e) });
      return false;
    } finally {
      if (gen === this.gen) this.countEl.classList.remove("busy");
    }
  }

  private setError(e: { filter: string; column: number; message: string } | null): void {
    clear(this.errBox);
    this.input.classList.toggle("bad", !!e);
    if (!e) {
      this.errBox.hidden = true;
      this.input.classList.toggle("good", !!this.filter);
      return;
    }
    this.input.classList.remove("good");
    this.errBox.hidden = false;
    this.errBox.append(h("div", { class: "msg" }, e.message));
    if (e.column >= 0) this.errBox.append(h("pre", { class: "caret" }, `${e.filter}\n${" ".repeat(e.column)}^`));
  }

  private dragSplitter(sp: HTMLElement): void {
    sp.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      sp.setPointerCapture(e.pointerId);
      const startY = e.clientY;
      const startH = this.detail.el.getBoundingClientRect().height;
      const move = (ev: PointerEvent): void => {
        const hgt = Math.max(120, Math.min(this.split.clientHeight - 120, startH - (ev.clientY - startY)));
        this.split.style.setProperty("--detail-h", `${hgt}px`);
      };
      const up = (): void => {
        sp.removeEventListener("pointermove", move);
        sp.removeEventListener("pointerup", up);
      };
      sp.addEventListener("pointermove", move);
      sp.addEventListener("pointerup", up);
    });
  }

  // ---- virtual scrolling -------------------------------------------------------------------------------------

  private layout(): void {
    this.spacer.style.height = `${Math.min(this.count * ROW_H, MAX_PX)}px`;
  }

  /** First row (fractional) at the top of the viewport. */
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

  private ensureVisible(idx: number, center: boolean): void {
    const rowsInView = this.scroller.clientHeight / ROW_H;
    const p = this.position();
    if (center && (idx < p || idx + 1 > p + rowsInView)) this.scrollToPosition(idx - rowsInView / 2 + 0.5);
    else if (idx < p) this.scrollToPosition(idx);
    else if (idx + 1 > p + rowsInView) this.scrollToPosition(idx + 1 - rowsInView);
    this.render();
  }

  private rowAt(idx: number): PacketRow | undefined {
    return this.pages.get(Math.floor(idx / PAGE))?.[idx % PAGE];
  }

  private render(): void {
    const viewH = this.scroller.clientHeight;
    // Header columns line up with the rows: pad it by the scrollbar's width (0 with overlay scrollbars).
    const sbw = this.scroller.offsetWidth - this.scroller.clientWidth;
    if (sbw !== this.sbw) {
      this.sbw = sbw;
      this.split.style.setProperty("--sbw", `${sbw}px`);
    }
    const n = Math.min(this.count, Math.ceil(viewH / ROW_H) + 1);
    const p = this.position();
    const first = Math.floor(p);
    const frac = p - first;
    while (this.pool.length < n) {
      const r = h("div", { class: "prow", role: "row", testid: "packet-row" }, COLS.map(() => h("span", { role: "gridcell" })));
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
          el.removeAttribute("data-no");
        }
        continue;
      }
      el.hidden = false;
      const row = this.rowAt(idx);
      el.dataset.idx = String(idx);
      if (!row) {
        missing.add(Math.floor(idx / PAGE));
        el.removeAttribute("data-no");
        el.className = "prow loading";
        const c = el.children;
        c[0].textContent = String(idx + 1);
        for (let i = 1; i < c.length; i++) c[i].textContent = i === 7 ? "…" : "";
        continue;
      }
      if (el.dataset.no !== String(row.no) || el.dataset.gen !== String(this.gen)) {
        el.dataset.no = String(row.no);
        el.dataset.gen = String(this.gen);
        const c = el.children;
        c[0].textContent = String(row.no);
        c[1].textContent = secs(row.time);
        c[2].textContent = row.src;
        c[3].textContent = row.dst;
        c[4].textContent = row.protocol;
        c[5].textContent = String(row.length);
        c[6].textContent = row.where;
        c[7].textContent = row.drop ? `[DROP ${row.drop}] ${row.info}` : row.info;
        el.title = row.drop ? `Dropped: ${row.drop}` : "";
      }
      el.className = `prow${row.drop ? " drop" : ""}${idx === this.sel ? " sel" : ""} p-${row.protocol.toLowerCase().replace(/[^a-z0-9]/g, "")}`;
    }
    if (missing.size) this.want(missing);
  }

  /** Fetches missing pages shortly after scrolling settles (a fast scroll through 1 M rows asks only for where it stops). */
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
    const filter = this.filter ?? "";
    this.inflight.add(pg);
    try {
      const page = await this.ctx.src.packets(filter, pg * PAGE, PAGE);
      if (gen !== this.gen) return;
      if (this.pages.size >= MAX_PAGES) {
        // Drop the page farthest from this one.
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

  private async loadRow(idx: number): Promise<PacketRow | undefined> {
    const r = this.rowAt(idx);
    if (r) return r;
    await this.fetchPage(Math.floor(idx / PAGE));
    return this.rowAt(idx);
  }

  private select(idx: number, no: number): void {
    this.sel = idx;
    this.selNo = no;
    for (const el of this.pool) el.classList.toggle("sel", el.dataset.idx === String(idx) && !el.hidden);
  }

  private async move(to: number): Promise<void> {
    if (this.count === 0) return;
    const idx = Math.max(0, Math.min(this.count - 1, to));
    const row = await this.loadRow(idx);
    if (!row) return;
    this.select(idx, row.no);
    this.ensureVisible(idx, false);
    if (!this.detail.el.hidden) update({ packet: row.no }, true);
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
      case "Enter":
        if (this.selNo >= 0) update({ view: "packets", packet: this.selNo });
        return true;
      case "Escape":
        if (!this.detail.el.hidden) update({ packet: undefined });
        return true;
    }
    return false;
  }
}
