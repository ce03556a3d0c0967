/**
 * GitHub Enterprise Server: the service learns the release from GitHub's answers (X-GitHub-Enterprise-Version,
 * which the simulator sends as a GHES does, lacking the routes the release lacks), logs it once, and refuses runner-jitconfig on a
 * release without generate-jitconfig (before 3.10) with 501, without asking GitHub.
 */
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { DEMO_TOKENS } from "../../src/simulator/index.js";
import { startTestApp } from "../helpers/start-test-app.js";

const JITCONFIG = "POST /orgs/{org}/actions/runners/generate-jitconfig";

/** The service against the demo organization, served as GHES `version` serves it (under /api/v3, with its header and routes). */
async function startGhes(t: TestContext, version: string) {
  const app = await startTestApp({ simulator: { pathPrefix: "/api/v3", enterpriseVersion: version } });
  t.after(() => app.close());
  const created = await app.call("POST", "/api/v1/group-create", { token: DEMO_TOKENS.alice, query: { team: "platform" } });
  assert.equal(created.status, 200);
  return app;
}

const jitconfig = { token: DEMO_TOKENS.alice, query: { team: "platform", name: "one" } };

describe("GitHub Enterprise Server", () => {
  test("when the server is GHES 3.9, then runner-jitconfig answers 501 naming both releases, and GitHub is not asked for a configuration", async (t) => {
    const app = await startGhes(t, "3.9.4");
    const { status, body } = await app.call("POST", "/api/v1/runner-jitconfig", jitconfig);
    assert.equal(status, 501);
    assert.equal(body.Error, "GitHub Enterprise Server 3.9.4 has no just-in-time runner configuration: it needs 3.10 or newer");
    assert.equal(app.sim.calls(JITCONFIG), 0);
    assert.ok(!app.sim.journal().some((entry) => entry.path.endsWith("/generate-jitconfig")), "not even a request that found no route");
    // the other routes work as ever
    const token = await app.call("GET", "/api/v1/token-register", { token: DEMO_TOKENS.alice, query: { team: "platform" } });
    assert.equal(token.status, 200);
  });

  test("when the server is GHES 3.10, then runner-jitconfig works, and the release is logged once at info", async (t) => {
    const app = await startGhes(t, "3.10.2");
    const { status } = await app.call("POST", "/api/v1/runner-jitconfig", jitconfig);
    assert.equal(status, 200);
    assert.equal(app.sim.calls(JITCONFIG), 1);
    const logged = app.logs.lines().filter((line) => line.enterpriseVersion !== undefined);
    assert.deepEqual(
      logged.map((line) => [line.level, line.message]),
      [["info", "GitHub Enterprise Server 3.10.2"]],
    );
  });
});
