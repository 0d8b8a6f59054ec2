/**
 * Recognises host-state content by what it contains, not by file name, and runs the right parsers. A file may
 * hold several outputs one after another (collectlogs.ps1 appends `ConvertTo-Json` after a table, and
 * `Get-NetIPAddress` after `ipconfig`), so the text is read in passes: JSON documents, ipconfig, hnsdiag,
 * vfpctrl, dash-underlined tables, `docker ps`, then `Format-List` blocks. Each pass claims the lines it reads.
 */
import type { HostRecords, ParsedSource, SourceFormat } from "./types.js";
import { emptyRecords, recordCount } from "./types.js";
import type { Obj } from "./text.js";
import { isObj, looksBinary, splitLines } from "./text.js";
import { deepenPs } from "./pshash.js";
import { findJsonBlocks } from "./json.js";
import { findDashTables, findListBlocks, hasKeys, parseSpacedTable } from "./formats.js";
import { classifyHns, hnsEndpointV1, hnsNamespaceV1, hnsNetworkV1, hnsPolicyListV1, listBlockToObject } from "./parsers/hns.js";
import { hcnEndpoint, hcnLoadBalancer, hcnNamespace, hcnNetwork } from "./parsers/hcn.js";
import { dockerContainer, dockerNetwork, dockerPs, isDockerContainer, isDockerNetwork } from "./parsers/docker.js";
import { hcsConfig, isHcsConfig } from "./parsers/hcs.js";
import { looksLikeHnsdiag, parseHnsdiag } from "./parsers/hnsdiag.js";
import { looksLikeIpconfig, parseIpconfig } from "./parsers/ipconfig.js";
import { looksLikeVfpctrl, parseVfpctrl } from "./parsers/vfpctrl.js";
import { isNatMappingRow, isNetAdapterRow, isNetIpAddressRow, isVmNetAdapterRow, natMapping, netAdapter, netIpAddress, vmNetAdapter } from "./parsers/netadapter.js";
import { isVmSwitchRow, vmSwitch } from "./parsers/vmswitch.js";

/** Unwraps PowerShell / HNS JSON envelopes into a list of objects. */
function objectsOf(v: unknown, depth = 0): Obj[] {
  if (depth > 4) return [];
  if (Array.isArray(v)) return v.flatMap((x) => objectsOf(x, depth + 1));
  if (!isObj(v)) return [];
  // Raw HNS response: {Success, Error, Output}.
  if ("Success" in v && "Output" in v) return objectsOf(v.Output, depth + 1);
  // PowerShell 5 ConvertTo-Json of a decorated array: {value: [...], Count: n}.
  if (Array.isArray(v.value) && "Count" in v && Object.keys(v).length <= 3) return objectsOf(v.value, depth + 1);
  return [v];
}

/** Routes one object (from JSON, a list block or a table row) to its record list. Returns its format or null. */
function routeObject(o: Obj, r: HostRecords, fromList: boolean): SourceFormat | null {
  if (!fromList) {
    if (isDockerNetwork(o)) {
      r.dockerNetworks.push(dockerNetwork(o));
      return "docker-network-inspect";
    }
    if (isDockerContainer(o)) {
      r.dockerContainers.push(dockerContainer(o));
      return "docker-inspect";
    }
  }
  if (isHcsConfig(o)) {
    const c = hcsConfig(o);
    if (c) r.hcsContainers.push(c);
    return c ? "hcs-config" : null;
  }
  const kind = classifyHns(o);
  if (!kind) return null;
  const v1: SourceFormat = fromList ? "hns-v1-list" : "hns-v1-json";
  switch (kind) {
    case "v1-network":
      r.hnsNetworks.push(hnsNetworkV1(o));
      return v1;
    case "v1-endpoint":
      r.hnsEndpoints.push(hnsEndpointV1(o));
      return v1;
    case "v1-namespace":
      r.hnsNamespaces.push(hnsNamespaceV1(o));
      return v1;
    case "v1-policylist":
      r.hnsLoadBalancers.push(hnsPolicyListV1(o));
      return v1;
    case "v2-network":
      r.hnsNetworks.push(hcnNetwork(o));
      return "hcn-v2-json";
    case "v2-endpoint":
      r.hnsEndpoints.push(hcnEndpoint(o));
      return "hcn-v2-json";
    case "v2-namespace":
      r.hnsNamespaces.push(hcnNamespace(o));
      return "hcn-v2-json";
    case "v2-loadbalancer":
      r.hnsLoadBalancers.push(hcnLoadBalancer(o));
      return "hcn-v2-json";
  }
}

/** Routes a table row / list block (raw strings) to the adapter/switch parsers or, failing that, the HNS ones. */
function routeRow(row: Record<string, string>, r: HostRecords, table: boolean): SourceFormat | null {
  if (isVmSwitchRow(row)) {
    const s = vmSwitch(row);
    if (s) r.vmSwitches.push(s);
    return s ? "vmswitch" : null;
  }
  if (isVmNetAdapterRow(row)) {
    const a = vmNetAdapter(row);
    if (a) r.vmNetAdapters.push(a);
    return a ? "vmnetworkadapter" : null;
  }
  if (isNetAdapterRow(row)) {
    const a = netAdapter(row);
    if (a) r.netAdapters.push(a);
    return a ? "netadapter" : null;
  }
  if (isNatMappingRow(row)) {
    const m = natMapping(row);
    if (m) r.natMappings.push(m);
    return m ? "netnatstaticmapping" : null;
  }
  if (isNetIpAddressRow(row)) {
    const a = netIpAddress(row);
    if (a) r.netIpAddresses.push(a);
    return a ? "netipaddress" : null;
  }
  const o = listBlockToObject(row);
  if (table) {
    // collectlogs.ps1 `Select` tables.
    if (hasKeys(row, "Name", "Type", "Id") || hasKeys(row, "Name", "Type", "ID")) {
      r.hnsNetworks.push(hnsNetworkV1(o, "table"));
      return "hns-table";
    }
    if (hasKeys(row, "IpAddress", "MacAddress") && (hasKeys(row, "IsRemoteEndpoint") || hasKeys(row, "State"))) {
      r.hnsEndpoints.push(hnsEndpointV1(o, "table"));
      return "hns-table";
    }
    if (hasKeys(row, "ID", "CompartmentID") || hasKeys(row, "Id", "CompartmentId")) {
      r.hnsNamespaces.push(hnsNamespaceV1(o, "table"));
      return "hns-table";
    }
    return null;
  }
  return routeObject(o, r, true);
}

/** Parses one text (a file's decoded content). `name` labels the source in notes. Never throws. */
export function parseHostText(text: string, name = "<text>"): ParsedSource {
  try {
    return parseUnsafe(text, name);
  } catch (e) {
    return { path: name, formats: [], records: emptyRecords(), notes: [`${name}: internal error while parsing: ${(e as Error).message}`], skipped: "could not be parsed" };
  }
}

function parseUnsafe(text: string, name: string): ParsedSource {
  const records = emptyRecords();
  const formats = new Set<SourceFormat>();
  const notes: string[] = [];
  const src: ParsedSource = { path: name, formats: [], records, notes };
  if (text.trim() === "") {
    src.skipped = "empty";
    return src;
  }
  if (looksBinary(text)) {
    src.skipped = "binary, not a text host-state file";
    return src;
  }
  const lines = splitLines(text);
  const used: boolean[] = new Array<boolean>(lines.length).fill(false);

  // 1. JSON documents.
  const { blocks, notes: jsonNotes } = findJsonBlocks(lines, used);
  for (const n of jsonNotes) notes.push(`${name}: ${n}`);
  let unknownJson = 0;
  for (const b of blocks) {
    for (const o of objectsOf(deepenPs(b.value))) {
      const f = routeObject(o, records, false);
      if (f) formats.add(f);
      else unknownJson++;
    }
  }
  if (unknownJson > 0) notes.push(`${name}: ${unknownJson} JSON object(s) of no known kind ignored`);

  // 2. ipconfig.
  if (looksLikeIpconfig(lines)) {
    const adapters = parseIpconfig(lines, used);
    if (adapters.length) {
      records.ipAdapters.push(...adapters);
      formats.add("ipconfig");
    }
  }

  // 3. hnsdiag.
  if (looksLikeHnsdiag(lines)) {
    const d = parseHnsdiag(lines, used);
    records.hnsNetworks.push(...d.networks);
    records.hnsEndpoints.push(...d.endpoints);
    records.hnsNamespaces.push(...d.namespaces);
    records.hnsLoadBalancers.push(...d.loadBalancers);
    if (d.networks.length + d.endpoints.length + d.namespaces.length + d.loadBalancers.length > 0) formats.add("hnsdiag");
  }

  // 4. vfpctrl.
  if (looksLikeVfpctrl(lines)) {
    const ports = parseVfpctrl(lines, used);
    if (ports.length) {
      records.vfpPorts.push(...ports);
      formats.add("vfpctrl");
    }
  }

  // 5. Format-Table output.
  for (const t of findDashTables(lines, used)) {
    let known = 0;
    for (const row of t.rows) {
      const f = routeRow(row, records, true);
      if (f) {
        formats.add(f);
        known++;
      }
    }
    if (known === 0 && t.rows.length > 0) notes.push(`${name}: table (${t.headers.join(", ")}) at line ${t.startLine + 1} not used`);
  }

  // 6. docker ps.
  for (let i = 0; i < lines.length; i++) {
    if (!used[i] && /^CONTAINER ID\s{2,}IMAGE\s/.test(lines[i])) {
      const t = parseSpacedTable(lines, i);
      const cs = dockerPs(t);
      if (cs.length) {
        records.dockerContainers.push(...cs);
        formats.add("docker-ps");
      }
      for (let k = t.startLine; k <= t.endLine; k++) used[k] = true;
    }
  }

  // 7. Format-List blocks.
  let unknownBlocks = 0;
  for (const b of findListBlocks(lines, used)) {
    const f = routeRow(b.props, records, false);
    if (f) formats.add(f);
    else unknownBlocks++;
  }
  if (unknownBlocks > 0 && recordCount(records) > 0) notes.push(`${name}: ${unknownBlocks} list block(s) of no known kind ignored`);

  src.formats = [...formats];
  if (recordCount(records) === 0) {
    src.skipped = blocks.length > 0 ? "JSON with no known host-state objects" : jsonNotes.length > 0 ? "truncated JSON with nothing usable" : "no recognised host-state content";
  }
  return src;
}
