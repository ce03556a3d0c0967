import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AppError } from "../../../src/domain/errors.js";
import { isTimeout, toAppError } from "../../../src/github/to-app-error.js";

/** Octokit's RequestError, by shape: name "HttpError", status, and `response` when GitHub answered. */
function httpError(status: number, message: string, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(message), { name: "HttpError", status, response: { headers, data: { message } } });
}

/** What @octokit/request throws when fetch fails: status 500, no response, fetch's error as cause. */
function connectionError(cause: unknown): Error {
  return Object.assign(new Error("other side closed"), { name: "HttpError", status: 500, cause });
}

const NOW = Date.parse("2026-11-25T12:00:00Z");
const mapped = (error: unknown) => {
  const result = toAppError(error, "doing things", NOW);
  assert.ok(result instanceof AppError, `expected an AppError, got ${String(result)}`);
  return { code: result.code, status: result.status, retryAfter: result.retryAfter, message: result.message, github: result.github };
};

describe("toAppError", () => {
  test("when GitHub answers 5xx, then 502 GITHUB_UNAVAILABLE without GitHub's body (it may be an HTML page)", () => {
    const result = mapped(httpError(502, "<html><body>Unicorn!</body></html>", { "x-github-request-id": "C0DE:1234" }));
    assert.deepEqual([result.code, result.status, result.retryAfter], ["GITHUB_UNAVAILABLE", 502, 5]);
    assert.equal(result.message, "GitHub answered 502 while doing things");
    assert.deepEqual(result.github, { status: 502, message: "<html><body>Unicorn!</body></html>", requestId: "C0DE:1234" }, "for the log");
  });

  test("when the connection fails (dropped, refused, reset), then 502 GITHUB_UNAVAILABLE", () => {
    const dropped = connectionError(
      new TypeError("fetch failed", { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) }),
    );
    assert.deepEqual(Object.values(mapped(dropped)).slice(0, 2), ["GITHUB_UNAVAILABLE", 502]);
    assert.match(mapped(dropped).message, /^GitHub could not be reached while doing things$/);
    assert.equal(mapped(dropped).retryAfter, 5);
    assert.equal(mapped(dropped).github?.status, undefined, "no answer came");
  });

  test("when a deadline fires (fetch's TimeoutError, bare or wrapped by Octokit, or an AbortError), then 504 GITHUB_TIMEOUT", () => {
    const timeout = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    for (const error of [timeout, connectionError(timeout), Object.assign(new DOMException("aborted", "AbortError"), { status: 500 })]) {
      assert.ok(isTimeout(error));
      assert.deepEqual([mapped(error).code, mapped(error).status, mapped(error).retryAfter], ["GITHUB_TIMEOUT", 504, 5]);
    }
  });

  test("when the primary rate limit is exhausted, then 503 GITHUB_RATE_LIMITED with Retry-After until x-ratelimit-reset", () => {
    const reset = String(NOW / 1000 + 120);
    const result = mapped(
      httpError(403, "API rate limit exceeded for installation ID 4242.", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }),
    );
    assert.deepEqual([result.code, result.status, result.retryAfter], ["GITHUB_RATE_LIMITED", 503, 120]);
  });

  test("when a secondary rate limit answers 403 or 429 with retry-after, then 503 with that Retry-After", () => {
    const secondary = mapped(
      httpError(403, "You have exceeded a secondary rate limit. Please wait a few minutes.", { "retry-after": "30" }),
    );
    assert.deepEqual([secondary.code, secondary.retryAfter], ["GITHUB_RATE_LIMITED", 30]);
    const tooMany = mapped(httpError(429, "Too Many Requests", { "retry-after": "7" }));
    assert.deepEqual([tooMany.code, tooMany.status, tooMany.retryAfter], ["GITHUB_RATE_LIMITED", 503, 7]);
    assert.equal(mapped(httpError(429, "Too Many Requests")).retryAfter, 60, "a minute when GitHub does not say");
  });

  test("when GitHub refuses the App (401, or 403 for anything but a rate limit), then 503 GITHUB_APP_UNAUTHORIZED", () => {
    assert.deepEqual(
      [mapped(httpError(401, "Bad credentials")).code, mapped(httpError(401, "Bad credentials")).status],
      ["GITHUB_APP_UNAUTHORIZED", 503],
    );
    assert.equal(mapped(httpError(401, "Bad credentials")).retryAfter, undefined, "waiting does not mend credentials");
    const forbidden = mapped(httpError(403, "Resource not accessible by integration", { "x-github-request-id": "C0DE:5678" }));
    assert.equal(forbidden.code, "GITHUB_APP_UNAUTHORIZED");
    assert.equal(forbidden.retryAfter, undefined);
    // GitHub's words describe the App's permissions: the log has them, the caller has ours
    assert.doesNotMatch(forbidden.message, /not accessible|integration/);
    assert.match(forbidden.message, /the server's log has GitHub's answer$/);
    assert.deepEqual(forbidden.github, { status: 403, message: "Resource not accessible by integration", requestId: "C0DE:5678" });
  });

  test("when GitHub answers another 4xx we did not expect, then 502 in our words, GitHub's message (kept short) for the log", () => {
    const result = mapped(httpError(422, `Validation Failed ${"x".repeat(1000)}`));
    assert.equal(result.code, "GITHUB_UNAVAILABLE");
    assert.equal(
      result.message,
      "GitHub answered 422 while doing things, which this service did not expect; the server's log has GitHub's answer",
    );
    assert.equal(result.retryAfter, undefined, "the same call would be refused again");
    assert.ok(result.github!.message.startsWith("Validation Failed") && result.github!.message.length < 600, "kept short in the log too");
  });

  test("when the error is ours (not GitHub's answer nor a failed connection), then it is handed back unchanged, to become a logged 500", () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    assert.equal(toAppError(bug, "doing things"), bug);
    const thrown = toAppError("a string", "doing things");
    assert.ok(thrown instanceof Error && !(thrown instanceof AppError));
  });

  test("when the error is already an AppError, then it is kept", () => {
    const error = new AppError("RUNNER_BUSY", "busy");
    assert.equal(toAppError(error, "doing things"), error);
  });
});
