// Dev only: builds a ReportData (src/web/api.ts) from a capture with the repo's own readers (dist/src/...) and
// writes a self-contained page (dist/web-dev/<name>.html) from the app bundle, so the UI can be developed and
// screenshotted without the server. Usage: node web/dev/make-fixture.mjs CAPTURE.etl [HOSTDIR] [--name N] [--repeat K]
// (--repeat copies the packet rows K times: a big table for scrolling tests).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { basename } from "node:path";
import { JourneyReader } from "../../dist/src/journeys/mod.js";
import { readTopology } from "../../dist/src/topology/mod.js";
import { readFlows } from "../../dist/src/flows/mod.js";
import { Dissection, newDissecter, summarize } from "../../dist/src/packets/mod.js";
import { readInventory } from "../../dist/src/inventory/mod.js";

const args = process.argv.slice(2);
const opt = (n, d) => { const i = args.indexOf(n); if (i < 0) return d; const v = args[i + 1]; args.splice(i, 2); return v; };
const name = opt("--name", undefined);
const repeat = Number(opt("--repeat", "1"));
const [file, hostDir] = args;
if (!file) { console.error("usage: make-fixture.mjs CAPTURE.etl [HOSTDIR]"); process.exit(2); }

let inventory;
if (hostDir) {
  inventory = readInventory(hostDir);
}

const hex = (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
const records = [];
const journeys = [];
const jr = new JourneyReader(file, { inventory, onPacket: (p) => records.push(p) });
for (const j of jr) journeys.push(j);
jr.close();
const topology = readTopology(file, { inventory });
const flows = readFlows(file, {});

const journeyOf = new Map();
const whereOf = new Map();
for (const j of journeys) for (const h of j.hops) if (h.packet) {
  journeyOf.set(h.packet, j.id);
  whereOf.set(h.packet, `${h.names?.label ?? h.where.nicFriendly ?? h.where.nic ?? h.where.componentName ?? "?"} ${h.where.direction}`);
}

const dis = newDissecter();
const d = new Dissection();
const t0 = records.length ? records[0].ticks : 0;
const addr = (d) => {
  const s = summarize(d);
  const m = /: (\S+?)(?:\.\d+)? > (\S+?)(?:\.\d+)?:/.exec(s);
  return m ? [m[1], m[2]] : ["", ""];
};
const protoName = (d) => { const t = dis.tables.byProto[d.proto[d.n - 1] === 16 && d.n > 1 ? d.proto[d.n - 2] : d.proto[d.n - 1]]; return t ? t.abbrev.toUpperCase() : "?"; };
const rows = [];
const recs = [];
const chunks = [];
const offsets = [0];
let off = 0;
for (let k = 0; k < repeat; k++) for (const p of records) {
  dis.run(d, p.bytes, p.originalLength, p.linkType);
  const s = summarize(d);
  const [src, dst] = addr(d);
  const no = rows.length + 1;
  const drop = p.pktmon?.drop ? (p.pktmon.dropReasonName ?? String(p.pktmon.dropReason)) : undefined;
  const where = whereOf.get(p.number) ?? (p.pktmon ? `${p.pktmon.componentName ?? p.pktmon.componentId} ${p.pktmon.dirName}` : p.vmswitch ? `vNIC ${p.vmswitch.sourceNicType} ${p.vmswitch.sourcePortName}` : `if ${p.ndis?.lowerIfIndex} ${p.direction}`);
  rows.push({ no, time: (p.ticks - t0) / 1e7 + k * 0.001, src, dst, protocol: protoName(d), length: p.originalLength, where, info: s.replace(/^.*?length \d+: /, ""), ...(drop ? { drop } : {}), ...(k === 0 && journeyOf.has(p.number) ? { journey: journeyOf.get(p.number) } : {}) });
  const { bytes: _b, event: _e, ...rest } = p;
  recs.push({ ...rest, number: no });
  chunks.push(Buffer.from(p.bytes));
  off += p.bytes.length;
  offsets.push(off);
}

const jview = journeys.map((j) => ({ ...j, hops: j.hops.map((h) => ({ ...h, frame: h.frame ? { hex: hex(h.frame.bytes), length: h.frame.length, linkType: h.frame.linkType, summary: h.frame.summary } : undefined })) }));

// Topology graph: containers → vNIC ports → switches → host vNIC / external NICs.
const nodes = [];
const edges = [];
const nid = new Set();
const add = (n) => { if (!nid.has(n.id)) { nid.add(n.id); nodes.push(n); } };
topology.switches.forEach((sw, si) => {
  const swId = `switch:${si}`;
  add({ id: swId, label: `vSwitch ${sw.name}`, kind: "switch", network: sw.network?.name ?? sw.name, driver: sw.network?.driver });
  sw.ports.forEach((p, pi) => {
    const label = p.owner?.label ?? p.nicFriendlyName ?? p.portFriendlyName ?? p.nic ?? `port ${pi}`;
    const id = `port:${si}:${pi}`;
    const kind = p.kind === "container-vnic" ? "container" : p.kind === "host-vnic" ? "host-vnic" : p.kind === "external" ? "external-nic" : "nic";
    const ip = p.ips[0];
    add({ id, label, kind, network: sw.network?.name ?? sw.name, driver: sw.network?.driver, ...(ip ? { filter: `ip.addr == ${ip}` } : p.mac ? { filter: `eth.addr == ${p.mac.replace(/-/g, ":").toLowerCase()}` } : {}) });
    edges.push({ source: id, target: swId, label: p.portId !== undefined ? `port ${p.portId}` : undefined });
  });
});
const ext = new Set();
for (const f of flows.flows) for (const e of [f.a, f.b]) if (!e.label && !ext.has(e.ip) && ext.size < 4 && !/^172\.|^10\.0\.0\./.test(e.ip)) {
  ext.add(e.ip);
  add({ id: `remote:${e.ip}`, label: e.ip, kind: "remote", filter: `ip.addr == ${e.ip}` });
  const hv = nodes.find((n) => n.kind === "external-nic") ?? nodes.find((n) => n.kind === "host-vnic");
  if (hv) edges.push({ source: hv.id, target: `remote:${e.ip}` });
}

// Timeline: packets per bin per where.
const span = records.length ? (records[records.length - 1].ticks - t0) / 1e7 : 0;
const binSeconds = span > 0 ? Math.max(0.001, span / 60) : 1;
const series = new Map();
const nb = Math.max(1, Math.ceil(span / binSeconds) + 1);
for (const p of records) {
  const w = whereOf.get(p.number) ?? "other";
  const key = w.replace(/ (Ingress|Egress|in|out|Rx|Tx)$/, "");
  if (!series.has(key)) series.set(key, new Array(nb).fill(0));
  series.get(key)[Math.floor((p.ticks - t0) / 1e7 / binSeconds)]++;
}

// Findings: one per drop reason (the findings stage does not exist yet).
const drops = new Map();
for (const j of journeys) if (j.fate.kind === "dropped") {
  const k = `${j.fate.reasonName} at ${j.fate.location}`;
  if (!drops.has(k)) drops.set(k, []);
  drops.get(k).push(j);
}
const findings = [...drops].map(([k, js], i) => ({
  rank: i + 1, code: "drop", severity: "critical", title: `${js.length} packet${js.length > 1 ? "s" : ""} dropped: ${k}`,
  explanation: js[0].fate.explanation ?? "", count: js.length, unit: "packets", subject: { reason: js[0].fate.reasonName },
  evidence: { packets: js.flatMap((j) => j.hops.map((h) => h.packet).filter(Boolean)).slice(0, 8), journeys: js.map((j) => j.id), hops: [], flows: [], events: [], more: 0 },
  next: ["Get-VMNetworkAdapter -All | fl MacAddressSpoofing", `wnvtrace follow FILE --journey ${js[0].id}`],
  firstTicks: js[0].startTicks, lastTicks: js[js.length - 1].endTicks,
}));
findings.push({ rank: findings.length + 1, code: "capture-truncated", severity: "info", title: "Some packets were captured truncated", explanation: "The capture kept only the first bytes of some packets.", count: 3, unit: "packets", subject: {}, evidence: { packets: [1, 2], journeys: [], hops: [], flows: [1], events: [], more: 1 }, next: ["pktmon start --capture --pkt-size 0"], firstTicks: 0, lastTicks: 0 });
const summary = { critical: 0, error: 0, warning: 0, info: 0 };
for (const f of findings) summary[f.severity]++;

const st = readFileSync(file);
const overview = {
  file: basename(file), fileBytes: st.length, flavours: [...new Set(journeys.map((j) => j.flavor))],
  start: journeys[0]?.hops[0]?.time ?? "", end: journeys.at(-1)?.hops.at(-1)?.time ?? "", duration: span,
  hostName: "LAB-HOST", osBuild: "10.0.20348",
  providers: [{ name: "Microsoft-Windows-Hyper-V-VmSwitch", guid: "67dc0d66-3695-47c0-9642-33f76f7bd7ad", events: 1234 }, { name: "Microsoft-Windows-NDIS-PacketCapture", guid: "2ed6006e-4729-4609-b423-3ee7bcd678ef", events: records.length }],
  events: 1234 + records.length, packets: rows.length, drops: rows.filter((r) => r.drop).length + journeys.filter((j) => j.fate.kind === "dropped").length,
  journeys: journeys.length, flows: flows.flows.length, findings: summary, notes: repeat > 1 ? [`packet rows repeated ${repeat}× for testing`] : [],
};
const data = {
  overview, topology: { topology, graph: { nodes, edges } }, flows, findings: { findings, summary, checks: { ran: ["drop"], skipped: [] } },
  timeline: { startTicks: t0, binSeconds, series: [...series].map(([where, counts]) => ({ where, counts })) },
  journeys: jview,
  packets: { rows, records: recs, bytes: Buffer.concat(chunks).toString("base64"), offsets, total: rows.length },
};
const tpl = readFileSync("dist/web/index.html", "utf8");
const css = readFileSync("dist/web/app.css", "utf8");
const js = readFileSync("dist/web/app.js", "utf8");
const json = JSON.stringify(data).replace(/</g, "\\u003c");
const html = tpl
  .replace("<!--WNV:CSS-->", () => `<style>${css}</style>`)
  .replace("<!--WNV:DATA-->", () => `<script type="application/json" id="wnv-data">${json}</script>`)
  .replace("<!--WNV:JS-->", () => `<script>${js}</script>`);
mkdirSync("dist/web-dev", { recursive: true });
const out = `dist/web-dev/${name ?? basename(file).replace(/\.etl$/, "")}.html`;
writeFileSync(out, html);
writeFileSync(out.replace(/\.html$/, ".json"), JSON.stringify(data));
console.log(`${out}: ${rows.length} packets, ${journeys.length} journeys, ${flows.flows.length} flows, ${(html.length / 1024).toFixed(0)} KiB`);
