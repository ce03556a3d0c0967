/**
 * The GitHub simulator as the benchmark runs it, in its own process: `npm run simulator`'s flags and
 * protocol (the URL on the first line of stdout, hooks under /_simulator), plus what a benchmark needs that
 * the CLI does not offer: GitHub's rate limit per credential is lifted (the simulator's default, 5000 an
 * hour as on github.com, runs out within a minute of load and turns every answer into 503), the journal is
 * kept short, and a seed may be JSON (parsed in a tenth of a second for 100 000 users, where YAML takes
 * seconds).
 *
 *   node --import tsx scripts/bench/simulator.ts [--port 0] [--latency MS] [--seed FILE.json|FILE.yml] [--app-key-out FILE]
 *
 * It exits when its stdin closes (the benchmark is gone), on SIGTERM and on SIGINT.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadSeedFile, startSimulator, type SeedInput } from "../../src/simulator/index.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    latency: { type: "string", default: "0" },
    seed: { type: "string" },
    "app-key-out": { type: "string" },
  },
});

const seed: SeedInput | undefined = values.seed
  ? values.seed.endsWith(".json")
    ? (JSON.parse(readFileSync(values.seed, "utf8")) as SeedInput)
    : loadSeedFile(values.seed)
  : undefined;
const running = await startSimulator({
  port: Number(values.port),
  rateLimitPerHour: Number.MAX_SAFE_INTEGER,
  journalLimit: 100,
  ...(seed ? { seed } : {}),
});
const latency = Number(values.latency);
if (latency > 0) running.sim.faults.setLatency(latency);
if (values["app-key-out"] && running.sim.appPrivateKey) writeFileSync(values["app-key-out"], running.sim.appPrivateKey, { mode: 0o600 });
console.log(running.url);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void running.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
