import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createPrivateKey } from "node:crypto";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, test } from "node:test";
import { DEMO_TOKENS } from "../../src/simulator/index.js";

function runCli(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/simulator/cli.ts", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      lines.push(line);
      if (lines.length === 1) resolve(line);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code} before printing`)));
  });
  firstLine.catch(() => {}); // a test of a failing start awaits `exited` instead
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, firstLine, lines, exited, stderr: () => stderr };
}

describe("npm run simulator", () => {
  test("when started on port 0, then it prints its URL first, serves the demo organization, writes the App key when asked, and exits 0 on SIGTERM", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "sim-cli-"));
    const keyFile = join(dir, "app.pem");
    const cli = runCli(["--port", "0", "--app-key-out", keyFile]);
    t.after(() => cli.child.kill("SIGKILL"));
    const url = await cli.firstLine;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const me = await fetch(`${url}/user`, { headers: { authorization: `token ${DEMO_TOKENS.alice}` } });
    assert.equal(((await me.json()) as { login: string }).login, "alice");
    await new Promise((resolve) => setTimeout(resolve, 50));
    // a usable RSA key, in PKCS#1 as GitHub issues App keys
    const pem = readFileSync(keyFile, "utf8");
    assert.equal(createPrivateKey(pem).asymmetricKeyType, "rsa");
    assert.ok(pem.startsWith("-----BEGIN RSA "), "PKCS#1");
    cli.child.kill("SIGTERM");
    assert.equal(await cli.exited, 0);
  });

  test("when given a seed file and a GHES prefix, then it serves that organization under /api/v3", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "sim-cli-"));
    const seedFile = join(dir, "seed.yml");
    writeFileSync(seedFile, "org: { login: initech }\nusers: [{ login: peter, tokens: [tps-report] }]\n");
    const cli = runCli(["--seed", seedFile, "--path-prefix", "/api/v3"]);
    t.after(() => cli.child.kill("SIGKILL"));
    const url = await cli.firstLine;
    assert.match(url, /\/api\/v3$/);
    const me = await fetch(`${url}/user`, { headers: { authorization: "token tps-report" } });
    assert.equal(((await me.json()) as { login: string }).login, "peter");
    cli.child.kill("SIGTERM");
    assert.equal(await cli.exited, 0);
  });

  test("when given a GHES release and prefix, then it says so and every answer carries X-GitHub-Enterprise-Version", async (t) => {
    const cli = runCli(["--path-prefix", "/api/v3", "--enterprise-version", "3.9"]);
    t.after(() => cli.child.kill("SIGKILL"));
    const url = await cli.firstLine;
    assert.match(url, /\/api\/v3$/);
    const me = await fetch(`${url}/user`, { headers: { authorization: `token ${DEMO_TOKENS.alice}` } });
    assert.equal(me.status, 200);
    assert.equal(me.headers.get("x-github-enterprise-version"), "3.9.0");
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(cli.lines[1] ?? "", /as GitHub Enterprise Server 3\.9\.0/);
    cli.child.kill("SIGTERM");
    assert.equal(await cli.exited, 0);
  });

  test("when the seed file is invalid or an option is wrong, then it exits 2 with a message naming the problem", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-cli-"));
    const seedFile = join(dir, "bad.yml");
    writeFileSync(seedFile, "org: { login: acme }\nteams: [{ slug: t, members: [{ login: ghost }] }]\n");
    const bad = runCli(["--seed", seedFile]);
    assert.equal(await bad.exited, 2);
    assert.match(bad.stderr(), /teams\.0\.members\.0: no user ghost/);
    const port = runCli(["--port", "99999"]);
    assert.equal(await port.exited, 2);
    assert.match(port.stderr(), /--port must be a port number/);
    const release = runCli(["--enterprise-version", "latest"]);
    assert.equal(await release.exited, 2);
    assert.match(release.stderr(), /--enterprise-version: .*"latest"/);
  });
});
