/**
 * The flows stage's records: plain data (numbers, strings, booleans, arrays, objects), ready for JSON.
 *
 * Times are 100 ns ticks since the trace start (`firstTicks`, `lastTicks`), plus seconds relative to the first
 * packet of the capture (`relStart`, as tshark's "Relative Start") and ISO UTC text (`start`).
 */

/** What a flow is keyed by. */
export type FlowProtocol = "tcp" | "udp" | "icmp" | "icmpv6" | "arp" | "ip";

/** One side of a conversation. `port` is the TCP/UDP port, the ICMP echo identifier, or 0. */
export interface Endpoint {
  readonly ip: string;
  readonly port: number;
  /** What the address belongs to (container, host vNIC, NIC), when an inventory was given. */
  label?: string;
}

/** Packet and byte counts of one direction. Bytes are frame lengths on the wire (tshark's frame.len). */
export interface DirectionCounts {
  readonly packets: number;
  readonly bytes: number;
}

/**
 * The same conversation seen with other addresses: the outside view of a NAT'd flow (host address and mapped
 * port after WinNAT / VFP NAT), or the outer header of a tunnel (VXLAN/GRE/IP-in-IP).
 * `a` is the view's side of the flow's A endpoint, so `aToB` counts the same packets' direction.
 */
export interface FlowView {
  readonly kind: "nat-outside" | "nat-inside" | "vxlan" | "gre" | "ip-in-ip";
  readonly protocol: FlowProtocol;
  readonly a: Endpoint;
  readonly b: Endpoint;
  readonly aToB: DirectionCounts;
  readonly bToA: DirectionCounts;
  readonly firstTicks: number;
  readonly lastTicks: number;
  /** VXLAN network identifier / GRE key. */
  readonly vni?: number;
}

/** How a NAT view was joined to its flow. */
export type NatEvidence =
  /** a WinNat 1001 (session created) event names both 5-tuples */
  | "winnat-session"
  /** pktmon saw the same packet (PktGroupId, PktNumber) with both 5-tuples */
  | "same-packet"
  /** a packet with the same payload, IP id and TCP sequence appeared in both within a few ms, one endpoint shared */
  | "payload-match";

export interface NatInfo {
  /** The other view: "nat-outside" when this flow is the inside (container) view, else "nat-inside". */
  readonly view: FlowView;
  readonly evidence: NatEvidence[];
  /** Packets that matched (same-packet / payload-match), or WinNat sessions. */
  readonly matches: number;
  /** WinNat session-created time, when from an event. */
  readonly sessionTicks?: number;
}

export type TcpState =
  /** SYN sent, nothing back */
  | "syn-sent"
  /** SYN and SYN-ACK, no final ACK (yet) */
  | "syn-received"
  | "established"
  /** FIN from one side only */
  | "half-closed"
  /** FIN from both sides */
  | "closed"
  | "reset"
  /** the capture started after the handshake: data but no SYN */
  | "midstream";

export interface TcpDirectionInfo {
  /** Payload bytes (TCP segment lengths, from the IP header, so truncated captures count in full). */
  readonly payloadBytes: number;
  /** Segments whose sequence range was already seen (same data again, SYNs sent again included, as tshark counts them), excluding keep-alives. */
  readonly retransmissions: number;
  /** Segments that filled a gap shortly after it opened (arrived late, not resent). */
  readonly outOfOrder: number;
  /** Gaps in the sequence space never filled: data the capture did not see ("previous segment not captured"). */
  readonly lost: number;
  readonly zeroWindows: number;
  readonly duplicateAcks: number;
  readonly keepAlives: number;
  readonly fin: boolean;
  readonly rst: boolean;
}

export interface TcpInfo {
  readonly state: TcpState;
  readonly handshake: { readonly syn: boolean; readonly synAck: boolean; readonly ack: boolean };
  /** SYN → SYN-ACK, as seen at the capture point (the server side's share of the RTT), ms. */
  readonly synToSynAckMs?: number;
  /** SYN-ACK → ACK (the client side's share), ms. */
  readonly synAckToAckMs?: number;
  /** SYN → ACK: Wireshark's tcp.analysis.initial_rtt, ms. */
  readonly handshakeRttMs?: number;
  /** SYNs (or SYN-ACKs) sent again with the same ISN before an answer (also counted in retransmissions). */
  readonly synRetries: number;
  readonly aToB: TcpDirectionInfo;
  readonly bToA: TcpDirectionInfo;
  /** Which side reset, when state is "reset". */
  readonly resetBy?: "a" | "b";
}

/** ICMP/ICMPv6 echo requests and replies of one (addresses, identifier) flow. */
export interface EchoInfo {
  readonly requests: number;
  readonly replies: number;
  /** Requests with no reply of the same sequence number. */
  readonly unanswered: number;
  readonly rttMinMs?: number;
  readonly rttAvgMs?: number;
  readonly rttMaxMs?: number;
}

/** ARP requests/replies between two IPv4 addresses. */
export interface ArpInfo {
  readonly requests: number;
  readonly replies: number;
  /** Requests not followed by a reply from the target. */
  readonly unanswered: number;
  /** Gratuitous ARP (sender = target). */
  readonly gratuitous: number;
  /** MAC the reply gave (aa:bb:cc:dd:ee:ff). */
  readonly resolvedMac?: string;
  readonly latencyMs?: number;
}

/** ICMP errors that quoted a packet of this flow (port unreachable, fragmentation needed, TTL exceeded …). */
export interface IcmpErrorNote {
  readonly type: number;
  readonly code: number;
  readonly text: string;
  /** Who sent the error. */
  readonly from: string;
  readonly count: number;
  /** Next-hop MTU of "fragmentation needed" / "packet too big". */
  readonly mtu?: number;
}

export interface Flow {
  /** 1-based, in order of the first packet. */
  readonly id: number;
  readonly protocol: FlowProtocol;
  /** IP protocol number (6, 17, 1, 58 …); 0 for ARP. */
  readonly ipProto: number;
  /** A is the source of the first packet seen (tshark's convention). */
  readonly a: Endpoint;
  readonly b: Endpoint;
  readonly aToB: DirectionCounts;
  readonly bToA: DirectionCounts;
  readonly packets: number;
  readonly bytes: number;
  readonly firstTicks: number;
  readonly lastTicks: number;
  /** Seconds from the capture's first packet to this flow's first packet. */
  readonly relStart: number;
  /** Seconds from first to last packet. */
  readonly duration: number;
  /** ISO UTC time of the first packet. */
  readonly start: string;
  readonly tcp?: TcpInfo;
  readonly echo?: EchoInfo;
  readonly arp?: ArpInfo;
  /** DNS transactions carried by this flow (FlowsResult.dns lists them): how many, unanswered, answered with an error rcode. */
  readonly dns?: { readonly transactions: number; readonly unanswered: number; readonly errors: number };
  readonly icmpErrors?: IcmpErrorNote[];
  /** Packets of the flow that pktmon reported dropped (once per packet), by drop reason. */
  readonly drops?: { readonly packets: number; readonly reasons: Record<string, number> };
  /** The other side of a NAT. */
  readonly nat?: NatInfo;
  /** Tunnel outer headers this flow travelled in. */
  readonly tunnels?: FlowView[];
}

export interface DnsAnswer {
  readonly type: string;
  readonly value: string;
}

export interface DnsTransaction {
  /** Flow of the query (or of the response when the query was not seen). */
  readonly flowId: number;
  readonly transport: "udp" | "tcp";
  readonly client: Endpoint;
  readonly server: Endpoint;
  /** The client as seen outside a NAT (host address and mapped port), when the query was seen on both sides. */
  readonly natClient?: Endpoint;
  readonly id: number;
  readonly name: string;
  /** Query type number (1 A, 28 AAAA, …) and name. */
  readonly qtype: number;
  readonly qtypeName: string;
  /** Times the query was sent (retries with the same id count). */
  readonly queries: number;
  readonly responses: number;
  readonly queryTicks?: number;
  readonly responseTicks?: number;
  readonly latencyMs?: number;
  readonly rcode?: number;
  readonly rcodeName?: string;
  readonly answers: DnsAnswer[];
  /** "answered" (NOERROR with answers), "empty" (NOERROR, no answer), "error" (rcode ≠ 0), "unanswered", "response-only". */
  readonly status: "answered" | "empty" | "error" | "unanswered" | "response-only";
}

export interface FlowStats {
  /** Packet records given to the table (every sighting). */
  readonly records: number;
  /**
   * Distinct packets counted (records minus repeat sightings of the same packet). A packet NAT rewrote is one
   * packet per side in NDIS/VMSwitch captures (nothing links the two sightings but the NAT evidence), one in pktmon.
   */
  readonly packets: number;
  /** Repeat sightings skipped: later pktmon appearances of a (PktGroupId, PktNumber), or the same frame seen again at another vSwitch/NDIS point. */
  readonly repeatSightings: number;
  /** Packets with no flow: not IP or ARP (LLDP, STP, 802.11 management, undecodable …). */
  readonly unkeyed: number;
  readonly flows: number;
  /** Flows joined into another as its NAT view. */
  readonly natPairs: number;
  readonly winNatSessions: number;
  readonly dnsTransactions: number;
}

export interface FlowsResult {
  readonly flows: Flow[];
  readonly dns: DnsTransaction[];
  readonly stats: FlowStats;
  /** Ticks of the capture's first packet (what relStart counts from). */
  readonly captureFirstTicks: number;
  /** ISO UTC time of the trace start (tick 0), when known. */
  readonly traceStart?: string;
  /** How packets seen several times were counted once (text for reports). */
  readonly dedupRule: string;
}
