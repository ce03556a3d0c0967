/**
 * A fresh world per test: a simulator (in process, through its fetch seam), and the service started as
 * production starts it (startService, from a configuration that went through the real parser), logging
 * into memory and served over real HTTPS on 127.0.0.1:0. Calls go through undici's fetch trusting the
 * throwaway certificate, as curl with --cacert would.
 */
import { Agent, fetch as undiciFetch } from "undici";
import { stringify } from "yaml";
import { parseConfig } from "../../src/config/load-config.js";
import type { Config, RedisOnError } from "../../src/config/schema.js";
import { selfSignedCertificate, type SelfSignedCertificate } from "../../src/demo/self-signed.js";
import type { Clock } from "../../src/clock.js";
import type { Metrics } from "../../src/metrics/metrics.js";
import { startService, type ServiceOptions } from "../../src/service.js";
import { createSimulator, demoSeed, type SeedInput, type Simulator, type SimulatorOptions } from "../../src/simulator/index.js";
import { assertMatchesContract } from "./api-contract.js";
import { createLogSink, type LogSink } from "./log-sink.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testAppKey } from "./github-adapter.js";

let certificate: Promise<SelfSignedCertificate & { certFile: string; keyFile: string }> | undefined;

/** One certificate per test process (tests never need a second one unless they test rotation). */
export function testCertificate() {
  certificate ??= selfSignedCertificate().then((pair) => {
    const dir = mkdtempSync(join(tmpdir(), "arm-tls-"));
    const certFile = join(dir, "cert.pem");
    const keyFile = join(dir, "key.pem");
    writeFileSync(certFile, pair.cert);
    writeFileSync(keyFile, pair.key, { mode: 0o600 });
    return { ...pair, certFile, keyFile };
  });
  return certificate;
}

type CacheName = keyof Config["cache"];

export interface TestAppOptions {
  seed?: SeedInput;
  simulator?: SimulatorOptions;
  /** config server.rateLimit (perUser) and server.ipRateLimit (perAddress); generous unless given */
  rateLimit?: { perUser?: number; perAddress?: number };
  minRepoPermission?: Config["policy"]["minRepoPermission"];
  /** config policy.groupPrefix; the schema's default ("team-") unless given */
  groupPrefix?: string;
  /** config policy.teams.allow; every team unless given */
  allowTeams?: string[];
  /** more of config `policy`, as an operator would write it (registrationTokens, runnerLabels, maxRunnersPerTeam, …) */
  policy?: Record<string, unknown>;
  /** config policy.teams.parent; none unless given */
  parentTeam?: string;
  /** caches in front of GitHub, as in production (config `cache`); none unless given, so that tests see every call */
  cache?: Partial<Record<CacheName, { ttlSeconds: number; maxEntries: number }>>;
  /** the caches' clock */
  clock?: Clock;
  /** abort one GitHub call after this long (createGitHub's timeoutMs) */
  githubTimeoutMs?: number;
  /** Prometheus metrics to count into, served at /metrics */
  metrics?: Metrics;
  /**
   * config auth.requireOrgAccess; false unless given, so that other tests count only their use case's GitHub
   * calls (test/api/org-access.test.ts tests it on)
   */
  requireOrgAccess?: boolean;
  /** config `metrics` (port, address, token), as an operator would write it */
  metricsConfig?: Record<string, unknown>;
  /** config server.githubBudget (refusedCallsPerHour, reserve); the schema's defaults unless given */
  githubBudget?: { refusedCallsPerHour?: number; reserve?: string | number };
  /** the start-up check of the App's credentials (production's default); off unless given */
  checkCredentialsAtStart?: boolean;
  /** more of config `server`, as an operator would write it (trustProxy, maxConnections, maxConnectionsPerAddress) */
  server?: Record<string, unknown>;
  /** config `redis`: the shared rate-limit counters */
  redis?: { url: string; onError?: RedisOnError; connectTimeoutMs?: number; commandTimeoutMs?: number };
  /** the server's timeouts against slow clients (headersMs, checkIntervalMs, …); the defaults unless given */
  serverTimeouts?: ServiceOptions["serverTimeouts"];
  /**
   * GitHub call settings: `retries` (config github.retries, 0 unless given), timings below a second, and
   * `wrapFetch` to watch or alter what goes to the simulator (e.g. record the App's JWTs).
   */
  github?: NonNullable<ServiceOptions["github"]> & {
    retries?: number;
    wrapFetch?: (fetch: typeof globalThis.fetch) => typeof globalThis.fetch;
  };
}

export interface CallOptions {
  token?: string;
  /** the Authorization header exactly as sent; wins over `token` */
  authorization?: string;
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

const OFF = { ttlSeconds: 0, maxEntries: 0 };
const NO_CACHES = { identity: OFF, maintainership: OFF, teamParents: OFF, runnerGroups: OFF, repoPermissions: OFF };

/** The configuration file a test's service runs with, as an operator would write it. */
function testConfig(sim: Simulator, options: TestAppOptions, cert: { certFile: string; keyFile: string }): Config {
  const retries = options.github?.retries ?? 0;
  const file = {
    org: sim.state.org.login,
    appID: sim.state.app.id,
    installationID: sim.state.app.installationId,
    baseUrl: `http://sim.test${sim.pathPrefix}`,
    logging: { ephemeral: true, level: "debug" },
    server: {
      address: "127.0.0.1",
      port: 0,
      rateLimit: options.rateLimit?.perUser ?? 1000,
      ipRateLimit: options.rateLimit?.perAddress ?? 10_000,
      tls: { enabled: true, certFile: cert.certFile, keyFile: cert.keyFile },
      ...(options.githubBudget ? { githubBudget: options.githubBudget } : {}),
      ...options.server,
    },
    github: { retries },
    cache: { ...NO_CACHES, ...options.cache },
    policy: {
      minRepoPermission: options.minRepoPermission ?? "write",
      ...(options.groupPrefix === undefined ? {} : { groupPrefix: options.groupPrefix }),
      teams: {
        ...(options.allowTeams === undefined ? {} : { allow: options.allowTeams }),
        ...(options.parentTeam === undefined ? {} : { parent: options.parentTeam }),
      },
      ...options.policy,
    },
    ...(options.redis ? { redis: options.redis } : {}),
    auth: { requireOrgAccess: options.requireOrgAccess ?? false },
    ...(options.metricsConfig ? { metrics: options.metricsConfig } : {}),
  };
  return parseConfig(stringify(file), { source: "(test)", env: { ARM_PRIVATE_KEY: sim.appPrivateKey! } }).config;
}

export interface TestApp {
  url: string;
  /** the PEM file of the service's self-signed certificate, for clients' --cacert */
  caFile: string;
  sim: Simulator;
  logs: LogSink;
  call(method: string, path: string, options?: CallOptions): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const seed = options.seed ?? demoSeed;
  // One App key per test process: generating RSA keys is the slowest part of starting a simulator.
  const sim = createSimulator({ ...options.simulator, seed: { ...seed, app: { ...seed.app, privateKey: testAppKey() } } });
  const logs = createLogSink();
  const cert = await testCertificate();
  const { wrapFetch, retries: _, ...timings } = options.github ?? {};
  const server = await startService(testConfig(sim, options, cert), {
    fetch: wrapFetch?.(sim.fetch) ?? sim.fetch,
    logStreams: [logs.stream],
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.serverTimeouts ? { serverTimeouts: options.serverTimeouts } : {}),
    github: { ...timings, ...(options.githubTimeoutMs === undefined ? {} : { timeoutMs: options.githubTimeoutMs }) },
    // its calls (GET /app, the installation, a token) would change the counts and faults of every other test
    checkCredentials: options.checkCredentialsAtStart ?? false,
  });
  const dispatcher = new Agent({ connect: { ca: cert.cert } });

  return {
    url: server.url,
    caFile: cert.certFile,
    sim,
    logs,
    async call(method, path, callOptions = {}) {
      const url = new URL(`${server.url}${path}`);
      for (const [name, value] of Object.entries(callOptions.query ?? {})) url.searchParams.set(name, value);
      const headers: Record<string, string> = { ...callOptions.headers };
      if (callOptions.authorization !== undefined) headers.authorization = callOptions.authorization;
      else if (callOptions.token !== undefined) headers.authorization = `token ${callOptions.token}`;
      const body = callOptions.rawBody ?? (callOptions.body === undefined ? undefined : JSON.stringify(callOptions.body));
      if (body !== undefined && headers["content-type"] === undefined) headers["content-type"] = "application/json";
      const response = await undiciFetch(url, { method, headers, dispatcher, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        // not JSON: keep the text, so the test can show what came
      }
      const responseHeaders = response.headers as unknown as Headers;
      // Every answer of every test is held to openapi.yaml.
      assertMatchesContract(method, url.pathname, response.status, responseHeaders, parsed);
      return { status: response.status, headers: responseHeaders, body: parsed };
    },
    async close() {
      await server.close();
      await dispatcher.close();
    },
  };
}

/**
 * The Config of a server on 127.0.0.1 (plain HTTP, any free port) for `github`, a simulator started on its own
 * port, with `extra` top-level keys: for tests that start a service themselves (startService) to see a listener
 * or an option startTestApp does not set.
 */
export function plainHttpConfig(
  github: { url: string; state: { app: { id: number; installationId: number } }; sim: { appPrivateKey: string | undefined } },
  extra: Record<string, unknown> = {},
): Config {
  const file = {
    org: "acme",
    appID: github.state.app.id,
    installationID: github.state.app.installationId,
    baseUrl: github.url,
    logging: { ephemeral: true },
    server: { address: "127.0.0.1", port: 0 },
    ...extra,
  };
  return parseConfig(stringify(file), { source: "(test)", env: { ARM_PRIVATE_KEY: github.sim.appPrivateKey! } }).config;
}
