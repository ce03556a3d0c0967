/**
 * The README's promise: `npm ci && npm run demo`, then every curl line of the README works as written,
 * in the order written. Only the port differs (the demo takes a free one here) — and the simulator's
 * own examples run against `npm run simulator` likewise.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { REPO_ROOT, spawnEntry } from "../helpers/processes.js";

const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

/** Lines inside ```sh blocks that are curl commands aimed at `host`. */
function curlLines(host: string): string[] {
  const blocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((block) => block.split("\n")).filter((line) => line.startsWith("curl ") && line.includes(host));
}

/** `# → 403` at the end of a line states the expected Code; otherwise 200. */
const expectedCode = (line: string) => Number(/# → (\d{3})\s*$/.exec(line)?.[1] ?? 200);

function run(line: string, cwd: string): string {
  return execFileSync("sh", ["-c", line], { cwd, encoding: "utf8", timeout: 15_000 });
}

describe("README against npm run demo", () => {
  test("when every curl line for https://localhost:8443 runs in order, then each answers its stated Code", async (t) => {
    const lines = curlLines("https://localhost:8443");
    assert.ok(lines.length >= 15, `found only ${lines.length} curl lines`);
    const cwd = mkdtempSync(join(tmpdir(), "arm-demo-"));
    const demo = spawnEntry("src/demo.ts", ["--port", "0"], { cwd });
    t.after(() => demo.child.kill("SIGKILL"));
    const [, base] = await demo.waitFor(/API:\s+(https:\/\/localhost:\d+)\/api\/v1/);
    for (const line of lines) {
      const output = run(line.replaceAll("https://localhost:8443", base!), cwd);
      let answer: { Code?: number };
      try {
        answer = JSON.parse(output) as { Code?: number };
      } catch {
        assert.fail(`not JSON from: ${line}\n${output}`);
      }
      assert.equal(answer.Code, expectedCode(line), `${line}\n→ ${output}`);
    }
    demo.child.kill("SIGTERM");
    assert.equal(await demo.exited, 0);
  });

  test("when the simulator's curl lines run against npm run simulator, then they answer as the README says", async (t) => {
    const lines = curlLines("http://127.0.0.1:3001");
    assert.ok(lines.length >= 2);
    const sim = spawnEntry("src/simulator/cli.ts", ["--port", "0"]);
    t.after(() => sim.child.kill("SIGKILL"));
    const [url] = await sim.waitFor(/^http:\/\/127\.0\.0\.1:\d+$/m);
    for (const line of lines) {
      const output = run(line.replaceAll("http://127.0.0.1:3001", url), REPO_ROOT);
      assert.ok(!output.includes('"message":"Not Found"'), `${line}\n→ ${output}`);
      JSON.parse(output);
    }
    sim.child.kill("SIGTERM");
    assert.equal(await sim.exited, 0);
  });
});
