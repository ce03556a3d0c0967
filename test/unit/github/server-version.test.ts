/**
 * The GitHub Enterprise Server release, as createGitHub reads it from GitHub's answers: the real Octokit
 * against the in-process simulator served as GHES is (under /api/v3), its answers given the
 * `X-GitHub-Enterprise-Version` header by a wrapping fetch, as a GHES would send it.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, test } from "node:test";
import { AppError } from "../../../src/domain/errors.js";
import { createGitHub } from "../../../src/github/create-github.js";
import { ghesHas, requireCall } from "../../../src/github/server-version.js";
import { createRequestDeadlines } from "../../../src/request-deadline.js";
import { createSimulator, DEMO_TOKENS, demoSeed } from "../../../src/simulator/index.js";

const JITCONFIG = "POST /orgs/{org}/actions/runners/generate-jitconfig";
const MEMBERSHIP = "GET /orgs/{org}/teams/{team_slug}/memberships/{username}";

const privateKey = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

/**
 * @param version what the server names itself in each answer; undefined: no header (api.github.com)
 */
function setUp(version: { current: string | undefined }) {
  const sim = createSimulator({ seed: { ...demoSeed, app: { ...demoSeed.app, privateKey } }, pathPrefix: "/api/v3" });
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const answer = await sim.fetch(input, init);
    if (version.current === undefined) return answer;
    const headers = new Headers(answer.headers);
    headers.set("X-GitHub-Enterprise-Version", version.current);
    const withHeader = new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers });
    // a constructed Response has url "", which octokit.paginate would follow Link headers from
    Object.defineProperty(withHeader, "url", { value: answer.url });
    return withHeader;
  };
  const logged: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const github = createGitHub({
    org: sim.state.org.login,
    appId: sim.state.app.id,
    installationId: sim.state.app.installationId,
    privateKeyPem: sim.appPrivateKey!,
    baseUrl: "https://ghe.test/api/v3",
    fetch,
    log: {
      debug: () => undefined,
      warn: () => undefined,
      info: (message, fields) => logged.push({ message, ...(fields ? { fields } : {}) }),
    },
    deadlines: createRequestDeadlines(30_000),
    timeoutMs: 10_000,
    retries: 0,
  });
  return { github, logged };
}

const unsupported = (message: string) => (error: unknown) =>
  error instanceof AppError && error.code === "GITHUB_VERSION_UNSUPPORTED" && error.status === 501 && error.message === message;

describe("the GitHub Enterprise Server release, read from GitHub's answers", () => {
  test("when no answer has come yet, then no release is known and every call is taken as supported", () => {
    const { github, logged } = setUp({ current: "3.9.4" });
    assert.equal(github.server.enterpriseVersion(), undefined);
    assert.equal(github.server.supports(JITCONFIG), true);
    github.server.requireCall(JITCONFIG);
    assert.deepEqual(logged, []);
  });

  test("when GitHub sends no X-GitHub-Enterprise-Version (api.github.com), then there is no release, every call is supported, and nothing is logged", async () => {
    const { github, logged } = setUp({ current: undefined });
    await github.user.whoAmI(DEMO_TOKENS.alice);
    await github.org.teamMembership("platform", "alice");
    assert.equal(github.server.enterpriseVersion(), undefined);
    assert.equal(github.server.supports(JITCONFIG), true);
    github.server.requireCall(JITCONFIG);
    assert.deepEqual(logged, []);
  });

  test("when GHES 3.14.2 answers several calls, then its release is known, every listed call is supported, and it is logged once at info", async () => {
    const { github, logged } = setUp({ current: "3.14.2" });
    await github.user.whoAmI(DEMO_TOKENS.alice);
    await github.org.teamMembership("platform", "alice");
    await github.org.teamRepositories("platform");
    assert.equal(github.server.enterpriseVersion(), "3.14.2");
    assert.equal(github.server.supports(JITCONFIG), true);
    assert.equal(github.server.supports(MEMBERSHIP), true);
    github.server.requireCall(JITCONFIG);
    assert.deepEqual(logged, [{ message: "GitHub Enterprise Server 3.14.2", fields: { enterpriseVersion: "3.14.2" } }]);
  });

  test("when GHES 3.9 answers, then generate-jitconfig is refused with 501 naming both releases, and the calls 3.9 has are not", async () => {
    const { github } = setUp({ current: "3.9.4" });
    await github.org.checkInstallation(); // the installation token's answer is enough
    assert.equal(github.server.enterpriseVersion(), "3.9.4");
    assert.equal(github.server.supports(JITCONFIG), false);
    assert.equal(github.server.supports(MEMBERSHIP), true);
    assert.throws(
      () => github.server.requireCall(JITCONFIG),
      unsupported("GitHub Enterprise Server 3.9.4 has no just-in-time runner configuration: it needs 3.10 or newer"),
    );
    github.server.requireCall(MEMBERSHIP);
  });

  test("when the only answer is an error (a caller's token GitHub refuses), then its header is read all the same", async () => {
    const { github } = setUp({ current: "3.9" });
    await assert.rejects(github.user.whoAmI("ghp_NotAToken000000000000000000000000000"), (error: unknown) => {
      return error instanceof AppError && error.code === "UNAUTHENTICATED";
    });
    assert.equal(github.server.enterpriseVersion(), "3.9");
    assert.throws(
      () => github.server.requireCall(JITCONFIG),
      unsupported("GitHub Enterprise Server 3.9 has no just-in-time runner configuration: it needs 3.10 or newer"),
    );
  });

  test("when the server is upgraded while we run, then the new release is logged once and its calls become supported", async () => {
    const version = { current: "3.9.4" as string | undefined };
    const { github, logged } = setUp(version);
    await github.user.whoAmI(DEMO_TOKENS.alice);
    assert.equal(github.server.supports(JITCONFIG), false);
    version.current = "3.10.0";
    await github.user.whoAmI(DEMO_TOKENS.alice);
    await github.user.whoAmI(DEMO_TOKENS.alice);
    assert.equal(github.server.enterpriseVersion(), "3.10.0");
    assert.equal(github.server.supports(JITCONFIG), true);
    // an answer without the header (a proxy's page, say) says nothing: the release stays known
    version.current = undefined;
    await github.user.whoAmI(DEMO_TOKENS.alice);
    assert.equal(github.server.enterpriseVersion(), "3.10.0");
    assert.deepEqual(
      logged.map((l) => l.message),
      ["GitHub Enterprise Server 3.9.4", "GitHub Enterprise Server is now 3.10.0 (was 3.9.4)"],
    );
  });
});

describe("ghesHas and requireCall", () => {
  test("when the release is compared, then it is compared as numbers, by feature release, patch ignored", () => {
    for (const [version, expected] of [
      ["3.9", false],
      ["3.9.17", false],
      ["3.10", true],
      ["3.10.0", true],
      ["3.19.1", true],
      ["4.0", true],
      ["2.22.5", false],
      ["3.11.0-rc1", true],
    ] as const) {
      assert.equal(ghesHas(version, JITCONFIG), expected, version);
    }
  });

  test("when the release cannot be read, then the call is taken as supported and GitHub's own answer decides", () => {
    assert.equal(ghesHas("enterprise", JITCONFIG), true);
    assert.equal(ghesHas("", JITCONFIG), true);
    requireCall({ enterpriseVersion: () => "unknown" }, JITCONFIG);
  });

  test("when a call exists in every release described, then even an old release has it", () => {
    assert.equal(ghesHas("3.9.0", MEMBERSHIP), true);
    requireCall({ enterpriseVersion: () => "3.9.0" }, MEMBERSHIP);
  });
});
