import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fc } from "../helpers/property.js";
import { createSimulator, snapshot } from "../../src/simulator/index.js";
import { call, installationToken } from "../helpers/sim-clients.js";

const WRITE_ROUTES: Array<[string, string]> = [
  ["POST", "/orgs/acme/actions/runner-groups"],
  ["PATCH", "/orgs/acme/actions/runner-groups/2"],
  ["PUT", "/orgs/acme/actions/runner-groups/2/repositories"],
  ["PUT", "/orgs/acme/actions/runner-groups/2/runners"],
  ["POST", "/orgs/acme/actions/runners/generate-jitconfig"],
  ["POST", "/orgs/acme/actions/runners/1/labels"],
  ["PUT", "/orgs/acme/actions/runners/1/labels"],
];

describe("simulator: bad input", () => {
  test("when the body is not JSON, then 400 Problems parsing JSON and nothing changes", async () => {
    const sim = createSimulator();
    const token = await installationToken(sim);
    const before = JSON.stringify(snapshot(sim.state));
    for (const [method, path] of WRITE_ROUTES) {
      for (const rawBody of ["{", "[1,2]", "null", '"text"', '{"name": }']) {
        const { status, body } = await call(sim, method, path, { token, rawBody });
        assert.equal(status, 400, `${method} ${path} ${rawBody}`);
        assert.equal(body.message, "Problems parsing JSON");
      }
    }
    assert.equal(JSON.stringify(snapshot(sim.state)), before);
  });

  test("when a field has the wrong type or a required one is missing, then 422 with GitHub's schema message", async () => {
    const sim = createSimulator();
    const token = await installationToken(sim);
    const wrong = await call(sim, "POST", "/orgs/acme/actions/runner-groups", { token, body: { name: 123 } });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.message, "Invalid request.\n\nFor 'properties/name', 123 is not a string.");
    const missing = await call(sim, "POST", "/orgs/acme/actions/runner-groups", { token, body: { visibility: "all" } });
    assert.equal(missing.body.message, 'Invalid request.\n\n"name" wasn\'t supplied.');
    const item = await call(sim, "PUT", "/orgs/acme/actions/runner-groups/2/repositories", {
      token,
      body: { selected_repository_ids: [1, "2"] },
    });
    assert.equal(item.body.message, "Invalid request.\n\nFor 'items', \"2\" is not an integer.");
    const enumValue = await call(sim, "POST", "/orgs/acme/actions/runner-groups", { token, body: { name: "x", visibility: "public" } });
    assert.equal(enumValue.status, 422);
  });

  test("when ids in the path are not numbers, or the route is unknown, then 404 Not Found", async () => {
    const sim = createSimulator();
    const token = await installationToken(sim);
    for (const path of ["/orgs/acme/actions/runner-groups/abc", "/orgs/acme/actions/runner-groups/1e3", "/orgs/acme/nothing", "/"]) {
      const { status, body } = await call(sim, "GET", path, { token });
      assert.equal(status, 404, path);
      assert.equal(body.message, "Not Found");
    }
    assert.equal((await call(sim, "POST", "/user", { token })).status, 404);
  });

  test("property: whatever JSON arrives at a write route, the answer is never 5xx, always GitHub's error body when refused, and a refusal changes nothing", async () => {
    const sim = createSimulator();
    const token = await installationToken(sim);
    const anyValue = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 4 }),
    );
    const bodyArb = fc.record(
      {
        name: fc.oneof(anyValue, fc.string({ unit: "grapheme", maxLength: 40 })),
        visibility: fc.oneof(fc.constantFrom("all", "selected", "private", "public", ""), anyValue),
        selected_repository_ids: fc.oneof(fc.array(fc.integer({ min: -5, max: 10_000 }), { maxLength: 5 }), anyValue),
        runners: fc.oneof(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 3 }), anyValue),
        runner_group_id: fc.oneof(fc.integer({ min: -2, max: 5 }), anyValue),
        labels: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), anyValue),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...WRITE_ROUTES), bodyArb, async ([method, path], body) => {
        const before = JSON.stringify(snapshot(sim.state));
        const response = await call(sim, method, path, { token, body });
        assert.ok(response.status < 500, `${response.status} for ${JSON.stringify(body)}`);
        if (response.status >= 400) {
          assert.equal(typeof response.body.message, "string");
          assert.equal(typeof response.body.documentation_url, "string");
          assert.equal(JSON.stringify(snapshot(sim.state)), before, `state changed by a ${response.status}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
