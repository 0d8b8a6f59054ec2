// The pictures and the tree: DOT that Graphviz accepts (checked with `dot` when installed, by structure always),
// SVG that is well-formed XML and shows every node's label, deterministic output, and the text tree's shape.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { bundledScenarios, loadScenario, runLab } from "../../src/lab/lab.js";
import { readInventory } from "../../src/inventory/mod.js";
import { readTopology, renderTopologyText, topologyDot, topologyGraph, topologySvg } from "../../src/topology/mod.js";
import type { Topology } from "../../src/topology/mod.js";
import { etlSamples, sample } from "../helpers/samples.js";

const dir = mkdtempSync(join(tmpdir(), "wnvtrace-toporender-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

/** Topologies to draw: every bundled scenario (netsh with host state, pktmon without) and the real samples. */
function topologies(): { name: string; t: Topology }[] {
  const out: { name: string; t: Topology }[] = [];
  for (const name of bundledScenarios()) {
    const o = join(dir, name);
    const r = runLab(loadScenario(name), { outDir: o, flavor: "both" });
    out.push({ name: `${name}.netsh+host`, t: readTopology(r.files.netsh!, { inventory: readInventory(join(o, "host")) }) });
    out.push({ name: `${name}.pktmon`, t: readTopology(r.files.pktmon!) });
  }
  for (const s of etlSamples()) out.push({ name: s, t: readTopology(sample(s)!) });
  return out;
}
const all = topologies();

// ---------------------------------------------------------------------------------------------------------------
// A small XML well-formedness checker (elements nest, attributes are quoted and unique, entities are known).

function checkXml(s: string): { root: string; elements: number } {
  let i = 0;
  const stack: string[] = [];
  let root = "";
  let elements = 0;
  const fail = (why: string): never => assert.fail(`XML: ${why} at ${i}: ${JSON.stringify(s.slice(Math.max(0, i - 40), i + 40))}`);
  const text = (t: string): void => {
    for (const m of t.matchAll(/&([^;\s]*);?/g)) {
      if (!/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/.test(m[0])) fail(`bad entity ${m[0]}`);
    }
    if (t.includes("<")) fail("stray <");
  };
  if (s.startsWith("<?xml")) {
    i = s.indexOf("?>") + 2;
    if (i < 2) fail("unterminated declaration");
  }
  while (i < s.length) {
    const lt = s.indexOf("<", i);
    const chunk = lt < 0 ? s.slice(i) : s.slice(i, lt);
    text(chunk);
    if (stack.length === 0 && chunk.trim() !== "") fail("text outside the root");
    if (lt < 0) break;
    i = lt;
    if (s.startsWith("<!--", i)) {
      const e = s.indexOf("-->", i);
      if (e < 0) fail("unterminated comment");
      i = e + 3;
      continue;
    }
    const gt = s.indexOf(">", i);
    if (gt < 0) fail("unterminated tag");
    const tag = s.slice(i + 1, gt);
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) fail(`mismatched </${name}>`);
    } else {
      const self = tag.endsWith("/");
      const body = self ? tag.slice(0, -1) : tag;
      const m = /^([A-Za-z_][\w:.-]*)(.*)$/s.exec(body);
      if (!m) fail(`bad tag <${tag}>`);
      const [, name, attrs] = m!;
      const seen = new Set<string>();
      const rest = attrs.replace(/\s+([A-Za-z_][\w:.-]*)\s*=\s*("[^"<]*"|'[^'<]*')/g, (_x, a: string, v: string) => {
        if (seen.has(a)) fail(`duplicate attribute ${a}`);
        seen.add(a);
        text(v.slice(1, -1));
        return "";
      });
      if (rest.trim() !== "") fail(`bad attributes in <${name}>: ${rest}`);
      if (stack.length === 0) {
        if (root) fail("two roots");
        root = name;
      }
      elements++;
      if (!self) stack.push(name);
    }
    i = gt + 1;
  }
  if (stack.length) fail(`unclosed ${stack.join(" > ")}`);
  return { root, elements };
}

const xmlEscape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

test("the XML checker itself rejects what it should", () => {
  assert.throws(() => checkXml("<a><b></a></b>"));
  assert.throws(() => checkXml('<a x="1" x="2"/>'));
  assert.throws(() => checkXml("<a>&nbsp;</a>"));
  assert.throws(() => checkXml("<a x=1/>"));
  assert.throws(() => checkXml("<a/><b/>"));
  assert.deepEqual(checkXml('<?xml version="1.0"?>\n<a x="&amp;"><b/>t &lt; u</a>\n'), { root: "a", elements: 2 });
});

test("SVG: well-formed XML, every node's label and details in it, deterministic", () => {
  assert.ok(all.length > 0);
  for (const { name, t } of all) {
    const svg = topologySvg(t);
    const { root } = checkXml(svg);
    assert.equal(root, "svg", name);
    assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/, name);
    const g = topologyGraph(t);
    for (const n of g.nodes) {
      assert.ok(svg.includes(`<title>${xmlEscape([n.label, ...n.details].join("\n"))}</title>`), `${name}: node ${n.id} "${n.label}"`);
      const shown = n.label.length <= 33 ? n.label : n.label.slice(0, 32) + "…";
      assert.ok(svg.includes(`>${xmlEscape(shown)}</text>`), `${name}: label text of ${n.id}`);
    }
    for (const gr of g.groups) assert.ok(svg.includes(xmlEscape(gr.label.slice(0, 40))), `${name}: group ${gr.label}`);
    assert.equal(topologySvg(t), svg, `${name}: same bytes twice`);
    assert.doesNotMatch(svg, /NaN|undefined|Infinity/, name);
  }
});

test("DOT: balanced, every edge between declared nodes, one cluster per switch; Graphviz accepts it when installed", () => {
  const hasDot = spawnSync("dot", ["-V"], { encoding: "utf8" }).status === 0;
  for (const { name, t } of all) {
    const dot = topologyDot(t);
    assert.match(dot, /^digraph topology \{\n/, name);
    assert.match(dot, /\n\}\n$/, name);
    // Braces balance outside quoted strings.
    const bare = dot.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    assert.equal((bare.match(/\{/g) ?? []).length, (bare.match(/\}/g) ?? []).length, name);
    const declared = new Set([...bare.matchAll(/^\s+(\w+) \[label=/gm)].map((m) => m[1]));
    const g = topologyGraph(t);
    assert.equal(declared.size, g.nodes.length, `${name}: nodes`);
    for (const m of bare.matchAll(/^\s+(\w+) -> (\w+)/gm)) {
      assert.ok(declared.has(m[1]) && declared.has(m[2]), `${name}: edge ${m[1]} -> ${m[2]}`);
    }
    assert.equal((bare.match(/subgraph cluster_s\d+ \{/g) ?? []).length, t.switches.length, `${name}: clusters`);
    for (const n of g.nodes) assert.ok(dot.includes(`label="${n.label.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}`), `${name}: label ${n.label}`);
    assert.equal(topologyDot(t), dot);
    if (hasDot) {
      const r = spawnSync("dot", ["-Tsvg"], { input: dot, encoding: "utf8" });
      assert.equal(r.status, 0, `${name}: dot says ${r.stderr}`);
      assert.equal(r.stderr, "", `${name}: dot warns ${r.stderr}`);
    }
  }
});

test("nodes are coloured by network driver", () => {
  const nat = all.find((x) => x.name === "seed-nat.netsh+host")!.t;
  const g = topologyGraph(nat);
  const ct = g.nodes.filter((n) => n.kind === "container");
  assert.equal(ct.length, 2);
  assert.ok(ct.every((n) => n.color === "#cfe2f3" && n.network === "try-nat"));
  assert.deepEqual(g.legend, [{ label: "try-nat (nat)", color: "#cfe2f3" }]);
  const l2 = topologyGraph(all.find((x) => x.name === "l2bridge.netsh+host")!.t);
  assert.ok(l2.nodes.filter((n) => n.kind === "container").every((n) => n.color === "#fff2cc"));
  const dot = topologyDot(nat);
  assert.match(dot, /s0p\dc \[label="wcow1\\nid 9397c9e33cf6\\ncompartment 3\\nendpoint e4126fdd-0dae-4dec-a858-9d4f4d2a43ca", shape=box, style="rounded,filled,bold", fillcolor="#cfe2f3"\];/);
});

test("text: switch → ports → NIC → owner, then the lists", () => {
  const t = all.find((x) => x.name === "seed-nat.netsh+host")!.t;
  const text = renderTopologyText(t);
  const lines = text.split("\n");
  const sw = lines.findIndex((l) => l.startsWith("vSwitch try-nat  {9D32A887-5D69-45BA-AE42-A534F765F7C2}  Internal  ifIndex 10"));
  assert.ok(sw >= 0, text);
  assert.match(lines[sw], /network try-nat \(nat\) \[matched by switch-id 9D32A887-5D69-45BA-AE42-A534F765F7C2, high\]$/);
  const wcow1 = lines.findIndex((l) => l.includes('"Dynamic Ethernet Switch Port"  {DA9246C3-F7E5-45CE-AC1E-CCD8FDF61B30}  container vNIC'));
  assert.ok(wcow1 > sw);
  assert.match(lines[wcow1 + 1], /NIC "9397c9e33cf650e" {2}\{8812232C-2DD5-47DA-A87A-775C5C0273ED\} {2}type Synthetic {2}MAC 00-15-5D-2F-00-11 {2}IP 172\.18\.5\.2/);
  assert.match(lines[wcow1 + 2], /= container wcow1 \(try-nat\) {2}compartment 3 {2}endpoint e4126fdd-0dae-4dec-a858-9d4f4d2a43ca {2}\[matched by mac 00-15-5D-2F-00-11, high\]/);
  for (const h of ["Networks (1)", "Containers (2)", "Host vNICs (1)", "External NICs (1)", "Trace names ("]) assert.ok(lines.some((l) => l.startsWith(h)), h);
  assert.ok(lines.includes("  9397c9e33cf650e → NIC of container wcow1 on switch try-nat"));
});

test("JSON: plain data, the same twice", () => {
  for (const { name, t } of all.slice(0, 6)) {
    const j = JSON.stringify(t);
    assert.deepEqual(JSON.parse(j), JSON.parse(JSON.stringify(t)), name);
    if (!t.inventory) assert.equal(JSON.stringify(readTopology(t.file!)), j, `${name}: deterministic`);
  }
});
