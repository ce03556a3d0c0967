/**
 * The benchmark's child processes: spawned with their stdout watched (bounded tails, bounded waits),
 * registered so that every one of them is stopped when the benchmark ends, however it ends, and their
 * memory read from /proc.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
const TSX = import.meta.resolve("tsx");
const TAIL_CHARS = 16_000;

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** the last few kilobytes of stdout and of stderr, for error messages */
  tail(): string;
  /** the first match of `pattern` in stdout, or a rejection after `timeoutMs` or when the process exits */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs` */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<Child>();

export interface SpawnOptions {
  /** run the file through tsx (a .ts file) */
  tsx?: boolean;
  /** fork with an IPC channel (process.send / "message") */
  ipc?: boolean;
  /** preload ./exit-with-parent.mjs: for a child that does not watch its stdin itself (the server) */
  exitWithParent?: boolean;
  /** more options for node itself (before the file) */
  nodeArgs?: string[];
}

const EXIT_WITH_PARENT = new URL("./exit-with-parent.mjs", import.meta.url).href;

export function spawnNode(name: string, file: string, args: string[], options: SpawnOptions = {}): Child {
  const execArgv = [
    ...(options.tsx ? ["--import", TSX] : []),
    ...(options.exitWithParent ? ["--import", EXIT_WITH_PARENT] : []),
    ...(options.nodeArgs ?? []),
  ];
  const child = options.ipc
    ? fork(resolve(REPO_ROOT, file), args, { cwd: REPO_ROOT, execArgv, stdio: ["pipe", "pipe", "pipe", "ipc"] })
    : spawn(process.execPath, [...execArgv, resolve(REPO_ROOT, file), ...args], { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`cannot start ${name} (${file})`);
  let out = "";
  let err = "";
  // stdout is read all along (a full pipe would stall the child) but only its tail is kept.
  child.stdout!.on("data", (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-TAIL_CHARS);
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-TAIL_CHARS);
  });
  // Our own children exit when their stdin closes; the server does not read it.
  child.stdin!.on("error", () => undefined);
  const exited = new Promise<number | null>((done) => child.once("exit", (code, signal) => done(code ?? (signal ? -1 : null))));
  const handle: Child = {
    name,
    process: child,
    pid: child.pid,
    tail: () => `--- ${name} stdout (tail) ---\n${out.slice(-4000)}\n--- ${name} stderr (tail) ---\n${err.slice(-4000)}`,
    exited,
    waitFor: (pattern, timeoutMs) =>
      new Promise((done, fail) => {
        // `out` is updated by the listener registered first, so it holds the chunk by the time this runs.
        const check = () => {
          const match = pattern.exec(out);
          if (match) {
            cleanup();
            done(match);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          fail(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms\n${handle.tail()}`));
        }, timeoutMs);
        const onExit = (code: number | null) => {
          cleanup();
          fail(new Error(`${name} exited (${code}) before printing ${pattern}\n${handle.tail()}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout!.off("data", check);
          child.off("exit", onExit);
        };
        child.stdout!.on("data", check);
        child.once("exit", onExit);
        check();
      }),
    stop: async (graceMs = 3000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.end();
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

/** Stops every child still running, gently first. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

/** The last resort, from a process "exit" handler (which cannot wait): SIGKILL whatever still runs. */
export function killAllNow(): void {
  for (const child of running) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL");
  }
}

/** Resident set size of a process in MB (VmRSS in /proc/<pid>/status); null where there is no /proc. */
export function rssMB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat; null off Linux. */
export function cpuMs(pid: number): number | null {
  try {
    // The command name (field 2) may hold spaces and parentheses: count fields from the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; in clock ticks of 10 ms
    // (USER_HZ is 100 on every Linux that Node.js supports).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `intervalMs` until stopped; `stop()` returns the peak. */
export function sampleRss(pid: number, intervalMs = 200): { stop(): number | null } {
  let peak: number | null = rssMB(pid);
  const timer = setInterval(() => {
    const now = rssMB(pid);
    if (now !== null && (peak === null || now > peak)) peak = now;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const now = rssMB(pid);
      if (now !== null && (peak === null || now > peak)) peak = now;
      return peak;
    },
  };
}
