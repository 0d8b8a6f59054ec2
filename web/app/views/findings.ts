/** Findings: ranked problems with severity, explanation, count, what to check next and links to the evidence. */
import type { Finding, FindingsResult } from "../../../src/findings/types.js";
import type { Ctx, View } from "../app.js";
import { fetchInto } from "../app.js";
import { h, clear, num } from "../dom.js";
import type { HashState } from "../router.js";
import { formatHash } from "../router.js";

export const SEVERITIES = ["critical", "error", "warning", "info"] as const;

export class FindingsView implements View {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private data: FindingsResult | null = null;
  private loading = false;
  private focus: number | undefined;

  constructor(private readonly ctx: Ctx) {
    this.body = h("div", { class: "findings-body" });
    this.el = h("section", { class: "view view-findings" }, this.body);
  }

  show(st: HashState): void {
    this.focus = st.finding;
    if (this.data) this.render();
    else if (!this.loading) void this.load();
  }

  private async load(): Promise<void> {
    this.loading = true;
    this.data = await fetchInto(this.body, "Findings", () => this.ctx.src.findings());
    this.loading = false;
    if (this.data) this.render();
  }

  private render(): void {
    const d = this.data!;
    clear(this.body);
    this.body.append(h("div", { class: "toolbar" }, SEVERITIES.map((sv) => h("span", { class: `badge sev-${sv}` }, `${num(d.summary[sv] ?? 0)} ${sv}`)),
      h("span", { class: "muted" }, `${d.checks.ran.length} checks ran${d.checks.skipped.length ? `, ${d.checks.skipped.length} skipped` : ""}`)));
    if (!d.findings.length) this.body.append(h("div", { class: "empty-ok" }, "✓ No problems found in this capture."));
    const list = h("div", { class: "findings" }, d.findings.map((f) => card(f, f.rank === this.focus)));
    this.body.append(list);
    if (d.checks.skipped.length) {
      this.body.append(h("details", { class: "skipped" }, h("summary", null, "Checks that could not run"),
        h("ul", null, d.checks.skipped.map((x) => h("li", null, h("code", null, x.code), ` — ${x.why}`)))));
    }
    if (this.focus !== undefined) list.querySelector(`[data-rank="${this.focus}"]`)?.scrollIntoView({ block: "center" });
  }
}

function card(f: Finding, focused: boolean): HTMLElement {
  const ev = f.evidence;
  const links: HTMLElement[] = [];
  if (ev.packets.length) links.push(h("span", { class: "ev" }, "Packets: ", ev.packets.map((n) => h("a", { href: `#packet=${n}`, class: "evlink", testid: "evidence-packet" }, String(n)))));
  if (ev.journeys.length) links.push(h("span", { class: "ev" }, "Journeys: ", ev.journeys.map((n) => h("a", { href: formatHash({ view: "journey", journey: n }), class: "evlink", testid: "evidence-journey" }, String(n)))));
  if (ev.hops.length) links.push(h("span", { class: "ev" }, "Hops: ", ev.hops.map((x) => h("a", { href: formatHash({ view: "journey", journey: x.journey }), class: "evlink" }, `${x.journey}/${x.hop + 1}`))));
  if (ev.flows.length) links.push(h("span", { class: "ev" }, "Flows: ", ev.flows.map((n) => h("a", { href: formatHash({ view: "flows", flow: n }), class: "evlink", testid: "evidence-flow" }, String(n)))));
  if (ev.events.length) links.push(h("span", { class: "ev" }, "Events: ", ev.events.map((e) => h("span", { class: "evtext", title: e.text ?? "" }, `${e.provider} ${e.id}`))));
  if (ev.more) links.push(h("span", { class: "muted" }, `and ${num(ev.more)} more`));
  return h("article", { class: `finding sev-${f.severity}${focused ? " focus" : ""}`, testid: "finding", "data-rank": f.rank, "data-code": f.code, id: `finding-${f.rank}` },
    h("header", { testid: "finding-item" },
      h("span", { class: `badge sev-${f.severity}` }, f.severity),
      h("h3", null, f.title),
      h("span", { class: "fcount" }, `${num(f.count)} ${f.unit}`)),
    h("p", { class: "expl" }, f.explanation),
    f.next.length ? h("div", { class: "next" }, h("div", { class: "label" }, "Check next"), h("ul", null, f.next.map((n) => h("li", null, /^[\w-]+( |$)/.test(n) && /[-|]|^wnvtrace|^Get-|^pktmon|^netsh|^hnsdiag|^docker/.test(n) ? h("code", null, n) : n)))) : null,
    links.length ? h("div", { class: "evidence" }, links) : null,
    h("div", { class: "fcode muted small" }, f.code));
}
