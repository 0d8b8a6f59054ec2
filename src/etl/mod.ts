/** Stage 1: bytes → records. The only import path other stages use for the ETL reader. */
export { EtlReader } from "./reader.js";
export type { BufferStats, ReaderStats, OpenOptions } from "./reader.js";
export { EtlRecord, RecordKind, RECORD_KIND_NAMES, formatSid, sidSize } from "./record.js";
export type { ExtendedItem, RecordRef } from "./record.js";
export { TraceClock } from "./logfile.js";
export type { LogfileInfo, TimeZoneInfo } from "./logfile.js";
export { kernelGroupName, kernelGroupGuid, kernelProviderName, EVENT_TRACE_TYPES } from "./kernel.js";
export { xpressDecompress, xpressCompress } from "./xpress.js";
export type { ByteSource } from "./source.js";
export { EtlWriter, fileSink, memorySink } from "./writer.js";
export type { EtlSink, MemorySink, EtlWriterOptions, EventRecordInput, ClassicRecordInput } from "./writer.js";
