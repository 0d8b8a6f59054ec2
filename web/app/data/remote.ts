/** `wnvtrace serve`'s HTTP API (src/web/api.ts), over relative URLs. */
import type { FilterError, LoadStatus, Overview, PacketDetail, PacketPage, JourneyPage, JourneyQuery, JourneyView, TopologyView, Timeline } from "../../../src/web/api.js";
import type { FlowsResult } from "../../../src/flows/types.js";
import type { FindingsResult } from "../../../src/findings/types.js";
import type { DataSource } from "./source.js";
import { FilterFailure, NotFound } from "./source.js";

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "HttpError";
  }
}

export class RemoteSource implements DataSource {
  readonly kind = "remote";
  hasPackets = true;
  private readonly once = new Map<string, Promise<unknown>>();

  constructor(private readonly base = "") {}

  private async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const res = await fetch(this.base + path, { headers: { accept: "application/json" }, signal });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.ok) return body as T;
    const err = body as Partial<FilterError> | undefined;
    if (res.status === 400 && err && typeof err.column === "number") throw new FilterFailure(err.filter ?? "", err.column, err.error ?? "bad filter");
    if (res.status === 404) throw new NotFound(err?.error ?? `${path}: not found`);
    throw new HttpError(res.status, err?.error ?? `${path}: HTTP ${res.status}`);
  }

  private cached<T>(path: string): Promise<T> {
    let p = this.once.get(path) as Promise<T> | undefined;
    if (!p) {
      p = this.get<T>(path);
      p.catch(() => this.once.delete(path));
      this.once.set(path, p);
    }
    return p;
  }

  status(): Promise<LoadStatus> {
    return this.get<LoadStatus>("api/status");
  }
  overview(): Promise<Overview> {
    return this.cached("api/overview");
  }
  packets(filter: string, offset: number, limit: number): Promise<PacketPage> {
    const q = new URLSearchParams({ filter: filter.trim(), offset: String(offset), limit: String(limit) });
    return this.get<PacketPage>(`api/packets?${q}`);
  }
  packet(no: number): Promise<PacketDetail> {
    return this.cached(`api/packets/${no}`);
  }
  async indexOf(filter: string, no: number): Promise<number> {
    const f = filter.trim();
    const q = new URLSearchParams({ filter: f, offset: "0", limit: "0", find: String(no) });
    const page = await this.get<PacketPage>(`api/packets?${q}`);
    if (typeof page.found === "number") return page.found;
    // Older server without `find`: rows are in packet-number order: the index of `no` is how many matching rows come before it.
    const [before, at] = await Promise.all([
      this.packets(f ? `(${f}) && frame.number < ${no}` : `frame.number < ${no}`, 0, 0),
      this.packets(f ? `(${f}) && frame.number == ${no}` : `frame.number == ${no}`, 0, 0),
    ]);
    return at.matched > 0 ? before.matched : -1;
  }
  journeys(q: JourneyQuery, offset: number, limit: number): Promise<JourneyPage> {
    const p = new URLSearchParams({ offset: String(offset), limit: String(limit) });
    if (q.fate) p.set("fate", q.fate);
    if (q.q?.trim()) p.set("q", q.q.trim());
    if (q.filter?.trim()) p.set("filter", q.filter.trim());
    return this.get<JourneyPage>(`api/journeys?${p}`);
  }
  journey(id: number): Promise<JourneyView> {
    return this.cached(`api/journeys/${id}`);
  }
  topology(): Promise<TopologyView> {
    return this.cached("api/topology");
  }
  flows(): Promise<FlowsResult> {
    return this.cached("api/flows");
  }
  findings(): Promise<FindingsResult> {
    return this.cached("api/findings");
  }
  timeline(): Promise<Timeline> {
    return this.cached("api/timeline");
  }
}
