/**
 * Topology graph: hand-laid SVG in columns (containers/VMs → vNICs/ports → vSwitches → host vNICs/NICs → remote),
 * rows ordered by the neighbours' positions (two barycentre sweeps), nodes coloured by network (driver colours
 * when known) with a legend. Clicking a node opens the packets its `filter` selects.
 * Tests drive it through data-testid="topo-node" data-id=… or window.__wnv.topology.clickNode(id).
 */
import type { TopologyView } from "../../../src/web/api.js";
import type { Ctx, View } from "../app.js";
import { fetchInto } from "../app.js";
import { h, s, ColorMap } from "../dom.js";
import { update } from "../router.js";

type Node = TopologyView["graph"]["nodes"][number];

const COLUMN: Record<string, number> = {
  container: 0, vm: 0, vnic: 1, port: 1, nic: 1, network: 2, switch: 2, vfp: 2, component: 2, "host-vnic": 3, adapter: 3,
  "external-nic": 3, remote: 4,
};
const KIND_LABEL: Record<string, string> = {
  container: "container", vm: "VM", vnic: "vNIC", port: "port", nic: "NIC", switch: "vSwitch", network: "network", "host-vnic": "host vNIC",
  "external-nic": "external NIC", adapter: "adapter", remote: "remote", component: "component",
};
const NODE_W = 190;
const NODE_H = 42;
const COL_GAP = 90;
const ROW_GAP = 14;

declare global {
  interface Window {
    __wnv?: { topology?: { nodes: string[]; clickNode(id: string): void } };
  }
}

export class TopologyView_ implements View {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private loaded = false;

  constructor(private readonly ctx: Ctx) {
    this.body = h("div", { class: "topo-body" });
    this.el = h("section", { class: "view view-topology" }, this.body);
  }

  show(): void {
    if (this.loaded) return;
    this.loaded = true;
    void this.load();
  }

  private async load(): Promise<void> {
    const t = await fetchInto(this.body, "Topology", () => this.ctx.src.topology());
    if (t) this.render(t);
    else this.loaded = false;
  }

  private clickNode(n: Node): void {
    if (n.filter) update({ view: "packets", filter: n.filter, packet: undefined });
  }

  private render(t: TopologyView): void {
    const { nodes, edges } = t.graph;
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const adj = new Map<string, string[]>();
    for (const e of edges) {
      if (!byId.has(e.source) || !byId.has(e.target)) continue;
      (adj.get(e.source) ?? adj.set(e.source, []).get(e.source)!).push(e.target);
      (adj.get(e.target) ?? adj.set(e.target, []).get(e.target)!).push(e.source);
    }
    // Columns: by kind; unknown kinds one right of their leftmost known neighbour.
    const col = new Map<string, number>();
    for (const n of nodes) if (COLUMN[n.kind] !== undefined) col.set(n.id, COLUMN[n.kind]);
    for (let pass = 0; pass < 3; pass++) {
      for (const n of nodes) {
        if (col.has(n.id)) continue;
        const c = (adj.get(n.id) ?? []).map((m) => col.get(m)).filter((x): x is number => x !== undefined);
        if (c.length || pass === 2) col.set(n.id, c.length ? Math.min(...c) + 1 : 2);
      }
    }
    const used = [...new Set(col.values())].sort((a, b) => a - b);
    const colIx = new Map(used.map((c, i) => [c, i]));
    const columns: Node[][] = used.map(() => []);
    for (const n of nodes) columns[colIx.get(col.get(n.id)!)!].push(n);
    // Order: by network then label, then barycentre sweeps (right to left and back).
    const colors = new ColorMap();
    for (const n of nodes) if (n.network) colors.get(n.network, n.driver);
    const pos = new Map<string, number>();
    for (const c of columns) {
      c.sort((a, b) => (a.network ?? "~").localeCompare(b.network ?? "~") || a.label.localeCompare(b.label));
      c.forEach((n, i) => pos.set(n.id, i));
    }
    const sweep = (order: number[]): void => {
      for (const ci of order) {
        const c = columns[ci];
        const bc = (n: Node): number => {
          const ns = (adj.get(n.id) ?? []).filter((m) => colIx.get(col.get(m)!) !== ci).map((m) => pos.get(m)!);
          return ns.length ? ns.reduce((a, b) => a + b, 0) / ns.length : pos.get(n.id)!;
        };
        const keyed = c.map((n) => [bc(n), n] as const);
        keyed.sort((a, b) => a[0] - b[0]);
        keyed.forEach(([, n], i) => {
          c[i] = n;
          pos.set(n.id, i);
        });
      }
    };
    const all = columns.map((_, i) => i);
    const switchCol = colIx.get(2);
    sweep(all.filter((i) => i !== switchCol));
    sweep([...all].reverse());
    sweep(all);

    const xy = new Map<string, { x: number; y: number }>();
    const boxes: { x: number; y: number; w: number; h: number; label: string; color: string }[] = [];
    const colX = (ci: number): number => 20 + ci * (NODE_W + COL_GAP);
    let width: number;
    let height: number;
    let colTitles: [number, string][];
    const TITLES = ["Containers / VMs", "vNICs", "vSwitches / ports", "Host vNICs / NICs", "Remote"];
    if (nodes.length && nodes.every((n) => n.column !== undefined && n.group !== undefined && n.row !== undefined)) {
      // The server's layout (src/topology/graph.ts): a box per switch, the switch on its header row, one row per port.
      const groupIds = [...new Set(nodes.map((n) => n.group!))].sort((a, b) => (a < 0 ? 1e9 : a) - (b < 0 ? 1e9 : b));
      const usedCols = [...new Set(nodes.map((n) => n.column!))].sort((a, b) => a - b);
      const cx = new Map(usedCols.map((c, i) => [c, i]));
      const ncols = usedCols.length;
      let y = 44;
      for (const gid of groupIds) {
        const members = nodes.filter((n) => n.group === gid);
        const rows = Math.max(0, ...members.map((n) => n.row! + 1));
        const hasHeader = members.some((n) => n.row! < 0);
        const top = y;
        const info = t.graph.groups?.[gid];
        if (gid >= 0 || members.length) y += 22;
        for (const n of members) {
          const r = n.row! < 0 ? 0 : n.row! + (hasHeader ? 1 : 0);
          xy.set(n.id, { x: colX(cx.get(n.column!)!), y: y + r * (NODE_H + ROW_GAP) });
        }
        y += (rows + (hasHeader ? 1 : 0)) * (NODE_H + ROW_GAP);
        boxes.push({ x: 8, y: top, w: ncols * (NODE_W + COL_GAP) - COL_GAP + 24, h: y - top + 2, label: gid < 0 ? "Host adapters" : info ? [info.label, ...info.details].join(" · ") : `group ${gid}`, color: members.find((n) => n.network)?.network ? colors.get(members.find((n) => n.network)!.network!) : "var(--neutral)" });
        y += 16;
      }
      width = 40 + ncols * (NODE_W + COL_GAP) - COL_GAP;
      height = y + 8;
      colTitles = usedCols.map((c, i) => [colX(i) + NODE_W / 2, TITLES[c] ?? ""]);
    } else {
      const maxRows = Math.max(1, ...columns.map((c) => c.length));
      const totalH = maxRows * (NODE_H + ROW_GAP);
      columns.forEach((c, ci) => {
        const colH = c.length * (NODE_H + ROW_GAP);
        const y0 = 50 + (totalH - colH) / 2;
        c.forEach((n, i) => xy.set(n.id, { x: colX(ci), y: y0 + i * (NODE_H + ROW_GAP) }));
      });
      width = 40 + columns.length * (NODE_W + COL_GAP) - COL_GAP;
      height = 70 + totalH;
      colTitles = columns.map((_, ci) => [colX(ci) + NODE_W / 2, TITLES[used[ci]] ?? ""]);
    }

    const svg = s("svg", { class: "topo-svg", testid: "topology-graph", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Virtual network topology" });
    for (const [x, text] of colTitles) svg.append(s("text", { x, y: 24, class: "topo-coltitle", "text-anchor": "middle" }, text));
    for (const b of boxes) {
      const g = s("g", { class: "topo-group" });
      g.style.setProperty("--net", b.color);
      g.append(s("rect", { x: b.x, y: b.y, width: b.w, height: b.h, rx: 8, class: "topo-groupbox" }), s("text", { x: b.x + 10, y: b.y + 15, class: "topo-grouplabel" }, b.label));
      svg.append(g);
    }
    for (const e of edges) {
      const a = xy.get(e.source);
      const b = xy.get(e.target);
      if (!a || !b) continue;
      const [l, r] = a.x <= b.x ? [a, b] : [b, a];
      const x1 = l.x + NODE_W, y1 = l.y + NODE_H / 2, x2 = r.x, y2 = r.y + NODE_H / 2;
      const same = l.x === r.x;
      if (same && (byId.get(e.source)?.kind === "switch" || byId.get(e.target)?.kind === "switch")) continue;
      const d = same ? `M${l.x + NODE_W},${y1} C${l.x + NODE_W + 40},${y1} ${l.x + NODE_W + 40},${r.y + NODE_H / 2} ${l.x + NODE_W},${r.y + NODE_H / 2}`
        : `M${x1},${y1} C${x1 + COL_GAP / 2},${y1} ${x2 - COL_GAP / 2},${y2} ${x2},${y2}`;
      svg.append(s("path", { d, class: "topo-edge" }, s("title", null, e.label ?? "")));
      if (e.label && !same) svg.append(s("text", { x: x2 - 6, y: y2 - 5, class: "topo-elabel", "text-anchor": "end" }, e.label));
    }
    for (const n of nodes) {
      const p = xy.get(n.id)!;
      const fill = n.network ? colors.get(n.network, n.driver) : "var(--neutral)";
      const g = s("g", { class: `topo-node kind-${n.kind}${n.filter ? " link" : ""}`, testid: "topo-node", "data-id": n.id, "data-kind": n.kind, transform: `translate(${p.x},${p.y})`, tabindex: n.filter ? 0 : null, role: n.filter ? "button" : null });
      const inner = s("g", { testid: "topology-node", "data-id": n.id, "data-kind": n.kind });
      g.append(inner);
      inner.append(
        s("rect", { width: NODE_W, height: NODE_H, rx: n.kind === "switch" ? 4 : 8, class: "topo-box" }),
        s("rect", { width: 6, height: NODE_H, rx: 2, fill, class: "topo-stripe" }),
        s("text", { x: 14, y: 18, class: "topo-label" }, fit(n.label, 26)),
        s("text", { x: 14, y: 33, class: "topo-kind" }, fit([KIND_LABEL[n.kind] ?? n.kind, n.details?.length ? ` · ${n.details[0]}` : n.network ? ` · ${n.network}` : ""].join(""), 32)),
        s("title", null, `${n.label}\n${KIND_LABEL[n.kind] ?? n.kind}${n.network ? ` on ${n.network}` : ""}${n.details?.length ? `\n${n.details.join("\n")}` : ""}${n.filter ? `\nclick: packets where ${n.filter}` : ""}`),
      );
      g.style.setProperty("--net", fill);
      if (n.filter) {
        g.addEventListener("click", () => this.clickNode(n));
        g.addEventListener("keydown", (e) => {
          if (e.key === "Enter") this.clickNode(n);
        });
      }
      svg.append(g);
    }
    const legend = h("div", { class: "legend", testid: "topo-legend" },
      (colors.entries().map(([net, c]) => {
        const drv = nodes.find((n) => n.network === net && n.driver)?.driver;
        return { label: net + (drv ? ` (${drv})` : ""), color: c };
      })).map((x) => h("span", { class: "legend-item" }, h("i", { style: `background:${x.color}` }), x.label)));
    const topo = t.topology;
    const facts = h("div", { class: "topo-facts muted" },
      `${topo.switches.length} vSwitch${topo.switches.length === 1 ? "" : "es"} · ${topo.switches.reduce((a, x) => a + x.ports.length, 0)} ports · ${topo.containers.length} containers · ${topo.hostVnics.length} host vNICs · ${topo.externalNics.length} external NICs`,
      topo.inventory ? ` · host state: ${topo.inventory.matched} of ${topo.inventory.sources} sources matched` : " · names from the trace alone");
    this.body.append(h("div", { class: "toolbar" }, legend, facts));
    this.body.append(nodes.length ? h("div", { class: "topo-scroll" }, svg) : h("div", { class: "muted pad" }, "No virtual network seen in this capture."));
    if (topo.notes.length) this.body.append(h("ul", { class: "notes" }, topo.notes.map((n) => h("li", null, n))));
    window.__wnv = { ...(window.__wnv ?? {}), topology: { nodes: nodes.map((n) => n.id), clickNode: (id: string) => { const n = byId.get(id); if (n) this.clickNode(n); } } };
  }
}

function fit(t: string, n: number): string {
  return t.length > n ? t.slice(0, n - 1) + "…" : t;
}
