/**
 * `npm run bench -- --smoke`: the benchmark runs end to end (simulator, server, hello-world and load
 * generator, each in its own process) and reports a figure for every route, so that it cannot rot.
 * No performance threshold is asserted here: the figures depend on the machine.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ROUTE_NAMES, type BenchReport } from "../../scripts/bench/report.js";
import { spawnEntry } from "../helpers/processes.js";

test(
  "when the benchmark runs in smoke mode, then every route gets a row of figures and the run exits 0",
  { timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "arm-bench-smoke-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const jsonFile = join(dir, "bench.json");
    const bench = spawnEntry("scripts/bench/run.ts", ["--smoke", "--json", jsonFile]);
    // The benchmark stops its own children on SIGTERM.
    t.after(() => {
      if (bench.child.exitCode === null) bench.child.kill("SIGTERM");
    });

    const code = await bench.exited;
    assert.equal(code, 0, `bench exited ${code}\n${bench.stdout()}\n${bench.stderr()}`);

    const report = JSON.parse(readFileSync(jsonFile, "utf8")) as BenchReport;
    assert.equal(report.allOk, true);
    assert.equal(report.settings.smoke, true);
    for (const name of ROUTE_NAMES) {
      const row = report.routes[name];
      assert.ok(row, `no row for ${name}`);
      assert.ok(row.requests > 0, `${name}: no answer`);
      assert.deepEqual(Object.keys(row.statusCodes), ["200"], `${name}: ${JSON.stringify(row.statusCodes)}`);
      assert.equal(typeof row.githubCallsPerRequest, "number", `${name}: no GitHub calls per request`);
      assert.ok(Number.isFinite(row.latencyMs.p50) && Number.isFinite(row.latencyMs.p99), `${name}: no latency`);
      assert.equal(typeof row.throughputRatio, "number", `${name}: no throughput ratio`);
      assert.equal(typeof row.latencyRatioP50, "number", `${name}: no latency ratio`);
      assert.equal(typeof row.cpuMsPerRequest, "number", `${name}: no CPU per request`);
    }
    // The server is measured as the image runs it: with the Dockerfile's NODE_OPTIONS (its heap sizes).
    const imageNodeOptions = /^ENV NODE_OPTIONS="([^"]*)"/m.exec(readFileSync("Dockerfile", "utf8"))?.[1];
    assert.ok(imageNodeOptions, "the Dockerfile sets NODE_OPTIONS");
    assert.ok(report.settings.server.startsWith(`node ${imageNodeOptions} `), report.settings.server);
    // The yardsticks: a direct GitHub call is one call per request by definition (which checks the counting),
    // and the hello-world answered.
    assert.ok(report.direct.requests > 0 && report.helloWorld.requests > 0 && report.oneCall.requests > 0);
    assert.deepEqual(Object.keys(report.oneCall.statusCodes), ["200"], "the one-call yardstick answered");
    const yardstickCalls = report.oneCall.githubCallsPerRequest;
    assert.ok(
      yardstickCalls !== null && yardstickCalls > 0.9 && yardstickCalls < 1.1,
      `the one-call yardstick made ${yardstickCalls} calls per request`,
    );
    const direct = report.direct.githubCallsPerRequest;
    assert.ok(direct !== null && direct > 0.9 && direct < 1.1, `a direct GitHub call counted as ${direct} calls`);
    assert.ok(report.targets.length > 0);

    // The printed report: the machine above the table, a row per route, PASS or MISS beside each target.
    const out = bench.stdout();
    assert.match(out, /^machine: .+, \d+ cores, Node v\d+/m);
    for (const name of ROUTE_NAMES) assert.match(out, new RegExp(`^${name}\\s+\\d`, "m"));
    assert.match(out, /\b(PASS|MISS)\b/);
  },
);
