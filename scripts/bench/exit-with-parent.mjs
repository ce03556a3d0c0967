// Preloaded into the server under test (node --import): when the benchmark that started it is gone, which
// its stdin pipe closing tells, even when the benchmark was killed outright (SIGKILL, as tsx does to a child
// that is slow to acknowledge a signal), the server gets SIGTERM and shuts down as in production. The
// benchmark's own children (simulator.ts, hello.mjs, load.ts) do the same by themselves.
import process from "node:process";
import { setTimeout } from "node:timers";

const parentGone = () => {
  process.kill(process.pid, "SIGTERM");
  setTimeout(() => process.exit(1), 10_000).unref();
};
process.stdin.on("end", parentGone);
process.stdin.on("error", parentGone);
process.stdin.resume();
// Reading stdin must not keep the server alive once it has closed its listener.
if (typeof process.stdin.unref === "function") process.stdin.unref();
