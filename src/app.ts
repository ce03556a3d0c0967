/**
 * createApp(deps) → an Express application; it never listens (src/server.ts does).
 * Order: request id → security headers → no-store → access log → probes → per-address limit → body → /api/v1 → 404 → errors.
 */
import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import type { Store } from "express-rate-limit";
import type { RepoPermission } from "./domain/permissions.js";
import type { GitHub } from "./github/ports.js";
import { sendError, sendSuccess } from "./http/envelope.js";
import { errorHandler, notFound } from "./http/middleware/error-handler.js";
import { perAddressLimit, perUserLimit } from "./http/middleware/rate-limit.js";
import { requestId } from "./http/middleware/request-id.js";
import { requestLog } from "./http/middleware/request-log.js";
import { githubDeadline } from "./http/middleware/github-deadline.js";
import { methodGuard, onlyMethods } from "./http/middleware/only-methods.js";
import { openApiValidator, specRoutes } from "./http/openapi.js";
import { v1Methods, v1Router } from "./http/routes/v1.js";
import type { Logger } from "./logging/create-logger.js";

export interface AppDeps {
  github: GitHub;
  log: Logger;
  policy: { minRepoPermission: RepoPermission };
  rateLimit: {
    /** authenticated requests per second per user (the original's server.rateLimit) */
    perUser: number;
    /** requests per second per client address, before authentication */
    perAddress: number;
    /** shared stores for several replicas; in memory when left out */
    userStore?: Store;
    addressStore?: Store;
  };
  /** proxies in front of us whose X-Forwarded-For is believed, as a hop count; 0 = none */
  trustProxyHops?: number;
  /** largest JSON body accepted */
  bodyLimit?: string;
}

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader("Cache-Control", "no-store");
  next();
};

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.trustProxyHops ?? 0);
  app.set("query parser", "simple");
  // Answers are never cached (no-store), so validators only cost a hash of every body, tokens included.
  app.set("etag", false);

  app.use(requestId);
  app.use(helmet());
  app.use(noStore);
  app.use(requestLog(deps.log));

  app.all("/healthz", onlyMethods(["GET"]), (_req, res) => sendSuccess(res, "ok"));
  app.all("/readyz", onlyMethods(["GET"]), async (_req, res) => {
    try {
      await deps.github.org.checkInstallation();
      sendSuccess(res, "ready");
    } catch (error) {
      deps.log.warn("not ready: the GitHub App cannot obtain an installation token", { error });
      sendError(res, 503, "Not ready: the GitHub App cannot obtain an installation token");
    }
  });

  app.use(methodGuard(v1Methods()));
  app.use(perAddressLimit({ perSecond: deps.rateLimit.perAddress, ...(deps.rateLimit.addressStore ? { store: deps.rateLimit.addressStore } : {}) }));
  app.use(express.json({ limit: deps.bodyLimit ?? "256kb", strict: true, type: ["application/json", "application/*+json"] }));
  app.use("/api/v1", specRoutes());
  app.use(openApiValidator());
  // one deadline for all GitHub calls of a request (config github.timeoutSeconds); last before the routes
  app.use("/api/v1", githubDeadline(deps.github));
  app.use(
    "/api/v1",
    v1Router({
      github: deps.github,
      log: deps.log,
      policy: deps.policy,
      perUserLimit: perUserLimit({ perSecond: deps.rateLimit.perUser, ...(deps.rateLimit.userStore ? { store: deps.rateLimit.userStore } : {}) }),
    }),
  );
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
