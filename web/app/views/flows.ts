/** Flows: sortable table of conversations (TCP state, echo/ARP/DNS counts, NAT inside ↔ outside); a row opens its packets. */
import type { Endpoint, Flow, FlowsResult } from "../../../src/flows/types.js";
import type { Ctx, View } from "../app.js";
import { fetchInto } from "../app.js";
import { h, clear, num, bytes, duration } from "../dom.js";
import type { HashState } from "../router.js";
import { update } from "../router.js";

type SortKey = "id" | "bytes" | "packets" | "start" | "duration";

const ep = (e: Endpoint, proto: string): string => {
  const ip = e.ip.includes(":") ? `[${e.ip}]` : e.ip;
  return proto === "tcp" || proto === "udp" ? `${ip}:${e.port}` : proto.startsWith("icmp") && e.port ? `${e.ip} id ${e.port}` : e.ip;
};

/** The display filter that selects a flow's packets (both views of a NAT'd flow). */
export function flowFilter(f: Flow): string {
  const side = (p: string, a: Endpoint, b: Endpoint): string => {
    const v6 = a.ip.includes(":");
    const ipf = v6 ? "ipv6.addr" : "ip.addr";
    if (p === "arp") return `arp && (arp.src.proto_ipv4 == ${a.ip} || arp.dst.proto_ipv4 == ${a.ip}) && (arp.src.proto_ipv4 == ${b.ip} || arp.dst.proto_ipv4 == ${b.ip})`;
    let s = `${ipf} == ${a.ip} && ${ipf} == ${b.ip}`;
    if ((p === "tcp" || p === "udp") && a.port && b.port) s += ` && ${p}.port == ${a.port} && ${p}.port == ${b.port}`;
    else if (p === "tcp" || p === "udp" || p === "icmp" || p === "icmpv6") s += ` && ${p}`;
    return s;
  };
  const main = side(f.protocol, f.a, f.b);
  if (f.nat) return `(${main}) || (${side(f.nat.view.protocol, f.nat.view.a, f.nat.view.b)})`;
  return main;
}

function stateText(f: Flow): string {
  const out: string[] = [];
  if (f.tcp) {
    out.push(f.tcp.state + (f.tcp.state === "reset" && f.tcp.resetBy ? ` by ${f.tcp.resetBy.toUpperCase()}` : ""));
    const rt = f.tcp.aToB.retransmissions + f.tcp.bToA.retransmissions;
    if (rt) out.push(`${rt} retrans`);
    if (f.tcp.handshakeRttMs !== undefined) out.push(`rtt ${f.tcp.handshakeRttMs.toFixed(2)} ms`);
  }
  if (f.echo) out.push(`echo ${f.echo.requests}/${f.echo.replies}${f.echo.unanswered ? `, ${f.echo.unanswered} unanswered` : ""}${f.echo.rttAvgMs !== undefined ? `, rtt ${f.echo.rttAvgMs.toFixed(2)} ms` : ""}`);
  if (f.arp) out.push(`arp ${f.arp.requests}/${f.arp.replies}${f.arp.unanswered ? `, ${f.arp.unanswered} unanswered` : ""}${f.arp.resolvedMac ? ` → ${f.arp.resolvedMac}` : ""}`);
  if (f.dns) out.push(`dns ${f.dns.transactions}${f.dns.unanswered ? `, ${f.dns.unanswered} unanswered` : ""}${f.dns.errors ? `, ${f.dns.errors} errors` : ""}`);
  if (f.icmpErrors?.length) out.push(f.icmpErrors.map((e) => `${e.text} ×${e.count}`).join(", "));
  if (f.drops) out.push(`${f.drops.packets} dropped`);
  return out.join(" · ");
}

export class FlowsView implements View {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly search: HTMLInputElement;
  private data: FlowsResult | null = null;
  private sort: SortKey = "id";
  private desc = false;
  private highlight: number | undefined;
  private loading = false;

  constructor(private readonly ctx: Ctx) {
    this.body = h("div", { class: "flows-body" });
    this.search = h("input", { type: "search", class: "search", placeholder: "Find address, port, protocol…", "aria-label": "Find flows" });
    this.search.addEventListener("input", () => this.render());
    this.el = h("section", { class: "view view-flows" }, h("div", { class: "toolbar" }, this.search, h("span", { class: "count muted", testid: "flow-count" })), this.body);
  }

  show(st: HashState): void {
    this.highlight = st.flow;
    if (this.data) this.render();
    else if (!this.loading) void this.load();
  }

  private async load(): Promise<void> {
    this.loading = true;
    this.data = await fetchInto(this.body, "Flows", () => this.ctx.src.flows());
    this.loading = false;
    if (this.data) this.render();
  }

  private setSort(k: SortKey): void {
    if (this.sort === k) this.desc = !this.desc;
    else {
      this.sort = k;
      this.desc = k !== "id" && k !== "start";
    }
    this.render();
  }

  private render(): void {
    const d = this.data;
    if (!d) return;
    clear(this.body);
    const q = this.search.value.trim().toLowerCase();
    let flows = d.flows;
    if (q) flows = flows.filter((f) => `${f.protocol} ${ep(f.a, f.protocol)} ${ep(f.b, f.protocol)} ${f.a.label ?? ""} ${f.b.label ?? ""} ${f.nat ? ep(f.nat.view.a, f.protocol) + " " + ep(f.nat.view.b, f.protocol) : ""} ${stateText(f)}`.toLowerCase().includes(q));
    const key: Record<SortKey, (f: Flow) => number> = { id: (f) => f.id, bytes: (f) => f.bytes, packets: (f) => f.packets, start: (f) => f.relStart, duration: (f) => f.duration };
    const k = key[this.sort];
    flows = [...flows].sort((a, b) => (this.desc ? k(b) - k(a) : k(a) - k(b)) || a.id - b.id);
    // A DOM row per flow: cap what is drawn (search narrows it; the highlighted flow is always drawn).
    const LIMIT = 2000;
    const shown = flows.length > LIMIT ? flows.slice(0, LIMIT) : flows;
    if (this.highlight !== undefined && flows.length > LIMIT && !shown.some((f) => f.id === this.highlight)) {
      const hf = flows.find((f) => f.id === this.highlight);
      if (hf) shown.unshift(hf);
    }
    const count = this.el.querySelector<HTMLElement>("[data-testid=flow-count]")!;
    count.textContent = `${num(flows.length)} of ${num(d.flows.length)} flows · ${num(d.stats.packets)} packets counted once (${num(d.stats.repeatSightings)} repeat sightings) · ${num(d.stats.dnsTransactions)} DNS transactions`;
    const th = (label: string, sk?: SortKey, cls = ""): HTMLElement => {
      if (!sk) return h("th", { class: cls }, label);
      const arrow = this.sort === sk ? (this.desc ? " ▼" : " ▲") : "";
      return h("th", { class: `sortable ${cls}`, onclick: () => this.setSort(sk), title: `Sort by ${label.toLowerCase()}`, "aria-sort": this.sort === sk ? (this.desc ? "descending" : "ascending") : null }, label + arrow);
    };
    const table = h("table", { class: "grid flows", testid: "flows-table" },
      h("thead", null, h("tr", null, th("#", "id", "num"), th("Proto"), th("A"), th("B"), th("Packets", "packets", "num"), th("Bytes", "bytes", "num"), th("Start", "start", "num"), th("Duration", "duration", "num"), th("A→B / B→A", undefined, "num"), th("State"), th("NAT (inside ↔ outside)"))),
      h("tbody", null, shown.map((f) => {
        const tr = h("tr", { class: `flow-row${f.id === this.highlight ? " sel" : ""}${f.drops || f.tcp?.state === "reset" || f.echo?.unanswered || f.arp?.unanswered ? " warn" : ""}`, testid: "flow-row", "data-id": f.id, title: `Click: packets of flow ${f.id}` },
          h("td", { class: "num" }, f.id),
          h("td", null, h("span", { class: `proto p-${f.protocol}` }, f.protocol.toUpperCase())),
          h("td", { class: "mono" }, ep(f.a, f.protocol), f.a.label ? h("div", { class: "sub" }, f.a.label) : null),
          h("td", { class: "mono" }, ep(f.b, f.protocol), f.b.label ? h("div", { class: "sub" }, f.b.label) : null),
          h("td", { class: "num" }, num(f.packets)),
          h("td", { class: "num" }, bytes(f.bytes)),
          h("td", { class: "num" }, f.relStart.toFixed(6)),
          h("td", { class: "num" }, duration(f.duration)),
          h("td", { class: "num small" }, `${num(f.aToB.packets)} / ${num(f.bToA.packets)}`),
          h("td", { class: "small" }, stateText(f)),
          h("td", { class: "mono small" }, f.nat ? `${ep(f.a, f.protocol)} ↔ ${ep(f.nat.view.a, f.nat.view.protocol)}` : "", f.nat ? h("div", { class: "sub" }, `${f.nat.view.kind} · ${f.nat.evidence.join(", ")}`) : null),
        );
        tr.addEventListener("click", () => update({ view: "packets", filter: flowFilter(f), packet: undefined }));
        return tr;
      })));
    this.body.append(table);
    if (shown.length < flows.length) this.body.append(h("div", { class: "muted pad" }, `Showing ${num(shown.length)} of ${num(flows.length)} flows — search to narrow.`));
    if (d.dns.length) {
      this.body.append(h("h3", { class: "section" }, `DNS (${num(d.dns.length)})`),
        h("table", { class: "grid dns" },
          h("thead", null, h("tr", null, h("th", null, "Name"), h("th", null, "Type"), h("th", null, "Client"), h("th", null, "Server"), h("th", null, "Status"), h("th", { class: "num" }, "Latency"), h("th", null, "Answers"))),
          h("tbody", null, d.dns.slice(0, 500).map((t) => h("tr", { class: t.status === "unanswered" || t.status === "error" ? "warn" : "" },
            h("td", { class: "mono" }, t.name), h("td", null, t.qtypeName), h("td", { class: "mono" }, ep(t.client, "udp")), h("td", { class: "mono" }, ep(t.server, "udp")),
            h("td", null, t.status + (t.rcodeName && t.status === "error" ? ` (${t.rcodeName})` : "") + (t.queries > 1 ? ` · ${t.queries} queries` : "")),
            h("td", { class: "num" }, t.latencyMs !== undefined ? `${t.latencyMs.toFixed(2)} ms` : ""),
            h("td", { class: "mono small" }, t.answers.map((a) => `${a.type} ${a.value}`).join(", ")))))));
    }
    if (this.highlight !== undefined) this.body.querySelector(`tr[data-id="${this.highlight}"]`)?.scrollIntoView({ block: "center" });
  }
}
