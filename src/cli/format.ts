/** Output helpers shared by commands: JSON with bigint/bytes, time zones, table layout. */
import type { EtwEvent } from "../events/mod.js";
import { toHex } from "../bytes/hex.js";

/** JSON.stringify replacer: bigint → decimal string, bytes → hex string. */
export function jsonReplacer(_k: string, v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return toHex(v);
  return v;
}

export function toJson(v: unknown, pretty = false): string {
  return JSON.stringify(v, jsonReplacer, pretty ? 2 : undefined);
}

/** Shifts an ISO UTC time ("…Z") by `offsetMinutes` and drops the Z. */
export function shiftIso(iso: string, offsetMinutes: number): string {
  if (offsetMinutes === 0) return iso;
  const m = /^(.*)\.(\d{7})Z$/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.parse(m[1] + "Z") + offsetMinutes * 60000);
  const sign = offsetMinutes >= 0 ? "+" : "-";
  const a = Math.abs(offsetMinutes);
  return `${d.toISOString().slice(0, 19)}.${m[2]}${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}

/** One line of `events` text output. */
export function eventLine(e: EtwEvent, time: string): string {
  const where = `[${e.cpu}]${hex4(e.pid)}.${hex4(e.tid)}`;
  const prov = e.providerName || `{${e.providerId}}`;
  const what = e.kind === "EVENT_HEADER" ? `${e.id}` : e.name || `op ${e.opcode}`;
  let body: string;
  if (e.message !== null) body = e.message.replace(/\s+$/, "").replace(/\r?\n/g, " ");
  else if (e.fields) body = (e.name ? e.name + " " : "") + Object.entries(e.fields).map(([k, v]) => `${k}=${valueText(v)}`).join(", ");
  else body = `${e.name ? e.name + " " : ""}(${e.payloadSize} bytes${e.schemaSource === null && e.kind === "EVENT_HEADER" ? ", no schema" : ""})`;
  return `${time} ${where} ${prov} ${what}: ${body}`;
}

function hex4(n: number): string {
  return (n >>> 0).toString(16).toUpperCase().padStart(4, "0");
}

function valueText(v: unknown): string {
  if (v instanceof Uint8Array) return v.length > 32 ? `0x${toHex(v.subarray(0, 32))}… (${v.length} bytes)` : `0x${toHex(v)}`;
  if (typeof v === "string") return JSON.stringify(v);
  return JSON.stringify(v, jsonReplacer);
}

/** Left-aligned table with a header row. */
export function table(rows: (string | number)[][], right: number[] = []): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, String(c).length)));
  return rows
    .map((r) => r.map((c, i) => (right.includes(i) ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join("  ").trimEnd())
    .join("\n");
}
