/**
 * Packets: display filter box, a virtualized table (VirtualTable: fixed row height; only the rows in the viewport
 * exist in the DOM; pages fetched on demand and cached) and the packet detail split below it.
 */
import type { PacketRow } from "../../../src/web/api.js";
import type { Ctx, View } from "../app.js";
import { errText } from "../app.js";
import { h, clear, num, secs } from "../dom.js";
import { FilterFailure } from "../data/source.js";
import type { HashState } from "../router.js";
import { current, update } from "../router.js";
import { VirtualTable } from "../vtable.js";
import { DetailPane } from "./detail.js";

const PAGE = 200;
const COLS = ["No.", "Time", "Source", "Destination", "Protocol", "Length", "Where", "Info"] as const;

export class PacketsView implements View {
  readonly el: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly errBox: HTMLElement;
  private readonly countEl: HTMLElement;
  private readonly table: VirtualTable<PacketRow>;
  private readonly detail: DetailPane;
  private readonly split: HTMLElement;

  /** The applied filter, its generation (bumped per apply) and the row count it matched. */
  private filter: string | null = null;
  private gen = 0;
  private count = 0;
  private total = 0;
  private pendingPacket: number | undefined;
  private applying: Promise<boolean> | null = null;

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
    this.table = new VirtualTable<PacketRow>({
      columns: COLS, testid: "packet-table", rowTestid: "packet-row", label: "Packets", keyAttr: "no", pageSize: PAGE,
      rowKey: (row) => row.no,
      fetchPage: async (pg) => (await ctx.src.packets(this.filter ?? "", pg * PAGE, PAGE)).rows,
      fetchDelay: () => (ctx.src.kind === "embedded" ? 0 : 40),
      fill: fillRow,
      fillLoading: (c, idx) => {
        c[0].textContent = String(idx + 1);
        for (let i = 1; i < c.length; i++) c[i].textContent = i === 7 ? "…" : "";
      },
      classes: (row) => `${row.drop ? " drop" : ""} p-${row.protocol.toLowerCase().replace(/[^a-z0-9]/g, "")}`,
      onActivate: (row, idx) => {
        this.table.select(idx, row);
        update({ view: "packets", packet: row.no });
      },
      // The keyboard moves the open detail along.
      onMove: (row) => {
        if (!this.detail.el.hidden) update({ packet: row.no }, true);
      },
    });
    this.detail = new DetailPane(ctx, () => update({ packet: undefined }));
    this.detail.el.hidden = true;
    const splitter = h("div", { class: "splitter", title: "Drag to resize", role: "separator" });
    this.split = h("div", { class: "split" }, this.table.el, splitter, this.detail.el);
    this.dragSplitter(splitter);
    this.el = h("section", { class: "view view-packets" },
      h("div", { class: "toolbar" },
        h("div", { class: "filterbox" }, this.input,
          h("button", { class: "btn primary", onclick: () => this.submit() }, "Apply"),
          h("button", { class: "btn", onclick: () => { this.input.value = ""; this.submit(); } }, "Clear")),
        this.countEl),
      this.errBox, this.split);
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
    if (this.table.selectedRow?.no === packet) {
      this.table.ensureVisible(this.table.selected, false);
      return;
    }
    try {
      const idx = await this.ctx.src.indexOf(this.filter ?? "", packet);
      if (packet !== this.pendingPacket) return;
      if (idx >= 0) {
        this.table.select(idx);
        this.table.ensureVisible(idx, true);
      } else this.table.select(-1);
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
      this.count = page.matched;
      this.total = page.total;
      this.countEl.textContent = filter ? `Displayed: ${num(page.matched)} of ${num(page.total)}` : `Packets: ${num(page.total)}`;
      this.countEl.dataset.matched = String(page.matched);
      this.countEl.dataset.total = String(page.total);
      this.table.reset(page.rows, page.matched, page.total === 0 ? "This capture has no packets." : "No packet matches this filter.");
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

  key(e: KeyboardEvent): boolean {
    if (e.key === "Escape") {
      if (!this.detail.el.hidden) update({ packet: undefined });
      return true;
    }
    return this.table.key(e);
  }
}

function fillRow(c: HTMLCollection, row: PacketRow, el: HTMLElement): void {
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
