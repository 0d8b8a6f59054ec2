/**
 * Packet records → pcapng, streaming: one pass over the trace, IDBs written the first time an interface
 * appears, one EPB per packet (flat memory: the only state is the interface table and a bounded window of
 * recently seen pktmon packet ids).
 *
 * By default each packet is written once: for pktmon, the first appearance of each (PktGroupId, PktNumber)
 * that passes the filter; NDIS 1001/1003 records are each their own packet. `allAppearances` writes every
 * sighting (this is what Windows' `pktmon etl2pcap` does).
 */
import type { PacketFilter } from "../filter/mod.js";
import type { PacketReader, PacketRecord } from "../packets/mod.js";
import { Dissection, LinkType, newDissecter } from "../packets/mod.js";
import { describeInterface, interfaceKey, packetComment } from "./interfaces.js";
import type { PcapngSink, SectionInfo } from "./pcapng/writer.js";
import { EpbDirection, newEpbInput, PcapngWriter, UnixNsClock, VerdictType } from "./pcapng/writer.js";

export interface ExportOptions {
  readonly filter?: PacketFilter | null;
  /** Write every pktmon appearance instead of the first of each packet. */
  readonly allAppearances?: boolean;
  /** shb_userappl (default "wnvtrace"). */
  readonly userAppl?: string;
  /** Called now and then with the number of input bytes consumed. */
  readonly onProgress?: (bytes: number) => void;
  /** Stop after writing this many packets. */
  readonly limit?: number;
}

export interface ExportResult {
  /** Packet records read from the trace. */
  readonly seen: number;
  /** Packets written. */
  readonly written: number;
  /** Records the filter rejected. */
  readonly filteredOut: number;
  /** Later pktmon appearances of a packet already written. */
  readonly repeatAppearances: number;
  readonly interfaces: number;
  /** Bytes of pcapng written. */
  readonly bytes: number;
}

/** How many (PktGroupId, PktNumber) pairs to remember: a packet's appearances are microseconds apart. */
const SEEN_WINDOW = 1 << 16;

/** The section header for a trace: OS and CPU count from the .etl header. */
export function sectionFor(reader: PacketReader, userAppl = "wnvtrace"): SectionInfo {
  const i = reader.decoder.info;
  return {
    hardware: `${i.numberOfProcessors} CPUs (from the ETW trace header)`,
    os: `Windows ${i.osVersion} build ${i.osBuild}`,
    userAppl,
  };
}

/** Parses a decimal u64 string into u32 halves, exactly, without BigInt. */
export function u64Halves(dec: string, out: { hi: number; lo: number }): void {
  if (dec.length <= 15) {
    const v = Number(dec);
    out.hi = Math.floor(v / 4294967296);
    out.lo = v - out.hi * 4294967296;
    return;
  }
  // dec = a × 10^9 + b with a < 2^35 and b < 10^9; a × 10^9 is formed from a's 16-bit halves so every step is exact.
  const a = Number(dec.slice(0, dec.length - 9));
  const b = Number(dec.slice(dec.length - 9));
  const aH = Math.floor(a / 65536);
  const aL = a - aH * 65536;
  const x = aH * 1e9; // < 2^49
  const xH = Math.floor(x / 65536);
  const xL = x - xH * 65536;
  const low = xL * 65536 + aL * 1e9 + b; // < 2^50
  const carry = Math.floor(low / 4294967296);
  out.lo = low - carry * 4294967296;
  out.hi = (xH + carry) >>> 0;
}

export class PcapngExporter {
  readonly writer: PcapngWriter;
  private readonly clock: UnixNsClock;
  private readonly reader: PacketReader;
  private readonly ids = new Map<number | string, number>();
  /** Packets already written, in two generations (a Set whose oldest entries are deleted one by one gets slow in V8). */
  private seenPkts = new Set<string>();
  private seenOld = new Set<string>();
  private readonly epb = newEpbInput();
  private readonly half = { hi: 0, lo: 0 };
  private scratch = new Uint8Array(2048);
  private readonly allAppearances: boolean;
  repeatAppearances = 0;

  constructor(reader: PacketReader, sink: PcapngSink, options: { allAppearances?: boolean; userAppl?: string } = {}) {
    this.reader = reader;
    this.clock = new UnixNsClock(reader.decoder.clock.startTime);
    this.writer = new PcapngWriter(sink, sectionFor(reader, options.userAppl));
    this.allAppearances = options.allAppearances ?? false;
  }

  /** Writes one packet record (or skips a repeat pktmon appearance); returns whether it was written. */
  add(p: PacketRecord): boolean {
    const m = p.pktmon;
    if (m && !this.allAppearances) {
      const k = m.groupId + ":" + m.pktNumber;
      if (this.seenPkts.has(k) || this.seenOld.has(k)) {
        this.repeatAppearances++;
        return false;
      }
      this.seenPkts.add(k);
      if (this.seenPkts.size > SEEN_WINDOW) {
        this.seenOld = this.seenPkts;
        this.seenPkts = new Set();
      }
    }
    const key = interfaceKey(p);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.writer.addInterface(describeInterface(p, this.reader.components));
      this.ids.set(key, id);
    }
    const e = this.epb;
    e.interfaceId = id;
    this.clock.set(p.ticks);
    e.tsHigh = this.clock.high;
    e.tsLow = this.clock.low;
    e.data = p.bytes;
    if (p.linkType === LinkType.Ieee80211 && p.bytes.length > 1 && p.bytes[1] & 0x40) {
      // 802.11: Windows captures frames already decrypted but keeps the Protected bit; clear it, as etl2pcapng
      // does, so that readers decode the payload instead of treating it as ciphertext.
      if (this.scratch.length < p.bytes.length) this.scratch = new Uint8Array(p.bytes.length * 2);
      this.scratch.set(p.bytes);
      this.scratch[1] &= ~0x40;
      e.data = this.scratch.subarray(0, p.bytes.length);
    }
    e.originalLength = p.originalLength;
    e.flags = p.direction === "in" ? EpbDirection.Inbound : p.direction === "out" ? EpbDirection.Outbound : 0;
    e.comment = packetComment(p);
    if (m) {
      u64Halves(m.groupId, this.half);
      e.hasPacketId = true;
      e.packetIdHigh = this.half.hi;
      e.packetIdLow = this.half.lo;
      e.verdictType = m.drop ? VerdictType.EbpfXdp : -1;
      e.verdictValue = 1; // XDP_DROP, as etl2pcapng marks pktmon drops
    } else {
      e.hasPacketId = false;
      e.verdictType = -1;
    }
    this.writer.writePacket(e);
    return true;
  }

  close(): void {
    this.writer.close();
  }
}

/** Exports every packet of `reader` that passes the filter to `sink`, and closes the sink. */
export function exportPcapng(reader: PacketReader, sink: PcapngSink, o: ExportOptions = {}): ExportResult {
  const x = new PcapngExporter(reader, sink, { allAppearances: o.allAppearances, userAppl: o.userAppl });
  const filter = o.filter ?? null;
  const d = new Dissection();
  const dis = filter ? newDissecter() : null;
  const limit = o.limit ?? Infinity;
  let seen = 0;
  let filteredOut = 0;
  try {
    for (let p = reader.next(); p && x.writer.packets < limit; p = reader.next()) {
      seen++;
      if (o.onProgress && (seen & 0xfff) === 0) o.onProgress(reader.decoder.reader.progress);
      if (filter && dis) {
        dis.run(d, p.bytes, p.originalLength, p.linkType);
        if (!filter(d, p)) {
          filteredOut++;
          continue;
        }
      }
      x.add(p);
    }
  } finally {
    x.close();
  }
  return {
    seen, written: x.writer.packets, filteredOut, repeatAppearances: x.repeatAppearances,
    interfaces: x.writer.interfaces, bytes: x.writer.bytesWritten,
  };
}
