/**
 * The built command (`node dist/cli.js`, which `npm test` builds first) run as a real process, as a runner
 * host or a CI job runs it. Asynchronous, so that a service started in this test process keeps serving.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { REPO_ROOT } from "./processes.js";

export const BUILT_CLI = resolve(REPO_ROOT, "dist/cli.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** milliseconds from spawn to exit */
  tookMs: number;
}

/**
 * Runs `node dist/cli.js ...args` with exactly `env` (plus PATH), killed after `timeoutMs`. `onStart` sees the
 * child's pid, e.g. to read its command line while it runs.
 */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number; onStart?: (pid: number) => void } = {},
): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [BUILT_CLI, ...args], {
    cwd: REPO_ROOT,
    // not the test's own environment: a GITHUB_TOKEN of the machine running the tests must not leak in
    env: { PATH: process.env.PATH ?? "", ...options.env },
  });
  if (child.pid !== undefined) options.onStart?.(child.pid);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(
        new Error(
          `node dist/cli.js ${args.join(" ")} did not exit within ${options.timeoutMs ?? 20_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 20_000);
    child.once("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, tookMs: Date.now() - started });
    });
  });
}
