/**
 * The README's promise for the command-line client: after `npm run demo`, every `npx actions-runner-manager`
 * line of the README runs as written, in the order written, and exits as its `# → exit N` says (0 without
 * one). `npx actions-runner-manager` becomes the built client (`node dist/cli.js`) on PATH; only the port
 * differs (the demo takes a free one here). The `export` lines of a block hold for the lines after them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { EXIT_CODE_HELP } from "../../src/client/exit-codes.js";
import { spawnEntry } from "../helpers/processes.js";
import { clientOnPath, codeBlocks, README, readmeSection } from "../helpers/readme.js";

const NPX = "npx actions-runner-manager ";

/** `# → exit 4` at the end of a line states the expected exit code; otherwise 0. */
const expectedExit = (line: string) => Number(/# → exit (\d+)\s*$/.exec(line)?.[1] ?? 0);

describe("README: the command-line client", () => {
  test("the exit codes are listed exactly as --help prints them", () => {
    const section = readmeSection("## Command-line client");
    assert.ok(
      codeBlocks(section, "text").includes(`${EXIT_CODE_HELP}\n`),
      "the README's exit-code block differs from src/client/exit-codes.ts",
    );
  });

  test("when every npx actions-runner-manager line runs in order against npm run demo, then each exits as stated", async (t) => {
    const blocks = codeBlocks(README, "sh").filter((block) => block.split("\n").some((line) => line.includes(NPX)));
    const commands = blocks.flatMap((block) => block.split("\n").filter((line) => line.includes(NPX)));
    assert.ok(commands.length >= 10, `found only ${commands.length} client lines`);
    assert.ok(commands.some((line) => expectedExit(line) !== 0) && commands.some((line) => expectedExit(line) === 0));

    const cwd = mkdtempSync(join(tmpdir(), "arm-demo-client-"));
    const demo = spawnEntry("src/demo.ts", ["--port", "0"], { cwd });
    t.after(() => demo.child.kill("SIGKILL"));
    const [, base] = await demo.waitFor(/API:\s+(https:\/\/localhost:\d+)\/api\/v1/);
    // not the test's own environment: only what the README sets, and the client on PATH
    const env = { PATH: `${clientOnPath()}:${process.env.PATH ?? ""}` };
    for (const block of blocks) {
      const exports: string[] = [];
      for (const line of block.split("\n").map((l) => l.replaceAll("https://localhost:8443", base!))) {
        if (line.startsWith("export ")) exports.push(line);
        if (!line.includes(NPX)) continue;
        const script = [...exports, line.replaceAll(NPX, "actions-runner-manager ")].join("\n");
        const run = spawnSync("sh", ["-c", script], { cwd, env, encoding: "utf8", timeout: 20_000 });
        assert.equal(run.status, expectedExit(line), `${line}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
      }
    }
    // the --out lines left their secrets where the README says, readable by their owner only
    for (const file of ["runner-token", "jitconfig"]) assert.equal(statSync(join(cwd, file)).mode & 0o777, 0o600, file);
    demo.child.kill("SIGTERM");
    assert.equal(await demo.exited, 0);
  });
});
