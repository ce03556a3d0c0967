/**
 * openapi.yaml is the source of truth: it and the code name the same routes and methods, every error
 * status the code can produce is documented, it is served, and the contract check that every API test
 * runs does catch an answer that breaks it.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { ERRORS } from "../../src/domain/errors.js";
import { V1_ROUTES } from "../../src/http/routes/v1.js";
import { assertMatchesContract, spec } from "../helpers/api-contract.js";
import { startTestApp } from "../helpers/start-test-app.js";

/** Routes the code serves outside V1_ROUTES, with their methods. */
const OTHER_ROUTES: Record<string, string[]> = {
  "/": ["GET"],
  "/api/v1/status": ["GET"],
  "/api/v1/openapi.yaml": ["GET"],
  "/api/v1/docs": ["GET"],
  "/api/v1/docs/assets/{file}": ["GET"],
  "/healthz": ["GET"],
  "/readyz": ["GET"],
  "/metrics": ["GET"],
};

function routesInCode(): Record<string, string[]> {
  const routes: Record<string, string[]> = { ...OTHER_ROUTES };
  for (const route of V1_ROUTES) for (const path of route.paths) routes[`/api/v1/${path}`] = [...route.methods].sort();
  return routes;
}

function routesInSpec(): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(spec.paths).map(([path, item]) => [
      path,
      Object.keys(item)
        .map((m) => m.toUpperCase())
        .sort(),
    ]),
  );
}

describe("openapi.yaml and the code", () => {
  test("when the routes of the code and of openapi.yaml are compared, then they are the same paths with the same methods", () => {
    const code = routesInCode();
    const documented = routesInSpec();
    for (const path of Object.keys(code)) code[path] = code[path]!.sort();
    assert.deepEqual(code, documented);
  });

  test("when an error code exists in the code, then its status is documented in openapi.yaml", () => {
    const documentedStatuses = new Set(
      Object.values(spec.paths).flatMap((item) => Object.values(item).flatMap((operation) => Object.keys(operation.responses))),
    );
    for (const [code, status] of Object.entries(ERRORS)) assert.ok(documentedStatuses.has(String(status)), `${code} (${status})`);
  });
});

describe("the contract check every API test runs", () => {
  const json = new Headers({ "content-type": "application/json; charset=utf-8" });
  test("when an answer has a status the route does not document, then it fails", () => {
    assert.throws(() => assertMatchesContract("GET", "/api/v1/status", 418, json, { Code: 418, Error: "teapot" }), /does not document/);
  });
  test("when a body does not match the documented schema, then it fails", () => {
    assert.throws(
      () => assertMatchesContract("GET", "/api/v1/status", 200, json, { Code: 200, Response: 42 }),
      /does not match openapi\.yaml/,
    );
    assert.throws(() => assertMatchesContract("GET", "/api/v1/group-list", 403, json, { code: 403, error: "x" }), /does not match/);
  });
  test("when an undocumented path answers 200, then it fails; a 404 envelope there passes", () => {
    assert.throws(() => assertMatchesContract("GET", "/api/v1/secret", 200, json, { Code: 200, Response: "x" }), /not in openapi\.yaml/);
    assertMatchesContract("GET", "/api/v1/secret", 404, json, { Code: 404, Error: "No such route" });
  });
});

describe("GET /api/v1/openapi.yaml and /api/v1/docs", () => {
  test("when asked, then the description is served as YAML and the docs page and its assets come from this server", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    const yaml = await app.call("GET", "/api/v1/openapi.yaml");
    assert.equal(yaml.status, 200);
    assert.match(yaml.headers.get("content-type")!, /^application\/yaml/);
    assert.equal((parse(yaml.body as string) as { openapi: string }).openapi, "3.1.0");

    const page = await app.call("GET", "/api/v1/docs");
    assert.equal(page.status, 200);
    const html = page.body as string;
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(sources.length >= 3);
    for (const source of sources) {
      assert.ok(source.startsWith("/api/v1/docs/"), `${source} must be served by us, not a CDN`);
      const asset = await app.call("GET", source);
      assert.equal(asset.status, 200, source);
    }
  });

  test("when a file of swagger-ui-dist that the page does not load is asked for, then 404: only the page's own files are served", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    for (const file of [
      "package.json",
      "README.md",
      "swagger-ui-bundle.js.map",
      "swagger-ui.js",
      "index.html",
      "oauth2-redirect.html",
      "..%2Fpackage.json",
      "%2e%2e%2f%2e%2e%2fpackage.json",
    ]) {
      const { status, body } = await app.call("GET", `/api/v1/docs/assets/${file}`);
      assert.deepEqual([status, body.Code], [404, 404], file);
    }
    assert.equal((await app.call("GET", "/api/v1/docs/assets/swagger-ui-bundle.js")).status, 200);
  });

  test("when the server's root is opened, then it points to the docs page and the description", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    const root = await app.call("GET", "/");
    assert.equal(root.status, 200);
    assert.deepEqual(root.body, {
      Code: 200,
      Response: { service: "actions-runner-manager", docs: "/api/v1/docs", openapi: "/api/v1/openapi.yaml" },
    });
    assert.equal((await app.call("GET", root.body.Response.docs)).status, 200);
    assert.equal((await app.call("GET", root.body.Response.openapi)).status, 200);
    assert.equal((await app.call("POST", "/")).status, 405);
  });

  test("when a request breaks the description, then the parser refuses it in plain words, in the envelope, before GitHub is asked", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    const cases: Array<[Record<string, string>, string]> = [
      [{ team: "platform", unknown: "x" }, 'Unknown query parameter "unknown": token-register takes only team'],
      [{ team: "x".repeat(101) }, "Parameter team must be a team's slug"],
      [{ team: "pl atform" }, "Parameter team must be a team's slug"],
      [{ team: "" }, "Missing required parameter: team"],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await app.call("GET", "/api/v1/token-register", { token: "whatever", query });
      assert.deepEqual([status, body.Code], [400, 400], JSON.stringify(query));
      assert.ok(body.Error.startsWith(message), body.Error);
    }
    const notAnObject = await app.call("POST", "/api/v1/token-register", { token: "whatever", body: ["platform"] });
    assert.deepEqual(
      [notAnObject.status, notAnObject.body.Error],
      [400, 'The body must be a JSON object of parameters, such as {"team": "platform"}'],
    );
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/merge-patch+json"]) {
      const wrongType = await app.call("POST", "/api/v1/token-register", {
        token: "whatever",
        rawBody: '{"team":"platform"}',
        headers: { "content-type": contentType },
      });
      assert.equal(wrongType.status, 415, contentType);
      assert.match(
        wrongType.body.Error,
        /send the parameters in the query string, or as a JSON body with Content-Type: application\/json$/,
      );
    }
    assert.equal(app.sim.calls(), 0);
  });

  test("when /api/v1/status gets query parameters, then they are ignored, as the description says (old scripts send team)", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    assert.equal((await app.call("GET", "/api/v1/status", { query: { team: "platform", anything: "x" } })).status, 200);
  });
});
