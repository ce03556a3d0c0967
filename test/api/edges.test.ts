/**
 * The service's smaller edges (issue 13, item 6), each over real HTTPS: bodies whose Content-Encoding lies,
 * absolute-form request targets, the caller's X-Request-Id. Raw bytes go over a TLS socket where fetch
 * would refuse to send them.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { connect } from "node:tls";
import { gzipSync } from "node:zlib";
import { PLATFORM_GROUP_ID, seedWithPlatformGroup, TOKENS } from "../helpers/seeds.js";
import { startTestApp, testCertificate, type TestApp } from "../helpers/start-test-app.js";

interface RawReply {
  status: number;
  headers: Map<string, string>;
  body: { Code: number; Error?: string; Response?: unknown };
}

/** Sends raw bytes over TLS (one request, Connection: close) and parses the reply. */
async function raw(app: TestApp, request: string | Buffer): Promise<RawReply> {
  const cert = await testCertificate();
  const url = new URL(app.url);
  const text = await new Promise<string>((resolve, reject) => {
    // write, not end: half-closing our side at once can make the server drop the request unanswered
    const socket = connect({ host: url.hostname, port: Number(url.port), ca: cert.cert, servername: "localhost" }, () =>
      socket.write(request),
    );
    let reply = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (reply += chunk));
    socket.on("close", () => resolve(reply));
    socket.on("error", reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error("no answer within 5 s")));
  });
  const [head = "", body = ""] = text.split(/\r\n\r\n(.*)/s);
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]), headers, body: JSON.parse(body) as RawReply["body"] };
}

const auth = `Authorization: token ${TOKENS.alice}\r\n`;

function withBody(target: string, encoding: string, body: Buffer): Buffer {
  const head =
    `PATCH ${target} HTTP/1.1\r\nHost: localhost\r\n${auth}Content-Type: application/json\r\n` +
    `Content-Encoding: ${encoding}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), body]);
}

describe("a body whose Content-Encoding lies, or is not supported", () => {
  test("when the body is not what its Content-Encoding says (garbage, cut short) or the coding is unknown, then 400 in the envelope, logged at info, and GitHub is not asked", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup() });
    t.after(() => app.close());
    const json = Buffer.from(JSON.stringify({ team: "platform", repos: "web" }));
    const cases: Array<[string, Buffer, RegExp]> = [
      ["gzip", Buffer.from("this is not gzip at all"), /does not decompress/],
      ["gzip", gzipSync(json).subarray(0, 15), /does not decompress/],
      ["deflate", Buffer.from("garbage"), /does not decompress/],
      ["br", Buffer.from("garbage, not brotli"), /does not decompress/],
      ["compress", json, /Content-Encoding is not supported/],
      ["gzip, identity", gzipSync(json), /Content-Encoding is not supported/],
    ];
    for (const [encoding, body, message] of cases) {
      const reply = await raw(app, withBody("/api/v1/repos-add", encoding, body));
      assert.equal(reply.status, 400, encoding);
      assert.equal(reply.body.Code, 400);
      assert.match(reply.body.Error ?? "", message);
    }
    assert.equal(app.sim.calls(), 0);
    const lines = app.logs.lines();
    assert.deepEqual(
      lines.filter((line) => line.level === "error"),
      [],
      "nothing at error level, no stack trace",
    );
    assert.equal(lines.filter((line) => line.message === "request" && line.status === 400).length, cases.length);
    assert.doesNotMatch(app.logs.text(), /stack|Z_DATA_ERROR|incorrect header check/);
  });

  test("when the body is honestly gzipped, then it is read", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup() });
    t.after(() => app.close());
    const reply = await raw(app, withBody("/api/v1/repos-add", "gzip", gzipSync(JSON.stringify({ team: "platform", repos: "web" }))));
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
  });
});

describe("absolute-form request targets", () => {
  /** The same request in origin form and in absolute form: same status, same body (ids aside), same Allow. */
  async function both(app: TestApp, method: string, target: string, authority = "https://localhost") {
    const send = (t: string) => raw(app, `${method} ${t} HTTP/1.1\r\nHost: localhost\r\n${auth}Connection: close\r\n\r\n`);
    return { origin: await send(target), absolute: await send(`${authority}${target}`) };
  }

  test("when the target is an absolute URL, then it is routed, refused and parsed exactly as its path", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup() });
    t.after(() => app.close());
    const cases: Array<[string, string, number]> = [
      ["GET", "/api/v1/status", 200],
      ["GET", "/api/v1/group-list?team=platform", 200],
      ["GET", "/api/v1/nope", 404],
      ["GET", "/api/v1/../v1/status", 404],
      ["GET", "/api/v1/%2e%2e/v1/status", 404],
      ["PUT", "/api/v1/token-register", 405],
      ["GET", "/api/v1/group-list?team=platform&team=data", 400],
      ["GET", "/api/v1/group-list?team=../etc", 400],
      ["GET", "/healthz", 200],
    ];
    for (const [method, target, expected] of cases) {
      for (const authority of ["https://localhost", "http://evil.example:8443", "HTTPS://user:secret@localhost"]) {
        const { origin, absolute } = await both(app, method, target, authority);
        assert.equal(origin.status, expected, `${method} ${target}`);
        assert.equal(absolute.status, expected, `${method} ${authority}${target}`);
        assert.deepEqual(absolute.body, origin.body, `${method} ${authority}${target}`);
        assert.equal(absolute.headers.get("allow"), origin.headers.get("allow"));
      }
    }
    // The access log shows the path only: never the authority, nor its userinfo.
    const paths = app.logs
      .lines()
      .filter((line) => line.message === "request")
      .map((line) => String(line.path));
    assert.ok(
      paths.every((path) => path.startsWith("/")),
      paths.join(" "),
    );
    assert.doesNotMatch(app.logs.text(), /evil\.example|secret@/);
  });

  test("when the target is neither a path nor an http(s) URL, then 400 in the envelope (from Node's parser, or from the app)", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    for (const target of ["*", "api/v1/status", "ftp://localhost/api/v1/status", "localhost:8443"]) {
      const reply = await raw(app, `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      assert.equal(reply.status, 400, target);
      assert.equal(reply.body.Code, 400);
    }
    // those Node lets through are refused by the app, and logged like any other request
    const refused = app.logs.lines().filter((line) => line.message === "request" && line.status === 400);
    assert.ok(refused.length >= 2, JSON.stringify(refused));
  });
});

describe("X-Request-Id", () => {
  test("when a caller sends an X-Request-Id, then the service still makes its own and logs the caller's as clientRequestId", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    const first = await app.call("GET", "/api/v1/token-register", {
      token: TOKENS.alice,
      query: { team: "platform" },
      headers: { "x-request-id": "ci-job 42" },
    });
    const second = await app.call("GET", "/api/v1/token-register", {
      token: TOKENS.alice,
      query: { team: "platform" },
      headers: { "x-request-id": "ci-job 42" },
    });
    assert.deepEqual([first.status, second.status], [200, 200]);
    const ids = [first.headers.get("x-request-id"), second.headers.get("x-request-id")];
    for (const id of ids) assert.match(id ?? "", /^[0-9a-f-]{36}$/);
    assert.notEqual(ids[0], ids[1]);
    // each request's change line and its own audit line
    const audits = app.logs.lines().filter((line) => line.message === "audit");
    assert.deepEqual(
      audits.map((line) => [line.audit, line.requestId, line.clientRequestId]),
      ids.flatMap((id) => [
        ["runner-token.registration-created", id, "ci-job 42"],
        ["request", id, "ci-job 42"],
      ]),
    );
    const access = app.logs.lines().filter((line) => line.message === "request");
    assert.deepEqual(
      access.map((line) => [line.requestId, line.clientRequestId]),
      ids.map((id) => [id, "ci-job 42"]),
    );
  });

  test("when the caller's X-Request-Id is too long or not printable, then it is dropped", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    // (Node trims spaces at either end of a header's value before anyone sees it)
    for (const given of ["x".repeat(129), "caf\u00e9", "tab\tinside"]) {
      const reply = await app.call("GET", "/api/v1/status", { headers: { "x-request-id": given } });
      assert.equal(reply.status, 200);
      assert.notEqual(reply.headers.get("x-request-id"), given);
    }
    const kept = await app.call("GET", "/api/v1/status", { headers: { "x-request-id": "y".repeat(128) } });
    assert.equal(kept.status, 200);
    const access = app.logs.lines().filter((line) => line.message === "request");
    assert.deepEqual(
      access.map((line) => line.clientRequestId),
      [undefined, undefined, undefined, "y".repeat(128)],
    );
  });
});

describe("a managed group that an organization admin renamed", () => {
  const ON = { ttlSeconds: 300, maxEntries: 1000 };
  const CACHES = { identity: ON, maintainership: ON, runnerGroups: ON, repoPermissions: ON };
  const alice = { token: TOKENS.alice };
  const CHANGES: Array<[string, string, Record<string, string>]> = [
    ["PATCH", "/api/v1/repos-add", { team: "platform", repos: "web" }],
    ["PATCH", "/api/v1/repos-set", { team: "platform", repos: "web" }],
    ["PATCH", "/api/v1/repos-remove", { team: "platform", repos: "api" }],
    ["DELETE", "/api/v1/group-delete", { team: "platform", force: "true" }],
  ];

  test("when the cached group's name is no longer the managed name, then every change to it is 404 and nothing changes", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup(), cache: CACHES });
    t.after(() => app.close());
    // warm: the group's id is cached under its managed name
    assert.equal((await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "api" } })).status, 200);
    const group = app.sim.state.runnerGroups.get(PLATFORM_GROUP_ID)!;
    group.name = "admins-own";
    const before = JSON.stringify([...group.repositoryIds]);
    app.sim.resetCalls();
    for (const [method, path, query] of CHANGES) {
      const reply = await app.call(method, path, { ...alice, query });
      assert.equal(reply.status, 404, `${method} ${path}`);
      assert.match(reply.body.Error, /Runner group not found: team-platform/);
    }
    assert.equal(JSON.stringify([...group.repositoryIds]), before);
    assert.ok(app.sim.state.runnerGroups.has(PLATFORM_GROUP_ID));
    const writes = Object.keys(app.sim.callsByRoute()).filter((route) => !route.startsWith("GET "));
    assert.deepEqual(writes, [], "no change was sent to GitHub");
  });

  test("when the group is now reported as inherited from the enterprise, then it is refused as well", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup(), cache: CACHES });
    t.after(() => app.close());
    assert.equal((await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "api" } })).status, 200);
    app.sim.state.runnerGroups.get(PLATFORM_GROUP_ID)!.inherited = true;
    const reply = await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "web" } });
    assert.equal(reply.status, 404);
  });

  test("when the group is unchanged, then a warm change costs the re-read and the change itself, nothing more", async (t) => {
    const app = await startTestApp({ seed: seedWithPlatformGroup(), cache: CACHES });
    t.after(() => app.close());
    await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "api" } });
    app.sim.resetCalls();
    assert.equal((await app.call("PATCH", "/api/v1/repos-add", { ...alice, query: { team: "platform", repos: "web" } })).status, 200);
    assert.deepEqual(app.sim.callsByRoute(), {
      "GET /orgs/{org}/actions/runner-groups/{runner_group_id}": 1,
      "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}": 1,
    });
  });
});
