/**
 * Dissection core (gopacket's DecodingLayerParser, Wireshark's dissector tables):
 *   - a Dissection is reused for every packet: it records which protocol layers were found and where
 *     (start of header, end of header, end of layer), nothing else — fields are read from the bytes on demand;
 *   - dissectors are plain objects registered in DissectorTables by ethertype, IP protocol, UDP/TCP port;
 *   - decoding never throws: a header cut short sets `truncated`, an impossible value sets `malformed`.
 */

/** Protocol ids (small integers, used as array indices). */
export const Proto = {
  None: 0,
  Eth: 1, Vlan: 2, Arp: 3, Ipv4: 4, Ipv6: 5, Icmp: 6, Icmpv6: 7, Tcp: 8, Udp: 9, Dns: 10, Dhcp: 11,
  Vxlan: 12, Gre: 13, Dot11: 14, Llc: 15, Data: 16, Ipv6Ext: 17,
} as const;
export type Proto = (typeof Proto)[keyof typeof Proto];
export const PROTO_COUNT = 32;

export const MAX_LAYERS = 24;

export class Dissection {
  bytes: Uint8Array = new Uint8Array(0);
  private view: DataView | null = null;

  /** A DataView over the packet bytes, made on first use (dissectors read with u8/u16/u32 instead). */
  get dv(): DataView {
    return (this.view ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }
  /** Captured length (bytes.length). */
  length = 0;
  /** Length on the wire. */
  wireLength = 0;
  /** Number of layers found. */
  n = 0;
  readonly proto = new Uint8Array(MAX_LAYERS);
  /** Offset where each layer's header starts. */
  readonly start = new Int32Array(MAX_LAYERS);
  /** Offset where each layer's header ends (its payload starts). */
  readonly hdrEnd = new Int32Array(MAX_LAYERS);
  /** Offset where each layer ends (IP total length, UDP length…), clamped to the captured bytes. */
  readonly end = new Int32Array(MAX_LAYERS);
  /** Layer index of the enclosing layer (-1 for the first). */
  readonly parent = new Int8Array(MAX_LAYERS);
  /** Set when the bytes ran out inside a header: the protocol that was cut. */
  truncated: Proto | 0 = 0;
  /** Set when a header holds an impossible value: protocol and reason. */
  malformed: Proto | 0 = 0;
  malformedReason = "";
  /** Which protocols occur anywhere in the packet (bit per Proto), for fast filters. */
  mask = 0;

  reset(bytes: Uint8Array, wireLength: number): void {
    this.bytes = bytes;
    this.view = null;
    this.length = bytes.length;
    this.wireLength = wireLength;
    this.n = 0;
    this.truncated = 0;
    this.malformed = 0;
    this.malformedReason = "";
    this.mask = 0;
  }

  /** Records a layer; returns its index (or -1 when the layer table is full). */
  push(proto: Proto, start: number, hdrEnd: number, end: number): number {
    if (this.n >= MAX_LAYERS) return -1;
    const i = this.n++;
    this.proto[i] = proto;
    this.start[i] = start;
    this.hdrEnd[i] = hdrEnd;
    this.end[i] = end > this.length ? this.length : end;
    this.parent[i] = i - 1;
    this.mask |= 1 << proto;
    return i;
  }

  has(proto: Proto): boolean {
    return (this.mask & (1 << proto)) !== 0;
  }

  /** Index of the first layer of `proto` at or after `from`, or -1. */
  find(proto: Proto, from = 0): number {
    for (let i = from; i < this.n; i++) if (this.proto[i] === proto) return i;
    return -1;
  }

  /** Index of the last (innermost) layer of `proto`, or -1. */
  last(proto: Proto): number {
    for (let i = this.n - 1; i >= 0; i--) if (this.proto[i] === proto) return i;
    return -1;
  }

  cut(proto: Proto): 0 {
    if (!this.truncated) this.truncated = proto;
    return 0;
  }

  bad(proto: Proto, reason: string): 0 {
    if (!this.malformed) {
      this.malformed = proto;
      this.malformedReason = reason;
    }
    return 0;
  }

  u8(o: number): number {
    return this.bytes[o];
  }
  u16(o: number): number {
    return (this.bytes[o] << 8) | this.bytes[o + 1];
  }
  u32(o: number): number {
    const b = this.bytes;
    return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  }
}

/** A node of the detail tree (tshark -V / the web UI's packet detail), with the bytes it covers. */
export interface TreeNode {
  readonly label: string;
  /** Field abbreviation when the node is a field ("ip.src"). */
  readonly field?: string;
  readonly start: number;
  readonly length: number;
  readonly children?: readonly TreeNode[];
}

export type FieldType = "uint" | "int" | "bool" | "ipv4" | "ipv6" | "mac" | "string" | "bytes";

/**
 * A filterable field (Wireshark-style abbreviation). `get` reads it from one layer of the dissection; it
 * returns undefined when the layer does not carry it (or it lies beyond the captured bytes). Values:
 * uint/int/ipv4 (as u32)/mac (as 48-bit number) → number; ipv6 → 16-byte hex string; string → string;
 * bytes → Uint8Array; bool → boolean. A field may yield several values (e.g. dns.qry.name) as an array.
 */
export interface FieldSpec {
  readonly abbrev: string;
  readonly name: string;
  readonly type: FieldType;
  get(d: Dissection, layer: number): number | string | boolean | Uint8Array | readonly (number | string)[] | undefined;
}

export interface Dissector {
  readonly proto: Proto;
  /** Wireshark protocol abbreviation ("eth", "ip", "tcp", "dns"), usable as a filter word. */
  readonly abbrev: string;
  readonly name: string;
  /**
   * Decodes the header at `off` (the layer may extend to `end`); pushes its layer(s) onto `d` and returns the
   * next protocol (Proto.None to stop). Sets `ctx.next` to where the next layer starts.
   */
  decode(d: Dissection, off: number, end: number, ctx: DecodeContext): Proto;
  readonly fields: readonly FieldSpec[];
  /** Detail tree for layer `i`. */
  tree?(d: Dissection, i: number): TreeNode;
}

export interface DecodeContext {
  readonly tables: DissectorTables;
  /** Where the next layer starts (set by decode). */
  next: number;
  /** End of the next layer (set by decode; defaults to the parent's end). */
  nextEnd: number;
}

/** Next-protocol dispatch arrays indexed by wire values (0 = no dissector: payload). */
export class DissectorTables {
  readonly etherType = new Uint8Array(65536);
  readonly ipProto = new Uint8Array(256);
  readonly udpPort = new Uint8Array(65536);
  readonly tcpPort = new Uint8Array(65536);
  readonly byProto: (Dissector | undefined)[] = new Array(PROTO_COUNT);
  readonly byAbbrev = new Map<string, Dissector>();

  add(d: Dissector): void {
    this.byProto[d.proto] = d;
    this.byAbbrev.set(d.abbrev, d);
  }
}
