/**
 * GitHub through an outbound proxy, as a corporate network has it: the server started as production starts
 * it (serve, environment variables included), GitHub = the simulator over real HTTPS with a certificate from
 * a throwaway "corporate" CA that only NODE_EXTRA_CA_CERTS makes trusted, and a real loopback proxy (node:http:
 * CONNECT tunnels, which undici's ProxyAgent opens for http:// and https:// alike, and absolute-form
 * forwarding) that counts what it relays.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test, type TestContext } from "node:test";
import { generate } from "selfsigned";
import { fetch } from "undici";
import { DEMO_TOKENS, startSimulator, type RunningSimulator } from "../../src/simulator/index.js";
import { spawnEntry, writeServerConfig } from "../helpers/processes.js";

interface LoopbackProxy {
  url: string;
  /** "CONNECT host:port" per tunnel, "GET http://…" per forwarded request */
  relayed: string[];
  /** HTTP request lines seen inside the tunnels (readable when the target is plain http://) */
  tunnelledRequests: string[];
}

/** A forward proxy in a few lines: what an outbound proxy does, and nothing more. */
async function startProxy(t: TestContext): Promise<LoopbackProxy> {
  const relayed: string[] = [];
  const tunnelledRequests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    relayed.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? "");
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on("connect", (req, client: Socket, head: Buffer) => {
    relayed.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      client.on("data", (chunk: Buffer) =>
        tunnelledRequests.push(...(chunk.toString("latin1").match(/^[A-Z]+ \/\S* HTTP\/1\.1$/gm) ?? [])),
      );
      upstream.pipe(client).pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.once("close", () => sockets.delete(s));
    }
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, relayed, tunnelledRequests };
}

/** A CA and a certificate it signed for 127.0.0.1: GitHub Enterprise Server behind a corporate CA. */
async function corporateCertificates() {
  const ca = await generate([{ name: "commonName", value: "Acme Corporate Root CA" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    algorithm: "sha256",
    ca: { cert: ca.cert, key: ca.private },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
    ],
  });
  return { caCert: ca.cert, tls: { cert: server.cert, key: server.private } };
}

async function startGitHub(t: TestContext, tls?: { cert: string; key: string }): Promise<RunningSimulator> {
  const github = await startSimulator(tls ? { tls } : {});
  t.after(() => github.close());
  return github;
}

/**
 * The server as a process, plain HTTP on 127.0.0.1 (the API's own TLS is not what is tested), with exactly
 * these proxy variables: the test runner's own are cleared, in both spellings.
 */
async function startServer(t: TestContext, github: RunningSimulator, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "arm-proxy-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = writeServerConfig(github, { dir });
  const cleared = Object.fromEntries(
    ["http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "NODE_EXTRA_CA_CERTS"].map((n) => [n, ""]),
  );
  const server = spawnEntry("src/main.ts", ["--config", config], { env: { ...cleared, ...env } });
  t.after(() => server.child.kill("SIGKILL"));
  const [, url] = await server.waitFor(/"message":"listening","url":"(http:\/\/127\.0\.0\.1:\d+)"/);
  return { url: url!, server, dir };
}

const readyz = async (url: string) => (await fetch(`${url}/readyz`)).status;
const tokenRegister = async (url: string) =>
  fetch(`${url}/api/v1/token-register?team=platform`, { headers: { authorization: `token ${DEMO_TOKENS.alice}` } });

describe("calls to GitHub through an outbound proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)", () => {
  test("when HTTPS_PROXY is set, then every call to an https:// GitHub goes through the proxy's CONNECT tunnel, trusting NODE_EXTRA_CA_CERTS", async (t) => {
    const certs = await corporateCertificates();
    const github = await startGitHub(t, certs.tls);
    const proxy = await startProxy(t);
    const dir = mkdtempSync(join(tmpdir(), "arm-ca-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "corporate-ca.pem"), certs.caCert);
    const { url, server } = await startServer(t, github, {
      HTTPS_PROXY: `http://user:proxy-secret@${proxy.url.slice("http://".length)}`,
      NODE_EXTRA_CA_CERTS: join(dir, "corporate-ca.pem"),
    });

    assert.equal(await readyz(url), 200);
    const answer = await tokenRegister(url);
    assert.equal(answer.status, 200);
    const githubPort = new URL(github.url).port;
    assert.ok(proxy.relayed.length > 0, "nothing went through the proxy");
    assert.deepEqual(new Set(proxy.relayed), new Set([`CONNECT 127.0.0.1:${githubPort}`]), "only tunnels to GitHub");
    assert.ok(github.sim.calls() >= 3, "GitHub answered the token, the caller's identity and the registration token");
    assert.match(server.stdout(), /"message":"GitHub is reached through an outbound proxy"/);
    assert.ok(!server.stdout().includes("proxy-secret"), "the proxy's password reached the log");
  });

  test("when HTTP_PROXY is set and GitHub is plain http://, then every call GitHub answered went through the proxy", async (t) => {
    const github = await startGitHub(t);
    const proxy = await startProxy(t);
    const { url } = await startServer(t, github, { HTTP_PROXY: proxy.url });

    assert.equal(await readyz(url), 200);
    assert.equal((await tokenRegister(url)).status, 200);
    assert.ok(github.sim.calls() >= 3);
    assert.ok(
      proxy.relayed.every((r) => r === `CONNECT 127.0.0.1:${new URL(github.url).port}`),
      proxy.relayed.join(", "),
    );
    assert.equal(proxy.tunnelledRequests.length, github.sim.calls(), `through the proxy: ${proxy.tunnelledRequests.join(", ")}`);
  });

  test("when NO_PROXY names GitHub's host, then calls bypass the proxy", async (t) => {
    const github = await startGitHub(t);
    const proxy = await startProxy(t);
    const { url } = await startServer(t, github, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" });

    assert.equal(await readyz(url), 200);
    assert.equal((await tokenRegister(url)).status, 200);
    assert.ok(github.sim.calls() >= 3);
    assert.deepEqual(proxy.relayed, []);
  });

  test("when GitHub's certificate is from a CA that NODE_EXTRA_CA_CERTS does not add, then /readyz is 503", async (t) => {
    const certs = await corporateCertificates();
    const github = await startGitHub(t, certs.tls);
    const proxy = await startProxy(t);
    const { url } = await startServer(t, github, { HTTPS_PROXY: proxy.url });

    assert.equal(await readyz(url), 503);
    assert.equal(github.sim.calls(), 0, "no call got through the TLS handshake");
  });

  test("when HTTPS_PROXY is not a URL, then the server does not start, and says which variable without echoing it", async (t) => {
    const github = await startGitHub(t);
    const dir = mkdtempSync(join(tmpdir(), "arm-proxy-test-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const server = spawnEntry("src/main.ts", ["--config", writeServerConfig(github, { dir })], {
      env: { https_proxy: "", HTTPS_PROXY: "proxy-secret@:nope" },
    });
    t.after(() => server.child.kill("SIGKILL"));
    assert.equal(await server.exited, 2);
    assert.match(server.stderr(), /HTTPS_PROXY \(environment\): expected the proxy's URL/);
    assert.ok(!server.stderr().includes("proxy-secret"));
  });
});
