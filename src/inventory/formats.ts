/**
 * Generic PowerShell text layouts: `Format-List` blocks ("Name : value", continuation lines indented to the value
 * column, one blank line between objects) and `Format-Table` output (a header line, a line of dash runs, rows
 * aligned to the header; right-aligned numeric columns may start left of their dashes).
 */

export interface ListBlock {
  startLine: number;
  endLine: number;
  /** Raw values as printed (continuation lines joined with a space). Keys as printed. */
  props: Record<string, string>;
}

const FL_LINE = /^([A-Za-z_][\w.()\-/ ]*?)\s*:(?: (.*)|)$/;

/** Finds Format-List blocks (at least `minKeys` keys each) among lines not yet `used`; marks their lines. */
export function findListBlocks(lines: string[], used: boolean[], minKeys = 2): ListBlock[] {
  const blocks: ListBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    if (used[i] || !FL_LINE.test(lines[i])) {
      i++;
      continue;
    }
    const props: Record<string, string> = {};
    const start = i;
    let lastKey: string | null = null;
    let valueCol = 0;
    while (i < lines.length && !used[i] && lines[i].trim() !== "") {
      const line = lines[i];
      const m = FL_LINE.exec(line);
      if (m && !/^\s/.test(line)) {
        lastKey = m[1].trim();
        props[lastKey] = (m[2] ?? "").trim();
        valueCol = line.indexOf(":") + 2;
      } else if (lastKey !== null && /^\s+\S/.test(line) && line.length - line.trimStart().length >= Math.min(valueCol, 4)) {
        props[lastKey] = (props[lastKey] + " " + line.trim()).trim();
      } else break;
      i++;
    }
    if (Object.keys(props).length >= minKeys) {
      blocks.push({ startLine: start, endLine: i - 1, props });
      for (let k = start; k < i; k++) used[k] = true;
    }
    if (i === start) i++;
  }
  return blocks;
}

export interface Table {
  startLine: number;
  endLine: number;
  headers: string[];
  rows: Record<string, string>[];
}

/** Column spans of a dash line: [start, end) of each dash run. */
function dashRuns(line: string): [number, number][] | null {
  if (!/^[\s-]+$/.test(line) || !line.includes("-")) return null;
  const runs: [number, number][] = [];
  const re = /-+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) runs.push([m.index, m.index + m[0].length]);
  return runs;
}

/**
 * Splits a table row into cells using the column starts. A cell whose text runs over the column start (a
 * right-aligned number wider than its header, or a header shorter than the values) is found by walking left from
 * the column start to the separating space.
 */
function cellsAt(line: string, starts: number[]): string[] {
  const bounds: number[] = [];
  for (let c = 0; c < starts.length; c++) {
    let b = starts[c];
    if (c > 0) {
      if (b > line.length) b = line.length;
      // Walk left while the boundary splits a word.
      while (b > (bounds[c - 1] ?? 0) + 1 && line[b - 1] !== undefined && line[b - 1] !== " " && line[b] !== undefined && line[b] !== " ") b--;
    }
    bounds.push(b);
  }
  return bounds.map((b, c) => line.slice(b, c + 1 < bounds.length ? bounds[c + 1] : undefined).trim());
}

/** Finds Format-Table tables (header, dash line, rows up to a blank line) among lines not yet `used`. */
export function findDashTables(lines: string[], used: boolean[]): Table[] {
  const tables: Table[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (used[i] || used[i - 1]) continue;
    const runs = dashRuns(lines[i]);
    if (!runs || lines[i - 1].trim() === "") continue;
    const header = lines[i - 1];
    // Each dash run underlines one header word group.
    const headers = runs.map(([s, e]) => header.slice(s, e).trim());
    if (headers.some((h) => h === "")) continue;
    const starts = runs.map(([s]) => s);
    const rows: Record<string, string>[] = [];
    let j = i + 1;
    for (; j < lines.length && !used[j] && lines[j].trim() !== ""; j++) {
      const cells = cellsAt(lines[j], starts);
      const row: Record<string, string> = {};
      headers.forEach((h, c) => (row[h] = cells[c] ?? ""));
      rows.push(row);
    }
    tables.push({ startLine: i - 1, endLine: j - 1, headers, rows });
    for (let k = i - 1; k < j; k++) used[k] = true;
    i = j;
  }
  return tables;
}

/**
 * Parses a table without a dash line, whose header names are separated by two or more spaces (hnsdiag, docker ps):
 * rows run to the first blank line. `headerLine` is the index of the header.
 */
export function parseSpacedTable(lines: string[], headerLine: number): Table {
  const header = lines[headerLine];
  const starts: number[] = [];
  const headers: string[] = [];
  const re = /\S+(?: \S+)*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(header))) {
    starts.push(m.index);
    headers.push(m[0]);
  }
  const rows: Record<string, string>[] = [];
  let j = headerLine + 1;
  for (; j < lines.length && lines[j].trim() !== ""; j++) {
    const cells = cellsAt(lines[j], starts);
    const row: Record<string, string> = {};
    headers.forEach((h, c) => (row[h] = cells[c] ?? ""));
    rows.push(row);
  }
  return { startLine: headerLine, endLine: j - 1, headers, rows };
}

/** Case-insensitive read of a table row / list block value. */
export function cell(row: Record<string, string>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = row[n];
    if (v !== undefined) return v.trim() === "" ? undefined : v.trim();
  }
  const lower = names.map((n) => n.toLowerCase());
  for (const k of Object.keys(row)) {
    if (lower.includes(k.toLowerCase())) {
      const v = row[k].trim();
      return v === "" ? undefined : v;
    }
  }
  return undefined;
}

/** True when `row` has all the named keys (case-insensitive). */
export function hasKeys(row: Record<string, string>, ...names: string[]): boolean {
  const keys = Object.keys(row).map((k) => k.toLowerCase());
  return names.every((n) => keys.includes(n.toLowerCase()));
}
