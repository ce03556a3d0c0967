/**
 * A stateful stand-in for the part of GitHub's REST API that actions-runner-manager uses.
 *
 * One seam, two ways in: `sim.fetch` is a WHATWG fetch (Octokit's `request.fetch` hook) for in-process
 * tests; `sim.nodeHandler` serves the same thing over HTTP(S), which `startSimulator` and the CLI use.
 * A request goes: seam (fetch.ts | node-handler.ts) → create-simulator.ts (hooks or GitHub) → dispatch.ts
 * (route → faults → credential → rate limit → body → handler, journaled) → handlers/*.ts over state.ts.
 */
export { createSimulator, type Simulator, type SimulatorOptions } from "./create-simulator.js";
export { startSimulator, type RunningSimulator, type StartOptions } from "./server.js";
export { ROUTES, SERVED_ROUTES } from "./routes.js";
export type { JournalEntry } from "./journal.js";
export { DEMO_TOKENS, demoSeed } from "./demo-seed.js";
export { loadSeedFile, parseSeedYaml, SeedError, type Seed, type SeedInput } from "./seed.js";
export { snapshot, type SimState } from "./state.js";
export type { Fault } from "./faults.js";
