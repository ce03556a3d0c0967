/**
 * The client (`actions-runner-manager <route>`, issue 14) run as a built process against the service and the
 * GitHub simulator, over real HTTPS: its exit codes, its retries (Retry-After honoured; runner-jitconfig and
 * changes of unknown outcome never sent again), --out's 0600 file, and no secret on stdout, stderr or its
 * command line. A small loopback proxy in front of the service plays the answers the service does not give
 * at will (a 429 with Retry-After: 2, a dropped connection, a held request).
 */
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test, type TestContext } from "node:test";
import { Agent, fetch as undiciFetch } from "undici";
import { DEMO_TOKENS } from "../../src/simulator/index.js";
import { runCli } from "../helpers/cli.js";
import { startTestApp, type TestApp, type TestAppOptions } from "../helpers/start-test-app.js";

const ROUTE = {
  register: "POST /orgs/{org}/actions/runners/registration-token",
  jit: "POST /orgs/{org}/actions/runners/generate-jitconfig",
  createGroup: "POST /orgs/{org}/actions/runner-groups",
} as const;

const VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

async function start(t: TestContext, options: TestAppOptions = {}): Promise<TestApp> {
  const app = await startTestApp(options);
  t.after(() => app.close());
  return app;
}

/** The environment of a runner host: the service's URL and alice's token. */
function hostEnv(app: TestApp, token: string = DEMO_TOKENS.alice): Record<string, string> {
  return { ACTIONS_RUNNER_MANAGER_URL: app.url, GITHUB_TOKEN: token };
}

const calls = (app: TestApp, route: string) => app.sim.journal().filter((entry) => entry.route === route).length;

type ProxyStep = "forward" | "drop" | "hold" | { status: number; headers?: Record<string, string>; body: unknown };

/**
 * A plain-HTTP proxy on 127.0.0.1 in front of the service: each request takes the next step of `steps`
 * (then "forward" once they run out). "hold" forwards only when `release()` is called.
 */
async function startProxy(t: TestContext, app: TestApp, steps: ProxyStep[]) {
  const dispatcher = new Agent({ connect: { ca: readFileSync(app.caFile, "utf8") } });
  const seen: string[] = [];
  let release: () => void = () => undefined;
  const held = new Promise<void>((done) => (release = done));
  let onHeld: () => void = () => undefined;
  const holding = new Promise<void>((done) => (onHeld = done));
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const answer = await undiciFetch(`${app.url}${req.url}`, {
      method: req.method!,
      headers: { authorization: req.headers.authorization ?? "" },
      dispatcher,
    });
    const headers: Record<string, string> = { "content-type": answer.headers.get("content-type") ?? "application/json" };
    const retryAfter = answer.headers.get("retry-after");
    if (retryAfter !== null) headers["retry-after"] = retryAfter;
    res.writeHead(answer.status, headers).end(await answer.text());
  };
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const step = steps.shift() ?? "forward";
    if (step === "drop") return req.socket.destroy();
    if (step === "hold") {
      onHeld();
      return void held.then(() => forward(req, res));
    }
    if (step === "forward") return void forward(req, res);
    res.writeHead(step.status, { "content-type": "application/json", ...step.headers }).end(JSON.stringify(step.body));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  t.after(async () => {
    release();
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
    await dispatcher.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, release, holding };
}

describe("actions-runner-manager: help, version, usage", () => {
  test("--help lists every route's command and the exit codes, and each command has its own --help", async () => {
    const help = await runCli(["--help"]);
    assert.equal(help.code, 0);
    for (const command of ["serve", "token-register", "token-remove", "runner-jitconfig", "group-create", "group-delete", "group-list"]) {
      assert.match(help.stdout, new RegExp(`^  ${command} `, "m"));
    }
    for (const command of ["repos-add", "repos-set", "repos-remove", "runner-delete", "runner-prune", "runner-labels-add", "runner-move"]) {
      assert.match(help.stdout, new RegExp(`^  ${command} `, "m"));
    }
    assert.match(help.stdout, /^ {2}7 {2}rate-limited/m);
    const jit = await runCli(["runner-jitconfig", "--help"]);
    assert.equal(jit.code, 0);
    assert.match(jit.stdout, /--labels a,b/);
    assert.match(jit.stdout, /--out FILE/);
    assert.match(jit.stdout, /never sent again/);
    const move = await runCli(["runner-move", "--help"]);
    assert.match(move.stdout, /^Usage: actions-runner-manager runner-move --team TEAM --runner NAME\|ID --to TEAM/m);
  });

  test("--version prints package.json's version", async () => {
    const run = await runCli(["--version"]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `actions-runner-manager ${VERSION}\n`);
  });

  test("an unknown command, an unknown flag, a missing --team and a token given as a flag exit 2 and say why", async () => {
    const env = { ACTIONS_RUNNER_MANAGER_URL: "https://127.0.0.1:1", GITHUB_TOKEN: DEMO_TOKENS.alice };
    const cases: Array<[string[], RegExp]> = [
      [["token-registr", "--team", "platform"], /unknown command "token-registr"; the commands: serve, status, token-register/],
      [["token-register", "--team", "platform", "--teem", "x"], /Unknown option '--teem'.*token-register --help/],
      [["token-register"], /--team: required/],
      [["repos-add", "--team", "platform"], /--repos: required/],
      [["token-register", "--team", "platform", "--token", "ghp_x"], /--token: a token on the command line shows in `ps`/],
      [["group-list", "--team", "platform", "--url", "ftp://x"], /--url: expected an https:\/\/ URL/],
      [["group-list", "--team", "platform", "--max-wait", "soon"], /--max-wait: expected a number of seconds/],
      [["token-register", "--team", "platform", "--out", "/nonexistent-dir/token"], /--out: cannot write in \/nonexistent-dir \(ENOENT\)/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, { env });
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, "");
    }
  });
});

describe("actions-runner-manager <route> against the service", () => {
  test("token-register prints only the token; status, group-create and group-list print words", async (t) => {
    const app = await start(t);
    const env = hostEnv(app);
    const ca = ["--cacert", app.caFile];
    const token = await runCli(["token-register", "--team", "platform", ...ca], { env });
    assert.equal(token.code, 0, token.stderr);
    assert.match(token.stdout, /^[A-Z0-9]{20,}\n$/, "the token alone, for $(…)");
    assert.equal(token.stderr, "");

    assert.deepEqual(await runCli(["status", ...ca], { env: { ACTIONS_RUNNER_MANAGER_URL: app.url } }).then((r) => [r.code, r.stdout]), [
      0,
      "Server ready\n",
    ]);
    const created = await runCli(["group-create", "--team", "platform", ...ca], { env });
    assert.deepEqual([created.code, created.stdout], [0, "Runner group created successfully: team-platform\n"]);
    const added = await runCli(["repos-add", "--team", "platform", "--repos", "api,web", ...ca], { env });
    assert.equal(added.code, 0, added.stderr);
    const listed = await runCli(["group-list", "--team", "platform", ...ca], { env });
    assert.equal(listed.code, 0);
    assert.match(listed.stdout, /^group team-platform \(id \d+, visibility selected\)\nrepositories: api, web\nrunners: \(none\)\n$/);
    const json = await runCli(["group-list", "--team", "platform", "--json", ...ca], { env });
    assert.deepEqual(JSON.parse(json.stdout).Response.repos, ["api", "web"]);
  });

  test("each refusal exits with its class: 2 invalid, 3 not authenticated, 4 refused, 5 not found, 6 conflict", async (t) => {
    const app = await start(t);
    const ca = ["--cacert", app.caFile];
    const cases: Array<[label: string, args: string[], env: Record<string, string>, code: number, stderr: RegExp]> = [
      ["a team name GitHub cannot have (400)", ["group-list", "--team", "Not A Team!"], hostEnv(app), 2, /group-list: 400: /],
      [
        "no token at all",
        ["token-register", "--team", "platform"],
        { ACTIONS_RUNNER_MANAGER_URL: app.url },
        3,
        /no GitHub token: set \$GITHUB_TOKEN/,
      ],
      [
        "a token GitHub does not know (401)",
        ["token-register", "--team", "platform"],
        hostEnv(app, "ghp_NotAToken000000000000000000000000000"),
        3,
        /: 401: /,
      ],
      [
        "a member, not a maintainer (403)",
        ["token-register", "--team", "platform"],
        hostEnv(app, DEMO_TOKENS.bob),
        4,
        /: 403: User is not a maintainer/,
      ],
      ["no group to delete (404)", ["group-delete", "--team", "platform"], hostEnv(app), 5, /: 404: /],
    ];
    for (const [label, args, env, code, stderr] of cases) {
      const run = await runCli([...args, ...ca], { env });
      assert.equal(run.code, code, `${label}: ${run.stderr}`);
      assert.match(run.stderr, stderr, label);
      assert.equal(run.stdout, "", label);
    }
    assert.equal((await runCli(["group-create", "--team", "platform", ...ca], { env: hostEnv(app) })).code, 0);
    const again = await runCli(["group-create", "--team", "platform", ...ca], { env: hostEnv(app) });
    assert.equal(again.code, 6, again.stderr);
    assert.match(again.stderr, /: 409: /);
    // --json shows the envelope of a refusal as well
    const json = await runCli(["token-register", "--team", "platform", "--json", ...ca], { env: hostEnv(app, DEMO_TOKENS.bob) });
    assert.equal(json.code, 4);
    assert.equal(JSON.parse(json.stdout).Code, 403);
  });

  test("7 when still rate-limited at --max-wait, 8 when the service keeps failing, 9 without a connection or a trusted certificate", async (t) => {
    const app = await start(t, { rateLimit: { perUser: 1 } });
    const ca = ["--cacert", app.caFile];
    assert.equal((await runCli(["group-list", "--team", "platform", ...ca], { env: hostEnv(app) })).code, 5);
    const limited = await runCli(["group-list", "--team", "platform", "--max-wait", "1", ...ca], { env: hostEnv(app) });
    assert.equal(limited.code, 7, limited.stderr);
    assert.match(limited.stderr, /answered 429; gave up: waiting \d+ s as the service asks would pass --max-wait \(1 s\)/);

    const failing = await start(t);
    failing.sim.faults.failNext(ROUTE.register, { status: 500, times: 50 });
    const broken = await runCli(["token-register", "--team", "platform", "--max-wait", "0", "--cacert", failing.caFile], {
      env: hostEnv(failing),
    });
    assert.equal(broken.code, 8, broken.stderr);
    assert.match(broken.stderr, /502/);

    const untrusted = await runCli(["token-register", "--team", "platform"], { env: hostEnv(failing) });
    assert.equal(untrusted.code, 9);
    assert.match(untrusted.stderr, /TLS: DEPTH_ZERO_SELF_SIGNED_CERT/);
    assert.doesNotMatch(untrusted.stderr, /trying again/, "a certificate the client does not trust will not become trusted");

    const closed = await runCli(["token-register", "--team", "platform", "--max-wait", "0", "--url", "https://127.0.0.1:1"], {
      env: hostEnv(failing),
    });
    assert.equal(closed.code, 9);
    assert.match(closed.stderr, /cannot connect to 127\.0\.0\.1:1 \(ECONNREFUSED/);
  });
});

describe("actions-runner-manager: retries", () => {
  test("a 429 with Retry-After: 2 is waited out, then the token comes", async (t) => {
    const app = await start(t);
    const proxy = await startProxy(t, app, [
      { status: 429, headers: { "retry-after": "2" }, body: { Code: 429, Error: "Too many requests" } },
    ]);
    const run = await runCli(["token-register", "--team", "platform", "--url", proxy.url], { env: hostEnv(app) });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^[A-Z0-9]{20,}\n$/);
    assert.match(run.stderr, /the service answered 429; trying again in 2\.\d s \(attempt 2\)/);
    assert.ok(run.tookMs >= 2000, `waited ${run.tookMs} ms`);
    assert.equal(proxy.seen.length, 2);
  });

  test("token-register is tried again after GitHub's 500; runner-jitconfig is sent once and exits 8", async (t) => {
    const app = await start(t);
    app.sim.faults.failNext(ROUTE.register, { status: 500, times: 1 });
    const token = await runCli(["token-register", "--team", "platform", "--cacert", app.caFile], { env: hostEnv(app) });
    assert.equal(token.code, 0, token.stderr);
    assert.match(token.stderr, /the service answered 502; trying again in/);
    assert.equal(calls(app, ROUTE.register), 2);

    assert.equal((await runCli(["group-create", "--team", "platform", "--cacert", app.caFile], { env: hostEnv(app) })).code, 0);
    app.sim.faults.failNext(ROUTE.jit, { status: 500, times: 3 });
    const jit = await runCli(["runner-jitconfig", "--team", "platform", "--cacert", app.caFile], { env: hostEnv(app) });
    assert.equal(jit.code, 8, jit.stderr);
    assert.match(jit.stderr, /not sent again: each attempt would register another runner/);
    assert.equal(calls(app, ROUTE.jit), 1, "GitHub saw one registration");
    assert.equal(jit.stdout, "");
  });

  test("after a dropped connection a read is tried again, a change is not", async (t) => {
    const app = await start(t);
    const proxy = await startProxy(t, app, ["drop", "forward", "drop"]);
    const listed = await runCli(["group-list", "--team", "platform", "--url", proxy.url], { env: hostEnv(app) });
    assert.equal(listed.code, 5, "the second attempt reached the service (no group yet)");
    assert.equal(proxy.seen.length, 2);
    const created = await runCli(["group-create", "--team", "platform", "--url", proxy.url], { env: hostEnv(app) });
    assert.equal(created.code, 9, created.stderr);
    assert.match(created.stderr, /not sent again: the change may have been made/);
    assert.equal(proxy.seen.length, 3);
  });
});

describe("actions-runner-manager --out: the secret only in a 0600 file", () => {
  test("token-register --out replaces the file atomically with mode 0600, and prints nothing secret", async (t) => {
    const app = await start(t);
    const dir = mkdtempSync(join(tmpdir(), "arm-out-"));
    const file = join(dir, "token");
    writeFileSync(file, "an old token", { mode: 0o644 });
    const run = await runCli(["token-register", "--team", "platform", "--out", file, "--cacert", app.caFile], { env: hostEnv(app) });
    assert.equal(run.code, 0, run.stderr);
    const secret = readFileSync(file, "utf8");
    assert.match(secret, /^[A-Z0-9]{20,}$/, "the token alone, without a newline");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ["token"], "no temporary file left behind");
    assert.match(run.stdout, new RegExp(`^wrote the token to ${file}; it expires at \\S+\\n$`));
    assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret));

    const json = await runCli(["token-register", "--team", "platform", "--out", file, "--json", "--cacert", app.caFile], {
      env: hostEnv(app),
    });
    assert.equal(JSON.parse(json.stdout).Response.token, `(written to ${file})`);
  });

  test("runner-jitconfig --out writes the configuration; the command line never holds the token", async (t) => {
    const app = await start(t);
    assert.equal((await runCli(["group-create", "--team", "platform", "--cacert", app.caFile], { env: hostEnv(app) })).code, 0);
    const dir = mkdtempSync(join(tmpdir(), "arm-out-"));
    const tokenFile = join(dir, "github-token");
    writeFileSync(tokenFile, `${DEMO_TOKENS.alice}\n`, { mode: 0o600 });
    const proxy = await startProxy(t, app, ["hold"]);
    let pid = 0;
    const running = runCli(
      [
        "runner-jitconfig",
        "--team",
        "platform",
        "--labels",
        "linux,x64",
        "--out",
        join(dir, "jit"),
        "--url",
        proxy.url,
        "--token-file",
        tokenFile,
      ],
      {
        env: {},
        onStart: (started) => (pid = started),
      },
    );
    await proxy.holding;
    // while the request is held: what `ps` shows, and the process' environment
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    const environment = readFileSync(`/proc/${pid}/environ`, "utf8");
    proxy.release();
    const run = await running;
    assert.equal(run.code, 0, run.stderr);
    assert.match(commandLine, /runner-jitconfig/);
    assert.ok(!commandLine.includes(DEMO_TOKENS.alice) && !environment.includes(DEMO_TOKENS.alice), "the token is in neither");
    const config = readFileSync(join(dir, "jit"), "utf8");
    assert.equal(statSync(join(dir, "jit")).mode & 0o777, 0o600);
    assert.ok(JSON.parse(Buffer.from(config, "base64").toString("utf8"))[".runner"], "a JIT configuration as GitHub encodes it");
    assert.match(
      run.stdout,
      /^wrote the just-in-time configuration of runner platform-[0-9a-f]{10} \(id \d+, labels self-hosted, linux, x64\) to /,
    );
    for (const text of [run.stdout, run.stderr]) assert.ok(!text.includes(config) && !text.includes(DEMO_TOKENS.alice));
  });

  test("an --out directory the client cannot write is refused before anything is minted", async (t) => {
    const app = await start(t);
    const dir = mkdtempSync(join(tmpdir(), "arm-out-"));
    writeFileSync(join(dir, "file"), "");
    chmodSync(join(dir, "file"), 0o600);
    const run = await runCli(["runner-jitconfig", "--team", "platform", "--out", join(dir, "file", "jit"), "--cacert", app.caFile], {
      env: hostEnv(app),
    });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--out: .*not a directory|--out: cannot write in .* \(ENOTDIR\)/);
    assert.equal(calls(app, ROUTE.jit), 0);
  });
});
