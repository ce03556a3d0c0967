/**
 * One request for GitHub, met in the order GitHub meets it: the route, then any fault armed for it, the
 * credential, the rate limit, the body, and last the handler. A request for a known route is counted as
 * it arrives; every request is journaled with the status of whatever answered it.
 */
import type { Clock } from "../clock.js";
import type { Authenticator, Credential } from "./auth.js";
import { faultAnswer, type Faults } from "./faults.js";
import { DROP, notFound, type Outcome, type SimRequest, type SimResponse, type WireRequest } from "./http.js";
import type { Journal, JournalEntry } from "./journal.js";
import type { PrimaryRateLimit } from "./rate-limit.js";
import { matchRoute, parseBody, type CompiledRoute } from "./route-table.js";
import type { SimState } from "./state.js";

export interface DispatchDeps {
  routes: readonly CompiledRoute[];
  state: SimState;
  clock: Clock;
  auth: Authenticator;
  faults: Faults;
  rateLimit: PrimaryRateLimit;
  journal: Journal;
  /** whether the simulated release has the route (GitHub Enterprise Server lacks newer ones); all when left out */
  hasRoute?: (route: string) => boolean;
}

/**
 * The request below the API root, or undefined when the path is outside it: GitHub Enterprise Server
 * serves the REST API under /api/v3 and nothing else there.
 */
export function githubRequest(wire: WireRequest, pathPrefix: string): SimRequest | undefined {
  const { pathname } = wire.url;
  if (pathPrefix && !(pathname === pathPrefix || pathname.startsWith(`${pathPrefix}/`))) return undefined;
  return {
    method: wire.method.toUpperCase(),
    path: pathname.slice(pathPrefix.length) || "/",
    query: wire.url.searchParams,
    headers: wire.headers,
    body: wire.body,
    apiRoot: `${wire.url.origin}${pathPrefix}`,
  };
}

export async function dispatch(deps: DispatchDeps, req: SimRequest, signal?: AbortSignal | null): Promise<Outcome> {
  const record = (route: string | null, status: JournalEntry["status"], credential: JournalEntry["credential"]) =>
    deps.journal.record({ method: req.method, route, path: req.path, status, credential });

  const match = matchRoute(deps.routes, req.method, req.path);
  // A route the simulated GHES release does not have is, for it, no route at all.
  if (!match || deps.hasRoute?.(match.route.route) === false) {
    record(null, 404, "anonymous");
    return notFound();
  }
  const { route, params } = match;
  deps.journal.count(route.route);

  const injected = await faultAnswer(deps.faults, route.route, signal);
  if (injected !== undefined) {
    record(route.route, injected === DROP ? "dropped" : injected.status, "anonymous");
    return injected;
  }

  const credential = deps.auth.authenticate(req.headers.authorization, route.auth, req.apiRoot);
  if ("status" in credential) {
    record(route.route, credential.status, "invalid");
    return credential;
  }

  const rate = deps.rateLimit.take(credential);
  const response = rate.refusal ?? serve(deps, route, req, params, credential);
  record(route.route, response.status, credential.kind);
  return { ...response, headers: { ...rate.headers, ...response.headers } };
}

/** The handler's answer, or GitHub's 400/422 for a body that is not JSON or breaks the operation's schema. */
function serve(
  deps: DispatchDeps,
  route: CompiledRoute,
  req: SimRequest,
  params: Record<string, string>,
  credential: Credential,
): SimResponse {
  const parsed = parseBody(req.body, route.body);
  return parsed.ok ? route.handler({ req, params, body: parsed.body, state: deps.state, clock: deps.clock, credential }) : parsed.response;
}
