/** Overview: capture facts, providers, counts, findings at a glance, notes. */
import type { FindingsResult } from "../../../src/findings/types.js";
import type { Ctx, View } from "../app.js";
import { fetchInto } from "../app.js";
import { h, num, bytes, duration, isoShort } from "../dom.js";
import { formatHash } from "../router.js";
import { SEVERITIES } from "./findings.js";

export class OverviewView implements View {
  readonly el: HTMLElement;
  private loaded = false;

  constructor(private readonly ctx: Ctx) {
    this.el = h("section", { class: "view view-overview" });
  }

  show(): void {
    if (this.loaded) return;
    this.loaded = true;
    void this.load();
  }

  private async load(): Promise<void> {
    const got = await fetchInto(this.el, "Overview", async () => {
      const o = await this.ctx.src.overview();
      const f: FindingsResult | null = await this.ctx.src.findings().catch(() => null);
      return { o, f };
    });
    if (!got) {
      this.loaded = false;
      return;
    }
    const { o, f } = got;
    const tile = (label: string, value: string, href?: string, cls = ""): HTMLElement =>
      h(href ? "a" : "div", { class: `tile ${cls}`, ...(href ? { href } : {}) }, h("div", { class: "tile-v" }, value), h("div", { class: "tile-l" }, label));
    const fs = o.findings;
    const top = (f?.findings ?? []).slice(0, 5);
    this.el.append(
      h("div", { class: "tiles", testid: "overview-counts" },
        tile("packets", num(o.packets), "#view=packets"),
        tile("drops", num(o.drops), o.drops ? formatHash({ view: "journeys", fate: "dropped" }) : undefined, o.drops ? "bad" : ""),
        tile("journeys", num(o.journeys), o.journeys ? formatHash({ view: "journeys" }) : undefined),
        tile("flows", num(o.flows), "#view=flows"),
        tile("events", num(o.events)),
        tile("findings", num(SEVERITIES.reduce((a, sv) => a + (fs[sv] ?? 0), 0)), "#view=findings", fs.critical || fs.error ? "bad" : "")),
      h("div", { class: "cols" },
        h("div", { class: "card" },
          h("h2", null, "Capture"),
          h("dl", { class: "facts", testid: "overview-facts" },
            fact("File", o.file), fact("Size", `${bytes(o.fileBytes)} (${num(o.fileBytes)} bytes)`), fact("Flavour", o.flavours.join(" + ") || "–"),
            fact("Start", isoShort(o.start)), fact("End", isoShort(o.end)), fact("Duration", duration(o.duration)),
            o.hostName ? fact("Host", o.hostName) : null, o.osBuild ? fact("Windows build", o.osBuild) : null)),
        h("div", { class: "card" },
          h("h2", null, h("a", { href: "#view=findings" }, "Findings")),
          h("div", { class: "sevrow" }, SEVERITIES.map((sv) => h("a", { class: `badge sev-${sv}${fs[sv] ? "" : " zero"}`, href: "#view=findings" }, `${num(fs[sv] ?? 0)} ${sv}`))),
          top.length ? h("ol", { class: "toplist" }, top.map((x) => h("li", null, h("span", { class: `dot sev-${x.severity}` }), h("a", { href: formatHash({ view: "findings", finding: x.rank }) }, x.title))))
            : h("p", { class: "muted" }, f ? "No problems found." : "Findings are not available."))),
      h("div", { class: "cols" },
        h("div", { class: "card" },
          h("h2", null, "Providers"),
          h("table", { class: "grid compact" },
            h("thead", null, h("tr", null, h("th", null, "Provider"), h("th", null, "GUID"), h("th", { class: "num" }, "Events"))),
            h("tbody", null, o.providers.map((p) => h("tr", null, h("td", null, p.name), h("td", { class: "mono small" }, p.guid), h("td", { class: "num" }, num(p.events))))))),
        o.notes.length ? h("div", { class: "card" }, h("h2", null, "Notes"), h("ul", { class: "notes" }, o.notes.map((n) => h("li", null, n)))) : null),
    );
  }
}

function fact(label: string, value: string): HTMLElement[] {
  return [h("dt", null, label), h("dd", null, value)];
}
