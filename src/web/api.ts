/**
 * The contract between the web UI (browser code in web/app) and its data: `wnvtrace serve` answers these over
 * HTTP as JSON, `wnvtrace report` embeds the same records in the HTML file. Pure types, no runtime code, so the
 * browser bundle and the server both import them.
 *
 * HTTP (serve, 127.0.0.1 only by default; GET only; nothing in a URL names a file):
 *   GET /                          the app (HTML; JS and CSS inline or under /app/*)
 *   GET /api/status                 LoadStatus (poll while loading; every other /api call answers 503 until ready)
 *   GET /api/overview               Overview
 *   GET /api/packets?filter=F&offset=N&limit=M     PacketPage (filter in `-Y` syntax; 400 + FilterError when bad)
 *   GET /api/packets/:no            PacketDetail (no = PacketRecord.number)
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
import type { PacketRecord } from "../packets/frame.js";

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

/** What `wnvtrace report` embeds (and what an in-browser data source answers from). */
export interface ReportData {
  readonly overview: Overview;
  readonly topology: TopologyView;
  readonly flows: FlowsResult;
  readonly findings: FindingsResult;
  readonly timeline: Timeline;
  readonly journeys: JourneyView[];
  /**
   * The packets, for in-browser filtering and detail (report.html: the whole ReportData is the JSON text of
   * `<script type="application/json" id="wnv-data">`). Absent: the report has no packet table.
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
