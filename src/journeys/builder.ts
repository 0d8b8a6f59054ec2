/**
 * The streaming journey builder. Feed it, in time order, packet records (NDIS 1001 frames, VMSwitch 1003
 * fragments, pktmon 160/170 appearances) and VmSwitch NBL/drop events; it calls `emit` with each journey once
 * it is complete and forgets it. Only open journeys are held, so memory stays flat on multi-GB captures.
 *
 * netsh / NetEventSession captures (providers.md §8):
 *   - VmSwitch 56 (received) opens a vSwitch traversal keyed by the NBL address (BufferAddress); 57 (routed) and
 *     58 (delivered) with the same address belong to it. A new 56 for an address starts a new traversal: the
 *     kernel recycles NBLs. Several 57/58 for one 56 are a fan-out (broadcast, multicast): the hops form a tree.
 *     240/241/242 are taken as variants of 56/58/57 (same templates; their meaning is not documented).
 *   - An NDIS 1003 fragment carries no NBL: it is attached to the VmSwitch event just before it on the same CPU
 *     and thread, within `adjacencyTicks`, when its SourceNicName agrees with the event's (source) NIC.
 *   - VmSwitch 54/55 (packet dropped: NIC, switch, DropReason, no NBL) end the traversal that was last active
 *     on the same CPU and switch within `dropAdjacencyTicks`.
 *   - Sightings on host NICs (NDIS 1001) and traversals of other switches are linked to an open journey by
 *     content within `windowTicks`: the same frame bytes (an 802.1Q tag ignored: the vSwitch carries VLANs out
 *     of band), or, for NDIS frames, the same NAT-invariant key (IPv4 id, length and transport payload — what
 *     WinNAT leaves alone when it rewrites addresses, ports, TTL and MACs).
 *   - A journey is complete when nothing joined it for `windowTicks` and no traversal waits for its 57/58/drop;
 *     a waiting one is flushed as unfinished after `lifetimeTicks`, and so is any journey older than that.
 * pktmon captures:
 *   - appearances group by (PktGroupId, PktNumber) and are ordered by AppearanceCount; an appearance 1 (or a
 *     repeated number) for an open group starts a new journey (group ids are reused too);
 *   - Windows 11 26100 logs AppearanceCount 0 and a fresh PktGroupId for every sighting: such sightings are
 *     chained when the same bytes show up again on the same CPU within `zeroWindowTicks` at a component+edge+
 *     direction the chain has not visited yet (so a packet's way down a NIC's filter stack is one journey, while
 *     identical retransmissions at one place stay apart); a change of bytes (802.11 → Ethernet) starts anew;
 *   - each hop is a component + edge + direction; 170 is a drop (DropReason, DropLocation).
 */
import type { PacketRecord, PktmonComponents } from "../packets/mod.js";
import { Dissection, newDissecter, summarize } from "../packets/mod.js";
import type { Change, Fate, Flavor, Hop, HopFrame, HopKind, HopWhere, Journey, Rewrite } from "./types.js";
import type { FrameFacts, PacketDescription } from "./facts.js";
import { addressed, describeFacts, diffFacts, frameFacts, frameHash, natInvariantHash, sameBytes, sameFrame } from "./facts.js";
import { HopNamer, TraceNames, componentSwitch, isVfp } from "./names.js";
import { dropExplanation, dropReasonName } from "./reasons.js";
import { IsoClock } from "./clock.js";

/** A VmSwitch NBL or drop event, parsed (the reader reuses one object). */
export interface VmsEvent {
  id: number;
  ticks: number;
  cpu: number;
  tid: number;
  /** NBL address: halves and a 53-bit map key (56/57/58/240–242). */
  nblHi: number;
  nblLo: number;
  nblKey: number;
  /** The NIC (56/58/240/241/54/55: NicName; 57/242: DestNicName) and its friendly name. */
  nic: string;
  nicF: string;
  /** 57/242: the source NIC. */
  srcNic: string;
  srcNicF: string;
  switchName: string;
  switchF: string;
  /** 54/55. */
  dropReason: number;
  /**
   * An object that stands for the event's names (same object ⇔ same NIC/switch names): hops at the same place
   * share one `where` object. null: no such identity (a fresh `where` per hop).
   */
  place: object | null;
}

export interface JourneyBuilderOptions {
  /** Quiet time after which a journey is complete, and the window for linking sightings by content (default 1 ms). */
  readonly windowTicks?: number;
  /** Longest a journey stays open (default 1 s of trace time). */
  readonly lifetimeTicks?: number;
  /** 1003 fragment after its VmSwitch event (default 10 µs). */
  readonly adjacencyTicks?: number;
  /** VmSwitch 54/55 after the traversal it ends (default 100 µs). */
  readonly dropAdjacencyTicks?: number;
  /** Chaining of pktmon appearance-0 sightings (default 1 ms). */
  readonly zeroWindowTicks?: number;
  /** Trace start (FILETIME) for hop times; without it times are relative ("+0.0001234s"). */
  readonly startTime?: bigint;
  /** Names: trace tables (and inventory). Default: trace tables only. */
  readonly namer?: HopNamer;
  /** One-line tcpdump-style summary on every hop's frame (default true). */
  readonly frameSummaries?: boolean;
  /** Marks journeys with a hop whose packet matches (a -Y display filter). */
  readonly match?: (p: PacketRecord) => boolean;
  /** pktmon component table (for hop kinds and switch names). */
  readonly components?: PktmonComponents | null;
}

export interface JourneyStats {
  journeys: number;
  hops: number;
  delivered: number;
  dropped: number;
  unfinished: number;
  /** 1003 fragments attached to a VmSwitch event / left alone. */
  fragmentsAttached: number;
  fragmentsAlone: number;
  /** Sightings joined to a journey by identical bytes / by the NAT-invariant key. */
  linkedByBytes: number;
  linkedByNat: number;
  /** Journeys flushed because they outlived the lifetime. */
  expired: number;
  /** Most journeys open at once. */
  maxOpen: number;
}

interface Group {
  j: Open | null;
  key: number;
  hi: number;
  lo: number;
  /** "0x…" text of the NBL address, made when the journey is finished. */
  text: string;
  /** Every hop of this traversal (switch-in, switch-outs, drops), for 58 matching and NBL texts. */
  hops: Hop[];
  switchName: string;
  /** Index of the switch-in hop (-1: the traversal started before the capture). */
  inHop: number;
  last: number;
  routed: boolean;
  undelivered: number;
  superseded: boolean;
}

interface Pending {
  cpu: number;
  tid: number;
  ticks: number;
  /** The NIC the fragment should name: the source NIC (and for a 57, its destination NIC is accepted too). */
  nic: string;
  alt: string;
  hop: Hop;
  group: Group;
  /** null: a switch-in not yet joined to a journey (its bytes decide which). */
  j: Open | null;
}

interface Link {
  j: Open;
  hop: number;
  ticks: number;
  bytes: Uint8Array;
  cpu: number;
}

interface Open {
  id: number;
  flavor: Flavor;
  /** The journey key, or the NBL traversal it is named after (its text is made when the journey is finished). */
  key: string | Group;
  hops: Hop[];
  start: number;
  last: number;
  nbls: string[];
  groups: Group[];
  frameKeys: number[];
  invKeys: number[];
  pktKey: string | null;
  lastAppearance: number;
  /** Traversals waiting for 57/drop, switch-outs waiting for 58. */
  waiting: number;
  matched: boolean;
  done: boolean;
}

/** Shared by every hop without changes (never mutated: a hop with changes gets its own array). */
const NO_CHANGES = Object.freeze([]) as unknown as Change[];
const NO_REWRITES: Rewrite[] = [];
/** Shared empty lists of an open journey (replaced by its own array on first use; never pushed to). */
const NONE_S: string[] = [];
const NONE_N: number[] = [];
const NONE_G: never[] = [];

const VMS_IN = new Set([56, 240]);
const VMS_ROUTE = new Set([57, 242]);
const VMS_OUT = new Set([58, 241]);

/** pktmon direction tags. */
const DIR_IN = new Set([1, 3, 5]);

function nicAgree(a: string, b: string): boolean {
  return !a || !b || a === b || a.toLowerCase() === b.toLowerCase();
}

const HEX2: string[] = [];
for (let i = 0; i < 256; i++) HEX2.push(i.toString(16).padStart(2, "0"));

function nblText(hi: number, lo: number): string {
  return "0x" + HEX2[(hi >>> 24) & 255] + HEX2[(hi >>> 16) & 255] + HEX2[(hi >>> 8) & 255] + HEX2[hi & 255] + HEX2[(lo >>> 24) & 255] + HEX2[(lo >>> 16) & 255] + HEX2[(lo >>> 8) & 255] + HEX2[lo & 255];
}

export class JourneyBuilder {
  readonly stats: JourneyStats = {
    journeys: 0, hops: 0, delivered: 0, dropped: 0, unfinished: 0, fragmentsAttached: 0, fragmentsAlone: 0, linkedByBytes: 0, linkedByNat: 0, expired: 0, maxOpen: 0,
  };
  readonly names: TraceNames;
  private readonly namer: HopNamer;
  private readonly window: number;
  private readonly lifetime: number;
  private readonly adjacency: number;
  private readonly dropAdjacency: number;
  private readonly zeroWindow: number;
  private sinceSweep = 0;
  private readonly summaries: boolean;
  private readonly match?: (p: PacketRecord) => boolean;
  private readonly clock: IsoClock | null;
  private readonly emitFn: (j: Journey) => void;
  private components: PktmonComponents | null;

  private readonly open = new Map<number, Open>();
  private readonly byNbl = new Map<number, Group>();
  private readonly byFrame = new Map<number, Link>();
  private readonly byInv = new Map<number, Link>();
  private readonly byPkt = new Map<string, Open>();
  private readonly byZero = new Map<number, Link>();
  private readonly lastGroupByCpu = new Map<number, Group>();
  private readonly pend: (Pending | null)[] = [];
  private pendCount = 0;
  private nextId = 0;
  private now = 0;
  private nextSweep = 0;
  /** Shared `where` objects per place: VmSwitch events (by kind and names), NDIS interfaces (ifIndex × direction). */
  private readonly vmsPlaces = [new WeakMap<object, HopWhere>(), new WeakMap<object, HopWhere>(), new WeakMap<object, HopWhere>(), new WeakMap<object, HopWhere>(), new WeakMap<object, HopWhere>()];
  private readonly ndisPlaces = new Map<number, HopWhere>();
  /** Hop kind and where per pktmon (component, edge, dirTag, drop). */
  private readonly pmPlaces = new Map<number, { kind: HopKind; where: HopWhere; switchName: string | undefined }>();

  // finalization scratch: the distinct frames of the journey being finished, their facts and summaries
  private readonly dis = newDissecter();
  private readonly d = new Dissection();
  private readonly fBytes: (Uint8Array | null)[] = new Array(16).fill(null);
  private readonly fFacts: (FrameFacts | null)[] = new Array(16).fill(null);
  private readonly fSummary: (string | undefined)[] = new Array(16).fill(undefined);
  private fN = 0;
  private desc: PacketDescription | null = null;
  private described = false;

  constructor(emit: (j: Journey) => void, o: JourneyBuilderOptions = {}) {
    this.emitFn = emit;
    this.window = o.windowTicks ?? 10_000;
    this.lifetime = o.lifetimeTicks ?? 10_000_000;
    this.adjacency = o.adjacencyTicks ?? 100;
    this.dropAdjacency = o.dropAdjacencyTicks ?? 1_000;
    this.zeroWindow = o.zeroWindowTicks ?? 10_000;
    this.summaries = o.frameSummaries ?? true;
    this.match = o.match;
    this.clock = o.startTime !== undefined ? new IsoClock(o.startTime) : null;
    this.namer = o.namer ?? new HopNamer(new TraceNames());
    this.names = this.namer.trace;
    this.components = o.components ?? this.names.components;
    if (this.components) this.names.components = this.components;
  }

  /** The pktmon component table (the reader learns it from the end of the file). */
  setComponents(c: PktmonComponents): void {
    this.components = c;
    this.names.components = c;
    this.pmPlaces.clear();
  }

  /** Number of journeys currently open. */
  get openCount(): number {
    return this.open.size;
  }

  // ---- time ----------------------------------------------------------------------------------------------

  private tick(now: number): void {
    if (now > this.now) this.now = now;
    if (this.pendCount > 0) {
      const limit = this.now - this.adjacency;
      for (let c = 0; c < this.pend.length; c++) {
        const p = this.pend[c];
        if (p && p.ticks < limit) this.resolvePending(c);
      }
    }
    // Also every 64k packets: when time stands still or runs back (a clock jump, concatenated captures), the
    // time-driven sweep never comes and open journeys would pile up.
    if (this.now >= this.nextSweep || ++this.sinceSweep >= 65536) {
      this.sweep(false);
      this.sinceSweep = 0;
      this.nextSweep = this.now + (this.window >> 1 || 1);
    }
  }

  private sweep(final: boolean): void {
    if (final) {
      for (let c = 0; c < this.pend.length; c++) if (this.pend[c]) this.resolvePending(c);
    }
    const now = this.now;
    for (const j of this.open.values()) {
      if (final) this.finalize(j, false);
      else if (now - j.start > this.lifetime) this.finalize(j, true);
      else if (now - j.last > this.window && (j.waiting <= 0 || now - j.last > this.lifetime)) this.finalize(j, false);
    }
  }

  /** End of the capture: every open journey is finished (traversals still waiting are unfinished). */
  finish(): void {
    this.sweep(true);
  }

  // ---- journeys ------------------------------------------------------------------------------------------

  private newJourney(flavor: Flavor, key: string | Group, hop: Hop): Open {
    const j: Open = {
      id: ++this.nextId, flavor, key, hops: [], start: hop.ticks, last: hop.ticks, nbls: NONE_S, groups: NONE_G, frameKeys: NONE_N, invKeys: NONE_N,
      pktKey: null, lastAppearance: 0, waiting: 0, matched: false, done: false,
    };
    this.open.set(j.id, j);
    if (this.open.size > this.stats.maxOpen) this.stats.maxOpen = this.open.size;
    this.attach(j, hop, -1);
    return j;
  }

  private attach(j: Open, hop: Hop, parent: number): void {
    hop.index = j.hops.length;
    hop.parent = parent;
    j.hops.push(hop);
    if (hop.ticks > j.last) j.last = hop.ticks;
    this.stats.hops++;
  }

  private hop(kind: HopKind, ticks: number, cpu: number, where: HopWhere, eventId: number): Hop {
    return { index: 0, parent: -1, kind, ticks, time: "", latencyTicks: 0, cpu, where, eventIds: [eventId], changes: NO_CHANGES };
  }

  /** Remembers the frame a hop showed (and, for frames the host received, their NAT-invariant key) for later sightings. */
  private register(j: Open, hop: Hop, bytes: Uint8Array, hash = frameHash(bytes)): void {
    if (this.remember(this.byFrame, j, hop, bytes, hash)) {
      if (j.frameKeys === NONE_N) j.frameKeys = [hash];
      else j.frameKeys.push(hash);
    }
    // WinNAT rewrites what the host received (a 1001 Receive) into what it sends (a 1001 Send).
    if (hop.kind === "nic-recv") {
      const inv = natInvariantHash(bytes);
      if (inv && this.remember(this.byInv, j, hop, bytes, inv)) {
        if (j.invKeys === NONE_N) j.invKeys = [inv];
        else j.invKeys.push(inv);
      }
    }
  }

  /** Points key `k` at this hop; true when the key is new for the journey (it must forget it when done). */
  private remember(m: Map<number, Link>, j: Open, hop: Hop, bytes: Uint8Array, k: number): boolean {
    const l = m.get(k);
    if (l && l.j === j) {
      l.hop = hop.index;
      l.ticks = hop.ticks;
      l.bytes = bytes;
      l.cpu = hop.cpu;
      return false;
    }
    m.set(k, { j, hop: hop.index, ticks: hop.ticks, bytes, cpu: hop.cpu });
    return true;
  }

  /** Joins a sighting to the open journey that last showed the same frame (or, with `nat`, the same NAT-invariant key), or starts one. */
  private linkOrNew(hop: Hop, bytes: Uint8Array | null, nat: boolean, key: string | Group): Open {
    if (!bytes) return this.newJourney("netsh", key, hop);
    const hash = frameHash(bytes);
    const l = this.byFrame.get(hash);
    if (l && !l.j.done && hop.ticks - l.ticks <= this.window && sameFrame(l.bytes, bytes)) {
      this.stats.linkedByBytes++;
      this.attach(l.j, hop, l.hop);
      this.register(l.j, hop, bytes, hash);
      return l.j;
    }
    if (nat) {
      const inv = natInvariantHash(bytes);
      const m = inv ? this.byInv.get(inv) : undefined;
      if (m && !m.j.done && hop.ticks - m.ticks <= this.window) {
        this.stats.linkedByNat++;
        this.attach(m.j, hop, m.hop);
        this.register(m.j, hop, bytes, hash);
        return m.j;
      }
    }
    const j = this.newJourney("netsh", key, hop);
    this.register(j, hop, bytes, hash);
    return j;
  }

  private frameOf(p: PacketRecord): { bytes: Uint8Array; length: number; linkType: number } {
    return { bytes: p.bytes, length: p.originalLength, linkType: p.linkType };
  }

  // ---- netsh: VmSwitch events ----------------------------------------------------------------------------

  /** The `where` of a VmSwitch event's place (0 switch-in, 1 switch-out, 2 58-only, 3 drop 54, 4 drop 55), shared per place. */
  private vmsWhere(slot: number, e: VmsEvent, make: () => HopWhere): HopWhere {
    if (!e.place) return make();
    const m = this.vmsPlaces[slot];
    let w = m.get(e.place);
    if (!w) m.set(e.place, (w = make()));
    return w;
  }

  /** A VmSwitch NBL (56/57/58/240–242) or drop (54/55) event. */
  vmswitch(e: VmsEvent): void {
    this.tick(e.ticks);
    if (this.pend[e.cpu]) this.resolvePending(e.cpu);
    const id = e.id;
    if (VMS_IN.has(id)) return this.received(e);
    if (VMS_ROUTE.has(id)) return this.routed(e);
    if (VMS_OUT.has(id)) return this.delivered(e);
    if (id === 54 || id === 55) return this.dropped(e);
  }

  private setPending(p: Pending): void {
    while (this.pend.length <= p.cpu) this.pend.push(null);
    if (!this.pend[p.cpu]) this.pendCount++;
    this.pend[p.cpu] = p;
  }

  private takePending(cpu: number): Pending | null {
    const p = this.pend[cpu] ?? null;
    if (p) {
      this.pend[cpu] = null;
      this.pendCount--;
    }
    return p;
  }

  /** No 1003 came for the pending event: a switch-in joins a journey without bytes. */
  private resolvePending(cpu: number): void {
    const p = this.takePending(cpu);
    if (p && !p.j) this.commitIn(p, null);
  }

  private commitIn(p: Pending, bytes: Uint8Array | null): void {
    const g = p.group;
    const j = this.linkOrNew(p.hop, bytes, false, g);
    this.joinGroup(j, g, p.hop.index);
  }

  private joinGroup(j: Open, g: Group, inHop: number): void {
    g.j = j;
    g.inHop = inHop;
    if (j.groups === NONE_G) j.groups = [g];
    else j.groups.push(g);
    if (!g.routed && !g.superseded) j.waiting++;
  }

  /** A new NBL traversal (the map now points at it). */
  private newGroup(e: VmsEvent, routed: boolean, first: Hop): Group {
    const g: Group = { j: null, key: e.nblKey, hi: e.nblHi, lo: e.nblLo, text: "", hops: [first], switchName: e.switchName, inHop: -1, last: e.ticks, routed, undelivered: 0, superseded: false };
    this.byNbl.set(e.nblKey, g);
    return g;
  }

  private group(e: VmsEvent): Group | null {
    const g = this.byNbl.get(e.nblKey);
    if (!g || g.hi !== e.nblHi || g.superseded || (g.j && g.j.done) || e.ticks - g.last > this.lifetime) return null;
    if (!g.j) {
      // Its 56 is still waiting for a fragment on another CPU: settle it now.
      for (let c = 0; c < this.pend.length; c++) {
        const p = this.pend[c];
        if (p && p.group === g) {
          this.takePending(c);
          this.commitIn(p, null);
        }
      }
    }
    return g.j ? g : null;
  }

  private received(e: VmsEvent): void {
    this.names.seen(e.nic, e.nicF, e.switchName, e.switchF);
    const old = this.byNbl.get(e.nblKey);
    if (old && !old.superseded) {
      old.superseded = true;
      if (old.j && !old.j.done) old.j.waiting -= (old.routed ? 0 : 1) + old.undelivered;
    }
    const w = this.vmsWhere(0, e, () => ({ switchName: e.switchName, switchFriendly: e.switchF, nic: e.nic, nicFriendly: e.nicF, direction: "in" }));
    const h = this.hop("switch-in", e.ticks, e.cpu, w, e.id);
    const g = this.newGroup(e, false, h);
    this.lastGroupByCpu.set(e.cpu, g);
    this.setPending({ cpu: e.cpu, tid: e.tid, ticks: e.ticks, nic: e.nic, alt: e.nic, hop: h, group: g, j: null });
  }

  private routed(e: VmsEvent): void {
    this.names.seen(e.nic, e.nicF, e.switchName, e.switchF);
    this.names.seen(e.srcNic, e.srcNicF, e.switchName, e.switchF);
    const w = this.vmsWhere(1, e, () => ({
      switchName: e.switchName, switchFriendly: e.switchF, nic: e.nic, nicFriendly: e.nicF, fromNic: e.srcNic, fromNicFriendly: e.srcNicF, direction: "out",
    }));
    const h = this.hop("switch-out", e.ticks, e.cpu, w, e.id);
    h.delivered = false;
    let g = this.group(e);
    if (g) {
      g.hops.push(h);
      const j = g.j!;
      this.attach(j, h, g.inHop >= 0 ? g.inHop : j.hops.length - 1);
      if (!g.routed) {
        g.routed = true;
        j.waiting--;
      }
    } else {
      g = this.newGroup(e, true, h);
      this.joinGroup(this.newJourney("netsh", g, h), g, -1);
    }
    g.last = e.ticks;
    g.undelivered++;
    g.j!.waiting++;
    this.lastGroupByCpu.set(e.cpu, g);
    this.setPending({ cpu: e.cpu, tid: e.tid, ticks: e.ticks, nic: e.srcNic, alt: e.nic, hop: h, group: g, j: g.j });
  }

  private delivered(e: VmsEvent): void {
    this.names.seen(e.nic, e.nicF, e.switchName, e.switchF);
    const g = this.group(e);
    if (g) {
      const j = g.j!;
      for (let i = g.hops.length - 1; i >= 0; i--) {
        const h = g.hops[i];
        if (h.kind === "switch-out" && h.delivered === false && nicAgree(h.where.nic ?? "", e.nic)) {
          h.delivered = true;
          h.eventIds.push(e.id);
          g.undelivered--;
          j.waiting--;
          g.last = e.ticks;
          if (e.ticks > j.last) j.last = e.ticks;
          return;
        }
      }
    }
    // A 58 without its 57: the traversal's end is all we know.
    const w = this.vmsWhere(2, e, () => ({ switchName: e.switchName, switchFriendly: e.switchF, nic: e.nic, nicFriendly: e.nicF, direction: "out" }));
    const h = this.hop("switch-out", e.ticks, e.cpu, w, e.id);
    h.delivered = true;
    if (g) {
      g.hops.push(h);
      this.attach(g.j!, h, g.inHop >= 0 ? g.inHop : g.j!.hops.length - 1);
      if (!g.routed) {
        g.routed = true;
        g.j!.waiting--;
      }
      g.last = e.ticks;
    } else {
      const ng = this.newGroup(e, true, h);
      this.joinGroup(this.newJourney("netsh", ng, h), ng, -1);
    }
  }

  private dropped(e: VmsEvent): void {
    const reasonName = dropReasonName(e.dropReason);
    const side = e.id === 54 ? "ingress" : "egress";
    const w = this.vmsWhere(e.id === 54 ? 3 : 4, e, () => ({ switchName: e.switchName, switchFriendly: e.switchF, nic: e.nic, nicFriendly: e.nicF, direction: side === "ingress" ? "in" : "out" }));
    const h = this.hop("drop", e.ticks, e.cpu, w, e.id);
    h.drop = { reason: e.dropReason, reasonName, side, location: `VmSwitch ${e.id}` };
    let g = this.lastGroupByCpu.get(e.cpu);
    if (g && (g.superseded || e.ticks - g.last > this.dropAdjacency || (g.switchName && e.switchName && g.switchName !== e.switchName))) g = undefined;
    const gj = g ? this.group({ ...e, nblKey: g.key, nblHi: g.hi }) : null;
    if (g && gj) {
      const j = gj.j!;
      g.hops.push(h);
      this.attach(j, h, g.inHop >= 0 ? g.inHop : j.hops.length - 1);
      if (!g.routed) {
        g.routed = true;
        j.waiting--;
      }
      g.last = e.ticks;
    } else {
      this.newJourney("netsh", `drop ${e.ticks}`, h);
    }
  }

  // ---- packets -------------------------------------------------------------------------------------------

  /** A packet record from PacketReader (NDIS 1001, VMSwitch 1003, pktmon 160/170). */
  packet(p: PacketRecord): void {
    this.tick(p.ticks);
    let j: Open;
    if (p.pktmon) j = this.pktmon(p);
    else if (p.vmswitch) j = this.fragment(p);
    else j = this.ndis(p);
    if (this.match && !j.matched && this.match(p)) j.matched = true;
  }

  private fragment(p: PacketRecord): Open {
    const v = p.vmswitch!;
    this.names.fragment(v.sourceNicName, v.sourceNicType, v.sourcePortName, v.sourcePortId);
    const pd = this.pend[p.cpu];
    if (pd && pd.tid === p.tid && p.ticks - pd.ticks <= this.adjacency && (nicAgree(pd.nic, v.sourceNicName) || nicAgree(pd.alt, v.sourceNicName))) {
      this.takePending(p.cpu);
      this.stats.fragmentsAttached++;
      const h = pd.hop;
      h.frame = this.frameOf(p);
      h.packet = p.number;
      h.eventIds.push(1003);
      if (v.vlanId) h.vlan = v.vlanId;
      if (!h.where.nicType && h.kind === "switch-in" && v.sourceNicType) h.where.nicType = v.sourceNicType;
      if (h.kind === "switch-in") {
        if (v.sourcePortName) h.where.port = v.sourcePortName;
        h.where.portId = v.sourcePortId;
      }
      if (!pd.j) {
        this.commitIn(pd, p.bytes);
        return pd.group.j!;
      }
      this.register(pd.j, h, p.bytes);
      if (p.ticks > pd.j.last) pd.j.last = p.ticks;
      return pd.j;
    }
    this.stats.fragmentsAlone++;
    const h = this.hop(p.direction === "out" ? "switch-out" : "switch-in", p.ticks, p.cpu, {
      nic: v.sourceNicName, nicType: v.sourceNicType, port: v.sourcePortName, portId: v.sourcePortId, direction: p.direction,
    }, 1003);
    h.frame = this.frameOf(p);
    h.packet = p.number;
    if (v.vlanId) h.vlan = v.vlanId;
    return this.linkOrNew(h, p.bytes, false, `frame ${p.number}`);
  }

  private ndis(p: PacketRecord): Open {
    const n = p.ndis;
    const k = (n ? n.miniportIfIndex : -1) * 4 + (p.direction === "out" ? 1 : p.direction === "in" ? 2 : 3);
    let w = this.ndisPlaces.get(k);
    if (!w) this.ndisPlaces.set(k, (w = { ...(n ? { ifIndex: n.miniportIfIndex } : {}), direction: p.direction }));
    const h = this.hop(p.direction === "out" ? "nic-send" : "nic-recv", p.ticks, p.cpu, w, p.eventId);
    h.frame = this.frameOf(p);
    h.packet = p.number;
    return this.linkOrNew(h, p.bytes, h.kind === "nic-send", `frame ${p.number}`);
  }

  // ---- pktmon ----------------------------------------------------------------------------------------------

  private place(p: PacketRecord): { kind: HopKind; where: HopWhere; switchName: string | undefined } {
    const m = p.pktmon!;
    const k = ((m.componentId * 65536 + m.edgeId) * 8 + m.dirTag) * 2 + (m.drop ? 1 : 0);
    let pl = this.pmPlaces.get(k);
    if (pl) return pl;
    const c = this.components?.get(m.componentId);
    const sw = componentSwitch(this.components, c);
    const t = c?.typeName ?? "";
    const inward = DIR_IN.has(m.dirTag);
    let kind: HopKind;
    if (m.drop) kind = "drop";
    else if (t === "VmsMiniport") kind = m.dirTag === 3 ? "nic-recv" : m.dirTag === 4 ? "nic-send" : inward ? "switch-in" : "switch-out";
    else if (t === "VmsVmNic" || t === "VmsProtocolNic" || t === "VmsExtMiniport") kind = inward ? "switch-in" : "switch-out";
    else if (isVfp(c)) kind = "vfp";
    else if (t === "Miniport" || t === "NetVsc Miniport") kind = inward ? "nic-recv" : "nic-send";
    else kind = "component";
    const where: HopWhere = { component: m.componentId, edge: m.edgeId, direction: m.dirName };
    if (m.componentName) where.componentName = m.componentName;
    if (t) where.componentType = t;
    if (sw) where.switchName = sw;
    pl = { kind, where, switchName: sw };
    this.pmPlaces.set(k, pl);
    return pl;
  }

  private pmHop(p: PacketRecord, prev: Hop | undefined): Hop {
    const m = p.pktmon!;
    const pl = this.place(p);
    const h = this.hop(pl.kind, p.ticks, p.cpu, pl.where, p.eventId);
    h.pktmon = { groupId: m.groupId, pktNumber: m.pktNumber, appearance: m.appearance };
    // Consecutive appearances mostly carry the same bytes: share one array.
    const pf = prev?.frame;
    h.frame = pf && pf.linkType === p.linkType && pf.length === p.originalLength && sameBytes(pf.bytes, p.bytes) ? pf : this.frameOf(p);
    h.packet = p.number;
    if (m.drop) {
      const name = m.dropReasonName && m.dropReasonName !== String(m.dropReason) ? m.dropReasonName : dropReasonName(m.dropReason);
      h.drop = { reason: m.dropReason, reasonName: name, location: "0x" + (m.dropLocation >>> 0).toString(16).padStart(8, "0") };
    }
    return h;
  }

  private pktmon(p: PacketRecord): Open {
    const m = p.pktmon!;
    if (m.appearance === 0) return this.zero(p);
    const key = m.pktNumber === 1 ? m.groupId : m.groupId + "/" + m.pktNumber;
    const j = this.byPkt.get(key);
    if (j && !j.done && m.appearance > j.lastAppearance && m.appearance !== 1 && p.ticks - j.last <= this.lifetime) {
      const h = this.pmHop(p, j.hops[j.hops.length - 1]);
      this.attach(j, h, j.hops.length - 1);
      j.lastAppearance = m.appearance;
      return j;
    }
    const h = this.pmHop(p, undefined);
    const nj = this.newJourney("pktmon", `pktmon ${m.groupId}/${m.pktNumber}`, h);
    nj.pktKey = key;
    nj.lastAppearance = m.appearance;
    this.byPkt.set(key, nj);
    return nj;
  }

  private zero(p: PacketRecord): Open {
    const m = p.pktmon!;
    const hk = frameHash(p.bytes);
    const l = this.byZero.get(hk);
    if (l && !l.j.done && l.cpu === p.cpu && p.ticks - l.ticks <= this.zeroWindow && sameBytes(l.bytes, p.bytes)) {
      const j = l.j;
      let seen = false;
      for (const x of j.hops) if (x.where.component === m.componentId && x.where.edge === m.edgeId && x.where.direction === m.dirName) seen = true;
      if (!seen) {
        const h = this.pmHop(p, j.hops[j.hops.length - 1]);
        this.attach(j, h, j.hops.length - 1);
        l.ticks = p.ticks;
        return j;
      }
    }
    const h = this.pmHop(p, undefined);
    const j = this.newJourney("pktmon", `pktmon ${m.groupId}/${m.pktNumber}`, h);
    this.byZero.set(hk, { j, hop: 0, ticks: p.ticks, bytes: p.bytes, cpu: p.cpu });
    j.frameKeys = [hk];
    return j;
  }

  // ---- completion ----------------------------------------------------------------------------------------

  private forget(j: Open): void {
    this.open.delete(j.id);
    for (const k of j.frameKeys) {
      if (this.byFrame.get(k)?.j === j) this.byFrame.delete(k);
      if (this.byZero.get(k)?.j === j) this.byZero.delete(k);
    }
    for (const k of j.invKeys) if (this.byInv.get(k)?.j === j) this.byInv.delete(k);
    for (const g of j.groups) {
      if (this.byNbl.get(g.key) === g) this.byNbl.delete(g.key);
    }
    if (j.pktKey !== null && this.byPkt.get(j.pktKey) === j) this.byPkt.delete(j.pktKey);
  }

  /** Facts (and summary) of a frame, cached for the journey being finished: hops mostly share their bytes. */
  private factsOf(f: HopFrame): FrameFacts | null {
    const fb = this.fBytes;
    for (let i = 0; i < this.fN; i++) {
      if (fb[i] !== f.bytes) continue;
      if (this.summaries && f.summary === undefined) f.summary = this.fSummary[i];
      return this.fFacts[i];
    }
    const x = frameFacts(f.bytes, f.linkType);
    if (this.summaries) {
      this.dis.run(this.d, f.bytes, f.length, f.linkType);
      f.summary = summarize(this.d);
    }
    if (this.fN < 16) {
      fb[this.fN] = f.bytes;
      this.fFacts[this.fN] = x;
      this.fSummary[this.fN] = f.summary;
      this.fN++;
    }
    // Describe the packet by its first frame with addresses (802.11 data is opaque until nwifi converts it).
    if (!this.desc || (!this.described && addressed(x))) {
      this.desc = describeFacts(x, f.length, f.linkType);
      this.described = addressed(x);
    }
    return x;
  }

  private finalize(j: Open, expired: boolean): void {
    j.done = true;
    this.forget(j);
    if (expired) this.stats.expired++;
    const hops = j.hops;
    if (j.flavor === "pktmon") this.pktmonTree(hops);
    for (const g of j.groups) {
      if (!g.text) g.text = nblText(g.hi, g.lo);
      for (const h of g.hops) h.nbl = g.text;
      if (j.nbls === NONE_S) j.nbls = [g.text];
      else if (j.nbls[j.nbls.length - 1] !== g.text) j.nbls.push(g.text);
    }
    let rewrites: Rewrite[] = NO_REWRITES;
    this.fN = 0;
    this.desc = null;
    this.described = false;
    let end = 0;
    for (let i = 0; i < hops.length; i++) {
      const h = hops[i];
      const par = h.parent >= 0 ? hops[h.parent] : undefined;
      h.latencyTicks = par ? h.ticks - par.ticks : 0;
      if (h.ticks > end) end = h.ticks;
      h.time = this.clock ? this.clock.iso(h.ticks) : `+${(h.ticks / 1e7).toFixed(7)}s`;
      this.namer.name(h);
      const hf = h.frame;
      if (!hf) continue;
      let a = par;
      while (a && !a.frame) a = a.parent >= 0 ? hops[a.parent] : undefined;
      const af = a?.frame;
      if (!af || (af.bytes === hf.bytes && (a!.vlan ?? -1) === (h.vlan ?? -1))) {
        // Same bytes as the parent (shared array): nothing changed, and its facts/summary are known.
        if (af && this.summaries) hf.summary = af.summary;
        else if (!af) this.factsOf(hf);
        continue;
      }
      const fa = this.factsOf(hf);
      if (sameBytes(af.bytes, hf.bytes) && (a!.vlan ?? -1) === (h.vlan ?? -1)) continue;
      const fb = this.factsOf(af);
      if (!fa || !fb) continue;
      const ch: Change[] = diffFacts(fb, fa, a!.vlan, h.vlan);
      if (ch.length === 0) continue;
      h.changes = ch;
      const by = changedBy(a!, h, ch);
      if (rewrites === NO_REWRITES) rewrites = [];
      for (const c of ch) rewrites.push({ hop: h.index, by, field: c.field, from: c.from, to: c.to });
    }
    for (let i = 0; i < this.fN; i++) this.fBytes[i] = null;
    const dd = this.desc ?? { protocol: "", src: "", dst: "", summary: hops[0]?.kind === "drop" ? "dropped packet (no bytes captured)" : "packet (no bytes captured)" };
    const fate = fateOf(hops, j.flavor, expired);
    this.stats.journeys++;
    this.stats[fate.kind]++;
    const out: Journey = {
      id: j.id, flavor: j.flavor, key: typeof j.key === "string" ? j.key : `nbl ${j.key.text || (j.key.text = nblText(j.key.hi, j.key.lo))}`, summary: dd.summary, protocol: dd.protocol, src: dd.src, dst: dd.dst,
      startTicks: hops[0].ticks, endTicks: end, hops, fate, rewrites: rewrites === NO_REWRITES ? [] : rewrites,
    };
    if (j.nbls.length) out.nbls = j.nbls;
    if (this.match) out.matched = j.matched;
    this.emitFn(out);
  }

  /** pktmon: order by appearance; a vSwitch egress follows the latest ingress/VFP hop on its switch (fan-out), others the previous hop. */
  private pktmonTree(hops: Hop[]): void {
    let sorted = true;
    for (let i = 1; i < hops.length; i++) if ((hops[i].pktmon?.appearance ?? 0) < (hops[i - 1].pktmon?.appearance ?? 0)) sorted = false;
    if (!sorted) hops.sort((a, b) => (a.pktmon?.appearance ?? 0) - (b.pktmon?.appearance ?? 0) || a.ticks - b.ticks);
    for (let i = 0; i < hops.length; i++) {
      const h = hops[i];
      h.index = i;
      h.parent = i - 1;
      if (h.kind === "switch-out" || (h.kind === "drop" && h.where.switchName)) {
        const sw = h.where.switchName;
        for (let k = i - 1; k >= 0; k--) {
          const x = hops[k];
          if ((x.kind === "switch-in" || x.kind === "vfp") && x.where.switchName === sw) {
            h.parent = k;
            break;
          }
        }
      }
    }
  }
}

/** Who most likely made the changes a hop shows. */
function changedBy(a: Hop, h: Hop, ch: readonly Change[]): string {
  const inSwitch = (h.kind === "switch-out" || h.kind === "vfp") && (a.kind === "switch-in" || a.kind === "vfp") && (!a.where.switchName || a.where.switchName === h.where.switchName);
  if (inSwitch) return "VFP";
  if (ch.some((c) => /IPv4|IPv6|port|ICMP identifier/.test(c.field) && !/TTL|hop limit/.test(c.field))) return "WinNAT";
  if (ch.some((c) => c.field === "encapsulation")) return "VFP";
  // The vSwitch tags/untags 802.1Q at its external port (pktmon sees the tag appear/disappear at the NIC).
  if (ch.every((c) => c.field === "VLAN")) return "vSwitch";
  return "host";
}

function placeText(h: Hop): string {
  const w = h.where;
  let label = h.names?.label ?? w.nicFriendly ?? w.componentName ?? (w.ifIndex !== undefined ? `interface ${w.ifIndex}` : w.nic ?? "?");
  if (h.kind === "drop" && w.nic && w.component === undefined) label = `the port of ${label}`;
  const sw = h.names?.network ?? w.switchFriendly ?? w.switchName;
  if (!sw || h.names?.kind === "switch" || label.includes(sw)) return label;
  return `${label} on vSwitch ${sw}`;
}

/** How a journey ended, from its leaves. */
function fateOf(hops: readonly Hop[], flavor: Flavor, expired: boolean): Fate {
  const delivered: Hop[] = [];
  const drops: Hop[] = [];
  const open: Hop[] = [];
  const leaf = (h: Hop): void => {
    if (h.kind === "drop") drops.push(h);
    else if (h.kind === "switch-in" || (flavor === "netsh" && h.kind === "switch-out" && h.delivered === false)) open.push(h);
    else delivered.push(h);
  };
  let chain = true;
  for (let i = 1; i < hops.length; i++) {
    if (hops[i].parent !== i - 1) {
      chain = false;
      break;
    }
  }
  if (chain) leaf(hops[hops.length - 1]);
  else {
    const children = new Int32Array(hops.length);
    for (const h of hops) if (h.parent >= 0) children[h.parent]++;
    for (let i = 0; i < hops.length; i++) if (children[i] === 0) leaf(hops[i]);
  }
  if (delivered.length > 0) {
    const f: Fate = { kind: "delivered", location: delivered.length === 1 ? placeText(delivered[0]) : [...new Set(delivered.map(placeText))].join(", "), hop: delivered[delivered.length - 1].index };
    if (drops.length + open.length > 0) {
      const extra = [...drops.map((h) => `dropped at ${placeText(h)} (${h.drop!.reasonName})`), ...open.map((h) => `not seen leaving ${placeText(h)}`)];
      f.explanation = `also ${extra.join("; ")}`;
    }
    return f;
  }
  if (drops.length > 0) {
    const h = drops[0];
    const dr = h.drop!;
    const why = dropExplanation(dr.reason, dr.reasonName);
    const sideText = dr.side ? ` (${dr.side} side)` : "";
    return {
      kind: "dropped", reason: dr.reason, reasonName: dr.reasonName, location: placeText(h) + sideText, hop: h.index,
      explanation: `dropped at ${placeText(h)}${sideText}: ${dr.reasonName}${why ? ` — ${why}` : ""}`,
    };
  }
  const h = open[open.length - 1] ?? hops[hops.length - 1];
  const verb = h.kind === "switch-in" ? `entered vSwitch ${h.where.switchFriendly ?? h.where.switchName ?? ""} from ${placeText(h)} and was not seen leaving it` : `was routed to ${placeText(h)} but its delivery was not seen`;
  return { kind: "unfinished", location: placeText(h), hop: h.index, explanation: `${verb.replace("vSwitch  ", "vSwitch ")}${expired ? " (journey outlived its lifetime)" : " (end of capture or events lost)"}` };
}
