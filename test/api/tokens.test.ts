import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TOKENS } from "../helpers/seeds.js";
import { startTestApp } from "../helpers/start-test-app.js";

for (const [path, kind] of [
  ["token-register", "registration"],
  ["token-remove", "remove"],
] as const) {
  describe(`GET /api/v1/${path}`, () => {
    test(`when an active maintainer asks, then the ${kind} token comes back exactly as GitHub minted it`, async (t) => {
      const app = await startTestApp();
      t.after(() => app.close());
      const { status, body, headers } = await app.call("GET", `/api/v1/${path}`, { token: TOKENS.alice, query: { team: "platform" } });
      assert.equal(status, 200);
      const minted = app.sim.state.mintedTokens;
      assert.equal(minted.length, 1);
      assert.equal(minted[0]!.kind, kind);
      assert.deepEqual(body, {
        Code: 200,
        Response: { token: minted[0]!.token, expires_at: minted[0]!.expiresAt.toISOString().replace("Z", "+00:00") },
      });
      assert.equal(headers.get("cache-control"), "no-store");
    });

    test("when asked twice, then two distinct tokens are minted, each with one audit line and neither in any log line", async (t) => {
      const app = await startTestApp();
      t.after(() => app.close());
      const first = await app.call("GET", `/api/v1/${path}`, { token: TOKENS.alice, query: { team: "platform" } });
      const second = await app.call("POST", `/api/v1/${path}`, { token: TOKENS.alice, query: { team: "platform" } });
      assert.notEqual(first.body.Response.token, second.body.Response.token);
      const audits = app.logs.lines().filter((l) => l.message === "audit" && l.audit !== "request");
      assert.equal(audits.length, 2);
      const text = app.logs.text();
      for (const secret of [first.body.Response.token, second.body.Response.token, TOKENS.alice]) assert.ok(!text.includes(secret));
    });
  });
}
