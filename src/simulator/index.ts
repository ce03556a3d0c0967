/**
 * A stateful stand-in for the part of GitHub's REST API that actions-runner-manager uses.
 *
 * One seam, two ways in: `sim.fetch` is a WHATWG fetch (Octokit's `request.fetch` hook) for in-process
 * tests; `sim.nodeHandler` serves the same thing over HTTP(S), which `startSimulator` and the CLI use.
 */
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { systemClock, type Clock } from "../clock.js";
import { Authenticator } from "./auth.js";
import { handleControl, CONTROL_PREFIX } from "./control.js";
import { demoSeed } from "./demo-seed.js";
import { faultAnswer, Faults } from "./faults.js";
import { createFetch, type Fetch } from "./fetch.js";
import { appAuthRoutes } from "./handlers/app-auth.js";
import { runnerGroupRoutes } from "./handlers/runner-groups.js";
import { runnerRoutes } from "./handlers/runners.js";
import { userAndTeamRoutes } from "./handlers/users-teams.js";
import { DROP, notFound, type Answer, type Outcome, type SimRequest, type SimResponse } from "./http.js";
import { Journal, type JournalEntry } from "./journal.js";
import { createNodeHandler, type NodeHandler } from "./node-handler.js";
import { PrimaryRateLimit } from "./rate-limit.js";
import { compileRoutes, matchRoute, parseBody } from "./route-table.js";
import { appKeysFor, buildState, validateSeed, type Seed, type SeedInput } from "./seed.js";
import type { SimState } from "./state.js";

export { DEMO_TOKENS, demoSeed } from "./demo-seed.js";
export { loadSeedFile, parseSeedYaml, SeedError, type Seed, type SeedInput } from "./seed.js";
export { snapshot, type SimState } from "./state.js";
export type { Fault } from "./faults.js";
export type { JournalEntry } from "./journal.js";

export const ROUTES = compileRoutes([...appAuthRoutes, ...userAndTeamRoutes, ...runnerGroupRoutes, ...runnerRoutes]);
/** Every GitHub route the simulator serves, as "METHOD /template". */
export const SERVED_ROUTES: readonly string[] = ROUTES.map((r) => r.route);

export interface SimulatorOptions {
  /** the organization and its contents; the built-in demo seed when left out */
  seed?: SeedInput | Seed;
  clock?: Clock;
  /** serve under this prefix, as GitHub Enterprise Server serves /api/v3; "" for api.github.com */
  pathPrefix?: string;
  /** requests an hour for each credential before GitHub's primary rate limit answers 403 (default 5000) */
  rateLimitPerHour?: number;
  /** how many requests the journal keeps, newest last (default 10 000) */
  journalLimit?: number;
}

export interface Simulator {
  readonly state: SimState;
  readonly faults: Faults;
  /** PEM of the App's private key (PKCS#1), for the server under test to sign its JWTs with */
  readonly appPrivateKey: string | undefined;
  readonly pathPrefix: string;
  /** WHATWG fetch, for Octokit's `request: { fetch }` */
  fetch: Fetch;
  /** node:http request listener */
  nodeHandler: NodeHandler;
  /** calls per route template since start or the last reset; the total when `route` is left out */
  calls(route?: string): number;
  callsByRoute(): Record<string, number>;
  resetCalls(): void;
  journal(): readonly JournalEntry[];
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const clock = options.clock ?? systemClock;
  const seed = validateSeed(options.seed ?? demoSeed, "(options.seed)");
  const keys = appKeysFor(seed);
  const state = buildState(seed, keys, clock);
  const auth = new Authenticator(state, clock);
  const faults = new Faults(new Set(SERVED_ROUTES));
  const pathPrefix = (options.pathPrefix ?? "").replace(/\/+$/, "");
  const rateLimit = new PrimaryRateLimit(state, clock, options.rateLimitPerHour ?? 5000);
  const journal = new Journal(clock, options.journalLimit ?? 10_000);

  async function dispatch(req: SimRequest, signal?: AbortSignal | null): Promise<Outcome> {
    const match = matchRoute(ROUTES, req.method, req.path);
    if (!match) {
      journal.record({ method: req.method, route: null, path: req.path, status: 404, credential: "anonymous" });
      return notFound();
    }
    const { route, params } = match;
    journal.count(route.route);

    const injected = await faultAnswer(faults, route.route, signal);
    if (injected !== undefined) {
      journal.record({ method: req.method, route: route.route, path: req.path, status: injected === DROP ? "dropped" : injected.status, credential: "anonymous" });
      return injected;
    }

    const credential = auth.authenticate(req.headers.authorization, route.auth);
    if ("status" in credential) {
      journal.record({ method: req.method, route: route.route, path: req.path, status: credential.status, credential: "invalid" });
      return credential;
    }
    const rate = rateLimit.take(credential);
    let response: SimResponse;
    if (rate.refusal) {
      response = rate.refusal;
    } else {
      const parsed = parseBody(req.body, route.body);
      response = parsed.ok ? route.handler({ req, params, body: parsed.body, state, clock, credential }) : parsed.response;
    }
    journal.record({ method: req.method, route: route.route, path: req.path, status: response.status, credential: credential.kind });
    return { ...response, headers: { ...rate.headers, ...response.headers } };
  }

  /** Strips the prefix and routes control calls; everything else is GitHub. */
  const answer: Answer = async ({ method, url, headers, body, signal }) => {
    if (url.pathname.startsWith(CONTROL_PREFIX)) return handleControl(sim, method, url.pathname.slice(CONTROL_PREFIX.length), body);
    if (pathPrefix && !(url.pathname === pathPrefix || url.pathname.startsWith(`${pathPrefix}/`))) return notFound();
    const req: SimRequest = {
      method: method.toUpperCase(),
      path: url.pathname.slice(pathPrefix.length) || "/",
      query: url.searchParams,
      headers,
      body,
      apiRoot: `${url.origin}${pathPrefix}`,
    };
    return dispatch(req, signal);
  };

  const sim: Simulator = {
    state,
    faults,
    appPrivateKey: keys.privateKeyPem,
    pathPrefix,
    fetch: createFetch(answer),
    nodeHandler: createNodeHandler(answer),
    calls: (route) => journal.calls(route),
    callsByRoute: () => journal.callsByRoute(),
    resetCalls: () => journal.reset(),
    journal: () => journal.list(),
  };
  return sim;
}

export interface StartOptions extends SimulatorOptions {
  /** loopback by default */
  host?: string;
  /** 0 (the default) picks a free port */
  port?: number;
  /** serve HTTPS with this certificate and key (PEM) */
  tls?: { cert: string; key: string };
}

export interface RunningSimulator {
  /** the API root to give a client as `baseUrl`, e.g. http://127.0.0.1:43123 or …/api/v3 */
  url: string;
  sim: Simulator;
  state: SimState;
  server: Server;
  close(): Promise<void>;
}

export async function startSimulator(options: StartOptions = {}): Promise<RunningSimulator> {
  const sim = createSimulator(options);
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, sim.nodeHandler)
    : createHttpServer(sim.nodeHandler);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(":") ? `[${host}]` : host;
  return {
    url: `${options.tls ? "https" : "http"}://${hostInUrl}:${port}${sim.pathPrefix}`,
    sim,
    state: sim.state,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
