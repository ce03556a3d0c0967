/**
 * The App's private key, given in ARM_PRIVATE_KEY, does not stay in the server's process.env once read
 * (src/main.ts, forgetSecretEnv): a preloaded probe reports what the environment holds while it serves.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { resolve } from "node:path";
import { Agent, fetch } from "undici";
import { DEMO_TOKENS, startSimulator } from "../../src/simulator/index.js";
import { forgetSecretEnv } from "../../src/config/secrets.js";
import { REPO_ROOT, spawnEntry, writeServerConfig } from "../helpers/processes.js";
import { testCertificate } from "../helpers/start-test-app.js";

test("forgetSecretEnv deletes the secrets' value variables and keeps the rest", () => {
  const env: Record<string, string | undefined> = {
    ARM_PRIVATE_KEY: "pem",
    ARM_REDIS_URL: "redis://:pw@h",
    ARM_PRIVATE_KEY_FILE: "/k",
    PATH: "/bin",
  };
  forgetSecretEnv(env);
  assert.deepEqual(env, { ARM_PRIVATE_KEY_FILE: "/k", PATH: "/bin" });
});

test("when the App's key comes in ARM_PRIVATE_KEY, then the serving process no longer holds it in process.env", async (t) => {
  const github = await startSimulator();
  t.after(() => github.close());
  const cert = await testCertificate();
  const configFile = writeServerConfig(github, { server: { tls: { enabled: true, certFile: cert.certFile, keyFile: cert.keyFile } } });
  const probe = resolve(REPO_ROOT, "test/fixtures/preload/report-env.mjs");
  const server = spawnEntry("src/main.ts", ["--config", configFile], {
    env: { ARM_PRIVATE_KEY: github.sim.appPrivateKey!, NODE_OPTIONS: `--import=${probe}` },
  });
  t.after(() => server.child.kill("SIGKILL"));
  const [, url] = await server.waitFor(/"message":"listening","url":"(https:\/\/127\.0\.0\.1:\d+)"/);
  // the key from the environment is the one in use (it overrides the file's privateKeyFile)
  const dispatcher = new Agent({ connect: { ca: cert.cert } });
  t.after(() => dispatcher.close());
  const response = await fetch(`${url}/api/v1/token-register?team=platform`, {
    headers: { authorization: `token ${DEMO_TOKENS.alice}` },
    dispatcher,
  });
  assert.equal(response.status, 200);
  server.child.kill("SIGUSR2");
  const [line] = await server.waitFor(/\{"message":"env-probe".*\}/);
  assert.deepEqual(JSON.parse(line).held, []);
});
