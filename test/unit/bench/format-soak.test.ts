import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatSoak, type SoakReport } from "../../../scripts/bench/report.js";

function soak(seconds: number): SoakReport {
  const samples = Array.from({ length: seconds / 10 + 1 }, (_, i) => ({ atSeconds: i * 10, rssMB: 100 + (i % 7) }));
  const load = {
    requests: 1000,
    sent: 1000,
    requestsPerSecond: 100,
    latencyMs: { p50: 50, p99: 70 },
    statusCodes: { "200": 1000 },
    errors: 0,
    timeouts: 0,
  };
  return {
    route: "token-register",
    durationSeconds: seconds,
    samples,
    slopeMBPerMinute: 0.1,
    secondHalfSlopeMBPerMinute: 0.2,
    load,
    githubCallsPerRequest: 1,
  } as unknown as SoakReport;
}
const sampleLines = (text: string) => text.split("\n").filter((line) => /^ {2}t=/.test(line));

describe("the soak report", () => {
  test("when the soak is short, then every sample is printed", () => {
    assert.equal(sampleLines(formatSoak(soak(120))).length, 13);
  });

  test("when the soak is long, then one sample a minute is printed (and the last), with the range of all of them", () => {
    const text = formatSoak(soak(600));
    assert.deepEqual(
      sampleLines(text).map((line) => Number(/t=\s*(\d+)/.exec(line)![1])),
      [0, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600],
    );
    assert.match(text, /11 of 61 samples shown; all between 100\.0 and 106\.0 MB/);
  });
});
