/**
 * The ETL reader: walks WMI buffers, decompresses them, splits them into records, and delivers the records in
 * global timestamp order (per-CPU buffers, k-way merge). Streams: it indexes buffer headers first (72 bytes per
 * buffer), then holds one buffer per CPU at a time, whatever the file size.
 */
import { BufferHeader as BH, BufferFlag, CompressionFormat, HeaderType as HT, LogFileMode } from "../layout/etl.js";
import type { Diagnostic, DiagnosticKind } from "../bytes/errors.js";
import { WnvError } from "../bytes/errors.js";
import { readGuid } from "../bytes/guid.js";
import type { ByteSource } from "./source.js";
import { fileSource, memorySource } from "./source.js";
import type { LogfileInfo } from "./logfile.js";
import { parseLogfileHeader, TraceClock } from "./logfile.js";
import { EtlRecord, RecordKind, kernelGroupGuid } from "./record.js";
import { xpressDecompress } from "./xpress.js";
import { grown } from "../bytes/arrays.js";

const HDR = BH.size;
const MAX_BUFFER = 64 * 1024 * 1024; // no real ETW buffer is larger than this

/** Verdict on a buffer header (see EtlReader.checkHeader). */
const HeaderCheck = { Plausible: 0, Truncated: 1, Bad: 2 } as const;
type HeaderCheck = (typeof HeaderCheck)[keyof typeof HeaderCheck];

export interface BufferStats {
  readonly count: number;
  readonly compressed: number;
  readonly skipped: number;
  readonly byType: Record<number, number>;
  readonly eventsLostFlag: number;
  readonly buffersLostFlag: number;
  readonly processors: number;
}

export interface ReaderStats {
  readonly records: number;
  readonly byKind: Record<string, number>;
  readonly wppSkipped: number;
  readonly bytesRead: number;
  readonly decompressedBytes: number;
}

export interface OpenOptions {
  /** "time": global timestamp order (default); "file": buffers in file order, records as stored. */
  readonly order?: "time" | "file";
  /** Read only these buffers (indices in file order, see cpuBuffers()); default: all. */
  readonly buffers?: readonly number[];
  /** Name to use in messages for in-memory input. */
  readonly name?: string;
}

/** Index of buffers, one entry per buffer in file order (typed arrays: flat even for millions of buffers). */
class BufferIndex {
  n = 0;
  offset = new Float64Array(1024);
  size = new Uint32Array(1024);
  saved = new Uint32Array(1024);
  filled = new Uint32Array(1024);
  seq = new Float64Array(1024);
  cpu = new Uint16Array(1024);
  flags = new Uint16Array(1024);
  type = new Uint16Array(1024);

  push(off: number, size: number, saved: number, filled: number, seq: number, cpu: number, flags: number, type: number): void {
    if (this.n === this.offset.length) this.grow();
    const i = this.n++;
    this.offset[i] = off;
    this.size[i] = size;
    this.saved[i] = saved;
    this.filled[i] = filled;
    this.seq[i] = seq;
    this.cpu[i] = cpu;
    this.flags[i] = flags;
    this.type[i] = type;
  }

  private grow(): void {
    const m = this.offset.length * 2;
    this.offset = grown(this.offset, m);
    this.size = grown(this.size, m);
    this.saved = grown(this.saved, m);
    this.filled = grown(this.filled, m);
    this.seq = grown(this.seq, m);
    this.cpu = grown(this.cpu, m);
    this.flags = grown(this.flags, m);
    this.type = grown(this.type, m);
  }
}

interface GuidEntry {
  readonly a0: number;
  readonly a1: number;
  readonly a2: number;
  readonly a3: number;
  readonly s: string;
}

/**
 * Interns provider GUID strings so that records do not build a string each. Compares the GUID as four int32
 * words; the last hit is checked first (consecutive records mostly share a provider).
 */
class GuidInterner {
  private readonly map = new Map<number, GuidEntry[]>();
  private last: GuidEntry = { a0: 0, a1: 0, a2: 0, a3: 0, s: readGuid(new Uint8Array(16), 0) };

  get(dv: DataView, b: Uint8Array, o: number): string {
    const a0 = dv.getInt32(o, true);
    const a1 = dv.getInt32(o + 4, true);
    const a2 = dv.getInt32(o + 8, true);
    const a3 = dv.getInt32(o + 12, true);
    const l = this.last;
    if (l.a0 === a0 && l.a1 === a1 && l.a2 === a2 && l.a3 === a3) return l.s;
    const h = a0 ^ a1 ^ a2 ^ a3;
    let list = this.map.get(h);
    if (list) {
      for (const e of list) {
        if (e.a0 === a0 && e.a1 === a1 && e.a2 === a2 && e.a3 === a3) {
          this.last = e;
          return e.s;
        }
      }
    } else {
      list = [];
      this.map.set(h, list);
    }
    const e: GuidEntry = { a0, a1, a2, a3, s: readGuid(b, o) };
    list.push(e);
    this.last = e;
    return e.s;
  }
}

/** One per-CPU stream of buffers, holding the current buffer and the head record. */
class Stream {
  readonly rec = new EtlRecord();
  buffers: number[] = [];
  next = 0;          // next buffer (index into `buffers`)
  data: Uint8Array = new Uint8Array(0);   // current buffer's record area, starting at buffer offset 0x48
  dv: DataView = new DataView(new ArrayBuffer(0));
  pos = 0;
  end = 0;
  raw: Uint8Array = new Uint8Array(0);    // compressed bytes scratch
  lastHi = 0;
  lastLo = 0;
  /** The current buffer was decompressed (record offsets are then not file offsets). */
  compressed = false;
  done = false;
  constructor(readonly cpu: number) {}
}

export class EtlReader {
  readonly info: LogfileInfo;
  readonly clock: TraceClock;
  readonly fileSize: number;
  readonly name: string;
  readonly compression: number;
  readonly diagnostics: Diagnostic[] = [];
  /** Counts per diagnostic kind (the list above keeps only the first 1000). */
  readonly diagnosticCounts: Partial<Record<DiagnosticKind, number>> = {};

  private readonly src: ByteSource;
  private readonly index = new BufferIndex();
  private readonly interner = new GuidInterner();
  private readonly order: "time" | "file";
  private streams: Stream[] = [];
  private active: Stream[] = [];
  private current: Stream | null = null;
  private started = false;
  private bytesRead = 0;
  private decompressed = 0;
  private records = 0;
  /** Records per RecordKind (index = kind). */
  private readonly byKind = new Float64Array(8);
  private wpp = 0;
  private skippedBuffers = 0;

  /** Opens a file (path) or in-memory bytes. Throws WnvError("unreadable") when it is not an ETL file. */
  static open(input: string | Uint8Array, options: OpenOptions = {}): EtlReader {
    const src = typeof input === "string" ? fileSource(input) : memorySource(input, options.name);
    try {
      return new EtlReader(src, options);
    } catch (e) {
      src.close();
      throw e;
    }
  }

  private constructor(src: ByteSource, options: OpenOptions) {
    this.src = src;
    this.name = src.name;
    this.fileSize = src.size;
    this.order = options.order ?? "time";
    this.only = options.buffers ? new Set(options.buffers) : null;
    if (src.size < HDR + 0x20 + 280) {
      throw new WnvError("unreadable", `${src.name}: not an ETL file: ${src.size} bytes is too small; expected at least ${HDR + 0x20 + 280} bytes for a buffer header and a logfile header`, 0);
    }
    // First buffer: header buffer, never compressed. Read its header and first record.
    const head = new Uint8Array(Math.min(src.size, 64 * 1024));
    src.read(head, 0, head.length, 0);
    const hdv = new DataView(head.buffer);
    const bufSize = hdv.getUint32(BH.BufferSize, true);
    const htype = head[HDR + 2];
    const hflags = head[HDR + 3];
    if ((hflags & 0xc0) !== 0xc0 || (htype !== HT.System32 && htype !== HT.System64)) {
      throw new WnvError("unreadable",
        `${src.name}: not an ETL file: expected a SYSTEM trace header (type 0x01/0x02, flags 0xC0) at offset 0x48, found type 0x${htype.toString(16)} flags 0x${hflags.toString(16)}`, HDR);
    }
    if (bufSize < HDR + 0x20 || bufSize > MAX_BUFFER) {
      throw new WnvError("unreadable", `${src.name}: not an ETL file: first buffer size ${bufSize} is impossible; expected ${HDR + 0x20} to ${MAX_BUFFER} bytes`, 0);
    }
    const recSize = hdv.getUint16(HDR + 4, true);
    const recEnd = Math.min(HDR + recSize, head.length);
    this.info = parseLogfileHeader(head, HDR + 0x20, recEnd, htype === HT.System32 ? 4 : 8);
    this.clock = new TraceClock(this.info, hdv.getUint32(HDR + 0x14, true), hdv.getUint32(HDR + 0x10, true));
    this.compression = hdv.getUint32(BH.State, true) & 0xffff;
    this.indexBuffers(head);
  }

  // ---- buffer index ------------------------------------------------------------------------------------

  private note(kind: DiagnosticKind, offset: number, message: string): void {
    this.diagnosticCounts[kind] = (this.diagnosticCounts[kind] ?? 0) + 1;
    if (this.diagnostics.length < 1000) this.diagnostics.push({ kind, offset, message });
  }

  /**
   * Checks the buffer header at `at` in `h`. Returns Plausible, Truncated (a sound header whose BufferSize runs past
   * the end of the file) or Bad.
   */
  private checkHeader(h: DataView, at: number, remaining: number): HeaderCheck {
    const size = h.getUint32(at + BH.BufferSize, true);
    const saved = h.getUint32(at + BH.SavedOffset, true);
    const flag = h.getUint16(at + BH.BufferFlag, true);
    const type = h.getUint16(at + BH.BufferType, true);
    if (size < HDR || size > MAX_BUFFER) return HeaderCheck.Bad;
    if (type > 7) return HeaderCheck.Bad;
    if (flag & BufferFlag.Compressed) {
      if (saved < HDR || saved > MAX_BUFFER) return HeaderCheck.Bad;
    } else {
      const filled = h.getUint32(at + BH.Offset, true);
      if (!((saved >= HDR && saved <= size) || (filled >= HDR && filled <= size) || saved === 0)) return HeaderCheck.Bad;
    }
    return size > remaining ? HeaderCheck.Truncated : HeaderCheck.Plausible;
  }

  private indexBuffers(_head: Uint8Array): void {
    const h = new Uint8Array(HDR);
    const dv = new DataView(h.buffer);
    const size = this.fileSize;
    const nominal = this.info.bufferSize;
    const compressedFile = (this.info.logFileMode & LogFileMode.Compressed) !== 0;
    let off = 0;
    while (off + HDR <= size) {
      this.src.read(h, 0, HDR, off);
      const bs = dv.getUint32(BH.BufferSize, true);
      const check = this.checkHeader(dv, 0, size - off);
      if (check !== HeaderCheck.Plausible) {
        if (check === HeaderCheck.Truncated) {
          this.note("buffer-truncated", off, `buffer at offset ${off} is cut short: it claims ${bs} bytes but the file ends after ${size - off}; skipped`);
          this.skippedBuffers++;
          break;
        }
        this.skippedBuffers++;
        const next = this.resync(off, nominal, compressedFile);
        this.note("buffer-bad-size", off, `buffer at offset ${off} has an impossible header (BufferSize ${bs}); skipped, ` +
          (next < 0 ? "no further buffer found" : `resumed at offset ${next}`));
        if (next < 0) break;
        off = next;
        continue;
      }
      this.index.push(off, bs, dv.getUint32(BH.SavedOffset, true), dv.getUint32(BH.Offset, true),
        Number(dv.getBigInt64(BH.SequenceNumber, true)), dv.getUint16(BH.ProcessorIndex, true),
        dv.getUint16(BH.BufferFlag, true), dv.getUint16(BH.BufferType, true));
      off += bs;
    }
    if (off < size && off + HDR > size) {
      this.note("trailing-bytes", off, `${size - off} bytes at offset ${off}, after the last buffer, are too few for a buffer header; ignored`);
    }
  }

  /**
   * After a bad buffer header at `off`, finds the next buffer. Uncompressed files: buffers sit at multiples of
   * the nominal buffer size, so the next such slot with a sound header. Otherwise (compressed buffers have
   * arbitrary sizes and alignment): a byte-by-byte scan for a sound header whose BufferSize chain is confirmed
   * by the following header (or the end of the file). Returns -1 when there is none.
   */
  private resync(off: number, nominal: number, compressedFile: boolean): number {
    const size = this.fileSize;
    const h = new Uint8Array(HDR);
    const dv = new DataView(h.buffer);
    if (!compressedFile && nominal >= HDR && nominal <= MAX_BUFFER) {
      for (let next = (Math.floor(off / nominal) + 1) * nominal; next + HDR <= size; next += nominal) {
        this.src.read(h, 0, HDR, next);
        if (this.checkHeader(dv, 0, size - next) !== HeaderCheck.Bad) return next;
      }
      // No aligned buffer: fall through to the scan (the file may not use one buffer size throughout).
    }
    const chunk = new Uint8Array(1 << 20);
    const cdv = new DataView(chunk.buffer);
    for (let base = off + 1; base + HDR <= size; base += chunk.length - HDR) {
      const n = this.src.read(chunk, 0, chunk.length, base);
      for (let i = 0; i + HDR <= n; i++) {
        const bs = chunk[i] | (chunk[i + 1] << 8) | (chunk[i + 2] << 16) | (chunk[i + 3] << 24);
        if (bs >>> 0 < HDR || bs >>> 0 > MAX_BUFFER) continue;
        const at = base + i;
        // Only a sound header whose end is the end of the file or another sound header: a cut-short candidate
        // cannot be confirmed, and random bytes pass the single-header checks now and then.
        if (this.checkHeader(cdv, i, size - at) !== HeaderCheck.Plausible || !this.looksLikeNextBuffer(cdv, i)) continue;
        const after = at + (bs >>> 0);
        if (after === size) return at;
        if (after + HDR > size) continue;
        this.src.read(h, 0, HDR, after);
        if (this.checkHeader(dv, 0, size - after) !== HeaderCheck.Bad && this.looksLikeNextBuffer(dv, 0)) return at;
      }
      if (n < chunk.length) break;
    }
    return -1;
  }

  private looksLikeNextBuffer(dv: DataView, at: number): boolean {
    const cpu = dv.getUint16(at + BH.ProcessorIndex, true);
    const seqHi = dv.getUint32(at + BH.SequenceNumber + 4, true);
    return cpu < Math.max(1, this.info.numberOfProcessors) && seqHi < 0x100; // 0 <= SequenceNumber < 2^40
  }

  /** Summary of the buffers: counts, compression, flags. */
  bufferStats(): BufferStats {
    const byType: Record<number, number> = {};
    let compressed = 0, ev = 0, bl = 0;
    const cpus = new Set<number>();
    for (let i = 0; i < this.index.n; i++) {
      byType[this.index.type[i]] = (byType[this.index.type[i]] ?? 0) + 1;
      if (this.index.flags[i] & BufferFlag.Compressed) compressed++;
      if (this.index.flags[i] & BufferFlag.EventsLost) ev++;
      if (this.index.flags[i] & BufferFlag.BufferLost) bl++;
      cpus.add(this.index.cpu[i]);
    }
    return {
      count: this.index.n, compressed, skipped: this.skippedBuffers, byType, eventsLostFlag: ev, buffersLostFlag: bl,
      processors: cpus.size,
    };
  }

  stats(): ReaderStats {
    const names: Record<number, string> = { 1: "SYSTEM", 2: "COMPACT", 3: "PERFINFO", 4: "CLASSIC", 5: "INSTANCE", 6: "EVENT_HEADER", 7: "WPP_MESSAGE" };
    const byKind: Record<string, number> = {};
    for (let k = 1; k < this.byKind.length; k++) if (this.byKind[k] > 0) byKind[names[k]] = this.byKind[k];
    return { records: this.records, byKind, wppSkipped: this.wpp, bytesRead: this.bytesRead, decompressedBytes: this.decompressed };
  }

  /** Position of the current record in delivery order, from 0. */
  get recordIndex(): number {
    return this.records - 1;
  }

  /** File bytes of the buffers consumed so far (for progress bars). */
  get progress(): number {
    return this.bytesRead;
  }

  get bufferCount(): number {
    return this.index.n;
  }

  // ---- record cursor -----------------------------------------------------------------------------------

  private readonly only: Set<number> | null;

  /** Buffer indices per CPU, each list in SequenceNumber order (the order records are merged in). */
  cpuBuffers(): Map<number, number[]> {
    const byCpu = new Map<number, number[]>();
    for (let i = 0; i < this.index.n; i++) {
      const c = this.index.cpu[i];
      let l = byCpu.get(c);
      if (!l) byCpu.set(c, (l = []));
      l.push(i);
    }
    for (const l of byCpu.values()) l.sort((a, b) => this.index.seq[a] - this.index.seq[b] || a - b);
    return byCpu;
  }

  private start(): void {
    this.started = true;
    if (this.order === "file") {
      const s = new Stream(0);
      for (let i = 0; i < this.index.n; i++) if (!this.only || this.only.has(i)) s.buffers.push(i);
      this.streams = [s];
    } else {
      for (const [cpu, list] of this.cpuBuffers()) {
        const s = new Stream(cpu);
        s.buffers = this.only ? list.filter((i) => this.only?.has(i)) : list;
        this.streams.push(s);
      }
      this.streams.sort((a, b) => a.cpu - b.cpu);
    }
    for (const s of this.streams) if (this.advance(s)) this.active.push(s);
  }


  /**
   * Moves to the next record in order; returns false at the end. The record is `reader.record`, valid until
   * the next call.
   */
  next(): boolean {
    if (!this.started) this.start();
    else if (this.current) {
      if (!this.advance(this.current)) {
        const i = this.active.indexOf(this.current);
        this.active.splice(i, 1);
      }
    }
    const act = this.active;
    if (act.length === 0) {
      this.current = null;
      return false;
    }
    let best = act[0];
    for (let i = 1; i < act.length; i++) {
      const r = act[i].rec;
      // On equal timestamps, classic records go first: the relogger stamps the schema metadata it writes for an
      // event type with that event's time, and decoding needs the metadata before the event.
      if (r.ticks < best.rec.ticks || (r.ticks === best.rec.ticks && r.kind === RecordKind.Classic && best.rec.kind !== RecordKind.Classic)) best = act[i];
    }
    this.current = best;
    this.records++;
    this.byKind[best.rec.kind]++;
    return true;
  }

  /** The current record (valid until next()). */
  get record(): EtlRecord {
    if (!this.current) throw new Error("EtlReader.record read before next() or after the end");
    return this.current.rec;
  }

  /** Iterates records (each valid only during its iteration step). */
  *[Symbol.iterator](): IterableIterator<EtlRecord> {
    while (this.next()) yield this.record;
  }

  close(): void {
    this.src.close();
  }

  /** Loads the next buffer of a stream; false when the stream has no more. */
  private loadBuffer(s: Stream): boolean {
    const ix = this.index;
    while (s.next < s.buffers.length) {
      const bi = s.buffers[s.next++];
      const off = ix.offset[bi];
      const size = ix.size[bi];
      const flags = ix.flags[bi];
      this.bytesRead += size;
      s.rec.bufferIndex = bi;
      s.rec.bufferOffset = off;
      s.rec.cpu = ix.cpu[bi];
      if (flags & BufferFlag.Compressed) {
        const saved = ix.saved[bi];
        const outSize = saved - HDR;
        if (this.compression !== CompressionFormat.Xpress) {
          const name = this.compression === CompressionFormat.Lznt1 ? "LZNT1" : this.compression === CompressionFormat.XpressHuff ? "Xpress Huffman" : `format ${this.compression}`;
          this.note("compression-unsupported", off, `buffer at offset ${off} is compressed with ${name}; only plain LZ77 Xpress (format 3) is supported; skipped`);
          continue;
        }
        if (outSize <= 0 || outSize > MAX_BUFFER) {
          this.note("buffer-bad-offsets", off, `compressed buffer at offset ${off} has SavedOffset ${saved}; skipped`);
          continue;
        }
        const inLen = size - HDR;
        if (s.raw.length < inLen) s.raw = new Uint8Array(Math.max(inLen, s.raw.length * 2));
        this.src.read(s.raw, 0, inLen, off + HDR);
        if (s.data.length < outSize) this.resize(s, outSize);
        const got = xpressDecompress(s.raw, 0, inLen, s.data, outSize);
        if (got !== outSize) {
          this.note("decompress-failed", off, `compressed buffer at offset ${off} does not decompress (${got < 0 ? `corrupt data, error ${got}` : `${got} of ${outSize} bytes`}); skipped`);
          continue;
        }
        this.decompressed += outSize;
        s.compressed = true;
        s.pos = 0;
        s.end = outSize;
      } else {
        const saved = ix.saved[bi];
        const filled = ix.filled[bi];
        let end = filled >= HDR && filled <= size ? filled : saved >= HDR && saved <= size ? saved : size;
        if (end < HDR) end = HDR;
        const len = end - HDR;
        if (s.data.length < len) this.resize(s, len);
        const got = this.src.read(s.data, 0, len, off + HDR);
        s.compressed = false;
        s.pos = 0;
        s.end = got;
      }
      s.rec.dataBase = 0;
      return true;
    }
    return false;
  }

  private resize(s: Stream, n: number): void {
    s.data = new Uint8Array(Math.max(n, 65536));
    s.dv = new DataView(s.data.buffer);
    s.rec.bytes = s.data;
    s.rec.dv = s.dv;
  }

  /** Parses the next record of the stream into s.rec; false when the stream is exhausted. */
  private advance(s: Stream): boolean {
    for (;;) {
      if (s.end - s.pos < 8 || s.data.length === 0) {
        if (!this.loadBuffer(s)) return false;
        continue;
      }
      if (this.parseRecord(s)) return true;
    }
  }

  /** Parses the record at s.pos. Returns true if s.rec now holds a record; moves s.pos past it either way. */
  private parseRecord(s: Stream): boolean {
    const b = s.data;
    const dv = s.dv;
    const pos = s.pos;
    const end = s.end;
    const rec = s.rec;
    const m0 = dv.getUint32(pos, true);
    if (m0 === 0xffffffff || m0 === 0) {
      s.pos = end; // padding: end of records in this buffer
      return false;
    }
    const type = b[pos + 2];
    const fl = b[pos + 3];
    let size: number;
    let hsize: number;
    let tsOff: number;
    rec.bytes = b;
    rec.dv = dv;
    rec.start = pos;
    rec.extStart = -1;
    rec.group = -1;
    rec.channel = 0;
    rec.level = 0;
    rec.task = 0;
    rec.keywordLo = 0;
    rec.keywordHi = 0;
    rec.flags = 0;
    rec.eventProperty = 0;
    if ((fl & 0xd0) === 0x90 || ((fl & 0xc0) === 0xc0 && type === HT.Message)) {
      // WPP MESSAGE_TRACE_HEADER: Size u16, then MessageNumber u16 @4, OptionFlags u16 @6, optional fields.
      size = dv.getUint16(pos, true);
      if (size < 8 || pos + size > end) return this.badRecord(s, `WPP record with size ${size}`);
      const opt = dv.getUint16(pos + 6, true);
      let q = pos + 8;
      rec.providerId = "";
      if (opt & 0x01) q += 4;
      if (opt & 0x02) {
        rec.providerId = this.interner.get(dv, b, q);
        q += 16;
      } else if (opt & 0x04) q += 4;
      tsOff = -1;
      if (opt & 0x08) {
        tsOff = q;
        q += 8;
      } else if (opt & 0x10) {
        tsOff = q;
        q += 8;
      }
      if (opt & 0x20) {
        rec.tid = dv.getUint32(q, true);
        rec.pid = dv.getUint32(q + 4, true);
        q += 8;
      }
      rec.kind = RecordKind.Message;
      rec.headerType = HT.Message;
      rec.id = dv.getUint16(pos + 4, true);
      rec.opcode = 0;
      rec.version = 0;
      hsize = Math.min(q - pos, size);
      this.wpp++;
      if (this.wpp === 1) {
        this.note("record-wpp-skipped", rec.bufferOffset,
          `WPP (TraceMessage) records need TMF format files to decode; they are counted and shown raw (first one in buffer at offset ${rec.bufferOffset}, record at +0x${(HDR + pos).toString(16)})`);
      }
    } else if ((fl & 0xc0) === 0xc0) {
      switch (type) {
        case HT.EventHeader32:
        case HT.EventHeader64: {
          size = dv.getUint16(pos, true);
          if (size < 0x50 || pos + size > end) return this.badRecord(s, `EVENT_HEADER record with size ${size}`);
          rec.kind = RecordKind.EventHeader;
          rec.pointerSize = type === HT.EventHeader32 ? 4 : 8;
          const flags = dv.getUint16(pos + 4, true);
          rec.flags = flags;
          rec.eventProperty = dv.getUint16(pos + 6, true);
          rec.tid = dv.getUint32(pos + 8, true);
          rec.pid = dv.getUint32(pos + 12, true);
          rec.providerId = this.interner.get(dv, b, pos + 0x18);
          rec.id = dv.getUint16(pos + 0x28, true);
          rec.version = b[pos + 0x2a];
          rec.channel = b[pos + 0x2b];
          rec.level = b[pos + 0x2c];
          rec.opcode = b[pos + 0x2d];
          rec.task = dv.getUint16(pos + 0x2e, true);
          rec.keywordLo = dv.getUint32(pos + 0x30, true);
          rec.keywordHi = dv.getUint32(pos + 0x34, true);
          rec.kernelTime = dv.getUint32(pos + 0x38, true);
          rec.userTime = dv.getUint32(pos + 0x3c, true);
          tsOff = pos + 0x10;
          hsize = 0x50;
          if (flags & 0x1) {
            // Extended data items: walk to find where the user data starts.
            rec.extStart = pos + 0x50;
            let q = pos + 0x50;
            const recEnd = pos + size;
            for (;;) {
              if (q + 8 > recEnd) {
                this.note("extended-item-bad", rec.bufferOffset, `extended data items run past the record end (buffer at offset ${rec.bufferOffset}, record at +0x${(HDR + pos).toString(16)})`);
                q = recEnd;
                break;
              }
              const isz = dv.getUint16(q, true);
              const link = dv.getUint16(q + 4, true);
              if (isz < 8 || q + isz > recEnd) {
                this.note("extended-item-bad", rec.bufferOffset, `extended data item with size ${isz} (buffer at offset ${rec.bufferOffset}, record at +0x${(HDR + pos).toString(16)})`);
                q = recEnd;
                break;
              }
              q += isz;
              if ((link & 1) === 0) break;
            }
            hsize = q - pos;
          }
          break;
        }
        case HT.System32:
        case HT.System64:
        case HT.Compact32:
        case HT.Compact64: {
          size = dv.getUint16(pos + 4, true);
          const ext = extensionBytes(dv.getUint16(pos, true));
          const base = type <= HT.System64 ? 0x20 : 0x18;
          hsize = base + ext;
          if (size < hsize || pos + size > end) return this.badRecord(s, `SYSTEM record with size ${size}`);
          rec.kind = type <= HT.System64 ? RecordKind.System : RecordKind.Compact;
          rec.pointerSize = type === HT.System32 || type === HT.Compact32 ? 4 : 8;
          const hook = dv.getUint16(pos + 6, true);
          rec.group = hook >>> 8;
          rec.id = hook & 0xff;
          rec.opcode = hook & 0xff;
          rec.version = b[pos];
          rec.tid = dv.getUint32(pos + 8, true);
          rec.pid = dv.getUint32(pos + 12, true);
          rec.providerId = kernelGroupGuid(rec.group, rec.opcode);
          if (base === 0x20) {
            rec.kernelTime = dv.getUint32(pos + 0x18, true);
            rec.userTime = dv.getUint32(pos + 0x1c, true);
          }
          tsOff = pos + 0x10;
          break;
        }
        case HT.PerfInfo32:
        case HT.PerfInfo64: {
          size = dv.getUint16(pos + 4, true);
          hsize = 0x10 + extensionBytes(dv.getUint16(pos, true));
          if (size < hsize || pos + size > end) return this.badRecord(s, `PERFINFO record with size ${size}`);
          rec.kind = RecordKind.PerfInfo;
          rec.pointerSize = type === HT.PerfInfo32 ? 4 : 8;
          const hook = dv.getUint16(pos + 6, true);
          rec.group = hook >>> 8;
          rec.id = hook & 0xff;
          rec.opcode = hook & 0xff;
          rec.version = b[pos];
          rec.tid = 0;
          rec.pid = 0;
          rec.providerId = kernelGroupGuid(rec.group, rec.opcode);
          tsOff = pos + 0x08;
          break;
        }
        case HT.FullHeader32:
        case HT.FullHeader64:
        case HT.Instance32:
        case HT.Instance64: {
          size = dv.getUint16(pos, true);
          const inst = type === HT.Instance32 || type === HT.Instance64;
          hsize = inst ? 0x48 : 0x30;
          if (size < hsize || pos + size > end) return this.badRecord(s, `classic record with size ${size}`);
          rec.kind = inst ? RecordKind.Instance : RecordKind.Classic;
          rec.pointerSize = type === HT.FullHeader32 || type === HT.Instance32 ? 4 : 8;
          rec.opcode = b[pos + 4];
          rec.id = 0;
          rec.level = b[pos + 5];
          rec.version = dv.getUint16(pos + 6, true);
          rec.tid = dv.getUint32(pos + 8, true);
          rec.pid = dv.getUint32(pos + 12, true);
          rec.providerId = this.interner.get(dv, b, pos + 0x18);
          rec.kernelTime = dv.getUint32(pos + 0x28, true);
          rec.userTime = dv.getUint32(pos + 0x2c, true);
          tsOff = pos + 0x10;
          break;
        }
        default:
          return this.unknownRecord(s, type, fl);
      }
      rec.headerType = type;
    } else {
      return this.unknownRecord(s, type, fl);
    }
    if (tsOff >= 0) {
      rec.rawLo = dv.getUint32(tsOff, true);
      rec.rawHi = dv.getUint32(tsOff + 4, true);
      s.lastHi = rec.rawHi;
      s.lastLo = rec.rawLo;
    } else {
      rec.rawLo = s.lastLo;
      rec.rawHi = s.lastHi;
    }
    rec.ticks = this.clock.ticks(rec.rawHi, rec.rawLo);
    rec.size = size;
    rec.payloadStart = pos + hsize;
    rec.payloadEnd = pos + size;
    s.pos = pos + ((size + 7) & ~7);
    return true;
  }

  private badRecord(s: Stream, what: string): boolean {
    this.note("record-bad-size", recordOffset(s),
      `${what} does not fit its buffer (buffer at offset ${s.rec.bufferOffset}, record at +0x${(HDR + s.pos).toString(16)}); rest of the buffer skipped`);
    s.pos = s.end;
    return false;
  }

  private unknownRecord(s: Stream, type: number, fl: number): boolean {
    const size = s.dv.getUint16(s.pos, true);
    const at = recordOffset(s);
    // Unknown kinds with a plausible leading size (TIMED, ERROR, WNODE_HEADER use Size @0) are skipped alone.
    if ((fl & 0xc0) === 0xc0 && (type === HT.Timed || type === HT.Error || type === HT.WnodeHeader) && size >= 8 && s.pos + size <= s.end) {
      this.note("record-unknown-kind", at, `record of unsupported header type 0x${type.toString(16)} (size ${size}) skipped (buffer at offset ${s.rec.bufferOffset}, record at +0x${(HDR + s.pos).toString(16)})`);
      s.pos += (size + 7) & ~7;
      return false;
    }
    this.note("record-unknown-kind", at,
      `unknown record marker 0x${s.dv.getUint32(s.pos, true).toString(16).padStart(8, "0")} (header type 0x${type.toString(16)}, flags 0x${fl.toString(16)}) in buffer at offset ${s.rec.bufferOffset}, record at +0x${(HDR + s.pos).toString(16)}; rest of the buffer skipped`);
    s.pos = s.end;
    return false;
  }
}

/** File offset of the record at s.pos, or of its buffer when the buffer was decompressed. */
function recordOffset(s: Stream): number {
  return s.compressed ? s.rec.bufferOffset : s.rec.bufferOffset + HDR + s.pos;
}

/** SYSTEM/COMPACT/PERFINFO version-word extension: 0x8000 → 8-byte PEBS index; bits 0x0700 → PMC counters. */
function extensionBytes(versionWord: number): number {
  return ((versionWord & 0x8000) ? 8 : 0) + ((versionWord >>> 8) & 7) * 8;
}
