/**
 * Names for what a trace shows, from a topology: a vSwitch NIC (name or friendly name), a port, a MAC, an IP, a
 * pktmon component or an interface index → { label, container?, network? }. For the journeys stage, which names
 * each hop of a packet.
 *
 *   const n = namer(topology);
 *   n.nic("8812232C-…", "9397c9e33cf650e", "try-nat")  // → { label: "wcow1 (try-nat)", container: "wcow1", network: "try-nat", … }
 *   n.component(104); n.mac("00:15:5d:2f:00:11"); n.name("vEthernet (nat)")
 */
import { macKey, normIp } from "../inventory/mod.js";
import { portLabel } from "./summary.js";
import type { TopoNic, TopoPort, TopoSwitch, Topology } from "./types.js";

export interface Named {
  /** "wcow1 (try-nat)", "host vNIC Ethernet", "vSwitch try-nat". */
  label: string;
  /** "switch", "container-vnic", "host-vnic", "external", "vm", "unknown", or an adapter kind. */
  kind: string;
  container?: string;
  network?: string;
  /** The switch the name is on. */
  switch?: string;
  /** True when several objects carry the name and no switch narrowed it. */
  ambiguous?: boolean;
}

export interface Namer {
  /** Any trace name: NIC or port GUID, NIC/port friendly name, switch name, MAC (any spelling), IP, adapter description. */
  name(s: string, ctx?: { switch?: string }): Named | null;
  /** A vSwitch NIC as events name it (NIC name and/or friendly name), optionally on a switch. */
  nic(nicName?: string, friendlyName?: string, switchName?: string): Named | null;
  mac(m: string): Named | null;
  ip(ip: string): Named | null;
  component(id: number): Named | null;
  ifIndex(i: number): Named | null;
  switch(nameOrId: string): Named | null;
}

const lc = (s: string): string => s.trim().replace(/^\{(.*)\}$/, "$1").toLowerCase();

export function namer(t: Topology): Namer {
  const index = new Map<string, Named[]>();
  const put = (key: string | undefined, n: Named): void => {
    if (!key) return;
    const k = lc(key);
    const list = index.get(k);
    if (!list) index.set(k, [n]);
    else if (!list.some((x) => x.label === n.label && x.switch === n.switch)) list.push(n);
  };
  const ofSwitch = (sw: TopoSwitch): Named => {
    const n: Named = { label: `vSwitch ${sw.name}`, kind: "switch", switch: sw.name };
    if (sw.network) n.network = sw.network.name;
    return n;
  };
  const ofPort = (sw: TopoSwitch, p: TopoPort): Named => {
    const n: Named = { label: p.owner && (p.owner.kind === "container" || p.owner.kind === "endpoint") ? p.owner.label : portLabel(p), kind: p.kind, switch: sw.name };
    const c = p.owner?.container;
    if (c) n.container = c;
    const net = p.owner?.network ?? sw.network?.name ?? sw.friendlyName;
    if (net) n.network = net;
    return n;
  };
  const ofNic = (a: TopoNic): Named => {
    const port = a.port ? t.switches.find((s) => s.name === a.port!.switch) : undefined;
    if (port) return ofPort(port, port.ports[a.port!.index]);
    const n: Named = { label: a.owner?.label ?? a.name, kind: a.kind };
    if (a.owner?.container) n.container = a.owner.container;
    if (a.owner?.network) n.network = a.owner.network;
    return n;
  };
  for (const sw of t.switches) {
    const n = ofSwitch(sw);
    put(sw.id, n);
    put(sw.friendlyName, n);
    put(sw.name, n);
    put(`sw:${sw.id ?? ""}`, n);
    put(`sw:${sw.friendlyName ?? sw.name}`, n);
    if (sw.ifIndex !== undefined) put(`if:${sw.ifIndex}`, n);
    for (const c of sw.components) put(`comp:${c}`, n);
    for (const p of sw.ports) {
      const pn = ofPort(sw, p);
      put(p.port, pn);
      put(p.nic, pn);
      put(p.nicFriendlyName, pn);
      if (p.portFriendlyName && !/^(Dynamic Ethernet Switch Port|ExternalPort)$/i.test(p.portFriendlyName)) put(p.portFriendlyName, pn);
      put(p.adapter, pn);
      const k = p.mirrors ? null : macKey(p.mac);
      if (k) put(`mac:${k}`, pn);
      for (const ip of p.ips) put(`ip:${normIp(ip) ?? ip}`, pn);
      if (p.component !== undefined) put(`comp:${p.component}`, pn);
      if (p.owner) put(p.owner.label, pn);
    }
  }
  for (const a of t.nics) {
    if (a.kind === "switch-adapter") continue;
    const n = ofNic(a);
    if (a.ifIndex !== undefined) put(`if:${a.ifIndex}`, n);
    if (!/^ifIndex \d+$/.test(a.name)) put(a.name, n);
    const k = macKey(a.mac);
    if (k && !index.has(`mac:${k}`)) put(`mac:${k}`, n);
    for (const ip of a.ips) if (!index.has(`ip:${normIp(ip) ?? ip}`)) put(`ip:${normIp(ip) ?? ip}`, n);
    for (const c of a.components) put(`comp:${c}`, n);
    if (a.owner) put(a.owner.label, n);
  }

  const pick = (key: string, sw?: string): Named | null => {
    const list = index.get(lc(key));
    if (!list?.length) return null;
    let pool = list;
    if (sw && list.length > 1) {
      const s = lc(sw);
      const swObj = t.switches.find((x) => lc(x.name) === s || (x.id && lc(x.id) === s) || (x.friendlyName && lc(x.friendlyName) === s));
      const on = list.filter((x) => x.switch !== undefined && (lc(x.switch) === s || (swObj && x.switch === swObj.name)));
      if (on.length) pool = on;
    }
    return pool.length > 1 ? { ...pool[0], ambiguous: true } : pool[0];
  };

  const api: Namer = {
    name(s, ctx = {}) {
      const q = s.trim();
      if (!q) return null;
      const k = macKey(q);
      if (k) {
        const r = pick(`mac:${k}`, ctx.switch);
        if (r || !/^[0-9a-f]{12}$/i.test(q)) return r;
      }
      const ip = normIp(q);
      if (ip) return pick(`ip:${ip}`, ctx.switch);
      return pick(q, ctx.switch);
    },
    nic(nicName, friendlyName, switchName) {
      return (nicName ? pick(nicName, switchName) : null) ?? (friendlyName ? pick(friendlyName, switchName) : null);
    },
    mac: (m) => {
      const k = macKey(m);
      return k ? pick(`mac:${k}`) : null;
    },
    ip: (s) => {
      const ip = normIp(s);
      return ip ? pick(`ip:${ip}`) : null;
    },
    component: (id) => pick(`comp:${id}`),
    ifIndex: (i) => pick(`if:${i}`),
    switch: (s) => pick(`sw:${s}`),
  };
  return api;
}
