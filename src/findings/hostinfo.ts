/**
 * What the findings need from host state (inventory), flattened for per-packet checks: IPv4 addresses as u32
 * sets and subnets as (base, mask) pairs, so a packet costs a few integer compares, never a string.
 */
import type { Inventory, InvEndpoint } from "../inventory/mod.js";
import { InventoryLookup } from "../inventory/mod.js";
import { parseIpv4 } from "../filter/mod.js";

export interface Subnet4 {
  readonly base: number;
  readonly mask: number;
  readonly text: string;
  readonly network: string;
  readonly driver: string;
  readonly vni?: number;
}

export interface Published {
  readonly proto: number;
  readonly externalPort: number;
  readonly internalPort: number;
  readonly internalIp: number;
  readonly container: string;
  readonly text: string;
}

/** "10.0.0.4" → u32, or -1 (absent or not a dotted quad). */
export function ip4(s: string | undefined): number {
  return s ? (parseIpv4(s.trim()) ?? -1) : -1;
}

function subnet(text: string, network: string, driver: string, vni?: number): Subnet4 | null {
  const [a, p] = text.split("/");
  const base = ip4(a);
  const bits = Number(p);
  if (base < 0 || !Number.isInteger(bits) || bits < 0 || bits > 32) return null;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (base & mask) >>> 0, mask, text, network, driver, vni };
}

export function inSubnet(v: number, s: Subnet4): boolean {
  return ((v & s.mask) >>> 0) === s.base;
}

const STALE_STATE = /^(4|6|detached|destroyed)$/i;

export class HostInfo {
  readonly lookup: InventoryLookup;
  readonly subnets: Subnet4[] = [];
  /** Local (not remote) endpoint IPv4 → endpoint. */
  readonly local = new Map<number, InvEndpoint>();
  readonly remote = new Map<number, InvEndpoint>();
  /** IPv4 addresses of the host itself (external NICs and host vNICs). */
  readonly hostIps = new Set<number>();
  /** Endpoints the host state says are gone (state Detached / Destroyed). */
  readonly stale = new Map<number, InvEndpoint>();
  readonly published: Published[] = [];
  readonly publishedPorts = new Set<number>();
  private readonly labels = new Map<string, string>();

  constructor(readonly inv: Inventory) {
    this.lookup = new InventoryLookup(inv);
    for (const n of inv.networks) {
      const driver = (n.driver ?? "").toLowerCase();
      for (const s of n.subnets) {
        const sn = subnet(s, n.name, driver, n.vsid);
        if (sn) this.subnets.push(sn);
      }
    }
    for (const e of inv.endpoints) {
      const v = ip4(e.ip);
      if (v < 0) continue;
      if (e.isRemote) this.remote.set(v, e);
      else if (!e.isHost) this.local.set(v, e);
      if (e.state !== undefined && STALE_STATE.test(String(e.state).trim())) this.stale.set(v, e);
      for (const m of e.policies.portMappings) {
        if (m.externalPort === undefined || m.internalPort === undefined) continue;
        const proto = /udp|17/i.test(m.protocol ?? "") ? 17 : 6;
        const container = e.containerName ?? e.endpointName ?? e.ip ?? "?";
        this.published.push({ proto, externalPort: m.externalPort, internalPort: m.internalPort, internalIp: v, container, text: `${proto === 17 ? "udp" : "tcp"} ${m.externalPort} → ${container} (${e.ip}):${m.internalPort}` });
        this.publishedPorts.add(m.externalPort);
      }
    }
    for (const a of [...inv.externalNics, ...inv.hostVnics].flatMap((x) => [x.ip, ...x.ips])) {
      const v = ip4(a);
      if (v >= 0) this.hostIps.add(v);
    }
  }

  subnetOf(v: number): Subnet4 | undefined {
    for (const s of this.subnets) if (inSubnet(v, s)) return s;
    return undefined;
  }

  overlaySubnets(): Subnet4[] {
    return this.subnets.filter((s) => s.driver === "overlay");
  }

  /** "wcow1 (172.30.0.10)", or the address alone. */
  label(ip: string): string {
    let l = this.labels.get(ip);
    if (l === undefined) {
      const hit = this.lookup.ip(ip);
      l = hit ? `${hit.label} (${ip})` : ip;
      this.labels.set(ip, l);
    }
    return l;
  }

  container(ip: string): string | undefined {
    const hit = this.lookup.ip(ip);
    return hit?.containerName;
  }
}
