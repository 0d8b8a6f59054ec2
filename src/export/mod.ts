/** Export stage: packet records → files other tools read (pcapng). The only import path the CLI uses. */
export { exportPcapng, PcapngExporter, sectionFor } from "./export.js";
export type { ExportOptions, ExportResult } from "./export.js";
export { describeInterface, interfaceKey, packetComment } from "./interfaces.js";
export type { CaptureInterface } from "./interfaces.js";
export {
  PcapngWriter, UnixNsClock, fdSink, pcapngFileSink, pcapngMemorySink, newEpbInput, BlockType, Opt, EpbDirection, VerdictType,
} from "./pcapng/writer.js";
export type { PcapngSink, PcapngMemorySink, SectionInfo, InterfaceInfo, EpbInput, PcapngWriterOptions } from "./pcapng/writer.js";
export { readPcapng } from "./pcapng/reader.js";
export type { PcapngFile, PcapngPacket, PcapngInterface, PcapngSection, PcapngOption } from "./pcapng/reader.js";
