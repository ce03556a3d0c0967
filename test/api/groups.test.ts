import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_GROUP_ID } from "../../src/simulator/state.js";
import { PLATFORM_GROUP_ID, seedWithPlatformGroup, TOKENS } from "../helpers/seeds.js";
import { startTestApp } from "../helpers/start-test-app.js";

const alice = { token: TOKENS.alice };

describe("POST /api/v1/group-create", () => {
  test("when the team has no group, then GitHub gets one named after the team, visibility selected, no public repositories", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    const { status, body } = await app.call("POST", "/api/v1/group-create", { ...alice, query: { team: "platform" } });
    assert.equal(status, 200);
    assert.deepEqual(body, { Code: 200, Response: "Runner group created successfully: team-platform" });
    const group = [...app.sim.state.runnerGroups.values()].find((g) => g.name === "team-platform")!;
    assert.equal(group.visibility, "selected");
    assert.equal(group.allowsPublicRepositories, false);
    assert.equal(group.repositoryIds.size, 0);
  });

  test("when the group exists already, then 409 Runner group already exists, and there is still one", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup() });
    t.after(() => app.close());
    const { status, body } = await app.call("POST", "/api/v1/group-add", { ...alice, query: { team: "platform" } });
    assert.equal(status, 409);
    assert.deepEqual(body, { Code: 409, Error: "Runner group already exists: team-platform" });
    assert.equal([...app.sim.state.runnerGroups.values()].filter((g) => g.name === "team-platform").length, 1);
  });

  test("when the team is given in a JSON body instead of the query, then it works the same", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    const { status } = await app.call("POST", "/api/v1/group-create", { ...alice, body: { team: "platform" } });
    assert.equal(status, 200);
  });

  test("when team is missing, then 400 Missing required parameter: team, before GitHub is asked anything", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    const { status, body } = await app.call("POST", "/api/v1/group-create", alice);
    assert.deepEqual([status, body], [400, { Code: 400, Error: "Missing required parameter: team" }]);
    assert.equal(app.sim.calls(), 0);
  });
});

describe("DELETE /api/v1/group-delete", () => {
  test("when the group has no runners, then it is deleted", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup() });
    t.after(() => app.close());
    const { status, body } = await app.call("DELETE", "/api/v1/group-delete", { ...alice, query: { team: "platform" } });
    assert.deepEqual([status, body], [200, { Code: 200, Response: "Runner group deleted successfully: team-platform" }]);
    assert.equal(app.sim.state.runnerGroups.has(PLATFORM_GROUP_ID), false);
  });

  test("when the group still has runners, then 409 naming them, and neither the group nor its runners change", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup({ runners: [{ name: "p-1", id: 31, group: "team-platform" }] }) });
    t.after(() => app.close());
    const { status, body } = await app.call("DELETE", "/api/v1/group-delete", { ...alice, query: { team: "platform" } });
    assert.equal(status, 409);
    assert.match(body.Error, /still has 1 runner\(s\) \(p-1\).*force=true/);
    assert.ok(app.sim.state.runnerGroups.has(PLATFORM_GROUP_ID));
    assert.equal(app.sim.state.runners.get(31)!.groupId, PLATFORM_GROUP_ID);
  });

  test("when force=true, then the runners are deleted first, so none falls into the Default group", async (t) => {
    const app = await startTestApp({
      seed: seedWithPlatformGroup({
        runners: [
          { name: "p-1", id: 31, group: "team-platform" },
          { name: "p-2", id: 32, group: "team-platform" },
        ],
      }),
    });
    t.after(() => app.close());
    const defaultBefore = [...app.sim.state.runners.values()].filter((r) => r.groupId === DEFAULT_GROUP_ID).length;
    const { status } = await app.call("DELETE", "/api/v1/group-delete", { ...alice, query: { team: "platform", force: "true" } });
    assert.equal(status, 200);
    assert.equal(app.sim.state.runnerGroups.has(PLATFORM_GROUP_ID), false);
    assert.equal(app.sim.state.runners.has(31), false);
    assert.equal(app.sim.state.runners.has(32), false);
    assert.equal([...app.sim.state.runners.values()].filter((r) => r.groupId === DEFAULT_GROUP_ID).length, defaultBefore);
    const audits = app.logs
      .lines()
      .filter((l) => l.message === "audit" && l.audit !== "request")
      .map((l) => l.audit);
    assert.deepEqual(audits, ["runner.deleted", "runner.deleted", "runner-group.deleted"]);
  });

  test("when force=true but a runner is busy, then the answer says which runners were deleted and the group stays", async (t) => {
    const app = await startTestApp({
      seed: seedWithPlatformGroup({
        runners: [
          { name: "p-1", id: 31, group: "team-platform" },
          { name: "p-busy", id: 32, group: "team-platform", busy: true },
        ],
      }),
    });
    t.after(() => app.close());
    const { status, body } = await app.call("DELETE", "/api/v1/group-delete", { ...alice, query: { team: "platform", force: "true" } });
    assert.equal(status, 409);
    assert.match(body.Error, /Deleted runners p-1; runner p-busy could not be deleted \(it is running a job.*was not deleted/);
    assert.ok(app.sim.state.runnerGroups.has(PLATFORM_GROUP_ID));
    assert.equal(app.sim.state.runners.has(31), false);
    assert.ok(app.sim.state.runners.has(32));
  });

  test("when the team has no group, then 404", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    const { status, body } = await app.call("DELETE", "/api/v1/group-delete", { ...alice, query: { team: "platform" } });
    assert.equal(status, 404);
    assert.match(body.Error, /Runner group not found: team-platform/);
  });

  test("when force is neither true nor false, then 400", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup() });
    t.after(() => app.close());
    const { status } = await app.call("DELETE", "/api/v1/group-delete", { ...alice, query: { team: "platform", force: "yes please" } });
    assert.equal(status, 400);
    assert.ok(app.sim.state.runnerGroups.has(PLATFORM_GROUP_ID));
  });
});

describe("GET /api/v1/group-list", () => {
  test("when the group has repositories and runners, then their names, plus the group and runner details", async (t) => {
    const app = await startTestApp({
      seed: seedWithPlatformGroup({ runners: [{ name: "p-1", id: 31, group: "team-platform", labels: ["self-hosted", "gpu"] }] }),
    });
    t.after(() => app.close());
    const { status, body } = await app.call("GET", "/api/v1/group-list", { ...alice, query: { team: "platform" } });
    assert.equal(status, 200);
    assert.deepEqual(body.Response.repos, ["api"]);
    assert.deepEqual(body.Response.runners, ["p-1"]);
    assert.deepEqual(body.Response.group, { id: PLATFORM_GROUP_ID, name: "team-platform", visibility: "selected" });
    assert.deepEqual(body.Response.runnerDetails, [
      { id: 31, name: "p-1", os: "linux", status: "online", busy: false, labels: ["self-hosted", "gpu"], ephemeral: false },
    ]);
  });

  test("when the team's group is one of more than 100 groups, then it is still found", async (t) => {
    const seed = seedWithPlatformGroup();
    // GitHub lists groups by id: put the team's group on the second page
    seed.runnerGroups = [
      ...Array.from({ length: 150 }, (_, i) => ({ name: `other-${i}`, id: 100 + i })),
      ...seed.runnerGroups!.map((g) => (g.name === "team-platform" ? { ...g, id: 500 } : g)),
    ];
    const app = await startTestApp({ seed });
    t.after(() => app.close());
    const { status, body } = await app.call("GET", "/api/v1/group-list", { ...alice, query: { team: "platform" } });
    assert.equal(status, 200);
    assert.deepEqual(body.Response.repos, ["api"]);
    assert.ok(app.sim.calls("GET /orgs/{org}/actions/runner-groups") >= 2, "more than one page was read");
  });

  test("when a team is called 'default', then the organization's Default group is never treated as its group", async (t) => {
    const seed = seedWithPlatformGroup();
    seed.teams = [
      ...seed.teams!,
      { slug: "default", members: [{ login: "alice", role: "maintainer" }], repos: [{ name: "api", permission: "admin" }] },
    ];
    const app = await startTestApp({ seed });
    t.after(() => app.close());
    const list = await app.call("GET", "/api/v1/group-list", { ...alice, query: { team: "default" } });
    assert.equal(list.status, 404);
    const set = await app.call("PATCH", "/api/v1/repos-set", { ...alice, query: { team: "default", repos: "api" } });
    assert.equal(set.status, 404);
    assert.equal(app.sim.state.runnerGroups.get(DEFAULT_GROUP_ID)!.repositoryIds.size, 0);
  });
});
