/**
 * The contract between the web UI (browser code in web/app) and its data: `wnvtrace serve` answers these over
 * HTTP as JSON, `wnvtrace report` embeds the same records in the HTML file (compactly: PackedReport, at the end). Pure types, no runtime code, so the
 * browser bundle and the server both import them.
 *
 * HTTP (serve, 127.0.0.1 only by default; GET only; nothing in a URL names a file):
 *   GET /                          the app (HTML; JS and CSS inline or under /app/*)
 *   GET /api/status                 LoadStatus (poll while loading; every other /api call answers 503 until ready)
 *   GET /api/overview               Overview
 *   GET /api/packets?filter=F&offset=N&limit=M     PacketPage (filter in `-Y` syntax; 400 + FilterError when bad)
 *   GET /api/packets/:no            PacketDetail (no = PacketRecord.number)
 *   GET /api/journeys?fate=K&q=T&filter=F&offset=N&limit=M   JourneyPage (fate: delivered | dropped | unfinished;
 *                                   q: case-insensitive text in summary / where / drop reason / container names; filter: `-Y`
 *                                   syntax, journeys with a hop whose packet matches — 400 + FilterError when bad)
 *   GET /api/journeys/:id           JourneyView
 *   GET /api/topology               TopologyView
 *   GET /api/flows                  FlowsResult (src/flows)
 *   GET /api/findings               FindingsResult (src/findings)
 *   GET /api/timeline               Timeline
 */
import type { FindingsResult } from "../findings/types.js";
import type { FlowsResult } from "../flows/types.js";
import type { Journey } from "../journeys/types.js";
import type { Topology } from "../topology/types.js";
import type { NdisMeta, PacketRecord, PktmonMeta, VmSwitchMeta } from "../packets/frame.js";

export interface LoadStatus {
  readonly state: "loading" | "ready" | "failed";
  /** Bytes of the capture read so far and its size. */
  readonly done: number;
  readonly total: number;
  readonly packets: number;
  readonly error?: string;
}

export interface Overview {
  readonly file: string;
  readonly fileBytes: number;
  /** "netsh" (NDIS-PacketCapture / VmSwitch), "pktmon", or both. */
  readonly flavours: string[];
  /** ISO UTC of the first and last event; seconds between. */
  readonly start: string;
  readonly end: string;
  readonly duration: number;
  readonly hostName?: string;
  readonly osBuild?: string;
  readonly providers: { readonly name: string; readonly guid: string; readonly events: number }[];
  readonly events: number;
  readonly packets: number;
  readonly drops: number;
  readonly journeys: number;
  readonly flows: number;
  readonly findings: FindingsResult["summary"];
  /** Reader problems (damaged buffers …) and limits applied (report: "first 200000 packets"). */
  readonly notes: string[];
}

/** One row of the packet table (Wireshark-like columns). */
export interface PacketRow {
  /** PacketRecord.number. */
  readonly no: number;
  /** Seconds since the first packet. */
  readonly time: number;
  readonly src: string;
  readonly dst: string;
  readonly protocol: string;
  readonly length: number;
  /** Where the packet was seen: "wcow1 (nat) Ingress", "Ethernet Tx", "vNIC Synthetic …". */
  readonly where: string;
  readonly info: string;
  /** Drop reason text when the sighting is a drop. */
  readonly drop?: string;
  /** Journey this sighting belongs to. */
  readonly journey?: number;
}

export interface PacketPage {
  /** Packets in the capture and packets matching the filter. */
  readonly total: number;
  readonly matched: number;
  readonly offset: number;
  readonly rows: PacketRow[];
  /** With `&find=NO`: row index of packet NO in the filtered list, -1 when it does not match. */
  readonly found?: number;
  /** Milliseconds the server spent filtering for this answer (0 when the last filter's matches were reused). */
  readonly filterMs?: number;
}

/** 400 answer of /api/packets: the filter text, the column (0-based) of the problem and the message. */
export interface FilterError {
  readonly error: string;
  readonly filter: string;
  readonly column: number;
}

/** A node of the layer tree: label and the byte range it covers in `hex`. */
export interface TreeNodeView {
  readonly label: string;
  readonly start: number;
  readonly length: number;
  readonly children?: TreeNodeView[];
}

export interface PacketDetail {
  readonly row: PacketRow;
  /** Capture metadata as label/value pairs (ticks, CPU, source event, pktmon ids, NBL, component …). */
  readonly meta: { readonly label: string; readonly value: string }[];
  readonly tree: TreeNodeView[];
  /** Captured bytes, lowercase hex without separators. */
  readonly hex: string;
  readonly originalLength: number;
}

/** A journey with frame bytes as hex (Uint8Array does not travel as JSON). */
export type JourneyView = Omit<Journey, "hops"> & {
  readonly hops: (Omit<Journey["hops"][number], "frame"> & {
    readonly frame?: { readonly hex: string; readonly length: number; readonly linkType: number; readonly summary?: string };
    /** Packet number of the sighting this hop came from, when it had one. */
    readonly packet?: number;
  })[];
};

/** One row of the journeys list (src/web/model.ts keeps these fields in columns, not per-journey objects). */
export interface JourneyRow {
  /** Journey.id. */
  readonly id: number;
  readonly summary: string;
  readonly protocol: string;
  readonly src: string;
  readonly dst: string;
  /** Seconds since the first packet (as PacketRow.time). */
  readonly startTime: number;
  /** Number of hops. */
  readonly hops: number;
  /** endTicks − startTicks in microseconds. */
  readonly durationUs: number;
  readonly fate: "delivered" | "dropped" | "unfinished";
  /** Where it ended (Fate.location; "" when unknown). */
  readonly where: string;
  /** Drop reason (Fate.reasonName) when dropped. */
  readonly reason?: string;
  /** Distinct hop names (HopNames.label: "wcow1 (nat)", "vEthernet (nat)" …) in hop order. */
  readonly containers: string[];
}

/** A page of /api/journeys: journeys in the capture (report: embedded), journeys matching, the rows from `offset`. */
export interface JourneyPage {
  readonly total: number;
  readonly matched: number;
  readonly offset: number;
  readonly rows: JourneyRow[];
}

/** What selects journeys: fate, text (summary / where / drop reason / container names, case-insensitive) and a `-Y` packet filter. */
export interface JourneyQuery {
  readonly fate?: JourneyRow["fate"] | "";
  readonly q?: string;
  readonly filter?: string;
}

/** Topology with the node/edge graph the UI draws (node ids are stable strings). */
export interface TopologyView {
  readonly topology: Topology;
  readonly graph: {
    readonly nodes: {
      readonly id: string;
      readonly label: string;
      /** container, host-vnic, switch, external-nic, nic, network, component, remote … */
      readonly kind: string;
      readonly network?: string;
      readonly driver?: string;
      /** Display filter that selects this node's packets (click → packets view), e.g. `ip.addr == 172.18.5.2`. */
      readonly filter?: string;
      /** From src/topology/graph.ts: secondary lines (MAC, IP …), fill colour, column (0 containers … 3 host NICs), group (switch index, -1 host adapters), row. */
      readonly details?: string[];
      readonly color?: string;
      readonly column?: number;
      readonly group?: number;
      readonly row?: number;
    }[];
    readonly edges: { readonly source: string; readonly target: string; readonly label?: string }[];
    /** Switch boxes (id, label, details, colour, rows, switch node), legend (network → colour) and title, as src/topology/graph.ts lays them out. */
    readonly groups?: { readonly id: string; readonly label: string; readonly details: string[]; readonly color: string; readonly rows: number; readonly node?: string }[];
    readonly legend?: { readonly label: string; readonly color: string }[];
    readonly title?: string;
  };
}

/** Packets per second per interface ("where"). */
export interface Timeline {
  /** Ticks (100 ns) of bin 0 and the bin width in seconds. */
  readonly startTicks: number;
  readonly binSeconds: number;
  readonly series: { readonly where: string; readonly counts: number[] }[];
}

/**
 * Everything a report shows, in the shapes the views read (EmbeddedSource answers these). `CaptureModel.reportData`
 * builds it whole; report.html embeds the smaller PackedReport instead, which EmbeddedSource expands on demand
 * (src/web/packed.ts) into exactly these records.
 */
export interface ReportData {
  readonly overview: Overview;
  readonly topology: TopologyView;
  readonly flows: FlowsResult;
  readonly findings: FindingsResult;
  readonly timeline: Timeline;
  readonly journeys: JourneyView[];
  /**
   * The packets, for in-browser filtering and detail (report.html embeds them as PackedReport.packets, below).
   * Absent: the report has no packet table.
   */
  readonly packets?: EmbeddedPackets;
}

/**
 * A PacketRecord without its bytes and ETW event reference: what the display filter (src/filter) and the
 * detail view's metadata read. Same order as EmbeddedPackets.rows.
 */
export type EmbeddedRecord = Omit<PacketRecord, "bytes" | "event">;

/**
 * The packet table of a report: rows as /api/packets would page them, the records the browser's filter
 * compiler needs, and every packet's captured bytes (base64 of the concatenation; packet i is
 * bytes[offsets[i] .. offsets[i + 1]) after decoding). The browser dissects with src/packets/dissect and
 * builds the detail tree with src/packets/tree.ts, as the server does.
 */
export interface EmbeddedPackets {
  readonly rows: PacketRow[];
  readonly records: EmbeddedRecord[];
  readonly bytes: string;
  /** rows.length + 1 offsets into the decoded bytes. */
  readonly offsets: number[];
  /** Packets in the capture (rows may hold only the first N: Overview.notes says so). */
  readonly total: number;
}

// ---- report.html's embedded form ---------------------------------------------------------------------------
//
// report.html carries `<script type="application/octet-stream" id="wnv-data" data-encoding="deflate-raw+base64">`:
// base64 of the raw-DEFLATE (RFC 1951) compressed UTF-8 JSON text of a PackedReport. The browser inflates it with
// DecompressionStream("deflate-raw") and expands it lazily with src/web/packed.ts (PackedView), the same code
// `wnvtrace serve` uses for its answers, so the views get the api.ts shapes above:
//   - PacketRow src/dst/protocol/info are not stored: the browser dissects the bytes (src/web/columns.ts);
//   - PacketRecord metadata shared by many packets (source, link type, pktmon component, drop reason, vSwitch
//     port …) is a PacketTemplate stored once; the per-packet numbers are columns (arrays of numbers);
//   - identical captured bytes (pktmon sees one packet at many components) are stored once;
//   - journeys are compact tuples (PackedJourney) over shared hop shapes, places and fates; hop times (ISO) come
//     from ticks + the trace start, frame summaries from the packet's bytes.

export interface PackedReport {
  /** Version tag (src/web/packed.ts PACKED_FORMAT). */
  readonly format: "wnvtrace-report/2";
  readonly overview: Overview;
  readonly topology: TopologyView;
  readonly flows: FlowsResult;
  readonly findings: FindingsResult;
  readonly timeline: Timeline;
  /** Trace start as a FILETIME (decimal string): hop times are IsoClock(traceStart).iso(ticks). */
  readonly traceStart: string;
  readonly journeys: PackedJourneys;
  readonly packets?: PackedPackets;
}

/** The PacketRecord fields many packets share (per-packet numbers are PackedPackets columns; their slots here are 0 / ""). */
export interface PacketTemplate {
  readonly source: PacketRecord["source"];
  readonly linkType: PacketRecord["linkType"];
  readonly direction: PacketRecord["direction"];
  readonly eventId: number;
  readonly ndis?: NdisMeta;
  readonly vmswitch?: VmSwitchMeta;
  readonly pktmon?: PktmonMeta;
}

/**
 * The first `count` packets (numbers 1 … count) as columns: every array has `count` entries, entry i is packet
 * number i + 1. `ticks` is delta-coded (ticks[i] − ticks[i − 1]; entry 0 is absolute). `hash` (vSwitch RSS hash),
 * `group`/`pktNumber`/`appearance` (pktmon) are present when some packet has them. Packet i's captured bytes are
 * bytes[offsets[blob[i]] .. offsets[blob[i] + 1]) of the base64-decoded `bytes`.
 */
export interface PackedPackets {
  readonly count: number;
  /** Packets in the capture (count may be fewer: Overview.notes says so). */
  readonly total: number;
  /** Ticks of packet 1: PacketRow.time = (ticks − firstTicks) / 1e7. */
  readonly firstTicks: number;
  readonly templates: PacketTemplate[];
  /** PacketRow.where texts. */
  readonly places: string[];
  /** pktmon PktGroupIds. */
  readonly groups?: string[];
  readonly tmpl: number[];
  readonly ticks: number[];
  readonly cpu: number[];
  readonly pid: number[];
  readonly tid: number[];
  /** originalLength (PacketRow.length). */
  readonly length: number[];
  /** Index into `places`. */
  readonly where: number[];
  /** Journey id, 0 for none. */
  readonly journey: number[];
  readonly hash?: number[];
  readonly group?: number[];
  readonly pktNumber?: number[];
  readonly appearance?: number[];
  readonly blob: number[];
  readonly bytes: string;
  readonly offsets: number[];
}

/**
 * Journeys touching an embedded packet, ordered by id. Hop shapes and places are shared (see PackedHop); a
 * journey's fate is an index into `fates` (entry 0 unused) or the fate itself.
 */
export interface PackedJourneys {
  readonly shapes: PackedHopShape[];
  /** Hop `where`/`names` objects, by index (≥ 0) … */
  readonly places: unknown[];
  /** … and by −1 − index (snapshots, past the model's identity limit). */
  readonly placeSnaps: unknown[];
  readonly fates: Journey["fate"][];
  readonly list: PackedJourney[];
}

/** What hops at one place have in common: kind, where (place), names (place or null), event ids, changes … */
export interface PackedHopShape {
  readonly kind: string;
  readonly w: number;
  readonly n: number | null;
  readonly eventIds: number[];
  readonly vlan?: number;
  readonly changes: Journey["hops"][number]["changes"];
  readonly drop?: Journey["hops"][number]["drop"];
  readonly delivered?: boolean;
}

/**
 * A hop: [shape (index into shapes, or the shape itself when it has changes/drop), parent, ticks, latencyTicks, cpu,
 * packet number (0 none), nbl (text, "" none, or an index into the journey's nbls), pktmon groupId, pktNumber,
 * appearance, frame length (−1: no frame), link type, frame hex (only when the frame's packet is not embedded)].
 */
export type PackedHop = [number | PackedHopShape, number, number, number, number, number, string | number, string, number, number, number, number, string];

/**
 * A rewrite: the Rewrite itself, or [hop, by, k] when it is `{ hop, by, ...hops[hop].changes[k] }` (NAT and VFP
 * rewrites repeat their hop's changes).
 */
export type PackedRewrite = Journey["rewrites"][number] | [number, string, number];

/**
 * A journey: [id, flavor, key, nbls (0 none), summary, protocol, src, dst, startTicks, endTicks, fate (index into
 * PackedJourneys.fates, or the fate itself), rewrites, matched (0/1), hops].
 */
export type PackedJourney = [number, string, string, string[] | 0, string, string, string, string, number, number, number | Journey["fate"], PackedRewrite[], number, PackedHop[]];
