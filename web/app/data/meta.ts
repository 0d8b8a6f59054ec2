/** The label/value metadata of a packet record (capture point, ids, pktmon/vSwitch/NDIS fields), for the detail pane. */
import type { EmbeddedRecord } from "../../../src/web/api.js";

const LINK: Record<number, string> = { 1: "Ethernet", 101: "Raw IP", 105: "IEEE 802.11", 147: "User 0" };
const hex8 = (v: number): string => "0x" + (v >>> 0).toString(16).padStart(8, "0");

export function recordMeta(p: EmbeddedRecord, capLen: number): { label: string; value: string }[] {
  const m: { label: string; value: string }[] = [];
  const add = (label: string, value: string | number | undefined): void => {
    if (value !== undefined && value !== "") m.push({ label, value: String(value) });
  };
  add("Number", p.number);
  add("Ticks", `${p.ticks} (${(p.ticks / 1e7).toFixed(7)} s since trace start)`);
  add("Source", `${p.source} (event ${p.eventId})`);
  add("Link type", `${LINK[p.linkType] ?? p.linkType} (${p.linkType})`);
  add("Direction", p.direction);
  add("Length", `${capLen} captured / ${p.originalLength} on the wire`);
  add("CPU / PID / TID", `${p.cpu} / ${p.pid} / ${p.tid}`);
  if (p.pktmon) {
    const k = p.pktmon;
    add("PktGroupId / PktNumber", `${k.groupId} / ${k.pktNumber}`);
    add("Appearance", k.appearance);
    add("Component", `${k.componentName ?? ""} [${k.componentId}] edge ${k.edgeId}`.trim());
    add("pktmon direction", k.dirName);
    add("Packet type", k.packetTypeName || k.packetType);
    add("Filter", k.filterId);
    if (k.drop) {
      add("Drop reason", k.dropReasonName && k.dropReasonName !== String(k.dropReason) ? `${k.dropReasonName} (${k.dropReason})` : k.dropReason);
      add("Drop location", hex8(k.dropLocation));
    }
  }
  if (p.vmswitch) {
    const v = p.vmswitch;
    add("vSwitch port", `${v.sourcePortName} (id ${v.sourcePortId})`);
    add("Source NIC", `${v.sourceNicType} ${v.sourceNicName}`);
    add("VLAN", v.vlanId || undefined);
    add("Destinations", v.destinationCount || undefined);
    add("IfIndex (miniport / lower)", `${v.miniportIfIndex} / ${v.lowerIfIndex}`);
    if (v.hashValue) add("RSS hash", hex8(v.hashValue));
  }
  if (p.ndis) {
    const n = p.ndis;
    add("Interface", n.ifName);
    add("IfIndex (miniport / lower)", `${n.miniportIfIndex} / ${n.lowerIfIndex}`);
    add("Fragments", n.fragments);
  }
  return m;
}
