/**
 * HTTP metrics and the /metrics answer. Requests are labelled by route template, never by the raw path:
 * every path the app does not serve is "unknown", so a scan of random URLs cannot grow the label set.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { AppError } from "../../domain/errors.js";
import type { Metrics } from "../../metrics/metrics.js";
import { DOCS_ASSETS } from "../openapi.js";

/** Routes served outside /api/v1's route table; the docs' assets are one template. */
const OTHER_ROUTES = ["/", "/healthz", "/readyz", "/metrics", "/api/v1/openapi.yaml", "/api/v1/docs"];
const DOCS_ASSET_PATHS = new Set(Object.keys(DOCS_ASSETS).map((file) => `/api/v1/docs/assets/${file}`));

/** A request path → its route template, or "unknown". Routing is case-sensitive and ignores trailing slashes, as here. */
export function routeLabeler(routes: Iterable<string>): (path: string) => string {
  const known = new Set([...routes, ...OTHER_ROUTES]);
  return (path) => {
    const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
    if (known.has(trimmed)) return trimmed;
    if (DOCS_ASSET_PATHS.has(trimmed)) return "/api/v1/docs/assets/{file}";
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

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Whether `Authorization: Bearer <token>` carries the metrics token (config metrics.token). Compared in
 * constant time: digests of equal length, so neither the length nor a prefix of the token leaks by timing.
 */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const given = /^Bearer +([!-~]+) *$/i.exec(authorization ?? "")?.[1] ?? "";
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

/** The 401 for a scrape without the metrics token; the header's value is never logged nor echoed. */
export const metricsUnauthorized = () => new AppError("UNAUTHENTICATED", "GET /metrics needs Authorization: Bearer <metrics.token>");

/** GET /metrics: Prometheus' text format; with `token`, only for a caller presenting it as a bearer token. */
export function metricsEndpoint(metrics: Metrics, token?: string): RequestHandler {
  return async (req, res) => {
    if (token !== undefined && !bearerMatches(req.get("authorization"), token)) throw metricsUnauthorized();
    const text = await metrics.render();
    res.setHeader("Content-Type", metrics.contentType);
    res.send(text);
  };
}
