/**
 * server.trustProxy over HTTPS: which client address the per-address limit, the access log and the audit see.
 * The test client connects from 127.0.0.1 and writes X-Forwarded-For itself, as a proxy (or a forger) would.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TOKENS } from "../helpers/seeds.js";
import { startTestApp, type TestApp } from "../helpers/start-test-app.js";

const status = (app: TestApp, forwardedFor?: string) =>
  app.call("GET", "/api/v1/status", forwardedFor === undefined ? {} : { headers: { "x-forwarded-for": forwardedFor } });

const accessAddresses = (app: TestApp) =>
  app.logs
    .lines()
    .filter((l) => l.message === "request")
    .map((l) => l.ip);

// One request per 10 s per address: a slow machine cannot slip into the next window between the calls.
const perAddress = 0.1;

describe("server.trustProxy", () => {
  test("when it is a hop count, then X-Forwarded-For decides the per-address bucket and the logged address", async (t) => {
    const app = await startTestApp({ rateLimit: { perAddress }, server: { trustProxy: 1 } });
    t.after(() => app.close());
    assert.equal((await status(app, "203.0.113.5")).status, 200);
    assert.equal((await status(app, "203.0.113.5")).status, 429, "the same client behind the proxy is limited");
    assert.equal((await status(app, "198.51.100.7")).status, 200, "another client behind the same proxy has its own bucket");
    assert.deepEqual(accessAddresses(app), ["203.0.113.5", "203.0.113.5", "198.51.100.7"]);
  });

  test("when it is a list naming the proxy, then the nearest address the proxy did not vouch for is the client's", async (t) => {
    const app = await startTestApp({ rateLimit: { perAddress }, server: { trustProxy: ["127.0.0.0/8", "::1"] } });
    t.after(() => app.close());
    // The client wrote "192.0.2.1" itself; the proxy appended the address it saw.
    assert.equal((await status(app, "192.0.2.1, 203.0.113.5")).status, 200);
    assert.equal((await status(app, "192.0.2.99, 203.0.113.5")).status, 429, "a forged first entry buys no new bucket");
    assert.deepEqual(accessAddresses(app), ["203.0.113.5", "203.0.113.5"]);
  });

  test("when it is left out, then X-Forwarded-For is ignored: the socket's address is the client's", async (t) => {
    const app = await startTestApp({ rateLimit: { perAddress } });
    t.after(() => app.close());
    assert.equal((await status(app, "203.0.113.5")).status, 200);
    assert.equal((await status(app, "198.51.100.7")).status, 429, "a new header buys no new bucket");
    assert.deepEqual(accessAddresses(app), ["127.0.0.1", "127.0.0.1"]);
  });

  test("when the connection comes from a hop that is not a trusted proxy, then its X-Forwarded-For is ignored", async (t) => {
    const app = await startTestApp({ rateLimit: { perAddress }, server: { trustProxy: ["10.0.0.0/8"] } });
    t.after(() => app.close());
    assert.equal((await status(app, "203.0.113.5")).status, 200);
    assert.equal((await status(app, "198.51.100.7")).status, 429);
    assert.deepEqual(accessAddresses(app), ["127.0.0.1", "127.0.0.1"]);
  });

  test("when a change is made through a trusted proxy, then the audit line carries the client's address", async (t) => {
    const app = await startTestApp({ server: { trustProxy: 1 } });
    t.after(() => app.close());
    const minted = await app.call("GET", "/api/v1/token-register", {
      token: TOKENS.alice,
      query: { team: "platform" },
      headers: { "x-forwarded-for": "203.0.113.5" },
    });
    assert.equal(minted.status, 200);
    const audit = app.logs.lines().find((l) => l.message === "audit");
    assert.equal(audit?.clientAddress, "203.0.113.5");
  });
});
