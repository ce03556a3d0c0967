/**
 * The audit trail: every request to an /api/v1 action leaves exactly one `audit` line of its own
 * (`audit: "request"`) saying how it ended — allowed, refused or failed — who asked (once known), for which
 * team, and GitHub's x-github-request-id of each call made for it; beside it, the lines of the changes made.
 */
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { Agent, fetch as undiciFetch } from "undici";
import { startTestApp, testCertificate, type TestAppOptions } from "../helpers/start-test-app.js";
import { TOKENS } from "../helpers/seeds.js";

const ROUTE = {
  registrationToken: "POST /orgs/{org}/actions/runners/registration-token",
  membership: "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
} as const;

/** The app, and GitHub's x-github-request-id of every answer the simulator gave it, in order. */
async function start(t: TestContext, options: TestAppOptions = {}) {
  const githubRequestIds: string[] = [];
  const app = await startTestApp({
    ...options,
    github: {
      ...options.github,
      wrapFetch: (fetch) => async (input, init) => {
        const response = await fetch(input, init);
        githubRequestIds.push(response.headers.get("x-github-request-id") ?? "(none)");
        return response;
      },
    },
  });
  t.after(() => app.close());
  /** the request lines, and the ids GitHub answered with since the last call of `since()` */
  const requestLines = () => app.logs.lines().filter((l) => l.message === "audit" && l.audit === "request");
  let seen = 0;
  const since = () => githubRequestIds.slice(seen, (seen = githubRequestIds.length));
  return { app, requestLines, since };
}

const platform = { query: { team: "platform" } };

describe("the audit line of each request to an action", () => {
  test("when the action is done, then one line: allowed, the caller, the team, the action, the request id and GitHub's request ids in order", async (t) => {
    const { app, requestLines, since } = await start(t);
    const { status, headers } = await app.call("POST", "/api/v1/token-register", { token: TOKENS.alice, ...platform });
    assert.equal(status, 200);
    const githubIds = since();
    assert.ok(githubIds.length >= 2, `GET /user, the membership, the App's token, the registration token: ${githubIds.join(", ")}`);
    const [line, ...more] = requestLines();
    assert.equal(more.length, 0, "exactly one");
    assert.deepEqual(
      { ...line, timestamp: undefined, clientAddress: undefined },
      {
        timestamp: undefined,
        level: "info",
        message: "audit",
        audit: "request",
        action: "token-register",
        outcome: "allowed",
        status: 200,
        user: "alice",
        team: "platform",
        requestId: headers.get("x-request-id"),
        clientAddress: undefined,
        githubRequestIds: githubIds,
      },
    );
    assert.match(String(line?.clientAddress), /127\.0\.0\.1/);
    // The change's own line is still there, as before, and tied to the same request.
    const change = app.logs.lines().filter((l) => l.message === "audit" && l.audit !== "request");
    assert.deepEqual(
      change.map((l) => [l.audit, l.user, l.team, l.requestId]),
      [["runner-token.registration-created", "alice", "platform", headers.get("x-request-id")]],
    );
  });

  test("when an alias is called, then the action is the route's name", async (t) => {
    const { app, requestLines } = await start(t);
    assert.equal((await app.call("POST", "/api/v1/group-add", { token: TOKENS.alice, ...platform })).status, 200);
    assert.deepEqual(
      requestLines().map((l) => [l.action, l.outcome]),
      [["group-create", "allowed"]],
    );
  });

  test("when refused before the caller is known (bad input, a bad token, the wrong method), then refused, with no user", async (t) => {
    const { app, requestLines, since } = await start(t);
    const refusals: Array<[string, string, Parameters<typeof app.call>[2], number]> = [
      ["GET", "/api/v1/token-register", { token: TOKENS.alice, query: { team: "no such/team" } }, 400],
      ["GET", "/api/v1/token-register", { token: "ghp_NotAToken000000000000000000000000000", ...platform }, 401],
      ["GET", "/api/v1/group-list", platform, 401],
      ["PUT", "/api/v1/group-list", { token: TOKENS.alice, ...platform }, 405],
      ["POST", "/api/v1/runner-jitconfig", { token: TOKENS.alice, rawBody: "{not json" }, 400],
    ];
    for (const [method, path, options, expected] of refusals) {
      assert.equal((await app.call(method, path, options)).status, expected, `${method} ${path}`);
    }
    const badTokenCalls = since();
    const lines = requestLines();
    assert.deepEqual(
      lines.map((l) => [l.action, l.outcome, l.status, l.user, l.team]),
      [
        ["token-register", "refused", 400, undefined, undefined],
        ["token-register", "refused", 401, undefined, "platform"],
        ["group-list", "refused", 401, undefined, "platform"],
        ["group-list", "refused", 405, undefined, undefined],
        ["runner-jitconfig", "refused", 400, undefined, undefined],
      ],
    );
    // Only the bad token cost a call (GET /user, answered 401), and its line names GitHub's answer.
    assert.deepEqual(lines[1]?.githubRequestIds, badTokenCalls);
    assert.equal(badTokenCalls.length, 1);
    for (const line of [lines[0], ...lines.slice(2)]) assert.deepEqual(line?.githubRequestIds, []);
  });

  test("when refused once the caller is known (not a maintainer, rate limited), then refused, naming them", async (t) => {
    const { app, requestLines } = await start(t, { rateLimit: { perUser: 0.1 } });
    assert.equal((await app.call("GET", "/api/v1/group-list", { token: TOKENS.bob, ...platform })).status, 403);
    assert.equal((await app.call("GET", "/api/v1/token-register", { token: TOKENS.alice, ...platform })).status, 200);
    assert.equal((await app.call("GET", "/api/v1/token-register", { token: TOKENS.alice, ...platform })).status, 429);
    assert.deepEqual(
      requestLines().map((l) => [l.action, l.outcome, l.status, l.user, l.team]),
      [
        ["group-list", "refused", 403, "bob", "platform"],
        ["token-register", "allowed", 200, "alice", "platform"],
        ["token-register", "refused", 429, "alice", "platform"],
      ],
    );
  });

  test("when refused by the per-address limit, before anything else, then refused all the same", async (t) => {
    const { app, requestLines } = await start(t, { rateLimit: { perAddress: 0.1 } });
    assert.equal((await app.call("GET", "/api/v1/token-register", { token: TOKENS.alice, ...platform })).status, 200);
    assert.equal((await app.call("GET", "/api/v1/token-register", { token: TOKENS.alice, ...platform })).status, 429);
    assert.deepEqual(
      requestLines().map((l) => [l.outcome, l.status, l.user]),
      [
        ["allowed", 200, "alice"],
        ["refused", 429, undefined],
      ],
    );
  });

  test("when GitHub fails, then failed, with the failing answer's request id last", async (t) => {
    const { app, requestLines, since } = await start(t);
    app.sim.faults.failNext(ROUTE.registrationToken, { status: 502 });
    const { status } = await app.call("GET", "/api/v1/token-register", { token: TOKENS.alice, ...platform });
    assert.equal(status, 502);
    const githubIds = since();
    assert.deepEqual(
      requestLines().map((l) => [l.action, l.outcome, l.status, l.user, l.team, l.githubRequestIds]),
      [["token-register", "failed", 502, "alice", "platform", githubIds]],
    );
    assert.equal(app.sim.calls(ROUTE.registrationToken), 1, "the failing call was answered, and is named");
  });

  test("when a request is no action (status, docs, probes, an unknown path), then no audit line", async (t) => {
    const { app, requestLines } = await start(t);
    for (const path of ["/api/v1/status", "/api/v1/openapi.yaml", "/healthz", "/api/v1/no-such-action"]) await app.call("GET", path);
    assert.deepEqual(requestLines(), []);
  });

  test("when the client leaves before its answer, then the work's line still comes, once its end is known", async (t) => {
    const { app, requestLines } = await start(t);
    app.sim.faults.delayNext(ROUTE.registrationToken, 300);
    const cert = await testCertificate();
    const dispatcher = new Agent({ connect: { ca: cert.cert } });
    t.after(() => dispatcher.close());
    const url = `${app.url}/api/v1/token-register?team=platform`;
    await assert.rejects(
      undiciFetch(url, { headers: { authorization: `token ${TOKENS.alice}` }, dispatcher, signal: AbortSignal.timeout(100) }),
    );
    const deadline = Date.now() + 5_000;
    while (requestLines().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(
      requestLines().map((l) => [l.action, l.outcome, l.status, l.user, l.clientLeft, (l.githubRequestIds as string[]).length > 0]),
      [["token-register", "allowed", 200, "alice", true, true]],
    );
    assert.equal(app.sim.state.mintedTokens.length, 1, "the token was minted though no one took it");
  });

  test("when requests succeed, are refused and fail, then no token of any kind is in any line", async (t) => {
    const { app } = await start(t);
    const minted: string[] = [];
    const ok = await app.call("GET", "/api/v1/token-register", { token: TOKENS.alice, ...platform });
    minted.push(ok.body.Response.token as string);
    await app.call("GET", "/api/v1/group-list", { token: TOKENS.bob, ...platform });
    await app.call("GET", "/api/v1/group-list", { authorization: "Bearer ghp_Unknown0000000000000000000000000000000", ...platform });
    app.sim.faults.failNext(ROUTE.membership, { status: 500 });
    await app.call("GET", "/api/v1/group-list", { token: TOKENS.alice, ...platform });
    const text = app.logs.text();
    assert.equal(app.logs.lines().filter((l) => l.message === "audit" && l.audit === "request").length, 4);
    for (const secret of [
      TOKENS.alice,
      TOKENS.bob,
      "ghp_Unknown0000000000000000000000000000000",
      ...minted,
      ...app.sim.state.installationTokens.keys(),
    ]) {
      assert.ok(!text.includes(secret), "a token is in the log");
    }
  });
});
