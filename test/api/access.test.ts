/**
 * Every route × every kind of caller, over HTTPS against the simulator: only an active maintainer of
 * the team gets through, and a refusal changes nothing on GitHub and mints nothing.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { snapshot } from "../../src/simulator/index.js";
import { seedWithPlatformGroup, seedWithoutPlatformGroup, TOKENS } from "../helpers/seeds.js";
import { startTestApp } from "../helpers/start-test-app.js";

interface RouteCase {
  method: string;
  path: string;
  query: Record<string, string>;
  needsGroup: boolean;
}

const ROUTES: RouteCase[] = [
  { method: "POST", path: "group-create", query: { team: "platform" }, needsGroup: false },
  { method: "DELETE", path: "group-delete", query: { team: "platform" }, needsGroup: true },
  { method: "GET", path: "group-list", query: { team: "platform" }, needsGroup: true },
  { method: "PATCH", path: "repos-add", query: { team: "platform", repos: "web" }, needsGroup: true },
  { method: "PATCH", path: "repos-remove", query: { team: "platform", repos: "api" }, needsGroup: true },
  { method: "PATCH", path: "repos-set", query: { team: "platform", repos: "web" }, needsGroup: true },
  { method: "GET", path: "token-register", query: { team: "platform" }, needsGroup: false },
  { method: "GET", path: "token-remove", query: { team: "platform" }, needsGroup: false },
];

const CALLERS: Array<{ who: string; authorization?: string; status: number; message: RegExp }> = [
  { who: "a member of the team", authorization: `token ${TOKENS.bob}`, status: 403, message: /not a maintainer/ },
  { who: "a maintainer whose invitation is pending", authorization: `token ${TOKENS.carol}`, status: 403, message: /pending/ },
  { who: "a user in no team", authorization: `token ${TOKENS.dave}`, status: 403, message: /not a maintainer/ },
  { who: "an invalid token", authorization: "token ghp_not_a_real_token", status: 401, message: /did not accept the token/ },
  { who: "no token", status: 401, message: /Missing Authorization header/ },
];

for (const route of ROUTES) {
  for (const method of [route.method, "GET"].filter((m, i, all) => all.indexOf(m) === i)) {
    describe(`${method} /api/v1/${route.path}`, () => {
      const seed = () => (route.needsGroup ? seedWithPlatformGroup() : seedWithoutPlatformGroup());

      test("when the caller is an active maintainer of the team, then 200 in the envelope", async (t) => {
        const app = await startTestApp({ seed: seed() });
        t.after(() => app.close());
        const { status, body } = await app.call(method, `/api/v1/${route.path}`, { token: TOKENS.alice, query: route.query });
        assert.equal(status, 200, JSON.stringify(body));
        assert.equal(body.Code, 200);
        assert.ok("Response" in body);
      });

      for (const caller of CALLERS) {
        test(`when the caller is ${caller.who}, then ${caller.status}, nothing changes on GitHub and nothing is minted`, async (t) => {
          const app = await startTestApp({ seed: seed() });
          t.after(() => app.close());
          const before = JSON.stringify(snapshot(app.sim.state));
          const { status, body } = await app.call(method, `/api/v1/${route.path}`, {
            ...(caller.authorization === undefined ? {} : { authorization: caller.authorization }),
            query: route.query,
          });
          assert.equal(status, caller.status);
          assert.deepEqual(Object.keys(body).sort(), ["Code", "Error"]);
          assert.equal(body.Code, caller.status);
          assert.match(body.Error, caller.message);
          assert.equal(JSON.stringify(snapshot(app.sim.state)), before);
          assert.equal(app.sim.state.mintedTokens.length, 0);
          // no write ever reached GitHub
          const writes = app.sim
            .journal()
            .filter((e) => e.method !== "GET" && e.route !== "POST /app/installations/{installation_id}/access_tokens");
          assert.deepEqual(writes, []);
        });
      }
    });
  }
}

describe("GET /api/v1/status", () => {
  test("when anyone asks, with or without a token, then 200 Server ready, and GitHub is not called", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    for (const authorization of [undefined, `token ${TOKENS.alice}`, "token nonsense"]) {
      const { status, body } = await app.call("GET", "/api/v1/status", authorization === undefined ? {} : { authorization });
      assert.equal(status, 200);
      assert.deepEqual(body, { Code: 200, Response: "Server ready" });
    }
    assert.equal(app.sim.calls(), 0);
  });
});

describe("the Authorization header", () => {
  test("when it holds the raw token, `token X` or `Bearer X`, then the caller is recognised", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    for (const authorization of [TOKENS.alice, `token ${TOKENS.alice}`, `Bearer ${TOKENS.alice}`, `bearer ${TOKENS.alice}`]) {
      const { status } = await app.call("GET", "/api/v1/token-register", { authorization, query: { team: "platform" } });
      assert.equal(status, 200, authorization.slice(0, 8));
    }
  });

  test("when it holds spaces or control characters inside the token, then 401 without asking GitHub", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    const { status, body } = await app.call("GET", "/api/v1/token-register", { authorization: "token a b", query: { team: "platform" } });
    assert.equal(status, 401);
    assert.equal(body.Error, "Malformed Authorization header");
    assert.equal(app.sim.calls("GET /user"), 0);
  });

  test("when the team does not exist, then the same 403 as for a team the caller does not maintain", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    const { status, body } = await app.call("GET", "/api/v1/token-register", { token: TOKENS.alice, query: { team: "no-such-team" } });
    assert.equal(status, 403);
    assert.match(body.Error, /does not maintain team no-such-team/);
    assert.equal(app.sim.state.mintedTokens.length, 0);
  });
});
