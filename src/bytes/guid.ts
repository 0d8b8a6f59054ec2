/**
 * Windows GUIDs as they sit on disk: Data1 u32 LE, Data2 u16 LE, Data3 u16 LE, Data4 8 raw bytes
 * ("bytes_le"). Rendered lower-case without braces, e.g. 4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac.
 */
const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, "0"));

/** Formats the 16 bytes at `off` as a lower-case GUID string. */
export function readGuid(b: Uint8Array, off: number): string {
  return (
    HEX[b[off + 3]] + HEX[b[off + 2]] + HEX[b[off + 1]] + HEX[b[off]] + "-" +
    HEX[b[off + 5]] + HEX[b[off + 4]] + "-" +
    HEX[b[off + 7]] + HEX[b[off + 6]] + "-" +
    HEX[b[off + 8]] + HEX[b[off + 9]] + "-" +
    HEX[b[off + 10]] + HEX[b[off + 11]] + HEX[b[off + 12]] + HEX[b[off + 13]] + HEX[b[off + 14]] + HEX[b[off + 15]]
  );
}

/** True when the 16 bytes at `off` are all zero. */
export function isNullGuid(b: Uint8Array, off: number): boolean {
  for (let i = 0; i < 16; i++) if (b[off + i] !== 0) return false;
  return true;
}

/** Normalises user input ("{67DC0D66-...}", upper case) to our canonical form, or null if it is not a GUID. */
export function normalizeGuid(s: string): string | null {
  const m = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/.exec(s.trim());
  return m ? m[1].toLowerCase() : null;
}

/** Writes a canonical GUID string into 16 bytes at `off` (the inverse of readGuid). */
export function writeGuid(b: Uint8Array, off: number, guid: string): void {
  const g = normalizeGuid(guid);
  if (!g) throw new Error(`not a GUID: ${guid}`);
  const h = g.replace(/-/g, "");
  const byte = (i: number): number => parseInt(h.slice(i * 2, i * 2 + 2), 16);
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  for (let i = 0; i < 16; i++) b[off + order[i]] = byte(i);
}

export const NULL_GUID = "00000000-0000-0000-0000-000000000000";
