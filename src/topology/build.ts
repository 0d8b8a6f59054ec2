/**
 * Collected tables → the structural topology: switches with ports, host adapters, pktmon components grouped under
 * their switch, MAC/IP pairs attached to ports and adapters. Trace only; the inventory join comes after (join.ts).
 *
 * pktmon component types (providers.md §3, checked on the gobang and tritonpilot samples):
 *   VmsExtMiniport = the switch itself (VMSwitchName, IfIndex = the switch's interface);
 *   VmsMiniport    = a host vNIC's switch port (IfIndex = the host adapter, VmsProxyHNic.sys; a "Hyper-V Virtual
 *                    Ethernet Container Adapter" in a compartment other than 1 is a process-isolated container's);
 *   VmsVmNic       = a VM or Hyper-V container NIC's port;
 *   VmsProtocolNic = the external port (vmswitch bound as a protocol to the physical NIC: LowerIfIndex);
 *   Miniport / NetVsc Miniport / NetCx = host adapters; Filter on the switch's interface = switch extensions.
 */
import type { PktmonComponent, PktmonComponents } from "../packets/mod.js";
import { macKey, normalizeMac, normGuid } from "../inventory/mod.js";
import type { MacState, NicState, PortState, TopologyCollector } from "./collect.js";
import { ipv4Num, macNumText, nameKey } from "./collect.js";
import type { NicKind, PortKind, SeenAddress, TopoComponent, TopoNic, TopoPort, TopoSwitch, Topology } from "./types.js";

const T = { Miniport: 2, Filter: 3, Protocol: 4, VmsVmNic: 5, VmsMiniport: 6, VmsExtMiniport: 7, VmsProtocolNic: 8, NetVscMiniport: 9, NetCx: 14 } as const;
const ADAPTER_TYPES = new Set<number>([T.Miniport, T.NetVscMiniport, T.NetCx]);
const PORT_TYPES = new Set<number>([T.VmsVmNic, T.VmsMiniport, T.VmsProtocolNic]);

/** How many seen MACs the topology lists. */
export const MAX_ADDRESSES = 512;

const first = (c: PktmonComponent, k: string): string | number | undefined => c.props[k]?.[0];
const firstNum = (c: PktmonComponent, k: string): number | undefined => {
  const v = first(c, k);
  return typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined;
};
const firstStr = (c: PktmonComponent, k: string): string | undefined => {
  const v = first(c, k);
  return v === undefined ? undefined : String(v).trim() || undefined;
};

const HEX_ID = /^[0-9a-f]{12,64}$/i;
const GUID_LIKE = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?(--\{?[0-9a-f-]{36}\}?)?$/i;
const lc = (s: string | undefined): string => (s ?? "").toLowerCase();

function add<T>(list: T[], v: T | undefined): void {
  if (v !== undefined && v !== "" && !list.includes(v)) list.push(v);
}

/** Topology under construction: outputs plus the keys that find them. */
class Builder {
  readonly switches: TopoSwitch[] = [];
  readonly nics: TopoNic[] = [];
  readonly components: TopoComponent[] = [];
  readonly notes: string[] = [];
  /** Collector switch key → switch. */
  private readonly swByKey = new Map<string, TopoSwitch>();
  /** Ports that are host-side (VmsMiniport / NDIS type Internal): for the switch type. */
  readonly hostSide = new Set<TopoPort>();
  readonly byIfIndex = new Map<number, TopoNic>();

  constructor(private readonly col: TopologyCollector, private readonly comps: PktmonComponents) {}

  switchFor(key: string | undefined): TopoSwitch | undefined {
    return key ? this.swByKey.get(key) : undefined;
  }

  newSwitch(name: string, key?: string): TopoSwitch {
    const s: TopoSwitch = { name, ports: [], components: [], extensions: [], packets: 0, sources: [] };
    this.switches.push(s);
    if (key) this.swByKey.set(key, s);
    return s;
  }

  /** A switch by friendly name or id (case-insensitive), or a new one. */
  switchNamed(friendly: string): TopoSwitch {
    const l = lc(friendly);
    const s = this.switches.find((x) => lc(x.friendlyName) === l || lc(x.id) === l || lc(x.name) === l);
    if (s) return s;
    const n = this.newSwitch(friendly);
    n.friendlyName = friendly;
    return n;
  }

  /** The switch with this interface index, or a placeholder named after it. */
  switchByIf(ifIndex: number): TopoSwitch {
    const s = this.switches.find((x) => x.ifIndex === ifIndex);
    if (s) return s;
    const n = this.newSwitch(`switch ifIndex ${ifIndex}`);
    n.ifIndex = ifIndex;
    return n;
  }

  // -------------------------------------------------------------------------------------------------------------

  run(): void {
    this.fromVmSwitch();
    this.fromPktmon();
    this.fromInterfaces();
    this.linkAdapters();
    for (const s of this.switches) for (const p of s.ports) this.classifyPort(p);
    this.inferPortMacs();
    for (const n of this.nics) this.classifyNic(n);
    for (const s of this.switches) this.inferSwitchType(s);
  }

  /** Switches, ports and NICs named by VmSwitch events and NDIS 1003. */
  private fromVmSwitch(): void {
    for (const [key, s] of this.col.switches) {
      const sw = this.newSwitch(s.friendlyName ?? s.id ?? key, key);
      if (s.id) sw.id = s.id;
      if (s.friendlyName) sw.friendlyName = s.friendlyName;
      sw.sources = [...s.sources].sort();
    }
    // Two records of one switch: one with a GUID, one with only a friendly name (pktmon-style): merge.
    for (const [key, s] of this.col.switches) {
      if (!key.startsWith("F:")) continue;
      const twin = this.switches.find((x) => x.id && lc(x.friendlyName) === lc(s.friendlyName));
      const self = this.swByKey.get(key)!;
      if (twin && twin !== self) {
        this.swByKey.set(key, twin);
        this.switches.splice(this.switches.indexOf(self), 1);
        for (const src of self.sources) add(twin.sources, src);
      }
    }
    const portOf = new Map<string, TopoPort>();
    for (const [key, p] of this.col.ports) {
      const nic = p.nicKey ? this.col.nics.get(p.nicKey) : undefined;
      const swKey = p.switchKey ?? nic?.switchKey;
      let sw = this.switchFor(swKey);
      if (!sw && p.switchIfIndex !== undefined) sw = this.switchByIf(p.switchIfIndex);
      sw ??= this.switchNamed("(unknown switch)");
      if (p.switchIfIndex !== undefined && sw.ifIndex === undefined) sw.ifIndex = p.switchIfIndex;
      const port = this.portFrom(p, nic);
      sw.ports.push(port);
      portOf.set(key, port);
    }
    // NICs seen on a switch without their port (NBL events only).
    const withPort = new Set([...this.col.ports.values()].map((p) => p.nicKey));
    for (const [key, n] of this.col.nics) {
      if (n.portKey && portOf.has(n.portKey)) continue;
      if (withPort.has(key)) continue;
      const sw = this.switchFor(n.switchKey);
      if (!sw) continue;
      sw.ports.push(this.portFrom(undefined, n));
    }
    for (const [ifIndex, n] of this.col.switchIfPackets) {
      const sw = this.switches.find((x) => x.ifIndex === ifIndex);
      if (sw) sw.packets += n;
    }
  }

  private portFrom(p: PortState | undefined, n: NicState | undefined): TopoPort {
    const port: TopoPort = { ips: [], kind: "unknown", kindFrom: "", packets: 0, sources: [] };
    if (p) {
      if (!p.name.startsWith("F:")) port.port = p.name;
      if (p.friendlyName) port.portFriendlyName = p.friendlyName;
      if (p.portId !== undefined) port.portId = p.portId;
      port.packets += p.packets;
      for (const s of p.sources) add(port.sources, s);
      if (p.srcMacs.size) portMacs.set(port, p.srcMacs);
    }
    if (n) {
      if (!n.name.startsWith("F:")) port.nic = n.name;
      if (n.friendlyName) port.nicFriendlyName = n.friendlyName;
      if (n.nicType) port.nicType = n.nicType;
      const mac = normalizeMac(n.mac);
      if (mac) {
        port.mac = mac;
        port.macFrom = "vmswitch";
      }
      if (n.ifIndex !== undefined) port.ifIndex = n.ifIndex;
      const g = normGuid(n.guid);
      if (g && g !== "00000000-0000-0000-0000-000000000000") port.interfaceGuid = g;
      if (n.vmName) port.vmName = n.vmName;
      if (!p) port.packets += n.packets;
      for (const s of n.sources) add(port.sources, s);
    }
    port.sources.sort();
    return port;
  }

  /** Switches, ports, adapters and extensions from the pktmon component table. */
  private fromPktmon(): void {
    const all = this.comps.all();
    const role = new Map<number, string>();
    // Switches first (VmsExtMiniport), then their ports.
    for (const c of all) {
      if (c.type !== T.VmsExtMiniport) continue;
      const name = firstStr(c, "VMSwitchName");
      const ifIndex = firstNum(c, "IfIndex");
      const sw = name ? this.switchNamed(name) : ifIndex !== undefined ? this.switchByIf(ifIndex) : this.switchNamed("(unknown switch)");
      if (ifIndex !== undefined) sw.ifIndex ??= ifIndex;
      add(sw.components, c.id);
      add(sw.sources, "pktmon 20/73");
      sw.packets += this.col.componentPackets.get(c.id) ?? 0;
      role.set(c.id, "switch");
    }
    for (const c of all) {
      if (!PORT_TYPES.has(c.type)) continue;
      const name = firstStr(c, "VMSwitchName");
      const ext = firstNum(c, "VmsExtIfIndex");
      const sw = name ? this.switchNamed(name) : ext !== undefined ? this.switchByIf(ext) : this.switchNamed("(unknown switch)");
      if (sw.ifIndex === undefined && ext !== undefined) sw.ifIndex = ext;
      add(sw.components, c.id);
      add(sw.sources, "pktmon 20/73");
      role.set(c.id, "port");
      const mac = normalizeMac(firstStr(c, "PhysAddress"));
      const desc = c.description && c.description !== "NULL" ? c.description : undefined;
      // The same port named by VmSwitch events (a capture with both): same MAC. Two pktmon ports may share a MAC
      // (a transparent switch's host vNIC takes the uplink's), so never merge component with component.
      let port = mac ? sw.ports.find((p) => p.mac === mac && p.component === undefined) : undefined;
      if (!port && desc) {
        const same = sw.ports.filter((p) => p.nicFriendlyName === desc && p.component === undefined);
        if (same.length === 1) port = same[0];
      }
      if (!port) {
        port = { ips: [], kind: "unknown", kindFrom: "", packets: 0, sources: [] };
        sw.ports.push(port);
      }
      port.component = c.id;
      if (desc) port.nicFriendlyName ??= desc;
      if (mac && !port.mac) {
        port.mac = mac;
        port.macFrom = "pktmon";
      }
      const ifIndex = c.type === T.VmsProtocolNic ? firstNum(c, "LowerIfIndex") ?? firstNum(c, "IfIndex") : firstNum(c, "IfIndex");
      if (ifIndex !== undefined) port.ifIndex ??= ifIndex;
      port.packets += this.col.componentPackets.get(c.id) ?? 0;
      add(port.sources, `pktmon ${c.typeName}`);
      if (c.type === T.VmsMiniport) this.hostSide.add(port);
      pktmonType.set(port, c.type);
    }
    // Host adapters, by interface index.
    for (const c of all) {
      if (!ADAPTER_TYPES.has(c.type)) continue;
      const ifIndex = firstNum(c, "IfIndex");
      if (ifIndex === undefined) continue;
      let n = this.byIfIndex.get(ifIndex);
      if (!n) {
        n = { name: c.description || c.name || `ifIndex ${ifIndex}`, ifIndex, kind: "unknown", kindFrom: "", ips: [], components: [], packets: 0, sources: [] };
        this.nics.push(n);
        this.byIfIndex.set(ifIndex, n);
      }
      if (c.type === T.Miniport) {
        if (c.description) n.name = c.description;
        if (c.name) n.driver = c.name;
      } else n.driver ??= c.name || undefined;
      const mac = normalizeMac(firstStr(c, "PhysAddress"));
      if (mac && !n.mac) {
        n.mac = mac;
        n.macFrom = "pktmon";
      }
      const g = normGuid(firstStr(c, "IfGuid"));
      if (g) n.interfaceGuid ??= g;
      const medium = firstStr(c, "NdisMedium");
      if (medium !== undefined) n.medium ??= medium === "0" ? "Ethernet" : medium === "16" ? "WiFi" : medium;
      add(n.components, c.id);
      n.packets += this.col.componentPackets.get(c.id) ?? 0;
      add(n.sources, `pktmon ${c.typeName}`);
      role.set(c.id, "nic");
    }
    // NetVsc over an SR-IOV virtual function (Azure accelerated networking): LowestIfIndex is the VF.
    for (const c of all) {
      const lowest = firstNum(c, "LowestIfIndex");
      const own = firstNum(c, "IfIndex");
      if (c.type !== T.NetVscMiniport || lowest === undefined || own === undefined || lowest === own) continue;
      const vf = this.byIfIndex.get(lowest);
      if (vf) vf.vfOf = own;
    }
    // The switch's own adapter, extensions (filters on the switch's interface, chained by LowerIfIndex) and protocols.
    for (const sw of this.switches) {
      if (sw.ifIndex === undefined) continue;
      const ifs = new Set([sw.ifIndex]);
      for (let changed = true; changed; ) {
        changed = false;
        for (const c of all) {
          if (role.has(c.id)) continue;
          const mp = firstNum(c, "MiniportIfIndex");
          const lower = firstNum(c, "LowerIfIndex");
          const own = firstNum(c, "IfIndex");
          const onSwitch = (mp !== undefined && ifs.has(mp)) || (mp === undefined && lower !== undefined && ifs.has(lower));
          if (!onSwitch || (c.type !== T.Filter && c.type !== T.Protocol)) continue;
          role.set(c.id, c.type === T.Filter ? "extension" : "protocol");
          add(sw.components, c.id);
          if (c.type === T.Filter) add(sw.extensions, c.description || c.name);
          if (own !== undefined && c.type === T.Filter) ifs.add(own);
          changed = true;
        }
      }
      const adapter = this.byIfIndex.get(sw.ifIndex);
      if (adapter && /vmswitch/i.test(adapter.driver ?? "")) {
        adapter.kind = "switch-adapter";
        adapter.kindFrom = `interface of switch ${sw.name}`;
        for (const id of adapter.components) role.set(id, "switch-adapter");
        add(sw.components, adapter.components[0]);
      }
    }
    // Filters and protocols on adapters; TCP/IP interfaces give compartments and addresses.
    for (const c of all) {
      if (role.has(c.id)) continue;
      const mp = firstNum(c, "MiniportIfIndex");
      const ipIf = firstNum(c, "IpIfIndex");
      const ip = firstStr(c, "IP Address");
      const comp = firstNum(c, "Compartment ID");
      if (ipIf !== undefined) {
        const n = this.byIfIndex.get(ipIf);
        if (n) {
          if (comp !== undefined) n.compartment ??= comp;
          if (ip && ip !== "127.0.0.1" && ip !== "::1") add(n.ips, ip);
          add(n.components, c.id);
        }
        role.set(c.id, ip ? "ip" : "protocol");
        continue;
      }
      if (mp !== undefined && (c.type === T.Filter || c.type === T.Protocol)) {
        const n = this.byIfIndex.get(mp);
        if (n) add(n.components, c.id);
        role.set(c.id, c.type === T.Filter ? "filter" : "protocol");
        continue;
      }
      role.set(c.id, c.type === T.Filter ? "filter" : c.type === T.Protocol ? "protocol" : "other");
    }
    for (const c of all) {
      this.components.push({
        id: c.id, type: c.type, typeName: c.typeName, name: c.name, description: c.description, props: c.props,
        role: role.get(c.id) ?? "other", packets: this.col.componentPackets.get(c.id) ?? 0,
      });
    }
  }

  /** Adapters known by interface index only: NDIS 1014/1001, VmSwitch 116/117. */
  private fromInterfaces(): void {
    const ensure = (ifIndex: number, name: string, source: string): TopoNic => {
      let n = this.byIfIndex.get(ifIndex);
      if (!n) {
        n = { name, ifIndex, kind: "unknown", kindFrom: "", ips: [], components: [], packets: 0, sources: [] };
        this.nics.push(n);
        this.byIfIndex.set(ifIndex, n);
      }
      add(n.sources, source);
      return n;
    };
    // An adapter bound to a switch as its uplink sends and receives everyone's frames: its MAC is not in them.
    const uplinks = new Set<number>();
    for (const sw of this.switches) {
      for (const p of sw.ports) if (p.ifIndex !== undefined && isUplink(p)) uplinks.add(p.ifIndex);
    }
    for (const [ifIndex, s] of this.col.ifaces) {
      const n = ensure(ifIndex, `ifIndex ${ifIndex}`, s.packets ? "NDIS 1001" : "NDIS 1014");
      if (s.packets && !n.sources.includes("NDIS 1001")) add(n.sources, "NDIS 1001");
      n.packets += s.packets;
      if (s.mediaType !== undefined) n.medium ??= s.mediaType === 0 ? "Ethernet" : s.mediaType === 16 ? "WiFi" : String(s.mediaType);
      if (!n.mac && !uplinks.has(ifIndex)) {
        const m = dominant(s.outSrc) ?? dominant(s.inDst);
        if (m !== undefined) {
          n.mac = macNumText(m);
          n.macFrom = "packets";
        }
      }
    }
    for (const sw of this.switches) {
      for (const p of sw.ports) {
        if (p.ifIndex === undefined || !p.sources.some((s) => s === "VmSwitch 116" || s === "VmSwitch 117")) continue;
        const n = ensure(p.ifIndex, isUplink(p) ? p.nicFriendlyName ?? `ifIndex ${p.ifIndex}` : `ifIndex ${p.ifIndex}`, "VmSwitch 116");
        if (isUplink(p) && n.name === `ifIndex ${p.ifIndex}` && p.nicFriendlyName) n.name = p.nicFriendlyName;
        if (p.interfaceGuid) n.interfaceGuid ??= p.interfaceGuid;
      }
    }
  }

  /** Adapter ↔ switch port: by interface index, then by MAC (host vNICs); VM NICs mirroring a host MAC. */
  private linkAdapters(): void {
    this.switches.forEach((sw) => {
      sw.ports.forEach((p, index) => {
        let n = p.ifIndex !== undefined ? this.byIfIndex.get(p.ifIndex) : undefined;
        const vmNic = pktmonType.get(p) === T.VmsVmNic;
        if (!n && p.mac && !vmNic && p.ifIndex === undefined) n = this.nics.find((x) => x.mac === p.mac && x.kind !== "switch-adapter" && !x.port);
        if (n && !n.port && !vmNic) {
          n.port = { switch: sw.name, index };
          if (n.name !== `ifIndex ${n.ifIndex}` && n.name !== p.nicFriendlyName) p.adapter = n.name;
          if (n.compartment !== undefined) p.compartment ??= n.compartment;
          for (const ip of n.ips) add(p.ips, ip);
          if (n.interfaceGuid) p.interfaceGuid ??= n.interfaceGuid;
          if (!p.mac && n.mac && !(isUplink(p) && n.macFrom === "packets")) {
            p.mac = n.mac;
            p.macFrom = n.macFrom ?? "pktmon";
          } else if (p.mac && !n.mac) {
            n.mac = p.mac;
            n.macFrom = p.macFrom ?? "pktmon";
          }
        } else if (vmNic && p.mac) {
          const host = this.nics.find((x) => x.mac === p.mac);
          if (host) p.mirrors = host.name;
        }
      });
    });
  }

  private classifyPort(p: TopoPort): void {
    const set = (k: PortKind, why: string): void => {
      p.kind = k;
      p.kindFrom = why;
    };
    const ptype = pktmonType.get(p);
    const adapter = p.adapter ?? "";
    const f = p.nicFriendlyName ?? "";
    if (ptype === T.VmsProtocolNic) return set("external", "pktmon VmsProtocolNic (the switch bound to a physical NIC)");
    if (ptype === T.VmsMiniport) {
      if (/container adapter/i.test(adapter) || (p.compartment !== undefined && p.compartment !== 1)) {
        return set("container-vnic", `pktmon VmsMiniport whose adapter${adapter ? ` "${adapter}"` : ""} is in compartment ${p.compartment ?? "?"}`);
      }
      return set("host-vnic", "pktmon VmsMiniport (a host vNIC)");
    }
    if (p.nicType === "External" || p.portFriendlyName === "ExternalPort") return set("external", p.nicType === "External" ? "NIC type External" : 'port "ExternalPort"');
    if (p.nicType === "Internal" || /^Container NIC [0-9a-f]{8}$/i.test(p.portFriendlyName ?? "")) {
      this.hostSide.add(p);
      return set("host-vnic", p.nicType === "Internal" ? "NIC type Internal" : `port "${p.portFriendlyName}" (a host vNIC's port)`);
    }
    if (HEX_ID.test(f)) return set("container-vnic", "NIC friendly name is a container id prefix");
    if (ptype === T.VmsVmNic) return set("vm", `pktmon VmsVmNic${GUID_LIKE.test(f) ? " named by a VM GUID" : ""}`);
    if (p.nic?.includes("--")) return set("vm", "NIC name <VM GUID>--<NIC GUID>");
    if (p.nicType === "Synthetic" || p.nicType === "Emulated") return set("vm", `NIC type ${p.nicType}`);
    set("unknown", "no type in the trace");
  }

  /** Ports without a MAC: the source MAC of the frames entering the switch there (not for external ports). */
  private inferPortMacs(): void {
    for (const sw of this.switches) {
      for (const p of sw.ports) {
        if (p.mac || p.kind === "external") continue;
        const counts = portMacs.get(p);
        const m = counts ? dominant(counts) : undefined;
        if (m === undefined) continue;
        p.mac = macNumText(m);
        p.macFrom = "packets";
        const n = p.ifIndex !== undefined ? this.byIfIndex.get(p.ifIndex) : undefined;
        if (n && !n.mac) {
          n.mac = p.mac;
          n.macFrom = "packets";
        }
      }
    }
  }

  private classifyNic(n: TopoNic): void {
    if (n.kind === "switch-adapter") return;
    const set = (k: NicKind, why: string): void => {
      n.kind = k;
      n.kindFrom = why;
    };
    const d = `${n.driver ?? ""} ${n.name}`;
    const port = n.port ? this.switches.find((s) => s.name === n.port!.switch)?.ports[n.port.index] : undefined;
    if (port?.kind === "host-vnic") return set("host-vnic", `port of switch ${n.port!.switch}`);
    if (port?.kind === "container-vnic") return set("container-vnic", `port of switch ${n.port!.switch} in compartment ${n.compartment ?? "?"}`);
    if (port?.kind === "external") return set("physical", `bound to switch ${n.port!.switch}`);
    if (/VmsProxyHNic|Hyper-V Virtual Ethernet/i.test(d)) {
      if (/container adapter/i.test(d) || (n.compartment !== undefined && n.compartment !== 1)) return set("container-vnic", "Hyper-V container adapter");
      return set("host-vnic", "Hyper-V virtual Ethernet adapter");
    }
    if (/vmswitch\.sys|Virtual Switch Extension Adapter/i.test(d)) return set("switch-adapter", "vSwitch extension adapter");
    if (/ndiswan|ras[a-z0-9]*\.sys|AgileVpn|WAN Miniport/i.test(d)) return set("wan", "WAN miniport");
    if (/vwifimp|Wi-Fi Direct Virtual|VBoxNet|VMnet|bthpan|Bluetooth|Virtual Adapter|Loopback|TAP-|Wintun|WireGuard/i.test(d)) return set("virtual", "virtual adapter");
    if (n.vfOf !== undefined) return set("physical", `SR-IOV virtual function of ifIndex ${n.vfOf}`);
    if (n.driver || n.mac) return set("physical", n.driver ? `driver ${n.driver}` : "has a MAC");
    set("unknown", "interface index only");
  }

  private inferSwitchType(sw: TopoSwitch): void {
    if (sw.ports.some((p) => p.kind === "external")) sw.type = "External";
    else if (sw.ports.some((p) => p.kind === "host-vnic" || this.hostSide.has(p))) sw.type = "Internal";
    else if (sw.ports.length > 0) sw.type = "Private";
    if (sw.type) sw.typeFrom = "inferred";
  }
}

/** The port binding a switch to a physical NIC. */
function isUplink(p: TopoPort): boolean {
  return pktmonType.get(p) === T.VmsProtocolNic || p.nicType === "External" || p.portFriendlyName === "ExternalPort";
}

/** Per-port ingress source MAC counts and pktmon component types (kept beside the plain output records). */
const portMacs = new WeakMap<TopoPort, Map<number, number>>();
const pktmonType = new WeakMap<TopoPort, number>();

/** The key with most counts when it has at least half of them, or undefined. */
function dominant(m: Map<number, number>): number | undefined {
  let best: number | undefined;
  let bc = 0;
  let total = 0;
  for (const [k, c] of m) {
    total += c;
    if (c > bc || (c === bc && best !== undefined && k < best)) {
      best = k;
      bc = c;
    }
  }
  return best !== undefined && bc * 2 >= total ? best : undefined;
}

/** MAC/IP pairs seen in packets → addresses, and each port's/adapter's IPs. */
function addresses(macs: Map<number, MacState>, switches: TopoSwitch[], nics: TopoNic[], notes: string[]): SeenAddress[] {
  const ipText = (ip: number | string): string => (typeof ip === "number" ? ipv4Num(ip) : ip);
  // Which MACs sent from each IP (not ARP), and who ARPs for it.
  const srcMacs = new Map<number | string, number>();
  const arpOwner = new Map<number | string, number>();
  for (const [mac, s] of macs) {
    for (const [ip, [arp, src]] of s.ips) {
      if (src) srcMacs.set(ip, (srcMacs.get(ip) ?? 0) + 1);
      if (arp && !arpOwner.has(ip)) arpOwner.set(ip, mac);
    }
  }
  const out: SeenAddress[] = [];
  for (const [mac, s] of macs) {
    const owned: string[] = [];
    const other: string[] = [];
    const cand4: string[] = [];
    const cand6: string[] = [];
    for (const [ip, [arp, src]] of s.ips) {
      const t = ipText(ip);
      if (arp && arpOwner.get(ip) === mac) owned.push(t);
      else if (src && !arpOwner.has(ip) && srcMacs.get(ip) === 1) (typeof ip === "number" ? cand4 : cand6).push(t);
      else if (src) other.push(t);
    }
    // A MAC that sends from many addresses is a router: only ARP says what it owns.
    if (cand4.length <= 1) owned.push(...cand4);
    else other.push(...cand4);
    if (cand6.length <= 2) owned.push(...cand6);
    else other.push(...cand6);
    out.push({ mac: macNumText(mac), ips: owned, otherIps: other, packets: s.packets, arp: [...s.ips.values()].some(([a]) => a > 0) });
  }
  // Attach to ports and adapters by MAC.
  const byMac = new Map(out.map((a) => [a.mac, a]));
  for (const sw of switches) {
    sw.ports.forEach((p, i) => {
      const a = p.mac ? byMac.get(p.mac) : undefined;
      if (!a) return;
      for (const ip of a.ips) add(p.ips, ip);
      a.on ??= `port ${p.portId ?? i} on ${sw.name}`;
    });
  }
  for (const n of nics) {
    const a = n.mac ? byMac.get(n.mac) : undefined;
    if (!a) continue;
    for (const ip of a.ips) add(n.ips, ip);
    a.on ??= n.ifIndex !== undefined ? `adapter ifIndex ${n.ifIndex}` : `adapter ${n.name}`;
    if (n.port) {
      const p = switches.find((s) => s.name === n.port!.switch)?.ports[n.port.index];
      if (p) for (const ip of a.ips) add(p.ips, ip);
    }
  }
  out.sort((a, b) => Number(!!b.on) - Number(!!a.on) || b.packets - a.packets || (a.mac < b.mac ? -1 : 1));
  if (out.length > MAX_ADDRESSES) {
    notes.push(`${out.length} MACs seen in packets; the ${MAX_ADDRESSES} most active are listed`);
    out.length = MAX_ADDRESSES;
  }
  return out;
}

/** Builds the trace-only topology from a finished collector and the pktmon component table. */
export function buildTopology(col: TopologyCollector, comps: PktmonComponents, file?: string): Topology {
  const b = new Builder(col, comps);
  b.run();
  const notes = [...col.notes, ...b.notes];
  const addrs = addresses(col.macs, b.switches, b.nics, notes);
  // Deterministic order: switches by name, ports by port id then names, adapters by interface index.
  const portOrder = (p: TopoPort): string => `${String(p.portId ?? 1e6).padStart(8, "0")}|${p.component ?? ""}|${p.portFriendlyName ?? ""}|${p.nicFriendlyName ?? ""}|${p.nic ?? ""}|${p.mac ?? ""}`;
  const switches = b.switches.filter((s) => s.ports.length > 0 || s.components.length > 0 || s.id || s.friendlyName);
  switches.sort((x, y) => (lc(x.name) < lc(y.name) ? -1 : lc(x.name) > lc(y.name) ? 1 : 0));
  // Sorting ports moves indexes: remap adapter links.
  for (const s of switches) {
    const before = [...s.ports];
    s.ports.sort((x, y) => (portOrder(x) < portOrder(y) ? -1 : portOrder(x) > portOrder(y) ? 1 : 0));
    for (const n of b.nics) if (n.port && n.port.switch === s.name) n.port.index = s.ports.indexOf(before[n.port.index]);
  }
  const nics = b.nics.sort((x, y) => (x.ifIndex ?? 1e9) - (y.ifIndex ?? 1e9) || (x.name < y.name ? -1 : 1));
  if (switches.length === 0) {
    notes.push(
      comps.size > 0
        ? "no Hyper-V vSwitch in this capture (no VmsExtMiniport/VmsVmNic pktmon components, no VmSwitch events): adapters only"
        : "no Hyper-V vSwitch events in this capture (no VmSwitch control events, no NDIS 1003 fragments)",
    );
  }
  const t: Topology = {
    flavour: { vmswitch: col.stats.vmswitchEvents > 0 || col.switchIfPackets.size > 0, ndis: col.stats.ndisEvents > 0, pktmon: comps.size > 0 || col.stats.pktmonPackets > 0 },
    stats: { records: col.stats.records + col.stats.packets, packets: col.stats.packets, vmswitchEvents: col.stats.vmswitchEvents, pktmonComponents: comps.size },
    switches, nics, components: b.components, addresses: addrs,
    networks: [], containers: [], hostVnics: [], externalNics: [], names: [], notes,
  };
  if (file !== undefined) t.file = file;
  return t;
}

/** Name keys used across the topology stage. */
export { macKey, nameKey };
