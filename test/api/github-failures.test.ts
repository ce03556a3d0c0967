/**
 * GitHub failing in every way we know of, with retries on (as in production): what is retried and what
 * never is, rate limits, the per-request deadline, the App's credentials refused, partial changes
 * reported exactly, and concurrent changes to one group.
 * Back-offs are shrunk (retryBaseMs, retryAfterUnitMs) so the suite stays fast; every wait is bounded.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { SeedInput } from "../../src/simulator/index.js";
import { PLATFORM_GROUP_ID, seedWithPlatformGroup, TOKENS } from "../helpers/seeds.js";
import { startTestApp, type TestAppOptions } from "../helpers/start-test-app.js";

const alice = { token: TOKENS.alice };
const platform = { ...alice, query: { team: "platform" } };

const ROUTE = {
  groups: "GET /orgs/{org}/actions/runner-groups",
  createGroup: "POST /orgs/{org}/actions/runner-groups",
  deleteGroup: "DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}",
  teamRepos: "GET /orgs/{org}/teams/{team_slug}/repos",
  addRepo: "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}",
  removeRepo: "DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}",
  deleteRunner: "DELETE /orgs/{org}/actions/runners/{runner_id}",
  registrationToken: "POST /orgs/{org}/actions/runners/registration-token",
  membership: "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
  accessToken: "POST /app/installations/{installation_id}/access_tokens",
} as const;

/** The app as production runs it: 2 retries; back-offs shrunk for speed unless `github` says otherwise. */
async function startResilient(t: { after(fn: () => Promise<void>): void }, options: TestAppOptions = {}) {
  const app = await startTestApp({
    ...options,
    github: { retries: 2, retryBaseMs: 5, retryAfterUnitMs: 10, ...options.github },
  });
  t.after(() => app.close());
  return app;
}

/** The platform group (id 3) holding api and web, and team platform able to write to infra too. */
function seedWithTwoRepos(extra: Parameters<typeof seedWithPlatformGroup>[0] = {}): SeedInput {
  const seed = seedWithPlatformGroup(extra);
  seed.runnerGroups = seed.runnerGroups!.map((g) => (g.name === "team-platform" ? { ...g, repositories: ["api", "web"] } : g));
  seed.teams = seed.teams!.map((team) =>
    team.slug === "platform" ? { ...team, repos: [...team.repos!, { name: "infra", permission: "write" as const }] } : team,
  );
  return seed;
}

type App = Awaited<ReturnType<typeof startTestApp>>;
const groupRepoNames = (app: App) =>
  [...app.sim.state.runnerGroups.get(PLATFORM_GROUP_ID)!.repositoryIds].map((id) => app.sim.state.repos.get(id)!.name).sort();

async function timed<T>(work: Promise<T>): Promise<T & { ms: number }> {
  const started = performance.now();
  const result = await work;
  return { ...result, ms: performance.now() - started };
}

describe("retries: only where repeating is safe", () => {
  test("when a GET answers 5xx once, or its connection drops, then it is retried and the caller never sees it", async (t) => {
    const app = await startResilient(t, { seed: seedWithPlatformGroup() });
    app.sim.faults.failNext(ROUTE.groups, { status: 502 });
    assert.equal((await app.call("GET", "/api/v1/group-list", platform)).status, 200);
    assert.equal(app.sim.calls(ROUTE.groups), 2);
    app.sim.faults.dropNext(ROUTE.groups);
    assert.equal((await app.call("GET", "/api/v1/group-list", platform)).status, 200);
    assert.equal(app.sim.calls(ROUTE.groups), 4);
  });

  test("when minting a runner token answers 5xx or drops, then it is retried (a second token is harmless)", async (t) => {
    const app = await startResilient(t);
    app.sim.faults.failNext(ROUTE.registrationToken, { status: 500 });
    const first = await app.call("GET", "/api/v1/token-register", platform);
    assert.equal(first.status, 200);
    assert.equal(first.body.Response.token, app.sim.state.mintedTokens[0]!.token);
    app.sim.faults.dropNext(ROUTE.registrationToken);
    assert.equal((await app.call("GET", "/api/v1/token-register", platform)).status, 200);
    assert.equal(app.sim.calls(ROUTE.registrationToken), 4);
  });

  test("when adding a repository (PUT) answers 5xx once, then it is retried and applied once", async (t) => {
    const app = await startResilient(t, { seed: seedWithPlatformGroup() });
    app.sim.faults.failNext(ROUTE.addRepo, { status: 503 });
    const { status } = await app.call("PATCH", "/api/v1/repos-add", { ...platform, query: { team: "platform", repos: "web" } });
    assert.equal(status, 200);
    assert.equal(app.sim.calls(ROUTE.addRepo), 2);
    assert.deepEqual(groupRepoNames(app), ["api", "web"]);
  });

  test("when creating a runner group answers 5xx or drops, then the POST is never repeated, and the answer says it may exist", async (t) => {
    const app = await startResilient(t);
    app.sim.faults.failNext(ROUTE.createGroup, { status: 502, times: 3 });
    const failed = await app.call("POST", "/api/v1/group-create", platform);
    assert.deepEqual([failed.status, failed.body.Code], [502, 502]);
    assert.match(
      failed.body.Error,
      /GitHub answered 502 while creating runner group team-platform; the group may have been created anyway: group-list tells/,
    );
    assert.equal(app.sim.calls(ROUTE.createGroup), 1);

    app.sim.faults.clear();
    app.sim.faults.dropNext(ROUTE.createGroup);
    const dropped = await app.call("POST", "/api/v1/group-create", platform);
    assert.equal(dropped.status, 502);
    assert.match(
      dropped.body.Error,
      /could not be reached while creating runner group team-platform; the group may have been created anyway/,
    );
    assert.equal(app.sim.calls(ROUTE.createGroup), 2);
  });

  test("when GitHub keeps answering 5xx, then the caller gets 502 after the configured retries", async (t) => {
    const app = await startResilient(t, { seed: seedWithPlatformGroup() });
    app.sim.faults.failNext(ROUTE.groups, { status: 502, times: 10 });
    const { status, body, headers } = await app.call("GET", "/api/v1/group-list", platform);
    assert.equal(status, 502);
    assert.match(body.Error, /GitHub answered 502 while looking up runner groups/);
    assert.equal(app.sim.calls(ROUTE.groups), 3, "one call and 2 retries");
    assert.equal(headers.get("retry-after"), "5", "GitHub failing is mostly brief: the caller may come back soon");
  });

  test("when GitHub answers 429 without the secondary-limit wording, or another 4xx, then nothing is retried", async (t) => {
    const app = await startResilient(t, { seed: seedWithPlatformGroup() });
    app.sim.faults.failNext(ROUTE.groups, {
      status: 422,
      body: { message: "Validation Failed", documentation_url: "https://docs.github.com/rest" },
    });
    const refused = await app.call("GET", "/api/v1/group-list", platform);
    assert.equal(refused.status, 502);
    assert.equal(
      refused.body.Error,
      "GitHub answered 422 while looking up runner groups, which this service did not expect; the server's log has GitHub's answer",
    );
    assert.equal(refused.headers.get("retry-after"), null, "the same call would be refused again");
    assert.equal(app.sim.calls(ROUTE.groups), 1);
    app.sim.faults.failNext(ROUTE.groups, { status: 429, headers: { "retry-after": "30" } });
    const limited = await app.call("GET", "/api/v1/group-list", platform);
    assert.equal(limited.status, 503);
    assert.equal(limited.headers.get("retry-after"), "30");
    assert.equal(app.sim.calls(ROUTE.groups), 2);
    // and nothing more is sent until GitHub's Retry-After has passed (src/github/github-budget.ts)
    assert.equal((await app.call("GET", "/api/v1/group-list", platform)).status, 503);
    assert.equal(app.sim.calls(ROUTE.groups), 2);
  });
});

describe("GitHub's own words go to the log, not to the caller", () => {
  const githubLines = (app: App) => app.logs.lines().filter((line) => line.github !== undefined);

  test("when GitHub refuses the App with 403 (its message names the App's permissions), then 503 in our words, and the log has GitHub's", async (t) => {
    const app = await startResilient(t, { seed: seedWithPlatformGroup() });
    app.sim.faults.failNext(ROUTE.groups, {
      status: 403,
      body: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest" },
    });
    const { status, body, headers } = await app.call("GET", "/api/v1/group-list", platform);
    assert.deepEqual([status, body.Code], [503, 503]);
    assert.equal(
      body.Error,
      "GitHub refused the App while looking up runner groups: the App may lack a permission, or its installation may not cover this; the server's log has GitHub's answer",
    );
    assert.doesNotMatch(JSON.stringify(body), /not accessible|integration/i);
    assert.equal(headers.get("retry-after"), null, "the App's permissions do not change by waiting");
    const [line, ...more] = githubLines(app);
    assert.equal(more.length, 0);
    assert.equal(line!.level, "warn");
    assert.equal(line!.requestId, headers.get("x-request-id"));
    const github = line!.github as { status: number; message: string; requestId: string };
    assert.equal(github.status, 403);
    assert.match(github.message, /Resource not accessible by integration/);
    assert.match(github.requestId, /^[0-9A-F]{16}$/, "GitHub's x-github-request-id, which GitHub Support asks for");
  });

  test("when GitHub answers a 4xx we did not expect, then its message is logged with its request id, and the caller has ours", async (t) => {
    const app = await startResilient(t, { seed: seedWithPlatformGroup() });
    app.sim.faults.failNext(ROUTE.teamRepos, {
      status: 422,
      body: {
        message: "Validation Failed: the installation lacks the members permission",
        documentation_url: "https://docs.github.com/rest",
      },
    });
    const { status, body } = await app.call("PATCH", "/api/v1/repos-add", { ...platform, query: { team: "platform", repos: "web" } });
    assert.equal(status, 502);
    assert.doesNotMatch(body.Error, /Validation Failed|members permission/);
    assert.match(body.Error, /^GitHub answered 422 while .*; the server's log has GitHub's answer$/);
    const github = githubLines(app)[0]!.github as { status: number; message: string; requestId: string };
    assert.deepEqual([github.status, /members permission/.test(github.message), typeof github.requestId], [422, true, "string"]);
  });

  test("when GitHub answers 5xx with a page of its own, then the caller has the status only, with Retry-After, and the log has the page", async (t) => {
    const app = await startResilient(t, { seed: seedWithPlatformGroup() });
    app.sim.faults.failNext(ROUTE.groups, { status: 503, body: "<html><body>Unicorn! No server is available</body></html>", times: 3 });
    const { status, body, headers } = await app.call("GET", "/api/v1/group-list", platform);
    assert.deepEqual([status, body.Error, headers.get("retry-after")], [502, "GitHub answered 503 while looking up runner groups", "5"]);
    assert.match((githubLines(app)[0]!.github as { message: string }).message, /Unicorn/);
  });
});

describe("rate limits", () => {
  test("when GitHub's secondary rate limit asks for a short wait, then the call is retried once after it", async (t) => {
    const app = await startResilient(t);
    app.sim.faults.secondaryRateLimitNext(ROUTE.registrationToken, { retryAfterSeconds: 2 });
    const { status } = await app.call("GET", "/api/v1/token-register", platform);
    assert.equal(status, 200);
    assert.equal(app.sim.calls(ROUTE.registrationToken), 2);
    const warning = app.logs.lines().find((l) => l.message === "GitHub secondary rate limit");
    assert.equal(warning?.retrying, true);
  });

  test("when GitHub answers 429 with a short retry-after, then the call waits once and the caller never sees it", async (t) => {
    const app = await startResilient(t);
    app.sim.faults.failNext(ROUTE.registrationToken, { status: 429, headers: { "retry-after": "3" } });
    const { status, ms } = await timed(app.call("GET", "/api/v1/token-register", platform));
    assert.equal(status, 200);
    assert.ok(ms >= 30, `answered after ${Math.round(ms)} ms, before the 3 × 10 ms asked`);
    assert.equal(app.sim.calls(ROUTE.registrationToken), 2);
  });

  test("when the secondary rate limit answers again after the retry, then 503 with Retry-After, and no third call", async (t) => {
    const app = await startResilient(t);
    app.sim.faults.secondaryRateLimitNext(ROUTE.registrationToken, { retryAfterSeconds: 2, times: 2 });
    const { status, headers, body } = await app.call("GET", "/api/v1/token-register", platform);
    assert.deepEqual([status, body.Code], [503, 503]);
    assert.equal(headers.get("retry-after"), "2");
    assert.match(body.Error, /rate limit/);
    assert.equal(app.sim.calls(ROUTE.registrationToken), 2);
  });

  test("when the secondary rate limit asks for a long wait, then 503 with its Retry-After at once", async (t) => {
    // real seconds: had the call waited, this test would take a minute
    const app = await startResilient(t, { github: { retryAfterUnitMs: 1000 } });
    app.sim.faults.secondaryRateLimitNext(ROUTE.registrationToken, { retryAfterSeconds: 60 });
    const { status, headers, ms } = await timed(app.call("GET", "/api/v1/token-register", platform));
    assert.equal(status, 503);
    assert.equal(headers.get("retry-after"), "60");
    assert.ok(ms < 2_000, `answered after ${Math.round(ms)} ms`);
    assert.equal(app.sim.calls(ROUTE.registrationToken), 1);
  });

  test("when the secondary rate limit's short wait would end past the request's deadline, then 503 at once", async (t) => {
    const app = await startResilient(t, { github: { retryAfterUnitMs: 1000, requestTimeoutMs: 2_000 } });
    app.sim.faults.secondaryRateLimitNext(ROUTE.registrationToken, { retryAfterSeconds: 3 });
    const { status, headers, ms } = await timed(app.call("GET", "/api/v1/token-register", platform));
    assert.equal(status, 503);
    assert.equal(headers.get("retry-after"), "3");
    assert.ok(ms < 1_500, `answered after ${Math.round(ms)} ms`);
    assert.equal(app.sim.calls(ROUTE.registrationToken), 1);
  });

  test("when the App's primary rate limit is exhausted, then 503 with Retry-After until GitHub's reset, and no retry", async (t) => {
    const app = await startResilient(t, { simulator: { rateLimitPerHour: 3 } });
    // installation calls: membership, mint; then membership (the third and last of the hour, x-ratelimit-remaining: 0),
    // and the mint is not sent: GitHub would refuse it (src/github/github-budget.ts)
    assert.equal((await app.call("GET", "/api/v1/token-register", platform)).status, 200);
    const { status, headers, body, ms } = await timed(app.call("GET", "/api/v1/token-register", platform));
    assert.equal(status, 503);
    assert.match(body.Error, /GitHub's rate limit for this App is exhausted; no call is made to GitHub until it resets/);
    const retryAfter = Number(headers.get("retry-after"));
    assert.ok(retryAfter > 3_500 && retryAfter <= 3_601, `Retry-After: ${retryAfter}`);
    assert.ok(ms < 2_000);
    assert.equal(app.sim.calls(ROUTE.registrationToken), 1);
    // nobody's request reaches GitHub until its reset
    assert.equal((await app.call("GET", "/api/v1/token-register", platform)).status, 503);
    assert.equal(app.sim.calls(ROUTE.registrationToken), 1);
  });
});

describe("the deadline of a caller request", () => {
  test("when GitHub is slower than the request's deadline, then 504 within it, though each call may take longer", async (t) => {
    const app = await startResilient(t, { githubTimeoutMs: 10_000, github: { requestTimeoutMs: 500 } });
    app.sim.faults.setLatency(5_000, ROUTE.registrationToken);
    const { status, body, headers, ms } = await timed(app.call("GET", "/api/v1/token-register", platform));
    assert.deepEqual([status, body.Code], [504, 504]);
    assert.match(body.Error, /GitHub did not answer in time while creating a runner registration token/);
    assert.equal(headers.get("retry-after"), "5");
    assert.ok(ms < 1_500, `answered after ${Math.round(ms)} ms`);
    assert.equal(app.sim.state.mintedTokens.length, 0);
  });

  test("when each call is quick but together they outlast the deadline, then 504 at the deadline and nothing is sent after it", async (t) => {
    const app = await startResilient(t, { github: { requestTimeoutMs: 400 } });
    app.sim.faults.setLatency(150);
    const { status, ms } = await timed(app.call("GET", "/api/v1/token-register", platform));
    assert.equal(status, 504);
    assert.ok(ms < 1_200, `answered after ${Math.round(ms)} ms`);
    const callsAtAnswer = app.sim.calls();
    await sleep(400);
    assert.equal(app.sim.calls(), callsAtAnswer, "no call after the answer");
    assert.equal(app.sim.state.mintedTokens.length, 0);
  });

  test("when retries would run past the deadline, then none is planned past it, and the caller has GitHub's 502 before it", async (t) => {
    // back-offs of at most 400, 800, 1600 ms… (200 × 2^(n−1), doubled by the jitter at most) against a 2 s
    // deadline: the third cannot end before it once the first two are over
    const app = await startResilient(t, {
      seed: seedWithPlatformGroup(),
      github: { requestTimeoutMs: 2_000, retries: 5, retryBaseMs: 200 },
    });
    app.sim.faults.failNext(ROUTE.groups, { status: 502, times: 10 });
    const { status, ms } = await timed(app.call("GET", "/api/v1/group-list", platform));
    assert.equal(status, 502);
    assert.ok(ms < 2_000, `answered after ${Math.round(ms)} ms`);
    const calls = app.sim.calls(ROUTE.groups);
    assert.ok(calls >= 2 && calls <= 3, `${calls} calls`);
    await sleep(300);
    assert.equal(app.sim.calls(ROUTE.groups), calls, "no retry after the answer");
  });

  test("when one call outlasts its own timeout, then 504, and the aborted call is not retried", async (t) => {
    const app = await startResilient(t, { githubTimeoutMs: 200 });
    app.sim.faults.delayNext(ROUTE.registrationToken, 5_000);
    const { status, ms } = await timed(app.call("GET", "/api/v1/token-register", platform));
    assert.equal(status, 504);
    assert.ok(ms < 1_500, `answered after ${Math.round(ms)} ms`);
    assert.equal(app.sim.calls(ROUTE.registrationToken), 1);
  });
});

describe("/readyz while GitHub fails", () => {
  test("when GitHub fails to mint the installation token (5xx), then 503 with Retry-After: waiting can help", async (t) => {
    const app = await startResilient(t);
    app.sim.faults.failNext(ROUTE.accessToken, { status: 502, times: 3 });
    const notReady = await app.call("GET", "/readyz");
    assert.deepEqual([notReady.status, notReady.headers.get("retry-after")], [503, "5"]);
  });
});

describe("the App's credentials refused", () => {
  test("when GitHub refuses to mint an installation token (401), then 503 and /readyz fails, until it mints again", async (t) => {
    const app = await startResilient(t);
    app.sim.faults.failNext(ROUTE.accessToken, {
      status: 401,
      body: { message: "A JSON web token could not be decoded", documentation_url: "https://docs.github.com/rest" },
      times: 2,
    });
    const refused = await app.call("GET", "/api/v1/token-register", platform);
    assert.deepEqual([refused.status, refused.body.Code], [503, 503]);
    assert.match(refused.body.Error, /GitHub refused the App's credentials/);
    assert.equal(refused.headers.get("retry-after"), null, "an operator must act: waiting does not help");
    t.mock.timers.enable({ apis: ["Date"], now: Date.now() });
    const notReady = await app.call("GET", "/readyz");
    assert.equal(notReady.status, 503);
    assert.equal(notReady.headers.get("retry-after"), null);
    // /readyz asks GitHub at most once every 5 s, whatever the number of probes
    assert.equal((await app.call("GET", "/readyz")).status, 503);
    t.mock.timers.tick(5_000);
    assert.equal((await app.call("GET", "/readyz")).status, 200);
    assert.equal((await app.call("GET", "/api/v1/token-register", platform)).status, 200);
  });

  test("when GitHub refuses the cached installation token (401), then 503, and the next call or /readyz mints a fresh one", async (t) => {
    const app = await startResilient(t);
    assert.equal((await app.call("GET", "/api/v1/token-register", platform)).status, 200);
    // @octokit/auth-app retries a 401 for ~6 s when its token is under 5 s old (replication delay): age it.
    t.mock.timers.enable({ apis: ["Date"], now: Date.now() });
    t.mock.timers.tick(10_000);
    app.sim.state.installationTokens.clear(); // revoked
    const refused = await app.call("GET", "/api/v1/token-register", platform);
    assert.equal(refused.status, 503);
    assert.match(refused.body.Error, /GitHub refused the App's credentials while checking alice's membership of team platform/);
    // the fresh token is refused too: the App's credentials are
    app.sim.faults.failNext(ROUTE.accessToken, { status: 401 });
    assert.equal((await app.call("GET", "/readyz")).status, 503);
    t.mock.timers.tick(5_000); // /readyz asks GitHub at most once every 5 s
    assert.equal((await app.call("GET", "/readyz")).status, 200);
    assert.equal((await app.call("GET", "/api/v1/token-register", platform)).status, 200);
    assert.equal(app.sim.calls(ROUTE.accessToken), 3);
  });
});

describe("a change that fails midway is answered exactly", () => {
  test("when removing several repositories fails midway, then the answer names those removed, and the group holds the rest", async (t) => {
    const app = await startResilient(t, { seed: seedWithTwoRepos() });
    app.sim.faults.delayNext(ROUTE.removeRepo, 0); // the first DELETE passes
    app.sim.faults.failNext(ROUTE.removeRepo, { status: 502, times: 3 });
    const { status, body } = await app.call("PATCH", "/api/v1/repos-remove", { ...alice, query: { team: "platform", repos: "api,web" } });
    assert.equal(status, 502);
    assert.match(body.Error, /^removed api before the failure; repository web failed: GitHub answered 502 while removing repository 9002/);
    assert.deepEqual(groupRepoNames(app), ["web"]);
    const audits = app.logs
      .lines()
      .filter((l) => l.message === "audit" && l.audit !== "request")
      .map((l) => [l.audit, l.repository]);
    assert.deepEqual(audits, [["runner-group.repository-removed", "api"]]);
  });

  test("when group-delete with force fails on its second runner, then the answer names the runner deleted, and the group stays", async (t) => {
    const runners = [
      { name: "p-1", id: 31, group: "team-platform" },
      { name: "p-2", id: 32, group: "team-platform" },
    ];
    const app = await startResilient(t, { seed: seedWithPlatformGroup({ runners }) });
    app.sim.faults.delayNext(ROUTE.deleteRunner, 0);
    app.sim.faults.failNext(ROUTE.deleteRunner, { status: 500, times: 3 });
    const { status, body } = await app.call("DELETE", "/api/v1/group-delete", { ...alice, query: { team: "platform", force: "true" } });
    assert.equal(status, 502);
    assert.match(
      body.Error,
      /^Deleted runners p-1; runner p-2 could not be deleted \(GitHub answered 500 while deleting runner 32\), so runner group team-platform was not deleted$/,
    );
    assert.equal(app.sim.state.runners.has(31), false);
    assert.ok(app.sim.state.runners.has(32));
    assert.ok(app.sim.state.runnerGroups.has(PLATFORM_GROUP_ID));
  });

  test("when group-delete with force deletes the runners but not the group, then the answer says both", async (t) => {
    const runners = [
      { name: "p-1", id: 31, group: "team-platform" },
      { name: "p-2", id: 32, group: "team-platform" },
    ];
    const app = await startResilient(t, { seed: seedWithPlatformGroup({ runners }) });
    app.sim.faults.dropNext(ROUTE.deleteGroup, 3);
    const { status, body } = await app.call("DELETE", "/api/v1/group-delete", { ...alice, query: { team: "platform", force: "true" } });
    assert.equal(status, 502);
    assert.match(
      body.Error,
      /^Deleted runners p-1, p-2; runner group team-platform could not be deleted \(GitHub could not be reached while deleting runner group 3\)$/,
    );
    assert.equal(app.sim.state.runners.has(31), false);
    assert.equal(app.sim.state.runners.has(32), false);
    assert.ok(app.sim.state.runnerGroups.has(PLATFORM_GROUP_ID));
  });
});

describe("concurrent changes to one group", () => {
  const repos = (names: string) => ({ ...alice, query: { team: "platform", repos: names } });

  test("when two maintainers add different repositories at the same moment, then both are added, one change after the other", async (t) => {
    const app = await startResilient(t, { seed: seedWithTwoRepos() });
    await app.call("PATCH", "/api/v1/repos-set", repos("api")); // the group holds api only
    app.sim.resetCalls();
    const journalBefore = app.sim.journal().length;
    app.sim.faults.setLatency(40);
    const [web, infra] = await Promise.all([
      app.call("PATCH", "/api/v1/repos-add", repos("web")),
      app.call("PATCH", "/api/v1/repos-add", repos("infra")),
    ]);
    assert.deepEqual([web.status, infra.status], [200, 200]);
    assert.deepEqual(groupRepoNames(app), ["api", "infra", "web"]);
    // Each change reads the group and the team's repositories, then writes, before the other starts.
    const changeCalls = app.sim
      .journal()
      .slice(journalBefore)
      .map((e) => e.route)
      .filter((route) => route === ROUTE.groups || route === ROUTE.teamRepos || route === ROUTE.addRepo);
    // (the two look-ups of one change run in parallel, in either order)
    const change = (calls: Array<string | null>) => [[...calls.slice(0, 2)].sort(), calls[2]];
    const expected = [[ROUTE.groups, ROUTE.teamRepos].sort(), ROUTE.addRepo];
    assert.equal(changeCalls.length, 6);
    assert.deepEqual([change(changeCalls.slice(0, 3)), change(changeCalls.slice(3))], [expected, expected]);
  });

  test("when a change to a group fails, then the next one waiting for it still runs", async (t) => {
    const app = await startResilient(t, { seed: seedWithTwoRepos() });
    app.sim.faults.setLatency(40);
    app.sim.faults.failNext(ROUTE.addRepo, { status: 502, times: 3 });
    const [failed, added] = await Promise.all([
      app.call("PATCH", "/api/v1/repos-add", repos("infra")),
      app.call("PATCH", "/api/v1/repos-set", repos("api")),
    ]);
    assert.deepEqual([failed.status, added.status], [502, 200]);
    assert.deepEqual(groupRepoNames(app), ["api"]);
  });
});
