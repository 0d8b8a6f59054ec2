/**
 * The virtual network a capture shows: vSwitches with their ports and NICs, host adapters, pktmon components,
 * MAC/IP pairs seen in packets, and (with host state) what each of them is: container, host vNIC, external NIC,
 * network. Plain data (JSON-safe); every join with the inventory says which key matched.
 */
import type { Confidence, LookupKind, MatchKey } from "../inventory/mod.js";

/** What sits behind a vSwitch port. */
export type PortKind = "container-vnic" | "host-vnic" | "external" | "vm" | "unknown";

/** What a host adapter (an NDIS miniport / interface index) is. */
export type NicKind = "physical" | "host-vnic" | "container-vnic" | "switch-adapter" | "wan" | "virtual" | "unknown";

/** A join with the inventory: the object found, by which trace value and which key. */
export interface Owner {
  kind: LookupKind;
  /** "wcow1 (try-nat)", "vEthernet (nat)", "Ethernet 2", "nat". */
  label: string;
  container?: string;
  containerId?: string;
  network?: string;
  endpointId?: string;
  compartment?: number;
  matchedBy: MatchKey;
  confidence: Confidence;
  /** The trace value that matched (a MAC, GUID, IP or name). */
  via: string;
  alternatives?: string[];
}

/** A pktmon component (event 20 + properties 30–75) as the topology files it. */
export interface TopoComponent {
  id: number;
  type: number;
  typeName: string;
  name: string;
  description: string;
  props: Record<string, (string | number)[]>;
  /** Role in the topology: "switch", "port", "extension", "switch-adapter", "nic", "filter", "protocol", "ip", "other". */
  role: string;
  /** Packets pktmon logged at this component. */
  packets: number;
}

export interface TopoPort {
  /** vSwitch port GUID as VmSwitch prints it. */
  port?: string;
  portFriendlyName?: string;
  /** SourcePortId of NDIS 1003. */
  portId?: number;
  /** vSwitch NIC name: a GUID, or "<VM or container GUID>--<GUID>". */
  nic?: string;
  nicFriendlyName?: string;
  /** NDIS 1003 SourceNicType: "Synthetic", "Emulated", "Internal", "External". */
  nicType?: string;
  /** "00-15-5D-2F-00-11". */
  mac?: string;
  /** Where the MAC came from: "pktmon" (PhysAddress), "vmswitch" (MacConfig event), "packets" (ingress source MAC). */
  macFrom?: string;
  ifIndex?: number;
  /** NetCfgInstanceId (VmSwitch 116/117) or the adapter's IfGuid. */
  interfaceGuid?: string;
  compartment?: number;
  vmName?: string;
  ips: string[];
  kind: PortKind;
  /** Why the kind was chosen. */
  kindFrom: string;
  /** The pktmon component of this port. */
  component?: number;
  /** The host adapter behind a host vNIC or external port ("Hyper-V Virtual Ethernet Container Adapter"). */
  adapter?: string;
  /** A VM NIC whose MAC is a host adapter's (WSL mirrored networking): that adapter. */
  mirrors?: string;
  /** Packet sightings at this port (1003 from it, VmSwitch 56/58 on its NIC, pktmon appearances at it). */
  packets: number;
  owner?: Owner;
  /** Evidence: "VmSwitch 232", "NDIS 1003", "pktmon 20/73", "packets". */
  sources: string[];
}

export interface TopoSwitch {
  /** Switch GUID as VmSwitch prints it (absent in pktmon-only captures). */
  id?: string;
  /** Friendly name (= HNS network name), or the GUID when no friendly name is known. */
  name: string;
  friendlyName?: string;
  /** "Internal" | "External" | "Private": from the inventory, or inferred from the ports. */
  type?: string;
  typeFrom?: "inventory" | "inferred";
  /** The switch's interface index (pktmon VmsExtMiniport IfIndex, NDIS 1003 MiniportIfIndex). */
  ifIndex?: number;
  ports: TopoPort[];
  /** pktmon components grouped under this switch (extension miniport, extensions, ports). */
  components: number[];
  /** Switch extensions / filters bound to it ("VFP Extension", …). */
  extensions: string[];
  network?: { name: string; driver?: string; matchedBy: MatchKey; confidence: Confidence; via: string };
  packets: number;
  sources: string[];
}

export interface TopoNic {
  /** Adapter description / friendly name, or "ifIndex N". */
  name: string;
  ifIndex?: number;
  mac?: string;
  macFrom?: string;
  interfaceGuid?: string;
  /** Driver (pktmon component name: "netvsc.sys", "VmsProxyHNic.sys"). */
  driver?: string;
  kind: NicKind;
  kindFrom: string;
  medium?: string;
  compartment?: number;
  ips: string[];
  /** For an SR-IOV virtual function: the interface index of the synthetic adapter it serves (pktmon LowestIfIndex). */
  vfOf?: number;
  /** The vSwitch port this adapter is (host vNIC, external NIC bound to a switch): switch name and port index. */
  port?: { switch: string; index: number };
  /** pktmon components stacked on this adapter (miniport, filters, protocols). */
  components: number[];
  packets: number;
  owner?: Owner;
  sources: string[];
}

/** A MAC seen in packets with the IPs it used. */
export interface SeenAddress {
  mac: string;
  /** IPs this MAC owns: ARP senders, or the one IP it sent from (routers' forwarded sources left out). */
  ips: string[];
  /** Every other source IP sent with this MAC (a router forwards many), up to a cap. */
  otherIps: string[];
  packets: number;
  arp: boolean;
  /** The port or adapter with this MAC: "port 2 on try-nat", "adapter ifIndex 4". */
  on?: string;
}

export type Origin = "trace" | "inventory" | "both";

export interface TopoNetwork {
  name: string;
  driver?: string;
  subnets: string[];
  gateway?: string;
  vSwitch?: string;
  vSwitchId?: string;
  hnsId?: string;
  dockerId?: string;
  /** The trace switch this network is on, and by which key. */
  inTrace?: { switch: string; matchedBy: MatchKey };
  origin: Origin;
}

export interface TopoContainer {
  name?: string;
  id?: string;
  compartment?: number;
  /** HNS endpoint GUID. */
  endpoint?: string;
  network?: string;
  /** The vNIC name: the trace's NIC friendly name, or the adapter alias in the container. */
  vNic?: string;
  /** vSwitch NIC and port GUIDs. */
  nic?: string;
  port?: string;
  mac?: string;
  ip?: string;
  switch?: string;
  inTrace?: { switch: string; port: number; matchedBy: MatchKey; via: string };
  origin: Origin;
}

export interface TopoHostVnic {
  name: string;
  mac?: string;
  ips: string[];
  ifIndex?: number;
  compartment?: number;
  network?: string;
  switch?: string;
  inTrace?: { switch?: string; port?: number; nic?: number; matchedBy: MatchKey; via: string };
  origin: Origin;
}

export interface TopoExternalNic {
  name: string;
  description?: string;
  mac?: string;
  ips: string[];
  ifIndex?: number;
  switch?: string;
  inTrace?: { switch?: string; port?: number; nic?: number; matchedBy: MatchKey; via: string };
  origin: Origin;
}

/** A name as it appears in the trace, and what it is. */
export interface TraceName {
  name: string;
  /** What kind of name: "switch", "switch-friendly-name", "port", "port-friendly-name", "nic", "nic-friendly-name", "mac", "ip", "component", "ifindex". */
  type: string;
  /** "container wcow1's vNIC on switch try-nat". */
  is: string;
  switch?: string;
  container?: string;
  network?: string;
}

export interface Topology {
  /** The capture file (as given). */
  file?: string;
  /** Which capture flavours contributed. */
  flavour: { vmswitch: boolean; ndis: boolean; pktmon: boolean };
  stats: { records: number; packets: number; vmswitchEvents: number; pktmonComponents: number };
  switches: TopoSwitch[];
  /** Host adapters (NDIS miniports / interface indexes), including those that are switch ports. */
  nics: TopoNic[];
  /** Every pktmon component, by id (the switch/NIC lists refer to them). */
  components: TopoComponent[];
  /** MACs seen in packets (capped), with the IPs they used. */
  addresses: SeenAddress[];
  networks: TopoNetwork[];
  containers: TopoContainer[];
  hostVnics: TopoHostVnic[];
  externalNics: TopoExternalNic[];
  /** Trace name → what it is. */
  names: TraceName[];
  /** When host state was given: how much of it matched. */
  inventory?: { sources: number; matched: number; notes: string[] };
  notes: string[];
}
