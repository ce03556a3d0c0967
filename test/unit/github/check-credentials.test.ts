/**
 * The App's credential check (src/github/check-credentials.ts, through createGitHub) and the start-up watch
 * over it (src/services/credentials.ts), against an in-process simulator: the cases the process tests in
 * test/e2e/serve-command.test.ts do not reach (a missing permission, a suspended installation, GitHub failing),
 * and readiness recovering once GitHub accepts the installation again.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AppError } from "../../../src/domain/errors.js";
import { watchCredentials } from "../../../src/services/credentials.js";
import { adapterOnSimulator } from "../../helpers/github-adapter.js";

const setUp = () => adapterOnSimulator();

function recordingLog() {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, ...(fields && { fields }) });
  return { lines, error: at("error"), warn: at("warn"), info: at("info") };
}

describe("the App's credential check", () => {
  test("when the installation grants self-hosted runners only read, then the check passes but names the permission missing", async () => {
    const { sim, github } = setUp();
    sim.state.app.installationPermissions = { metadata: "read", members: "read", organization_self_hosted_runners: "read" };
    const check = await github.app.checkCredentials();
    assert.equal(check.outcome, "ok");
    assert.deepEqual(
      check.missingPermissions.map((m) => [m.permission, m.needed, m.granted]),
      [["organization_self_hosted_runners", "write", "read"]],
    );
    assert.deepEqual(check.installation.permissions, sim.state.app.installationPermissions);
  });

  test("when the installation is suspended, then the check is refused, saying so and who can lift it", async () => {
    const { sim, github } = setUp();
    sim.state.app.suspended = { at: "2026-11-30T10:00:00Z", by: "erin" };
    const check = await github.app.checkCredentials();
    assert.equal(check.outcome, "refused");
    assert.deepEqual(check.keys, []);
    assert.match(
      check.problem,
      /installation 4242 .* on acme is suspended \(since 2026-11-30T10:00:00Z\): an owner of acme can unsuspend it/,
    );
  });

  test("when GitHub answers 502 to GET /app, then the check is unavailable (answered), naming no key", async () => {
    const { sim, github } = setUp();
    sim.faults.failNext("GET /app", { status: 502 });
    const check = await github.app.checkCredentials();
    assert.deepEqual(check, {
      outcome: "unavailable",
      answered: true,
      problem: "GitHub answered 502 asking for the App (GET /app): try again later",
    });
  });
});

describe("the start-up watch over the App's credentials", () => {
  test("when the installation is suspended at start-up, then an error is logged, readiness fails in its words until it is lifted, then passes", async () => {
    const { sim, github } = setUp();
    sim.state.app.suspended = { at: "2026-11-30T10:00:00Z", by: "erin" };
    const log = recordingLog();
    const watch = watchCredentials({ github, log, checkAtStart: true });
    await watch.started;
    const error = log.lines.find((l) => l.level === "error");
    assert.match(error?.message ?? "", /^the GitHub App's credentials are refused: installation 4242 .* is suspended/);
    await assert.rejects(watch.requireAccepted(), (e: unknown) => {
      assert.ok(e instanceof AppError && e.code === "NOT_READY");
      assert.match(e.message, /^Not ready: the GitHub App's credentials are refused: installation 4242 .* is suspended/);
      return true;
    });
    sim.state.app.suspended = null;
    await watch.requireAccepted();
    const before = sim.calls();
    await watch.requireAccepted();
    assert.equal(sim.calls(), before, "once accepted, the watch asks GitHub nothing more");
  });

  test("when the credentials are right, then one info line names the App and its installation, and readiness asks GitHub nothing more", async () => {
    const { sim, github } = setUp();
    const log = recordingLog();
    const watch = watchCredentials({ github, log, checkAtStart: true });
    await watch.started;
    assert.deepEqual(
      log.lines.map((l) => [l.level, l.message]),
      [["info", "GitHub App actions-runner-manager (424242) is installed on acme (installation 4242)"]],
    );
    const before = sim.calls();
    await watch.requireAccepted();
    assert.equal(sim.calls(), before);
  });
});
