import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, test } from "node:test";
import { applyRouteRegexpCache } from "../../../src/http/route-regexp-cache.js";

// path-to-regexp as express-openapi-validator requires it.
const require = createRequire(createRequire(import.meta.url).resolve("express-openapi-validator"));
type Compiled = { regexp: RegExp; keys: { name: string }[] };
const pathToRegexp = (path: unknown, options?: object): Compiled =>
  (require("path-to-regexp") as { pathToRegexp: (path: unknown, options?: object) => Compiled }).pathToRegexp(path, options);

describe("the route regexp cache under express-openapi-validator", () => {
  test("when applied, then a path compiled twice with the same options is compiled once, and still matches as before", () => {
    assert.equal(applyRouteRegexpCache(), true);
    assert.equal(applyRouteRegexpCache(), true, "idempotent");
    const options = { sensitive: false, strict: false };
    const first = pathToRegexp("/api/v1/groups/:team", options);
    assert.equal(pathToRegexp("/api/v1/groups/:team", { ...options }), first);
    assert.deepEqual(first.keys.map((k) => k.name), ["team"]);
    assert.equal(first.regexp.exec("/api/v1/groups/platform")?.[1], "platform");
    assert.equal(first.regexp.exec("/api/v1/groups/platform")?.[1], "platform", "no state kept between matches");
    assert.equal(first.regexp.exec("/api/v1/other"), null);
  });

  test("when the options differ, then so does the result (case-sensitive routing is not mixed up with insensitive)", () => {
    applyRouteRegexpCache();
    const insensitive = pathToRegexp("/api/v1/Status", { sensitive: false });
    const sensitive = pathToRegexp("/api/v1/Status", { sensitive: true });
    assert.notEqual(insensitive, sensitive);
    assert.ok(insensitive.regexp.test("/api/v1/status"));
    assert.ok(!sensitive.regexp.test("/api/v1/status"));
  });

  test("when the path is not a string or an option is unknown, then each call compiles afresh (nothing unsafe is cached)", () => {
    applyRouteRegexpCache();
    assert.notEqual(pathToRegexp(["/a", "/b"]), pathToRegexp(["/a", "/b"]));
    assert.notEqual(pathToRegexp("/a", { encodePath: (s: string) => s }), pathToRegexp("/a", { encodePath: (s: string) => s }));
  });
});
