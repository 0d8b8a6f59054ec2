/**
 * Packet records: one per sighting of a packet in the trace (an NDIS fragment set, a VMSwitch 1003 fragment,
 * a pktmon 160/170 appearance). Plain data; the bytes are a copy owned by the record.
 */
import type { RecordRef } from "../etl/mod.js";

/** pcap LINKTYPE_* values of the captured bytes. */
export const LinkType = { Ethernet: 1, RawIp: 101, Ieee80211: 105, User0: 147 } as const;
export type LinkType = (typeof LinkType)[keyof typeof LinkType];

export type Direction = "in" | "out" | "unknown";

export type PacketSource = "ndis" | "vmswitch" | "pktmon";

/** NDIS-PacketCapture 1001 (host NIC / filter layer). */
export interface NdisMeta {
  readonly miniportIfIndex: number;
  readonly lowerIfIndex: number;
  /** Number of 1001 fragments joined into this frame. */
  readonly fragments: number;
  /** Name from 1014/1015 attach events or pktmon-style inventory, when known. */
  readonly ifName?: string;
  /** 1002 metadata that preceded the packet (802.11 receive context), as hex. */
  readonly metadataHex?: string;
}

/** NDIS-PacketCapture 1003 (vSwitch port). */
export interface VmSwitchMeta {
  readonly miniportIfIndex: number;
  readonly lowerIfIndex: number;
  readonly sourcePortId: number;
  readonly sourcePortName: string;
  readonly sourceNicName: string;
  readonly sourceNicType: string;
  readonly destinationCount: number;
  readonly vlanId: number;
  /** RSS hash from the OOB data (NetBufferListHashValue), or 0. */
  readonly hashValue: number;
}

/** PktMon 160/170 (one appearance of a packet at a component edge). */
export interface PktmonMeta {
  /** PktGroupId as a decimal string (64-bit). */
  readonly groupId: string;
  readonly pktNumber: number;
  readonly appearance: number;
  readonly dirTag: number;
  /** "Rx", "Tx", "Ingress", "Egress", "In", "Out" … */
  readonly dirName: string;
  /** 1 Ethernet, 2 WiFi, 3 IP, 4 HTTP */
  readonly packetType: number;
  readonly packetTypeName: string;
  readonly componentId: number;
  readonly componentName?: string;
  readonly edgeId: number;
  readonly filterId: number;
  /** Set for drop events (170). */
  readonly drop: boolean;
  readonly dropReason: number;
  readonly dropReasonName?: string;
  readonly dropLocation: number;
}

export interface PacketRecord {
  /** Stable packet number: 1-based, in delivery order over all packet sightings. */
  readonly number: number;
  /** 100 ns ticks since the trace start. */
  readonly ticks: number;
  readonly cpu: number;
  readonly pid: number;
  readonly tid: number;
  readonly source: PacketSource;
  readonly linkType: LinkType;
  readonly direction: Direction;
  /** Captured bytes (possibly truncated). */
  readonly bytes: Uint8Array;
  /** Length on the wire: ≥ bytes.length. */
  readonly originalLength: number;
  readonly ndis?: NdisMeta;
  readonly vmswitch?: VmSwitchMeta;
  readonly pktmon?: PktmonMeta;
  /** The event(s) the record came from (the first one for multi-fragment frames). */
  readonly event: RecordRef;
  readonly eventId: number;
}
