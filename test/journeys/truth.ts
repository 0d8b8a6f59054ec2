/**
 * Comparing journeys with the lab's ground truth (src/lab/truth.ts schema). A journey is matched to the truth
 * packet whose first captured hop has the same time and CPU; then hops (count, order, kind, switch/NIC/ifIndex or
 * pktmon component/direction/appearance, frame bytes), rewrites (hop, by, field, from, to), fate and drop reason
 * must agree. Returns a list of differences (empty when all agree) so a failing test says what and where.
 */
import type { Journey } from "../../src/journeys/mod.js";

export interface TruthPortRef {
  kind: string;
  nic: string;
  nicFriendlyName: string;
  port: string;
  owner: string;
}

export interface TruthHop {
  index: number;
  kind: string;
  ticks: number;
  cpu: number;
  frame: string;
  switch?: { name: string; friendlyName: string };
  from?: TruthPortRef;
  to?: TruthPortRef;
  nic?: { name: string; kind: string; ifIndex: number; mac: string };
  nbl?: string;
  vlan?: number;
  drop?: { reason: number; reasonName: string; by: string; side: string };
  events: { netsh: number[]; pktmon: number[] };
  pktmon?: { component: number; componentName: string; direction: string; appearance: number };
}

export interface TruthPacket {
  id: number;
  description: string;
  hops: TruthHop[];
  rewrites: { hop: number; by: string; field: string; from: string; to: string }[];
  fate: { kind: string; reason?: number | null; reasonName?: string; by?: string };
}

export interface Truth {
  scenario: string;
  capture: { snaplen: number | null; lostEvents: { events: number; buffers: number } | null; netshProviders: string[] };
  topology: {
    switches: { name: string; friendlyName: string; networks: string[]; ports: TruthPortRef[] }[];
    networks: { name: string; driver: string }[];
    containers: { name: string; network: string; nic: string }[];
    pktmonComponents?: { id: number; type: number; name: string; description: string }[];
  };
  packets: TruthPacket[];
}

export type FlavorName = "netsh" | "pktmon";

/** The hops a flavour captures, in truth order. */
export function captured(p: TruthPacket, flavor: FlavorName): TruthHop[] {
  return p.hops.filter((h) => (flavor === "netsh" ? h.kind !== "winnat" && h.events.netsh.length > 0 : h.events.pktmon.length > 0));
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

/** The fate a capture can see: drops only when the drop left an event in this flavour; everything else ends delivered. */
export function visibleFate(p: TruthPacket, flavor: FlavorName): { kind: string; reason?: number } {
  const drop = captured(p, flavor).find((h) => h.kind === "drop");
  if (drop) return { kind: "dropped", reason: drop.drop!.reason };
  return { kind: "delivered" };
}

export function compare(truth: Truth, journeys: readonly Journey[], flavor: FlavorName): string[] {
  const diffs: string[] = [];
  const byStart = new Map<string, Journey>();
  for (const j of journeys) byStart.set(`${j.hops[0].ticks}/${j.hops[0].cpu}`, j);
  const used = new Set<Journey>();
  for (const p of truth.packets) {
    const th = captured(p, flavor);
    if (th.length === 0) continue;
    const tag = `${truth.scenario} ${flavor} #${p.id} (${p.description})`;
    const j = byStart.get(`${th[0].ticks}/${th[0].cpu}`);
    if (!j) {
      diffs.push(`${tag}: no journey starts at ${th[0].ticks} on CPU ${th[0].cpu}`);
      continue;
    }
    used.add(j);
    const hops = j.hops;
    if (hops.length !== th.length) diffs.push(`${tag}: ${hops.length} hops [${hops.map((h) => h.kind).join(" ")}], truth ${th.length} [${th.map((h) => h.kind).join(" ")}]`);
    const n = Math.min(hops.length, th.length);
    for (let i = 0; i < n; i++) {
      const h = hops[i];
      const t = th[i];
      const at = `${tag} hop ${i}`;
      if (h.kind !== t.kind) diffs.push(`${at}: kind ${h.kind}, truth ${t.kind}`);
      if (h.ticks !== t.ticks) diffs.push(`${at}: ticks ${h.ticks}, truth ${t.ticks}`);
      if (t.kind !== "drop" || flavor === "pktmon") {
        const want = t.frame;
        const got = h.frame ? hex(h.frame.bytes) : "(none)";
        if (t.kind !== "drop" && got !== want) diffs.push(`${at}: frame differs`);
      }
      if (flavor === "pktmon") {
        const tp = t.pktmon;
        if (!tp) diffs.push(`${at}: truth has no pktmon appearance`);
        else {
          if (h.where.component !== tp.component) diffs.push(`${at}: component ${h.where.component}, truth ${tp.component}`);
          if (h.where.direction !== tp.direction) diffs.push(`${at}: direction ${h.where.direction}, truth ${tp.direction}`);
          if (h.pktmon?.appearance !== tp.appearance) diffs.push(`${at}: appearance ${h.pktmon?.appearance}, truth ${tp.appearance}`);
        }
      } else {
        const w = h.where;
        switch (t.kind) {
          case "switch-in":
            if (w.switchName !== t.switch!.name) diffs.push(`${at}: switch ${w.switchName}, truth ${t.switch!.name}`);
            if (w.nic !== t.from!.nic) diffs.push(`${at}: NIC ${w.nic}, truth ${t.from!.nic}`);
            if (h.nbl !== t.nbl) diffs.push(`${at}: NBL ${h.nbl}, truth ${t.nbl}`);
            break;
          case "switch-out":
            if (w.switchName !== t.switch!.name) diffs.push(`${at}: switch ${w.switchName}, truth ${t.switch!.name}`);
            if (w.nic !== t.to!.nic) diffs.push(`${at}: to NIC ${w.nic}, truth ${t.to!.nic}`);
            if (w.fromNic !== t.from!.nic) diffs.push(`${at}: from NIC ${w.fromNic}, truth ${t.from!.nic}`);
            if (h.delivered !== true) diffs.push(`${at}: 58 (delivered) not attached`);
            if (!h.eventIds.includes(1003)) diffs.push(`${at}: 1003 not attached`);
            break;
          case "nic-send":
          case "nic-recv":
            if (w.ifIndex !== t.nic!.ifIndex) diffs.push(`${at}: ifIndex ${w.ifIndex}, truth ${t.nic!.ifIndex}`);
            break;
          case "drop": {
            const nic = t.drop!.side === "ingress" ? t.from!.nic : t.to!.nic;
            if (w.nic !== nic) diffs.push(`${at}: drop NIC ${w.nic}, truth ${nic}`);
            break;
          }
        }
        if (t.kind === "switch-in" && !h.eventIds.includes(1003)) diffs.push(`${at}: 1003 not attached`);
        if ((t.vlan ?? 0) !== (h.vlan ?? 0)) diffs.push(`${at}: VLAN ${h.vlan}, truth ${t.vlan}`);
      }
      if (t.kind === "drop") {
        if (h.drop?.reason !== t.drop!.reason) diffs.push(`${at}: drop reason ${h.drop?.reason}, truth ${t.drop!.reason}`);
        if (h.drop?.reasonName !== t.drop!.reasonName) diffs.push(`${at}: drop reason name ${h.drop?.reasonName}, truth ${t.drop!.reasonName}`);
      }
    }
    // Rewrites: the truth names the hop that first shows a change in the full hop list; map it to captured hops.
    const want = p.rewrites
      .map((r) => {
        const k = th.findIndex((h) => h.index >= r.hop);
        // A netsh drop event (54/55) carries no bytes: a rewrite first seen there is invisible to the capture.
        if (k < 0 || (flavor === "netsh" && th[k].kind === "drop")) return null;
        return `${k} ${r.by}: ${r.field} ${r.from} → ${r.to}`;
      })
      .filter((x): x is string => x !== null)
      .sort();
    // The truth does not model 802.1Q tagging as a rewrite (the lab test checks VLAN changes on their own).
    const got = j.rewrites.filter((r) => r.field !== "VLAN").map((r) => `${r.hop} ${r.by}: ${r.field} ${r.from} → ${r.to}`).sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) diffs.push(`${tag}: rewrites ${JSON.stringify(got)}, truth ${JSON.stringify(want)}`);
    const f = visibleFate(p, flavor);
    if (j.fate.kind !== f.kind) diffs.push(`${tag}: fate ${j.fate.kind}, truth (as the capture sees it) ${f.kind} (truth fate ${p.fate.kind})`);
    if (f.reason !== undefined && j.fate.reason !== f.reason) diffs.push(`${tag}: fate reason ${j.fate.reason}, truth ${f.reason}`);
  }
  for (const j of journeys) if (!used.has(j)) diffs.push(`${truth.scenario} ${flavor}: journey #${j.id} (${j.summary}, ${j.hops.length} hops) matches no truth packet`);
  return diffs;
}

/** With the host state: every hop carries names; hops at a container's port name the container and its network. */
export function compareNames(truth: Truth, journeys: readonly Journey[], flavor: FlavorName): string[] {
  const diffs: string[] = [];
  const byStart = new Map<string, Journey>();
  for (const j of journeys) byStart.set(`${j.hops[0].ticks}/${j.hops[0].cpu}`, j);
  const netOfSwitch = new Map(truth.topology.switches.map((s) => [s.name, s.networks]));
  for (const p of truth.packets) {
    const th = captured(p, flavor);
    if (th.length === 0) continue;
    const j = byStart.get(`${th[0].ticks}/${th[0].cpu}`);
    if (!j) continue;
    th.forEach((t, i) => {
      const h = j.hops[i];
      if (!h) return;
      const at = `${truth.scenario} ${flavor} #${p.id} hop ${i} (${t.kind})`;
      const nm = h.names;
      if (!nm) {
        diffs.push(`${at}: no names`);
        return;
      }
      if (nm.source !== "inventory") diffs.push(`${at}: names from ${nm.source}, not the host state (${nm.label})`);
      // The port the hop is at.
      const port = t.kind === "switch-in" ? t.from : t.kind === "switch-out" ? t.to : t.kind === "drop" ? (t.drop!.side === "ingress" ? t.from : t.to) : undefined;
      const nets = t.switch ? netOfSwitch.get(t.switch.name) ?? [] : [];
      if (flavor === "pktmon" && t.kind === "drop" && t.drop!.by === "VFP") {
        if (nets.length && !nets.includes(nm.network ?? "")) diffs.push(`${at}: network ${nm.network}, truth one of ${nets.join(", ")}`);
        return;
      }
      if (t.kind === "vfp") {
        if (nets.length && !nets.includes(nm.network ?? "")) diffs.push(`${at}: network ${nm.network}, truth one of ${nets.join(", ")}`);
        return;
      }
      if (port && port.kind === "container") {
        if (nm.container !== port.owner) diffs.push(`${at}: container ${nm.container} (${nm.label}), truth ${port.owner}`);
        const c = truth.topology.containers.find((x) => x.name === port.owner);
        if (c && nm.network !== c.network) diffs.push(`${at}: network ${nm.network}, truth ${c.network}`);
      } else if (port && port.kind === "host-vnic") {
        if (nm.label !== port.owner) diffs.push(`${at}: label ${nm.label}, truth ${port.owner}`);
        if (nets.length && !nets.includes(nm.network ?? "")) diffs.push(`${at}: network ${nm.network}, truth one of ${nets.join(", ")}`);
      } else if (port && port.kind === "external") {
        if (nm.label !== port.owner && nm.kind !== "external-nic") diffs.push(`${at}: external port named ${nm.label} (${nm.kind}), truth ${port.owner}`);
      } else if (t.nic) {
        if (nm.label !== t.nic.name) diffs.push(`${at}: label ${nm.label}, truth ${t.nic.name}`);
      }
    });
  }
  return diffs;
}
