/**
 * Running our entry points as real processes (through tsx, so no build is needed) and reading what
 * they print, with every wait bounded.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";

/**
 * How long a test waits for a server process to listen when several start at once: on a loaded 2-CPU machine
 * four tsx-compiled servers have taken 17 s (the default wait of waitFor is 15 s).
 */
export const STARTUP_WAIT_MS = 60_000;

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
const TSX = import.meta.resolve("tsx");

export interface Spawned {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** resolves with the first stdout match of `pattern`, or rejects after `timeoutMs` or on exit */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function spawnEntry(entry: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Spawned {
  const child = spawn(process.execPath, ["--import", TSX, resolve(REPO_ROOT, entry), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
  });
  return track(child);
}

/** The built command (`npm test` builds first), as a user runs it: `node dist/cli.js …`, without tsx. */
export function spawnBuilt(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Spawned {
  const child = spawn(process.execPath, [resolve(REPO_ROOT, "dist/cli.js"), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
  });
  return track(child);
}

function track(child: ChildProcessWithoutNullStreams): Spawned {
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (pattern, timeoutMs = 15_000) =>
      new Promise((done, fail) => {
        const check = () => {
          const match = pattern.exec(out);
          if (!match) return false;
          cleanup();
          done(match);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          fail(new Error(`timed out waiting for ${pattern}; stdout: ${out}\nstderr: ${err}`));
        }, timeoutMs);
        const onExit = (code: number | null) => {
          cleanup();
          fail(new Error(`exited ${code} before ${pattern}; stdout: ${out}\nstderr: ${err}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout.off("data", check);
          child.off("exit", onExit);
        };
        if (check()) return;
        child.stdout.on("data", check);
        child.once("exit", onExit);
      }),
  };
}

/**
 * A configuration file for src/main.ts against `github` (a running simulator): its App, its URL, the App's
 * key in a file beside it, JSON logs on stdout, and a free port on 127.0.0.1; `server` and `extra` add to
 * or replace those keys. Answers the file's path.
 */
export function writeServerConfig(
  github: { url: string; sim: { appPrivateKey: string | undefined } },
  options: { dir?: string; name?: string; server?: Record<string, unknown>; extra?: Record<string, unknown> } = {},
): string {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "arm-config-"));
  const keyFile = join(dir, "app.pem");
  writeFileSync(keyFile, github.sim.appPrivateKey!, { mode: 0o600 });
  const config = {
    org: "acme",
    appID: 424242,
    installationID: 4242,
    privateKeyFile: keyFile,
    baseUrl: github.url,
    logging: { ephemeral: true, level: "debug" },
    server: { address: "127.0.0.1", port: 0, ...options.server },
    ...options.extra,
  };
  const path = join(dir, `${options.name ?? "config"}.yml`);
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}
