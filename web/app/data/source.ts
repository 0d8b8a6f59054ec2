/** Where the app's data comes from: `wnvtrace serve` over HTTP (RemoteSource) or the report's embedded JSON (EmbeddedSource). */
import type { LoadStatus, Overview, PacketDetail, PacketPage, JourneyPage, JourneyQuery, JourneyView, TopologyView, Timeline } from "../../../src/web/api.js";
import type { FlowsResult } from "../../../src/flows/types.js";
import type { FindingsResult } from "../../../src/findings/types.js";

export interface DataSource {
  /** "embedded" (report) or "remote" (serve). */
  readonly kind: "embedded" | "remote";
  status(): Promise<LoadStatus>;
  overview(): Promise<Overview>;
  /** Rows offset … offset+limit of the packets matching `filter` ("" = all). Rejects with FilterFailure for a bad filter. */
  packets(filter: string, offset: number, limit: number): Promise<PacketPage>;
  packet(no: number): Promise<PacketDetail>;
  /** Row index of packet `no` in the list `filter` selects, or -1. */
  indexOf(filter: string, no: number): Promise<number>;
  journey(id: number): Promise<JourneyView>;
  /** Rows offset … offset+limit of the journeys list matching `q` (fate, text, `-Y` filter). Rejects with FilterFailure for a bad filter. */
  journeys(q: JourneyQuery, offset: number, limit: number): Promise<JourneyPage>;
  topology(): Promise<TopologyView>;
  flows(): Promise<FlowsResult>;
  findings(): Promise<FindingsResult>;
  timeline(): Promise<Timeline>;
  /** Whether the packet table is available (a report may leave it out). */
  readonly hasPackets: boolean;
}

/** A display filter that does not compile: message and 0-based column. */
export class FilterFailure extends Error {
  constructor(readonly filter: string, readonly column: number, message: string) {
    super(message);
    this.name = "FilterFailure";
  }
}

/** A record that does not exist (packet or journey number out of range …). */
export class NotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFound";
  }
}
