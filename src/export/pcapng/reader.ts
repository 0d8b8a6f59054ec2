/**
 * A small pcapng reader for round-trips and golden comparisons: sections (either byte order), IDBs with their
 * options, EPBs/SPBs with timestamps resolved to nanoseconds, and the options this project writes. Not a
 * streaming reader: it works on the whole file in memory.
 */
import { WnvError } from "../../bytes/errors.js";
import { BlockType, BYTE_ORDER_MAGIC, Opt } from "./writer.js";

export interface PcapngOption {
  readonly code: number;
  readonly value: Uint8Array;
}

export interface PcapngSection {
  readonly littleEndian: boolean;
  readonly major: number;
  readonly minor: number;
  readonly hardware?: string;
  readonly os?: string;
  readonly userAppl?: string;
  readonly options: readonly PcapngOption[];
}

export interface PcapngInterface {
  readonly section: number;
  readonly linkType: number;
  readonly snapLen: number;
  readonly name?: string;
  readonly description?: string;
  readonly mac?: Uint8Array;
  /** Timestamp units per second (from if_tsresol; default 10^6). */
  readonly unitsPerSecond: bigint;
  readonly tsresol?: number;
  readonly options: readonly PcapngOption[];
}

export interface PcapngPacket {
  /** Index into the file's interfaces (over all sections). */
  readonly interfaceIndex: number;
  /** The interface id as written in the block (per section). */
  readonly interfaceId: number;
  /** Raw timestamp in interface units. */
  readonly timestamp: bigint;
  /** Unix time in nanoseconds. */
  readonly timeNs: bigint;
  readonly capturedLength: number;
  readonly originalLength: number;
  readonly data: Uint8Array;
  readonly comments: readonly string[];
  readonly flags?: number;
  readonly packetId?: bigint;
  /** epb_verdict options: type byte and the rest. */
  readonly verdicts: readonly { type: number; value: Uint8Array }[];
  readonly options: readonly PcapngOption[];
  /** File offset of the block. */
  readonly offset: number;
}

export interface PcapngFile {
  readonly sections: readonly PcapngSection[];
  readonly interfaces: readonly PcapngInterface[];
  readonly packets: readonly PcapngPacket[];
  /** Counts of other block types seen (by type number). */
  readonly otherBlocks: Readonly<Record<number, number>>;
}

const utf8 = new TextDecoder("utf-8");

function parseOptions(dv: DataView, p: number, end: number, le: boolean): PcapngOption[] {
  const out: PcapngOption[] = [];
  while (p + 4 <= end) {
    const code = dv.getUint16(p, le);
    const len = dv.getUint16(p + 2, le);
    if (code === Opt.EndOfOpt) break;
    if (p + 4 + len > end) throw new WnvError("malformed", `pcapng: option ${code} runs past its block`, p);
    out.push({ code, value: new Uint8Array(dv.buffer, dv.byteOffset + p + 4, len) });
    p += 4 + ((len + 3) & ~3);
  }
  return out;
}

const text = (o: readonly PcapngOption[], code: number): string | undefined => {
  const v = o.find((x) => x.code === code);
  return v ? utf8.decode(v.value) : undefined;
};

export function readPcapng(input: Uint8Array): PcapngFile {
  // A plain Uint8Array view (a Buffer's slice() would share memory and compare unequal to Uint8Arrays).
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sections: PcapngSection[] = [];
  const interfaces: PcapngInterface[] = [];
  const packets: PcapngPacket[] = [];
  const otherBlocks: Record<number, number> = {};
  let le = true;
  let sectionBase = 0; // index of the section's first interface in `interfaces`
  let p = 0;
  while (p + 12 <= bytes.length) {
    const rawType = dv.getUint32(p, true);
    if (rawType === BlockType.SHB) {
      const magic = dv.getUint32(p + 8, true);
      if (magic === BYTE_ORDER_MAGIC) le = true;
      else if (magic === 0x4d3c2b1a) le = false;
      else throw new WnvError("malformed", "pcapng: bad byte-order magic", p + 8);
    } else if (sections.length === 0) {
      throw new WnvError("unreadable", "not a pcapng file: it does not start with a Section Header Block", 0);
    }
    const type = dv.getUint32(p, le);
    const total = dv.getUint32(p + 4, le);
    if (total < 12 || total % 4 !== 0 || p + total > bytes.length) throw new WnvError("malformed", `pcapng: block of type ${type} has bad length ${total}`, p);
    if (dv.getUint32(p + total - 4, le) !== total) throw new WnvError("malformed", `pcapng: trailing length of block type ${type} differs`, p);
    const end = p + total - 4;
    if (type === BlockType.SHB) {
      const options = parseOptions(dv, p + 24, end, le);
      sections.push({
        littleEndian: le, major: dv.getUint16(p + 12, le), minor: dv.getUint16(p + 14, le), options,
        hardware: text(options, Opt.ShbHardware), os: text(options, Opt.ShbOs), userAppl: text(options, Opt.ShbUserAppl),
      });
      sectionBase = interfaces.length;
    } else if (type === BlockType.IDB) {
      const options = parseOptions(dv, p + 16, end, le);
      const ts = options.find((o) => o.code === Opt.IfTsResol)?.value[0];
      let units = 1_000_000n;
      if (ts !== undefined) units = ts & 0x80 ? 2n ** BigInt(ts & 0x7f) : 10n ** BigInt(ts);
      const mac = options.find((o) => o.code === Opt.IfMacAddr)?.value;
      interfaces.push({
        section: sections.length - 1, linkType: dv.getUint16(p + 8, le), snapLen: dv.getUint32(p + 12, le), options,
        name: text(options, Opt.IfName), description: text(options, Opt.IfDescription), unitsPerSecond: units,
        ...(mac ? { mac: mac.slice() } : {}), ...(ts !== undefined ? { tsresol: ts } : {}),
      });
    } else if (type === BlockType.EPB) {
      const id = dv.getUint32(p + 8, le);
      const idx = sectionBase + id;
      const iface = interfaces[idx];
      if (!iface) throw new WnvError("malformed", `pcapng: packet for undeclared interface ${id}`, p);
      const ts = (BigInt(dv.getUint32(p + 12, le)) << 32n) | BigInt(dv.getUint32(p + 16, le));
      const cap = dv.getUint32(p + 20, le);
      const orig = dv.getUint32(p + 24, le);
      const dataEnd = p + 28 + cap;
      if (dataEnd > end) throw new WnvError("malformed", "pcapng: packet data runs past its block", p);
      const options = parseOptions(dv, p + 28 + ((cap + 3) & ~3), end, le);
      const flagsOpt = options.find((o) => o.code === Opt.EpbFlags);
      const idOpt = options.find((o) => o.code === Opt.EpbPacketId);
      const odv = (v: Uint8Array): DataView => new DataView(v.buffer, v.byteOffset, v.byteLength);
      packets.push({
        interfaceIndex: idx, interfaceId: id, timestamp: ts, timeNs: (ts * 1_000_000_000n) / iface.unitsPerSecond,
        capturedLength: cap, originalLength: orig, data: bytes.slice(p + 28, dataEnd),
        comments: options.filter((o) => o.code === Opt.Comment).map((o) => utf8.decode(o.value)),
        ...(flagsOpt && flagsOpt.value.length === 4 ? { flags: odv(flagsOpt.value).getUint32(0, le) } : {}),
        ...(idOpt && idOpt.value.length === 8 ? { packetId: odv(idOpt.value).getBigUint64(0, le) } : {}),
        verdicts: options.filter((o) => o.code === Opt.EpbVerdict && o.value.length >= 1).map((o) => ({ type: o.value[0], value: o.value.slice(1) })),
        options, offset: p,
      });
    } else if (type === BlockType.SPB) {
      const iface = interfaces[sectionBase];
      const orig = dv.getUint32(p + 8, le);
      const cap = Math.min(orig, end - (p + 12), iface?.snapLen || Infinity);
      packets.push({
        interfaceIndex: sectionBase, interfaceId: 0, timestamp: 0n, timeNs: 0n, capturedLength: cap, originalLength: orig,
        data: bytes.slice(p + 12, p + 12 + cap), comments: [], verdicts: [], options: [], offset: p,
      });
    } else {
      otherBlocks[type] = (otherBlocks[type] ?? 0) + 1;
    }
    p += total;
  }
  if (p !== bytes.length) throw new WnvError("truncated", "pcapng: the file ends inside a block", p);
  return { sections, interfaces, packets, otherBlocks };
}
