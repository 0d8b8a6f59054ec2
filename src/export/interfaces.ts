/**
 * Which capture interface a packet record was seen on, named the way Windows' converters name them
 * (providers.md §2.1, etl2pcapng `GetInterface` / `WriteInterfaces`), and the per-packet comment text:
 *   - NDIS 1001: keyed by LowerIfIndex (and link type); `eth:<LowerIfIndex>:<VlanId>`, `wifi:<idx>`, `mbb:<idx>`;
 *     description `LWF over IfIndex <MiniportIfIndex>` when the capture layer is a filter above the miniport;
 *   - NDIS 1003: keyed by (LowerIfIndex, SourcePortId, VlanId); `vNIC:<SourceNicType>:<SourcePortName>:<LowerIfIndex>:<VlanId>`;
 *   - PktMon: keyed by (ComponentId, PacketType); name and description from the component table (event 20),
 *     MAC from its PhysAddress property.
 */
import type { PacketRecord, PktmonComponents } from "../packets/mod.js";
import { LinkType } from "../packets/mod.js";
import type { InterfaceInfo } from "./pcapng/writer.js";

export interface CaptureInterface extends InterfaceInfo {
  readonly linkType: number;
  readonly name: string;
  readonly description: string;
}

/** A numeric key for NDIS/pktmon packets, a string key for vSwitch ports. */
export function interfaceKey(p: PacketRecord): number | string {
  if (p.pktmon) return p.pktmon.componentId * 16 + (p.pktmon.packetType & 15);
  if (p.vmswitch) {
    const v = p.vmswitch;
    return `${v.lowerIfIndex}:${v.sourcePortId}:${v.vlanId}`;
  }
  const lower = p.ndis ? p.ndis.lowerIfIndex : 0;
  return -(lower * 1024 + p.linkType) - 1;
}

function macBytes(text: string | number | undefined): Uint8Array | undefined {
  if (typeof text !== "string") return undefined;
  const parts = text.split(/[-:]/);
  if (parts.length !== 6 || parts.some((x) => !/^[0-9a-fA-F]{2}$/.test(x))) return undefined;
  return Uint8Array.from(parts, (x) => parseInt(x, 16));
}

/** Describes the interface a packet was seen on (called once per interface). */
export function describeInterface(p: PacketRecord, components: PktmonComponents): CaptureInterface {
  if (p.pktmon) {
    const m = p.pktmon;
    const c = components.get(m.componentId);
    const mac = macBytes(c?.props.PhysAddress?.[0]);
    return {
      linkType: p.linkType,
      name: c?.name || `pktmon:${m.componentId}`,
      description: c?.description || (c ? "" : `PktMon component ${m.componentId}`),
      ...(mac ? { mac } : {}),
    };
  }
  if (p.vmswitch) {
    const v = p.vmswitch;
    let description = v.lowerIfIndex !== v.miniportIfIndex ? `LWF over IfIndex ${v.miniportIfIndex}` : "";
    if (v.vlanId !== 0) description += ` VlanID=${v.vlanId} `;
    return { linkType: p.linkType, name: `vNIC:${v.sourceNicType}:${v.sourcePortName}:${v.lowerIfIndex}:${v.vlanId}`, description };
  }
  const lower = p.ndis?.lowerIfIndex ?? 0;
  const miniport = p.ndis?.miniportIfIndex ?? 0;
  const name = p.linkType === LinkType.Ieee80211 ? `wifi:${lower}` : p.linkType === LinkType.RawIp ? `mbb:${lower}` : `eth:${lower}:0`;
  return { linkType: p.linkType, name, description: lower !== miniport ? `LWF over IfIndex ${miniport}` : "" };
}

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, "0");

/**
 * The EPB comment: `PID=… TID=…` first (as etl2pcapng writes it), then what names the place the packet was
 * seen: NIC indexes (1001), vSwitch port and NIC in etl2pcapng's own format (1003), or pktmon's
 * PktGroupId/PktNumber/Appearance, direction, component, edge and any drop reason and location.
 */
export function packetComment(p: PacketRecord): string {
  let s = `PID=${p.pid} TID=${p.tid}`;
  if (p.pktmon) {
    const m = p.pktmon;
    s += ` PktGroupId=${m.groupId} PktNumber=${m.pktNumber} Appearance=${m.appearance} Direction=${m.dirName} Type=${m.packetTypeName}`;
    s += ` Component=${m.componentId}${m.componentName ? ` [${m.componentName}]` : ""} Edge=${m.edgeId} Filter=${m.filterId}`;
    if (m.drop) s += ` Drop: DropReason=${m.dropReasonName && m.dropReasonName !== String(m.dropReason) ? `${m.dropReasonName} (${m.dropReason})` : m.dropReason} DropLocation=0x${hex8(m.dropLocation)}`;
  } else if (p.vmswitch) {
    const v = p.vmswitch;
    s += ` VlanId=${v.vlanId} SrcPortId=${v.sourcePortId} SrcNicType=${v.sourceNicType} SrcNicName=${v.sourceNicName} SrcPortName=${v.sourcePortName}`;
    if (v.destinationCount > 0) s += ` DstNicCount=${v.destinationCount}`;
    s += ` HashValue=${hex8(v.hashValue)}`;
  } else if (p.ndis) {
    const n = p.ndis;
    s += ` MiniportIfIndex=${n.miniportIfIndex} LowerIfIndex=${n.lowerIfIndex}`;
    if (n.fragments > 1) s += ` Fragments=${n.fragments}`;
    if (n.metadataHex) s += ` Packet Metadata: ${n.metadataHex}`;
  }
  return s;
}
