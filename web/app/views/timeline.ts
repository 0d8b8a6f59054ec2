/**
 * Timeline: packets per bin per interface ("where") as small multiples on one time axis. Hover shows the bin's
 * time and every series' value; clicking a bin opens the packets of that time range (frame.time_relative).
 */
import type { Timeline } from "../../../src/web/api.js";
import type { Ctx, View } from "../app.js";
import { fetchInto } from "../app.js";
import { h, s, clear, num, ColorMap, duration } from "../dom.js";
import { update } from "../router.js";

const LABEL_W = 250;
const MAX_SERIES = 16;
const PAD = 6;

export class TimelineView implements View {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private loaded = false;

  constructor(private readonly ctx: Ctx) {
    this.body = h("div", { class: "timeline-body" });
    this.el = h("section", { class: "view view-timeline" }, this.body);
  }

  show(): void {
    if (this.loaded) return;
    this.loaded = true;
    void this.load();
  }

  private async load(): Promise<void> {
    const t = await fetchInto(this.body, "Timeline", () => this.ctx.src.timeline());
    if (t) this.render(t);
    else this.loaded = false;
  }

  private render(t: Timeline): void {
    const bins = Math.max(0, ...t.series.map((x) => x.counts.length));
    let series = [...t.series].sort((a, b) => sum(b.counts) - sum(a.counts));
    if (series.length > MAX_SERIES) {
      // The busiest interfaces, the rest summed in one row.
      const rest = series.slice(MAX_SERIES - 1);
      const counts = new Array<number>(bins).fill(0);
      for (const x of rest) x.counts.forEach((c, i) => (counts[i] += c));
      series = [...series.slice(0, MAX_SERIES - 1), { where: `${rest.length} other places`, counts }];
    }
    const ROW_H = series.length > 8 ? 38 : 46;
    const plotW = Math.max(400, Math.min(1400, (this.body.clientWidth || 1100) - LABEL_W - 40));
    const bw = bins ? plotW / bins : plotW;
    const width = LABEL_W + plotW + 20;
    const height = 28 + series.length * ROW_H + 24;
    const colors = new ColorMap();
    const t0 = t.startTicks / 1e7;
    const svg = s("svg", { class: "timeline-svg", testid: "timeline-chart", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Packets per interface over time" });
    const totals = new Array<number>(bins).fill(0);
    for (const x of series) x.counts.forEach((c, i) => (totals[i] += c));
    series.forEach((x, si) => {
      const y0 = 28 + si * ROW_H;
      const max = Math.max(1, ...x.counts);
      const color = colors.get(x.where);
      const g = s("g", { class: "tl-series", "data-where": x.where });
      g.append(s("text", { x: LABEL_W - 10, y: y0 + ROW_H / 2, class: "tl-label", "text-anchor": "end" }, fit(x.where, 30), s("title", null, x.where)));
      g.append(s("text", { x: LABEL_W - 10, y: y0 + ROW_H / 2 + 13, class: "tl-sub", "text-anchor": "end" }, `${num(sum(x.counts))} pkts · peak ${num(max)}/bin`));
      g.append(s("line", { x1: LABEL_W, y1: y0 + ROW_H - PAD, x2: LABEL_W + plotW, y2: y0 + ROW_H - PAD, class: "tl-axis" }));
      const hgt = ROW_H - PAD * 2;
      let d = "";
      x.counts.forEach((c, i) => {
        if (!c) return;
        const bh = Math.max(1, (c / max) * hgt);
        d += `M${(LABEL_W + i * bw).toFixed(1)},${(y0 + ROW_H - PAD).toFixed(1)}h${Math.max(1, bw - (bw > 3 ? 1 : 0)).toFixed(1)}v${(-bh).toFixed(1)}h${(-Math.max(1, bw - (bw > 3 ? 1 : 0))).toFixed(1)}z`;
      });
      g.append(s("path", { d, fill: color, class: "tl-bars" }));
      svg.append(g);
    });
    // Time axis.
    const axisY = 28 + series.length * ROW_H + 14;
    const span = bins * t.binSeconds;
    const ticks = 6;
    for (let i = 0; i <= ticks; i++) {
      const x = LABEL_W + (plotW * i) / ticks;
      svg.append(s("text", { x, y: axisY, class: "tl-tick", "text-anchor": i === 0 ? "start" : i === ticks ? "end" : "middle" }, `${((span * i) / ticks).toFixed(span < 10 ? 3 : 1)} s`));
    }
    svg.append(s("text", { x: LABEL_W, y: 16, class: "tl-title" }, `packets per ${duration(t.binSeconds)} bin, by where they were seen`));
    // Hover cursor and tooltip.
    const cursor = s("rect", { x: 0, y: 22, width: Math.max(1, bw), height: series.length * ROW_H + 6, class: "tl-cursor", visibility: "hidden" });
    svg.append(cursor);
    const tip = h("div", { class: "tl-tip", hidden: true });
    const hit = s("rect", { x: LABEL_W, y: 22, width: plotW, height: series.length * ROW_H + 6, class: "tl-hit" });
    svg.append(hit);
    const binAt = (ev: MouseEvent): number => {
      const r = svg.getBoundingClientRect();
      const x = ((ev.clientX - r.left) * width) / r.width - LABEL_W;
      return Math.max(0, Math.min(bins - 1, Math.floor(x / bw)));
    };
    hit.addEventListener("mousemove", (ev) => {
      const i = binAt(ev);
      cursor.setAttribute("x", String(LABEL_W + i * bw));
      cursor.setAttribute("visibility", "visible");
      hit.style.cursor = totals[i] ? "pointer" : "crosshair";
      clear(tip);
      const a = i * t.binSeconds;
      tip.append(h("div", { class: "tip-h" }, `${a.toFixed(3)} – ${(a + t.binSeconds).toFixed(3)} s · ${num(totals[i] ?? 0)} packets`));
      for (const x of series) if (x.counts[i]) tip.append(h("div", null, h("i", { style: `background:${colors.get(x.where)}` }), `${x.where}: ${num(x.counts[i])}`));
      tip.append(h("div", { class: "muted small" }, totals[i] ? "click: these packets" : "no packets in this bin"));
      tip.hidden = false;
      const wr = wrap.getBoundingClientRect();
      tip.style.left = `${Math.min(ev.clientX - wr.left + 14, wr.width - 260)}px`;
      tip.style.top = `${ev.clientY - wr.top + 14}px`;
    });
    hit.addEventListener("mouseleave", () => {
      cursor.setAttribute("visibility", "hidden");
      tip.hidden = true;
    });
    hit.addEventListener("click", (ev) => {
      const i = binAt(ev);
      if (!totals[i]) return;
      const a = t0 + i * t.binSeconds;
      const b = a + t.binSeconds;
      update({ view: "packets", filter: `frame.time_relative >= ${a.toFixed(7)} && frame.time_relative < ${b.toFixed(7)}`, packet: undefined });
    });
    const wrap = h("div", { class: "tl-wrap", testid: "timeline" }, svg, tip);
    this.body.append(series.length ? wrap : h("div", { class: "muted pad" }, "No packets to chart."));
  }
}

const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);
function fit(t: string, n: number): string {
  return t.length > n ? t.slice(0, n - 1) + "…" : t;
}
