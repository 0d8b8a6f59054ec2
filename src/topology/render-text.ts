/** Text rendering of a Topology: switch → ports → NIC → container / host vNIC / external NIC, then the lists. */
import type { Owner, TopoNic, TopoPort, TopoSwitch, Topology } from "./types.js";

const KIND_TEXT: Record<string, string> = {
  "container-vnic": "container vNIC", "host-vnic": "host vNIC", external: "external (uplink)", vm: "VM NIC", unknown: "NIC",
};

function kv(parts: [string, string | number | undefined | null | false][]): string {
  return parts
    .filter(([, v]) => v !== undefined && v !== null && v !== "" && v !== false)
    .map(([k, v]) => (k ? `${k} ${v}` : String(v)))
    .join("  ");
}

const q = (s: string | undefined): string | undefined => (s === undefined ? undefined : `"${s}"`);
const braces = (s: string | undefined): string | undefined => (s === undefined ? undefined : `{${s}}`);
const short = (id: string | undefined): string | undefined => (id && id.length === 64 ? id.slice(0, 12) : id);

function ownerText(o: Owner): string {
  const what = o.kind === "container" || o.kind === "endpoint" ? "container" : o.kind === "host-vnic" ? "host vNIC" : o.kind === "external-nic" ? "external NIC" : o.kind;
  const extra = kv([
    ["compartment", o.compartment],
    ["endpoint", o.endpointId],
  ]);
  const alt = o.alternatives?.length ? `; or ${o.alternatives.join(", ")}` : "";
  return `= ${what} ${o.label}${extra ? "  " + extra : ""}  [matched by ${o.matchedBy} ${o.via}, ${o.confidence}${alt}]`;
}

function portLines(p: TopoPort, t: Topology): string[] {
  const comp = p.component !== undefined ? t.components.find((c) => c.id === p.component) : undefined;
  const head = kv([
    ["", p.portId !== undefined ? `port ${p.portId}` : comp ? `pktmon ${comp.typeName} ${comp.id}` : "port"],
    ["", q(p.portFriendlyName)],
    ["", braces(p.port)],
    ["", KIND_TEXT[p.kind]],
    ["packets", p.packets || undefined],
  ]);
  const nic = kv([
    ["NIC", q(p.nicFriendlyName) ?? braces(p.nic) ?? "?"],
    ["", p.nicFriendlyName ? braces(p.nic) : undefined],
    ["type", p.nicType],
    ["MAC", p.mac],
    ["IP", p.ips.join(", ")],
    ["ifIndex", p.ifIndex],
    ["compartment", p.compartment],
    ["VM", p.vmName],
  ]);
  const lines = [head, `  ${nic}`];
  if (p.adapter) lines.push(`  adapter ${q(p.adapter)}${nicAdapter(p, t)}`);
  if (p.mirrors) lines.push(`  MAC of host adapter ${q(p.mirrors)} (mirrored networking)`);
  if (p.owner) lines.push(`  ${ownerText(p.owner)}`);
  return lines;
}

function nicAdapter(p: TopoPort, t: Topology): string {
  const n = t.nics.find((x) => x.ifIndex !== undefined && x.ifIndex === p.ifIndex);
  return n?.driver ? ` (${n.driver})` : "";
}

function switchHead(s: TopoSwitch): string {
  return `vSwitch ${kv([
    ["", s.name],
    ["", s.id && s.id !== s.name ? braces(s.id) : undefined],
    ["", s.type ? `${s.type}${s.typeFrom === "inferred" ? " (inferred)" : ""}` : undefined],
    ["ifIndex", s.ifIndex],
    ["packets", s.packets || undefined],
    ["network", s.network ? `${s.network.name}${s.network.driver ? ` (${s.network.driver})` : ""} [matched by ${s.network.matchedBy} ${s.network.via}, ${s.network.confidence}]` : undefined],
  ])}`;
}

function nicLine(n: TopoNic): string {
  return kv([
    ["ifIndex", n.ifIndex],
    ["", /^ifIndex \d+$/.test(n.name) ? undefined : q(n.name)],
    ["", n.kind],
    ["driver", n.driver],
    ["MAC", n.mac],
    ["IP", n.ips.join(", ")],
    ["compartment", n.compartment],
    ["port of", n.port?.switch],
    ["VF of ifIndex", n.vfOf],
    ["packets", n.packets || undefined],
  ]) + (n.owner && !n.port ? `  ${ownerText(n.owner)}` : "");
}

export function renderTopologyText(t: Topology): string {
  const L: string[] = [];
  const from = [t.flavour.vmswitch && "VmSwitch events / NDIS 1003", t.flavour.ndis && "NDIS packet capture", t.flavour.pktmon && `pktmon (${t.stats.pktmonComponents} components)`].filter(Boolean);
  L.push(`Topology${t.file ? ` of ${t.file}` : ""}`);
  L.push(`  from ${from.length ? from.join(", ") : "no network events"}; ${t.stats.packets} packet sightings`);
  if (t.inventory) L.push(`  host state: ${t.inventory.sources} file(s), ${t.inventory.matched} join(s)`);
  L.push("");
  if (t.switches.length === 0) L.push("No vSwitch in this capture.", "");
  for (const s of t.switches) {
    L.push(switchHead(s));
    if (s.extensions.length) L.push(`│  extensions: ${s.extensions.join(", ")}`);
    s.ports.forEach((p, i) => {
      const last = i === s.ports.length - 1;
      const lines = portLines(p, t);
      L.push(`${last ? "└─" : "├─"} ${lines[0]}`);
      for (const l of lines.slice(1)) L.push(`${last ? "  " : "│ "} ${l}`);
    });
    if (s.ports.length === 0) L.push("└─ (no ports seen)");
    L.push("");
  }
  const shown = t.nics.filter((n) => n.kind !== "wan" && n.kind !== "virtual");
  const hidden = t.nics.length - shown.length;
  if (t.nics.length) {
    L.push(`Host adapters (${t.nics.length})`);
    for (const n of shown) L.push(`  ${nicLine(n)}`);
    if (hidden) L.push(`  … and ${hidden} WAN/virtual adapter(s) (--format json lists them)`);
    L.push("");
  }
  if (t.networks.length) {
    L.push(`Networks (${t.networks.length})`);
    for (const n of t.networks) {
      L.push(
        "  " +
          kv([
            ["", n.name],
            ["driver", n.driver],
            ["subnet", n.subnets.join(", ")],
            ["gateway", n.gateway],
            ["vSwitch", n.vSwitch],
            ["", n.origin === "trace" ? "(from the switch name)" : n.inTrace ? `[switch ${n.inTrace.switch}, matched by ${n.inTrace.matchedBy}]` : "(not in the capture)"],
          ]),
      );
    }
    L.push("");
  }
  if (t.containers.length) {
    L.push(`Containers (${t.containers.length})`);
    for (const c of t.containers) {
      L.push(
        "  " +
          kv([
            ["", c.name ?? (c.id ? `id ${short(c.id)}` : "(unnamed)")],
            ["id", c.name ? short(c.id) : undefined],
            ["network", c.network],
            ["compartment", c.compartment],
            ["endpoint", c.endpoint],
            ["vNIC", c.vNic],
            ["MAC", c.mac],
            ["IP", c.ip],
            ["", c.inTrace ? `[switch ${c.inTrace.switch}, matched by ${c.inTrace.matchedBy} ${c.inTrace.via}]` : c.origin === "trace" ? `[switch ${c.switch}, trace only]` : "(not in the capture)"],
          ]),
      );
    }
    L.push("");
  }
  if (t.hostVnics.length) {
    L.push(`Host vNICs (${t.hostVnics.length})`);
    for (const h of t.hostVnics) {
      L.push("  " + kv([["", h.name], ["MAC", h.mac], ["IP", h.ips.join(", ")], ["ifIndex", h.ifIndex], ["compartment", h.compartment], ["network", h.network], ["switch", h.switch], ["", h.inTrace ? `[matched by ${h.inTrace.matchedBy} ${h.inTrace.via}]` : h.origin === "trace" ? "[trace only]" : "(not in the capture)"]]));
    }
    L.push("");
  }
  if (t.externalNics.length) {
    L.push(`External NICs (${t.externalNics.length})`);
    for (const x of t.externalNics) {
      L.push("  " + kv([["", x.name], ["", q(x.description)], ["MAC", x.mac], ["IP", x.ips.join(", ")], ["ifIndex", /^ifIndex \d+$/.test(x.name) ? undefined : x.ifIndex], ["switch", x.switch], ["", x.inTrace ? `[matched by ${x.inTrace.matchedBy} ${x.inTrace.via}]` : x.origin === "trace" ? "[trace only]" : "(not in the capture)"]]));
    }
    L.push("");
  }
  const names = t.names.filter((n) => n.type !== "component" && n.type !== "ifindex");
  if (names.length) {
    L.push(`Trace names (${names.length}; --format json adds pktmon components and interface indexes)`);
    for (const n of names) L.push(`  ${n.name} → ${n.is}`);
    L.push("");
  }
  const away = t.addresses.filter((a) => !a.on);
  if (away.length) {
    L.push(`Other MACs seen in packets (${away.length})`);
    for (const a of away.slice(0, 10)) L.push("  " + kv([["", a.mac], ["IP", a.ips.join(", ")], ["also sent from", a.otherIps.slice(0, 4).join(", ") + (a.otherIps.length > 4 ? ", …" : "")], ["packets", a.packets]]));
    if (away.length > 10) L.push(`  … ${away.length - 10} more`);
    L.push("");
  }
  const notes = [...t.notes, ...(t.inventory?.notes ?? [])];
  if (notes.length) {
    L.push(`Notes (${notes.length})`);
    for (const n of notes) L.push(`  ${n}`);
    L.push("");
  }
  return L.join("\n").replace(/\n+$/, "\n");
}
