/**
 * The service's Prometheus metrics (prom-client), in a registry of their own per service instance (tests
 * start many in one process; prom-client's global registry would mix them).
 *
 * Labels are bounded by construction: routes are our own templates (an unknown path is "unknown"), GitHub
 * routes are GitHub's templates, statuses are numbers. No token, login, team or repository is ever a label.
 *
 *   arm_http_requests_total{method, route, status}            answers given, those of Node's parser too (route "(before routing)")
 *   arm_http_request_duration_seconds{method, route}          time to answer (histogram)
 *   arm_github_requests_total{route, status}                  GitHub calls ("GET /orgs/{org}/…"; status or timeout/failed)
 *   arm_github_request_duration_seconds{route}                their latency, retries included (histogram)
 *   arm_github_rate_limit_limit, _remaining, _reset_seconds   the App installation's x-ratelimit-limit, -remaining, -reset, last seen
 *   arm_cache_lookups_total{cache, result}                    result hit | miss
 *   arm_cache_entries{cache}                                  entries held, at each scrape
 *   arm_rate_limited_total{limiter}                           429s given; limiter user | address
 *   arm_redis_up                                              1 when the shared rate-limit store is connected (with redis.url)
 *   arm_build_info{version, node_version}                     always 1: which release, on which Node, is answering
 *   process_*, nodejs_*                                       prom-client's default process metrics
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { VERSION } from "../version.js";

export type LimiterName = "user" | "address" | "refusals";

export interface Metrics {
  /** the Content-Type of render()'s text */
  readonly contentType: string;
  /** the text exposition of every metric */
  render: () => Promise<string>;
  /** one answered HTTP request; `route` is a template or "unknown" (see routeLabel) */
  httpRequest: (method: string, route: string, status: number, seconds: number) => void;
  /**
   * One answer Node's HTTP parser gave before the app saw a request (408, 431, 400: src/http/client-error.ts):
   * counted in arm_http_requests_total as route BEFORE_ROUTING, method "unknown"; no duration.
   */
  answeredBeforeRouting: (status: number) => void;
  /**
   * One GitHub call, as create-github.ts's onGitHubCall reports it: "METHOD /template", its status (or
   * "timeout"/"failed"), how long it took, and the x-ratelimit-* figures GitHub sent with it.
   */
  githubCall: (
    route: string,
    status: number | string,
    durationMs: number,
    rateLimit?: { limit?: number; remaining?: number; resetSeconds?: number },
  ) => void;
  /** a cache lookup: for arm_cache_lookups_total{cache, result} */
  cacheHit: (cache: string) => void;
  cacheMiss: (cache: string) => void;
  /** a request refused with 429 by the per-user or per-address limiter */
  rateLimited: (limiter: LimiterName) => void;
  /** reports arm_cache_entries{cache} from `sizes` at each scrape */
  watchCaches: (sizes: () => Record<string, number>) => void;
  /** reports arm_redis_up from `isReady` at each scrape */
  watchRedis: (isReady: () => boolean) => void;
  readonly registry: Registry;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
/** Any other method (Node accepts some thirty) is one label value. */
export const methodLabel = (method: string) => (METHODS.has(method) ? method : "other");

/** The route label of answers given before any route was known (the request was never parsed whole). */
export const BEFORE_ROUTING = "(before routing)";

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * GitHub's route template as a label. Calls made through octokit.request("GET /orgs/{org}/…") carry the
 * template; pagination follows Link URLs (https://api.github.com/organizations/1000/…?page=2): their origin,
 * API prefix and query are cut and numeric segments become {id}, so the label set stays small.
 */
export function githubRouteLabel(route: string): string {
  const space = route.indexOf(" ");
  const method = space === -1 ? "" : route.slice(0, space);
  let path = space === -1 ? route : route.slice(space + 1);
  path = path
    .replace(/^[a-z]+:\/\/[^/]+/i, "")
    .replace(/^\/api\/v3(?=\/)/, "")
    .replace(/[?#].*$/, "");
  path = path.replace(/\/\d+(?=\/|$)/g, "/{id}");
  return `${methodLabel(method)} ${path}`.slice(0, 120);
}

/** Calls whose rate-limit headers are not the installation's budget: a caller's own token, or the App's JWT. */
const NOT_INSTALLATION = /^[A-Z]+ \/(user$|app\b)/;

/** What arm_build_info reports: the release (package.json's version) and the Node.js running it. */
export interface BuildInfo {
  version: string;
  nodeVersion: string;
}

export function createMetrics(options: { processMetrics?: boolean; build?: BuildInfo } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  // The Prometheus "info" idiom: a constant 1 whose labels say what runs, so that a query can join them to any
  // other series (e.g. `… * on(instance) group_left(version) arm_build_info`) and a rollout shows in a graph.
  const build = options.build ?? { version: VERSION, nodeVersion: process.versions.node };
  new Gauge({
    name: "arm_build_info",
    help: "Always 1; its labels name the running release (package.json's version) and Node.js version",
    labelNames: ["version", "node_version"] as const,
    registers: [registry],
  })
    .labels(build.version, build.nodeVersion)
    .set(1);

  const httpRequests = new Counter({
    name: "arm_http_requests_total",
    help: "HTTP requests answered, by method, route template and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "arm_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method and route template",
    labelNames: ["method", "route"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const githubRequests = new Counter({
    name: "arm_github_requests_total",
    help: "Calls to GitHub's API, by route template and status (timeout or failed when there was no answer)",
    labelNames: ["route", "status"] as const,
    registers: [registry],
  });
  const githubDuration = new Histogram({
    name: "arm_github_request_duration_seconds",
    help: "Duration of calls to GitHub's API, retries included, by route template",
    labelNames: ["route"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const githubRemaining = new Gauge({
    name: "arm_github_rate_limit_remaining",
    help: "Requests left in the App installation's GitHub rate limit (x-ratelimit-remaining of its last call)",
    registers: [registry],
  });
  const githubLimit = new Gauge({
    name: "arm_github_rate_limit_limit",
    help: "Requests the App installation may make per window of GitHub's rate limit (x-ratelimit-limit of its last call)",
    registers: [registry],
  });
  const githubReset = new Gauge({
    name: "arm_github_rate_limit_reset_seconds",
    help: "When the App installation's GitHub rate-limit window resets, in seconds since the Unix epoch (x-ratelimit-reset of its last call)",
    registers: [registry],
  });
  const cacheLookups = new Counter({
    name: "arm_cache_lookups_total",
    help: "Lookups in the caches of GitHub answers, by cache and result (hit or miss)",
    labelNames: ["cache", "result"] as const,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: "arm_rate_limited_total",
    help: "Requests refused with 429, by limiter (user, address, or refusals: the refusal budget)",
    labelNames: ["limiter"] as const,
    registers: [registry],
  });
  // Both limiters appear at 0 from the start, so that rate() works before the first refusal.
  for (const limiter of ["user", "address", "refusals"] as const) rateLimited.labels(limiter).inc(0);

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    httpRequest: (method, route, status, seconds) => {
      const m = methodLabel(method);
      httpRequests.labels(m, route, String(status)).inc();
      httpDuration.labels(m, route).observe(seconds);
    },
    // Its method was not read (or not trusted) either: "unknown", not "other", which is a method we do not serve.
    answeredBeforeRouting: (status) => httpRequests.labels("unknown", BEFORE_ROUTING, String(status)).inc(),
    githubCall: (route, status, durationMs, rateLimit = {}) => {
      const label = githubRouteLabel(route);
      githubRequests.labels(label, String(status)).inc();
      githubDuration.labels(label).observe(durationMs / 1000);
      if (NOT_INSTALLATION.test(label)) return;
      if (rateLimit.remaining !== undefined) githubRemaining.set(rateLimit.remaining);
      if (rateLimit.limit !== undefined) githubLimit.set(rateLimit.limit);
      if (rateLimit.resetSeconds !== undefined) githubReset.set(rateLimit.resetSeconds);
    },
    cacheHit: (cache) => cacheLookups.labels(cache, "hit").inc(),
    cacheMiss: (cache) => cacheLookups.labels(cache, "miss").inc(),
    rateLimited: (limiter) => rateLimited.labels(limiter).inc(),
    watchCaches: (sizes) => {
      new Gauge({
        name: "arm_cache_entries",
        help: "Entries held in the caches of GitHub answers, by cache",
        labelNames: ["cache"] as const,
        registers: [registry],
        collect() {
          for (const [cache, size] of Object.entries(sizes())) this.labels(cache).set(size);
        },
      });
    },
    watchRedis: (isReady) => {
      new Gauge({
        name: "arm_redis_up",
        help: "1 when the shared rate-limit store (Redis) is connected, else 0",
        registers: [registry],
        collect() {
          this.set(isReady() ? 1 : 0);
        },
      });
    },
  };
}
