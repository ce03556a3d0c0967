import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SeedInput } from "../../src/simulator/index.js";
import { PLATFORM_GROUP_ID, seedWithPlatformGroup, TOKENS } from "../helpers/seeds.js";
import { startTestApp } from "../helpers/start-test-app.js";

const alice = { token: TOKENS.alice };
const groupRepoNames = (app: Awaited<ReturnType<typeof startTestApp>>) =>
  [...app.sim.state.runnerGroups.get(PLATFORM_GROUP_ID)!.repositoryIds].map((id) => app.sim.state.repos.get(id)!.name).sort();

/** The platform group's seed, plus a private repository `handbook` that team platform can only read. */
function seedWithReadOnlyRepo(): SeedInput {
  const seed = seedWithPlatformGroup();
  return {
    ...seed,
    repositories: [...(seed.repositories ?? []), { name: "handbook", id: 9010, visibility: "private" }],
    teams: seed.teams!.map((team) =>
      team.slug === "platform" ? { ...team, repos: [...(team.repos ?? []), { name: "handbook", permission: "read" }] } : team,
    ),
  };
}

describe("PATCH /api/v1/repos-add", () => {
  test("when the team can write to every repository named, then they join the group, one audit line each", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup() });
    t.after(() => app.close());
    const { status, body } = await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "web" } });
    assert.deepEqual([status, body], [200, { Code: 200, Response: "Successfully added repositories to runner group" }]);
    assert.deepEqual(groupRepoNames(app), ["api", "web"]);
    const audit = app.logs.lines().filter((l) => l.message === "audit" && l.audit !== "request");
    assert.deepEqual(
      audit.map((l) => [l.audit, l.repository, l.user, l.team]),
      [["runner-group.repository-added", "web", "alice", "platform"]],
    );
  });

  test("when one repository is only readable by the team, then 403 naming it, and nothing changes on GitHub", async (t) => {
    const app = await startTestApp({ seed: seedWithReadOnlyRepo() });
    t.after(() => app.close());
    const { status, body } = await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "web,handbook" } });
    assert.equal(status, 403);
    assert.match(body.Error, /handbook \(team platform has read access; write is needed\)/);
    assert.doesNotMatch(body.Error, /web/);
    assert.deepEqual(groupRepoNames(app), ["api"]);
    assert.equal(app.sim.calls("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}"), 0);
  });

  test("when a repository is not the team's (or does not exist), then 403 naming it", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup() });
    t.after(() => app.close());
    const { status, body } = await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "infra,ghost" } });
    assert.equal(status, 403);
    assert.match(body.Error, /infra \(not a repository of team platform\); ghost \(not a repository of team platform\)/);
    assert.deepEqual(groupRepoNames(app), ["api"]);
  });

  test("when policy.minRepoPermission is read, then a read-only repository is accepted", async (t) => {
    const app = await startTestApp({ seed: seedWithReadOnlyRepo(), minRepoPermission: "read" });
    t.after(() => app.close());
    const { status } = await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "handbook" } });
    assert.equal(status, 200);
    assert.deepEqual(groupRepoNames(app), ["api", "handbook"]);
  });

  test("when a repository is public, then repos-add and repos-set refuse it, saying why, and nothing changes on GitHub", async (t) => {
    // docs is public; the team may even attach read-only repositories here, so only its visibility refuses it
    const app = await startTestApp({ seed: seedWithPlatformGroup(), minRepoPermission: "read" });
    t.after(() => app.close());
    for (const path of ["/api/v1/repos-add", "/api/v1/repos-set"]) {
      const { status, body } = await app.call("PATCH", path, { ...alice, query: { team: "platform", repos: "web,docs" } });
      assert.equal(status, 403, path);
      assert.match(body.Error, /docs \(a public repository: the team's runner group does not serve public repositories\)/);
    }
    assert.deepEqual(groupRepoNames(app), ["api"]);
    assert.equal(app.sim.calls("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}"), 0);
    assert.equal(app.sim.calls("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories"), 0);
  });

  test("when policy.minRepoPermission is admin, then a repository the team can only write to is refused", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup(), minRepoPermission: "admin" });
    t.after(() => app.close());
    assert.equal((await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "api" } })).status, 403);
    assert.equal((await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "web" } })).status, 200);
  });

  test("when the team has more than 100 repositories, then one on a later page is found", async (t) => {
    const seed: SeedInput = seedWithPlatformGroup();
    const many = Array.from({ length: 150 }, (_, i) => ({ name: `svc-${i}` }));
    seed.repositories = [...seed.repositories!, ...many];
    seed.teams = seed.teams!.map((team) =>
      team.slug === "platform"
        ? { ...team, repos: [...team.repos!, ...many.map((r) => ({ name: r.name, permission: "write" as const }))] }
        : team,
    );
    const app = await startTestApp({ seed });
    t.after(() => app.close());
    const { status } = await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "svc-149" } });
    assert.equal(status, 200);
    assert.deepEqual(groupRepoNames(app), ["api", "svc-149"]);
    assert.equal(app.sim.calls("GET /orgs/{org}/teams/{team_slug}/repos"), 2);
  });

  test("when repositories come as a JSON array in the body, with duplicates and empty entries, then each is added once", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup() });
    t.after(() => app.close());
    const { status } = await app.call("PATCH", "/api/v1/repos-add", {
      ...alice,
      body: { team: "platform", repos: ["web", "WEB", "", " api "] },
    });
    assert.equal(status, 200);
    assert.deepEqual(groupRepoNames(app), ["api", "web"]);
    assert.equal(app.sim.calls("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}"), 2);
  });

  test("when repos is missing or holds an invalid name, then 400 and GitHub is not asked", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup() });
    t.after(() => app.close());
    const missing = await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform" } });
    assert.deepEqual([missing.status, missing.body.Error], [400, "Missing required parameter: repos"]);
    const traversal = await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "../secrets" } });
    assert.equal(traversal.status, 400);
    assert.equal(
      traversal.body.Error,
      `Parameter repos holds "../secrets", which is not a repository name: letters, digits, '-', '_' and '.' (not . or .. alone), at most 100 characters`,
    );
    assert.equal(app.sim.calls(), 0);
  });

  test("when GitHub fails midway through several repositories, then the answer says exactly which were added", async (t) => {
    const seed = seedWithPlatformGroup();
    seed.teams = seed.teams!.map((team) =>
      team.slug === "platform" ? { ...team, repos: [...team.repos!, { name: "infra", permission: "write" as const }] } : team,
    );
    const app = await startTestApp({ seed });
    t.after(() => app.close());
    app.sim.faults.inject("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}", { kind: "delay", ms: 0 });
    app.sim.faults.inject("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}", {
      kind: "status",
      status: 502,
    });
    const { status, body } = await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "web,infra" } });
    assert.equal(status, 502);
    assert.match(body.Error, /added web before the failure; repository infra failed/);
    assert.deepEqual(groupRepoNames(app), ["api", "web"]);
  });
});

describe("PATCH /api/v1/repos-set", () => {
  test("when allowed, then the group's repositories are replaced in one GitHub call", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup() });
    t.after(() => app.close());
    const { status, body } = await app.call("PATCH", "/api/v1/repos-set", { ...alice, query: { team: "platform", repos: "web" } });
    assert.deepEqual([status, body.Response], [200, "Successfully added repositories to runner group"]);
    assert.deepEqual(groupRepoNames(app), ["web"]);
    assert.equal(app.sim.calls("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories"), 1);
    assert.equal(app.sim.calls("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}"), 0);
  });

  test("when one repository is not allowed, then 403 and the group keeps its repositories", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup() });
    t.after(() => app.close());
    const { status } = await app.call("PATCH", "/api/v1/repos-set", { ...alice, query: { team: "platform", repos: "web,warehouse" } });
    assert.equal(status, 403);
    assert.deepEqual(groupRepoNames(app), ["api"]);
  });
});

describe("PATCH /api/v1/repos-remove", () => {
  test("when repositories are in the group, then they leave it; one that is not in it is no error", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup() });
    t.after(() => app.close());
    const { status, body } = await app.call("PATCH", "/api/v1/repos-remove", { ...alice, query: { team: "platform", repos: "api,web" } });
    assert.deepEqual([status, body.Response], [200, "Successfully removed repositories from runner group"]);
    assert.deepEqual(groupRepoNames(app), []);
    assert.equal(app.sim.calls("DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}"), 1);
  });

  test("when the team lost access to a repository in its group, then it can still remove it", async (t) => {
    const seed = seedWithPlatformGroup();
    seed.runnerGroups = seed.runnerGroups!.map((g) => (g.name === "team-platform" ? { ...g, repositories: ["api", "infra"] } : g));
    const app = await startTestApp({ seed });
    t.after(() => app.close());
    const { status } = await app.call("PATCH", "/api/v1/repos-remove", { ...alice, query: { team: "platform", repos: "infra" } });
    assert.equal(status, 200);
    assert.deepEqual(groupRepoNames(app), ["api"]);
  });
});
