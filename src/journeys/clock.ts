/** Trace ticks (100 ns since the trace start) → ISO 8601 UTC with 7 fractional digits; the date part is cached per second. */
import { FILETIME_UNIX_EPOCH } from "../bytes/time.js";

export class IsoClock {
  private readonly secs: number;
  private readonly rem: number;
  private lastSec = NaN;
  private lastText = "";

  constructor(startFiletime: bigint) {
    const u = startFiletime - FILETIME_UNIX_EPOCH;
    let s = u / 10_000_000n;
    let r = u % 10_000_000n;
    if (r < 0n) {
      r += 10_000_000n;
      s -= 1n;
    }
    this.secs = Number(s);
    this.rem = Number(r);
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
}
