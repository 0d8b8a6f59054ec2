/**
 * SVG picture of the topology, laid out here (no Graphviz): four columns — containers → vNICs → vSwitch ports →
 * host vNIC / external NIC — one band per switch with its ports stacked under the switch, one row per port, and a
 * last band with the host adapters that are not switch ports. Deterministic: the same topology gives the same
 * bytes. Long texts are cut with "…"; every node carries its full text in a <title> (shown on hover).
 */
import type { GraphNode, TopoGraph } from "./graph.js";
import { topologyGraph } from "./graph.js";
import type { Topology } from "./types.js";

const COLW = 240;
const GAP = 56;
const MARGIN = 20;
const PAD = 12;
const LINE = 13;
const MAX_DETAILS = 4;
const COLUMNS = ["Containers / VMs", "vNICs", "vSwitch ports", "Host vNIC / external NIC"];

const colX = (c: number): number => MARGIN + PAD + c * (COLW + GAP);
const WIDTH = MARGIN * 2 + PAD * 2 + 4 * COLW + 3 * GAP;

export function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** Cuts a text to n characters with an ellipsis. */
function fit(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, Math.max(1, n - 1)) + "…";
}

const nodeH = (n: GraphNode): number => 20 + LINE * Math.min(n.details.length, MAX_DETAILS);

interface Placed {
  n: GraphNode;
  x: number;
  y: number;
  h: number;
}

const STROKE: Record<string, string> = {
  switch: "#333333", port: "#666666", container: "#1f4e79", vm: "#4c1130", vnic: "#666666", "host-vnic": "#274e13", "external-nic": "#7f6000", adapter: "#888888",
};

export function topologySvg(t: Topology, g: TopoGraph = topologyGraph(t)): string {
  const out: string[] = [];
  const placed = new Map<string, Placed>();
  const body: string[] = [];
  const edgesSvg: string[] = [];
  let y = 56;

  // Column headings.
  const heads = COLUMNS.map((c, i) => `<text x="${colX(i) + COLW / 2}" y="${y}" text-anchor="middle" class="col">${xmlEscape(c)}</text>`);
  y += 14;

  g.groups.forEach((gr, gi) => {
    const idx = gr.id === "cluster_host" ? -1 : gi;
    const members = g.nodes.filter((n) => n.group === idx);
    const top = y;
    const headLines = [gr.label, ...gr.details];
    const sw = members.find((n) => n.kind === "switch");
    let headH = 10 + 16 + LINE * (headLines.length - 1);
    if (sw) headH = Math.max(headH, nodeH(sw) + 12);
    const rows: Placed[][] = [];
    let ry = top + headH + 6;
    if (idx === -1) {
      // Host adapters: a grid, four per row.
      for (let i = 0; i < members.length; i += 4) {
        const line = members.slice(i, i + 4);
        const h = Math.max(...line.map(nodeH));
        rows.push(line.map((n, k) => ({ n, x: colX(k), y: ry, h })));
        ry += h + 12;
      }
    } else {
      for (let r = 0; r < gr.rows; r++) {
        const line = members.filter((n) => n.row === r);
        if (line.length === 0) continue;
        const h = Math.max(...line.map(nodeH));
        rows.push(line.map((n) => ({ n, x: colX(n.column), y: ry, h })));
        ry += h + 12;
      }
    }
    const bottom = ry + 2;
    body.push(`<g class="group"><title>${xmlEscape(headLines.join("\n"))}</title>`);
    body.push(`<rect x="${MARGIN}" y="${top}" width="${WIDTH - 2 * MARGIN}" height="${bottom - top}" rx="10" fill="${gr.color}" stroke="#999999"/>`);
    headLines.forEach((l, i) => {
      body.push(`<text x="${MARGIN + PAD}" y="${top + 20 + i * LINE}" class="${i === 0 ? "gh" : "gd"}">${xmlEscape(fit(l, i === 0 ? 52 : 70))}</text>`);
    });
    body.push("</g>");
    if (sw) {
      const p: Placed = { n: sw, x: colX(2), y: top + 6, h: nodeH(sw) };
      placed.set(sw.id, p);
      const ports = rows.flat().filter((q) => q.n.kind === "port");
      if (ports.length) {
        const last = ports[ports.length - 1];
        // The switch's bus: behind the port boxes, from the switch down to its last port.
        body.push(`<line x1="${colX(2) + 14}" y1="${p.y + p.h}" x2="${colX(2) + 14}" y2="${last.y + last.h / 2}" class="bus"/>`);
        for (const q of ports) body.push(`<line x1="${colX(2) + 14}" y1="${q.y + q.h / 2}" x2="${colX(2) + 20}" y2="${q.y + q.h / 2}" class="bus"/>`);
      }
      body.push(nodeSvg(p));
    }
    for (const q of rows.flat()) {
      placed.set(q.n.id, q);
      body.push(nodeSvg(q));
    }
    y = bottom + 14;
  });

  for (const e of g.edges) {
    const a = placed.get(e.from);
    const b = placed.get(e.to);
    if (!a || !b || b.n.kind === "switch") continue;
    const x1 = a.x + COLW;
    const y1 = a.y + nodeH(a.n) / 2;
    const x2 = b.x - 2;
    const y2 = b.y + nodeH(b.n) / 2;
    edgesSvg.push(`<path d="M${x1} ${y1} C${x1 + GAP / 2} ${y1} ${x2 - GAP / 2} ${y2} ${x2} ${y2}" class="edge" marker-end="url(#arrow)"/>`);
  }

  // Legend: one swatch per network.
  const legend: string[] = [];
  if (g.legend.length) {
    legend.push(`<text x="${MARGIN}" y="${y + 12}" class="gd">Networks:</text>`);
    let lx = MARGIN + 70;
    let ly = y;
    for (const l of g.legend) {
      const label = fit(l.label, 40);
      const w = 26 + label.length * 6.2;
      if (lx + w > WIDTH - MARGIN) {
        lx = MARGIN + 70;
        ly += 20;
      }
      legend.push(`<rect x="${lx}" y="${ly + 2}" width="14" height="14" rx="3" fill="${l.color}" stroke="#888888"/><text x="${lx + 20}" y="${ly + 13}" class="gd">${xmlEscape(label)}</text>`);
      lx += Math.round(w) + 14;
    }
    y = ly + 30;
  }
  const height = Math.max(y + 10, 120);

  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`);
  out.push(`<title>${xmlEscape(g.title)}</title>`);
  out.push("<defs>");
  out.push('<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#555555"/></marker>');
  out.push(
    "<style>.title{font-size:16px;font-weight:bold}.col{font-size:11px;fill:#666666;font-style:italic}.gh{font-size:13px;font-weight:bold}.gd{font-size:10px;fill:#333333}" +
      ".nl{font-size:11px;font-weight:bold}.nd{font-size:10px;fill:#333333}.edge{fill:none;stroke:#555555;stroke-width:1.2}.bus{stroke:#777777;stroke-width:1.5;stroke-dasharray:4 3}</style>",
  );
  out.push("</defs>");
  out.push(`<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${MARGIN}" y="30" class="title">${xmlEscape(g.title)}</text>`);
  out.push(...heads);
  out.push(...body);
  out.push(...edgesSvg);
  out.push(...legend);
  if (g.nodes.length === 0) out.push(`<text x="${MARGIN}" y="${y + 20}" class="gd">No vSwitch or adapter in this capture.</text>`);
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function nodeSvg(p: Placed): string {
  const n = p.n;
  const h = nodeH(n);
  const dashed = n.kind === "adapter" ? ' stroke-dasharray="4 2"' : "";
  const bold = n.kind === "container" || n.kind === "switch" || n.kind === "external-nic" ? 2 : 1;
  const rx = n.kind === "port" || n.kind === "switch" ? 2 : 8;
  const lines = [`<text x="${p.x + 8}" y="${p.y + 15}" class="nl">${xmlEscape(fit(n.label, 33))}</text>`];
  n.details.slice(0, MAX_DETAILS).forEach((d, i) => {
    const text = i === MAX_DETAILS - 1 && n.details.length > MAX_DETAILS ? `${fit(d, 30)} (+${n.details.length - MAX_DETAILS})` : fit(d, 38);
    lines.push(`<text x="${p.x + 8}" y="${p.y + 15 + LINE * (i + 1)}" class="nd">${xmlEscape(text)}</text>`);
  });
  return (
    `<g class="node ${n.kind}" id="${xmlEscape(n.id)}"><title>${xmlEscape([n.label, ...n.details].join("\n"))}</title>` +
    `<rect x="${p.x}" y="${p.y}" width="${COLW}" height="${h}" rx="${rx}" fill="${n.color}" stroke="${STROKE[n.kind] ?? "#666666"}" stroke-width="${bold}"${dashed}/>` +
    lines.join("") +
    "</g>"
  );
}
