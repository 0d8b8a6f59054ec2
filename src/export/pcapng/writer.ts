/**
 * Streaming pcapng writer (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html): a Section Header
 * Block, Interface Description Blocks added as interfaces appear (pcapng allows an IDB anywhere before its first
 * use) and Enhanced Packet Blocks. Blocks are assembled in one reused buffer and handed to the sink in large
 * batches, so memory stays flat whatever the number of packets. Little-endian, one section.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { splitFiletime } from "../../bytes/time.js";

/** Where the bytes go. `write` must consume `b[0..len)` before it returns (the buffer is reused). */
export interface PcapngSink {
  write(b: Uint8Array, len: number): void;
  close(): void;
}

/** Writes to an open file descriptor (blocking; retries on EAGAIN for non-blocking pipes such as stdout). */
export function fdSink(fd: number, closeFd = true): PcapngSink {
  return {
    write(b, len) {
      let done = 0;
      while (done < len) {
        try {
          done += writeSync(fd, b, done, len - done);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
          throw e;
        }
      }
    },
    close() {
      if (closeFd) closeSync(fd);
    },
  };
}

/** Creates (truncates) `path` and writes to it. */
export function pcapngFileSink(path: string): PcapngSink {
  return fdSink(openSync(path, "w"));
}

export interface PcapngMemorySink extends PcapngSink {
  bytes(): Uint8Array;
}

/** Collects the output in memory (tests, small exports). */
export function pcapngMemorySink(): PcapngMemorySink {
  const chunks: Uint8Array[] = [];
  let size = 0;
  return {
    write(b, len) {
      chunks.push(b.slice(0, len));
      size += len;
    },
    close() {},
    bytes() {
      const out = new Uint8Array(size);
      let o = 0;
      for (const c of chunks) {
        out.set(c, o);
        o += c.length;
      }
      return out;
    },
  };
}

/** Block types and option codes used here. */
export const BlockType = { SHB: 0x0a0d0d0a, IDB: 1, SPB: 3, NRB: 4, ISB: 5, EPB: 6, DSB: 0x0a, CB: 0x0bad } as const;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const Opt = {
  EndOfOpt: 0, Comment: 1,
  ShbHardware: 2, ShbOs: 3, ShbUserAppl: 4,
  IfName: 2, IfDescription: 3, IfIpv4Addr: 4, IfIpv6Addr: 5, IfMacAddr: 6, IfTsResol: 9,
  EpbFlags: 2, EpbHash: 3, EpbDropCount: 4, EpbPacketId: 5, EpbQueue: 6, EpbVerdict: 7,
} as const;

/** epb_flags direction bits (inbound 1, outbound 2). */
export const EpbDirection = { Unknown: 0, Inbound: 1, Outbound: 2 } as const;
/** epb_verdict types: 0 hardware, 1 Linux eBPF TC, 2 Linux eBPF XDP. */
export const VerdictType = { Hardware: 0, EbpfTc: 1, EbpfXdp: 2 } as const;

export interface SectionInfo {
  readonly hardware?: string;
  readonly os?: string;
  readonly userAppl?: string;
  readonly comment?: string;
}

export interface InterfaceInfo {
  /** LINKTYPE_* */
  readonly linkType: number;
  /** 0 = no limit. */
  readonly snapLen?: number;
  readonly name?: string;
  readonly description?: string;
  /** 6 bytes. */
  readonly mac?: Uint8Array;
  /** if_tsresol as a power of ten (default 9: nanoseconds). */
  readonly tsResolution?: number;
}

/**
 * One packet's EPB fields. The writer reads it and keeps nothing, so callers may reuse one object.
 * The timestamp is a u64 (units of the interface's if_tsresol) split into two u32 halves.
 */
export interface EpbInput {
  interfaceId: number;
  tsHigh: number;
  tsLow: number;
  data: Uint8Array;
  originalLength: number;
  /** epb_flags (0 = omit the option). */
  flags: number;
  /** epb_packetid as two u32 halves, or hasPacketId false. */
  hasPacketId: boolean;
  packetIdHigh: number;
  packetIdLow: number;
  /** epb_verdict: type (VerdictType) and a 64-bit value held in a number, or -1 for none. */
  verdictType: number;
  verdictValue: number;
  /** opt_comment, or "" for none. */
  comment: string;
}

export function newEpbInput(): EpbInput {
  return {
    interfaceId: 0, tsHigh: 0, tsLow: 0, data: new Uint8Array(0), originalLength: 0, flags: 0,
    hasPacketId: false, packetIdHigh: 0, packetIdLow: 0, verdictType: -1, verdictValue: 0, comment: "",
  };
}

const utf8 = new TextEncoder();
const pad4 = (n: number): number => (n + 3) & ~3;

export interface PcapngWriterOptions {
  /** Size of the batch buffer (default 1 MiB). */
  readonly bufferSize?: number;
}

export class PcapngWriter {
  private readonly sink: PcapngSink;
  private buf: Uint8Array;
  private dv: DataView;
  private pos = 0;
  private closed = false;
  /** Interfaces described so far (the next IDB gets this id). */
  interfaces = 0;
  packets = 0;
  /** Bytes handed to the sink so far plus those still buffered. */
  get bytesWritten(): number {
    return this.flushed + this.pos;
  }
  private flushed = 0;

  constructor(sink: PcapngSink, section: SectionInfo = {}, options: PcapngWriterOptions = {}) {
    this.sink = sink;
    this.buf = new Uint8Array(options.bufferSize ?? 1 << 20);
    this.dv = new DataView(this.buf.buffer);
    this.writeSectionHeader(section);
  }

  /** Makes room for `n` more bytes: flushes, and grows the buffer for a block bigger than it. */
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) {
      this.buf = new Uint8Array(pad4(n) * 2);
      this.dv = new DataView(this.buf.buffer);
    }
  }

  /** Hands the buffered blocks to the sink. */
  flush(): void {
    if (this.pos === 0) return;
    this.sink.write(this.buf, this.pos);
    this.flushed += this.pos;
    this.pos = 0;
  }

  /** Writes option (code, bytes) at `p`; returns the new position. */
  private optBytes(p: number, code: number, v: Uint8Array): number {
    this.dv.setUint16(p, code, true);
    this.dv.setUint16(p + 2, v.length, true);
    this.buf.set(v, p + 4);
    const end = p + 4 + v.length;
    const padded = p + 4 + pad4(v.length);
    this.buf.fill(0, end, padded);
    return padded;
  }

  /** Writes a UTF-8 string option at `p` (room for 4 + 3 × length must be there); returns the new position. */
  private optText(p: number, code: number, s: string): number {
    // ASCII (every comment we write, in practice) is copied directly; anything else goes through the encoder.
    const b = this.buf;
    const len = s.length;
    let n = 0;
    for (; n < len; n++) {
      const c = s.charCodeAt(n);
      if (c >= 0x80) break;
      b[p + 4 + n] = c;
    }
    if (n < len) n = utf8.encodeInto(s, b.subarray(p + 4, p + 4 + len * 3)).written ?? 0;
    this.dv.setUint16(p, code, true);
    this.dv.setUint16(p + 2, n, true);
    const end = p + 4 + n;
    const padded = p + 4 + pad4(n);
    this.buf.fill(0, end, padded);
    return padded;
  }

  private endBlock(start: number, p: number): void {
    // opt_endofopt is only written when there were options; callers pass hadOptions through p > fixed end.
    const total = p + 4 - start;
    this.dv.setUint32(start + 4, total, true);
    this.dv.setUint32(p, total, true);
    this.pos = p + 4;
  }

  private writeSectionHeader(s: SectionInfo): void {
    const texts: [number, string][] = [];
    if (s.comment) texts.push([Opt.Comment, s.comment]);
    if (s.hardware) texts.push([Opt.ShbHardware, s.hardware]);
    if (s.os) texts.push([Opt.ShbOs, s.os]);
    if (s.userAppl) texts.push([Opt.ShbUserAppl, s.userAppl]);
    const room = 28 + texts.reduce((a, [, t]) => a + 8 + t.length * 3, 0) + 8;
    this.ensure(room);
    const start = this.pos;
    const dv = this.dv;
    dv.setUint32(start, BlockType.SHB, true);
    dv.setUint32(start + 8, BYTE_ORDER_MAGIC, true);
    dv.setUint16(start + 12, 1, true); // major
    dv.setUint16(start + 14, 0, true); // minor
    dv.setInt32(start + 16, -1, true); // section length unknown (streaming)
    dv.setInt32(start + 20, -1, true);
    let p = start + 24;
    for (const [code, t] of texts) p = this.optText(p, code, t);
    if (texts.length) p = this.endOfOpt(p);
    this.endBlock(start, p);
  }

  private endOfOpt(p: number): number {
    this.dv.setUint32(p, 0, true);
    return p + 4;
  }

  /** Writes an IDB; returns the interface id packets must use. */
  addInterface(i: InterfaceInfo): number {
    const name = i.name ?? "";
    const desc = i.description ?? "";
    const room = 20 + 8 + name.length * 3 + 8 + desc.length * 3 + 12 + 8 + 4 + 8;
    this.ensure(room);
    const start = this.pos;
    const dv = this.dv;
    dv.setUint32(start, BlockType.IDB, true);
    dv.setUint16(start + 8, i.linkType, true);
    dv.setUint16(start + 10, 0, true);
    dv.setUint32(start + 12, i.snapLen ?? 0, true);
    let p = start + 16;
    if (name) p = this.optText(p, Opt.IfName, name);
    if (desc) p = this.optText(p, Opt.IfDescription, desc);
    if (i.mac && i.mac.length === 6) p = this.optBytes(p, Opt.IfMacAddr, i.mac);
    p = this.optBytes(p, Opt.IfTsResol, Uint8Array.of(i.tsResolution ?? 9));
    p = this.endOfOpt(p);
    this.endBlock(start, p);
    return this.interfaces++;
  }

  /** Writes an EPB. */
  writePacket(e: EpbInput): void {
    if (e.interfaceId >= this.interfaces) throw new Error(`pcapng: packet for interface ${e.interfaceId} before its IDB`);
    const data = e.data;
    const cap = data.length;
    const c = e.comment;
    const room = 28 + pad4(cap) + (c ? 4 + c.length * 3 + 4 : 0) + 8 + 12 + 16 + 4 + 4;
    this.ensure(room);
    const start = this.pos;
    const dv = this.dv;
    const b = this.buf;
    dv.setUint32(start, BlockType.EPB, true);
    dv.setUint32(start + 8, e.interfaceId, true);
    dv.setUint32(start + 12, e.tsHigh, true);
    dv.setUint32(start + 16, e.tsLow, true);
    dv.setUint32(start + 20, cap, true);
    dv.setUint32(start + 24, e.originalLength < cap ? cap : e.originalLength, true);
    b.set(data, start + 28);
    let p = start + 28 + cap;
    while (p & 3) b[p++] = 0;
    const fixed = p;
    if (c) p = this.optText(p, Opt.Comment, c);
    if (e.flags) {
      dv.setUint32(p, Opt.EpbFlags | (4 << 16), true);
      dv.setUint32(p + 4, e.flags, true);
      p += 8;
    }
    if (e.hasPacketId) {
      // u64 in the section's byte order (little-endian): low word first.
      dv.setUint32(p, Opt.EpbPacketId | (8 << 16), true);
      dv.setUint32(p + 4, e.packetIdLow, true);
      dv.setUint32(p + 8, e.packetIdHigh, true);
      p += 12;
    }
    if (e.verdictType >= 0) {
      // One type byte, then the 8-byte value (eBPF verdicts are 64-bit): 9 bytes, padded to 12.
      dv.setUint32(p, Opt.EpbVerdict | (9 << 16), true);
      b[p + 4] = e.verdictType;
      dv.setUint32(p + 5, e.verdictValue >>> 0, true);
      dv.setUint32(p + 9, Math.floor(e.verdictValue / 4294967296) >>> 0, true);
      b[p + 13] = 0;
      b[p + 14] = 0;
      b[p + 15] = 0;
      p += 16;
    }
    if (p !== fixed) p = this.endOfOpt(p);
    this.endBlock(start, p);
    this.packets++;
  }

  /** Flushes and closes the sink. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    this.sink.close();
  }
}

/**
 * FILETIME (given as a trace start FILETIME plus 100 ns ticks) → Unix time in nanoseconds as two u32 halves,
 * exactly, without BigInt per packet: the start is split once into whole seconds and a 100 ns remainder.
 */
export class UnixNsClock {
  private readonly secs: number;
  private readonly rem: number;
  high = 0;
  low = 0;

  constructor(startFiletime: bigint) {
    ({ secs: this.secs, rem: this.rem } = splitFiletime(startFiletime));
  }

  /** Sets high/low to the Unix ns time of `ticks` after the start (times before 1970 clamp to 0). */
  set(ticks: number): this {
    const t = this.rem + ticks;
    const q = Math.floor(t / 1e7);
    const secs = this.secs + q;
    if (secs < 0) {
      this.high = 0;
      this.low = 0;
      return this;
    }
    const subNs = (t - q * 1e7) * 100; // < 1e9
    // secs × 1e9 + subNs with secs split in 16-bit halves, every partial product exact in a double.
    const sH = Math.floor(secs / 65536);
    const sL = secs - sH * 65536;
    const x = sH * 1e9; // < 2^46 until far beyond 2106
    const xH = Math.floor(x / 65536);
    const xL = x - xH * 65536;
    const low = xL * 65536 + sL * 1e9 + subNs; // < 2^48
    const carry = Math.floor(low / 4294967296);
    this.low = low - carry * 4294967296;
    this.high = xH + carry;
    return this;
  }

  /** The same as a bigint (for tests and JSON). */
  bigint(ticks: number): bigint {
    this.set(ticks);
    return (BigInt(this.high) << 32n) | BigInt(this.low);
  }
}
