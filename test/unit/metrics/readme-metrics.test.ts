/**
 * The README's metrics table ("### Metrics") is the list an operator builds dashboards and alerts from: it
 * must name every metric the server registers, with its type, and nothing it does not.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { createMetrics, type Metrics } from "../../../src/metrics/metrics.js";
import { tlsCertificateExpiry } from "../../../src/metrics/tls-certificate.js";

interface Row {
  names: string[];
  type: string;
}

/** The rows of the first table under "### Metrics": the metric names in its first column, and its type. */
function readmeMetrics(): Row[] {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("\n### Metrics\n"));
  const table = section.slice(section.indexOf("\n| metric |")).split("\n\n")[0]!;
  return table
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const [metric = "", type = ""] = line
        .split("|")
        .slice(1)
        .map((cell) => cell.trim());
      return { names: [...metric.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), type };
    });
}

/** Every metric registered, with every watcher started, as a server with every option on has them. */
function registered(): Map<string, string> {
  const metrics = createMetrics();
  // Each watch* registers a metric of its own; none is collected here, so any reader will do.
  for (const [name, member] of Object.entries(metrics) as Array<[keyof Metrics, unknown]>) {
    if (name.startsWith("watch") && typeof member === "function") (member as (read: () => unknown) => void)(() => ({}));
  }
  // registered by the server when it serves TLS (src/metrics/tls-certificate.ts)
  tlsCertificateExpiry(metrics.registry)(new Date());
  return new Map(metrics.registry.getMetricsAsArray().map((metric) => [metric.name, String(metric.type)]));
}

describe("the README's metrics table", () => {
  test("when a metric is registered, then the table names it with its type, and names nothing else", () => {
    const rows = readmeMetrics();
    assert.ok(rows.length > 5, "the table was found");
    const wildcards = rows.flatMap((row) => row.names).filter((name) => name.endsWith("*"));
    const listed = new Map(rows.flatMap((row) => row.names.filter((name) => !name.endsWith("*")).map((name) => [name, row.type])));
    const isWildcarded = (name: string) => wildcards.some((pattern) => name.startsWith(pattern.slice(0, -1)));

    const actual = registered();
    const missing = [...actual.keys()].filter((name) => !listed.has(name) && !isWildcarded(name));
    assert.deepEqual(missing, [], "registered but not in the README's table");
    const absent = [...listed.keys()].filter((name) => !actual.has(name));
    assert.deepEqual(absent, [], "in the README's table but not registered");
    for (const [name, type] of listed) assert.equal(type, actual.get(name), `the type of ${name}`);
    assert.ok([...actual.keys()].some(isWildcarded), "the wildcard rows match the process metrics");
  });
});
