/**
 * Host-state inventory: the records the parsers produce (one shape per source, "plain records") and the joined
 * Inventory that later stages query. Everything is optional because real host dumps are partial.
 */

/** What a piece of input was recognised as. */
export type SourceFormat =
  | "docker-network-inspect"
  | "docker-inspect"
  | "docker-ps"
  | "hcs-config"
  | "hns-v1-json"
  | "hns-v1-list"
  | "hns-table"
  | "hcn-v2-json"
  | "hnsdiag"
  | "ipconfig"
  | "netadapter"
  | "netipaddress"
  | "vmswitch"
  | "vmnetworkadapter"
  | "netnatstaticmapping"
  | "vfpctrl";

// ---------------------------------------------------------------------------------------------------------------
// Parser records

export interface PortMapping {
  protocol?: string;
  internalPort?: number;
  externalPort?: number;
  /** Host / VIP address of the mapping, when given. */
  externalIp?: string;
}

export interface AclRule {
  id?: string;
  action?: string;
  direction?: string;
  protocols?: string;
  localAddresses?: string;
  remoteAddresses?: string;
  localPorts?: string;
  remotePorts?: string;
  ruleType?: string;
  priority?: number;
}

/** A summary of the HNS policies on an endpoint (v1 and v2 policy shapes both land here). */
export interface PolicySummary {
  portMappings: PortMapping[];
  acls: AclRule[];
  outboundNat?: { vip?: string; exceptions: string[] };
  /** Provider address (PA policy / ProviderAddress): the outer VXLAN address of a remote endpoint. */
  providerAddress?: string;
  vsid?: number;
  vlan?: number;
  routes: { destination?: string; nextHop?: string; encap?: boolean }[];
  /** Every policy type seen, in order (e.g. "NAT", "OutBoundNAT", "L2Driver", "PortName"). */
  types: string[];
  /** v2 PortName policy: the vSwitch port name HNS used. */
  portName?: string;
}

export interface SubnetRecord {
  prefix: string;
  gateway?: string;
  vsid?: number;
  vlan?: number;
}

/** An HNS network (v1 Get-HnsNetwork, v2 HCN, hnsdiag row or collectlogs table row). */
export interface HnsNetworkRecord {
  schema: "v1" | "v2" | "hnsdiag" | "table";
  id?: string;
  name?: string;
  /** Driver / network type as written (lower-cased): nat, transparent, l2bridge, overlay, … */
  type?: string;
  subnets: SubnetRecord[];
  networkAdapterName?: string;
  sourceMac?: string;
  managementIp?: string;
  drMac?: string;
  layeredOn?: string;
  natName?: string;
  dnsServerCompartment?: number;
  vxlanPort?: number;
  /** vSwitch id, when an allocator or policy gives it. */
  switchId?: string;
  /** MAC of the host vNIC HNS created for this network, when an allocator gives it. */
  hostVnicMac?: string;
  /** Interface GUID (NetCfgInstanceId) of that host vNIC, when an allocator gives it. */
  hostVnicGuid?: string;
  /** vSwitch name and type, when an allocator gives them (HCN `Health.Extra.Resources`). */
  switchName?: string;
  switchType?: string;
  policyTypes: string[];
}

/** An HNS endpoint (v1 Get-HnsEndpoint, v2 HCN endpoint, hnsdiag row or collectlogs table row). */
export interface HnsEndpointRecord {
  schema: "v1" | "v2" | "hnsdiag" | "table";
  id?: string;
  name?: string;
  networkId?: string;
  networkName?: string;
  /** Network type as the endpoint reports it (v1 `Type`). */
  networkType?: string;
  mac?: string;
  ip?: string;
  ipv6?: string;
  prefixLength?: number;
  gateway?: string;
  isRemote?: boolean;
  state?: string;
  /** v1 Namespace.ID / v2 HostComputeNamespace. */
  namespaceId?: string;
  compartmentId?: number;
  sharedContainers: string[];
  /** vSwitch port GUID (Resources.Allocators "Endpoint Port" EndpointPortGuid, or the v2 PortName policy). */
  portGuid?: string;
  /** vSwitch NIC name from the allocators (EndpointNicGuid), when present: a GUID or "<GUID>--<GUID>". */
  nicName?: string;
  switchId?: string;
  policies: PolicySummary;
}

export interface HnsNamespaceRecord {
  schema: "v1" | "v2" | "hnsdiag" | "table";
  id?: string;
  compartmentId?: number;
  compartmentGuid?: string;
  type?: string;
  isDefault?: boolean;
  endpointIds: string[];
  containerIds: string[];
}

export interface HnsLoadBalancerRecord {
  id?: string;
  vips: string[];
  sourceVip?: string;
  endpointIds: string[];
  portMappings: PortMapping[];
  dsr?: boolean;
}

/** One container's attachment to one docker network (from `docker network inspect` or `docker inspect`). */
export interface DockerAttachment {
  containerId?: string;
  containerName?: string;
  networkName?: string;
  networkId?: string;
  /** libnetwork endpoint id (64 hex): NOT the HNS endpoint id. */
  endpointId?: string;
  mac?: string;
  ip?: string;
  prefixLength?: number;
  ipv6?: string;
  gateway?: string;
}

export interface DockerNetworkRecord {
  id?: string;
  name?: string;
  driver?: string;
  subnets: string[];
  gateways: string[];
  /** Options["com.docker.network.windowsshim.hnsid"]. */
  hnsId?: string;
  /** Options["com.docker.network.windowsshim.networkname"]. */
  hnsName?: string;
  vsid?: number;
  networkAdapterName?: string;
  internal?: boolean;
  attachments: DockerAttachment[];
}

export interface DockerContainerRecord {
  id?: string;
  name?: string;
  hostName?: string;
  image?: string;
  isolation?: string;
  status?: string;
  networks: DockerAttachment[];
  portMappings: PortMapping[];
}

/** An HCS v1 ContainerConfig (e.g. from the docker daemon's debug log). */
export interface HcsContainerRecord {
  id: string;
  hostName?: string;
  owner?: string;
  hvPartition?: boolean;
  endpointIds: string[];
}

/** One adapter block of `ipconfig /all` (possibly inside a compartment section). */
export interface IpAdapterRecord {
  compartmentId?: number;
  compartmentActive?: boolean;
  /** "Ethernet", "Wireless LAN", "Tunnel", "Unknown", … */
  adapterType: string;
  name: string;
  description?: string;
  mac?: string;
  dhcp?: boolean;
  ipv4: { address: string; mask?: string; prefixLength?: number }[];
  ipv6: string[];
  linkLocal?: string;
  /** The interface index, from the link-local zone id ("fe80::…%13"). */
  ifIndex?: number;
  gateways: string[];
  dnsServers: string[];
  mediaDisconnected?: boolean;
  hostName?: string;
}

/** Get-NetAdapter (table or list). */
export interface NetAdapterRecord {
  name: string;
  description?: string;
  ifIndex?: number;
  status?: string;
  mac?: string;
  linkSpeed?: string;
  interfaceGuid?: string;
}

/** Get-NetIPAddress (list output). */
export interface NetIpAddressRecord {
  ip: string;
  ifIndex?: number;
  alias?: string;
  family?: string;
  prefixLength?: number;
}

/** Get-VMSwitch (table or list). */
export interface VmSwitchRecord {
  name: string;
  id?: string;
  type?: string;
  netAdapterDescription?: string;
  netAdapterGuid?: string;
  allowManagementOs?: boolean;
}

/** Get-VMNetworkAdapter (-ManagementOS or -VMName), table or list. */
export interface VmNetAdapterRecord {
  name: string;
  isManagementOs?: boolean;
  vmName?: string;
  switchName?: string;
  mac?: string;
  ips: string[];
}

/** Get-NetNatStaticMapping (table or list): a WinNAT port forward. */
export interface NatMappingRecord {
  protocol?: string;
  externalIp?: string;
  externalPort?: number;
  internalIp?: string;
  internalPort?: number;
  natName?: string;
}

/** One port block of `vfpctrl /list-vmswitch-port`. */
export interface VfpPortRecord {
  portName?: string;
  portFriendlyName?: string;
  switchName?: string;
  switchFriendlyName?: string;
  portId?: number;
  portType?: string;
  nicName?: string;
  nicFriendlyName?: string;
  mac?: string;
  mtu?: number;
  vmName?: string;
  vmId?: string;
}

/** Everything the parsers found in one file (or text). */
export interface HostRecords {
  hnsNetworks: HnsNetworkRecord[];
  hnsEndpoints: HnsEndpointRecord[];
  hnsNamespaces: HnsNamespaceRecord[];
  hnsLoadBalancers: HnsLoadBalancerRecord[];
  dockerNetworks: DockerNetworkRecord[];
  dockerContainers: DockerContainerRecord[];
  hcsContainers: HcsContainerRecord[];
  ipAdapters: IpAdapterRecord[];
  netAdapters: NetAdapterRecord[];
  netIpAddresses: NetIpAddressRecord[];
  vmSwitches: VmSwitchRecord[];
  vmNetAdapters: VmNetAdapterRecord[];
  vfpPorts: VfpPortRecord[];
  natMappings: NatMappingRecord[];
}

export function emptyRecords(): HostRecords {
  return {
    hnsNetworks: [],
    hnsEndpoints: [],
    hnsNamespaces: [],
    hnsLoadBalancers: [],
    dockerNetworks: [],
    dockerContainers: [],
    hcsContainers: [],
    ipAdapters: [],
    netAdapters: [],
    netIpAddresses: [],
    vmSwitches: [],
    vmNetAdapters: [],
    vfpPorts: [],
    natMappings: [],
  };
}

export function recordCount(r: HostRecords): number {
  let n = 0;
  for (const v of Object.values(r) as unknown[][]) n += v.length;
  return n;
}

/** The parse of one input (a file, or a string handed to parseHostText). */
export interface ParsedSource {
  /** The file path (or the name given to parseHostText). */
  path: string;
  formats: SourceFormat[];
  records: HostRecords;
  notes: string[];
  /** Set when nothing in the input could be used, with the reason. */
  skipped?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// The joined inventory

/** Which key joined two objects. */
export type MatchKey =
  | "mac"
  | "ip"
  | "hns-endpoint-id"
  | "hns-network-id"
  | "hnsid-option"
  | "docker-network-id"
  | "port-guid"
  | "nic-name"
  | "vm-id"
  | "interface-guid"
  | "switch-id"
  /** Both sides come from one record (a docker attachment with no HNS endpoint, an adapter with no endpoint). */
  | "same-record"
  | "shared-containers"
  | "namespace"
  | "name"
  | "name-prefix"
  | "alias"
  | "description"
  | "container-nic-prefix"
  | "if-index"
  | "network-name"
  /** A generic adapter name ("Ethernet") resolved by the switch it was seen on: a guess. */
  | "default-name";

/** One join: "this object's <to> is <value>, because <matchedBy> matched". */
export interface Link {
  /** What was attached: "network", "container", "hns-endpoint", "vfp-port", "host-vnic", "docker-network", … */
  to: string;
  /** The identity of what was attached (an id or a name). */
  value: string;
  matchedBy: MatchKey;
}

export interface InvNetwork {
  name: string;
  /** HNS network GUID (lower-case, no braces). */
  id?: string;
  /** docker network id (64 hex), when docker knows this network. */
  dockerId?: string;
  dockerName?: string;
  driver?: string;
  subnets: string[];
  gateway?: string;
  vSwitchName?: string;
  vSwitchId?: string;
  switchType?: string;
  /** Alias of the host vNIC on this network's switch ("vEthernet (nat)"). */
  hostVnic?: string;
  networkAdapterName?: string;
  managementIp?: string;
  layeredOn?: string;
  vsid?: number;
  vxlanPort?: number;
  drMac?: string;
  natName?: string;
  links: Link[];
  sources: string[];
}

export interface InvEndpoint {
  /** HNS endpoint GUID (lower-case); absent for an attachment only docker knows about. */
  endpointId?: string;
  endpointName?: string;
  networkName?: string;
  networkId?: string;
  containerName?: string;
  containerId?: string;
  compartmentId?: number;
  /** "00-15-5D-AA-BB-CC". */
  mac?: string;
  /** 12 lower-case hex digits: the join key. */
  macKey?: string;
  ip?: string;
  ipv6?: string;
  prefixLength?: number;
  gateway?: string;
  /** Adapter alias inside the container compartment ("vEthernet (Ethernet)"), from ipconfig /allcompartments. */
  vNicName?: string;
  /** vSwitch port GUID (vfpctrl "Port name" / HNS allocator). */
  portName?: string;
  portFriendlyName?: string;
  /** vSwitch NIC name ("<VM or container GUID>--<GUID>"). */
  nicName?: string;
  nicFriendlyName?: string;
  /** Every name this endpoint may carry in a trace (ids, friendly names), as known from the sources. */
  friendlyNames: string[];
  state?: string;
  isRemote: boolean;
  /** True when the endpoint is attached to the host (its MAC is a host vNIC's). */
  isHost?: boolean;
  dockerEndpointId?: string;
  namespaceId?: string;
  policies: PolicySummary;
  links: Link[];
  sources: string[];
}

export interface InvContainer {
  name?: string;
  id?: string;
  hostName?: string;
  isolation?: string;
  compartmentId?: number;
  /** HNS endpoint ids (when known). */
  endpointIds: string[];
  networks: string[];
  macs: string[];
  ips: string[];
  vNicNames: string[];
  links: Link[];
  sources: string[];
}

export interface InvHostVnic {
  /** "vEthernet (nat)". */
  alias: string;
  description?: string;
  mac?: string;
  macKey?: string;
  ip?: string;
  ips: string[];
  ipv6: string[];
  compartmentId?: number;
  ifIndex?: number;
  networkName?: string;
  switchName?: string;
  portName?: string;
  portFriendlyName?: string;
  interfaceGuid?: string;
  links: Link[];
  sources: string[];
}

export interface InvExternalNic {
  name: string;
  description?: string;
  mac?: string;
  macKey?: string;
  ip?: string;
  ips: string[];
  ifIndex?: number;
  status?: string;
  interfaceGuid?: string;
  /** Switch bound to this NIC (external switch), when known. */
  switchName?: string;
  links: Link[];
  sources: string[];
}

export interface InvSwitch {
  name: string;
  id?: string;
  /** "internal" | "external" | "private" (lower-case), or as written. */
  type?: string;
  /** Description of the bound physical adapter (external switches). */
  netAdapter?: string;
  networkName?: string;
  links: Link[];
  sources: string[];
}

export interface InvLoadBalancer {
  id?: string;
  vips: string[];
  endpointIds: string[];
  portMappings: PortMapping[];
}

export interface InvCompartment {
  id: number;
  guid?: string;
  active?: boolean;
  adapters: string[];
  endpointIds: string[];
}

/** A vSwitch port as vfpctrl lists it, with what it was joined to. */
export interface InvPort {
  portName?: string;
  portFriendlyName?: string;
  switchName?: string;
  switchFriendlyName?: string;
  nicName?: string;
  nicFriendlyName?: string;
  mac?: string;
  macKey?: string;
  portType?: string;
  vmName?: string;
  vmId?: string;
  /** What owns this port, once joined: an index into Inventory.endpoints / hostVnics / externalNics. */
  owner?: { kind: "endpoint" | "host-vnic" | "external-nic"; index: number; matchedBy: MatchKey };
  sources: string[];
}

export interface SourceInfo {
  path: string;
  formats: SourceFormat[];
  records: number;
  skipped?: string;
}

export interface Inventory {
  networks: InvNetwork[];
  endpoints: InvEndpoint[];
  containers: InvContainer[];
  hostVnics: InvHostVnic[];
  externalNics: InvExternalNic[];
  switches: InvSwitch[];
  loadBalancers: InvLoadBalancer[];
  compartments: InvCompartment[];
  /** vSwitch ports from vfpctrl (the bridge from port/NIC GUIDs to MACs). */
  ports: InvPort[];
  /** What was skipped, ambiguous or guessed. */
  notes: string[];
  /** Files (or texts) read, and as what. */
  sources: SourceInfo[];
}
