/**
 * The group lock in Redis, against a real redis-server: two locks on one Redis (two replicas) order their
 * work on one key; a wait past its bound is 503; a lock is released only by its holder; while Redis is down,
 * fail-open orders within the replica and fail-closed refuses.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { AppError } from "../../../src/domain/errors.js";
import { connectRedis, type SharedRedis } from "../../../src/redis/connection.js";
import { createSharedGroupLock } from "../../../src/redis/shared-group-lock.js";
import { createKeyedLock } from "../../../src/services/group-lock.js";
import { redisUnavailable, startRedis, type TestRedis } from "../../helpers/redis-server.js";

const quiet = { info: () => {}, warn: () => {}, debug: () => {} };

describe("the group lock in Redis", { skip: redisUnavailable() }, () => {
  let redis: TestRedis;
  let connection: SharedRedis;

  before(async () => {
    redis = await startRedis();
    connection = await connectRedis({ url: redis.url, connectTimeoutMs: 2000, commandTimeoutMs: 500 }, quiet);
  });
  after(async () => {
    await connection?.close();
    await redis?.stop();
  });

  const replica = (options: { waitMs?: number; onError?: "fail-open" | "fail-closed" } = {}) =>
    createSharedGroupLock({
      redis: connection,
      local: createKeyedLock(),
      ttlMs: 5_000,
      waitMs: options.waitMs ?? 3_000,
      onError: options.onError ?? "fail-closed",
      log: quiet,
    });

  test("when two replicas run work on one team at once, then one runs after the other; other teams do not wait", async () => {
    const [a, b] = [replica(), replica()];
    const events: string[] = [];
    const work = (name: string, ms: number) => async () => {
      events.push(`${name} start`);
      await sleep(ms);
      events.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([a.run("platform", work("a", 150)), b.run("platform", work("b", 10)), b.run("data", work("c", 10))]);
    assert.deepEqual(results, ["a", "b", "c"]);
    const platform = events.filter((e) => !e.startsWith("c"));
    assert.ok(
      JSON.stringify(platform) === JSON.stringify(["a start", "a end", "b start", "b end"]) ||
        JSON.stringify(platform) === JSON.stringify(["b start", "b end", "a start", "a end"]),
      `interleaved: ${events.join(", ")}`,
    );
    assert.ok(events.indexOf("c end") < events.indexOf("a end"), "team data did not wait for team platform");
    assert.equal(await connection.sendCommand(["EXISTS", "arm:lock:group:platform"]), 0, "released");
  });

  test("when the lock is held past the wait, then 503 with Retry-After, and the work never runs", async () => {
    const [a, b] = [replica(), replica({ waitMs: 100 })];
    let ran = false;
    const holding = a.run("platform", () => sleep(400));
    await sleep(20);
    await assert.rejects(
      b.run("platform", () => {
        ran = true;
        return Promise.resolve();
      }),
      (error: unknown) => error instanceof AppError && error.status === 503 && error.retryAfter === 1,
    );
    assert.equal(ran, false);
    await holding;
  });

  test("when a lock expired and another replica took it, then the first one's release leaves it alone", async () => {
    const a = createSharedGroupLock({
      redis: connection,
      local: createKeyedLock(),
      ttlMs: 100,
      waitMs: 1000,
      onError: "fail-closed",
      log: quiet,
    });
    await a.run("ops", async () => {
      await sleep(200); // outlives its 100 ms
      await connection.sendCommand(["SET", "arm:lock:group:ops", "someone-else", "PX", "5000"]);
    });
    assert.equal(await connection.sendCommand(["GET", "arm:lock:group:ops"]), "someone-else");
    await connection.sendCommand(["DEL", "arm:lock:group:ops"]);
  });

  test("when Redis is down, then fail-open runs the work (ordered within the replica) and fail-closed refuses with 503", async () => {
    await redis.kill();
    try {
      assert.equal(await replica({ onError: "fail-open" }).run("platform", () => Promise.resolve("done")), "done");
      await assert.rejects(
        replica({ onError: "fail-closed" }).run("platform", () => Promise.resolve("done")),
        (error: unknown) => error instanceof AppError && error.code === "GROUP_LOCK_UNAVAILABLE" && error.status === 503,
      );
    } finally {
      await redis.start();
    }
  });
});
