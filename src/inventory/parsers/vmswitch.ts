/**
 * `Get-VMSwitch`, table (Name, SwitchType, NetAdapterInterfaceDescription) or list (`| fl`, `| fl *`: adds Id,
 * NetAdapterInterfaceGuid, AllowManagementOS, …). For a container network the switch name is the HNS network name.
 */
import type { VmSwitchRecord } from "../types.js";
import { cell, hasKeys } from "../formats.js";
import { bool, normGuid } from "../text.js";

type Row = Record<string, string>;

export function isVmSwitchRow(r: Row): boolean {
  return hasKeys(r, "Name", "SwitchType");
}

export function vmSwitch(r: Row): VmSwitchRecord | null {
  const name = cell(r, "Name");
  if (!name) return null;
  const rec: VmSwitchRecord = { name };
  const id = normGuid(cell(r, "Id", "ID"));
  if (id) rec.id = id;
  const t = cell(r, "SwitchType");
  if (t) rec.type = t.toLowerCase();
  const d = cell(r, "NetAdapterInterfaceDescription");
  if (d) rec.netAdapterDescription = d;
  const g = normGuid(cell(r, "NetAdapterInterfaceGuid")?.replace(/^\{|\}$/g, ""));
  if (g) rec.netAdapterGuid = g;
  const mo = bool(r, "AllowManagementOS");
  if (mo !== undefined) rec.allowManagementOs = mo;
  return rec;
}
