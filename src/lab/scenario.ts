/**
 * Lab scenarios: YAML → a validated, fully resolved model input. Every error names the YAML path and line, on
 * one line ("scenario.yaml:7: networks[1].driver: "natt" is not one of nat, transparent, …"). Everything the
 * user leaves out is filled in deterministically (GUIDs and docker IDs from a seeded hash, MACs from the HNS
 * pool 00-15-5D-…, IPs from the subnet, compartments, interface indexes), so a scenario always yields the
 * same files.
 *
 * Format (see README "Lab" and src/lab/scenarios/*.yaml):
 *   name, description, seed, start (ISO time)
 *   host: { name, osBuild, cpus, dns: [ip], timeZone: { name, bias }, nics: [{ name, description, mac, ip: a.b.c.d/len, gateway, mtu }] }
 *   networks: [{ name, driver, subnet, gateway, adapter, hnsName, options, vlan, vni, outboundNat, mtu,
 *                switch: { name, type }, hostVnic: { name }, remoteHosts: [{ name, pa, mac, endpoints: [{ name, ip, mac }] }] }]
 *   containers: [{ name, network, ip, mac, ports: ["8080:80", "53:53/udp"], listen: [80, "5353/udp"], compartment, id, dns: [ip],
 *                  endpoint: GUID, vnic: { name: GUID, friendlyName }, port: { name: GUID, friendlyName } }]
 *   external: [{ name, ip, rtt, listen: [80, "53/udp"], dns: bool, records: { name: ip }, ping: bool }]
 *   traffic: [{ ping|arp|dns|tcp|udp|http: {...}, id, gap }]
 *   faults: [{ drop|mtu|acl|noEncap|noDnsAnswer|noArpReply|wrongVni|noPortForward|noHairpin|staleEndpoint|asymmetric: {...} }]
 *   capture: { snaplen, lostEvents: { events, buffers }, providers: [ndis, vmswitch, winnat] }
 * `listen` numbers are TCP ports; "N/udp" entries declare UDP ports. A party that declares UDP ports answers a
 * datagram to any other UDP port with ICMP port unreachable; one that declares none absorbs UDP silently.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { WnvError } from "../bytes/errors.js";
import { Ids } from "./ids.js";
import { inSubnet, ipv4FromNumber, ipv4Number, macText, parseIpv4, parseMac } from "./frames.js";

export const DRIVERS = ["nat", "transparent", "l2bridge", "l2tunnel", "overlay", "internal", "private"] as const;
export type Driver = (typeof DRIVERS)[number];
export type SwitchType = "Internal" | "External" | "Private";

/** Drop reasons (vSwitch / pktmon numbering 0–38, the range both generations of tables agree on). */
export const DROP_REASONS: Record<number, string> = {
  0: "Unspecified", 1: "Invalid Data", 2: "Invalid Packet", 3: "Insufficient resources", 4: "Adapter not ready",
  5: "Media Disconnected", 6: "Not accepted", 7: "Device busy", 8: "Filtered", 9: "Filtered VLAN", 10: "Unauthorized VLAN",
  11: "Unauthorized MAC", 12: "Failed security policy", 13: "Failed pVlan setting", 14: "QoS drop", 15: "IPSec drop",
  16: "Spoofed MAC address is not allowed", 17: "Failed DHCP guard", 18: "Failed Router Guard", 19: "Bridge is not allowed inside VM",
  20: "Virtual Subnet ID does not match", 21: "Required vSwitch extension is missing", 22: "Creating vSwitch over another vSwitch is not allowed",
  23: "MTU mismatch", 24: "Native forwarding required", 25: "Invalid VLAN format", 26: "Invalid destination MAC", 27: "Invalid source MAC",
  28: "First NB too small", 29: "Windows Network Virtualization error", 30: "Storm limit exceeded", 31: "ICMP request injected by switch",
  32: "Failed to update destination list", 33: "Destination NIC is disabled", 34: "Packet does not match destination NIC packet filter",
  35: "vSwitch data flow is disabled", 36: "Port isolation setting does not allow untagged traffic", 37: "Invalid PD queue", 38: "Adapter is in low power state",
};
const DROP_ALIASES: Record<string, number> = {
  unspecified: 0, invaliddata: 1, invalidpacket: 2, resources: 3, notready: 4, disconnected: 5, notaccepted: 6, busy: 7, filtered: 8,
  filteredvlan: 9, unauthorizedvlan: 10, unauthorizedmac: 11, failedsecuritypolicy: 12, securitypolicy: 12, acl: 12, qos: 14, ipsec: 15,
  macspoofing: 16, spoofedmac: 16, dhcpguard: 17, routerguard: 18, virtualsubnetid: 20, vsidmismatch: 20, mtumismatch: 23, mtu: 23,
  invaliddestmac: 26, invalidsourcemac: 27, wnv: 29, stormlimit: 30, nicdisabled: 33, switchdataflowdisabled: 35,
};

// ---- resolved model input ------------------------------------------------------------------------------------

export interface PhysNic {
  readonly name: string;
  readonly description: string;
  readonly mac: Uint8Array;
  readonly ip: string;
  readonly prefix: number;
  readonly gateway: string;
  readonly gatewayMac: Uint8Array;
  readonly ifIndex: number;
  /** NetCfgInstanceId / interface GUID (lower case). */
  readonly guid: string;
  readonly mtu: number;
}

export interface HostVnic {
  /** VmSwitch NicName (upper-case GUID) and friendly name. */
  readonly nicName: string;
  readonly nicFriendlyName: string;
  readonly portName: string;
  readonly portFriendlyName: string;
  readonly portId: number;
  /** ipconfig / Get-NetAdapter alias: "vEthernet (nat)". */
  readonly alias: string;
  readonly guid: string;
  readonly mac: Uint8Array;
  readonly ip: string;
  readonly prefix: number;
  readonly ifIndex: number;
  readonly mtu: number;
}

export interface ExternalPort {
  readonly nicName: string;
  readonly nicFriendlyName: string;
  readonly portName: string;
  readonly portFriendlyName: string;
  readonly portId: number;
  readonly adapter: PhysNic;
}

export interface VSwitch {
  /** Upper-case GUID, as VmSwitch events print it. */
  readonly name: string;
  readonly friendlyName: string;
  readonly type: SwitchType;
  /** IfIndex of the switch's extensible miniport. */
  readonly ifIndex: number;
  readonly networks: Network[];
  hostVnic: HostVnic | null;
  external: ExternalPort | null;
}

export interface PortMapping {
  readonly protocol: "tcp" | "udp";
  readonly hostPort: number;
  readonly containerPort: number;
}

export interface AclRule {
  readonly id: string;
  readonly action: "Allow" | "Block";
  readonly direction: "In" | "Out";
  readonly protocol: "any" | "icmp" | "tcp" | "udp";
  readonly remote: string | null;
  readonly port: number | null;
  readonly priority: number;
}

export interface RemoteEndpoint {
  readonly name: string;
  readonly ip: string;
  readonly mac: Uint8Array;
  readonly endpointId: string;
  readonly host: RemoteHost;
  readonly network: Network;
  readonly listen: ReadonlySet<number>;
  /** Declared UDP ports; null: none declared (UDP is absorbed silently). */
  readonly listenUdp: ReadonlySet<number> | null;
}

export interface RemoteHost {
  readonly name: string;
  readonly pa: string;
  readonly mac: Uint8Array;
  readonly rttTicks: number;
  readonly endpoints: RemoteEndpoint[];
}

export interface Network {
  readonly index: number;
  readonly name: string;
  readonly driver: Driver;
  readonly dockerId: string;
  readonly hnsId: string;
  readonly hnsName: string;
  readonly subnet: string;
  readonly prefix: number;
  readonly gateway: string;
  readonly options: Readonly<Record<string, string>>;
  readonly macPool: { readonly start: Uint8Array; readonly end: Uint8Array };
  readonly vlan: number | null;
  readonly vni: number | null;
  readonly outboundNat: boolean;
  readonly mtu: number;
  readonly adapter: PhysNic | null;
  readonly remoteHosts: RemoteHost[];
  readonly drMac: Uint8Array | null;
  /** WinNAT instance name (nat networks). */
  readonly natName: string | null;
  vswitch: VSwitch;
  /** Layered on this network's switch (HNS LayeredOn) when another network owns the external switch. */
  layeredOn: Network | null;
}

export interface Container {
  readonly index: number;
  readonly name: string;
  readonly id: string;
  readonly network: Network;
  readonly endpointId: string;
  /** HNS endpoint Name as docker sets it: the libnetwork endpoint ID (64 hex). */
  readonly endpointName: string;
  readonly dockerEndpointId: string;
  readonly nicName: string;
  readonly nicFriendlyName: string;
  readonly portName: string;
  readonly portFriendlyName: string;
  readonly portId: number;
  readonly mac: Uint8Array;
  readonly ip: string;
  readonly compartment: number;
  readonly ifIndex: number;
  readonly ports: readonly PortMapping[];
  readonly listen: ReadonlySet<number>;
  /** Declared UDP ports; null: none declared (UDP is absorbed silently). */
  readonly listenUdp: ReadonlySet<number> | null;
  readonly dns: readonly string[];
  readonly acls: AclRule[];
}

export interface ExternalHost {
  readonly name: string;
  readonly ip: string;
  readonly rttTicks: number;
  readonly listen: ReadonlySet<number>;
  /** Declared UDP ports; null: none declared (UDP is absorbed silently). */
  readonly listenUdp: ReadonlySet<number> | null;
  readonly dnsServer: boolean;
  readonly ping: boolean;
}

export type TrafficKind = "ping" | "arp" | "dns" | "tcp" | "udp" | "http";

export interface Traffic {
  readonly index: number;
  readonly id: string;
  readonly kind: TrafficKind;
  readonly from: string;
  /** Destination party name, IP or DNS name ("" for dns/arp). */
  readonly to: string;
  readonly port: number;
  readonly count: number;
  readonly size: number;
  /** dns: the name; arp: the target IP; http: the path. */
  readonly name: string;
  readonly send: string;
  readonly reply: string | boolean;
  /** Gap before this item starts, in 100 ns ticks. */
  readonly gapTicks: number;
  readonly line: number;
}

export type Fault =
  | { readonly kind: "drop"; readonly at: string; readonly reason: number; readonly traffic: string | null; readonly packet: number | null; readonly line: number }
  | { readonly kind: "mtu"; readonly at: string; readonly mtu: number; readonly line: number }
  | { readonly kind: "noEncap"; readonly network: string; readonly line: number }
  | { readonly kind: "noDnsAnswer"; readonly name: string | null; readonly line: number }
  | { readonly kind: "noArpReply"; readonly ip: string; readonly line: number }
  /** An ACL rule planted on a container (the rule itself lives in the container's `acls`). */
  | { readonly kind: "acl"; readonly container: string; readonly rule: string; readonly line: number }
  /** VFP encapsulates with `vni` instead of the overlay network's own VNI. */
  | { readonly kind: "wrongVni"; readonly network: string; readonly vni: number; readonly line: number }
  /** WinNAT keeps the static mapping (host state shows it) but does not forward inbound packets; port null: every mapping of the container. */
  | { readonly kind: "noPortForward"; readonly container: string; readonly port: number | null; readonly line: number }
  /** WinNAT does not hairpin: a container's packet to the host's external IP:published port is not translated. */
  | { readonly kind: "noHairpin"; readonly line: number }
  /** The container is gone (not in `docker ps`), its HNS endpoint left behind Detached, its vSwitch port deleted. */
  | { readonly kind: "staleEndpoint"; readonly container: string; readonly line: number }
  /** Replies to a traffic item come back from the outside through host NIC `via` instead of the NIC the request left by. */
  | { readonly kind: "asymmetric"; readonly traffic: string; readonly via: string; readonly line: number };

export type CaptureProvider = "ndis" | "vmswitch" | "winnat";
export const CAPTURE_PROVIDERS: readonly CaptureProvider[] = ["ndis", "vmswitch", "winnat"];

/** How the captures were taken (both flavours): snap length, lost events, which netsh providers were enabled. */
export interface CaptureOptions {
  /** Bytes kept per packet (netsh -TruncationLength / pktmon --pkt-size); null: whole packets. */
  readonly snaplen: number | null;
  /** EventsLost / BuffersLost written into the logfile header; null: none lost. */
  readonly lostEvents: { readonly events: number; readonly buffers: number } | null;
  /** Providers of the netsh flavour (default all three). */
  readonly providers: ReadonlySet<CaptureProvider>;
  /** Scenario lines of the options (0 when not given). */
  readonly lines: { readonly snaplen: number; readonly lostEvents: number; readonly providers: number };
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly seed: string;
  readonly source: string;
  readonly startTime: bigint;
  readonly host: {
    readonly name: string;
    readonly osBuild: number;
    readonly cpus: number;
    readonly dns: readonly string[];
    readonly timeZone: { readonly name: string; readonly bias: number };
    readonly nics: readonly PhysNic[];
  };
  readonly networks: readonly Network[];
  readonly switches: readonly VSwitch[];
  readonly containers: readonly Container[];
  readonly external: readonly ExternalHost[];
  readonly dnsRecords: ReadonlyMap<string, string[]>;
  readonly traffic: readonly Traffic[];
  readonly faults: readonly Fault[];
  readonly capture: CaptureOptions;
  readonly ids: Ids;
}

// ---- errors ------------------------------------------------------------------------------------------------

type Path = (string | number)[];

function pathText(p: Path): string {
  let s = "";
  for (const k of p) s += typeof k === "number" ? `[${k}]` : s ? `.${k}` : k;
  return s || "(top level)";
}

class Ctx {
  constructor(readonly file: string, private readonly lineOf: (p: Path) => number) {}
  fail(p: Path, msg: string): never {
    const line = this.lineOf(p);
    throw new WnvError("usage", `${this.file}${line ? `:${line}` : ""}: ${pathText(p)}: ${msg}`);
  }
  line(p: Path): number {
    return this.lineOf(p);
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function obj(c: Ctx, v: unknown, p: Path, keys: readonly string[]): Obj {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) c.fail(p, `expected a mapping, got ${describe(v)}`);
  for (const k of Object.keys(v)) {
    if (keys.includes(k)) continue;
    const what = String(p[p.length - 1] ?? "");
    c.fail([...p, k], keys.length ? `unknown key (expected one of ${keys.join(", ")})` : `unknown key (${what} takes no options: ${what}: {})`);
  }
  return v;
}

function list(c: Ctx, v: unknown, p: Path): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) c.fail(p, `expected a list, got ${describe(v)}`);
  return v;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (isObj(v)) return "a mapping";
  return JSON.stringify(v);
}

function str(c: Ctx, v: unknown, p: Path, def?: string): string {
  if (v === undefined || v === null) {
    if (def !== undefined) return def;
    c.fail(p, "is required");
  }
  if (typeof v === "number") return String(v);
  if (typeof v !== "string" || v === "") c.fail(p, `expected a non-empty string, got ${describe(v)}`);
  return v;
}

function int(c: Ctx, v: unknown, p: Path, def: number | undefined, lo: number, hi: number): number {
  if (v === undefined || v === null) {
    if (def !== undefined) return def;
    c.fail(p, "is required");
  }
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) c.fail(p, `expected a whole number from ${lo} to ${hi}, got ${describe(v)}`);
  return v;
}

function bool(c: Ctx, v: unknown, p: Path, def: boolean): boolean {
  if (v === undefined || v === null) return def;
  if (typeof v !== "boolean") c.fail(p, `expected true or false, got ${describe(v)}`);
  return v;
}

function ip(c: Ctx, v: unknown, p: Path, def?: string): string {
  const s = str(c, v, p, def);
  try {
    parseIpv4(s);
  } catch {
    c.fail(p, `"${s}" is not an IPv4 address`);
  }
  return s;
}

function cidr(c: Ctx, v: unknown, p: Path, def?: string): { addr: string; prefix: number } {
  const s = str(c, v, p, def);
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(s);
  if (!m || Number(m[2]) > 32) c.fail(p, `"${s}" is not an IPv4 prefix like 172.18.5.0/24`);
  try {
    parseIpv4(m[1]);
  } catch {
    c.fail(p, `"${s}" is not an IPv4 prefix like 172.18.5.0/24`);
  }
  return { addr: m[1], prefix: Number(m[2]) };
}

function mac(c: Ctx, v: unknown, p: Path, def: Uint8Array): Uint8Array {
  if (v === undefined || v === null) return def;
  const s = str(c, v, p);
  try {
    return parseMac(s);
  } catch {
    return c.fail(p, `"${s}" is not a MAC address like 00-15-5D-3A-90-01`);
  }
}

/** A GUID, returned upper-case without braces (as VmSwitch prints NIC and port names). */
function guid(c: Ctx, v: unknown, p: Path): string {
  const s = str(c, v, p);
  const m = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/.exec(s);
  if (!m) c.fail(p, `"${s}" is not a GUID like 5AA3FFAC-AB7F-41DA-BD02-A4404FCA9241`);
  return m[1].toUpperCase();
}

/** "12ms", "1.5s", "300us", a number (ms) → 100 ns ticks. */
function duration(c: Ctx, v: unknown, p: Path, defTicks: number): number {
  if (v === undefined || v === null) return defTicks;
  if (typeof v === "number" && v >= 0) return Math.round(v * 10_000);
  const m = typeof v === "string" ? /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s)$/.exec(v.trim()) : null;
  if (!m) c.fail(p, `expected a duration like 12ms, 1.5s or 300us, got ${describe(v)}`);
  const n = Number(m[1]);
  return Math.round(m[2] === "s" ? n * 1e7 : m[2] === "ms" ? n * 1e4 : n * 10);
}

/** A `listen` list: numbers (TCP ports) and "N/udp" / "N/tcp" strings. `def`: TCP ports when none is given. */
function listenPorts(c: Ctx, v: unknown, p: Path, def: readonly number[]): { listen: ReadonlySet<number>; listenUdp: ReadonlySet<number> | null } {
  const tcp: number[] = [];
  let udp: number[] | null = null;
  list(c, v, p).forEach((x, i) => {
    if (typeof x === "string") {
      const m = /^(\d+)\/(tcp|udp)$/.exec(x.trim());
      if (!m) c.fail([...p, i], `"${x}" is not a port like 80, "80/tcp" or "53/udp"`);
      const n = int(c, Number(m[1]), [...p, i], undefined, 1, 65535);
      if (m[2] === "udp") (udp ??= []).push(n);
      else tcp.push(n);
    } else tcp.push(int(c, x, [...p, i], undefined, 1, 65535));
  });
  return { listen: new Set(tcp.length ? tcp : def), listenUdp: udp ? new Set(udp) : null };
}

function network(prefixAddr: string, prefix: number): string {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return `${ipv4FromNumber((ipv4Number(prefixAddr) & mask) >>> 0)}/${prefix}`;
}

function addIp(base: string, n: number): string {
  return ipv4FromNumber((ipv4Number(base) + n) >>> 0);
}

function macPlus(m: Uint8Array, n: number): Uint8Array {
  const o = m.slice();
  let carry = n;
  for (let i = 5; i >= 0 && carry; i--) {
    const v = o[i] + carry;
    o[i] = v & 0xff;
    carry = v >> 8;
  }
  return o;
}

// ---- loading -----------------------------------------------------------------------------------------------

/** Parses and validates a scenario file. */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new WnvError("unreadable", `cannot read scenario ${path}: ${(e as Error).message}`);
  }
  return parseScenario(text, basename(path));
}

/** Parses and validates scenario YAML text; `file` names it in errors. */
export function parseScenario(text: string, file = "scenario.yaml"): Scenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line;
    throw new WnvError("usage", `${file}${line ? `:${line}` : ""}: not valid YAML: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`);
  }
  const lineOf = (p: Path): number => {
    for (let k = p.length; k >= 0; k--) {
      const n = doc.getIn(p.slice(0, k), true) as { range?: [number, number, number] } | undefined;
      if (n && n.range) return lc.linePos(n.range[0]).line;
      // A key whose value is missing: find the pair's key node.
    }
    return 0;
  };
  const raw: unknown = doc.toJS();
  const c = new Ctx(file, lineOf);
  return resolve(c, raw, text);
}

function resolve(c: Ctx, raw: unknown, source: string): Scenario {
  const top = obj(c, raw, [], ["name", "description", "seed", "start", "host", "networks", "containers", "external", "traffic", "faults", "capture"]);
  const name = str(c, top.name, ["name"]);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) c.fail(["name"], `"${name}" may only contain letters, digits, ".", "_" and "-"`);
  const seed = str(c, top.seed, ["seed"], name);
  const ids = new Ids(seed);
  const startText = str(c, top.start, ["start"], "2024-06-10T09:00:00Z");
  const startMs = Date.parse(startText);
  if (Number.isNaN(startMs)) c.fail(["start"], `"${startText}" is not an ISO time like 2024-06-10T09:00:00Z`);
  const startTime = BigInt(startMs) * 10_000n + 116444736000000000n;

  // Host ----------------------------------------------------------------------------------------------------
  const h = obj(c, top.host, ["host"], ["name", "osBuild", "cpus", "dns", "timeZone", "nics"]);
  const hostName = str(c, h.name, ["host", "name"], "CONTAINERHOST");
  const osBuild = int(c, h.osBuild, ["host", "osBuild"], 20348, 9200, 99999);
  const cpus = int(c, h.cpus, ["host", "cpus"], 4, 1, 64);
  const tz = obj(c, h.timeZone, ["host", "timeZone"], ["name", "bias"]);
  const timeZone = { name: str(c, tz.name, ["host", "timeZone", "name"], "Coordinated Universal Time"), bias: int(c, tz.bias, ["host", "timeZone", "bias"], 0, -840, 840) };
  const rawNics = list(c, h.nics, ["host", "nics"]);
  const nicDefs = rawNics.length ? rawNics : [{}];
  const nics: PhysNic[] = nicDefs.map((n, i) => {
    const p: Path = ["host", "nics", i];
    const o = obj(c, n, p, ["name", "description", "mac", "ip", "gateway", "mtu"]);
    const nm = str(c, o.name, [...p, "name"], i === 0 ? "Ethernet" : `Ethernet ${i + 1}`);
    const addr = cidr(c, o.ip, [...p, "ip"], i === 0 ? "10.0.0.4/24" : `10.0.${i}.4/24`);
    const gw = ip(c, o.gateway, [...p, "gateway"], addIp(network(addr.addr, addr.prefix).split("/")[0], 1));
    if (!inSubnet(gw, network(addr.addr, addr.prefix))) c.fail([...p, "gateway"], `${gw} is not in ${network(addr.addr, addr.prefix)}`);
    return {
      name: nm, description: str(c, o.description, [...p, "description"], i === 0 ? "Microsoft Hyper-V Network Adapter" : `Microsoft Hyper-V Network Adapter #${i + 1}`),
      mac: mac(c, o.mac, [...p, "mac"], Uint8Array.of(0x00, 0x0d, 0x3a, ...ids.bytes("nic-mac", nm, 3))),
      ip: addr.addr, prefix: addr.prefix, gateway: gw,
      gatewayMac: Uint8Array.of(0x12, 0x34, 0x56, ...ids.bytes("router-mac", gw, 3)),
      ifIndex: 4 + i, guid: ids.guid("nic", nm), mtu: int(c, o.mtu, [...p, "mtu"], 1500, 576, 9216),
    };
  });
  const nicNames = new Set<string>();
  nics.forEach((n, i) => {
    if (nicNames.has(n.name)) c.fail(["host", "nics", i, "name"], `duplicate NIC name "${n.name}"`);
    nicNames.add(n.name);
  });
  const hostDns = list(c, h.dns, ["host", "dns"]).map((d, i) => ip(c, d, ["host", "dns", i]));
  if (hostDns.length === 0) hostDns.push(nics[0].gateway);

  // Networks ------------------------------------------------------------------------------------------------
  const switches: VSwitch[] = [];
  const networks: Network[] = [];
  let nextIf = 10;
  const takenIps = new Map<string, string>();
  const claimIp = (addr: string, who: string, p: Path): void => {
    const prev = takenIps.get(addr);
    if (prev) c.fail(p, `IP ${addr} is already used by ${prev}`);
    takenIps.set(addr, who);
  };
  nics.forEach((n, i) => claimIp(n.ip, `host NIC ${n.name}`, ["host", "nics", i, "ip"]));
  const rawNets = list(c, top.networks, ["networks"]);
  if (rawNets.length === 0) c.fail(["networks"], "at least one network is required");
  rawNets.forEach((n, i) => {
    const p: Path = ["networks", i];
    const o = obj(c, n, p, ["name", "driver", "subnet", "gateway", "adapter", "hnsName", "options", "vlan", "vni", "outboundNat", "mtu", "switch", "hostVnic", "remoteHosts"]);
    const nm = str(c, o.name, [...p, "name"]);
    if (networks.some((x) => x.name === nm)) c.fail([...p, "name"], `duplicate network name "${nm}"`);
    const driverText = str(c, o.driver, [...p, "driver"], "nat");
    if (!(DRIVERS as readonly string[]).includes(driverText)) c.fail([...p, "driver"], `"${driverText}" is not one of ${DRIVERS.join(", ")}`);
    const driver = driverText as Driver;
    const opts: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj(c, o.options, [...p, "options"], Object.keys(isObj(o.options) ? o.options : {})))) opts[k] = str(c, v, [...p, "options", k]);
    const external = driver === "transparent" || driver === "l2bridge" || driver === "l2tunnel" || driver === "overlay";
    let adapter: PhysNic | null = null;
    if (external) {
      const an = str(c, o.adapter ?? opts["com.docker.network.windowsshim.interface"], [...p, "adapter"], nics[0].name);
      adapter = nics.find((x) => x.name === an) ?? c.fail([...p, "adapter"], `"${an}" is not a host NIC (host.nics: ${nics.map((x) => x.name).join(", ")})`);
      opts["com.docker.network.windowsshim.interface"] ??= an;
    } else if (o.adapter !== undefined) {
      c.fail([...p, "adapter"], `a ${driver} network uses an ${driver === "private" ? "private" : "internal"} switch and has no adapter`);
    }
    const dockerId = ids.dockerId("network", nm);
    const hnsName = str(c, o.hnsName ?? opts["com.docker.network.windowsshim.networkname"], [...p, "hnsName"], nm === "nat" ? "nat" : dockerId);
    if (o.hnsName !== undefined) opts["com.docker.network.windowsshim.networkname"] = hnsName;
    const hnsId = ids.guid("hns-network", nm);
    opts["com.docker.network.windowsshim.hnsid"] = hnsId;
    // Subnet defaults: nat/internal/private/overlay get a private prefix; the others share the adapter's subnet.
    const defSubnet = adapter && driver !== "overlay"
      ? network(adapter.ip, adapter.prefix)
      : driver === "overlay" ? `10.244.${1 + i}.0/24` : `172.${17 + ids.int("subnet", nm, 14)}.${16 * ids.int("subnet2", nm, 16)}.0/20`;
    const sn = cidr(c, o.subnet, [...p, "subnet"], defSubnet);
    const subnet = network(sn.addr, sn.prefix);
    const gwDefault = adapter && driver !== "overlay" ? adapter.gateway : addIp(subnet.split("/")[0], 1);
    const gateway = ip(c, o.gateway, [...p, "gateway"], gwDefault);
    if (!inSubnet(gateway, subnet)) c.fail([...p, "gateway"], `${gateway} is not in the subnet ${subnet}`);
    for (const other of networks) {
      if (!adapter || other.adapter !== adapter) {
        if (inSubnet(subnet.split("/")[0], other.subnet) || inSubnet(other.subnet.split("/")[0], subnet)) {
          if (!(adapter && other.adapter && adapter === other.adapter)) c.fail([...p, "subnet"], `${subnet} overlaps network "${other.name}" (${other.subnet})`);
        }
      }
    }
    const vlanRaw = o.vlan ?? (opts["com.docker.network.windowsshim.vlanid"] !== undefined ? Number(opts["com.docker.network.windowsshim.vlanid"]) : undefined);
    const vlan = vlanRaw === undefined ? null : int(c, vlanRaw, [...p, "vlan"], undefined, 1, 4094);
    if (vlan !== null && !external) c.fail([...p, "vlan"], "VLAN isolation needs an external switch (transparent, l2bridge, l2tunnel or overlay)");
    const vniRaw = o.vni ?? (opts["com.docker.network.driver.overlay.vxlanid_list"] !== undefined ? Number(opts["com.docker.network.driver.overlay.vxlanid_list"]) : undefined);
    if (vniRaw !== undefined && driver !== "overlay") c.fail([...p, "vni"], "only overlay networks have a VXLAN id");
    const vni = driver === "overlay" ? int(c, vniRaw, [...p, "vni"], 4096, 1, 16777215) : null;
    if (vni !== null) opts["com.docker.network.driver.overlay.vxlanid_list"] = String(vni);
    if (o.outboundNat !== undefined && driver !== "l2bridge") c.fail([...p, "outboundNat"], "the OutBoundNAT endpoint policy applies to l2bridge networks");
    const outboundNat = bool(c, o.outboundNat, [...p, "outboundNat"], false);
    if (outboundNat) opts["com.docker.network.windowsshim.enable_outboundnat"] = "true";
    const poolA = ids.bytes("mac-pool", nm, 2);
    const macPool = { start: Uint8Array.of(0x00, 0x15, 0x5d, poolA[0], poolA[1] & 0xf0, 0x00), end: Uint8Array.of(0x00, 0x15, 0x5d, poolA[0], (poolA[1] & 0xf0) | 0x0f, 0xff) };
    const mtu = int(c, o.mtu, [...p, "mtu"], driver === "overlay" ? 1450 : 1500, 576, 9216);

    // The vSwitch: nat/internal → internal switch; private → private; external drivers → one external switch per
    // adapter (a second network on the same adapter is layered on the first, like overlay on "External").
    const sw = obj(c, o.switch, [...p, "switch"], ["name", "type"]);
    const swType: SwitchType = driver === "private" ? "Private" : external ? "External" : "Internal";
    if (sw.type !== undefined && String(sw.type).toLowerCase() !== swType.toLowerCase()) c.fail([...p, "switch", "type"], `a ${driver} network uses an ${swType.toLowerCase()} switch, not "${String(sw.type)}"`);
    let vswitch = external ? switches.find((s) => s.external?.adapter === adapter) : undefined;
    let layeredOn: Network | null = null;
    if (vswitch) {
      layeredOn = vswitch.networks[0];
    } else {
      vswitch = {
        name: ids.guid("switch", nm).toUpperCase(), friendlyName: str(c, sw.name, [...p, "switch", "name"], hnsName), type: swType,
        ifIndex: nextIf++, networks: [], hostVnic: null, external: null,
      };
      switches.push(vswitch);
    }
    // Remote hosts (overlay): provider addresses and remote endpoints.
    const remoteHosts: RemoteHost[] = [];
    const netObj: Network = {
      index: i, name: nm, driver, dockerId, hnsId, hnsName, subnet, prefix: sn.prefix, gateway, options: opts, macPool, vlan, vni, outboundNat, mtu,
      adapter, remoteHosts, drMac: driver === "overlay" ? macPlus(macPool.start, 0x0255) : null,
      natName: driver === "nat" ? `NAT${ids.guid("winnat", nm).toUpperCase()}` : null, vswitch, layeredOn,
    };
    const rh = list(c, o.remoteHosts, [...p, "remoteHosts"]);
    if (rh.length && driver !== "overlay") c.fail([...p, "remoteHosts"], "remote hosts (provider addresses) belong to overlay networks");
    rh.forEach((r, j) => {
      const rp: Path = [...p, "remoteHosts", j];
      const ro = obj(c, r, rp, ["name", "pa", "mac", "rtt", "endpoints"]);
      const rn = str(c, ro.name, [...rp, "name"], `node${j + 2}`);
      const pa = ip(c, ro.pa, [...rp, "pa"]);
      claimIp(pa, `remote host ${rn}`, [...rp, "pa"]);
      const host: RemoteHost = { name: rn, pa, mac: mac(c, ro.mac, [...rp, "mac"], Uint8Array.of(0x00, 0x0d, 0x3a, ...ids.bytes("remote-mac", rn, 3))), rttTicks: duration(c, ro.rtt, [...rp, "rtt"], 3_500), endpoints: [] };
      list(c, ro.endpoints, [...rp, "endpoints"]).forEach((e, k) => {
        const ep: Path = [...rp, "endpoints", k];
        const eo = obj(c, e, ep, ["name", "ip", "mac", "listen"]);
        const en = str(c, eo.name, [...ep, "name"]);
        const eip = ip(c, eo.ip, [...ep, "ip"]);
        if (!inSubnet(eip, subnet)) c.fail([...ep, "ip"], `${eip} is not in the overlay subnet ${subnet}`);
        claimIp(eip, `remote endpoint ${en}`, [...ep, "ip"]);
        host.endpoints.push({
          name: en, ip: eip, mac: mac(c, eo.mac, [...ep, "mac"], macPlus(macPool.start, 0x800 + j * 0x40 + k)), endpointId: ids.guid("remote-endpoint", en),
          host, network: netObj, ...listenPorts(c, eo.listen, [...ep, "listen"], []),
        });
      });
      remoteHosts.push(host);
    });
    if (driver === "overlay" && remoteHosts.length === 0) c.fail([...p, "remoteHosts"], "an overlay network needs at least one remote host with a provider address (pa)");
    vswitch.networks.push(netObj);
    networks.push(netObj);
    // Host vNIC: nat/internal: holds the gateway; external switches: the management vNIC takes over the adapter's IP.
    const hv = obj(c, o.hostVnic, [...p, "hostVnic"], ["name"]);
    if (!vswitch.hostVnic && driver !== "private") {
      const vnicName = external ? adapter!.name : hnsName;
      const isExt = external;
      const hostIp = isExt ? adapter!.ip : gateway;
      if (!isExt) claimIp(hostIp, `the host vNIC of ${nm}`, [...p, "gateway"]);
      const nicGuid = ids.guid("host-vnic", nm);
      vswitch.hostVnic = {
        nicName: nicGuid.toUpperCase(), nicFriendlyName: str(c, hv.name, [...p, "hostVnic", "name"], vnicName),
        portName: ids.guid("host-vnic-port", nm).toUpperCase(), portFriendlyName: `Container NIC ${nicGuid.slice(0, 8)}`, portId: 1,
        alias: `vEthernet (${vnicName})`, guid: ids.guid("host-vnic-if", nm), mac: isExt ? adapter!.mac : macPlus(macPool.start, 1),
        ip: hostIp, prefix: isExt ? adapter!.prefix : sn.prefix, ifIndex: nextIf++, mtu: isExt ? adapter!.mtu : 1500,
      };
    } else if (o.hostVnic !== undefined && vswitch.hostVnic === null) {
      c.fail([...p, "hostVnic"], "a private switch has no host vNIC");
    }
    if (external && !vswitch.external) {
      vswitch.external = {
        nicName: ids.guid("external-nic", adapter!.name).toUpperCase(), nicFriendlyName: adapter!.description,
        portName: ids.guid("external-port", adapter!.name).toUpperCase(), portFriendlyName: "ExternalPort", portId: 2, adapter: adapter!,
      };
    }
  });

  // External hosts ------------------------------------------------------------------------------------------
  const external: ExternalHost[] = [];
  const dnsRecords = new Map<string, string[]>();
  list(c, top.external, ["external"]).forEach((e, i) => {
    const p: Path = ["external", i];
    const o = obj(c, e, p, ["name", "ip", "rtt", "listen", "dns", "records", "ping"]);
    const nm = str(c, o.name, [...p, "name"]);
    const addr = ip(c, o.ip, [...p, "ip"]);
    if (external.some((x) => x.name === nm)) c.fail([...p, "name"], `duplicate external host "${nm}"`);
    claimIp(addr, `external host ${nm}`, [...p, "ip"]);
    const lp = listenPorts(c, o.listen, [...p, "listen"], [80, 443]);
    external.push({ name: nm, ip: addr, rttTicks: duration(c, o.rtt, [...p, "rtt"], 120_000), ...lp, dnsServer: bool(c, o.dns, [...p, "dns"], false), ping: bool(c, o.ping, [...p, "ping"], true) });
    if (nm.includes(".")) dnsRecords.set(nm.toLowerCase(), [addr]);
    for (const [rn, rv] of Object.entries(obj(c, o.records, [...p, "records"], Object.keys(isObj(o.records) ? o.records : {})))) {
      dnsRecords.set(rn.toLowerCase(), [ip(c, rv, [...p, "records", rn])]);
    }
  });
  // The host's DNS servers exist in the world even when not listed.
  for (const d of hostDns) {
    const x = external.find((e) => e.ip === d);
    if (x && !x.dnsServer) external[external.indexOf(x)] = { ...x, dnsServer: true };
    if (!x && !takenIps.has(d)) {
      external.push({ name: `dns-${d}`, ip: d, rttTicks: 60_000, listen: new Set([53]), listenUdp: null, dnsServer: true, ping: true });
      takenIps.set(d, "DNS server");
    }
  }

  // Containers ----------------------------------------------------------------------------------------------
  const containers: Container[] = [];
  const perNet = new Map<Network, number>();
  let compartment = 3;
  let containerIf = 20;
  list(c, top.containers, ["containers"]).forEach((k, i) => {
    const p: Path = ["containers", i];
    const o = obj(c, k, p, ["name", "network", "ip", "mac", "ports", "listen", "compartment", "id", "dns", "endpoint", "vnic", "port"]);
    const nm = str(c, o.name, [...p, "name"]);
    if (containers.some((x) => x.name === nm) || external.some((x) => x.name === nm) || nm === "host") c.fail([...p, "name"], `the name "${nm}" is already taken`);
    const netName = str(c, o.network, [...p, "network"]);
    const net = networks.find((x) => x.name === netName) ?? c.fail([...p, "network"], `unknown network "${netName}" (networks: ${networks.map((x) => x.name).join(", ")})`);
    const n = (perNet.get(net) ?? 0) + 1;
    perNet.set(net, n);
    const firstHost = net.adapter && net.driver !== "overlay" ? 100 : 1;
    let addr = o.ip === undefined ? "" : ip(c, o.ip, [...p, "ip"]);
    if (!addr) {
      let off = firstHost + n;
      for (;;) {
        addr = addIp(net.subnet.split("/")[0], off);
        if (!takenIps.has(addr) && addr !== net.gateway) break;
        off++;
      }
    }
    if (!inSubnet(addr, net.subnet)) c.fail([...p, "ip"], `${addr} is not in the subnet of network "${net.name}" (${net.subnet})`);
    if (addr === net.gateway) c.fail([...p, "ip"], `${addr} is the gateway of network "${net.name}"`);
    claimIp(addr, `container ${nm}`, [...p, "ip"]);
    const id = o.id === undefined ? ids.dockerId("container", nm) : str(c, o.id, [...p, "id"]);
    if (!/^[0-9a-f]{64}$/.test(id)) c.fail([...p, "id"], "a docker container ID is 64 lower-case hex digits");
    const ports: PortMapping[] = list(c, o.ports, [...p, "ports"]).map((x, j) => {
      const s = str(c, x, [...p, "ports", j]);
      const m = /^(?:(\d+\.\d+\.\d+\.\d+):)?(\d+):(\d+)(?:\/(tcp|udp))?$/.exec(s);
      if (!m) c.fail([...p, "ports", j], `"${s}" is not a port mapping like 8080:80 or 5353:53/udp`);
      const hp = Number(m[2]), cp = Number(m[3]);
      if (hp < 1 || hp > 65535 || cp < 1 || cp > 65535) c.fail([...p, "ports", j], `ports must be 1-65535`);
      if (net.driver !== "nat") c.fail([...p, "ports", j], `port publishing (-p) needs a nat network; "${net.name}" is ${net.driver}`);
      return { protocol: (m[4] ?? "tcp") as "tcp" | "udp", hostPort: hp, containerPort: cp };
    });
    const lp = listenPorts(c, o.listen, [...p, "listen"], []);
    const listen = new Set<number>(lp.listen);
    let listenUdp = lp.listenUdp ? new Set<number>(lp.listenUdp) : null;
    for (const pm of ports) {
      if (pm.protocol === "tcp") listen.add(pm.containerPort);
      else (listenUdp ??= new Set<number>()).add(pm.containerPort);
    }
    const nicGuid = ids.guid("container-vnic", nm);
    const dns = list(c, o.dns, [...p, "dns"]).map((d, j) => ip(c, d, [...p, "dns", j]));
    const vn = obj(c, o.vnic, [...p, "vnic"], ["name", "friendlyName"]);
    const pn = obj(c, o.port, [...p, "port"], ["name", "friendlyName"]);
    const endpointId = o.endpoint === undefined ? ids.guid("endpoint", nm) : guid(c, o.endpoint, [...p, "endpoint"]).toLowerCase();
    containers.push({
      index: i, name: nm, id, network: net, endpointId, endpointName: ids.dockerId("docker-endpoint", nm), dockerEndpointId: ids.dockerId("docker-endpoint", nm),
      nicName: vn.name === undefined ? nicGuid.toUpperCase() : guid(c, vn.name, [...p, "vnic", "name"]), nicFriendlyName: str(c, vn.friendlyName, [...p, "vnic", "friendlyName"], id.slice(0, 15)),
      portName: pn.name === undefined ? ids.guid("container-port", nm).toUpperCase() : guid(c, pn.name, [...p, "port", "name"]),
      portFriendlyName: str(c, pn.friendlyName, [...p, "port", "friendlyName"], "Dynamic Ethernet Switch Port"), portId: 3 + containers.filter((x) => x.network.vswitch === net.vswitch).length,
      mac: mac(c, o.mac, [...p, "mac"], macPlus(net.macPool.start, 0x10 + n)), ip: addr,
      compartment: int(c, o.compartment, [...p, "compartment"], compartment, 2, 65535), ifIndex: containerIf++, ports, listen, listenUdp,
      dns: dns.length ? dns : net.driver === "nat" || net.adapter ? hostDns : [net.gateway], acls: [],
    });
    compartment = Math.max(compartment, containers[containers.length - 1].compartment) + 1;
  });
  // Duplicate MACs and published ports.
  const macs = new Map<string, string>();
  containers.forEach((k, i) => {
    const t = macText(k.mac);
    if (macs.has(t)) c.fail(["containers", i, "mac"], `MAC ${t} is already used by ${macs.get(t)}`);
    macs.set(t, k.name);
  });
  const published = new Map<string, string>();
  containers.forEach((k, i) => k.ports.forEach((pm, j) => {
    const key = `${pm.protocol}/${pm.hostPort}`;
    if (published.has(key)) c.fail(["containers", i, "ports", j], `host port ${pm.hostPort}/${pm.protocol} is already published by ${published.get(key)}`);
    published.set(key, k.name);
  }));

  const remoteEndpoints = networks.flatMap((n) => n.remoteHosts.flatMap((r) => r.endpoints));
  const parties = new Set<string>(["host", ...containers.map((x) => x.name), ...external.map((x) => x.name), ...remoteEndpoints.map((x) => x.name)]);
  const isParty = (s: string): boolean => parties.has(s);

  // Traffic -------------------------------------------------------------------------------------------------
  const KINDS: Record<TrafficKind, readonly string[]> = {
    ping: ["from", "to", "count", "size"],
    arp: ["from", "target"],
    dns: ["from", "name", "server"],
    tcp: ["from", "to", "port", "send", "reply"],
    udp: ["from", "to", "port", "size", "send", "reply"],
    http: ["from", "to", "port", "path"],
  };
  const traffic: Traffic[] = [];
  list(c, top.traffic, ["traffic"]).forEach((t, i) => {
    const p: Path = ["traffic", i];
    if (!isObj(t)) c.fail(p, `expected a mapping like { ping: { from: c1, to: c2 } }, got ${describe(t)}`);
    const kinds = Object.keys(t).filter((k) => k in KINDS);
    if (kinds.length !== 1) c.fail(p, `expected exactly one of ${Object.keys(KINDS).join(", ")}`);
    const kind = kinds[0] as TrafficKind;
    obj(c, t, p, [kind, "id", "gap"]);
    const kp: Path = [...p, kind];
    const o = obj(c, t[kind], kp, KINDS[kind]);
    const from = str(c, o.from, [...kp, "from"]);
    if (!isParty(from)) c.fail([...kp, "from"], `unknown sender "${from}" (a container, external host, remote endpoint or "host")`);
    let to = "", port = 0, name = "";
    if (kind === "ping" || kind === "tcp" || kind === "udp" || kind === "http") {
      to = str(c, o.to, [...kp, "to"]);
      const m = /^(.*):(\d+)$/.exec(to);
      if (m) {
        to = m[1];
        port = Number(m[2]);
      }
      if (!isParty(to) && !/^\d+\.\d+\.\d+\.\d+$/.test(to) && !to.includes(".")) c.fail([...kp, "to"], `unknown destination "${to}" (a container, external host, remote endpoint, "host", an IP or a DNS name)`);
      if (to === from) c.fail([...kp, "to"], "a party cannot send to itself");
    }
    if (kind === "tcp" || kind === "udp" || kind === "http") {
      port = int(c, o.port, [...kp, "port"], port || (kind === "http" ? 80 : undefined), 1, 65535);
    }
    if (kind === "dns") {
      name = str(c, o.name, [...kp, "name"]);
      to = o.server === undefined ? "" : ip(c, o.server, [...kp, "server"]);
    }
    if (kind === "arp") {
      name = ip(c, o.target, [...kp, "target"]);
      const sender = containers.find((x) => x.name === from);
      if (!sender) c.fail([...kp, "from"], "ARP is sent by a container");
      if (!inSubnet(name, sender.network.subnet)) c.fail([...kp, "target"], `${name} is not on ${sender.name}'s subnet ${sender.network.subnet}`);
    }
    if (kind === "http") name = str(c, o.path, [...kp, "path"], "/");
    const reply: string | boolean = o.reply === undefined ? (kind === "udp" ? false : "") : typeof o.reply === "boolean" ? o.reply : str(c, o.reply, [...kp, "reply"]);
    traffic.push({
      index: i, id: t.id === undefined ? String(i) : str(c, t.id, [...p, "id"]), kind, from, to, port,
      count: int(c, o.count, [...kp, "count"], kind === "ping" ? 1 : 1, 1, 1000),
      size: int(c, o.size, [...kp, "size"], kind === "ping" ? 32 : 64, 0, 65000), name,
      send: o.send === undefined ? "" : str(c, o.send, [...kp, "send"]), reply, gapTicks: duration(c, t.gap, [...p, "gap"], 2_000_000), line: c.line(p),
    });
    if (traffic.slice(0, -1).some((x) => x.id === traffic[traffic.length - 1].id)) c.fail([...p, "id"], `duplicate traffic id "${traffic[traffic.length - 1].id}"`);
  });

  // Faults --------------------------------------------------------------------------------------------------
  const locations = locationNames(networks, containers, nics);
  const FK: Record<Fault["kind"] | "acl", readonly string[]> = {
    drop: ["at", "reason", "traffic", "packet"], mtu: ["at", "mtu"], acl: ["container", "action", "direction", "protocol", "remote", "port"],
    noEncap: ["network"], noDnsAnswer: ["name"], noArpReply: ["ip"], wrongVni: ["network", "vni"], noPortForward: ["container", "port"],
    noHairpin: [], staleEndpoint: ["container"], asymmetric: ["traffic", "via"],
  };
  const faults: Fault[] = [];
  list(c, top.faults, ["faults"]).forEach((f, i) => {
    const p: Path = ["faults", i];
    if (!isObj(f)) c.fail(p, `expected a mapping like { drop: { at: wcow1, reason: MTUMismatch } }, got ${describe(f)}`);
    const ks = Object.keys(f);
    if (ks.length !== 1 || !(ks[0] in FK)) c.fail(p, `expected exactly one of ${Object.keys(FK).join(", ")}`);
    const kind = ks[0] as keyof typeof FK;
    const kp: Path = [...p, kind];
    const o = obj(c, f[kind], kp, FK[kind]);
    const line = c.line(p);
    const at = (): string => {
      const a = str(c, o.at, [...kp, "at"]);
      if (!locations.has(a)) c.fail([...kp, "at"], `unknown hop "${a}" (one of ${[...locations].join(", ")})`);
      return a;
    };
    switch (kind) {
      case "drop": {
        const r = o.reason ?? 0;
        let reason: number;
        if (typeof r === "number") reason = int(c, r, [...kp, "reason"], undefined, 0, 0xffffffff);
        else {
          const key = str(c, r, [...kp, "reason"]).toLowerCase().replace(/^drop_/, "").replace(/[^a-z0-9]/g, "");
          const byName = Object.entries(DROP_REASONS).find(([, v]) => v.toLowerCase().replace(/[^a-z0-9]/g, "") === key);
          const v = DROP_ALIASES[key] ?? (byName ? Number(byName[0]) : undefined);
          if (v === undefined) c.fail([...kp, "reason"], `unknown drop reason "${String(r)}" (a number, or a name such as MTUMismatch, Filtered, MacSpoofing, FailedSecurityPolicy)`);
          reason = v;
        }
        const tr = o.traffic === undefined ? null : str(c, o.traffic, [...kp, "traffic"]);
        if (tr !== null && !traffic.some((t) => t.id === tr)) c.fail([...kp, "traffic"], `unknown traffic id "${tr}"`);
        faults.push({ kind, at: at(), reason, traffic: tr, packet: o.packet === undefined ? null : int(c, o.packet, [...kp, "packet"], undefined, 1, 1_000_000), line });
        break;
      }
      case "mtu":
        faults.push({ kind, at: at(), mtu: int(c, o.mtu, [...kp, "mtu"], undefined, 68, 9216), line });
        break;
      case "acl": {
        const cn = str(c, o.container, [...kp, "container"]);
        const k = containers.find((x) => x.name === cn) ?? c.fail([...kp, "container"], `unknown container "${cn}"`);
        const action = str(c, o.action, [...kp, "action"], "block").toLowerCase();
        if (action !== "block" && action !== "allow") c.fail([...kp, "action"], `"${action}" is not one of block, allow`);
        const dir = str(c, o.direction, [...kp, "direction"], "in").toLowerCase();
        if (dir !== "in" && dir !== "out") c.fail([...kp, "direction"], `"${dir}" is not one of in, out`);
        const proto = str(c, o.protocol, [...kp, "protocol"], "any").toLowerCase();
        if (!["any", "icmp", "tcp", "udp"].includes(proto)) c.fail([...kp, "protocol"], `"${proto}" is not one of any, icmp, tcp, udp`);
        const remote = o.remote === undefined ? null : cidr(c, String(o.remote).includes("/") ? o.remote : `${String(o.remote)}/32`, [...kp, "remote"]);
        faults.push({ kind, container: cn, rule: ids.guid("acl", `${cn}/${i}`), line });
        k.acls.push({
          id: ids.guid("acl", `${cn}/${i}`), action: action === "block" ? "Block" : "Allow", direction: dir === "in" ? "In" : "Out",
          protocol: proto as AclRule["protocol"], remote: remote ? network(remote.addr, remote.prefix) : null,
          port: o.port === undefined ? null : int(c, o.port, [...kp, "port"], undefined, 1, 65535), priority: 100 + i,
        });
        break;
      }
      case "noEncap": {
        const nn = str(c, o.network, [...kp, "network"]);
        const n = networks.find((x) => x.name === nn) ?? c.fail([...kp, "network"], `unknown network "${nn}"`);
        if (n.driver !== "overlay") c.fail([...kp, "network"], `"${nn}" is ${n.driver}; missing VXLAN encapsulation needs an overlay network`);
        faults.push({ kind, network: nn, line });
        break;
      }
      case "noDnsAnswer":
        faults.push({ kind, name: o.name === undefined ? null : str(c, o.name, [...kp, "name"]).toLowerCase(), line });
        break;
      case "noArpReply":
        faults.push({ kind, ip: ip(c, o.ip, [...kp, "ip"]), line });
        break;
      case "wrongVni": {
        const nn = str(c, o.network, [...kp, "network"]);
        const n = networks.find((x) => x.name === nn) ?? c.fail([...kp, "network"], `unknown network "${nn}"`);
        if (n.driver !== "overlay") c.fail([...kp, "network"], `"${nn}" is ${n.driver}; a VXLAN id belongs to an overlay network`);
        const vni = int(c, o.vni, [...kp, "vni"], undefined, 1, 16777215);
        if (vni === n.vni) c.fail([...kp, "vni"], `${vni} is the VNI "${nn}" is configured with; give the wrong one the frames leave with`);
        faults.push({ kind, network: nn, vni, line });
        break;
      }
      case "noPortForward": {
        const cn = str(c, o.container, [...kp, "container"]);
        const k = containers.find((x) => x.name === cn) ?? c.fail([...kp, "container"], `unknown container "${cn}"`);
        if (k.ports.length === 0) c.fail([...kp, "container"], `${cn} publishes no ports (containers[].ports, e.g. "8080:80")`);
        const port = o.port === undefined ? null : int(c, o.port, [...kp, "port"], undefined, 1, 65535);
        if (port !== null && !k.ports.some((pm) => pm.hostPort === port)) c.fail([...kp, "port"], `${cn} does not publish host port ${port} (published: ${k.ports.map((pm) => pm.hostPort).join(", ")})`);
        faults.push({ kind, container: cn, port, line });
        break;
      }
      case "noHairpin":
        if (!networks.some((n) => n.driver === "nat")) c.fail(kp, "WinNAT hairpin needs a nat network");
        faults.push({ kind, line });
        break;
      case "staleEndpoint": {
        const cn = str(c, o.container, [...kp, "container"]);
        const k = containers.find((x) => x.name === cn) ?? c.fail([...kp, "container"], `unknown container "${cn}"`);
        if (traffic.some((t) => t.from === cn)) c.fail([...kp, "container"], `${cn} is gone and cannot send (traffic "${traffic.find((t) => t.from === cn)!.id}" is from it)`);
        if (faults.some((f) => f.kind === "staleEndpoint" && f.container === cn)) c.fail([...kp, "container"], `${cn} is already stale`);
        void k;
        faults.push({ kind, container: cn, line });
        break;
      }
      case "asymmetric": {
        const tr = str(c, o.traffic, [...kp, "traffic"]);
        const t = traffic.find((x) => x.id === tr) ?? c.fail([...kp, "traffic"], `unknown traffic id "${tr}"`);
        const via = str(c, o.via, [...kp, "via"]);
        const nic = nics.find((x) => x.name === via) ?? c.fail([...kp, "via"], `"${via}" is not a host NIC (host.nics: ${nics.map((x) => x.name).join(", ")})`);
        if (nics.length < 2) c.fail([...kp, "via"], "an asymmetric path needs a second host NIC (host.nics)");
        if (nic === nics[0]) c.fail([...kp, "via"], `"${via}" holds the default route, so requests leave by it; name the other NIC the replies come back on`);
        if (t.kind === "arp" || t.kind === "dns") c.fail([...kp, "traffic"], `"${tr}" is ${t.kind}; an asymmetric path needs ping, tcp, udp or http to the outside`);
        faults.push({ kind, traffic: tr, via, line });
        break;
      }
    }
  });

  // Capture options -----------------------------------------------------------------------------------------
  const cp = obj(c, top.capture, ["capture"], ["snaplen", "lostEvents", "providers"]);
  const snaplen = cp.snaplen === undefined || cp.snaplen === 0 ? null : int(c, cp.snaplen, ["capture", "snaplen"], undefined, 60, 65535);
  let lostEvents: CaptureOptions["lostEvents"] = null;
  if (cp.lostEvents !== undefined) {
    const lo = obj(c, cp.lostEvents, ["capture", "lostEvents"], ["events", "buffers"]);
    lostEvents = { events: int(c, lo.events, ["capture", "lostEvents", "events"], 0, 0, 0xffffffff), buffers: int(c, lo.buffers, ["capture", "lostEvents", "buffers"], 0, 0, 0xffffffff) };
    if (lostEvents.events === 0 && lostEvents.buffers === 0) c.fail(["capture", "lostEvents"], "give events and/or buffers (a number above 0)");
  }
  const providers = new Set<CaptureProvider>(CAPTURE_PROVIDERS);
  if (cp.providers !== undefined) {
    providers.clear();
    list(c, cp.providers, ["capture", "providers"]).forEach((x, i) => {
      const v = str(c, x, ["capture", "providers", i]).toLowerCase();
      if (!(CAPTURE_PROVIDERS as readonly string[]).includes(v)) c.fail(["capture", "providers", i], `"${v}" is not one of ${CAPTURE_PROVIDERS.join(", ")}`);
      providers.add(v as CaptureProvider);
    });
    if (!providers.has("ndis")) c.fail(["capture", "providers"], "the netsh flavour needs ndis (NDIS-PacketCapture carries the packets)");
  }
  const capture: CaptureOptions = {
    snaplen, lostEvents, providers,
    lines: {
      snaplen: snaplen === null ? 0 : c.line(["capture", "snaplen"]), lostEvents: lostEvents ? c.line(["capture", "lostEvents"]) : 0,
      providers: cp.providers === undefined ? 0 : c.line(["capture", "providers"]),
    },
  };

  return {
    name, description: str(c, top.description, ["description"], ""), seed, source, startTime,
    host: { name: hostName, osBuild, cpus, dns: hostDns, timeZone, nics },
    networks, switches, containers, external, dnsRecords, traffic, faults, capture, ids,
  };
}

/**
 * Names a fault's `at` may use: a container (its vNIC/port), "<network>" (the network's vSwitch),
 * "vEthernet (<name>)" (a host vNIC), a host NIC name, "vfp:<network>" (the VFP extension on the network's
 * switch) and "winnat".
 */
export function locationNames(networks: readonly Network[], containers: readonly Container[], nics: readonly PhysNic[]): Set<string> {
  const s = new Set<string>();
  for (const k of containers) s.add(k.name);
  for (const n of networks) {
    s.add(n.name);
    s.add(`vfp:${n.name}`);
    if (n.vswitch.hostVnic) s.add(n.vswitch.hostVnic.alias);
  }
  for (const n of nics) s.add(n.name);
  if (networks.some((n) => n.driver === "nat")) s.add("winnat");
  return s;
}
