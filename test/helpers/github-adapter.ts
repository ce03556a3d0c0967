/**
 * The GitHub adapter (createGitHub, the real Octokit) against an in-process simulator, without an HTTP server:
 * for the unit tests of src/github. One App key per test process, as for startTestApp: generating RSA keys is
 * the slowest part of starting a simulator.
 */
import { generateKeyPairSync } from "node:crypto";
import { createGitHub, type GitHubOptions } from "../../src/github/create-github.js";
import { createRequestDeadlines } from "../../src/request-deadline.js";
import { createSimulator, demoSeed, type Simulator, type SimulatorOptions } from "../../src/simulator/index.js";

let appKey: string | undefined;
export const testAppKey = () =>
  (appKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey);

export const quietLog = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/**
 * A simulator of the demo organization and the adapter for its App: sim.fetch, no retries, a 30 s request
 * deadline and 10 s per call unless `github` (or what it makes of the simulator) says otherwise.
 */
export function adapterOnSimulator(
  options: {
    simulator?: Omit<SimulatorOptions, "seed">;
    github?: Partial<GitHubOptions> | ((sim: Simulator) => Partial<GitHubOptions>);
  } = {},
): {
  sim: Simulator;
  github: ReturnType<typeof createGitHub>;
} {
  const sim = createSimulator({ ...options.simulator, seed: { ...demoSeed, app: { ...demoSeed.app, privateKey: testAppKey() } } });
  const github = createGitHub({
    org: sim.state.org.login,
    appId: sim.state.app.id,
    installationId: sim.state.app.installationId,
    privateKeyPem: sim.appPrivateKey!,
    baseUrl: "http://sim.test",
    fetch: sim.fetch,
    log: quietLog,
    deadlines: createRequestDeadlines(30_000),
    timeoutMs: 10_000,
    retries: 0,
    ...(typeof options.github === "function" ? options.github(sim) : options.github),
  });
  return { sim, github };
}
