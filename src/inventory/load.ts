/**
 * Reading host state from disk: files or folders (walked recursively, e.g. a collectlogs.ps1 output folder).
 * Never throws for bad input: unreadable, binary or unrecognised files become notes.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { ParsedSource } from "./types.js";
import { decodeText } from "./text.js";
import { parseHostText } from "./detect.js";

/** Extensions that are never host-state text (event logs, captures, archives, binaries). */
const BINARY_EXT = new Set([".etl", ".evtx", ".cab", ".zip", ".7z", ".gz", ".tgz", ".dll", ".exe", ".sys", ".png", ".jpg", ".jpeg", ".gif", ".pcap", ".pcapng", ".data", ".dmp"]);
/** Files larger than this are skipped (host-state dumps are small; this guards against captures and dumps). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
const MAX_DEPTH = 8;
const MAX_FILES = 5000;

export interface ReadOptions {
  /** Walk at most this deep into folders (default 8). */
  maxDepth?: number;
}

function listFiles(dir: string, depth: number, maxDepth: number, out: string[], notes: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    notes.push(`${dir}: folder unreadable (${(e as Error).message})`);
    return;
  }
  for (const n of names) {
    if (out.length >= MAX_FILES) {
      notes.push(`${dir}: more than ${MAX_FILES} files; the rest were not read`);
      return;
    }
    const p = join(dir, n);
    let st;
    try {
      st = statSync(p);
    } catch {
      notes.push(`${p}: unreadable`);
      continue;
    }
    if (st.isDirectory()) {
      if (depth < maxDepth) listFiles(p, depth + 1, maxDepth, out, notes);
      else notes.push(`${p}: folder deeper than ${maxDepth} levels not read`);
    } else if (st.isFile()) out.push(p);
  }
}

/** Reads and parses one file; problems become a skipped ParsedSource with the reason. */
export function readHostFile(path: string): ParsedSource {
  const ext = extname(path).toLowerCase();
  if (BINARY_EXT.has(ext)) return { path, formats: [], records: parsedEmpty(), notes: [], skipped: `${ext} file, not host-state text` };
  let bytes: Uint8Array;
  try {
    const st = statSync(path);
    if (st.size > MAX_FILE_BYTES) return { path, formats: [], records: parsedEmpty(), notes: [], skipped: `larger than ${MAX_FILE_BYTES} bytes` };
    bytes = readFileSync(path);
  } catch (e) {
    return { path, formats: [], records: parsedEmpty(), notes: [], skipped: `unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  const parsed = parseHostText(decodeText(bytes), path);
  return parsed;
}

function parsedEmpty(): ParsedSource["records"] {
  return parseHostText("", "").records;
}

/**
 * Reads host-state inputs: each path may be a file or a folder. Returns one ParsedSource per file seen (skipped
 * ones included, with the reason) plus notes about the walk itself.
 */
export function readHostPaths(paths: string | string[], opts: ReadOptions = {}): { parsed: ParsedSource[]; notes: string[] } {
  const list = Array.isArray(paths) ? paths : [paths];
  const files: string[] = [];
  const notes: string[] = [];
  for (const p of list) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      notes.push(`${p}: not found or unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      continue;
    }
    if (st.isDirectory()) {
      const before = files.length;
      listFiles(p, 0, opts.maxDepth ?? MAX_DEPTH, files, notes);
      if (files.length === before) notes.push(`${p}: folder is empty`);
    } else files.push(p);
  }
  const parsed = files.map((f) => readHostFile(f));
  return { parsed, notes };
}

/** A short display name for a path (its base name). */
export function shortName(p: string): string {
  return basename(p);
}
