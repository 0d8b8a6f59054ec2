/**
 * Finds JSON documents inside text files that also hold other output (collectlogs.ps1 appends `ConvertTo-Json` after
 * a table; docker debug logs quote HCS configs between prose). Lenient: trailing commas are accepted, and a
 * truncated document keeps its complete leading members.
 */

export interface JsonBlock {
  /** 0-based line index where the document starts. */
  startLine: number;
  /** 0-based line index of its last line (inclusive). */
  endLine: number;
  value: unknown;
  /** True when the document was cut short and only its complete leading part was kept. */
  truncated: boolean;
}

/** Removes commas that directly precede `}` or `]` (outside strings). */
function dropTrailingCommas(s: string): string {
  let out = "";
  let inStr = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      out += c;
      if (c === "\\") {
        out += s[i + 1] ?? "";
        i++;
      } else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') {
      inStr = true;
      out += c;
      continue;
    }
    if (c === ",") {
      let j = i + 1;
      while (j < s.length && /\s/.test(s[j])) j++;
      if (s[j] === "}" || s[j] === "]") continue;
    }
    out += c;
  }
  return out;
}

/** JSON.parse that also accepts trailing commas; returns undefined on failure. */
export function parseJsonLenient(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    try {
      return JSON.parse(dropTrailingCommas(s));
    } catch {
      return undefined;
    }
  }
}

interface ScanResult {
  /** Offset just past the closing bracket, or -1 when the text ended first. */
  end: number;
  /** Offset of the last comma at depth 1 (for salvage), or -1. */
  lastTopComma: number;
  /** The bracket stack when the text ended (for salvage). */
  stack: string[];
  /** False when a character that cannot be JSON structure appeared outside a string. */
  plausible: boolean;
}

function scan(text: string, start: number): ScanResult {
  const stack: string[] = [];
  let inStr = false;
  let lastTopComma = -1;
  let plausible = true;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (c === "\\") i++;
      else if (c === '"') inStr = false;
      else if (c === "\n") plausible = false; // raw newline inside a string: not JSON
      continue;
    }
    switch (c) {
      case '"':
        inStr = true;
        break;
      case "{":
      case "[":
        stack.push(c);
        break;
      case "}":
      case "]": {
        const open = stack.pop();
        if ((c === "}" && open !== "{") || (c === "]" && open !== "[")) return { end: -1, lastTopComma, stack, plausible: false };
        if (stack.length === 0) return { end: i + 1, lastTopComma, stack, plausible };
        break;
      }
      case ",":
        if (stack.length === 1) lastTopComma = i;
        break;
      default:
        if (!/[\s0-9a-zA-Z.:+-]/.test(c)) plausible = false;
    }
    if (!plausible) return { end: -1, lastTopComma, stack, plausible };
  }
  return { end: -1, lastTopComma, stack, plausible };
}

/** Does the line start a JSON document? (`{` or `[` first, followed by something JSON-like.) */
function startsJson(line: string): boolean {
  const t = line.trimStart();
  if (t.startsWith("{")) {
    const rest = t.slice(1).trimStart();
    return rest === "" || rest.startsWith('"') || rest.startsWith("}");
  }
  if (t.startsWith("[")) {
    const rest = t.slice(1).trimStart();
    return rest === "" || rest.startsWith("{") || rest.startsWith("]") || rest.startsWith('"');
  }
  return false;
}

/**
 * Finds the JSON documents in `lines`. Each document starts on a line beginning with `{` or `[`. Lines of
 * documents found are marked in `used` (when given).
 */
export function findJsonBlocks(lines: string[], used?: boolean[]): { blocks: JsonBlock[]; notes: string[] } {
  const text = lines.join("\n");
  const lineStart: number[] = [];
  let off = 0;
  for (const l of lines) {
    lineStart.push(off);
    off += l.length + 1;
  }
  const lineOf = (pos: number): number => {
    let lo = 0;
    let hi = lineStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStart[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const blocks: JsonBlock[] = [];
  const notes: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (used?.[i] || !startsJson(lines[i])) {
      i++;
      continue;
    }
    const start = lineStart[i] + (lines[i].length - lines[i].trimStart().length);
    const r = scan(text, start);
    if (r.end > 0) {
      const value = parseJsonLenient(text.slice(start, r.end));
      if (value !== undefined) {
        const endLine = lineOf(r.end - 1);
        blocks.push({ startLine: i, endLine, value, truncated: false });
        if (used) for (let k = i; k <= endLine; k++) used[k] = true;
        i = endLine + 1;
        continue;
      }
    } else if (r.plausible && r.stack.length > 0) {
      // The text ended inside the document: keep its complete leading members.
      if (r.lastTopComma > start) {
        const closer = r.stack[0] === "{" ? "}" : "]";
        const value = parseJsonLenient(text.slice(start, r.lastTopComma) + closer);
        if (value !== undefined) {
          blocks.push({ startLine: i, endLine: lines.length - 1, value, truncated: true });
          notes.push(`JSON starting at line ${i + 1} is truncated; kept its complete leading part`);
          if (used) for (let k = i; k < lines.length; k++) used[k] = true;
          break;
        }
      }
      notes.push(`JSON starting at line ${i + 1} is truncated and nothing in it could be used`);
      if (used) for (let k = i; k < lines.length; k++) used[k] = true;
      break;
    }
    i++;
  }
  return { blocks, notes };
}
