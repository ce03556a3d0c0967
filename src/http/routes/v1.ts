/**
 * /api/v1: the Go original's routes, with its methods and GET on every route (the original README's curl
 * lines use plain GET); the runner routes that are new here take their own method only. A route parses its
 * parameters and the caller's token, hands them to its use case (which screens, identifies, admits and
 * authorizes the caller before it acts; see src/services/index.ts), charges the GitHub calls of a refused
 * request to whoever caused them (the refusal budget), and renders the answer. Parsing comes first, so bad
 * input is refused before GitHub is asked anything.
 */
import { Router, type RequestHandler } from "express";
import { ipKeyGenerator } from "express-rate-limit";
import { AppError } from "../../domain/errors.js";
import type { RequestDeadlines } from "../../request-deadline.js";
import { newCallMeter, type RequestMeters } from "../../request-meter.js";
import type { CallerRequest, Services } from "../../services/index.js";
import { sendSuccess } from "../envelope.js";
import type { CallerAdmission } from "../middleware/rate-limit.js";
import { onlyMethods } from "../middleware/only-methods.js";
import { refusalKey, REFUSED_STATUSES, type RefusalBudget } from "../middleware/refusal-budget.js";
import { parseAuthorization, parseV1Request, type V1RouteName } from "../parse.js";

export interface V1Deps {
  services: Services;
  /** one deadline for all the GitHub calls of a request (config github.timeoutSeconds) */
  deadlines: RequestDeadlines;
  /** the per-user rate limit, run by the use case once it knows the caller */
  admitCaller: CallerAdmission;
  /** the GitHub calls of refused requests, charged per caller (../middleware/refusal-budget.ts) */
  refusals?: RefusalBudget | undefined;
  /** each request's GitHub calls, counted by the call policy */
  meters?: RequestMeters | undefined;
}

interface V1Route {
  /** the path under /api/v1, then its aliases; each names its parameters in parse.ts (V1_PARAMETERS) */
  paths: V1RouteName[];
  /** the original's method first; GET is accepted everywhere */
  methods: string[];
  /** the use case; its input is what parseV1Request answered for the route, less `team` */
  useCase: (services: Services) => (request: CallerRequest<never>) => Promise<unknown>;
}

export const V1_ROUTES: readonly V1Route[] = [
  { paths: ["group-create", "group-add"], methods: ["POST", "GET"], useCase: (s) => s.groupCreate },
  { paths: ["group-delete"], methods: ["DELETE", "GET"], useCase: (s) => s.groupDelete },
  { paths: ["group-list"], methods: ["GET"], useCase: (s) => s.groupList },
  { paths: ["repos-add"], methods: ["PATCH", "GET"], useCase: (s) => s.reposAdd },
  { paths: ["repos-remove"], methods: ["PATCH", "GET"], useCase: (s) => s.reposRemove },
  { paths: ["repos-set"], methods: ["PATCH", "GET"], useCase: (s) => s.reposSet },
  { paths: ["token-register"], methods: ["GET", "POST"], useCase: (s) => s.tokenRegister },
  { paths: ["token-remove"], methods: ["GET", "POST"], useCase: (s) => s.tokenRemove },
  // New routes take their own method only: no GET for a change.
  { paths: ["runner-jitconfig"], methods: ["POST"], useCase: (s) => s.runnerJitconfig },
  { paths: ["runner-delete"], methods: ["DELETE"], useCase: (s) => s.runnerDelete },
  { paths: ["runner-prune"], methods: ["POST"], useCase: (s) => s.runnerPrune },
  { paths: ["runner-labels-add"], methods: ["PATCH"], useCase: (s) => s.runnerLabelsAdd },
  { paths: ["runner-labels-set"], methods: ["PATCH"], useCase: (s) => s.runnerLabelsSet },
  { paths: ["runner-labels-remove"], methods: ["PATCH"], useCase: (s) => s.runnerLabelsRemove },
  { paths: ["runner-move"], methods: ["PATCH"], useCase: (s) => s.runnerMove },
];

const STATUS_METHODS = ["GET"];

/** Every /api/v1 path of an action → the action's name (its route's first path), for the audit. */
export function v1Actions(): Map<string, string> {
  const actions = new Map<string, string>();
  for (const route of V1_ROUTES) for (const path of route.paths) actions.set(`/api/v1/${path}`, route.paths[0]!);
  return actions;
}

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
    const useCase = route.useCase(deps.services) as (request: CallerRequest<unknown>) => Promise<unknown>;
    for (const path of route.paths) {
      const handle: RequestHandler = async (req, res) => {
        const { team, ...input } = parseV1Request(path, req);
        res.locals.team = team;
        const token = parseAuthorization(req.get("authorization"));
        const refusals = deps.refusals;
        const address = req.ip === undefined ? undefined : ipKeyGenerator(req.ip);
        let screened: string | undefined;
        // the audit's meter (../middleware/request-audit.ts), which also names GitHub's request ids in the audit line
        const meter = res.locals.meter ?? newCallMeter();
        const work = () =>
          deps.deadlines.within(() =>
            useCase({
              token,
              team,
              input,
              requestId: res.locals.requestId,
              ...(res.locals.clientRequestId === undefined ? {} : { clientRequestId: res.locals.clientRequestId }),
              ...(req.ip !== undefined && { clientAddress: req.ip }),
              screen: async (known) => {
                // a cache already knows who owns the token: the audit names them even if they are refused here
                if (known) res.locals.caller = known;
                screened = refusalKey(known?.login, address);
                await refusals?.check(screened);
              },
              admit: async (caller) => {
                res.locals.caller = caller;
                const key = refusalKey(caller.login, address);
                if (key !== screened) await refusals?.check(key);
                return deps.admitCaller(req, res, caller.login);
              },
            }),
          );
        let result: unknown;
        try {
          result = await (deps.meters ? deps.meters.within(meter, work) : work());
        } catch (error) {
          // a refused request's GitHub calls are charged to whoever caused them
          if (refusals && error instanceof AppError && REFUSED_STATUSES.has(error.status) && meter.calls > 0) {
            await refusals.charge(refusalKey(res.locals.caller?.login, address), meter.calls);
          }
          throw error;
        }
        sendSuccess(res, result);
      };
      router.all(`/${path}`, onlyMethods(route.methods), handle);
    }
  }
  return router;
}
