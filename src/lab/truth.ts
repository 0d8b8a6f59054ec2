/**
 * ground-truth.json: what the lab knows about every packet it wrote, for tests and for checking later features.
 *
 * Schema ("wnvtrace-lab-truth/1"):
 * {
 *   schema, scenario, description, generator,
 *   startTime: ISO 8601 (100 ns), osBuild, cpus,
 *   files: { netsh?: "<name>.netsh.etl", pktmon?: "<name>.pktmon.etl", host: ["host/…"] },
 *   scale: { repetitions, packetsPerRepetition, listed: "first repetition only" when repetitions > 1 },
 *   capture: { snaplen: bytes kept per packet | null, lostEvents: { events, buffers } | null (as the headers say),
 *              netshProviders: ["ndis", "vmswitch", "winnat"] (those enabled in the netsh flavour) },
 *   topology: {
 *     switches: [{ name (GUID as VmSwitch prints it), friendlyName, type, ifIndex, networks: [names],
 *                  ports: [{ kind, nic, nicFriendlyName, port, portFriendlyName, portId, mac, owner }] }],
 *     networks: [{ name, driver, hnsId, hnsName, dockerId, subnet, gateway, vni?, vlan? }],
 *     containers: [{ name, id, network, endpointId, ip, mac, compartment, nic, port }]  (running containers only),
 *     staleEndpoints: [{ name, network, endpointId, ip, mac, state: "Detached" }]  (fault staleEndpoint: no container, no port),
 *     pktmonComponents: [{ id, type, name, description }]
 *   },
 *   controlEvents: { netsh: [ids at capture start], pktmon: [ids at capture end] },
 *   packets: [{
 *     id, traffic (index), trafficId, packet (n-th of its traffic item), description, from, cpu,
 *     pktGroupId (decimal string),
 *     hops: [{ index, kind, ticks, time, cpu, frame (hex), length, switch?, from?, to?, nic?, nbl? ("0x…"),
 *              vlan?, rule?, note?, drop? { reason, reasonName, by, side }, nat? { created, internalSrc, … },
 *              events: { netsh: [ids], pktmon: [ids], netshProviders: [names], pktmonProviders: [names] },
 *              pktmon?: { component, componentName, direction, appearance } }],
 *     rewrites: [{ hop, by, field, from, to }],
 *     fate: { kind: delivered | dropped | lost, to? | reason?, reasonName?, by?, at? | note?, ticks, time }
 *   }],
 *   faults: [{ kind, line, expect: [finding codes], traffic?: id, packets: [packet ids] }]
 * }
 * Frames are the exact bytes the writers put in NDIS 1001/1003 Fragment and PktMon 160/170 Payload (cut to
 * capture.snaplen when set); `length` is the packet's original length.
 *
 * `faults` lists every problem planted in the scenario, one entry per fault (`faults:` item, `capture:` option, or
 * a condition of the world a diagnosis should name, e.g. kind "notListening" for a closed port), in scenario order:
 * kind (the YAML key: drop, mtu, acl, noEncap, noDnsAnswer, noArpReply, wrongVni, noPortForward, noHairpin,
 * staleEndpoint, asymmetric, notListening, snaplen, lostEvents, providers), line (scenario line), traffic (the
 * traffic id, when the fault is tied to one), packets (ids of the packets it bit, first repetition), and expect:
 * the finding codes `wnvtrace diagnose` should raise for it, from drop, dns-unanswered, dns-error, arp-no-reply,
 * tcp-no-synack, tcp-reset, icmp-unreachable, icmp-frag-needed, mtu-exceeded, vxlan-overhead, overlay-no-encap,
 * overlay-wrong-vni, nat-inbound-not-forwarded, nat-hairpin, asymmetric-path, stale-endpoint,
 * capture-lost-events, capture-truncated, capture-damaged, capture-missing-provider. tcp-no-synack is added to
 * any fault that kept a TCP SYN from being answered.
 */
import { filetimeToIso } from "../bytes/time.js";
import { toHex } from "../bytes/hex.js";
import type { Fault, Scenario } from "./scenario.js";
import { CAPTURE_PROVIDERS, DROP_REASONS } from "./scenario.js";
import { IpProto, TcpFlag, macText, peek } from "./frames.js";
import type { Hop, Journey, PortEnd } from "./model/journey.js";
import type { World } from "./model/world.js";
import { NDISCAP, PKTMON, VMSWITCH, WINNAT, netshEvents, netshProviders, pktmonEvents, snap } from "./emit.js";
import type { ComponentTable } from "./emit-pktmon.js";

export const TRUTH_SCHEMA = "wnvtrace-lab-truth/1";

const DIRS: Record<number, string> = { 3: "Rx", 4: "Tx", 5: "Ingress", 6: "Egress" };

const PROVIDER_NAMES: Record<string, string> = {
  [VMSWITCH]: "Microsoft-Windows-Hyper-V-VmSwitch", [NDISCAP]: "Microsoft-Windows-NDIS-PacketCapture",
  [WINNAT]: "Microsoft-Windows-WinNat", [PKTMON]: "Microsoft-Windows-PktMon",
};

function providerName(guid: string): string {
  return PROVIDER_NAMES[guid] ?? guid;
}

function port(p: PortEnd): Record<string, unknown> {
  return {
    kind: p.kind, nic: p.nicName, nicFriendlyName: p.nicFriendlyName, port: p.portName, portFriendlyName: p.portFriendlyName, portId: p.portId,
    mac: macText(p.mac), owner: p.container ? p.container.name : p.hostVnic ? p.hostVnic.alias : p.adapter ? p.adapter.name : "",
  };
}

/** The finding codes `wnvtrace diagnose` reports (ground-truth `faults[].expect`). */
export const FINDING_CODES = [
  "drop", "dns-unanswered", "dns-error", "arp-no-reply", "tcp-no-synack", "tcp-reset", "icmp-unreachable", "icmp-frag-needed", "mtu-exceeded",
  "vxlan-overhead", "overlay-no-encap", "overlay-wrong-vni", "nat-inbound-not-forwarded", "nat-hairpin", "asymmetric-path", "stale-endpoint",
  "capture-lost-events", "capture-truncated", "capture-damaged", "capture-missing-provider",
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/** What a packet tells the fault list: a bare TCP SYN (unanswered when a fault bit it), VXLAN where it was dropped. */
interface PacketFacts {
  readonly syn: boolean;
  readonly vxlanDrop: boolean;
  readonly switched: boolean;
  readonly truncated: boolean;
}

/** Finding codes for a fault, given the packets it bit. */
function expectFor(f: Fault, hit: readonly PacketFacts[]): FindingCode[] {
  const base: Record<Fault["kind"], FindingCode[]> = {
    drop: ["drop"], mtu: ["mtu-exceeded", "drop"], acl: ["drop"], noEncap: ["overlay-no-encap"], noDnsAnswer: ["dns-unanswered"],
    noArpReply: ["arp-no-reply"], wrongVni: ["overlay-wrong-vni"], noPortForward: ["nat-inbound-not-forwarded"], noHairpin: ["nat-hairpin"],
    staleEndpoint: ["stale-endpoint", "drop"], asymmetric: ["asymmetric-path"],
  };
  const out = [...base[f.kind]];
  if (f.kind === "mtu" && hit.some((p) => p.vxlanDrop)) out.push("vxlan-overhead");
  if (hit.some((p) => p.syn)) out.push("tcp-no-synack");
  return out;
}

export class TruthBuilder {
  private readonly packets: unknown[] = [];
  private readonly facts = new Map<number, PacketFacts>();
  packetsPerRepetition = 0;

  constructor(private readonly scn: Scenario, private readonly world: World, private readonly components: ComponentTable | null) {}

  private time(ticks: number): string {
    return filetimeToIso(this.scn.startTime + BigInt(Math.round(ticks)));
  }

  add(j: Journey): void {
    let appearance = 0;
    const snaplen = this.scn.capture.snaplen;
    const providers = this.scn.capture.providers;
    const first = j.hops.length ? peek(j.hops[0].frame) : null;
    const drop = j.hops.find((h) => h.kind === "drop");
    this.facts.set(j.id, {
      syn: first !== null && first.proto === IpProto.TCP && (first.tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN,
      vxlanDrop: drop !== undefined && peek(drop.frame).vxlan !== undefined,
      switched: j.hops.some((h) => h.kind === "switch-in" || h.kind === "switch-out"),
      truncated: snaplen !== null && capturedHops(j.hops, "netsh").concat(capturedHops(j.hops, "pktmon")).some((h) => h.frame.length > snaplen),
    });
    this.packets.push({
      id: j.id, traffic: j.traffic, trafficId: j.trafficId, packet: j.packet, description: j.description, from: j.from, cpu: j.cpu,
      pktGroupId: j.pktGroupId.toString(),
      hops: j.hops.map((h, index) => {
        const pm = this.components?.at(h) ?? null;
        const pe = pktmonEvents(h);
        return {
          index, kind: h.kind, ticks: h.ticks, time: this.time(h.ticks), cpu: h.cpu, length: h.frame.length, frame: toHex(snap(h.frame, snaplen)),
          ...(h.vswitch ? { switch: { name: h.vswitch.name, friendlyName: h.vswitch.friendlyName } } : {}),
          ...(h.src ? { from: port(h.src) } : {}), ...(h.dst ? { to: port(h.dst) } : {}),
          ...(h.nic ? { nic: { name: h.nic.name, kind: h.nic.kind, ifIndex: h.nic.ifIndex, mac: macText(h.nic.mac) } } : {}),
          ...(h.nbl !== undefined ? { nbl: "0x" + h.nbl.toString(16) } : {}),
          ...(h.vlan !== undefined ? { vlan: h.vlan } : {}), ...(h.rule ? { rule: h.rule } : {}), ...(h.note ? { note: h.note } : {}),
          ...(h.drop ? { drop: { reason: h.drop.reason, reasonName: DROP_REASONS[h.drop.reason] ?? String(h.drop.reason), by: h.drop.by, side: h.drop.side } } : {}),
          ...(h.nat ? { nat: h.nat } : {}),
          events: { netsh: netshEvents(h, providers), pktmon: pe, netshProviders: netshProviders(h, providers).map(providerName), pktmonProviders: pe.map(() => providerName(PKTMON)) },
          ...(pm && pe.length ? { pktmon: { component: pm.comp.id, componentName: pm.comp.description, direction: DIRS[pm.dir], appearance: ++appearance } } : {}),
        };
      }),
      rewrites: j.rewrites,
      fate: { ...j.fate, time: this.time(j.fate.ticks) },
    });
  }

  /** The planted problems and what they bit (see the schema above). */
  faults(): unknown[] {
    const s = this.scn;
    const facts = (ids: readonly number[]): PacketFacts[] => ids.map((id) => this.facts.get(id)).filter((x): x is PacketFacts => x !== undefined);
    const out: { kind: string; line: number; expect: FindingCode[]; traffic?: string; packets: number[] }[] = [];
    for (const f of s.faults) {
      const packets = [...(this.world.faultHits.get(f) ?? [])].sort((a, b) => a - b);
      const traffic = f.kind === "drop" ? f.traffic ?? undefined : f.kind === "asymmetric" ? f.traffic : undefined;
      out.push({ kind: f.kind, line: f.line, expect: expectFor(f, facts(packets)), ...(traffic !== undefined ? { traffic } : {}), packets });
    }
    for (const c of this.world.conditions.values()) out.push({ kind: c.kind, line: c.line, expect: [c.code], traffic: c.traffic, packets: [...c.packets] });
    const all = [...this.facts.keys()].sort((a, b) => a - b);
    const cap = s.capture;
    if (cap.snaplen !== null) out.push({ kind: "snaplen", line: cap.lines.snaplen, expect: ["capture-truncated"], packets: all.filter((id) => this.facts.get(id)!.truncated) });
    if (cap.lostEvents) out.push({ kind: "lostEvents", line: cap.lines.lostEvents, expect: ["capture-lost-events"], packets: [] });
    if (CAPTURE_PROVIDERS.some((p) => !cap.providers.has(p))) {
      // Without VmSwitch, every packet that crossed a vSwitch lost its 56/57/58 (and drops their 54/55).
      const vms = !cap.providers.has("vmswitch");
      out.push({ kind: "providers", line: cap.lines.providers, expect: ["capture-missing-provider"], packets: vms ? all.filter((id) => this.facts.get(id)!.switched) : [] });
    }
    return out.sort((a, b) => a.line - b.line);
  }

  /** The whole document. */
  build(o: { files: Record<string, unknown>; scale: number; controlEvents: Record<string, number[]> }): unknown {
    const s = this.scn;
    const live = s.containers.filter((c) => !this.world.stale.has(c));
    return {
      schema: TRUTH_SCHEMA, scenario: s.name, description: s.description, generator: "wnvtrace lab 0.1.0",
      startTime: filetimeToIso(s.startTime), osBuild: s.host.osBuild, cpus: s.host.cpus, files: o.files,
      scale: { repetitions: o.scale, packetsPerRepetition: this.packetsPerRepetition, ...(o.scale > 1 ? { listed: "first repetition only" } : {}) },
      capture: { snaplen: s.capture.snaplen, lostEvents: s.capture.lostEvents, netshProviders: CAPTURE_PROVIDERS.filter((p) => s.capture.providers.has(p)) },
      topology: {
        switches: s.switches.map((sw) => ({
          name: sw.name, friendlyName: sw.friendlyName, type: sw.type, ifIndex: sw.ifIndex, networks: sw.networks.map((n) => n.name),
          ports: this.world.portsOf(sw).map(port),
        })),
        networks: s.networks.map((n) => ({
          name: n.name, driver: n.driver, hnsId: n.hnsId, hnsName: n.hnsName, dockerId: n.dockerId, subnet: n.subnet, gateway: n.gateway,
          ...(n.vni !== null ? { vni: n.vni } : {}), ...(n.vlan !== null ? { vlan: n.vlan } : {}),
        })),
        containers: live.map((c) => ({ name: c.name, id: c.id, network: c.network.name, endpointId: c.endpointId, ip: c.ip, mac: macText(c.mac), compartment: c.compartment, nic: c.nicName, port: c.portName })),
        ...(this.world.stale.size ? { staleEndpoints: [...this.world.stale].map((c) => ({ name: c.name, network: c.network.name, endpointId: c.endpointId, ip: c.ip, mac: macText(c.mac), state: "Detached" })) } : {}),
        ...(this.components ? { pktmonComponents: this.components.list.map((c) => ({ id: c.id, type: c.type, name: c.name, description: c.description })) } : {}),
      },
      controlEvents: o.controlEvents,
      packets: this.packets,
      faults: this.faults(),
    };
  }
}

/** Hops of a journey that carry packet bytes in a flavour, in order (what a reader gets back). */
export function capturedHops(hops: readonly Hop[], flavor: "netsh" | "pktmon"): Hop[] {
  const bytes = new Set(["switch-in", "switch-out", "nic-send", "nic-recv"]);
  return hops.filter((h) => (flavor === "netsh" ? bytes.has(h.kind) : pktmonEvents(h).length > 0));
}
