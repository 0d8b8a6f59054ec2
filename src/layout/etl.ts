/**
 * On-disk layout of .etl files: one definition shared by the reader (src/etl) and the writer (the lab).
 * Offsets are in bytes from the start of each structure; see ../shared/reference/etl-format.md for sources.
 */

/** WMI_BUFFER_HEADER: 0x48 bytes at the start of every buffer (same in 32- and 64-bit files). */
export const BufferHeader = {
  size: 0x48,
  BufferSize: 0x00,      // u32: bytes the buffer occupies in the file (compressed: on-disk size)
  SavedOffset: 0x04,     // u32: end of valid data in the uncompressed buffer, including the header
  CurrentOffset: 0x08,   // u32: runtime value
  ReferenceCount: 0x0c,  // i32
  TimeStamp: 0x10,       // u64: flush time, trace clock
  SequenceNumber: 0x18,  // i64
  ClockFrequency: 0x20,  // u64: ClockType:3 | Frequency:61 (Win8+), or list pointers
  ProcessorIndex: 0x28,  // u16
  LoggerId: 0x2a,        // u16
  State: 0x2c,           // u32: first buffer of a compressed file: low 16 bits = compression format
  Offset: 0x30,          // u32: end of used data, including the header ("FilledBytes")
  BufferFlag: 0x34,      // u16
  BufferType: 0x36,      // u16
  ReferenceTime: 0x38,   // 16 bytes: StartTime i64, StartPerfClock i64 (union)
} as const;

export const BufferFlag = {
  FlushMarker: 0x1,
  EventsLost: 0x2,
  BufferLost: 0x4,
  RtBackupCorrupt: 0x8,
  RtBackup: 0x10,
  ProcIndex: 0x20,
  Compressed: 0x40,
} as const;

export const BufferType = {
  Generic: 0, Rundown: 1, CtxSwap: 2, RefTime: 3, Header: 4, Batched: 5, EmptyMarker: 6, DbgInfo: 7,
} as const;

/** COMPRESSION_FORMAT_* in the first buffer's State (low 16 bits). */
export const CompressionFormat = { None: 0, Default: 1, Lznt1: 2, Xpress: 3, XpressHuff: 4 } as const;

/** Record header types (byte 2 of the marker when byte 3 & 0xC0 == 0xC0). */
export const HeaderType = {
  System32: 0x01, System64: 0x02, Compact32: 0x03, Compact64: 0x04,
  FullHeader32: 0x0a, Instance32: 0x0b, Timed: 0x0c, Error: 0x0d, WnodeHeader: 0x0e, Message: 0x0f,
  PerfInfo32: 0x10, PerfInfo64: 0x11, EventHeader32: 0x12, EventHeader64: 0x13, FullHeader64: 0x14,
  Instance64: 0x15,
} as const;

/** Flag byte (byte 3 of the marker). */
export const MarkerFlag = { TraceHeader: 0x80, EventTrace: 0x40, TraceMessage: 0x10 } as const;

/** SYSTEM_TRACE_HEADER (0x20) / COMPACT (0x18). */
export const SystemHeader = {
  size: 0x20, compactSize: 0x18,
  Version: 0x00, HeaderType: 0x02, Flags: 0x03, Size: 0x04, HookId: 0x06,
  ThreadId: 0x08, ProcessId: 0x0c, SystemTime: 0x10, KernelTime: 0x18, UserTime: 0x1c,
} as const;

/** PERFINFO_TRACE_HEADER (0x10 + optional PEBS/PMC extension). */
export const PerfInfoHeader = { size: 0x10, Version: 0x00, Size: 0x04, HookId: 0x06, SystemTime: 0x08 } as const;

/** EVENT_TRACE_HEADER (classic / MOF, "full header"), 0x30 bytes; INSTANCE adds 0x18. */
export const FullHeader = {
  size: 0x30, instanceSize: 0x48,
  Size: 0x00, HeaderType: 0x02, Flags: 0x03, ClassType: 0x04, ClassLevel: 0x05, ClassVersion: 0x06,
  ThreadId: 0x08, ProcessId: 0x0c, TimeStamp: 0x10, Guid: 0x18, KernelTime: 0x28, UserTime: 0x2c,
  InstanceId: 0x30, ParentInstanceId: 0x34, ParentGuid: 0x38,
} as const;

/** EVENT_HEADER (manifest / TraceLogging events), 0x50 bytes. */
export const EventHeader = {
  size: 0x50,
  Size: 0x00, HeaderType: 0x02, MarkerFlags: 0x03, Flags: 0x04, EventProperty: 0x06,
  ThreadId: 0x08, ProcessId: 0x0c, TimeStamp: 0x10, ProviderId: 0x18,
  Id: 0x28, Version: 0x2a, Channel: 0x2b, Level: 0x2c, Opcode: 0x2d, Task: 0x2e, Keyword: 0x30,
  KernelTime: 0x38, UserTime: 0x3c, ActivityId: 0x40,
} as const;

export const EventHeaderFlag = {
  ExtendedInfo: 0x1, PrivateSession: 0x2, StringOnly: 0x4, TraceMessage: 0x8, NoCpuTime: 0x10,
  Header32: 0x20, Header64: 0x40, ClassicHeader: 0x100, ProcessorIndex: 0x200,
} as const;

/** EVENT_HEADER_EXTENDED_DATA_ITEM header (8 bytes). */
export const ExtItem = { size: 8, ItemSize: 0, ExtType: 2, Linkage: 4, DataSize: 6 } as const;

export const ExtType = {
  RelatedActivityId: 1, Sid: 2, TsId: 3, InstanceInfo: 4, StackTrace32: 5, StackTrace64: 6, PebsIndex: 7,
  PmcCounters: 8, PsmKey: 9, EventKey: 10, EventSchemaTl: 11, ProvTraits: 12, ProcessStartKey: 13,
  ControlGuid: 14, QpcDelta: 15, ContainerId: 16, StackKey32: 17, StackKey64: 18,
} as const;

/** MESSAGE_TRACE_HEADER (WPP) option flags, in the order their fields follow the 8-byte header. */
export const MessageOption = {
  Sequence: 0x01, Guid: 0x02, ComponentId: 0x04, TimeStamp: 0x08, PerformanceTimestamp: 0x10,
  SystemInfo: 0x20, Pointer32: 0x40, Pointer64: 0x80,
} as const;

/**
 * TRACE_LOGFILE_HEADER: payload of the first record (after its 0x20-byte SYSTEM header). Offsets for 64-bit
 * pointers; `ptr32` gives those that move with 4-byte pointers.
 */
export const LogfileHeader = {
  BufferSize: 0, Version: 4, ProviderVersion: 8, NumberOfProcessors: 12, EndTime: 16, TimerResolution: 24,
  MaximumFileSize: 28, LogFileMode: 32, BuffersWritten: 36, StartBuffers: 40, PointerSize: 44, EventsLost: 48,
  CpuSpeedInMHz: 52, LoggerNamePtr: 56,
  /** Offsets after the two pointers, for 8-byte pointers; subtract 8 for 4-byte pointers. */
  TimeZone: 72, TimeZoneSize: 172, BootTime: 248, PerfFreq: 256, StartTime: 264, ReservedFlags: 272,
  BuffersLost: 276, Names: 280,
} as const;

export const LogFileMode = {
  Sequential: 0x1, Circular: 0x2, Append: 0x4, NewFile: 0x8, Relog: 0x10000, Compressed: 0x04000000,
} as const;

/** Clock types (TRACE_LOGFILE_HEADER.ReservedFlags). */
export const ClockType = { Qpc: 1, SystemTime: 2, CpuCycle: 3 } as const;

/** Well-known GUIDs of records the reader itself interprets. */
export const WellKnownGuid = {
  EventTrace: "68fdd900-4a3e-11d1-84f4-0000f80464e3",
  KernelTraceControlMetadata: "bbccf6c1-6cd1-48c4-80ff-839482e37671",
  SysConfig: "9b79ee91-b5fd-41c0-a243-4248e266e9d0",
  WinSat: "ed54dff8-c409-4cf6-bf83-05e1e61a09c4",
} as const;
