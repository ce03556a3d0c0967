/**
 * The README's "Runner hosts" (issue 14), each flow run as a host or a CI job would run it: the README's shell
 * blocks and the files under examples/ call the built client (on PATH as `actions-runner-manager`) against the
 * service and the GitHub simulator over HTTPS. A fake `run.sh` stands in for the runner software. The Nix file
 * cannot be evaluated here (no Nix): its option names are held to nixpkgs' module, and its client command is run.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test, type TestContext } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import { DEMO_TOKENS } from "../../src/simulator/index.js";
import { BUILT_CLI, runCli } from "../helpers/cli.js";
import { REPO_ROOT } from "../helpers/processes.js";
import { clientOnPath, codeBlocks, README, readmeSection } from "../helpers/readme.js";
import { startTestApp, type TestApp } from "../helpers/start-test-app.js";

const example = (path: string) => readFileSync(join(REPO_ROOT, "examples", path), "utf8");
const CLIENT_PATH = clientOnPath();

async function start(t: TestContext): Promise<TestApp> {
  const app = await startTestApp();
  t.after(() => app.close());
  return app;
}

/** A runner host's environment: the client on PATH, the service, the caller's token, the service's CA. */
function hostEnv(app: TestApp, token: string | undefined): Record<string, string> {
  return {
    PATH: `${CLIENT_PATH}:${process.env.PATH ?? ""}`,
    ACTIONS_RUNNER_MANAGER_URL: app.url,
    NODE_EXTRA_CA_CERTS: app.caFile,
    ...(token !== undefined ? { GITHUB_TOKEN: token } : {}),
  };
}

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a process to its end without blocking this process' event loop, where the service under test answers
 * it; killed after 30 s. Its stdin is closed: a bash whose stdin is a socket would read ~/.bashrc.
 */
function run(command: string, args: readonly string[], options: { cwd: string; env: Record<string, string> }): Promise<Ran> {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((done) =>
    child.once("close", (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    }),
  );
}

const SH = ["sh", "-c"];
const BASH = ["bash", "--noprofile", "--norc", "-c"];
const shell = ([command, ...args]: string[], script: string, options: { cwd: string; env: Record<string, string> }) =>
  run(command!, [...args, script], options);

const show = (ran: Ran) => `exit ${ran.status}\nstdout: ${ran.stdout}\nstderr: ${ran.stderr}`;

async function createGroup(app: TestApp): Promise<string> {
  const created = await runCli(["group-create", "--team", "platform", "--cacert", app.caFile], { env: hostEnv(app, DEMO_TOKENS.alice) });
  assert.equal(created.code, 0, created.stderr);
  return /^Runner group created successfully: (\S+)\n$/.exec(created.stdout)![1]!;
}

const lastMintedToken = (app: TestApp) => app.sim.state.mintedTokens.at(-1)?.token;

/**
 * A stand-in for the runner's run.sh: records its arguments (one JSON line per start in run.sh.calls) and, like
 * the real one, refuses to run without a just-in-time configuration (base64 of GitHub's JSON).
 */
function runnerDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), "arm-runner-"));
  const runSh = join(dir, "run.sh");
  writeFileSync(
    runSh,
    `#!${process.execPath}
const fs = require("node:fs");
const args = process.argv.slice(2);
fs.appendFileSync(__dirname + "/run.sh.calls", JSON.stringify(args) + "\\n");
let config;
try { config = JSON.parse(Buffer.from(args[1] ?? "", "base64").toString("utf8")); } catch {}
if (args.length !== 2 || args[0] !== "--jitconfig" || typeof config?.[".runner"] !== "string") {
  console.error("run.sh: --jitconfig is not a just-in-time configuration");
  process.exit(1);
}
console.log("run.sh: runs one job");
`,
  );
  chmodSync(runSh, 0o755);
  return dir;
}

const runShCalls = (dir: string): string[][] =>
  existsSync(join(dir, "run.sh.calls"))
    ? readFileSync(join(dir, "run.sh.calls"), "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as string[])
    : [];

describe("Runner hosts: an ephemeral runner with ./run.sh --jitconfig", () => {
  const blocks = codeBlocks(README, "sh").filter((block) => block.includes("./run.sh --jitconfig"));
  // the README's own one-liner, which it shows and then warns about: a failed $(…) still starts run.sh
  const failsOpen = (block: string) => /\.\/run\.sh --jitconfig "\$\(actions-runner-manager /.test(block);

  test("the README shows the one-liner, the form that stops on failure, and the --out form", () => {
    const section = codeBlocks(readmeSection("### An ephemeral runner (just-in-time)"), "sh");
    assert.deepEqual(section, [
      `./run.sh --jitconfig "$(actions-runner-manager runner-jitconfig --team platform --labels linux,x64)"\n`,
      ...section.slice(1),
    ]);
    assert.ok(section.some((block) => /\|\| exit\n/.test(block) && !failsOpen(block)));
    assert.ok(section.some((block) => block.includes("--out .jitconfig") && block.includes('"$(cat .jitconfig)"')));
    assert.ok(blocks.length >= 4, `${blocks.length} blocks start run.sh`);
  });

  test("when a maintainer runs each block, then run.sh starts once with a configuration of a runner in the team's group", async (t) => {
    const app = await start(t);
    const groupName = await createGroup(app);
    const groupId = [...app.sim.state.runnerGroups.values()].find((g) => g.name === groupName)!.id;
    for (const block of blocks) {
      const dir = runnerDirectory();
      const before = app.sim.state.runners.size;
      const ran = await shell(SH, block, { cwd: dir, env: hostEnv(app, DEMO_TOKENS.alice) });
      assert.equal(ran.status, 0, `${block}\n${show(ran)}`);
      const calls = runShCalls(dir);
      assert.equal(calls.length, 1, block);
      assert.equal(calls[0]![0], "--jitconfig");
      assert.equal(app.sim.state.runners.size, before + 1, "one runner registered");
      const runner = [...app.sim.state.runners.values()].at(-1)!;
      assert.equal(runner.groupId, groupId, "in the team's group");
      assert.ok(["linux", "x64"].every((label) => runner.labels.some((l) => l.name === label)));
      assert.deepEqual(
        readdirSync(dir).sort(),
        ["run.sh", "run.sh.calls"],
        "nothing left behind: the --out block removes its file, and no temporary file remains",
      );
    }
  });

  test("when the caller is refused, then the README's forms do not start run.sh; the one-liner starts it with an empty --jitconfig", async (t) => {
    const app = await start(t);
    await createGroup(app);
    const runners = app.sim.state.runners.size;
    for (const block of blocks) {
      const dir = runnerDirectory();
      const ran = await shell(SH, block, { cwd: dir, env: hostEnv(app, DEMO_TOKENS.bob) });
      assert.match(ran.stderr, /403: User is not a maintainer/, block);
      if (failsOpen(block)) {
        // what the README warns of, so that the warning stays true
        assert.deepEqual(runShCalls(dir), [["--jitconfig", ""]], block);
        assert.notEqual(ran.status, 0);
      } else {
        assert.equal(ran.status, 4, `${block}\n${show(ran)}`);
        assert.deepEqual(runShCalls(dir), [], `run.sh must not start: ${block}`);
      }
    }
    assert.equal(app.sim.state.runners.size, runners, "no runner registered");
  });
});

describe("Runner hosts: a CI job", () => {
  test("examples/ci/mint-token.sh writes the token 0600 for a maintainer, and exits with the client's code otherwise", async (t) => {
    const app = await start(t);
    const script = join(REPO_ROOT, "examples/ci/mint-token.sh");
    const dir = mkdtempSync(join(tmpdir(), "arm-ci-"));
    const file = join(dir, "runner-token");

    const usage = await run("sh", [script], { cwd: dir, env: hostEnv(app, DEMO_TOKENS.alice) });
    assert.equal(usage.status, 2, "without arguments: usage");
    const minted = await run("sh", [script, "platform", file], { cwd: dir, env: hostEnv(app, DEMO_TOKENS.alice) });
    assert.equal(minted.status, 0, show(minted));
    assert.ok(!minted.stdout.includes(lastMintedToken(app)!) && !minted.stderr.includes(lastMintedToken(app)!));
    assert.equal(readFileSync(file, "utf8"), lastMintedToken(app), "exactly the token GitHub minted, no newline");
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const tokenFile = join(dir, "github-token");
    writeFileSync(tokenFile, `${DEMO_TOKENS.alice}\n`, { mode: 0o600 });
    const fromFile = await run("sh", [script, "platform", file], {
      cwd: dir,
      env: { ...hostEnv(app, undefined), GITHUB_TOKEN_FILE: tokenFile },
    });
    assert.equal(fromFile.status, 0, show(fromFile));
    assert.equal(readFileSync(file, "utf8"), lastMintedToken(app));

    const refusedFile = join(dir, "refused-token");
    const refused = await run("sh", [script, "platform", refusedFile], { cwd: dir, env: hostEnv(app, DEMO_TOKENS.bob) });
    assert.equal(refused.status, 4, show(refused));
    assert.match(refused.stderr, /403: User is not a maintainer[\s\S]*refused \(exit 4\); trying again will not help/);
    assert.equal(existsSync(refusedFile), false);

    const noToken = await run("sh", [script, "platform", refusedFile], { cwd: dir, env: hostEnv(app, undefined) });
    assert.equal(noToken.status, 3);
    assert.match(noToken.stderr, /set GITHUB_TOKEN or GITHUB_TOKEN_FILE/);
  });

  test("examples/ci/mint-token.sh is shellcheck-clean", (t) => {
    if (spawnSync("shellcheck", ["--version"]).status !== 0) return t.skip("shellcheck is not installed (.ci/run installs it)");
    const checked = spawnSync("shellcheck", ["examples/ci/mint-token.sh"], { cwd: REPO_ROOT, encoding: "utf8" });
    assert.equal(checked.status, 0, checked.stdout);
  });

  test("the GitHub Actions example's step calls the client, stops the job when refused, and hides nothing", async (t) => {
    const workflow = parse(example("ci/github-actions.yml")) as {
      permissions: Record<string, string>;
      defaults: { run: { shell: string } };
      jobs: Record<string, { steps: Array<{ uses?: string; run?: string; env?: Record<string, string>; "continue-on-error"?: unknown }> }>;
    };
    assert.deepEqual(workflow.permissions, { contents: "read" });
    // GitHub runs `shell: bash` as bash --noprofile --norc -eo pipefail {0}
    assert.equal(workflow.defaults.run.shell, "bash");
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    for (const step of steps) {
      assert.doesNotMatch(step.run ?? "", /\|\|\s*true|\|\s*jq/, "nothing may swallow the client's exit code");
      assert.equal(step["continue-on-error"], undefined);
      if (step.uses !== undefined) assert.match(step.uses, /@[0-9a-f]{40}$/, "actions pinned by commit");
    }
    const mint = steps.find((step) => step.run?.includes("actions-runner-manager token-register"))!;
    assert.ok(mint, "a step mints the token with the client");
    assert.match(mint.env!.GITHUB_TOKEN!, /^\$\{\{ secrets\.(?!GITHUB_TOKEN\b)\w+ \}\}$/, "a maintainer's token, not the workflow's own");

    // the step's command, run as GitHub runs it
    const app = await start(t);
    const runnerTemp = mkdtempSync(join(tmpdir(), "arm-runner-temp-"));
    const bash = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]; // GitHub's `shell: bash`
    const ok = await shell(bash, mint.run!, { cwd: runnerTemp, env: { ...hostEnv(app, DEMO_TOKENS.alice), RUNNER_TEMP: runnerTemp } });
    assert.equal(ok.status, 0, show(ok));
    assert.equal(readFileSync(join(runnerTemp, "runner-token"), "utf8"), lastMintedToken(app));
    assert.ok(!ok.stdout.includes(lastMintedToken(app)!) && !ok.stderr.includes(lastMintedToken(app)!), "nothing secret in the job's log");
    const refusedTemp = mkdtempSync(join(tmpdir(), "arm-runner-temp-"));
    const refused = await shell(bash, mint.run!, { cwd: refusedTemp, env: { ...hostEnv(app, DEMO_TOKENS.bob), RUNNER_TEMP: refusedTemp } });
    assert.equal(refused.status, 4, "the step fails, and so does the job");
    assert.deepEqual(readdirSync(refusedTemp), []);
  });

  test("the README's curl variant fails loudly when refused, where `curl -sf … | jq -r` exits 0 with an empty token", async (t) => {
    const [block] = codeBlocks(readmeSection("### A CI job"), "bash");
    assert.ok(block?.includes("--fail-with-body"));
    const app = await start(t);
    const env = (token: string) => ({ ...hostEnv(app, token), CURL_CA_BUNDLE: app.caFile });
    const dir = mkdtempSync(join(tmpdir(), "arm-curl-"));
    const script = `${block}printf %s "$RUNNER_TOKEN" > token.out\n`;

    const ok = await shell(BASH, script, { cwd: dir, env: env(DEMO_TOKENS.alice) });
    assert.equal(ok.status, 0, show(ok));
    assert.equal(readFileSync(join(dir, "token.out"), "utf8"), lastMintedToken(app));

    const refusedDir = mkdtempSync(join(tmpdir(), "arm-curl-"));
    const refused = await shell(BASH, script, { cwd: refusedDir, env: env(DEMO_TOKENS.bob) });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /token-register failed: \{"Code":403,"Error":"User is not a maintainer/);
    assert.equal(existsSync(join(refusedDir, "token.out")), false, "the script stopped before using the token");

    // issue 14's "Why": the form the README no longer shows
    const old = await shell(
      BASH,
      'RUNNER_TOKEN=$(curl -sf -H "Authorization: Bearer $GITHUB_TOKEN" "$ACTIONS_RUNNER_MANAGER_URL/api/v1/token-register?team=platform" | jq -r .Response.token); echo "[$RUNNER_TOKEN]"',
      { cwd: refusedDir, env: env(DEMO_TOKENS.bob) },
    );
    assert.deepEqual([old.status, old.stdout], [0, "[]\n"]);
  });
});

/** The `name = "value";` strings of the Nix file's `let` block, with their ${…} references resolved. */
function nixLetStrings(nix: string): Record<string, string> {
  const raw = Object.fromEntries([...nix.matchAll(/^ {2}(\w+) = "([^"]*)";/gm)].map(([, name, value]) => [name!, value!]));
  const resolve = (value: string): string =>
    value.replace(/\$\{(\w+)\}/g, (whole, name: string) => (name in raw ? resolve(raw[name]!) : whole));
  return Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, resolve(value)]));
}

/** The options nixpkgs' services.github-runners.<name> declares (nixos/modules/services/continuous-integration/github-runner/options.nix). */
const NIXPKGS_RUNNER_OPTIONS = new Set([
  "enable",
  "url",
  "tokenFile",
  "tokenType",
  "name",
  "runnerGroup",
  "extraLabels",
  "noDefaultLabels",
  "replace",
  "extraPackages",
  "extraEnvironment",
  "serviceOverrides",
  "package",
  "ephemeral",
  "user",
  "group",
  "workDir",
  "nodeRuntimes",
]);

describe("Runner hosts: NixOS and actions-runner-controller", () => {
  const nix = example("nixos/runner-host.nix");

  test("the NixOS module sets only options nixpkgs' github-runners module has, and holds no token", () => {
    const runner = /^ {2}services\.github-runners\.\$\{runnerName\} = \{\n([\s\S]*?)^ {2}\};/m.exec(nix)?.[1];
    assert.ok(runner, "a services.github-runners.<name> block");
    const names = [
      ...[...runner.matchAll(/^ {4}(\w+) = /gm)].map(([, name]) => name!),
      ...[...runner.matchAll(/^ {4}inherit ([\w ]+);/gm)].flatMap(([, list]) => list!.split(" ")),
    ];
    for (const name of names) assert.ok(NIXPKGS_RUNNER_OPTIONS.has(name), `services.github-runners.<name>.${name} is no option of nixpkgs`);
    for (const needed of ["url", "tokenFile", "runnerGroup", "ephemeral"]) assert.ok(names.includes(needed), needed);
    assert.match(runner, /^ {4}ephemeral = true;/m);
    const strings = nixLetStrings(nix);
    // a string, not a Nix path literal: a path would be copied into the world-readable Nix store
    assert.match(strings.tokenFile!, /^\/run\//);
    assert.match(strings.organizationUrl!, /^https:\/\/github\.com\/[\w-]+$/, "the organization, not a repository");
    for (const secret of [/gh[pousr]_\w{20,}/, /github_pat_/, /\b[A-Z0-9]{29}\b/, /BEGIN [A-Z ]*PRIVATE KEY/])
      assert.doesNotMatch(nix, secret);
    assert.match(nix, /LoadCredential = "github-token:\/etc\//, "the maintainer's token from a file outside the store");
    assert.match(nix, /ExecStartPre = lib\.mkBefore \[\n\s+"\+/, "a fresh token before the module's own ExecStartPre reads it");
  });

  test("the NixOS unit's client command mints the token into tokenFile (0600, no newline) with the credential", async (t) => {
    const app = await start(t);
    const strings = nixLetStrings(nix);
    const execStart = /ExecStart = "([^"]+)";/.exec(nix)![1]!;
    const dir = mkdtempSync(join(tmpdir(), "arm-nixos-"));
    const credentials = mkdtempSync(join(tmpdir(), "arm-credentials-"));
    writeFileSync(join(credentials, "github-token"), DEMO_TOKENS.alice, { mode: 0o600 });
    const tokenFile = join(dir, "platform");
    const command = execStart
      .replace("${pkgs.nodejs}/bin/node ${client}", `${process.execPath} ${BUILT_CLI}`)
      .replace("${tokenFile}", tokenFile)
      .replace(/\$\{(\w+)\}/g, (whole, name: string) => strings[name] ?? whole)
      .replace("%d", credentials);
    assert.doesNotMatch(command, /\$\{/, command);
    // Environment = [ "ACTIONS_RUNNER_MANAGER_URL=${managerUrl}" ], with the test's service for managerUrl
    assert.match(nix, /Environment = \[ "ACTIONS_RUNNER_MANAGER_URL=\$\{managerUrl\}" \];/);
    const environment = { ACTIONS_RUNNER_MANAGER_URL: app.url };
    const [node, ...args] = command.split(" ");
    const ran = await run(node!, args, { cwd: dir, env: { ...environment, NODE_EXTRA_CA_CERTS: app.caFile } });
    assert.equal(ran.status, 0, show(ran));
    assert.equal(readFileSync(tokenFile, "utf8"), lastMintedToken(app), "exactly the token, as tokenFile wants");
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    assert.ok(!ran.stdout.includes(lastMintedToken(app)!));
  });

  test("every example names the group the service creates for team platform", async (t) => {
    const app = await start(t);
    const created = await createGroup(app);
    assert.ok([...app.sim.state.runnerGroups.values()].some((group) => group.name === created));

    const values = parse(example("arc/values.yaml")) as Record<string, unknown>;
    assert.equal(values.runnerGroup, created, "gha-runner-scale-set's runnerGroup");
    assert.match(String(values.githubConfigUrl), /^https:\/\/github\.com\/[\w-]+$/, "an organization's URL: organization runners");
    assert.equal(typeof values.githubConfigSecret, "string", "ARC's credentials in a Secret, not in the values");

    const [deployment] = parseAllDocuments(example("arc/runner-deployment.yaml")).map((doc) => doc.toJS() as Record<string, any>);
    assert.equal(deployment!.kind, "RunnerDeployment");
    assert.equal(deployment!.spec.template.spec.group, created, "the legacy RunnerDeployment's spec.template.spec.group");

    assert.equal(nixLetStrings(nix).runnerGroup, created, "NixOS' runnerGroup");
    assert.match(example("ci/github-actions.yml"), new RegExp(`--runnergroup ${created} `));
    assert.match(readmeSection("## Runner hosts"), new RegExp(`runnerGroup = "${created}";`));
  });
});
