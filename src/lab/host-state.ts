/**
 * The host state an admin collects next to a capture (collectlogs.ps1 / WindowsContainerNetworking-LoggingAndCleanupAide),
 * in the shapes of the real outputs (../shared/reference/host-samples, hns-model.md):
 *   docker-network-inspect.json, docker-inspect.json (docker CLI JSON);
 *   Get-HnsNetwork.json, Get-HnsEndpoint.json (HNS v1, `| ConvertTo-Json -Depth 10`);
 *   hcn-networks.json, hcn-endpoints.json, hcn-namespaces.json (HCN v2 schema 2.0);
 *   hnsdiag-list-all.txt, ipconfig-allcompartments.txt, Get-VMSwitch.txt, Get-NetAdapter.txt, Get-NetNatStaticMapping.txt,
 *   vfpctrl-list-vmswitch-port.txt (`vfpctrl /list-vmswitch-port`: the one output that names every port and NIC GUID).
 * All names, GUIDs, MACs and addresses are the ones the .etl files carry, so joins can be tested.
 * A stale endpoint (fault staleEndpoint) is what `docker rm` or an HNS restart leaves behind when HNS fails to
 * delete the endpoint (Windows-Containers#631, moby#47576): the container is gone from docker's output, its
 * compartment and vSwitch port are gone (ipconfig, hcn-namespaces, vfpctrl), but HNS still lists the endpoint with
 * its IP and MAC, State 4 (Detached), no SharedContainers, no namespace and no "Endpoint Port" allocator.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Container, Network, Scenario } from "./scenario.js";
import { ipv4FromNumber, macText } from "./frames.js";
import type { World } from "./model/world.js";

const up = (g: string): string => g.toUpperCase();
const dockerMac = (m: Uint8Array): string => macText(m, ":", false);

function mask(prefix: number): string {
  return ipv4FromNumber(prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0);
}

/** "2024-06-10T09:00:00Z" minus a few minutes, as docker's RFC 3339 with 7 fractional digits. */
function created(scn: Scenario, minutesBefore: number, salt: string): string {
  const ms = Number((scn.startTime - 116444736000000000n) / 10_000n) - minutesBefore * 60_000;
  const frac = String(scn.ids.int("created", salt, 10_000_000)).padStart(7, "0");
  return new Date(ms).toISOString().slice(0, 19) + "." + frac + "Z";
}

function hnsNetworkType(n: Network): string {
  return n.driver === "internal" ? "internal" : n.driver === "private" ? "private" : n.driver;
}

function hcnType(n: Network): string | undefined {
  const t: Record<string, string | undefined> = { nat: undefined, transparent: "Transparent", l2bridge: "L2Bridge", l2tunnel: "L2Tunnel", overlay: "Overlay", internal: "Internal", private: "Private" };
  return t[n.driver];
}

function endpointsOf(scn: Scenario, n: Network, world?: World): Container[] {
  return scn.containers.filter((c) => c.network === n && !world?.stale.has(c));
}

export function writeHostState(scn: Scenario, world: World, dir: string): string[] {
  const live = scn.containers.filter((c) => !world.stale.has(c));
  mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  const put = (name: string, text: string): void => {
    const p = join(dir, name);
    writeFileSync(p, text.endsWith("\n") ? text : text + "\n");
    out.push(p);
  };
  const json = (v: unknown): string => JSON.stringify(v, null, 4);

  // ---- docker ----------------------------------------------------------------------------------------------
  put("docker-network-inspect.json", json(scn.networks.map((n) => ({
    Name: n.name, Id: n.dockerId, Created: created(scn, 30, n.name), Scope: "local", Driver: n.driver, EnableIPv6: false,
    IPAM: { Driver: "windows", Options: null, Config: [{ Subnet: n.subnet, Gateway: n.gateway }] },
    Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: "" }, ConfigOnly: false,
    Containers: Object.fromEntries(endpointsOf(scn, n, world).map((c) => [c.id, { Name: c.name, EndpointID: c.dockerEndpointId, MacAddress: dockerMac(c.mac), IPv4Address: `${c.ip}/${n.prefix}`, IPv6Address: "" }])),
    Options: Object.fromEntries(Object.entries(n.options).sort()), Labels: {},
  }))));
  put("docker-inspect.json", json(live.map((c) => {
    const n = c.network;
    const ports: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
    for (const pm of c.ports) ports[`${pm.containerPort}/${pm.protocol}`] = [{ HostIp: "0.0.0.0", HostPort: String(pm.hostPort) }];
    return {
      Id: c.id, Created: created(scn, 20 - c.index, c.name), Path: "cmd", Args: ["/S", "/C", "ping -t localhost"],
      State: { Status: "running", Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 4100 + c.index * 212, ExitCode: 0, Error: "", StartedAt: created(scn, 19 - c.index, c.name + "s"), FinishedAt: "0001-01-01T00:00:00Z" },
      Image: `sha256:${scn.ids.dockerId("image", "servercore")}`, Name: `/${c.name}`, RestartCount: 0, Driver: "windowsfilter", Platform: "windows",
      HostConfig: {
        NetworkMode: n.name, Isolation: "process",
        PortBindings: Object.fromEntries(c.ports.map((pm) => [`${pm.containerPort}/${pm.protocol}`, [{ HostIp: "", HostPort: String(pm.hostPort) }]])),
      },
      Config: { Hostname: c.id.slice(0, 12), Image: "mcr.microsoft.com/windows/servercore:ltsc2019", ExposedPorts: Object.fromEntries(c.ports.map((pm) => [`${pm.containerPort}/${pm.protocol}`, {}])) },
      NetworkSettings: {
        Bridge: "", SandboxID: scn.ids.dockerId("sandbox", c.name), SandboxKey: "", Ports: ports,
        Networks: {
          [n.name]: {
            IPAMConfig: null, Links: null, Aliases: [c.id.slice(0, 12)], MacAddress: dockerMac(c.mac), DriverOpts: null, NetworkID: n.dockerId,
            EndpointID: c.dockerEndpointId, Gateway: n.gateway, IPAddress: c.ip, IPPrefixLen: n.prefix, IPv6Gateway: "", GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0, DNSNames: null,
          },
        },
      },
    };
  })));

  // ---- HNS v1 ----------------------------------------------------------------------------------------------
  const extensions = [
    { Id: "E7C3B2F0-F3C5-48DF-AF2B-10FED6D72E7A", IsEnabled: false, Name: "Microsoft Windows Filtering Platform" },
    { Id: "E9B59CFA-2BE1-4B21-828F-B6FBDBDDC017", IsEnabled: true, Name: "Microsoft Azure VFP Switch Extension" },
    { Id: "EA24CD6C-D17A-4348-9190-09F0D5BE83DD", IsEnabled: true, Name: "Microsoft NDIS Capture" },
  ];
  const remoteEps = world.remoteEndpoints();
  put("Get-HnsNetwork.json", json(scn.networks.map((n) => {
    const subnetPolicies: unknown[] = [];
    if (n.vni !== null) subnetPolicies.push({ Type: "VSID", VSID: n.vni });
    if (n.vlan !== null) subnetPolicies.push({ Type: "VLAN", VLAN: n.vlan });
    const eps = endpointsOf(scn, n).length + n.remoteHosts.reduce((a, h) => a + h.endpoints.length, 0);
    return {
      ActivityId: up(scn.ids.guid("activity", n.name)), AdditionalParams: {}, CurrentEndpointCount: eps, DNSServerCompartment: 1 + n.index + 1,
      DNSServerList: scn.host.dns.join(","),
      ...(n.drMac ? { DrMacAddress: macText(n.drMac) } : {}),
      Extensions: extensions, Flags: 0, Health: { LastErrorCode: 0, LastUpdateTime: Number((scn.startTime - 18_000_000_000n) / 1n) },
      ID: up(n.hnsId), IPv6: false,
      ...(n.layeredOn ? { LayeredOn: up(n.layeredOn.hnsId) } : {}),
      MacPools: [{ EndMacAddress: macText(n.macPool.end), StartMacAddress: macText(n.macPool.start) }],
      ...(n.adapter ? { ManagementIP: n.adapter.ip } : {}),
      MaxConcurrentEndpoints: eps, Name: n.hnsName,
      ...(n.natName ? { NatName: n.natName } : {}),
      ...(n.adapter ? { NetworkAdapterName: n.adapter.name } : {}),
      Policies: [],
      Resources: { AdditionalParams: {}, AllocationOrder: 1, Allocators: [{ AdapterNetCfgInstanceId: n.vswitch.hostVnic ? `{${up(n.vswitch.hostVnic.guid)}}` : undefined, Tag: "Host Vnic", ID: up(scn.ids.guid("alloc-vnic", n.name)), State: 3 }], Health: { LastErrorCode: 0 }, ID: up(scn.ids.guid("activity", n.name)), PortOperationTime: 0, State: 1, SwitchOperationTime: 0, VfpOperationTime: 0, parentId: up(scn.ids.guid("parent", n.name)) },
      State: 1,
      Subnets: [{ AdditionalParams: {}, AddressPrefix: n.subnet, GatewayAddress: n.gateway, Health: { LastErrorCode: 0 }, ID: up(scn.ids.guid("subnet", n.name)), ObjectType: 5, Policies: subnetPolicies, State: 0 }],
      SwitchGuid: n.vswitch.name, TotalEndpoints: eps, Type: hnsNetworkType(n), Version: 38654705666,
    };
  })));
  const endpointPolicies = (c: Container): unknown[] => {
    const pol: unknown[] = [];
    for (const pm of c.ports) pol.push({ ExternalPort: pm.hostPort, InternalPort: pm.containerPort, Protocol: pm.protocol === "tcp" ? 6 : 17, Type: "NAT" });
    for (const a of c.acls) {
      pol.push({
        Type: "ACL", Id: a.id, Action: a.action, Direction: a.direction, Protocols: a.protocol === "any" ? "256" : a.protocol === "icmp" ? "1" : a.protocol === "tcp" ? "6" : "17",
        ...(a.remote ? { RemoteAddresses: a.remote } : {}), ...(a.port !== null ? { LocalPorts: String(a.port) } : {}), RuleType: "Switch", Priority: a.priority,
      });
    }
    if (c.network.driver !== "nat" && c.network.driver !== "internal" && c.network.driver !== "private") pol.push({ Type: "L2Driver" });
    if (c.network.outboundNat) pol.push({ ExceptionList: [c.network.subnet], Type: "OutBoundNAT" });
    return pol;
  };
  put("Get-HnsEndpoint.json", json([
    ...scn.containers.map((c) => world.stale.has(c) ? staleV1(c) : ({
      ActivityId: up(scn.ids.guid("ep-activity", c.name)), AdditionalParams: {}, CreateProcessId: 2400, DNSServerList: c.dns.join(","),
      ...(c.network.driver === "overlay" ? { EncapOverhead: 50 } : {}), GatewayAddress: c.network.gateway, Health: { LastErrorCode: 0, LastUpdateTime: 0 },
      ID: up(c.endpointId), IPAddress: c.ip, IsRemoteEndpoint: false, MacAddress: macText(c.mac), Name: c.endpointName,
      Namespace: { ID: up(scn.ids.guid("namespace", c.name)), IsDefault: false, CompartmentId: c.compartment },
      Policies: endpointPolicies(c), PrefixLength: c.network.prefix,
      Resources: {
        AdditionalParams: {}, AllocationOrder: 3,
        Allocators: [{ AdditionalParams: {}, AllocationOrder: 0, CA: c.ip, EndpointNicGuid: c.nicName, EndpointPortGuid: c.portName, Health: { LastErrorCode: 0 }, ID: up(scn.ids.guid("alloc-port", c.name)), IsPolicy: false, MacAddress: macText(c.mac), State: 3, SwitchId: c.network.vswitch.name, Tag: "Endpoint Port" }],
        Health: { LastErrorCode: 0 }, ID: up(scn.ids.guid("ep-activity", c.name)), PortOperationTime: 0, State: 1, SwitchOperationTime: 0, VfpOperationTime: 0, parentId: up(c.network.hnsId),
      },
      SharedContainers: [c.id], StartTime: Number(scn.startTime - 6_000_000_000n), State: 3, Type: hnsNetworkType(c.network), Version: 38654705666,
      VirtualNetwork: up(c.network.hnsId), VirtualNetworkName: c.network.hnsName,
    })),
    ...remoteEps.map((r) => ({
      ActivityId: up(scn.ids.guid("rep-activity", r.name)), EncapOverhead: 50, ID: up(r.endpointId), IPAddress: r.ip, IsRemoteEndpoint: true,
      MacAddress: macText(r.mac), Name: `remote-${r.name}`, Policies: [{ PA: r.host.pa, Type: "PA" }], PrefixLength: r.network.prefix, State: 1,
      Type: "overlay", Version: 38654705666, VirtualNetwork: up(r.network.hnsId), VirtualNetworkName: r.network.hnsName,
    })),
  ]));

  /** A Detached endpoint HNS did not delete: no container, no namespace, no vSwitch port allocator. */
  function staleV1(c: Container): unknown {
    return {
      ActivityId: up(scn.ids.guid("ep-activity", c.name)), AdditionalParams: {}, CreateProcessId: 2400, DNSServerList: c.dns.join(","),
      GatewayAddress: c.network.gateway, Health: { LastErrorCode: 0, LastUpdateTime: 0 },
      ID: up(c.endpointId), IPAddress: c.ip, IsRemoteEndpoint: false, MacAddress: macText(c.mac), Name: c.endpointName,
      Policies: endpointPolicies(c), PrefixLength: c.network.prefix,
      Resources: {
        AdditionalParams: {}, AllocationOrder: 3, Allocators: [],
        Health: { LastErrorCode: 0 }, ID: up(scn.ids.guid("ep-activity", c.name)), PortOperationTime: 0, State: 1, SwitchOperationTime: 0, VfpOperationTime: 0, parentId: up(c.network.hnsId),
      },
      SharedContainers: [], StartTime: Number(scn.startTime - 6_000_000_000n), State: 4, Type: hnsNetworkType(c.network), Version: 38654705666,
      VirtualNetwork: up(c.network.hnsId), VirtualNetworkName: c.network.hnsName,
    };
  }

  // ---- HCN v2 ----------------------------------------------------------------------------------------------
  put("hcn-networks.json", json(scn.networks.map((n) => {
    const t = hcnType(n);
    const policies: unknown[] = [];
    if (n.adapter) policies.push({ Type: "NetAdapterName", Settings: { NetworkAdapterName: n.adapter.name } });
    if (n.driver === "overlay") {
      policies.push({ Type: "ProviderAddress", Settings: { ProviderAddress: n.adapter!.ip } });
      policies.push({ Type: "DrMacAddress", Settings: { Address: macText(n.drMac!) } });
      for (const h of n.remoteHosts) policies.push({ Type: "RemoteSubnetRoute", Settings: { DestinationPrefix: n.subnet, IsolationId: n.vni, ProviderAddress: h.pa, DistributedRouterMacAddress: macText(n.drMac!) } });
    }
    const subnetPolicies: unknown[] = [];
    if (n.vni !== null) subnetPolicies.push({ Type: "VSID", Settings: { IsolationId: n.vni } });
    if (n.vlan !== null) subnetPolicies.push({ Type: "VLAN", Settings: { IsolationId: n.vlan } });
    return {
      ID: up(n.hnsId), Name: n.hnsName, ...(t ? { Type: t } : {}), Policies: policies,
      MacPool: { Ranges: [{ StartMacAddress: macText(n.macPool.start), EndMacAddress: macText(n.macPool.end) }] },
      Dns: { ServerList: [...scn.host.dns] },
      Ipams: [{ Type: "Static", Subnets: [{ IpAddressPrefix: n.subnet, Policies: subnetPolicies, Routes: [{ NextHop: n.gateway, DestinationPrefix: "0.0.0.0/0" }] }] }],
      Flags: 0, Health: { Extra: { Resources: { Allocators: [{ Tag: "Switch", SwitchId: n.vswitch.name, SwitchName: n.vswitch.friendlyName, SwitchType: n.vswitch.type }] } } },
      SchemaVersion: { Major: 2, Minor: 0 },
    };
  })));
  put("hcn-endpoints.json", json([
    ...scn.containers.map((c) => {
      const pol: unknown[] = c.ports.map((pm) => ({ Type: "PortMapping", Settings: { Protocol: pm.protocol === "tcp" ? 6 : 17, InternalPort: pm.containerPort, ExternalPort: pm.hostPort } }));
      for (const a of c.acls) pol.push({ Type: "ACL", Settings: { Id: a.id, Protocols: a.protocol === "any" ? "256" : a.protocol === "icmp" ? "1" : a.protocol === "tcp" ? "6" : "17", Action: a.action, Direction: a.direction, ...(a.remote ? { RemoteAddresses: a.remote } : {}), ...(a.port !== null ? { LocalPorts: String(a.port) } : {}), RuleType: "Switch", Priority: a.priority } });
      if (c.network.outboundNat) pol.push({ Type: "OutBoundNAT", Settings: { Exceptions: [c.network.subnet] } });
      if (c.network.driver === "overlay") pol.push({ Type: "EncapOverhead", Settings: { Overhead: 50 } });
      if (world.stale.has(c)) {
        return {
          ID: up(c.endpointId), Name: c.endpointName, HostComputeNetwork: up(c.network.hnsId), Policies: pol,
          IpConfigurations: [{ IpAddress: c.ip, PrefixLength: c.network.prefix }], Dns: { ServerList: [...c.dns] },
          Routes: [{ NextHop: c.network.gateway, DestinationPrefix: "0.0.0.0/0" }], MacAddress: macText(c.mac), Flags: 0, SchemaVersion: { Major: 2, Minor: 0 },
        };
      }
      return {
        ID: up(c.endpointId), Name: c.endpointName, HostComputeNetwork: up(c.network.hnsId), HostComputeNamespace: up(scn.ids.guid("namespace", c.name)),
        Policies: pol, IpConfigurations: [{ IpAddress: c.ip, PrefixLength: c.network.prefix }], Dns: { ServerList: [...c.dns] },
        Routes: [{ NextHop: c.network.gateway, DestinationPrefix: "0.0.0.0/0" }], MacAddress: macText(c.mac), Flags: 0,
        Health: { Extra: { Resources: { Allocators: [{ Tag: "Endpoint Port", EndpointPortGuid: c.portName, EndpointNicGuid: c.nicName, SwitchId: c.network.vswitch.name }] } } },
        SchemaVersion: { Major: 2, Minor: 0 },
      };
    }),
    ...remoteEps.map((r) => ({
      ID: up(r.endpointId), Name: `remote-${r.name}`, HostComputeNetwork: up(r.network.hnsId), Policies: [{ Type: "ProviderAddress", Settings: { ProviderAddress: r.host.pa } }],
      IpConfigurations: [{ IpAddress: r.ip, PrefixLength: r.network.prefix }], MacAddress: macText(r.mac), Flags: 1, SchemaVersion: { Major: 2, Minor: 0 },
    })),
  ]));
  put("hcn-namespaces.json", json(live.map((c) => ({
    ID: up(scn.ids.guid("namespace", c.name)), NamespaceId: c.compartment, NamespaceGuid: up(scn.ids.guid("namespace-guid", c.name)), Type: "Host",
    Resources: [{ Type: "Container", Data: { Id: c.id } }, { Type: "Endpoint", Data: { Id: up(c.endpointId) } }], SchemaVersion: { Major: 2, Minor: 0 },
  }))));

  // ---- hnsdiag ---------------------------------------------------------------------------------------------
  const pad = (s: string, n: number): string => (s.length >= n ? s + " " : s.padEnd(n));
  const lines: string[] = ["Networks:", `${pad("Name", 17)}ID`];
  for (const n of scn.networks) lines.push(`${pad(n.hnsName, 17)}${up(n.hnsId)}`);
  lines.push("", "Endpoints:", `${pad("Name", 17)}${pad("ID", 37)}Virtual Network Name`);
  for (const c of scn.containers) lines.push(`${pad(c.endpointName, 17)}${pad(c.endpointId, 37)}${c.network.hnsName}`);
  for (const r of remoteEps) lines.push(`${pad(`remote-${r.name}`, 17)}${pad(r.endpointId, 37)}${r.network.hnsName}`);
  lines.push("", "Namespaces:", `${pad("ID", 37)}| Endpoint IDs`);
  for (const c of live) lines.push(`${pad(scn.ids.guid("namespace", c.name), 37)}| ${c.endpointId}`);
  lines.push("", "LoadBalancers:", `${pad("ID", 37)}| Virtual IPs      | Direct IP IDs`);
  put("hnsdiag-list-all.txt", lines.join("\n"));

  // ---- ipconfig /allcompartments /all ----------------------------------------------------------------------
  const ip: string[] = ["", "Windows IP Configuration", ""];
  const banner = (id: number, active: boolean): void => {
    ip.push("==============================================================================", `Network Information for Compartment ${id}${active ? " (ACTIVE)" : ""}`, "==============================================================================", "");
  };
  const adapter = (alias: string, desc: string, mac: Uint8Array, addr: string, prefix: number, gw: string, dns: readonly string[], ll: string): void => {
    ip.push(`Ethernet adapter ${alias}:`, "");
    ip.push(`   Connection-specific DNS Suffix  . : `);
    ip.push(`   Description . . . . . . . . . . . : ${desc}`);
    ip.push(`   Physical Address. . . . . . . . . : ${macText(mac)}`);
    ip.push(`   DHCP Enabled. . . . . . . . . . . : No`);
    ip.push(`   Autoconfiguration Enabled . . . . : Yes`);
    ip.push(`   Link-local IPv6 Address . . . . . : ${ll}(Preferred) `);
    ip.push(`   IPv4 Address. . . . . . . . . . . : ${addr}(Preferred) `);
    ip.push(`   Subnet Mask . . . . . . . . . . . : ${mask(prefix)}`);
    ip.push(`   Default Gateway . . . . . . . . . : ${gw}`);
    if (dns.length) {
      ip.push(`   DNS Servers . . . . . . . . . . . : ${dns[0]}`);
      for (const d of dns.slice(1)) ip.push(`                                       ${d}`);
    }
    ip.push(`   NetBIOS over Tcpip. . . . . . . . : Enabled`, "");
  };
  const ll = (mac: Uint8Array, ifIndex: number): string => `fe80::${((mac[0] ^ 2) << 8 | mac[1]).toString(16)}:${(mac[2] << 8 | 0xff).toString(16)}:${(0xfe00 | mac[3]).toString(16)}:${(mac[4] << 8 | mac[5]).toString(16)}%${ifIndex}`;
  banner(1, true);
  ip.push(`   Host Name . . . . . . . . . . . . : ${scn.host.name}`, `   Primary Dns Suffix  . . . . . . . : `, `   Node Type . . . . . . . . . . . . : Hybrid`, `   IP Routing Enabled. . . . . . . . : ${scn.networks.some((n) => n.driver === "nat") ? "Yes" : "No"}`, `   WINS Proxy Enabled. . . . . . . . : No`, "");
  for (const h of world.hostIfs) {
    if (h.kind === "physical") adapter(h.name, h.nic!.description, h.mac, h.ip, h.nic!.prefix, h.nic!.gateway, scn.host.dns, ll(h.mac, h.ifIndex));
    else {
      const sw = h.vswitch!;
      const ext = sw.external;
      adapter(h.name, "Hyper-V Virtual Ethernet Adapter" + (h.vnic!.ifIndex > 10 ? ` #${h.vnic!.ifIndex - 9}` : ""), h.mac, h.ip, h.vnic!.prefix, ext ? ext.adapter.gateway : "", ext ? scn.host.dns : [], ll(h.mac, h.ifIndex));
    }
  }
  for (const c of live) {
    banner(c.compartment, false);
    adapter(`vEthernet (${c.nicFriendlyName})`, "Hyper-V Virtual Ethernet Container Adapter", c.mac, c.ip, c.network.prefix, c.network.driver === "private" ? "" : c.network.gateway, c.dns, ll(c.mac, c.ifIndex));
  }
  put("ipconfig-allcompartments.txt", ip.join("\n"));

  // ---- Get-VMSwitch / Get-NetAdapter / Get-NetNatStaticMapping ----------------------------------------------
  const table = (cols: string[], rows: string[][]): string => {
    const w = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]): string => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(w[i]))).join(" ").trimEnd();
    return ["", fmt(cols), fmt(cols.map((c) => "-".repeat(c.length))), ...rows.map(fmt), ""].join("\n");
  };
  put("Get-VMSwitch.txt", table(["Name", "SwitchType", "NetAdapterInterfaceDescription"], scn.switches.map((s) => [s.friendlyName, s.type, s.external ? s.external.adapter.description : ""])));
  const adapters: string[][] = [];
  for (const h of world.hostIfs) {
    if (h.kind === "host-vnic") adapters.push([h.name, "Hyper-V Virtual Ethernet Adapter" + (h.vnic!.ifIndex > 10 ? ` #${h.vnic!.ifIndex - 9}` : ""), String(h.ifIndex), "Up", macText(h.mac), "10 Gbps"]);
  }
  for (const n of scn.host.nics) adapters.push([n.name, n.description, String(n.ifIndex), "Up", macText(n.mac), "40 Gbps"]);
  put("Get-NetAdapter.txt", table(["Name", "InterfaceDescription", "ifIndex", "Status", "MacAddress", "LinkSpeed"], adapters));
  const maps: string[][] = [];
  for (const [n, t] of world.winnat) for (const s of t.staticMappings()) maps.push([String(s.proto === 6 ? "TCP" : "UDP"), s.externalIp === world.defaultRoute().ip ? "0.0.0.0" : s.externalIp, String(s.externalPort), s.internalIp, String(s.internalPort), n.natName ?? ""]);
  if (maps.length) put("Get-NetNatStaticMapping.txt", table(["Protocol", "ExternalIPAddress", "ExternalPort", "InternalIPAddress", "InternalPort", "NatName"], maps));

  // ---- vfpctrl /list-vmswitch-port ---------------------------------------------------------------------------
  const vfp: string[] = ["", "ITEM LIST", "===========", ""];
  const kv = (k: string, v: string | number): void => {
    vfp.push(`   ${k.padEnd(20)} : ${v}`);
  };
  for (const sw of scn.switches) {
    for (const p of world.portsOf(sw)) {
      kv("Port name", p.portName);
      kv("Port Friendly name", p.portFriendlyName);
      kv("Switch name", sw.name);
      kv("Switch Friendly name", sw.friendlyName);
      kv("PortId", p.portId);
      kv("VMQ Usage", 0);
      kv("SR-IOV Usage", 0);
      kv("Port type", p.kind === "external" ? "External" : p.kind === "host-vnic" ? "Internal" : "Synthetic");
      vfp.push("   Port is Initialized.", "   MAC Learning is Disabled.");
      // The NIC name as VmSwitch events carry it (a process-isolated container has no VM, so no "<VM ID>--" prefix).
      kv("NIC name", p.nicName);
      kv("NIC Friendly name", p.nicFriendlyName);
      kv("MTU", p.container ? p.container.network.mtu : p.hostVnic ? p.hostVnic.mtu : p.adapter ? p.adapter.mtu : 1500);
      kv("MAC address", macText(p.mac));
      vfp.push("");
    }
  }
  vfp.push("Command list-vmswitch-port succeeded!");
  put("vfpctrl-list-vmswitch-port.txt", vfp.join("\n"));
  return out;
}
