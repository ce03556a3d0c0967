/**
 * What one GitHub call costs the server's CPU, layer by layer. The simulator runs in its own process (its
 * CPU is not counted); this process mints N runner tokens, C at a time, through fetch alone, Octokit without
 * plugins, Octokit with the retry and/or throttling plugins on Bottleneck groups (the plugins' own way, with
 * bottleneck-fast-path.ts applied, as createGitHub applies it before any call is made), and
 * createGitHub as the server builds it (lean limiters, deadlines, hooks), with and without its plugins and
 * a request deadline. It prints the CPU time (user + system) of this process per call, the least of ROUNDS
 * interleaved rounds.
 *
 *   npx tsx scripts/bench/client-cost.ts [N=3000] [C=20] [ROUNDS=3]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createAppAuth } from "@octokit/auth-app";
import { request } from "@octokit/request";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import Bottleneck from "bottleneck/light.js";
import { createGitHub } from "../../src/github/create-github.js";
import { createRequestDeadlines } from "../../src/request-deadline.js";

const N = Number(process.argv[2] ?? 3000);
const C = Number(process.argv[3] ?? 20);
const ROUNDS = Number(process.argv[4] ?? 3);
const tmp = mkdtempSync(join(tmpdir(), "client-cost-"));
const keyFile = join(tmp, "app.pem");
const sim = spawn(process.execPath, ["--import", "tsx", resolve(import.meta.dirname, "simulator.ts"), "--app-key-out", keyFile], { stdio: ["pipe", "pipe", "inherit"] });
const url = await new Promise<string>((done) => sim.stdout.once("data", (chunk: Buffer) => done(chunk.toString().trim())));
const privateKey = readFileSync(keyFile, "utf8");
rmSync(tmp, { recursive: true, force: true });

const { token } = await createAppAuth({ appId: 424242, privateKey, installationId: 4242, request: request.defaults({ baseUrl: url }) })({ type: "installation" });

const variants: { name: string; call: () => Promise<unknown>; best: number }[] = [];
function variant(name: string, call: () => Promise<unknown>) {
  variants.push({ name, call, best: Infinity });
}
async function round({ call }: { call: () => Promise<unknown> }): Promise<number> {
  for (let i = 0; i < 200; i++) await call(); // warm-up: JIT, connections
  const cpu = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next++ < N) await call();
    }),
  );
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / N;
}

const path = `${url}/orgs/acme/actions/runners/registration-token`;
const headers = { authorization: `token ${token}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" };
variant("fetch", async () => {
  const response = await fetch(path, { method: "POST", headers });
  await response.json();
});
const mint = (o: Octokit) => () => o.request("POST /orgs/{org}/actions/runners/registration-token", { org: "acme" });
variant("Octokit (no plugins)", mint(new Octokit({ auth: token, baseUrl: url })));
const throttle = {
  id: "x",
  global: new Bottleneck.Group({ maxConcurrent: 32 }),
  write: new Bottleneck.Group({ maxConcurrent: 32 }),
  onRateLimit: () => false,
  onSecondaryRateLimit: () => false,
};
variant("Octokit + retry plugin", mint(new (Octokit.plugin(retry))({ auth: token, baseUrl: url })));
variant("Octokit + throttling plugin (Bottleneck)", mint(new (Octokit.plugin(throttling))({ auth: token, baseUrl: url, throttle })));
variant("Octokit + throttling (Bottleneck) + retry", mint(new (Octokit.plugin(throttling, retry))({ auth: token, baseUrl: url, throttle })));
variant("Octokit + throttling (Bottleneck) + retry, auth-app", mint(new (Octokit.plugin(throttling, retry))({ authStrategy: createAppAuth, auth: { appId: 424242, privateKey, installationId: 4242 }, baseUrl: url, throttle })));
const log = { debug: () => undefined, warn: () => undefined };
const deadlines = createRequestDeadlines(30_000);
for (const throttleAndRetry of [false, true]) {
  const github = createGitHub({ org: "acme", appId: 424242, installationId: 4242, privateKeyPem: privateKey, baseUrl: url, log, deadlines, throttleAndRetry });
  variant(`createGitHub, throttle+retry ${throttleAndRetry ? "on" : "off"}`, () => github.org.createRegistrationToken());
  variant(`createGitHub, throttle+retry ${throttleAndRetry ? "on" : "off"}, request deadline`, () => deadlines.within(() => github.org.createRegistrationToken()));
}
// Rounds interleave the variants, and the least CPU of each is kept: the machine's noise only ever adds.
for (let r = 0; r < ROUNDS; r++) for (const variant of variants) variant.best = Math.min(variant.best, await round(variant));
for (const { name, best } of variants) console.log(`${name.padEnd(52)} ${best.toFixed(3)} ms CPU/call`);
sim.stdin.end();
