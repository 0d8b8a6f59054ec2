/**
 * ground-truth.json: what the lab knows about every packet it wrote, for tests and for checking later features.
 *
 * Schema ("wnvtrace-lab-truth/1"):
 * {
 *   schema, scenario, description, generator,
 *   startTime: ISO 8601 (100 ns), osBuild, cpus,
 *   files: { netsh?: "<name>.netsh.etl", pktmon?: "<name>.pktmon.etl", host: ["host/…"] },
 *   scale: { repetitions, packetsPerRepetition, listed: "first repetition only" when repetitions > 1 },
 *   topology: {
 *     switches: [{ name (GUID as VmSwitch prints it), friendlyName, type, ifIndex, networks: [names],
 *                  ports: [{ kind, nic, nicFriendlyName, port, portFriendlyName, portId, mac, owner }] }],
 *     networks: [{ name, driver, hnsId, hnsName, dockerId, subnet, gateway, vni?, vlan? }],
 *     containers: [{ name, id, network, endpointId, ip, mac, compartment, nic, port }],
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
 *   }]
 * }
 * Frames are the exact bytes the writers put in NDIS 1001/1003 Fragment and PktMon 160/170 Payload.
 */
import { filetimeToIso } from "../bytes/time.js";
import { toHex } from "../bytes/hex.js";
import type { Scenario } from "./scenario.js";
import { DROP_REASONS } from "./scenario.js";
import { macText } from "./frames.js";
import type { Hop, Journey, PortEnd } from "./model/journey.js";
import type { World } from "./model/world.js";
import { NDISCAP, PKTMON, VMSWITCH, WINNAT, netshEvents, netshProviders, pktmonEvents } from "./emit.js";
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

export class TruthBuilder {
  private readonly packets: unknown[] = [];
  packetsPerRepetition = 0;

  constructor(private readonly scn: Scenario, private readonly world: World, private readonly components: ComponentTable | null) {}

  private time(ticks: number): string {
    return filetimeToIso(this.scn.startTime + BigInt(Math.round(ticks)));
  }

  add(j: Journey): void {
    let appearance = 0;
    this.packets.push({
      id: j.id, traffic: j.traffic, trafficId: j.trafficId, packet: j.packet, description: j.description, from: j.from, cpu: j.cpu,
      pktGroupId: j.pktGroupId.toString(),
      hops: j.hops.map((h, index) => {
        const pm = this.components?.at(h) ?? null;
        const pe = pktmonEvents(h);
        return {
          index, kind: h.kind, ticks: h.ticks, time: this.time(h.ticks), cpu: h.cpu, length: h.frame.length, frame: toHex(h.frame),
          ...(h.vswitch ? { switch: { name: h.vswitch.name, friendlyName: h.vswitch.friendlyName } } : {}),
          ...(h.src ? { from: port(h.src) } : {}), ...(h.dst ? { to: port(h.dst) } : {}),
          ...(h.nic ? { nic: { name: h.nic.name, kind: h.nic.kind, ifIndex: h.nic.ifIndex, mac: macText(h.nic.mac) } } : {}),
          ...(h.nbl !== undefined ? { nbl: "0x" + h.nbl.toString(16) } : {}),
          ...(h.vlan !== undefined ? { vlan: h.vlan } : {}), ...(h.rule ? { rule: h.rule } : {}), ...(h.note ? { note: h.note } : {}),
          ...(h.drop ? { drop: { reason: h.drop.reason, reasonName: DROP_REASONS[h.drop.reason] ?? String(h.drop.reason), by: h.drop.by, side: h.drop.side } } : {}),
          ...(h.nat ? { nat: h.nat } : {}),
          events: { netsh: netshEvents(h), pktmon: pe, netshProviders: netshProviders(h).map(providerName), pktmonProviders: pe.map(() => providerName(PKTMON)) },
          ...(pm && pe.length ? { pktmon: { component: pm.comp.id, componentName: pm.comp.description, direction: DIRS[pm.dir], appearance: ++appearance } } : {}),
        };
      }),
      rewrites: j.rewrites,
      fate: { ...j.fate, time: this.time(j.fate.ticks) },
    });
  }

  /** The whole document. */
  build(o: { files: Record<string, unknown>; scale: number; controlEvents: Record<string, number[]> }): unknown {
    const s = this.scn;
    return {
      schema: TRUTH_SCHEMA, scenario: s.name, description: s.description, generator: "wnvtrace lab 0.1.0",
      startTime: filetimeToIso(s.startTime), osBuild: s.host.osBuild, cpus: s.host.cpus, files: o.files,
      scale: { repetitions: o.scale, packetsPerRepetition: this.packetsPerRepetition, ...(o.scale > 1 ? { listed: "first repetition only" } : {}) },
      topology: {
        switches: s.switches.map((sw) => ({
          name: sw.name, friendlyName: sw.friendlyName, type: sw.type, ifIndex: sw.ifIndex, networks: sw.networks.map((n) => n.name),
          ports: this.world.portsOf(sw).map(port),
        })),
        networks: s.networks.map((n) => ({
          name: n.name, driver: n.driver, hnsId: n.hnsId, hnsName: n.hnsName, dockerId: n.dockerId, subnet: n.subnet, gateway: n.gateway,
          ...(n.vni !== null ? { vni: n.vni } : {}), ...(n.vlan !== null ? { vlan: n.vlan } : {}),
        })),
        containers: s.containers.map((c) => ({ name: c.name, id: c.id, network: c.network.name, endpointId: c.endpointId, ip: c.ip, mac: macText(c.mac), compartment: c.compartment, nic: c.nicName, port: c.portName })),
        ...(this.components ? { pktmonComponents: this.components.list.map((c) => ({ id: c.id, type: c.type, name: c.name, description: c.description })) } : {}),
      },
      controlEvents: o.controlEvents,
      packets: this.packets,
    };
  }
}

/** Hops of a journey that carry packet bytes in a flavour, in order (what a reader gets back). */
export function capturedHops(hops: readonly Hop[], flavor: "netsh" | "pktmon"): Hop[] {
  const bytes = new Set(["switch-in", "switch-out", "nic-send", "nic-recv"]);
  return hops.filter((h) => (flavor === "netsh" ? bytes.has(h.kind) : pktmonEvents(h).length > 0));
}
