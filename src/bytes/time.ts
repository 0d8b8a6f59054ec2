/**
 * Time values. Absolute times are FILETIMEs (100 ns ticks since 1601-01-01 UTC) held as bigint, because they
 * exceed 2^53. Inside a trace, events carry a plain number of 100 ns ticks relative to the trace start, which is
 * exact for 28 years; the trace clock turns it back into a FILETIME when text is needed.
 */
export const FILETIME_UNIX_EPOCH = 116444736000000000n;

/** Reads a u64 at `off` as bigint (little-endian). */
export function readU64(dv: DataView, off: number): bigint {
  return dv.getBigUint64(off, true);
}

/** FILETIME → "YYYY-MM-DDTHH:MM:SS.fffffffZ" (7 fractional digits, 100 ns). */
export function filetimeToIso(ft: bigint, offsetMinutes = 0): string {
  const shifted = ft + BigInt(offsetMinutes) * 600000000n;
  const unix100 = shifted - FILETIME_UNIX_EPOCH;
  let secs = unix100 / 10000000n;
  let frac = unix100 % 10000000n;
  if (frac < 0n) {
    frac += 10000000n;
    secs -= 1n;
  }
  const d = new Date(Number(secs) * 1000);
  if (Number.isNaN(d.getTime())) return `invalid-filetime(${ft})`;
  const iso = d.toISOString().slice(0, 19);
  return `${iso}.${frac.toString().padStart(7, "0")}${offsetMinutes === 0 ? "Z" : ""}`;
}

/** FILETIME → nanoseconds since the Unix epoch (for pcapng and JSON). */
export function filetimeToUnixNs(ft: bigint): bigint {
  return (ft - FILETIME_UNIX_EPOCH) * 100n;
}

/** Reads a SYSTEMTIME (8 × u16) into an ISO string with millisecond precision. */
export function systemtimeToIso(dv: DataView, off: number): string {
  const y = dv.getUint16(off, true), mo = dv.getUint16(off + 2, true), d = dv.getUint16(off + 6, true);
  const h = dv.getUint16(off + 8, true), mi = dv.getUint16(off + 10, true), s = dv.getUint16(off + 12, true);
  const ms = dv.getUint16(off + 14, true);
  const p = (v: number, n = 2): string => v.toString().padStart(n, "0");
  return `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}.${p(ms, 3)}`;
}

/** A FILETIME as whole seconds since the Unix epoch plus a 100 ns remainder (0 ≤ rem < 1e7), both plain numbers. */
export function splitFiletime(ft: bigint): { secs: number; rem: number } {
  const u = ft - FILETIME_UNIX_EPOCH;
  let s = u / 10_000_000n;
  let r = u % 10_000_000n;
  if (r < 0n) {
    r += 10_000_000n;
    s -= 1n;
  }
  return { secs: Number(s), rem: Number(r) };
}

/** 100 ns ticks since a FILETIME start → ISO UTC with 7 fractional digits; the date-time part is cached per second. */
export class IsoClock {
  private readonly secs: number;
  private readonly rem: number;
  private lastSec = NaN;
  private lastText = "";
  constructor(startFiletime: bigint) {
    ({ secs: this.secs, rem: this.rem } = splitFiletime(startFiletime));
  }
  iso(ticks: number): string {
    const t = this.rem + ticks;
    const q = Math.floor(t / 1e7);
    const sec = this.secs + q;
    const frac = t - q * 1e7;
    if (sec !== this.lastSec) {
      this.lastSec = sec;
      const d = new Date(sec * 1000);
      this.lastText = Number.isNaN(d.getTime()) ? `invalid-time(${sec})` : d.toISOString().slice(0, 19);
    }
    return `${this.lastText}.${String(frac).padStart(7, "0")}Z`;
  }
  /** Unix time in ns as a decimal string. */
  unixNs(ticks: number): string {
    const t = this.rem + ticks;
    const q = Math.floor(t / 1e7);
    const sec = this.secs + q;
    const frac = t - q * 1e7;
    return sec === 0 ? String(frac * 100) : `${sec}${String(frac * 100).padStart(9, "0")}`;
  }
}
