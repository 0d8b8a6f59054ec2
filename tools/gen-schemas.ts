/**
 * Generates the checked-in provider schemas in src/schemas/ (one JSON file per provider, named
 * `<lower-case guid>.<ProviderName>.json`) from the reference manifest dumps in ../shared/etw-manifests:
 *
 *  - jdu2600-format TSV dumps (win11-26h1 = Win11 26H1 28000.1, ws2022-20348 = Server 2022 20348.1): wire order,
 *    inType names, symbol, opcode, keywords, task, level;
 *  - repnz XML reconstructions (win10-18990, win10-17134): Binary `length=`, array `count=`, value/bit maps;
 *  - key-events.json: Binary length references for the packet events (restored or inferred by its author);
 *  - libyal winevt-kb MessageFile-*.sys.md: event message strings per Windows build;
 *  - pktmon-drop-reasons.tsv: the PktMon DropReason numbering.
 *
 * Hand-written data (messages for VmSwitch, PktMon value maps, a few length/count/outType facts) lives in the tables
 * below, each with its source or an "inferred" note.
 *
 * Run from the repo root after `npx tsc -p tsconfig.json`:  node dist/tools/gen-schemas.js
 * Only Node built-ins are used; the XML is machine-generated and regular, so it is read with regular expressions.
 *
 * Providers whose GUID could not be established from the references are skipped even though TSV dumps exist:
 *   - Microsoft-Windows-Hyper-V-Compute (HCS): the GUID is not in the dump; SDN traces use the TraceLogging provider
 *     {80CE50DE-D264-4581-950D-ABADEEE0D340} instead, which is self-describing (providers.md §7).
 *   - Microsoft-Windows-Hyper-V-Netvsc: no GUID in any reference.
 *   - Microsoft-Windows-IPNAT: no GUID in any reference.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { EventSchema, FieldDef, InType, ProviderSchema, ValueMap } from "../src/events/schema.js";

// ------------------------------------------------------------------------------------------------------------------
// Paths

const SHARED = path.resolve(process.cwd(), "../shared/etw-manifests");
const OUT_DIR = path.resolve(process.cwd(), "src/schemas");

const WS22 = "ws2022-20348";
const W11 = "win11-26h1";
const SRC_WS22 = "ws2022-20348 TSV (GerHobbelt/Windows10EtwEvents@8deceb4, Server 2022 20348.1)";
const SRC_W11 = "win11-26h1 TSV (jdu2600/Windows10EtwEvents@84e7261, Win11 26H1 28000.1)";
const SRC_RPZ = "repnz/etw-providers-docs@d5f68e8";
const SRC_LIBYAL = "libyal/winevt-kb@437ecb9";

// ------------------------------------------------------------------------------------------------------------------
// Diagnostics printed at the end

const warnings: string[] = [];
const inferred: string[] = [];

function warn(msg: string): void {
  warnings.push(msg);
}
function note(msg: string): void {
  inferred.push(msg);
}

// ------------------------------------------------------------------------------------------------------------------
// Provider table

interface ProviderDef {
  readonly name: string;
  readonly guid: string;
  /** TSV dumps, newest first. Events come from the first; (id, version) pairs missing there come from the others. */
  readonly tsv: readonly string[];
  /** repnz XML (relative to repnz-xml/). */
  readonly xml?: string;
  /** libyal message file (relative to libyal-winevt-kb/). */
  readonly messageFile?: string;
  /**
   * Build whose text becomes `message` (the others go to `messageByBuild`). Default: the oldest build. PktMon uses
   * 19041 so that `message` is what `pktmon format` prints for the 19042 golden file.
   */
  readonly preferredMessageBuild?: number;
}

const PROVIDERS: readonly ProviderDef[] = [
  { name: "Microsoft-Windows-Hyper-V-VmSwitch", guid: "67dc0d66-3695-47c0-9642-33f76f7bd7ad", tsv: [WS22] },
  {
    name: "Microsoft-Windows-NDIS-PacketCapture", guid: "2ed6006e-4729-4609-b423-3ee7bcd678ef", tsv: [W11, WS22],
    xml: "win10-18990/Microsoft-Windows-NDIS-PacketCapture.xml", messageFile: "MessageFile-ndiscap.sys.md",
  },
  {
    name: "Microsoft-Windows-PktMon", guid: "4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac", tsv: [W11, WS22],
    messageFile: "MessageFile-pktmon.sys.md", preferredMessageBuild: 19041,
  },
  { name: "Microsoft-Windows-Hyper-V-VfpExt", guid: "9f2660ea-cfe7-428f-9850-aeca612619b0", tsv: [WS22] },
  {
    name: "Microsoft-Windows-WinNat", guid: "66c07ecd-6667-43fc-93f8-05cf07f446ec", tsv: [W11, WS22],
    xml: "win10-17134/Microsoft-Windows-WinNat.xml", messageFile: "MessageFile-winnat.sys.md",
  },
  { name: "Microsoft-Windows-Host-Network-Service", guid: "0c885e0d-6eb6-476c-a048-2457eed3a5c1", tsv: [WS22] },
  {
    name: "Microsoft-Windows-TCPIP", guid: "2f07e2ee-15db-40f1-90ef-9d7ba282188a", tsv: [W11, WS22],
    xml: "win10-18990/Microsoft-Windows-TCPIP.xml", messageFile: "MessageFile-tcpip.sys.md",
  },
  {
    name: "Microsoft-Windows-NDIS", guid: "cdead503-17f5-4a3e-b7ae-df8cc2902eb9", tsv: [W11, WS22],
    xml: "win10-18990/Microsoft-Windows-NDIS.xml",
  },
  {
    name: "Microsoft-Windows-Ras-NdisWanPacketCapture", guid: "d84521f7-2235-4237-a7c0-14e3a9676286", tsv: [W11, WS22],
    xml: "win10-18990/Microsoft-Windows-Ras-NdisWanPacketCapture.xml",
  },
  { name: "Microsoft-Windows-Host-Network-Management", guid: "93f693dc-9163-4dee-af64-d855218af242", tsv: [WS22] },
  // GUIDs from providers.md §7 ([SDN] starthnstrace.ps1, [ETLP]).
  { name: "Microsoft-Windows-Hyper-V-SynthNic", guid: "c29c4fb7-b60e-4fff-9af9-cf21f9b09a34", tsv: [WS22] },
  { name: "Microsoft-Windows-Hyper-V-ComputeLib", guid: "af7fd3a7-b248-460c-a9f5-fec39ef8468c", tsv: [W11, WS22] },
];

// ------------------------------------------------------------------------------------------------------------------
// Hand-written messages for VmSwitch (no message file or XML with strings exists for it).
//
// [confirmed] 56/57/58: the texts of the [BLOG] Get-WinEvent output (providers.md §1.1/§1.2); the id -> verb mapping
//   and the %N indices are [inferred] from template shape (providers.md §1.1).
// [confirmed] 232: rendered System-log event quoted by [232] (note: no space before the last parenthesis).
// [inferred] 240/241/242: same template shapes as 56/58/57; written like them ("received"/"delivered"/"routed").
//   Their real meaning is unknown.
// [inferred] everything else: plausible wording written by us for the name-bearing control events (providers.md
//   §1.4) and the drop events 54/55 (§1.3); %N follow the VmSwitch convention of citing the string fields, not the
//   length fields. Replace them when a real rendering is found.

const VMSWITCH_MESSAGES: Readonly<Record<number, { readonly text: string; readonly inferred: boolean }>> = {
  56: { text: "NBL %9 received from Nic %2 (Friendly Name: %4) in switch %6 (Friendly Name: %8)", inferred: false },
  57: {
    text: "NBL %13 routed from Nic %2 (Friendly Name: %4) to Nic %6 (Friendly Name: %8) on switch %10 (Friendly Name: %12)",
    inferred: false,
  },
  58: { text: "NBL %9 delivered to Nic %2 (Friendly Name: %4) in switch %6 (Friendly Name: %8)", inferred: false },
  // inferred: shapes of 56 / 58 / 57
  240: { text: "NBL %9 received from Nic %2 (Friendly Name: %4) in switch %6 (Friendly Name: %8)", inferred: true },
  241: { text: "NBL %9 delivered to Nic %2 (Friendly Name: %4) in switch %6 (Friendly Name: %8)", inferred: true },
  242: {
    text: "NBL %13 routed from Nic %2 (Friendly Name: %4) to Nic %6 (Friendly Name: %8) on switch %10 (Friendly Name: %12)",
    inferred: true,
  },
  232: {
    text: "NIC %2 (Friendly Name: %4) successfully connected to port %6 (Friendly Name: %8) on switch %10(Friendly Name: %12).",
    inferred: false,
  },
  // inferred: control events (Nic/Switch/Port name pairs)
  5: { text: "NIC %2 (Friendly Name: %4) enabled.", inferred: true },
  7: { text: "NIC %2 (Friendly Name: %4) initialized.", inferred: true },
  9: { text: "Switch %2 (Friendly Name: %4) initialized.", inferred: true },
  17: {
    text: "NIC %2 (Friendly Name: %4) bound to port %6 (Friendly Name: %8) on switch %10 (Friendly Name: %12).",
    inferred: true,
  },
  25: { text: "MAC address %2 moved from port %4 (Friendly Name: %6) to port %8 (Friendly Name: %10).", inferred: true },
  31: { text: "MAC address %2 configured on NIC %4 (Friendly Name: %6).", inferred: true },
  54: { text: "Packet dropped on NIC %2 (Friendly Name: %4) in switch %6 (Friendly Name: %8), DropReason %9.", inferred: true },
  55: { text: "Packet dropped on NIC %2 (Friendly Name: %4) in switch %6 (Friendly Name: %8), DropReason %9.", inferred: true },
  62: { text: "Switch %2 (Friendly Name: %4) successfully created.", inferred: true },
  63: { text: "Failed to create switch %3 (Friendly Name: %5), status %1.", inferred: true },
  64: { text: "Switch %2 (Friendly Name: %4) successfully deleted.", inferred: true },
  65: { text: "Failed to delete switch %3 (Friendly Name: %5), status %1.", inferred: true },
  66: { text: "Switch %2 (Friendly Name: %4) successfully updated.", inferred: true },
  67: { text: "Port %2 (Friendly Name: %4) successfully created on switch %6 (Friendly Name: %8).", inferred: true },
  68: { text: "Failed to create port %3 (Friendly Name: %5) on switch %7 (Friendly Name: %9), status %1.", inferred: true },
  69: { text: "Port %2 (Friendly Name: %4) successfully deleted from switch %6 (Friendly Name: %8).", inferred: true },
  70: { text: "Failed to delete port %3 (Friendly Name: %5) from switch %7 (Friendly Name: %9), status %1.", inferred: true },
  71: { text: "Port %2 (Friendly Name: %4) successfully updated on switch %6 (Friendly Name: %8).", inferred: true },
  116: {
    text: "NIC %6 (Friendly Name: %8) with IfIndex %9 added to switch %2 (Friendly Name: %4).",
    inferred: true,
  },
  117: {
    text: "NIC %6 (Friendly Name: %8) with IfIndex %9 removed from switch %2 (Friendly Name: %4).",
    inferred: true,
  },
  233: { text: "The operation '%5' succeeded on nic %2 (Friendly Name: %4).", inferred: true },
};

// ------------------------------------------------------------------------------------------------------------------
// Hand-written event names where the TSV symbol is a generated placeholder ("task_0", "task_01002") and
// providers.md §2 gives the name.

const NAME_OVERRIDES: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  "Microsoft-Windows-NDIS-PacketCapture": {
    1001: "PacketFragment", 1002: "PacketMetadata", 1003: "VMSwitchPacketFragment", 1014: "MiniportAttach",
    1015: "MiniportDetach", 1012: "DriverLoaded", 1013: "DriverUnloaded", 5100: "Rundown", 5101: "EventSource",
  },
  // Names for the events admins read (the dump's symbols are "task_056" …); 240–242 follow 56/58/57 [inferred].
  "Microsoft-Windows-Hyper-V-VmSwitch": {
    54: "NblDroppedIngress", 55: "NblDroppedEgress", 56: "NblReceived", 57: "NblRouted", 58: "NblDelivered",
    62: "SwitchCreated", 64: "SwitchDeleted", 66: "SwitchUpdated", 67: "PortCreated", 69: "PortDeleted", 71: "PortUpdated",
    116: "NicAddedToSwitch", 117: "NicRemovedFromSwitch", 232: "NicConnectedToPort", 233: "NicOperation",
    240: "NblReceived240", 241: "NblDelivered241", 242: "NblRouted242",
  },
  "Microsoft-Windows-PktMon": {
    10: "DriverLoadFailed", 20: "Component", 30: "Property", 40: "PropertyGuid", 50: "Property50", 60: "PropertyMedium",
    65: "PropertyIPv4", 66: "PropertyIPv6", 70: "PropertyBinary", 73: "PropertyVMSwitchName", 75: "PropertyEtherType",
    80: "DropCounters", 90: "FlowCounters", 100: "PacketFilterV4", 110: "PacketFilterV6", 120: "PacketHeaderV4",
    130: "PacketHeaderV6", 140: "PacketHeaderDropV4", 150: "PacketHeaderDropV6", 160: "Packet", 170: "PacketDrop",
    180: "NblInfo", 190: "NblInfoDrop", 240: "Packet240", 270: "ComponentRegister", 280: "ComponentUnregister",
  },
};

// ------------------------------------------------------------------------------------------------------------------
// Events that have no message of their own in the message file because they share another event's message string
// (the message table then holds only one entry). Key: event id -> the event whose message it uses.
//
// PktMon 40/60/65/66/73/75 -> 30: confirmed by the embedded TRACE_EVENT_INFO in the pktmon samples (their EventMessage
// is "Property: Component %1, %2 = %3"); 50 -> 30 inferred (same template as 30). 110/130/150 -> 100/120/140: the
// 17763 message file has identical texts under their own ids; later builds drop those ids. 220/230 -> 200/210:
// inferred (IPv6 variants of 200/210, same field positions).

const MESSAGE_ALIASES: Readonly<Record<string, Readonly<Record<number, { readonly from: number; readonly confirmed: boolean }>>>> = {
  "Microsoft-Windows-PktMon": {
    40: { from: 30, confirmed: true }, 50: { from: 30, confirmed: false }, 60: { from: 30, confirmed: true },
    65: { from: 30, confirmed: true }, 66: { from: 30, confirmed: true }, 73: { from: 30, confirmed: true },
    75: { from: 30, confirmed: true }, 110: { from: 100, confirmed: true }, 130: { from: 120, confirmed: true },
    150: { from: 140, confirmed: true }, 220: { from: 200, confirmed: false }, 230: { from: 210, confirmed: false },
  },
};

// ------------------------------------------------------------------------------------------------------------------
// PktMon value maps.
//
// Values and display strings as Windows itself defines them: the EVENT_MAP_INFO records (KernelTraceControl opcode
// 33) that the relogger embedded in the public pktmon sample traces (builds 19042, 20348 and Win11), cross-checked
// with the map strings (0xD... ids) in libyal pktmon.sys 10.0.22000 and with `pktmon format` output (the golden
// text prints "Direction Rx", "Type WiFi", "Type HTTP Protocol", "IP Address = ..."). TDH appends a space to map
// values; the strings here are trimmed.

const PKTMON_MAPS: Readonly<Record<string, ValueMap>> = {
  ComponentType: {
    kind: "value",
    entries: {
      1: "NDIS", 2: "Miniport", 3: "Filter", 4: "Protocol", 5: "VmsVmNic", 6: "VmsMiniport", 7: "VmsExtMiniport",
      8: "VmsProtocolNic", 9: "NetVsc Miniport", 10: "HTTP Protocol", 12: "Slbmux", 13: "IPSec", 14: "NetCx",
      15: "HTTP Message",
    },
  },
  PropertyType: {
    kind: "value",
    entries: {
      1: "IfIndex", 2: "MiniportIfIndex", 3: "LowerIfIndex", 4: "IfGuid", 5: "NdisMedium", 6: "PhysAddress",
      7: "EtherType", 8: "OptDataPath", 9: "NdisObject", 10: "VMSwitchName", 11: "VmsExtIfIndex", 12: "LowestIfIndex",
      13: "IP Address", 14: "IpIfIndex", 15: "VSID", 16: "VLAN", 17: "Compartment ID",
    },
  },
  PacketDirectionTag: {
    kind: "value",
    entries: { 0: "None", 1: "In", 2: "Out", 3: "Rx", 4: "Tx", 5: "Ingress", 6: "Egress" },
  },
  PacketType: { kind: "value", entries: { 0: "Unknown", 1: "Ethernet", 2: "WiFi", 3: "IP", 4: "HTTP" } },
  NdisMedium: { kind: "value", entries: { 0: "Ethernet", 16: "WiFi", 19: "MBB" } },
  EtherType: {
    kind: "value",
    entries: { 2048: "IPv4", 2054: "ARP", 33024: "VLAN", 34525: "IPv6", 35020: "LLDP", 35033: "LLTD" },
  },
  IPProtocol: { kind: "value", entries: { 1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMPv6" } },
  TCPFlags: {
    kind: "bitmap",
    entries: { 1: "FIN", 2: "SYN", 4: "RST", 8: "PSH", 16: "ACK", 32: "URG", 64: "ECE", 128: "CWR" },
  },
  // DropReason: built from pktmon-drop-reasons.tsv in pktmonDropReasonMap().
};

/** Which PktMon field takes which map (as in the embedded TRACE_EVENT_INFO of the pktmon samples). */
function pktmonFieldMap(eventId: number, field: string): string | undefined {
  switch (field) {
    case "Type":
      if (eventId === 20 || eventId === 270 || eventId === 280) return "ComponentType";
      if (eventId >= 30 && eventId <= 75) return "PropertyType";
      return undefined; // 250/260 "Type": unknown meaning
    case "Value":
      return eventId === 60 ? "NdisMedium" : undefined;
    case "DirTag":
    case "DirTagIn":
    case "DirTagOut":
      return "PacketDirectionTag";
    case "PacketType":
      return "PacketType";
    case "DropReason":
      return "DropReason";
    case "EtherType":
      return "EtherType";
    case "Protocol":
      return "IPProtocol";
    case "TCPFlags":
      return "TCPFlags";
    default:
      return undefined;
  }
}

/** PktMon out types that change the rendering (embedded TRACE_EVENT_INFO: 65 IPv4, 66 IPv6, DropLocation HexInt32). */
function pktmonOutType(eventId: number, f: FieldDef): string | undefined {
  if (f.name === "DropLocation") return "HexInt32";
  if (/^(IpAddress\d?|DestinationIP|SourceIP)$/.test(f.name)) {
    if (f.inType === "UInt32") {
      if (eventId !== 65 && eventId !== 100) note(`PktMon ${eventId} ${f.name}: outType IPv4 by analogy with 65/100`);
      return "IPv4";
    }
    if (f.inType === "Binary") {
      if (eventId !== 66) note(`PktMon ${eventId} ${f.name}: outType IPv6 (16 bytes) by analogy with 66`);
      return "IPv6";
    }
  }
  return undefined;
}

/** Out types for other providers, confirmed by embedded TRACE_EVENT_INFO in a sample. */
const OUTTYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // attackhost-netsh-ndiscap-1001.etl (build 19044): GftOffloadInformation is UInt64 with out type HexInt64.
  "Microsoft-Windows-NDIS-PacketCapture": { "1001/GftOffloadInformation": "HexInt64" },
};

// ------------------------------------------------------------------------------------------------------------------
// Length facts that no dump states, by (provider, binary field) -> length field; applied only when the length field
// precedes the binary field in the same event. Listed in the brief / providers.md.

const LENGTH_ALIASES: readonly { provider: string; field: string; length: string; why: string }[] = [
  { provider: "Microsoft-Windows-Hyper-V-VfpExt", field: "PktContents", length: "PktLen", why: "naming" },
  { provider: "Microsoft-Windows-PktMon", field: "Value", length: "Size", why: "PktMon 70, confirmed by embedded TRACE_EVENT_INFO" },
  { provider: "Microsoft-Windows-PktMon", field: "Payload", length: "LoggedPayloadSize", why: "confirmed for 160 by embedded TRACE_EVENT_INFO and the samples" },
  { provider: "Microsoft-Windows-TCPIP", field: "Value", length: "Length", why: "TcpipSetSockOpt; same shape as NDIS-PacketCapture 1016 in the XML" },
];

/**
 * Fixed-size binaries by (provider, field name[, events]). In the repnz XML a Binary without `length=` is a fixed-size
 * property whose size the dump did not record; the TSV drops all lengths.
 */
const FIXED_LENGTHS: readonly {
  provider: string; field: RegExp; events?: readonly number[]; length: number; confirmed: boolean; why: string;
}[] = [
  // Confirmed by the embedded TRACE_EVENT_INFO of the pktmon samples: 100 MacAddress1/2 = 6, 66 IpAddress = 16.
  { provider: "Microsoft-Windows-PktMon", field: /^MacAddress[12]$/, events: [100], length: 6, confirmed: true, why: "MAC" },
  { provider: "Microsoft-Windows-PktMon", field: /^IpAddress$/, events: [66], length: 16, confirmed: true, why: "IPv6" },
  // Same names/shapes in the other PktMon events (IPv6 variants of the IPv4 events). [inferred]
  { provider: "Microsoft-Windows-PktMon", field: /^(MacAddress[12]|DestinationMAC|SourceMAC)$/, length: 6, confirmed: false, why: "MAC, as in event 100" },
  { provider: "Microsoft-Windows-PktMon", field: /^(IpAddress[12]|DestinationIP|SourceIP)$/, length: 16, confirmed: false, why: "IPv6, as in event 66" },
  // WinNat IPxlat (464XLAT) instance events: fixed-size in the 17134 XML; IPv6 prefixes, so IN6_ADDR. [inferred]
  { provider: "Microsoft-Windows-WinNat", field: /^(RemotePrefix|LocalPrefix)$/, events: [1041, 1042, 1043], length: 16, confirmed: false, why: "IPv6 prefix (IN6_ADDR), inferred" },
];

/** Fixed sizes by naming, any provider. [inferred] */
const GENERIC_FIXED_LENGTHS: readonly { field: RegExp; length: number; why: string }[] = [
  { field: /ipv6/i, length: 16, why: "IPv6 address, inferred from naming" },
  { field: /ipv4/i, length: 4, why: "IPv4 address, inferred from naming" },
  { field: /^NetLuid$/, length: 8, why: "NET_LUID, inferred from naming" },
];

/** Counted strings whose length field name does not match the string's name (typos in the manifest). [inferred] */
const STRING_LENGTH_ALIASES: readonly { provider: string; field: string; length: string }[] = [
  { provider: "Microsoft-Windows-Hyper-V-VmSwitch", field: "MacAddress", length: "MacLength" },
  { provider: "Microsoft-Windows-Hyper-V-VmSwitch", field: "MappedNicNicName", length: "MappedNicNameLen" },
  { provider: "Microsoft-Windows-Hyper-V-VmSwitch", field: "RequestedMappeNicFName", length: "RequestedMappedNicFNameLen" },
];

// ------------------------------------------------------------------------------------------------------------------
// TSV

interface TsvField {
  readonly type: string;
  readonly name: string;
}
interface TsvEvent {
  readonly id: number;
  readonly version: number;
  readonly symbol: string;
  readonly fields: readonly TsvField[];
  readonly opcode: string;
  readonly keywords: readonly string[];
  readonly task: string;
  readonly level: string;
  readonly dump: string;
}

function readTsv(file: string, dump: string): TsvEvent[] {
  const lines = readFileSync(file, "utf8").split(/\r?\n/);
  const out: TsvEvent[] = [];
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const c = line.split("\t");
    const m = /^(.*)\(([^()]*)\)$/s.exec(c[3]);
    if (!m) throw new Error(`${file}: cannot parse event(fields): ${c[3]}`);
    const fields: TsvField[] = [];
    for (const part of m[2].split(",")) {
      const p = part.trim();
      if (!p) continue;
      const sp = p.indexOf(" ");
      if (sp < 0) throw new Error(`${file}: field without a name: ${p} in ${c[3]}`);
      fields.push({ type: p.slice(0, sp), name: p.slice(sp + 1).trim() });
    }
    out.push({
      id: Number(c[1]),
      version: Number(c[2]),
      symbol: m[1],
      fields,
      opcode: c[4] ?? "",
      keywords: (c[5] ?? "").split(" ").filter((k) => k),
      task: c[6] ?? "",
      level: c[7] ?? "",
      dump,
    });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------------------------
// repnz XML

interface XmlData {
  readonly name: string;
  readonly inType: string;
  readonly length?: string;
  readonly count?: string;
  readonly map?: string;
}
interface XmlProvider {
  readonly maps: Record<string, ValueMap>;
  /** key `${id}/${version}` */
  readonly events: Map<string, readonly XmlData[]>;
  /** all templates of an event id, any version */
  readonly byId: Map<number, (readonly XmlData[])[]>;
  /** Binary field name -> the length field names the XML uses for it anywhere in the provider. */
  readonly lengthNames: Map<string, Set<string>>;
}

function attrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([\w:.-]+)="([^"]*)"/g)) out[m[1]] = xmlUnescape(m[2]);
  return out;
}

function xmlUnescape(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

function readXml(file: string): XmlProvider {
  const x = readFileSync(file, "utf8");
  const strings = new Map<string, string>();
  for (const m of x.matchAll(/<string ([^>]*?)\/>/g)) {
    const a = attrs(m[1]);
    strings.set(a.id, a.value);
  }
  const maps: Record<string, ValueMap> = {};
  for (const m of x.matchAll(/<(valueMap|bitMap) name="([^"]*)">([\s\S]*?)<\/\1>/g)) {
    const entries: Record<string, string> = {};
    for (const e of m[3].matchAll(/<map ([^>]*?)\/>/g)) {
      const a = attrs(e[1]);
      const ref = /^\$\(string\.(.*)\)$/.exec(a.message);
      const text = ref ? strings.get(ref[1]) : a.message;
      if (text === undefined) throw new Error(`${file}: map ${m[2]}: unresolved string ${a.message}`);
      entries[String(Number(a.value))] = text;
    }
    maps[xmlUnescape(m[2])] = { kind: m[1] === "bitMap" ? "bitmap" : "value", entries };
  }
  const templates = new Map<string, XmlData[]>();
  const lengthNames = new Map<string, Set<string>>();
  for (const m of x.matchAll(/<template tid="([^"]*)">([\s\S]*?)<\/template>/g)) {
    const data: XmlData[] = [];
    for (const d of m[2].matchAll(/<data ([^>]*?)\/>/g)) {
      const a = attrs(d[1]);
      data.push({ name: a.name, inType: a.inType.replace(/^win:/, ""), length: a.length, count: a.count, map: a.map });
      if (a.length && !/^\d+$/.test(a.length)) {
        const set = lengthNames.get(a.name) ?? new Set<string>();
        set.add(a.length);
        lengthNames.set(a.name, set);
      }
    }
    templates.set(m[1], data);
  }
  const events = new Map<string, readonly XmlData[]>();
  const byId = new Map<number, (readonly XmlData[])[]>();
  for (const m of x.matchAll(/<event ([^>]*?)\/>/g)) {
    const a = attrs(m[1]);
    const t = a.template ? templates.get(a.template) : [];
    if (!t) throw new Error(`${file}: event ${a.value} names unknown template ${a.template}`);
    const id = Number(a.value);
    events.set(`${id}/${Number(a.version ?? 0)}`, t);
    const list = byId.get(id) ?? [];
    list.push(t);
    byId.set(id, list);
  }
  return { maps, events, byId, lengthNames };
}

/** The XML `data` element for a field: same (id, version) first, else the same id in another version. */
function xmlField(xml: XmlProvider | undefined, id: number, version: number, name: string): XmlData | undefined {
  if (!xml) return undefined;
  const exact = xml.events.get(`${id}/${version}`)?.find((d) => d.name === name);
  if (exact) return exact;
  for (const t of xml.byId.get(id) ?? []) {
    const d = t.find((e) => e.name === name);
    if (d) return d;
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------------------------
// key-events.json

interface KeyEventsJson {
  providers: Record<string, { events: Record<string, { version: number; fields: { name: string; length?: string }[] }[]> }>;
}

function readKeyEvents(file: string): Map<string, string> {
  const j = JSON.parse(readFileSync(file, "utf8")) as KeyEventsJson;
  const out = new Map<string, string>();
  for (const [prov, p] of Object.entries(j.providers)) {
    for (const [id, list] of Object.entries(p.events)) {
      for (const e of list) {
        for (const f of e.fields) {
          if (!f.length) continue;
          // Values look like "FragmentSize" or "LoggedPayloadSize (etl2pcapng reads ...)": keep the field name.
          const m = /^(\w+)/.exec(f.length);
          if (m) out.set(`${prov}/${id}/${e.version}/${f.name}`, m[1]);
        }
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------------------------
// libyal message files

interface MessageVariant {
  readonly build: number;
  readonly text: string;
}

/** message id -> texts by build (ascending build; one text per build, the later section winning). */
function readMessageFile(file: string): Map<number, MessageVariant[]> {
  const perBuild = new Map<number, Map<number, string>>();
  let build = -1;
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const h = /^###\s+(\d+)\.(\d+)\.(\d+)/.exec(line);
    if (h) {
      build = Number(h[3]);
      continue;
    }
    const r = /^(0x[0-9a-fA-F]{8}) \| (.*)$/.exec(line);
    if (!r || build < 0) continue;
    const id = Number.parseInt(r[1], 16);
    const text = r[2].replace(/(\\r\\n)+$/, "");
    let m = perBuild.get(id);
    if (!m) perBuild.set(id, (m = new Map()));
    m.set(build, text);
  }
  const out = new Map<number, MessageVariant[]>();
  for (const [id, m] of perBuild) {
    const variants = [...m.entries()].sort((a, b) => a[0] - b[0]).map(([b, text]) => ({ build: b, text }));
    out.set(id, variants);
  }
  return out;
}

function eventMessage(
  variants: readonly MessageVariant[] | undefined,
  preferred: number | undefined,
): { message?: string; messageByBuild?: Record<string, string> } {
  if (!variants || variants.length === 0) return {};
  // Collapse builds with unchanged text: keep the first build of each text run.
  const changes: MessageVariant[] = [];
  for (const v of variants) if (changes.length === 0 || changes[changes.length - 1].text !== v.text) changes.push(v);
  let message = changes[0].text;
  if (preferred !== undefined) for (const c of changes) if (c.build <= preferred) message = c.text;
  const byBuild: Record<string, string> = {};
  changes.forEach((c, i) => {
    if (i > 0 || c.text !== message) byBuild[String(c.build)] = c.text;
  });
  return Object.keys(byBuild).length > 0 ? { message, messageByBuild: byBuild } : { message };
}

// ------------------------------------------------------------------------------------------------------------------
// PktMon drop reasons

function pktmonDropReasonMap(file: string): ValueMap {
  const entries: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    if (!line.trim() || line.startsWith("#")) continue;
    const [value, retina = "", npl = ""] = line.split("\t");
    const v = Number(value);
    if (!Number.isInteger(v)) continue;
    // 0-38: both sources agree; the NPL column holds Windows' display strings ("Invalid Data").
    // >= 100: renumbered between builds; the retina (2024+) numbering is the one current builds use.
    const name = v < 100 ? npl.trim() || retina.trim() : retina.trim();
    if (name) entries[String(v)] = name;
  }
  return { kind: "value", entries };
}

// ------------------------------------------------------------------------------------------------------------------
// Field building

const INTYPES: ReadonlySet<string> = new Set<InType>([
  "UnicodeString", "AnsiString", "Int8", "UInt8", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64",
  "Float", "Double", "Boolean", "Binary", "GUID", "Pointer", "FILETIME", "SYSTEMTIME", "SID", "HexInt32", "HexInt64",
  "CountedString", "CountedAnsiString", "ReversedCountedString", "ReversedCountedAnsiString",
  "NonNullTerminatedString", "NonNullTerminatedAnsiString", "UnicodeChar", "AnsiChar", "SizeT", "HexDump",
  "WbemSID", "CountedBinary", "Struct",
]);

/** TSV / XML type names that are not spelled like the InType union. */
const INTYPE_ALIASES: Readonly<Record<string, InType>> = {
  CountedUtf16String: "CountedString", // TDH_INTYPE_COUNTEDSTRING: u16 byte count, then UTF-16LE
  CountedUnicodeString: "CountedString",
  Char: "AnsiChar",
  Float32: "Float",
  Float64: "Double",
};

const INTEGER_TYPES: ReadonlySet<string> = new Set(["UInt8", "UInt16", "UInt32", "UInt64", "Int8", "Int16", "Int32", "Int64", "HexInt32", "HexInt64"]);

interface MutableField {
  name: string;
  inType: InType;
  outType?: string;
  length?: number | string;
  count?: number | string;
  map?: string;
}

function buildFields(
  prov: ProviderDef,
  ev: TsvEvent,
  xml: XmlProvider | undefined,
  keyEvents: Map<string, string>,
): MutableField[] {
  const where = `${prov.name.replace("Microsoft-Windows-", "")} ${ev.id}v${ev.version}`;
  const fields: MutableField[] = [];
  const earlier = (name: string, before: number): boolean => fields.slice(0, before).some((f) => f.name === name);
  const earlierInt = (name: string, before: number): boolean =>
    fields.slice(0, before).some((f) => f.name === name && INTEGER_TYPES.has(f.inType));

  for (let i = 0; i < ev.fields.length; i++) {
    const tf = ev.fields[i];
    let inType: InType;
    if (INTYPES.has(tf.type)) inType = tf.type as InType;
    else if (INTYPE_ALIASES[tf.type]) inType = INTYPE_ALIASES[tf.type];
    else {
      // e.g. NDIS 10600 "27 EventLog": a struct the dump could not name. Nothing after it can be located.
      warn(`${where} ${tf.name}: unknown type "${tf.type}" (struct?) -> Binary without length; ${ev.fields.length - i - 1} later field(s) dropped`);
      fields.push({ name: tf.name, inType: "Binary" });
      break;
    }
    const f: MutableField = { name: tf.name, inType };
    const xd = xmlField(xml, ev.id, ev.version, tf.name);

    // Value maps from the XML.
    if (xd?.map) {
      if (xml?.maps[xd.map]) f.map = xd.map;
      else warn(`${where} ${tf.name}: XML map ${xd.map} not defined`);
    }

    // Arrays: XML count=, else "<X>Count" directly before X (inferred).
    if (xd?.count !== undefined) {
      if (/^\d+$/.test(xd.count)) f.count = Number(xd.count);
      else if (earlierInt(xd.count, i)) f.count = xd.count;
    }
    if (f.count === undefined && i > 0 && ev.fields[i - 1].name === tf.name + "Count" && INTEGER_TYPES.has(fields[i - 1].inType)) {
      f.count = tf.name + "Count";
      note(`${where} ${tf.name}: count ${f.count} (inferred from naming)`);
    }

    // Lengths.
    if (inType === "UnicodeString" || inType === "AnsiString") {
      const xmlLen = xd?.length;
      if (xmlLen !== undefined && (/^\d+$/.test(xmlLen) || earlierInt(xmlLen, i))) {
        f.length = /^\d+$/.test(xmlLen) ? Number(xmlLen) : xmlLen;
      } else if (i > 0) {
        const prev = ev.fields[i - 1].name;
        if ([tf.name + "Len", tf.name + "Length", tf.name + "Size"].includes(prev) && earlierInt(prev, i)) f.length = prev;
        const alias = STRING_LENGTH_ALIASES.find((a) => a.provider === prov.name && a.field === tf.name);
        if (f.length === undefined && alias && prev === alias.length && earlierInt(prev, i)) {
          f.length = prev;
          note(`${where} ${tf.name}: counted string, length ${prev} (name mismatch in the manifest)`);
        }
      }
    } else if (inType === "Binary") {
      f.length = binaryLength(prov, ev, tf.name, i, fields, xd, xml, keyEvents, earlierInt, where);
    }
    fields.push(f);
  }

  // Out types and PktMon maps.
  for (const f of fields) {
    const ot = OUTTYPES[prov.name]?.[`${ev.id}/${f.name}`];
    if (ot) f.outType = ot;
    if (prov.name === "Microsoft-Windows-PktMon") {
      const m = pktmonFieldMap(ev.id, f.name);
      if (m && !f.map) f.map = m;
      const o = pktmonOutType(ev.id, f);
      if (o) f.outType = o;
    }
  }
  // Sanity: the references must point backwards.
  fields.forEach((f, i) => {
    for (const ref of [f.length, f.count]) {
      if (typeof ref === "string" && !earlier(ref, i)) throw new Error(`${where} ${f.name}: ${ref} is not an earlier field`);
    }
  });
  return fields;
}

function binaryLength(
  prov: ProviderDef,
  ev: TsvEvent,
  name: string,
  i: number,
  built: readonly MutableField[],
  xd: XmlData | undefined,
  xml: XmlProvider | undefined,
  keyEvents: Map<string, string>,
  earlierInt: (name: string, before: number) => boolean,
  where: string,
): number | string | undefined {
  // 1. repnz XML length=.
  if (xd?.length !== undefined) {
    if (/^\d+$/.test(xd.length)) return Number(xd.length);
    if (earlierInt(xd.length, i)) return xd.length;
    warn(`${where} ${name}: XML length ${xd.length} is not an earlier field here`);
  }
  // 2. key-events.json.
  const ke = keyEvents.get(`${prov.name}/${ev.id}/${ev.version}/${name}`);
  if (ke && earlierInt(ke, i)) return ke;
  // 3. Naming: <X>Len / <X>Length / <X>Size / <X>AddressLength / <X>AddrLength before X, and for X = <B>Address
  //    also <B>AddrLength / <B>AddrLen. "<X>PrefixLength" is a prefix length in bits, not a byte count: never take
  //    "<...Prefix>Length".
  const stems = [name + "Len", name + "Size", name + "AddressLength", name + "AddrLength", name + "AddrLen"];
  if (!name.endsWith("Prefix")) stems.push(name + "Length");
  if (name.endsWith("Address")) stems.push(name.slice(0, -7) + "AddrLength", name.slice(0, -7) + "AddrLen");
  const prevName = i > 0 ? ev.fields[i - 1].name : "";
  const byName = stems.find((s) => s === prevName && earlierInt(s, i)) ?? stems.find((s) => earlierInt(s, i));
  if (byName) {
    note(`${where} ${name}: length ${byName} (inferred from naming)`);
    return byName;
  }
  const alias = LENGTH_ALIASES.find((a) => a.provider === prov.name && a.field === name && earlierInt(a.length, i));
  if (alias) {
    note(`${where} ${name}: length ${alias.length} (${alias.why})`);
    return alias.length;
  }
  // 4. The same field name with a length elsewhere in the provider's XML (e.g. TCPIP "IpAddrLength" -> "IPAddress"):
  //    take the nearest earlier field among those length names.
  const learned = xml?.lengthNames.get(name);
  if (learned) {
    for (let j = i - 1; j >= 0; j--) {
      const cand = ev.fields[j].name;
      if (learned.has(cand) && earlierInt(cand, i)) {
        note(`${where} ${name}: length ${cand} (as in other events of the provider's XML)`);
        return cand;
      }
    }
  }
  // 5. An address after an "...AddrLength"/"...AddressLength" field, possibly after other addresses that share it
  //    (TCPIP convention, e.g. DlAddrLength -> DlSourceAddress; SockAddrLength -> LocalSockAddr, RemoteSockAddr).
  let j = i - 1;
  while (j >= 0 && built[j].inType === "Binary") j--;
  const lenName = j >= 0 ? ev.fields[j].name : "";
  const sharedOk = built.slice(j + 1, i).every((b) => b.inType === "Binary" && b.length === lenName);
  if (j >= 0 && sharedOk && /(Addr|Address)Length$/.test(lenName) && !/Prefix(Addr|Address)?Length$/.test(lenName) && earlierInt(lenName, i)) {
    note(`${where} ${name}: length ${lenName} (address after an address-length field)`);
    return lenName;
  }
  // 6. Fixed sizes.
  const fixed = FIXED_LENGTHS.find((a) => a.provider === prov.name && a.field.test(name) && (a.events === undefined || a.events.includes(ev.id)));
  if (fixed) {
    if (!fixed.confirmed) note(`${where} ${name}: length ${fixed.length} (${fixed.why})`);
    return fixed.length;
  }
  const generic = GENERIC_FIXED_LENGTHS.find((a) => a.field.test(name));
  if (generic) {
    note(`${where} ${name}: length ${generic.length} (${generic.why})`);
    return generic.length;
  }
  warn(`${where} ${name}: Binary without a known length (decoder takes the rest of the payload)`);
  return undefined;
}

// ------------------------------------------------------------------------------------------------------------------
// Event building

function buildEvent(
  prov: ProviderDef,
  ev: TsvEvent,
  xml: XmlProvider | undefined,
  keyEvents: Map<string, string>,
  messages: Map<number, MessageVariant[]> | undefined,
): EventSchema {
  const fields = buildFields(prov, ev, xml, keyEvents);
  let msg: { message?: string; messageByBuild?: Record<string, string> } = {};
  if (messages) {
    const msgId = (eid: number): number => (0xb0000000 + ev.version * 0x10000 + eid) >>> 0;
    let variants = messages.get(msgId(ev.id));
    const alias = MESSAGE_ALIASES[prov.name]?.[ev.id];
    if (alias) {
      // Per build: the event's own text where the message file has one, else the shared one.
      const own = new Map((variants ?? []).map((v) => [v.build, v.text] as const));
      const shared = new Map((messages.get(msgId(alias.from)) ?? []).map((v) => [v.build, v.text] as const));
      const builds = [...new Set([...own.keys(), ...shared.keys()])].sort((a, b) => a - b);
      variants = builds.map((b) => ({ build: b, text: own.get(b) ?? shared.get(b) ?? "" }));
      if (!alias.confirmed) note(`${prov.name.replace("Microsoft-Windows-", "")} ${ev.id}: message shared with event ${alias.from}`);
    }
    msg = eventMessage(variants, prov.preferredMessageBuild);
  }
  if (prov.name === "Microsoft-Windows-Hyper-V-VmSwitch") {
    const hw = VMSWITCH_MESSAGES[ev.id];
    if (hw) {
      msg = { message: hw.text };
      if (hw.inferred) note(`VmSwitch ${ev.id}: message written by us: ${hw.text}`);
    }
  }
  const name = NAME_OVERRIDES[prov.name]?.[ev.id] ?? ev.symbol;
  // Keys in a fixed order (JSON.stringify keeps insertion order): id, version, name, task, opcode, level,
  // keywords, message, messageByBuild, fields.
  return {
    id: ev.id,
    version: ev.version,
    name,
    ...(ev.task ? { task: ev.task } : {}),
    ...(ev.opcode ? { opcode: ev.opcode } : {}),
    ...(ev.level ? { level: ev.level } : {}),
    ...(ev.keywords.length > 0 ? { keywords: [...ev.keywords] } : {}),
    ...(msg.message !== undefined ? { message: msg.message } : {}),
    ...(msg.messageByBuild ? { messageByBuild: msg.messageByBuild } : {}),
    fields: fields.map(orderField),
  };
}

/** Fixed key order in the JSON: name, inType, outType, length, count, map. */
function orderField(f: MutableField): FieldDef {
  const o: MutableField = { name: f.name, inType: f.inType };
  if (f.outType !== undefined) o.outType = f.outType;
  if (f.length !== undefined) o.length = f.length;
  if (f.count !== undefined) o.count = f.count;
  if (f.map !== undefined) o.map = f.map;
  return o;
}

function sortedMaps(maps: Record<string, ValueMap>): Record<string, ValueMap> {
  const out: Record<string, ValueMap> = {};
  for (const k of Object.keys(maps).sort()) {
    const entries: Record<string, string> = {};
    for (const v of Object.keys(maps[k].entries).sort((a, b) => Number(a) - Number(b))) entries[v] = maps[k].entries[v];
    out[k] = { kind: maps[k].kind, entries };
  }
  return out;
}

function buildProvider(prov: ProviderDef, keyEvents: Map<string, string>): ProviderSchema {
  // Events: the newest dump first; (id, version) pairs only in older dumps are added from them.
  const events = new Map<string, TsvEvent>();
  const used: string[] = [];
  for (const dump of prov.tsv) {
    const file = path.join(SHARED, dump, `${prov.name}.tsv`);
    if (!existsSync(file)) continue;
    let added = 0;
    for (const ev of readTsv(file, dump)) {
      const key = `${ev.id}/${ev.version}`;
      if (events.has(key)) continue;
      events.set(key, ev);
      added++;
    }
    if (added > 0) used.push(dump === W11 ? SRC_W11 : SRC_WS22);
    if (added > 0 && used.length > 1) note(`${prov.name}: ${added} event(s) only in ${dump} taken from it`);
  }
  if (events.size === 0) throw new Error(`${prov.name}: no TSV found`);

  const xml = prov.xml ? readXml(path.join(SHARED, "repnz-xml", prov.xml)) : undefined;
  const messages = prov.messageFile ? readMessageFile(path.join(SHARED, "libyal-winevt-kb", prov.messageFile)) : undefined;

  const list = [...events.values()].sort((a, b) => a.id - b.id || a.version - b.version);
  const schemaEvents = list.map((ev) => buildEvent(prov, ev, xml, keyEvents, messages));

  let maps: Record<string, ValueMap> = {};
  if (xml) maps = { ...xml.maps };
  if (prov.name === "Microsoft-Windows-PktMon") {
    maps = { ...maps, ...PKTMON_MAPS, DropReason: pktmonDropReasonMap(path.join(SHARED, "pktmon-drop-reasons.tsv")) };
  }
  for (const e of schemaEvents) {
    for (const f of e.fields) {
      if (f.map && !maps[f.map]) throw new Error(`${prov.name} ${e.id}: map ${f.map} not defined`);
    }
  }

  const sources = [...used];
  if (prov.xml) sources.push(`repnz XML ${prov.xml.split("/")[0]} (${SRC_RPZ})`);
  if ([...keyEvents.keys()].some((k) => k.startsWith(prov.name + "/"))) sources.push("key-events.json");
  if (prov.messageFile) sources.push(`messages: ${prov.messageFile} (${SRC_LIBYAL})`);
  if (prov.name === "Microsoft-Windows-Hyper-V-VmSwitch") sources.push("messages: hand-written (see tools/gen-schemas.ts)");
  if (prov.name === "Microsoft-Windows-PktMon") sources.push("maps: embedded EVENT_MAP_INFO of pktmon samples, pktmon-drop-reasons.tsv");

  const schema: ProviderSchema = {
    guid: prov.guid,
    name: prov.name,
    source: sources.join("; "),
    ...(Object.keys(maps).length > 0 ? { maps: sortedMaps(maps) } : {}),
    events: schemaEvents,
  };
  return schema;
}

// ------------------------------------------------------------------------------------------------------------------
// Main

function main(): void {
  if (!existsSync(SHARED)) {
    console.error(`gen-schemas: reference data not found at ${SHARED}.`);
    console.error("Run this from the repository root, with the shared reference folder checked out next to it (../shared/etw-manifests).");
    process.exit(1);
  }
  const keyEvents = readKeyEvents(path.join(SHARED, "key-events.json"));
  mkdirSync(OUT_DIR, { recursive: true });
  // Remove previously generated files (ours only: <guid>.<name>.json).
  for (const f of readdirSync(OUT_DIR)) {
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\..+\.json$/.test(f)) rmSync(path.join(OUT_DIR, f));
  }
  const written: string[] = [];
  for (const prov of PROVIDERS) {
    const schema = buildProvider(prov, keyEvents);
    const file = `${prov.guid}.${prov.name}.json`;
    writeFileSync(path.join(OUT_DIR, file), JSON.stringify(schema, null, 1) + "\n");
    const withMsg = schema.events.filter((e) => e.message !== undefined).length;
    written.push(`  ${file}: ${schema.events.length} events (${withMsg} with messages), ${Object.keys(schema.maps ?? {}).length} maps`);
  }
  console.log(`Wrote ${written.length} schema files to ${path.relative(process.cwd(), OUT_DIR)}:`);
  for (const w of written) console.log(w);
  console.log(`\nInferred (${inferred.length}):`);
  for (const n of inferred) console.log(`  ${n}`);
  console.log(`\nWarnings (${warnings.length}):`);
  for (const w of warnings) console.log(`  WARNING ${w}`);
}

main();
