/**
 * Stage 2: records → typed events. A TraceDecoder wraps an EtlReader: it collects the schema metadata the file
 * embeds (a first pass over relogged files, since metadata can come after the events it describes), then
 * decodes each record into named, typed fields and a Windows-style message.
 */
import type { EtlRecord, ExtendedItem, LogfileInfo, TraceClock } from "../etl/mod.js";
import { EtlReader, RecordKind, kernelGroupName, EVENT_TRACE_TYPES } from "../etl/mod.js";
import { WellKnownGuid } from "../layout/etl.js";
import { readGuid } from "../bytes/guid.js";
import { toHex } from "../bytes/hex.js";
import { filetimeToIso } from "../bytes/time.js";
import type { FieldValue } from "./plan.js";
import type { ResolvedSchema, SchemaSource } from "./registry.js";
import { SchemaRegistry } from "./registry.js";
import { parseEventMapInfo, parseTraceEventInfo } from "./tdh.js";
import { parseTraceLoggingSchema } from "./tracelogging.js";
import { formatMessage, formatValue, messageFor } from "./render.js";

/** A decoded event: plain data (bigint only for values beyond 2^53), safe to keep. */
export interface EtwEvent {
  /** Position in delivery order, from 0. */
  readonly index: number;
  /** 100 ns ticks since the trace StartTime. */
  readonly ticks: number;
  /** Absolute UTC time, ISO 8601 with 7 fractional digits. */
  readonly time: string;
  readonly kind: string;
  readonly providerId: string;
  readonly providerName: string;
  readonly id: number;
  readonly version: number;
  readonly opcode: number;
  readonly task: number;
  readonly level: number;
  readonly channel: number;
  /** 0x + 16 hex digits. */
  readonly keywords: string;
  readonly pid: number;
  readonly tid: number;
  readonly cpu: number;
  readonly activityId: string | null;
  readonly relatedActivityId: string | null;
  /** Event name (symbol, TraceLogging name, kernel hook name) or "". */
  readonly name: string;
  /** Where the schema came from, or null when the event has none (fields is then null). */
  readonly schemaSource: SchemaSource | null;
  readonly fields: Readonly<Record<string, FieldValue>> | null;
  /** Rendered message (Get-WinEvent style), or null when no message template is known. */
  readonly message: string | null;
  /** True when the payload ended before the schema's last field. */
  readonly truncated: boolean;
  readonly payloadSize: number;
  /** Raw payload as hex when the event has no schema. */
  readonly payloadHex?: string;
  readonly extended?: readonly ExtendedItem[];
  readonly source: { readonly buffer: number; readonly bufferOffset: number; readonly offset: number };
}

export interface DecoderOptions {
  /** Read the whole file once first to collect embedded metadata (default: no; see the constructor). */
  readonly prescan?: boolean;
  /** Called with file bytes done during the prescan pass (for progress bars). */
  readonly onPrescanProgress?: (bytes: number) => void;
  /**
   * Sees every record of the prescan pass (file order; valid only during the call — clone to keep). Later
   * stages use it to learn tables that files write at the end (pktmon's component rundown).
   */
  readonly onPrescanRecord?: (rec: EtlRecord) => void;
}

const META = WellKnownGuid.KernelTraceControlMetadata;

const CLASSIC_NAMES: Record<string, string> = {
  [META]: "KernelTraceControl",
  [WellKnownGuid.SysConfig]: "SysConfig",
  [WellKnownGuid.WinSat]: "WinSat",
};

export class TraceDecoder {
  readonly reader: EtlReader;
  readonly registry: SchemaRegistry;
  readonly info: LogfileInfo;
  readonly clock: TraceClock;
  /** The file path or bytes the decoder reads. */
  readonly input: string | Uint8Array;

  constructor(input: string | Uint8Array, options: DecoderOptions = {}, registry = new SchemaRegistry()) {
    this.input = input;
    this.reader = EtlReader.open(input);
    this.registry = registry;
    this.info = this.reader.info;
    this.clock = this.reader.clock;
    // Relogged files (pktmon, netsh) embed schema metadata; in time order each metadata record comes before the
    // first event it describes (the relogger stamps it with that event's time), so the main pass learns it in
    // time. A first pass over the whole file is only needed for file-order reading or when asked for.
    if (options.prescan ?? options.onPrescanRecord !== undefined) this.prescan(options.onPrescanProgress, options.onPrescanRecord);
  }

  /** First pass: collect embedded TRACE_EVENT_INFO / EVENT_MAP_INFO records. */
  private prescan(progress?: (bytes: number) => void, each?: (rec: EtlRecord) => void): void {
    const r = EtlReader.open(this.input, { order: "file" });
    try {
      let n = 0;
      while (r.next()) {
        const rec = r.record;
        if (rec.kind === RecordKind.Classic && rec.providerId === META) this.learn(rec);
        else if (each) each(rec);
        if (progress && (++n & 0xfff) === 0) progress(r.progress);
      }
      progress?.(r.progress);
    } finally {
      r.close();
    }
  }

  /** Takes metadata from a KernelTraceControl record (also called during the main pass). */
  learn(rec: EtlRecord): void {
    if (rec.opcode === 32) {
      const info = parseTraceEventInfo(rec.bytes, rec.payloadStart, rec.payloadEnd);
      if (info) this.registry.addEmbedded(info);
    } else if (rec.opcode === 33 && rec.payloadEnd - rec.payloadStart > 16) {
      const guid = readGuid(rec.bytes, rec.payloadStart);
      const m = parseEventMapInfo(rec.bytes, rec.payloadStart + 16, rec.payloadEnd);
      if (m) this.registry.addEmbeddedMap(guid, m.name, m.map);
    }
  }

  /** Moves to the next record; false at the end. Schema metadata records are learned on the way. */
  next(): boolean {
    if (!this.reader.next()) return false;
    const rec = this.reader.record;
    if (rec.kind === RecordKind.Classic && rec.providerId === META) this.learn(rec);
    return true;
  }

  get record(): EtlRecord {
    return this.reader.record;
  }

  /** Resolves the schema of the current-style record (null when none is known). */
  resolve(rec: EtlRecord): ResolvedSchema | null {
    if (rec.kind !== RecordKind.EventHeader) return null;
    if (rec.extStart >= 0) {
      // TraceLogging: the schema is in the event itself.
      const items = rec.extendedItems();
      let tl: { offset: number; length: number } | null = null;
      let provName = "";
      for (const it of items) {
        if (it.type === "tracelogging-schema") tl = it;
        else if (it.type === "provider-traits") provName = it.providerName;
      }
      if (provName) this.registry.setProviderName(rec.providerId, provName);
      if (tl) {
        const t = tl;
        const b = rec.bytes;
        const k = toHex(b, t.offset, t.offset + t.length);
        return this.registry.traceLogging(rec.providerId, k, () => parseTraceLoggingSchema(b, t.offset, t.length, rec.id, rec.version), provName || this.registry.providerName(rec.providerId) || "");
      }
    }
    return this.registry.resolve(rec.providerId, rec.id, rec.version);
  }

  providerName(rec: EtlRecord): string {
    if (rec.kind === RecordKind.System || rec.kind === RecordKind.Compact || rec.kind === RecordKind.PerfInfo) {
      return kernelGroupName(rec.group, rec.opcode);
    }
    return this.registry.providerName(rec.providerId) ?? CLASSIC_NAMES[rec.providerId] ?? "";
  }

  /**
   * Decodes the current record into a self-contained event. The header fields and the payload values are read
   * now; the time text, the field object, the message and the hex of schema-less payloads are built on first use.
   */
  decode(rec: EtlRecord = this.reader.record): EtwEvent {
    const resolved = this.resolve(rec);
    let values: FieldValue[] | null = null;
    let truncated = false;
    let name: string;
    let kernel: { name: string; message: string | null } | null = null;
    let raw: Uint8Array | null = null;
    if (resolved) {
      const res = resolved.plan.decode(rec.bytes, rec.payloadStart, rec.payloadEnd, rec.pointerSize);
      truncated = res.truncated;
      values = res.values;
      name = resolved.schema.name;
    } else {
      kernel = this.kernelMessage(rec);
      name = kernel.name;
      raw = rec.bytes.slice(rec.payloadStart, Math.min(rec.payloadEnd, rec.payloadStart + 4096));
    }
    const extended = rec.extStart >= 0 ? rec.extendedItems() : undefined;
    return new DecodedEvent(this, rec, resolved, values, truncated, name, kernel?.message ?? null, raw, extended);
  }

  /** The event's name without decoding its payload (schema name, kernel hook name, metadata kind). */
  nameOf(rec: EtlRecord): string {
    const r = this.resolve(rec);
    if (r) return r.schema.name;
    if ((rec.kind === RecordKind.System || rec.kind === RecordKind.PerfInfo || rec.kind === RecordKind.Compact) && rec.group === 0) {
      return EVENT_TRACE_TYPES[rec.opcode] ?? "";
    }
    if (rec.kind === RecordKind.Classic && rec.providerId === META) return rec.opcode === 32 ? "EventInfo" : rec.opcode === 33 ? "EventMapInfo" : "";
    return "";
  }

  /** Names and messages for records without a schema (kernel header records, relogger rundown). */
  private kernelMessage(rec: EtlRecord): { name: string; message: string | null } {
    if (rec.kind === RecordKind.System && rec.group === 0) {
      const name = EVENT_TRACE_TYPES[rec.opcode] ?? `Type${rec.opcode}`;
      if (rec.opcode === 0) {
        const i = this.info;
        return {
          name,
          message: `Header, BufferSize: ${i.bufferSize}, ProviderVersion: ${i.osBuild}, NumberOfProcessors: ${i.numberOfProcessors}, ` +
            `EndTime: ${filetimeToIso(i.endTime)}, LogFileMode: 0x${i.logFileMode.toString(16)}, BuffersWritten: ${i.buffersWritten}, ` +
            `PointerSize: ${i.pointerSize}, EventsLost: ${i.eventsLost}, PerfFreq: ${i.perfFreq}, StartTime: ${filetimeToIso(i.startTime)}, ` +
            `ReservedFlags: 0x${i.clockType.toString(16)}, BuffersLost: ${i.buffersLost}, SessionNameString: ${i.loggerName}, LogFileNameString: ${i.logFileName}`,
        };
      }
      return { name, message: null };
    }
    if (rec.kind === RecordKind.Classic && rec.providerId === META) {
      const name = rec.opcode === 32 ? "EventInfo" : rec.opcode === 33 ? "EventMapInfo" : `Opcode${rec.opcode}`;
      if (rec.opcode === 32) {
        const info = parseTraceEventInfo(rec.bytes, rec.payloadStart, rec.payloadEnd);
        if (info) return { name, message: `Metadata for ${info.providerName || info.providerGuid} event ${info.schema.id} version ${info.schema.version}` };
      }
      return { name, message: null };
    }
    if (rec.kind === RecordKind.Message) return { name: `WPP message ${rec.id}`, message: null };
    return { name: "", message: null };
  }

  close(): void {
    this.reader.close();
  }
}

/** The decoded event: eager header and values, lazy text. JSON.stringify gives the plain EtwEvent shape. */
class DecodedEvent implements EtwEvent {
  readonly index: number;
  readonly ticks: number;
  readonly kind: string;
  readonly providerId: string;
  readonly providerName: string;
  readonly id: number;
  readonly version: number;
  readonly opcode: number;
  readonly task: number;
  readonly level: number;
  readonly channel: number;
  readonly pid: number;
  readonly tid: number;
  readonly cpu: number;
  readonly activityId: string | null;
  readonly name: string;
  readonly schemaSource: SchemaSource | null;
  readonly truncated: boolean;
  readonly payloadSize: number;
  readonly extended?: readonly ExtendedItem[];
  readonly source: { readonly buffer: number; readonly bufferOffset: number; readonly offset: number };
  private readonly kwHi: number;
  private readonly kwLo: number;
  private readonly ptr: 4 | 8;
  private _time: string | undefined;
  private _fields: Record<string, FieldValue> | null | undefined;
  private _message: string | null | undefined;

  constructor(
    private readonly dec: TraceDecoder,
    rec: EtlRecord,
    private readonly resolved: ResolvedSchema | null,
    readonly values: FieldValue[] | null,
    truncated: boolean,
    name: string,
    kernelMessage: string | null,
    private readonly raw: Uint8Array | null,
    extended: readonly ExtendedItem[] | undefined,
  ) {
    this.index = dec.reader.recordIndex;
    this.ticks = rec.ticks;
    this.kind = KIND_NAMES[rec.kind];
    this.providerId = rec.providerId;
    this.providerName = resolved?.providerName || dec.providerName(rec);
    this.id = rec.id;
    this.version = rec.version;
    this.opcode = rec.opcode;
    this.task = rec.task;
    this.level = rec.level;
    this.channel = rec.channel;
    this.kwHi = rec.keywordHi;
    this.kwLo = rec.keywordLo;
    this.pid = rec.pid;
    this.tid = rec.tid;
    this.cpu = rec.cpu;
    this.ptr = rec.pointerSize;
    this.activityId = rec.activityId();
    this.name = name;
    this.schemaSource = resolved ? resolved.source : null;
    this.truncated = truncated;
    this.payloadSize = rec.payloadEnd - rec.payloadStart;
    if (extended && extended.length) this.extended = extended;
    this.source = rec.ref;
    if (!resolved) this._message = kernelMessage;
  }

  get time(): string {
    return (this._time ??= this.dec.clock.iso(this.ticks));
  }

  get keywords(): string {
    return "0x" + (this.kwHi >>> 0).toString(16).padStart(8, "0") + (this.kwLo >>> 0).toString(16).padStart(8, "0");
  }

  get relatedActivityId(): string | null {
    const r = this.extended?.find((x) => x.type === "related-activity-id");
    return r && r.type === "related-activity-id" ? r.value : null;
  }

  get fields(): Readonly<Record<string, FieldValue>> | null {
    if (this._fields !== undefined) return this._fields;
    if (!this.resolved || !this.values) return (this._fields = null);
    const f: Record<string, FieldValue> = {};
    const defs = this.resolved.schema.fields;
    for (let i = 0; i < this.values.length; i++) f[defs[i].name] = this.values[i];
    return (this._fields = f);
  }

  get message(): string | null {
    if (this._message !== undefined) return this._message;
    const r = this.resolved;
    if (!r || !this.values) return (this._message = null);
    const tmpl = messageFor(r.schema, this.dec.info.osBuild);
    if (tmpl === undefined) return (this._message = null);
    const defs = r.schema.fields;
    const texts: string[] = [];
    for (let i = 0; i < this.values.length; i++) texts.push(formatValue(defs[i], this.values[i], r.maps, this.ptr));
    return (this._message = formatMessage(tmpl, texts));
  }

  get payloadHex(): string | undefined {
    return this.raw ? toHex(this.raw) : undefined;
  }

  toJSON(): Record<string, unknown> {
    return {
      index: this.index, ticks: this.ticks, time: this.time, kind: this.kind, providerId: this.providerId,
      providerName: this.providerName, id: this.id, version: this.version, opcode: this.opcode, task: this.task,
      level: this.level, channel: this.channel, keywords: this.keywords, pid: this.pid, tid: this.tid, cpu: this.cpu,
      activityId: this.activityId, relatedActivityId: this.relatedActivityId, name: this.name,
      schemaSource: this.schemaSource, fields: this.fields, message: this.message, truncated: this.truncated,
      payloadSize: this.payloadSize, ...(this.raw ? { payloadHex: this.payloadHex } : {}),
      ...(this.extended ? { extended: this.extended } : {}), source: this.source,
    };
  }
}

const KIND_NAMES: Record<number, string> = {
  1: "SYSTEM", 2: "COMPACT", 3: "PERFINFO", 4: "CLASSIC", 5: "INSTANCE", 6: "EVENT_HEADER", 7: "WPP_MESSAGE",
};
