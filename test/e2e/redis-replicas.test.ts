/**
 * Two server processes (src/main.ts through tsx) sharing one real redis-server, as two replicas behind one
 * Service: one user's requests are counted together; when Redis is killed, each answers at once under its
 * redis.onError policy and its /readyz says so; when Redis is back, they recover. The Redis password is in
 * the URL (one in the config file, one in ARM_REDIS_URL) and must appear in no output.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DEMO_TOKENS, startSimulator } from "../../src/simulator/index.js";
import { spawnEntry, STARTUP_WAIT_MS, type Spawned } from "../helpers/processes.js";
import { redisUnavailable, startRedis, type TestRedis } from "../helpers/redis-server.js";

const PASSWORD = "e2e-Redis-Pa55word-never-printed";

async function timedFetch(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: { Code: number; Response?: string; Error?: string }; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, init);
  const body = (await response.json()) as { Code: number; Response?: string; Error?: string };
  return { status: response.status, body, ms: performance.now() - started };
}

describe("two replicas sharing Redis (processes)", { skip: redisUnavailable() }, () => {
  let redis: TestRedis;
  let github: Awaited<ReturnType<typeof startSimulator>>;
  const servers: Spawned[] = [];
  let openUrl = "";
  let closedUrl = "";

  before(async () => {
    redis = await startRedis({ password: PASSWORD });
    github = await startSimulator();
    const dir = mkdtempSync(join(tmpdir(), "arm-replicas-"));
    writeFileSync(join(dir, "app.pem"), github.sim.appPrivateKey!, { mode: 0o600 });
    const config = (name: string, lines: string[]) => {
      const path = join(dir, `${name}.yml`);
      writeFileSync(
        path,
        [
          "org: acme",
          "appID: 424242",
          "installationID: 4242",
          `privateKeyFile: ${join(dir, "app.pem")}`,
          `baseUrl: ${github.url}`,
          "logging: { ephemeral: true, level: debug }",
          // one request per 5 s per user: a burst of two is one too many
          "server: { address: 127.0.0.1, port: 0, rateLimit: 0.2 }",
          ...lines,
        ].join("\n"),
        { mode: 0o600 },
      );
      return path;
    };
    // Replica "open" reads the URL from its file, "closed" from ARM_REDIS_URL, as the Helm chart passes a Secret.
    const open = spawnEntry("src/main.ts", [
      "--config",
      config("open", [`redis: { url: "${redis.url}", onError: fail-open, commandTimeoutMs: 300 }`]),
    ]);
    const closed = spawnEntry("src/main.ts", ["--config", config("closed", ["redis: { onError: fail-closed, commandTimeoutMs: 300 }"])], {
      env: { ARM_REDIS_URL: redis.url },
    });
    servers.push(open, closed);
    const listening = /"message":"listening".*?"url":"(http:\/\/127\.0\.0\.1:\d+)"/;
    [openUrl, closedUrl] = await Promise.all([open.waitFor(listening, STARTUP_WAIT_MS), closed.waitFor(listening, STARTUP_WAIT_MS)]).then(
      (m) => m.map((match) => match[1]!),
    );
  });

  after(async () => {
    for (const server of servers) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    await github?.close();
    await redis?.stop();
    for (const server of servers) {
      const output = server.stdout() + server.stderr();
      assert.ok(!output.includes(PASSWORD), "the Redis password was printed");
    }
  });

  const register = (base: string) =>
    timedFetch(`${base}/api/v1/token-register?team=platform`, { headers: { authorization: `token ${DEMO_TOKENS.alice}` } });

  test("when one user's burst is split across the replicas, then it is limited as on one", async () => {
    assert.equal((await register(openUrl)).status, 200);
    const second = await register(closedUrl);
    assert.equal(second.status, 429);
    assert.match(second.body.Error!, /Rate limit exceeded \(per user\)/);
    // The configuration is logged with the URL's password masked (then marked again by the log's own redaction).
    for (const server of servers) assert.match(server.stdout(), /"redis":\{"url":"unix:\/\/:\[REDACTED\]@\//);
  });

  test("when Redis is killed, then each replica answers at once under its policy, and /readyz says so; then they recover", async () => {
    await redis.kill();
    const open = await register(openUrl);
    assert.equal(open.status, 200, "fail-open: counted in the replica's memory meanwhile");
    assert.ok(open.ms < 1000, `fail-open answered in ${open.ms} ms`);
    const closed = await register(closedUrl);
    assert.equal(closed.status, 503, "fail-closed");
    assert.ok(closed.ms < 1000, `fail-closed answered in ${closed.ms} ms`);

    const openReady = await timedFetch(`${openUrl}/readyz`);
    assert.equal(openReady.status, 200);
    assert.match(openReady.body.Response!, /^ready \(degraded: Redis cannot be reached/);
    const closedReady = await timedFetch(`${closedUrl}/readyz`);
    assert.equal(closedReady.status, 503);
    assert.match(closedReady.body.Error!, /Redis.*cannot be reached \(redis\.onError: fail-closed\)/);
    assert.ok(openReady.ms < 1000 && closedReady.ms < 1000);

    await redis.start();
    // Each replica reconnects on its own schedule: wait for each to say "ready", not for one and then assume the other.
    const until = Date.now() + 10_000;
    for (const [name, url] of [
      ["fail-closed", closedUrl],
      ["fail-open", openUrl],
    ] as const) {
      while ((await timedFetch(`${url}/readyz`)).body.Response !== "ready") {
        assert.ok(Date.now() < until, `the ${name} replica did not become ready again`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    assert.equal((await register(closedUrl)).status, 200);
    assert.equal((await register(openUrl)).status, 429, "shared again");
    assert.match(servers[0]!.stdout(), /rate limits \(per user\) are counted in Redis again/);
  });
});
