/**
 * A packet's ground-truth journey: the hops it made in order (where, when, on which CPU, the frame bytes there),
 * the rewrites on the way and its fate. The writers turn hops into events; ground-truth.json lists them.
 */
import type { Container, ExternalHost, PhysNic, RemoteEndpoint, VSwitch, HostVnic } from "../scenario.js";

/**
 * Capture points. switch-in / switch-out are the two halves of a vSwitch traversal (netsh: 56 + 1003, then
 * 57 + 1003 + 58; pktmon: an appearance at the source port's and at the destination port's component); vfp is
 * a VFP extension action (pktmon only); nic-send / nic-recv are host NICs (netsh 1001; pktmon Tx/Rx); winnat is
 * a WinNAT translation (netsh: WinNat session event when a session is created); drop ends a journey (netsh:
 * VmSwitch 54/55 for vSwitch drops; pktmon: 170). host-stack / wire / remote hops carry no event.
 */
export type HopKind = "switch-in" | "vfp" | "switch-out" | "nic-send" | "nic-recv" | "winnat" | "host-stack" | "wire" | "remote" | "drop";

/** One end of a vSwitch port: the NIC attached to it, as VmSwitch names it. */
export interface PortEnd {
  readonly kind: "container" | "host-vnic" | "external";
  readonly nicName: string;
  readonly nicFriendlyName: string;
  readonly portName: string;
  readonly portFriendlyName: string;
  readonly portId: number;
  /** 1003 SourceNicType. */
  readonly nicType: "Synthetic" | "Internal" | "External";
  readonly mac: Uint8Array;
  readonly container?: Container;
  readonly hostVnic?: HostVnic;
  readonly adapter?: PhysNic;
}

/** A host interface with an NDIS miniport (1001 capture point). */
export interface HostIf {
  readonly kind: "physical" | "host-vnic";
  readonly name: string;
  readonly ifIndex: number;
  readonly mac: Uint8Array;
  readonly ip: string;
  readonly nic?: PhysNic;
  readonly vnic?: HostVnic;
  readonly vswitch?: VSwitch;
}

export interface Hop {
  readonly kind: HopKind;
  readonly ticks: number;
  readonly cpu: number;
  /** The frame at this point (for drop: as it was when dropped). */
  readonly frame: Uint8Array;
  readonly vswitch?: VSwitch;
  /** switch-in: the ingress port; switch-out: ingress port (src) and egress port (dst). */
  readonly src?: PortEnd;
  readonly dst?: PortEnd;
  readonly nic?: HostIf;
  readonly nbl?: bigint;
  /** 802.1Q VLAN carried out of band inside the switch (1003 OOB data). */
  readonly vlan?: number;
  /** Drop details: reason (vSwitch/pktmon numbering), where, and which side of the switch. */
  readonly drop?: { readonly reason: number; readonly by: "vSwitch" | "VFP" | "NIC" | "WinNAT" | "host"; readonly side: "ingress" | "egress"; readonly port?: PortEnd; readonly text?: string };
  /** winnat: the session the translation used (netsh writes a WinNat event when `created`). */
  readonly nat?: { readonly created: boolean; readonly proto: number; readonly internalSrc: string; readonly internalDst: string; readonly externalSrc: string; readonly externalDst: string; readonly compartment: number };
  /** vfp: what the rule did. */
  readonly rule?: string;
  readonly note?: string;
}

export interface Rewrite {
  /** Index of the hop whose frame first shows the change. */
  readonly hop: number;
  readonly by: "WinNAT" | "VFP" | "host" | "physical network";
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

export type Party =
  | { readonly kind: "container"; readonly c: Container }
  | { readonly kind: "host" }
  | { readonly kind: "external"; readonly e: ExternalHost }
  | { readonly kind: "remote"; readonly r: RemoteEndpoint }
  | { readonly kind: "router" };

export function partyName(p: Party): string {
  switch (p.kind) {
    case "container": return p.c.name;
    case "host": return "host";
    case "external": return p.e.name;
    case "remote": return p.r.name;
    case "router": return "gateway";
  }
}

export type Fate =
  | { readonly kind: "delivered"; readonly to: string; readonly ticks: number }
  | { readonly kind: "dropped"; readonly reason: number | null; readonly reasonName: string; readonly by: string; readonly at: string; readonly ticks: number }
  | { readonly kind: "lost"; readonly note: string; readonly ticks: number };

export interface Delivery {
  readonly party: Party;
  readonly frame: Uint8Array;
  /** Where the party received it (host: the interface). */
  readonly via?: HostIf;
  readonly ticks: number;
}

export interface Journey {
  /** 1-based, in the order journeys start. */
  readonly id: number;
  readonly traffic: number;
  readonly trafficId: string;
  /** 1-based position in its traffic item's packets. */
  readonly packet: number;
  readonly description: string;
  readonly from: string;
  readonly cpu: number;
  readonly pktGroupId: bigint;
  readonly hops: Hop[];
  readonly rewrites: Rewrite[];
  fate: Fate;
  /** Every party that received the packet (a broadcast reaches several). */
  readonly deliveries: Delivery[];
}
