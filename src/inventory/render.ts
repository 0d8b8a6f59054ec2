/** Text rendering of an Inventory (for `wnvtrace inventory`). */
import type { Inventory, Link } from "./types.js";
import { endpointLabel } from "./join.js";

const short = (id: string | undefined): string => (id ? (id.length === 64 ? id.slice(0, 12) : id) : "");

function via(links: Link[], to: string): string {
  const l = links.find((x) => x.to === to);
  return l ? ` [${l.matchedBy}]` : "";
}

function kv(parts: [string, string | number | undefined | null | false][]): string {
  return parts
    .filter(([, v]) => v !== undefined && v !== null && v !== "" && v !== false)
    .map(([k, v]) => (k ? `${k} ${v}` : String(v)))
    .join("  ");
}

/** Names a trace can carry, with what they belong to. */
export function traceNames(inv: Inventory): { name: string; owner: string }[] {
  const out: { name: string; owner: string }[] = [];
  const add = (name: string | undefined, owner: string): void => {
    if (name && !out.some((x) => x.name === name && x.owner === owner)) out.push({ name, owner });
  };
  for (const s of inv.switches) {
    add(s.name, `switch ${s.name}`);
    add(s.id, `switch ${s.name}`);
  }
  for (const n of inv.networks) {
    if (inv.switches.some((s) => s.name === n.vSwitchName)) continue;
    add(n.vSwitchName, `switch of network ${n.name}`);
    add(n.vSwitchId, `switch of network ${n.name}`);
  }
  for (const e of inv.endpoints) for (const f of e.friendlyNames) add(f, endpointLabel(e));
  for (const h of inv.hostVnics) {
    add(h.alias, `host vNIC ${h.alias}`);
    add(h.portName, `host vNIC ${h.alias}`);
    add(h.portFriendlyName, `host vNIC ${h.alias}`);
  }
  for (const x of inv.externalNics) add(x.name, `external NIC ${x.name}`);
  return out;
}

export function renderInventory(inv: Inventory): string {
  const L: string[] = [];
  L.push(`Networks (${inv.networks.length})`);
  for (const n of inv.networks) {
    L.push(
      "  " +
        kv([
          ["", n.name],
          ["driver", n.driver],
          ["subnets", n.subnets.join(",")],
          ["gateway", n.gateway],
          ["switch", n.vSwitchName ? n.vSwitchName + (n.switchType ? ` (${n.switchType})` : "") + via(n.links, "switch") : undefined],
          ["host vNIC", n.hostVnic ? n.hostVnic + via(n.links, "host-vnic") : undefined],
          ["adapter", n.networkAdapterName],
          ["id", n.id],
          ["docker", n.dockerId ? short(n.dockerId) + via(n.links, "docker-network") : undefined],
          ["vsid", n.vsid],
          ["mgmt", n.managementIp],
        ]),
    );
  }
  L.push("", `Containers (${inv.containers.length})`);
  for (const c of inv.containers) {
    L.push(
      "  " +
        kv([
          ["", c.name ?? short(c.id)],
          ["id", short(c.id)],
          ["isolation", c.isolation],
          ["compartment", c.compartmentId],
          ["networks", c.networks.join(",")],
          ["MAC", c.macs.join(",")],
          ["IP", c.ips.join(",")],
          ["vNIC", c.vNicNames.join(",")],
          ["endpoints", c.endpointIds.join(",")],
        ]),
    );
  }
  L.push("", `Endpoints (${inv.endpoints.length})`);
  for (const e of inv.endpoints) {
    const joins = e.links.map((l) => `${l.to}:${l.matchedBy}`).join(" ");
    L.push(
      "  " +
        kv([
          ["", endpointLabel(e)],
          ["id", e.endpointId],
          ["name", e.endpointName],
          ["MAC", e.mac],
          ["IP", e.ip],
          ["IPv6", e.ipv6],
          ["compartment", e.compartmentId],
          ["vNIC", e.vNicName],
          ["port", e.portName ? e.portName + (e.portFriendlyName ? ` "${e.portFriendlyName}"` : "") : undefined],
          ["state", e.state],
          ["remote", e.isRemote && "yes"],
          ["PA", e.policies.providerAddress],
          ["ports", e.policies.portMappings.map((p) => `${p.externalPort ?? "?"}->${p.internalPort ?? "?"}/${p.protocol ?? "?"}`).join(",")],
          ["ACLs", e.policies.acls.length || undefined],
          ["policies", e.policies.types.join(",")],
          ["joins", joins],
        ]),
    );
  }
  L.push("", `Host vNICs (${inv.hostVnics.length})`);
  for (const h of inv.hostVnics) {
    L.push(
      "  " +
        kv([
          ["", h.alias],
          ["MAC", h.mac],
          ["IP", h.ips.join(",")],
          ["ifIndex", h.ifIndex],
          ["compartment", h.compartmentId],
          ["network", h.networkName ? h.networkName + via(h.links, "network") : undefined],
          ["port", h.portFriendlyName ?? h.portName],
        ]),
    );
  }
  L.push("", `External NICs (${inv.externalNics.length})`);
  for (const x of inv.externalNics) {
    L.push("  " + kv([["", x.name], ["", x.description ? `"${x.description}"` : undefined], ["MAC", x.mac], ["IP", x.ips.join(",")], ["ifIndex", x.ifIndex], ["switch", x.switchName]]));
  }
  L.push("", `Switches (${inv.switches.length})`);
  for (const s of inv.switches) L.push("  " + kv([["", s.name], ["type", s.type], ["id", s.id], ["adapter", s.netAdapter], ["network", s.networkName]]));
  if (inv.loadBalancers.length) {
    L.push("", `Load balancers (${inv.loadBalancers.length})`);
    for (const lb of inv.loadBalancers) L.push("  " + kv([["", lb.id], ["VIPs", lb.vips.join(",")], ["endpoints", lb.endpointIds.join(",")]]));
  }
  if (inv.compartments.length) {
    L.push("", `Compartments (${inv.compartments.length})`);
    for (const c of inv.compartments) L.push("  " + kv([["", String(c.id)], ["", c.active ? "(active)" : undefined], ["adapters", c.adapters.join(", ")], ["endpoints", c.endpointIds.join(",")]]));
  }
  const names = traceNames(inv);
  if (names.length) {
    L.push("", "Trace names");
    for (const n of names) L.push(`  ${n.name} → ${n.owner}`);
  }
  L.push("", `Sources (${inv.sources.length})`);
  for (const s of inv.sources) L.push(`  ${s.path}: ${s.skipped ? `skipped (${s.skipped})` : `${s.formats.join(", ")} — ${s.records} record(s)`}`);
  if (inv.notes.length) {
    L.push("", `Notes (${inv.notes.length})`);
    for (const n of inv.notes) L.push(`  ${n}`);
  }
  return L.join("\n");
}
