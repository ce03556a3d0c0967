/**
 * The caches, seen through the simulator's call counters: a warm request costs GitHub only the call that
 * does the work; revocation takes effect within the TTL (injected clock); our own changes update the
 * caches; a stale group id heals; concurrent identical lookups share one call; every cache stays bounded.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { manualClock } from "../../src/clock.js";
import { withCaches } from "../../src/github/cached-github.js";
import type { GitHub } from "../../src/github/ports.js";
import { seedWithPlatformGroup, TOKENS } from "../helpers/seeds.js";
import { startTestApp } from "../helpers/start-test-app.js";

const ON = { ttlSeconds: 60, maxEntries: 1000 };
const CACHES = { identity: ON, maintainership: ON, runnerGroups: { ttlSeconds: 300, maxEntries: 1000 }, repoPermissions: ON };
const alice = { token: TOKENS.alice };
const ROUTE = {
  user: "GET /user",
  membership: "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
  groups: "GET /orgs/{org}/actions/runner-groups",
  group: "GET /orgs/{org}/actions/runner-groups/{runner_group_id}",
  teamRepos: "GET /orgs/{org}/teams/{team_slug}/repos",
  mint: "POST /orgs/{org}/actions/runners/registration-token",
  addRepo: "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}",
  groupRepos: "GET /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories",
  groupRunners: "GET /orgs/{org}/actions/runner-groups/{runner_group_id}/runners",
  jit: "POST /orgs/{org}/actions/runners/generate-jitconfig",
};
/** GitHub calls of the app itself (the App's token minting aside) */
const workCalls = (app: Awaited<ReturnType<typeof startTestApp>>) =>
  app.sim.calls() - app.sim.calls("POST /app/installations/{installation_id}/access_tokens");

describe("caches: a warm request costs one GitHub call", () => {
  test("when the same maintainer asks for a registration token twice, then the second request makes exactly one GitHub call: the mint", async (t) => {
    const app = await startTestApp({ cache: CACHES });
    t.after(() => app.close());
    await app.call("GET", "/api/v1/token-register", { ...alice, query: { team: "platform" } });
    app.sim.resetCalls();
    const { status } = await app.call("GET", "/api/v1/token-register", { ...alice, query: { team: "platform" } });
    assert.equal(status, 200);
    assert.deepEqual(app.sim.callsByRoute(), { [ROUTE.mint]: 1 });
  });

  test("when a warm maintainer adds a repository, then only the group's re-read by id and the write reach GitHub", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup(), cache: CACHES });
    t.after(() => app.close());
    await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "api" } });
    app.sim.resetCalls();
    const { status } = await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "web" } });
    assert.equal(status, 200);
    // the re-read refuses a group an admin has renamed since its id was cached (test/api/edges.test.ts)
    assert.deepEqual(app.sim.callsByRoute(), { [ROUTE.group]: 1, [ROUTE.addRepo]: 1 });
    assert.ok(workCalls(app) <= 2);
  });

  test("when a warm maintainer asks for a just-in-time runner, then the request makes exactly one GitHub call: generate-jitconfig", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup(), cache: CACHES });
    t.after(() => app.close());
    await app.call("POST", "/api/v1/runner-jitconfig", { ...alice, query: { team: "platform" } });
    app.sim.resetCalls();
    const { status } = await app.call("POST", "/api/v1/runner-jitconfig", { ...alice, query: { team: "platform" } });
    assert.equal(status, 200);
    assert.deepEqual(app.sim.callsByRoute(), { [ROUTE.jit]: 1 });
  });

  test("when the caches are off, then every request asks GitHub again (the contrast)", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    await app.call("GET", "/api/v1/token-register", { ...alice, query: { team: "platform" } });
    app.sim.resetCalls();
    await app.call("GET", "/api/v1/token-register", { ...alice, query: { team: "platform" } });
    assert.equal(workCalls(app), 3);
  });
});

describe("caches: bounded staleness", () => {
  test("when a maintainer is removed from the team, then access ends once the TTL has passed, not before", async (t) => {
    const clock = manualClock();
    const app = await startTestApp({ cache: CACHES, clock });
    t.after(() => app.close());
    const ask = () => app.call("GET", "/api/v1/token-register", { ...alice, query: { team: "platform" } });
    assert.equal((await ask()).status, 200);
    app.sim.state.teams.get("platform")!.members.delete("alice");
    clock.advance(59_000);
    assert.equal((await ask()).status, 200, "within the TTL the cached answer stands");
    clock.advance(2_000);
    const refused = await ask();
    assert.equal(refused.status, 403);
  });

  test("when a token is revoked on GitHub, then it stops working once the identity TTL has passed", async (t) => {
    const clock = manualClock();
    const app = await startTestApp({ cache: CACHES, clock });
    t.after(() => app.close());
    const ask = () => app.call("GET", "/api/v1/token-register", { ...alice, query: { team: "platform" } });
    assert.equal((await ask()).status, 200);
    app.sim.state.userTokens.delete(TOKENS.alice);
    clock.advance(61_000);
    assert.equal((await ask()).status, 401);
  });
});

describe("caches: our own changes", () => {
  test("when a group is deleted and created again, then no stale id is used, and the new id needs no lookup", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup(), cache: CACHES });
    t.after(() => app.close());
    const list = () => app.call("GET", "/api/v1/group-list", { ...alice, query: { team: "platform" } });
    assert.equal((await list()).status, 200);
    assert.equal((await app.call("DELETE", "/api/v1/group-delete", { ...alice, query: { team: "platform" } })).status, 200);
    assert.equal((await list()).status, 404);
    assert.equal((await app.call("POST", "/api/v1/group-create", { ...alice, query: { team: "platform" } })).status, 200);
    app.sim.resetCalls();
    const listed = await list();
    assert.equal(listed.status, 200);
    assert.equal(app.sim.calls(ROUTE.groups), 0, "the id came from group-create");
    assert.deepEqual(app.sim.callsByRoute(), { [ROUTE.groupRepos]: 1, [ROUTE.groupRunners]: 1 });
  });

  test("when the cached group was deleted and recreated behind our back, then the stale id heals with one fresh lookup", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup(), cache: CACHES });
    t.after(() => app.close());
    assert.equal((await app.call("GET", "/api/v1/group-list", { ...alice, query: { team: "platform" } })).status, 200);
    // someone replaces the group on GitHub directly: same name, new id
    const old = [...app.sim.state.runnerGroups.values()].find((g) => g.name === "team-platform")!;
    app.sim.state.runnerGroups.delete(old.id);
    app.sim.state.runnerGroups.set(77, { ...old, id: 77, repositoryIds: new Set() });
    app.sim.resetCalls();
    const { status } = await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "web" } });
    assert.equal(status, 200);
    assert.equal(app.sim.calls(ROUTE.groups), 1, "one fresh lookup");
    assert.deepEqual([...app.sim.state.runnerGroups.get(77)!.repositoryIds], [9002]);
  });

  test("when the cached group was replaced behind our back, then runner-jitconfig registers in the new one (GitHub's 404 registered nothing)", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup(), cache: CACHES });
    t.after(() => app.close());
    assert.equal((await app.call("GET", "/api/v1/group-list", { ...alice, query: { team: "platform" } })).status, 200);
    const old = [...app.sim.state.runnerGroups.values()].find((g) => g.name === "team-platform")!;
    app.sim.state.runnerGroups.delete(old.id);
    app.sim.state.runnerGroups.set(78, { ...old, id: 78, repositoryIds: new Set() });
    app.sim.resetCalls();
    const { status, body } = await app.call("POST", "/api/v1/runner-jitconfig", { ...alice, query: { team: "platform" } });
    assert.equal(status, 200);
    assert.equal(body.Response.runner.runner_group_id, 78);
    assert.deepEqual([app.sim.calls(ROUTE.jit), app.sim.calls(ROUTE.groups)], [2, 1], "the 404, one fresh lookup, the registration");
  });

  test("when a repository was granted to the team after its list was cached, then it is accepted after one fresh look", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup(), cache: CACHES });
    t.after(() => app.close());
    assert.equal((await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "web" } })).status, 200);
    app.sim.state.teams.get("platform")!.repos.set(9005, "write"); // infra
    const { status } = await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "infra" } });
    assert.equal(status, 200);
  });
});

describe("caches: concurrency and bounds", () => {
  test("when ten identical requests arrive at once, then the identity and membership lookups are one GitHub call each", async (t) => {
    const app = await startTestApp({ cache: CACHES, rateLimit: { perUser: 1000 } });
    t.after(() => app.close());
    app.sim.faults.setLatency(30);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => app.call("GET", "/api/v1/token-register", { ...alice, query: { team: "platform" } })),
    );
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    assert.equal(app.sim.calls(ROUTE.user), 1);
    assert.equal(app.sim.calls(ROUTE.membership), 1);
    assert.equal(app.sim.calls(ROUTE.mint), 10);
  });

  test("when 100 000 distinct callers come, then each cache holds at most its bound", async () => {
    // A hand-written GitHub port: 100 000 requests through the simulator would measure the simulator.
    let calls = 0;
    const fake = {
      user: { whoAmI: (token: string) => (calls++, Promise.resolve({ login: `user-${token}`, id: calls })) },
      org: { teamMembership: () => (calls++, Promise.resolve({ role: "maintainer" as const, state: "active" as const })) },
    } as unknown as GitHub;
    const bound = { ttlSeconds: 60, maxEntries: 1000 };
    const cached = withCaches(fake, {
      identity: bound,
      maintainership: bound,
      teamParents: bound,
      runnerGroups: bound,
      repoPermissions: bound,
      clock: manualClock(),
    });
    for (let i = 0; i < 100_000; i++) {
      const caller = await cached.user.whoAmI(`token-${i}`);
      await cached.org.teamMembership("platform", caller.login);
    }
    assert.equal(calls, 200_000);
    const sizes = cached.cacheSizes();
    assert.equal(sizes.identity, 1000);
    assert.equal(sizes.maintainership, 1000);
    // the most recent callers are the ones kept
    await cached.user.whoAmI("token-99999");
    assert.equal(calls, 200_000);
  });
});
