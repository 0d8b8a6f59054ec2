/**
 * The pktmon flavour: what `pktmon start --capture --comp all --pkt-size 0` writes (relogged, Xpress-compressed
 * 16 MiB buffers by default): one PktMon 160 per packet appearance (PktGroupId per packet, Appearance 1..N,
 * DirTag Rx/Tx on NICs, Ingress/Egress on vSwitch ports), 170 where a packet is dropped (DropReason), and at
 * the end the component table (20) with its properties (30 IfIndex/VmsExtIfIndex/LowerIfIndex, 60 NdisMedium,
 * 70 PhysAddress, 73 VMSwitchName) for the physical NICs (Miniport), each vSwitch (VmsExtMiniport), its VFP
 * extension (Filter), host vNICs (VmsMiniport), container vNICs (VmsVmNic) and external ports (VmsProtocolNic).
 * With `capture.snaplen` (--pkt-size N) the Payload is cut: LoggedPayloadSize N, OriginalPayloadSize the packet's.
 */
import type { EtlSink } from "../etl/mod.js";
import { EtlWriter } from "../etl/mod.js";
import { encodePayload } from "../events/mod.js";
import type { FieldValue, ProviderSchema } from "../events/mod.js";
import type { Scenario, VSwitch } from "./scenario.js";
import type { Hop, Journey, PortEnd } from "./model/journey.js";
import { MetadataWriter, PKTMON, PayloadTemplate, Templates, eventSchema, provider, snap, systemTid } from "./emit.js";
import type { World } from "./model/world.js";
import type { FlavorOptions } from "./emit-netsh.js";

export const DIR = { Rx: 3, Tx: 4, Ingress: 5, Egress: 6 } as const;
export const COMPONENT_TYPE = { Miniport: 2, Filter: 3, VmsVmNic: 5, VmsMiniport: 6, VmsExtMiniport: 7, VmsProtocolNic: 8 } as const;
const PROP = { IfIndex: 1, LowerIfIndex: 3, NdisMedium: 5, PhysAddress: 6, VMSwitchName: 10, VmsExtIfIndex: 11 } as const;

export interface Component {
  readonly id: number;
  readonly type: number;
  readonly name: string;
  readonly description: string;
  /** [event id, property type, value] */
  readonly props: readonly [number, number, FieldValue][];
}

/** The component table of a scenario, and which component a hop appears at. */
export class ComponentTable {
  readonly list: Component[] = [];
  private readonly byKey = new Map<string, Component>();

  constructor(scn: Scenario, world: World) {
    let id = 100;
    const add = (key: string, c: Omit<Component, "id">): void => {
      const comp = { id: id++, ...c };
      this.list.push(comp);
      this.byKey.set(key, comp);
    };
    for (const n of scn.host.nics) {
      add(`nic:${n.name}`, { type: COMPONENT_TYPE.Miniport, name: "netvsc.sys", description: n.description, props: [[30, PROP.IfIndex, n.ifIndex], [70, PROP.PhysAddress, n.mac], [60, PROP.NdisMedium, 0]] });
    }
    for (const sw of scn.switches) {
      const swProps = (): [number, number, FieldValue][] => [[30, PROP.VmsExtIfIndex, sw.ifIndex], [73, PROP.VMSwitchName, sw.friendlyName]];
      add(`switch:${sw.name}`, { type: COMPONENT_TYPE.VmsExtMiniport, name: "vmswitch.sys", description: "NULL", props: [[30, PROP.IfIndex, sw.ifIndex], [73, PROP.VMSwitchName, sw.friendlyName]] });
      add(`vfp:${sw.name}`, { type: COMPONENT_TYPE.Filter, name: "vfpext.sys", description: "VFP Extension", props: [[30, PROP.LowerIfIndex, sw.ifIndex], [30, PROP.IfIndex, sw.ifIndex + 100]] });
      for (const p of world.portsOf(sw)) {
        if (p.hostVnic) add(`port:${p.portName}`, { type: COMPONENT_TYPE.VmsMiniport, name: "vmswitch.sys", description: p.nicFriendlyName, props: [...swProps(), [70, PROP.PhysAddress, p.mac], [30, PROP.IfIndex, p.hostVnic.ifIndex]] });
        else if (p.adapter) add(`port:${p.portName}`, { type: COMPONENT_TYPE.VmsProtocolNic, name: "vmswitch.sys", description: p.adapter.description, props: [...swProps(), [70, PROP.PhysAddress, p.mac], [30, PROP.LowerIfIndex, p.adapter.ifIndex]] });
        else add(`port:${p.portName}`, { type: COMPONENT_TYPE.VmsVmNic, name: "vmswitch.sys", description: p.nicFriendlyName, props: [...swProps(), [70, PROP.PhysAddress, p.mac]] });
      }
    }
  }

  port(p: PortEnd): Component {
    return this.byKey.get(`port:${p.portName}`)!;
  }

  vfp(sw: VSwitch): Component {
    return this.byKey.get(`vfp:${sw.name}`)!;
  }

  /** The component and direction tag of a pktmon appearance for a hop (null when pktmon does not see it). */
  at(h: Hop): { comp: Component; dir: number } | null {
    switch (h.kind) {
      case "switch-in": return { comp: this.port(h.src!), dir: DIR.Ingress };
      case "switch-out": return { comp: this.port(h.dst!), dir: DIR.Egress };
      case "vfp": return { comp: this.vfp(h.vswitch!), dir: h.src?.kind === "external" ? DIR.Ingress : DIR.Egress };
      case "nic-send":
      case "nic-recv": return { comp: this.nic(h), dir: h.kind === "nic-send" ? DIR.Tx : DIR.Rx };
      case "drop": {
        const d = h.drop!;
        if (d.by === "VFP" && h.vswitch) return { comp: this.vfp(h.vswitch), dir: d.side === "ingress" ? DIR.Ingress : DIR.Egress };
        if (d.by === "vSwitch" && h.vswitch) return { comp: this.port(d.side === "ingress" ? h.src! : h.dst!), dir: d.side === "ingress" ? DIR.Ingress : DIR.Egress };
        if (d.by === "NIC" && h.nic) return { comp: this.nic(h), dir: d.side === "egress" ? DIR.Tx : DIR.Rx };
        return null;
      }
      default: return null;
    }
  }

  private nic(h: Hop): Component {
    const n = h.nic!;
    if (n.kind === "host-vnic") return this.byKey.get(`port:${n.vnic!.portName}`)!;
    return this.byKey.get(`nic:${n.name}`)!;
  }
}

export class PktmonEmitter {
  readonly w: EtlWriter;
  readonly components: ComponentTable;
  private readonly meta: MetadataWriter;
  private readonly pm: ProviderSchema = provider(PKTMON);
  private readonly tpl = new Templates();
  private lastTicks = 0;
  /** Ids of the component-table events written at capture end. */
  readonly control: number[] = [];

  constructor(private readonly scn: Scenario, world: World, sink: EtlSink, o: FlavorOptions) {
    this.w = new EtlWriter(sink, {
      startTime: scn.startTime, osBuild: scn.host.osBuild, cpus: scn.host.cpus, bufferSize: o.compress ? 16 * 1024 * 1024 : 1024 * 1024,
      compress: o.compress, relogged: true, loggerName: "Relogger", logFileName: "C:\\Windows\\system32\\PktMon.etl",
      timeZoneBias: scn.host.timeZone.bias, timeZoneName: scn.host.timeZone.name, cpuSpeedMHz: 2594,
      eventsLost: scn.capture.lostEvents?.events ?? 0, buffersLost: scn.capture.lostEvents?.buffers ?? 0,
    });
    this.meta = new MetadataWriter(this.w, scn.host.osBuild);
    this.components = new ComponentTable(scn, world);
  }

  start(): void {
    // pktmon writes its component table at the end of the capture (flag 0x002).
  }

  private put(id: number, at: { cpu: number; ticks: number }, payload: Uint8Array, keyword: bigint): void {
    const s = eventSchema(this.pm, id);
    const tid = systemTid(at.cpu);
    this.meta.ensure(this.pm, s, { cpu: at.cpu, ticks: at.ticks, pid: 4, tid }, keyword);
    this.w.writeEvent({ cpu: at.cpu, ticks: at.ticks, provider: PKTMON, id, version: 0, level: 4, keyword, pid: 4, tid, payload });
    if (at.ticks > this.lastTicks) this.lastTicks = at.ticks;
  }

  journey(j: Journey): void {
    let appearance = 0;
    for (const h of j.hops) {
      const a = this.components.at(h);
      if (!a) continue;
      const drop = h.kind === "drop";
      const id = drop ? 170 : 160;
      const logged = snap(h.frame, this.scn.capture.snaplen);
      const t = this.tpl.get(id, 0, 0, () => new PayloadTemplate(eventSchema(this.pm, id), {
        PktGroupId: 0, PktNumber: 1, AppearanceCount: 0, DirTag: 0, PacketType: 1, ComponentId: 0, EdgeId: 1, FilterId: 0,
        DropReason: 0, DropLocation: 0, OriginalPayloadSize: 0, LoggedPayloadSize: 0,
      }, "Payload"));
      const payload = t.make({
        PktGroupId: j.pktGroupId, AppearanceCount: ++appearance, DirTag: a.dir, ComponentId: a.comp.id,
        DropReason: drop ? h.drop!.reason : 0, DropLocation: drop ? dropLocation(h) : 0,
        OriginalPayloadSize: h.frame.length, LoggedPayloadSize: logged.length,
      }, logged);
      this.put(id, { cpu: h.cpu, ticks: h.ticks }, payload, 0x10n);
    }
  }

  /** The component table, after the last packet. */
  private rundown(): void {
    let t = this.lastTicks + 10_000;
    const at = (): { cpu: number; ticks: number } => ({ cpu: 0, ticks: (t += 3) });
    for (const c of [...this.components.list].reverse()) {
      this.put(20, at(), encodePayload(eventSchema(this.pm, 20), { Id: c.id, Type: c.type, Name: c.name, Description: c.description }), 0x2n);
      this.control.push(20);
      for (const [id, type, value] of c.props) {
        const v: Record<string, FieldValue> = { ComponentId: c.id, Type: type };
        if (id === 70) {
          v.Size = (value as Uint8Array).length;
          v.Value = value;
        } else v.Value = value;
        this.put(id, at(), encodePayload(eventSchema(this.pm, id), v), 0x2n);
        this.control.push(id);
      }
    }
  }

  close(): void {
    this.rundown();
    this.w.close();
  }
}

/** A drop location code: which layer dropped (pktmon's real values are internal; these are stable stand-ins). */
function dropLocation(h: Hop): number {
  const d = h.drop!;
  const base = d.by === "VFP" ? 0xe0004000 : d.by === "vSwitch" ? 0xe0003000 : 0xe0001000;
  return (base | (d.side === "egress" ? 0x100 : 0) | (d.reason & 0xff)) >>> 0;
}
