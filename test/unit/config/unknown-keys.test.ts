import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { stringify } from "yaml";
import { keyPaths } from "../../../src/config/schema.js";
import { editDistance, nearestKey } from "../../../src/config/unknown-keys.js";
import { assertNeverRepeated, configError, fixture, merge, MINIMAL, parse } from "./helpers.js";

describe("parseConfig: unknown keys", () => {
  test("when server.ratelimit is written for server.rateLimit, then start-up is refused, naming the file, the line and rateLimit", () => {
    const text = `${stringify(MINIMAL)}server:\n  port: 8443\n  ratelimit: 2\n`;
    const error = configError(() => parse(text, { source: "/etc/arm/config.yml" }));
    assert.deepEqual(error.problems, ["/etc/arm/config.yml:7: server.ratelimit: is not a known key; did you mean `rateLimit`?"]);
  });

  test("when unknown keys appear at any depth, then every one is a problem, in file order, with the other problems", () => {
    const text = `${stringify(MINIMAL)}server:\n  tls:\n    clientCA: /ca.pem\n  readTimeout: 30s\n  port: -1\nwebhookSecret: x\nloging:\n  level: info\n`;
    const error = configError(() => parse(text, { source: "c.yml" }));
    assert.deepEqual(error.problems, [
      "c.yml:7: server.tls.clientCA: is not a known key; did you mean `clientCAFile`?",
      "c.yml:8: server.readTimeout: is not a known key; the keys of server are address, port, rateLimit, ipRateLimit, tls, shutdownGraceSeconds, githubBudget, trustProxy, maxConnections, maxConnectionsPerAddress, probePort",
      "c.yml:9: server.port: expected a port number from 0 to 65535 (0 = any free port), got -1",
      "c.yml:10: webhookSecret: is not a known key; the top-level keys are org, appID, installationID, privateKey, privateKeyFile, baseUrl, rateLimit, logging, server, github, cache, policy, redis, metrics, auth",
      "c.yml:11: loging: is not a known key; did you mean `logging`?",
    ]);
  });

  test("when a key sits in the wrong section, then the message names the section it belongs to", () => {
    const error = configError(() => parse(merge(MINIMAL, { server: { logDirectory: "/tmp/x" }, tls: { enabled: false } })));
    assert.match(
      error.message,
      /server\.logDirectory: is not a known key; did you mean `logging\.logDirectory`\? \(it belongs under logging\)/,
    );
    assert.match(error.message, /: tls: is not a known key; did you mean `server\.tls`\? \(it belongs under server\)/);
  });

  test("when an unknown key has no value, then it is still refused (an empty known key only means 'not set')", () => {
    const error = configError(() => parse(`${stringify(MINIMAL)}logging:\n  ephemeral:\n  levle:\n`));
    assert.deepEqual(error.problems, ["/etc/arm/config.yml:7: logging.levle: is not a known key; did you mean `level`?"]);
  });

  test("when a section's value is not a mapping, then only the schema's problem is reported, not its contents", () => {
    const error = configError(() => parse(merge(MINIMAL, { policy: { teams: ["platform"] } })));
    assert.equal(error.problems.length, 1, error.message);
    assert.match(error.problems[0]!, /policy\.teams: expected a mapping/);
  });

  test("when an unknown key is not a plain name (a pasted secret, say), then the problem does not repeat it", () => {
    const secret = "c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw==";
    const error = configError(() => parse(`${stringify(MINIMAL)}"${secret} x": 1\n`));
    assert.equal(error.problems.length, 1);
    assert.match(error.problems[0]!, /\(a key that is not a plain name\): is not a known key; the top-level keys are org,/);
    assertNeverRepeated(error.message, secret);
  });

  test("when the file holds every key the Go original read (its README's example and the 0.1.x places), then none is unknown", () => {
    assert.doesNotThrow(() => parse(fixture("go-original.yml")));
    assert.doesNotThrow(() => parse(fixture("go-0.1.yml")));
    // lindluni/actions-runner-manager pkg/apis/manager.go, type Config: its yaml tags, and the README's spellings.
    const goKeys = [
      ["org"],
      ["appID"],
      ["installationID"],
      ["privateKey"],
      ["rateLimit"],
      ...["compress", "compression", "ephemeral", "level", "logDirectory", "maxAge", "maxBackups", "maxSize"].map((k) => ["logging", k]),
      ...["address", "port", "rateLimit", "tls"].map((k) => ["server", k]),
      ...["enabled", "certFile", "keyFile"].map((k) => ["server", "tls", k]),
    ];
    const known = new Set(keyPaths().map((path) => path.join(".")));
    for (const key of goKeys) assert.ok(known.has(key.join(".")), `${key.join(".")} is no longer known`);
  });

  test("when every key of the schema is written, then none is unknown", () => {
    // One mapping holding every section and leaf key, leaves with no value (= not set), so only key names are judged.
    const everyKey: Record<string, unknown> = {};
    for (const path of keyPaths()) {
      let node = everyKey;
      for (const segment of path.slice(0, -1)) node = (node[segment] ??= {}) as Record<string, unknown>;
      node[path.at(-1)!] ??= null;
    }
    const text = stringify(merge(everyKey, { ...MINIMAL, logging: { ephemeral: true } }), { nullStr: "" });
    assert.doesNotThrow(() => parse(text));
  });
});

describe("nearestKey", () => {
  const server = [
    "address",
    "port",
    "rateLimit",
    "ipRateLimit",
    "tls",
    "shutdownGraceSeconds",
    "maxConnections",
    "maxConnectionsPerAddress",
  ];

  test("when the name differs from a key by letter case, a slip or a swap, then that key is suggested", () => {
    assert.equal(nearestKey("ratelimit", server), "rateLimit");
    assert.equal(nearestKey("RATELIMIT", server), "rateLimit");
    assert.equal(nearestKey("rateLimt", server), "rateLimit");
    assert.equal(nearestKey("rateLmiit", server), "rateLimit");
    assert.equal(nearestKey("adress", server), "address");
    assert.equal(nearestKey("shutdownGraceSecs", server), "shutdownGraceSeconds");
  });

  test("when the name abbreviates exactly one key, then that key is suggested", () => {
    assert.equal(nearestKey("logDir", ["logDirectory", "level", "maxAge"]), "logDirectory");
    assert.equal(nearestKey("max", ["maxAge", "maxBackups", "maxSize"]), undefined, "three keys start so: none is suggested");
  });

  test("when no key is close, or two are equally close, then nothing is suggested", () => {
    assert.equal(nearestKey("readTimeout", server), undefined);
    assert.equal(nearestKey("webhookSecret", server), undefined);
    assert.equal(nearestKey("x", server), undefined);
    assert.equal(nearestKey("ab", ["aa", "bb"]), undefined);
  });

  test("editDistance counts insertions, deletions, substitutions and swaps, without case", () => {
    assert.equal(editDistance("rateLimit", "RATELIMIT"), 0);
    assert.equal(editDistance("port", "prot"), 1);
    assert.equal(editDistance("port", "por"), 1);
    assert.equal(editDistance("port", "sport"), 1);
    assert.equal(editDistance("port", "pert"), 1);
    assert.equal(editDistance("", "tls"), 3);
  });
});
