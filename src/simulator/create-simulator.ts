/**
 * Puts the simulator together: a world built from the seed (state.ts, seed.ts), who may call what
 * (auth.ts), the route table (routes.ts), the test hooks (faults.ts, journal.ts, control.ts) and GitHub's
 * rate limit, behind one answer function that both seams call (fetch.ts, node-handler.ts).
 */
import { systemClock, type Clock } from "../clock.js";
import { Authenticator } from "./auth.js";
import { CONTROL_PREFIX, handleControl } from "./control.js";
import { demoSeed } from "./demo-seed.js";
import { dispatch, githubRequest, type DispatchDeps } from "./dispatch.js";
import { enterpriseServer } from "./enterprise-server.js";
import { Faults } from "./faults.js";
import { createFetch, type Fetch } from "./fetch.js";
import { DROP, notFound, type Answer } from "./http.js";
import { Journal, type JournalEntry } from "./journal.js";
import { createNodeHandler, type NodeHandler } from "./node-handler.js";
import { PrimaryRateLimit } from "./rate-limit.js";
import { ROUTES, SERVED_ROUTES } from "./routes.js";
import { appKeysFor, buildState, validateSeed, type Seed, type SeedInput } from "./seed.js";
import type { SimState } from "./state.js";

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
  /**
   * behave as this GitHub Enterprise Server release ("3.9", "3.14.2"): every answer carries
   * `X-GitHub-Enterprise-Version`, and routes the release lacks answer 404 (see enterprise-server.ts).
   * GHES serves its API under /api/v3: set `pathPrefix` too. api.github.com when left out.
   */
  enterpriseVersion?: string;
}

export interface Simulator {
  readonly state: SimState;
  readonly faults: Faults;
  /** PEM of the App's private key (PKCS#1), for the server under test to sign its JWTs with */
  readonly appPrivateKey: string | undefined;
  readonly pathPrefix: string;
  /** the `X-GitHub-Enterprise-Version` answers carry ("3.9.0"); undefined for api.github.com */
  readonly enterpriseVersion: string | undefined;
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
  const ghes = options.enterpriseVersion === undefined ? undefined : enterpriseServer(options.enterpriseVersion);
  const seed = validateSeed(options.seed ?? demoSeed, "(options.seed)");
  const keys = appKeysFor(seed);
  const state = buildState(seed, keys, clock);
  const pathPrefix = (options.pathPrefix ?? "").replace(/\/+$/, "");
  const github: DispatchDeps = {
    routes: ROUTES,
    state,
    clock,
    auth: new Authenticator(state, clock),
    // Faults name routes by template; a typo in a test must fail there, not pass silently.
    faults: new Faults(new Set(SERVED_ROUTES)),
    rateLimit: new PrimaryRateLimit(state, clock, options.rateLimitPerHour ?? 5000),
    journal: new Journal(clock, options.journalLimit ?? 10_000),
    ...(ghes ? { hasRoute: ghes.has } : {}),
  };

  // The test hooks under /_simulator, which no GitHub route uses; GitHub under the path prefix; nothing else.
  const answer: Answer = async (wire) => {
    if (wire.url.pathname.startsWith(CONTROL_PREFIX)) {
      return handleControl(sim, wire.method, wire.url.pathname.slice(CONTROL_PREFIX.length), wire.body);
    }
    const req = githubRequest(wire, pathPrefix);
    const outcome = req === undefined ? notFound() : await dispatch(github, req, wire.signal);
    // GHES names its release on every answer, errors included.
    return ghes && outcome !== DROP
      ? { ...outcome, headers: { ...outcome.headers, "x-github-enterprise-version": ghes.version } }
      : outcome;
  };

  const sim: Simulator = {
    state,
    faults: github.faults,
    appPrivateKey: keys.privateKeyPem,
    pathPrefix,
    enterpriseVersion: ghes?.version,
    fetch: createFetch(answer),
    nodeHandler: createNodeHandler(answer),
    calls: (route) => github.journal.calls(route),
    callsByRoute: () => github.journal.callsByRoute(),
    resetCalls: () => github.journal.reset(),
    journal: () => github.journal.list(),
  };
  return sim;
}
