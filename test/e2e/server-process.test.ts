/**
 * The production entry point as a process: configuration from a YAML file, GitHub = the simulator over
 * real HTTP, the API over real HTTPS; SIGTERM ends it with 0; a bad configuration stops it with 2.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Agent, fetch } from "undici";
import { DEMO_TOKENS, startSimulator } from "../../src/simulator/index.js";
import { spawnEntry, writeServerConfig } from "../helpers/processes.js";
import { testCertificate } from "../helpers/start-test-app.js";

describe("node dist/main.js (run from src through tsx)", () => {
  test("when started with a config file, then it serves HTTPS against the configured GitHub, logs JSON, and exits 0 on SIGTERM", async (t) => {
    const github = await startSimulator();
    t.after(() => github.close());
    const cert = await testCertificate();
    const configFile = writeServerConfig(github, { server: { tls: { enabled: true, certFile: cert.certFile, keyFile: cert.keyFile } } });
    const server = spawnEntry("src/main.ts", ["--config", configFile]);
    t.after(() => server.child.kill("SIGKILL"));
    const [, url] = await server.waitFor(/"message":"listening","url":"(https:\/\/127\.0\.0\.1:\d+)"/);
    const dispatcher = new Agent({ connect: { ca: cert.cert } });
    t.after(() => dispatcher.close());
    const response = await fetch(`${url}/api/v1/token-register?team=platform`, {
      headers: { authorization: `token ${DEMO_TOKENS.alice}` },
      dispatcher,
    });
    const body = (await response.json()) as { Code: number; Response: { token: string } };
    assert.equal(body.Code, 200);
    assert.equal(body.Response.token, github.state.mintedTokens[0]!.token);

    server.child.kill("SIGTERM");
    assert.equal(await server.exited, 0);
    const lines = server
      .stdout()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(lines.some((l) => l.message === "request" && l.user === "alice" && l.status === 200));
    assert.ok(lines.some((l) => l.message === "stopped"));
    for (const secret of [DEMO_TOKENS.alice, body.Response.token, ...github.state.installationTokens.keys()]) {
      assert.ok(!server.stdout().includes(secret), "a secret reached the log");
    }
  });

  test("when the configuration is bad, then it exits 2 listing every problem, without echoing the key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "arm-main-"));
    const secretMaterial = "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB";
    writeFileSync(join(dir, "config.yml"), `appID: abc\nprivateKey: ${secretMaterial}\nserver: { port: 99999 }\n`);
    const server = spawnEntry("src/main.ts", ["--config", join(dir, "config.yml")]);
    assert.equal(await server.exited, 2);
    const message = server.stderr();
    assert.match(message, /org/);
    assert.match(message, /appID/);
    assert.match(message, /server\.port/);
    assert.ok(!message.includes(secretMaterial.slice(20, 40)), "the key reached the error message");
  });
});
