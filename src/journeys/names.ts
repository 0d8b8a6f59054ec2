/**
 * Names for hops. The trace names things its own way — VmSwitch events by NIC/switch GUID and friendly name,
 * 1003 fragments by port and NIC type, NDIS 1001 by interface index, pktmon by component — and the host state
 * (inventory) knows which container, endpoint and network each belongs to. TraceNames collects what the trace
 * says (VmSwitch control events 9/67/116/232, every 1003 and the pktmon component table); HopNamer turns a hop's
 * `where` into {label, container, network}, from the inventory when one is given and matches, else from the
 * trace. Naming never throws: a wrong or partial inventory only leaves names missing.
 */
import type { PktmonComponent, PktmonComponents } from "../packets/mod.js";
import type { InvExternalNic, InvHostVnic, Inventory, LookupResult } from "../inventory/mod.js";
import { InventoryLookup } from "../inventory/mod.js";
import type { Hop, HopNames, HopWhere } from "./types.js";

export interface TraceNic {
  name: string;
  friendly?: string;
  switchName?: string;
  switchFriendly?: string;
  port?: string;
  portFriendly?: string;
  portId?: number;
  ifIndex?: number;
  /** Synthetic / Internal / External (1003 SourceNicType). */
  type?: string;
}

/** What the trace says about NICs, ports and switches. */
export class TraceNames {
  readonly nics = new Map<string, TraceNic>();
  readonly nicByIfIndex = new Map<number, string>();
  readonly switchFriendly = new Map<string, string>();
  readonly portFriendly = new Map<string, string>();
  components: PktmonComponents | null = null;
  /** Bumped whenever the tables learn something (names computed earlier are then recomputed). */
  version = 0;

  nic(name: string): TraceNic {
    let n = this.nics.get(name);
    if (!n) this.nics.set(name, (n = { name }));
    return n;
  }

  /** VmSwitch 9/42/43 (switch), 67 (port), 116/117 (NIC + IfIndex), 232/17 (NIC ↔ port). */
  control(id: number, f: Readonly<Record<string, string | number | undefined>>): void {
    this.version++;
    const sw = f.SwitchName as string | undefined;
    const swf = f.SwitchFName as string | undefined;
    if (sw && swf) this.switchFriendly.set(sw, swf);
    const port = f.PortName as string | undefined;
    if (port && f.PortFName) this.portFriendly.set(port, f.PortFName as string);
    const nicName = f.NicName as string | undefined;
    if (!nicName) return;
    const n = this.nic(nicName);
    if (f.NicFName) n.friendly = f.NicFName as string;
    if (sw) n.switchName = sw;
    if (swf) n.switchFriendly = swf;
    if (port) {
      n.port = port;
      if (f.PortFName) n.portFriendly = f.PortFName as string;
    }
    if ((id === 116 || id === 117) && typeof f.NicIndex === "number" && f.NicIndex > 0) {
      n.ifIndex = f.NicIndex;
      this.nicByIfIndex.set(f.NicIndex, nicName);
    }
  }

  /** A 1003 fragment: the source NIC's type and port. */
  fragment(nicName: string, type: string, port: string, portId: number): void {
    if (!nicName) return;
    const n = this.nics.get(nicName);
    if (n && n.type === type && n.port === port && n.portId === portId) return;
    this.version++;
    const m = n ?? this.nic(nicName);
    if (type) m.type = type;
    if (port) m.port = port;
    m.portId = portId;
    if (port && !m.portFriendly) {
      const pf = this.portFriendly.get(port);
      if (pf) m.portFriendly = pf;
    }
  }

  /** A NIC seen in an NBL event, with its names. */
  seen(nicName: string, friendly: string, switchName: string, switchFriendly: string): void {
    const n = this.nics.get(nicName);
    if (n && n.friendly === friendly && n.switchName === switchName) return;
    this.version++;
    const m = n ?? this.nic(nicName);
    if (friendly) m.friendly = friendly;
    if (switchName) m.switchName = switchName;
    if (switchFriendly) {
      m.switchFriendly = switchFriendly;
      this.switchFriendly.set(switchName, switchFriendly);
    }
  }
}

/** The switch a pktmon component belongs to (VMSwitchName, or the VmsExtMiniport its filter sits on). */
export function componentSwitch(comps: PktmonComponents | null, c: PktmonComponent | undefined): string | undefined {
  if (!c || !comps) return undefined;
  const own = c.props.VMSwitchName?.[0];
  if (own !== undefined) return String(own);
  const ifs = [...(c.props.LowerIfIndex ?? []), ...(c.props.MiniportIfIndex ?? [])];
  if (ifs.length === 0) return undefined;
  for (const o of comps.all()) {
    if (o.typeName !== "VmsExtMiniport") continue;
    if ((o.props.IfIndex ?? []).some((v) => ifs.includes(v)) && o.props.VMSwitchName?.[0] !== undefined) return String(o.props.VMSwitchName[0]);
  }
  return undefined;
}

export function isVfp(c: PktmonComponent | undefined): boolean {
  return !!c && c.typeName === "Filter" && (/vfpext/i.test(c.name) || /^VFP |Virtual Filtering Platform/i.test(c.description));
}

function plainNic(n: string | undefined): string | undefined {
  return n && n !== "NULL" ? n : undefined;
}

const NAMED = Symbol("names");

/** Attaches names (and port/switch details the trace knows) to hops; caches per place. */
export class HopNamer {
  readonly trace: TraceNames;
  private readonly lookup: InventoryLookup | null;
  private readonly inv: Inventory | null;

  constructor(trace: TraceNames, inventory?: Inventory | InventoryLookup | null) {
    this.trace = trace;
    if (inventory instanceof InventoryLookup) {
      this.lookup = inventory;
      this.inv = inventory.inv;
    } else if (inventory) {
      this.inv = inventory;
      this.lookup = new InventoryLookup(inventory);
    } else {
      this.inv = null;
      this.lookup = null;
    }
  }

  /** Fills in where (switch friendly name, port, NIC type from the trace tables) and names. */
  name(h: Hop): void {
    const w = h.where as HopWhere & { [NAMED]?: { v: number; names: HopNames | null; by: HopNamer } };
    const v = this.trace.version;
    let c = w[NAMED];
    if (!c || c.v !== v || c.by !== this) {
      let names: HopNames | null = null;
      try {
        this.enrich(w);
        names = this.compute(h) ?? null;
      } catch {
        // A name is a nicety: never fail a journey over it.
      }
      c = { v, names, by: this };
      // Names per place, kept on the (shared) `where` object under a symbol: invisible to JSON, no map lookup.
      Object.defineProperty(w, NAMED, { value: c, writable: true, configurable: true, enumerable: false });
    }
    if (c.names) h.names = c.names;
  }

  private enrich(w: HopWhere): void {
    const t = this.trace;
    if (w.nic) {
      const n = t.nics.get(w.nic);
      if (n) {
        if (!w.nicFriendly && n.friendly) w.nicFriendly = n.friendly;
        if (!w.nicType && n.type) w.nicType = n.type;
        if (!w.port && n.port) w.port = n.port;
        if (!w.portFriendly && (n.portFriendly || (n.port && t.portFriendly.get(n.port)))) w.portFriendly = n.portFriendly ?? t.portFriendly.get(n.port!);
        if (w.portId === undefined && n.portId !== undefined) w.portId = n.portId;
        if (!w.switchName && n.switchName) w.switchName = n.switchName;
      }
    } else if (w.ifIndex !== undefined) {
      const nn = t.nicByIfIndex.get(w.ifIndex);
      const n = nn ? t.nics.get(nn) : undefined;
      if (n) {
        w.nic = n.name;
        if (n.friendly) w.nicFriendly = n.friendly;
        if (n.type) w.nicType = n.type;
        if (n.switchName) w.switchName = n.switchName;
      }
    }
    if (w.switchName && !w.switchFriendly) {
      const f = t.switchFriendly.get(w.switchName);
      if (f) w.switchFriendly = f;
    }
  }

  private compute(h: Hop): HopNames | undefined {
    const w = h.where;
    const inv = this.fromInventory(h);
    if (inv) return inv;
    return this.fromTrace(h, w);
  }

  // ---- trace only ----------------------------------------------------------------------------------------

  private fromTrace(h: Hop, w: HopWhere): HopNames | undefined {
    if (w.component !== undefined) return this.componentNames(h);
    const sw = w.switchFriendly ?? w.switchName;
    if (w.nic || w.nicFriendly) {
      const f = plainNic(w.nicFriendly) ?? w.nic!;
      if (w.nicType === "Internal") return { label: `vEthernet (${sw ?? f})`, kind: "host-vnic", ...(sw ? { network: sw } : {}), source: "trace" };
      if (w.nicType === "External") return { label: f, kind: "external-nic", source: "trace" };
      return { label: sw ? `${f} (${sw})` : f, kind: w.nicType === "Synthetic" ? "vnic" : "nic", ...(sw ? { network: sw } : {}), source: "trace" };
    }
    if (w.ifIndex !== undefined) return { label: `interface ${w.ifIndex}`, kind: "nic", source: "trace" };
    if (sw) return { label: `vSwitch ${sw}`, kind: "switch", network: sw, source: "trace" };
    return undefined;
  }

  private componentNames(h: Hop): HopNames | undefined {
    const w = h.where;
    const comps = this.trace.components;
    const c = comps?.get(w.component!);
    const sw = componentSwitch(comps, c);
    const net = sw ? { network: sw } : {};
    if (!c) return { label: w.componentName ?? `component ${w.component}`, kind: "component", source: "trace" };
    switch (c.typeName) {
      case "VmsVmNic": return { label: sw ? `${plainNic(c.description) ?? c.name} (${sw})` : plainNic(c.description) ?? c.name, kind: "vnic", ...net, source: "trace" };
      case "VmsMiniport": return { label: `vEthernet (${sw ?? plainNic(c.description) ?? c.name})`, kind: "host-vnic", ...net, source: "trace" };
      case "VmsProtocolNic": return { label: plainNic(c.description) ?? c.name, kind: "external-nic", ...net, source: "trace" };
      case "VmsExtMiniport": return { label: `vSwitch ${sw ?? c.name}`, kind: "switch", ...net, source: "trace" };
      default:
        if (isVfp(c)) return { label: sw ? `VFP (${sw})` : "VFP", kind: "vfp", ...net, source: "trace" };
        return { label: w.componentName ?? (plainNic(c.description) ?? c.name), kind: c.typeName === "Miniport" || c.typeName === "NetVsc Miniport" ? "nic" : "component", ...net, source: "trace" };
    }
  }

  // ---- inventory -----------------------------------------------------------------------------------------

  /** The name people use for a network: docker's name when HNS names it by docker's id (l2bridge, overlay …). */
  private displayNetwork(name: string | undefined): string | undefined {
    if (!name || !this.inv) return name;
    const lc = name.toLowerCase();
    const n = this.inv.networks.find((x) => x.name.toLowerCase() === lc || x.id === lc || x.dockerId === lc);
    return n?.dockerName ?? n?.name ?? name;
  }

  private fromResult(r: LookupResult | null, fallbackNetwork?: string): HopNames | undefined {
    if (!r) return undefined;
    const net = this.displayNetwork(r.networkName ?? fallbackNetwork);
    const n: HopNames = { label: r.containerName && net ? `${r.containerName} (${net})` : r.label, kind: r.kind, source: "inventory" };
    if (r.containerName) n.container = r.containerName;
    if (net) n.network = net;
    return n;
  }

  private switchNetwork(switchName?: string, friendly?: string): string | undefined {
    if (!this.lookup || (!switchName && !friendly)) return undefined;
    const r = this.lookup.switch(switchName, friendly);
    return r ? this.displayNetwork(r.networkName ?? (r.kind === "switch" ? r.label : undefined) ?? friendly) : undefined;
  }

  private byIfIndex(ifIndex: number): InvHostVnic | InvExternalNic | undefined {
    const inv = this.inv;
    if (!inv) return undefined;
    return inv.hostVnics.find((x) => x.ifIndex === ifIndex) ?? inv.externalNics.find((x) => x.ifIndex === ifIndex);
  }

  private fromInventory(h: Hop): HopNames | undefined {
    const L = this.lookup;
    if (!L) return undefined;
    const w = h.where;
    if (w.component !== undefined) return this.componentFromInventory(h);
    const known = this.switchNetwork(w.switchName, w.switchFriendly);
    const net = known ?? w.switchFriendly;
    if (w.ifIndex !== undefined && (h.kind === "nic-send" || h.kind === "nic-recv")) {
      const x = this.byIfIndex(w.ifIndex);
      if (x) {
        const isHost = "alias" in x;
        const n: HopNames = { label: isHost ? x.alias : x.name, kind: isHost ? "host-vnic" : "external-nic", source: "inventory" };
        const xn = this.displayNetwork(isHost ? x.networkName : undefined);
        if (xn ?? net) n.network = (xn ?? net)!;
        return n;
      }
    }
    if (w.nic || w.nicFriendly) {
      const r = L.nic(w.nic, plainNic(w.nicFriendly), w.switchName ?? w.switchFriendly);
      const n = this.fromResult(r, net) ?? (w.switchFriendly ? this.fromResult(L.nic(w.nic, plainNic(w.nicFriendly), w.switchFriendly), net) : undefined);
      if (n) return n;
    }
    if (known) {
      const t = this.fromTrace(h, w);
      if (t) return { ...t, network: known, source: "inventory" };
    }
    return undefined;
  }

  private componentFromInventory(h: Hop): HopNames | undefined {
    const L = this.lookup!;
    const comps = this.trace.components;
    const c = comps?.get(h.where.component!);
    if (!c) return undefined;
    const sw = componentSwitch(comps, c);
    const ctx = sw ? { switchName: sw } : {};
    const known = sw ? this.switchNetwork(undefined, sw) : undefined;
    const net = known ?? sw;
    if (isVfp(c) || c.typeName === "VmsExtMiniport") {
      if (!known) return undefined;
      const net = known;
      return { label: isVfp(c) ? `VFP (${net})` : `vSwitch ${sw}`, kind: isVfp(c) ? "vfp" : "switch", network: net, source: "inventory" };
    }
    // Uplinks (the physical NIC, the external port) share their MAC with the host vNIC of an external switch:
    // name them by interface index or adapter description first.
    const uplink = c.typeName === "Miniport" || c.typeName === "NetVsc Miniport" || c.typeName === "VmsProtocolNic";
    const ifIndex = c.props.IfIndex?.[0] ?? (c.typeName === "VmsProtocolNic" ? c.props.LowerIfIndex?.[0] : undefined);
    if (typeof ifIndex === "number" && (uplink || c.typeName === "VmsMiniport")) {
      const x = this.byIfIndex(ifIndex);
      if (x && (uplink ? !("alias" in x) : "alias" in x)) {
        const isHost = "alias" in x;
        const n: HopNames = { label: isHost ? x.alias : x.name, kind: isHost ? "host-vnic" : "external-nic", source: "inventory" };
        const xn = this.displayNetwork(isHost ? x.networkName : undefined) ?? net;
        if (xn) n.network = xn;
        return n;
      }
    }
    if (uplink && this.inv) {
      const d = (plainNic(c.description) ?? "").toLowerCase();
      const x = d ? this.inv.externalNics.find((e) => (e.description ?? "").toLowerCase() === d) : undefined;
      if (x) return { label: x.name, kind: "external-nic", ...(net ? { network: net } : {}), source: "inventory" };
    }
    const mac = c.props.PhysAddress?.[0];
    if (mac !== undefined) {
      const r = this.fromResult(L.mac(String(mac), ctx), net);
      if (r) return r;
    }
    if (c.typeName.startsWith("Vms") || c.typeName === "Miniport") {
      const r = this.fromResult(L.nic(undefined, plainNic(c.description) ?? c.name, sw), net);
      if (r) return r;
    }
    return undefined;
  }
}
