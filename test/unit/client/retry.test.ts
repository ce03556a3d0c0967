/**
 * The client's retry decisions (src/client/retry.ts) without waiting: which failures are tried again for
 * which kind of command, how long it waits (backoff with jitter, Retry-After as a floor), and --max-wait.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RetryRule } from "../../../src/client/commands.js";
import { NoAnswer } from "../../../src/client/request.js";
import { decideRetry, retryAfterMs, type Outcome } from "../../../src/client/retry.js";

const NOW = Date.parse("2026-12-03T12:00:00Z");
const answered = (status: number, headers: Record<string, string> = {}): Outcome => ({ answer: { status, headers, body: "{}" } });
const noAnswer = (kind: "connect" | "tls" | "dropped" | "timeout", sent: boolean): Outcome => ({ problem: new NoAnswer(kind, kind, sent) });

function decide(
  rule: RetryRule,
  outcome: Outcome,
  extra: { failures?: number; elapsedMs?: number; maxWaitMs?: number; random?: number } = {},
) {
  return decideRetry({
    rule,
    outcome,
    failures: extra.failures ?? 1,
    elapsedMs: extra.elapsedMs ?? 0,
    maxWaitMs: extra.maxWaitMs ?? 120_000,
    nowMs: NOW,
    random: () => extra.random ?? 0.5,
  });
}

describe("client retries: what is sent again", () => {
  const table: Array<[RetryRule, string, Outcome, boolean]> = [
    ["idempotent", "429", answered(429), true],
    ["idempotent", "502", answered(502), true],
    ["idempotent", "503", answered(503), true],
    ["idempotent", "504", answered(504), true],
    ["idempotent", "500 (not one that passes by itself)", answered(500), false],
    ["idempotent", "403", answered(403), false],
    ["idempotent", "a connection dropped after sending", noAnswer("dropped", true), true],
    ["idempotent", "a TLS handshake refused", noAnswer("tls", false), false],
    ["when-not-done", "429 (nothing done)", answered(429), true],
    ["when-not-done", "503 (nothing done)", answered(503), true],
    ["when-not-done", "502 (may be done)", answered(502), false],
    ["when-not-done", "504 (may be done)", answered(504), false],
    ["when-not-done", "a connection refused (never sent)", noAnswer("connect", false), true],
    ["when-not-done", "a connection dropped after sending", noAnswer("dropped", true), false],
    ["when-not-done", "no answer in time after sending", noAnswer("timeout", true), false],
    ["never", "429", answered(429), false],
    ["never", "a connection refused", noAnswer("connect", false), false],
  ];
  for (const [rule, what, outcome, retried] of table) {
    test(`${rule}: ${what} → ${retried ? "sent again" : "not sent again"}`, () => {
      assert.equal(decide(rule, outcome).retry, retried);
    });
  }

  test("a change of unknown outcome, and runner-jitconfig, say why they were not sent again", () => {
    assert.deepEqual(decide("when-not-done", answered(502)), {
      retry: false,
      why: "not sent again: the change may have been made; check before repeating it",
    });
    assert.deepEqual(decide("never", answered(502)), { retry: false, why: "not sent again: each attempt would register another runner" });
  });
});

describe("client retries: how long it waits", () => {
  test("backoff doubles from 1 s up to 30 s, jittered between half and all of it", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((failures) => {
      const low = decide("idempotent", answered(502), { failures, random: 0 });
      const high = decide("idempotent", answered(502), { failures, random: 0.999999 });
      assert.ok(low.retry && high.retry);
      return [Math.round(low.delayMs), Math.round(high.delayMs)];
    });
    assert.deepEqual(delays, [
      [500, 1000],
      [1000, 2000],
      [2000, 4000],
      [4000, 8000],
      [8000, 16000],
      [15000, 30000],
      [15000, 30000],
    ]);
  });

  test("Retry-After, in seconds or as a date, is a floor", () => {
    const seconds = decide("idempotent", answered(429, { "retry-after": "7" }), { random: 0 });
    assert.deepEqual(seconds.retry && Math.round(seconds.delayMs), 7000);
    const date = decide("idempotent", answered(503, { "retry-after": new Date(NOW + 12_000).toUTCString() }), { random: 0 });
    assert.deepEqual(date.retry && Math.round(date.delayMs), 12_000);
    assert.equal(retryAfterMs("soon", NOW), undefined);
    assert.equal(retryAfterMs(new Date(NOW - 5000).toUTCString(), NOW), 0);
  });

  test("it gives up when the wait would pass --max-wait, and says so", () => {
    assert.deepEqual(decide("idempotent", answered(429, { "retry-after": "60" }), { maxWaitMs: 10_000 }), {
      retry: false,
      why: "the service answered 429; gave up: waiting 60 s as the service asks would pass --max-wait (10 s)",
    });
    assert.equal(decide("idempotent", answered(502), { failures: 3, elapsedMs: 119_000 }).retry, false);
    assert.equal(decide("idempotent", answered(502), { failures: 3, elapsedMs: 100_000 }).retry, true);
  });
});
