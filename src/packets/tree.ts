/**
 * Presentation helpers shared by the CLI (`packets -v`) and the web UI (packet detail): every layer's detail
 * tree and a Wireshark-style hex dump. Imports only the dissector core, so the browser bundle can use it
 * without pulling in the file readers.
 */
import type { Dissection, Dissector, TreeNode } from "./dissect/core.js";

/** The detail tree of every layer, or a bare label when the dissector has no tree or the header is cut. */
export function layerTrees(d: Dissection, byProto: readonly (Dissector | undefined)[]): TreeNode[] {
  const out: TreeNode[] = [];
  for (let i = 0; i < d.n; i++) {
    const dis = byProto[d.proto[i]];
    const label = dis?.name ?? `proto ${d.proto[i]}`;
    let node: TreeNode = { label, start: d.start[i], length: d.end[i] - d.start[i] };
    if (dis?.tree) {
      try {
        node = dis.tree(d, i);
      } catch {
        node = { label: `${label} [header cut short]`, start: d.start[i], length: d.hdrEnd[i] - d.start[i] };
      }
    }
    out.push(node);
  }
  return out;
}

/** Wireshark-style hex dump: offset, 16 bytes in two groups of 8, ASCII. */
export function hexDump(b: Uint8Array, indent = "    "): string {
  const lines: string[] = [];
  for (let o = 0; o < b.length; o += 16) {
    let hex = "";
    let asc = "";
    for (let i = 0; i < 16; i++) {
      if (i === 8) hex += " ";
      if (o + i < b.length) {
        const c = b[o + i];
        hex += c.toString(16).padStart(2, "0") + " ";
        asc += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
      } else hex += "   ";
    }
    lines.push(`${indent}${o.toString(16).padStart(4, "0")}  ${hex} ${asc}\n`);
  }
  return lines.join("");
}
