/**
 * metrics.token: GET /metrics answers only a scrape that presents it as a bearer token, on the API's port
 * (over HTTPS) and on metrics.port's own listener; the token never reaches the log.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { stringify } from "yaml";
import { parseConfig } from "../../src/config/load-config.js";
import { redactConfig } from "../../src/config/redact-config.js";
import { bearerMatches } from "../../src/http/middleware/metrics.js";
import { startService } from "../../src/service.js";
import { startSimulator } from "../../src/simulator/index.js";
import { assertMatchesContract } from "../helpers/api-contract.js";
import { createLogSink } from "../helpers/log-sink.js";
import { plainHttpConfig, startTestApp } from "../helpers/start-test-app.js";

const TOKEN = "s3cret-metrics-token-0123456789";

describe("GET /metrics with metrics.token", () => {
  test("when the token is set, then /metrics on the API port is 401 without it or with another, and 200 with it", async (t) => {
    const app = await startTestApp({ metricsConfig: { token: TOKEN } });
    t.after(() => app.close());
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `token ${TOKEN}`, TOKEN, "Bearer "]) {
      const reply = await app.call("GET", "/metrics", authorization === undefined ? {} : { authorization });
      assert.equal(reply.status, 401, String(authorization));
      assert.equal(reply.body.Code, 401);
    }
    const ok = await app.call("GET", "/metrics", { authorization: `Bearer ${TOKEN}` });
    assert.equal(ok.status, 200);
    assert.match(ok.body as string, /arm_http_requests_total/);
    assert.equal((await app.call("GET", "/metrics", { authorization: `bearer ${TOKEN}` })).status, 200, "the scheme is case-insensitive");
    // the other routes do not care
    assert.equal((await app.call("GET", "/healthz")).status, 200);
    assert.ok(!app.logs.text().includes(TOKEN), "the token reached the log");
  });

  test("when the token comes from ARM_METRICS_TOKEN_FILE, then it wins over the file's, and the config as logged hides it", () => {
    const yaml = stringify({ org: "acme", appID: 1, installationID: 2, metrics: { token: "in-the-file-0123456789" } });
    const { config, warnings } = parseConfig(yaml, {
      source: "(test)",
      env: { ARM_PRIVATE_KEY: PEM, ARM_METRICS_TOKEN_FILE: "/run/secrets/metrics-token" },
      readFile: (path) => (path === "/run/secrets/metrics-token" ? `${TOKEN}\n` : PEM),
    });
    assert.equal(config.metrics.token, TOKEN);
    assert.ok(warnings.some((w) => /metrics\.token: is ignored/.test(w)));
    assert.equal(redactConfig(config).metrics.token, "[redacted]");
    assert.throws(
      () => parseConfig(yaml, { source: "(test)", env: { ARM_PRIVATE_KEY: PEM, ARM_METRICS_TOKEN: "short" } }),
      /ARM_METRICS_TOKEN \(environment\): expected a bearer token/,
    );
  });

  test("bearerMatches: only the exact token, as a Bearer credential", () => {
    assert.equal(bearerMatches(`Bearer ${TOKEN}`, TOKEN), true);
    for (const header of [undefined, "", "Bearer", `Basic ${TOKEN}`, `Bearer ${TOKEN} extra`, `Bearer ${TOKEN.toUpperCase()}`]) {
      assert.equal(bearerMatches(header, TOKEN), false, String(header));
    }
  });

  test("when metrics.port is set with a token, then its own listener requires the token too", async (t) => {
    const github = await startSimulator();
    t.after(() => github.close());
    const config = plainHttpConfig(github, { metrics: { port: 0, token: TOKEN } });
    const logs = createLogSink();
    const service = await startService(config, { logStreams: [logs.stream] });
    t.after(() => service.close());
    const refused = await fetch(`${service.metricsUrl!}/metrics`);
    const body = (await refused.json()) as { Code: number };
    assert.equal(refused.status, 401);
    assertMatchesContract("GET", "/metrics", 401, refused.headers, body);
    const scraped = await fetch(`${service.metricsUrl!}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(scraped.status, 200);
    await scraped.text();
    // absolute form is served there as on the API port
    const { request } = await import("node:http");
    const url = new URL(service.metricsUrl!);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: `http://metrics.example/metrics`, headers: { authorization: `Bearer ${TOKEN}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 200);
    assert.ok(!logs.text().includes(TOKEN), "the token reached the log");
  });
});

const PEM = (await import("node:crypto")).generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;
