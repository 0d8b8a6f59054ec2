/**
 * Our field values against Wireshark's (tshark -T fields) for every field of the new dissectors that tshark also
 * defines, on the hand-made vectors and on the real pktmon samples. Frames are written to temporary pcap files,
 * one per link type. Skips when tshark is not installed (or, for the samples, when they are absent).
 *
 * Like our pcapng export (and etl2pcapng), the Protected bit of 802.11 frames is cleared before both sides read
 * them: Windows captures frames already decrypted and keeps the bit, so Wireshark would otherwise not look inside.
 * Frames whose 802.11 protocol version is not 0 are left out: they are Ethernet frames pktmon logged as "WiFi";
 * we read them as version-0 headers, as tcpdump and `pktmon format` do, while Wireshark parses version 1 as the
 * 802.11ah short header.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FieldSpec } from "../../src/packets/mod.js";
import { Dissection, PacketReader, Proto, fieldRegistry, ipv4Text, macFromNumber, newDissecter } from "../../src/packets/mod.js";
import { missing, sample } from "../helpers/samples.js";
import { VECTORS } from "./vectors.js";

const hasTshark = spawnSync("tshark", ["--version"], { encoding: "utf8" }).status === 0;
const noTshark = hasTshark ? false : "tshark is not installed";

const MINE = new Set<number>([Proto.Dns, Proto.Dhcp, Proto.Icmpv6, Proto.Vxlan, Proto.Gre, Proto.Dot11, Proto.Llc]);
/** Our fields Wireshark does not define (4.0): NVGRE's key split has no field of its own there. */
const NOT_IN_WIRESHARK = new Set(["nvgre.vsid", "nvgre.flowid"]);
/**
 * Fields Wireshark also fills from parts we do not decode: it files reason and status codes found inside tagged
 * elements and action frames (e.g. in an Ethernet frame pktmon logged as an association request) — accepted only
 * where we offer no value at all.
 */
const DEEPER_IN_WIRESHARK = new Set(["wlan.fixed.reason_code", "wlan.fixed.status_code"]);

interface Frame {
  readonly linkType: number;
  readonly bytes: Uint8Array;
  readonly wire: number;
}

const dis = newDissecter();
const registry = fieldRegistry(dis.tables);
const FIELDS = [...registry].filter(([abbrev, r]) => MINE.has(r.proto) && !NOT_IN_WIRESHARK.has(abbrev)).map(([abbrev]) => abbrev);

function prepare(linkType: number, bytes: Uint8Array): Uint8Array | null {
  if (linkType !== 105 || bytes.length < 2) return bytes;
  if (bytes[0] & 3) return null; // protocol version ≠ 0
  const b = Uint8Array.from(bytes);
  b[1] &= ~0x40;
  return b;
}

function writePcap(path: string, linkType: number, frames: readonly Frame[]): void {
  const parts: Buffer[] = [Buffer.from(new Uint32Array([0xa1b2c3d4, 0x00040002, 0, 0, 262144, linkType]).buffer)];
  for (const f of frames) {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(f.bytes.length, 8);
    h.writeUInt32LE(f.wire, 12);
    parts.push(h, Buffer.from(f.bytes));
  }
  writeFileSync(path, Buffer.concat(parts));
}

function tshark(path: string): string[][] {
  const args = ["-r", path, "-n", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=;", "-E", "quote=n"];
  for (const f of FIELDS) args.push("-e", f);
  const r = spawnSync("tshark", args, { encoding: "utf8", maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split("\n").filter((l, i, a) => i < a.length - 1 || l !== "").map((l) => l.split("\t"));
}

function expand6(t: string): string {
  const h = t.split("::");
  const a = h[0] ? h[0].split(":") : [];
  const b = h.length > 1 && h[1] ? h[1].split(":") : [];
  const w = h.length > 1 ? [...a, ...Array<string>(8 - a.length - b.length).fill("0"), ...b] : a;
  return w.map((x) => parseInt(x, 16).toString(16).padStart(4, "0")).join("");
}

function ours(type: FieldSpec["type"], v: ReturnType<FieldSpec["get"]>): string[] {
  if (v === undefined) return [];
  const one = (x: number | string | boolean | Uint8Array): string =>
    type === "mac" && typeof x === "number" ? macFromNumber(x) : type === "ipv4" && typeof x === "number" ? ipv4Text(x)
      : typeof x === "boolean" ? (x ? "1" : "0") : x instanceof Uint8Array ? Buffer.from(x).toString("hex") : String(x);
  return Array.isArray(v) ? v.map(one) : [one(v as number | string | boolean | Uint8Array)];
}

function theirs(type: FieldSpec["type"], text: string): string[] {
  if (text === "") return [];
  return text.split(";").map((x) => {
    if (type === "ipv6") return expand6(x);
    if (type === "mac") return x.toLowerCase();
    if (type === "uint") return String(Number(x));
    if (type === "bool") return x === "1" || x === "True" ? "1" : "0";
    return x;
  });
}

/** Compares every field of every frame; returns the number of non-empty comparisons and the mismatches. */
function compare(frames: readonly Frame[], names: readonly string[]): { compared: number; mismatches: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "wnvtrace-dissect-"));
  const mismatches: string[] = [];
  let compared = 0;
  try {
    for (const lt of new Set(frames.map((f) => f.linkType))) {
      const idx = frames.map((f, k) => k).filter((k) => frames[k].linkType === lt);
      const path = join(dir, `lt${lt}.pcap`);
      writePcap(path, lt, idx.map((k) => frames[k]));
      const rows = tshark(path);
      assert.equal(rows.length, idx.length);
      const d = new Dissection();
      idx.forEach((k, row) => {
        const f = frames[k];
        dis.run(d, f.bytes, f.wire, lt);
        FIELDS.forEach((abbrev, col) => {
          const { field, proto } = registry.get(abbrev)!;
          const mine: string[] = [];
          for (let i = 0; i < d.n; i++) if (d.proto[i] === proto) mine.push(...ours(field.type, field.get(d, i)));
          const ws = theirs(field.type, rows[row][col] ?? "");
          if (mine.length === 0 && (ws.length === 0 || DEEPER_IN_WIRESHARK.has(abbrev))) return;
          compared++;
          if (mine.join(";") !== ws.join(";")) mismatches.push(`${names[k]}: ${abbrev} ours [${mine.join(";")}] tshark [${ws.join(";")}]`);
        });
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { compared, mismatches };
}

test("fields of the hand-made vectors agree with tshark", { skip: noTshark }, (t) => {
  const frames: Frame[] = [];
  const names: string[] = [];
  for (const v of VECTORS) {
    const b = prepare(v.linkType, v.bytes);
    if (!b) continue;
    frames.push({ linkType: v.linkType, bytes: b, wire: b.length });
    names.push(v.name);
  }
  const { compared, mismatches } = compare(frames, names);
  t.diagnostic(`${FIELDS.length} fields, ${frames.length} frames, ${compared} non-empty comparisons`);
  assert.ok(compared > 300);
  assert.deepEqual(mismatches, []);
});

const SAMPLES = ["pktmon-wifi-vpn-1.etl", "pktmon-wifi-vpn-2.etl", "stmcast-win11-26k-packets-pktmon.etl", "tritonpilot-win11-vmswitch-pktmon.etl"];

for (const name of SAMPLES) {
  test(`fields of ${name} agree with tshark`, { skip: noTshark || missing(name) }, (t) => {
    const frames: Frame[] = [];
    const names: string[] = [];
    const r = new PacketReader(sample(name)!);
    try {
      for (const p of r) {
        const b = prepare(p.linkType, p.bytes);
        if (!b) continue;
        frames.push({ linkType: p.linkType, bytes: b, wire: p.originalLength });
        names.push(`packet ${p.number}`);
      }
    } finally {
      r.close();
    }
    const { compared, mismatches } = compare(frames, names);
    t.diagnostic(`${frames.length} frames, ${compared} non-empty comparisons`);
    assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} mismatches`);
  });
}
