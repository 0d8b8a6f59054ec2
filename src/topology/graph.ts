/**
 * The topology as a graph in four columns — containers (and VMs) → their vNICs → vSwitch ports → host vNIC /
 * external NIC — one row per port, grouped by switch; host adapters that are not switch ports in a last group.
 * Both pictures (Graphviz DOT and the self-laid-out SVG) draw this graph, so they show the same nodes and labels.
 * Nodes are coloured by network driver (nat, transparent, l2bridge, overlay, …), or per network when the driver is
 * unknown.
 */
import type { TopoNic, TopoPort, TopoSwitch, Topology } from "./types.js";

export type NodeKind = "switch" | "port" | "container" | "vm" | "vnic" | "host-vnic" | "external-nic" | "adapter";

export interface GraphNode {
  id: string;
  /** Main label (the name). */
  label: string;
  /** Secondary lines: MAC, IP, ifIndex, ids. */
  details: string[];
  kind: NodeKind;
  /** 0 containers, 1 vNICs, 2 switch ports, 3 host vNIC / external NIC. */
  column: 0 | 1 | 2 | 3;
  /** Group (switch) index, or -1 for host adapters. */
  group: number;
  /** Row within the group. */
  row: number;
  network?: string;
  color: string;
}

export interface GraphEdge {
  from: string;
  to: string;
}

export interface GraphGroup {
  id: string;
  label: string;
  details: string[];
  color: string;
  rows: number;
  /** The switch node of the group (absent for the host adapters group). */
  node?: string;
}

export interface TopoGraph {
  title: string;
  groups: GraphGroup[];
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Network → colour, for a legend. */
  legend: { label: string; color: string }[];
}

const DRIVER_COLORS: Record<string, string> = {
  nat: "#cfe2f3", ics: "#c9daf8", transparent: "#d9ead3", l2bridge: "#fff2cc", l2tunnel: "#fce5cd", overlay: "#ead1dc",
  internal: "#d0e0e3", private: "#eeeeee",
};
const PALETTE = ["#f4cccc", "#d9d2e9", "#b6d7a8", "#ffe599", "#a2c4c9", "#f9cb9c", "#b4a7d6", "#d5a6bd"];
const NEUTRAL = "#f3f3f3";

function groupTint(hex: string): string {
  // Halfway to white: the switch box behind its nodes.
  const n = parseInt(hex.slice(1), 16);
  const mix = (c: number): number => Math.round(c + (255 - c) * 0.6);
  const r = mix(n >> 16);
  const g = mix((n >> 8) & 255);
  const b = mix(n & 255);
  return `#${((r << 16) | (g << 8) | b).toString(16).padStart(6, "0")}`;
}

const trim = (parts: (string | undefined | false)[]): string[] => parts.filter((x): x is string => typeof x === "string" && x !== "");
const short = (id: string | undefined): string | undefined => (id && id.length === 64 ? id.slice(0, 12) : id);

export function topologyGraph(t: Topology): TopoGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const groups: GraphGroup[] = [];
  const legend: { label: string; color: string }[] = [];
  const netColor = new Map<string, string>();
  const colorFor = (network: string | undefined, driver: string | undefined): string => {
    if (!network) return NEUTRAL;
    let c = netColor.get(network);
    if (!c) {
      const d = driver?.toLowerCase();
      c = (d && DRIVER_COLORS[d]) || PALETTE[netColor.size % PALETTE.length];
      netColor.set(network, c);
      legend.push({ label: `${network}${driver ? ` (${driver})` : ""}`, color: c });
    }
    return c;
  };
  const driverOf = (name: string | undefined): string | undefined => (name ? t.networks.find((n) => n.name === name)?.driver : undefined);

  t.switches.forEach((sw, gi) => {
    const net = sw.network?.name ?? sw.friendlyName ?? sw.name;
    const color = colorFor(net, sw.network?.driver ?? driverOf(net));
    const swId = `s${gi}`;
    groups.push({
      id: `cluster_s${gi}`,
      label: `vSwitch ${sw.name}`,
      details: trim([
        [sw.type, sw.ifIndex !== undefined ? `ifIndex ${sw.ifIndex}` : undefined].filter(Boolean).join(", "),
        sw.network ? `network ${sw.network.name}${sw.network.driver ? ` (${sw.network.driver})` : ""}` : undefined,
        sw.extensions.length ? `extensions: ${sw.extensions.join(", ")}` : undefined,
      ]),
      color: groupTint(color),
      rows: Math.max(1, sw.ports.length),
      node: swId,
    });
    nodes.push({ id: swId, label: `vSwitch ${sw.name}`, details: trim([sw.id && sw.id !== sw.name ? sw.id : undefined, sw.type]), kind: "switch", column: 2, group: gi, row: -1, network: net, color });
    sw.ports.forEach((p, row) => addPort(sw, p, gi, row, swId, color, net));
  });

  function addPort(sw: TopoSwitch, p: TopoPort, gi: number, row: number, swId: string, swColor: string, swNet: string): void {
    const id = `s${gi}p${row}`;
    const ownerNet = p.owner?.network;
    const network = ownerNet ?? swNet;
    const color = ownerNet ? colorFor(ownerNet, driverOf(ownerNet)) : swColor;
    nodes.push({
      id, kind: "port", column: 2, group: gi, row, network, color,
      label: p.portFriendlyName ?? (p.portId !== undefined ? `port ${p.portId}` : p.component !== undefined ? `pktmon ${t.components.find((c) => c.id === p.component)?.typeName ?? "component"} ${p.component}` : `port ${row + 1}`),
      details: trim([p.port, p.portId !== undefined && p.portFriendlyName ? `port id ${p.portId}` : undefined, p.component !== undefined && p.portFriendlyName ? `pktmon component ${p.component}` : undefined, p.component !== undefined && !p.portFriendlyName ? p.nicFriendlyName : undefined]),
    });
    edges.push({ from: id, to: swId });
    const nicDetails = trim([p.nic && p.nic !== p.nicFriendlyName ? p.nic : undefined, p.mac && `MAC ${p.mac}`, p.ips.length ? `IP ${p.ips.join(", ")}` : undefined, p.ifIndex !== undefined ? `ifIndex ${p.ifIndex}` : undefined]);
    if (p.kind === "container-vnic" || p.kind === "vm" || p.kind === "unknown") {
      const vnic = `s${gi}p${row}n`;
      const label = p.nicFriendlyName ?? p.adapter ?? p.nic ?? "vNIC";
      nodes.push({ id: vnic, kind: "vnic", column: 1, group: gi, row, network, color, label, details: p.adapter && p.adapter !== label ? [p.adapter, ...nicDetails] : nicDetails });
      edges.push({ from: vnic, to: id });
      if (p.kind !== "unknown") {
        const o = p.owner;
        const isCt = p.kind === "container-vnic";
        const name = isCt
          ? o?.container ?? (o && (o.kind === "container" || o.kind === "endpoint") ? o.label : undefined) ?? (p.nicFriendlyName && /^[0-9a-f]{12,64}$/i.test(p.nicFriendlyName) ? `container ${p.nicFriendlyName}` : p.compartment !== undefined ? `container in compartment ${p.compartment}` : `container (${p.nicFriendlyName ?? p.adapter ?? "?"})`)
          : p.vmName ?? o?.label ?? `VM ${p.nic?.split("--")[0] ?? p.nicFriendlyName ?? "?"}`;
        const ct = t.containers.find((c) => c.inTrace?.switch === sw.name && c.inTrace.port === row) ?? t.containers.find((c) => c.switch === sw.name && c.port !== undefined && c.port === p.port);
        const cid = `s${gi}p${row}c`;
        nodes.push({
          id: cid, kind: isCt ? "container" : "vm", column: 0, group: gi, row, network, color, label: name,
          details: trim([ct?.id && ct.name ? `id ${short(ct.id)}` : undefined, (ct?.compartment ?? p.compartment) !== undefined && !name.includes("compartment") ? `compartment ${ct?.compartment ?? p.compartment}` : undefined, ct?.endpoint ? `endpoint ${ct.endpoint}` : undefined, p.mirrors ? `mirrors ${p.mirrors}` : undefined]),
        });
        edges.push({ from: cid, to: vnic });
      }
    } else {
      const hid = `s${gi}p${row}h`;
      const isExt = p.kind === "external";
      const adapter = t.nics.find((n) => n.port?.switch === sw.name && n.port.index === row);
      const label = p.owner?.label ?? (isExt ? adapter && !/^ifIndex \d+$/.test(adapter.name) ? adapter.name : p.nicFriendlyName ?? "uplink" : p.adapter ?? `host vNIC ${p.nicFriendlyName ?? ""}`.trim());
      nodes.push({
        id: hid, kind: isExt ? "external-nic" : "host-vnic", column: 3, group: gi, row, network, color, label,
        details: trim([p.nicFriendlyName && p.nicFriendlyName !== label ? `NIC ${p.nicFriendlyName}` : undefined, ...nicDetails.filter((d) => d !== p.nic)]),
      });
      edges.push({ from: id, to: hid });
    }
  }

  const others = t.nics.filter((n) => !n.port && (n.kind === "physical" || n.kind === "host-vnic" || n.kind === "container-vnic" || (n.kind === "unknown" && (n.mac || n.packets))));
  if (others.length) {
    const gi = -1;
    groups.push({ id: "cluster_host", label: "Host adapters (not vSwitch ports)", details: [], color: "#fafafa", rows: others.length });
    others.forEach((n: TopoNic, row) => {
      const network = n.owner?.network;
      nodes.push({
        id: `a${row}`, kind: n.kind === "physical" || n.owner?.kind === "external-nic" ? "external-nic" : n.kind === "container-vnic" ? "vnic" : n.kind === "host-vnic" ? "host-vnic" : "adapter",
        column: 3, group: gi, row, network, color: network ? colorFor(network, driverOf(network)) : NEUTRAL,
        label: n.owner?.label ?? n.name,
        details: trim([n.owner && n.owner.label !== n.name ? n.name : undefined, n.mac && `MAC ${n.mac}`, n.ips.length ? `IP ${n.ips.join(", ")}` : undefined, n.ifIndex !== undefined && !/^ifIndex /.test(n.name) ? `ifIndex ${n.ifIndex}` : undefined, n.compartment !== undefined && n.compartment !== 1 ? `compartment ${n.compartment}` : undefined]),
      });
    });
  }
  return { title: `Topology${t.file ? ` of ${t.file.split(/[\\/]/).pop()}` : ""}`, groups, nodes, edges, legend };
}

// ---------------------------------------------------------------------------------------------------------------
// Graphviz DOT

function dotString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}

const SHAPES: Record<NodeKind, string> = {
  switch: "box3d", port: "box", container: "box", vm: "box", vnic: "box", "host-vnic": "box", "external-nic": "box", adapter: "box",
};
const STYLES: Record<NodeKind, string> = {
  switch: "filled,bold", port: "filled", container: "rounded,filled,bold", vm: "rounded,filled", vnic: "rounded,filled", "host-vnic": "rounded,filled", "external-nic": "filled,bold", adapter: "rounded,filled,dashed",
};

/** Graphviz DOT: one cluster per switch, columns by rank (rankdir LR), nodes filled by network colour. */
export function topologyDot(t: Topology, g: TopoGraph = topologyGraph(t)): string {
  const L: string[] = [];
  L.push("digraph topology {");
  L.push(`  graph [rankdir=LR, fontname="Helvetica", fontsize=12, labelloc=t, label=${dotString(g.title)}, nodesep=0.25, ranksep=0.6];`);
  L.push('  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, fillcolor="#f3f3f3"];');
  L.push('  edge [arrowsize=0.6, color="#555555"];');
  const nodeLine = (n: GraphNode, indent: string): string =>
    `${indent}${n.id} [label=${dotString([n.label, ...n.details].join("\n"))}, shape=${SHAPES[n.kind]}, style=${dotString(STYLES[n.kind])}, fillcolor=${dotString(n.color)}];`;
  g.groups.forEach((gr, gi) => {
    const idx = gr.id === "cluster_host" ? -1 : gi;
    L.push(`  subgraph ${gr.id} {`);
    L.push(`    label=${dotString([gr.label, ...gr.details].join("\n"))}; style="rounded,filled"; fillcolor=${dotString(gr.color)}; color="#888888";`);
    for (const n of g.nodes) if (n.group === idx && (n.column === 2 || idx === -1)) L.push(nodeLine(n, "    "));
    L.push("  }");
  });
  for (const n of g.nodes) if (n.group !== -1 && n.column !== 2) L.push(nodeLine(n, "  "));
  // A port belongs to its switch by sitting in the switch's cluster: no port → switch edges (they only tangle).
  const switches = new Set(g.nodes.filter((n) => n.kind === "switch").map((n) => n.id));
  for (const e of g.edges) if (!switches.has(e.to)) L.push(`  ${e.from} -> ${e.to};`);
  L.push("}");
  return L.join("\n") + "\n";
}
