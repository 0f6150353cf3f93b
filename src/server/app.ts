/**
 * The express application: health endpoints, security headers, a request id on every request,
 * and the routers of the enabled channels and the admin area, mounted by the system wiring.
 */
import { randomUUID } from "node:crypto";
import express, { type Express, type Router, type ErrorRequestHandler } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { metricsHandler, metricsMiddleware } from "../metrics/http.js";
import type { Metrics } from "../metrics/metrics.js";

export interface HttpDeps {
  logger: Logger;
  /** Resolves when PostgreSQL and Redis both answer; rejects with the failing part otherwise. */
  readiness: () => Promise<Record<string, "ok" | "down">>;
  routers: Array<{ path: string; router: Router }>;
  /** Request durations and webhook outcomes are counted here for every router. */
  metrics?: Metrics;
  /** GET /metrics is served, to this bearer token only, when set. */
  metricsToken?: string;
  /**
   * How many reverse proxies stand in front (TRUST_PROXY). 0: X-Forwarded-* are ignored and the
   * peer address is the client — otherwise anyone reaching the port could pick their own address
   * (and dodge or aim the per-address limits). N: the address N hops from the right is believed.
   */
  trustProxy?: number;
  /** PUBLIC_URL: when https, browsers are told to use https only (HSTS). */
  publicUrl?: string;
}

export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.trustProxy && deps.trustProxy > 0 ? deps.trustProxy : false);
  const https = (deps.publicUrl ?? "").startsWith("https:");
  // Browser-facing headers (CSP, HSTS, frame and sniffing rules) protect pages people open; the
  // platforms' webhook calls get a bare status from code, and skipping helmet's dozen headers
  // there is measurable on the busiest path.
  const browserHeaders = helmet({
    // blob: lets the web chat show a photo the person picked before it is uploaded (object URLs are same-origin by construction).
    contentSecurityPolicy: {
      directives: {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
      },
    },
    // 180 days, this host only (the province's other sites are not ours to pin).
    strictTransportSecurity: https ? { maxAge: 180 * 24 * 3_600, includeSubDomains: false } : false,
  });
  app.use((req, res, next) => (req.path.startsWith("/webhooks/") ? next() : browserHeaders(req, res, next)));
  if (deps.metrics) app.use(metricsMiddleware(deps.metrics));
  app.use((req, res, next) => {
    const incoming = req.get("x-request-id");
    const id = incoming && /^[A-Za-z0-9_-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.set("X-Request-Id", id);
    next();
  });

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const parts = await deps.readiness();
    const ok = Object.values(parts).every((v) => v === "ok");
    res.status(ok ? 200 : 503).json({ status: ok ? "ok" : "unavailable", ...parts });
  });

  if (deps.metrics && deps.metricsToken) app.get("/metrics", metricsHandler(deps.metrics, deps.metricsToken));

  for (const { path, router } of deps.routers) app.use(path, router);

  app.use((_req, res) => {
    res.status(404).json({ error: "not_found" });
  });
  const onError: ErrorRequestHandler = (
    err: { type?: string; status?: number; message?: string },
    _req,
    res,
    _next,
  ) => {
    // body-parser errors carry a status (400 malformed JSON, 413 too large, 415 charset)
    const status = typeof err.status === "number" && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status >= 500)
      deps.logger.error({ requestId: res.locals.requestId, err: err.message }, "request failed");
    if (!res.headersSent)
      res.status(status).json({
        error:
          status === 413
            ? "too_large"
            : status === 400
              ? "bad_request"
              : status === 415
                ? "unsupported_media_type"
                : "internal",
      });
  };
  app.use(onError);
  return app;
}
