/**
 * Address translation tables: WinNAT on nat networks (source NAT of container flows to the host's address with
 * port allocation, and inbound static mappings from `-p`), and VFP's OutBoundNAT on l2bridge/overlay endpoints.
 * Sessions are keyed like WinNAT keys them: protocol + internal address/port (ICMP: the echo identifier).
 */
import { IpProto } from "../frames.js";

export interface NatSession {
  readonly proto: number;
  readonly internalIp: string;
  readonly internalPort: number;
  readonly externalIp: string;
  readonly externalPort: number;
  /** Container that owns the internal side (for the WinNat event's compartment). */
  readonly owner: string;
  readonly compartment: number;
  /** Static mapping (-p) rather than a dynamic binding. */
  readonly configured: boolean;
}

export class NatTable {
  private readonly byInternal = new Map<string, NatSession>();
  private readonly byExternal = new Map<string, NatSession>();
  private readonly statics = new Map<string, NatSession>();
  private next: number;

  constructor(readonly name: string, private readonly firstPort: number, private readonly lastPort = 65535) {
    this.next = firstPort;
  }

  /** A static mapping: host port → container ip:port (docker -p). */
  addStatic(proto: number, externalIp: string, externalPort: number, internalIp: string, internalPort: number, owner: string, compartment: number): void {
    const s: NatSession = { proto, internalIp, internalPort, externalIp, externalPort, owner, compartment, configured: true };
    this.statics.set(`${proto}/${externalPort}`, s);
  }

  /** The session for an outbound flow; creates one (allocating an external port) when absent. */
  outbound(proto: number, internalIp: string, internalPort: number, externalIp: string, owner: string, compartment: number): { session: NatSession; created: boolean } {
    const k = `${proto}/${internalIp}/${internalPort}`;
    const hit = this.byInternal.get(k);
    if (hit) return { session: hit, created: false };
    // A flow from a published container port keeps its host port (the static mapping).
    for (const st of this.statics.values()) {
      if (st.proto === proto && st.internalIp === internalIp && st.internalPort === internalPort) return { session: st, created: false };
    }
    let port = this.next;
    for (let tries = 0; tries < 65536; tries++) {
      if (!this.byExternal.has(`${proto}/${port}`) && !this.statics.has(`${proto}/${port}`)) break;
      port = port >= this.lastPort ? this.firstPort : port + 1;
    }
    this.next = port >= this.lastPort ? this.firstPort : port + 1;
    const s: NatSession = { proto, internalIp, internalPort, externalIp, externalPort: port, owner, compartment, configured: false };
    this.byInternal.set(k, s);
    this.byExternal.set(`${proto}/${port}`, s);
    return { session: s, created: true };
  }

  /** The session an inbound packet to externalPort belongs to (dynamic first, then static mappings). */
  inbound(proto: number, externalPort: number): NatSession | undefined {
    return this.byExternal.get(`${proto}/${externalPort}`) ?? this.statics.get(`${proto}/${externalPort}`);
  }

  staticMappings(): NatSession[] {
    return [...this.statics.values()];
  }

  /** Forgets the dynamic sessions (they time out; --scale repetitions start clean). */
  expire(): void {
    this.byInternal.clear();
    this.byExternal.clear();
  }
}

/** Transport "port" of a packet for NAT: TCP/UDP port, or the ICMP echo identifier. */
export function natProto(proto: number): boolean {
  return proto === IpProto.TCP || proto === IpProto.UDP || proto === IpProto.ICMP;
}
