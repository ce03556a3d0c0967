import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createSimulator, DEMO_TOKENS, startSimulator } from "../../src/simulator/index.js";
import { call } from "../helpers/sim-clients.js";

const USER = "GET /user";

describe("simulator: fault and latency injection", () => {
  test("when a status is armed for the next 2 calls of a route, then exactly those 2 fail and the third is served", async () => {
    const sim = createSimulator();
    sim.faults.failNext(USER, { status: 502, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(sim, "GET", "/user", { token: DEMO_TOKENS.alice })).status);
    assert.deepEqual(statuses, [502, 502, 200]);
    // other routes were never affected
    assert.equal(sim.calls(USER), 3);
  });

  test("when a secondary rate limit is armed, then 403 with retry-after and GitHub's message that Octokit's throttling recognises", async () => {
    const sim = createSimulator();
    sim.faults.secondaryRateLimitNext(USER, { retryAfterSeconds: 7 });
    const { status, headers, body } = await call(sim, "GET", "/user", { token: DEMO_TOKENS.alice });
    assert.equal(status, 403);
    assert.equal(headers.get("retry-after"), "7");
    assert.match(body.message, /secondary rate limit/);
  });

  test("when a drop is armed, then fetch rejects the way undici does when the socket closes", async () => {
    const sim = createSimulator();
    sim.faults.dropNext(USER);
    await assert.rejects(call(sim, "GET", "/user", { token: DEMO_TOKENS.alice }), (error: any) => {
      assert.equal(error.name, "TypeError");
      assert.equal(error.cause.code, "UND_ERR_SOCKET");
      return true;
    });
    assert.equal((await call(sim, "GET", "/user", { token: DEMO_TOKENS.alice })).status, 200);
  });

  test("when latency is set, then calls take at least that long; a delay fault applies once", async () => {
    const sim = createSimulator();
    sim.faults.setLatency(40, USER);
    let started = performance.now();
    await call(sim, "GET", "/user", { token: DEMO_TOKENS.alice });
    assert.ok(performance.now() - started >= 35);
    sim.faults.setLatency(0, USER);
    sim.faults.delayNext("*", 40);
    started = performance.now();
    await call(sim, "GET", "/user", { token: DEMO_TOKENS.alice });
    assert.ok(performance.now() - started >= 35);
  });

  test("when a call is aborted during injected latency, then fetch rejects with the abort", async () => {
    const sim = createSimulator();
    sim.faults.setLatency(5_000);
    await assert.rejects(
      sim.fetch("http://sim.test/user", { headers: { authorization: `token ${DEMO_TOKENS.alice}` }, signal: AbortSignal.timeout(30) }),
      (error: any) => ["AbortError", "TimeoutError"].includes(error.name),
    );
  });

  test("when a fault names a route the simulator does not serve, then arming it throws, so a typo cannot pass silently", () => {
    const sim = createSimulator();
    assert.throws(() => sim.faults.failNext("GET /users", { status: 500 }), /serves no route "GET \/users"/);
  });

  test("when calls are counted, then each route has its own counter and reset clears them", async () => {
    const sim = createSimulator();
    await call(sim, "GET", "/user", { token: DEMO_TOKENS.alice });
    await call(sim, "GET", "/orgs/acme/teams/platform/memberships/alice", { token: DEMO_TOKENS.alice });
    await call(sim, "GET", "/nowhere", { token: DEMO_TOKENS.alice });
    assert.deepEqual(sim.callsByRoute(), { "GET /orgs/{org}/teams/{team_slug}/memberships/{username}": 1, "GET /user": 1 });
    assert.equal(sim.calls(), 2);
    assert.deepEqual(
      sim.journal().map((e) => [e.route, e.status]),
      [
        ["GET /user", 200],
        ["GET /orgs/{org}/teams/{team_slug}/memberships/{username}", 200],
        [null, 404],
      ],
    );
    sim.resetCalls();
    assert.equal(sim.calls(), 0);
    assert.equal(sim.journal().length, 0);
  });
});

describe("simulator: over HTTP, with the test hooks under /_simulator", () => {
  test("when faults and latency are armed over HTTP, then they apply, the counters show the calls, and a drop closes the socket", async (t) => {
    const running = await startSimulator();
    t.after(() => running.close());
    const hook = (method: string, path: string, body?: unknown) =>
      fetch(`${running.url}/_simulator${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const user = () => fetch(`${running.url}/user`, { headers: { authorization: `Bearer ${DEMO_TOKENS.alice}` } });

    assert.equal((await hook("POST", "/faults", { route: USER, kind: "status", status: 503 })).status, 201);
    assert.equal((await user()).status, 503);
    assert.equal((await user()).status, 200);

    assert.equal((await hook("POST", "/faults", { route: USER, kind: "drop" })).status, 201);
    await assert.rejects(user(), /fetch failed/);

    assert.equal((await hook("PUT", "/latency", { ms: 30 })).status, 204);
    const started = performance.now();
    assert.equal((await user()).status, 200);
    assert.ok(performance.now() - started >= 25);
    assert.equal((await hook("DELETE", "/faults")).status, 204);

    const calls = (await (await hook("GET", "/calls")).json()) as { total: number; routes: Record<string, number> };
    assert.equal(calls.routes[USER], 4);
    const journal = (await (await hook("GET", "/journal")).json()) as Array<{ status: number | string }>;
    assert.deepEqual(
      journal.map((e) => e.status),
      [503, 200, "dropped", 200],
    );

    assert.equal((await hook("POST", "/faults", { route: "GET /nope", status: 500 })).status, 400);
    assert.equal((await hook("POST", "/faults", "not an object")).status, 400);
    assert.equal((await hook("GET", "/unknown-hook")).status, 404);
    const state = (await (await hook("GET", "/state")).json()) as { runnerGroups: Array<{ name: string }> };
    assert.deepEqual(
      state.runnerGroups.map((g) => g.name),
      ["Default", "team-data"],
    );
  });
});
