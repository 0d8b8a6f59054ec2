/**
 * `wnvtrace packets <file>`: one line per packet sighting (pktmon appearance, NDIS 1001 frame, VMSwitch 1003
 * fragment), like pktmon's text output:
 *
 *   TIME IDENT DIR WHERE LOGGED/ORIGINAL: SUMMARY
 *
 *   IDENT  pktmon: PktGroupId:PktNumber#Appearance; vSwitch: "port <SourcePortId>"; NDIS: "if <LowerIfIndex>"
 *   DIR    pktmon's direction tag (Rx, Tx, Ingress, Egress, In, Out); NDIS/vSwitch: In or Out from the keywords
 *   WHERE  pktmon: the component's description (driver) [ComponentId/EdgeId]; vSwitch: the source NIC type and
 *          name; NDIS: the interface name etl2pcapng gives it (eth:<ifIndex>:<vlan>, wifi:<ifIndex> …)
 *
 * followed by DROP <reason> @<location> for pktmon drops and the tcpdump-style summary. --verbose adds the layer
 * tree and a hex dump; --json/--ndjson give the metadata, the layers (protocol, offsets), the summary and the
 * bytes in hex.
 */
import { IsoClock } from "../../bytes/time.js";
import type { Dissector, PacketRecord, TreeNode } from "../../packets/mod.js";
import { Dissection, PacketReader, hexDump, layerTrees, newDissecter, summarize } from "../../packets/mod.js";
import { compileFilter } from "../../filter/mod.js";
import type { PacketFilter } from "../../filter/mod.js";
import { describeInterface, interfaceKey } from "../../export/mod.js";
import { progressBar } from "../progress.js";

export interface PacketsOptions {
  readonly filter?: string;
  readonly limit?: number;
  readonly json?: boolean;
  readonly ndjson?: boolean;
  readonly verbose?: boolean;
}

export interface Writer {
  (s: string): void;
}

/** Batches output into large writes (one write per line is the main cost of big listings). */
class Batch {
  private buf = "";
  constructor(private readonly write: Writer, private readonly limit = 1 << 17) {}
  add(s: string): void {
    this.buf += s;
    if (this.buf.length >= this.limit) this.flush();
  }
  flush(): void {
    if (this.buf.length === 0) return;
    this.write(this.buf);
    this.buf = "";
  }
}

function dirText(p: PacketRecord): string {
  if (p.pktmon) return p.pktmon.dirName;
  return p.direction === "in" ? "In" : p.direction === "out" ? "Out" : "?";
}

function identText(p: PacketRecord): string {
  if (p.pktmon) return `${p.pktmon.groupId}:${p.pktmon.pktNumber}#${p.pktmon.appearance}`;
  if (p.vmswitch) return `port ${p.vmswitch.sourcePortId}`;
  if (p.ndis) return p.ndis.lowerIfIndex === p.ndis.miniportIfIndex ? `if ${p.ndis.lowerIfIndex}` : `if ${p.ndis.lowerIfIndex}/${p.ndis.miniportIfIndex}`;
  return "-";
}

function whereText(p: PacketRecord, reader: PacketReader): string {
  if (p.pktmon) {
    const m = p.pktmon;
    return `${m.componentName ?? `component ${m.componentId}`} [${m.componentId}/${m.edgeId}]`;
  }
  if (p.vmswitch) {
    const v = p.vmswitch;
    return `vNIC ${v.sourceNicType} ${v.sourceNicName}${v.vlanId ? ` vlan ${v.vlanId}` : ""}`;
  }
  return describeInterface(p, reader.components).name;
}

function dropText(p: PacketRecord): string {
  const m = p.pktmon;
  if (!m || !m.drop) return "";
  const name = m.dropReasonName && m.dropReasonName !== String(m.dropReason) ? `${m.dropReasonName} (${m.dropReason})` : String(m.dropReason);
  return ` DROP ${name} @0x${(m.dropLocation >>> 0).toString(16).padStart(8, "0")}`;
}

/** The text line for one packet (no newline). */
export function packetLine(p: PacketRecord, d: Dissection, time: string, reader: PacketReader): string {
  return `${time} ${identText(p)} ${dirText(p)} ${whereText(p, reader)} ${p.bytes.length}/${p.originalLength}:${dropText(p)} ${summarize(d)}`;
}

function treeText(nodes: readonly TreeNode[], indent: string, out: string[]): void {
  for (const n of nodes) {
    out.push(indent + n.label + "\n");
    if (n.children) treeText(n.children, indent + "    ", out);
  }
}

function hexOf(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const jcache = new Map<string, string>();

/** A JSON string literal (no escaping work for plain printable ASCII; short repeated strings are cached). */
function jstr(s: string): string {
  if (s.length > 48) return JSON.stringify(s);
  let j = jcache.get(s);
  if (j === undefined) {
    j = PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
    if (jcache.size > 4096) jcache.clear();
    jcache.set(s, j);
  }
  return j;
}

/** A flat metadata object (numbers, strings, booleans) as JSON, in its own key order. */
function jflat(o: object): string {
  let out = "{";
  const r = o as Record<string, unknown>;
  for (const k in r) {
    const v = r[k];
    if (v === undefined) continue;
    if (out.length > 1) out += ",";
    out += `"${k}":${typeof v === "number" ? (Number.isFinite(v) ? String(v) : "null") : typeof v === "boolean" ? String(v) : typeof v === "string" ? jstr(v) : JSON.stringify(v)}`;
  }
  return out + "}";
}

/**
 * One packet as a JSON text: number, time (ISO and Unix ns), cpu/pid/tid, source, event id, link type,
 * direction, interface (the pcapng interface name), lengths, the pktmon/ndis/vmswitch metadata, layers
 * (protocol abbreviation and offsets), truncated/malformed, the summary, the detail tree (verbose) and the
 * bytes in hex. Written by hand: JSON.stringify of the equivalent object was the slowest part of --ndjson.
 */
export function packetJsonText(p: PacketRecord, d: Dissection, clock: IsoClock, ifName: string, byProto: readonly (Dissector | undefined)[], verbose: boolean): string {
  let s = `{"number":${p.number},"time":"${clock.iso(p.ticks)}","timeUnixNs":"${clock.unixNs(p.ticks)}","cpu":${p.cpu},"pid":${p.pid},"tid":${p.tid},` +
    `"source":"${p.source}","eventId":${p.eventId},"linkType":${p.linkType},"direction":"${p.direction}","interface":${jstr(ifName)},` +
    `"capturedLength":${p.bytes.length},"originalLength":${p.originalLength}`;
  if (p.pktmon) s += `,"pktmon":${jflat(p.pktmon)}`;
  if (p.ndis) s += `,"ndis":${jflat(p.ndis)}`;
  if (p.vmswitch) s += `,"vmswitch":${jflat(p.vmswitch)}`;
  s += `,"layers":[`;
  for (let i = 0; i < d.n; i++) {
    s += `${i ? "," : ""}{"proto":${jstr(byProto[d.proto[i]]?.abbrev ?? String(d.proto[i]))},"start":${d.start[i]},"headerEnd":${d.hdrEnd[i]},"end":${d.end[i]}}`;
  }
  s += "]";
  if (d.truncated) s += `,"truncated":${jstr(byProto[d.truncated]?.abbrev ?? String(d.truncated))}`;
  if (d.malformed) s += `,"malformed":{"proto":${jstr(byProto[d.malformed]?.abbrev ?? String(d.malformed))},"reason":${jstr(d.malformedReason)}}`;
  s += `,"summary":${jstr(summarize(d))}`;
  if (verbose) s += `,"tree":${JSON.stringify(layerTrees(d, byProto))}`;
  return s + `,"bytes":"${hexOf(p.bytes)}"}`;
}

/** Lists the packets of `path`; returns how many were printed. Throws FilterError (usage) for a bad -Y. */
export function runPackets(path: string, o: PacketsOptions, write: Writer): number {
  // Compile the filter before opening the file: a typo is a usage error whatever the input.
  const filter: PacketFilter | null = o.filter !== undefined && o.filter.trim() !== "" ? compileFilter(o.filter) : null;
  const limit = o.limit ?? Infinity;
  const pre = progressBar("metadata", 0);
  const reader = new PacketReader(path, { onPrescanProgress: (n) => pre.update(n) });
  pre.stop();
  const bar = progressBar("packets", reader.decoder.reader.fileSize);
  const clock = new IsoClock(reader.decoder.clock.startTime);
  const dis = newDissecter();
  const byProto = dis.tables.byProto;
  const d = new Dissection();
  const out = new Batch(write);
  const json = o.json || o.ndjson;
  const ifNames = new Map<number | string, string>();
  let n = 0;
  let seen = 0;
  if (o.json) out.add("[");
  try {
    for (let p = reader.next(); p && n < limit; p = reader.next()) {
      if ((++seen & 0xfff) === 0) bar.update(reader.decoder.reader.progress);
      dis.run(d, p.bytes, p.originalLength, p.linkType);
      if (filter && !filter(d, p)) continue;
      if (json) {
        let ifName = ifNames.get(interfaceKey(p));
        if (ifName === undefined) ifNames.set(interfaceKey(p), (ifName = describeInterface(p, reader.components).name));
        const s = packetJsonText(p, d, clock, ifName, byProto, o.verbose ?? false);
        out.add(o.json ? (n === 0 ? "\n" : ",\n") + s : s + "\n");
      } else {
        out.add(packetLine(p, d, clock.iso(p.ticks), reader) + "\n");
        if (o.verbose) {
          const lines: string[] = [];
          treeText(layerTrees(d, byProto), "    ", lines);
          out.add(lines.join("") + hexDump(p.bytes) + "\n");
        }
      }
      n++;
    }
  } finally {
    bar.stop();
  }
  if (o.json) out.add(n ? "\n]\n" : "]\n");
  out.flush();
  reader.close();
  return n;
}
