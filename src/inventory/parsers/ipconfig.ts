/**
 * `ipconfig`, `ipconfig /all` and `ipconfig /allcompartments [/all]` (English output). Compartment sections are
 * headed by a banner ("Network Information for Compartment N (ACTIVE)" between lines of "="); each adapter block
 * is "<type> adapter <name>:" followed by indented "Key . . . : value" lines and indented continuation lines.
 */
import type { IpAdapterRecord } from "../types.js";
import { isIpv4, maskLength, normIp, normalizeMac } from "../text.js";

const BANNER = /^\s*Network Information for Compartment (\d+)(\s*\(ACTIVE\))?/i;
const ADAPTER = /^(\S.*?) adapter (.+):$/;
const KEYLINE = /^\s+(\S.*?)(?: ?\.)+ *: ?(.*)$/;

/** True when the lines contain ipconfig output. */
export function looksLikeIpconfig(lines: string[]): boolean {
  let adapters = 0;
  for (const l of lines) {
    if (/^\s*Windows IP Configuration\s*$/i.test(l) || BANNER.test(l)) return true;
    if (ADAPTER.test(l)) adapters++;
  }
  return adapters > 0 && lines.some((l) => /\. \. .*: /.test(l));
}

function addressOf(v: string): string | null {
  return normIp(v.replace(/\((Preferred|Tentative|Deprecated|Duplicate)\)/gi, ""));
}

export function parseIpconfig(lines: string[], used: boolean[]): IpAdapterRecord[] {
  const out: IpAdapterRecord[] = [];
  let compartment: number | undefined;
  let active: boolean | undefined;
  let hostName: string | undefined;
  let cur: IpAdapterRecord | null = null;
  let lastKey = "";
  let inIpconfig = false;
  for (let i = 0; i < lines.length; i++) {
    if (used[i]) {
      cur = null;
      continue;
    }
    const line = lines[i];
    const banner = BANNER.exec(line);
    if (banner) {
      compartment = Number(banner[1]);
      active = !!banner[2];
      cur = null;
      inIpconfig = true;
      used[i] = true;
      continue;
    }
    if (/^\s*=+\s*$/.test(line) && (BANNER.test(lines[i + 1] ?? "") || BANNER.test(lines[i - 1] ?? ""))) {
      used[i] = true;
      continue;
    }
    if (/^\s*Windows IP Configuration\s*$/i.test(line)) {
      inIpconfig = true;
      cur = null;
      used[i] = true;
      continue;
    }
    const ad = ADAPTER.exec(line);
    if (ad && (inIpconfig || KEYLINE.test(lines[i + 2] ?? "") || KEYLINE.test(lines[i + 1] ?? ""))) {
      inIpconfig = true;
      cur = { adapterType: ad[1].trim(), name: ad[2].trim(), ipv4: [], ipv6: [], gateways: [], dnsServers: [] };
      if (compartment !== undefined) cur.compartmentId = compartment;
      if (active !== undefined) cur.compartmentActive = active;
      if (hostName) cur.hostName = hostName;
      out.push(cur);
      used[i] = true;
      continue;
    }
    if (!inIpconfig) continue;
    if (line.trim() === "") {
      used[i] = true;
      continue;
    }
    const kv = KEYLINE.exec(line);
    if (kv) {
      used[i] = true;
      const key = kv[1].trim().toLowerCase();
      const value = kv[2].trim();
      lastKey = key;
      if (!cur) {
        if (key === "host name" && value) hostName = value;
        continue;
      }
      applyKey(cur, key, value);
      continue;
    }
    // Continuation line: a further value of the previous key (DNS servers, gateways).
    if (cur && /^\s{20,}\S/.test(line)) {
      used[i] = true;
      applyKey(cur, lastKey, line.trim());
      continue;
    }
    // Anything else ends the ipconfig output (e.g. Get-NetIPAddress appended by collectlogs).
    inIpconfig = false;
    cur = null;
  }
  return out;
}

function applyKey(a: IpAdapterRecord, key: string, value: string): void {
  if (value === "") return;
  if (key === "description") a.description = value;
  else if (key === "physical address") {
    const m = normalizeMac(value);
    if (m) a.mac = m;
  } else if (key === "dhcp enabled") a.dhcp = /^yes/i.test(value);
  else if (key === "media state") a.mediaDisconnected = /disconnected/i.test(value);
  else if (key === "ipv4 address" || key === "ip address" || key === "autoconfiguration ipv4 address") {
    const ip = addressOf(value);
    if (ip && isIpv4(ip)) a.ipv4.push({ address: ip });
  } else if (key === "subnet mask") {
    const last = a.ipv4[a.ipv4.length - 1];
    if (last && !last.mask && isIpv4(value)) {
      last.mask = value;
      const len = maskLength(value);
      if (len !== undefined) last.prefixLength = len;
    }
  } else if (key === "ipv6 address" || key === "temporary ipv6 address") {
    const ip = addressOf(value);
    if (ip) a.ipv6.push(ip);
  } else if (key === "link-local ipv6 address") {
    const ip = addressOf(value);
    if (ip) a.linkLocal = ip;
    const zone = /%(\d+)/.exec(value);
    if (zone) a.ifIndex = Number(zone[1]);
  } else if (key === "default gateway") {
    const ip = addressOf(value);
    if (ip) a.gateways.push(ip);
  } else if (key === "dns servers") {
    const ip = addressOf(value);
    if (ip) a.dnsServers.push(ip);
  }
}
