/**
 * tshark as an independent judge of our pcapng output: runs `tshark -r file -T fields`, checks that it says
 * nothing on stderr, and compares its dissection of every packet with our dissector's reading of the same bytes.
 *
 * Tests skip (with a message) when tshark is not on PATH; CI installs it (.ci/run).
 */
import { spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { FieldSpec } from "../../src/packets/mod.js";
import { Dissection, fieldRegistry, ipv4Text, macFromNumber, newDissecter, Proto } from "../../src/packets/mod.js";
import { readPcapng } from "../../src/export/mod.js";

function findTshark(): boolean {
  const r = spawnSync("tshark", ["--version"], { encoding: "utf8" });
  return r.status === 0;
}

export const hasTshark: boolean = findTshark();
/** For node:test's `skip`: false when tshark is there, else why the test is skipped. */
export const noTshark: string | false = hasTshark ? false : "tshark is not installed (CI installs it: apt-get install tshark)";

/** tshark prints this on stderr whenever it runs as root; it says nothing about the file. */
const ROOT_NOTICE = /^Running as user "root" and group "root"\. This could be dangerous\.$/;

export function cleanStderr(s: string): string {
  return s.split("\n").filter((l) => l.trim() !== "" && !ROOT_NOTICE.test(l.trim())).join("\n");
}

/** Occurrences of one field are joined with this character. */
export const AGG = ";";

/** Runs tshark -T fields; returns one row (field → value) per packet. Asserts a clean exit and a silent stderr. */
export function tsharkFields(file: string, fields: readonly string[]): Record<string, string>[] {
  const args = ["-r", file, "-n", "-T", "fields", "-E", "header=n", "-E", "separator=/t", "-E", "occurrence=a", "-E", `aggregator=${AGG}`, "-E", "quote=n"];
  for (const f of fields) args.push("-e", f);
  const r = spawnSync("tshark", args, { encoding: "utf8", maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, `tshark failed on ${file}: ${r.stderr}`);
  assert.equal(cleanStderr(r.stderr), "", `tshark wrote to stderr for ${file}`);
  const lines = r.stdout.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => {
    const cols = l.split("\t");
    const row: Record<string, string> = {};
    fields.forEach((f, i) => (row[f] = cols[i] ?? ""));
    return row;
  });
}

/** The fields compared between tshark and our dissector (those our tables do not register are skipped). */
export const COMPARED_FIELDS = [
  "eth.src", "eth.dst", "vlan.id", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "udp.srcport",
  "udp.dstport", "tcp.flags", "dns.qry.name", "icmp.type", "vxlan.vni", "gre.key",
] as const;

/** tshark protocol names → our dissector abbreviations (multicast/link-local DNS are DNS to us). */
const PROTO_ALIAS: Record<string, string> = { mdns: "dns", llmnr: "dns", wlan: "wlan" };

/** IPv6 text (RFC 4291 forms, including a trailing dotted quad) → 32 hex digits. */
export function ipv6Bytes(text: string): string {
  let t = text;
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(t);
  if (quad) {
    const q = quad.slice(1).map(Number);
    t = t.slice(0, quad.index) + ((q[0] << 8) | q[1]).toString(16) + ":" + ((q[2] << 8) | q[3]).toString(16);
  }
  const halves = t.split("::");
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length > 1 && halves[1] ? halves[1].split(":") : [];
  const words = halves.length > 1 ? [...head, ...Array<string>(8 - head.length - tail.length).fill("0"), ...tail] : head;
  return words.map((w) => parseInt(w, 16).toString(16).padStart(4, "0")).join("");
}

/** Canonical text of one tshark value, given the type of our field. */
function normTshark(type: FieldSpec["type"] | "string", v: string): string {
  if (type === "ipv6") return ipv6Bytes(v);
  if (type === "uint" || type === "int") return String(Number(v));
  if (type === "mac") return v.toLowerCase();
  return v;
}

function normOurs(type: FieldSpec["type"], v: number | string | boolean | Uint8Array): string {
  if (type === "mac" && typeof v === "number") return macFromNumber(v);
  if (type === "ipv4" && typeof v === "number") return ipv4Text(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  return String(v);
}

export interface Comparison {
  readonly packets: number;
  /** Packets where every compared field and the protocol stack matched exactly. */
  readonly identical: number;
  /** Packets where tshark decoded further than we do (ours is a prefix of tshark's stack): only the common part is compared. */
  readonly tsharkDeeper: number;
  /** Per-protocol-stack reason counts for tsharkDeeper (e.g. "wlan:llc:ip:udp" → 12). */
  readonly deeperStacks: Readonly<Record<string, number>>;
  /** Packets tshark flags as malformed (not a difference from us: its opinion of the captured bytes), by interface and stack. */
  readonly malformed: number;
  readonly malformedStacks: Readonly<Record<string, number>>;
  readonly mismatches: readonly string[];
  /** tshark's rows, for extra assertions. */
  readonly rows: readonly Record<string, string>[];
}

const EXTRA = ["frame.len", "frame.cap_len", "frame.protocols", "frame.time_epoch", "frame.interface_name", "frame.comment", "frame.packet_id", "frame.packet_flags_direction", "_ws.malformed"];

/**
 * Reads our pcapng with our own reader, dissects each packet with our dissector, and compares with tshark's
 * reading of the same file: lengths, timestamps, protocol stack and COMPARED_FIELDS, packet by packet.
 */
export function compareWithTshark(pcapngPath: string): Comparison {
  const file = readPcapng(readFileSync(pcapngPath));
  const dis = newDissecter();
  const reg = fieldRegistry(dis.tables);
  const ourAbbrevs = new Set<string>();
  for (const t of dis.tables.byProto) if (t && t.proto !== Proto.Data) ourAbbrevs.add(t.abbrev);
  const fields = [...EXTRA, ...COMPARED_FIELDS];
  const rows = tsharkFields(pcapngPath, fields);
  const mismatches: string[] = [];
  const deeperStacks: Record<string, number> = {};
  const malformedStacks: Record<string, number> = {};
  let malformed = 0;
  let identical = 0;
  let deeper = 0;
  assert.equal(rows.length, file.packets.length, "tshark sees as many packets as we wrote");
  const d = new Dissection();
  file.packets.forEach((p, k) => {
    const row = rows[k];
    const where = `packet ${k + 1}`;
    const iface = file.interfaces[p.interfaceIndex];
    const bad = (s: string): void => void mismatches.push(`${where}: ${s}`);
    if (row["frame.len"] !== String(p.originalLength)) bad(`frame.len ${row["frame.len"]} ≠ ${p.originalLength}`);
    if (row["frame.cap_len"] !== String(p.capturedLength)) bad(`frame.cap_len ${row["frame.cap_len"]} ≠ ${p.capturedLength}`);
    const ns = p.timeNs.toString().padStart(10, "0");
    const epoch = `${ns.slice(0, -9)}.${ns.slice(-9)}`;
    if (row["frame.time_epoch"] !== epoch) bad(`frame.time_epoch ${row["frame.time_epoch"]} ≠ ${epoch}`);
    if (row["_ws.malformed"] !== "") {
      malformed++;
      malformedStacks[`${iface.name ?? "?"} ${row["frame.protocols"]}`] = (malformedStacks[`${iface.name ?? "?"} ${row["frame.protocols"]}`] ?? 0) + 1;
    }
    dis.run(d, p.data, p.originalLength, iface.linkType);
    const ours: string[] = [];
    for (let i = 0; i < d.n; i++) if (d.proto[i] !== Proto.Data) ours.push(dis.tables.byProto[d.proto[i]]?.abbrev ?? "?");
    const theirs = row["frame.protocols"].split(":").map((x) => PROTO_ALIAS[x] ?? x).filter((x) => ourAbbrevs.has(x));
    const prefix = ours.every((x, i) => theirs[i] === x);
    if (!prefix) {
      bad(`protocols: ours ${ours.join(":")} vs tshark ${row["frame.protocols"]}`);
      return;
    }
    const isDeeper = ours.length < theirs.length;
    if (isDeeper) {
      deeper++;
      deeperStacks[row["frame.protocols"]] = (deeperStacks[row["frame.protocols"]] ?? 0) + 1;
    }
    let same = true;
    for (const f of COMPARED_FIELDS) {
      const e = reg.get(f);
      if (!e) continue;
      const mine: string[] = [];
      for (let i = 0; i < d.n; i++) {
        if (d.proto[i] !== e.proto) continue;
        const v = e.field.get(d, i);
        if (v === undefined) continue;
        if (Array.isArray(v)) for (const x of v) mine.push(normOurs(e.field.type, x));
        else mine.push(normOurs(e.field.type, v as number | string | boolean | Uint8Array));
      }
      const raw = row[f] === "" ? [] : row[f].split(AGG);
      const tv = raw.map((x) => normTshark(e.field.type, x));
      const cmp = isDeeper ? tv.slice(0, mine.length) : tv;
      if (mine.length !== cmp.length || mine.some((x, i) => x !== cmp[i])) {
        same = false;
        bad(`${f}: ours [${mine.join(", ")}] vs tshark [${raw.join(", ")}]`);
      }
    }
    if (same && !isDeeper) identical++;
  });
  return { packets: file.packets.length, identical, tsharkDeeper: deeper, deeperStacks, malformed, malformedStacks, mismatches, rows };
}
