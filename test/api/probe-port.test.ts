/**
 * server.probePort: under mutual TLS the kubelet, which presents no client certificate, cannot probe the TLS
 * port; the probe port answers GET /healthz and GET /readyz in plain HTTP, and nothing else.
 * Real TLS with a client CA on the main port (the test's CA is the server's own self-signed certificate).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { stringify } from "yaml";
import { Agent, fetch } from "undici";
import { ConfigError, parseConfig } from "../../src/config/load-config.js";
import { startTestApp, testCertificate, type TestApp } from "../helpers/start-test-app.js";

async function startMutualTlsApp(options: Parameters<typeof startTestApp>[0] = {}) {
  const cert = await testCertificate();
  const app = await startTestApp({
    ...options,
    server: { tls: { enabled: true, certFile: cert.certFile, keyFile: cert.keyFile, clientCAFile: cert.certFile }, probePort: 0 },
  });
  const line = app.logs.lines().find((l) => l.message === "probes listening");
  assert.ok(line, "no 'probes listening' line");
  return { app, probeUrl: String(line.url), cert };
}

const probe = async (probeUrl: string, path: string, method = "GET") => {
  const response = await fetch(`${probeUrl}${path}`, { method });
  const text = await response.text();
  return {
    status: response.status,
    body: text === "" ? undefined : (JSON.parse(text) as { Code: number; Response?: string; Error?: string }),
  };
};

describe("server.probePort", () => {
  test("when mutual TLS is on, then a client without a certificate is refused on the TLS port but answered on the probe port", async (t) => {
    const { app, probeUrl, cert } = await startMutualTlsApp();
    t.after(() => app.close());
    assert.match(probeUrl, /^http:\/\/127\.0\.0\.1:\d+$/);

    const noClientCertificate = new Agent({ connect: { ca: cert.cert } });
    t.after(() => noClientCertificate.close());
    await assert.rejects(
      fetch(`${app.url}/readyz`, { dispatcher: noClientCertificate }),
      "the TLS port must refuse a client without a certificate",
    );

    assert.deepEqual(await probe(probeUrl, "/healthz"), { status: 200, body: { Code: 200, Response: "ok" } });
    assert.deepEqual(await probe(probeUrl, "/readyz"), { status: 200, body: { Code: 200, Response: "ready" } });
    assert.ok(app.sim.calls() >= 1, "/readyz on the probe port asks GitHub, as on the main port");
  });

  test("when GitHub refuses the App, then /readyz on the probe port is 503, as on the main port", async (t) => {
    const { app, probeUrl } = await startMutualTlsApp();
    t.after(() => app.close());
    app.sim.faults.failNext("POST /app/installations/{installation_id}/access_tokens", { status: 401, times: 10 });
    const answer = await probe(probeUrl, "/readyz");
    assert.equal(answer.status, 503);
    assert.equal(answer.body?.Code, 503);
  });

  test("when anything but the two probes is asked on the probe port, then 404, and no API route is reachable without TLS", async (t) => {
    const { app, probeUrl } = await startMutualTlsApp();
    t.after(() => app.close());
    for (const path of [
      "/",
      "/api/v1/status",
      "/api/v1/token-register?team=platform",
      "/metrics",
      "/api/v1/docs",
      "/healthz/x",
      "/readyzz",
    ]) {
      const answer = await probe(probeUrl, path);
      assert.equal(answer.status, 404, path);
      assert.match(answer.body?.Error ?? "", /serves only GET \/healthz and GET \/readyz/, path);
    }
    assert.equal(app.sim.calls(), 0, "no GitHub call for a refused path");
  });

  test("when it is not set, then no probe listener is started", async (t) => {
    const app: TestApp = await startTestApp();
    t.after(() => app.close());
    assert.ok(!app.logs.lines().some((l) => l.message === "probes listening"));
  });

  test("when it equals server.port or metrics.port, then the configuration is refused naming server.probePort", () => {
    for (const [server, metrics] of [
      [{ port: 8443, probePort: 8443 }, {}],
      [{ probePort: 9090 }, { port: 9090 }],
    ] as const) {
      const text = stringify({ org: "acme", appID: 1, installationID: 2, server, metrics });
      assert.throws(
        () => parseConfig(text, { source: "probe.yml", env: { ARM_PRIVATE_KEY: "unused" } }),
        (error: unknown) =>
          error instanceof ConfigError && /server\.probePort.*must differ from server\.port and metrics\.port/.test(error.message),
      );
    }
  });
});
