/**
 * wnvtrace web UI: one app, two data sources — `wnvtrace serve` (RemoteSource over the HTTP API) or the data a
 * self-contained report embeds (EmbeddedSource). Tabs + URL hash state; keyboard: ↑/↓ move in the packet table,
 * Enter opens, Esc closes the detail, "/" focuses the filter.
 */
import type { Ctx, View } from "./app.js";
import { errText } from "./app.js";
import type { DataSource } from "./data/source.js";
import { EmbeddedSource } from "./data/embedded.js";
import { RemoteSource } from "./data/remote.js";
import { h, bytes, num } from "./dom.js";
import type { ViewName } from "./router.js";
import { current, formatHash, VIEWS } from "./router.js";
import { OverviewView } from "./views/overview.js";
import { PacketsView } from "./views/packets.js";
import { JourneyView_ } from "./views/journey.js";
import { JourneysView } from "./views/journeys.js";
import { TopologyView_ } from "./views/topology.js";
import { FlowsView } from "./views/flows.js";
import { FindingsView } from "./views/findings.js";
import { TimelineView } from "./views/timeline.js";

const TITLES: Record<ViewName, string> = {
  overview: "Overview", packets: "Packets", journeys: "Journeys", journey: "Journey", topology: "Topology", flows: "Flows", findings: "Findings", timeline: "Timeline",
};

async function pickSource(): Promise<DataSource> {
  const el = document.getElementById("wnv-data");
  return el ? EmbeddedSource.fromDocument(el) : new RemoteSource();
}

async function waitReady(src: DataSource, main: HTMLElement): Promise<void> {
  if (src.kind === "embedded") return;
  const bar = h("div", { class: "bar-fill" });
  const text = h("div", { class: "load-text" }, "Connecting…");
  const box = h("div", { class: "loading", testid: "load-progress" }, h("h2", null, "Reading the capture"), h("div", { class: "bar", role: "progressbar" }, bar), text);
  main.append(box);
  for (let wait = 300; ; wait = Math.min(1000, wait + 100)) {
    try {
      const st = await src.status();
      if (st.state === "ready") break;
      if (st.state === "failed") {
        text.textContent = `Failed: ${st.error ?? "unknown error"}`;
        box.classList.add("failed");
        throw new Error(st.error ?? "loading failed");
      }
      const pct = st.total > 0 ? Math.min(100, (100 * st.done) / st.total) : 0;
      bar.style.width = `${pct.toFixed(1)}%`;
      box.querySelector(".bar")!.setAttribute("aria-valuenow", pct.toFixed(0));
      text.textContent = `${pct.toFixed(0)}% · ${bytes(st.done)} of ${bytes(st.total)} · ${num(st.packets)} packets so far`;
    } catch (e) {
      if (box.classList.contains("failed")) throw e;
      text.textContent = `Waiting for the server… (${errText(e)})`;
    }
    await new Promise((r) => setTimeout(r, wait));
  }
  box.remove();
}

async function start(): Promise<void> {
  const root = document.getElementById("app")!;
  let src: DataSource;
  try {
    src = await pickSource();
  } catch (e) {
    root.append(h("div", { class: "loading failed pad" }, `Cannot read this report's data: ${errText(e)}`));
    throw e;
  }
  const ctx: Ctx = { src };
  const fileEl = h("span", { class: "file" });
  const tabs = new Map<ViewName, HTMLAnchorElement>();
  const nav = h("nav", { class: "tabs", role: "tablist" }, VIEWS.map((v) => {
    const a = h("a", { href: formatHash({ view: v }), class: "tab", role: "tab", testid: `tab-${v}` }, h("span", { testid: `nav-${v}` }, TITLES[v]));
    tabs.set(v, a);
    return a;
  }));
  const main = h("main", { class: "main" });
  root.append(h("header", { class: "top" }, h("span", { class: "brand" }, "wnv", h("b", null, "trace")), fileEl, nav,
    h("span", { class: "kbd-help muted", title: "↑/↓ move · Enter open · Esc close · / filter" }, src.kind === "embedded" ? "report" : "live")), main);

  try {
    await waitReady(src, main);
  } catch {
    return;
  }
  src.overview().then((o) => {
    fileEl.textContent = o.file;
    fileEl.title = `${o.file} · ${bytes(o.fileBytes)}`;
    document.title = `${o.file} — wnvtrace`;
  }, () => {});

  const packets = src.hasPackets ? new PacketsView(ctx) : null;
  const make: Record<ViewName, () => View> = {
    overview: () => new OverviewView(ctx),
    packets: () => packets ?? noPackets(),
    journeys: () => new JourneysView(ctx),
    journey: () => new JourneyView_(ctx),
    topology: () => new TopologyView_(ctx),
    flows: () => new FlowsView(ctx),
    findings: () => new FindingsView(ctx),
    timeline: () => new TimelineView(ctx),
  };
  const views = new Map<ViewName, View>();
  let active: ViewName | null = null;

  const apply = (): void => {
    const st = current();
    let v = views.get(st.view);
    if (!v) {
      v = make[st.view]();
      views.set(st.view, v);
      main.append(v.el);
    }
    if (active !== st.view) {
      for (const [name, other] of views) other.el.hidden = name !== st.view;
      for (const [name, a] of tabs) {
        a.classList.toggle("active", name === st.view);
        a.setAttribute("aria-selected", String(name === st.view));
      }
      active = st.view;
    }
    v.show(st);
    // Tabs come back to where the view was: the packets filter and packet, the journey shown.
    if (st.view === "packets") tabs.get("packets")!.href = formatHash({ view: "packets", filter: st.filter, packet: st.packet });
    if (st.view === "journeys") tabs.get("journeys")!.href = formatHash({ view: "journeys", fate: st.fate, q: st.q });
    if (st.view === "journey" && st.journey !== undefined) tabs.get("journey")!.href = formatHash({ view: "journey", journey: st.journey });
  };
  window.addEventListener("hashchange", apply);
  apply();

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target as HTMLElement;
    const typing = t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable;
    if (typing) return;
    if (e.key === "/" && packets) {
      e.preventDefault();
      if (active !== "packets") location.hash = formatHash({ ...current(), view: "packets", journey: undefined, flow: undefined, finding: undefined });
      packets.focusFilter();
      return;
    }
    const v = active ? views.get(active) : undefined;
    if (v?.key?.(e)) e.preventDefault();
  });
}

function noPackets(): View {
  const el = h("section", { class: "view" }, h("div", { class: "muted pad" }, "This report does not include the packet table."));
  return { el, show: () => {} };
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => void start());
else void start();
