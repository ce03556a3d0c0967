/**
 * A fresh world per test: a simulator (in process, through its fetch seam), the real GitHub adapter
 * over it, a logger writing into memory, and the app served over real HTTPS on 127.0.0.1:0.
 * Calls go through undici's fetch trusting the throwaway certificate, as curl with --cacert would.
 */
import { Agent, fetch as undiciFetch } from "undici";
import { createApp, type AppDeps } from "../../src/app.js";
import { selfSignedCertificate, type SelfSignedCertificate } from "../../src/demo/self-signed.js";
import { systemClock, type Clock } from "../../src/clock.js";
import { withCaches, type CacheOptions } from "../../src/github/cached-github.js";
import { createGitHub, type GitHubOptions } from "../../src/github/create-github.js";
import { createLogger } from "../../src/logging/create-logger.js";
import { createRequestDeadlines } from "../../src/request-deadline.js";
import type { Metrics } from "../../src/metrics/metrics.js";
import { startServer } from "../../src/server.js";
import { createSimulator, demoSeed, type SeedInput, type Simulator, type SimulatorOptions } from "../../src/simulator/index.js";
import { assertMatchesContract } from "./api-contract.js";
import { createLogSink, type LogSink } from "./log-sink.js";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let appKey: string | undefined;
const testAppKey = () =>
  (appKey ??= generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey);

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

export interface TestAppOptions {
  seed?: SeedInput;
  simulator?: SimulatorOptions;
  rateLimit?: Partial<AppDeps["rateLimit"]>;
  minRepoPermission?: AppDeps["policy"]["minRepoPermission"];
  /** caches in front of GitHub, as in production (config `cache`); none unless given, so that tests see every call */
  cache?: Partial<Omit<CacheOptions, "clock">>;
  /** the caches' clock */
  clock?: Clock;
  /** abort one GitHub call after this long (createGitHub's timeoutMs) */
  githubTimeoutMs?: number;
  /** Prometheus metrics, wired as startService does (GitHub calls, caches, HTTP, rate limits) and served at /metrics */
  metrics?: Metrics;
  /** the shared rate-limit store's readiness, as startService passes it when redis.url is set */
  redis?: AppDeps["redis"];
  /**
   * createGitHub's retry settings (retries: 0 unless given), each caller request's deadline
   * (`requestTimeoutMs`, 30 s unless given), and `wrapFetch` to watch or alter what goes to the
   * simulator (e.g. record the App's JWTs).
   */
  github?: Partial<Pick<GitHubOptions, "retries" | "retryBaseMs" | "maxRetryAfterSeconds" | "retryAfterUnitMs">> & {
    requestTimeoutMs?: number;
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
const NO_CACHES = { identity: OFF, maintainership: OFF, runnerGroups: OFF, repoPermissions: OFF };

export interface TestApp {
  url: string;
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
  const logging = createLogger(
    { ephemeral: true, level: "debug", compress: false, logDirectory: "/nonexistent", maxAgeDays: 1, maxBackups: 1, maxSizeMB: 1 },
    { streams: [logs.stream] },
  );
  const logger = logging.logger;
  const deadlines = createRequestDeadlines(options.github?.requestTimeoutMs ?? 30_000);
  const uncached = createGitHub({
    org: sim.state.org.login,
    appId: sim.state.app.id,
    installationId: sim.state.app.installationId,
    privateKeyPem: sim.appPrivateKey!,
    baseUrl: `http://sim.test${sim.pathPrefix}`,
    fetch: options.github?.wrapFetch?.(sim.fetch) ?? sim.fetch,
    log: logger,
    deadlines,
    retries: 0,
    ...(options.metrics ? { onGitHubCall: options.metrics.githubCall } : {}),
    ...(options.githubTimeoutMs === undefined ? {} : { timeoutMs: options.githubTimeoutMs }),
    ...(({ wrapFetch: _, requestTimeoutMs: __, ...settings }) => settings)(options.github ?? {}),
  });
  const onLookup = options.metrics && ((cache: string, result: "hit" | "miss") => (result === "hit" ? options.metrics!.cacheHit(cache) : options.metrics!.cacheMiss(cache)));
  const github = options.cache ? withCaches(uncached, { ...NO_CACHES, ...options.cache, clock: options.clock ?? systemClock, ...(onLookup ? { onLookup } : {}) }) : uncached;
  const app = createApp({
    github,
    deadlines,
    log: logger,
    policy: { minRepoPermission: options.minRepoPermission ?? "write" },
    rateLimit: { perUser: 1000, perAddress: 10_000, ...options.rateLimit },
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.redis ? { redis: options.redis } : {}),
  });
  const cert = await testCertificate();
  const server = await startServer(app, { address: "127.0.0.1", port: 0, tls: { enabled: true, certFile: cert.certFile, keyFile: cert.keyFile } });
  const dispatcher = new Agent({ connect: { ca: cert.cert } });

  return {
    url: server.url,
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
      await logging.close();
    },
  };
}
