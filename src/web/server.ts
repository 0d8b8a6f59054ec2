/**
 * `wnvtrace serve`: the web UI for ONE capture over HTTP.
 *
 * Built on node:http rather than a framework: the route table is eleven fixed GET routes (src/web/api.ts), the
 * answers are JSON computed from the in-memory CaptureModel, and there is no static-file serving at all (the
 * app's three files are read once at start and kept in memory), so a framework would add dependencies without
 * removing code. Safety follows from the shape: the raw request path is matched EXACTLY against the fixed routes
 * (no decoding, no normalisation, no path joins), so nothing in a URL can name a file; anything else is 404.
 * Bound to 127.0.0.1 by default; on a loopback address the Host header must be a loopback name too (a page from
 * another site cannot reach the server through DNS rebinding).
 *
 * The server answers /api/status at once and loads the capture in the background (CaptureModel.load yields
 * between slices); every other /api route answers 503 until the capture is loaded.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { FilterError } from "../filter/mod.js";
import type { CaptureModel } from "./model.js";
import { MAX_PAGE } from "./model.js";
import type { AppAssets } from "./page.js";
import { servePage } from "./page.js";
import { FATE_KINDS, MAX_JOURNEY_PAGE, fateOf } from "./packed.js";
import type { FilterError as FilterErrorJson } from "./api.js";

export interface WebServerOptions {
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port (0: any free port). */
  readonly port?: number;
  readonly assets: AppAssets;
}

export interface WebServer {
  readonly server: Server;
  /** http://host:port/ once listening. */
  readonly url: string;
  close(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function hostName(h: string | undefined): string {
  if (!h) return "";
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  const c = h.lastIndexOf(":");
  return c >= 0 ? h.slice(0, c) : h;
}

const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Frame-Options": "DENY",
};

const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  let data = typeof body === "string" ? Buffer.from(body) : body;
  const headers: Record<string, string> = { ...SECURITY_HEADERS, "Content-Type": type, "Cache-Control": "no-store", ...extra };
  if (data.length > 32 * 1024 && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) {
    data = gzipSync(data, { level: 1 });
    headers["Content-Encoding"] = "gzip";
    headers["Vary"] = "Accept-Encoding";
  }
  headers["Content-Length"] = String(data.length);
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : data);
}

function json(req: IncomingMessage, res: ServerResponse, status: number, v: unknown): void {
  send(req, res, status, "application/json; charset=utf-8", JSON.stringify(v));
}

function notFound(req: IncomingMessage, res: ServerResponse): void {
  json(req, res, 404, { error: "not found" });
}

/** Whole number from a query parameter (default when absent; NaN when present and not a whole number). */
function intParam(q: URLSearchParams, name: string, dflt: number): number {
  const v = q.get(name);
  if (v === null || v === "") return dflt;
  return /^\d{1,15}$/.test(v) ? Number(v) : NaN;
}

function filterErrorJson(e: FilterError, filter: string): FilterErrorJson {
  return { error: e.message.split("\n")[0].replace(/^filter: /, ""), filter, column: Math.max(0, e.column - 1) };
}

/** The request handler (exported for tests that call it without a socket). */
export function handler(model: CaptureModel, assets: AppAssets, o: { loopbackOnly: boolean }): (req: IncomingMessage, res: ServerResponse) => void {
  const page = servePage(assets);
  return (req, res) => {
    try {
      if (o.loopbackOnly && !LOOPBACK_NAMES.has(hostName(req.headers.host))) {
        json(req, res, 403, { error: "this server answers only to localhost / 127.0.0.1 (Host header refused)" });
        return;
      }
      if (req.method !== "GET" && req.method !== "HEAD") {
        send(req, res, 405, "application/json; charset=utf-8", JSON.stringify({ error: "GET only" }), { Allow: "GET, HEAD" });
        return;
      }
      const raw = req.url ?? "/";
      const qi = raw.indexOf("?");
      const path = qi < 0 ? raw : raw.slice(0, qi);
      const query = new URLSearchParams(qi < 0 ? "" : raw.slice(qi + 1));
      // Fixed routes only: the raw path is compared, never decoded or joined to a directory.
      switch (path) {
        case "/":
          send(req, res, 200, "text/html; charset=utf-8", page, { "Content-Security-Policy": CSP });
          return;
        case "/app/app.js":
          send(req, res, 200, "text/javascript; charset=utf-8", assets.js);
          return;
        case "/app/app.css":
          send(req, res, 200, "text/css; charset=utf-8", assets.css);
          return;
        case "/api/status":
          json(req, res, 200, model.status());
          return;
      }
      if (!path.startsWith("/api/")) return notFound(req, res);
      const m = /^\/api\/(overview|packets|journeys|topology|flows|findings|timeline)$|^\/api\/(packets|journeys)\/(\d{1,15})$/.exec(path);
      if (!m) return notFound(req, res);
      if (!model.ready) {
        const s = model.status();
        json(req, res, s.state === "failed" ? 500 : 503, { error: s.state === "failed" ? `the capture could not be read: ${s.error ?? "?"}` : "the capture is still loading", status: s });
        return;
      }
      if (m[1] === "overview") return json(req, res, 200, model.overview());
      if (m[1] === "topology") return json(req, res, 200, model.topology());
      if (m[1] === "flows") return json(req, res, 200, model.flows());
      if (m[1] === "findings") return json(req, res, 200, model.findings());
      if (m[1] === "timeline") return json(req, res, 200, model.timeline());
      if (m[1] === "journeys") {
        const filter = query.get("filter") ?? "";
        const offset = intParam(query, "offset", 0);
        const limit = intParam(query, "limit", 100);
        const fate = fateOf(query.get("fate"));
        if (Number.isNaN(offset) || Number.isNaN(limit)) return json(req, res, 400, { error: "offset and limit must be whole numbers", filter, column: 0 } satisfies FilterErrorJson);
        if (fate === null) return json(req, res, 400, { error: `fate must be one of ${FATE_KINDS.join(", ")}`, filter, column: 0 } satisfies FilterErrorJson);
        try {
          return json(req, res, 200, model.journeyPage({ fate, q: query.get("q") ?? "", filter }, offset, Math.min(limit, MAX_JOURNEY_PAGE)));
        } catch (e) {
          if (e instanceof FilterError) return json(req, res, 400, filterErrorJson(e, filter));
          throw e;
        }
      }
      if (m[1] === "packets") {
        const filter = query.get("filter") ?? "";
        const offset = intParam(query, "offset", 0);
        const limit = intParam(query, "limit", 100);
        const findS = query.get("find");
        const find = findS === null ? undefined : intParam(query, "find", 0);
        if (Number.isNaN(offset) || Number.isNaN(limit) || (find !== undefined && Number.isNaN(find))) {
          return json(req, res, 400, { error: "offset, limit and find must be whole numbers", filter, column: 0 } satisfies FilterErrorJson);
        }
        try {
          return json(req, res, 200, model.page(filter, offset, Math.min(limit, MAX_PAGE), find));
        } catch (e) {
          if (e instanceof FilterError) return json(req, res, 400, filterErrorJson(e, filter));
          throw e;
        }
      }
      const id = Number(m[3]);
      const v = m[2] === "packets" ? model.detail(id) : model.journey(id);
      if (!v) return json(req, res, 404, { error: `no ${m[2] === "packets" ? "packet" : "journey"} ${id}` });
      return json(req, res, 200, v);
    } catch (e) {
      if (!res.headersSent) json(req, res, 500, { error: (e as Error).message });
      else res.destroy();
    }
  };
}

/** Listens on host:port (port 0: any free port); resolves once listening, rejects when the port is taken. */
export function startWebServer(model: CaptureModel, o: WebServerOptions): Promise<WebServer> {
  const host = o.host ?? "127.0.0.1";
  const server = createServer(handler(model, o.assets, { loopbackOnly: isLoopback(host) }));
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, host, () => {
      server.off("error", reject);
      const a = server.address() as AddressInfo;
      const h = a.family === "IPv6" || a.address.includes(":") ? `[${a.address}]` : a.address;
      resolve({
        server,
        url: `http://${h}:${a.port}/`,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}
