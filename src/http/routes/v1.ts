/**
 * /api/v1: the Go original's routes, with its methods and GET on every route (the original README's curl
 * lines use plain GET). A route parses its parameters and the caller's token, hands them to its use case
 * (which identifies, admits and authorizes the caller before it acts; see src/services/index.ts), and
 * renders the answer. Parsing comes first, so bad input is refused before GitHub is asked anything.
 */
import { Router, type Request, type RequestHandler } from "express";
import type { RequestDeadlines } from "../../request-deadline.js";
import type { CallerRequest, Services } from "../../services/index.js";
import { sendSuccess } from "../envelope.js";
import type { CallerAdmission } from "../middleware/rate-limit.js";
import { onlyMethods } from "../middleware/only-methods.js";
import { parseAuthorization, parseForce, parseRepos, parseTeam } from "../parse.js";

export interface V1Deps {
  services: Services;
  /** one deadline for all the GitHub calls of a request (config github.timeoutSeconds) */
  deadlines: RequestDeadlines;
  /** the per-user rate limit, run by the use case once it knows the caller */
  admitCaller: CallerAdmission;
}

interface V1Route<Input> {
  /** the path under /api/v1, then its aliases */
  paths: string[];
  /** the original's method first; GET is accepted everywhere */
  methods: string[];
  /** what the route needs beyond `team`, parsed before GitHub is asked anything */
  parse: (req: Request) => Input;
  useCase: (services: Services) => (request: CallerRequest<Input>) => Promise<unknown>;
}

const noInput = (): undefined => undefined;
/** Keeps each entry's input type tied between its parser and its use case. */
const route = <Input>(r: V1Route<Input>) => r as V1Route<unknown>;

export const V1_ROUTES: readonly V1Route<unknown>[] = [
  route({ paths: ["group-create", "group-add"], methods: ["POST", "GET"], parse: noInput, useCase: (s) => s.groupCreate }),
  route({ paths: ["group-delete"], methods: ["DELETE", "GET"], parse: (req) => ({ force: parseForce(req) }), useCase: (s) => s.groupDelete }),
  route({ paths: ["group-list"], methods: ["GET"], parse: noInput, useCase: (s) => s.groupList }),
  route({ paths: ["repos-add"], methods: ["PATCH", "GET"], parse: (req) => ({ repos: parseRepos(req) }), useCase: (s) => s.reposAdd }),
  route({ paths: ["repos-remove"], methods: ["PATCH", "GET"], parse: (req) => ({ repos: parseRepos(req) }), useCase: (s) => s.reposRemove }),
  route({ paths: ["repos-set"], methods: ["PATCH", "GET"], parse: (req) => ({ repos: parseRepos(req) }), useCase: (s) => s.reposSet }),
  route({ paths: ["token-register"], methods: ["GET", "POST"], parse: noInput, useCase: (s) => s.tokenRegister }),
  route({ paths: ["token-remove"], methods: ["GET", "POST"], parse: noInput, useCase: (s) => s.tokenRemove }),
];

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

  for (const route of V1_ROUTES) {
    const useCase = route.useCase(deps.services);
    const handle: RequestHandler = async (req, res) => {
      const team = parseTeam(req);
      res.locals.team = team;
      const input = route.parse(req);
      const token = parseAuthorization(req.get("authorization"));
      const result = await deps.deadlines.within(() =>
        useCase({
          token,
          team,
          input,
          requestId: res.locals.requestId,
          admit: (caller) => {
            res.locals.caller = caller;
            return deps.admitCaller(req, res, caller.login);
          },
        }),
      );
      sendSuccess(res, result);
    };
    for (const path of route.paths) router.all(`/${path}`, onlyMethods(route.methods), handle);
  }
  return router;
}
