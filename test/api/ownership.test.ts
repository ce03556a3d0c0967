/**
 * A team's maintainers reach only the group managed for their team (policy.groupPrefix + slug): never an
 * admin-made group that merely carries the team's name, never a group inherited from the enterprise. The
 * attack of issue 12: any member may create a team, and so maintain it; a team named like an admin-made
 * group must gain nothing over that group.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { demoSeed, DEMO_TOKENS, type SeedInput, type Simulator } from "../../src/simulator/index.js";
import { startTestApp } from "../helpers/start-test-app.js";

/** dave creates team `production` (and so maintains it); the admins' group `Production` serves `infra` with a runner. */
function seedWithAdminGroup(): SeedInput {
  return {
    ...demoSeed,
    teams: [
      ...(demoSeed.teams ?? []),
      {
        slug: "production",
        name: "production",
        id: 7003,
        members: [{ login: "dave", role: "maintainer", state: "active" }],
        repos: [{ name: "web", permission: "admin" }],
      },
    ],
    runnerGroups: [
      ...(demoSeed.runnerGroups ?? []),
      { name: "Production", id: 40, visibility: "selected", repositories: ["infra"] },
      { name: "team-platform", id: 41, visibility: "selected", repositories: ["api"], inherited: true },
    ],
    runners: [...(demoSeed.runners ?? []), { name: "prod-deployer-1", id: 90, group: "Production", labels: ["self-hosted", "linux"] }],
  };
}

const dave = { token: DEMO_TOKENS.dave, query: { team: "production" } };

/** What a maintainer could change about a group: its name, its repositories, its runners. */
function groupState(sim: Simulator, id: number) {
  const group = sim.state.runnerGroups.get(id);
  const runners = [...sim.state.runners.values()].filter((r) => r.groupId === id).map((r) => r.name);
  return group && { name: group.name, repositories: [...group.repositoryIds].sort(), runners };
}

describe("ownership of runner groups", () => {
  test("when a new team is named like an admin-made group, then its maintainer can neither list, change nor delete that group", async (t) => {
    const app = await startTestApp({ seed: seedWithAdminGroup() });
    t.after(() => app.close());
    const before = groupState(app.sim, 40);

    const listed = await app.call("GET", "/api/v1/group-list", dave);
    assert.equal(listed.status, 404);
    assert.match(listed.body.Error, /Runner group not found: team-production/);
    for (const [method, path, query] of [
      ["PATCH", "/api/v1/repos-add", { repos: "web" }],
      ["PATCH", "/api/v1/repos-set", { repos: "web" }],
      ["PATCH", "/api/v1/repos-remove", { repos: "infra" }],
      ["DELETE", "/api/v1/group-delete", { force: "true" }],
    ] as const) {
      const answer = await app.call(method, path, { token: DEMO_TOKENS.dave, query: { team: "production", ...query } });
      assert.equal(answer.status, 404, `${method} ${path}`);
    }
    assert.deepEqual(groupState(app.sim, 40), before, "the admins' group, its repositories and its runner are unchanged");
    assert.equal(app.sim.calls("DELETE /orgs/{org}/actions/runners/{runner_id}"), 0);

    // What the team may have is a group of its own, beside the admins' one.
    const created = await app.call("POST", "/api/v1/group-create", dave);
    assert.deepEqual(created.body, { Code: 200, Response: "Runner group created successfully: team-production" });
    assert.deepEqual(groupState(app.sim, 40), before);
  });

  test("when the enterprise shares a group carrying the managed name, then it is never the team's", async (t) => {
    const app = await startTestApp({ seed: seedWithAdminGroup() });
    t.after(() => app.close());
    const before = groupState(app.sim, 41);
    const alice = { token: DEMO_TOKENS.alice, query: { team: "platform" } };
    assert.equal((await app.call("GET", "/api/v1/group-list", alice)).status, 404);
    assert.equal((await app.call("PATCH", "/api/v1/repos-set", { ...alice, query: { team: "platform", repos: "web" } })).status, 404);
    assert.equal((await app.call("DELETE", "/api/v1/group-delete", alice)).status, 404);
    assert.deepEqual(groupState(app.sim, 41), before);
  });

  test("when groupPrefix is empty (the Go original's names), then a team's group is the one named after it, and the start-up log warns", async (t) => {
    const app = await startTestApp({ seed: seedWithAdminGroup(), groupPrefix: "" });
    t.after(() => app.close());
    assert.ok(app.logs.lines().some((l) => l.level === "warn" && /policy\.groupPrefix is empty/.test(String(l.message))));
    const listed = await app.call("GET", "/api/v1/group-list", dave);
    assert.equal(listed.status, 200, "the exposure the warning names: GitHub compares group names without case");
    assert.deepEqual(listed.body.Response.repos, ["infra"]);
  });

  test("when the prefix is the default, then no warning is logged", async (t) => {
    const app = await startTestApp({ seed: seedWithAdminGroup() });
    t.after(() => app.close());
    assert.ok(!app.logs.lines().some((l) => /groupPrefix/.test(String(l.message))));
  });

  test("when policy.teams.allow leaves a team out, then its maintainer gets the non-maintainer's 403, and GitHub is not asked about the team", async (t) => {
    const app = await startTestApp({ seed: seedWithAdminGroup(), allowTeams: ["Data"] });
    t.after(() => app.close());
    const outside = await app.call("GET", "/api/v1/token-register", { token: DEMO_TOKENS.alice, query: { team: "platform" } });
    const notMaintainer = await app.call("GET", "/api/v1/token-register", { token: DEMO_TOKENS.dave, query: { team: "platform" } });
    assert.equal(outside.status, 403);
    assert.deepEqual(
      outside.body,
      { ...notMaintainer.body, Error: notMaintainer.body.Error.replace("dave", "alice") },
      "the list is not disclosed",
    );
    assert.equal(app.sim.calls("GET /orgs/{org}/teams/{team_slug}/memberships/{username}"), 0);
    assert.equal(app.sim.calls("POST /orgs/{org}/actions/runners/registration-token"), 0);
    const inside = await app.call("GET", "/api/v1/token-register", { token: DEMO_TOKENS.erin, query: { team: "data" } });
    assert.equal(inside.status, 200, "a listed team (compared without case) is served");
  });
});
