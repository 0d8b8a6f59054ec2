/**
 * URL hash state: #view=packets&filter=icmp&packet=17, #journey=5, #flow=3, #view=topology,
 * #view=journeys&fate=dropped&q=wcow2 (the journeys list). Every navigation is
 * a hash change (back/forward work); the app re-applies the whole state on each hashchange.
 */
export const VIEWS = ["overview", "packets", "journeys", "journey", "topology", "flows", "findings", "timeline"] as const;
export type ViewName = (typeof VIEWS)[number];

export interface HashState {
  view: ViewName;
  filter: string;
  packet?: number;
  journey?: number;
  flow?: number;
  finding?: number;
  /** Journeys list: fate chip (delivered | dropped | unfinished) and search text. */
  fate?: string;
  q?: string;
}

const intOf = (v: string | null): number | undefined => {
  if (v === null || !/^\d+$/.test(v)) return undefined;
  return Number(v);
};

export function parseHash(hash: string): HashState {
  const q = new URLSearchParams(hash.replace(/^#/, ""));
  const packet = intOf(q.get("packet"));
  const journey = intOf(q.get("journey"));
  const flow = intOf(q.get("flow"));
  const finding = intOf(q.get("finding"));
  let view = q.get("view") as ViewName | null;
  if (!view || !VIEWS.includes(view)) {
    view = journey !== undefined ? "journey" : q.has("fate") || q.has("q") ? "journeys" : packet !== undefined ? "packets" : flow !== undefined ? "flows" : finding !== undefined ? "findings" : q.has("filter") ? "packets" : "overview";
  }
  const fate = q.get("fate") || undefined;
  const text = q.get("q") || undefined;
  return { view, filter: q.get("filter") ?? "", packet, journey, flow, finding, ...(fate ? { fate } : {}), ...(text ? { q: text } : {}) };
}

export function formatHash(s: Partial<HashState>): string {
  const q = new URLSearchParams();
  if (s.filter) q.set("filter", s.filter);
  if (s.packet !== undefined) q.set("packet", String(s.packet));
  if (s.journey !== undefined) q.set("journey", String(s.journey));
  if (s.flow !== undefined) q.set("flow", String(s.flow));
  if (s.finding !== undefined) q.set("finding", String(s.finding));
  if (s.fate) q.set("fate", s.fate);
  if (s.q) q.set("q", s.q);
  // The view is written only when the rest does not imply it (#packet=17 means the packets view).
  const view = s.view ?? "overview";
  const text = (p: URLSearchParams): string => p.toString().replace(/\+/g, "%20");
  // (The journeys list always names itself: #view=journeys&fate=dropped&q=… as users share it.)
  if (parseHash(text(q)).view !== view || view === "journeys") {
    const withView = new URLSearchParams([["view", view], ...q]);
    return "#" + text(withView);
  }
  // URLSearchParams writes spaces as "+": keep them readable and unambiguous as %20.
  return "#" + text(q);
}

export function current(): HashState {
  return parseHash(location.hash);
}

/** Goes to a new state (a history entry), or replaces the current one. */
export function navigate(s: Partial<HashState>, replace = false): void {
  const hash = formatHash(s);
  if (hash === location.hash || (hash === "#" && !location.hash)) return;
  if (replace) {
    history.replaceState(null, "", hash === "#" ? location.pathname + location.search : hash);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else location.hash = hash;
}

/** Keeps the view's state but changes some fields. */
export function update(patch: Partial<HashState>, replace = false): void {
  navigate({ ...current(), ...patch }, replace);
}
