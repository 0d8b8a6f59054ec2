/**
 * Journeys: one record per packet, the hops it made through the host in order (a tree when it fans out), what
 * changed between hops and how it ended. Plain data, safe to keep and to JSON.stringify (bytes as Uint8Array:
 * the CLI writes them as hex).
 */

/** What a hop is, in the lab's vocabulary (src/lab/model/journey.ts). */
export type HopKind =
  /** Entered a vSwitch at a port (netsh: VmSwitch 56 + its 1003 fragment; pktmon: Ingress at a vSwitch port). */
  | "switch-in"
  /** Left a vSwitch at a port (netsh: 57 routed + 1003 + 58 delivered; pktmon: Egress at a vSwitch port). */
  | "switch-out"
  /** The VFP extension acted on it (pktmon only: an appearance at the VFP filter component). */
  | "vfp"
  /** Sent on a host NIC (netsh: NDIS 1001 Send; pktmon: Tx at a miniport or host vNIC). */
  | "nic-send"
  /** Received on a host NIC (netsh: NDIS 1001 Receive; pktmon: Rx at a miniport or host vNIC). */
  | "nic-recv"
  /** Any other pktmon component (filter drivers, tcpip, http.sys …). */
  | "component"
  /** Dropped here (netsh: VmSwitch 54/55; pktmon: 170). Always a leaf. */
  | "drop";

export type Flavor = "netsh" | "pktmon";

/** Where a hop happened. Every field is optional: a trace says what it says. */
export interface HopWhere {
  /** vSwitch name as events print it (a GUID) and its friendly name (the HNS network name for nat). */
  switchName?: string;
  switchFriendly?: string;
  /** The NIC the hop is at (switch-in: the ingress NIC; switch-out: the egress NIC; nic-*: the host NIC). */
  nic?: string;
  nicFriendly?: string;
  /** 1003 SourceNicType of that NIC when known: Synthetic (VM/container), Internal (host vNIC), External. */
  nicType?: string;
  /** switch-out: the NIC the packet came in from. */
  fromNic?: string;
  fromNicFriendly?: string;
  /** The vSwitch port of the NIC (from VmSwitch 232 / the 1003 fragment). */
  port?: string;
  portFriendly?: string;
  portId?: number;
  /** NDIS interface index (1001 MiniportIfIndex). */
  ifIndex?: number;
  /** pktmon component id, its label, type and edge. */
  component?: number;
  componentName?: string;
  componentType?: string;
  edge?: number;
  /** "in" / "out" (netsh keywords), or pktmon's tag: Rx, Tx, Ingress, Egress, In, Out. */
  direction: string;
}

/** Names from the host state (inventory) or, without it, from the trace itself. */
export interface HopNames {
  /** "wcow1 (try-nat)", "vEthernet (try-nat)", "Ethernet", "VFP (try-nat)". */
  label: string;
  /** container, host-vnic, external-nic, switch, vfp, nic, component. */
  kind: string;
  container?: string;
  network?: string;
  /** "inventory" (host state matched) or "trace" (names the trace carries). */
  source: "inventory" | "trace";
}

/** One difference between the frame at a hop and the frame at its parent hop. */
export interface Change {
  /** "source MAC", "destination MAC", "source IPv4", "destination port", "ICMP identifier", "IPv4 TTL", "VLAN", "encapsulation", "inner destination MAC" … */
  field: string;
  from: string;
  to: string;
}

/** A change with the hop that first shows it and who most likely made it. */
export interface Rewrite extends Change {
  hop: number;
  /** VFP (inside a vSwitch traversal), WinNAT (an address/port rewrite between host NICs), host, or "" when unknown. */
  by: string;
}

export interface HopDrop {
  reason: number;
  reasonName: string;
  /** pktmon DropLocation (hex) or the VmSwitch event that reported it. */
  location?: string;
  /** ingress / egress side of the switch (netsh 54 / 55), when known. */
  side?: "ingress" | "egress";
}

export interface HopFrame {
  /** Captured bytes (possibly truncated by the capture). */
  bytes: Uint8Array;
  /** Length on the wire. */
  length: number;
  /** pcap LINKTYPE of the bytes (1 Ethernet, 101 raw IP, 105 802.11). */
  linkType: number;
  /** One-line summary (tcpdump style, as `pktmon format` prints it); absent when the reader was asked not to make them. */
  summary?: string;
}

export interface Hop {
  index: number;
  /** Index of the hop this one follows (-1 for the first); a packet that fans out has several children. */
  parent: number;
  kind: HopKind;
  /** 100 ns ticks since the trace start, and the absolute UTC time. */
  ticks: number;
  time: string;
  /** Ticks since the parent hop (0 for the first). */
  latencyTicks: number;
  cpu: number;
  where: HopWhere;
  names?: HopNames;
  /** Event ids that make up this hop, in order (netsh: [56, 1003], [57, 1003, 58], [1001]; pktmon: [160]). */
  eventIds: number[];
  /** pktmon: PktGroupId/PktNumber and the appearance number; netsh: the NBL address. */
  pktmon?: { groupId: string; pktNumber: number; appearance: number };
  nbl?: string;
  /** Number of the packet sighting (PacketRecord.number) whose frame this hop shows. */
  packet?: number;
  /** 802.1Q VLAN the vSwitch carried out of band (1003 OOB data). */
  vlan?: number;
  frame?: HopFrame;
  /** What differs from the parent hop's frame (empty when identical or unknown). */
  changes: Change[];
  drop?: HopDrop;
  /** netsh switch-out: true once VmSwitch 58 (delivered) was seen. */
  delivered?: boolean;
}

export type FateKind = "delivered" | "dropped" | "unfinished";

export interface Fate {
  kind: FateKind;
  reason?: number;
  reasonName?: string;
  /** Where it ended, in words: "wcow2 (try-nat) on vSwitch try-nat", "Ethernet". */
  location?: string;
  /** Plain-language explanation (drops and unfinished journeys). */
  explanation?: string;
  /** Index of the hop where it ended (the drop, or the last hop). */
  hop?: number;
}

export interface Journey {
  /** Stable number: 1-based, in the order journeys start in the trace. */
  id: number;
  flavor: Flavor;
  /** The correlation key: "nbl 0xffff9383cbf21490" or "pktmon 562949953421313/1" (or "frame N" for a lone NDIS sighting). */
  key: string;
  /** Every NBL address the journey used (netsh), in order. */
  nbls?: string[];
  /** "ICMP echo 172.18.5.2 → 13.107.21.200", "TCP 10.0.0.4:52029 → 93.184.216.34:80 [S]", "ARP who-has 10.0.0.1 tell 10.0.0.4". */
  summary: string;
  protocol: string;
  src: string;
  dst: string;
  startTicks: number;
  endTicks: number;
  hops: Hop[];
  fate: Fate;
  rewrites: Rewrite[];
  /** Set by a -Y filter: some hop's frame matched it. */
  matched?: boolean;
}
