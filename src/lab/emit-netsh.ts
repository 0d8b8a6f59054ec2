/**
 * The NetEventSession / `netsh trace` flavour: what `New-NetEventSession` + `Add-NetEventPacketCaptureProvider
 * -CaptureType BothPhysicalAndSwitch` (merged by the relogger) writes on a container host:
 *   - at capture start, name-bearing control events: NDIS-PacketCapture 1014 (attached to each miniport),
 *     VmSwitch 9 (switch), 67 (port created), 232 (NIC connected to port), 116 (NIC with IfIndex added);
 *   - per vSwitch traversal, VmSwitch 56 received / NDIS 1003 fragment / 57 routed / 1003 / 58 delivered, all
 *     carrying the NBL address; drops as VmSwitch 54 (on the ingress NIC) or 55 (on the egress NIC) with DropReason;
 *   - NDIS 1001 PacketStart+PacketEnd fragments on host NICs (physical and host vNICs) with Send/Receive keywords;
 *   - WinNat 1001 (session created) when WinNAT creates a session.
 * Every event's TRACE_EVENT_INFO is embedded on first use, as relogged files carry it.
 * Scenario `capture:` options: `providers` leaves out VmSwitch and/or WinNat events (NDIS-PacketCapture always
 * stays); `snaplen` (-TruncationLength) cuts 1001/1003 Fragments and sets the PacketTruncated keyword.
 */
import type { EtlSink } from "../etl/mod.js";
import { EtlWriter } from "../etl/mod.js";
import { encodePayload } from "../events/mod.js";
import type { FieldValue, ProviderSchema } from "../events/mod.js";
import type { CaptureProvider, Scenario, VSwitch } from "./scenario.js";
import type { Hop, Journey, PortEnd } from "./model/journey.js";
import { flowHash, parseIpv4 } from "./frames.js";
import { MetadataWriter, NDISCAP, NDIS_KW, snap, PayloadTemplate, Templates, VMSWITCH, VMS_KW, WINNAT, eventSchema, netshOffsets, provider, systemTid } from "./emit.js";
import type { World } from "./model/world.js";

export interface FlavorOptions {
  readonly compress: boolean;
}

const OOB_SLOTS = 9;

export class NetshEmitter {
  readonly w: EtlWriter;
  private readonly meta: MetadataWriter;
  private readonly vms: ProviderSchema = provider(VMSWITCH);
  private readonly ndis: ProviderSchema = provider(NDISCAP);
  private readonly winnat: ProviderSchema = provider(WINNAT);
  private readonly tpl = new Templates();
  /** Ids of the control events written at capture start. */
  readonly control: number[] = [];
  /** Providers enabled in the session (`capture.providers`) and the truncation length (`capture.snaplen`). */
  private readonly providers: ReadonlySet<CaptureProvider>;
  private readonly snaplen: number | null;

  constructor(private readonly scn: Scenario, private readonly world: World, sink: EtlSink, o: FlavorOptions) {
    this.w = new EtlWriter(sink, {
      startTime: scn.startTime, osBuild: scn.host.osBuild, cpus: scn.host.cpus, bufferSize: 512 * 1024, compress: o.compress, relogged: true,
      loggerName: "Relogger", logFileName: "C:\\server.etl", timeZoneBias: scn.host.timeZone.bias, timeZoneName: scn.host.timeZone.name,
      cpuSpeedMHz: 2594, eventsLost: scn.capture.lostEvents?.events ?? 0, buffersLost: scn.capture.lostEvents?.buffers ?? 0,
    });
    this.providers = scn.capture.providers;
    this.snaplen = scn.capture.snaplen;
    this.meta = new MetadataWriter(this.w, scn.host.osBuild);
  }

  private put(p: ProviderSchema, id: number, version: number, at: { cpu: number; ticks: number; pid?: number; tid?: number }, keyword: bigint, payload: Uint8Array, level?: number): void {
    const s = eventSchema(p, id, version);
    const pid = at.pid ?? 4;
    const tid = at.tid ?? systemTid(at.cpu);
    this.meta.ensure(p, s, { cpu: at.cpu, ticks: at.ticks, pid, tid }, keyword);
    this.w.writeEvent({ cpu: at.cpu, ticks: at.ticks, provider: p.guid, id, version, level: level ?? (s.level === "Warning" ? 3 : s.level === "Verbose" ? 5 : 4), keyword, pid, tid, payload });
    if (this.starting) this.control.push(id);
  }

  private starting = false;

  private encode(p: ProviderSchema, id: number, values: Record<string, FieldValue>, version = 0): Uint8Array {
    return encodePayload(eventSchema(p, id, version), values);
  }

  /** Control events naming every NIC, port and switch (capture start). */
  start(): void {
    this.starting = true;
    let t = 1_000;
    const at = (): { cpu: number; ticks: number; tid: number } => ({ cpu: 0, ticks: (t += 37), tid: 0x2c4 });
    const ifs = [...this.scn.host.nics.map((n) => n.ifIndex), ...this.scn.switches.flatMap((s) => (s.hostVnic ? [s.hostVnic.ifIndex] : []))];
    if (this.providers.has("ndis")) for (const i of ifs) this.put(this.ndis, 1014, 0, at(), 0x8000000000n, this.encode(this.ndis, 1014, { MiniportIfIndex: i, LowerIfIndex: i, MediaType: 0, ReferenceContext: 0x1000 + i }));
    for (const sw of this.providers.has("vmswitch") ? this.scn.switches : []) {
      const swv = { SwitchName: sw.name, SwitchFName: sw.friendlyName };
      this.put(this.vms, 9, 0, at(), VMS_KW.control, this.encode(this.vms, 9, { ...swv, Flags: 0, OwnerService: 0 }));
      for (const p of this.world.portsOf(sw)) {
        this.put(this.vms, 67, 0, at(), VMS_KW.control, this.encode(this.vms, 67, { PortName: p.portName, PortFName: p.portFriendlyName, ...swv, Flags: 0, OwnerService: 0 }));
        this.put(this.vms, 232, 0, at(), VMS_KW.control, this.encode(this.vms, 232, { NicName: p.nicName, NicFName: p.nicFriendlyName, PortName: p.portName, PortFName: p.portFriendlyName, ...swv }));
        const ifIndex = p.hostVnic ? p.hostVnic.ifIndex : p.adapter ? p.adapter.ifIndex : p.container ? p.container.ifIndex : 0;
        const guid = p.hostVnic ? p.hostVnic.guid : p.adapter ? p.adapter.guid : p.container ? this.scn.ids.guid("container-if", p.container.name) : "00000000-0000-0000-0000-000000000000";
        this.put(this.vms, 116, 0, at(), VMS_KW.control, this.encode(this.vms, 116, { ...swv, NicName: p.nicName, NicFName: p.nicFriendlyName, NicIndex: ifIndex, NetCfgInstanceId: guid, Status: 0 }));
      }
    }
    this.starting = false;
  }

  journey(j: Journey): void {
    for (const h of j.hops) this.hop(h);
  }

  private nicSwitchValues(prefix: string, p: PortEnd): Record<string, FieldValue> {
    return { [`${prefix}Name`]: p.nicName, [`${prefix}FName`]: p.nicFriendlyName };
  }

  private vmsNbl(id: 56 | 58, sw: VSwitch, p: PortEnd, nbl: bigint, at: { cpu: number; ticks: number }): void {
    const t = this.tpl.get(id, sw, p.nicName, () => new PayloadTemplate(eventSchema(this.vms, id), { ...this.nicSwitchValues("Nic", p), SwitchName: sw.name, SwitchFName: sw.friendlyName, BufferAddress: 0 }, null));
    this.put(this.vms, id, 0, at, VMS_KW.data, t.make({ BufferAddress: nbl }));
  }

  private fragment1003(h: Hop, egress: boolean, at: { cpu: number; ticks: number }): void {
    const sw = h.vswitch!;
    const src = h.src!;
    const t = this.tpl.get(egress ? 10031 : 1003, sw, src.portName, () => new PayloadTemplate(eventSchema(this.ndis, 1003), {
      MiniportIfIndex: sw.ifIndex, LowerIfIndex: sw.ifIndex, SourcePortId: src.portId, SourcePortName: src.portName, SourceNicName: src.nicName,
      SourceNicType: src.nicType, Destination: egress ? [0] : [], FragmentSize: 0, OOBData: new Uint8Array(OOB_SLOTS * 8),
    }, "Fragment"));
    const frame = snap(h.frame, this.snaplen);
    const payload = t.make({ FragmentSize: frame.length }, frame);
    const dv = new DataView(payload.buffer);
    const oob = payload.length - OOB_SLOTS * 8;
    if (h.vlan !== undefined) dv.setUint32(oob + 4 * 8, (h.vlan & 0xfff) << 4, true);
    dv.setUint32(oob + 8 * 8, (Math.imul(flowHash(h.frame), 0x9e3779b1) >>> 0), true);
    if (egress && h.dst) {
      // Destination record [inferred layout]: the destination port id in the low 32 bits of the 8-byte slot.
      const d = payload.length - OOB_SLOTS * 8 - 4 - frame.length - 4 - 8;
      dv.setUint32(d, h.dst.portId, true);
      dv.setUint32(d + 4, 0, true);
    }
    const kw = NDIS_KW.VMSwitch | NDIS_KW.PacketStart | NDIS_KW.PacketEnd | NDIS_KW.Ethernet | (egress ? NDIS_KW.Send : NDIS_KW.Receive) | (frame.length < h.frame.length ? NDIS_KW.PacketTruncated : 0n);
    this.put(this.ndis, 1003, 0, at, kw, payload);
  }

  private hop(h: Hop): void {
    const vms = this.providers.has("vmswitch");
    const ndis = this.providers.has("ndis");
    const base = { cpu: h.cpu, ticks: h.ticks };
    const off = netshOffsets(h);
    const at = (i: number): { cpu: number; ticks: number } => ({ cpu: h.cpu, ticks: h.ticks + off[i] });
    switch (h.kind) {
      case "switch-in":
        if (vms) this.vmsNbl(56, h.vswitch!, h.src!, h.nbl!, at(0));
        if (ndis) this.fragment1003(h, false, at(1));
        break;
      case "switch-out": {
        const sw = h.vswitch!;
        const t = this.tpl.get(sw, h.src!.nicName, h.dst!.nicName, () => new PayloadTemplate(eventSchema(this.vms, 57), {
          ...this.nicSwitchValues("SrcNic", h.src!), ...this.nicSwitchValues("DestNic", h.dst!), SwitchName: sw.name, SwitchFName: sw.friendlyName, BufferAddress: 0,
        }, null));
        if (vms) this.put(this.vms, 57, 0, at(0), VMS_KW.data, t.make({ BufferAddress: h.nbl! }));
        if (ndis) this.fragment1003(h, true, at(1));
        if (vms) this.vmsNbl(58, sw, h.dst!, h.nbl!, at(2));
        break;
      }
      case "nic-send":
      case "nic-recv": {
        if (!ndis) break;
        const i = h.nic!.ifIndex;
        const frame = snap(h.frame, this.snaplen);
        const t = this.tpl.get(1001, i, 0, () => new PayloadTemplate(eventSchema(this.ndis, 1001), { MiniportIfIndex: i, LowerIfIndex: i, FragmentSize: 0, GftFlowEntryId: 0, GftOffloadInformation: 0 }, "Fragment"));
        const kw = NDIS_KW.PacketStart | NDIS_KW.PacketEnd | NDIS_KW.Ethernet | (h.kind === "nic-send" ? NDIS_KW.Send : NDIS_KW.Receive) | (frame.length < h.frame.length ? NDIS_KW.PacketTruncated : 0n);
        this.put(this.ndis, 1001, 0, base, kw, t.make({ FragmentSize: frame.length }, frame));
        break;
      }
      case "winnat": {
        const n = h.nat;
        if (!n || !n.created || !this.providers.has("winnat")) break;
        this.put(this.winnat, 1001, 1, base, 0x1n, this.encode(this.winnat, 1001, {
          InternalAddrLen: 16, InternalSrcAddr: sockaddr(n.internalSrc), InternalDstAddr: sockaddr(n.internalDst), ExternalAddrLen: 16,
          ExternalSrcAddr: sockaddr(n.externalSrc), ExternalDstAddr: sockaddr(n.externalDst), TransportProtocol: n.proto,
          Lifetime: n.proto === 6 ? 240 : 60, TcpSessionState: 0, InternalCompartmentId: n.compartment,
        }, 1), 4);
        break;
      }
      case "drop": {
        const d = h.drop!;
        if (!(d.by === "vSwitch" || d.by === "VFP") || !h.vswitch || !vms) break;
        const p = d.side === "ingress" ? h.src! : h.dst!;
        const id = d.side === "ingress" ? 54 : 55;
        this.put(this.vms, id, 0, base, VMS_KW.drop, this.encode(this.vms, id, {
          ...this.nicSwitchValues("Nic", p), SwitchName: h.vswitch.name, SwitchFName: h.vswitch.friendlyName, DropReason: d.reason, Status: 0xc0000001,
        }), 3);
        break;
      }
      default:
        break;
    }
  }

  close(): void {
    this.w.close();
  }
}

/** "10.0.0.4:52029" → SOCKADDR_IN (family 2, port big-endian, address, 8 zero bytes). */
function sockaddr(s: string): Uint8Array {
  const i = s.lastIndexOf(":");
  const b = new Uint8Array(16);
  b[0] = 2;
  const port = Number(s.slice(i + 1));
  b[2] = port >> 8;
  b[3] = port & 0xff;
  b.set(parseIpv4(s.slice(0, i)), 4);
  return b;
}
