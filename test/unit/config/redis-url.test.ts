/**
 * Redis URLs: which ones node-redis can use, and their printable form, password masked.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { redactRedisUrl, redisUrlProblem } from "../../../src/config/redis-url.js";

describe("redactRedisUrl", () => {
  test("when a URL holds a password, then only the password is masked; the user name and the rest stay", () => {
    assert.equal(redactRedisUrl("redis://user:pass@redis.example:6379/0"), "redis://user:***@redis.example:6379/0");
    assert.equal(redactRedisUrl("rediss://:p%40ss:w@rd@redis.example"), "rediss://:***@redis.example");
    assert.equal(redactRedisUrl("unix://arm:s3cret@/run/redis/redis.sock?db=2"), "unix://arm:***@/run/redis/redis.sock?db=2");
  });
  test("when a URL holds no password, then it is unchanged", () => {
    for (const url of ["redis://redis.example:6379", "redis://user@redis.example", "unix:///run/redis.sock"])
      assert.equal(redactRedisUrl(url), url);
  });
});

describe("redisUrlProblem", () => {
  test("when a URL is one node-redis reads, then there is no problem", () => {
    for (const url of [
      "redis://localhost",
      "redis://:pw@10.0.0.1:6380/3",
      "rediss://u:p@redis.example/",
      "unix:///tmp/r.sock",
      "unix://:pw@/tmp/r.sock?db=1",
      "redis://[::1]:6379",
    ]) {
      assert.equal(redisUrlProblem(url), undefined, url);
    }
  });
  test("when a URL is not, then the problem says what is expected and never repeats the URL", () => {
    for (const url of [
      "http://:hunter2pw@host",
      "redis://:hunter2pw@host/db",
      "unix://:hunter2pw@/",
      "hunter2pw",
      "redis://:hunter2pw@",
      "unix:///x?db=one",
    ]) {
      const problem = redisUrlProblem(url);
      assert.ok(problem !== undefined, url);
      assert.ok(!problem.includes("hunter2pw"), problem);
    }
  });
});
