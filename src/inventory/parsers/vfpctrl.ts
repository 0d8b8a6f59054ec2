/**
 * `vfpctrl /list-vmswitch-port`: one block per vSwitch port, each starting with "Port name : <GUID>" and holding
 * "Port Friendly name", "Switch name", "Switch Friendly name", "PortId", "Port type", "NIC name"
 * ("<VM or container GUID>--<GUID>"), "NIC Friendly name", "MTU", "MAC address", "VM name", "VM ID" and
 * sentences ("Port is Initialized."). A host vNIC's port is "Container NIC xxxxxxxx"; the uplink is "ExternalPort".
 */
import type { VfpPortRecord } from "../types.js";
import { normGuid, normalizeMac } from "../text.js";

const KV = /^\s*([A-Za-z][A-Za-z0-9 \-/]*?)\s*:\s*(.*)$/;

export function looksLikeVfpctrl(lines: string[]): boolean {
  let ports = 0;
  let other = 0;
  for (const l of lines) {
    if (/^\s*Port name\s*:/i.test(l)) ports++;
    else if (/^\s*(Switch name|Port Friendly name|MAC address|NIC name)\s*:/i.test(l)) other++;
  }
  return ports > 0 && other > 0;
}

export function parseVfpctrl(lines: string[], used: boolean[]): VfpPortRecord[] {
  const out: VfpPortRecord[] = [];
  let cur: VfpPortRecord | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (used[i]) continue;
    const line = lines[i];
    const t = line.trim();
    if (/^(ITEM LIST|=+)$/i.test(t) || /^Command list-vmswitch-port/i.test(t)) {
      used[i] = true;
      continue;
    }
    if (/^Get-port-counter/i.test(t)) {
      cur = null;
      continue;
    }
    const m = KV.exec(line);
    if (!m) {
      if (cur && /^(Port is|MAC Learning|NIC is|VM is|Port [A-Za-z ]+\.)/i.test(t)) used[i] = true;
      continue;
    }
    const key = m[1].toLowerCase().replace(/\s+/g, " ");
    const value = m[2].trim();
    if (key === "port name") {
      cur = {};
      out.push(cur);
    }
    if (!cur) continue;
    used[i] = true;
    if (value === "") continue;
    switch (key) {
      case "port name":
        cur.portName = normGuid(value) ?? value;
        break;
      case "port friendly name":
        cur.portFriendlyName = value;
        break;
      case "switch name":
        cur.switchName = normGuid(value) ?? value;
        break;
      case "switch friendly name":
        cur.switchFriendlyName = value;
        break;
      case "portid":
      case "port id":
        if (/^\d+$/.test(value)) cur.portId = Number(value);
        break;
      case "port type":
        cur.portType = value;
        break;
      case "nic name":
        cur.nicName = value;
        break;
      case "nic friendly name":
        cur.nicFriendlyName = value;
        break;
      case "mtu":
        if (/^\d+$/.test(value)) cur.mtu = Number(value);
        break;
      case "mac address": {
        const mac = normalizeMac(value);
        if (mac) cur.mac = mac;
        break;
      }
      case "vm name":
        cur.vmName = value;
        break;
      case "vm id":
        cur.vmId = normGuid(value) ?? value;
        break;
      default:
        break;
    }
  }
  return out;
}
