/**
 * Which release is answering: the start-up log line and arm_build_info name package.json's version (issue 15,
 * "one version"), so an operator can tell a rollout's old pods from its new ones in the logs and in Prometheus.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { createMetrics } from "../../src/metrics/metrics.js";
import { startTestApp } from "../helpers/start-test-app.js";

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

describe("the running release", () => {
  test("when the service starts, then its first log line names package.json's version and the Node.js running it", async (t) => {
    const app = await startTestApp();
    t.after(() => app.close());
    const [first] = app.logs.lines();
    assert.equal(first?.message, "starting actions-runner-manager");
    assert.equal(first?.version, version);
    assert.equal(first?.nodeVersion, process.versions.node);
    const listening = app.logs.lines().find((line) => line.message === "listening");
    assert.equal(listening?.version, version, "the line that gives the URL says it too");
  });

  test("when Prometheus scrapes /metrics, then arm_build_info{version, node_version} is 1", async (t) => {
    const app = await startTestApp({ metrics: createMetrics() });
    t.after(() => app.close());
    const { status, body } = await app.call("GET", "/metrics");
    assert.equal(status, 200);
    const series = (body as string).split("\n").filter((line) => line.startsWith("arm_build_info"));
    assert.deepEqual(series, [`arm_build_info{version="${version}",node_version="${process.versions.node}"} 1`]);
  });
});
