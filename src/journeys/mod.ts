/**
 * Stage: journeys. Follows each packet hop by hop through the host — vSwitch ports, VFP, host NICs, pktmon
 * components — with the latency between hops, what changed (MAC, IP, port, VLAN, VXLAN, NAT) and how it ended
 * (delivered, dropped with the reason, unfinished), naming each hop after its container and network.
 *
 *   for (const j of new JourneyReader("trace.etl", { inventory: readInventory("host/") })) console.log(storyLine(j));
 *
 * The only import path later stages use.
 */
export type { Change, Fate, FateKind, Flavor, Hop, HopDrop, HopFrame, HopKind, HopNames, HopWhere, Journey, Rewrite } from "./types.js";
export { JourneyBuilder } from "./builder.js";
export type { JourneyBuilderOptions, JourneyStats, VmsEvent } from "./builder.js";
export { JourneyReader, readJourneys, VMSWITCH_GUID } from "./read.js";
export type { JourneyReaderOptions } from "./read.js";
export { HopNamer, TraceNames, componentSwitch } from "./names.js";
export type { TraceNic } from "./names.js";
export { diffFacts, frameFacts, describeFacts, frameHash, natInvariantHash, sameFrame } from "./facts.js";
export type { FrameFacts, PacketDescription } from "./facts.js";
export { dropReasonName, dropExplanation } from "./reasons.js";
export { storyLine, journeyDetail, journeyJson, formatLatency } from "./story.js";
export type { StoryOptions } from "./story.js";
export { IsoClock } from "./clock.js";
