/**
 * The rate limits in Redis, shared by replicas, against a real redis-server (one per file, on a unix
 * socket, with a password): counted once across apps; when Redis dies, answers stay fast and follow
 * redis.onError (fail-open: counted in memory; fail-closed: 503), /readyz says so, and both recover when
 * Redis is back. Each "replica" here is an app of its own with its own Redis connection, as in production.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RedisOnError } from "../../src/config/schema.js";
import { createMetrics, type Metrics } from "../../src/metrics/metrics.js";
import { connectRedis } from "../../src/redis/connection.js";
import { DEMO_TOKENS } from "../../src/simulator/index.js";
import { redisUnavailable, startRedis, type TestRedis } from "../helpers/redis-server.js";
import { startTestApp, type TestApp } from "../helpers/start-test-app.js";

const PASSWORD = "redis-Pa55word-never-logged";
const skip = redisUnavailable();

interface Replica {
  app: TestApp;
  /** every line the replica logged, as "level message {fields}" */
  logged: string[];
}

/** A replica: the service started with its own `redis` configuration, as in production. */
async function replica(url: string, onError: RedisOnError, perUser: number, connectTimeoutMs = 1000, metrics?: Metrics): Promise<Replica> {
  const app = await startTestApp({
    rateLimit: { perUser, perAddress: 1000 },
    redis: { url, onError, connectTimeoutMs, commandTimeoutMs: 300 },
    ...(metrics ? { metrics } : {}),
  });
  return {
    app,
    get logged() {
      return app.logs
        .lines()
        .map(({ level, message, timestamp: _, ...fields }) => `${String(level)} ${String(message)} ${JSON.stringify(fields)}`);
    },
  };
}

async function closeAll(...replicas: Replica[]) {
  for (const r of replicas) await r.app.close();
}

/** Empties Redis of the counters of the tests before, through a connection of the test's own. */
async function flushAll(url: string): Promise<void> {
  const silent = { info: () => {}, warn: () => {}, debug: () => {} };
  const client = await connectRedis({ url, connectTimeoutMs: 1000, commandTimeoutMs: 1000 }, silent);
  await client.sendCommand(["FLUSHALL"]);
  await client.close();
}

const register = (r: Replica) => r.app.call("GET", "/api/v1/token-register", { token: DEMO_TOKENS.alice, query: { team: "platform" } });

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("not within the time allowed");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("rate limits shared in Redis", { skip }, () => {
  let redis: TestRedis;
  before(async () => {
    redis = await startRedis({ password: PASSWORD });
  });
  after(() => redis?.stop());

  test("when two replicas share Redis, then one user's burst split across them is limited as on one", async (t) => {
    const a = await replica(redis.url, "fail-open", 0.2);
    const b = await replica(redis.url, "fail-open", 0.2);
    t.after(() => closeAll(a, b));
    assert.equal((await register(a)).status, 200);
    const second = await register(b);
    assert.equal(second.status, 429);
    assert.match(second.headers.get("ratelimit")!, /limit=1, remaining=0/);
    // Another user is counted apart, and the per-address limit (another prefix) did not count the user's hits.
    assert.equal((await b.app.call("GET", "/api/v1/token-register", { token: DEMO_TOKENS.erin, query: { team: "data" } })).status, 200);
    for (const r of [a, b]) assert.ok(!r.logged.join("\n").includes(PASSWORD), "the Redis password reached a log line");
    // the password masked (by the connection, then by the logger's own redaction), the socket named
    assert.ok(a.logged.some((l) => l.startsWith("info Redis connected") && l.includes("unix://:[REDACTED]@/")));
  });

  test("when Redis dies, then answers stay fast and follow onError, /readyz says so, and both recover when it is back", async (t) => {
    const open = await replica(redis.url, "fail-open", 0.2);
    const metrics = createMetrics({ processMetrics: false });
    const closed = await replica(redis.url, "fail-closed", 0.2, 1000, metrics);
    t.after(() => closeAll(open, closed));
    await flushAll(redis.url);
    const redisUp = async () => /^arm_redis_up (\d)$/m.exec((await closed.app.call("GET", "/metrics")).body as string)?.[1];
    assert.equal(await redisUp(), "1");
    assert.deepEqual((await open.app.call("GET", "/readyz")).body, { Code: 200, Response: "ready" });

    await redis.kill();
    // fail-open: counted in this replica's memory meanwhile, so the limit still holds per replica.
    const first = await timed(() => register(open));
    assert.equal(first.result.status, 200);
    assert.ok(first.ms < 1000, `fail-open answered in ${first.ms} ms`);
    assert.equal((await register(open)).status, 429);
    const degraded = await open.app.call("GET", "/readyz");
    assert.equal(degraded.status, 200);
    assert.match(degraded.body.Response, /^ready \(degraded: Redis cannot be reached/);
    assert.equal(
      open.logged.filter((l) => l.includes("Redis cannot be used; counting in this replica's memory")).length,
      2,
      "one line per limiter, not per request",
    );

    // fail-closed: 503 in the envelope, with Retry-After, at once; not ready.
    const refused = await timed(() => register(closed));
    assert.equal(refused.result.status, 503);
    assert.ok(refused.ms < 1000, `fail-closed answered in ${refused.ms} ms`);
    assert.equal(refused.result.headers.get("retry-after"), "5");
    assert.match(refused.result.body.Error, /rate limits cannot be checked/);
    assert.equal((await closed.app.call("GET", "/api/v1/status")).status, 503, "the per-address limit is in Redis too");
    const notReady = await timed(() => closed.app.call("GET", "/readyz"));
    assert.equal(notReady.result.status, 503);
    assert.ok(notReady.ms < 1000);
    assert.equal(await redisUp(), "0");
    assert.equal(
      closed.app.sim.journal().filter((e) => e.route === "POST /orgs/{org}/actions/runners/registration-token").length,
      0,
      "nothing minted uncounted",
    );

    await redis.start();
    await eventually(async () => (await closed.app.call("GET", "/readyz")).status === 200);
    await eventually(async () => (await open.app.call("GET", "/readyz")).body.Response === "ready");
    // A fresh Redis knows neither the counters nor rate-limit-redis' scripts: both are set up again.
    assert.equal((await register(closed)).status, 200);
    assert.equal((await register(open)).status, 429, "counted in Redis again: the other replica's hit is seen");
    assert.ok(open.logged.some((l) => l.includes("are counted in Redis again")));
    for (const r of [open, closed]) assert.ok(!r.logged.join("\n").includes(PASSWORD), "the Redis password reached a log line");
  });

  test("when Redis hangs (connected, but silent), then requests wait at most the command timeout, once, and it is used again when it answers", async (t) => {
    const open = await replica(redis.url, "fail-open", 0.2);
    t.after(() => closeAll(open));
    await flushAll(redis.url);
    assert.equal((await register(open)).status, 200);
    redis.pause();
    t.after(() => redis.resume());
    const erin = () => open.app.call("GET", "/api/v1/token-register", { token: DEMO_TOKENS.erin, query: { team: "data" } });
    const first = await timed(erin);
    assert.equal(first.result.status, 200, "fail-open: counted in memory");
    assert.ok(first.ms < 1500, `the first request waited ${first.ms} ms (two limiters × 300 ms at most, and GitHub)`);
    const second = await timed(erin);
    assert.equal(second.result.status, 429, "counted in memory: the limit still holds in this replica");
    assert.ok(second.ms < 250, `Redis is not asked again at once: ${second.ms} ms`);
    const ready = await timed(() => open.app.call("GET", "/readyz"));
    assert.match(ready.result.body.Response, /^ready \(degraded/);
    assert.ok(ready.ms < 1000);

    redis.resume();
    await eventually(async () => (await open.app.call("GET", "/readyz")).body.Response === "ready");
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the store's cool-down after a failure
    assert.equal((await register(open)).status, 429, "alice's first request is still counted in Redis");
    assert.ok(open.logged.some((l) => l.includes("are counted in Redis again")));
  });

  test("when Redis is not there at start-up, then the server starts after connectTimeoutMs and uses Redis once it comes", async (t) => {
    const late = await startRedis({ password: PASSWORD });
    t.after(() => late.stop());
    await late.kill();
    const { result: r, ms } = await timed(() => replica(late.url, "fail-closed", 0.2, 300));
    t.after(() => closeAll(r));
    assert.ok(ms < 3000, `started in ${ms} ms`);
    assert.ok(r.logged.some((l) => l.startsWith("warn Redis not reachable within 300 ms at start-up")));
    assert.equal((await register(r)).status, 503);
    await late.start();
    await eventually(async () => (await r.app.call("GET", "/readyz")).status === 200);
    assert.equal((await register(r)).status, 200);
    assert.equal((await register(r)).status, 429);
  });
});
