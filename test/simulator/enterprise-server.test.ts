import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fc } from "../helpers/property.js";
import { FIRST_GHES_RELEASE, enterpriseServer } from "../../src/simulator/enterprise-server.js";
import { createSimulator, DEMO_TOKENS, SERVED_ROUTES, startSimulator } from "../../src/simulator/index.js";
import { loadGitHubOpenApi } from "../helpers/github-openapi.js";
import { call, installationOctokit, installationToken, simOctokit } from "../helpers/sim-clients.js";

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

describe("simulator: a GitHub Enterprise Server release (enterpriseVersion)", () => {
  const JITCONFIG = "POST /orgs/{org}/actions/runners/generate-jitconfig";
  const jitBody = { name: "jit-1", runner_group_id: 1, labels: ["self-hosted"] };

  test("when a release is set, then every answer names it in X-GitHub-Enterprise-Version, errors and unknown paths included", async () => {
    const sim = createSimulator({ pathPrefix: "/api/v3", enterpriseVersion: "3.14" });
    assert.equal(sim.enterpriseVersion, "3.14.0");
    const token = await installationToken(sim);
    const answers = [
      await call(sim, "GET", "/orgs/acme/actions/runner-groups", { token }),
      await call(sim, "GET", "/orgs/acme/actions/runner-groups/999", { token }),
      await call(sim, "GET", "/user", { token: "ghp_unknown" }),
      await call(sim, "GET", "/no/such/route", { token }),
    ];
    assert.deepEqual(
      answers.map((a) => [a.status, a.headers.get("x-github-enterprise-version")]),
      [
        [200, "3.14.0"],
        [404, "3.14.0"],
        [401, "3.14.0"],
        [404, "3.14.0"],
      ],
    );
    const outsidePrefix = await sim.fetch("http://sim.test/user", { headers: { authorization: `token ${DEMO_TOKENS.alice}` } });
    assert.equal(outsidePrefix.headers.get("x-github-enterprise-version"), "3.14.0");
  });

  test("when a patch release is given, then the header carries it as given; without a release, no answer has the header", async () => {
    const patched = createSimulator({ enterpriseVersion: "3.12.4" });
    assert.equal((await call(patched, "GET", "/user", { token: DEMO_TOKENS.alice })).headers.get("x-github-enterprise-version"), "3.12.4");
    const dotcom = createSimulator({ pathPrefix: "/api/v3" });
    assert.equal(dotcom.enterpriseVersion, undefined);
    assert.equal((await call(dotcom, "GET", "/user", { token: DEMO_TOKENS.alice })).headers.get("x-github-enterprise-version"), null);
  });

  test("when the release is 3.9, then generate-jitconfig answers 404 like an unknown route, is not counted, and creates no runner", async () => {
    const sim = createSimulator({ pathPrefix: "/api/v3", enterpriseVersion: "3.9" });
    const octokit = await installationOctokit(sim);
    const runnersBefore = sim.state.runners.size;
    await assert.rejects(
      octokit.request(JITCONFIG, { org: "acme", ...jitBody }),
      (error: { status?: number; response?: { data?: unknown } }) => {
        assert.equal(error.status, 404);
        assert.deepEqual((error.response?.data as { message?: string }).message, "Not Found");
        return true;
      },
    );
    assert.equal(sim.state.runners.size, runnersBefore);
    assert.equal(sim.calls(JITCONFIG), 0);
    const entry = sim.journal().at(-1);
    assert.deepEqual([entry?.route, entry?.path, entry?.status], [null, "/orgs/acme/actions/runners/generate-jitconfig", 404]);
    // the routes 3.9 does have answer as usual
    const groups = await octokit.request("GET /orgs/{org}/actions/runner-groups", { org: "acme" });
    assert.equal(groups.status, 200);
    assert.equal(groups.headers["x-github-enterprise-version"], "3.9.0");
  });

  test("when the release is 3.10, then generate-jitconfig answers 201 under /api/v3", async () => {
    const sim = createSimulator({ pathPrefix: "/api/v3", enterpriseVersion: "3.10" });
    const octokit = await installationOctokit(sim);
    const created = await octokit.request(JITCONFIG, { org: "acme", ...jitBody });
    assert.equal(created.status, 201);
    assert.equal(created.data.runner.name, "jit-1");
    assert.equal(created.headers["x-github-enterprise-version"], "3.10.0");
    assert.equal(sim.calls(JITCONFIG), 1);
  });

  test("when the release is older than 3.4, then runner labels are unknown routes; from 3.4 they answer", async () => {
    for (const [version, status] of [
      ["3.3", 404],
      ["3.4", 200],
    ] as const) {
      const sim = createSimulator({ pathPrefix: "/api/v3", enterpriseVersion: version });
      const token = await installationToken(sim);
      assert.equal((await call(sim, "GET", "/orgs/acme/actions/runners/1/labels", { token })).status, status, version);
    }
  });

  test("when enterpriseVersion is no release number, then createSimulator throws a RangeError naming it", () => {
    for (const bad of ["", "3", "v3.9", "3.9.x", "latest", "3.9.1.2"]) {
      assert.throws(() => createSimulator({ enterpriseVersion: bad }), RangeError, JSON.stringify(bad));
    }
  });

  test("property: a route is served from its first release on and never before; minor releases compare as numbers (3.10 > 3.9)", () => {
    const release = fc.tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 0, max: 25 }));
    fc.assert(
      fc.property(fc.constantFrom(...SERVED_ROUTES), release, (route, [major, minor]) => {
        const first = (FIRST_GHES_RELEASE[route] ?? "0.0").split(".").map(Number) as [number, number];
        const expected = major > first[0] || (major === first[0] && minor >= first[1]);
        assert.equal(enterpriseServer(`${major}.${minor}`).has(route), expected, `${route} on ${major}.${minor}`);
      }),
    );
  });

  test("when the table is read, then it names only served routes, and the newest GHES description has every served route", () => {
    const served = new Set(SERVED_ROUTES);
    assert.deepEqual(
      Object.keys(FIRST_GHES_RELEASE).filter((route) => !served.has(route)),
      [],
    );
    const ghes = loadGitHubOpenApi("ghes-3.19");
    const release = enterpriseServer("3.19");
    assert.deepEqual(
      SERVED_ROUTES.filter((route) => release.has(route) !== ghes.hasRoute(route)),
      [],
    );
  });
});
