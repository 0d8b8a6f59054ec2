/**
 * The forwarding model: how a frame travels from its sender to its receiver on a Windows container host, per
 * network driver, hop by hop.
 *
 *   - vSwitch: port per container vNIC, host vNIC and external adapter; MAC learning on ingress; delivery by
 *     destination MAC (broadcast floods every other port); NBLs from a per-CPU pool, reused LIFO once a packet's
 *     journey ends, as the kernel's lookaside lists do.
 *   - nat: container → vSwitch → host vNIC "vEthernet (<net>)" → host stack → WinNAT (source rewrite + port
 *     allocation; inbound static mappings for -p) → physical NIC.
 *   - transparent: container → vSwitch → external port → physical NIC, unchanged.
 *   - l2bridge: VFP rewrites the container MAC to the host's on the way out and back on the way in;
 *     OutBoundNAT (VFP source NAT to the host IP) for off-subnet destinations when enabled.
 *   - l2tunnel: every container frame is sent to the physical network, which hairpins it back.
 *   - overlay: VFP VXLAN encapsulation to the remote host's provider address with the network's VNI/VSID, and
 *     decapsulation of what arrives.
 *   - internal/private: no way out; internal reaches the host vNIC.
 * Faults (drops at a hop, MTU, ACL, missing or wrong-VNI encap, DNS/ARP silence, WinNAT not forwarding or not
 * hairpinning, stale endpoints, asymmetric return paths) are applied where they bite, and each records the journeys
 * it bit (faultHits) for the ground truth. The host follows the strong host model: a physical interface takes only
 * packets for its own address.
 */
import type { Container, ExternalHost, Fault, Network, PhysNic, RemoteEndpoint, Scenario, VSwitch, HostVnic } from "../scenario.js";
import { DROP_REASONS } from "../scenario.js";
import {
  BROADCAST_MAC, EtherType, IpProto, addVlanTag, decTtl, flowHash, inSubnet, isBroadcast, macText, natRewrite, peek,
  removeVlanTag, sameMac, setMacs, vxlanDecap, vxlanEncap,
} from "../frames.js";
import type { Peek } from "../frames.js";
import { Rng } from "../ids.js";
import type { Delivery, Fate, Hop, HostIf, Journey, Party, PortEnd, Rewrite } from "./journey.js";
import { partyName } from "./journey.js";
import { NatTable } from "./nat.js";

/** First NBL address handed out (the reference blog's), and the per-CPU pool stride. */
export const NBL_BASE = 0xffff9383cbf21490n;

class NblPool {
  private readonly free: bigint[][] = [];
  private readonly fresh: bigint[] = [];
  constructor(cpus: number) {
    for (let c = 0; c < cpus; c++) {
      this.free.push([]);
      this.fresh.push(NBL_BASE - BigInt(c) * 0x5a3000n);
    }
  }
  alloc(cpu: number): bigint {
    const f = this.free[cpu];
    if (f.length) return f.pop()!;
    const a = this.fresh[cpu];
    this.fresh[cpu] = a + 0x1d0n;
    return a;
  }
  release(cpu: number, nbls: readonly bigint[]): void {
    // Freed in reverse, so the first NBL of the journey is the next one reused.
    for (let i = nbls.length - 1; i >= 0; i--) this.free[cpu].push(nbls[i]);
  }
}

/** Per-hop delays in 100 ns ticks (lo, hi). */
const DELAY = {
  switchForward: [12, 26],     // 56 → 57: VFP + forwarding, 1.2–2.6 µs
  afterSwitchOut: [30, 55],    // 58 → next hop
  nicToStack: [40, 120],       // host vNIC receive → IP forwarding / WinNAT
  nat: [20, 60],
  stackToNic: [15, 40],
  nicToWire: [8, 20],
  containerReply: [350, 900],  // container TCP/IP stack answering, 35–90 µs
  hostReply: [200, 600],
  remoteReply: [300, 800],
} as const;

/** Ticks a hop's events occupy after its time (netsh switch-out: 57 at +0, 1003 at +8, 58 at +27). */
export const HOP_SPAN: Record<Hop["kind"], number> = {
  "switch-in": 12, "switch-out": 30, vfp: 6, "nic-send": 6, "nic-recv": 6, winnat: 6, "host-stack": 2, wire: 2, remote: 2, drop: 6,
};

interface SendCtx {
  readonly j: Journey;
  readonly nbls: bigint[];
}

export class World {
  readonly scn: Scenario;
  /** Current time in 100 ns ticks since the capture start. */
  t = 5_000_000;
  private readonly rng: Rng;
  private readonly nbl: NblPool;
  readonly winnat = new Map<Network, NatTable>();
  readonly vfpNat = new Map<Network, NatTable>();
  private readonly macTables = new Map<VSwitch, Map<number, PortEnd>>();
  /** The router's ARP cache: IP → MAC it last saw that IP from. */
  private readonly routerArp = new Map<string, Uint8Array>();
  readonly hostIfs: HostIf[] = [];
  private readonly ports = new Map<VSwitch, PortEnd[]>();
  private journeyCount = 0;
  private readonly onJourney: (j: Journey) => void;
  private ipId = new Map<string, number>();
  readonly pktGroupBase = 0x2000000000000n;
  /** Journeys (ids, first repetition) each fault bit; and conditions of the world a finding should report (closed ports). */
  readonly faultHits = new Map<Fault, number[]>();
  readonly conditions = new Map<string, { kind: "notListening"; traffic: string; line: number; code: "tcp-reset" | "icmp-unreachable"; packets: number[] }>();
  /** Containers whose endpoint is stale: gone from docker, their vSwitch port deleted. */
  readonly stale: ReadonlySet<Container>;

  constructor(scn: Scenario, onJourney: (j: Journey) => void) {
    this.scn = scn;
    this.rng = new Rng(scn.seed);
    this.nbl = new NblPool(scn.host.cpus);
    this.onJourney = onJourney;
    this.stale = new Set(scn.containers.filter((c) => scn.faults.some((f) => f.kind === "staleEndpoint" && f.container === c.name)));
    for (const sw of scn.switches) {
      const list: PortEnd[] = [];
      if (sw.hostVnic) list.push(hostVnicPort(sw.hostVnic));
      if (sw.external) {
        const e = sw.external;
        list.push({ kind: "external", nicName: e.nicName, nicFriendlyName: e.nicFriendlyName, portName: e.portName, portFriendlyName: e.portFriendlyName, portId: e.portId, nicType: "External", mac: e.adapter.mac, adapter: e.adapter });
      }
      for (const c of scn.containers) if (c.network.vswitch === sw && !this.stale.has(c)) list.push(containerPort(c));
      this.ports.set(sw, list);
      this.macTables.set(sw, new Map());
      if (sw.hostVnic) this.hostIfs.push({ kind: "host-vnic", name: sw.hostVnic.alias, ifIndex: sw.hostVnic.ifIndex, mac: sw.hostVnic.mac, ip: sw.hostVnic.ip, vnic: sw.hostVnic, vswitch: sw });
    }
    for (const n of scn.host.nics) {
      if (!scn.switches.some((s) => s.external?.adapter === n)) this.hostIfs.push({ kind: "physical", name: n.name, ifIndex: n.ifIndex, mac: n.mac, ip: n.ip, nic: n });
    }
    for (const n of scn.networks) {
      if (n.driver === "nat") {
        const t = new NatTable(n.natName ?? n.name, 49152 + scn.ids.int("nat-port", n.name, 4000));
        const out = this.defaultRoute();
        for (const c of scn.containers) if (c.network === n) for (const pm of c.ports) t.addStatic(pm.protocol === "tcp" ? IpProto.TCP : IpProto.UDP, out.ip, pm.hostPort, c.ip, pm.containerPort, c.name, c.compartment);
        this.winnat.set(n, t);
      }
      if ((n.driver === "l2bridge" && n.outboundNat) || n.driver === "overlay") this.vfpNat.set(n, new NatTable(`VFP ${n.name}`, 10000 + scn.ids.int("vfp-port", n.name, 4000)));
    }
  }

  /** All ports of a switch. */
  portsOf(sw: VSwitch): readonly PortEnd[] {
    return this.ports.get(sw) ?? [];
  }

  // ---- parties ---------------------------------------------------------------------------------------------

  party(name: string): Party | null {
    if (name === "host") return { kind: "host" };
    const c = this.scn.containers.find((x) => x.name === name);
    if (c) return { kind: "container", c };
    const e = this.scn.external.find((x) => x.name === name);
    if (e) return { kind: "external", e };
    const r = this.remoteEndpoints().find((x) => x.name === name);
    if (r) return { kind: "remote", r };
    return null;
  }

  remoteEndpoints(): RemoteEndpoint[] {
    return this.scn.networks.flatMap((n) => n.remoteHosts.flatMap((h) => h.endpoints));
  }

  /** The party owning an IP address (as the sender at `from` would reach it), or null. */
  partyByIp(ip: string): Party | null {
    const c = this.scn.containers.find((x) => x.ip === ip);
    if (c) return { kind: "container", c };
    if (this.hostIfs.some((h) => h.ip === ip) || this.scn.host.nics.some((n) => n.ip === ip)) return { kind: "host" };
    const e = this.scn.external.find((x) => x.ip === ip);
    if (e) return { kind: "external", e };
    const r = this.remoteEndpoints().find((x) => x.ip === ip);
    if (r) return { kind: "remote", r };
    return null;
  }

  /** The address `from` uses to reach party `to`. */
  addressOf(to: Party, from: Party): string {
    switch (to.kind) {
      case "container": return to.c.ip;
      case "external": return to.e.ip;
      case "remote": return to.r.ip;
      case "router": return this.scn.host.nics[0].gateway;
      case "host": {
        if (from.kind === "container") {
          const sw = from.c.network.vswitch;
          if (sw.hostVnic && inSubnet(sw.hostVnic.ip, from.c.network.subnet)) return sw.hostVnic.ip;
          return this.defaultRoute().ip;
        }
        return this.defaultRoute().ip;
      }
    }
  }

  /** Next IP id for a sender. */
  nextIpId(who: string): number {
    const v = this.ipId.get(who) ?? 0x1c2b + this.scn.ids.int("ipid", who, 0x4000);
    this.ipId.set(who, (v + 1) & 0xffff);
    return v;
  }

  // ---- host routing ----------------------------------------------------------------------------------------

  /** The host interface holding the default route. */
  defaultRoute(): HostIf {
    const nic0 = this.scn.host.nics[0];
    const phys = this.hostIfs.find((h) => h.kind === "physical" && h.nic === nic0);
    if (phys) return phys;
    const sw = this.scn.switches.find((s) => s.external?.adapter === nic0)!;
    return this.hostIfs.find((h) => h.vswitch === sw)!;
  }

  /** The host interface and next-hop MAC for a destination IP. */
  route(dst: string): { via: HostIf; nextHop: Uint8Array } {
    for (const h of this.hostIfs) {
      if (h.kind === "host-vnic") {
        const sw = h.vswitch!;
        const net = sw.networks.find((n) => inSubnet(dst, n.subnet) || (sw.external && inSubnet(dst, `${sw.external.adapter.ip}/${sw.external.adapter.prefix}`)));
        const n = sw.external ? this.neighbor(dst, sw.external.adapter) : undefined;
        if (net) return { via: h, nextHop: this.macForIp(dst, sw) ?? (n ? this.externalMac(n) : sw.external ? sw.external.adapter.gatewayMac : BROADCAST_MAC) };
      } else if (inSubnet(dst, `${h.ip}/${h.nic!.prefix}`)) {
        const n = this.neighbor(dst, h.nic!);
        return { via: h, nextHop: n ? this.externalMac(n) : this.routerArp.get(dst) ?? h.nic!.gatewayMac };
      }
    }
    const via = this.defaultRoute();
    const adapter = via.nic ?? via.vswitch!.external!.adapter;
    return { via, nextHop: adapter.gatewayMac };
  }

  /** MAC of an external host on the adapter's own subnet (reached without the router). */
  externalMac(e: ExternalHost): Uint8Array {
    return Uint8Array.of(0x00, 0x50, 0x56, ...this.scn.ids.bytes("ext-mac", e.name, 3));
  }

  /** The external host on the same L2 subnet as an adapter, owning `ip`. */
  private neighbor(ip: string, adapter: PhysNic): ExternalHost | undefined {
    if (ip === adapter.gateway || !inSubnet(ip, `${adapter.ip}/${adapter.prefix}`)) return undefined;
    return this.scn.external.find((e) => e.ip === ip);
  }

  /** MAC of a local address on a switch (container, host vNIC) or of a remote overlay endpoint. */
  private macForIp(ip: string, sw: VSwitch): Uint8Array | null {
    const c = this.scn.containers.find((x) => x.ip === ip && x.network.vswitch === sw);
    if (c) return c.mac;
    if (sw.hostVnic && sw.hostVnic.ip === ip) return sw.hostVnic.mac;
    const r = this.remoteEndpoints().find((x) => x.ip === ip && x.network.vswitch === sw);
    return r ? r.mac : null;
  }

  /** The MAC a container addresses a frame to for `dst` (ARP resolved). */
  containerNextHop(c: Container, dst: string): Uint8Array {
    const net = c.network;
    if (inSubnet(dst, net.subnet)) {
      const m = this.macForIp(dst, net.vswitch);
      if (m) return m;
      if (net.adapter) {
        const n = this.neighbor(dst, net.adapter);
        if (n) return this.externalMac(n);
        if (dst === net.adapter.gateway) return net.adapter.gatewayMac;
        const e = this.routerArp.get(dst);
        if (e) return e;
      }
      return BROADCAST_MAC;
    }
    if (net.driver === "nat" || net.driver === "internal") return net.vswitch.hostVnic!.mac;
    if (net.driver === "overlay") return net.drMac!;
    if (net.driver === "private") return BROADCAST_MAC;
    return net.adapter!.gatewayMac;
  }

  // ---- journeys --------------------------------------------------------------------------------------------

  private delay(d: readonly [number, number]): number {
    return this.rng.between(d[0], d[1]);
  }

  reply(kind: "container" | "host" | "remote"): number {
    return this.delay(kind === "container" ? DELAY.containerReply : kind === "host" ? DELAY.hostReply : DELAY.remoteReply);
  }

  /** Advances the clock (between packets). */
  wait(ticks: number): void {
    this.t += Math.max(1, Math.round(ticks));
  }

  private newJourney(traffic: number, trafficId: string, packet: number, description: string, from: Party, frame: Uint8Array): SendCtx {
    const cpu = flowHash(frame) % this.scn.host.cpus;
    const id = ++this.journeyCount;
    const j: Journey = {
      id, traffic, trafficId, packet, description, from: partyName(from), cpu, pktGroupId: this.pktGroupBase + BigInt(id),
      hops: [], rewrites: [], fate: { kind: "lost", note: "not delivered", ticks: this.t }, deliveries: [],
    };
    return { j, nbls: [] };
  }

  private hop(x: SendCtx, h: Omit<Hop, "ticks" | "cpu">): Hop {
    // Keep the events of consecutive hops apart: a hop's events span up to HOP_SPAN ticks after its time.
    const last = x.j.hops[x.j.hops.length - 1];
    if (last) {
      const min = last.ticks + HOP_SPAN[last.kind];
      if (this.t < min) this.t = min;
    }
    const hop = Object.assign(h, { ticks: this.t, cpu: x.j.cpu }) as Hop;
    x.j.hops.push(hop);
    return hop;
  }

  private finish(x: SendCtx): Journey {
    const j = x.j;
    if (j.deliveries.length) {
      j.fate = { kind: "delivered", to: j.deliveries.map((d) => partyName(d.party)).join(", "), ticks: j.deliveries[j.deliveries.length - 1].ticks };
    }
    this.nbl.release(j.cpu, x.nbls);
    const last = j.hops[j.hops.length - 1];
    if (last) this.t = Math.max(this.t, last.ticks + HOP_SPAN[last.kind]);
    this.wait(10);
    this.onJourney(j);
    return j;
  }

  /**
   * Sends `frame` from a party and follows it to its fate. `meta` describes the packet for the ground truth.
   * Returns the journey (its deliveries say who received what).
   */
  send(from: Party, frame: Uint8Array, meta: { traffic: number; trafficId: string; packet: number; description: string }): Journey {
    const x = this.newJourney(meta.traffic, meta.trafficId, meta.packet, meta.description, from, frame);
    switch (from.kind) {
      case "container":
        this.switchTraverse(x, from.c.network.vswitch, containerPort(from.c), frame);
        break;
      case "host": {
        const p = peek(frame);
        const r = this.route(p.dst || p.arp!.targetIp);
        this.hostSend(x, r.via, frame);
        break;
      }
      case "external":
      case "router":
        this.fromWorld(x, frame);
        break;
      case "remote":
        this.fromRemote(x, from.r, frame);
        break;
    }
    return this.finish(x);
  }

  // ---- faults ----------------------------------------------------------------------------------------------

  /** Records that fault `f` bit journey `id` (ground truth: the fault's packets). */
  hit(f: Fault, id: number): void {
    if (!this.detail) return;
    const l = this.faultHits.get(f);
    if (!l) this.faultHits.set(f, [id]);
    else if (!l.includes(id)) l.push(id);
  }

  /** Records a condition of the world a finding should name (a closed port answering RST / ICMP unreachable). */
  condition(t: { id: string; line: number }, code: "tcp-reset" | "icmp-unreachable", id: number): void {
    if (!this.detail) return;
    const k = `${t.id}/${code}`;
    const c = this.conditions.get(k);
    if (c) c.packets.push(id);
    else this.conditions.set(k, { kind: "notListening", traffic: t.id, line: t.line, code, packets: [id] });
  }

  private dropFault(x: SendCtx, names: readonly string[]): Extract<Fault, { kind: "drop" }> | null {
    for (const f of this.scn.faults) {
      if (f.kind !== "drop" || !names.includes(f.at)) continue;
      if (f.traffic !== null && f.traffic !== x.j.trafficId) continue;
      if (f.packet !== null && f.packet !== x.j.packet) continue;
      this.hit(f, x.j.id);
      return f;
    }
    return null;
  }

  /** The tightest MTU fault at these hops (the caller calls hit() when it drops). */
  private mtuFault(names: readonly string[]): Extract<Fault, { kind: "mtu" }> | null {
    let m: Extract<Fault, { kind: "mtu" }> | null = null;
    for (const f of this.scn.faults) if (f.kind === "mtu" && names.includes(f.at) && (m === null || f.mtu < m.mtu)) m = f;
    return m;
  }

  private find<K extends Fault["kind"]>(kind: K, pred: (f: Extract<Fault, { kind: K }>) => boolean = () => true): Extract<Fault, { kind: K }> | null {
    for (const f of this.scn.faults) if (f.kind === kind && pred(f as Extract<Fault, { kind: K }>)) return f as Extract<Fault, { kind: K }>;
    return null;
  }

  noDnsAnswer(name: string): Fault | null {
    return this.find("noDnsAnswer", (f) => f.name === null || f.name === name.toLowerCase());
  }

  noArpReply(ip: string): Fault | null {
    return this.find("noArpReply", (f) => f.ip === ip);
  }

  private aclHit(x: SendCtx, c: Container, rule: string): void {
    const f = this.find("acl", (a) => a.container === c.name && a.rule === rule);
    if (f) this.hit(f, x.j.id);
  }

  private portNames(sw: VSwitch, p: PortEnd): string[] {
    if (p.container) return [p.container.name];
    if (p.hostVnic) return [p.hostVnic.alias];
    if (p.adapter) return [p.adapter.name];
    return [sw.friendlyName];
  }

  private dropAt(x: SendCtx, frame: Uint8Array, reason: number, by: NonNullable<Hop["drop"]>["by"], side: "ingress" | "egress", where: string, extra: Partial<Hop> = {}): void {
    this.hop(x, { kind: "drop", frame, drop: { reason, by, side, ...(extra.src ? { port: extra.src } : {}) }, ...extra });
    x.j.fate = { kind: "dropped", reason, reasonName: DROP_REASONS[reason] ?? String(reason), by, at: where, ticks: this.t };
  }

  // ---- the vSwitch -----------------------------------------------------------------------------------------

  private switchTraverse(x: SendCtx, sw: VSwitch, inPort: PortEnd, frame0: Uint8Array): void {
    let frame = frame0;
    let vlan: number | undefined;
    if (inPort.kind === "external") {
      const p = peek(frame);
      if (p.vlan !== null) {
        vlan = p.vlan;
        frame = removeVlanTag(frame);
      }
    } else if (inPort.container && inPort.container.network.vlan !== null) {
      vlan = inPort.container.network.vlan;
    }
    const nbl = this.nbl.alloc(x.j.cpu);
    x.nbls.push(nbl);
    this.hop(x, { kind: "switch-in", frame, vswitch: sw, src: inPort, nbl, ...(vlan !== undefined ? { vlan } : {}) });
    const inNames = [...this.portNames(sw, inPort), ...sw.networks.map((n) => n.name)];
    const df = this.dropFault(x, inNames);
    if (df) {
      this.wait(this.delay(DELAY.switchForward));
      this.dropAt(x, frame, df.reason, "vSwitch", "ingress", `${inPort.nicFriendlyName} on switch ${sw.friendlyName}`, { vswitch: sw, src: inPort, nbl });
      return;
    }
    const vf = this.dropFault(x, sw.networks.map((n) => `vfp:${n.name}`));
    if (vf) {
      this.wait(this.delay(DELAY.switchForward));
      this.dropAt(x, frame, vf.reason, "VFP", "ingress", `VFP on switch ${sw.friendlyName}`, { vswitch: sw, src: inPort, nbl, rule: "fault" });
      return;
    }
    // ACL on the sending container (direction Out).
    if (inPort.container) {
      const acl = aclVerdict(inPort.container, peek(frame), "Out");
      if (acl) {
        this.aclHit(x, inPort.container, acl);
        this.wait(this.delay(DELAY.switchForward));
        this.dropAt(x, frame, 12, "VFP", "ingress", `VFP ACL ${acl} on ${inPort.container.name}'s port`, { vswitch: sw, src: inPort, nbl, rule: `ACL ${acl}` });
        return;
      }
    }
    // VFP ingress from the external port: overlay decapsulation, l2bridge MAC rewrite / OutBoundNAT reverse.
    if (inPort.kind === "external") {
      const r = this.vfpIngressFromExternal(x, sw, frame);
      if (r === null) return;
      frame = r;
    }
    this.learn(sw, frame, inPort);
    const p = peek(frame);
    const dests = this.destinations(sw, inPort, p, frame);
    if (dests.length === 0) {
      this.wait(this.delay(DELAY.switchForward));
      const gone = [...this.stale].find((c) => c.network.vswitch === sw && sameMac(c.mac, p.dstMac));
      const sf = gone ? this.find("staleEndpoint", (f) => f.container === gone.name) : null;
      if (sf) this.hit(sf, x.j.id);
      this.dropAt(x, frame, 26, "vSwitch", "ingress", `switch ${sw.friendlyName}: no port for ${macText(p.dstMac)}${gone ? ` (${gone.name}'s port was deleted with its container; the HNS endpoint is stale)` : ""}`, { vswitch: sw, src: inPort, nbl });
      return;
    }
    for (const d of dests) {
      this.wait(this.delay(DELAY.switchForward));
      let out = frame;
      // VLAN isolation: an access port only takes its own VLAN (the external port is a trunk).
      if (d.kind !== "external" && (vlan ?? null) !== portVlan(d)) {
        if (isBroadcast(peek(frame).dstMac)) continue;
        this.dropAt(x, out, 9, "vSwitch", "egress", `${d.nicFriendlyName} on switch ${sw.friendlyName} (VLAN ${vlan ?? "untagged"} → ${portVlan(d) ?? "untagged"})`, { vswitch: sw, src: inPort, dst: d, nbl });
        continue;
      }
      // VFP egress actions towards the external port.
      if (d.kind === "external" && inPort.kind !== "external") {
        const r = this.vfpEgressToExternal(x, sw, inPort, out);
        if (r === null) continue;
        out = r;
      }
      if (d.container) {
        const acl = aclVerdict(d.container, peek(out), "In");
        if (acl) {
          this.aclHit(x, d.container, acl);
          this.dropAt(x, out, 12, "VFP", "egress", `VFP ACL ${acl} on ${d.container.name}'s port`, { vswitch: sw, src: inPort, dst: d, nbl, rule: `ACL ${acl}` });
          continue;
        }
      }
      const outNames = this.portNames(sw, d);
      const egressDrop = this.dropFault(x, outNames);
      if (egressDrop) {
        this.dropAt(x, out, egressDrop.reason, "vSwitch", "egress", `${d.nicFriendlyName} on switch ${sw.friendlyName}`, { vswitch: sw, src: inPort, dst: d, nbl });
        continue;
      }
      const mtu = this.mtuFault([...outNames, ...sw.networks.map((n) => n.name)]);
      const pl = peek(out);
      if (mtu !== null && pl.l3Length > mtu.mtu) {
        this.hit(mtu, x.j.id);
        this.dropAt(x, out, 23, "vSwitch", "egress", `${d.nicFriendlyName} on switch ${sw.friendlyName} (MTU ${mtu.mtu}, packet ${pl.l3Length})`, { vswitch: sw, src: inPort, dst: d, nbl });
        continue;
      }
      this.hop(x, { kind: "switch-out", frame: out, vswitch: sw, src: inPort, dst: d, nbl, ...(vlan !== undefined ? { vlan } : {}) });
      this.wait(this.delay(DELAY.afterSwitchOut));
      this.deliverFromSwitch(x, sw, d, out, vlan);
    }
  }

  private learn(sw: VSwitch, frame: Uint8Array, port: PortEnd): void {
    const src = frame.subarray(6, 12);
    if (!isBroadcast(src)) this.macTables.get(sw)!.set(macKey(src), port);
  }

  private destinations(sw: VSwitch, inPort: PortEnd, p: Peek, frame: Uint8Array): PortEnd[] {
    const all = this.portsOf(sw);
    const vsidOk = (d: PortEnd): boolean => !(inPort.container && d.container && inPort.container.network !== d.container.network);
    const other = (d: PortEnd): boolean => d.portName !== inPort.portName;
    if (isBroadcast(p.dstMac)) return all.filter((d) => other(d) && vsidOk(d));
    const net = inPort.container?.network;
    // l2tunnel: everything a container sends goes to the physical network.
    if (net && net.driver === "l2tunnel" && sw.external) return [all.find((d) => d.kind === "external")!];
    // overlay: a remote endpoint (or an off-subnet destination) is reached through the external port.
    if (net && net.driver === "overlay" && p.ipVersion === 4) {
      const remote = this.remoteEndpoints().find((r) => r.ip === p.dst && r.network === net);
      if (remote || !inSubnet(p.dst, net.subnet)) return [all.find((d) => d.kind === "external")!];
    }
    const known = all.find((d) => other(d) && sameMac(d.mac, p.dstMac) && vsidOk(d));
    if (known) {
      // On an external switch the host vNIC shares the adapter's MAC: frames from outside for that MAC are the host's.
      if (known.kind === "external" && inPort.kind === "external") return [];
      return [known];
    }
    const learned = this.macTables.get(sw)!.get(macKey(p.dstMac));
    if (learned && other(learned)) return [learned];
    void frame;
    if (inPort.kind !== "external" && sw.external) return [all.find((d) => d.kind === "external")!];
    return [];
  }

  /** VFP on frames entering from the physical network. Returns the frame to forward, or null when it ends here. */
  private vfpIngressFromExternal(x: SendCtx, sw: VSwitch, frame: Uint8Array): Uint8Array | null {
    const p = peek(frame);
    const adapter = sw.external!.adapter;
    if (p.vxlan && p.dst === adapter.ip) {
      const net = sw.networks.find((n) => n.driver === "overlay" && n.vni === p.vxlan!.vni);
      this.wait(this.delay(DELAY.switchForward));
      if (!net) {
        this.dropAt(x, frame, 20, "VFP", "ingress", `VFP on switch ${sw.friendlyName}: no network with VNI ${p.vxlan.vni}`, { vswitch: sw, src: this.externalPort(sw), rule: "VXLAN decap" });
        return null;
      }
      const inner = vxlanDecap(frame);
      this.hop(x, { kind: "vfp", frame: inner, vswitch: sw, src: this.externalPort(sw), rule: `VXLAN decapsulation (VNI ${net.vni}, from PA ${p.src})` });
      this.rewrite(x, "VFP", "encapsulation", `VXLAN ${p.src} → ${p.dst} VNI ${p.vxlan.vni}`, "removed");
      return inner;
    }
    if (p.ipVersion === 4) {
      for (const net of sw.networks) {
        if (net.driver === "l2bridge" || net.driver === "overlay") {
          let f = frame;
          let changed = false;
          const t = this.vfpNat.get(net);
          if (t && p.dst === adapter.ip && (p.proto === IpProto.TCP || p.proto === IpProto.UDP || p.proto === IpProto.ICMP)) {
            const s = t.inbound(p.proto, p.proto === IpProto.ICMP ? icmpId(frame, p) : p.dport);
            if (s) {
              f = natRewrite(f, p.proto === IpProto.ICMP ? { dst: s.internalIp, icmpId: s.internalPort } : { dst: s.internalIp, dport: s.internalPort });
              changed = true;
            }
          }
          const q = peek(f);
          const c = this.scn.containers.find((k) => k.ip === q.dst && k.network === net);
          if (c && net.driver === "l2bridge" && !sameMac(q.dstMac, c.mac)) {
            f = setMacs(f, undefined, c.mac);
            changed = true;
          }
          if (changed) {
            this.wait(this.delay(DELAY.switchForward));
            this.hop(x, { kind: "vfp", frame: f, vswitch: sw, src: this.externalPort(sw), rule: net.driver === "l2bridge" ? "L2Bridge MAC rewrite (host MAC → container MAC)" + (t ? " + OutBoundNAT reverse" : "") : "OutBoundNAT reverse" });
            this.diffRewrites(x, frame, f, "VFP");
            return f;
          }
        }
      }
    }
    return frame;
  }

  /** VFP on container frames leaving through the external port. Returns the frame to send, or null when dropped. */
  private vfpEgressToExternal(x: SendCtx, sw: VSwitch, inPort: PortEnd, frame: Uint8Array): Uint8Array | null {
    const c = inPort.container;
    if (!c) return frame;
    const net = c.network;
    const adapter = sw.external!.adapter;
    const p = peek(frame);
    if (net.driver === "overlay" && p.ipVersion === 4) {
      const remote = this.remoteEndpoints().find((r) => r.ip === p.dst && r.network === net);
      if (remote) {
        const ne = this.find("noEncap", (f) => f.network === net.name);
        if (ne) {
          this.hit(ne, x.j.id);
          this.hop(x, { kind: "vfp", frame, vswitch: sw, src: inPort, rule: "no VXLAN encapsulation rule matched (missing ENCAP rule); the frame leaves as it is", note: "fault: noEncap" });
          return frame;
        }
        const inner = setMacs(frame, undefined, remote.mac);
        const sameL2 = inSubnet(remote.host.pa, `${adapter.ip}/${adapter.prefix}`);
        // wrongVni: the ENCAP rule carries another VNI than the network's VSID policy (a stale or mistyped rule).
        const wv = this.find("wrongVni", (f) => f.network === net.name);
        if (wv) this.hit(wv, x.j.id);
        const vni = wv ? wv.vni : net.vni!;
        const outer = vxlanEncap({
          outerSrcMac: adapter.mac, outerDstMac: sameL2 ? remote.host.mac : adapter.gatewayMac, srcPa: adapter.ip, dstPa: remote.host.pa,
          vni, sport: 49152 + (flowHash(inner) % 16384), id: this.nextIpId(`pa:${adapter.ip}`), inner,
        });
        this.hop(x, {
          kind: "vfp", frame: outer, vswitch: sw, src: inPort, rule: `VXLAN encapsulation (VNI ${vni}, PA ${adapter.ip} → ${remote.host.pa})`,
          ...(wv ? { note: `fault: wrongVni (network ${net.name} is configured with VNI ${net.vni})` } : {}),
        });
        this.rewrite(x, "VFP", "encapsulation", "none", `VXLAN ${adapter.ip} → ${remote.host.pa} VNI ${vni} (UDP ${49152 + (flowHash(inner) % 16384)} → 4789)`);
        if (!sameMac(inner.subarray(0, 6), frame.subarray(0, 6))) this.rewrite(x, "VFP", "inner destination MAC", macText(frame.subarray(0, 6)), macText(inner.subarray(0, 6)));
        return outer;
      }
    }
    if (net.driver === "l2bridge" || net.driver === "overlay") {
      let f = frame;
      const t = this.vfpNat.get(net);
      const offSubnet = p.ipVersion === 4 && !inSubnet(p.dst, net.subnet) && !inSubnet(p.dst, `${adapter.ip}/${adapter.prefix}`);
      if (t && offSubnet) {
        const port = p.proto === IpProto.ICMP ? icmpId(frame, p) : p.sport;
        const s = t.outbound(p.proto, p.src, port, adapter.ip, c.name, c.compartment).session;
        f = natRewrite(f, p.proto === IpProto.ICMP ? { src: adapter.ip, icmpId: s.externalPort } : { src: adapter.ip, sport: s.externalPort });
      }
      if (net.driver === "l2bridge") f = setMacs(f, adapter.mac);
      if (net.driver === "overlay" && offSubnet) f = setMacs(f, adapter.mac, adapter.gatewayMac);
      if (f !== frame) {
        this.hop(x, { kind: "vfp", frame: f, vswitch: sw, src: inPort, rule: net.driver === "l2bridge" ? `L2Bridge MAC rewrite (container MAC → host MAC)${t && offSubnet ? " + OutBoundNAT" : ""}` : "OutBoundNAT" });
        this.diffRewrites(x, frame, f, "VFP");
        this.wait(this.delay(DELAY.switchForward));
      }
      return f;
    }
    return frame;
  }

  private externalPort(sw: VSwitch): PortEnd {
    return this.portsOf(sw).find((d) => d.kind === "external")!;
  }

  /** After a switch-out: hand the frame to what is behind the port. */
  private deliverFromSwitch(x: SendCtx, sw: VSwitch, d: PortEnd, frame: Uint8Array, vlan: number | undefined): void {
    if (d.container) {
      const p = peek(frame);
      // The container's stack takes frames for its own address (and ARP); anything else it discards.
      if (p.ipVersion === 4 && p.dst !== d.container.ip && p.dst !== "255.255.255.255") {
        this.hop(x, { kind: "host-stack", frame, note: `discarded by ${d.container.name}'s TCP/IP stack (not addressed to ${d.container.ip})` });
        return;
      }
      x.j.deliveries.push({ party: { kind: "container", c: d.container }, frame, ticks: this.t });
      return;
    }
    if (d.hostVnic) {
      const ifc = this.hostIfs.find((h) => h.vnic === d.hostVnic)!;
      this.nicHop(x, "nic-recv", ifc, frame);
      this.hostStackReceive(x, ifc, frame);
      return;
    }
    if (d.adapter) {
      const wire = vlan !== undefined ? addVlanTag(frame, vlan) : frame;
      const ifc: HostIf = { kind: "physical", name: d.adapter.name, ifIndex: d.adapter.ifIndex, mac: d.adapter.mac, ip: d.adapter.ip, nic: d.adapter };
      if (!this.nicHop(x, "nic-send", ifc, wire)) return;
      this.toWorld(x, d.adapter, wire);
    }
  }

  /** A 1001 capture point; false when a fault drops the frame there. */
  private nicHop(x: SendCtx, kind: "nic-send" | "nic-recv", ifc: HostIf, frame: Uint8Array): boolean {
    const f = this.dropFault(x, [ifc.name]);
    const mtu = kind === "nic-send" ? this.mtuFault([ifc.name]) : null;
    const pl = peek(frame);
    if (f || (mtu !== null && pl.l3Length > mtu.mtu)) {
      if (!f && mtu) this.hit(mtu, x.j.id);
      const reason = f ? f.reason : 23;
      this.hop(x, { kind: "drop", frame, nic: ifc, drop: { reason, by: "NIC", side: kind === "nic-send" ? "egress" : "ingress" } });
      x.j.fate = { kind: "dropped", reason, reasonName: DROP_REASONS[reason] ?? String(reason), by: "NIC", at: ifc.name, ticks: this.t };
      return false;
    }
    this.hop(x, { kind, frame, nic: ifc });
    this.wait(this.delay(kind === "nic-send" ? DELAY.nicToWire : DELAY.nicToStack));
    return true;
  }

  // ---- the host stack and WinNAT -----------------------------------------------------------------------------

  private hostSend(x: SendCtx, via: HostIf, frame: Uint8Array): void {
    if (!this.nicHop(x, "nic-send", via, frame)) return;
    if (via.kind === "host-vnic") {
      this.switchTraverse(x, via.vswitch!, hostVnicPort(via.vnic!), frame);
    } else {
      this.toWorld(x, via.nic!, frame);
    }
  }

  private isHostIp(ip: string): boolean {
    return this.hostIfs.some((h) => h.ip === ip);
  }

  private hostStackReceive(x: SendCtx, ifc: HostIf, frame: Uint8Array): void {
    const p = peek(frame);
    if (p.arp) {
      if (p.arp.targetIp === ifc.ip || (p.arp.op === 2 && sameMac(p.dstMac, ifc.mac))) {
        this.hop(x, { kind: "host-stack", frame, nic: ifc, note: `ARP ${p.arp.op === 1 ? "request" : "reply"} taken by the host stack on ${ifc.name}` });
        x.j.deliveries.push({ party: { kind: "host" }, frame, via: ifc, ticks: this.t });
      } else {
        this.hop(x, { kind: "host-stack", frame, nic: ifc, note: `ARP for ${p.arp.targetIp} ignored by the host (not its address)` });
      }
      return;
    }
    if (p.ipVersion !== 4) {
      this.hop(x, { kind: "host-stack", frame, nic: ifc, note: "not IPv4: the lab's host stack ignores it" });
      return;
    }
    const natNet = this.scn.networks.find((n) => n.driver === "nat" && n.vswitch.hostVnic === ifc.vnic);
    if (this.isHostIp(p.dst)) {
      // Strong host model (Windows' default): a physical interface takes only packets for its own address.
      if (ifc.kind === "physical" && p.dst !== ifc.ip) {
        this.wait(this.delay(DELAY.nicToStack));
        const owner = this.hostIfs.find((h) => h.ip === p.dst)!;
        this.hop(x, { kind: "host-stack", frame, nic: ifc, note: `strong host model: ${p.dst} belongs to ${owner.name}, not ${ifc.name}; the stack discards it` });
        x.j.fate = { kind: "dropped", reason: null, reasonName: `arrived on ${ifc.name} for ${owner.name}'s address (strong host model)`, by: "host", at: ifc.name, ticks: this.t };
        return;
      }
      // Inbound to a published port (WinNAT static mapping) or the reply to a NATed flow.
      const inbound = this.natInbound(p, frame);
      if (inbound && ifc.kind !== "host-vnic") {
        const s = inbound.table.inbound(p.proto, p.proto === IpProto.ICMP ? icmpId(frame, p) : p.dport)!;
        const npf = s.configured ? this.find("noPortForward", (f) => f.container === s.owner && (f.port === null || f.port === s.externalPort)) : null;
        if (npf) {
          this.hit(npf, x.j.id);
          this.wait(this.delay(DELAY.nicToStack));
          this.hop(x, { kind: "host-stack", frame, nic: ifc, note: `WinNAT ${inbound.net.natName}: static mapping ${p.dst}:${s.externalPort} → ${s.internalIp}:${s.internalPort} is configured but not applied (fault: noPortForward); nothing listens on the host, the firewall drops it silently` });
          x.j.fate = { kind: "dropped", reason: null, reasonName: `WinNAT did not forward ${s.externalPort}/${p.proto === IpProto.TCP ? "tcp" : "udp"} to ${s.owner}`, by: "WinNAT", at: inbound.net.natName ?? "WinNAT", ticks: this.t };
          return;
        }
        this.winnatInbound(x, inbound.net, inbound.table, frame, p);
        return;
      }
      // A container's packet to the host's own external address and a published port (NAT loopback / hairpin).
      const nh = inbound && natNet && p.dst !== ifc.ip ? this.find("noHairpin") : null;
      if (nh && inbound) {
        const s = inbound.table.inbound(p.proto, p.proto === IpProto.ICMP ? icmpId(frame, p) : p.dport)!;
        if (s.configured) {
          this.hit(nh, x.j.id);
          this.wait(this.delay(DELAY.nicToStack));
          this.hop(x, { kind: "host-stack", frame, nic: ifc, note: `WinNAT ${inbound.net.natName} does not hairpin: ${p.dst}:${s.externalPort} (→ ${s.owner} ${s.internalIp}:${s.internalPort}) is not translated for a packet from inside; nothing listens on the host, the firewall drops it silently` });
          x.j.fate = { kind: "dropped", reason: null, reasonName: `WinNAT does not hairpin ${p.dst}:${s.externalPort}`, by: "WinNAT", at: inbound.net.natName ?? "WinNAT", ticks: this.t };
          return;
        }
      }
      if (inbound && ifc.kind === "host-vnic" && !natNet) {
        this.winnatInbound(x, inbound.net, inbound.table, frame, p);
        return;
      }
      this.wait(this.delay(DELAY.nicToStack));
      this.hop(x, { kind: "host-stack", frame, nic: ifc, note: `delivered to the host's TCP/IP stack (${p.dst})` });
      x.j.deliveries.push({ party: { kind: "host" }, frame, via: ifc, ticks: this.t });
      return;
    }
    if (natNet) {
      const f = this.dropFault(x, ["winnat"]);
      if (f) {
        this.hop(x, { kind: "drop", frame, nic: ifc, drop: { reason: f.reason, by: "WinNAT", side: "ingress" } });
        x.j.fate = { kind: "dropped", reason: f.reason, reasonName: DROP_REASONS[f.reason] ?? String(f.reason), by: "WinNAT", at: natNet.natName ?? "WinNAT", ticks: this.t };
        return;
      }
      const table = this.winnat.get(natNet)!;
      const out = this.route(p.dst);
      const port = p.proto === IpProto.ICMP ? icmpId(frame, p) : p.sport;
      const c = this.scn.containers.find((k) => k.ip === p.src);
      const { session, created } = table.outbound(p.proto, p.src, port, out.via.ip, c?.name ?? p.src, c?.compartment ?? 1);
      let f2 = natRewrite(frame, p.proto === IpProto.ICMP ? { src: out.via.ip, icmpId: session.externalPort, ttlDec: true } : { src: out.via.ip, sport: session.externalPort, ttlDec: true });
      f2 = setMacs(f2, out.via.mac, out.nextHop);
      this.wait(this.delay(DELAY.nat));
      const extPort = session.externalPort;
      this.hop(x, {
        kind: "winnat", frame: f2, nic: ifc,
        nat: { created, proto: p.proto, internalSrc: `${p.src}:${port}`, internalDst: `${p.dst}:${p.proto === IpProto.ICMP ? port : p.dport}`, externalSrc: `${out.via.ip}:${extPort}`, externalDst: `${p.dst}:${p.proto === IpProto.ICMP ? extPort : p.dport}`, compartment: session.compartment },
        note: `WinNAT ${natNet.natName}: ${created ? "new session" : "existing session"}`,
      });
      this.diffRewrites(x, frame, f2, "WinNAT");
      this.wait(this.delay(DELAY.stackToNic));
      this.hostSend(x, out.via, f2);
      return;
    }
    this.wait(this.delay(DELAY.nicToStack));
    this.hop(x, { kind: "host-stack", frame, nic: ifc, note: `no route: the host does not forward between ${ifc.name} and other networks` });
    x.j.fate = { kind: "dropped", reason: null, reasonName: "host does not forward (no NAT on this network)", by: "host", at: ifc.name, ticks: this.t };
  }

  private natInbound(p: Peek, frame: Uint8Array): { net: Network; table: NatTable } | null {
    for (const [net, table] of this.winnat) {
      const port = p.proto === IpProto.ICMP ? icmpId(frame, p) : p.dport;
      const s = table.inbound(p.proto, port);
      if (s && s.externalIp === p.dst) return { net, table };
    }
    return null;
  }

  private winnatInbound(x: SendCtx, net: Network, table: NatTable, frame: Uint8Array, p: Peek): void {
    const port = p.proto === IpProto.ICMP ? icmpId(frame, p) : p.dport;
    const s = table.inbound(p.proto, port)!;
    const vnic = net.vswitch.hostVnic!;
    const c = this.scn.containers.find((k) => k.ip === s.internalIp);
    let f2 = natRewrite(frame, p.proto === IpProto.ICMP ? { dst: s.internalIp, icmpId: s.internalPort, ttlDec: true } : { dst: s.internalIp, dport: s.internalPort, ttlDec: true });
    f2 = setMacs(f2, vnic.mac, c ? c.mac : BROADCAST_MAC);
    this.wait(this.delay(DELAY.nat));
    const ifc = this.hostIfs.find((h) => h.vnic === vnic)!;
    this.hop(x, {
      kind: "winnat", frame: f2, nic: ifc,
      nat: { created: false, proto: p.proto, internalSrc: `${s.internalIp}:${s.internalPort}`, internalDst: `${p.src}:${p.sport}`, externalSrc: `${p.dst}:${port}`, externalDst: `${p.src}:${p.sport}`, compartment: s.compartment },
      note: `WinNAT ${net.natName}: ${s.configured ? "static mapping (published port)" : "reply to a NATed flow"} → ${s.internalIp}:${s.internalPort}`,
    });
    this.diffRewrites(x, frame, f2, "WinNAT");
    this.wait(this.delay(DELAY.stackToNic));
    this.hostSend(x, ifc, f2);
  }

  // ---- outside the host ------------------------------------------------------------------------------------

  /** A frame leaves through a physical adapter. */
  private toWorld(x: SendCtx, adapter: PhysNic, wireFrame: Uint8Array): void {
    const frame = removeVlanTag(wireFrame);
    const p = peek(frame);
    if (p.ipVersion === 4 && !isBroadcast(p.srcMac)) this.routerArp.set(p.src, frame.slice(6, 12));
    // l2tunnel: the physical switch sends container-to-container frames back in (hairpin).
    const local = this.scn.containers.find((c) => sameMac(c.mac, p.dstMac) && c.network.adapter === adapter);
    if (local && local.network.driver === "l2tunnel") {
      this.hop(x, { kind: "wire", frame: wireFrame, nic: this.physIf(adapter), note: "hairpinned by the physical switch back to the host" });
      this.wait(60);
      this.fromWire(x, adapter, wireFrame);
      return;
    }
    if (p.arp) {
      this.hop(x, { kind: "wire", frame: wireFrame, nic: this.physIf(adapter), note: "broadcast on the physical network" });
      const silent = p.arp.targetIp === adapter.gateway ? this.noArpReply(p.arp.targetIp) : null;
      if (silent) this.hit(silent, x.j.id);
      if (p.arp.targetIp === adapter.gateway && !silent) {
        this.wait(1_500);
        x.j.deliveries.push({ party: { kind: "router" }, frame, ticks: this.t });
      }
      return;
    }
    const nb = p.ipVersion === 4 ? this.neighbor(p.dst, adapter) : undefined;
    if (nb && sameMac(p.dstMac, this.externalMac(nb))) {
      this.hop(x, { kind: "wire", frame: wireFrame, nic: this.physIf(adapter), note: `to ${nb.name} on the same subnet` });
      this.wait(nb.rttTicks / 2);
      x.j.deliveries.push({ party: { kind: "external", e: nb }, frame, ticks: this.t });
      return;
    }
    const toRouter = sameMac(p.dstMac, adapter.gatewayMac);
    const remoteHost = this.scn.networks.flatMap((n) => n.remoteHosts).find((h) => h.pa === p.dst);
    if (remoteHost && (toRouter || sameMac(p.dstMac, remoteHost.mac))) {
      this.hop(x, { kind: "wire", frame: wireFrame, nic: this.physIf(adapter), note: `to remote host ${remoteHost.name} (PA ${remoteHost.pa})` });
      this.wait(remoteHost.rttTicks / 2);
      if (!p.vxlan) {
        x.j.fate = { kind: "lost", note: `reached ${remoteHost.name} without VXLAN encapsulation; it is not for the host`, ticks: this.t };
        return;
      }
      const inner = vxlanDecap(frame);
      const q = peek(inner);
      const ep = remoteHost.endpoints.find((e) => e.ip === q.dst && e.network.vni === p.vxlan!.vni);
      this.hop(x, { kind: "remote", frame: inner, note: `decapsulated by ${remoteHost.name} (VNI ${p.vxlan.vni})` });
      if (ep) x.j.deliveries.push({ party: { kind: "remote", r: ep }, frame: inner, ticks: this.t });
      else x.j.fate = { kind: "lost", note: `${remoteHost.name} has no endpoint ${q.dst} in VNI ${p.vxlan.vni}`, ticks: this.t };
      return;
    }
    if (toRouter && p.ipVersion === 4) {
      const e = this.scn.external.find((h) => h.ip === p.dst);
      this.hop(x, { kind: "wire", frame: wireFrame, nic: this.physIf(adapter), note: `to the gateway ${adapter.gateway}` });
      if (e) {
        this.wait(e.rttTicks / 2);
        x.j.deliveries.push({ party: { kind: "external", e }, frame, ticks: this.t });
      } else {
        const ep = this.remoteEndpoints().find((r) => r.ip === p.dst);
        x.j.fate = { kind: "lost", note: ep ? `left the host without VXLAN encapsulation: the underlay has no route to the overlay address ${p.dst}` : `no host answers at ${p.dst}`, ticks: this.t };
      }
      return;
    }
    this.hop(x, { kind: "wire", frame: wireFrame, nic: this.physIf(adapter), note: `on the physical network to ${macText(p.dstMac)}` });
    const ep = this.remoteEndpoints().find((r) => sameMac(r.mac, p.dstMac) || r.ip === p.dst);
    x.j.fate = { kind: "lost", note: ep ? `left the host without VXLAN encapsulation (inner ${p.src} → ${p.dst}); nothing on the underlay owns ${macText(p.dstMac)}` : `nothing on the physical network owns ${macText(p.dstMac)}`, ticks: this.t };
  }

  private physIf(a: PhysNic): HostIf {
    return { kind: "physical", name: a.name, ifIndex: a.ifIndex, mac: a.mac, ip: a.ip, nic: a };
  }

  /** A frame arriving at a host adapter from the physical network. */
  private fromWire(x: SendCtx, adapter: PhysNic, frame: Uint8Array): void {
    if (!this.nicHop(x, "nic-recv", this.physIf(adapter), frame)) return;
    const sw = this.scn.switches.find((s) => s.external?.adapter === adapter);
    if (sw) this.switchTraverse(x, sw, this.externalPort(sw), frame);
    else this.hostStackReceive(x, this.hostIfs.find((h) => h.nic === adapter)!, frame);
  }

  /** External host (or the router) sends `frame` (already addressed to the host side). */
  private fromWorld(x: SendCtx, frame00: Uint8Array): void {
    const p = peek(frame00);
    const dst = p.dst || p.arp?.targetIp || "";
    let adapter = this.adapterFor(dst);
    let frame0 = frame00;
    // asymmetric: the outside routes this traffic item's packets back to the host through the other NIC.
    const asym = this.find("asymmetric", (f) => f.traffic === x.j.trafficId);
    const via = asym ? this.scn.host.nics.find((n) => n.name === asym.via) : undefined;
    if (asym && via && via !== adapter) {
      this.hit(asym, x.j.id);
      adapter = via;
      frame0 = setMacs(frame00, via.gatewayMac, via.mac);
    }
    // A container on a VLAN-isolated network is reached with the 802.1Q tag on the wire.
    const tagged = this.scn.containers.find((c) => c.ip === dst && c.network.adapter === adapter && c.network.vlan !== null);
    const frame = tagged && p.vlan === null ? addVlanTag(frame0, tagged.network.vlan!) : frame0;
    const from = this.scn.external.find((e) => e.ip === p.src);
    this.hop(x, { kind: "wire", frame, nic: this.physIf(adapter), note: `from ${from ? from.name : p.src}${from && this.neighbor(from.ip, adapter) ? " on the same subnet" : ` via the gateway ${adapter.gateway}`}` });
    this.wait(from ? from.rttTicks / 2 : 1_500);
    this.fromWire(x, adapter, frame);
  }

  /** The adapter a packet for `ip` arrives on. */
  adapterFor(ip: string): PhysNic {
    const c = this.scn.containers.find((k) => k.ip === ip && k.network.adapter);
    if (c) return c.network.adapter!;
    return this.scn.host.nics.find((n) => n.ip === ip || inSubnet(ip, `${n.ip}/${n.prefix}`)) ?? (this.defaultRoute().nic ?? this.defaultRoute().vswitch!.external!.adapter);
  }

  /** Source MAC of a frame an external host sends towards `dst`: its own on the same subnet, else the router's. */
  externalSrcMac(e: ExternalHost, dst: string): Uint8Array {
    const a = this.adapterFor(dst);
    return this.neighbor(e.ip, a) ? this.externalMac(e) : a.gatewayMac;
  }

  /** MAC the physical network uses to reach `ip` on this host. */
  wireMacFor(ip: string): Uint8Array {
    const learned = this.routerArp.get(ip);
    if (learned) return learned;
    const c = this.scn.containers.find((k) => k.ip === ip);
    if (c && c.network.adapter && c.network.driver !== "l2bridge") return c.mac;
    return this.adapterFor(ip).mac;
  }

  /** A remote overlay endpoint sends an inner frame: its host encapsulates it to this host's PA. */
  private fromRemote(x: SendCtx, r: RemoteEndpoint, inner: Uint8Array): void {
    const adapter = r.network.adapter!;
    const sameL2 = inSubnet(r.host.pa, `${adapter.ip}/${adapter.prefix}`);
    const outer = vxlanEncap({
      outerSrcMac: sameL2 ? r.host.mac : adapter.gatewayMac, outerDstMac: adapter.mac, srcPa: r.host.pa, dstPa: adapter.ip, vni: r.network.vni!,
      sport: 49152 + (flowHash(inner) % 16384), id: this.nextIpId(`pa:${r.host.pa}`), inner,
    });
    this.hop(x, { kind: "remote", frame: inner, note: `${r.name} on ${r.host.name} sends; ${r.host.name} encapsulates (VNI ${r.network.vni}) to PA ${adapter.ip}` });
    this.hop(x, { kind: "wire", frame: outer, nic: this.physIf(adapter), note: `VXLAN from ${r.host.pa}` });
    this.wait(r.host.rttTicks / 2);
    this.fromWire(x, adapter, outer);
  }

  // ---- rewrites --------------------------------------------------------------------------------------------

  /** Record rewrites (the ground truth needs them; --scale repetitions after the first do not). */
  detail = true;

  private rewrite(x: SendCtx, by: Rewrite["by"], field: string, from: string, to: string): void {
    if (!this.detail) return;
    x.j.rewrites.push({ hop: x.j.hops.length - 1, by, field, from, to });
  }

  private diffRewrites(x: SendCtx, a: Uint8Array, b: Uint8Array, by: Rewrite["by"]): void {
    if (!this.detail) return;
    const p = peek(a), q = peek(b);
    if (!sameMac(p.srcMac, q.srcMac)) this.rewrite(x, by, "source MAC", macText(p.srcMac), macText(q.srcMac));
    if (!sameMac(p.dstMac, q.dstMac)) this.rewrite(x, by, "destination MAC", macText(p.dstMac), macText(q.dstMac));
    if (p.src !== q.src) this.rewrite(x, by, "source IPv4", p.src, q.src);
    if (p.dst !== q.dst) this.rewrite(x, by, "destination IPv4", p.dst, q.dst);
    if (p.sport !== q.sport) this.rewrite(x, by, "source port", String(p.sport), String(q.sport));
    if (p.dport !== q.dport) this.rewrite(x, by, "destination port", String(p.dport), String(q.dport));
    if (p.proto === IpProto.ICMP && q.proto === IpProto.ICMP && p.l4 > 0 && q.l4 > 0) {
      const ia = icmpId(a, p), ib = icmpId(b, q);
      if (ia !== ib) this.rewrite(x, by, "ICMP identifier", String(ia), String(ib));
    }
    if (p.ipVersion === 4 && q.ipVersion === 4 && a[p.l3 + 8] !== b[q.l3 + 8]) this.rewrite(x, by, "IPv4 TTL", String(a[p.l3 + 8]), String(b[q.l3 + 8]));
  }

  /** Forgets dynamic NAT sessions (between --scale repetitions). */
  expireSessions(): void {
    for (const t of this.winnat.values()) t.expire();
    for (const t of this.vfpNat.values()) t.expire();
  }
}

export function containerPort(c: Container): PortEnd {
  return { kind: "container", nicName: c.nicName, nicFriendlyName: c.nicFriendlyName, portName: c.portName, portFriendlyName: c.portFriendlyName, portId: c.portId, nicType: "Synthetic", mac: c.mac, container: c };
}

export function hostVnicPort(v: HostVnic): PortEnd {
  return { kind: "host-vnic", nicName: v.nicName, nicFriendlyName: v.nicFriendlyName, portName: v.portName, portFriendlyName: v.portFriendlyName, portId: v.portId, nicType: "Internal", mac: v.mac, hostVnic: v };
}

/** The access VLAN of a port (null: untagged). */
function portVlan(p: PortEnd): number | null {
  return p.container ? p.container.network.vlan : null;
}

/** A MAC as a number (48 bits fit a double exactly): the MAC learning table's key. */
function macKey(m: Uint8Array): number {
  return ((m[0] << 8) | m[1]) * 4294967296 + (((m[2] << 24) | (m[3] << 16) | (m[4] << 8) | m[5]) >>> 0);
}

function icmpId(f: Uint8Array, p: Peek): number {
  return p.l4 > 0 && f.length >= p.l4 + 6 ? (f[p.l4 + 4] << 8) | f[p.l4 + 5] : 0;
}

/** The ACL rule id that blocks this packet at the container's port, or null. */
function aclVerdict(c: Container, p: Peek, direction: "In" | "Out"): string | null {
  if (c.acls.length === 0 || p.ipVersion !== 4) return null;
  const remote = direction === "In" ? p.src : p.dst;
  const localPort = direction === "In" ? p.dport : p.sport;
  const proto = p.proto === IpProto.ICMP ? "icmp" : p.proto === IpProto.TCP ? "tcp" : p.proto === IpProto.UDP ? "udp" : "other";
  const rules = [...c.acls].sort((a, b) => a.priority - b.priority);
  for (const r of rules) {
    if (r.direction !== direction) continue;
    if (r.protocol !== "any" && r.protocol !== proto) continue;
    if (r.remote && !inSubnet(remote, r.remote)) continue;
    if (r.port !== null && r.port !== localPort) continue;
    return r.action === "Block" ? r.id : null;
  }
  return null;
}

export type { Delivery, Fate, ExternalHost };
void EtherType;
void decTtl;
