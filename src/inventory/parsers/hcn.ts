/**
 * HCN (HNS schema v2) objects as JSON: HostComputeNetwork, HostComputeEndpoint, HostComputeNamespace,
 * HostComputeLoadBalancer (hcsshim/hcn; containerd, CNI, kube-proxy, `Get-HnsNetwork -Version 2`).
 * A network without `Type` is NAT (HNS omits the zero enum value).
 */
import type { HnsEndpointRecord, HnsLoadBalancerRecord, HnsNamespaceRecord, HnsNetworkRecord, SubnetRecord } from "../types.js";
import type { Obj } from "../text.js";
import { arr, isIpv4, isObj, normGuid, normIp, normalizeMac, num, prop, str, strList } from "../text.js";
import { policiesOf, portMappingOf, summarizePolicies } from "./policies.js";
import { endpointState, findDeep } from "./hns.js";

export function hcnNetwork(o: Obj): HnsNetworkRecord {
  const pol = policiesOf(o);
  const rec: HnsNetworkRecord = { schema: "v2", subnets: [], policyTypes: pol.types };
  const id = normGuid(str(o, "ID", "Id"));
  if (id) rec.id = id;
  const name = str(o, "Name");
  if (name) rec.name = name;
  rec.type = (str(o, "Type") ?? "nat").toLowerCase();
  for (const ipam of arr(o, "Ipams")) {
    for (const s of arr(ipam, "Subnets")) {
      const prefix = str(s, "IpAddressPrefix", "AddressPrefix");
      if (!prefix) continue;
      const sub: SubnetRecord = { prefix };
      for (const r of arr(s, "Routes")) {
        const dest = str(r, "DestinationPrefix") ?? "";
        const hop = normIp(str(r, "NextHop"));
        if (hop && (dest === "0.0.0.0/0" || dest === "::/0" || dest === "")) {
          sub.gateway = hop;
          break;
        }
      }
      const sp = summarizePolicies(arr(s, "Policies"));
      if (sp.vsid !== undefined) sub.vsid = sp.vsid;
      if (sp.vlan !== undefined) sub.vlan = sp.vlan;
      rec.subnets.push(sub);
    }
  }
  for (const p of arr(o, "Policies")) {
    const t = (str(p, "Type") ?? "").toLowerCase();
    const s = isObj(prop(p, "Settings")) ? prop(p, "Settings") : p;
    if (t === "netadaptername") {
      const n = str(s, "NetworkAdapterName");
      if (n) rec.networkAdapterName = n;
    } else if (t === "drmacaddress") {
      const m = normalizeMac(str(s, "Address"));
      if (m) rec.drMac = m;
    } else if (t === "vxlanport") {
      const port = num(s, "Port");
      if (port !== undefined) rec.vxlanPort = port;
    } else if (t === "provideraddress") {
      const pa = normIp(str(s, "ProviderAddress"));
      if (pa) rec.managementIp = pa;
    } else if (t === "sourcemacaddress") {
      const m = normalizeMac(str(s, "SourceMacAddress", "Address"));
      if (m) rec.sourceMac = m;
    }
  }
  // Allocators may sit under Resources or Health.Extra.Resources.
  const sw = normGuid(findDeep(o, ["SwitchId", "SwitchGuid"]));
  if (sw) rec.switchId = sw;
  const swName = findDeep(o, ["SwitchName"]);
  if (swName) rec.switchName = swName;
  const swType = findDeep(o, ["SwitchType"]);
  if (swType) rec.switchType = swType.toLowerCase();
  return rec;
}

export function hcnEndpoint(o: Obj): HnsEndpointRecord {
  const rec: HnsEndpointRecord = { schema: "v2", sharedContainers: [], policies: policiesOf(o) };
  const id = normGuid(str(o, "ID", "Id"));
  if (id) rec.id = id;
  const name = str(o, "Name");
  if (name) rec.name = name;
  const net = normGuid(str(o, "HostComputeNetwork"));
  if (net) rec.networkId = net;
  const ns = normGuid(str(o, "HostComputeNamespace"));
  if (ns) rec.namespaceId = ns;
  const mac = normalizeMac(str(o, "MacAddress"));
  if (mac) rec.mac = mac;
  for (const c of arr(o, "IpConfigurations")) {
    const ip = normIp(str(c, "IpAddress"));
    if (!ip) continue;
    if (isIpv4(ip)) {
      if (!rec.ip) {
        rec.ip = ip;
        const pl = num(c, "PrefixLength");
        if (pl !== undefined) rec.prefixLength = pl;
      }
    } else if (!rec.ipv6) rec.ipv6 = ip;
  }
  for (const r of arr(o, "Routes")) {
    const hop = normIp(str(r, "NextHop"));
    if (hop && isIpv4(hop)) {
      rec.gateway = hop;
      break;
    }
  }
  const flags = num(o, "Flags");
  if (flags !== undefined) rec.isRemote = (flags & 1) === 1;
  const st = endpointState(prop(o, "State"));
  if (st) rec.state = st;
  if (rec.policies.portName) {
    const pg = normGuid(rec.policies.portName);
    if (pg) rec.portGuid = pg;
  }
  // Allocators (Resources or Health.Extra.Resources), when HNS includes them.
  const port = normGuid(findDeep(o, ["EndpointPortGuid"]));
  if (port && !rec.portGuid) rec.portGuid = port;
  const nic = findDeep(o, ["EndpointNicGuid"]);
  if (nic) rec.nicName = normGuid(nic) ?? nic;
  const sw = normGuid(findDeep(o, ["SwitchId"]));
  if (sw) rec.switchId = sw;
  if (rec.policies.providerAddress && rec.isRemote === undefined) rec.isRemote = true;
  return rec;
}

export function hcnNamespace(o: Obj): HnsNamespaceRecord {
  const rec: HnsNamespaceRecord = { schema: "v2", endpointIds: [], containerIds: [] };
  const id = normGuid(str(o, "ID", "Id"));
  if (id) rec.id = id;
  const c = num(o, "NamespaceId", "CompartmentId", "CompartmentID");
  if (c !== undefined) rec.compartmentId = c;
  const g = normGuid(str(o, "NamespaceGuid", "CompartmentGuid"));
  if (g) rec.compartmentGuid = g;
  const t = str(o, "Type");
  if (t) rec.type = t;
  for (const r of arr(o, "Resources")) {
    const rid = str(prop(r, "Data"), "Id", "ID");
    if (!rid) continue;
    if ((str(r, "Type") ?? "").toLowerCase() === "container") rec.containerIds.push(rid);
    else {
      const g2 = normGuid(rid);
      if (g2) rec.endpointIds.push(g2);
    }
  }
  return rec;
}

export function hcnLoadBalancer(o: Obj): HnsLoadBalancerRecord {
  const rec: HnsLoadBalancerRecord = { vips: strList(o, "FrontendVIPs"), endpointIds: [], portMappings: [] };
  const id = normGuid(str(o, "ID", "Id"));
  if (id) rec.id = id;
  for (const e of strList(o, "HostComputeEndpoints")) {
    const g = normGuid(e);
    if (g) rec.endpointIds.push(g);
  }
  const src = str(o, "SourceVIP");
  if (src) rec.sourceVip = src;
  for (const pm of arr(o, "PortMappings")) rec.portMappings.push(portMappingOf(pm));
  const flags = num(o, "Flags");
  if (flags !== undefined) rec.dsr = (flags & 1) === 1;
  return rec;
}
