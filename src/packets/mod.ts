/** Stage 3: capture events → packets → layers. The only import path later stages use. */
export { PacketReader, NDISCAP_GUID, PKTMON_GUID } from "./assemble.js";
export type { PacketStats, PacketReaderOptions } from "./assemble.js";
export type { PacketRecord, NdisMeta, VmSwitchMeta, PktmonMeta, Direction, PacketSource } from "./frame.js";
export { LinkType } from "./frame.js";
export { PktmonComponents, COMPONENT_TYPES, PROPERTY_TYPES } from "./components.js";
export type { PktmonComponent } from "./components.js";
export { Dissection, DissectorTables, Proto, MAX_LAYERS } from "./dissect/core.js";
export type { Dissector, FieldSpec, FieldType, TreeNode, DecodeContext } from "./dissect/core.js";
export { Dissecter, buildTables, fieldRegistry } from "./dissect/dissect.js";
export type { DissectorModule } from "./dissect/dissect.js";
export { builtinModules, builtinTables, newDissecter, registerSummaries, BASE_MODULES, EXTRA_MODULES } from "./dissect/index.js";
export { summarize, macDash, SUMMARY } from "./dissect/summary.js";
export type { LayerSummary, SummaryContext, SummaryOptions } from "./dissect/summary.js";
export { macText, macFromNumber, ipv4Text, ipv6Text, ipv6Hex } from "./dissect/addr.js";
export { layerTrees, hexDump } from "./tree.js";
