/**
 * VirtualTable: the virtualized list under the Packets and Journeys tabs. Fixed row height; only the rows in the
 * viewport exist in the DOM (a pool of row elements, repainted as they scroll); rows come in pages fetched on
 * demand (shortly after scrolling settles) and cached (the farthest page goes first); lists taller than browsers
 * allow an element to be are scrolled with a scaled scroll position; keyboard ↑/↓/PgUp/PgDn/Home/End move the
 * selection, Enter activates it.
 *
 * DOM: `el` = div.ptable holding the header row and the scroller (`data-testid` = opts.testid); every row element
 * is div.prow (+ opts.rowClass) with `data-testid` = opts.rowTestid, `data-idx` = its index in the list and
 * `data-<keyAttr>` = rowKey(row) once its row is loaded (absent while loading or hidden). The scrollbar's width is
 * set as `--sbw` on `el` (the header pads by it).
 */
import { h, rafThrottle } from "./dom.js";

/** Tallest scroll area used (browsers cap element heights near 17–33 M px); beyond it scrolling is scaled. */
const MAX_PX = 15_000_000;

export interface VirtualTableOptions<Row> {
  /** Column headers; every row has one cell (span) per column. */
  columns: readonly string[];
  /** Extra classes of the wrapper (besides "ptable") and of the header and every row (besides "prow"). */
  tableClass?: string;
  rowClass?: string;
  /** `data-testid` of the scroller and of each row element; the scroller's aria-label. */
  testid: string;
  rowTestid: string;
  label: string;
  /** The dataset key carrying a painted row's key ("no" → data-no). */
  keyAttr: string;
  rowKey(row: Row): number | string;
  rowHeight?: number;
  pageSize?: number;
  /** Pages kept in the cache. */
  maxPages?: number;
  /** Rows pageIndex × pageSize … of the current list (as set by reset). */
  fetchPage(pageIndex: number): Promise<Row[]>;
  /** Milliseconds to wait after scrolling before fetching missing pages. */
  fetchDelay?(): number;
  /** Paints a row's cells (only when the element shows another row, or after a reset). */
  fill(cells: HTMLCollection, row: Row, el: HTMLElement): void;
  /** Paints a row whose page is not there yet. */
  fillLoading(cells: HTMLCollection, idx: number): void;
  /** Classes added to a painted row (each with a leading space); the table adds " sel". */
  classes?(row: Row): string;
  /** A click on a loaded row, or Enter on the selected row. */
  onActivate?(row: Row, idx: number): void;
  /** The keyboard moved the selection to this row. */
  onMove?(row: Row, idx: number): void;
}

export class VirtualTable<Row> {
  /** The table: header + scroller. */
  readonly el: HTMLElement;
  readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsEl: HTMLElement;
  private readonly emptyEl: HTMLElement;
  private readonly rowH: number;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly rowBase: string;
  private pool: HTMLElement[] = [];
  private sbw = -1;

  /** Generation of the list (bumped per reset), its row count and cached pages. */
  private gen = 0;
  private n = 0;
  private pages = new Map<number, Row[]>();
  private inflight = new Set<number>();
  private wanted = new Set<number>();
  private fetchTimer = 0;
  private sel = -1;
  private selRow: Row | undefined;
  private readonly draw = rafThrottle(() => this.render());

  constructor(private readonly opts: VirtualTableOptions<Row>) {
    this.rowH = opts.rowHeight ?? 22;
    this.pageSize = opts.pageSize ?? 200;
    this.maxPages = opts.maxPages ?? 64;
    this.rowBase = `prow${opts.rowClass ? ` ${opts.rowClass}` : ""}`;
    const head = h("div", { class: `${this.rowBase} phead`, role: "row" }, opts.columns.map((c) => h("span", { role: "columnheader" }, c)));
    this.spacer = h("div", { class: "vt-spacer" });
    this.rowsEl = h("div", { class: "vt-rows", role: "rowgroup" });
    this.emptyEl = h("div", { class: "vt-empty", hidden: true });
    this.scroller = h("div", { class: "vt-scroll", tabindex: 0, testid: opts.testid, role: "grid", "aria-label": opts.label }, this.spacer, this.rowsEl, this.emptyEl);
    this.scroller.addEventListener("scroll", this.draw, { passive: true });
    this.rowsEl.addEventListener("click", (e) => {
      const el = (e.target as HTMLElement).closest<HTMLElement>(".prow");
      if (!el || el.dataset[opts.keyAttr] === undefined) return;
      const idx = Number(el.dataset.idx);
      const row = this.rowAt(idx);
      if (row) opts.onActivate?.(row, idx);
    });
    this.el = h("div", { class: `ptable${opts.tableClass ? ` ${opts.tableClass}` : ""}` }, head, this.scroller);
    new ResizeObserver(this.draw).observe(this.scroller);
  }

  /** Rows in the list. */
  get count(): number {
    return this.n;
  }

  /** Index of the selected row (-1: none) and the row itself (kept even when its page leaves the cache). */
  get selected(): number {
    return this.sel;
  }

  get selectedRow(): Row | undefined {
    return this.sel >= 0 ? (this.selRow ?? this.rowAt(this.sel)) : undefined;
  }

  /** A new list: `count` rows, the first page given; scrolls to the top, clears the selection. */
  reset(first: Row[], count: number, emptyText: string): void {
    this.gen++;
    this.pages = new Map([[0, first]]);
    this.inflight.clear();
    this.n = count;
    this.sel = -1;
    this.selRow = undefined;
    this.scroller.scrollTop = 0;
    this.emptyEl.hidden = count > 0;
    this.emptyEl.textContent = emptyText;
    this.spacer.style.height = `${Math.min(count * this.rowH, MAX_PX)}px`;
    this.render();
  }

  /** First row (fractional) at the top of the viewport. */
  private position(): number {
    const viewH = this.scroller.clientHeight;
    const maxScroll = this.spacer.offsetHeight - viewH;
    const maxFirst = this.n - viewH / this.rowH;
    if (maxScroll <= 0 || maxFirst <= 0) return 0;
    return (this.scroller.scrollTop / maxScroll) * maxFirst;
  }

  private scrollToPosition(p: number): void {
    const viewH = this.scroller.clientHeight;
    const maxScroll = this.spacer.offsetHeight - viewH;
    const maxFirst = this.n - viewH / this.rowH;
    if (maxScroll <= 0 || maxFirst <= 0) return;
    this.scroller.scrollTop = (Math.max(0, Math.min(maxFirst, p)) / maxFirst) * maxScroll;
  }

  /** Scrolls row `idx` into view (to the middle of it when `center` and it is out of view). */
  ensureVisible(idx: number, center: boolean): void {
    const rowsInView = this.scroller.clientHeight / this.rowH;
    const p = this.position();
    if (center && (idx < p || idx + 1 > p + rowsInView)) this.scrollToPosition(idx - rowsInView / 2 + 0.5);
    else if (idx < p) this.scrollToPosition(idx);
    else if (idx + 1 > p + rowsInView) this.scrollToPosition(idx + 1 - rowsInView);
    this.render();
  }

  rowAt(idx: number): Row | undefined {
    return this.pages.get(Math.floor(idx / this.pageSize))?.[idx % this.pageSize];
  }

  private render(): void {
    const viewH = this.scroller.clientHeight;
    // Header columns line up with the rows: pad it by the scrollbar's width (0 with overlay scrollbars).
    const sbw = this.scroller.offsetWidth - this.scroller.clientWidth;
    if (sbw !== this.sbw) {
      this.sbw = sbw;
      this.el.style.setProperty("--sbw", `${sbw}px`);
    }
    const { opts, rowH, pageSize } = this;
    const key = opts.keyAttr;
    const n = Math.min(this.n, Math.ceil(viewH / rowH) + 1);
    const p = this.position();
    const first = Math.floor(p);
    const frac = p - first;
    while (this.pool.length < n) {
      const r = h("div", { class: this.rowBase, role: "row", testid: opts.rowTestid }, opts.columns.map(() => h("span", { role: "gridcell" })));
      this.pool.push(r);
      this.rowsEl.append(r);
    }
    this.rowsEl.style.transform = `translateY(${this.scroller.scrollTop - frac * rowH}px)`;
    const gen = String(this.gen);
    const missing = new Set<number>();
    for (let k = 0; k < this.pool.length; k++) {
      const el = this.pool[k];
      const idx = first + k;
      if (k >= n || idx >= this.n) {
        if (!el.hidden) {
          el.hidden = true;
          delete el.dataset[key];
        }
        continue;
      }
      el.hidden = false;
      el.dataset.idx = String(idx);
      const row = this.rowAt(idx);
      if (!row) {
        missing.add(Math.floor(idx / pageSize));
        delete el.dataset[key];
        el.className = `${this.rowBase} loading`;
        opts.fillLoading(el.children, idx);
        continue;
      }
      const rk = String(opts.rowKey(row));
      if (el.dataset[key] !== rk || el.dataset.gen !== gen) {
        el.dataset[key] = rk;
        el.dataset.gen = gen;
        opts.fill(el.children, row, el);
      }
      el.className = `${this.rowBase}${opts.classes?.(row) ?? ""}${idx === this.sel ? " sel" : ""}`;
    }
    if (missing.size) this.want(missing);
  }

  /** Fetches missing pages shortly after scrolling settles (a fast scroll through 1 M rows asks only for where it stops). */
  private want(pages: Set<number>): void {
    this.wanted = pages;
    clearTimeout(this.fetchTimer);
    this.fetchTimer = window.setTimeout(() => {
      for (const pg of this.wanted) void this.fetchPage(pg);
    }, this.opts.fetchDelay?.() ?? 0);
  }

  private async fetchPage(pg: number): Promise<void> {
    if (this.pages.has(pg) || this.inflight.has(pg)) return;
    const gen = this.gen;
    this.inflight.add(pg);
    try {
      const rows = await this.opts.fetchPage(pg);
      if (gen !== this.gen) return;
      if (this.pages.size >= this.maxPages) {
        // Drop the page farthest from this one.
        let far = -1;
        for (const k of this.pages.keys()) if (far < 0 || Math.abs(k - pg) > Math.abs(far - pg)) far = k;
        this.pages.delete(far);
      }
      this.pages.set(pg, rows);
      this.draw();
    } catch {
      /* shown as loading rows; the next scroll asks again */
    } finally {
      if (gen === this.gen) this.inflight.delete(pg);
    }
  }

  /** Row `idx`, fetching its page when needed (undefined when that fails). */
  async loadRow(idx: number): Promise<Row | undefined> {
    const r = this.rowAt(idx);
    if (r) return r;
    await this.fetchPage(Math.floor(idx / this.pageSize));
    return this.rowAt(idx);
  }

  /** Selects row `idx` (-1: none); `row`, when given, is kept for selectedRow (else the cached row is used). */
  select(idx: number, row?: Row): void {
    this.sel = idx;
    this.selRow = idx >= 0 ? row : undefined;
    const s = String(idx);
    for (const el of this.pool) el.classList.toggle("sel", el.dataset.idx === s && !el.hidden);
  }

  private async move(to: number): Promise<void> {
    if (this.n === 0) return;
    const idx = Math.max(0, Math.min(this.n - 1, to));
    const row = await this.loadRow(idx);
    if (!row) return;
    this.select(idx, row);
    this.ensureVisible(idx, false);
    this.opts.onMove?.(row, idx);
  }

  /** ↑/↓/PgUp/PgDn/Home/End move the selection (from the top of the viewport when none), Enter activates it. */
  key(e: KeyboardEvent): boolean {
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / this.rowH) - 1);
    const from = this.sel >= 0 ? this.sel : Math.ceil(this.position()) - 1;
    switch (e.key) {
      case "ArrowDown": void this.move(from + 1); return true;
      case "ArrowUp": void this.move(this.sel >= 0 ? from - 1 : from + 1); return true;
      case "PageDown": void this.move(from + page); return true;
      case "PageUp": void this.move(from - page); return true;
      case "Home": void this.move(0); return true;
      case "End": void this.move(this.n - 1); return true;
      case "Enter": {
        const r = this.selectedRow;
        if (r) this.opts.onActivate?.(r, this.sel);
        return true;
      }
    }
    return false;
  }
}
