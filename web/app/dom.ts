/** Small DOM helpers: element builders, formatting. No framework. */

export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (ev: Event) => void;
export interface Attrs {
  [key: string]: string | number | boolean | null | undefined | Handler;
}

function append(el: Element, c: Child): void {
  if (c === null || c === undefined || c === false) return;
  if (Array.isArray(c)) {
    for (const x of c) append(el, x);
    return;
  }
  el.append(typeof c === "object" ? c : String(c));
}

function setAttrs(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === "testid") el.setAttribute("data-testid", String(v));
    else if (k === "class") el.setAttribute("class", String(v));
    else el.setAttribute(k, v === true ? "" : String(v));
  }
}

/** An HTML element: h("div", { class: "x", onclick: f }, "text", child). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVGNS = "http://www.w3.org/2000/svg";
/** An SVG element. */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVGNS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

const nf = new Intl.NumberFormat("en-US");
export const num = (n: number): string => nf.format(n);

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const u = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${u[i]}`;
}

/** Seconds as "1.234567". */
export const secs = (t: number): string => t.toFixed(6);

/** A duration in words: 850 µs, 12.3 ms, 4.20 s, 3 min 12 s. */
export function duration(sec: number): string {
  if (!Number.isFinite(sec)) return "–";
  if (sec < 1e-3) return `${(sec * 1e6).toFixed(sec < 1e-5 ? 1 : 0)} µs`;
  if (sec < 1) return `${(sec * 1e3).toFixed(sec < 0.01 ? 2 : 1)} ms`;
  if (sec < 120) return `${sec.toFixed(2)} s`;
  const m = Math.floor(sec / 60);
  if (m < 120) return `${m} min ${Math.round(sec - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** ISO UTC text shortened for display: 2024-06-10 20:18:35.489172 UTC. */
export function isoShort(iso: string): string {
  if (!iso) return "–";
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d{1,6})?\d*Z?$/.exec(iso);
  return m ? `${m[1]} ${m[2]}${m[3] ?? ""} UTC` : iso;
}

export function plural(n: number, one: string, many = one + "s"): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}

/** Hex text → bytes. */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** A stable, readable colour per key (networks in the topology, series in the timeline). */
const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#86bcb6"];
const DRIVER_COLORS: Record<string, string> = {
  nat: "#4e79a7", ics: "#76b7b2", transparent: "#59a14f", l2bridge: "#edc948", l2tunnel: "#f28e2b", overlay: "#b07aa1",
  internal: "#9c755f", private: "#bab0ac",
};
export class ColorMap {
  private readonly m = new Map<string, string>();
  get(key: string, driver?: string): string {
    let c = this.m.get(key);
    if (!c) {
      const used = new Set(this.m.values());
      const byDriver = driver ? DRIVER_COLORS[driver.toLowerCase()] : undefined;
      c = byDriver && !used.has(byDriver) ? byDriver : PALETTE.find((p) => !used.has(p)) ?? PALETTE[this.m.size % PALETTE.length];
      this.m.set(key, c);
    }
    return c;
  }
  entries(): [string, string][] {
    return [...this.m];
  }
}

/** Runs `f` at most once per animation frame. */
export function rafThrottle(f: () => void): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      f();
    });
  };
}

/** The non-empty items of a list (for append(...)). */
export function nodes(...xs: (Node | string | null | undefined | false)[]): (Node | string)[] {
  return xs.filter((x): x is Node | string => x !== null && x !== undefined && x !== false);
}
