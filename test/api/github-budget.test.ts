/**
 * The App's GitHub budget is protected (issue 13): a caller whose refused requests cost GitHub more than
 * server.githubBudget.refusedCallsPerHour calls gets 429 without any further call, while an active
 * maintainer is still served; below the reserve only known active maintainers spend calls; once GitHub
 * says stop, no call is made until it says so; negative answers are cached; /readyz asks GitHub at most
 * once every few seconds. The simulator's App budget is scaled down, and time is moved by hand.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";
import { manualClock } from "../../src/clock.js";
import { seedWithPlatformGroup, TOKENS } from "../helpers/seeds.js";
import { startTestApp, type TestApp } from "../helpers/start-test-app.js";

const ON = { ttlSeconds: 60, maxEntries: 1000 };
/** the caches as production has them */
const CACHES = {
  identity: ON,
  maintainership: ON,
  teamParents: ON,
  runnerGroups: { ttlSeconds: 300, maxEntries: 1000 },
  repoPermissions: ON,
};
const ROUTE = {
  user: "GET /user",
  membership: "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
  groups: "GET /orgs/{org}/actions/runner-groups",
  teamRepos: "GET /orgs/{org}/teams/{team_slug}/repos",
  mint: "POST /app/installations/{installation_id}/access_tokens",
};
const register = (app: TestApp, token: string, team: string) => app.call("GET", "/api/v1/token-register", { token, query: { team } });
/** what the App installation spent, as the simulator counts it */
const installationUsed = (app: TestApp) =>
  [...app.sim.state.rateWindows.entries()].find(([key]) => key.startsWith("installation:"))?.[1].used ?? 0;

describe("the refusal budget", () => {
  test("when one account in no team names random teams at full speed, then it stops costing GitHub calls once past the budget, and an active maintainer is still served", async (t) => {
    // the service's clock alone moves (the refusal window); GitHub's stays real, and its budget is 300 an hour
    const clock = manualClock(Date.now());
    const app = await startTestApp({
      cache: CACHES,
      clock,
      simulator: { rateLimitPerHour: 300 },
      githubBudget: { refusedCallsPerHour: 20 },
    });
    t.after(() => app.close());
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) statuses.push((await register(app, TOKENS.dave, `team-${randomUUID()}`)).status);
    const spent = app.sim.calls();
    // the request that crossed the budget cost at most its own calls (GET /user, the App's token, the membership)
    assert.ok(spent <= 20 + 3, `the attack cost ${spent} GitHub calls`);
    assert.ok(statuses.filter((s) => s === 403).length <= 20);
    assert.equal(statuses.at(-1), 429);
    const refused = await register(app, TOKENS.dave, "platform");
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get("retry-after")) > 3000, "until the hour's window ends");
    assert.match(refused.body.Error, /server\.githubBudget\.refusedCallsPerHour: 20/);
    assert.equal(app.sim.calls(), spent, "an over-budget caller costs GitHub nothing");
    assert.ok(installationUsed(app) < 30, "the App's budget is nearly whole");

    assert.equal((await register(app, TOKENS.alice, "platform")).status, 200);
    // the window ends: the caller is heard again
    clock.advance(3_601_000);
    app.sim.resetCalls();
    assert.equal((await register(app, TOKENS.dave, "platform")).status, 403);
  });

  test("when a maintainer repeats a refused request, then the cached refusal costs nothing and is not counted", async (t) => {
    // the first refusal costs 6 calls: GET /user, the App's token, the membership, the group, the repositories twice
    const app = await startTestApp({ seed: seedWithPlatformGroup(), cache: CACHES, githubBudget: { refusedCallsPerHour: 10 } });
    t.after(() => app.close());
    const addPrivate = () => app.call("PATCH", "/api/v1/repos-add", { token: TOKENS.alice, query: { team: "platform", repos: "secret" } });
    assert.equal((await addPrivate()).status, 403);
    app.sim.resetCalls();
    for (let i = 0; i < 20; i++) assert.equal((await addPrivate()).status, 403);
    assert.equal(app.sim.calls(ROUTE.teamRepos), 0, "a refused repository re-reads the team's repositories at most once per TTL");
    assert.equal((await register(app, TOKENS.alice, "platform")).status, 200);
  });

  test("when bad tokens come from one address, then its refused calls are counted by address", async (t) => {
    const app = await startTestApp({ cache: CACHES, githubBudget: { refusedCallsPerHour: 5 } });
    t.after(() => app.close());
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await register(app, `ghp_${randomUUID().replaceAll("-", "")}`, "platform")).status);
    assert.deepEqual(statuses, [...Array<number>(5).fill(401), ...Array<number>(7).fill(429)]);
    assert.equal(app.sim.calls(), 5);
  });
});

describe("GitHub's own budget", () => {
  test("when the remaining budget falls within the reserve, then only known active maintainers of the team spend calls; others get 503 until GitHub's reset", async (t) => {
    const clock = manualClock(Date.now());
    const app = await startTestApp({ cache: CACHES, clock, simulator: { clock, rateLimitPerHour: 100 }, githubBudget: { reserve: "10%" } });
    t.after(() => app.close());
    assert.equal((await register(app, TOKENS.alice, "platform")).status, 200);
    assert.equal((await register(app, TOKENS.bob, "platform")).status, 403);
    // others spend the App's budget down to the reserve (10 of 100)
    const window = [...app.sim.state.rateWindows.entries()].find(([key]) => key.startsWith("installation:"))![1];
    window.used = 91;
    assert.equal((await register(app, TOKENS.alice, "platform")).status, 200, "alice is known: served");
    app.sim.resetCalls();
    const stranger = await register(app, TOKENS.dave, "platform");
    assert.equal(stranger.status, 503);
    assert.equal(stranger.body.Error.includes("only active maintainers the service already knows"), true);
    const retryAfter = Number(stranger.headers.get("retry-after"));
    assert.ok(retryAfter > 3000 && retryAfter <= 3600, `Retry-After ${retryAfter} is GitHub's reset`);
    assert.equal(app.sim.calls(), 0, "nothing was asked of GitHub");
    // bob is known (cached) as a member only: refused too, at no cost
    assert.equal((await register(app, TOKENS.bob, "platform")).status, 503);
    assert.equal(app.sim.calls(), 0);
  });

  test("when GitHub reports the budget exhausted, then no call is made until its reset, and callers get 503 with that Retry-After", async (t) => {
    const clock = manualClock(Date.now());
    const app = await startTestApp({ cache: CACHES, clock, simulator: { clock, rateLimitPerHour: 50 } });
    t.after(() => app.close());
    assert.equal((await register(app, TOKENS.alice, "platform")).status, 200);
    const window = [...app.sim.state.rateWindows.entries()].find(([key]) => key.startsWith("installation:"))![1];
    window.resetAt = new Date(clock.now().getTime() + 60_000);
    window.used = window.limit - 1;
    assert.equal((await register(app, TOKENS.alice, "platform")).status, 200, "the last call of the window");
    app.sim.resetCalls();
    for (let i = 0; i < 5; i++) {
      const answer = await register(app, TOKENS.alice, "platform");
      assert.equal(answer.status, 503);
      assert.equal(answer.body.Code, 503);
      assert.ok(Number(answer.headers.get("retry-after")) <= 60);
    }
    assert.equal(app.sim.calls(), 0, "no call while GitHub said stop");
    clock.advance(61_000);
    assert.equal((await register(app, TOKENS.alice, "platform")).status, 200);
  });

  test("when GitHub answers with a secondary rate limit, then no call is made until its Retry-After has passed", async (t) => {
    const clock = manualClock(Date.now());
    const app = await startTestApp({ cache: CACHES, clock, simulator: { clock } });
    t.after(() => app.close());
    assert.equal((await register(app, TOKENS.alice, "platform")).status, 200);
    app.sim.faults.secondaryRateLimitNext("POST /orgs/{org}/actions/runners/registration-token", { retryAfterSeconds: 120 });
    const limited = await register(app, TOKENS.alice, "platform");
    assert.equal(limited.status, 503);
    app.sim.resetCalls();
    const again = await register(app, TOKENS.bob, "platform");
    assert.equal(again.status, 503);
    assert.ok(Number(again.headers.get("retry-after")) <= 120);
    assert.equal(app.sim.calls(), 0);
    clock.advance(121_000);
    assert.equal((await register(app, TOKENS.alice, "platform")).status, 200);
  });
});

describe("negative answers are cached", () => {
  test("when a team does not exist, or has no group, then the answer is cached like a positive one; group-create right after still works", async (t) => {
    const app = await startTestApp({ cache: CACHES });
    t.after(() => app.close());
    const list = () => app.call("GET", "/api/v1/group-list", { token: TOKENS.alice, query: { team: "platform" } });
    assert.equal((await list()).status, 404);
    app.sim.resetCalls();
    assert.equal((await list()).status, 404);
    assert.equal(app.sim.calls(), 0, "no such group: cached");
    assert.equal((await app.call("POST", "/api/v1/group-create", { token: TOKENS.alice, query: { team: "platform" } })).status, 200);
    assert.equal((await list()).status, 200, "our own change updated the cache");

    app.sim.resetCalls();
    assert.equal((await register(app, TOKENS.alice, "no-such-team")).status, 403);
    assert.equal((await register(app, TOKENS.alice, "no-such-team")).status, 403);
    assert.equal(app.sim.calls(ROUTE.membership), 1, "no such team: cached");
  });
});

describe("/readyz", () => {
  test("when probed many times, then GitHub is asked at most once every few seconds", async (t) => {
    const clock = manualClock(Date.now());
    const app = await startTestApp({ clock });
    t.after(() => app.close());
    const wrapped = await Promise.all(Array.from({ length: 20 }, () => app.call("GET", "/readyz")));
    assert.deepEqual(new Set(wrapped.map((r) => r.status)), new Set([200]));
    const first = app.sim.calls();
    assert.ok(first <= 1, `${first} calls for 20 probes`);
    for (let i = 0; i < 10; i++) await app.call("GET", "/readyz");
    assert.equal(app.sim.calls(), first);
    clock.advance(5_000);
    await app.call("GET", "/readyz");
    assert.ok(app.sim.calls() <= first + 1);
  });
});
