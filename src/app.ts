/**
 * createApp(deps) → an Express application; it never listens (src/server.ts does).
 * Order: request id → audit (of requests to an action) → metrics → security headers → no-store → access log
 * → a target that is not a path (absolute form is made origin form before the app, src/http/request-target.ts)
 * → probes, /metrics → per-address limit → GET / → body → /api/v1 → 404 → errors.
 */
import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import type { Store } from "express-rate-limit";
import type { RedisOnError } from "./config/schema.js";
import { AppError } from "./domain/errors.js";
import { sendSuccess } from "./http/envelope.js";
import "./http/locals.js";
import { errorHandler, notFound } from "./http/middleware/error-handler.js";
import { httpMetrics, metricsEndpoint, routeLabeler } from "./http/middleware/metrics.js";
import { perAddressLimit, perUserLimit, type RateLimitOptions } from "./http/middleware/rate-limit.js";
import { requestId } from "./http/middleware/request-id.js";
import { requestLog } from "./http/middleware/request-log.js";
import { actionLabeler, requestAudit, type RequestAuditLine } from "./http/middleware/request-audit.js";
import { refuseOtherTargets } from "./http/request-target.js";
import { methodGuard, onlyMethods } from "./http/middleware/only-methods.js";
import { specRoutes } from "./http/openapi.js";
import { expressTrustProxy, type TrustProxy } from "./http/trust-proxy.js";
import { v1Actions, v1Methods, v1Router } from "./http/routes/v1.js";
import type { Logger } from "./logging/create-logger.js";
import type { LimiterName, Metrics } from "./metrics/metrics.js";
import type { RequestDeadlines } from "./request-deadline.js";
import type { RequestMeters } from "./request-meter.js";
import { createRefusalBudget } from "./http/middleware/refusal-budget.js";
import type { RefusalCounter } from "./refusal-counter.js";
import type { Services } from "./services/index.js";

export interface AppDeps {
  services: Services;
  /** one deadline per caller request for everything it asks GitHub */
  deadlines: RequestDeadlines;
  log: Logger;
  /** where each request's audit line goes (./http/middleware/request-audit.ts); the log, as message "audit", by default */
  audit?: (line: RequestAuditLine) => void;
  rateLimit: {
    /** authenticated requests per second per user (the original's server.rateLimit) */
    perUser: number;
    /** requests per second per client address, before authentication */
    perAddress: number;
    /** shared stores for several replicas; in memory when left out */
    userStore?: Store;
    addressStore?: Store;
  };
  /** the refusal budget (config server.githubBudget.refusedCallsPerHour; 0 = none) and where it is counted */
  refusals?: { perHour: number; counter: RefusalCounter };
  /** each request's GitHub calls, counted by the call policy, for the refusal budget */
  meters?: RequestMeters;
  /** largest JSON body accepted */
  bodyLimit?: string;
  /** the shared rate-limit store, when configured: /readyz reports it, following its onError policy */
  redis?: { ping(): Promise<void>; onError: RedisOnError };
  /** Prometheus metrics: counted when given, and served at GET /metrics unless metricsRoute is false */
  metrics?: Metrics;
  /** false when /metrics has a listener of its own (config metrics.port); this app then answers 404 there */
  metricsRoute?: boolean;
  /** config metrics.token: GET /metrics then requires it as a bearer token */
  metricsToken?: string;
  /** config server.trustProxy: whose X-Forwarded-For decides req.ip; none when left out */
  trustProxy?: TrustProxy;
}

/** /readyz's Retry-After: a probe comes back on its own period; this is for a person or a script waiting on it. */
const NOT_READY_RETRY_AFTER_SECONDS = 5;

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader("Cache-Control", "no-store");
  next();
};

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  // The client address (req.ip: per-address limit, access log, audit) is the socket's, unless server.trustProxy
  // names the proxies whose X-Forwarded-For is believed: a hop count or their CIDRs, never `true`, which would let
  // any client choose its own address (express-rate-limit refuses it too: ERR_ERL_PERMISSIVE_TRUST_PROXY).
  app.set("trust proxy", expressTrustProxy(deps.trustProxy));
  app.set("query parser", "simple");
  // Answers are never cached (no-store), so validators only cost a hash of every body, tokens included.
  app.set("etag", false);

  app.use(requestId);
  // before anything can refuse a request to an action, so that every one of them leaves its audit line
  app.use(requestAudit(actionLabeler(v1Actions()), deps.audit ?? ((line) => deps.log.info("audit", { ...line }))));
  if (deps.metrics) app.use(httpMetrics(deps.metrics, routeLabeler(v1Methods().keys())));
  app.use(helmet());
  app.use(noStore);
  app.use(requestLog(deps.log));
  app.use(refuseOtherTargets);

  app.all("/healthz", onlyMethods(["GET"]), (_req, res) => sendSuccess(res, "ok"));
  app.all("/readyz", onlyMethods(["GET"]), async (_req, res) => {
    const [github, redis] = await Promise.allSettled([deps.services.checkGitHub(), deps.redis?.ping()]);
    if (github.status === "rejected") {
      // the App's credentials known to be refused: the start-up check's words, which name the key to correct
      const known = github.reason instanceof AppError && github.reason.code === "NOT_READY" ? github.reason : undefined;
      deps.log.warn(known ? known.message : "not ready: the GitHub App cannot obtain an installation token", { error: github.reason });
      if (known) throw known;
      // Retry-After when waiting can help: not when GitHub refuses the App's credentials (an operator must act).
      const refused = github.reason instanceof AppError && github.reason.code === "GITHUB_APP_UNAUTHORIZED";
      throw new AppError("NOT_READY", "Not ready: the GitHub App cannot obtain an installation token", {
        ...(!refused && { retryAfter: NOT_READY_RETRY_AFTER_SECONDS }),
      });
    } else if (redis.status === "rejected" && deps.redis?.onError === "fail-closed") {
      deps.log.warn("not ready: Redis cannot be reached (redis.onError: fail-closed)", { error: redis.reason });
      throw new AppError(
        "NOT_READY",
        "Not ready: Redis, where the rate limits are counted, cannot be reached (redis.onError: fail-closed)",
        { retryAfter: NOT_READY_RETRY_AFTER_SECONDS },
      );
    } else if (redis.status === "rejected") {
      sendSuccess(res, "ready (degraded: Redis cannot be reached; rate limits are counted per replica until it is back)");
    } else {
      sendSuccess(res, "ready");
    }
  });
  if (deps.metrics && deps.metricsRoute !== false)
    app.all("/metrics", onlyMethods(["GET"]), metricsEndpoint(deps.metrics, deps.metricsToken));

  const limit = (perSecond: number, store: Store | undefined, limiter: LimiterName): RateLimitOptions => ({
    perSecond,
    ...(store ? { store } : {}),
    ...(deps.metrics ? { onLimited: () => deps.metrics?.rateLimited(limiter) } : {}),
  });

  app.use(methodGuard(v1Methods()));
  app.use(perAddressLimit(limit(deps.rateLimit.perAddress, deps.rateLimit.addressStore, "address")));
  // The service's root names where its API is described, rather than a bare 404: a JSON envelope, not a
  // redirect, so that curl without -L and a CI script see it as plainly as a browser does.
  // Before the body is read: a wrong method is answered 405 whatever body it carries.
  app.all("/", onlyMethods(["GET"]), (_req, res) =>
    sendSuccess(res, { service: "actions-runner-manager", docs: "/api/v1/docs", openapi: "/api/v1/openapi.yaml" }),
  );
  app.use(express.json({ limit: deps.bodyLimit ?? "256kb", strict: true, type: ["application/json", "application/*+json"] }));
  app.use("/api/v1", specRoutes());
  app.use(
    "/api/v1",
    v1Router({
      services: deps.services,
      deadlines: deps.deadlines,
      admitCaller: perUserLimit(limit(deps.rateLimit.perUser, deps.rateLimit.userStore, "user")),
      meters: deps.meters,
      refusals:
        deps.refusals && deps.refusals.perHour > 0
          ? createRefusalBudget({ ...deps.refusals, onLimited: () => deps.metrics?.rateLimited("refusals") })
          : undefined,
    }),
  );
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
