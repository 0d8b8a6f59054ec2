/**
 * One streaming pass over a capture: learns the tables the topology is built from, and nothing else (memory is
 * bounded by the number of switches, ports, NICs and distinct MACs, each capped).
 *   - Hyper-V-VmSwitch events: every event whose fields name a switch, port or NIC (control events 5/7/9/17/25/31/
 *     62–71/116/117/232/233 …, and the data-path 54–58/240–242, deduplicated by payload so that millions of NBL
 *     events cost one decode per distinct NIC/switch pair);
 *   - NDIS-PacketCapture 1003: port GUID, port id, NIC name and type, switch interface index, ingress source MACs;
 *   - NDIS-PacketCapture 1001 / 1014: per interface index, the MACs it sends from;
 *   - pktmon: packets per component (the component table itself is the PacketReader's);
 *   - every Ethernet frame: MAC → IP pairs (ARP senders, IPv4/IPv6 sources).
 */
import type { EtlRecord } from "../etl/mod.js";
import { RecordKind } from "../etl/mod.js";
import type { FieldValue, TraceDecoder } from "../events/mod.js";
import type { PacketRecord } from "../packets/mod.js";
import { LinkType } from "../packets/mod.js";

export const VMSWITCH_GUID = "67dc0d66-3695-47c0-9642-33f76f7bd7ad";
const NDISCAP_GUID = "2ed6006e-4729-4609-b423-3ee7bcd678ef";

/** Caps that keep memory flat on huge or hostile captures. */
export const LIMITS = { switches: 256, ports: 4096, nics: 4096, macs: 65536, ipsPerMac: 16, macsPerPort: 8, dedupe: 8192 } as const;

/** VmSwitch data-path events: the payload ends with a pointer (BufferAddress) that changes per packet. */
const NBL_EVENTS = new Set([56, 57, 58, 240, 241, 242]);
/** Drop events end with DropReason + Status (8 bytes). */
const DROP_EVENTS = new Set([54, 55]);

export interface SwitchState {
  /** GUID as printed (upper case), when known. */
  id?: string;
  friendlyName?: string;
  ifIndex?: number;
  sources: Set<string>;
}

export interface PortState {
  name: string;
  friendlyName?: string;
  switchKey?: string;
  portId?: number;
  nicKey?: string;
  /** Interface index of the switch the 1003 fragments came through. */
  switchIfIndex?: number;
  /** Source MACs of frames entering the switch at this port (NDIS 1003 Receive). */
  srcMacs: Map<number, number>;
  packets: number;
  sources: Set<string>;
}

export interface NicState {
  name: string;
  friendlyName?: string;
  switchKey?: string;
  portKey?: string;
  mac?: string;
  ifIndex?: number;
  guid?: string;
  instanceId?: string;
  vmName?: string;
  nicType?: string;
  packets: number;
  sources: Set<string>;
}

export interface IfState {
  ifIndex: number;
  mediaType?: number;
  /** Source MACs of frames sent on this interface / destination MACs of unicast frames received. */
  outSrc: Map<number, number>;
  inDst: Map<number, number>;
  packets: number;
}

export interface MacState {
  /** IPv4 as a number, IPv6 as text → [ARP sightings, source sightings]. */
  ips: Map<number | string, [number, number]>;
  overflow: boolean;
  packets: number;
}

const MAC_BROADCAST = 0xffffffffffff;

/** The 48-bit MAC at b[o..o+6] as a number (exact in a double). */
export function macNum(b: Uint8Array, o: number): number {
  return ((b[o] << 8) | b[o + 1]) * 4294967296 + (((b[o + 2] << 24) | (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5]) >>> 0);
}

/** "00-15-5D-2F-00-11" for a MAC number. */
export function macNumText(m: number): string {
  return m.toString(16).padStart(12, "0").toUpperCase().match(/../g)!.join("-");
}

/** True for a group (multicast/broadcast) MAC number. */
function isGroup(m: number): boolean {
  return Math.floor(m / 1099511627776) % 2 === 1;
}

export function ipv4Num(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function ipv6At(b: Uint8Array, o: number): string {
  const w: string[] = [];
  for (let i = 0; i < 16; i += 2) w.push(((b[o + i] << 8) | b[o + i + 1]).toString(16));
  // Compress the longest run of zero words.
  let best = -1;
  let len = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === "0") j++;
    if (j - i > len && j - i > 1) {
      best = i;
      len = j - i;
    }
    i = j;
  }
  if (best < 0) return w.join(":");
  return `${w.slice(0, best).join(":")}::${w.slice(best + len).join(":")}`;
}

function bump<K>(m: Map<K, number>, k: K, cap: number): void {
  const v = m.get(k);
  if (v !== undefined) m.set(k, v + 1);
  else if (m.size < cap) m.set(k, 1);
}

/** A GUID-ish name as a table key: trimmed, no braces, upper case. */
export function nameKey(s: string): string {
  return s.trim().replace(/^\{(.*)\}$/, "$1").toUpperCase();
}

function str(v: FieldValue | undefined): string | undefined {
  if (typeof v !== "string") return undefined;
  const t = v.replace(/\0+$/, "").trim();
  return t === "" ? undefined : t;
}

function num(v: FieldValue | undefined): number | undefined {
  return typeof v === "number" ? v : typeof v === "bigint" && v < 2n ** 53n ? Number(v) : undefined;
}

export class TopologyCollector {
  readonly switches = new Map<string, SwitchState>();
  readonly ports = new Map<string, PortState>();
  readonly nics = new Map<string, NicState>();
  readonly ifaces = new Map<number, IfState>();
  readonly macs = new Map<number, MacState>();
  /** pktmon packets per component id. */
  readonly componentPackets = new Map<number, number>();
  /** Per switch interface index: packets (1003). */
  readonly switchIfPackets = new Map<number, number>();
  readonly stats = { records: 0, packets: 0, vmswitchEvents: 0, ndisEvents: 0, pktmonPackets: 0, droppedTables: 0 };
  /** Payload hash of a data-path event already decoded → the NIC keys it named (for counting). */
  private readonly seenPayloads = new Map<number, string[]>();
  readonly notes: string[] = [];

  // -------------------------------------------------------------------------------------------------------------
  // Tables

  private full(what: string): void {
    if (this.stats.droppedTables++ === 0) this.notes.push(`more ${what} than the topology keeps (capped); the rest were not listed`);
  }

  switchAt(id: string | undefined, friendly: string | undefined, source: string): string | undefined {
    if (!id && !friendly) return undefined;
    const key = id ? nameKey(id) : `F:${friendly}`;
    let s = this.switches.get(key);
    if (!s) {
      if (this.switches.size >= LIMITS.switches) {
        this.full("switches");
        return undefined;
      }
      s = { sources: new Set() };
      if (id) s.id = id.trim().replace(/^\{(.*)\}$/, "$1");
      this.switches.set(key, s);
    }
    if (friendly && !s.friendlyName) s.friendlyName = friendly;
    s.sources.add(source);
    return key;
  }

  portAt(name: string, source: string): PortState | undefined {
    const key = nameKey(name);
    let p = this.ports.get(key);
    if (!p) {
      if (this.ports.size >= LIMITS.ports) {
        this.full("ports");
        return undefined;
      }
      p = { name: name.trim().replace(/^\{(.*)\}$/, "$1"), srcMacs: new Map(), packets: 0, sources: new Set() };
      this.ports.set(key, p);
    }
    p.sources.add(source);
    return p;
  }

  nicAt(name: string, source: string): NicState | undefined {
    const key = nameKey(name);
    let n = this.nics.get(key);
    if (!n) {
      if (this.nics.size >= LIMITS.nics) {
        this.full("NICs");
        return undefined;
      }
      n = { name: name.trim().replace(/^\{(.*)\}$/, "$1"), packets: 0, sources: new Set() };
      this.nics.set(key, n);
    }
    n.sources.add(source);
    return n;
  }

  ifaceAt(ifIndex: number): IfState {
    let s = this.ifaces.get(ifIndex);
    if (!s) {
      s = { ifIndex, outSrc: new Map(), inDst: new Map(), packets: 0 };
      if (this.ifaces.size < LIMITS.nics) this.ifaces.set(ifIndex, s);
    }
    return s;
  }

  private pair(mac: number, ip: number | string, arp: boolean): void {
    let m = this.macs.get(mac);
    if (!m) {
      if (this.macs.size >= LIMITS.macs) return;
      m = { ips: new Map(), overflow: false, packets: 0 };
      this.macs.set(mac, m);
    }
    const c = m.ips.get(ip);
    if (c) c[arp ? 0 : 1]++;
    else if (m.ips.size < LIMITS.ipsPerMac) m.ips.set(ip, arp ? [1, 0] : [0, 1]);
    else m.overflow = true;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Records

  /** For PacketReader's onRecord: every non-packet record. */
  record(rec: EtlRecord, decoder: TraceDecoder): void {
    this.stats.records++;
    if (rec.kind !== RecordKind.EventHeader) return;
    if (rec.providerId === VMSWITCH_GUID) this.vmswitch(rec, decoder);
    else if (rec.providerId === NDISCAP_GUID) {
      this.stats.ndisEvents++;
      if (rec.id === 1014 || rec.id === 1015) {
        const f = decoder.decode(rec).fields;
        const i = num(f?.MiniportIfIndex);
        if (i !== undefined) {
          const s = this.ifaceAt(i);
          const mt = num(f?.MediaType);
          if (mt !== undefined) s.mediaType = mt;
        }
      }
    }
  }

  private vmswitch(rec: EtlRecord, decoder: TraceDecoder): void {
    this.stats.vmswitchEvents++;
    const id = rec.id;
    const tail = NBL_EVENTS.has(id) ? rec.pointerSize : DROP_EVENTS.has(id) ? 8 : 0;
    const end = Math.max(rec.payloadStart, rec.payloadEnd - tail);
    // FNV-1a over the id and the name-bearing part of the payload.
    let h = 0x811c9dc5 ^ id;
    const b = rec.bytes;
    for (let i = rec.payloadStart; i < end; i++) h = Math.imul(h ^ b[i], 16777619);
    h = (h ^ (end - rec.payloadStart)) >>> 0;
    const seen = this.seenPayloads.get(h);
    if (seen) {
      this.countNbl(id, seen);
      return;
    }
    let fields: Readonly<Record<string, FieldValue>> | null = null;
    try {
      fields = decoder.decode(rec).fields;
    } catch {
      fields = null;
    }
    if (!fields) return;
    const nics = this.learnVmSwitch(id, fields);
    if (this.seenPayloads.size >= LIMITS.dedupe) this.seenPayloads.clear();
    this.seenPayloads.set(h, nics);
    this.countNbl(id, nics);
  }

  private countNbl(id: number, nics: string[]): void {
    if (!NBL_EVENTS.has(id) || nics.length === 0) return;
    // received (56/240) counts at the source NIC, delivered (58/241) at the destination; routed (57) is in between.
    if (id === 57 || id === 242) return;
    const n = this.nics.get(nics[0]);
    if (n) n.packets++;
  }

  /** Takes the names of one VmSwitch event (any id); returns the NIC keys it named, in field order. */
  learnVmSwitch(id: number, f: Readonly<Record<string, FieldValue>>): string[] {
    const src = `VmSwitch ${id}`;
    const sw = this.switchAt(str(f.SwitchName), str(f.SwitchFName), src);
    const nicKeys: string[] = [];
    const nics: NicState[] = [];
    for (const p of ["Nic", "SrcNic", "DestNic", "DstNic", "PtNic"]) {
      const name = str(f[`${p}Name`]);
      const fname = str(f[`${p}FName`]);
      if (!name && !fname) continue;
      const n = this.nicAt(name ?? `F:${fname}`, src);
      if (!n) continue;
      if (fname && !n.friendlyName) n.friendlyName = fname;
      if (sw && p !== "PtNic") n.switchKey ??= sw;
      nics.push(n);
      nicKeys.push(nameKey(name ?? `F:${fname}`));
    }
    const ports: PortState[] = [];
    for (const p of ["Port", "Port1", "Port2"]) {
      const name = str(f[`${p}Name`]);
      const fname = str(f[`${p}FName`]);
      if (!name) continue;
      const port = this.portAt(name, src);
      if (!port) continue;
      if (fname && !port.friendlyName) port.friendlyName = fname;
      if (sw) port.switchKey ??= sw;
      ports.push(port);
    }
    // A NIC connected/bound to a port (17, 18, 32, 33, 35, 87, 96, 98, 99, 232).
    if (nics.length === 1 && ports.length === 1 && f.Port1Name === undefined) {
      const n = nics[0];
      const key = nameKey(ports[0].name);
      n.portKey = key;
      ports[0].nicKey = nicKeys[0];
      if (!sw && ports[0].switchKey) n.switchKey ??= ports[0].switchKey;
      if (sw === undefined && n.switchKey) ports[0].switchKey ??= n.switchKey;
    }
    if (nics.length === 1) {
      const n = nics[0];
      const mac = str(f.MacAddress);
      if (mac && f.Port1Name === undefined) n.mac ??= mac;
      const vm = str(f.VMName);
      if (vm) n.vmName ??= vm;
      const inst = str(f.NicInstanceId);
      if (inst) n.instanceId ??= inst;
      // 116/117: the NIC's interface index and NetCfgInstanceId.
      const guid = str(f.NetCfgInstanceId);
      const idx = num(f.NicIndex);
      if (guid) n.guid ??= guid;
      if (idx !== undefined && guid) n.ifIndex ??= idx;
    }
    return nicKeys;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Packets

  packet(p: PacketRecord): void {
    this.stats.packets++;
    if (p.vmswitch) {
      const v = p.vmswitch;
      let port: PortState | undefined;
      if (v.sourcePortName) port = this.portAt(v.sourcePortName, "NDIS 1003");
      else if (v.sourceNicName) {
        const n = this.nicAt(v.sourceNicName, "NDIS 1003");
        if (n?.portKey) port = this.ports.get(n.portKey);
      }
      if (v.miniportIfIndex) this.switchIfPackets.set(v.miniportIfIndex, (this.switchIfPackets.get(v.miniportIfIndex) ?? 0) + 1);
      if (port) {
        if (v.sourcePortId) port.portId ??= v.sourcePortId;
        if (v.miniportIfIndex) port.switchIfIndex ??= v.miniportIfIndex;
        if (p.direction === "in") port.packets++;
        if (v.sourceNicName) {
          const n = this.nicAt(v.sourceNicName, "NDIS 1003");
          if (n) {
            const pk = nameKey(port.name);
            n.portKey ??= pk;
            port.nicKey ??= nameKey(v.sourceNicName);
            if (v.sourceNicType) n.nicType ??= v.sourceNicType;
          }
        }
        // The source MAC of a frame entering the switch at this port (before any rewrite).
        if (p.direction === "in" && p.linkType === LinkType.Ethernet && p.bytes.length >= 14) {
          const m = macNum(p.bytes, 6);
          if (!isGroup(m) && m !== 0) bump(port.srcMacs, m, LIMITS.macsPerPort);
        }
      }
    } else if (p.ndis) {
      const s = this.ifaceAt(p.ndis.miniportIfIndex);
      s.packets++;
      if (p.linkType === LinkType.Ethernet && p.bytes.length >= 14) {
        if (p.direction === "out") {
          const m = macNum(p.bytes, 6);
          if (!isGroup(m) && m !== 0) bump(s.outSrc, m, LIMITS.macsPerPort);
        } else if (p.direction === "in") {
          const m = macNum(p.bytes, 0);
          if (!isGroup(m) && m !== 0 && m !== MAC_BROADCAST) bump(s.inDst, m, LIMITS.macsPerPort);
        }
      }
    } else if (p.pktmon) {
      this.stats.pktmonPackets++;
      const c = p.pktmon.componentId;
      this.componentPackets.set(c, (this.componentPackets.get(c) ?? 0) + 1);
    }
    if (p.linkType === LinkType.Ethernet) this.frame(p.bytes);
  }

  /** MAC → IP pairs of one Ethernet frame (ARP sender; IPv4/IPv6 source). */
  frame(b: Uint8Array): void {
    if (b.length < 14) return;
    const src = macNum(b, 6);
    if (isGroup(src) || src === 0) return;
    let off = 12;
    let type = (b[off] << 8) | b[off + 1];
    while ((type === 0x8100 || type === 0x88a8) && b.length >= off + 6) {
      off += 4;
      type = (b[off] << 8) | b[off + 1];
    }
    off += 2;
    if (type === 0x0806 && b.length >= off + 28) {
      // Ethernet/IPv4 ARP: sender MAC at 8, sender IP at 14.
      if (b[off + 4] === 6 && b[off + 5] === 4) {
        const smac = macNum(b, off + 8);
        const sip = ((b[off + 14] << 24) | (b[off + 15] << 16) | (b[off + 16] << 8) | b[off + 17]) >>> 0;
        if (sip !== 0 && !isGroup(smac) && smac !== 0) this.pair(smac, sip, true);
      }
    } else if (type === 0x0800 && b.length >= off + 20 && b[off] >> 4 === 4) {
      const sip = ((b[off + 12] << 24) | (b[off + 13] << 16) | (b[off + 14] << 8) | b[off + 15]) >>> 0;
      if (sip !== 0 && sip >>> 28 !== 14 && sip !== 0xffffffff) this.pair(src, sip, false);
    } else if (type === 0x86dd && b.length >= off + 40) {
      let zero = true;
      for (let i = 8; i < 24; i++) if (b[off + i] !== 0) zero = false;
      if (!zero) this.pair(src, ipv6At(b, off + 8), false);
    }
    const m = this.macs.get(src);
    if (m) m.packets++;
    else this.touch(src);
  }

  private touch(mac: number): void {
    if (this.macs.size < LIMITS.macs) this.macs.set(mac, { ips: new Map(), overflow: false, packets: 1 });
  }
}
