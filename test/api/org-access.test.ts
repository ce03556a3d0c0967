/**
 * auth.requireOrgAccess, over HTTPS against the simulator: a token that can call GET /user must also be
 * one the organization accepts (SAML SSO, OAuth app access restrictions) and belong to an active member.
 * Each refusal says why, in the envelope, and costs the App no call; the check is cached with the identity.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SeedInput } from "../../src/simulator/index.js";
import { seedWithPlatformGroup, TOKENS } from "../helpers/seeds.js";
import { startTestApp } from "../helpers/start-test-app.js";

const ROUTE = {
  user: "GET /user",
  orgMembership: "GET /user/memberships/orgs/{org}",
  mint: "POST /app/installations/{installation_id}/access_tokens",
  teamMembership: "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
} as const;

const TOKEN = {
  /** alice's SSO-authorized personal access token (the demo seed's) */
  alice: TOKENS.alice,
  /** alice's personal access token, not authorized for the organization's SSO */
  aliceUnauthorized: "ghp_AliceNotSsoAuthorized000000000000001",
  /** alice's token from an OAuth app the organization approved */
  aliceApprovedApp: "gho_AliceApprovedOAuthApp00000000000001",
  /** alice's token from a third-party "Sign in with GitHub" OAuth app the organization has not approved */
  aliceThirdParty: "gho_AliceThirdPartyOAuthApp000000000001",
  /** a user outside the organization */
  outsider: "ghp_OutsiderNotInTheOrg00000000000000001",
} as const;

/** The demo organization with SAML SSO enforced and OAuth app access restrictions on. */
function restrictedSeed(): SeedInput {
  const base = seedWithPlatformGroup();
  return {
    ...base,
    org: { ...base.org, samlSso: true, oauthAppRestrictions: { approvedApps: ["Acme CI"] } },
    users: [
      ...(base.users ?? []).map((u) =>
        u.login === "alice"
          ? {
              ...u,
              tokens: [
                TOKEN.alice,
                { token: TOKEN.aliceUnauthorized, ssoAuthorized: false },
                { token: TOKEN.aliceApprovedApp, oauthApp: "Acme CI" },
                { token: TOKEN.aliceThirdParty, oauthApp: "Some Sign-in Site" },
              ],
            }
          : u,
      ),
      { login: "mallory", orgRole: "none", tokens: [TOKEN.outsider] },
    ],
  };
}

/** Every call but the App's own token minting: what the App spent on the request. */
const appCalls = (calls: Record<string, number>) =>
  Object.entries(calls)
    .filter(([route]) => route !== ROUTE.user && route !== ROUTE.orgMembership && route !== ROUTE.mint)
    .reduce((sum, [, n]) => sum + n, 0);

describe("auth.requireOrgAccess (GET /api/v1/group-list)", () => {
  for (const [who, token] of [
    ["an SSO-authorized personal access token", TOKEN.alice],
    ["a token of an OAuth app the organization approved", TOKEN.aliceApprovedApp],
  ] as const) {
    test(`when an active maintainer calls with ${who}, then 200, after one GET /user/memberships/orgs/{org}`, async (t) => {
      const app = await startTestApp({ seed: restrictedSeed(), requireOrgAccess: true });
      t.after(() => app.close());
      const { status, body } = await app.call("GET", "/api/v1/group-list", { token, query: { team: "platform" } });
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(app.sim.calls(ROUTE.orgMembership), 1);
    });
  }

  test("when the token is not authorized for the organization's SAML SSO, then 403 ORG_ACCESS_DENIED naming GitHub's authorization URL, and the App makes no call", async (t) => {
    const app = await startTestApp({ seed: restrictedSeed(), requireOrgAccess: true });
    t.after(() => app.close());
    const { status, body } = await app.call("GET", "/api/v1/group-list", { token: TOKEN.aliceUnauthorized, query: { team: "platform" } });
    assert.equal(status, 403);
    assert.equal(body.Code, 403);
    assert.match(
      body.Error,
      /^Organization acme enforces SAML single sign-on and this token is not authorized for it: authorize the token for acme at http:\/\/sim\.test\/orgs\/acme\/sso\?authorization_request=[\w-]+, then try again$/,
    );
    assert.equal(appCalls(app.sim.callsByRoute()), 0);
    assert.equal(app.sim.calls(ROUTE.mint), 0, "not even an installation token was minted");
  });

  test("when the token comes from an OAuth app the organization has not approved, then 403 saying so, and the App makes no call", async (t) => {
    const app = await startTestApp({ seed: restrictedSeed(), requireOrgAccess: true });
    t.after(() => app.close());
    const { status, body } = await app.call("GET", "/api/v1/group-list", { token: TOKEN.aliceThirdParty, query: { team: "platform" } });
    assert.equal(status, 403);
    assert.match(body.Error, /^Organization acme restricts OAuth app access and has not approved the app that issued this token/);
    assert.equal(appCalls(app.sim.callsByRoute()), 0);
    assert.equal(app.sim.calls(ROUTE.mint), 0);
  });

  test("when the caller is not a member of the organization, then 403 saying so (and what a token needs), and the App makes no call", async (t) => {
    const app = await startTestApp({ seed: restrictedSeed(), requireOrgAccess: true });
    t.after(() => app.close());
    const { status, body } = await app.call("GET", "/api/v1/group-list", { token: TOKEN.outsider, query: { team: "platform" } });
    assert.equal(status, 403);
    assert.match(
      body.Error,
      /^GitHub shows this token no membership of organization acme: either mallory is not a member of it, or .*read:org/,
    );
    assert.equal(appCalls(app.sim.callsByRoute()), 0);
    assert.equal(app.sim.calls(ROUTE.mint), 0);
  });

  test("when the organization refuses the token for a reason of its own, then 403 in our words, and GitHub's reason only in the log", async (t) => {
    const app = await startTestApp({ seed: restrictedSeed(), requireOrgAccess: true });
    t.after(() => app.close());
    const reason =
      "Although you appear to have the correct authorization credentials, the `acme` organization has an IP allow list enabled, and 203.0.113.9 is not permitted to access this resource.";
    app.sim.faults.failNext(ROUTE.orgMembership, {
      status: 403,
      body: { message: reason, documentation_url: "https://docs.github.com/rest" },
    });
    const { status, body, headers } = await app.call("GET", "/api/v1/group-list", { token: TOKEN.alice, query: { team: "platform" } });
    assert.equal(status, 403);
    assert.equal(body.Error, "Organization acme refuses this token (GitHub answered 403); the server's log has GitHub's reason");
    const line = app.logs.lines().find((l) => l.github !== undefined);
    assert.equal(line?.requestId, headers.get("x-request-id"));
    assert.ok((line?.github as { message: string }).message.startsWith(reason));
  });

  test("when GitHub does not accept the token at all, then 401 as before, and the organization is not asked", async (t) => {
    const app = await startTestApp({ seed: restrictedSeed(), requireOrgAccess: true });
    t.after(() => app.close());
    const { status } = await app.call("GET", "/api/v1/group-list", { token: "ghp_not_a_real_token", query: { team: "platform" } });
    assert.equal(status, 401);
    assert.equal(app.sim.calls(ROUTE.orgMembership), 0);
  });

  test("when a member of the organization who maintains no team calls, then the organization accepts the token and the team check refuses (403 NOT_TEAM_MAINTAINER)", async (t) => {
    const app = await startTestApp({ seed: restrictedSeed(), requireOrgAccess: true });
    t.after(() => app.close());
    const { status, body } = await app.call("GET", "/api/v1/group-list", { token: TOKENS.dave, query: { team: "platform" } });
    assert.equal(status, 403);
    assert.match(body.Error, /not a maintainer/);
    assert.equal(app.sim.calls(ROUTE.orgMembership), 1);
    assert.equal(app.sim.calls(ROUTE.teamMembership), 1);
  });

  test("when the same token calls again within the identity cache's TTL, then neither GET /user nor the organization check is repeated", async (t) => {
    const app = await startTestApp({
      seed: restrictedSeed(),
      requireOrgAccess: true,
      cache: { identity: { ttlSeconds: 60, maxEntries: 100 } },
    });
    t.after(() => app.close());
    for (let i = 0; i < 3; i++) {
      const { status } = await app.call("GET", "/api/v1/group-list", { token: TOKEN.alice, query: { team: "platform" } });
      assert.equal(status, 200);
    }
    assert.equal(app.sim.calls(ROUTE.user), 1);
    assert.equal(app.sim.calls(ROUTE.orgMembership), 1);
  });

  test("when a refused token calls again, then it is refused again (a refusal is not remembered as an identity)", async (t) => {
    const app = await startTestApp({
      seed: restrictedSeed(),
      requireOrgAccess: true,
      cache: { identity: { ttlSeconds: 60, maxEntries: 100 } },
    });
    t.after(() => app.close());
    for (let i = 0; i < 2; i++) {
      const { status } = await app.call("GET", "/api/v1/group-list", { token: TOKEN.aliceUnauthorized, query: { team: "platform" } });
      assert.equal(status, 403);
    }
    assert.equal(appCalls(app.sim.callsByRoute()), 0);
  });

  test("when auth.requireOrgAccess is false, then the organization is not asked, a token it refuses gets through, and start-up warns", async (t) => {
    const app = await startTestApp({ seed: restrictedSeed(), requireOrgAccess: false });
    t.after(() => app.close());
    const { status } = await app.call("GET", "/api/v1/group-list", { token: TOKEN.aliceThirdParty, query: { team: "platform" } });
    // GitHub's own rule still holds on the App's side: the App acts with its installation token, which the OAuth policy does not touch.
    assert.equal(status, 200);
    assert.equal(app.sim.calls(ROUTE.orgMembership), 0);
    const warning = app.logs
      .lines()
      .find((line) => line.level === "warn" && String(line.message).includes("auth.requireOrgAccess is false"));
    assert.ok(warning, "a start-up warning names auth.requireOrgAccess");
  });
});
