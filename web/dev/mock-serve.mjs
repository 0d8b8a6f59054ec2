// Dev only: a stand-in for `wnvtrace serve` to exercise RemoteSource — a loading phase (progress), N synthetic
// packet rows (default 1,000,000) paged with a toy filter ("bad" → 400 FilterError, "icmp" → every 3rd row), and
// the other endpoints from a ReportData JSON (web/dev/make-fixture.mjs writes one). Usage:
//   node web/dev/mock-serve.mjs FIXTURE.json [PORT] [ROWS]
import { createServer } from "node:http";
import { readFileSync } from "node:fs";

const [fixture, port = "8765", n = "1000000"] = process.argv.slice(2);
const data = JSON.parse(readFileSync(fixture, "utf8"));
const ROWS = Number(n);
const started = Date.now();
const LOAD_MS = Number(process.env.WNV_LOAD_MS ?? 1500);
const tpl = readFileSync("dist/web/index.html", "utf8")
  .replace("<!--WNV:CSS-->", '<link rel="stylesheet" href="app/app.css">').replace("<!--WNV:DATA-->", "")
  .replace("<!--WNV:JS-->", '<script src="app/app.js"></script>');
const row = (i) => {
  const base = data.packets.rows[i % data.packets.rows.length];
  return { ...base, no: i + 1, time: i * 0.000731, ...(i % 97 === 5 ? { drop: "Filtered" } : {}) };
};
const send = (res, code, body, type = "application/json") => {
  res.writeHead(code, { "content-type": type, "cache-control": "no-store" });
  res.end(typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body));
};
createServer((req, res) => {
  const u = new URL(req.url, "http://x");
  const p = u.pathname;
  if (p === "/") return send(res, 200, tpl, "text/html; charset=utf-8");
  if (p === "/app/app.js") return send(res, 200, readFileSync("dist/web/app.js"), "text/javascript");
  if (p === "/app/app.css") return send(res, 200, readFileSync("dist/web/app.css"), "text/css");
  const el = Date.now() - started;
  if (p === "/api/status") return send(res, 200, { state: el < LOAD_MS ? "loading" : "ready", done: Math.min(1, el / LOAD_MS) * 2e9, total: 2e9, packets: Math.floor(Math.min(1, el / LOAD_MS) * ROWS) });
  if (el < LOAD_MS) return send(res, 503, { error: "loading" });
  if (p === "/api/overview") return send(res, 200, { ...data.overview, packets: ROWS });
  if (p === "/api/packets") {
    const f = (u.searchParams.get("filter") ?? "").trim();
    if (f.includes("bad")) return send(res, 400, { error: "unknown field \"bad\"", filter: f, column: f.indexOf("bad") });
    const step = f.startsWith("icmp") ? 3 : 1;
    const matched = Math.ceil(ROWS / step);
    const off = Number(u.searchParams.get("offset") ?? 0);
    const lim = Number(u.searchParams.get("limit") ?? 100);
    const rows = [];
    for (let i = off; i < Math.min(matched, off + lim); i++) rows.push(row(i * step));
    const find = u.searchParams.get("find");
    const found = find === null ? undefined : (Number(find) - 1) % step === 0 ? (Number(find) - 1) / step : -1;
    return setTimeout(() => send(res, 200, { total: ROWS, matched, offset: off, rows, ...(found !== undefined ? { found } : {}) }), 30);
  }
  let m = /^\/api\/packets\/(\d+)$/.exec(p);
  if (m) {
    const i = Number(m[1]) - 1;
    if (i < 0 || i >= ROWS) return send(res, 404, { error: "no such packet" });
    const k = i % data.packets.rows.length;
    const b = Buffer.from(data.packets.bytes, "base64").subarray(data.packets.offsets[k], data.packets.offsets[k + 1]);
    return send(res, 200, { row: row(i), meta: [{ label: "Number", value: String(i + 1) }], tree: [{ label: "Frame (synthetic tree)", start: 0, length: b.length, children: [{ label: "first 14 bytes", start: 0, length: 14 }] }], hex: b.toString("hex"), originalLength: b.length });
  }
  m = /^\/api\/journeys\/(\d+)$/.exec(p);
  if (m) {
    const j = data.journeys.find((x) => x.id === Number(m[1]));
    return j ? send(res, 200, j) : send(res, 404, { error: "no such journey" });
  }
  const simple = { "/api/topology": data.topology, "/api/flows": data.flows, "/api/findings": data.findings, "/api/timeline": data.timeline };
  if (simple[p]) return send(res, 200, simple[p]);
  send(res, 404, { error: "not found" });
}).listen(Number(port), "127.0.0.1", () => console.log(`mock serve on http://127.0.0.1:${port}/ (${ROWS} rows)`));
