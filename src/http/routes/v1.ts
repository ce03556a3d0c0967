/**
 * /api/v1: the Go original's routes, with its methods and GET on every route (the original README's curl
 * lines use plain GET). Each route runs: parameters → caller (GET /user) → per-user limit → active
 * maintainer of the team → the service. A refusal at any step changes nothing on GitHub.
 */
import { Router, type Request, type RequestHandler, type Response } from "express";
import type { RepoPermission } from "../../domain/permissions.js";
import type { Caller, GitHub } from "../../github/ports.js";
import type { Logger } from "../../logging/create-logger.js";
import { identifyCaller, requireActiveMaintainer } from "../../services/access.js";
import { addRepos, removeRepos, setRepos } from "../../services/group-repos.js";
import { createGroup, deleteGroup, listGroup, type AuditLog } from "../../services/runner-groups.js";
import { registrationToken, removeToken } from "../../services/runner-tokens.js";
import { sendSuccess } from "../envelope.js";
import { onlyMethods } from "../middleware/only-methods.js";
import { parseAuthorization, parseV1Request, type V1RouteName } from "../parse.js";

export interface V1Deps {
  github: GitHub;
  log: Logger;
  policy: { minRepoPermission: RepoPermission };
  perUserLimit: RequestHandler;
}

interface Context {
  deps: V1Deps;
  audit: AuditLog;
  caller: Caller;
  team: string;
  req: Request;
}

interface V1Route {
  /** the path under /api/v1, then its aliases */
  paths: V1RouteName[];
  /** the original's method first; GET is accepted everywhere */
  methods: string[];
  /** `input` is what parseV1Request answered for the route */
  run(ctx: Context, input: unknown): Promise<unknown>;
}

export const V1_ROUTES: readonly V1Route[] = [
  {
    paths: ["group-create", "group-add"],
    methods: ["POST", "GET"],
    run: ({ deps, audit, team }) => createGroup(deps.github, audit, team),
  },
  {
    paths: ["group-delete"],
    methods: ["DELETE", "GET"],
    run: ({ deps, audit, team }, input) => deleteGroup(deps.github, audit, team, (input as { force: boolean }).force),
  },
  {
    paths: ["group-list"],
    methods: ["GET"],
    run: ({ deps, team }) => listGroup(deps.github, team),
  },
  {
    paths: ["repos-add"],
    methods: ["PATCH", "GET"],
    run: ({ deps, audit, team }, input) => addRepos(deps.github, audit, deps.policy, team, (input as { repos: string[] }).repos),
  },
  {
    paths: ["repos-remove"],
    methods: ["PATCH", "GET"],
    run: ({ deps, audit, team }, input) => removeRepos(deps.github, audit, team, (input as { repos: string[] }).repos),
  },
  {
    paths: ["repos-set"],
    methods: ["PATCH", "GET"],
    run: ({ deps, audit, team }, input) => setRepos(deps.github, audit, deps.policy, team, (input as { repos: string[] }).repos),
  },
  {
    paths: ["token-register"],
    methods: ["GET", "POST"],
    run: ({ deps, audit, team }) => registrationToken(deps.github, audit, team),
  },
  {
    paths: ["token-remove"],
    methods: ["GET", "POST"],
    run: ({ deps, audit, team }) => removeToken(deps.github, audit, team),
  },
];

function auditLogFor(log: Logger, res: Response): AuditLog {
  return {
    audit: (action, fields) =>
      log.info("audit", { audit: action, requestId: res.locals.requestId as string, user: (res.locals.caller as Caller).login, ...fields }),
  };
}

const STATUS_METHODS = ["GET"];

/** Every /api/v1 path with the methods it takes, for the method guard that runs before the body is read. */
export function v1Methods(): Map<string, readonly string[]> {
  const methods = new Map<string, readonly string[]>([["/api/v1/status", STATUS_METHODS]]);
  for (const route of V1_ROUTES) for (const path of route.paths) methods.set(`/api/v1/${path}`, route.methods);
  return methods;
}

export function v1Router(deps: V1Deps): Router {
  const router = Router({ caseSensitive: true, strict: false });

  router.all("/status", onlyMethods(STATUS_METHODS), (_req, res) => sendSuccess(res, "Server ready"));

  // the only check of a request's parameters, before anything else runs on its route
  const parseInput =
    (path: V1RouteName): RequestHandler =>
    (req, res, next) => {
      const input = parseV1Request(path, req);
      res.locals.team = input.team;
      res.locals.input = input;
      next();
    };
  for (const route of V1_ROUTES) {
    const authenticate: RequestHandler = async (req, res, next) => {
      const token = parseAuthorization(req.get("authorization"));
      res.locals.caller = await identifyCaller(deps.github, token);
      next();
    };
    const authorize: RequestHandler = async (_req, res, next) => {
      await requireActiveMaintainer(deps.github, res.locals.caller as Caller, res.locals.team as string);
      next();
    };
    const handle: RequestHandler = async (req, res) => {
      const ctx: Context = { deps, audit: auditLogFor(deps.log, res), caller: res.locals.caller as Caller, team: res.locals.team as string, req };
      sendSuccess(res, await route.run(ctx, res.locals.input));
    };
    for (const path of route.paths) {
      router.all(`/${path}`, onlyMethods(route.methods), parseInput(path), authenticate, deps.perUserLimit, authorize, handle);
    }
  }
  return router;
}

