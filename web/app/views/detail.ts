/** Packet detail: collapsible layer tree, capture metadata, hex + ASCII dump with the selected node's bytes highlighted. */
import type { PacketDetail, TreeNodeView } from "../../../src/web/api.js";
import type { Ctx } from "../app.js";
import { errText } from "../app.js";
import { nodes, h, clear, fromHex, num, secs } from "../dom.js";
import { formatHash } from "../router.js";

export class DetailPane {
  readonly el: HTMLElement;
  private readonly head: HTMLElement;
  private readonly tree: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly hex: HTMLElement;
  private hexSpans: HTMLElement[] = [];
  private ascSpans: HTMLElement[] = [];
  private lit: [number, number] = [0, 0];
  private selNode: HTMLElement | null = null;
  private nodes: { el: HTMLElement; n: TreeNodeView; depth: number }[] = [];
  private no = -1;
  private seq = 0;

  constructor(private readonly ctx: Ctx, onClose: () => void) {
    this.head = h("div", { class: "detail-title" });
    this.tree = h("div", { class: "tree", role: "tree" });
    this.meta = h("dl", { class: "meta" });
    this.hex = h("div", { class: "hex", testid: "hex-view" });
    this.el = h("div", { class: "detail", testid: "packet-detail" },
      h("div", { class: "detail-head" }, this.head, h("button", { class: "icon", title: "Close (Esc)", "aria-label": "Close detail", onclick: onClose }, "✕")),
      h("div", { class: "detail-body" },
        h("div", { class: "detail-left" }, this.tree, h("details", { class: "meta-box", open: true }, h("summary", null, "Capture metadata"), this.meta)),
        this.hex));
    this.hex.addEventListener("click", (e) => {
      const t = e.target as HTMLElement;
      const i = t.dataset.i;
      if (i !== undefined) this.selectByte(Number(i));
    });
  }

  get current(): number {
    return this.no;
  }

  async open(no: number): Promise<void> {
    if (no === this.no) return;
    this.no = no;
    const seq = ++this.seq;
    this.head.textContent = `Packet ${num(no)} …`;
    let d: PacketDetail;
    try {
      d = await this.ctx.src.packet(no);
    } catch (e) {
      if (seq !== this.seq) return;
      this.head.textContent = `Packet ${num(no)}: ${errText(e)}`;
      clear(this.tree);
      clear(this.meta);
      clear(this.hex);
      return;
    }
    if (seq !== this.seq) return;
    this.render(d);
  }

  reset(): void {
    this.no = -1;
    this.seq++;
  }

  private render(d: PacketDetail): void {
    const r = d.row;
    const b = fromHex(d.hex);
    clear(this.head);
    this.head.append(...nodes(
      h("b", null, `Packet ${num(r.no)}`),
      h("span", { class: "muted" }, ` · ${secs(r.time)} s · ${num(b.length)} bytes captured, ${num(d.originalLength)} on the wire · ${r.where}`),
      r.journey !== undefined ? h("a", { class: "chip", href: formatHash({ view: "journey", journey: r.journey }), testid: "journey-link" }, `journey ${r.journey}`) : null,
      r.drop ? h("span", { class: "chip chip-drop" }, `✕ dropped: ${r.drop}`) : null,
    ));
    clear(this.meta);
    for (const m of d.meta) this.meta.append(h("dt", null, m.label), h("dd", null, m.value));
    this.renderTree(d.tree);
    this.renderHex(b);
  }

  private renderTree(roots: TreeNodeView[]): void {
    clear(this.tree);
    this.nodes = [];
    this.selNode = null;
    const build = (n: TreeNodeView, depth: number): HTMLElement => {
      const hasKids = !!n.children && n.children.length > 0;
      const tw = h("span", { class: hasKids ? "tw" : "tw leaf", "aria-hidden": "true" });
      const row = h("div", { class: "tn", testid: "tree-node", role: "treeitem", tabindex: -1, title: n.length > 0 ? `bytes ${n.start}–${n.start + n.length - 1} (${n.length})` : "" }, tw, h("span", { class: "tl" }, n.label));
      row.style.paddingLeft = `${depth * 14 + 4}px`;
      const li = h("div", { class: hasKids ? "tg" : "tg leafg" }, row);
      this.nodes.push({ el: row, n, depth });
      let kids: HTMLElement | null = null;
      if (hasKids) {
        kids = h("div", { class: "tk" }, n.children!.map((c) => build(c, depth + 1)));
        li.append(kids);
        li.classList.add("closed");
        tw.addEventListener("click", (e) => {
          e.stopPropagation();
          li.classList.toggle("closed");
        });
      }
      row.addEventListener("click", () => {
        li.classList.remove("closed");
        this.selectNode(row, n);
      });
      return li;
    };
    for (const n of roots) this.tree.append(build(n, 0));
  }

  private selectNode(row: HTMLElement, n: TreeNodeView): void {
    this.selNode?.classList.remove("sel");
    row.classList.add("sel");
    this.selNode = row;
    this.highlight(n.start, n.length);
  }

  /** Selects the innermost tree node covering byte i (hex click) and opens its ancestors. */
  private selectByte(i: number): void {
    let best: { el: HTMLElement; n: TreeNodeView; depth: number } | undefined;
    for (const x of this.nodes) {
      if (x.n.length > 0 && i >= x.n.start && i < x.n.start + x.n.length && (!best || x.depth >= best.depth)) best = x;
    }
    if (!best) return;
    for (let p = best.el.parentElement; p && p !== this.tree; p = p.parentElement) p.classList.remove("closed");
    this.selectNode(best.el, best.n);
    best.el.scrollIntoView({ block: "nearest" });
  }

  private highlight(start: number, length: number): void {
    const [a, b] = this.lit;
    for (let i = a; i < b; i++) {
      this.hexSpans[i]?.classList.remove("hex-hl");
      this.hexSpans[i]?.removeAttribute("data-selected");
      this.ascSpans[i]?.classList.remove("hex-hl");
    }
    const end = Math.min(this.hexSpans.length, start + length);
    for (let i = Math.max(0, start); i < end; i++) {
      this.hexSpans[i].classList.add("hex-hl");
      this.hexSpans[i].setAttribute("data-selected", "true");
      this.ascSpans[i].classList.add("hex-hl");
    }
    this.lit = [Math.max(0, start), end];
    if (end > start) this.hexSpans[Math.max(0, start)]?.scrollIntoView({ block: "nearest" });
  }

  private renderHex(b: Uint8Array): void {
    clear(this.hex);
    this.hexSpans = [];
    this.ascSpans = [];
    this.lit = [0, 0];
    const frag = document.createDocumentFragment();
    for (let o = 0; o < b.length; o += 16) {
      const hx = h("span", { class: "hx" });
      const as = h("span", { class: "as" });
      for (let i = o; i < Math.min(o + 16, b.length); i++) {
        const c = b[i];
        const x = h("span", { "data-i": i, testid: "hex-byte", "data-offset": i }, (c < 16 ? "0" : "") + c.toString(16));
        const y = h("span", { "data-i": i }, c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "·");
        if (i - o === 8) hx.append(" ");
        hx.append(x);
        as.append(y);
        this.hexSpans.push(x);
        this.ascSpans.push(y);
      }
      frag.append(h("div", { class: "hl" }, h("span", { class: "off" }, o.toString(16).padStart(4, "0")), hx, as));
    }
    if (b.length === 0) frag.append(h("div", { class: "muted" }, "no captured bytes"));
    this.hex.append(frag);
  }
}
