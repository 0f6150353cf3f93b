/**
 * The HTTP side of the metrics: request durations by route and webhook outcomes, measured once in
 * the express app for every router (no channel code has to remember), and the /metrics endpoint,
 * guarded by a bearer token or served on a separate port that is not exposed publicly.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import { once } from "node:events";
import type { Request, RequestHandler, Response } from "express";
import { CHANNELS } from "../channels/types.js";
import type { Metrics } from "./metrics.js";

/**
 * Why a webhook request was not acknowledged, from its status. A channel's handler may name a
 * finer reason in `res.locals.webhookReason` (e.g. "duplicate" on an acknowledged repeat).
 */
function webhookReason(status: number): string {
  if (status < 300) return "ok";
  if (status === 401 || status === 403) return "secret";
  if (status === 413) return "too_large";
  if (status === 400 || status === 415 || status === 422) return "invalid";
  if (status === 429) return "rate_limited";
  if (status === 503) return "unavailable";
  return status >= 500 ? "error" : "other";
}

/** The matched route ("/webhooks/telegram/", "/admin/nominations/:id"), never the raw URL. */
function routeOf(req: Request, res: Response): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === "string") return `${req.baseUrl}${route.path}`;
  // Static files and routers without a matched route: the mount point keeps cardinality bounded.
  return res.statusCode === 404 ? "unmatched" : req.baseUrl || "unmatched";
}

/** @example app.use(metricsMiddleware(metrics)) — before the routers */
export function metricsMiddleware(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.statusCode;
      metrics.httpDuration.observe(
        { method: req.method, route: routeOf(req, res), status: String(status) },
        seconds,
      );
      const webhook = /^\/webhooks\/([a-z_]+)/.exec(req.originalUrl);
      // Only known channel names become label values (a scan of /webhooks/<anything> stays bounded).
      if (webhook && req.method === "POST" && (CHANNELS as readonly string[]).includes(webhook[1]!)) {
        const reason =
          typeof res.locals.webhookReason === "string" ? res.locals.webhookReason : webhookReason(status);
        metrics.webhookRequests.inc({
          channel: webhook[1]!,
          outcome: status < 300 ? "ack" : "rejected",
          reason,
        });
      }
    });
    next();
  };
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, "") ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * GET /metrics: with a token, only for `Authorization: Bearer <token>` (404 otherwise, so a probe
 * learns nothing); without one, open — for the separate metrics port only.
 */
export function metricsHandler(metrics: Metrics, token: string | undefined): RequestHandler {
  return async (req, res) => {
    if (token && !tokenMatches(req.get("authorization"), token)) {
      res.status(404).json({ error: "not_found" });
      return;
    }
    const { contentType, body } = await metrics.expose();
    res.set("Content-Type", contentType).set("Cache-Control", "no-store").send(body);
  };
}

/**
 * A plain HTTP server answering GET /metrics only (METRICS_PORT): Prometheus scrapes it on the
 * private network while the public port serves no metrics at all.
 */
export async function startMetricsServer(
  metrics: Metrics,
  opts: { port: number; host: string; token?: string },
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (
      req.method !== "GET" ||
      url.pathname !== "/metrics" ||
      (opts.token && !tokenMatches(req.headers.authorization, opts.token))
    ) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not_found"}');
      return;
    }
    metrics.expose().then(
      ({ contentType, body }) =>
        res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  server.listen(opts.port, opts.host);
  await once(server, "listening");
  const addr = server.address();
  return {
    port: typeof addr === "object" && addr ? addr.port : opts.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
