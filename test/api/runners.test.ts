/**
 * The runner routes (issue 12, items 2–4): just-in-time configurations bound to the team's group, and
 * delete, prune, label and move for the group's runners. A maintainer of one team reaches no runner of
 * another team's group: such a runner is answered as one that does not exist, and GitHub sees no change.
 */
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { demoSeed, DEMO_TOKENS, type SeedInput, type Simulator } from "../../src/simulator/index.js";
import { startTestApp, type TestAppOptions } from "../helpers/start-test-app.js";

const ROUTE = {
  jit: "POST /orgs/{org}/actions/runners/generate-jitconfig",
  deleteRunner: "DELETE /orgs/{org}/actions/runners/{runner_id}",
  moveRunner: "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/runners/{runner_id}",
  addLabels: "POST /orgs/{org}/actions/runners/{runner_id}/labels",
  setLabels: "PUT /orgs/{org}/actions/runners/{runner_id}/labels",
} as const;

const PLATFORM_GROUP = 3;
const TOOLS_GROUP = 4;
const DATA_GROUP = 2;

/**
 * The demo organization (alice maintains platform; erin maintains data, whose group holds data-runner-1),
 * plus: platform's group with three runners, team tools (alice maintains it too) with a group, and team
 * ops (alice maintains it) without one.
 */
function runnerSeed(): SeedInput {
  const alice = [{ login: "alice", role: "maintainer" as const, state: "active" as const }];
  return {
    ...demoSeed,
    teams: [
      ...(demoSeed.teams ?? []),
      { slug: "tools", name: "Tools", id: 7010, members: alice, repos: [] },
      { slug: "ops", name: "Ops", id: 7011, members: alice, repos: [] },
    ],
    runnerGroups: [
      ...(demoSeed.runnerGroups ?? []),
      { name: "team-platform", id: PLATFORM_GROUP, visibility: "selected", repositories: ["api"] },
      { name: "team-tools", id: TOOLS_GROUP, visibility: "selected", repositories: [] },
    ],
    runners: [
      ...(demoSeed.runners ?? []),
      { name: "platform-idle", id: 31, group: "team-platform", labels: ["self-hosted", "linux", "x64", "gpu"], version: "2.330.0" },
      { name: "platform-busy", id: 32, group: "team-platform", labels: ["self-hosted", "linux", "x64"], busy: true },
      { name: "platform-gone", id: 33, group: "team-platform", labels: ["self-hosted", "linux", "x64"], status: "offline" },
    ],
  };
}

async function start(t: TestContext, options: TestAppOptions = {}) {
  const app = await startTestApp({ seed: runnerSeed(), ...options });
  t.after(() => app.close());
  return app;
}

const alice = (query: Record<string, string>) => ({ token: DEMO_TOKENS.alice, query: { team: "platform", ...query } });

/** Everything a team could change about runners: each runner's group, labels and presence. */
function runnersState(sim: Simulator) {
  return [...sim.state.runners.values()].map((r) => ({ id: r.id, name: r.name, group: r.groupId, labels: r.labels.map((l) => l.name) }));
}

/** GitHub calls that change something. */
function changesMade(sim: Simulator): number {
  return Object.entries(sim.callsByRoute())
    .filter(([route]) => !route.startsWith("GET ") && !route.includes("access_tokens"))
    .reduce((sum, [, n]) => sum + n, 0);
}

function audits(app: { logs: { lines(): Array<Record<string, unknown>> } }) {
  return app.logs.lines().filter((l) => l.message === "audit" && l.audit !== "request");
}

describe("runner-jitconfig", () => {
  test("when a maintainer asks for a configuration, then GitHub is asked once, for the team's own group, and the runner's name starts with the team", async (t) => {
    const app = await start(t);
    const { status, body } = await app.call("POST", "/api/v1/runner-jitconfig", alice({ labels: "gpu,large" }));
    assert.equal(status, 200);
    const { runner, encoded_jit_config: config } = body.Response;
    assert.match(runner.name, /^platform-[0-9a-f]{10}$/);
    assert.equal(runner.runner_group_id, PLATFORM_GROUP);
    assert.deepEqual(runner.labels, ["self-hosted", "gpu", "large"]);
    assert.equal(app.sim.calls(ROUTE.jit), 1);
    assert.equal(app.sim.state.runners.get(runner.id)?.groupId, PLATFORM_GROUP);
    // The configuration decodes to GitHub's files for ./run.sh --jitconfig
    assert.ok(".runner" in JSON.parse(Buffer.from(config, "base64").toString()));

    const [entry] = audits(app).filter((l) => l.audit === "runner.jit-config-created");
    assert.equal(entry?.runnerId, runner.id);
    assert.equal(entry?.runner, runner.name);
    assert.ok(!app.logs.text().includes(config), "the configuration is never logged");
  });

  test("when a name is given, then the runner is <team>-<name>, and asking again answers 409 without a second runner", async (t) => {
    const app = await start(t, { github: { retries: 2 } });
    const first = await app.call("POST", "/api/v1/runner-jitconfig", {
      token: DEMO_TOKENS.alice,
      body: { team: "platform", name: "gpu-1", labels: ["gpu"], work_folder: "jobs/w" },
    });
    assert.equal(first.status, 200);
    assert.equal(first.body.Response.runner.name, "platform-gpu-1");
    const again = await app.call("POST", "/api/v1/runner-jitconfig", alice({ name: "gpu-1" }));
    assert.equal(again.status, 409);
    assert.match(
      again.body.Error,
      /A runner named platform-gpu-1 exists already: choose another name, or delete that runner with runner-delete/,
    );
    assert.equal(app.sim.calls(ROUTE.jit), 2, "GitHub's 409 is not retried");
  });

  test("when GitHub fails on generate-jitconfig, then the call is not repeated and the answer says the runner may exist", async (t) => {
    const app = await start(t, { github: { retries: 3 } });
    app.sim.faults.failNext(ROUTE.jit, { status: 502, times: 3 });
    const failed = await app.call("POST", "/api/v1/runner-jitconfig", alice({ name: "x" }));
    assert.equal(failed.status, 502);
    assert.match(failed.body.Error, /runner platform-x may have been registered anyway: group-list tells/);
    assert.equal(app.sim.calls(ROUTE.jit), 1);

    app.sim.faults.clear();
    app.sim.faults.dropNext(ROUTE.jit);
    const dropped = await app.call("POST", "/api/v1/runner-jitconfig", alice({ name: "y" }));
    assert.equal(dropped.status, 502);
    assert.equal(app.sim.calls(ROUTE.jit), 2);
  });

  test("when a maintainer of one team asks for another team's group, then 403 and GitHub registers nothing", async (t) => {
    const app = await start(t);
    const answer = await app.call("POST", "/api/v1/runner-jitconfig", { token: DEMO_TOKENS.alice, query: { team: "data" } });
    assert.equal(answer.status, 403);
    assert.equal(app.sim.calls(ROUTE.jit), 0);
  });

  test("when the team has no managed group, then 404 before GitHub is asked to register anything", async (t) => {
    const app = await start(t);
    const answer = await app.call("POST", "/api/v1/runner-jitconfig", { token: DEMO_TOKENS.alice, query: { team: "ops" } });
    assert.equal(answer.status, 404);
    assert.match(answer.body.Error, /Runner group not found: team-ops/);
    assert.equal(app.sim.calls(ROUTE.jit), 0);
  });

  test("when labels or the name are bad, then 400 naming the problem, and GitHub sees no change", async (t) => {
    const app = await start(t);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ labels: Array.from({ length: 101 }, (_, i) => `l${i}`) }, /more than 100 labels/],
      [{ labels: Array.from({ length: 100 }, (_, i) => `l${i}`) }, /at most 100 labels, self-hosted included/],
      [{ labels: "gpu,GPU" }, /"GPU" twice/],
      [{ labels: ",," }, /Missing required parameter: labels/],
      [{ labels: ["a".repeat(65)] }, /at most 64/],
      [{ name: "../data-runner-1" }, /Parameter name must be the runner's name after the team's prefix/],
      [{ name: "a/b" }, /Parameter name must be/],
      [{ name: "n".repeat(60) }, /over GitHub's 64 characters: give a name of at most 55 characters/],
      [{ work_folder: "../../etc" }, /Parameter work_folder must be a folder relative/],
      [{ work_folder: "/tmp" }, /no leading '\/'/],
    ];
    for (const [input, message] of cases) {
      const answer = await app.call("POST", "/api/v1/runner-jitconfig", { token: DEMO_TOKENS.alice, body: { team: "platform", ...input } });
      assert.equal(answer.status, 400, JSON.stringify(input));
      assert.match(answer.body.Error, message);
    }
    assert.equal(changesMade(app.sim), 0);
  });

  test("when policy.runnerLabels does not allow a label, then 403 naming it, and GitHub registers nothing", async (t) => {
    const app = await start(t, { policy: { runnerLabels: ["gpu", "size-*"] } });
    const refused = await app.call("POST", "/api/v1/runner-jitconfig", alice({ labels: "gpu,prod,size-l" }));
    assert.equal(refused.status, 403);
    assert.match(refused.body.Error, /Labels not allowed by policy.runnerLabels, nothing was changed: prod$/);
    assert.equal(app.sim.calls(ROUTE.jit), 0);
    assert.equal((await app.call("POST", "/api/v1/runner-jitconfig", alice({ labels: "GPU,size-xl" }))).status, 200);
  });

  test("when policy.maxRunnersPerTeam is reached, then 409 and no runner is registered", async (t) => {
    const app = await start(t, { policy: { maxRunnersPerTeam: 4 } });
    assert.equal((await app.call("POST", "/api/v1/runner-jitconfig", alice({}))).status, 200);
    const full = await app.call("POST", "/api/v1/runner-jitconfig", alice({}));
    assert.equal(full.status, 409);
    assert.match(full.body.Error, /Runner group team-platform holds 4 runners, the most policy.maxRunnersPerTeam allows/);
    assert.equal(app.sim.calls(ROUTE.jit), 1);
  });

  test("when the route is asked with GET, then 405 naming POST", async (t) => {
    const app = await start(t);
    const answer = await app.call("GET", "/api/v1/runner-jitconfig", alice({}));
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.get("allow"), "POST");
  });
});

describe("policy.registrationTokens", () => {
  test("when it is deny, then token-register and token-remove answer 403 pointing to runner-jitconfig, and cost GitHub nothing", async (t) => {
    const app = await start(t, { policy: { registrationTokens: "deny" } });
    for (const path of ["/api/v1/token-register", "/api/v1/token-remove"]) {
      const answer = await app.call("POST", path, alice({}));
      assert.equal(answer.status, 403);
      assert.match(answer.body.Error, /policy.registrationTokens: deny.*Use runner-jitconfig/);
    }
    assert.equal(app.sim.calls(), 0);
    assert.equal((await app.call("POST", "/api/v1/runner-jitconfig", alice({}))).status, 200);
  });

  test("when it is left out, then token-register works as in the Go original", async (t) => {
    const app = await start(t);
    assert.equal((await app.call("GET", "/api/v1/token-register", alice({}))).status, 200);
  });
});

describe("runner-delete and runner-prune", () => {
  test("when a runner of the group is named by name or id, then it is deleted; a busy one only with force", async (t) => {
    const app = await start(t);
    const byName = await app.call("DELETE", "/api/v1/runner-delete", alice({ runner: "platform-idle" }));
    assert.deepEqual(byName.body, { Code: 200, Response: "Runner deleted successfully: platform-idle" });
    assert.equal(app.sim.state.runners.has(31), false);

    const busy = await app.call("DELETE", "/api/v1/runner-delete", alice({ runner: "32" }));
    assert.equal(busy.status, 409);
    assert.match(busy.body.Error, /Runner platform-busy is running a job: retry when it is done, or pass force=true/);
    assert.equal(app.sim.calls(ROUTE.deleteRunner), 1);
    // With force, GitHub itself refuses while the job runs (422), which is a 409 too.
    const forced = await app.call("DELETE", "/api/v1/runner-delete", alice({ runner: "32", force: "true" }));
    assert.equal(forced.status, 409);
    assert.equal(app.sim.state.runners.has(32), true);
    assert.deepEqual(
      audits(app).map((l) => [l.audit, l.runner]),
      [["runner.deleted", "platform-idle"]],
    );
  });

  test("when a maintainer names another team's runner, by name or id, then 404 as for no runner, and it stays", async (t) => {
    const app = await start(t);
    const before = runnersState(app.sim);
    for (const runner of ["data-runner-1", "2", "shared-runner-1", "1", "nope"]) {
      const answer = await app.call("DELETE", "/api/v1/runner-delete", alice({ runner, force: "true" }));
      assert.equal(answer.status, 404, runner);
      assert.equal(answer.body.Error, `Runner not found in runner group team-platform: ${runner}`);
    }
    assert.equal(
      (await app.call("DELETE", "/api/v1/runner-delete", { token: DEMO_TOKENS.alice, query: { team: "data", runner: "2" } })).status,
      403,
    );
    assert.deepEqual(runnersState(app.sim), before);
    assert.equal(changesMade(app.sim), 0);
  });

  test("when prune runs, then exactly the group's offline, idle runners are deleted, and named", async (t) => {
    const app = await start(t);
    app.sim.state.runners.get(2)!.status = "offline"; // data's, offline too: not platform's to prune
    const { status, body } = await app.call("POST", "/api/v1/runner-prune", alice({}));
    assert.equal(status, 200);
    assert.deepEqual(body.Response, { deleted: ["platform-gone"] });
    assert.deepEqual(
      [...app.sim.state.runners.keys()].sort((a, b) => a - b),
      [1, 2, 31, 32],
    );
    const again = await app.call("POST", "/api/v1/runner-prune", alice({}));
    assert.deepEqual(again.body.Response, { deleted: [] });
  });
});

describe("runner labels", () => {
  const labelsOf = (sim: Simulator, id: number) => sim.state.runners.get(id)!.labels.map((l) => l.name);

  test("when labels are added, set and removed, then the runner's custom labels change and its read-only ones stay", async (t) => {
    const app = await start(t);
    const added = await app.call("PATCH", "/api/v1/runner-labels-add", alice({ runner: "platform-idle", labels: "large,GPU" }));
    assert.equal(added.status, 200);
    assert.deepEqual(added.body.Response, {
      runner: { id: 31, name: "platform-idle" },
      labels: ["self-hosted", "linux", "x64", "gpu", "large"],
    });

    const set = await app.call("PATCH", "/api/v1/runner-labels-set", {
      token: DEMO_TOKENS.alice,
      body: { team: "platform", runner: 31, labels: ["small", "linux"] },
    });
    assert.equal(set.status, 400, "a runner is named by a string");
    const setByName = await app.call("PATCH", "/api/v1/runner-labels-set", {
      token: DEMO_TOKENS.alice,
      body: { team: "platform", runner: "31", labels: ["small", "linux"] },
    });
    assert.deepEqual(setByName.body.Response.labels, ["self-hosted", "linux", "x64", "small"]);

    const removed = await app.call("PATCH", "/api/v1/runner-labels-remove", alice({ runner: "31", labels: "small,absent" }));
    assert.deepEqual(removed.body.Response.labels, ["self-hosted", "linux", "x64"]);
    assert.deepEqual(labelsOf(app.sim, 31), ["self-hosted", "linux", "x64"]);

    const readOnly = await app.call("PATCH", "/api/v1/runner-labels-remove", alice({ runner: "31", labels: "self-hosted" }));
    assert.equal(readOnly.status, 400);
    assert.match(readOnly.body.Error, /Labels self-hosted of runner platform-idle are read-only/);
    assert.deepEqual(labelsOf(app.sim, 31), ["self-hosted", "linux", "x64"]);
  });

  test("when nothing would change, then GitHub is not asked to change anything", async (t) => {
    const app = await start(t);
    const answer = await app.call("PATCH", "/api/v1/runner-labels-add", alice({ runner: "platform-idle", labels: "gpu,linux" }));
    assert.equal(answer.status, 200);
    assert.equal(changesMade(app.sim), 0);
  });

  test("when policy.runnerLabels refuses a label, or a runner is another team's, then nothing changes", async (t) => {
    const app = await start(t, { policy: { runnerLabels: ["gpu", "size-*"] } });
    const before = runnersState(app.sim);
    const refused = await app.call("PATCH", "/api/v1/runner-labels-set", alice({ runner: "platform-idle", labels: "size-s,prod" }));
    assert.equal(refused.status, 403);
    assert.match(refused.body.Error, /: prod$/);
    for (const path of ["/api/v1/runner-labels-add", "/api/v1/runner-labels-set", "/api/v1/runner-labels-remove"]) {
      assert.equal((await app.call("PATCH", path, alice({ runner: "data-runner-1", labels: "gpu" }))).status, 404, path);
    }
    assert.deepEqual(runnersState(app.sim), before);
    assert.equal(changesMade(app.sim), 0);
  });
});

describe("runner-move", () => {
  test("when the caller maintains both teams and both have groups, then the runner moves", async (t) => {
    const app = await start(t);
    const { status, body } = await app.call("PATCH", "/api/v1/runner-move", alice({ runner: "platform-idle", to: "Tools" }));
    assert.equal(status, 200);
    assert.equal(body.Response, "Runner platform-idle moved to runner group team-tools");
    assert.equal(app.sim.state.runners.get(31)!.groupId, TOOLS_GROUP);
    const [entry] = audits(app);
    assert.deepEqual([entry?.audit, entry?.runner, entry?.to], ["runner.moved", "platform-idle", "tools"]);
  });

  test("when the destination is the same team, a team the caller does not maintain, or one without a group, then nothing moves", async (t) => {
    const app = await start(t);
    const before = runnersState(app.sim);
    const same = await app.call("PATCH", "/api/v1/runner-move", alice({ runner: "platform-idle", to: "platform" }));
    assert.equal(same.status, 400);
    assert.match(same.body.Error, /names team platform itself/);
    assert.equal((await app.call("PATCH", "/api/v1/runner-move", alice({ runner: "platform-idle", to: "data" }))).status, 403);
    const noGroup = await app.call("PATCH", "/api/v1/runner-move", alice({ runner: "platform-idle", to: "ops" }));
    assert.equal(noGroup.status, 404);
    assert.match(noGroup.body.Error, /team-ops/);
    // another team's runner, into a group the caller maintains
    assert.equal(
      (
        await app.call("PATCH", "/api/v1/runner-move", {
          token: DEMO_TOKENS.alice,
          query: { team: "tools", runner: "data-runner-1", to: "platform" },
        })
      ).status,
      404,
    );
    assert.deepEqual(runnersState(app.sim), before);
    assert.equal(app.sim.calls(ROUTE.moveRunner), 0);
    assert.equal(app.sim.state.runners.get(2)!.groupId, DATA_GROUP);
  });
});

describe("group-list", () => {
  test("when the group has runners, then each entry of runnerDetails says whether it is ephemeral, and its version once it has one", async (t) => {
    const app = await start(t);
    await app.call("POST", "/api/v1/runner-jitconfig", alice({ name: "jit" }));
    const { body } = await app.call("GET", "/api/v1/group-list", alice({}));
    type Detail = { name: string; ephemeral?: boolean; version?: string };
    const byName = new Map<string, Detail>(body.Response.runnerDetails.map((r: Detail) => [r.name, r]));
    assert.deepEqual([byName.get("platform-jit")?.ephemeral, byName.get("platform-jit")?.version], [true, undefined]);
    assert.deepEqual([byName.get("platform-idle")?.ephemeral, byName.get("platform-idle")?.version], [false, "2.330.0"]);
    assert.deepEqual(
      body.Response.runners,
      ["platform-idle", "platform-busy", "platform-gone", "platform-jit"],
      "the original's field is unchanged",
    );
  });
});
