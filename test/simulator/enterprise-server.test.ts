import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createSimulator, DEMO_TOKENS, startSimulator } from "../../src/simulator/index.js";
import { call, installationOctokit, simOctokit } from "../helpers/sim-clients.js";

describe("simulator: GitHub Enterprise Server path prefix", () => {
  test("when started with pathPrefix /api/v3, then the API is served under it, URLs in bodies carry it, and the root is 404", async () => {
    const sim = createSimulator({ pathPrefix: "/api/v3" });
    const me = await simOctokit(sim, DEMO_TOKENS.alice).request("GET /user");
    assert.equal(me.data.url, "http://sim.test/api/v3/users/alice");
    assert.equal(me.data.html_url, "http://sim.test/alice");
    const octokit = await installationOctokit(sim);
    const groups = await octokit.request("GET /orgs/{org}/actions/runner-groups", { org: "acme" });
    assert.equal(groups.data.runner_groups[1]!.runners_url, "http://sim.test/api/v3/orgs/acme/actions/runner-groups/2/runners");
    const root = await sim.fetch("http://sim.test/user", { headers: { authorization: `token ${DEMO_TOKENS.alice}` } });
    assert.equal(root.status, 404);
  });

  test("when served over HTTP with the prefix, then startSimulator's url includes it and Link headers do too", async (t) => {
    const running = await startSimulator({ pathPrefix: "/api/v3" });
    t.after(() => running.close());
    assert.match(running.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
    const response = await fetch(`${running.url}/orgs/acme/teams/platform/repos?per_page=1`, {
      headers: { authorization: `token ${DEMO_TOKENS.alice}` },
    });
    assert.equal(response.status, 200);
    assert.ok(response.headers.get("link")!.includes(`<${running.url}/orgs/acme/teams/platform/repos?per_page=1&page=2>`));
  });

  test("when a team repository check asks for the repository media type, then 200 with the team's role; otherwise 204", async () => {
    const sim = createSimulator();
    const path = "/orgs/acme/teams/platform/repos/acme/web";
    const withMedia = await call(sim, "GET", path, {
      token: DEMO_TOKENS.alice,
      headers: { accept: "application/vnd.github.v3.repository+json" },
    });
    assert.equal(withMedia.status, 200);
    assert.equal(withMedia.body.role_name, "admin");
    assert.equal((await call(sim, "GET", path, { token: DEMO_TOKENS.alice })).status, 204);
    assert.equal((await call(sim, "GET", "/orgs/acme/teams/platform/repos/acme/warehouse", { token: DEMO_TOKENS.alice })).status, 404);
  });
});
