/**
 * Windows adapter cmdlets, table (default) or list (`| fl`, `| fl *`) output:
 * `Get-NetAdapter [-IncludeHidden]`, `Get-NetIPAddress [-IncludeAllCompartments]`, `Get-VMNetworkAdapter`.
 * Table cells PowerShell cut short end with "..." (kept as printed).
 */
import type { NatMappingRecord, NetAdapterRecord, NetIpAddressRecord, VmNetAdapterRecord } from "../types.js";
import { cell, hasKeys } from "../formats.js";
import { bool, normGuid, normIp, normalizeMac } from "../text.js";
import { parsePsValue } from "../pshash.js";

type Row = Record<string, string>;

export function isNetAdapterRow(r: Row): boolean {
  return (
    (hasKeys(r, "Name", "InterfaceDescription") || hasKeys(r, "ifAlias", "ifDesc")) &&
    (hasKeys(r, "MacAddress") || hasKeys(r, "ifIndex") || hasKeys(r, "InterfaceIndex")) &&
    !hasKeys(r, "SwitchType")
  );
}

export function netAdapter(r: Row): NetAdapterRecord | null {
  const name = cell(r, "Name", "ifAlias", "InterfaceAlias");
  if (!name) return null;
  const rec: NetAdapterRecord = { name };
  const d = cell(r, "InterfaceDescription", "ifDesc");
  if (d) rec.description = d;
  const idx = cell(r, "ifIndex", "InterfaceIndex");
  if (idx && /^\d+$/.test(idx)) rec.ifIndex = Number(idx);
  const st = cell(r, "Status", "InterfaceOperationalStatus");
  if (st) rec.status = st;
  const mac = normalizeMac(cell(r, "MacAddress", "PermanentAddress"));
  if (mac) rec.mac = mac;
  const ls = cell(r, "LinkSpeed", "LinkSpeed(Gbps)", "LinkSpeed(Mbps)");
  if (ls) rec.linkSpeed = ls;
  const g = normGuid(cell(r, "InterfaceGuid", "DeviceID"));
  if (g) rec.interfaceGuid = g;
  return rec;
}

export function isNetIpAddressRow(r: Row): boolean {
  return hasKeys(r, "IPAddress", "InterfaceAlias") && (hasKeys(r, "AddressFamily") || hasKeys(r, "InterfaceIndex") || hasKeys(r, "PrefixLength"));
}

export function netIpAddress(r: Row): NetIpAddressRecord | null {
  const ip = normIp(cell(r, "IPAddress"));
  if (!ip) return null;
  const rec: NetIpAddressRecord = { ip };
  const idx = cell(r, "InterfaceIndex", "ifIndex");
  if (idx && /^\d+$/.test(idx)) rec.ifIndex = Number(idx);
  const alias = cell(r, "InterfaceAlias");
  if (alias) rec.alias = alias;
  const fam = cell(r, "AddressFamily");
  if (fam) rec.family = fam;
  const pl = cell(r, "PrefixLength");
  if (pl && /^\d+$/.test(pl)) rec.prefixLength = Number(pl);
  return rec;
}

export function isVmNetAdapterRow(r: Row): boolean {
  return hasKeys(r, "Name", "SwitchName") && (hasKeys(r, "MacAddress") || hasKeys(r, "IsManagementOs") || hasKeys(r, "VMName"));
}

export function vmNetAdapter(r: Row): VmNetAdapterRecord | null {
  const name = cell(r, "Name");
  if (!name) return null;
  const rec: VmNetAdapterRecord = { name, ips: [] };
  const mo = bool(r, "IsManagementOs");
  if (mo !== undefined) rec.isManagementOs = mo;
  const vm = cell(r, "VMName");
  if (vm) rec.vmName = vm;
  const sw = cell(r, "SwitchName");
  if (sw) rec.switchName = sw;
  const mac = normalizeMac(cell(r, "MacAddress"));
  if (mac) rec.mac = mac;
  const ips = parsePsValue(cell(r, "IPAddresses") ?? "");
  for (const x of Array.isArray(ips) ? ips : [ips]) {
    const ip = typeof x === "string" ? normIp(x) : null;
    if (ip) rec.ips.push(ip);
  }
  return rec;
}

export function isNatMappingRow(r: Row): boolean {
  return hasKeys(r, "ExternalPort", "InternalIPAddress", "InternalPort");
}

/** Get-NetNatStaticMapping row or list block. */
export function natMapping(r: Row): NatMappingRecord | null {
  const rec: NatMappingRecord = {};
  const proto = cell(r, "Protocol");
  if (proto) rec.protocol = proto.toUpperCase();
  const eip = normIp(cell(r, "ExternalIPAddress"));
  if (eip) rec.externalIp = eip;
  const ep = cell(r, "ExternalPort");
  if (ep && /^\d+$/.test(ep)) rec.externalPort = Number(ep);
  const iip = normIp(cell(r, "InternalIPAddress"));
  if (iip) rec.internalIp = iip;
  const ip = cell(r, "InternalPort");
  if (ip && /^\d+$/.test(ip)) rec.internalPort = Number(ip);
  const n = cell(r, "NatName");
  if (n) rec.natName = n;
  return rec.internalIp ? rec : null;
}
