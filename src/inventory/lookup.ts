/**
 * Names seen in a trace → what they belong to. Implements hns-model.md §(c):
 *   1. MAC (any spelling) → endpoint / host vNIC / external NIC / vfpctrl port owner;
 *   2. IP → endpoint / host vNIC / external NIC;
 *   3. GUIDs, ignoring case and braces, and NIC names "<VM or container GUID>--<GUID>": vSwitch id, HNS network id,
 *      HNS endpoint id, vSwitch port GUID, NIC name, adapter InterfaceGuid, VM id;
 *   4. exact names: vfpctrl port / NIC friendly names, host vNIC aliases, NIC names, HNS endpoint names,
 *      container names;
 *   5. switch friendly name = Get-VMSwitch name = HNS network name (or docker network name);
 *   6. patterns: "vEthernet (x)" → x; "Container NIC <8hex>" → HNS endpoint id prefix (WS2016) or host vNIC;
 *      a hex friendly name that is a prefix of a docker container id, an HNS endpoint id without dashes, or a
 *      docker/HNS network id ("f82c3ec1d0fe590").
 * Ambiguous names ("Ethernet" is every flannel endpoint's name) are narrowed by the switch when one is given, and
 * otherwise come back with confidence "low" and the other candidates listed.
 */
import type { InvContainer, InvEndpoint, InvExternalNic, InvHostVnic, InvNetwork, InvSwitch, Inventory, MatchKey } from "./types.js";
import { macKey, normGuid, normIp } from "./text.js";
import { endpointLabel } from "./join.js";

export type LookupKind = "container" | "host-vnic" | "external-nic" | "switch" | "network" | "endpoint";
export type Confidence = "high" | "medium" | "low";

export interface LookupResult {
  kind: LookupKind;
  /** Human label: "wcow1 (try-nat)", "vEthernet (nat)", "Ethernet 2", "nat". */
  label: string;
  networkName?: string;
  containerName?: string;
  containerId?: string;
  /** HNS endpoint id, for endpoints and containers. */
  endpointId?: string;
  matchedBy: MatchKey;
  confidence: Confidence;
  /** Labels of the other candidates when the name was ambiguous. */
  alternatives?: string[];
  /** The inventory object itself. */
  target: InvEndpoint | InvHostVnic | InvExternalNic | InvSwitch | InvNetwork | InvContainer;
}

export interface LookupContext {
  /** The switch the name was seen on (friendly name or GUID): narrows ambiguous names to that switch's network. */
  switchName?: string;
  /** What the name is: a NIC/port name, a switch name, or unknown (default). */
  as?: "nic" | "switch" | "any";
}

interface Cand {
  kind: LookupKind;
  label: string;
  networkName?: string;
  containerName?: string;
  containerId?: string;
  endpointId?: string;
  target: LookupResult["target"];
}

const lc = (s: string | undefined): string => (s ?? "").toLowerCase();
const LOWER: Record<Confidence, Confidence> = { high: "medium", medium: "low", low: "low" };

export class InventoryLookup {
  readonly inv: Inventory;
  /** Answers already given (a trace asks about the same few names millions of times). */
  private readonly memo = new Map<string, LookupResult | null>();

  constructor(inv: Inventory) {
    this.inv = inv;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Candidates

  private ofEndpoint(e: InvEndpoint): Cand {
    if (e.isHost) {
      const h = this.inv.hostVnics.find((x) => x.macKey && x.macKey === e.macKey);
      if (h) return this.ofHostVnic(h);
    }
    const c: Cand = { kind: e.containerName || e.containerId ? "container" : "endpoint", label: endpointLabel(e), target: e };
    if (e.networkName) c.networkName = e.networkName;
    if (e.containerName) c.containerName = e.containerName;
    if (e.containerId) c.containerId = e.containerId;
    if (e.endpointId) c.endpointId = e.endpointId;
    return c;
  }

  private ofHostVnic(h: InvHostVnic): Cand {
    const c: Cand = { kind: "host-vnic", label: h.alias, target: h };
    if (h.networkName) c.networkName = h.networkName;
    return c;
  }

  private ofExternal(x: InvExternalNic): Cand {
    return { kind: "external-nic", label: x.name, target: x };
  }

  private ofSwitch(s: InvSwitch): Cand {
    const c: Cand = { kind: "switch", label: s.name, target: s };
    if (s.networkName) c.networkName = s.networkName;
    return c;
  }

  private ofNetwork(n: InvNetwork, asSwitch: boolean): Cand {
    const sw = asSwitch ? this.inv.switches.find((s) => lc(s.name) === lc(n.vSwitchName) || (n.vSwitchId && s.id === n.vSwitchId)) : undefined;
    if (sw) return this.ofSwitch(sw);
    return { kind: asSwitch ? "switch" : "network", label: asSwitch ? n.vSwitchName ?? n.name : n.name, networkName: n.name, target: n };
  }

  private ofContainer(c: InvContainer): Cand {
    const e = this.inv.endpoints.find((x) => (c.id && x.containerId === c.id) || (c.name && x.containerName === c.name));
    if (e) return this.ofEndpoint(e);
    const cand: Cand = { kind: "container", label: `${c.name ?? c.id?.slice(0, 12) ?? "?"} (${c.networks[0] ?? "?"})`, target: c };
    if (c.name) cand.containerName = c.name;
    if (c.id) cand.containerId = c.id;
    if (c.networks[0]) cand.networkName = c.networks[0];
    return cand;
  }

  private ofPortOwner(i: number): Cand | null {
    const o = this.inv.ports[i]?.owner;
    if (!o) return null;
    if (o.kind === "endpoint") return this.inv.endpoints[o.index] ? this.ofEndpoint(this.inv.endpoints[o.index]) : null;
    if (o.kind === "host-vnic") return this.inv.hostVnics[o.index] ? this.ofHostVnic(this.inv.hostVnics[o.index]) : null;
    return this.inv.externalNics[o.index] ? this.ofExternal(this.inv.externalNics[o.index]) : null;
  }

  /** The network a switch name/GUID stands for (for narrowing). */
  private networkOfSwitch(sw: string | undefined): InvNetwork | undefined {
    if (!sw) return undefined;
    const g = normGuid(sw);
    const s = this.inv.switches.find((x) => (g && x.id === g) || lc(x.name) === lc(sw));
    return (
      this.inv.networks.find((n) => (g && (n.vSwitchId === g || n.id === g)) || lc(n.vSwitchName) === lc(sw) || lc(n.name) === lc(sw)) ??
      (s?.networkName ? this.inv.networks.find((n) => n.name === s.networkName) : undefined)
    );
  }

  /** The network name a switch context stands for (switch friendly name = network name, even for a network no dump describes). */
  private contextNetwork(ctx: LookupContext): string | undefined {
    if (!ctx.switchName) return undefined;
    return this.networkOfSwitch(ctx.switchName)?.name ?? (normGuid(ctx.switchName) ? undefined : ctx.switchName);
  }

  /** False when a candidate is known to sit elsewhere than on the context's switch. */
  private couldBeOn(c: Cand, ctx: LookupContext): boolean {
    const netName = this.contextNetwork(ctx);
    if (!netName) return true;
    if (c.kind === "external-nic") {
      // A physical NIC is only on an external switch bound to it.
      const sw = (c.target as InvExternalNic).switchName;
      const net = this.inv.networks.find((n) => lc(n.name) === lc(netName));
      return sw ? lc(sw) === lc(net?.vSwitchName ?? netName) || lc(sw) === lc(netName) : !!net && !["nat", "internal", "private", "ics"].includes(net.driver ?? "") && net.switchType !== "internal" && net.switchType !== "private";
    }
    return !c.networkName || lc(c.networkName) === lc(netName);
  }

  /**
   * Picks from candidates: dedupes, narrows by switch, rates confidence. For names (`byName`), candidates known to
   * be on another switch than the context's are dropped; addresses and GUIDs are trusted as they are.
   */
  private choose(cands: Cand[], matchedBy: MatchKey, base: Confidence, ctx: LookupContext, byName = false): LookupResult | null {
    const uniq: Cand[] = [];
    for (const c of cands) if (!uniq.some((u) => u.target === c.target || (u.label === c.label && u.kind === c.kind))) uniq.push(c);
    let pool = byName ? uniq.filter((c) => this.couldBeOn(c, ctx)) : uniq;
    if (pool.length === 0) return null;
    if (pool.length > 1 && ctx.switchName) {
      const netName = this.contextNetwork(ctx);
      const on = netName ? pool.filter((c) => lc(c.networkName) === lc(netName)) : [];
      if (on.length > 0) pool = on;
    }
    const best = pool[0];
    const r: LookupResult = { ...best, matchedBy, confidence: pool.length > 1 ? "low" : base };
    if (pool.length > 1) r.alternatives = pool.slice(1).map((c) => c.label);
    return r;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Rules

  /** A MAC in any spelling. */
  mac(s: string, ctx: LookupContext = {}): LookupResult | null {
    const k = macKey(s);
    if (!k) return null;
    const local = this.inv.endpoints.filter((e) => e.macKey === k && !e.isRemote).map((e) => this.ofEndpoint(e));
    const hv = this.inv.hostVnics.filter((h) => h.macKey === k).map((h) => this.ofHostVnic(h));
    const ext = this.inv.externalNics.filter((x) => x.macKey === k).map((x) => this.ofExternal(x));
    const ports = this.inv.ports.map((p, i) => (p.macKey === k ? this.ofPortOwner(i) : null)).filter((c): c is Cand => c !== null);
    const remote = this.inv.endpoints.filter((e) => e.macKey === k && e.isRemote).map((e) => this.ofEndpoint(e));
    return this.choose([...local, ...hv, ...ext, ...ports, ...remote], "mac", "high", ctx);
  }

  /** An IPv4/IPv6 address (a "/len" or "%zone" suffix is ignored). */
  ip(s: string, ctx: LookupContext = {}): LookupResult | null {
    const ip = normIp(s);
    if (!ip) return null;
    const local = this.inv.endpoints.filter((e) => (e.ip === ip || e.ipv6 === ip) && !e.isRemote).map((e) => this.ofEndpoint(e));
    const hv = this.inv.hostVnics.filter((h) => h.ips.includes(ip) || h.ipv6.includes(ip)).map((h) => this.ofHostVnic(h));
    const ext = this.inv.externalNics.filter((x) => x.ips.includes(ip)).map((x) => this.ofExternal(x));
    const remote = this.inv.endpoints.filter((e) => (e.ip === ip || e.ipv6 === ip) && e.isRemote).map((e) => this.ofEndpoint(e));
    // A remote endpoint shares its overlay IP with nothing local; ambiguity only among local owners counts.
    const r = this.choose([...local, ...hv, ...ext], "ip", "high", ctx);
    return r ?? this.choose(remote, "ip", "high", ctx);
  }

  /** A GUID (braces / case ignored) or a NIC name "<GUID>--<GUID>". */
  guid(s: string, ctx: LookupContext = {}): LookupResult | null {
    const t = s.trim();
    // The whole NIC name first.
    if (t.includes("--")) {
      const hits = this.inv.ports.map((p, i) => (p.nicName && lc(p.nicName) === lc(t) ? this.ofPortOwner(i) : null)).filter((c): c is Cand => c !== null);
      const r = this.choose(hits, "nic-name", "high", ctx);
      if (r) return r;
      const ep = this.inv.endpoints.filter((e) => e.nicName && lc(e.nicName) === lc(t)).map((e) => this.ofEndpoint(e));
      const r2 = this.choose(ep, "nic-name", "high", ctx);
      if (r2) return r2;
      // Then each GUID in it, the port/NIC GUID (last) before the VM GUID (first).
      const parts = t.split("--").reverse();
      for (const p of parts) {
        const g = this.guid(p, ctx);
        if (g) return g.matchedBy === "vm-id" ? g : { ...g, confidence: g.confidence === "high" ? "medium" : g.confidence };
      }
      return null;
    }
    const g = normGuid(t);
    if (!g) return null;
    const asSwitch = ctx.as === "switch";
    if (ctx.as !== "nic") {
      const sw = this.inv.switches.filter((x) => x.id === g).map((x) => this.ofSwitch(x));
      const r = this.choose(sw, "switch-id", "high", ctx);
      if (r) return r;
      const nets = this.inv.networks.filter((n) => n.id === g || n.vSwitchId === g).map((n) => this.ofNetwork(n, asSwitch || n.vSwitchId === g));
      const r2 = this.choose(nets, this.inv.networks.some((n) => n.id === g) ? "hns-network-id" : "switch-id", "high", ctx);
      if (r2) return r2;
      if (asSwitch) return null;
    }
    const eps = this.inv.endpoints.filter((e) => e.endpointId === g).map((e) => this.ofEndpoint(e));
    let r = this.choose(eps, "hns-endpoint-id", "high", ctx);
    if (r) return r;
    const ports = this.inv.ports.map((p, i) => (normGuid(p.portName) === g ? this.ofPortOwner(i) : null)).filter((c): c is Cand => c !== null);
    const byPort = [...ports, ...this.inv.endpoints.filter((e) => e.portName === g).map((e) => this.ofEndpoint(e)), ...this.inv.hostVnics.filter((h) => h.portName === g).map((h) => this.ofHostVnic(h))];
    r = this.choose(byPort, "port-guid", "high", ctx);
    if (r) return r;
    // HNS's EndpointNicGuid allocator: the vSwitch NIC of the endpoint.
    const nics = this.inv.endpoints.filter((e) => e.nicName && e.nicName.split("--").some((part) => normGuid(part) === g)).map((e) => this.ofEndpoint(e));
    r = this.choose(nics, "nic-name", "high", ctx);
    if (r) return r;
    const byIf = [...this.inv.hostVnics.filter((h) => h.interfaceGuid === g).map((h) => this.ofHostVnic(h)), ...this.inv.externalNics.filter((x) => x.interfaceGuid === g).map((x) => this.ofExternal(x))];
    r = this.choose(byIf, "interface-guid", "high", ctx);
    if (r) return r;
    const byVm = this.inv.ports.map((p, i) => (p.vmId && normGuid(p.vmId) === g ? this.ofPortOwner(i) : null)).filter((c): c is Cand => c !== null);
    r = this.choose(byVm, "vm-id", "medium", ctx);
    if (r) return r;
    const cs = this.inv.containers.filter((c) => c.id && normGuid(c.id) === g).map((c) => this.ofContainer(c));
    return this.choose(cs, "name", "high", ctx);
  }

  /** A friendly name or a switch name. */
  name(s: string, ctx: LookupContext = {}): LookupResult | null {
    const q = s.trim();
    const ql = q.toLowerCase();
    if (q === "") return null;
    const asSwitch = ctx.as === "switch";
    if (!asSwitch) {
      // Exact names.
      const ports = this.inv.ports.map((p, i) => (lc(p.portFriendlyName) === ql || lc(p.nicFriendlyName) === ql ? this.ofPortOwner(i) : null)).filter((c): c is Cand => c !== null);
      let r = this.choose(ports, "name", "high", ctx, true);
      if (r) return r;
      r = this.choose(this.inv.hostVnics.filter((h) => lc(h.alias) === ql).map((h) => this.ofHostVnic(h)), "alias", "high", ctx, true);
      if (r) return r;
      // A vSwitch NIC friendly name x for a host vNIC is its alias "vEthernet (x)"; the switch names an uplink by the
      // adapter's description. So for NIC names the host vNIC comes before a physical NIC of the same name.
      const inverse = (): LookupResult | null =>
        this.choose(this.inv.hostVnics.filter((h) => lc(h.alias) === `vethernet (${ql})`).map((h) => this.ofHostVnic(h)), "alias", "medium", ctx, true);
      if (ctx.as === "nic" && (r = inverse())) return r;
      r = this.choose(this.inv.externalNics.filter((x) => lc(x.name) === ql).map((x) => this.ofExternal(x)), "name", "high", ctx, true);
      if (r) return r;
      r = this.choose(this.inv.externalNics.filter((x) => lc(x.description) === ql).map((x) => this.ofExternal(x)), "description", "high", ctx, true);
      if (r) return r;
      if (ctx.as !== "nic" && (r = inverse())) return r;
      const named = this.inv.endpoints.filter((e) => lc(e.endpointName) === ql || lc(e.portFriendlyName) === ql || lc(e.nicFriendlyName) === ql);
      r = this.choose(
        named.filter((e) => !e.isRemote).map((e) => this.ofEndpoint(e)),
        "name",
        "high",
        ctx,
        true,
      );
      if (r) return r;
      r = this.choose(this.inv.containers.filter((c) => lc(c.name) === ql || lc(c.hostName) === ql).map((c) => this.ofContainer(c)), "name", "high", ctx, true);
      if (r) return r;
      r = this.choose(this.inv.endpoints.filter((e) => lc(e.vNicName) === ql).map((e) => this.ofEndpoint(e)), "alias", "high", ctx, true);
      if (r) return r;
      r = this.choose(named.filter((e) => e.isRemote).map((e) => this.ofEndpoint(e)), "name", "high", ctx, true);
      if (r) return r;
    }
    if (ctx.as !== "nic") {
      const r = this.choose(this.inv.switches.filter((x) => lc(x.name) === ql).map((x) => this.ofSwitch(x)), "name", "high", ctx, true);
      if (r) return r;
      const nets = this.inv.networks.filter((n) => lc(n.name) === ql || lc(n.vSwitchName) === ql || lc(n.dockerName) === ql);
      const r2 = this.choose(nets.map((n) => this.ofNetwork(n, asSwitch)), "network-name", "high", ctx, true);
      if (r2) return r2;
    }
    if (asSwitch) return this.hexPrefix(q, ctx);
    // "vEthernet (x)": the adapter of x.
    const ve = /^vEthernet \((.+)\)$/i.exec(q);
    if (ve) {
      const inner = this.find(ve[1], { ...ctx, as: "nic" }) ?? this.find(ve[1], { ...ctx, as: "any" });
      if (inner) return { ...inner, matchedBy: inner.matchedBy === "name" ? "alias" : inner.matchedBy, confidence: LOWER[inner.confidence] };
    }
    // "Container NIC <8 hex>": WS2016 container vNIC (HNS endpoint id prefix) or, later, a host vNIC port.
    const cn = /^Container NIC ([0-9a-f]{8})$/i.exec(q);
    if (cn) {
      const pre = cn[1].toLowerCase();
      const eps = this.inv.endpoints.filter((e) => e.endpointId?.startsWith(pre)).map((e) => this.ofEndpoint(e));
      const r = this.choose(eps, "container-nic-prefix", "medium", ctx, true);
      if (r) return r;
      const net = this.networkOfSwitch(ctx.switchName);
      const hv = this.inv.hostVnics.filter((h) => !net || h.networkName === net.name).map((h) => this.ofHostVnic(h));
      const r2 = this.choose(hv, "container-nic-prefix", "low", ctx, true);
      if (r2) return r2;
    }
    const hex = this.hexPrefix(q, ctx);
    if (hex) return hex;
    // A default adapter name ("Ethernet") on a switch, owned by nothing else there: the switch's host vNIC
    // (hns-model.md §(c) 6: in the published nat trace, "Ethernet" is most likely the host vNIC). A guess.
    const net = /^Ethernet( \d+)?$/i.test(q) ? this.contextNetwork(ctx) : undefined;
    if (net) {
      const hv = this.inv.hostVnics.filter((h) => lc(h.networkName) === lc(net) || lc(h.switchName) === lc(net)).map((h) => this.ofHostVnic(h));
      return this.choose(hv, "default-name", "low", ctx, true);
    }
    return null;
  }

  /** A hex friendly name that is a prefix of a container id, an HNS endpoint id (no dashes) or a network id. */
  private hexPrefix(q: string, ctx: LookupContext): LookupResult | null {
    const ql = q.toLowerCase();
    // CNI endpoint names are "<container id>_<network>".
    const head = /^([0-9a-f]{6,64})_/.exec(ql)?.[1];
    const pre = head ?? (/^[0-9a-f]{6,63}$/.test(ql) ? ql : null);
    if (!pre) return null;
    const asSwitch = ctx.as === "switch";
    const cands: Cand[] = [];
    if (!asSwitch) {
      for (const c of this.inv.containers) if (c.id && c.id.startsWith(pre)) cands.push(this.ofContainer(c));
      for (const e of this.inv.endpoints) {
        if ((e.containerId && e.containerId.startsWith(pre)) || (e.endpointId && e.endpointId.replace(/-/g, "").startsWith(pre))) cands.push(this.ofEndpoint(e));
      }
    }
    if (ctx.as !== "nic") {
      for (const n of this.inv.networks) {
        if ((n.dockerId && n.dockerId.startsWith(pre)) || (n.id && n.id.replace(/-/g, "").startsWith(pre)) || lc(n.name).startsWith(pre)) cands.push(this.ofNetwork(n, asSwitch));
      }
    }
    return this.choose(cands, "name-prefix", pre.length >= 12 ? "high" : "medium", ctx, true);
  }

  /**
   * Anything seen in a trace: a MAC, an IP, a GUID or NIC name, a friendly name, a switch name. Tries the rules in
   * the order of hns-model.md §(c) and returns the first hit, or null.
   */
  find(s: string, ctx: LookupContext = {}): LookupResult | null {
    const key = `${ctx.as ?? "any"}\u0000${ctx.switchName ?? ""}\u0000${s}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    let r: LookupResult | null;
    try {
      r = this.findUncached(s, ctx);
    } catch {
      r = null; // a lookup must never stop the analysis of a trace
    }
    if (this.memo.size < 100_000) this.memo.set(key, r);
    return r;
  }

  private findUncached(s: string, ctx: LookupContext): LookupResult | null {
    const q = s.trim().replace(/^"(.*)"$/, "$1");
    if (q === "") return null;
    if (ctx.as !== "switch") {
      const isBareHex = /^[0-9a-f]{12}$/i.test(q);
      if (macKey(q)) {
        const r = this.mac(q, ctx);
        if (r || !isBareHex) return r;
      }
      if (normIp(q)) return this.ip(q, ctx);
    }
    if (normGuid(q) || /^\{?[0-9a-f-]{36}\}?--\{?[0-9a-f-]{36}\}?$/i.test(q)) {
      const r = this.guid(q, ctx);
      if (r) return r;
    }
    return this.name(q, ctx);
  }

  /** A vSwitch NIC as events name it: NIC name (GUID or "<GUID>--<GUID>") and friendly name, on a switch. */
  nic(nicName: string | undefined, friendlyName?: string, switchName?: string): LookupResult | null {
    const ctx: LookupContext = { as: "nic", ...(switchName ? { switchName } : {}) };
    const byName = nicName ? this.find(nicName, ctx) : null;
    if (byName) return byName;
    return friendlyName ? this.find(friendlyName, ctx) : null;
  }

  /** A switch as events name it: its GUID and/or friendly name. */
  switch(switchName: string | undefined, friendlyName?: string): LookupResult | null {
    const byName = switchName ? this.find(switchName, { as: "switch" }) : null;
    if (byName) return byName;
    return friendlyName ? this.find(friendlyName, { as: "switch" }) : null;
  }
}

/** One-shot lookup (builds an InventoryLookup each call; keep one for repeated use). */
export function lookup(inv: Inventory, name: string, ctx: LookupContext = {}): LookupResult | null {
  return new InventoryLookup(inv).find(name, ctx);
}
