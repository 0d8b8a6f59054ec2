/**
 * The lists a reader wants from a (possibly joined) topology: networks, containers, host vNICs, external NICs,
 * and every name the trace carries with what it is. Trace objects the host state does not know are kept (origin
 * "trace"); host-state objects the trace does not show are kept too (origin "inventory").
 */
import type { InvContainer, InvEndpoint, InvExternalNic, InvHostVnic, Inventory } from "../inventory/mod.js";
import { ownerTargets } from "./join.js";
import type { TopoContainer, TopoExternalNic, TopoHostVnic, TopoNetwork, TopoPort, Topology, TraceName } from "./types.js";

const lc = (s: string | undefined): string => (s ?? "").toLowerCase();

/** "container wcow1's vNIC", "host vNIC vEthernet (nat)", "external port (Microsoft Hyper-V Network Adapter)". */
export function portLabel(p: TopoPort): string {
  if (p.owner) {
    const o = p.owner;
    if (o.kind === "container" || o.kind === "endpoint") return `container ${o.container ?? o.label}`;
    if (o.kind === "host-vnic") return `host vNIC ${o.label}`;
    if (o.kind === "external-nic") return `external NIC ${o.label}`;
    return o.label;
  }
  const f = p.nicFriendlyName ?? p.adapter ?? p.nic ?? p.port ?? p.mac ?? "?";
  switch (p.kind) {
    case "container-vnic": return `container vNIC ${f}`;
    case "host-vnic": return `host vNIC ${f}`;
    case "external": return `external port ${f}`;
    case "vm": return `VM NIC ${f}${p.vmName ? ` (${p.vmName})` : ""}`;
    default: return `NIC ${f}`;
  }
}

export function summarize(t: Topology, inv?: Inventory): void {
  t.networks = networks(t, inv);
  t.containers = containers(t, inv);
  t.hostVnics = hostVnics(t, inv);
  t.externalNics = externalNics(t, inv);
  t.names = names(t);
}

function networks(t: Topology, inv?: Inventory): TopoNetwork[] {
  const out: TopoNetwork[] = [];
  for (const n of inv?.networks ?? []) {
    const sw = t.switches.find((s) => s.network && s.network.name === n.name);
    const e: TopoNetwork = { name: n.name, subnets: [...n.subnets], origin: sw ? "both" : "inventory" };
    if (n.driver) e.driver = n.driver;
    if (n.gateway) e.gateway = n.gateway;
    const vs = n.vSwitchName ?? sw?.friendlyName;
    if (vs) e.vSwitch = vs;
    if (n.vSwitchId ?? sw?.id) e.vSwitchId = (n.vSwitchId ?? sw?.id)!;
    if (n.id) e.hnsId = n.id;
    if (n.dockerId) e.dockerId = n.dockerId;
    if (sw) e.inTrace = { switch: sw.name, matchedBy: sw.network!.matchedBy };
    out.push(e);
  }
  for (const sw of t.switches) {
    if (sw.network && out.some((n) => n.name === sw.network!.name)) continue;
    // Switch friendly name = HNS network name (hns-model.md §(c) 1).
    const e: TopoNetwork = { name: sw.friendlyName ?? sw.name, subnets: [], vSwitch: sw.name, origin: "trace" };
    if (sw.id) e.vSwitchId = sw.id;
    out.push(e);
  }
  return out;
}

function containers(t: Topology, inv?: Inventory): TopoContainer[] {
  const out: TopoContainer[] = [];
  const seenEp = new Set<InvEndpoint>();
  const seenCt = new Set<InvContainer>();
  for (const sw of t.switches) {
    sw.ports.forEach((p, i) => {
      const target = p.owner ? ownerTargets.get(p.owner) : undefined;
      const ep = target && "friendlyNames" in target && "policies" in target ? (target as InvEndpoint) : undefined;
      if (p.kind !== "container-vnic" && !(ep && !ep.isHost)) return;
      const c: TopoContainer = { origin: p.owner ? "both" : "trace", switch: sw.name };
      if (ep) {
        seenEp.add(ep);
        if (ep.containerName) c.name = ep.containerName;
        if (ep.containerId) c.id = ep.containerId;
        if (ep.compartmentId !== undefined) c.compartment = ep.compartmentId;
        if (ep.endpointId) c.endpoint = ep.endpointId;
        if (ep.networkName) c.network = ep.networkName;
        const ct = inv?.containers.find((x) => (ep.containerId && x.id === ep.containerId) || (ep.containerName && x.name === ep.containerName));
        if (ct) seenCt.add(ct);
      } else if (target && "endpointIds" in target && "vNicNames" in target) {
        const ct = target as InvContainer;
        seenCt.add(ct);
        if (ct.name) c.name = ct.name;
        if (ct.id) c.id = ct.id;
        if (ct.compartmentId !== undefined) c.compartment = ct.compartmentId;
        if (ct.networks[0]) c.network = ct.networks[0];
      } else if (p.owner) {
        if (p.owner.container) c.name = p.owner.container;
        if (p.owner.containerId) c.id = p.owner.containerId;
        if (p.owner.network) c.network = p.owner.network;
      } else if (p.nicFriendlyName && /^[0-9a-f]{12,64}$/i.test(p.nicFriendlyName)) {
        // A container id prefix is all the trace says.
        c.id = p.nicFriendlyName;
      }
      c.network ??= sw.network?.name ?? sw.friendlyName;
      if (p.compartment !== undefined) c.compartment ??= p.compartment;
      const vnic = p.nicFriendlyName ?? p.adapter ?? ep?.vNicName;
      if (vnic) c.vNic = vnic;
      if (p.nic) c.nic = p.nic;
      if (p.port) c.port = p.port;
      const mac = p.mac ?? ep?.mac;
      if (mac) c.mac = mac;
      const ip = p.ips.find((x) => x.includes(".")) ?? ep?.ip ?? p.ips[0];
      if (ip) c.ip = ip;
      if (p.owner) c.inTrace = { switch: sw.name, port: i, matchedBy: p.owner.matchedBy, via: p.owner.via };
      out.push(c);
    });
  }
  for (const ep of inv?.endpoints ?? []) {
    if (seenEp.has(ep) || ep.isRemote || ep.isHost || !(ep.containerName || ep.containerId)) continue;
    const c: TopoContainer = { origin: "inventory" };
    if (ep.containerName) c.name = ep.containerName;
    if (ep.containerId) c.id = ep.containerId;
    if (ep.compartmentId !== undefined) c.compartment = ep.compartmentId;
    if (ep.endpointId) c.endpoint = ep.endpointId;
    if (ep.networkName) c.network = ep.networkName;
    if (ep.vNicName ?? ep.nicFriendlyName) c.vNic = (ep.vNicName ?? ep.nicFriendlyName)!;
    if (ep.nicName) c.nic = ep.nicName;
    if (ep.portName) c.port = ep.portName;
    if (ep.mac) c.mac = ep.mac;
    if (ep.ip) c.ip = ep.ip;
    out.push(c);
    const ct = inv?.containers.find((x) => (ep.containerId && x.id === ep.containerId) || (ep.containerName && x.name === ep.containerName));
    if (ct) seenCt.add(ct);
  }
  for (const ct of inv?.containers ?? []) {
    if (seenCt.has(ct)) continue;
    const c: TopoContainer = { origin: "inventory" };
    if (ct.name) c.name = ct.name;
    if (ct.id) c.id = ct.id;
    if (ct.compartmentId !== undefined) c.compartment = ct.compartmentId;
    if (ct.networks[0]) c.network = ct.networks[0];
    if (ct.vNicNames[0]) c.vNic = ct.vNicNames[0];
    if (ct.macs[0]) c.mac = ct.macs[0];
    if (ct.ips[0]) c.ip = ct.ips[0];
    out.push(c);
  }
  return out;
}

function hostVnics(t: Topology, inv?: Inventory): TopoHostVnic[] {
  const out: TopoHostVnic[] = [];
  const seen = new Set<InvHostVnic>();
  const fromInv = (h: InvHostVnic, e: TopoHostVnic): void => {
    seen.add(h);
    e.name = h.alias;
    if (h.mac) e.mac ??= h.mac;
    for (const ip of [...h.ips, ...h.ipv6]) if (!e.ips.includes(ip)) e.ips.push(ip);
    if (h.ifIndex !== undefined) e.ifIndex ??= h.ifIndex;
    if (h.compartmentId !== undefined) e.compartment ??= h.compartmentId;
    if (h.networkName) e.network ??= h.networkName;
  };
  for (const sw of t.switches) {
    sw.ports.forEach((p, i) => {
      if (p.kind !== "host-vnic") return;
      const nicIndex = t.nics.findIndex((n) => n.port?.switch === sw.name && n.port.index === i);
      const e: TopoHostVnic = { name: p.adapter ?? p.nicFriendlyName ?? p.nic ?? "host vNIC", ips: [...p.ips], switch: sw.name, origin: p.owner ? "both" : "trace" };
      if (p.mac) e.mac = p.mac;
      if (p.ifIndex !== undefined) e.ifIndex = p.ifIndex;
      if (p.compartment !== undefined) e.compartment = p.compartment;
      if (sw.network) e.network = sw.network.name;
      const target = p.owner ? ownerTargets.get(p.owner) : undefined;
      if (p.owner?.kind === "host-vnic" && target) fromInv(target as InvHostVnic, e);
      if (p.owner) e.inTrace = { switch: sw.name, port: i, ...(nicIndex >= 0 ? { nic: nicIndex } : {}), matchedBy: p.owner.matchedBy, via: p.owner.via };
      out.push(e);
    });
  }
  t.nics.forEach((n, i) => {
    if (n.kind !== "host-vnic" || n.port) return;
    const e: TopoHostVnic = { name: n.name, ips: [...n.ips], origin: n.owner ? "both" : "trace" };
    if (n.mac) e.mac = n.mac;
    if (n.ifIndex !== undefined) e.ifIndex = n.ifIndex;
    if (n.compartment !== undefined) e.compartment = n.compartment;
    const target = n.owner ? ownerTargets.get(n.owner) : undefined;
    if (n.owner?.kind === "host-vnic" && target) fromInv(target as InvHostVnic, e);
    if (n.owner) e.inTrace = { nic: i, matchedBy: n.owner.matchedBy, via: n.owner.via };
    out.push(e);
  });
  for (const h of inv?.hostVnics ?? []) {
    if (seen.has(h)) continue;
    const e: TopoHostVnic = { name: h.alias, ips: [], origin: "inventory" };
    fromInv(h, e);
    if (h.switchName) e.switch = h.switchName;
    out.push(e);
  }
  return out;
}

function externalNics(t: Topology, inv?: Inventory): TopoExternalNic[] {
  const out: TopoExternalNic[] = [];
  const seen = new Set<InvExternalNic>();
  const fromInv = (x: InvExternalNic, e: TopoExternalNic): void => {
    seen.add(x);
    if (e.name !== x.name) {
      e.description ??= e.name;
      e.name = x.name;
    }
    if (x.description) e.description = x.description;
    if (x.mac) e.mac ??= x.mac;
    for (const ip of x.ips) if (!e.ips.includes(ip)) e.ips.push(ip);
    if (x.ifIndex !== undefined) e.ifIndex ??= x.ifIndex;
    if (x.switchName) e.switch ??= x.switchName;
  };
  const linked = new Set<number>();
  for (const sw of t.switches) {
    sw.ports.forEach((p, i) => {
      if (p.kind !== "external") return;
      const nicIndex = t.nics.findIndex((n) => n.port?.switch === sw.name && n.port.index === i);
      const n = nicIndex >= 0 ? t.nics[nicIndex] : undefined;
      if (n) linked.add(nicIndex);
      const e: TopoExternalNic = { name: n && !/^ifIndex \d+$/.test(n.name) ? n.name : p.nicFriendlyName ?? p.adapter ?? "uplink", ips: [...new Set([...(n?.ips ?? []), ...p.ips])], switch: sw.name, origin: p.owner ? "both" : "trace" };
      if (p.nicFriendlyName && p.nicFriendlyName !== e.name) e.description = p.nicFriendlyName;
      const mac = n?.mac ?? p.mac;
      if (mac) e.mac = mac;
      const ifIndex = n?.ifIndex ?? p.ifIndex;
      if (ifIndex !== undefined) e.ifIndex = ifIndex;
      const target = p.owner ? ownerTargets.get(p.owner) : undefined;
      if (p.owner?.kind === "external-nic" && target) fromInv(target as InvExternalNic, e);
      if (p.owner) e.inTrace = { switch: sw.name, port: i, ...(n ? { nic: nicIndex } : {}), matchedBy: p.owner.matchedBy, via: p.owner.via };
      out.push(e);
    });
  }
  t.nics.forEach((n, i) => {
    if (linked.has(i) || n.port || n.vfOf !== undefined) return;
    const target = n.owner ? ownerTargets.get(n.owner) : undefined;
    const isExt = n.kind === "physical" || n.owner?.kind === "external-nic";
    if (!isExt) return;
    const e: TopoExternalNic = { name: n.name, ips: [...n.ips], origin: n.owner ? "both" : "trace" };
    if (n.mac) e.mac = n.mac;
    if (n.ifIndex !== undefined) e.ifIndex = n.ifIndex;
    if (n.owner?.kind === "external-nic" && target) fromInv(target as InvExternalNic, e);
    if (n.owner) e.inTrace = { nic: i, matchedBy: n.owner.matchedBy, via: n.owner.via };
    out.push(e);
  });
  for (const x of inv?.externalNics ?? []) {
    if (seen.has(x)) continue;
    const e: TopoExternalNic = { name: x.name, ips: [], origin: "inventory" };
    fromInv(x, e);
    out.push(e);
  }
  return out;
}

/** Every name the trace carries, with what it is (first meaning wins; deterministic order). */
function names(t: Topology): TraceName[] {
  const out: TraceName[] = [];
  const seen = new Set<string>();
  const add = (name: string | undefined, type: string, is: string, extra: Partial<TraceName> = {}): void => {
    if (!name) return;
    const k = `${type}\u0000${lc(name)}\u0000${extra.switch ?? ""}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ name, type, is, ...extra });
  };
  for (const sw of t.switches) {
    const net = sw.network ? `network ${sw.network.name}${sw.network.driver ? `, ${sw.network.driver}` : ""}` : "";
    const what = `vSwitch ${sw.name}${sw.type ? ` (${sw.type}${net ? `; ${net}` : ""})` : net ? ` (${net})` : ""}`;
    const ex: Partial<TraceName> = { switch: sw.name, ...(sw.network ? { network: sw.network.name } : {}) };
    add(sw.id, "switch", what, ex);
    if (sw.friendlyName && sw.friendlyName !== sw.id) add(sw.friendlyName, "switch-friendly-name", what, ex);
    if (sw.ifIndex !== undefined) add(String(sw.ifIndex), "ifindex", `interface of ${what}`, ex);
    for (const c of sw.components) {
      const comp = t.components.find((x) => x.id === c);
      if (comp && (comp.role === "switch" || comp.role === "extension")) add(String(c), "component", `pktmon component ${c}: ${comp.role === "switch" ? what : `extension ${comp.description} of ${sw.name}`}`, ex);
    }
  }
  for (const sw of t.switches) {
    for (const p of sw.ports) {
      const who = portLabel(p);
      const ex: Partial<TraceName> = { switch: sw.name };
      if (p.owner?.container) ex.container = p.owner.container;
      const net = p.owner?.network ?? sw.network?.name;
      if (net) ex.network = net;
      add(p.port, "port", `port of ${who} on switch ${sw.name}`, ex);
      if (p.portFriendlyName && !/^(Dynamic Ethernet Switch Port|ExternalPort)$/i.test(p.portFriendlyName)) add(p.portFriendlyName, "port-friendly-name", `port of ${who} on switch ${sw.name}`, ex);
      add(p.nic, "nic", `NIC of ${who} on switch ${sw.name}`, ex);
      add(p.nicFriendlyName, "nic-friendly-name", `NIC of ${who} on switch ${sw.name}`, ex);
      // A VM NIC mirroring a host adapter's MAC: the MAC names the host adapter.
      if (!p.mirrors) add(p.mac, "mac", `MAC of ${who}`, ex);
      for (const ip of p.ips) add(ip, "ip", `IP of ${who}`, ex);
      if (p.component !== undefined) add(String(p.component), "component", `pktmon component ${p.component}: port of ${who} on switch ${sw.name}`, ex);
    }
  }
  for (const n of t.nics) {
    if (n.kind === "wan") continue;
    const who = n.owner ? n.owner.label : n.name;
    const what = `${n.kind === "physical" ? "physical adapter" : n.kind === "host-vnic" ? "host vNIC adapter" : n.kind === "container-vnic" ? "container adapter" : n.kind === "switch-adapter" ? "vSwitch adapter" : "adapter"} ${who}${n.port ? ` (port of switch ${n.port.switch})` : ""}`;
    const ex: Partial<TraceName> = n.port ? { switch: n.port.switch } : {};
    if (n.owner?.container) ex.container = n.owner.container;
    if (n.owner?.network) ex.network = n.owner.network;
    if (n.ifIndex !== undefined) add(String(n.ifIndex), "ifindex", what, ex);
    if (!/^ifIndex \d+$/.test(n.name)) add(n.name, "adapter", what, ex);
    add(n.mac, "mac", `MAC of ${what}`, ex);
    add(n.interfaceGuid, "interface-guid", what, ex);
    for (const ip of n.ips) add(ip, "ip", `IP of ${what}`, ex);
    for (const c of n.components.slice(0, 1)) add(String(c), "component", `pktmon component ${c}: ${what}`, ex);
  }
  for (const a of t.addresses) {
    if (a.on) continue;
    for (const ip of a.ips) add(ip, "ip", `IP of ${a.mac} (seen in packets, not on a switch port or adapter of this host)`);
  }
  return out;
}
