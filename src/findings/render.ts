/**
 * Findings as text, most severe first:
 *
 *   1. CRITICAL  traffic to web2 (10.244.3.20) left the host without VXLAN encapsulation   [overlay-no-encap]
 *      10.244.3.20 is in the overlay network vxlan0 (10.244.3.0/24) but not on this host, …
 *      evidence: packets 4, 5, 9 · journeys 1, 2 · hops 1/3
 *      next:     Get-HnsEndpoint | ? IsRemoteEndpoint: …
 */
import type { Evidence, Finding, FindingsResult, Severity } from "./types.js";

const COLORS: Record<Severity, string> = { critical: "\x1b[1;31m", error: "\x1b[31m", warning: "\x1b[33m", info: "\x1b[36m" };

function list(label: string, xs: readonly (number | string)[], more = 0): string {
  if (!xs.length) return "";
  return `${label} ${xs.join(", ")}${more ? ` (+${more} more)` : ""}`;
}

export function evidenceText(e: Evidence): string {
  const parts = [
    list(e.packets.length === 1 ? "packet" : "packets", e.packets),
    list(e.journeys.length === 1 ? "journey" : "journeys", e.journeys),
    list("hops", e.hops.map((h) => `${h.journey}/${h.hop}`)),
    list(e.flows.length === 1 ? "flow" : "flows", e.flows),
    list("events", e.events.map((x) => x.text ?? `${x.provider} ${x.id}`)),
  ].filter(Boolean);
  return parts.join(" · ") + (e.more ? ` (+${e.more} more)` : "");
}

function wrap(text: string, indent: string, width = 110): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join("\n");
}

export function findingText(f: Finding, color = false, file?: string): string {
  const sev = f.severity.toUpperCase().padEnd(8);
  const head = `${String(f.rank).padStart(3)}. ${color ? COLORS[f.severity] + sev + "\x1b[0m" : sev} ${f.title}   [${f.code}]`;
  const out = [head, wrap(f.explanation, "     ")];
  const ev = evidenceText(f.evidence);
  if (ev) out.push(`     evidence: ${ev}`);
  const arg = file && /\s/.test(file) ? `"${file}"` : file;
  f.next.forEach((n, i) => out.push(`     ${i === 0 ? "next:    " : "         "} ${arg ? n.split("<file>").join(arg) : n}`));
  return out.join("\n");
}

export function renderFindingsText(r: FindingsResult, o: { color?: boolean; file?: string } = {}): string {
  const s = r.summary;
  const lines: string[] = [];
  const total = r.findings.length;
  lines.push(`${o.file ? `${o.file}: ` : ""}${total === 0 ? "no problems found" : `${total} finding${total === 1 ? "" : "s"}`} (critical ${s.critical}, error ${s.error}, warning ${s.warning}, info ${s.info})`);
  for (const f of r.findings) lines.push("", findingText(f, o.color, o.file));
  if (r.checks.skipped.length) {
    lines.push("", "checks not run:");
    for (const k of r.checks.skipped) lines.push(`  ${k.code}: ${k.why}`);
  }
  return lines.join("\n") + "\n";
}
