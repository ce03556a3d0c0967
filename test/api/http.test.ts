import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { demoSeed } from "../../src/simulator/index.js";
import { seedWithPlatformGroup, TOKENS } from "../helpers/seeds.js";
import { startTestApp } from "../helpers/start-test-app.js";

const alice = { token: TOKENS.alice };
const register = { ...alice, query: { team: "platform" } };

describe("answers in general", () => {
  test("when a route does not exist, then 404 in the envelope", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    // (the root, "/", points to the docs: test/api/openapi.test.ts)
    for (const path of ["/api/v1/nope", "/api/v2/token-register", "/index.html", "/api/v1/../../etc/passwd"]) {
      const { status, body } = await app.call("GET", path, alice);
      assert.equal(status, 404, path);
      assert.deepEqual(Object.keys(body), ["Code", "Error"]);
    }
  });

  test("when a route is called with a method it does not take (HEAD included), then 405 with Allow, and nothing happens", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    const put = await app.call("PUT", "/api/v1/token-register", register);
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, POST");
    assert.equal(put.body.Code, 405);
    const head = await app.call("HEAD", "/api/v1/group-create", { ...alice, query: { team: "platform" } });
    assert.equal(head.status, 405);
    assert.equal(app.sim.calls(), 0);
  });

  test("when anything answers, then no-store, helmet's headers, a request id, and no X-Powered-By", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    for (const path of ["/api/v1/status", "/api/v1/nope", "/healthz"]) {
      const { headers } = await app.call("GET", path);
      assert.equal(headers.get("cache-control"), "no-store", path);
      assert.equal(headers.get("x-powered-by"), null);
      assert.equal(headers.get("x-content-type-options"), "nosniff");
      assert.match(headers.get("strict-transport-security") ?? "", /max-age=/);
      assert.match(headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    }
    // the caller's id is logged beside ours (test/api/edges.test.ts), never answered as ours
    const traced = await app.call("GET", "/api/v1/status", { headers: { "x-request-id": "ci-job-42" } });
    assert.match(traced.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    const hostile = await app.call("GET", "/api/v1/status", { headers: { "x-request-id": "bad id\twith tabs" } });
    assert.notEqual(hostile.headers.get("x-request-id"), "bad id\twith tabs");
  });

  test("when the body is not JSON, or too large, then 400 or 413 in the envelope", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    const malformed = await app.call("PATCH", "/api/v1/repos-add", { ...alice, rawBody: '{"team": "platform", ' });
    assert.deepEqual([malformed.status, malformed.body.Code], [400, 400]);
    const huge = await app.call("PATCH", "/api/v1/repos-add", { ...alice, body: { team: "platform", repos: "x".repeat(300_000) } });
    assert.deepEqual([huge.status, huge.body.Code], [413, 413]);
    assert.equal(app.sim.calls(), 0);
  });

  test("when a parameter is repeated, or given both in query and body, then 400", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    const repeated = await app.call("GET", "/api/v1/token-register?team=platform&team=data", alice);
    assert.equal(repeated.status, 400);
    const both = await app.call("POST", "/api/v1/token-register", { ...alice, query: { team: "platform" }, body: { team: "data" } });
    assert.equal(both.status, 400);
    assert.equal(app.sim.state.mintedTokens.length, 0);
  });
});

describe("probes", () => {
  test("when the App can get an installation token, then /healthz and /readyz are 200", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    assert.deepEqual((await app.call("GET", "/healthz")).body, { Code: 200, Response: "ok" });
    assert.deepEqual((await app.call("GET", "/readyz")).body, { Code: 200, Response: "ready" });
  });

  test("when GitHub refuses the App's credentials, then /readyz is 503 and /healthz stays 200", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    app.sim.faults.failNext("POST /app/installations/{installation_id}/access_tokens", {
      status: 401,
      body: { message: "A JSON web token could not be decoded", documentation_url: "https://docs.github.com/rest" },
    });
    const ready = await app.call("GET", "/readyz");
    assert.equal(ready.status, 503);
    assert.equal(ready.body.Code, 503);
    assert.equal((await app.call("GET", "/healthz")).status, 200);
  });
});

describe("rate limits", () => {
  test("when one user rotates three tokens, then the per-user limit still applies to them, and another user is unaffected", async (t) => {
    const seed = structuredClone(demoSeed);
    seed.users = seed.users!.map((u) => (u.login === "alice" ? { ...u, tokens: ["alice-token-1", "alice-token-2", "alice-token-3"] } : u));
    // one request per 10 s: a slow machine cannot slip into the next window between the calls
    const app = await startTestApp({ seed, rateLimit: { perUser: 0.1 } });
    t.after(() => app.close());
    const first = await app.call("GET", "/api/v1/token-register", { token: "alice-token-1", query: { team: "platform" } });
    assert.equal(first.status, 200);
    for (const token of ["alice-token-2", "alice-token-3"]) {
      const limited = await app.call("GET", "/api/v1/token-register", { token, query: { team: "platform" } });
      assert.equal(limited.status, 429, token);
      assert.equal(limited.body.Code, 429);
      assert.equal(limited.headers.get("retry-after"), "10");
      assert.match(limited.headers.get("ratelimit") ?? "", /limit=1, remaining=0/);
    }
    assert.equal(app.sim.state.mintedTokens.length, 1);
    const erin = await app.call("GET", "/api/v1/token-register", { token: TOKENS.erin, query: { team: "data" } });
    assert.equal(erin.status, 200);
  });

  test("when one address sends more than the per-address limit, then 429 before any GitHub call", async (t) => {
    const app = await startTestApp({ rateLimit: { perAddress: 0.1 } });
    t.after(() => app.close());
    assert.equal((await app.call("GET", "/api/v1/token-register", { token: "bad-token-1", query: { team: "platform" } })).status, 401);
    const callsBefore = app.sim.calls();
    const limited = await app.call("GET", "/api/v1/token-register", { token: "bad-token-2", query: { team: "platform" } });
    assert.equal(limited.status, 429);
    assert.equal(app.sim.calls(), callsBefore);
    assert.equal((await app.call("GET", "/healthz")).status, 200, "probes are never limited");
  });
});

describe("GitHub's failures", () => {
  test("when GitHub answers 5xx or drops the connection, then 502", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    app.sim.faults.failNext("POST /orgs/{org}/actions/runners/registration-token", { status: 500 });
    assert.equal((await app.call("GET", "/api/v1/token-register", register)).status, 502);
    app.sim.faults.dropNext("POST /orgs/{org}/actions/runners/registration-token");
    const dropped = await app.call("GET", "/api/v1/token-register", register);
    assert.deepEqual([dropped.status, dropped.body.Code], [502, 502]);
    assert.match(dropped.body.Error, /GitHub could not be reached while creating a runner registration token/);
  });

  test("when GitHub's rate limit is exhausted, then 503 with Retry-After", async (t) => {
    const app = await startTestApp({ simulator: { rateLimitPerHour: 3 } });
    t.after(() => app.close());
    // installation calls: membership, then mint; the third call of the hour is the last allowed
    assert.equal((await app.call("GET", "/api/v1/token-register", register)).status, 200);
    const limited = await app.call("GET", "/api/v1/token-register", register);
    assert.equal(limited.status, 503);
    assert.ok(Number(limited.headers.get("retry-after")) > 0);
    assert.match(limited.body.Error, /rate limit/);
  });

  test("when GitHub does not answer in time, then 504 and the request does not hang", async (t) => {
    const app = await startTestApp({ githubTimeoutMs: 100 });
    t.after(() => app.close());
    app.sim.faults.delayNext("POST /orgs/{org}/actions/runners/registration-token", 5_000);
    const started = performance.now();
    const { status, body } = await app.call("GET", "/api/v1/token-register", register);
    assert.deepEqual([status, body.Code], [504, 504]);
    assert.match(body.Error, /did not answer in time while creating a runner registration token/);
    assert.ok(performance.now() - started < 2_000);
  });

  test("when GitHub refuses the caller's token check with 5xx, then 502, not 401", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    app.sim.faults.failNext("GET /user", { status: 503 });
    assert.equal((await app.call("GET", "/api/v1/token-register", register)).status, 502);
  });
});

describe("logging", () => {
  test("when a request is served, then one access line with request id, user, team, route, status and duration", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup() });
    t.after(() => app.close());
    const { headers } = await app.call("GET", "/api/v1/group-list", { ...alice, query: { team: "platform" } });
    const access = app.logs.lines().filter((l) => l.message === "request");
    assert.equal(access.length, 1);
    const line = access[0]!;
    assert.equal(line.requestId, headers.get("x-request-id"));
    assert.equal(line.user, "alice");
    assert.equal(line.team, "platform");
    assert.equal(line.path, "/api/v1/group-list");
    assert.equal(line.status, 200);
    assert.equal(typeof line.durationMs, "number");
    assert.ok(!app.logs.text().includes(TOKENS.alice));
  });
});
