import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fc } from "../helpers/property.js";
import { createSimulator, type SeedInput } from "../../src/simulator/index.js";
import { call, installationOctokit, installationToken } from "../helpers/sim-clients.js";

const seed: SeedInput = {
  org: { login: "acme" },
  runners: [
    { name: "mac-1", id: 7, os: "macos", labels: ["self-hosted", "macOS", "ARM64", "xcode"] },
    { name: "linux-1", id: 8, labels: ["self-hosted", "Linux", "X64"] },
  ],
};
const LABELS = "/orgs/acme/actions/runners/7/labels";

async function setup() {
  const sim = createSimulator({ seed });
  return { sim, octokit: await installationOctokit(sim) };
}

const summary = (labels: Array<{ name: string; type?: string }>) => labels.map((l) => `${l.name}:${l.type}`);

describe("simulator: runner labels", () => {
  test("when a seed names the default labels in any case, then they are read-only and the others custom", async () => {
    const { octokit } = await setup();
    const { data } = await octokit.request("GET /orgs/{org}/actions/runners/{runner_id}/labels", { org: "acme", runner_id: 7 });
    assert.deepEqual(summary(data.labels), ["self-hosted:read-only", "macOS:read-only", "ARM64:read-only", "xcode:custom"]);
    assert.equal(data.total_count, 4);
  });

  test("when labels are added that the runner has in another case, or twice in one call, then none is duplicated and ids stay", async () => {
    const { sim, octokit } = await setup();
    const before = sim.state.runners.get(7)!.labels.map((l) => l.id);
    const { status, data } = await octokit.rest.actions.addCustomLabelsToSelfHostedRunnerForOrg({
      org: "acme",
      runner_id: 7,
      labels: ["XCODE", "Self-Hosted", "metal", "Metal"],
    });
    assert.equal(status, 200);
    assert.deepEqual(summary(data.labels), ["self-hosted:read-only", "macOS:read-only", "ARM64:read-only", "xcode:custom", "metal:custom"]);
    assert.deepEqual(
      data.labels.slice(0, 4).map((l) => l.id),
      before,
    );
    assert.equal(new Set(data.labels.map((l) => l.id)).size, data.labels.length, "label ids are unique");
  });

  test("when labels are set, then the custom ones are replaced, read-only ones stay, and an empty set removes every custom label", async () => {
    const { octokit } = await setup();
    const params = { org: "acme", runner_id: 7 };
    const set = await octokit.rest.actions.setCustomLabelsForSelfHostedRunnerForOrg({ ...params, labels: ["gpu", "macos"] });
    assert.deepEqual(summary(set.data.labels), ["self-hosted:read-only", "macOS:read-only", "ARM64:read-only", "gpu:custom"]);
    const emptied = await octokit.rest.actions.setCustomLabelsForSelfHostedRunnerForOrg({ ...params, labels: [] });
    assert.deepEqual(summary(emptied.data.labels), ["self-hosted:read-only", "macOS:read-only", "ARM64:read-only"]);
  });

  test("when every custom label is removed, then 200 with the read-only labels left", async () => {
    const { octokit } = await setup();
    const { status, data } = await octokit.rest.actions.removeAllCustomLabelsFromSelfHostedRunnerForOrg({ org: "acme", runner_id: 7 });
    assert.equal(status, 200);
    assert.deepEqual(summary(data.labels), ["self-hosted:read-only", "macOS:read-only", "ARM64:read-only"]);
    assert.equal(data.total_count, 3);
  });

  test("when one label is removed by name in another case, then it goes; a read-only one is 422 and stays; a missing one is 404", async () => {
    const { sim, octokit } = await setup();
    const remove = (name: string) => octokit.rest.actions.removeCustomLabelFromSelfHostedRunnerForOrg({ org: "acme", runner_id: 7, name });
    const removed = await remove("XCode");
    assert.deepEqual(summary(removed.data.labels), ["self-hosted:read-only", "macOS:read-only", "ARM64:read-only"]);
    await assert.rejects(remove("xcode"), { status: 404 });
    await assert.rejects(remove("macos"), { status: 422 });
    await assert.rejects(remove("no-such-label"), { status: 404 });
    assert.equal(sim.state.runners.get(7)!.labels.length, 3);
  });

  test("when a label name in the path holds a slash or a space, then it is matched decoded", async () => {
    const { sim } = await setup();
    const token = await installationToken(sim);
    await call(sim, "POST", LABELS, { token, body: { labels: ["team/ml", "big box"] } });
    assert.equal((await call(sim, "DELETE", `${LABELS}/${encodeURIComponent("team/ml")}`, { token })).status, 200);
    const { status, body } = await call(sim, "DELETE", `${LABELS}/big%20box`, { token });
    assert.equal(status, 200);
    assert.deepEqual(
      body.labels.map((l: { name: string }) => l.name),
      ["self-hosted", "macOS", "ARM64", "xcode"],
    );
  });

  test("when a label name is blank, then 422 and nothing is added", async () => {
    const { sim } = await setup();
    const token = await installationToken(sim);
    for (const method of ["POST", "PUT"]) {
      const { status, body } = await call(sim, method, LABELS, { token, body: { labels: ["ok", "  "] } });
      assert.equal(status, 422, method);
      assert.equal(body.message, "Validation Failed");
    }
    assert.equal(sim.state.runners.get(7)!.labels.length, 4);
  });

  test("when the runner or the organization is unknown, or the caller is no owner, then 404, 404, 403", async () => {
    const { sim } = await setup();
    const token = await installationToken(sim);
    assert.equal((await call(sim, "GET", "/orgs/acme/actions/runners/99/labels", { token })).status, 404);
    assert.equal((await call(sim, "GET", "/orgs/other/actions/runners/7/labels", { token })).status, 404);
    const member = createSimulator({
      seed: { ...seed, users: [{ login: "mona", orgRole: "member", tokens: ["ghp_mona"] }] },
    });
    assert.equal((await call(member, "GET", "/orgs/acme/actions/runners/7/labels", { token: "ghp_mona" })).status, 403);
  });

  test("property: whatever adds, sets and removals happen, read-only labels stay, no name is there twice (in any case), and GET agrees with the last answer", async () => {
    const name = fc.constantFrom("gpu", "GPU", "fast", "Fast", "xcode", "self-hosted", "macOS", "MACOS", "arm64", "big box");
    const op = fc.oneof(
      fc.record({ kind: fc.constant("add" as const), labels: fc.array(name, { minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant("set" as const), labels: fc.array(name, { maxLength: 4 }) }),
      fc.record({ kind: fc.constant("clear" as const) }),
      fc.record({ kind: fc.constant("remove" as const), name }),
    );
    // One simulator (an App key pair is slow to make); each run starts from the seeded labels.
    const sim = createSimulator({ seed });
    const token = await installationToken(sim);
    const seeded = structuredClone(sim.state.runners.get(7)!.labels);
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        sim.state.runners.get(7)!.labels = structuredClone(seeded);
        /** the custom labels a client would expect, lower-cased */
        const custom = new Set(["xcode"]);
        const readOnly = ["self-hosted", "macos", "arm64"];
        let last: { name: string; type: string }[] = [];
        for (const o of ops) {
          const answer =
            o.kind === "add" || o.kind === "set"
              ? await call(sim, o.kind === "add" ? "POST" : "PUT", LABELS, { token, body: { labels: o.labels } })
              : o.kind === "clear"
                ? await call(sim, "DELETE", LABELS, { token })
                : await call(sim, "DELETE", `${LABELS}/${encodeURIComponent(o.name)}`, { token });
          const key = o.kind === "remove" ? o.name.toLowerCase() : "";
          if (o.kind === "remove" && readOnly.includes(key)) assert.equal(answer.status, 422);
          else if (o.kind === "remove" && !custom.has(key)) assert.equal(answer.status, 404);
          else {
            assert.equal(answer.status, 200, JSON.stringify(answer.body));
            last = answer.body.labels;
          }
          if (o.kind === "add") for (const l of o.labels) if (!readOnly.includes(l.toLowerCase())) custom.add(l.toLowerCase());
          if (o.kind === "set") {
            custom.clear();
            for (const l of o.labels) if (!readOnly.includes(l.toLowerCase())) custom.add(l.toLowerCase());
          }
          if (o.kind === "clear") custom.clear();
          if (o.kind === "remove" && answer.status === 200) custom.delete(key);
        }
        const { body } = await call(sim, "GET", LABELS, { token });
        const names = body.labels.map((l: { name: string }) => l.name.toLowerCase());
        assert.equal(new Set(names).size, names.length, `a name twice: ${names.join(", ")}`);
        assert.deepEqual(names.slice(0, 3), readOnly);
        assert.deepEqual(
          body.labels
            .filter((l: { type: string }) => l.type === "custom")
            .map((l: { name: string }) => l.name.toLowerCase())
            .sort(),
          [...custom].sort(),
        );
        if (last.length > 0) assert.deepEqual(body.labels, last);
        assert.equal(body.total_count, body.labels.length);
      }),
      { numRuns: 200 },
    );
  });
});
