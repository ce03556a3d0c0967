import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createSimulator, type SeedInput } from "../../src/simulator/index.js";
import { DEFAULT_GROUP_ID } from "../../src/simulator/state.js";
import { call, installationOctokit, installationToken } from "../helpers/sim-clients.js";

const seed: SeedInput = {
  org: { login: "acme" },
  repositories: [
    { name: "api", id: 11 },
    { name: "web", id: 12 },
    { name: "site", id: 13, visibility: "public" },
  ],
  runnerGroups: [{ name: "ops", id: 5, visibility: "selected", repositories: ["api"] }],
  runners: [
    { name: "ops-1", id: 101, group: "ops" },
    { name: "ops-2", id: 102, group: "ops", busy: true },
    { name: "free-1", id: 103 },
  ],
};

async function setup() {
  const sim = createSimulator({ seed });
  return { sim, octokit: await installationOctokit(sim) };
}

describe("simulator: runner groups", () => {
  test("when a group is created, then it answers 201 with GitHub's shape, and the Default group (id 1) is always there", async () => {
    const { sim, octokit } = await setup();
    const created = await octokit.request("POST /orgs/{org}/actions/runner-groups", {
      org: "acme",
      name: "platform",
      visibility: "selected",
      selected_repository_ids: [11, 12],
      allows_public_repositories: false,
    });
    assert.equal(created.status, 201);
    assert.equal(created.data.name, "platform");
    assert.equal(created.data.visibility, "selected");
    assert.equal(created.data.default, false);
    assert.equal(created.data.selected_repositories_url, `http://sim.test/orgs/acme/actions/runner-groups/${created.data.id}/repositories`);
    assert.deepEqual([...sim.state.runnerGroups.get(created.data.id)!.repositoryIds].sort(), [11, 12]);
    const list = await octokit.request("GET /orgs/{org}/actions/runner-groups", { org: "acme" });
    assert.deepEqual(
      list.data.runner_groups.map((g) => [g.id, g.name, g.default]),
      [
        [1, "Default", true],
        [5, "ops", false],
        [created.data.id, "platform", false],
      ],
    );
    assert.equal(list.data.total_count, 3);
  });

  test("when a group of the same name exists (in any case), then 409 and nothing is created", async () => {
    const { sim } = await setup();
    const token = await installationToken(sim);
    const before = sim.state.runnerGroups.size;
    const { status, body } = await call(sim, "POST", "/orgs/acme/actions/runner-groups", { token, body: { name: "OPS" } });
    assert.equal(status, 409);
    assert.match(body.message, /already exists/);
    assert.equal(sim.state.runnerGroups.size, before);
  });

  test("when a group is renamed to another group's name, then 409 and the name stays", async () => {
    const { sim, octokit } = await setup();
    const other = await octokit.request("POST /orgs/{org}/actions/runner-groups", { org: "acme", name: "other" });
    const token = await installationToken(sim);
    const { status } = await call(sim, "PATCH", `/orgs/acme/actions/runner-groups/${other.data.id}`, { token, body: { name: "ops" } });
    assert.equal(status, 409);
    assert.equal(sim.state.runnerGroups.get(other.data.id)!.name, "other");
  });

  test("when the Default group is deleted or renamed, then 422 and it stays", async () => {
    const { sim } = await setup();
    const token = await installationToken(sim);
    assert.equal((await call(sim, "DELETE", "/orgs/acme/actions/runner-groups/1", { token })).status, 422);
    assert.equal((await call(sim, "PATCH", "/orgs/acme/actions/runner-groups/1", { token, body: { name: "Mine" } })).status, 422);
    assert.equal(sim.state.runnerGroups.get(DEFAULT_GROUP_ID)!.name, "Default");
  });

  test("when a group with runners is deleted, then its runners fall back to the Default group, as on GitHub", async () => {
    const { sim, octokit } = await setup();
    const deleted = await octokit.request("DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}", {
      org: "acme",
      runner_group_id: 5,
    });
    assert.equal(deleted.status, 204);
    assert.equal(sim.state.runnerGroups.has(5), false);
    assert.deepEqual(
      [101, 102].map((id) => sim.state.runners.get(id)!.groupId),
      [1, 1],
    );
    await assert.rejects(octokit.request("GET /orgs/{org}/actions/runner-groups/{runner_group_id}", { org: "acme", runner_group_id: 5 }), {
      status: 404,
    });
  });

  test("when repositories are set, then the list is replaced in one call; add and remove are idempotent", async () => {
    const { sim, octokit } = await setup();
    const params = { org: "acme", runner_group_id: 5 };
    await octokit.request("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories", {
      ...params,
      selected_repository_ids: [12, 13],
    });
    assert.deepEqual([...sim.state.runnerGroups.get(5)!.repositoryIds].sort(), [12, 13]);
    await octokit.request("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}", {
      ...params,
      repository_id: 11,
    });
    await octokit.request("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}", {
      ...params,
      repository_id: 11,
    });
    await octokit.request("DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}", {
      ...params,
      repository_id: 13,
    });
    await octokit.request("DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}", {
      ...params,
      repository_id: 13,
    });
    const listed = await octokit.request("GET /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories", params);
    assert.deepEqual(
      listed.data.repositories.map((r) => r.name),
      ["api", "web"],
    );
    assert.equal(listed.data.total_count, 2);
  });

  test("when a set names an unknown repository, then 422 and the group's repositories are unchanged", async () => {
    const { sim } = await setup();
    const token = await installationToken(sim);
    const { status } = await call(sim, "PUT", "/orgs/acme/actions/runner-groups/5/repositories", {
      token,
      body: { selected_repository_ids: [12, 999] },
    });
    assert.equal(status, 422);
    assert.deepEqual([...sim.state.runnerGroups.get(5)!.repositoryIds], [11]);
  });

  test("when runners are set on a group, then the named ones move in and the others go back to Default", async () => {
    const { sim, octokit } = await setup();
    await octokit.request("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/runners", {
      org: "acme",
      runner_group_id: 5,
      runners: [101, 103],
    });
    assert.deepEqual(
      [101, 102, 103].map((id) => sim.state.runners.get(id)!.groupId),
      [5, 1, 5],
    );
    await octokit.request("DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/runners/{runner_id}", {
      org: "acme",
      runner_group_id: 5,
      runner_id: 103,
    });
    assert.equal(sim.state.runners.get(103)!.groupId, 1);
    const inGroup = await octokit.request("GET /orgs/{org}/actions/runner-groups/{runner_group_id}/runners", {
      org: "acme",
      runner_group_id: 5,
    });
    assert.deepEqual(
      inGroup.data.runners.map((r) => r.name),
      ["ops-1"],
    );
  });

  test("when one runner is added to a group, then 204 and it moves there from its old group (a runner is in one group); again changes nothing", async () => {
    const { octokit } = await setup();
    const add = (runner_group_id: number, runner_id: number) =>
      octokit.request("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/runners/{runner_id}", {
        org: "acme",
        runner_group_id,
        runner_id,
      });
    const listOf = async (runner_group_id: number) =>
      (
        await octokit.request("GET /orgs/{org}/actions/runner-groups/{runner_group_id}/runners", { org: "acme", runner_group_id })
      ).data.runners.map((r) => r.id);
    const moved = await add(5, 103);
    assert.equal(moved.status, 204);
    assert.deepEqual(await listOf(5), [101, 102, 103]);
    assert.deepEqual(await listOf(DEFAULT_GROUP_ID), []);
    assert.equal((await add(DEFAULT_GROUP_ID, 101)).status, 204);
    assert.equal((await add(DEFAULT_GROUP_ID, 101)).status, 204);
    assert.deepEqual(await listOf(DEFAULT_GROUP_ID), [101]);
    assert.deepEqual(await listOf(5), [102, 103]);
    const runner = await octokit.request("GET /orgs/{org}/actions/runners/{runner_id}", { org: "acme", runner_id: 101 });
    assert.equal(runner.data.runner_group_id, DEFAULT_GROUP_ID);
  });

  test("when one runner is added to an unknown group, or an unknown runner to a group, then 404 and nothing moves", async () => {
    const { sim } = await setup();
    const token = await installationToken(sim);
    for (const path of [
      "/orgs/acme/actions/runner-groups/77/runners/101",
      "/orgs/acme/actions/runner-groups/5/runners/999",
      "/orgs/acme/actions/runner-groups/5/runners/abc",
      "/orgs/other/actions/runner-groups/5/runners/103",
    ]) {
      const { status, body } = await call(sim, "PUT", path, { token });
      assert.equal(status, 404, path);
      assert.equal(body.message, "Not Found");
    }
    assert.deepEqual(
      [101, 102, 103].map((id) => sim.state.runners.get(id)!.groupId),
      [5, 5, DEFAULT_GROUP_ID],
    );
  });

  test("when visible_to_repository is given, then only the groups that repository may use are listed", async () => {
    const { octokit } = await setup();
    const forApi = await octokit.request("GET /orgs/{org}/actions/runner-groups", { org: "acme", visible_to_repository: "api" });
    assert.deepEqual(
      forApi.data.runner_groups.map((g) => g.name),
      ["Default", "ops"],
    );
    const forSite = await octokit.request("GET /orgs/{org}/actions/runner-groups", { org: "acme", visible_to_repository: "site" });
    assert.deepEqual(
      forSite.data.runner_groups.map((g) => g.name),
      ["Default"],
    );
  });

  test("when the organization in the path is another one, then 404", async () => {
    const { octokit } = await setup();
    await assert.rejects(octokit.request("GET /orgs/{org}/actions/runner-groups", { org: "other-org" }), { status: 404 });
  });
});

describe("simulator: runners and runner tokens", () => {
  test("when registration and remove tokens are minted, then each is recorded, unique and valid for one hour", async () => {
    const { sim, octokit } = await setup();
    const reg = await octokit.request("POST /orgs/{org}/actions/runners/registration-token", { org: "acme" });
    const rem = await octokit.request("POST /orgs/{org}/actions/runners/remove-token", { org: "acme" });
    assert.equal(reg.status, 201);
    assert.match(reg.data.token, /^[A-Z2-7]{29}$/);
    assert.notEqual(reg.data.token, rem.data.token);
    assert.deepEqual(
      sim.state.mintedTokens.map((t) => [t.kind, t.token]),
      [
        ["registration", reg.data.token],
        ["remove", rem.data.token],
      ],
    );
    const hours = (Date.parse(reg.data.expires_at) - Date.now()) / 3_600_000;
    assert.ok(hours > 0.98 && hours <= 1, `expires in ${hours} h`);
  });

  test("when a JIT config is generated, then the runner exists, bound to the given group, and a second one of that name gets 409", async () => {
    const { sim, octokit } = await setup();
    const jit = await octokit.request("POST /orgs/{org}/actions/runners/generate-jitconfig", {
      org: "acme",
      name: "jit-1",
      runner_group_id: 5,
      labels: ["self-hosted", "gpu"],
    });
    assert.equal(jit.status, 201);
    assert.equal(jit.data.runner.runner_group_id, 5);
    assert.ok(jit.data.encoded_jit_config.length > 20);
    assert.equal(sim.state.runners.get(jit.data.runner.id)!.groupId, 5);
    await assert.rejects(
      octokit.request("POST /orgs/{org}/actions/runners/generate-jitconfig", {
        org: "acme",
        name: "jit-1",
        runner_group_id: 5,
        labels: ["x"],
      }),
      { status: 409 },
    );
    await assert.rejects(
      octokit.request("POST /orgs/{org}/actions/runners/generate-jitconfig", {
        org: "acme",
        name: "jit-2",
        runner_group_id: 77,
        labels: ["x"],
      }),
      { status: 404 },
    );
  });

  test("when a busy runner is deleted, then 422 and it stays; an idle one is deleted", async () => {
    const { sim, octokit } = await setup();
    await assert.rejects(octokit.request("DELETE /orgs/{org}/actions/runners/{runner_id}", { org: "acme", runner_id: 102 }), {
      status: 422,
    });
    assert.ok(sim.state.runners.has(102));
    const deleted = await octokit.request("DELETE /orgs/{org}/actions/runners/{runner_id}", { org: "acme", runner_id: 101 });
    assert.equal(deleted.status, 204);
    assert.equal(sim.state.runners.has(101), false);
  });

  test("when runners are read, then each says whether it is ephemeral: as seeded, and always for a just-in-time runner", async () => {
    const sim = createSimulator({ seed: { ...seed, runners: [...seed.runners!, { name: "eph-1", id: 104, ephemeral: true }] } });
    const octokit = await installationOctokit(sim);
    const jit = await octokit.request("POST /orgs/{org}/actions/runners/generate-jitconfig", {
      org: "acme",
      name: "jit-1",
      runner_group_id: 5,
      labels: ["self-hosted"],
    });
    assert.equal(jit.data.runner.ephemeral, true);
    const listed = await octokit.request("GET /orgs/{org}/actions/runners", { org: "acme" });
    assert.deepEqual(
      listed.data.runners.map((r) => [r.name, r.ephemeral]),
      [
        ["ops-1", false],
        ["ops-2", false],
        ["free-1", false],
        ["eph-1", true],
        ["jit-1", true],
      ],
    );
    const one = await octokit.request("GET /orgs/{org}/actions/runners/{runner_id}", { org: "acme", runner_id: 104 });
    assert.equal(one.data.ephemeral, true);
  });

  test("when runners are listed by name, then only that runner comes back", async () => {
    const { octokit } = await setup();
    const listed = await octokit.request("GET /orgs/{org}/actions/runners", { org: "acme", name: "free-1" });
    assert.deepEqual(
      listed.data.runners.map((r) => r.id),
      [103],
    );
  });
});
