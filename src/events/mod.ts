/** Stage 2: records → typed events. The only import path later stages use for decoding. */
export { TraceDecoder } from "./decoder.js";
export type { EtwEvent, DecoderOptions } from "./decoder.js";
export { SchemaRegistry, BundledSchemas, bundledSchemas } from "./registry.js";
export type { ResolvedSchema, SchemaSource } from "./registry.js";
export { Plan, fixedSize } from "./plan.js";
export type { FieldValue, DecodeResult } from "./plan.js";
export { formatValue, formatMessage, messageFor, ipv4Text, ipv6Text } from "./render.js";
export { parseTraceEventInfo, parseEventMapInfo, encodeTraceEventInfo, encodeEventMapInfo, TDH_INTYPES } from "./tdh.js";
export type { TraceEventInfoOptions } from "./tdh.js";
export { parseTraceLoggingSchema } from "./tracelogging.js";
export type { EventSchema, FieldDef, InType, ProviderSchema, ValueMap } from "./schema.js";
export { encodePayload } from "./encode.js";
