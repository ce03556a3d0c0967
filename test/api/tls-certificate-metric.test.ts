/**
 * arm_tls_certificate_expiry_timestamp_seconds: the served certificate's notAfter, which the chart's
 * PrometheusRule alerts on (its reload is covered in tls.test.ts, through startServer's onCertificate).
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { describe, test } from "node:test";
import { createMetrics } from "../../src/metrics/metrics.js";
import { startService } from "../../src/service.js";
import { startSimulator } from "../../src/simulator/index.js";
import { createLogSink } from "../helpers/log-sink.js";
import { plainHttpConfig, startTestApp, testCertificate } from "../helpers/start-test-app.js";

const sample = (text: string, name: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

describe("arm_tls_certificate_expiry_timestamp_seconds", () => {
  test("when the server serves HTTPS, then the gauge is the certificate's notAfter in Unix seconds", async (t) => {
    const metrics = createMetrics({ processMetrics: false });
    const app = await startTestApp({ metrics });
    t.after(() => app.close());
    const { cert } = await testCertificate();
    const notAfter = Math.floor(new Date(new X509Certificate(cert).validTo).getTime() / 1000);
    const { body } = await app.call("GET", "/metrics");
    assert.equal(sample(String(body), "arm_tls_certificate_expiry_timestamp_seconds"), notAfter);
  });

  test("when the server serves plain HTTP, then there is no such series (0 would read as long expired)", async (t) => {
    const github = await startSimulator();
    t.after(() => github.close());
    const config = plainHttpConfig(github);
    const metrics = createMetrics({ processMetrics: false });
    const service = await startService(config, { metrics, logStreams: [createLogSink().stream] });
    t.after(() => service.close());
    const text = await (await fetch(`${service.url}/metrics`)).text();
    assert.match(text, /arm_http_requests_total/);
    assert.ok(!text.includes("arm_tls_certificate_expiry"));
  });
});
