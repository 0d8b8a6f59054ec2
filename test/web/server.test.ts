// `wnvtrace serve`'s HTTP side: status at once and 503 until loaded, the routes of src/web/api.ts with their
// JSON shapes, 400 + column for a bad filter, and nothing in a URL reaching the file system (raw paths with
// `..`, encoded variants, other methods, foreign Host headers). Plus the CLI: serve on port 0 prints its URL
// and stops on SIGINT; report writes one self-contained file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { readInventory } from "../../src/inventory/mod.js";
import { CaptureModel } from "../../src/web/model.js";
import { startWebServer } from "../../src/web/server.js";
import { readReportData } from "../../src/web/page.js";
import type { FilterError, LoadStatus, Overview, PacketDetail, PacketPage, JourneyView, TopologyView, Timeline } from "../../src/web/api.js";
import { assets, haveBundle, matchingPackets, seedNat } from "./fixtures.js";

const BIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET with the path sent exactly as given (fetch would normalise `..` away before sending). */
function raw(base: string, path: string, o: { method?: string; host?: string } = {}): Promise<Answer> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: o.method ?? "GET", headers: o.host ? { Host: o.host } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function getJson<T>(base: string, path: string): Promise<{ status: number; body: T }> {
  const a = await raw(base, path);
  return { status: a.status, body: JSON.parse(a.body) as T };
}

test("serve: status while loading, then every route of the API with its shape", async () => {
  const lab = seedNat();
  const model = new CaptureModel(lab.netsh, { inventory: readInventory(lab.host) });
  const web = await startWebServer(model, { port: 0, assets: assets() });
  try {
    assert.match(web.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const s0 = await getJson<LoadStatus>(web.url, "/api/status");
    assert.equal(s0.status, 200);
    assert.equal(s0.body.state, "loading");
    assert.equal(s0.body.total, model.fileBytes);
    const busy = await raw(web.url, "/api/overview");
    assert.equal(busy.status, 503);
    assert.match(JSON.parse(busy.body).error, /loading/);
    await model.load();
    const s1 = await getJson<LoadStatus>(web.url, "/api/status");
    assert.deepEqual(s1.body, { state: "ready", done: model.fileBytes, total: model.fileBytes, packets: 20 });

    const page = await raw(web.url, "/");
    assert.equal(page.status, 200);
    assert.match(String(page.headers["content-type"]), /text\/html/);
    assert.match(page.body, /<script src="app\/app\.js"><\/script>/);
    assert.match(page.body, /<link rel="stylesheet" href="app\/app\.css">/);
    assert.doesNotMatch(page.body, /WNV:/);
    assert.match(String(page.headers["content-security-policy"]), /default-src 'self'/);
    assert.equal((await raw(web.url, "/app/app.js")).status, 200);
    assert.equal((await raw(web.url, "/app/app.css")).status, 200);

    const ov = await getJson<Overview>(web.url, "/api/overview");
    assert.equal(ov.body.packets, 20);
    assert.equal(ov.body.journeys, 6);
    const icmp = matchingPackets(lab.netsh, "icmp");
    const pg = await getJson<PacketPage>(web.url, `/api/packets?filter=${encodeURIComponent("icmp")}&offset=2&limit=3&find=${icmp[4]}`);
    assert.equal(pg.status, 200);
    assert.equal(pg.body.total, 20);
    assert.equal(pg.body.matched, icmp.length);
    assert.equal(pg.body.offset, 2);
    assert.deepEqual(pg.body.rows.map((r) => r.no), icmp.slice(2, 5));
    assert.equal(pg.body.found, 4);
    const dflt = await getJson<PacketPage>(web.url, "/api/packets");
    assert.equal(dflt.body.rows.length, 20);

    const bad = await getJson<FilterError>(web.url, `/api/packets?filter=${encodeURIComponent("ip.addr ==")}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.filter, "ip.addr ==");
    assert.equal(bad.body.column, 10, "0-based column of the problem");
    assert.match(bad.body.error, /expected a value/);
    assert.doesNotMatch(bad.body.error, /\n/);
    const unknown = await getJson<FilterError>(web.url, `/api/packets?filter=${encodeURIComponent("icmp && bogus.field == 1")}`);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.column, 8);
    assert.equal((await raw(web.url, "/api/packets?offset=-1")).status, 400);
    assert.equal((await raw(web.url, "/api/packets?limit=abc")).status, 400);

    const det = await getJson<PacketDetail>(web.url, "/api/packets/17");
    assert.equal(det.status, 200);
    assert.equal(det.body.row.no, 17);
    assert.ok(det.body.tree.length >= 3);
    assert.equal((await raw(web.url, "/api/packets/0")).status, 404);
    assert.equal((await raw(web.url, "/api/packets/21")).status, 404);
    const j = await getJson<JourneyView>(web.url, "/api/journeys/5");
    assert.equal(j.status, 200);
    assert.deepEqual([...new Set(j.body.hops.map((h) => h.names?.container).filter(Boolean))], ["wcow1", "wcow2"]);
    assert.ok(j.body.hops.every((h) => !h.frame || /^[0-9a-f]+$/.test(h.frame.hex)));
    assert.equal((await raw(web.url, "/api/journeys/99")).status, 404);
    const topo = await getJson<TopologyView>(web.url, "/api/topology");
    assert.ok(topo.body.graph.nodes.some((n) => n.kind === "container" && n.label === "wcow1" && n.filter === "ip.addr == 172.18.5.2"));
    const tl = await getJson<Timeline>(web.url, "/api/timeline");
    assert.ok(tl.body.series.length > 0);
    assert.equal((await getJson<{ flows: unknown[] }>(web.url, "/api/flows")).body.flows.length, 3);
    assert.deepEqual((await getJson<{ findings: unknown[] }>(web.url, "/api/findings")).body.findings, []);
  } finally {
    await web.close();
    model.close();
  }
});

test("serve: no URL reaches the file system; other methods and foreign Host headers are refused", async () => {
  const lab = seedNat();
  const model = new CaptureModel(lab.pktmon).loadSync();
  const web = await startWebServer(model, { port: 0, assets: assets() });
  try {
    const paths = [
      "/../../etc/passwd", "/api/packets/../../x", "/api/packets/..%2f..%2fx", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
      "/app/../package.json", "/app/app.js/../../package.json", "/app/..%2f..%2fpackage.json", "/app/%2e%2e/%2e%2e/package.json",
      "/api/journeys/..%5c..%5cetc%5cpasswd", "/..\\..\\etc\\passwd", "/etc/passwd", "/package.json", "/index.html", "/app/index.html",
      "/api/packets/17/../../../etc/passwd", "/api/packets/%31%37", "/api/status/..", "//etc/passwd", "/api/../api/status",
      "/dist/web/app.js", "/app/app.js%00.html", `/api/packets?filter=${encodeURIComponent("frame contains \"../..\"")}&x=/etc/passwd`,
    ];
    for (const p of paths) {
      const a = await raw(web.url, p);
      if (p.startsWith("/api/packets?")) {
        assert.equal(a.status, 200, p);
        continue;
      }
      assert.equal(a.status, 404, `${p} → ${a.status}`);
      assert.doesNotMatch(a.body, /root:|"name": "wnvtrace"/, p);
    }
    assert.equal((await raw(web.url, "/api/status", { method: "POST" })).status, 405);
    assert.equal((await raw(web.url, "/", { method: "DELETE" })).status, 405);
    assert.equal((await raw(web.url, "/api/status", { method: "HEAD" })).status, 200);
    assert.equal((await raw(web.url, "/api/status", { host: "evil.example:80" })).status, 403, "DNS rebinding: a foreign Host is refused");
    assert.equal((await raw(web.url, "/api/status", { host: `localhost:${new URL(web.url).port}` })).status, 200);
  } finally {
    await web.close();
    model.close();
  }
});

test("wnvtrace serve --port 0 prints its URL, answers, and stops on SIGINT", { skip: haveBundle ? false : "the app bundle (dist/web) is not built" }, async () => {
  const lab = seedNat();
  const child = spawn(process.execPath, [BIN, "serve", lab.netsh, "--inventory", lab.host, "--port", "0"], { env: { ...process.env, WNVTRACE_NO_PROGRESS: "1" } });
  let out = "";
  let err = "";
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /serving seed-nat\.netsh\.etl at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  for (let i = 0; i < 100; i++) {
    const s = await getJson<LoadStatus>(url, "/api/status");
    if (s.body.state === "ready") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const ov = await getJson<Overview>(url, "/api/overview");
  assert.equal(ov.body.packets, 20);
  const code = await new Promise<number | null>((resolve) => {
    child.on("exit", (c) => resolve(c));
    child.kill("SIGINT");
  });
  assert.equal(code, 0, err);
  assert.match(err, /stopped/);
});

test("wnvtrace serve: unreadable file → exit 2, taken port → exit 1, one-line errors", { skip: haveBundle ? false : "the app bundle (dist/web) is not built" }, async () => {
  const r = spawnSync(process.execPath, [BIN, "serve", "/nonexistent.etl", "--port", "0"], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^wnvtrace: error: .+\n$/);
  const lab = seedNat();
  const model = new CaptureModel(lab.netsh);
  const web = await startWebServer(model, { port: 0, assets: assets() });
  try {
    const port = new URL(web.url).port;
    const busy = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn(process.execPath, [BIN, "serve", lab.netsh, "--port", port], { env: { ...process.env, WNVTRACE_NO_PROGRESS: "1" } });
      let e = "";
      c.stderr.on("data", (x: Buffer) => (e += x.toString()));
      c.on("exit", (code) => resolve({ code, err: e }));
    });
    assert.equal(busy.code, 1);
    assert.match(busy.err, /cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
  } finally {
    await web.close();
    model.close();
  }
});

test("wnvtrace report: one self-contained file — no external URL, data embedded, </script> escaped", { skip: haveBundle ? false : "the app bundle (dist/web) is not built" }, () => {
  const lab = seedNat();
  const dir = mkdtempSync(join(tmpdir(), "wnvtrace-report-"));
  try {
    const out = join(dir, "r.html");
    const r = spawnSync(process.execPath, [BIN, "report", lab.pktmon, "--inventory", lab.host, "-o", out, "--max-packets", "12"], { encoding: "utf8", env: { ...process.env, WNVTRACE_NO_PROGRESS: "1" } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /wrote .*r\.html: 12 of 20 packets/);
    const html = readFileSync(out, "utf8");
    assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i, "no external src/href");
    assert.doesNotMatch(html, /<link[^>]+rel=["']?stylesheet/i, "CSS inline");
    assert.doesNotMatch(html, /<script[^>]+src=/i, "JS inline");
    assert.doesNotMatch(html, /WNV:/);
    const m = /<script type="application\/octet-stream" id="wnv-data" data-encoding="deflate-raw\+base64">([\s\S]*?)<\/script>/.exec(html);
    assert.ok(m, "data block");
    assert.match(m[1], /^[A-Za-z0-9+/=]*$/, "base64 only: nothing in the data can end its element");
    const data = readReportData(html) as { overview: Overview; packets: { count: number; total: number } };
    assert.equal(data.packets.count, 12);
    assert.equal(data.packets.total, 20);
    assert.ok(data.overview.notes.some((n) => /first 12 of 20/.test(n)));
    // Exactly three script elements can end: data and app (the bundle has no raw </script> inside).
    assert.equal(html.match(/<\/script>/gi)?.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("report page: embedded JSON cannot end its script element; the bundle's own </script is escaped", async () => {
  const { reportPage, scriptJson } = await import("../../src/web/page.js");
  const evil = { name: "</script><script>alert(1)</script><!-- \u2028" };
  const html = reportPage({ html: "<head><!--WNV:CSS-->\n</head><body>\n<!--WNV:DATA-->\n<!--WNV:JS-->\n</body>", js: "var s='</script>';", css: "a{}" }, scriptJson(evil));
  assert.equal(html.match(/<\/script>/gi)?.length, 2);
  const m = /id="wnv-data">([\s\S]*?)<\/script>/.exec(html)!;
  assert.deepEqual(JSON.parse(m[1]), evil);
  assert.match(html, /var s='<\\\/script>';/);
});
