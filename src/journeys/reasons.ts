/**
 * Drop reasons: names from pktmon's DropReason map (the bundled PktMon schema, the same numbering the VmSwitch
 * drop events 54/55 use for 0–38 [inferred, providers.md §1.3]) and a plain-language explanation of the common
 * ones, for people who do not read NDIS_SWITCH_DROP codes.
 */
import { bundledSchemas } from "../events/mod.js";

const PKTMON = "4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac";

let table: Readonly<Record<string, string>> | null = null;

/** The name of a drop reason ("Failed security policy"), or the number as text when unknown. */
export function dropReasonName(reason: number): string {
  if (!table) {
    try {
      table = bundledSchemas().get(PKTMON)?.maps?.DropReason?.entries ?? {};
    } catch {
      table = {};
    }
  }
  return table[String(reason)]?.trim() || String(reason);
}

const PLAIN: Record<number, string> = {
  0: "the switch gave no reason",
  1: "the packet's data was invalid",
  2: "the packet was malformed",
  3: "the host ran out of resources",
  4: "the adapter was not ready",
  5: "the adapter's media was disconnected",
  8: "a port setting or switch extension filtered it out",
  9: "its VLAN is not allowed on that port (access/trunk VLAN setting)",
  10: "the VLAN is not authorized on that port",
  11: "the source MAC is not authorized on that port",
  12: "a security policy blocked it: an ACL / VFP rule (for containers: an HNS endpoint policy or network policy)",
  13: "the private VLAN setting does not allow it",
  14: "QoS (bandwidth or rate limit) dropped it",
  15: "IPsec offload dropped it",
  16: "MAC spoofing protection: the source MAC does not belong to the sending port",
  17: "DHCP guard: a VM or container may not act as a DHCP server",
  18: "router guard: a VM or container may not send router advertisements/redirects",
  20: "the virtual subnet (VSID/VNI) does not match: no network with that id on this host",
  21: "a switch extension the port requires is missing",
  23: "it is larger than the MTU of the way out (check encapsulation overhead: VXLAN adds 50 bytes)",
  25: "its VLAN tag is malformed",
  26: "the switch has no port for its destination MAC",
  27: "its source MAC is invalid (e.g. multicast or all-zero)",
  29: "Windows Network Virtualization (encapsulation/lookup) failed",
  30: "storm control: too many broadcasts/multicasts",
  33: "the destination NIC is disabled",
  34: "the destination NIC's packet filter does not accept it",
  35: "the vSwitch data flow is disabled",
  36: "port isolation does not allow untagged traffic",
  38: "the adapter is in a low-power state",
};

/** Plain meanings of the host stack's (tcpip.sys, WFP) reasons, by name: their numbers vary between builds. */
const BY_NAME: readonly (readonly [RegExp, string])[] = [
  [/not locally destined/i, "the IP layer got a packet that is not addressed to this host"],
  [/address resolution timeout/i, "ARP/ND got no answer for the next hop"],
  [/address resolution failure/i, "the next hop's link-layer address could not be resolved (ARP/ND failed)"],
  [/checksum/i, "its checksum was wrong"],
  [/session state error/i, "TCP got a segment that does not fit the connection's state (late, after close, or for a connection it does not know): usually harmless stragglers"],
  [/receive inspection|inspection drop/i, "the Windows Filtering Platform (firewall or a filter driver) blocked it on the way in"],
  [/send inspection/i, "the Windows Filtering Platform (firewall or a filter driver) blocked it on the way out"],
  [/transport endpoint was not found/i, "nothing listens on that port on this host (the sender usually gets a RST or ICMP port unreachable)"],
  [/received RST/i, "TCP discarded the segment because the connection was reset"],
  [/FIN-WAIT2|TIME-WAIT|CLOSE-WAIT/i, "TCP discarded a segment for a connection that is closing"],
  [/duplicate segment/i, "TCP had already received this data (a retransmission it did not need)"],
  [/arbitration unhandled/i, "no network layer client claimed the packet"],
  [/no route/i, "there is no route to the destination"],
  [/ttl|hop limit/i, "its TTL / hop limit ran out"],
  [/firewall|filtered by wfp|wfp/i, "the Windows Filtering Platform (firewall or a filter driver) blocked it"],
];

/** A sentence about why packets with this reason are dropped, or undefined. */
export function dropExplanation(reason: number, reasonName?: string): string | undefined {
  const p = PLAIN[reason];
  if (p) return p;
  const n = reasonName ?? dropReasonName(reason);
  for (const [re, text] of BY_NAME) if (re.test(n)) return text;
  return undefined;
}
