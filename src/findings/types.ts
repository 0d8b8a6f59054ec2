/**
 * The findings stage's records: problems a capture shows, ranked, each with a plain explanation, the evidence
 * (packet numbers, journeys and hops, flows, events) and what to check next. Plain data, ready for JSON.
 *
 * Packet numbers are PacketRecord.number: 1-based over every packet sighting, in the order `wnvtrace packets`
 * lists them (so `wnvtrace packets FILE -Y "frame.number == 17"` shows evidence packet 17).
 */

/** critical: traffic is lost / a service cannot work; error: something failed; warning: suspicious; info: capture facts. */
export type Severity = "critical" | "error" | "warning" | "info";

/** What kind of problem: one code per check, stable (tests, UI icons and --json consumers key on it). */
export type FindingCode =
  | "drop"
  | "dns-unanswered"
  | "dns-error"
  | "arp-no-reply"
  | "tcp-no-synack"
  | "tcp-reset"
  | "icmp-unreachable"
  | "icmp-frag-needed"
  | "mtu-exceeded"
  | "vxlan-overhead"
  | "overlay-no-encap"
  | "overlay-wrong-vni"
  | "nat-inbound-not-forwarded"
  | "nat-hairpin"
  | "asymmetric-path"
  | "stale-endpoint"
  | "capture-lost-events"
  | "capture-truncated"
  | "capture-damaged"
  | "capture-missing-provider";

/** A hop of a journey (`wnvtrace follow FILE --journey N` shows it). */
export interface HopRef {
  readonly journey: number;
  readonly hop: number;
}

/** An ETW event that is evidence (a WinNat session, a VmSwitch drop event, a lost-events counter …). */
export interface EventRef {
  readonly ticks: number;
  readonly provider: string;
  readonly id: number;
  readonly text?: string;
}

export interface Evidence {
  /** Packet numbers (PacketRecord.number), ascending, capped at MAX_EVIDENCE (see `more`). */
  readonly packets: number[];
  /** Journey ids (`wnvtrace follow`). */
  readonly journeys: number[];
  readonly hops: HopRef[];
  /** Flow ids (`wnvtrace flows`). */
  readonly flows: number[];
  readonly events: EventRef[];
  /** How many more items of evidence there were than listed. */
  readonly more: number;
}

/** Who or what the finding is about (for grouping and for the UI's links). */
export interface Subject {
  container?: string;
  network?: string;
  /** Addresses, ports, server, NIC / vSwitch names, drop reason … as readable text. */
  ip?: string;
  peer?: string;
  port?: number;
  nic?: string;
  switchName?: string;
  reason?: string;
  location?: string;
}

export interface Finding {
  /** 1-based rank in the list (most severe, then most occurrences). */
  rank: number;
  readonly code: FindingCode;
  readonly severity: Severity;
  /** One line: "2 packets dropped at wcow2 (nat): Spoofed MAC (MacSpoofing)". */
  readonly title: string;
  /** Plain explanation: what happened and what it usually means. */
  readonly explanation: string;
  /** How many times it happened (packets, queries, connections …, see `unit`). */
  readonly count: number;
  readonly unit: string;
  readonly subject: Subject;
  readonly evidence: Evidence;
  /** What to check next: commands to run (on the host or with wnvtrace), settings to look at. */
  readonly next: string[];
  /** Ticks (100 ns since trace start) of the first and last occurrence. */
  readonly firstTicks: number;
  readonly lastTicks: number;
}

export interface FindingsResult {
  readonly findings: Finding[];
  /** Counts per severity. */
  readonly summary: Record<Severity, number>;
  /** Which checks ran, and which could not for lack of data ("overlay checks need VXLAN traffic or --inventory"). */
  readonly checks: { readonly ran: FindingCode[]; readonly skipped: { readonly code: FindingCode; readonly why: string }[] };
}
