import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { manualClock } from "../../src/clock.js";
import { createSimulator, DEMO_TOKENS } from "../../src/simulator/index.js";
import { call, installationOctokit, signAppJwt, simOctokit } from "../helpers/sim-clients.js";

const APP_ID = 424242;
const INSTALLATION = 4242;

describe("simulator: credentials", () => {
  const sim = createSimulator();

  test("when a user token comes as `token X`, `Bearer X` or `bearer X`, then GET /user answers that user", async () => {
    for (const scheme of ["token", "Bearer", "bearer"]) {
      const response = await sim.fetch("http://sim.test/user", { headers: { authorization: `${scheme} ${DEMO_TOKENS.alice}` } });
      assert.equal(response.status, 200, scheme);
      assert.equal(((await response.json()) as { login: string }).login, "alice");
    }
  });

  test("when no credential is sent, then 401 Requires authentication in GitHub's error body", async () => {
    const { status, body } = await call(sim, "GET", "/user");
    assert.equal(status, 401);
    assert.deepEqual(body, { message: "Requires authentication", documentation_url: "https://docs.github.com/rest", status: "401" });
  });

  test("when an unknown token or a malformed header is sent, then 401 Bad credentials", async () => {
    assert.equal((await call(sim, "GET", "/user", { token: "ghp_nobodyhasthis" })).body.message, "Bad credentials");
    const response = await sim.fetch("http://sim.test/user", { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    assert.equal(response.status, 401);
  });

  test("when the App authenticates through @octokit/app, then it gets a ghs_ installation token that expires in one hour", async () => {
    const before = Date.now();
    const octokit = await installationOctokit(sim);
    const groups = await octokit.request("GET /orgs/{org}/actions/runner-groups", { org: "acme" });
    assert.equal(groups.status, 200);
    const tokens = [...sim.state.installationTokens.values()];
    assert.equal(tokens.length, 1);
    assert.match(tokens[0]!.token, /^ghs_[A-Za-z0-9]{36}$/);
    const lifetime = tokens[0]!.expiresAt.getTime() - before;
    assert.ok(lifetime > 59 * 60_000 && lifetime <= 60 * 60_000 + 1000, `lifetime ${lifetime}`);
    // @octokit/auth-app signs App-only routes with the JWT itself, and the simulator accepts it there
    const installation = await octokit.request("GET /orgs/{org}/installation", { org: "acme" });
    assert.equal(installation.data.id, INSTALLATION);
  });

  test("when an installation token is used on GET /user, then 403 Resource not accessible by integration", async () => {
    const octokit = await installationOctokit(sim);
    await assert.rejects(octokit.request("GET /user"), (error: any) => {
      assert.equal(error.status, 403);
      assert.equal(error.response.data.message, "Resource not accessible by integration");
      return true;
    });
  });

  test("when a plain org member's token calls an org Actions route, then 403; an org owner's token is served", async () => {
    const asBob = await call(sim, "GET", "/orgs/acme/actions/runner-groups", { token: DEMO_TOKENS.bob });
    assert.equal(asBob.status, 403);
    const asErin = await call(sim, "GET", "/orgs/acme/actions/runner-groups", { token: DEMO_TOKENS.erin });
    assert.equal(asErin.status, 200);
  });

  test("when a user token calls an App-only route, then 401: those routes take the App's JWT only", async () => {
    const { status, body } = await call(sim, "GET", "/app", { token: DEMO_TOKENS.erin });
    assert.equal(status, 401);
    assert.equal(body.message, "A JSON web token could not be decoded");
  });
});

describe("simulator: App JWT rules", () => {
  const clock = manualClock("2026-06-01T12:00:00Z");
  const sim = createSimulator({ clock });
  const now = () => Math.floor(clock.now().getTime() / 1000);
  const key = () => sim.appPrivateKey!;
  const mint = (jwt: string) => call(sim, "POST", `/app/installations/${INSTALLATION}/access_tokens`, { token: jwt });

  test("when the JWT is valid (iat 30 s back, exp 9 min ahead), then POST access_tokens answers 201 with a token and expires_at", async () => {
    const { status, body } = await mint(signAppJwt(key(), { iss: APP_ID, iat: now() - 30, exp: now() + 540 }));
    assert.equal(status, 201);
    assert.match(body.token, /^ghs_/);
    assert.equal(body.expires_at, "2026-06-01T13:00:00Z");
  });

  test("when the issuer is the App ID as a string, then it is accepted as GitHub does", async () => {
    assert.equal((await mint(signAppJwt(key(), { iss: String(APP_ID), iat: now() - 30, exp: now() + 540 }))).status, 201);
  });

  test("when exp has passed, then 401 naming the exp claim", async () => {
    const { status, body } = await mint(signAppJwt(key(), { iss: APP_ID, iat: now() - 700, exp: now() - 100 }));
    assert.equal(status, 401);
    assert.match(body.message, /'Expiration time' claim \('exp'\)/);
  });

  test("when exp is more than 10 minutes ahead, then 401 too far in the future", async () => {
    const { status, body } = await mint(signAppJwt(key(), { iss: APP_ID, iat: now(), exp: now() + 3600 }));
    assert.equal(status, 401);
    assert.match(body.message, /too far in the future/);
  });

  test("when iat is in the future beyond clock drift, then 401 naming the iat claim", async () => {
    const { status, body } = await mint(signAppJwt(key(), { iss: APP_ID, iat: now() + 300, exp: now() + 540 }));
    assert.equal(status, 401);
    assert.match(body.message, /'Issued at' claim/);
  });

  test("when the JWT is signed with another key, then 401 A JSON web token could not be decoded", async () => {
    const other = createSimulator().appPrivateKey!;
    const { status, body } = await mint(signAppJwt(other, { iss: APP_ID, iat: now() - 30, exp: now() + 540 }));
    assert.equal(status, 401);
    assert.equal(body.message, "A JSON web token could not be decoded");
  });

  test("when the JWT names another App ID, then 401 A JSON web token could not be decoded, as for a wrong key (octokit/auth-app.js#375)", async () => {
    for (const iss of [APP_ID + 1, String(APP_ID + 1)]) {
      const jwt = signAppJwt(key(), { iss, iat: now() - 30, exp: now() + 540 });
      for (const answer of [await mint(jwt), await call(sim, "GET", "/app", { token: jwt })]) {
        assert.equal(answer.status, 401);
        assert.equal(answer.body.message, "A JSON web token could not be decoded");
      }
    }
    const notAnId = signAppJwt(key(), { iss: "not-an-id", iat: now() - 30, exp: now() + 540 });
    assert.equal((await call(sim, "GET", "/app", { token: notAnId })).body.message, "'Issuer' claim ('iss') must be an Integer");
  });

  test("when GET /app and GET /app/installations/{installation_id} are asked with the App's JWT, then 200 for its own, 404 for another installation, 401 for a JWT signed with another key", async () => {
    const jwt = signAppJwt(key(), { iss: APP_ID, iat: now() - 30, exp: now() + 540 });
    const app = await call(sim, "GET", "/app", { token: jwt });
    assert.equal(app.status, 200);
    assert.equal(app.body.id, APP_ID);
    const own = await call(sim, "GET", `/app/installations/${INSTALLATION}`, { token: jwt });
    assert.equal(own.status, 200);
    assert.equal(own.body.account.login, "acme");
    assert.equal(own.body.target_type, "Organization");
    assert.equal((await call(sim, "GET", "/app/installations/999", { token: jwt })).status, 404);
    const otherKey = signAppJwt(createSimulator().appPrivateKey!, { iss: APP_ID, iat: now() - 30, exp: now() + 540 });
    const refused = await call(sim, "GET", "/app", { token: otherKey });
    assert.deepEqual([refused.status, refused.body.message], [401, "A JSON web token could not be decoded"]);
  });

  test("when the JWT uses alg none, then 401", async () => {
    const unsigned = signAppJwt(key(), { iss: APP_ID, iat: now() - 30, exp: now() + 540 }, { alg: "none" });
    assert.equal((await mint(unsigned)).status, 401);
  });

  test("when the installation id is not the App's, then 404", async () => {
    const jwt = signAppJwt(key(), { iss: APP_ID, iat: now() - 30, exp: now() + 540 });
    assert.equal((await call(sim, "POST", "/app/installations/999/access_tokens", { token: jwt })).status, 404);
  });

  test("when an App JWT is used on an installation route, then 403 Resource not accessible by integration", async () => {
    const jwt = signAppJwt(key(), { iss: APP_ID, iat: now() - 30, exp: now() + 540 });
    const { status, body } = await call(sim, "GET", "/orgs/acme/actions/runner-groups", { token: jwt });
    assert.equal(status, 403);
    assert.equal(body.message, "Resource not accessible by integration");
  });

  test("when an installation token's hour is over, then it gets 401 Bad credentials, and a fresh one works", async () => {
    const jwt = () => signAppJwt(key(), { iss: APP_ID, iat: now() - 30, exp: now() + 540 });
    const { body: minted } = await mint(jwt());
    const path = "/orgs/acme/actions/runner-groups";
    assert.equal((await call(sim, "GET", path, { token: minted.token })).status, 200);
    clock.advance(59 * 60_000);
    assert.equal((await call(sim, "GET", path, { token: minted.token })).status, 200);
    clock.advance(60_000);
    const expired = await call(sim, "GET", path, { token: minted.token });
    assert.equal(expired.status, 401);
    assert.equal(expired.body.message, "Bad credentials");
    const { body: fresh } = await mint(jwt());
    assert.equal((await call(sim, "GET", path, { token: fresh.token })).status, 200);
  });
});

describe("simulator: x-ratelimit headers and the primary rate limit", () => {
  test("when a credential makes calls, then x-ratelimit-remaining counts down per credential, and at zero GitHub's 403 comes", async () => {
    const sim = createSimulator({ rateLimitPerHour: 3 });
    const user = simOctokit(sim, DEMO_TOKENS.alice);
    const first = await user.request("GET /user");
    assert.equal(first.headers["x-ratelimit-limit"], "3");
    assert.equal(first.headers["x-ratelimit-remaining"], "2");
    assert.equal(first.headers["x-ratelimit-resource"], "core");
    await user.request("GET /user");
    await user.request("GET /user");
    const limited = await call(sim, "GET", "/user", { token: DEMO_TOKENS.alice });
    assert.equal(limited.status, 403);
    assert.match(limited.body.message, /^API rate limit exceeded for user ID 5001\./);
    assert.equal(limited.headers.get("x-ratelimit-remaining"), "0");
    // another user has their own budget
    assert.equal((await call(sim, "GET", "/user", { token: DEMO_TOKENS.bob })).status, 200);
  });

  test("when the hour turns, then the budget is back", async () => {
    const clock = manualClock();
    const sim = createSimulator({ rateLimitPerHour: 1, clock });
    assert.equal((await call(sim, "GET", "/user", { token: DEMO_TOKENS.alice })).status, 200);
    assert.equal((await call(sim, "GET", "/user", { token: DEMO_TOKENS.alice })).status, 403);
    clock.advance(3_600_000);
    assert.equal((await call(sim, "GET", "/user", { token: DEMO_TOKENS.alice })).status, 200);
  });
});
