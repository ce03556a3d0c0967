/**
 * createGitHub against an in-process simulator, through the port (no HTTP server): the fetch seam,
 * what the call policy repeats, and the request deadline's scope.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AppError } from "../../../src/domain/errors.js";
import type { createGitHub } from "../../../src/github/create-github.js";
import { type GitHubOptions } from "../../../src/github/create-github.js";
import { createRequestDeadlines, type RequestDeadlines } from "../../../src/request-deadline.js";
import type { Simulator } from "../../../src/simulator/index.js";
import { adapterOnSimulator } from "../../helpers/github-adapter.js";

const MEMBERSHIP = "GET /orgs/{org}/teams/{team_slug}/memberships/{username}";
const ACCESS_TOKEN = "POST /app/installations/{installation_id}/access_tokens";
const isTimeoutError = (error: unknown) => error instanceof AppError && error.code === "GITHUB_TIMEOUT";
const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));

interface SetUp {
  sim: Simulator;
  github: ReturnType<typeof createGitHub>;
  deadlines: RequestDeadlines;
  fetched: string[];
}

/** @param requestTimeoutMs each caller request's deadline (deadlines.within) */
function setUp(options: Partial<GitHubOptions> & { requestTimeoutMs?: number } = {}): SetUp {
  const { requestTimeoutMs = 30_000, ...settings } = options;
  const deadlines = createRequestDeadlines(requestTimeoutMs);
  const fetched: string[] = [];
  const { sim, github } = adapterOnSimulator({
    github: (sim) => ({
      fetch: (input, init) => {
        fetched.push(`${init?.method ?? "GET"} ${new URL(input instanceof Request ? input.url : String(input)).pathname}`);
        return sim.fetch(input, init);
      },
      deadlines,
      retries: 2,
      retryBaseMs: 5,
      ...settings,
    }),
  });
  return { sim, github, deadlines, fetched };
}

describe("createGitHub", () => {
  test("when the App works, then every call, token minting included, goes through the given fetch and never the global one", async (t) => {
    t.mock.method(globalThis, "fetch", () => {
      throw new Error("the global fetch was used");
    });
    const { github, fetched } = setUp();
    assert.deepEqual(await github.org.teamMembership("platform", "alice"), { role: "maintainer", state: "active" });
    await github.org.checkInstallation();
    assert.deepEqual(fetched, ["POST /app/installations/4242/access_tokens", "GET /orgs/acme/teams/platform/memberships/alice"]);
  });

  test("when GitHub answers 404 (someone outside the team), then it is asked once, though retries are on", async () => {
    const { sim, github } = setUp({ retries: 3 });
    assert.equal(await github.org.teamMembership("platform", "dave"), null);
    assert.equal(sim.calls(MEMBERSHIP), 1);
  });

  test("when calls run inside deadlines.within, then they share its one deadline; outside, each has only its own timeout", async () => {
    const { sim, github, deadlines } = setUp({ requestTimeoutMs: 250, timeoutMs: 5_000 });
    await github.org.checkInstallation(); // the token, minted before the latency
    sim.faults.setLatency(100, MEMBERSHIP);
    const threeCalls = async () => {
      for (let i = 0; i < 3; i++) await github.org.teamMembership("platform", "alice");
    };
    await threeCalls(); // 300 ms outside any deadline: fine
    const started = performance.now();
    await assert.rejects(deadlines.within(threeCalls), (error: unknown) => error instanceof AppError && error.code === "GITHUB_TIMEOUT");
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 240 && elapsed < 800, `failed after ${Math.round(elapsed)} ms`);
  });

  test("when the deadline has passed, then the next call fails at once and sends nothing", async () => {
    const { github, deadlines, fetched } = setUp({ requestTimeoutMs: 50 });
    await github.org.checkInstallation();
    const sent = fetched.length;
    await assert.rejects(
      deadlines.within(async () => {
        await new Promise((resolve) => setTimeout(resolve, 80));
        return github.org.teamMembership("platform", "alice");
      }),
      (error: unknown) => error instanceof AppError && error.code === "GITHUB_TIMEOUT",
    );
    assert.equal(fetched.length, sent);
  });

  test("when minting the App's installation token outlasts the request's deadline, then the call fails at the deadline and nothing more is sent", async () => {
    const { sim, github, deadlines, fetched } = setUp({ requestTimeoutMs: 200, timeoutMs: 10_000 });
    sim.faults.delayNext(ACCESS_TOKEN, 400); // had its fetch not been aborted, the token would be minted at 400 ms
    const started = performance.now();
    await assert.rejects(
      deadlines.within(() => github.org.teamMembership("platform", "alice")),
      isTimeoutError,
    );
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 190 && elapsed < 400, `failed after ${Math.round(elapsed)} ms`);
    await sleepUntil(started + 600);
    assert.deepEqual(fetched, ["POST /app/installations/4242/access_tokens"], "the membership call was never sent");
    assert.equal(sim.state.installationTokens.size, 0, "the token fetch was aborted");
  });

  test("when the App's own token check (/readyz) outlasts the request's deadline, then it fails at the deadline", async () => {
    const { sim, github, deadlines } = setUp({ requestTimeoutMs: 200, timeoutMs: 10_000 });
    sim.faults.delayNext(ACCESS_TOKEN, 400);
    const started = performance.now();
    await assert.rejects(
      deadlines.within(() => github.org.checkInstallation()),
      isTimeoutError,
    );
    assert.ok(performance.now() - started < 400);
    await sleepUntil(started + 600);
    assert.equal(sim.state.installationTokens.size, 0, "the token fetch was aborted");
  });

  test("when minting the token inside a call outlasts that call's own timeout, then the call fails at its timeout", async () => {
    const { sim, github } = setUp({ timeoutMs: 150 });
    sim.faults.delayNext(ACCESS_TOKEN, 400);
    const started = performance.now();
    await assert.rejects(github.org.teamMembership("platform", "alice"), isTimeoutError);
    assert.ok(performance.now() - started < 400);
    await sleepUntil(started + 600);
    assert.equal(sim.state.installationTokens.size, 0, "the token fetch was aborted");
  });
});
