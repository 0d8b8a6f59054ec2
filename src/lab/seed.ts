/**
 * The built-in demo capture: the packet from the reference blog post (providers.md §1.2) — a container on the
 * `nat` network sends a 155-byte frame that the Hyper-V switch receives from the container's vNIC, routes to the
 * "Ethernet" NIC and delivers — written as a NetEventSession-style .etl: VmSwitch control events naming the NICs
 * (232), then VmSwitch 56/57/58 NBL events interleaved with NDIS-PacketCapture 1003 VMSwitch fragments.
 * Every GUID and name is the blog's, so the rendered messages must equal the blog's Get-WinEvent lines.
 * The lab's seed-nat scenario (src/lab/scenarios/seed-nat.yaml) supersedes this capture for the demo; this one
 * stays as the renderer's oracle with the blog's literal GUIDs.
 */
import type { EtlSink } from "../etl/mod.js";
import { EtlWriter } from "../etl/mod.js";
import { bundledSchemas, encodePayload } from "../events/mod.js";
import type { FieldValue } from "../events/mod.js";

export const VMSWITCH = "67dc0d66-3695-47c0-9642-33f76f7bd7ad";
export const NDISCAP = "2ed6006e-4729-4609-b423-3ee7bcd678ef";

/** The blog's names (upper-case GUIDs as VmSwitch prints them). */
export const SEED = {
  containerNic: "5AA3FFAC-AB7F-41DA-BD02-A4404FCA9241",
  containerNicFriendly: "f82c3ec1d0fe590",
  hostNic: "7F88B4C9-7ED6-4013-ADBA-4CE5A0C50487",
  hostNicFriendly: "Ethernet",
  switchName: "D2FD9981-CB99-4866-9548-81F4ADEF178C",
  switchFriendly: "nat",
  nbl: 0xffff9383cbf21490n,
  frameLength: 155,
  /** 2018-07-13T02:00:00Z (the blog post is from 2018-07-12, US time) */
  startTime: 131759208000000000n,
  osBuild: 17763,
} as const;

/** Names in one packet's five Get-WinEvent lines (56 / 1003 / 57 / 1003 / 58). */
export interface SeedNames {
  readonly nbl: bigint;
  readonly containerNic: string;
  readonly containerNicFriendly: string;
  readonly hostNic: string;
  readonly hostNicFriendly: string;
  readonly switchName: string;
  readonly switchFriendly: string;
  readonly frameLength: number;
}

/** The five lines in the blog's format for the given names (the lab's seed-nat capture renders them too). */
export function seedLines(n: SeedNames): string[] {
  const nbl = "0x" + n.nbl.toString(16).padStart(16, "0");
  return [
    `NBL ${nbl} received from Nic ${n.containerNic} (Friendly Name: ${n.containerNicFriendly}) in switch ${n.switchName} (Friendly Name: ${n.switchFriendly})`,
    `VMSwitch Packet Fragment (${n.frameLength} bytes)`,
    `NBL ${nbl} routed from Nic ${n.containerNic} (Friendly Name: ${n.containerNicFriendly}) to Nic ${n.hostNic} (Friendly Name: ${n.hostNicFriendly}) on switch ${n.switchName} (Friendly Name: ${n.switchFriendly})`,
    `VMSwitch Packet Fragment (${n.frameLength} bytes)`,
    `NBL ${nbl} delivered to Nic ${n.hostNic} (Friendly Name: ${n.hostNicFriendly}) in switch ${n.switchName} (Friendly Name: ${n.switchFriendly})`,
  ];
}

/** The lines Get-WinEvent printed for the packet (providers.md §1.2). */
export const SEED_LINES: readonly string[] = seedLines(SEED);

/** A 155-byte Ethernet frame: ICMP echo request 172.18.5.2 → 13.107.21.200 with a ping-style payload. */
export function seedFrame(): Uint8Array {
  const f = new Uint8Array(SEED.frameLength);
  const dv = new DataView(f.buffer);
  f.set([0x00, 0x15, 0x5d, 0x3a, 0x90, 0x01], 0); // dst: host vNIC MAC
  f.set([0x00, 0x15, 0x5d, 0x3a, 0x9f, 0x22], 6); // src: container MAC
  dv.setUint16(12, 0x0800);
  const ip = 14;
  const ipLen = SEED.frameLength - 14;
  f[ip] = 0x45;
  dv.setUint16(ip + 2, ipLen);
  dv.setUint16(ip + 4, 0x1c2b);
  f[ip + 8] = 128;
  f[ip + 9] = 1;
  f.set([172, 18, 5, 2], ip + 12);
  f.set([13, 107, 21, 200], ip + 16);
  dv.setUint16(ip + 10, checksum(f, ip, ip + 20));
  const icmp = ip + 20;
  f[icmp] = 8;
  dv.setUint16(icmp + 4, 1);
  dv.setUint16(icmp + 6, 17);
  const alphabet = "abcdefghijklmnopqrstuvw";
  for (let i = icmp + 8; i < f.length; i++) f[i] = alphabet.charCodeAt((i - icmp - 8) % alphabet.length);
  dv.setUint16(icmp + 2, checksum(f, icmp, f.length));
  return f;
}

function checksum(b: Uint8Array, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i += 2) s += (b[i] << 8) | (i + 1 < end ? b[i + 1] : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** Writes the seed capture to a sink. Returns the number of events written. */
export function writeSeedCapture(sink: EtlSink, options: { compress?: boolean } = {}): number {
  const schemas = bundledSchemas();
  const vms = schemas.get(VMSWITCH);
  const ndis = schemas.get(NDISCAP);
  if (!vms || !ndis) throw new Error("bundled schemas for VmSwitch and NDIS-PacketCapture are missing (src/schemas)");
  const ev = (p: typeof vms, id: number) => {
    const s = p.events.find((e) => e.id === id);
    if (!s) throw new Error(`bundled schema ${p.name} has no event ${id}`);
    return s;
  };
  const w = new EtlWriter(sink, {
    startTime: SEED.startTime, osBuild: SEED.osBuild, cpus: 2, loggerName: "Session1",
    logFileName: "C:\\Windows\\System32\\LogFiles\\Session1.etl", compress: options.compress ?? false, timeZoneBias: 420,
    timeZoneName: "Pacific Standard Time",
  });
  const frame = seedFrame();
  const pid = 4, tid = 0x1a8;
  let t = 1_000;
  const put = (provider: string, schema: ReturnType<typeof ev>, values: Record<string, FieldValue>, keyword: bigint, level = 4) => {
    w.writeEvent({ cpu: 1, ticks: t, provider, id: schema.id, version: schema.version, level, keyword, pid, tid, payload: encodePayload(schema, values) });
  };
  const nic = (prefix: string, name: string, friendly: string): Record<string, FieldValue> => ({ [`${prefix}Name`]: name, [`${prefix}FName`]: friendly });
  const sw = { SwitchName: SEED.switchName, SwitchFName: SEED.switchFriendly };
  // Control path: the two NICs connected to their ports (names the trace can be read with).
  put(VMSWITCH, ev(vms, 232), { ...nic("Nic", `${SEED.containerNic}`, SEED.containerNicFriendly), PortName: "4A1F0C3E-3C2B-4E8F-9B57-2E0D6A7C1B11", PortFName: "Dynamic Ethernet Switch Port", ...sw }, 0x8000000000000001n);
  t += 50;
  put(VMSWITCH, ev(vms, 232), { ...nic("Nic", `${SEED.hostNic}`, SEED.hostNicFriendly), PortName: "9C3D5E71-8A42-4B6C-A1D3-7F2E9B0C4D22", PortFName: "Dynamic Ethernet Switch Port", ...sw }, 0x8000000000000001n);
  t = 5_000_000; // half a second later, the packet
  const fragment = (srcPort: number, portName: string, nicName: string, nicType: string): void => {
    put(NDISCAP, ev(ndis, 1003), {
      MiniportIfIndex: 0, LowerIfIndex: 0, SourcePortId: srcPort, SourcePortName: portName, SourceNicName: nicName,
      SourceNicType: nicType, Destination: [], FragmentSize: frame.length, Fragment: frame, OOBData: new Uint8Array(0),
    }, 0x1000000n | 0x40000000n | 0x80000000n | 0x200000000n);
  };
  put(VMSWITCH, ev(vms, 56), { ...nic("Nic", SEED.containerNic, SEED.containerNicFriendly), ...sw, BufferAddress: SEED.nbl }, 0x8000000000000002n);
  t += 9;
  fragment(2, "4A1F0C3E-3C2B-4E8F-9B57-2E0D6A7C1B11", SEED.containerNic, "Synthetic");
  t += 12;
  put(VMSWITCH, ev(vms, 57), { ...nic("SrcNic", SEED.containerNic, SEED.containerNicFriendly), ...nic("DestNic", SEED.hostNic, SEED.hostNicFriendly), ...sw, BufferAddress: SEED.nbl }, 0x8000000000000002n);
  t += 8;
  fragment(2, "4A1F0C3E-3C2B-4E8F-9B57-2E0D6A7C1B11", SEED.containerNic, "Synthetic");
  t += 19;
  put(VMSWITCH, ev(vms, 58), { ...nic("Nic", SEED.hostNic, SEED.hostNicFriendly), ...sw, BufferAddress: SEED.nbl }, 0x8000000000000002n);
  const n = w.eventsWritten;
  w.close();
  return n;
}
