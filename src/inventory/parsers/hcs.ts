/**
 * HCS v1 ContainerConfig JSON (what the docker daemon hands to vmcompute; seen in daemon debug logs and
 * `hcsdiag`): `Name` is the compute system id (= docker container id) and `EndpointList` the HNS endpoint ids.
 */
import type { HcsContainerRecord } from "../types.js";
import type { Obj } from "../text.js";
import { bool, normGuid, prop, str, strList } from "../text.js";

export function isHcsConfig(o: Obj): boolean {
  return prop(o, "SystemType") !== undefined && (prop(o, "EndpointList") !== undefined || prop(o, "Layers") !== undefined || prop(o, "HvPartition") !== undefined);
}

export function hcsConfig(o: Obj): HcsContainerRecord | null {
  const id = str(o, "Name", "Id", "ID");
  if (!id) return null;
  const rec: HcsContainerRecord = { id: id.toLowerCase(), endpointIds: [] };
  const host = str(o, "HostName");
  if (host) rec.hostName = host;
  const owner = str(o, "Owner");
  if (owner) rec.owner = owner;
  const hv = bool(o, "HvPartition");
  if (hv !== undefined) rec.hvPartition = hv;
  for (const e of strList(o, "EndpointList")) {
    const g = normGuid(e);
    if (g) rec.endpointIds.push(g);
  }
  return rec;
}
