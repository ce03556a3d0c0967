/**
 * A real redis-server (Debian's package; .ci/run installs it) per test file, on a unix socket in a fresh
 * directory: no port to clash with, nothing saved to disk, started in about 150 ms. It can be killed
 * (SIGKILL, as a crash) and started again on the same socket, to test outages and recovery.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestRedis {
  /** unix://[:password@]/…/redis.sock */
  url: string;
  password: string | undefined;
  /** kills the server at once (SIGKILL) and waits for it to be gone */
  kill(): Promise<void>;
  /** starts it again on the same socket (after kill) */
  start(): Promise<void>;
  /** freezes it (SIGSTOP): connections stay open, nothing is answered, as a hung Redis; resume() undoes it */
  pause(): void;
  resume(): void;
  /** kills it and removes its directory */
  stop(): Promise<void>;
}

/** Why Redis tests cannot run here, or undefined when redis-server is installed. */
export function redisUnavailable(): string | undefined {
  const found = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  return found.status === 0 ? undefined : "redis-server is not installed (apt-get install -y redis-server; .ci/run does it)";
}

export async function startRedis(options: { password?: string } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), "arm-redis-"));
  const socket = join(dir, "redis.sock");
  const args = ["--port", "0", "--unixsocket", socket, "--unixsocketperm", "700", "--save", "", "--appendonly", "no", "--dir", dir];
  if (options.password !== undefined) args.push("--requirepass", options.password);
  let child: ChildProcess | undefined;

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
      child = proc;
      let out = "";
      const timer = setTimeout(() => fail(new Error(`redis-server did not start within 5 s: ${out}`)), 5_000);
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (/ready to accept connections/i.test(out)) {
          cleanup();
          resolve();
        }
      };
      const onExit = (code: number | null) => fail(new Error(`redis-server exited ${code}: ${out}`));
      const fail = (error: Error) => {
        cleanup();
        proc.kill("SIGKILL");
        reject(error);
      };
      const cleanup = () => {
        clearTimeout(timer);
        proc.stdout.off("data", onData);
        proc.off("exit", onExit);
      };
      proc.stdout.on("data", onData);
      proc.once("exit", onExit);
    });

  const kill = async () => {
    child?.kill("SIGCONT");
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGKILL");
    await gone;
  };

  await start();
  const auth = options.password === undefined ? "" : `:${encodeURIComponent(options.password)}@`;
  return {
    url: `unix://${auth}${socket}`,
    password: options.password,
    kill,
    start,
    pause: () => void child?.kill("SIGSTOP"),
    resume: () => void child?.kill("SIGCONT"),
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
