/**
 * The call policy on a plain Octokit over the in-process simulator (an installation token minted
 * beforehand, so that only the calls under test reach GitHub): which calls are sent again, how a rate
 * limit is waited out, that no retry is planned past the deadline, and that a call is logged and
 * counted once however many attempts it took.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, test } from "node:test";
import { Octokit } from "@octokit/rest";
import { createCallPolicy, isRepeatable, type CallPolicyOptions } from "../../../src/github/call-policy.js";
import { isTimeout } from "../../../src/github/to-app-error.js";
import { createRequestDeadlines } from "../../../src/request-deadline.js";
import { createSimulator, demoSeed } from "../../../src/simulator/index.js";
import { installationToken, SIM_ORIGIN } from "../../helpers/sim-clients.js";

const JITCONFIG = "POST /orgs/{org}/actions/runners/generate-jitconfig";
const CREATE_GROUP = "POST /orgs/{org}/actions/runner-groups";
const GROUPS = "GET /orgs/{org}/actions/runner-groups";
const REGISTRATION_TOKEN = "POST /orgs/{org}/actions/runners/registration-token";

// One App key for the file: generating RSA keys is the slowest part of starting a simulator.
const privateKey = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

interface Logged {
  level: "debug" | "warn";
  message: string;
  fields?: Record<string, unknown>;
}

async function setUp(options: Partial<CallPolicyOptions> & { requestTimeoutMs?: number } = {}) {
  const { requestTimeoutMs = 30_000, ...settings } = options;
  const sim = createSimulator({ seed: { ...demoSeed, app: { ...demoSeed.app, privateKey } } });
  const token = await installationToken(sim);
  sim.resetCalls();
  const logged: Logged[] = [];
  const counted: Array<[string, number | string, number | undefined]> = [];
  const deadlines = createRequestDeadlines(requestTimeoutMs);
  const policy = createCallPolicy({
    fetch: sim.fetch,
    deadlines,
    timeoutMs: 10_000,
    retries: 3,
    retryBaseMs: 5,
    maxRetryAfterSeconds: 5,
    retryAfterUnitMs: 20,
    log: {
      debug: (message, fields) => logged.push({ level: "debug", message, ...(fields ? { fields } : {}) }),
      warn: (message, fields) => logged.push({ level: "warn", message, ...(fields ? { fields } : {}) }),
    },
    onGitHubCall: (route, status, _durationMs, rateLimit) => counted.push([route, status, rateLimit.remaining]),
    ...settings,
  });
  const octokit = new (Octokit.plugin(policy.plugin))({
    auth: token,
    baseUrl: `${SIM_ORIGIN}${sim.pathPrefix}`,
    request: { fetch: policy.fetch },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  return { sim, octokit, deadlines, logged, counted };
}

const status = (expected: number) => (error: unknown) => (error as { status?: number }).status === expected;

describe("which calls are sent again after a 5xx or a failed connection", () => {
  test("when the method is idempotent or the POST mints a token, then it may be repeated; any other POST or PATCH may not", () => {
    for (const [method, url] of [
      ["GET", "/orgs/{org}/actions/runner-groups"],
      ["HEAD", "/"],
      ["PUT", "/orgs/{org}/actions/runner-groups/{runner_group_id}/repositories"],
      ["DELETE", "/orgs/{org}/actions/runners/{runner_id}"],
      ["POST", "/orgs/{org}/actions/runners/registration-token"],
      ["POST", "/orgs/{org}/actions/runners/remove-token"],
      ["POST", "/app/installations/{installation_id}/access_tokens"],
    ] as const) {
      assert.equal(isRepeatable(method, url), true, `${method} ${url}`);
    }
    for (const [method, url] of [
      ["POST", "/orgs/{org}/actions/runner-groups"],
      ["POST", "/orgs/{org}/actions/runners/generate-jitconfig"],
      ["PATCH", "/orgs/{org}/actions/runner-groups/{runner_group_id}"],
    ] as const) {
      assert.equal(isRepeatable(method, url), false, `${method} ${url}`);
    }
  });

  test("when generate-jitconfig answers 500, then it is sent once and the 500 is the answer, though retries are on", async () => {
    const { sim, octokit } = await setUp({ retries: 3 });
    sim.faults.failNext(JITCONFIG, { status: 500, times: 5 });
    await assert.rejects(
      octokit.request(JITCONFIG, { org: "acme", name: "jit-1", runner_group_id: 1, labels: ["self-hosted"] }),
      status(500),
    );
    assert.equal(sim.calls(JITCONFIG), 1);
  });

  test("when creating a runner group answers 500 or drops, then it is sent once, though retries are on", async () => {
    const { sim, octokit } = await setUp({ retries: 3 });
    sim.faults.failNext(CREATE_GROUP, { status: 500, times: 5 });
    await assert.rejects(octokit.request(CREATE_GROUP, { org: "acme", name: "platform" }), status(500));
    sim.faults.clear();
    sim.faults.dropNext(CREATE_GROUP, 5);
    await assert.rejects(octokit.request(CREATE_GROUP, { org: "acme", name: "platform" }), status(500));
    assert.equal(sim.calls(CREATE_GROUP), 2);
    assert.ok(![...sim.state.runnerGroups.values()].some((g) => g.name === "platform"));
  });

  test("when a GET answers 500 twice, then it is retried and the third answer is the caller's, logged and counted once", async () => {
    const { sim, octokit, logged, counted } = await setUp({ retries: 3 });
    sim.faults.failNext(GROUPS, { status: 500, times: 2 });
    const { status: answered } = await octokit.request(GROUPS, { org: "acme" });
    assert.equal(answered, 200);
    assert.equal(sim.calls(GROUPS), 3);
    const lines = logged.filter((l) => l.message.startsWith("GitHub GET"));
    assert.deepEqual(
      lines.map((l) => [l.message, l.fields?.attempts]),
      [[`GitHub ${GROUPS} 200`, 3]],
    );
    assert.deepEqual(
      counted.map(([route, outcome]) => [route, outcome]),
      [[GROUPS, 200]],
    );
    assert.equal(typeof counted[0]![2], "number", "x-ratelimit-remaining");
  });

  test("when a 4xx comes, then it is never repeated", async () => {
    const { sim, octokit } = await setUp({ retries: 3 });
    sim.faults.failNext(GROUPS, { status: 404, times: 5 });
    await assert.rejects(octokit.request(GROUPS, { org: "acme" }), status(404));
    assert.equal(sim.calls(GROUPS), 1);
  });
});

describe("rate limits", () => {
  test("when GitHub answers 429 with a short retry-after, then the call waits that long once and succeeds", async () => {
    const { sim, octokit, logged } = await setUp({ retryAfterUnitMs: 50 });
    sim.faults.failNext(REGISTRATION_TOKEN, { status: 429, headers: { "retry-after": "2" } });
    const started = performance.now();
    const { status: answered } = await octokit.request(REGISTRATION_TOKEN, { org: "acme" });
    const elapsed = performance.now() - started;
    assert.equal(answered, 201);
    assert.ok(elapsed >= 95, `waited ${Math.round(elapsed)} ms of the 2 × 50 ms asked`);
    assert.equal(sim.calls(REGISTRATION_TOKEN), 2);
    assert.deepEqual(
      logged.filter((l) => l.level === "warn").map((l) => [l.message, l.fields?.retryAfter, l.fields?.retrying]),
      [["GitHub secondary rate limit", 2, true]],
    );
  });

  test("when a call that is never repeated after a 5xx is rate limited briefly, then it is sent again: GitHub refused it without doing it", async () => {
    const { sim, octokit } = await setUp();
    sim.faults.secondaryRateLimitNext(CREATE_GROUP, { retryAfterSeconds: 1 });
    const { status: answered } = await octokit.request(CREATE_GROUP, { org: "acme", name: "platform" });
    assert.equal(answered, 201);
    assert.equal(sim.calls(CREATE_GROUP), 2);
  });

  test("when GitHub's retry-after is longer than maxRetryAfterSeconds, then the rate limit is the answer at once, after one call", async () => {
    const { sim, octokit } = await setUp({ retryAfterUnitMs: 1000 });
    sim.faults.failNext(REGISTRATION_TOKEN, { status: 429, headers: { "retry-after": "60" } });
    const started = performance.now();
    await assert.rejects(octokit.request(REGISTRATION_TOKEN, { org: "acme" }), (error: unknown) => {
      const e = error as { status?: number; response?: { headers: Record<string, string> } };
      return e.status === 429 && e.response?.headers["retry-after"] === "60";
    });
    assert.ok(performance.now() - started < 500);
    assert.equal(sim.calls(), 1);
  });
});

describe("the deadline", () => {
  test("when the next retry's back-off could end past the request's deadline, then it is not planned, and GitHub's 5xx is the answer before the deadline", async () => {
    // Back-off before retry n: 100 × 2^(n−1) × [1, 2) ms. Retry 1 (at most 200 ms) fits in 400 ms; retry 2
    // (at most 400 ms) cannot fit in what is left after it.
    const { sim, octokit, deadlines } = await setUp({ retries: 5, retryBaseMs: 100, requestTimeoutMs: 400 });
    sim.faults.failNext(GROUPS, { status: 502, times: 10 });
    const started = performance.now();
    await deadlines.within(() => assert.rejects(octokit.request(GROUPS, { org: "acme" }), status(502)));
    assert.ok(performance.now() - started < 400, `answered after ${Math.round(performance.now() - started)} ms`);
    assert.equal(sim.calls(GROUPS), 2);
    await new Promise((resolve) => setTimeout(resolve, 450));
    assert.equal(sim.calls(GROUPS), 2, "nothing sent after the answer");
  });

  test("when a rate limit's short wait would end past the deadline, then it is not waited", async () => {
    const { sim, octokit, deadlines } = await setUp({ retryAfterUnitMs: 100, requestTimeoutMs: 200 });
    sim.faults.secondaryRateLimitNext(REGISTRATION_TOKEN, { retryAfterSeconds: 3 });
    const started = performance.now();
    await deadlines.within(() => assert.rejects(octokit.request(REGISTRATION_TOKEN, { org: "acme" }), status(403)));
    assert.ok(performance.now() - started < 150);
    assert.equal(sim.calls(REGISTRATION_TOKEN), 1);
  });

  test("when the call's own timeout passes while its retry is in flight, then the retry is aborted and the call fails at the timeout, counted once", async () => {
    const { sim, octokit, counted } = await setUp({ retries: 1, retryBaseMs: 10, timeoutMs: 150 });
    sim.faults.failNext(GROUPS, { status: 502 });
    sim.faults.delayNext(GROUPS, 1_000); // the retry, which the deadline aborts
    const started = performance.now();
    await assert.rejects(octokit.request(GROUPS, { org: "acme" }), isTimeout);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 140 && elapsed < 600, `failed after ${Math.round(elapsed)} ms`);
    assert.deepEqual(
      counted.map(([route, outcome]) => [route, outcome]),
      [[GROUPS, "timeout"]],
    );
  });
});
