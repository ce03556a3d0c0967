/**
 * Wires a validated Config into a running service: logger → metrics → GitHub clients and their caches →
 * Redis (when configured) → use cases → app → server (and the metrics listener, when metrics.port is set).
 * main.ts (production), demo.ts (the simulator's demo organization) and the tests all start through here.
 */
import { createApp } from "./app.js";
import { redactConfig } from "./config/load-config.js";
import { proxyForLog, type OutboundProxy } from "./config/outbound-proxy.js";
import type { Config } from "./config/schema.js";
import { systemClock, type Clock } from "./clock.js";
import { withCaches } from "./github/cached-github.js";
import { createGitHub, type GitHubOptions } from "./github/create-github.js";
import { proxiedFetch, type ProxiedFetch } from "./github/proxied-fetch.js";
import type { SharedRateLimitStore } from "./redis/shared-rate-limit-store.js";
import { BlockList, isIP } from "node:net";
import { createLogger, type Logger, type LoggerHandle } from "./logging/create-logger.js";
import { answerClientError } from "./http/client-error.js";
import { inOriginForm } from "./http/request-target.js";
import { startMetricsServer, type MetricsServer } from "./http/metrics-server.js";
import { startProbeServer, type ProbeServer } from "./http/probe-server.js";
import { createMetrics, type Metrics } from "./metrics/metrics.js";
import { tlsCertificateExpiry } from "./metrics/tls-certificate.js";
import type { SharedRedis } from "./redis/connection.js";
import { createRequestDeadlines } from "./request-deadline.js";
import { createRequestMeters } from "./request-meter.js";
import { memoryRefusalCounter, type RefusalCounter } from "./refusal-counter.js";
import { startServer, type ServerTimeouts } from "./server.js";
import { createKeyedLock, type KeyedLock } from "./services/group-lock.js";
import { createServices } from "./services/index.js";
import { watchCredentials } from "./services/credentials.js";
import { VERSION } from "./version.js";

export interface ServiceOptions {
  /** how GitHub is reached; globalThis.fetch unless a test or the demo says otherwise */
  fetch?: typeof globalThis.fetch;
  /**
   * the outbound proxy for GitHub's API (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, read by serve-command.ts); ignored
   * when `fetch` is given. Redis is reached directly.
   */
  outboundProxy?: OutboundProxy;
  /** where log lines go besides the rotating file; stdout by default */
  logStreams?: NodeJS.WritableStream[];
  /** a logger built already (serve builds it first, to log its own start-up through it); closed by close() */
  logging?: LoggerHandle;
  /** the caches' clock */
  clock?: Clock;
  /** the metrics to count into; a new registry unless given (tests read the one they pass) */
  metrics?: Metrics;
  /** GitHub call settings below the configuration's resolution of whole seconds, for tests that must stay fast */
  github?: Partial<Pick<GitHubOptions, "timeoutMs" | "retryBaseMs" | "retryAfterUnitMs" | "maxRetryAfterSeconds">> & {
    /** one caller request's deadline, in ms (config github.timeoutSeconds) */
    requestTimeoutMs?: number;
  };
  /** the server's timeouts against slow clients; the defaults (src/server.ts) unless a test must see a 408 soon */
  serverTimeouts?: Partial<ServerTimeouts>;
  /**
   * check the App's credentials against GitHub once at start-up, in the background (src/services/credentials.ts);
   * true unless a test that counts GitHub calls turns it off
   */
  checkCredentials?: boolean;
}

export interface Service {
  url: string;
  /** the metrics listener's URL, when metrics.port is set */
  metricsUrl?: string;
  /** the probe listener's URL (plain HTTP, /healthz and /readyz only), when server.probePort is set */
  probeUrl?: string;
  log: Logger;
  /** settles once the start-up check of the App's credentials has ended (at once when it is off) */
  credentialsChecked: Promise<void>;
  /** stops taking connections, lets requests in flight finish, flushes the log */
  close(): Promise<void>;
}

/** The less safe choices the policy allows, each said once at start-up (see the README's "Security"). */
function warnOfLessSafePolicies(policy: Config["policy"], log: { warn(message: string): void }, auth?: Config["auth"]): void {
  if (auth?.requireOrgAccess === false) {
    log.warn(
      "auth.requireOrgAccess is false: any token that can call GET /user identifies its owner, even one the organization " +
        "refuses (not authorized for its SAML single sign-on, or issued by an OAuth app it has not approved, such as a " +
        "third-party 'Sign in with GitHub' site's). See the README, 'Security'.",
    );
  }
  if (policy.groupPrefix === "") {
    const who =
      policy.teams.allow === undefined
        ? "the maintainers of any team (which any organization member may create)"
        : "the maintainers of the teams in policy.teams.allow";
    log.warn(
      `policy.groupPrefix is empty: a team's managed group is the group named exactly after it, so ${who} ` +
        "control an admin-made group of the same name. See the README, 'Coming from the Go original'.",
    );
  }
  if (policy.registrationTokens === "allow") {
    log.warn(
      "policy.registrationTokens is allow: token-register hands out organization-wide registration tokens, with which a runner " +
        "can join any runner group (Default included) or replace another team's runner of the same name. Set it to deny once " +
        "runner hosts use runner-jitconfig. See the README, 'Security'.",
    );
  }
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Whether `address` reaches this host only: 127.0.0.0/8, ::1 (IPv4-mapped 127.x too), or the name localhost. */
export function isLoopback(address: string): boolean {
  const bare = address
    .trim()
    .replace(/^\[|\]$/g, "")
    .toLowerCase();
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
  if (mapped !== undefined) return isIP(mapped) === 4 && LOOPBACK.check(mapped, "ipv4");
  const family = isIP(bare);
  return family !== 0 && LOOPBACK.check(bare, family === 4 ? "ipv4" : "ipv6");
}

/** Plain HTTP where others can listen: callers' tokens and minted runner tokens would cross the network readable. */
function warnOfPlainHttp(server: Config["server"], log: { warn(message: string, fields?: Record<string, unknown>): void }): void {
  if (server.tls.enabled || isLoopback(server.address)) return;
  log.warn(
    `server.address ${server.address} serves plain HTTP: callers' GitHub tokens and the runner tokens minted for them travel ` +
      "in clear text to and from this address. Configure server.tls (enabled: true, certFile, keyFile), or listen on " +
      "127.0.0.1 behind a proxy on the same host that terminates TLS. See the README, 'Running it'.",
    { address: server.address, port: server.port },
  );
}

/**
 * /readyz asks GitHub (an installation token) at most once in this long, whatever the number of probes:
 * every replica's kubelet probes every few seconds, and each probe would otherwise be a call on the App.
 */
const READY_CHECK_INTERVAL_MS = 5000;

/** `check`, run at most once per `intervalMs` (on `clock`); callers in between share its last result. */
function atMostEvery(intervalMs: number, clock: Clock, check: () => Promise<void>): () => Promise<void> {
  let last: { at: number; result: Promise<void> } | undefined;
  return () => {
    const now = clock.now().getTime();
    if (last !== undefined && now - last.at < intervalMs && now >= last.at) return last.result;
    const result = check();
    result.catch(() => undefined);
    last = { at: now, result };
    return result;
  };
}

export async function startService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const logging = options.logging ?? createLogger(config.logging, options.logStreams ? { streams: options.logStreams } : {});
  const log = logging.logger;
  // The first line says which release starts, so that any later line of a rollout can be read against it.
  log.info("starting actions-runner-manager", { version: VERSION, nodeVersion: process.versions.node });
  warnOfLessSafePolicies(config.policy, log, config.auth);
  warnOfPlainHttp(config.server, log);
  const metrics = options.metrics ?? createMetrics();
  const { requestTimeoutMs, ...githubTimings } = options.github ?? {};
  const deadlines = createRequestDeadlines(requestTimeoutMs ?? config.github.timeoutSeconds * 1000);
  const meters = createRequestMeters();
  const clock = options.clock ?? systemClock;
  let proxy: ProxiedFetch | undefined;
  if (options.fetch === undefined && options.outboundProxy !== undefined) {
    proxy = proxiedFetch(options.outboundProxy);
    log.info("GitHub is reached through an outbound proxy", {
      httpsProxy: proxyForLog(options.outboundProxy.httpsProxy ?? options.outboundProxy.httpProxy),
      httpProxy: proxyForLog(options.outboundProxy.httpProxy),
      noProxy: options.outboundProxy.noProxy,
    });
  }
  const fetch = options.fetch ?? proxy?.fetch;
  const github = withCaches(
    createGitHub({
      org: config.org,
      appId: config.appId,
      installationId: config.installationId,
      privateKeyPem: config.privateKeyPem,
      baseUrl: config.baseUrl,
      log,
      deadlines,
      timeoutMs: config.github.callTimeoutSeconds * 1000,
      retries: config.github.retries,
      onGitHubCall: metrics.githubCall,
      requireOrgAccess: config.auth.requireOrgAccess,
      meters,
      reserve: config.server.githubBudget.reserve,
      clock,
      ...(fetch ? { fetch } : {}),
      ...githubTimings,
    }),
    {
      ...config.cache,
      clock,
      onLookup: (cache, result) => (result === "hit" ? metrics.cacheHit(cache) : metrics.cacheMiss(cache)),
    },
  );
  metrics.watchCaches(() => github.cacheSizes());

  // Several replicas share their rate-limit counters in Redis; connected (or given up on, after
  // connectTimeoutMs) before the stores are built, since their first use loads rate-limit-redis' scripts.
  let redis: SharedRedis | undefined;
  let stores: { userStore?: SharedRateLimitStore; addressStore?: SharedRateLimitStore } = {};
  let locks: KeyedLock = createKeyedLock();
  let refusalCounter: RefusalCounter = memoryRefusalCounter(clock);
  if (config.redis.url !== undefined) {
    // Loaded only when configured: the Redis client is memory that a lone replica never uses.
    const [{ connectRedis }, { SharedRateLimitStore }, { createSharedGroupLock }, { sharedRefusalCounter }] = await Promise.all([
      import("./redis/connection.js"),
      import("./redis/shared-rate-limit-store.js"),
      import("./redis/shared-group-lock.js"),
      import("./redis/shared-refusal-counter.js"),
    ]);
    const connected = await connectRedis({ ...config.redis, url: config.redis.url }, log);
    redis = connected;
    metrics.watchRedis(connected.isReady);
    const store = (prefix: string, name: string) =>
      new SharedRateLimitStore({ redis: connected, prefix, name, onError: config.redis.onError, log });
    stores = { userStore: store("arm:rl:user:", "per user"), addressStore: store("arm:rl:address:", "per client address") };
    // Changes to one team's group are ordered across the replicas. The lock outlives any request (the
    // GitHub deadline, plus a margin), and a change waits for it at most 10 s (half the deadline when that is shorter).
    const requestMs = requestTimeoutMs ?? config.github.timeoutSeconds * 1000;
    locks = createSharedGroupLock({
      redis: connected,
      local: createKeyedLock(),
      ttlMs: requestMs + 10_000,
      waitMs: Math.min(10_000, requestMs / 2),
      onError: config.redis.onError,
      log,
    });
    refusalCounter = sharedRefusalCounter({ redis: connected, prefix: "arm:refused:", onError: config.redis.onError, clock, log });
  }

  // The audit trail: the log's "audit" lines, one per change made on GitHub (`audit` names the change) and
  // one per request to an action (`audit: "request"`, with its outcome); see the README, "Running it".
  const auditLine = (fields: object) => log.info("audit", { ...fields });
  const useCases = createServices({
    github,
    locks,
    audit: ({ action, ...fields }) => auditLine({ audit: action, ...fields }),
    policy: config.policy,
  });
  const credentials = watchCredentials({ github, log, checkAtStart: options.checkCredentials ?? true });
  const services = {
    ...useCases,
    checkGitHub: atMostEvery(READY_CHECK_INTERVAL_MS, clock, async () => {
      await credentials.requireAccepted();
      await useCases.checkGitHub();
    }),
  };
  const app = createApp({
    services,
    deadlines,
    meters,
    refusals: { perHour: config.server.githubBudget.refusedCallsPerHour, counter: refusalCounter },
    log,
    audit: auditLine,
    rateLimit: { perUser: config.server.rateLimit, perAddress: config.server.ipRateLimit, ...stores },
    ...(redis ? { redis: { ping: redis.ping, onError: config.redis.onError } } : {}),
    metrics,
    metricsRoute: config.metrics.port === undefined,
    ...(config.metrics.token === undefined ? {} : { metricsToken: config.metrics.token }),
    ...(config.server.trustProxy !== undefined && { trustProxy: config.server.trustProxy }),
  });

  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let metricsServer: MetricsServer | undefined;
  let probeServer: ProbeServer | undefined;
  try {
    const listener = inOriginForm(app);
    // config.server.tls carries clientCAFile (mutual TLS) through; the log reports certificate reloads.
    const certificateExpiry = tlsCertificateExpiry(metrics.registry);
    server = await startServer(listener, {
      ...config.server,
      shutdownGraceMs: config.server.shutdownGraceSeconds * 1000,
      log,
      onCertificate: (certificate) => certificateExpiry(new Date(certificate.validTo)),
      ...(options.serverTimeouts ? { timeouts: options.serverTimeouts } : {}),
      // What Node answers before the app (408, 431, 400) is counted with the app's answers.
      onClientError: (error, socket) => {
        const status = answerClientError(error, socket);
        if (status !== undefined) metrics.answeredBeforeRouting(status);
      },
    });
    if (config.server.probePort !== undefined) {
      probeServer = await startProbeServer(listener, { address: config.server.address, port: config.server.probePort });
    }
    if (config.metrics.port !== undefined) {
      metricsServer = await startMetricsServer(metrics, {
        address: config.metrics.address ?? config.server.address,
        port: config.metrics.port,
        ...(config.metrics.token === undefined ? {} : { token: config.metrics.token }),
      });
    }
  } catch (error) {
    log.error("cannot listen", {
      server: { address: config.server.address, port: config.server.port, probePort: config.server.probePort },
      metrics: config.metrics,
      error,
    });
    await server?.close();
    await probeServer?.close();
    await redis?.close();
    await proxy?.close();
    await logging.close();
    throw error;
  }
  const running = server;
  if (metricsServer) log.info("metrics listening", { url: `${metricsServer.url}/metrics` });
  if (probeServer) log.info("probes listening", { url: probeServer.url, paths: ["/healthz", "/readyz"] });
  log.info("listening", { url: running.url, version: VERSION, config: redactConfig(config) });
  return {
    url: running.url,
    ...(metricsServer ? { metricsUrl: metricsServer.url } : {}),
    ...(probeServer ? { probeUrl: probeServer.url } : {}),
    log,
    credentialsChecked: credentials.started,
    async close() {
      log.info("shutting down: finishing requests in flight");
      await running.close();
      await metricsServer?.close();
      await probeServer?.close();
      stores.userStore?.shutdown();
      stores.addressStore?.shutdown();
      await redis?.close();
      await proxy?.close();
      log.info("stopped");
      await logging.close();
    },
  };
}
