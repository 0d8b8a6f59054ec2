/**
 * Joins parsed host-state records into one Inventory (hns-model.md §(c)): MAC first, then GUIDs (HNS endpoint /
 * network ids, vSwitch port GUIDs), IPs and names. Every join records the key that matched. Contradictions and
 * leftovers become notes; nothing here throws on odd input.
 */
import type {
  DockerAttachment,
  HnsEndpointRecord,
  HnsNetworkRecord,
  InvCompartment,
  InvContainer,
  InvEndpoint,
  InvExternalNic,
  InvHostVnic,
  InvLoadBalancer,
  InvNetwork,
  Inventory,
  InvPort,
  IpAdapterRecord,
  Link,
  MatchKey,
  ParsedSource,
  VfpPortRecord,
} from "./types.js";
import { recordCount } from "./types.js";
import { addUnique, inSubnet, isDockerId, isIpv4, macKey, normGuid } from "./text.js";
import { emptyPolicies } from "./parsers/policies.js";

const lc = (s: string | undefined): string => (s ?? "").toLowerCase();
const short = (id: string | undefined): string => (id ? (isDockerId(id) ? id.slice(0, 12) : id.split("-")[0]) : "?");

function link(links: Link[], to: string, value: string | undefined, matchedBy: MatchKey): void {
  if (!value) return;
  if (!links.some((l) => l.to === to && l.value === value)) links.push({ to, value, matchedBy });
}

/** Sets `o[k] = v` when `o[k]` is unset and `v` is set. */
function fill<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined | null): void {
  if (v !== undefined && v !== null && (o[k] === undefined || o[k] === null || o[k] === "")) o[k] = v;
}

/** Label for an endpoint, as the lookup reports it: "wcow1 (try-nat)". */
export function endpointLabel(e: InvEndpoint): string {
  const net = e.networkName ?? "?";
  if (e.containerName) return `${e.containerName} (${net})`;
  if (e.containerId) return `${short(e.containerId)} (${net})`;
  if (e.isHost) return `host endpoint ${e.endpointName ?? short(e.endpointId)} (${net})`;
  const what = e.isRemote ? "remote endpoint" : "endpoint";
  if (e.endpointName || e.endpointId) return `${what} ${e.endpointName ?? short(e.endpointId)}${e.endpointId && e.endpointName ? ` ${short(e.endpointId)}` : ""} (${net})`;
  if (e.vNicName) return `${e.vNicName} in compartment ${e.compartmentId ?? "?"} (${net})`;
  return `${what} ${e.mac ?? e.ip ?? "?"} (${net})`;
}

interface Src<T> {
  rec: T;
  src: string;
}

function gather<K extends keyof ParsedSource["records"]>(parsed: ParsedSource[], k: K): Src<ParsedSource["records"][K][number]>[] {
  const out: Src<ParsedSource["records"][K][number]>[] = [];
  for (const p of parsed) for (const rec of p.records[k]) out.push({ rec: rec as ParsedSource["records"][K][number], src: p.path });
  return out;
}

const SCHEMA_RANK: Record<string, number> = { v1: 0, v2: 0, table: 1, hnsdiag: 2 };

/** Facts used while joining that do not belong in the output. */
interface Scratch {
  networkType: WeakMap<InvEndpoint, string>;
  sharedContainers: WeakMap<InvEndpoint, string[]>;
  hostVnicMac: WeakMap<InvNetwork, string>;
  hostVnicGuid: WeakMap<InvNetwork, string>;
  portMappings: WeakMap<InvContainer, InvEndpoint["policies"]["portMappings"]>;
}

const scratch = (): Scratch => ({ networkType: new WeakMap(), sharedContainers: new WeakMap(), hostVnicMac: new WeakMap(), hostVnicGuid: new WeakMap(), portMappings: new WeakMap() });

function shared(x: Scratch, e: InvEndpoint): string[] {
  let l = x.sharedContainers.get(e);
  if (!l) x.sharedContainers.set(e, (l = []));
  return l;
}

/** Builds the Inventory from parsed sources. `walkNotes` are notes from reading (missing paths, empty folders). */
export function buildInventory(parsed: ParsedSource[], walkNotes: string[] = []): Inventory {
  const notes: string[] = [...walkNotes];
  const inv: Inventory = {
    networks: [],
    endpoints: [],
    containers: [],
    hostVnics: [],
    externalNics: [],
    switches: [],
    loadBalancers: [],
    compartments: [],
    ports: [],
    notes,
    sources: parsed.map((p) => ({ path: p.path, formats: p.formats, records: recordCount(p.records), ...(p.skipped ? { skipped: p.skipped } : {}) })),
  };
  for (const p of parsed) {
    notes.push(...p.notes);
    if (p.skipped) notes.push(`${p.path}: skipped (${p.skipped})`);
  }

  // Each step is fenced: a bug tripped by odd input costs that step's joins (and says so), never the inventory.
  const step = (name: string, fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      notes.push(`internal error while joining ${name}: ${(e as Error).message}; those joins are missing`);
    }
  };
  const x = scratch();
  let containerVnics: Nic[] = [];
  step("networks", () => joinNetworks(inv, parsed, x));
  step("docker networks", () => joinDockerNetworks(inv, parsed));
  step("switches", () => joinSwitches(inv, parsed));
  step("endpoints", () => joinEndpoints(inv, parsed, x));
  step("adapters", () => (containerVnics = joinAdapters(inv, parsed)));
  step("namespaces", () => joinNamespaces(inv, parsed, x));
  step("containers", () => joinContainers(inv, parsed, x));
  step("container vNICs", () => joinContainerVnics(inv, containerVnics));
  step("vSwitch ports", () => joinPorts(inv, parsed));
  step("host side", () => joinHostSide(inv, x));
  step("NAT mappings", () => joinNatMappings(inv, parsed));
  step("load balancers", () => joinLoadBalancers(inv, parsed));
  step("names", () => finish(inv));
  return inv;
}

// ---------------------------------------------------------------------------------------------------------------
// Networks

function networkById(inv: Inventory, id: string | undefined): InvNetwork | undefined {
  return id ? inv.networks.find((n) => n.id === id) : undefined;
}
function networkByName(inv: Inventory, name: string | undefined): InvNetwork | undefined {
  if (!name) return undefined;
  return inv.networks.find((n) => lc(n.name) === lc(name)) ?? inv.networks.find((n) => lc(n.dockerName) === lc(name));
}

function joinNetworks(inv: Inventory, parsed: ParsedSource[], x: Scratch): void {
  const recs = gather(parsed, "hnsNetworks").sort((a, b) => (SCHEMA_RANK[a.rec.schema] ?? 3) - (SCHEMA_RANK[b.rec.schema] ?? 3));
  for (const { rec, src } of recs) {
    let n = networkById(inv, rec.id) ?? (rec.id ? undefined : networkByName(inv, rec.name));
    if (!n && rec.id && rec.name) {
      // The same name without an id (a table row read first) is the same network.
      n = inv.networks.find((x) => !x.id && lc(x.name) === lc(rec.name));
    }
    if (!n) {
      n = { name: rec.name ?? rec.id ?? "?", subnets: [], links: [], sources: [] };
      inv.networks.push(n);
    }
    mergeNetwork(n, rec);
    if (rec.hostVnicMac && !x.hostVnicMac.has(n)) x.hostVnicMac.set(n, rec.hostVnicMac);
    if (rec.hostVnicGuid && !x.hostVnicGuid.has(n)) x.hostVnicGuid.set(n, rec.hostVnicGuid);
    addUnique(n.sources, src);
  }
}

function mergeNetwork(n: InvNetwork, rec: HnsNetworkRecord): void {
  if (rec.name && (n.name === "?" || n.name === n.id)) n.name = rec.name;
  fill(n, "id", rec.id);
  fill(n, "driver", rec.type);
  for (const s of rec.subnets) {
    addUnique(n.subnets, s.prefix);
    fill(n, "gateway", s.gateway);
    fill(n, "vsid", s.vsid);
  }
  fill(n, "networkAdapterName", rec.networkAdapterName);
  fill(n, "managementIp", rec.managementIp);
  fill(n, "layeredOn", rec.layeredOn);
  fill(n, "drMac", rec.drMac);
  fill(n, "natName", rec.natName);
  fill(n, "vxlanPort", rec.vxlanPort);
  fill(n, "vSwitchId", rec.switchId);
}

function joinDockerNetworks(inv: Inventory, parsed: ParsedSource[]): void {
  for (const { rec, src } of gather(parsed, "dockerNetworks")) {
    let n: InvNetwork | undefined;
    let by: MatchKey | undefined;
    if (rec.hnsId && (n = networkById(inv, rec.hnsId))) by = "hnsid-option";
    else if (rec.hnsName && (n = inv.networks.find((x) => lc(x.name) === lc(rec.hnsName)))) by = "name";
    else if (rec.name && (n = inv.networks.find((x) => lc(x.name) === lc(rec.name)))) by = "name";
    else if (rec.id && (n = inv.networks.find((x) => lc(x.name) === lc(rec.id)))) by = "docker-network-id";
    else if (rec.id && (n = inv.networks.find((x) => x.dockerId === rec.id))) by = "docker-network-id";
    if (!n) {
      n = { name: rec.hnsName ?? rec.name ?? rec.id ?? "?", subnets: [], links: [], sources: [] };
      if (rec.hnsId) n.id = rec.hnsId;
      inv.networks.push(n);
    } else if (by) {
      link(n.links, "docker-network", rec.id ?? rec.name, by);
      if (by !== "hnsid-option" && rec.hnsId && n.id && rec.hnsId !== n.id) {
        inv.notes.push(`docker network ${rec.name ?? rec.id} says HNS id ${rec.hnsId}, but HNS has ${n.id} under that name (stale docker state, or dumps from different hosts); joined by ${by}`);
      }
    }
    fill(n, "dockerId", rec.id);
    fill(n, "dockerName", rec.name);
    fill(n, "driver", rec.driver);
    for (const s of rec.subnets) addUnique(n.subnets, s);
    fill(n, "gateway", rec.gateways[0]);
    fill(n, "vsid", rec.vsid);
    fill(n, "networkAdapterName", rec.networkAdapterName);
    addUnique(n.sources, src);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Switches

function joinSwitches(inv: Inventory, parsed: ParsedSource[]): void {
  for (const { rec, src } of gather(parsed, "vmSwitches")) {
    let s = inv.switches.find((x) => (rec.id && x.id === rec.id) || lc(x.name) === lc(rec.name));
    if (!s) {
      s = { name: rec.name, links: [], sources: [] };
      inv.switches.push(s);
    }
    fill(s, "id", rec.id);
    fill(s, "type", rec.type);
    fill(s, "netAdapter", rec.netAdapterDescription);
    addUnique(s.sources, src);
  }
  // HCN allocators may name the network's switch.
  for (const { rec, src } of gather(parsed, "hnsNetworks")) {
    if (!rec.switchName) continue;
    let s = inv.switches.find((x) => (rec.switchId && x.id === rec.switchId) || lc(x.name) === lc(rec.switchName));
    if (!s) {
      s = { name: rec.switchName, links: [], sources: [] };
      inv.switches.push(s);
    }
    fill(s, "id", rec.switchId);
    fill(s, "type", rec.switchType);
    addUnique(s.sources, src);
  }
  // vfpctrl names switches by GUID and friendly name.
  for (const { rec, src } of gather(parsed, "vfpPorts")) {
    if (!rec.switchFriendlyName && !rec.switchName) continue;
    const id = normGuid(rec.switchName);
    let s = inv.switches.find((x) => (id && x.id === id) || (rec.switchFriendlyName && lc(x.name) === lc(rec.switchFriendlyName)));
    if (!s) {
      s = { name: rec.switchFriendlyName ?? rec.switchName ?? "?", links: [], sources: [] };
      inv.switches.push(s);
    }
    fill(s, "id", id ?? undefined);
    addUnique(s.sources, src);
  }
  for (const s of inv.switches) {
    let n: InvNetwork | undefined;
    let by: MatchKey = "name";
    if (s.id && (n = inv.networks.find((x) => x.vSwitchId === s.id))) by = "switch-id";
    else n = inv.networks.find((x) => lc(x.name) === lc(s.name));
    if (!n) continue;
    s.networkName = n.name;
    link(s.links, "network", n.id ?? n.name, by);
    n.vSwitchName = s.name;
    fill(n, "vSwitchId", s.id);
    fill(n, "switchType", s.type);
    link(n.links, "switch", s.id ?? s.name, by);
  }
  // Without Get-VMSwitch, the switch of a container network is named after it (hns-model.md §(c) 1).
  for (const n of inv.networks) {
    if (!n.vSwitchName && n.id) {
      n.vSwitchName = n.name;
      link(n.links, "switch", n.name, "network-name");
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Endpoints

function endpointIndex(inv: Inventory): { byId: Map<string, InvEndpoint>; byMac: Map<string, InvEndpoint[]> } {
  const byId = new Map<string, InvEndpoint>();
  const byMac = new Map<string, InvEndpoint[]>();
  for (const e of inv.endpoints) {
    if (e.endpointId) byId.set(e.endpointId, e);
    if (e.macKey) byMac.set(e.macKey, [...(byMac.get(e.macKey) ?? []), e]);
  }
  return { byId, byMac };
}

function newEndpoint(): InvEndpoint {
  return { friendlyNames: [], isRemote: false, policies: emptyPolicies(), links: [], sources: [] };
}

function setMac(o: { mac?: string; macKey?: string }, mac: string | undefined): void {
  if (!mac || o.mac) return;
  const k = macKey(mac);
  if (!k) return;
  o.mac = mac;
  o.macKey = k;
}

function joinEndpoints(inv: Inventory, parsed: ParsedSource[], x: Scratch): void {
  const recs = gather(parsed, "hnsEndpoints").sort((a, b) => (SCHEMA_RANK[a.rec.schema] ?? 3) - (SCHEMA_RANK[b.rec.schema] ?? 3));
  const byId = new Map<string, InvEndpoint>();
  for (const { rec, src } of recs) {
    let e = rec.id ? byId.get(rec.id) : undefined;
    const k = macKey(rec.mac);
    if (!e && k) e = inv.endpoints.find((x) => x.macKey === k && (!rec.id || !x.endpointId));
    if (!e) {
      e = newEndpoint();
      inv.endpoints.push(e);
    }
    mergeEndpoint(e, rec);
    if (rec.networkType && !x.networkType.has(e)) x.networkType.set(e, rec.networkType);
    for (const c of rec.sharedContainers) addUnique(shared(x, e), c.toLowerCase());
    if (e.endpointId) byId.set(e.endpointId, e);
    addUnique(e.sources, src);
  }
  for (const e of inv.endpoints) attachNetwork(inv, e, x.networkType.get(e));
}

function mergeEndpoint(e: InvEndpoint, rec: HnsEndpointRecord): void {
  fill(e, "endpointId", rec.id);
  fill(e, "endpointName", rec.name);
  fill(e, "networkId", rec.networkId);
  fill(e, "networkName", rec.networkName);
  setMac(e, rec.mac);
  fill(e, "ip", rec.ip);
  fill(e, "ipv6", rec.ipv6);
  fill(e, "prefixLength", rec.prefixLength);
  fill(e, "gateway", rec.gateway);
  if (rec.isRemote) e.isRemote = true;
  fill(e, "state", rec.state);
  fill(e, "namespaceId", rec.namespaceId);
  fill(e, "compartmentId", rec.compartmentId);
  if (rec.portGuid) fill(e, "portName", rec.portGuid);
  fill(e, "nicName", rec.nicName);
  const p = rec.policies;
  const q = e.policies;
  if (p.types.length > 0 && q.types.length === 0) e.policies = { ...p };
  else {
    fill(q, "providerAddress", p.providerAddress);
    fill(q, "portName", p.portName);
  }
}

/** Links an endpoint to its network: HNS network id first, then the network name. */
function attachNetwork(inv: Inventory, e: InvEndpoint, networkType?: string): void {
  let n: InvNetwork | undefined;
  let by: MatchKey | undefined;
  if (e.networkId && (n = networkById(inv, e.networkId))) by = "hns-network-id";
  else if (e.networkName && (n = networkByName(inv, e.networkName))) by = "name";
  else if (e.ip && isIpv4(e.ip)) {
    const cands = inv.networks.filter((x) => x.subnets.some((s) => inSubnet(e.ip!, s)));
    if (cands.length === 1) {
      n = cands[0];
      by = "ip";
    }
  }
  if (!n || !by) return;
  e.networkName = n.name;
  fill(e, "networkId", n.id);
  link(e.links, "network", n.id ?? n.name, by);
  if (networkType) fill(n, "driver", networkType);
}

// ---------------------------------------------------------------------------------------------------------------
// Adapters: ipconfig, Get-NetAdapter, Get-NetIPAddress, Get-VMNetworkAdapter

interface Nic {
  alias: string;
  compartmentId?: number;
  active?: boolean;
  description?: string;
  mac?: string;
  macKey?: string;
  ips: string[];
  ipv6: string[];
  ifIndex?: number;
  status?: string;
  interfaceGuid?: string;
  switchName?: string;
  adapterType?: string;
  links: Link[];
  sources: string[];
}

const HOST_COMPARTMENT = 1;
const isHostCompartment = (c: number | undefined): boolean => c === undefined || c === HOST_COMPARTMENT;

function nicFromIpconfig(a: IpAdapterRecord, src: string): Nic {
  const n: Nic = { alias: a.name, ips: a.ipv4.map((x) => x.address), ipv6: [...a.ipv6], links: [], sources: [src], adapterType: a.adapterType };
  if (a.compartmentId !== undefined) n.compartmentId = a.compartmentId;
  if (a.compartmentActive !== undefined) n.active = a.compartmentActive;
  if (a.description) n.description = a.description;
  setMac(n, a.mac);
  if (a.linkLocal) n.ipv6.push(a.linkLocal);
  if (a.ifIndex !== undefined) n.ifIndex = a.ifIndex;
  if (a.mediaDisconnected) n.status = "Disconnected";
  return n;
}

/** Descriptions PowerShell cut short ("Hyper-V Virtual Ethernet Adap...") match by prefix. */
function sameDescription(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const cut = (s: string): [string, boolean] => {
    const m = /(\.\.\.|…)$/.exec(s);
    return m ? [s.slice(0, -m[0].length).toLowerCase(), true] : [s.toLowerCase(), false];
  };
  const [x, xc] = cut(a);
  const [y, yc] = cut(b);
  if (!xc && !yc) return x === y;
  return xc ? y.startsWith(x) : x.startsWith(y);
}

/** A host vNIC ("vEthernet (x)", "Hyper-V Virtual Ethernet Adapter") rather than a physical NIC. */
function isVirtualNic(alias: string, description: string | undefined): boolean {
  return /^vEthernet \(/i.test(alias) || /Hyper-V Virtual Ethernet (Container )?Adapter/i.test(description ?? "");
}

/** Returns the container-compartment NICs (to join with endpoints later). Host NICs go to the inventory. */
function joinAdapters(inv: Inventory, parsed: ParsedSource[]): Nic[] {
  const nics: Nic[] = [];
  for (const { rec, src } of gather(parsed, "ipAdapters")) {
    if (/^tunnel$/i.test(rec.adapterType) || /loopback/i.test(rec.name)) continue;
    const same = nics.find((x) => x.alias === rec.name && x.compartmentId === rec.compartmentId);
    if (same) {
      addUnique(same.sources, src);
      continue;
    }
    nics.push(nicFromIpconfig(rec, src));
  }
  const hostNic = (pred: (n: Nic) => boolean): Nic | undefined => nics.find((n) => isHostCompartment(n.compartmentId) && pred(n));
  for (const { rec, src } of gather(parsed, "netAdapters")) {
    const k = macKey(rec.mac);
    let n: Nic | undefined;
    let by: MatchKey | undefined;
    // On an external switch the host vNIC takes the physical NIC's MAC: a MAC only joins NICs of the same kind.
    const virt = isVirtualNic(rec.name, rec.description);
    if ((n = hostNic((x) => lc(x.alias) === lc(rec.name)))) by = "alias";
    else if (k && (n = hostNic((x) => x.macKey === k && isVirtualNic(x.alias, x.description) === virt))) by = "mac";
    else if (rec.ifIndex !== undefined && (n = hostNic((x) => x.ifIndex === rec.ifIndex))) by = "if-index";
    if (!n) {
      n = { alias: rec.name, ips: [], ipv6: [], links: [], sources: [] };
      nics.push(n);
    } else if (by) link(n.links, "net-adapter", rec.name, by);
    fill(n, "description", rec.description);
    setMac(n, rec.mac);
    fill(n, "ifIndex", rec.ifIndex);
    fill(n, "status", rec.status);
    fill(n, "interfaceGuid", rec.interfaceGuid);
    addUnique(n.sources, src);
  }
  for (const { rec, src } of gather(parsed, "netIpAddresses")) {
    const n = hostNic((x) => (rec.alias !== undefined && lc(x.alias) === lc(rec.alias)) || (rec.ifIndex !== undefined && x.ifIndex === rec.ifIndex));
    if (!n) continue;
    if (isIpv4(rec.ip)) addUnique(n.ips, rec.ip);
    else addUnique(n.ipv6, rec.ip);
    addUnique(n.sources, src);
  }
  for (const { rec, src } of gather(parsed, "vmNetAdapters")) {
    if (rec.isManagementOs === false || (rec.vmName && rec.isManagementOs !== true)) continue;
    const alias = `vEthernet (${rec.name})`;
    const k = macKey(rec.mac);
    let n = hostNic((x) => !!k && x.macKey === k);
    let by: MatchKey = "mac";
    if (!n) {
      n = hostNic((x) => lc(x.alias) === lc(alias));
      by = "alias";
    }
    if (!n) {
      n = { alias, ips: [], ipv6: [], links: [], sources: [] };
      nics.push(n);
    } else link(n.links, "vm-network-adapter", rec.name, by);
    setMac(n, rec.mac);
    fill(n, "switchName", rec.switchName);
    for (const ip of rec.ips) addUnique(isIpv4(ip) ? n.ips : n.ipv6, ip);
    addUnique(n.sources, src);
  }

  const containerNics: Nic[] = [];
  for (const n of nics) {
    if (!isHostCompartment(n.compartmentId)) {
      containerNics.push(n);
      continue;
    }
    if (isVirtualNic(n.alias, n.description)) {
      const h: InvHostVnic = { alias: n.alias, ips: n.ips, ipv6: n.ipv6, links: n.links, sources: n.sources };
      fill(h, "description", n.description);
      setMac(h, n.mac);
      fill(h, "ip", n.ips[0]);
      // Host vNICs live in the default compartment (1) unless ipconfig says otherwise.
      fill(h, "compartmentId", n.compartmentId ?? HOST_COMPARTMENT);
      fill(h, "ifIndex", n.ifIndex);
      fill(h, "interfaceGuid", n.interfaceGuid);
      fill(h, "switchName", n.switchName);
      inv.hostVnics.push(h);
    } else {
      if (/isatap|teredo|6to4|loopback|bluetooth/i.test(`${n.alias} ${n.description ?? ""}`)) continue;
      const x: InvExternalNic = { name: n.alias, ips: n.ips, links: n.links, sources: n.sources };
      fill(x, "description", n.description);
      setMac(x, n.mac);
      fill(x, "ip", n.ips[0]);
      fill(x, "ifIndex", n.ifIndex);
      fill(x, "status", n.status);
      fill(x, "interfaceGuid", n.interfaceGuid);
      inv.externalNics.push(x);
    }
  }
  // Compartments seen in ipconfig.
  for (const n of nics) {
    if (n.compartmentId === undefined) continue;
    const c = compartment(inv, n.compartmentId);
    if (n.active) c.active = true;
    addUnique(c.adapters, n.alias);
  }
  return containerNics;
}

function compartment(inv: Inventory, id: number): InvCompartment {
  let c = inv.compartments.find((x) => x.id === id);
  if (!c) {
    c = { id, adapters: [], endpointIds: [] };
    inv.compartments.push(c);
  }
  return c;
}

// ---------------------------------------------------------------------------------------------------------------
// Namespaces (compartments)

function joinNamespaces(inv: Inventory, parsed: ParsedSource[], x: Scratch): void {
  const { byId } = endpointIndex(inv);
  for (const { rec } of gather(parsed, "hnsNamespaces")) {
    const members = new Set<InvEndpoint>();
    for (const id of rec.endpointIds) {
      const e = byId.get(id);
      if (e) members.add(e);
    }
    if (rec.id) for (const e of inv.endpoints) if (e.namespaceId === rec.id) members.add(e);
    for (const e of members) {
      fill(e, "namespaceId", rec.id);
      if (rec.compartmentId !== undefined && rec.compartmentId !== 0) {
        fill(e, "compartmentId", rec.compartmentId);
        link(e.links, "compartment", String(rec.compartmentId), "namespace");
      }
      for (const cid of rec.containerIds) addUnique(shared(x, e), cid.toLowerCase());
    }
    if (rec.compartmentId !== undefined && rec.compartmentId !== 0) {
      const c = compartment(inv, rec.compartmentId);
      fill(c, "guid", rec.compartmentGuid);
      for (const e of members) if (e.endpointId) addUnique(c.endpointIds, e.endpointId);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Containers

interface CEnt {
  c: InvContainer;
  /** Short ids (docker ps) are prefixes of the full id. */
}

function findContainer(list: CEnt[], id: string | undefined, name: string | undefined): CEnt | undefined {
  if (id) {
    const l = id.toLowerCase();
    const hit = list.find((x) => x.c.id && (x.c.id === l || x.c.id.startsWith(l) || l.startsWith(x.c.id)));
    if (hit) return hit;
  }
  if (name) return list.find((x) => x.c.name && lc(x.c.name) === lc(name));
  return undefined;
}

function upsertContainer(list: CEnt[], id: string | undefined, name: string | undefined, src: string): CEnt {
  let ent = findContainer(list, id, name);
  if (!ent) {
    ent = { c: { endpointIds: [], networks: [], macs: [], ips: [], vNicNames: [], links: [], sources: [] } };
    list.push(ent);
  }
  const c = ent.c;
  if (id && (!c.id || id.length > c.id.length)) c.id = id.toLowerCase();
  fill(c, "name", name);
  addUnique(c.sources, src);
  return ent;
}

function attachContainer(e: InvEndpoint, c: InvContainer, by: MatchKey): void {
  if (e.containerId && c.id && e.containerId !== c.id && !c.id.startsWith(e.containerId)) return;
  fill(e, "containerId", c.id);
  fill(e, "containerName", c.name);
  link(e.links, "container", c.name ?? c.id, by);
  if (e.endpointId) addUnique(c.endpointIds, e.endpointId);
  if (e.networkName) addUnique(c.networks, e.networkName);
  if (e.mac) addUnique(c.macs, e.mac);
  if (e.ip) addUnique(c.ips, e.ip);
  if (e.vNicName) addUnique(c.vNicNames, e.vNicName);
  fill(c, "compartmentId", e.compartmentId);
  link(c.links, "endpoint", e.endpointId ?? e.mac ?? e.ip, by);
}

function joinContainers(inv: Inventory, parsed: ParsedSource[], x: Scratch): void {
  const list: CEnt[] = [];
  const attachments: Src<DockerAttachment>[] = [];
  for (const { rec, src } of gather(parsed, "dockerContainers")) {
    const ent = upsertContainer(list, rec.id, rec.name, src);
    fill(ent.c, "hostName", rec.hostName);
    fill(ent.c, "isolation", rec.isolation);
    for (const a of rec.networks) attachments.push({ rec: a, src });
    if (rec.portMappings.length && !x.portMappings.has(ent.c)) x.portMappings.set(ent.c, rec.portMappings);
  }
  for (const { rec, src } of gather(parsed, "dockerNetworks")) {
    for (const a of rec.attachments) {
      upsertContainer(list, a.containerId, a.containerName, src);
      attachments.push({ rec: a, src });
    }
  }
  const hcs = gather(parsed, "hcsContainers");
  for (const { rec, src } of hcs) {
    const ent = upsertContainer(list, rec.id, undefined, src);
    fill(ent.c, "hostName", rec.hostName);
    if (rec.hvPartition !== undefined) fill(ent.c, "isolation", rec.hvPartition ? "hyperv" : "process");
  }
  const { byId, byMac } = endpointIndex(inv);

  // HCS EndpointList: HNS endpoint id → container.
  for (const { rec } of hcs) {
    const ent = findContainer(list, rec.id, undefined)!;
    for (const id of rec.endpointIds) {
      const e = byId.get(id);
      if (e) attachContainer(e, ent.c, "hns-endpoint-id");
      else inv.notes.push(`HCS container ${short(rec.id)} lists HNS endpoint ${id}, which no HNS dump has`);
    }
  }
  // docker attachments: MAC first, then IP.
  for (const { rec: a, src } of attachments) {
    const ent = findContainer(list, a.containerId, a.containerName);
    if (!ent) continue;
    const k = macKey(a.mac);
    let e: InvEndpoint | undefined;
    let by: MatchKey | undefined;
    const byMacList = k ? byMac.get(k) ?? [] : [];
    if (byMacList.length === 1) {
      e = byMacList[0];
      by = "mac";
    } else if (byMacList.length > 1) {
      inv.notes.push(`MAC ${a.mac} belongs to ${byMacList.length} HNS endpoints; ${ent.c.name ?? short(ent.c.id)} joined by IP instead`);
    }
    if (!e && a.ip) {
      const cands = inv.endpoints.filter((x) => x.ip === a.ip && !x.isRemote && (!a.networkName || !x.networkName || sameNetwork(inv, x.networkName, a.networkName)));
      if (cands.length === 1) {
        e = cands[0];
        by = "ip";
      } else if (cands.length > 1) inv.notes.push(`IP ${a.ip} of ${ent.c.name ?? short(ent.c.id)} matches ${cands.length} endpoints; not joined`);
    }
    if (!e) {
      // docker knows an attachment no HNS dump shows: keep it as an endpoint without an HNS id.
      e = inv.endpoints.find((x) => !x.endpointId && x.dockerEndpointId && x.dockerEndpointId === a.endpointId);
      if (!e) {
        e = newEndpoint();
        inv.endpoints.push(e);
        setMac(e, a.mac);
        fill(e, "ip", a.ip);
        fill(e, "ipv6", a.ipv6);
        fill(e, "prefixLength", a.prefixLength);
        fill(e, "gateway", a.gateway);
        fill(e, "networkName", a.networkName);
        const n = (a.networkId && inv.networks.find((x) => x.dockerId === a.networkId)) || networkByName(inv, a.networkName);
        if (n) {
          e.networkName = n.name;
          fill(e, "networkId", n.id);
          link(e.links, "network", n.id ?? n.name, a.networkId && n.dockerId === a.networkId ? "docker-network-id" : "name");
        }
        if (k) byMac.set(k, [e]);
      }
      by = "same-record";
    }
    addUnique(e.sources, src);
    fill(e, "dockerEndpointId", a.endpointId);
    fill(e, "ipv6", a.ipv6);
    attachContainer(e, ent.c, by!);
    const pms = x.portMappings.get(ent.c);
    if (pms && pms.length > 0 && e.policies.portMappings.length === 0) e.policies.portMappings.push(...pms);
  }
  // SharedContainers / namespace container resources.
  for (const e of inv.endpoints) {
    for (const cid of x.sharedContainers.get(e) ?? []) {
      const ent = findContainer(list, cid, undefined) ?? upsertContainer(list, cid, undefined, e.sources[0] ?? "");
      attachContainer(e, ent.c, "shared-containers");
    }
  }
  // Endpoint names derived from container ids: winc uses the id, CNI uses "<id>_<network>" (the CNI form also
  // names a container no other dump shows; a bare 64-hex name may be docker's endpoint id, so it only joins).
  for (const e of inv.endpoints) {
    if (e.containerId || !e.endpointName) continue;
    const name = lc(e.endpointName);
    const cni = /^([0-9a-f]{12,64})_./.exec(name);
    if (cni && !findContainer(list, cni[1], undefined)) upsertContainer(list, cni[1], undefined, e.sources[0] ?? "");
    const ent = list.find((x) => x.c.id && (name === x.c.id || (name.startsWith(x.c.id) && name.length > x.c.id.length && name[x.c.id.length] === "_")));
    if (ent) attachContainer(e, ent.c, name === ent.c.id ? "name" : "name-prefix");
  }
  for (const { c } of list) {
    if (c.endpointIds.length === 0 && c.macs.length === 0 && c.ips.length === 0) inv.notes.push(`container ${c.name ?? short(c.id)}: no endpoint found for it`);
    inv.containers.push(c);
  }
}

function sameNetwork(inv: Inventory, a: string, b: string): boolean {
  if (lc(a) === lc(b)) return true;
  const n = networkByName(inv, a);
  return !!n && (lc(n.dockerName) === lc(b) || lc(n.name) === lc(b));
}

/** Container-compartment adapters (ipconfig /allcompartments): give endpoints their compartment and vNIC alias. */
function joinContainerVnics(inv: Inventory, nics: Nic[]): void {
  const { byMac } = endpointIndex(inv);
  for (const n of nics) {
    let e: InvEndpoint | undefined;
    let by: MatchKey | undefined;
    const list = n.macKey ? byMac.get(n.macKey) ?? [] : [];
    if (list.length >= 1) {
      e = list[0];
      by = "mac";
    } else {
      const cands = inv.endpoints.filter((x) => x.ip && n.ips.includes(x.ip) && !x.isRemote);
      if (cands.length === 1) {
        e = cands[0];
        by = "ip";
      }
    }
    if (!e) {
      e = newEndpoint();
      setMac(e, n.mac);
      fill(e, "ip", n.ips[0]);
      inv.endpoints.push(e);
      attachNetwork(inv, e);
      inv.notes.push(`compartment ${n.compartmentId} adapter "${n.alias}" matches no HNS endpoint; kept as an endpoint of its own`);
      by = "same-record";
    }
    e.vNicName = n.alias;
    if (n.compartmentId !== undefined) {
      fill(e, "compartmentId", n.compartmentId);
      link(e.links, "compartment", String(n.compartmentId), by!);
    }
    link(e.links, "container-vnic", n.alias, by!);
    for (const s of n.sources) addUnique(e.sources, s);
    if (e.endpointId && n.compartmentId !== undefined) addUnique(compartment(inv, n.compartmentId).endpointIds, e.endpointId);
    const c = inv.containers.find((x) => (e!.containerId && x.id === e!.containerId) || (e!.containerName && x.name === e!.containerName));
    if (c) {
      addUnique(c.vNicNames, n.alias);
      fill(c, "compartmentId", n.compartmentId);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// vSwitch ports (vfpctrl)

function joinPorts(inv: Inventory, parsed: ParsedSource[]): void {
  const recs: Src<VfpPortRecord>[] = gather(parsed, "vfpPorts");
  for (const { rec, src } of recs) {
    const p: InvPort = { sources: [src] };
    for (const k of ["portName", "portFriendlyName", "switchName", "switchFriendlyName", "nicName", "nicFriendlyName", "portType", "vmName", "vmId"] as const) {
      if (rec[k] !== undefined) p[k] = rec[k];
    }
    setMac(p, rec.mac);
    const same = inv.ports.find((x) => x.portName && x.portName === p.portName);
    if (same) {
      addUnique(same.sources, src);
      continue;
    }
    inv.ports.push(p);
  }
  inv.ports.forEach((p) => {
    const pg = normGuid(p.portName);
    let ei = -1;
    let by: MatchKey | undefined;
    if (p.macKey) {
      const hits = inv.endpoints.map((e, i) => (e.macKey === p.macKey && !e.isRemote ? i : -1)).filter((i) => i >= 0);
      if (hits.length >= 1) {
        ei = hits[0];
        by = "mac";
      }
    }
    if (ei < 0 && pg) {
      ei = inv.endpoints.findIndex((e) => e.portName === pg);
      if (ei >= 0) by = "port-guid";
    }
    if (ei < 0 && p.portFriendlyName) {
      const fg = normGuid(p.portFriendlyName);
      ei = fg ? inv.endpoints.findIndex((e) => e.endpointId === fg) : -1;
      if (ei >= 0) by = "hns-endpoint-id";
    }
    if (ei >= 0 && by) {
      const e = inv.endpoints[ei];
      e.portName = pg ?? p.portName ?? e.portName;
      fill(e, "portFriendlyName", p.portFriendlyName);
      fill(e, "nicName", p.nicName);
      fill(e, "nicFriendlyName", p.nicFriendlyName);
      setMac(e, p.mac);
      link(e.links, "vfp-port", p.portName, by);
      for (const s of p.sources) addUnique(e.sources, s);
      p.owner = { kind: "endpoint", index: ei, matchedBy: by };
      return;
    }
    if (p.macKey) {
      // An external switch's uplink and the host vNIC share the physical MAC: the ExternalPort is the NIC's.
      const uplink = /^ExternalPort$/i.test(p.portFriendlyName ?? "");
      const hi = uplink ? -1 : inv.hostVnics.findIndex((h) => h.macKey === p.macKey);
      if (hi >= 0) {
        const h = inv.hostVnics[hi];
        fill(h, "portName", pg ?? p.portName);
        fill(h, "portFriendlyName", p.portFriendlyName);
        fill(h, "switchName", p.switchFriendlyName);
        link(h.links, "vfp-port", p.portName, "mac");
        p.owner = { kind: "host-vnic", index: hi, matchedBy: "mac" };
        return;
      }
      const xi = inv.externalNics.findIndex((x) => x.macKey === p.macKey);
      if (xi >= 0) {
        const x = inv.externalNics[xi];
        fill(x, "switchName", p.switchFriendlyName);
        link(x.links, "vfp-port", p.portName, "mac");
        p.owner = { kind: "external-nic", index: xi, matchedBy: "mac" };
        return;
      }
    }
    if (/^ExternalPort$/i.test(p.portFriendlyName ?? "")) {
      // The uplink of an external switch: the NIC bound to that switch.
      const sw = inv.switches.find((s) => lc(s.name) === lc(p.switchFriendlyName));
      const xi = sw ? inv.externalNics.findIndex((x) => sameDescription(x.description, sw.netAdapter)) : -1;
      if (xi >= 0) {
        link(inv.externalNics[xi].links, "vfp-port", p.portName, "description");
        p.owner = { kind: "external-nic", index: xi, matchedBy: "description" };
        return;
      }
    }
    inv.notes.push(`vSwitch port ${p.portName ?? "?"} (${p.portFriendlyName ?? "no friendly name"}) on ${p.switchFriendlyName ?? "?"} matches nothing known`);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Host side: host vNICs ↔ networks, external NICs ↔ switches, host endpoints

function joinHostSide(inv: Inventory, x: Scratch): void {
  for (const h of inv.hostVnics) {
    const m = /^vEthernet \((.*)\)$/i.exec(h.alias);
    const inner = m ? m[1] : undefined;
    let n: InvNetwork | undefined;
    let by: MatchKey | undefined;
    const withMac = h.macKey ? inv.networks.find((n2) => macKey(x.hostVnicMac.get(n2)) === h.macKey) : undefined;
    if (withMac) {
      n = withMac;
      by = "mac";
    } else if (inner && (n = inv.networks.find((x) => lc(x.name) === lc(inner) || lc(x.vSwitchName) === lc(inner)))) by = "alias";
    else if (h.switchName && (n = inv.networks.find((x) => lc(x.vSwitchName) === lc(h.switchName) || lc(x.name) === lc(h.switchName)))) by = "name";
    else if (inner && /^HNS Internal NIC$/i.test(inner)) {
      const nats = inv.networks.filter((x) => x.driver === "nat");
      if (nats.length === 1) {
        n = nats[0];
        by = "name";
      }
    }
    if (!n) {
      const gw = inv.networks.filter((x) => x.gateway && h.ips.includes(x.gateway));
      if (gw.length === 1) {
        n = gw[0];
        by = "ip";
      }
    }
    if (n && by) {
      h.networkName = n.name;
      fill(h, "switchName", n.vSwitchName);
      fill(h, "interfaceGuid", x.hostVnicGuid.get(n));
      link(h.links, "network", n.id ?? n.name, by);
      fill(n, "hostVnic", h.alias);
      link(n.links, "host-vnic", h.alias, by);
    }
    // An HNS endpoint with this MAC is a host endpoint (e.g. "cbr0" on l2bridge).
    if (h.macKey) {
      for (const e of inv.endpoints) {
        if (e.macKey === h.macKey) {
          e.isHost = true;
          fill(e, "vNicName", h.alias);
          link(e.links, "host-vnic", h.alias, "mac");
          link(h.links, "hns-endpoint", e.endpointId ?? e.endpointName, "mac");
          if (!h.networkName && e.networkName) {
            h.networkName = e.networkName;
            link(h.links, "network", e.networkId ?? e.networkName, "mac");
          }
        }
      }
    }
  }
  for (const x of inv.externalNics) {
    for (const n of inv.networks) {
      if (n.networkAdapterName && lc(n.networkAdapterName) === lc(x.name)) {
        link(x.links, "network", n.id ?? n.name, "name");
        link(n.links, "external-nic", x.name, "name");
        fill(x, "switchName", n.vSwitchName);
      }
    }
    for (const s of inv.switches) {
      if (s.netAdapter && sameDescription(s.netAdapter, x.description)) {
        x.switchName = s.name;
        link(x.links, "switch", s.id ?? s.name, "description");
        link(s.links, "external-nic", x.name, "description");
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** WinNAT static mappings (Get-NetNatStaticMapping) → the endpoint owning the internal IP. */
function joinNatMappings(inv: Inventory, parsed: ParsedSource[]): void {
  for (const { rec } of gather(parsed, "natMappings")) {
    const owners = inv.endpoints.filter((e) => e.ip === rec.internalIp && !e.isRemote);
    if (owners.length !== 1) {
      inv.notes.push(`NAT mapping ${rec.protocol ?? "?"} ${rec.externalPort ?? "?"} → ${rec.internalIp}:${rec.internalPort ?? "?"}: ${owners.length ? "several endpoints have" : "no endpoint has"} that IP`);
      continue;
    }
    const e = owners[0];
    const pm = e.policies.portMappings;
    const same = pm.find((p) => p.internalPort === rec.internalPort && p.externalPort === rec.externalPort && (!p.protocol || !rec.protocol || p.protocol === rec.protocol));
    if (same) fill(same, "externalIp", rec.externalIp);
    else {
      const m: InvEndpoint["policies"]["portMappings"][number] = {};
      if (rec.protocol) m.protocol = rec.protocol;
      if (rec.internalPort !== undefined) m.internalPort = rec.internalPort;
      if (rec.externalPort !== undefined) m.externalPort = rec.externalPort;
      if (rec.externalIp) m.externalIp = rec.externalIp;
      pm.push(m);
    }
    link(e.links, "nat-mapping", `${rec.protocol ?? "?"}/${rec.externalPort ?? "?"}`, "ip");
  }
}

function joinLoadBalancers(inv: Inventory, parsed: ParsedSource[]): void {
  for (const { rec } of gather(parsed, "hnsLoadBalancers")) {
    const same = rec.id ? inv.loadBalancers.find((l) => l.id === rec.id) : undefined;
    if (same) {
      for (const v of rec.vips) addUnique(same.vips, v);
      for (const e of rec.endpointIds) addUnique(same.endpointIds, e);
      if (same.portMappings.length === 0) same.portMappings.push(...rec.portMappings);
      continue;
    }
    const lb: InvLoadBalancer = { vips: [...rec.vips], endpointIds: [...rec.endpointIds], portMappings: [...rec.portMappings] };
    if (rec.id) lb.id = rec.id;
    inv.loadBalancers.push(lb);
  }
}

function finish(inv: Inventory): void {
  for (const e of inv.endpoints) {
    const names = e.friendlyNames;
    addUnique(names, e.endpointId);
    addUnique(names, e.endpointName);
    addUnique(names, e.portName);
    addUnique(names, e.portFriendlyName);
    addUnique(names, e.nicName);
    addUnique(names, e.nicFriendlyName);
    addUnique(names, e.vNicName);
    if (!e.networkName && !e.isRemote) inv.notes.push(`endpoint ${e.endpointId ?? e.mac ?? e.ip ?? "?"}: network unknown`);
  }
  inv.compartments.sort((a, b) => a.id - b.id);
}
