/**
 * `hnsdiag list all` (and `hnsdiag list networks|endpoints|namespaces|loadbalancers`): sections headed
 * "Networks:", "Endpoints:", "Namespaces:", "LoadBalancers:", each a table. Networks and endpoints are
 * space-aligned ("Name  ID  Virtual Network Name"); namespaces and load balancers use "|" separators.
 * Rows are read around the GUID they contain, so names with spaces and odd column widths still parse.
 */
import type { HnsEndpointRecord, HnsLoadBalancerRecord, HnsNamespaceRecord, HnsNetworkRecord } from "../types.js";
import { normGuid } from "../text.js";
import { emptyPolicies } from "./policies.js";

export interface HnsdiagResult {
  networks: HnsNetworkRecord[];
  endpoints: HnsEndpointRecord[];
  namespaces: HnsNamespaceRecord[];
  loadBalancers: HnsLoadBalancerRecord[];
}

const SECTION = /^\s*(Networks|Endpoints|Namespaces|LoadBalancers|Load Balancers|PolicyLists|Routes|SdnRoutes):\s*$/i;
const GUID_IN = /\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?/;

/** True when the lines look like hnsdiag output (two or more of its section headings). */
export function looksLikeHnsdiag(lines: string[]): boolean {
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!SECTION.test(lines[i])) continue;
    // A section heading followed by a table header naming an ID column.
    let j = i + 1;
    while (j < lines.length && lines[j].trim() === "") j++;
    if (/\bID\b/.test(lines[j] ?? "")) n++;
  }
  return n >= 1 || lines.some((l) => /hnsdiag(\.exe)?\s+list/i.test(l));
}

function guids(s: string): string[] {
  const out: string[] = [];
  for (const tok of s.split(/[\s,]+/)) {
    const g = normGuid(tok);
    if (g) out.push(g);
  }
  return out;
}

export function parseHnsdiag(lines: string[], used: boolean[]): HnsdiagResult {
  const res: HnsdiagResult = { networks: [], endpoints: [], namespaces: [], loadBalancers: [] };
  let i = 0;
  while (i < lines.length) {
    const m = used[i] ? null : SECTION.exec(lines[i]);
    if (!m) {
      i++;
      continue;
    }
    const section = m[1].toLowerCase().replace(/\s/g, "");
    used[i] = true;
    i++;
    // Header line (skip blank lines before it).
    while (i < lines.length && lines[i].trim() === "") i++;
    if (i >= lines.length || SECTION.test(lines[i])) continue;
    used[i] = true;
    i++;
    for (; i < lines.length && lines[i].trim() !== "" && !SECTION.test(lines[i]); i++) {
      if (used[i]) break;
      const line = lines[i];
      used[i] = true;
      if (/^[\s-|]+$/.test(line)) continue; // a dash underline
      if (section === "networks" || section === "endpoints") {
        const g = GUID_IN.exec(line);
        if (!g) continue;
        const id = normGuid(g[0])!;
        const name = line.slice(0, g.index).trim();
        const rest = line.slice(g.index + g[0].length).trim();
        if (section === "networks") {
          const rec: HnsNetworkRecord = { schema: "hnsdiag", id, subnets: [], policyTypes: [] };
          if (name) rec.name = name;
          if (rest && /^[A-Za-z0-9]+$/.test(rest)) rec.type = rest.toLowerCase();
          res.networks.push(rec);
        } else {
          const rec: HnsEndpointRecord = { schema: "hnsdiag", id, sharedContainers: [], policies: emptyPolicies() };
          if (name) rec.name = name;
          if (rest) rec.networkName = rest;
          res.endpoints.push(rec);
        }
      } else if (section === "namespaces") {
        const parts = line.split("|");
        const id = normGuid(parts[0].trim());
        if (!id) continue;
        res.namespaces.push({ schema: "hnsdiag", id, endpointIds: guids(parts.slice(1).join(" ")), containerIds: [] });
      } else if (section === "loadbalancers") {
        const parts = line.split("|");
        const id = normGuid(parts[0].trim());
        if (!id) continue;
        const vips = (parts[1] ?? "").split(/[\s,]+/).filter((v) => v !== "");
        res.loadBalancers.push({ id, vips, endpointIds: guids(parts.slice(2).join(" ")), portMappings: [] });
      }
    }
  }
  return res;
}
