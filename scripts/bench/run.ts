/**
 * npm run bench [-- options]: what one request to each route costs, in time, in GitHub calls and in memory.
 *
 * Starts, each in its own process: the GitHub simulator (./simulator.ts) with latency injected into every
 * GitHub call; the server (dist/main.js when built and up to date, else src/main.ts through tsx) over HTTPS
 * with a throwaway certificate and a generated configuration; a bare Express hello-world over HTTPS; and the
 * load generator (./load.ts, autocannon). For each route it warms up, resets the simulator's call counters,
 * runs the load for --duration seconds while sampling the server's RSS, and reads the counters again.
 * Every wait is bounded, all traffic stays on 127.0.0.1, and every child is stopped on exit and on signals.
 * The report goes to stdout, progress to stderr.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { arch, availableParallelism, cpus, platform, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { selfSignedCertificate } from "../../src/demo/self-signed.js";
import { DEMO_TOKENS } from "../../src/simulator/index.js";
import type { LoadJob, LoadReply } from "./load.js";
import { cpuMs, killAllNow, REPO_ROOT, rssMB, sampleRss, spawnNode, stopAll, type Child } from "./processes.js";
import {
  evaluateTargets,
  formatReport,
  ROUTE_NAMES,
  rowOk,
  slope,
  type BenchReport,
  type LoadResult,
  type MachineInfo,
  type RouteName,
  type Row,
  type SoakReport,
} from "./report.js";
import { writeDistinctUsersSeed } from "./seed.js";
import { floodOk, formatFlood, runFlood } from "./flood.js";
import { formatHostile, hostileOk, runHostile } from "./hostile.js";

const USAGE = `usage: npm run bench -- [options]
  --duration S          seconds of measured load per route (default 10)
  --connections N       concurrent connections (default 20)
  --latency MS          latency the simulator adds to every GitHub call (default 50)
  --json FILE           also write every figure to FILE
  --soak S              then run token-register for S seconds, sampling the server's RSS every 10 s
  --distinct-users N    rotate through N distinct callers (a generated organization), to exercise cache bounds
  --routes A,B          only these routes (${ROUTE_NAMES.join(", ")})
  --server auto|dist|src  dist/main.js, or src/main.ts through tsx (auto: dist when built and newer than src/)
  --smoke               1-second runs with 2 connections (CI); exits 0 when every route answered only 200s
  --node-args="A B"     the server's node options (default: the image's NODE_OPTIONS, from the Dockerfile;
                        --node-args= runs it with V8's defaults)
  --cpu-prof DIR        write the server's V8 CPU profile (.cpuprofile, for Chrome DevTools) to DIR when it stops
  --flood N             instead of the routes: hold N half-sent TLS requests from 127.0.0.1 for --duration seconds
                        while a maintainer asks token-register from 127.0.0.2; the server's RSS and the maintainer's answers
  --flood-caps on|off   on (default): the server's connection caps at their defaults; off: lifted (for comparison)
  --hostile S           instead of the routes: one account in no team asks for random teams' tokens for S seconds
                        while a maintainer asks token-register; the GitHub calls caused and the maintainer's answers
Exit status: 0 when every run answered only 200s, 1 otherwise (or when something failed), 2 for bad options.`;

/** How each route is called; `auth: false` sends no token (status needs none and asks GitHub nothing). */
const ROUTE_CALLS: Record<RouteName, { method: string; path: string; auth: boolean }> = {
  "token-register": { method: "GET", path: "/api/v1/token-register?team=platform", auth: true },
  "token-remove": { method: "GET", path: "/api/v1/token-remove?team=platform", auth: true },
  // a random runner name each time (GitHub refuses a name twice)
  "runner-jitconfig": { method: "POST", path: "/api/v1/runner-jitconfig?team=platform&labels=gpu", auth: true },
  "group-list": { method: "GET", path: "/api/v1/group-list?team=platform", auth: true },
  "repos-add": { method: "PATCH", path: "/api/v1/repos-add?team=platform&repos=api", auth: true },
  "repos-set": { method: "PATCH", path: "/api/v1/repos-set?team=platform&repos=api,web", auth: true },
  status: { method: "GET", path: "/api/v1/status", auth: false },
};

const SOAK_SAMPLE_SECONDS = 10;

interface Options {
  duration: number;
  connections: number;
  latency: number;
  json: string | undefined;
  soak: number | undefined;
  distinctUsers: number | undefined;
  routes: RouteName[];
  server: "auto" | "dist" | "src";
  smoke: boolean;
  cpuProfDir: string | undefined;
  nodeArgs: string[];
  /** nodeArgs came from the Dockerfile (no --node-args) */
  nodeArgsAreTheImage: boolean;
  /** --flood N: the flood instead of the routes */
  flood: number | undefined;
  floodCaps: boolean;
  /** --hostile S: one hostile account for S seconds instead of the routes */
  hostile: number | undefined;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        duration: { type: "string", default: "10" },
        connections: { type: "string", default: "20" },
        latency: { type: "string", default: "50" },
        json: { type: "string" },
        soak: { type: "string" },
        "distinct-users": { type: "string" },
        routes: { type: "string" },
        server: { type: "string", default: "auto" },
        smoke: { type: "boolean", default: false },
        "cpu-prof": { type: "string" },
        "node-args": { type: "string" },
        flood: { type: "string" },
        "flood-caps": { type: "string", default: "on" },
        hostile: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return "help";
  const integer = (name: string, text: string | undefined, min: number, max: number): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${text}`);
    return n;
  };
  const latency = Number(values.latency);
  if (!(latency >= 0 && latency <= 60_000))
    throw new UsageError(`--latency must be a number of milliseconds (0 to 60000), got ${values.latency}`);
  const routes = values.routes === undefined ? [...ROUTE_NAMES] : values.routes.split(",").map((r) => r.trim());
  for (const route of routes) {
    if (!(ROUTE_NAMES as readonly string[]).includes(route))
      throw new UsageError(`--routes: unknown route ${route} (known: ${ROUTE_NAMES.join(", ")})`);
  }
  if (!["on", "off"].includes(values["flood-caps"])) throw new UsageError(`--flood-caps must be on or off, got ${values["flood-caps"]}`);
  if (!["auto", "dist", "src"].includes(values.server)) throw new UsageError(`--server must be auto, dist or src, got ${values.server}`);
  return {
    duration: values.smoke ? 1 : integer("duration", values.duration, 1, 3600)!,
    connections: values.smoke ? 2 : integer("connections", values.connections, 1, 1000)!,
    latency,
    // `npm run` starts us in the package's folder; a relative path is the caller's, from where they typed it.
    json: values.json === undefined ? undefined : resolve(process.env.INIT_CWD ?? process.cwd(), values.json),
    soak: integer("soak", values.soak, 1, 7 * 24 * 3600),
    distinctUsers: integer("distinct-users", values["distinct-users"], 1, 1_000_000),
    routes: ROUTE_NAMES.filter((name) => routes.includes(name)),
    server: values.server as Options["server"],
    smoke: values.smoke,
    nodeArgs: (values["node-args"] ?? imageNodeOptions()).split(/\s+/).filter(Boolean),
    nodeArgsAreTheImage: values["node-args"] === undefined,
    cpuProfDir: values["cpu-prof"] === undefined ? undefined : resolve(process.env.INIT_CWD ?? process.cwd(), values["cpu-prof"]),
    flood: integer("flood", values.flood, 1, 20_000),
    floodCaps: values["flood-caps"] === "on",
    hostile: integer("hostile", values.hostile, 1, 3600),
  };
}

/**
 * The NODE_OPTIONS the production image sets (its heap sizes): the server is measured as it is shipped.
 * Empty when the Dockerfile sets none.
 */
function imageNodeOptions(): string {
  const dockerfile = readFileSync(resolve(REPO_ROOT, "Dockerfile"), "utf8");
  return /^ENV NODE_OPTIONS="([^"]*)"/m.exec(dockerfile)?.[1]?.trim() ?? "";
}

function machine(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? "unknown CPU",
    cores: availableParallelism(),
    node: process.version,
    platform: `${platform()} ${arch()}`,
  };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Which server to run: the build when it exists and is not older than the sources, else the sources. */
function chooseServer(mode: Options["server"]): { file: string; tsx: boolean; label: string } {
  const dist = resolve(REPO_ROOT, "dist/main.js");
  const src = { file: "src/main.ts", tsx: true };
  const srcNote = "RSS includes tsx's loader; `npm run build` for production-like figures";
  if (mode === "src") return { ...src, label: `src/main.ts through tsx (${srcNote})` };
  if (mode === "dist") {
    if (!existsSync(dist)) throw new UsageError("--server dist: there is no dist/main.js (npm run build)");
    return { file: "dist/main.js", tsx: false, label: "dist/main.js" };
  }
  if (!existsSync(dist)) return { ...src, label: `src/main.ts through tsx (no dist/: ${srcNote})` };
  if (newestMtime(resolve(REPO_ROOT, "src")) > statSync(dist).mtimeMs) {
    return { ...src, label: `src/main.ts through tsx (dist/ is older than src/; ${srcNote})` };
  }
  return { file: "dist/main.js", tsx: false, label: "dist/main.js" };
}

/** One HTTPS request trusting the throwaway certificate, for the preflight checks. */
function httpsCall(url: string, method: string, headers: Record<string, string>, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = httpsRequest(url, { method, headers, ca, timeout: 30_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url}: no answer within 30 s`)));
    req.on("error", fail);
    req.end();
  });
}

/** The load generator process, one job at a time, each bounded by its own duration plus a margin. */
function loadGenerator(child: Child) {
  let nextId = 1;
  const pending = new Map<number, { done: (r: LoadResult) => void; fail: (e: Error) => void }>();
  child.process.on("message", (reply: LoadReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (!waiter) return;
    if ("error" in reply) waiter.fail(new Error(`load generator: ${reply.error}`));
    else waiter.done(reply.result);
  });
  void child.exited.then((code) => {
    for (const waiter of pending.values()) waiter.fail(new Error(`the load generator exited (${code})\n${child.tail()}`));
    pending.clear();
  });
  return {
    run(job: Omit<LoadJob, "id">, boundSeconds: number): Promise<LoadResult> {
      const id = nextId++;
      return new Promise<LoadResult>((done, fail) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          fail(new Error(`the load generator did not finish ${job.method} ${job.url} within ${boundSeconds} s`));
        }, boundSeconds * 1000);
        pending.set(id, {
          done: (r) => (clearTimeout(timer), done(r)),
          fail: (e) => (clearTimeout(timer), fail(e)),
        });
        child.process.send({ ...job, id } satisfies LoadJob);
      });
    },
  };
}

const began = performance.now();
const progress = (message: string) =>
  process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s] ${message}\n`);

async function main(options: Options, tmp: string): Promise<number> {
  const startedAt = new Date().toISOString();
  const server = chooseServer(options.server);
  const info = machine();
  const connections = options.connections;

  // Certificate, seed and the simulator's App key: files in a temporary directory, removed at the end.
  const certificate = await selfSignedCertificate();
  const certFile = join(tmp, "cert.pem");
  const keyFile = join(tmp, "key.pem");
  writeFileSync(certFile, certificate.cert);
  writeFileSync(keyFile, certificate.key, { mode: 0o600 });
  const seedArgs: string[] = [];
  if (options.distinctUsers) {
    const seedFile = join(tmp, "seed.json");
    const started = performance.now();
    writeDistinctUsersSeed(options.distinctUsers, seedFile);
    progress(`seed with ${options.distinctUsers} distinct users written in ${Math.round(performance.now() - started)} ms`);
    seedArgs.push("--seed", seedFile);
  }

  progress("starting the simulator, the hello-world and the load generator");
  const appKeyFile = join(tmp, "app.pem");
  const simulator = spawnNode(
    "simulator",
    "scripts/bench/simulator.ts",
    ["--port", "0", "--latency", String(options.latency), "--app-key-out", appKeyFile, ...seedArgs],
    { tsx: true },
  );
  const loadChild = spawnNode("load generator", "scripts/bench/load.ts", [], { tsx: true, ipc: true });
  const load = loadGenerator(loadChild);
  const [, simUrl] = await simulator.waitFor(/^(http:\/\/127\.0\.0\.1:\d+)\s*$/m, 60_000);
  // The yardsticks run with the server's node options (the image's heap sizes), so that a ratio compares like with like.
  const hello = spawnNode("hello-world", "scripts/bench/hello.mjs", ["--cert", certFile, "--key", keyFile, "--upstream", simUrl!], {
    nodeArgs: options.nodeArgs,
  });
  const [, helloUrl] = await hello.waitFor(/^(https:\/\/127\.0\.0\.1:\d+)\s*$/m, 30_000);

  const configFile = join(tmp, "config.yml");
  writeFileSync(
    configFile,
    [
      "org: acme",
      "appID: 424242",
      "installationID: 4242",
      `privateKeyFile: ${JSON.stringify(appKeyFile)}`,
      `baseUrl: ${JSON.stringify(simUrl)}`,
      "logging: { ephemeral: true, level: info }",
      "server:",
      "  address: 127.0.0.1",
      "  port: 0",
      // The limits are not what is measured: lifted, so that they never answer 429.
      "  rateLimit: 1000000",
      "  ipRateLimit: 1000000",
      "  shutdownGraceSeconds: 2",
      `  tls: { enabled: true, certFile: ${JSON.stringify(certFile)}, keyFile: ${JSON.stringify(keyFile)} }`,
      // --flood-caps off: the connection caps lifted, to see what they save.
      ...(options.floodCaps ? [] : ["  maxConnections: 100000", "  maxConnectionsPerAddress: 100000"]),
      "",
    ].join("\n"),
  );
  progress(`starting the server: ${server.label}`);
  const api = spawnNode("server", server.file, ["--config", configFile], {
    tsx: server.tsx,
    exitWithParent: true,
    // Node refuses --cpu-prof in NODE_OPTIONS: it goes on the server's own command line.
    nodeArgs: [...options.nodeArgs, ...(options.cpuProfDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", options.cpuProfDir])],
  });
  const [, apiUrl] = await api.waitFor(/"message":"listening"[^\n]*?"url":"(https:\/\/127\.0\.0\.1:\d+)"/, 60_000);

  const simCalls = async (): Promise<{ total: number; routes: Record<string, number> }> => {
    const response = await fetch(`${simUrl}/_simulator/calls`, { signal: AbortSignal.timeout(10_000) });
    return (await response.json()) as { total: number; routes: Record<string, number> };
  };
  const resetCalls = async () => {
    await fetch(`${simUrl}/_simulator/calls`, { method: "DELETE", signal: AbortSignal.timeout(10_000) });
  };
  /** Waits until the simulator's counters stop moving: requests still in flight have made their calls. */
  const settle = async () => {
    const pause = Math.max(200, options.latency * 3);
    const deadline = Date.now() + 15_000;
    let last = (await simCalls()).total;
    while (Date.now() < deadline) {
      await sleep(pause);
      const now = (await simCalls()).total;
      if (now === last) return;
      last = now;
    }
  };

  // The group must exist before the group operations; then one call of each route must succeed.
  const alice = { authorization: `token ${DEMO_TOKENS.alice}` };
  const created = await httpsCall(`${apiUrl}/api/v1/group-create?team=platform`, "POST", alice, certificate.cert);
  if (created.status !== 200 && created.status !== 409) throw new Error(`group-create answered ${created.status}: ${created.body}`);
  for (const name of options.routes) {
    const call = ROUTE_CALLS[name];
    const answer = await httpsCall(`${apiUrl}${call.path}`, call.method, call.auth ? alice : {}, certificate.cert);
    if (answer.status !== 200) throw new Error(`${name} answered ${answer.status} before the benchmark: ${answer.body}`);
  }

  if (options.flood !== undefined) {
    const flood = await runFlood({
      url: apiUrl!,
      ca: certificate.cert,
      serverPid: api.pid,
      target: options.flood,
      durationSeconds: options.duration,
      caps: options.floodCaps ? "the defaults" : "lifted (--flood-caps off)",
      maintainer: { path: ROUTE_CALLS["token-register"].path, authorization: alice.authorization },
      progress,
    });
    const header = `${info.cpuModel}, ${info.cores} cores, node ${info.node}, ${info.platform}; server: node ${[...options.nodeArgs, server.label].join(" ")}`;
    console.log(formatFlood(flood, header));
    if (options.json) writeFileSync(options.json, `${JSON.stringify({ startedAt, machine: info, flood }, null, 2)}\n`);
    return floodOk(flood) ? 0 : 1;
  }

  if (options.hostile !== undefined) {
    const hostile = await runHostile({
      url: apiUrl!,
      ca: certificate.cert,
      durationSeconds: options.hostile,
      hostileAuthorization: `token ${DEMO_TOKENS.dave}`,
      maintainer: { path: ROUTE_CALLS["token-register"].path, authorization: alice.authorization },
      simCalls,
      resetCalls,
      progress,
    });
    const header = `${info.cpuModel}, ${info.cores} cores, node ${info.node}, ${info.platform}; server: node ${[...options.nodeArgs, server.label].join(" ")}; GitHub latency ${options.latency} ms`;
    console.log(formatHostile(hostile, header));
    if (options.json)
      writeFileSync(
        options.json,
        `${JSON.stringify({ startedAt, machine: info, hostile }, null, 2)}
`,
      );
    return hostileOk(hostile) ? 0 : 1;
  }

  const auth = (needed: boolean): LoadJob["auth"] =>
    !needed ? undefined : options.distinctUsers ? { distinctUsers: options.distinctUsers } : { token: DEMO_TOKENS.alice };
  const bound = (seconds: number) => seconds + 120;

  interface RowSpec {
    name: string;
    url: string;
    method: string;
    auth: LoadJob["auth"];
    rss: { pid: number; of: Row["rssOf"] };
    countCalls: boolean;
  }
  const measure = async (spec: RowSpec): Promise<Row> => {
    progress(`${spec.name}: warming up`);
    // A fixed number of requests, all answered: nothing is left in flight to blur the counters.
    await load.run({ url: spec.url, method: spec.method, connections, amount: Math.max(connections, 10), auth: spec.auth }, bound(60));
    if (spec.countCalls) {
      await settle();
      await resetCalls();
    }
    progress(`${spec.name}: ${options.duration} s with ${connections} connections`);
    const sampler = sampleRss(spec.rss.pid);
    const cpuBefore = cpuMs(spec.rss.pid);
    const result = await load.run(
      { url: spec.url, method: spec.method, connections, duration: options.duration, auth: spec.auth },
      bound(options.duration),
    );
    const peakRssMB = sampler.stop();
    let calls: { total: number; routes: Record<string, number> } | undefined;
    if (spec.countCalls) {
      await settle();
      calls = await simCalls();
    }
    // After settle(): the requests still in flight when the load stopped have been served, as `sent` counts them.
    const cpuAfter = cpuMs(spec.rss.pid);
    return {
      ...result,
      name: spec.name,
      // `sent` counts the requests still in flight when the run stopped: the server served them too.
      githubCallsPerRequest: calls && result.sent > 0 ? calls.total / result.sent : null,
      githubCalls: calls?.routes ?? {},
      peakRssMB,
      cpuMsPerRequest: cpuBefore !== null && cpuAfter !== null && result.sent > 0 ? (cpuAfter - cpuBefore) / result.sent : null,
      rssOf: spec.rss.of,
      latencyRatioP50: null,
      latencyRatioP99: null,
      throughputRatio: null,
    };
  };

  const direct = await measure({
    name: "direct GitHub call (GET /user)",
    url: `${simUrl}/user`,
    method: "GET",
    auth: auth(true),
    rss: { pid: simulator.pid, of: "simulator" },
    countCalls: true,
  });
  const routes: Partial<Record<RouteName, Row>> = {};
  for (const name of options.routes) {
    const call = ROUTE_CALLS[name];
    routes[name] = await measure({
      name,
      url: `${apiUrl}${call.path}`,
      method: call.method,
      auth: auth(call.auth),
      rss: { pid: api.pid, of: "server" },
      countCalls: true,
    });
  }
  const oneCall = await measure({
    name: "Express + one GitHub call",
    url: `${helloUrl}/github`,
    method: "GET",
    auth: auth(true),
    rss: { pid: hello.pid, of: "hello-world" },
    countCalls: true,
  });
  const helloWorld = await measure({
    name: "hello-world (Express, HTTPS)",
    url: `${helloUrl}/`,
    method: "GET",
    auth: undefined,
    rss: { pid: hello.pid, of: "hello-world" },
    countCalls: false,
  });

  for (const row of [...Object.values(routes), direct, oneCall, helloWorld]) {
    row.latencyRatioP50 = direct.latencyMs.p50 > 0 ? row.latencyMs.p50 / direct.latencyMs.p50 : null;
    row.latencyRatioP99 = direct.latencyMs.p99 > 0 ? row.latencyMs.p99 / direct.latencyMs.p99 : null;
    row.throughputRatio = helloWorld.requestsPerSecond > 0 ? row.requestsPerSecond / helloWorld.requestsPerSecond : null;
  }

  let soak: SoakReport | undefined;
  const soakSeconds = options.soak;
  if (soakSeconds) {
    const call = ROUTE_CALLS["token-register"];
    const url = `${apiUrl}${call.path}`;
    progress(`soak: token-register for ${soakSeconds} s, RSS every ${SOAK_SAMPLE_SECONDS} s`);
    await load.run({ url, method: call.method, connections, amount: Math.max(connections, 10), auth: auth(true) }, bound(60));
    await settle();
    await resetCalls();
    const started = performance.now();
    const samples: SoakReport["samples"] = [];
    const sample = () => {
      const rss = rssMB(api.pid);
      const atSeconds = Math.round((performance.now() - started) / 1000);
      if (rss !== null) samples.push({ atSeconds, rssMB: rss });
      if (rss !== null && samples.length > 1) progress(`soak: t=${atSeconds} s RSS ${rss.toFixed(1)} MB`);
    };
    sample();
    const timer = setInterval(sample, SOAK_SAMPLE_SECONDS * 1000);
    let result: LoadResult;
    try {
      result = await load.run({ url, method: call.method, connections, duration: soakSeconds, auth: auth(true) }, bound(soakSeconds));
    } finally {
      clearInterval(timer);
    }
    if (samples.length === 0 || (samples.at(-1)?.atSeconds ?? 0) < soakSeconds) sample();
    await settle();
    const calls = await simCalls();
    soak = {
      route: "token-register",
      durationSeconds: soakSeconds,
      samples,
      slopeMBPerMinute: slope(samples.map((s) => ({ x: s.atSeconds / 60, y: s.rssMB }))),
      secondHalfSlopeMBPerMinute: slope(
        samples.filter((s) => s.atSeconds >= soakSeconds / 2).map((s) => ({ x: s.atSeconds / 60, y: s.rssMB })),
      ),
      load: result,
      githubCallsPerRequest: result.sent > 0 ? calls.total / result.sent : null,
    };
  }

  const allRows = [...Object.values(routes), direct, oneCall, helloWorld, ...(soak ? [soak.load] : [])];
  const report: BenchReport = {
    startedAt,
    machine: info,
    settings: {
      durationSeconds: options.duration,
      connections,
      githubLatencyMs: options.latency,
      distinctUsers: options.distinctUsers ?? null,
      smoke: options.smoke,
      server: `node ${[...options.nodeArgs, server.label].join(" ")}${options.nodeArgsAreTheImage ? " (the image's NODE_OPTIONS)" : ""}`,
    },
    routes,
    direct,
    oneCall,
    helloWorld,
    targets: evaluateTargets(routes, { oneCall, helloWorld }),
    ...(soak ? { soak } : {}),
    allOk: allRows.every(rowOk),
  };
  console.log(formatReport(report));
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    progress(`figures written to ${options.json}`);
  }
  if (!report.allOk) {
    console.log("\nSome answers were not 200 (see the last column): the figures above do not measure the happy path.");
    return 1;
  }
  return 0;
}

// ---- process lifecycle: every child is stopped, however the benchmark ends ----

let options: Options | "help";
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n${USAGE}`);
  process.exit(2);
}
if (options === "help") {
  console.log(USAGE);
  process.exit(0);
}

const tmp = mkdtempSync(join(tmpdir(), "arm-bench-"));
let finishing = false;
const finish = async (code: number) => {
  if (finishing) return;
  finishing = true;
  await stopAll();
  rmSync(tmp, { recursive: true, force: true });
  process.exit(code);
};
process.on("exit", () => {
  killAllNow();
  rmSync(tmp, { recursive: true, force: true });
});
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
] as const) {
  // `on`, not `once`: a second signal (tsx relays one it thinks was missed) must not end us before the children.
  process.on(signal, () => {
    if (!finishing) progress(`${signal}: stopping`);
    void finish(code);
  });
}
progress(
  `${options.routes.length} routes × ${options.duration} s, ${options.connections} connections, GitHub latency ${options.latency} ms` +
    `${options.soak ? `, then a ${options.soak} s soak` : ""}; progress on stderr, the report on stdout`,
);
main(options, tmp).then(
  (code) => finish(code),
  (error: unknown) => {
    if (!finishing) console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    return finish(1);
  },
);
