/**
 * docker's own views: `docker network inspect` (networks with their attached containers), `docker inspect
 * <container>` (a container's networks, MACs, IPs and published ports) and the `docker ps` table.
 * docker writes MACs as "00:15:5d:…"; its EndpointID is libnetwork's, not HNS's.
 */
import type { DockerAttachment, DockerContainerRecord, DockerNetworkRecord, PortMapping } from "../types.js";
import type { Obj } from "../text.js";
import { arr, bool, isObj, normGuid, normIp, normalizeMac, num, prop, str } from "../text.js";
import type { Table } from "../formats.js";
import { cell } from "../formats.js";

export function isDockerNetwork(o: Obj): boolean {
  return "IPAM" in o || ("Driver" in o && "Scope" in o) || ("Id" in o && "Containers" in o && "Options" in o);
}

export function isDockerContainer(o: Obj): boolean {
  return "NetworkSettings" in o || ("Id" in o && "HostConfig" in o) || ("Id" in o && "Config" in o && "State" in o);
}

/** "172.28.96.5/20" → address and prefix length. */
function splitCidr(s: string | undefined): { ip?: string; len?: number } {
  if (!s) return {};
  const [a, l] = s.split("/");
  const ip = normIp(a);
  const out: { ip?: string; len?: number } = {};
  if (ip) out.ip = ip;
  if (l && /^\d+$/.test(l)) out.len = Number(l);
  return out;
}

export function dockerNetwork(o: Obj): DockerNetworkRecord {
  const rec: DockerNetworkRecord = { subnets: [], gateways: [], attachments: [] };
  const id = str(o, "Id", "ID");
  if (id) rec.id = id.toLowerCase();
  const name = str(o, "Name");
  if (name) rec.name = name;
  const driver = str(o, "Driver");
  if (driver) rec.driver = driver.toLowerCase();
  for (const c of arr(prop(o, "IPAM"), "Config")) {
    const s = str(c, "Subnet");
    if (s) rec.subnets.push(s);
    const g = normIp(str(c, "Gateway"));
    if (g) rec.gateways.push(g);
  }
  const internal = bool(o, "Internal");
  if (internal !== undefined) rec.internal = internal;
  const opts = prop(o, "Options");
  if (isObj(opts)) {
    const hnsId = normGuid(str(opts, "com.docker.network.windowsshim.hnsid"));
    if (hnsId) rec.hnsId = hnsId;
    const hnsName = str(opts, "com.docker.network.windowsshim.networkname");
    if (hnsName) rec.hnsName = hnsName;
    const vsid = num(opts, "com.docker.network.windowsshim.vsid");
    if (vsid !== undefined) rec.vsid = vsid;
    const iface = str(opts, "com.docker.network.windowsshim.interface");
    if (iface) rec.networkAdapterName = iface;
  }
  const containers = prop(o, "Containers");
  if (isObj(containers)) {
    for (const [cid, c] of Object.entries(containers)) {
      if (!isObj(c)) continue;
      const a: DockerAttachment = {};
      if (/^[0-9a-f]{12,64}$/i.test(cid)) a.containerId = cid.toLowerCase();
      const cname = str(c, "Name");
      if (cname) a.containerName = cname.replace(/^\//, "");
      if (rec.name) a.networkName = rec.name;
      if (rec.id) a.networkId = rec.id;
      const ep = str(c, "EndpointID");
      if (ep) a.endpointId = ep.toLowerCase();
      const mac = normalizeMac(str(c, "MacAddress"));
      if (mac) a.mac = mac;
      const v4 = splitCidr(str(c, "IPv4Address"));
      if (v4.ip) a.ip = v4.ip;
      if (v4.len !== undefined) a.prefixLength = v4.len;
      const v6 = splitCidr(str(c, "IPv6Address"));
      if (v6.ip) a.ipv6 = v6.ip;
      rec.attachments.push(a);
    }
  }
  return rec;
}

function portsOf(ports: unknown): PortMapping[] {
  const out: PortMapping[] = [];
  if (!isObj(ports)) return out;
  for (const [k, v] of Object.entries(ports)) {
    const m = /^(\d+)(?:\/(\w+))?$/.exec(k);
    if (!m) continue;
    const bindings = Array.isArray(v) ? v : [];
    for (const b of bindings) {
      const pm: PortMapping = { internalPort: Number(m[1]), protocol: (m[2] ?? "tcp").toUpperCase() };
      const hp = num(b, "HostPort");
      if (hp !== undefined) pm.externalPort = hp;
      const hip = str(b, "HostIp");
      if (hip) pm.externalIp = hip;
      out.push(pm);
    }
  }
  return out;
}

export function dockerContainer(o: Obj): DockerContainerRecord {
  const rec: DockerContainerRecord = { networks: [], portMappings: [] };
  const id = str(o, "Id", "ID");
  if (id) rec.id = id.toLowerCase();
  const name = str(o, "Name");
  if (name) rec.name = name.replace(/^\//, "");
  const config = prop(o, "Config");
  const host = str(config, "Hostname");
  if (host) rec.hostName = host;
  const image = str(config, "Image");
  if (image) rec.image = image;
  const iso = str(prop(o, "HostConfig"), "Isolation");
  if (iso) rec.isolation = iso;
  const status = str(prop(o, "State"), "Status");
  if (status) rec.status = status;
  const ns = prop(o, "NetworkSettings");
  const nets = prop(ns, "Networks");
  if (isObj(nets)) {
    for (const [netName, n] of Object.entries(nets)) {
      if (!isObj(n)) continue;
      const a: DockerAttachment = { networkName: netName };
      if (rec.id) a.containerId = rec.id;
      if (rec.name) a.containerName = rec.name;
      const nid = str(n, "NetworkID");
      if (nid) a.networkId = nid.toLowerCase();
      const ep = str(n, "EndpointID");
      if (ep) a.endpointId = ep.toLowerCase();
      const mac = normalizeMac(str(n, "MacAddress"));
      if (mac) a.mac = mac;
      const ip = normIp(str(n, "IPAddress"));
      if (ip) a.ip = ip;
      const pl = num(n, "IPPrefixLen");
      if (pl !== undefined && pl > 0) a.prefixLength = pl;
      const ip6 = normIp(str(n, "GlobalIPv6Address"));
      if (ip6) a.ipv6 = ip6;
      const gw = normIp(str(n, "Gateway"));
      if (gw) a.gateway = gw;
      rec.networks.push(a);
    }
  }
  rec.portMappings = portsOf(prop(ns, "Ports"));
  if (rec.portMappings.length === 0) rec.portMappings = portsOf(prop(prop(o, "HostConfig"), "PortBindings"));
  return rec;
}

/** `docker ps` rows → containers (short id and name). */
export function dockerPs(t: Table): DockerContainerRecord[] {
  const out: DockerContainerRecord[] = [];
  for (const row of t.rows) {
    const id = cell(row, "CONTAINER ID");
    const name = cell(row, "NAMES");
    if (!id || !/^[0-9a-f]{12,64}$/i.test(id)) continue;
    const rec: DockerContainerRecord = { id: id.toLowerCase(), networks: [], portMappings: [] };
    if (name) rec.name = name;
    const image = cell(row, "IMAGE");
    if (image) rec.image = image;
    const status = cell(row, "STATUS");
    if (status) rec.status = status;
    out.push(rec);
  }
  return out;
}
