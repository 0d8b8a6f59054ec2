/**
 * HNS v1 objects: `Get-HnsNetwork`, `Get-HnsEndpoint`, `Get-HnsNamespace`, `Get-HnsPolicyList`, as JSON
 * (`ConvertTo-Json`, raw HNS responses `{Success, Error, Output}`) or as `Format-List` text. Unknown keys are
 * ignored; everything is optional.
 */
import type { HnsEndpointRecord, HnsLoadBalancerRecord, HnsNamespaceRecord, HnsNetworkRecord, SubnetRecord } from "../types.js";
import type { Obj } from "../text.js";
import { arr, bool, isObj, normGuid, normIp, normalizeMac, num, prop, str, strList } from "../text.js";
import { parsePsValue } from "../pshash.js";
import { policiesOf, portMappingOf, summarizePolicies } from "./policies.js";

export type HnsKind =
  | "v1-network"
  | "v1-endpoint"
  | "v1-namespace"
  | "v1-policylist"
  | "v2-network"
  | "v2-endpoint"
  | "v2-namespace"
  | "v2-loadbalancer";

const NET_TYPES = ["nat", "transparent", "l2bridge", "l2tunnel", "overlay", "ics", "private", "internal", "mirrored", "constrainedics", "infiniband"];
const NS_TYPES = ["host", "hostdefault", "guest", "guestdefault"];

function has(o: Obj, ...keys: string[]): boolean {
  return prop(o, ...keys) !== undefined;
}

/** Which HNS object this is, or null. Checks v2 first (its keys are distinctive), then v1. */
export function classifyHns(o: Obj): HnsKind | null {
  if (has(o, "HostComputeEndpoints", "FrontendVIPs")) return "v2-loadbalancer";
  if (Array.isArray(prop(o, "References"))) return "v1-policylist";
  if (has(o, "HostComputeNetwork", "IpConfigurations", "HostComputeNamespace")) return "v2-endpoint";
  if (has(o, "NamespaceId", "NamespaceGuid")) return "v2-namespace";
  const type = (str(o, "Type") ?? "").toLowerCase();
  const resources = prop(o, "Resources");
  if (Array.isArray(resources) && NS_TYPES.includes(type)) return "v2-namespace";
  if (has(o, "Ipams", "MacPool")) return "v2-network";
  if (has(o, "VirtualNetwork", "VirtualNetworkName", "IsRemoteEndpoint", "SharedContainers")) return "v1-endpoint";
  if (has(o, "MacAddress") && has(o, "IPAddress", "PrefixLength", "GatewayAddress") && !has(o, "Subnets")) return "v1-endpoint";
  if (has(o, "CompartmentId", "CompartmentGuid") && has(o, "IsDefault", "ResourceList", "Containers")) return "v1-namespace";
  if (has(o, "Subnets", "MacPools", "NetworkAdapterName", "ManagementIP", "DrMacAddress", "LayeredOn", "NatName", "DNSServerCompartment")) return "v1-network";
  const schema = prop(o, "SchemaVersion");
  const id = normGuid(str(o, "ID", "Id"));
  if (id && str(o, "Name") && num(schema, "Major") !== undefined && (num(schema, "Major") ?? 0) >= 2) {
    if (type === "" || NET_TYPES.includes(type)) return "v2-network";
  }
  if (id && str(o, "Name") && NET_TYPES.includes(type)) return "v1-network";
  return null;
}

/** Searches an object tree (Resources.Allocators and the like) for the first value of one of `keys`. */
export function findDeep(o: unknown, keys: string[], depth = 0): string | undefined {
  if (depth > 8) return undefined;
  if (Array.isArray(o)) {
    for (const x of o) {
      const v = findDeep(x, keys, depth + 1);
      if (v) return v;
    }
    return undefined;
  }
  if (!isObj(o)) return undefined;
  const direct = str(o, ...keys);
  if (direct) return direct;
  for (const v of Object.values(o)) {
    if (typeof v === "object" && v !== null) {
      const r = findDeep(v, keys, depth + 1);
      if (r) return r;
    }
  }
  return undefined;
}

/** The allocator with the given Tag in `Resources.Allocators` (v1 objects), if any. */
function allocator(o: Obj, tag: string): Obj | undefined {
  const list = arr(prop(o, "Resources"), "Allocators");
  return list.find((a): a is Obj => isObj(a) && (str(a, "Tag") ?? "").toLowerCase() === tag.toLowerCase());
}

const ENDPOINT_STATES = ["Uninitialized", "Created", "Attached", "AttachedSharing", "Detached", "Degraded", "Destroyed"];

/** v1 endpoint State: 2 → "Attached"; strings kept. */
export function endpointState(v: unknown): string | undefined {
  if (typeof v === "number") return ENDPOINT_STATES[v] ?? String(v);
  if (typeof v === "string" && v.trim() !== "") return /^\d+$/.test(v.trim()) ? ENDPOINT_STATES[Number(v)] ?? v.trim() : v.trim();
  return undefined;
}

function subnetsV1(o: Obj): SubnetRecord[] {
  const out: SubnetRecord[] = [];
  for (const s of arr(o, "Subnets")) {
    if (typeof s === "string") {
      if (s.includes("/")) out.push({ prefix: s });
      continue;
    }
    const prefix = str(s, "AddressPrefix", "IpAddressPrefix");
    if (!prefix) continue;
    const rec: SubnetRecord = { prefix };
    const gw = normIp(str(s, "GatewayAddress"));
    if (gw) rec.gateway = gw;
    const pol = summarizePolicies(arr(s, "Policies"));
    if (pol.vsid !== undefined) rec.vsid = pol.vsid;
    if (pol.vlan !== undefined) rec.vlan = pol.vlan;
    out.push(rec);
  }
  // Table rows from collectlogs carry only AddressPrefix.
  if (out.length === 0) {
    for (const p of strList(o, "AddressPrefix")) if (p.includes("/")) out.push({ prefix: p });
  }
  return out;
}

export function hnsNetworkV1(o: Obj, schema: HnsNetworkRecord["schema"] = "v1"): HnsNetworkRecord {
  const pol = policiesOf(o);
  const rec: HnsNetworkRecord = { schema, subnets: subnetsV1(o), policyTypes: pol.types };
  const id = normGuid(str(o, "ID", "Id"));
  if (id) rec.id = id;
  const name = str(o, "Name");
  if (name) rec.name = name;
  const type = str(o, "Type");
  if (type) rec.type = type.toLowerCase();
  const adapter = str(o, "NetworkAdapterName");
  if (adapter) rec.networkAdapterName = adapter;
  const smac = normalizeMac(str(o, "SourceMac"));
  if (smac) rec.sourceMac = smac;
  const mip = normIp(str(o, "ManagementIP"));
  if (mip) rec.managementIp = mip;
  const dr = normalizeMac(str(o, "DrMacAddress"));
  if (dr) rec.drMac = dr;
  const lo = normGuid(str(o, "LayeredOn"));
  if (lo) rec.layeredOn = lo;
  const nat = str(o, "NatName");
  if (nat) rec.natName = nat;
  const dc = num(o, "DNSServerCompartment");
  if (dc !== undefined) rec.dnsServerCompartment = dc;
  const sw = normGuid(str(o, "SwitchGuid", "SwitchId") ?? findDeep(prop(o, "Resources"), ["SwitchId", "SwitchGuid", "VSwitchId"]));
  if (sw) rec.switchId = sw;
  const hv = allocator(o, "Host Vnic");
  const hvMac = hv ? normalizeMac(str(hv, "MacAddress")) : null;
  if (hvMac) rec.hostVnicMac = hvMac;
  const hvGuid = hv ? normGuid(str(hv, "AdapterNetCfgInstanceId", "InterfaceGuid")) : null;
  if (hvGuid) rec.hostVnicGuid = hvGuid;
  for (const p of arr(o, "Policies")) {
    const t = (str(p, "Type") ?? "").toLowerCase();
    if (t === "vxlanport") {
      const port = num(prop(p, "Settings") ?? p, "Port");
      if (port !== undefined) rec.vxlanPort = port;
    }
  }
  return rec;
}

export function hnsEndpointV1(o: Obj, schema: HnsEndpointRecord["schema"] = "v1"): HnsEndpointRecord {
  const rec: HnsEndpointRecord = { schema, sharedContainers: [], policies: policiesOf(o) };
  const id = normGuid(str(o, "ID", "Id"));
  if (id) rec.id = id;
  const name = str(o, "Name");
  if (name) rec.name = name;
  const net = normGuid(str(o, "VirtualNetwork"));
  if (net) rec.networkId = net;
  const netName = str(o, "VirtualNetworkName");
  if (netName) rec.networkName = netName;
  const type = str(o, "Type");
  if (type) rec.networkType = type.toLowerCase();
  const mac = normalizeMac(str(o, "MacAddress"));
  if (mac) rec.mac = mac;
  const ip = normIp(str(o, "IPAddress", "IpAddress"));
  if (ip) rec.ip = ip;
  const ip6 = normIp(str(o, "IPv6Address"));
  if (ip6) rec.ipv6 = ip6;
  const pl = num(o, "PrefixLength");
  if (pl !== undefined) rec.prefixLength = pl;
  const gw = normIp(str(o, "GatewayAddress"));
  if (gw) rec.gateway = gw;
  const remote = bool(o, "IsRemoteEndpoint");
  if (remote !== undefined) rec.isRemote = remote;
  const state = endpointState(prop(o, "State"));
  if (state) rec.state = state;
  const ns = prop(o, "Namespace");
  const nsId = normGuid(typeof ns === "string" ? ns : str(ns, "ID", "Id"));
  if (nsId) rec.namespaceId = nsId;
  const comp = num(ns, "CompartmentId") ?? num(o, "CompartmentId");
  if (comp !== undefined) rec.compartmentId = comp;
  rec.sharedContainers = strList(o, "SharedContainers");
  const port = allocator(o, "Endpoint Port");
  const portGuid = normGuid(port ? str(port, "EndpointPortGuid", "PortId", "ID") : findDeep(prop(o, "Resources"), ["EndpointPortGuid"]));
  if (portGuid) rec.portGuid = portGuid;
  const nic = findDeep(prop(o, "Resources"), ["EndpointNicGuid", "NicGuid"]);
  if (nic) rec.nicName = normGuid(nic) ?? nic;
  const sw = normGuid(findDeep(prop(o, "Resources"), ["SwitchId", "SwitchGuid"]));
  if (sw) rec.switchId = sw;
  if (rec.policies.providerAddress && rec.isRemote === undefined) rec.isRemote = true;
  return rec;
}

export function hnsNamespaceV1(o: Obj, schema: HnsNamespaceRecord["schema"] = "v1"): HnsNamespaceRecord {
  const rec: HnsNamespaceRecord = { schema, endpointIds: [], containerIds: [] };
  const id = normGuid(str(o, "ID", "Id"));
  if (id) rec.id = id;
  const c = num(o, "CompartmentId", "CompartmentID");
  if (c !== undefined) rec.compartmentId = c;
  const g = normGuid(str(o, "CompartmentGuid"));
  if (g) rec.compartmentGuid = g;
  const d = bool(o, "IsDefault");
  if (d !== undefined) rec.isDefault = d;
  const t = str(o, "Type");
  if (t) rec.type = t;
  for (const r of arr(o, "ResourceList")) {
    const rid = normGuid(str(prop(r, "Data"), "Id", "ID"));
    if (!rid) continue;
    if ((str(r, "Type") ?? "").toLowerCase() === "container") rec.containerIds.push(rid);
    else rec.endpointIds.push(rid);
  }
  // collectlogs' namespaces.txt table: EndpointID column.
  for (const e of strList(o, "EndpointID", "EndpointIDs", "Endpoint IDs")) {
    const g2 = normGuid(e);
    if (g2 && !rec.endpointIds.includes(g2)) rec.endpointIds.push(g2);
  }
  for (const cid of strList(o, "Containers")) if (!rec.containerIds.includes(cid)) rec.containerIds.push(cid);
  return rec;
}

export function hnsPolicyListV1(o: Obj): HnsLoadBalancerRecord {
  const rec: HnsLoadBalancerRecord = { vips: [], endpointIds: [], portMappings: [] };
  const id = normGuid(str(o, "ID", "Id"));
  if (id) rec.id = id;
  for (const ref of strList(o, "References")) {
    const g = normGuid(ref.split("/").filter(Boolean).pop() ?? "");
    if (g) rec.endpointIds.push(g);
  }
  for (const p of arr(o, "Policies")) {
    if ((str(p, "Type") ?? "").toUpperCase() !== "ELB") continue;
    for (const v of strList(p, "VIPs")) if (!rec.vips.includes(v)) rec.vips.push(v);
    const src = str(p, "SourceVIP");
    if (src) rec.sourceVip = src;
    rec.portMappings.push(portMappingOf(p));
    const dsr = bool(p, "IsDSR");
    if (dsr !== undefined) rec.dsr = dsr;
  }
  return rec;
}

/** Turns a Format-List block's raw strings into an object (values parsed as PowerShell renderings). */
export function listBlockToObject(props: Record<string, string>): Obj {
  const o: Obj = {};
  for (const [k, v] of Object.entries(props)) o[k] = parsePsValue(v);
  return o;
}
