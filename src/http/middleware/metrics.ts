/**
 * HTTP metrics and the /metrics answer. Requests are labelled by route template, never by the raw path:
 * every path the app does not serve is "unknown", so a scan of random URLs cannot grow the label set.
 */
import type { RequestHandler } from "express";
import type { Metrics } from "../../metrics/metrics.js";

/** Routes served outside /api/v1's route table; the docs' assets are one template. */
const OTHER_ROUTES = ["/healthz", "/readyz", "/metrics", "/api/v1/openapi.yaml", "/api/v1/docs"];
const DOCS_ASSETS = /^\/api\/v1\/docs\/assets\/[^/]+$/;

/** A request path → its route template, or "unknown". Routing is case-sensitive and ignores trailing slashes, as here. */
export function routeLabeler(routes: Iterable<string>): (path: string) => string {
  const known = new Set([...routes, ...OTHER_ROUTES]);
  return (path) => {
    const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
    if (known.has(trimmed)) return trimmed;
    if (DOCS_ASSETS.test(trimmed)) return "/api/v1/docs/assets/{file}";
    return "unknown";
  };
}

/** Counts every answer the app gives, with its latency; first in the chain, so refusals are counted too. */
export function httpMetrics(metrics: Metrics, label: (path: string) => string): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const route = label(req.path);
    res.once("finish", () => metrics.httpRequest(req.method, route, res.statusCode, (performance.now() - started) / 1000));
    next();
  };
}

/** GET /metrics: Prometheus' text format. */
export function metricsEndpoint(metrics: Metrics): RequestHandler {
  return async (_req, res) => {
    const text = await metrics.render();
    res.setHeader("Content-Type", metrics.contentType);
    res.send(text);
  };
}
