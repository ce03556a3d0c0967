/**
 * A stateful stand-in for the part of GitHub's REST API that actions-runner-manager uses.
 *
 * One seam, two ways in: `sim.fetch` is a WHATWG fetch (Octokit's `request.fetch` hook) for in-process
 * tests; `sim.nodeHandler` serves the same thing over HTTP(S), which `startSimulator` and the CLI use.
 */
import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { systemClock, type Clock } from "../clock.js";
import { Authenticator } from "./auth.js";
import { handleControl, CONTROL_PREFIX } from "./control.js";
import { demoSeed } from "./demo-seed.js";
import { Faults } from "./faults.js";
import { appAuthRoutes } from "./handlers/app-auth.js";
import { runnerGroupRoutes } from "./handlers/runner-groups.js";
import { runnerRoutes } from "./handlers/runners.js";
import { userAndTeamRoutes } from "./handlers/users-teams.js";
import { errorResponse, notFound, type SimRequest, type SimResponse } from "./http.js";
import { compileRoutes, matchRoute, parseBody } from "./route-table.js";
import { appKeysFor, buildState, validateSeed, type Seed, type SeedInput } from "./seed.js";
import type { SimState } from "./state.js";

export { DEMO_TOKENS, demoSeed } from "./demo-seed.js";
export { loadSeedFile, parseSeedYaml, SeedError, type Seed, type SeedInput } from "./seed.js";
export { snapshot, type SimState } from "./state.js";
export type { Fault } from "./faults.js";

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

export interface JournalEntry {
  at: string;
  method: string;
  /** the GitHub route template, or null when no route matched */
  route: string | null;
  path: string;
  status: number | "dropped";
  credential: "anonymous" | "app" | "installation" | "user" | "invalid";
}

const DROP = Symbol("drop connection");
type Outcome = SimResponse | typeof DROP;

export interface Simulator {
  readonly state: SimState;
  readonly faults: Faults;
  /** PEM of the App's private key (PKCS#1), for the server under test to sign its JWTs with */
  readonly appPrivateKey: string | undefined;
  readonly pathPrefix: string;
  /** WHATWG fetch, for Octokit's `request: { fetch }` */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** node:http request listener */
  nodeHandler: (req: IncomingMessage, res: ServerResponse) => void;
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
  const rateLimitPerHour = options.rateLimitPerHour ?? 5000;
  const journalLimit = options.journalLimit ?? 10_000;
  const counters = new Map<string, number>();
  let journal: JournalEntry[] = [];

  function record(entry: Omit<JournalEntry, "at">): void {
    journal.push({ at: clock.now().toISOString(), ...entry });
    if (journal.length > journalLimit) journal = journal.slice(-journalLimit);
  }

  function rateLimitHeaders(key: string): { headers: Record<string, string>; exceeded: boolean } {
    const now = clock.now();
    let window = state.rateWindows.get(key);
    if (!window || window.resetAt.getTime() <= now.getTime()) {
      window = { limit: rateLimitPerHour, used: 0, resetAt: new Date(now.getTime() + 3_600_000) };
      state.rateWindows.set(key, window);
    }
    const exceeded = window.used >= window.limit;
    if (!exceeded) window.used += 1;
    return {
      exceeded,
      headers: {
        "x-ratelimit-limit": String(window.limit),
        "x-ratelimit-remaining": String(window.limit - window.used),
        "x-ratelimit-used": String(window.used),
        "x-ratelimit-reset": String(Math.floor(window.resetAt.getTime() / 1000)),
        "x-ratelimit-resource": "core",
      },
    };
  }

  async function dispatch(req: SimRequest, signal?: AbortSignal | null): Promise<Outcome> {
    const match = matchRoute(ROUTES, req.method, req.path);
    if (!match) {
      record({ method: req.method, route: null, path: req.path, status: 404, credential: "anonymous" });
      return notFound();
    }
    const { route, params } = match;
    counters.set(route.route, (counters.get(route.route) ?? 0) + 1);

    const latency = faults.latencyFor(route.route);
    if (latency > 0) await sleep(latency, undefined, { signal: signal ?? undefined });
    const fault = faults.take(route.route);
    if (fault?.kind === "delay") await sleep(fault.ms, undefined, { signal: signal ?? undefined });
    if (fault?.kind === "drop") {
      record({ method: req.method, route: route.route, path: req.path, status: "dropped", credential: "anonymous" });
      return DROP;
    }
    if (fault?.kind === "status") {
      const injected: SimResponse = fault.body === undefined
        ? errorResponse(fault.status, fault.status >= 500 ? "Server Error" : "Injected fault")
        : { status: fault.status, body: fault.body };
      record({ method: req.method, route: route.route, path: req.path, status: fault.status, credential: "anonymous" });
      return { ...injected, headers: { ...fault.headers } };
    }
    if (fault?.kind === "secondary-rate-limit") {
      record({ method: req.method, route: route.route, path: req.path, status: 403, credential: "anonymous" });
      const requestId = randomBytes(8).toString("hex").toUpperCase();
      return {
        ...errorResponse(
          403,
          `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
          "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        ),
        headers: { "retry-after": String(fault.retryAfterSeconds) },
      };
    }

    const credential = auth.authenticate(req.headers.authorization, route.auth);
    if ("status" in credential) {
      record({ method: req.method, route: route.route, path: req.path, status: credential.status, credential: "invalid" });
      return credential;
    }
    const rateKey =
      credential.kind === "user" ? `user:${credential.user.id}` : credential.kind === "installation" ? `installation:${credential.installationId}` : `app:${state.app.id}`;
    const rate = rateLimitHeaders(rateKey);
    let response: SimResponse;
    if (rate.exceeded) {
      const who = credential.kind === "user" ? `user ID ${credential.user.id}` : `installation ID ${state.app.installationId}`;
      response = errorResponse(403, `API rate limit exceeded for ${who}.`, "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api");
    } else {
      const parsed = parseBody(req.body, route.body);
      response = parsed.ok ? route.handler({ req, params, body: parsed.body, state, clock, credential }) : parsed.response;
    }
    record({ method: req.method, route: route.route, path: req.path, status: response.status, credential: credential.kind });
    return { ...response, headers: { ...rate.headers, ...response.headers } };
  }

  /** Strips the prefix and routes control calls; everything else is GitHub. */
  async function handle(method: string, url: URL, headers: Record<string, string>, body: string, signal?: AbortSignal | null): Promise<Outcome> {
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
  }

  function responseHeaders(outcome: SimResponse): Record<string, string> {
    return {
      ...(outcome.body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
      "x-github-media-type": "github.v3; format=json",
      "x-github-api-version-selected": "2022-11-28",
      "x-github-request-id": randomBytes(8).toString("hex").toUpperCase(),
      ...outcome.headers,
    };
  }

  const sim: Simulator = {
    state,
    faults,
    appPrivateKey: keys.privateKeyPem,
    pathPrefix,

    async fetch(input, init) {
      const request = new Request(input, init);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const body = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
      const outcome = await handle(request.method, new URL(request.url), headers, body, init?.signal ?? request.signal);
      if (outcome === DROP) {
        // What undici's fetch throws when the other side closes the socket.
        throw new TypeError("fetch failed", { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) });
      }
      const payload = outcome.body === undefined || outcome.status === 204 ? null : JSON.stringify(outcome.body);
      const response = new Response(payload, { status: outcome.status, headers: responseHeaders(outcome) });
      // A constructed Response has url "", unlike a fetched one; Octokit's paginate reads it.
      Object.defineProperty(response, "url", { value: request.url });
      return response;
    },

    nodeHandler(req, res) {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        // GitHub refuses bodies over 25 MB or so; we stop reading far earlier than memory would mind.
        if (size > 10 * 1024 * 1024) req.destroy();
        else chunks.push(chunk);
      });
      req.on("end", () => {
        const tls = "encrypted" in req.socket && req.socket.encrypted === true;
        const url = new URL(req.url ?? "/", `${tls ? "https" : "http"}://${req.headers.host ?? "127.0.0.1"}`);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = String(value);
        handle(req.method ?? "GET", url, headers, Buffer.concat(chunks).toString("utf8"))
          .then((outcome) => {
            if (outcome === DROP) {
              req.socket.destroy();
              return;
            }
            const payload = outcome.body === undefined || outcome.status === 204 ? undefined : JSON.stringify(outcome.body);
            res.writeHead(outcome.status, responseHeaders(outcome));
            res.end(payload);
          })
          .catch((error: unknown) => {
            const outcome = errorResponse(500, `simulator error: ${(error as Error).message}`);
            if (!res.headersSent) res.writeHead(500, responseHeaders(outcome));
            res.end(JSON.stringify(outcome.body));
          });
      });
    },

    calls: (route) => (route === undefined ? [...counters.values()].reduce((a, b) => a + b, 0) : counters.get(route) ?? 0),
    callsByRoute: () => Object.fromEntries([...counters.entries()].sort()),
    resetCalls: () => {
      counters.clear();
      journal = [];
    },
    journal: () => journal,
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
