/**
 * The refusal budget shared in Redis, against a real redis-server: one caller's refused calls made on one
 * replica count on the other, so spreading an attack over replicas buys nothing.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { DEMO_TOKENS } from "../../src/simulator/index.js";
import { redisUnavailable, startRedis, type TestRedis } from "../helpers/redis-server.js";
import { startTestApp } from "../helpers/start-test-app.js";

const skip = redisUnavailable();
const ON = { ttlSeconds: 60, maxEntries: 1000 };

describe("the refusal budget shared in Redis", { skip }, () => {
  let redis: TestRedis;
  before(async () => {
    redis = await startRedis({ password: "budget-Pa55" });
  });
  after(() => redis?.stop());

  test("when one account's refused requests are split across two replicas, then they are counted together", async (t) => {
    const replica = () =>
      startTestApp({
        cache: { identity: ON, maintainership: ON },
        githubBudget: { refusedCallsPerHour: 8 },
        redis: { url: redis.url, onError: "fail-open", commandTimeoutMs: 500 },
      });
    const a = await replica();
    const b = await replica();
    t.after(async () => {
      await a.close();
      await b.close();
    });
    const probe = (app: typeof a) =>
      app.call("GET", "/api/v1/token-register", { token: DEMO_TOKENS.dave, query: { team: `t-${randomUUID()}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await probe(i % 2 === 0 ? a : b)).status);
    // each replica's first request costs 3 (GET /user, the App's token, the membership), each later one 1
    assert.deepEqual(statuses, [403, 403, 403, 403, 429, 429]);
    b.sim.resetCalls();
    const refused = await probe(b);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get("retry-after")) > 3000);
    assert.equal(b.sim.calls(), 0);
    assert.equal((await b.call("GET", "/api/v1/token-register", { token: DEMO_TOKENS.alice, query: { team: "platform" } })).status, 200);
  });
});
