/**
 * Journey diagram (SVG): one lane per place the packet went (container, vSwitch, host vNIC, host NIC), hops as
 * points down the page in order, arrows parent → hop labelled with the latency, rewrites and drops beside each
 * hop, the fate at the bottom. A hop's point opens that hop's packet.
 */
import type { JourneyView } from "../../../src/web/api.js";
import type { Ctx, View } from "../app.js";
import { errorBox, errText } from "../app.js";
import { nodes, h, s, clear, num } from "../dom.js";
import type { HashState } from "../router.js";
import { formatHash, update } from "../router.js";

type Hop = JourneyView["hops"][number];

interface Lane {
  key: string;
  label: string;
  kind: string;
  x: number;
}

const LANE_W = 168;
const LEFT = 16;
const TOP = 64;
const ROW = 58;
const LINE = 15;

const KIND_ORDER: Record<string, number> = { container: 0, vm: 0, switch: 1, vfp: 1, "host-vnic": 2, nic: 3, "external-nic": 3, component: 4 };
const KIND_TEXT: Record<string, string> = {
  "switch-in": "entered the vSwitch", "switch-out": "left the vSwitch", vfp: "VFP", "nic-send": "sent on NIC", "nic-recv": "received on NIC",
  component: "component", drop: "dropped at",
};

function us(ticks: number): string {
  const v = ticks / 10;
  return v >= 1000 ? `+${(v / 1000).toFixed(v >= 10000 ? 1 : 2)} ms` : `+${v.toFixed(v < 10 ? 1 : 0)} µs`;
}

function switchOf(hop: Hop): string {
  return hop.where.switchFriendly ?? hop.where.switchName ?? "?";
}

function placeLabel(hop: Hop): string {
  const w = hop.where;
  return hop.names?.label ?? w.nicFriendly ?? w.nic ?? w.componentName ?? (w.ifIndex !== undefined ? `ifIndex ${w.ifIndex}` : "?");
}

/** The lane a hop is drawn in: vSwitch hops in the switch's lane, the others at their NIC / component. */
function laneOf(hop: Hop): { key: string; label: string; kind: string } {
  if (hop.kind === "switch-in" || hop.kind === "switch-out" || hop.kind === "vfp" || (hop.kind === "drop" && (hop.where.switchName || hop.where.switchFriendly))) {
    return { key: `sw:${switchOf(hop)}`, label: `vSwitch ${switchOf(hop)}`, kind: "switch" };
  }
  const label = placeLabel(hop);
  return { key: `at:${label}`, label, kind: hop.names?.kind ?? (hop.kind.startsWith("nic") ? "nic" : "component") };
}

/** A container/VM at the far end of a vSwitch hop (never a hop itself in netsh captures): drawn as an end point. */
function endpointOf(hop: Hop): { key: string; label: string; kind: string } | null {
  if ((hop.kind !== "switch-in" && hop.kind !== "switch-out") || !hop.names) return null;
  if (hop.names.kind !== "container" && hop.where.nicType !== "Synthetic") return null;
  return { key: `at:${hop.names.label}`, label: hop.names.label, kind: hop.names.kind === "container" ? "container" : "vm" };
}

export class JourneyView_ implements View {
  readonly el: HTMLElement;
  private readonly head: HTMLElement;
  private readonly body: HTMLElement;
  private readonly idInput: HTMLInputElement;
  private id = -1;
  private seq = 0;
  private max = 0;

  constructor(private readonly ctx: Ctx) {
    this.idInput = h("input", { type: "number", min: 1, class: "num-input", "aria-label": "Journey number", testid: "journey-input" });
    this.idInput.addEventListener("change", () => {
      const v = Number(this.idInput.value);
      if (v >= 1) update({ view: "journey", journey: v });
    });
    this.head = h("div", { class: "jhead" });
    this.body = h("div", { class: "jbody" });
    this.el = h("section", { class: "view view-journey" },
      h("div", { class: "toolbar" },
        h("button", { class: "btn", title: "Previous journey ([)", onclick: () => this.step(-1) }, "◀"),
        h("label", { class: "inline" }, "Journey ", this.idInput),
        h("button", { class: "btn", title: "Next journey (])", onclick: () => this.step(1) }, "▶"),
        this.head),
      this.body);
    void ctx.src.overview().then((o) => {
      this.max = o.journeys;
      this.idInput.max = String(o.journeys);
    }, () => {});
  }

  private step(d: number): void {
    const next = (this.id > 0 ? this.id : 0) + d;
    if (next >= 1 && (this.max === 0 || next <= this.max)) update({ view: "journey", journey: next });
  }

  key(e: KeyboardEvent): boolean {
    if (e.key === "[" || e.key === "ArrowLeft") this.step(-1);
    else if (e.key === "]" || e.key === "ArrowRight") this.step(1);
    else return false;
    return true;
  }

  show(st: HashState): void {
    const id = st.journey ?? (this.id > 0 ? this.id : 1);
    if (id === this.id) return;
    this.id = id;
    this.idInput.value = String(id);
    void this.load(id);
  }

  private async load(id: number): Promise<void> {
    const seq = ++this.seq;
    clear(this.head);
    clear(this.body);
    this.body.append(h("div", { class: "muted pad" }, "Loading…"));
    let j: JourneyView;
    try {
      j = await this.ctx.src.journey(id);
    } catch (e) {
      if (seq !== this.seq) return;
      clear(this.body);
      this.body.append(errorBox(`Journey ${id}: ${errText(e)}`));
      return;
    }
    if (seq !== this.seq) return;
    clear(this.body);
    const packets = j.hops.map((x) => x.packet).filter((x): x is number => x !== undefined);
    this.head.append(...nodes(
      h("span", { class: "jsum" }, j.summary),
      h("span", { class: `badge fate-${j.fate.kind}` }, j.fate.kind),
      h("span", { class: "muted" }, `${j.flavor} · ${j.key} · ${j.hops.length} hops · ${us(j.endTicks - j.startTicks).slice(1)}`),
      packets.length ? h("a", { class: "chip", href: formatHash({ view: "packets", filter: `frame.number in {${packets.join(" ")}}` }) }, `${packets.length} packets`) : null,
    ));
    this.body.append(this.diagram(j));
  }

  private diagram(j: JourneyView): HTMLElement {
    // Lanes in a fixed order of kinds, then of first appearance.
    const lanes = new Map<string, Lane>();
    const seen: { key: string; label: string; kind: string; order: number }[] = [];
    const note = (l: { key: string; label: string; kind: string }): void => {
      if (!seen.some((x) => x.key === l.key)) seen.push({ ...l, order: seen.length });
    };
    for (const hop of j.hops) {
      const ep = endpointOf(hop);
      if (ep && hop.kind === "switch-in") note(ep);
      note(laneOf(hop));
      if (ep && hop.kind === "switch-out") note(ep);
    }
    seen.sort((a, b) => (KIND_ORDER[a.kind] ?? 5) - (KIND_ORDER[b.kind] ?? 5) || a.order - b.order);
    seen.forEach((l, i) => lanes.set(l.key, { ...l, x: LEFT + i * LANE_W + LANE_W / 2 }));

    // Rows: an end point before a container's switch-in, one per hop, an end point after a delivered switch-out.
    interface Pt { x: number; y: number; hop?: Hop; endpoint?: string }
    const pts = new Map<number, Pt>();
    const extra: { from: Pt; to: Pt; text: string }[] = [];
    const ends: Pt[] = [];
    const notes: { y: number; lines: { text: string; cls: string }[] }[] = [];
    let y = TOP;
    for (const hop of j.hops) {
      const ep = endpointOf(hop);
      const lane = lanes.get(laneOf(hop).key)!;
      if (ep && hop.kind === "switch-in" && hop.parent < 0) {
        const at = { x: lanes.get(ep.key)!.x, y, endpoint: ep.label };
        ends.push(at);
        y += ROW * 0.8;
        const p = { x: lane.x, y, hop };
        pts.set(hop.index, p);
        extra.push({ from: at, to: p, text: "sent" });
      } else pts.set(hop.index, { x: lane.x, y, hop });
      const lines: { text: string; cls: string }[] = [];
      const w = hop.where;
      const place = hop.kind === "switch-in" ? `from ${placeLabel(hop)}${w.portId !== undefined ? ` (port ${w.portId})` : ""}`
        : hop.kind === "switch-out" ? `to ${placeLabel(hop)}${w.portId !== undefined ? ` (port ${w.portId})` : ""}${hop.delivered ? ", delivered" : ""}`
        : placeLabel(hop);
      lines.push({ text: `${hop.index + 1}. ${KIND_TEXT[hop.kind] ?? hop.kind} ${place}`, cls: "jn-title" });
      const meta = [hop.time.replace(/^.*T/, "").replace(/Z$/, ""), hop.latencyTicks ? us(hop.latencyTicks) : "", `events ${hop.eventIds.join("/")}`, hop.vlan ? `VLAN ${hop.vlan}` : "", hop.packet !== undefined ? `packet ${hop.packet}` : ""].filter(Boolean).join(" · ");
      lines.push({ text: meta, cls: "jn-meta" });
      for (const c of j.rewrites.filter((r) => r.hop === hop.index)) lines.push({ text: `${c.field}: ${c.from} → ${c.to}${c.by ? `  (${c.by})` : ""}`, cls: "jn-rw" });
      if (!j.rewrites.some((r) => r.hop === hop.index)) for (const c of hop.changes) lines.push({ text: `${c.field}: ${c.from} → ${c.to}`, cls: "jn-rw" });
      if (hop.drop) lines.push({ text: `✕ DROPPED: ${hop.drop.reasonName}${hop.drop.side ? ` (${hop.drop.side} side)` : ""}${hop.drop.location ? ` @${hop.drop.location}` : ""}`, cls: "jn-drop" });
      notes.push({ y, lines });
      y += Math.max(ROW, lines.length * LINE + 14);
      if (ep && hop.kind === "switch-out" && hop.delivered) {
        const at = { x: lanes.get(ep.key)!.x, y: y - ROW * 0.35, endpoint: ep.label };
        ends.push(at);
        extra.push({ from: pts.get(hop.index)!, to: at, text: "delivered" });
        y += ROW * 0.3;
      }
    }
    const lanesW = LEFT * 2 + lanes.size * LANE_W;
    const noteX = lanesW + 8;
    const fateY = y + 10;
    const height = fateY + 40;
    const noteW = Math.max(420, ...notes.flatMap((n) => n.lines.map((l) => l.text.length * (l.cls === "jn-meta" || l.cls === "jn-rw" ? 7.2 : 7.8))));
    const width = noteX + noteW;

    const svg = s("svg", { class: "journey-svg", testid: "journey-diagram", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `Journey ${j.id}: ${j.summary}` });
    svg.append(s("defs", null,
      s("marker", { id: "jarrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, s("path", { d: "M0,0 L10,5 L0,10 z", class: "jarrowhead" }))));
    // Lanes.
    for (const l of lanes.values()) {
      const g = s("g", { class: `jlane jlane-${l.kind}`, testid: "journey-lane", "data-kind": l.kind });
      g.append(
        s("rect", { x: l.x - LANE_W / 2 + 6, y: 8, width: LANE_W - 12, height: 34, rx: 6, class: "jlane-box" }),
        s("text", { x: l.x, y: 24, class: "jlane-label", "text-anchor": "middle" }, fit(l.label, 21)),
        s("text", { x: l.x, y: 37, class: "jlane-kind", "text-anchor": "middle" }, l.kind),
        s("line", { x1: l.x, y1: 42, x2: l.x, y2: height - 34, class: "jlane-line" }),
        s("title", null, l.label),
      );
      svg.append(g);
    }
    // Row guides + notes.
    for (const n of notes) {
      svg.append(s("line", { x1: LEFT, y1: n.y, x2: noteX - 6, y2: n.y, class: "jguide" }));
      n.lines.forEach((l, i) => svg.append(s("text", { x: noteX, y: n.y + 4 + i * LINE, class: l.cls }, l.text)));
    }
    // Arrows parent → hop with the latency.
    const arrow = (a: Pt, b: Pt, text: string, cls: string): void => {
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const len = Math.hypot(dx, dy) || 1;
      const r = 8;
      const x1 = a.x + (dx / len) * r, y1 = a.y + (dy / len) * r, x2 = b.x - (dx / len) * (r + 2), y2 = b.y - (dy / len) * (r + 2);
      svg.append(s("line", { x1, y1, x2, y2, class: cls, "marker-end": "url(#jarrow)" }));
      if (text) {
        const mx = (a.x + b.x) / 2 + (dx === 0 ? 8 : 0);
        const my = (a.y + b.y) / 2 - (dx === 0 ? 0 : 5);
        const w = text.length * 6.4 + 6;
        const bx = dx === 0 ? mx - 3 : mx - w / 2;
        svg.append(s("rect", { x: bx, y: my - 6, width: w, height: 14, rx: 3, class: "jlat-bg" }));
        svg.append(s("text", { x: bx + 3, y: my + 4, class: "jlat" }, text));
      }
    };
    for (const hop of j.hops) {
      if (hop.parent < 0) continue;
      const a = pts.get(hop.parent);
      const b = pts.get(hop.index);
      if (a && b) arrow(a, b, us(hop.latencyTicks), "jarrow");
    }
    for (const e of extra) arrow(e.from, e.to, "", "jarrow jarrow-end");
    // End points (containers).
    for (const p of ends) svg.append(s("g", { class: "jend" }, s("rect", { x: p.x - 7, y: p.y - 7, width: 14, height: 14, rx: 3 }), s("title", null, p.endpoint ?? "")));
    // Hop points.
    for (const p of pts.values()) {
      const hop = p.hop!;
      const dropped = hop.kind === "drop" || !!hop.drop;
      const g = s("g", { class: `jhop${dropped ? " jhop-drop" : ""}${hop.packet !== undefined ? " link" : ""}`, testid: "journey-hop", "data-hop": hop.index, "data-packet": hop.packet ?? "" });
      if (dropped) g.append(s("circle", { cx: p.x, cy: p.y, r: 9, class: "jdrop-bg" }), s("path", { d: `M${p.x - 5},${p.y - 5} L${p.x + 5},${p.y + 5} M${p.x + 5},${p.y - 5} L${p.x - 5},${p.y + 5}`, class: "jdrop-x" }));
      else g.append(s("circle", { cx: p.x, cy: p.y, r: 7, class: `jdot jdot-${hop.kind}` }));
      g.append(s("title", null, `${hop.kind} at ${placeLabel(hop)}${hop.packet !== undefined ? ` — click: packet ${hop.packet}` : ""}`));
      if (hop.packet !== undefined) g.addEventListener("click", () => update({ view: "packets", filter: "", packet: hop.packet }));
      svg.append(g);
    }
    // Fate.
    const f = j.fate;
    const fateText = f.kind === "delivered" ? `Delivered${f.location ? ` to ${f.location}` : ""}`
      : f.kind === "dropped" ? `DROPPED${f.reasonName ? `: ${f.reasonName}` : ""}${f.location ? ` at ${f.location}` : ""}`
      : `Unfinished${f.location ? ` after ${f.location}` : ""}`;
    svg.append(s("line", { x1: LEFT, y1: fateY - 14, x2: width - 8, y2: fateY - 14, class: "jfate-rule" }));
    svg.append(s("text", { x: LEFT, y: fateY + 6, class: `jfate jfate-${f.kind}`, testid: "journey-fate" }, fateText));
    const wrap = h("div", { class: "jwrap", testid: "journey-view" }, svg);
    if (f.explanation) wrap.append(h("p", { class: `jexpl jexpl-${f.kind}` }, f.explanation));
    if (j.nbls?.length) wrap.append(h("p", { class: "muted small" }, `NBL ${j.nbls.join(", ")} · ${num(j.hops.length)} hops`));
    return wrap;
  }
}

function fit(t: string, n: number): string {
  return t.length > n ? t.slice(0, n - 1) + "…" : t;
}
