/**
 * The trace topology joined to host state (hns-model.md §(c)): each switch to its network, each port and adapter
 * to the container endpoint, host vNIC or external NIC it is — MAC first, then GUIDs (NIC name, port, interface
 * GUID), then IPs, then names (NIC friendly name, port friendly name, adapter description, interface index). Every
 * join keeps the key that matched (`matchedBy`) and the trace value it matched on (`via`). Weak keys (names,
 * interface indexes) are refused when the MACs or IPs of both sides disagree, so host state from another host
 * leaves names missing rather than wrong.
 */
import type { InvEndpoint, InvNetwork, Inventory, LookupContext, LookupResult, MatchKey } from "../inventory/mod.js";
import { InventoryLookup, macKey, normGuid, normIp } from "../inventory/mod.js";
import type { NicKind, Owner, PortKind, TopoNic, TopoPort, TopoSwitch, Topology } from "./types.js";

type Target = LookupResult["target"];

/** Owner → the inventory object it names (kept beside the JSON-safe records). */
export const ownerTargets = new WeakMap<Owner, Target>();

const lc = (s: string | undefined): string => (s ?? "").toLowerCase();
/** Port friendly names every port of a kind shares: they name nothing. */
const GENERIC_PORT_NAMES = new Set(["dynamic ethernet switch port", "externalport", "internalport"]);

function toOwner(r: LookupResult, via: string): Owner {
  const o: Owner = { kind: r.kind, label: r.label, matchedBy: r.matchedBy, confidence: r.confidence, via };
  if (r.containerName) o.container = r.containerName;
  if (r.containerId) o.containerId = r.containerId;
  if (r.networkName) o.network = r.networkName;
  if (r.endpointId) o.endpointId = r.endpointId;
  const c = (r.target as InvEndpoint).compartmentId;
  if ((r.kind === "container" || r.kind === "endpoint" || r.kind === "host-vnic") && typeof c === "number") o.compartment = c;
  if (r.alternatives?.length) o.alternatives = r.alternatives;
  ownerTargets.set(o, r.target);
  return o;
}

/** MACs and IPs of an inventory object, to check a weak join against. */
function addrsOf(t: Target): { macs: string[]; ips: string[] } {
  const o = t as unknown as Record<string, unknown>;
  const macs: string[] = [];
  const ips: string[] = [];
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
  for (const v of [...list(o.mac), ...list(o.macs)]) {
    const k = typeof v === "string" ? macKey(v) : null;
    if (k) macs.push(k);
  }
  for (const v of [...list(o.ip), ...list(o.ips), ...list(o.ipv6)]) {
    const k = typeof v === "string" ? normIp(v) : null;
    if (k) ips.push(k);
  }
  return { macs, ips };
}

/** True when the trace object's MAC, IPs or interface index disagree with the inventory object's. */
function contradicts(mac: string | undefined, ips: string[], t: Target, ifIndex?: number): boolean {
  const theirIf = (t as { ifIndex?: unknown }).ifIndex;
  if (ifIndex !== undefined && typeof theirIf === "number" && theirIf !== ifIndex) return true;
  const a = addrsOf(t);
  const k = macKey(mac);
  if (k && a.macs.length && !a.macs.includes(k)) return true;
  const mine = ips.map((x) => normIp(x) ?? x).filter((x) => !x.startsWith("fe80"));
  const theirs = a.ips.filter((x) => !x.startsWith("fe80"));
  return mine.length > 0 && theirs.length > 0 && !mine.some((x) => theirs.includes(x));
}

/**
 * False when the trace says the port is something the inventory object cannot be: an uplink port is an external
 * NIC (on l2bridge/transparent switches the host vNIC carries the uplink's MAC, so the MAC alone cannot tell),
 * and a vNIC port is never a physical NIC.
 */
function fits(kind: PortKind | NicKind | undefined, r: LookupResult): boolean {
  if (kind === undefined || kind === "unknown") return true;
  if (kind === "external" || kind === "physical" || kind === "virtual") return r.kind === "external-nic";
  return r.kind !== "external-nic";
}

/** First hit of a list of tries, each (trace value, lookup, weak?). */
function firstHit(tries: [string | undefined, (v: string) => LookupResult | null, boolean][], mac: string | undefined, ips: string[], kind?: PortKind | NicKind, ifIndex?: number): Owner | undefined {
  for (const [v, f, weak] of tries) {
    if (!v) continue;
    const r = f(v);
    if (!r || !fits(kind, r)) continue;
    if (weak && contradicts(mac, ips, r.target, ifIndex)) continue;
    return toOwner(r, v);
  }
  return undefined;
}

const KIND_OF: Partial<Record<string, PortKind>> = { container: "container-vnic", endpoint: "container-vnic", "host-vnic": "host-vnic", "external-nic": "external" };

/** IPv4 in a.b.c.d/len. */
function inSubnet4(ip: string, prefix: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(prefix.trim());
  const i = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m || !i) return false;
  const n = (a: RegExpExecArray): number => ((+a[1] << 24) | (+a[2] << 16) | (+a[3] << 8) | +a[4]) >>> 0;
  const len = Number(m[5]);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return (n(i) & mask) === (n(m) & mask);
}

export interface JoinStats {
  matched: number;
  notes: string[];
}

/** Joins a trace topology to an inventory in place: owners, network of each switch, kinds confirmed. */
export function joinInventory(t: Topology, inv: Inventory): JoinStats {
  const L = new InventoryLookup(inv);
  const stats: JoinStats = { matched: 0, notes: [] };
  for (const sw of t.switches) joinSwitch(sw, inv, L, stats);
  for (const sw of t.switches) {
    const ctx: LookupContext = { as: "nic", ...(sw.friendlyName || sw.id ? { switchName: sw.friendlyName ?? sw.id } : {}) };
    for (const p of sw.ports) joinPort(p, L, ctx, stats);
  }
  for (const n of t.nics) joinNic(n, t, inv, L, stats);
  return stats;
}

function joinSwitch(sw: TopoSwitch, inv: Inventory, L: InventoryLookup, stats: JoinStats): void {
  const r = L.switch(sw.id, sw.friendlyName ?? sw.name);
  if (!r) return;
  const via = r.matchedBy === "switch-id" && sw.id ? sw.id : sw.friendlyName ?? sw.name;
  const netName = r.networkName ?? (r.kind === "network" ? r.label : undefined);
  const net: InvNetwork | undefined = netName ? inv.networks.find((n) => n.name === netName) : undefined;
  const invSw = r.kind === "switch" ? inv.switches.find((s) => s === r.target) : inv.switches.find((s) => lc(s.name) === lc(net?.vSwitchName));
  if (netName) {
    sw.network = { name: netName, matchedBy: r.matchedBy, confidence: r.confidence, via };
    if (net?.driver) sw.network.driver = net.driver;
  }
  const type = invSw?.type ?? net?.switchType;
  if (type) {
    sw.type = type.charAt(0).toUpperCase() + type.slice(1).toLowerCase();
    sw.typeFrom = "inventory";
  }
  stats.matched++;
  // A network whose subnets hold none of the addresses seen on its switch: probably another host's state.
  const ips = sw.ports.flatMap((p) => p.ips).filter((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip));
  if (net && net.subnets.length && ips.length && !ips.some((ip) => net.subnets.some((s) => inSubnet4(ip, s)))) {
    if (sw.network) sw.network.confidence = "low";
    stats.notes.push(`switch ${sw.name} joined network ${net.name} by ${r.matchedBy}, but none of the IPs seen on it (${ips.slice(0, 3).join(", ")}) is in ${net.subnets.join(", ")}: host state from another host or time?`);
  }
}

function joinPort(p: TopoPort, L: InventoryLookup, ctx: LookupContext, stats: JoinStats): void {
  const guid = (v: string): LookupResult | null => L.find(v, ctx);
  const name = (v: string): LookupResult | null => L.find(v, ctx);
  const tries: [string | undefined, (v: string) => LookupResult | null, boolean][] = [
    [p.mirrors ? undefined : p.mac, (v) => L.mac(v, ctx), false],
    [p.nic, guid, false],
    [p.port, (v) => (normGuid(v) ? L.guid(v, ctx) : null), false],
    [p.interfaceGuid, (v) => L.guid(v, ctx), false],
    ...p.ips.map((ip): [string, (v: string) => LookupResult | null, boolean] => [ip, (v) => L.ip(v, ctx), false]),
    [p.nicFriendlyName, name, true],
    [p.portFriendlyName && !GENERIC_PORT_NAMES.has(lc(p.portFriendlyName)) ? p.portFriendlyName : undefined, name, true],
    [p.adapter, name, true],
  ];
  const o = firstHit(tries, p.mac, p.ips, p.kind, p.kind === "host-vnic" || p.kind === "external" ? p.ifIndex : undefined);
  if (!o) return;
  p.owner = o;
  stats.matched++;
  const t = ownerTargets.get(o);
  const k = o.kind === "container" || o.kind === "endpoint" ? ((t as InvEndpoint).isHost ? "host-vnic" : "container-vnic") : KIND_OF[o.kind];
  if (k && o.confidence !== "low" && k !== p.kind) {
    p.kind = k;
    p.kindFrom = `inventory: ${o.label} (matched by ${o.matchedBy})`;
  } else if (k && k === p.kind) p.kindFrom += `; inventory agrees (${o.matchedBy})`;
  if (o.compartment !== undefined) p.compartment ??= o.compartment;
}

function joinNic(n: TopoNic, t: Topology, inv: Inventory, L: InventoryLookup, stats: JoinStats): void {
  if (n.kind === "wan" || n.kind === "switch-adapter") return;
  const port = n.port ? t.switches.find((s) => s.name === n.port!.switch)?.ports[n.port.index] : undefined;
  if (port?.owner) {
    n.owner = port.owner;
    return;
  }
  const ctx: LookupContext = { as: "nic" };
  const byIf = (v: string): LookupResult | null => {
    const i = Number(v);
    const h = inv.hostVnics.filter((x) => x.ifIndex === i && (x.compartmentId ?? 1) === (n.compartment ?? 1));
    const x = inv.externalNics.filter((e) => e.ifIndex === i);
    if (h.length + x.length !== 1) return null;
    const r: LookupResult = h.length
      ? { kind: "host-vnic", label: h[0].alias, matchedBy: "if-index" as MatchKey, confidence: "medium", target: h[0], ...(h[0].networkName ? { networkName: h[0].networkName } : {}) }
      : { kind: "external-nic", label: x[0].name, matchedBy: "if-index" as MatchKey, confidence: "medium", target: x[0] };
    return r;
  };
  const named = n.name !== `ifIndex ${n.ifIndex}` ? n.name : undefined;
  const tries: [string | undefined, (v: string) => LookupResult | null, boolean][] = [
    [n.mac, (v) => L.mac(v, ctx), false],
    [n.interfaceGuid, (v) => L.guid(v, ctx), false],
    ...n.ips.map((ip): [string, (v: string) => LookupResult | null, boolean] => [ip, (v) => L.ip(v, ctx), false]),
    [named, (v) => L.find(v, ctx), true],
    [n.kind === "virtual" || n.ifIndex === undefined ? undefined : String(n.ifIndex), byIf, true],
  ];
  const o = firstHit(tries, n.mac, n.ips, n.kind, n.ifIndex);
  if (!o) return;
  n.owner = o;
  stats.matched++;
  if (n.kind === "unknown") {
    if (o.kind === "host-vnic") n.kind = "host-vnic";
    else if (o.kind === "external-nic") n.kind = "physical";
    else if (o.kind === "container" || o.kind === "endpoint") n.kind = "container-vnic";
    if (n.kind !== "unknown") n.kindFrom = `inventory: ${o.label} (matched by ${o.matchedBy})`;
  }
}
