/**
 * `actions-runner-manager serve` as users run it: the built command (`node dist/cli.js serve …`, what
 * `npm start` runs) as a process, against the GitHub simulator over real HTTP on 127.0.0.1.
 * --help, --version, refused arguments; --check-config on a good App and on a wrong App ID, installation ID
 * and private key; the credentials checked at start-up; SIGTERM during the start; the plain-HTTP warning.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test, type TestContext } from "node:test";
import { startSimulator } from "../../src/simulator/index.js";
import { REPO_ROOT, spawnBuilt, writeServerConfig, type Spawned } from "../helpers/processes.js";

const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string; scripts: { start: string } };
/** No configuration file anywhere: a directory without config.yml, and no $CONFIG_PATH. */
const NOWHERE = { cwd: mkdtempSync(join(tmpdir(), "arm-serve-")), env: { CONFIG_PATH: "" } };
const FLAGS = ["--config PATH", "--check-config", "--help", "--version"];

async function simulator(t: TestContext) {
  const github = await startSimulator();
  t.after(() => github.close());
  return github;
}

function run(t: TestContext, args: string[], options?: { cwd?: string; env?: Record<string, string> }): Spawned {
  const spawned = spawnBuilt(["serve", ...args], options);
  t.after(() => spawned.child.kill("SIGKILL"));
  return spawned;
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms).unref())]);

const jsonLines = (text: string) =>
  text
    .trim()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("actions-runner-manager serve: --help, --version and refused arguments, without any configuration", () => {
  test("when --help is given, then the usage (every flag, where the file is looked for, the exit codes) goes to stdout, exit 0", async (t) => {
    for (const flag of ["--help", "-h"]) {
      const serve = run(t, [flag], NOWHERE);
      assert.equal(await serve.exited, 0, serve.stderr());
      const usage = serve.stdout();
      for (const shown of FLAGS) assert.ok(usage.includes(shown), `${flag}: ${shown} missing from the usage`);
      assert.match(usage, /\$CONFIG_PATH.*\/etc\/actions-runner-manager\/config\.yml and \.\/config\.yml/s);
      assert.match(usage, /Exit codes:\n {2}0 .*\n {2}1 .*appID, installationID or privateKey.*\n {2}2 /s);
      assert.equal(serve.stderr(), "");
    }
  });

  test("when --version is given, then package.json's version is printed, exit 0", async (t) => {
    const serve = run(t, ["--version"], NOWHERE);
    assert.equal(await serve.exited, 0, serve.stderr());
    assert.equal(serve.stdout(), `${packageJson.version}\n`);
  });

  test("when an unknown flag or a positional argument is given, then exit 2, naming it and listing the flags, and nothing starts", async (t) => {
    for (const args of [["--port", "8443"], ["--confg", "x.yml"], ["config.yml"], ["--check-config=yes"]]) {
      const serve = run(t, args, NOWHERE);
      assert.equal(await serve.exited, 2, args.join(" "));
      const said = serve.stderr();
      assert.ok(said.includes(args[0]!.replace(/=.*/, "")), `${args.join(" ")}: ${said}`);
      for (const shown of FLAGS) assert.ok(said.includes(shown), `${args.join(" ")}: ${shown} not listed in ${said}`);
      assert.equal(serve.stdout(), "");
    }
  });

  test("when npm start runs the server, then it is this command", () => {
    assert.equal(packageJson.scripts.start, "node dist/cli.js serve");
  });
});

describe("actions-runner-manager serve --check-config", () => {
  test("when the App, its installation and its key are right, then what GitHub said is printed and the exit is 0", async (t) => {
    const github = await simulator(t);
    const check = run(t, ["--check-config", "--config", writeServerConfig(github)]);
    assert.equal(await check.exited, 0, check.stderr());
    const said = check.stdout();
    assert.match(said, /App: Actions Runner Manager \(slug actions-runner-manager, ID 424242\)/);
    assert.match(said, /Installation: 4242 on organization acme .*an installation token was minted/);
    assert.match(said, /organization_self_hosted_runners: write — needed/);
    assert.match(said, /members: read — needed/);
    assert.match(said, /All well/);
    assert.equal(check.stderr(), "");
    assert.equal(github.state.installationTokens.size, 1, "one installation token minted");
    assert.equal(github.state.mintedTokens.length, 0, "no runner token minted");
  });

  test("when the server is GitHub Enterprise Server, then its release is printed", async (t) => {
    const github = await startSimulator({ enterpriseVersion: "3.14.2", pathPrefix: "/api/v3" });
    t.after(() => github.close());
    const check = run(t, ["--check-config", "--config", writeServerConfig(github)]);
    assert.equal(await check.exited, 0, check.stderr() + check.stdout());
    assert.match(check.stdout(), /GitHub Enterprise Server 3\.14\.2/);
  });

  const wrong: Array<{ key: string; extra: (dir: string) => Record<string, unknown> }> = [
    { key: "appID", extra: () => ({ appID: 424243 }) },
    { key: "installationID", extra: () => ({ installationID: 999 }) },
    {
      key: "privateKey",
      extra: (dir) => {
        const keyFile = join(dir, "another.pem");
        const other = generateKeyPairSync("rsa", {
          modulusLength: 2048,
          privateKeyEncoding: { type: "pkcs1", format: "pem" },
          publicKeyEncoding: { type: "spki", format: "pem" },
        }).privateKey;
        writeFileSync(keyFile, other, { mode: 0o600 });
        return { privateKeyFile: keyFile };
      },
    },
  ];
  for (const { key, extra } of wrong) {
    test(`when ${key} is wrong, then exit 1 with a message naming ${key}, and nothing secret printed`, async (t) => {
      const github = await simulator(t);
      const dir = mkdtempSync(join(tmpdir(), "arm-check-"));
      const check = run(t, ["--check-config", "--config", writeServerConfig(github, { dir, extra: extra(dir) })]);
      assert.equal(await check.exited, 1, check.stdout() + check.stderr());
      const said = check.stderr();
      assert.match(said, new RegExp(`^The GitHub App's credentials are refused: .*\\b${key}\\b.*is wrong`, "m"));
      assert.doesNotMatch(check.stdout(), /All well/);
      const keyBody = github.sim.appPrivateKey!.split("\n")[5]!;
      for (const text of [check.stdout(), said]) {
        assert.ok(!text.includes(keyBody) && !text.includes("PRIVATE KEY"), "a private key reached the output");
        assert.doesNotMatch(text, /ghs_|eyJ/, "a token reached the output");
      }
      assert.equal(github.state.installationTokens.size, 0, "no installation token minted with wrong credentials");
    });
  }

  test("when GitHub cannot be reached, then exit 9 saying so, naming no key", async (t) => {
    const github = await simulator(t);
    const closed = await unusedPort();
    const check = run(t, ["--check-config", "--config", writeServerConfig(github, { extra: { baseUrl: `http://127.0.0.1:${closed}` } })]);
    assert.equal(await check.exited, 9, check.stderr());
    assert.match(check.stderr(), /could not be checked: GitHub could not be reached/);
  });

  test("when the configuration is invalid, then exit 2 listing the problem, and GitHub is not asked", async (t) => {
    const github = await simulator(t);
    const check = run(t, ["--check-config", "--config", writeServerConfig(github, { extra: { appID: "abc" } })]);
    assert.equal(await check.exited, 2);
    assert.match(check.stderr(), /appID/);
    assert.equal(github.sim.calls(), 0);
  });
});

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
async function unusedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe("actions-runner-manager serve: start-up", () => {
  test("when started with a configuration, then it serves /healthz over HTTP on 127.0.0.1, gives no plain-HTTP warning there, and exits 0 on SIGTERM", async (t) => {
    const github = await simulator(t);
    const serve = run(t, ["--config", writeServerConfig(github)]);
    const [, url] = await serve.waitFor(/"message":"listening","url":"(http:\/\/127\.0\.0\.1:\d+)"/);
    const health = await fetch(`${url}/healthz`);
    assert.deepEqual([health.status, await health.json()], [200, { Code: 200, Response: "ok" }]);
    await serve.waitFor(/is installed on acme/); // the start-up check, passed
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    serve.child.kill("SIGTERM");
    assert.equal(await serve.exited, 0);
    const lines = jsonLines(serve.stdout());
    assert.ok(lines.some((l) => l.message === "starting actions-runner-manager" && l.version === packageJson.version));
    assert.ok(!lines.some((l) => /clear text/.test(String(l.message))), "a warning for a loopback address");
    assert.ok(!lines.some((l) => l.level === "error"), JSON.stringify(lines.filter((l) => l.level === "error")));
  });

  test("when it serves plain HTTP on 0.0.0.0, then a start-up warning says tokens travel in clear text and how to configure TLS", async (t) => {
    const github = await simulator(t);
    const serve = run(t, ["--config", writeServerConfig(github, { server: { address: "0.0.0.0" } })]);
    await serve.waitFor(/"message":"listening"/);
    serve.child.kill("SIGTERM");
    assert.equal(await serve.exited, 0);
    const warning = jsonLines(serve.stdout()).find((l) => /clear text/.test(String(l.message)));
    assert.ok(warning, serve.stdout());
    assert.equal(warning.level, "warn");
    assert.match(String(warning.message), /server\.address 0\.0\.0\.0 serves plain HTTP/);
    assert.match(String(warning.message), /server\.tls \(enabled: true, certFile, keyFile\)/);
  });

  test("when the App ID is wrong, then the error naming appID is logged at once, and /readyz stays 503 in the same words", async (t) => {
    const github = await simulator(t);
    const serve = run(t, ["--config", writeServerConfig(github, { extra: { appID: 424243 } })]);
    const [, url] = await serve.waitFor(/"message":"listening","url":"(http:\/\/127\.0\.0\.1:\d+)"/);
    // no probe, no caller: the start-up check alone finds it
    await serve.waitFor(/credentials are refused/);
    const error = jsonLines(serve.stdout()).find((l) => /credentials are refused/.test(String(l.message)))!;
    assert.equal(error.level, "error");
    assert.match(String(error.message), /appID or privateKey is wrong: .*App ID 424243/);
    assert.deepEqual(error.keys, ["appID", "privateKey"]);
    for (let probe = 0; probe < 2; probe++) {
      const ready = await fetch(`${url}/readyz`);
      const body = (await ready.json()) as { Code: number; Error: string };
      assert.equal(ready.status, 503);
      assert.equal(body.Code, 503);
      assert.match(body.Error, /^Not ready: the GitHub App's credentials are refused: appID or privateKey is wrong/);
    }
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  });

  test("when SIGTERM comes while the start waits on Redis, then the process stops at once with exit 0, never listening", async (t) => {
    const github = await simulator(t);
    // Redis that never answers: the start waits for it up to redis.connectTimeoutMs (a minute here)
    const silent = createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    t.after(() => silent.close());
    const { port } = silent.address() as { port: number };
    const serve = run(t, [
      "--config",
      writeServerConfig(github, { extra: { redis: { url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 60_000 } } }),
    ]);
    const redisAsked = new Promise<void>((done) => silent.once("connection", () => done()));
    await within(redisAsked, 15_000, "the server never connected to Redis");
    serve.child.kill("SIGTERM");
    assert.equal(await within(serve.exited, 5_000, "SIGTERM during start-up"), 0, serve.stderr());
    const lines = jsonLines(serve.stdout());
    assert.ok(
      lines.some((l) => l.message === "SIGTERM received during start-up; stopping"),
      serve.stdout(),
    );
    assert.ok(!lines.some((l) => l.message === "listening"));
  });
});
