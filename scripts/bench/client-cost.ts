/**
 * What one GitHub call costs the server's CPU, layer by layer. The simulator runs in its own process (its
 * CPU is not counted); this process mints N runner tokens, C at a time, through fetch alone, Octokit without
 * plugins, Octokit with the call policy (src/github/call-policy.ts) alone, Octokit with @octokit/auth-app
 * alone, and createGitHub as the server builds it (App auth, call policy), with retries off and on, and
 * inside a request deadline. It prints the CPU time (user + system) of this process per call, the least
 * of ROUNDS interleaved rounds.
 *
 *   npx tsx scripts/bench/client-cost.ts [N=3000] [C=20] [ROUNDS=3]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createAppAuth } from "@octokit/auth-app";
import { request } from "@octokit/request";
import { Octokit } from "@octokit/rest";
import { createCallPolicy } from "../../src/github/call-policy.js";
import { createGitHub } from "../../src/github/create-github.js";
import { createRequestDeadlines } from "../../src/request-deadline.js";

const N = Number(process.argv[2] ?? 3000);
const C = Number(process.argv[3] ?? 20);
const ROUNDS = Number(process.argv[4] ?? 3);
const tmp = mkdtempSync(join(tmpdir(), "client-cost-"));
const keyFile = join(tmp, "app.pem");
const sim = spawn(process.execPath, ["--import", "tsx", resolve(import.meta.dirname, "simulator.ts"), "--app-key-out", keyFile], {
  stdio: ["pipe", "pipe", "inherit"],
});
const url = await new Promise<string>((done) => sim.stdout.once("data", (chunk: Buffer) => done(chunk.toString().trim())));
const privateKey = readFileSync(keyFile, "utf8");
rmSync(tmp, { recursive: true, force: true });

const { token } = await createAppAuth({ appId: 424242, privateKey, installationId: 4242, request: request.defaults({ baseUrl: url }) })({
  type: "installation",
});

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
const log = { debug: () => undefined, info: () => undefined, warn: () => undefined };
const deadlines = createRequestDeadlines(30_000);
const policy = createCallPolicy({
  fetch,
  deadlines,
  timeoutMs: 10_000,
  retries: 2,
  retryBaseMs: 500,
  maxRetryAfterSeconds: 5,
  retryAfterUnitMs: 1000,
  log,
});
variant(
  "Octokit + call policy",
  mint(new (Octokit.plugin(policy.plugin))({ auth: token, baseUrl: url, request: { fetch: policy.fetch } })),
);
variant(
  "Octokit, auth-app",
  mint(new Octokit({ authStrategy: createAppAuth, auth: { appId: 424242, privateKey, installationId: 4242 }, baseUrl: url })),
);
for (const retries of [0, 2]) {
  const github = createGitHub({
    org: "acme",
    appId: 424242,
    installationId: 4242,
    privateKeyPem: privateKey,
    baseUrl: url,
    timeoutMs: 10_000,
    log,
    deadlines,
    retries,
  });
  variant(`createGitHub, retries ${retries}`, () => github.org.createRegistrationToken());
  variant(`createGitHub, retries ${retries}, request deadline`, () => deadlines.within(() => github.org.createRegistrationToken()));
}
// Rounds interleave the variants, and the least CPU of each is kept: the machine's noise only ever adds.
for (let r = 0; r < ROUNDS; r++) for (const variant of variants) variant.best = Math.min(variant.best, await round(variant));
for (const { name, best } of variants) console.log(`${name.padEnd(52)} ${best.toFixed(3)} ms CPU/call`);
sim.stdin.end();
