/**
 * No secret reaches a log line or an answer. A whole scenario runs through the real app and the real
 * GitHub adapter (plugins on, log level debug, so every GitHub call has its line): successes, refusals,
 * GitHub failing in each way, and a bug throwing an error that carries a token. Then every log line and
 * every answer is searched for every secret the scenario used or minted: the callers' tokens, each
 * installation token, each runner token, the App's private key (whole and line by line) and each App JWT.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TOKENS } from "../helpers/seeds.js";
import { startTestApp, type TestApp } from "../helpers/start-test-app.js";

/** A caller token GitHub does not know, in the classic 40-hex shape no pattern can tell from a commit SHA. */
const UNKNOWN_TOKEN = "3f1c9d2b7a6e5f4d3c2b1a0f9e8d7c6b5a4f3e2d";

interface Recorded {
  /** the App's JWTs, as sent in `Authorization: bearer …` to GitHub */
  jwts: Set<string>;
  /** every Authorization value sent to GitHub */
  authorizations: Set<string>;
}

/** Wraps the simulator's fetch: records credentials, and can make one route's answer blow up inside Octokit. */
function recordingFetch(recorded: Recorded, blowUp: { path?: RegExp }) {
  return (fetch: typeof globalThis.fetch): typeof globalThis.fetch =>
    async (input, init) => {
      const authorization = new Headers(init?.headers).get("authorization");
      if (authorization) {
        recorded.authorizations.add(authorization);
        const [scheme, credential] = authorization.split(" ");
        if (scheme?.toLowerCase() === "bearer" && credential?.startsWith("eyJ")) recorded.jwts.add(credential);
      }
      const url = input instanceof Request ? input.url : String(input);
      if (blowUp.path?.test(new URL(url).pathname)) {
        blowUp.path = undefined;
        // A response whose headers cannot be read: @octokit/request throws our Error as it is, as a bug
        // of ours or of a library would, with a credential in its message.
        const response = await fetch(input, init);
        const unreadable = {
          status: response.status,
          url: response.url,
          headers: {
            [Symbol.iterator]: () => {
              throw new Error(`cannot read the answer's headers; the request had "authorization: ${authorization}"`);
            },
          },
        };
        return unreadable as unknown as Response;
      }
      return fetch(input, init);
    };
}

/** Every secret the scenario used or minted, with a name for the failure message. */
function secretsOf(app: TestApp, recorded: Recorded): Array<[string, string]> {
  const secrets: Array<[string, string]> = [
    ["alice's token", TOKENS.alice],
    ["bob's token", TOKENS.bob],
    ["the unknown caller token", UNKNOWN_TOKEN],
  ];
  for (const token of app.sim.state.installationTokens.keys()) secrets.push(["an installation token", token]);
  for (const jwt of recorded.jwts) secrets.push(["an App JWT", jwt], ["an App JWT's signature", jwt.split(".")[2]!]);
  const pem = app.sim.appPrivateKey!;
  secrets.push(["the App's private key", pem]);
  for (const line of pem.split("\n")) {
    if (line !== "" && !line.startsWith("-----")) secrets.push(["a line of the App's private key", line]);
  }
  secrets.push(["the App's private key in base64", Buffer.from(pem).toString("base64").slice(0, 40)]);
  return secrets;
}

describe("secrets", () => {
  test("when a whole scenario of successes, refusals and GitHub failures runs, then no secret is in any log line or answer, and each runner token only in its own answer", async (t) => {
    const recorded: Recorded = { jwts: new Set(), authorizations: new Set() };
    const blowUp: { path?: RegExp } = {};
    const app = await startTestApp({
      githubTimeoutMs: 300,
      github: { retries: 1, retryBaseMs: 5, retryAfterUnitMs: 10, wrapFetch: recordingFetch(recorded, blowUp) },
    });
    t.after(() => app.close());
    const answers: Array<{ what: string; text: string }> = [];
    const call = async (what: string, method: string, path: string, options: Parameters<TestApp["call"]>[2]) => {
      const answer = await app.call(method, path, options);
      const headers: string[] = [];
      answer.headers.forEach((value, name) => headers.push(`${name}: ${value}`));
      answers.push({ what, text: `${headers.join("\n")}\n${JSON.stringify(answer.body)}` });
      return answer;
    };
    const alice = (query: Record<string, string>) => ({ token: TOKENS.alice, query: { team: "platform", ...query } });
    const register = "POST /orgs/{org}/actions/runners/registration-token";

    // successes
    assert.equal((await call("group-create", "POST", "/api/v1/group-create", alice({}))).status, 200);
    assert.equal((await call("repos-add", "PATCH", "/api/v1/repos-add", alice({ repos: "api,web" }))).status, 200);
    assert.equal((await call("group-list", "GET", "/api/v1/group-list", alice({}))).status, 200);
    const registered = await call("token-register", "POST", "/api/v1/token-register", alice({}));
    assert.equal(registered.status, 200);
    const removal = await call("token-remove", "POST", "/api/v1/token-remove", alice({}));
    assert.equal(removal.status, 200);

    // refusals
    assert.equal(
      (await call("a member", "POST", "/api/v1/token-register", { token: TOKENS.bob, query: { team: "platform" } })).status,
      403,
    );
    assert.equal(
      (await call("an unknown token", "POST", "/api/v1/token-register", { token: UNKNOWN_TOKEN, query: { team: "platform" } })).status,
      401,
    );
    assert.equal(
      (
        await call("Bearer, unknown", "GET", "/api/v1/group-list", {
          authorization: `Bearer ${UNKNOWN_TOKEN}`,
          query: { team: "platform" },
        })
      ).status,
      401,
    );
    assert.equal((await call("bad input", "PATCH", "/api/v1/repos-add", alice({ repos: "../secrets" }))).status, 400);
    const inQuery = await call("a token in the query", "GET", "/api/v1/group-list", alice({ access_token: TOKENS.alice }));
    assert.ok(inQuery.status === 200 || inQuery.status === 400, `answered ${inQuery.status}`);
    const inBody = await call("a token in the body", "PATCH", "/api/v1/repos-add", {
      token: TOKENS.alice,
      body: { team: "platform", repos: ["api"], token: TOKENS.alice },
    });
    assert.ok(inBody.status === 200 || inBody.status === 400, `answered ${inBody.status}`);

    // GitHub failing
    app.sim.faults.failNext(register, { status: 502, times: 2 });
    assert.equal((await call("GitHub 502", "POST", "/api/v1/token-register", alice({}))).status, 502);
    app.sim.faults.dropNext(register, 2);
    assert.equal((await call("dropped connection", "POST", "/api/v1/token-register", alice({}))).status, 502);
    app.sim.faults.secondaryRateLimitNext(register, { retryAfterSeconds: 60 });
    t.mock.timers.enable({ apis: ["Date"], now: Date.now() });
    assert.equal((await call("secondary rate limit", "POST", "/api/v1/token-register", alice({}))).status, 503);
    // no call is made to GitHub until its Retry-After has passed (src/github/github-budget.ts)
    t.mock.timers.tick(61_000);
    app.sim.faults.delayNext(register, 5_000);
    assert.equal((await call("timeout", "POST", "/api/v1/token-register", alice({}))).status, 504);
    assert.equal((await call("a later success", "POST", "/api/v1/token-register", alice({}))).status, 200);

    // a bug: an Error carrying the installation token in its message
    blowUp.path = /\/runner-groups\/\d+\/runners$/;
    const crashed = await call("unexpected error", "GET", "/api/v1/group-list", alice({}));
    assert.equal(crashed.status, 500);
    assert.match(crashed.body.Error, /^Internal error; the request id \S+ finds it in the server's log$/);
    const unexpected = app.logs.lines().find((l) => l.message === "unexpected error");
    assert.ok(unexpected, "the bug is logged");
    assert.match(
      JSON.stringify(unexpected),
      /cannot read the answer's headers; the request had \\"authorization: token ghs_\[REDACTED\]\\"/,
    );
    assert.equal(unexpected.requestId, crashed.headers.get("x-request-id"));

    // what there is to find
    assert.ok(recorded.jwts.size >= 1, "the App signed at least one JWT");
    assert.ok(app.sim.state.installationTokens.size >= 1, "at least one installation token was minted");
    const minted = app.sim.state.mintedTokens.map((m) => m.token);
    assert.equal(minted.length, 3);
    assert.ok(
      app.logs.lines().some((l) => /^GitHub (GET|POST) \//.test(String(l.message))),
      "GitHub calls are logged (level debug)",
    );
    const logText = app.logs.text();

    for (const [name, secret] of secretsOf(app, recorded)) {
      assert.ok(!logText.includes(secret), `${name} is in the log`);
      for (const answer of answers) assert.ok(!answer.text.includes(secret), `${name} is in the answer to ${answer.what}`);
    }
    for (const token of minted) {
      assert.ok(!logText.includes(token), "a runner token is in the log");
      const holders = answers.filter((a) => a.text.includes(token)).map((a) => a.what);
      assert.equal(holders.length, 1, `a runner token is in ${holders.length} answers: ${holders.join(", ")}`);
    }
    assert.ok(answers.find((a) => a.what === "token-register")!.text.includes(String(registered.body.Response.token)));
    assert.ok(answers.find((a) => a.what === "token-remove")!.text.includes(String(removal.body.Response.token)));
  });
});
