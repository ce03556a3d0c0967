/**
 * The Redis connection's own policy, apart from a running Redis (test/api/redis-rate-limits.test.ts has that).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { reconnectDelayMs } from "../../../src/redis/connection.js";

test("when Redis keeps failing, then reconnection backs off from 50 ms to at most about 3 s", () => {
  assert.ok(reconnectDelayMs(0) >= 50 && reconnectDelayMs(0) < 150);
  assert.ok(reconnectDelayMs(3) >= 400 && reconnectDelayMs(3) < 500);
  for (const retries of [6, 20, 1000]) assert.ok(reconnectDelayMs(retries) >= 3000 && reconnectDelayMs(retries) < 3100);
});
