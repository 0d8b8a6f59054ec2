/**
 * HNS policy lists (v1 `{Type, …fields}` and v2 `{Type, Settings:{…}}`) → a PolicySummary.
 */
import type { PolicySummary, PortMapping } from "../types.js";
import { arr, bool, isObj, num, normIp, prop, str, strList } from "../text.js";

const PROTOCOLS: Record<string, string> = { "1": "ICMP", "6": "TCP", "17": "UDP", "58": "ICMPv6", "256": "ANY" };

/** A protocol as a name: 6 → "TCP", "tcp" → "TCP". */
export function protocolName(v: unknown): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const s = String(v).trim();
  return PROTOCOLS[s] ?? s.toUpperCase();
}

export function emptyPolicies(): PolicySummary {
  return { portMappings: [], acls: [], routes: [], types: [] };
}

/** Settings of a policy: v2 nests them in `Settings`, v1 puts them beside `Type`. */
function settingsOf(p: unknown): unknown {
  const s = prop(p, "Settings");
  return isObj(s) ? s : p;
}

export function portMappingOf(s: unknown): PortMapping {
  const pm: PortMapping = {};
  const proto = protocolName(prop(s, "Protocol"));
  if (proto) pm.protocol = proto;
  const ip = num(s, "InternalPort");
  if (ip !== undefined) pm.internalPort = ip;
  const ep = num(s, "ExternalPort");
  if (ep !== undefined) pm.externalPort = ep;
  const vip = str(s, "VIP", "VirtualIP", "ExternalIp");
  if (vip) pm.externalIp = vip;
  return pm;
}

/** Folds a list of raw policies into `into`. */
export function summarizePolicies(list: unknown[], into: PolicySummary = emptyPolicies()): PolicySummary {
  for (const p of list) {
    if (!isObj(p)) continue;
    const type = str(p, "Type");
    if (!type) continue;
    into.types.push(type);
    const s = settingsOf(p);
    switch (type.toLowerCase()) {
      case "nat":
      case "portmapping":
        into.portMappings.push(portMappingOf(s));
        break;
      case "acl": {
        const acl: PolicySummary["acls"][number] = {};
        const set = (k: keyof typeof acl, ...names: string[]): void => {
          const v = str(s, ...names);
          if (v !== undefined) (acl as Record<string, unknown>)[k] = v;
        };
        set("id", "Id");
        set("action", "Action");
        set("direction", "Direction");
        const protos = prop(s, "Protocols", "Protocol");
        if (protos !== undefined && protos !== null && protos !== "") acl.protocols = String(protos);
        set("localAddresses", "LocalAddresses");
        set("remoteAddresses", "RemoteAddresses");
        set("localPorts", "LocalPorts");
        set("remotePorts", "RemotePorts");
        set("ruleType", "RuleType");
        const pr = num(s, "Priority");
        if (pr !== undefined) acl.priority = pr;
        into.acls.push(acl);
        break;
      }
      case "outboundnat": {
        const vip = str(s, "VIP", "VirtualIP");
        into.outboundNat = { ...(vip ? { vip } : {}), exceptions: strList(s, "ExceptionList", "Exceptions") };
        break;
      }
      case "pa":
      case "provideraddress": {
        const pa = normIp(str(s, "PA", "ProviderAddress"));
        if (pa) into.providerAddress = pa;
        break;
      }
      case "vsid": {
        const v = num(s, "VSID", "IsolationId");
        if (v !== undefined) into.vsid = v;
        break;
      }
      case "vlan": {
        const v = num(s, "VLAN", "IsolationId");
        if (v !== undefined) into.vlan = v;
        break;
      }
      case "route":
      case "sdnroute": {
        const r: PolicySummary["routes"][number] = {};
        const d = str(s, "DestinationPrefix");
        if (d) r.destination = d;
        const n = str(s, "NextHop");
        if (n) r.nextHop = n;
        const e = bool(s, "NeedEncap");
        if (e !== undefined) r.encap = e;
        into.routes.push(r);
        break;
      }
      case "portname": {
        const n = str(s, "Name");
        if (n) into.portName = n;
        break;
      }
      default:
        break;
    }
  }
  return into;
}

/** Summarises the `Policies` property of an HNS object. */
export function policiesOf(o: unknown): PolicySummary {
  return summarizePolicies(arr(o, "Policies"));
}
