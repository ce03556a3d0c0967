/**
 * The HTTPS server (src/server.ts) over real TLS on 127.0.0.1:0, with throwaway certificates generated here:
 * protocol versions and suites, certificate rotation without a restart, mutual TLS, and slow clients.
 * The app behind it is a one-line listener: what is tested is the server, not the routes.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { Agent, request, type RequestOptions } from "node:https";
import type { RequestListener } from "node:http";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test, type TestContext } from "node:test";
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from "node:tls";
import { generate } from "selfsigned";
import { selfSignedCertificate, type SelfSignedCertificate } from "../../src/demo/self-signed.js";
import type { CertificateSummary } from "../../src/tls/reloading-context.js";
import { startServer, type ServerLog, type ServerOptions, type ServerTimeouts } from "../../src/server.js";

// ---- certificates ----

interface Pair {
  cert: string;
  key: string;
}

async function makeCA(commonName: string): Promise<Pair> {
  const pems = await generate([{ name: "commonName", value: commonName }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

async function makeClientCert(ca: Pair, commonName = "ci-client"): Promise<Pair> {
  const pems = await generate([{ name: "commonName", value: commonName }], {
    keyType: "ec",
    algorithm: "sha256",
    ca,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true },
      { name: "extKeyUsage", clientAuth: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** certificates are slow-ish to make (EC keys, still ~50 ms): each test makes only what it needs */
const serverCert = (name = "localhost"): Promise<SelfSignedCertificate> => selfSignedCertificate(name);

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "arm-tls-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** cert.pem and key.pem written in place, as an operator (or cert-manager's plain-file mode) would */
function writePair(dir: string, pair: Pair): { certFile: string; keyFile: string } {
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  writeFileSync(certFile, pair.cert);
  writeFileSync(keyFile, pair.key, { mode: 0o600 });
  return { certFile, keyFile };
}

/**
 * A Secret volume as the kubelet lays it out: tls.crt → ..data/tls.crt, ..data → ..<timestamp>/. An update
 * writes a new timestamped directory, points ..data_tmp at it, renames ..data_tmp over ..data (atomic), and
 * removes the old directory: the files the server opened are never written to.
 */
function kubernetesSecretVolume(dir: string) {
  let generation = 0;
  const publish = (files: Record<string, string>) => {
    generation += 1;
    const previous = generation > 1 ? `..2026_11_0${generation - 1}` : undefined;
    const current = `..2026_11_0${generation}`;
    mkdirSync(join(dir, current));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, current, name), text);
    symlinkSync(current, join(dir, "..data_tmp"));
    renameSync(join(dir, "..data_tmp"), join(dir, "..data"));
    if (previous) rmSync(join(dir, previous), { recursive: true });
    if (generation === 1) for (const name of Object.keys(files)) symlinkSync(join("..data", name), join(dir, name));
  };
  return { publish, path: (name: string) => join(dir, name) };
}

// ---- the server under test ----

interface LogEntry {
  level: "info" | "warn" | "debug";
  message: string;
  fields: Record<string, unknown>;
}

function recordingLog() {
  const entries: LogEntry[] = [];
  const waiters = new Set<() => void>();
  const add =
    (level: LogEntry["level"]) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      entries.push({ level, message, fields });
      for (const wake of waiters) wake();
    };
  const log: ServerLog = { info: add("info"), warn: add("warn"), debug: add("debug") };
  /** the first entry after `from` that matches, or a rejection after `timeoutMs` */
  const waitFor = (match: (e: LogEntry) => boolean, from = 0, timeoutMs = 5_000) =>
    new Promise<LogEntry>((resolve, reject) => {
      const check = () => {
        const found = entries.slice(from).find(match);
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching log entry within ${timeoutMs} ms; got ${JSON.stringify(entries)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return { log, entries, waitFor };
}

/** Answers 200 with what it learned about the client's certificate. */
const app: RequestListener = (req, res) => {
  const socket = req.socket as TLSSocket;
  const peer = socket.getPeerCertificate();
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ authorized: socket.authorized, client: peer.subject?.CN ?? null }));
};

async function serve(t: TestContext, tls: ServerOptions["tls"], extra: Partial<ServerOptions> = {}) {
  const logs = recordingLog();
  const running = await startServer(app, {
    address: "127.0.0.1",
    port: 0,
    tls,
    log: logs.log,
    tlsReload: { debounceMs: 50, pollIntervalMs: 0 },
    shutdownGraceMs: 1_000,
    ...extra,
  });
  t.after(() => running.close());
  return { ...running, port: Number(new URL(running.url).port), logs };
}

// ---- clients, every one bounded ----

interface Handshake {
  protocol: string | null;
  cipher: string;
  fingerprint256: string;
}

/** a bare TLS handshake: what was agreed, or the error */
function handshake(port: number, options: ConnectionOptions = {}, timeoutMs = 5_000): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...options });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no handshake within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const result = {
        protocol: socket.getProtocol(),
        cipher: socket.getCipher().name,
        fingerprint256: socket.getPeerCertificate().fingerprint256,
      };
      socket.end();
      resolve(result);
    });
    socket.once("error", (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

interface Answer {
  status: number;
  body: { authorized: boolean; client: string | null };
  /** whether the request went over a connection opened before it */
  reusedSocket: boolean;
  fingerprint256: string;
}

function get(port: number, options: RequestOptions = {}, timeoutMs = 5_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", rejectUnauthorized: false, ...options, timeout: timeoutMs }, (res) => {
      let text = "";
      // read now: the socket is detached from the response by the time it ends
      const fingerprint256 = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        resolve({
          status: res.statusCode ?? 0,
          body: JSON.parse(text) as Answer["body"],
          reusedSocket: req.reusedSocket,
          fingerprint256,
        });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

// ---- the tests ----

describe("HTTPS: protocol versions and cipher suites", () => {
  test("when a client offers at most TLS 1.1, then the server refuses the handshake with a protocol-version alert", async (t) => {
    const dir = tempDir(t);
    const server = await serve(t, { enabled: true, ...writePair(dir, await serverCert()) });
    // The client's own floor is lowered (security level 0), so that any refusal is the server's.
    const refused = await handshake(server.port, { minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" }).then(
      () => undefined,
      (error: NodeJS.ErrnoException) => error,
    );
    assert.ok(refused, "a TLS 1.1 handshake succeeded");
    assert.match(`${refused.code} ${refused.message}`, /PROTOCOL_VERSION|protocol version/i);
  });

  test("when openssl is on PATH, then `openssl s_client -tls1_1` cannot connect either", async (t) => {
    if (spawnSync("openssl", ["version"]).status !== 0) {
      t.skip("openssl is not on PATH");
      return;
    }
    const dir = tempDir(t);
    const server = await serve(t, { enabled: true, ...writePair(dir, await serverCert()) });
    const run = (args: string[]) =>
      new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        // OPENSSL_CONF=/dev/null: without Debian's system floor, the refusal can only come from the server.
        const child = spawn("openssl", ["s_client", "-connect", `127.0.0.1:${server.port}`, ...args], {
          env: { ...process.env, OPENSSL_CONF: "/dev/null" },
        });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error(`openssl s_client did not finish within 10 s: ${output}`));
        }, 10_000);
        child.once("error", reject);
        child.once("exit", (code) => {
          clearTimeout(timer);
          resolve({ code, output });
        });
        child.stdin.end();
      });
    const old = await run(["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"]);
    assert.notEqual(old.code, 0, old.output);
    assert.match(old.output, /alert protocol version/i);
    // The same command does connect with TLS 1.2, so the failure above is about the version.
    const current = await run(["-tls1_2"]);
    assert.equal(current.code, 0, current.output);
    assert.match(current.output, /Protocol\s*:\s*TLSv1\.2/);
  });

  test("when a client speaks TLS 1.2 or TLS 1.3, then the handshake succeeds with a forward-secret AEAD suite", async (t) => {
    const dir = tempDir(t);
    const pair = await serverCert();
    const server = await serve(t, { enabled: true, ...writePair(dir, pair) });
    const v12 = await handshake(server.port, { minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ca: pair.cert, rejectUnauthorized: true });
    assert.equal(v12.protocol, "TLSv1.2");
    assert.match(v12.cipher, /^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
    const v13 = await handshake(server.port, { minVersion: "TLSv1.3", ca: pair.cert, rejectUnauthorized: true });
    assert.equal(v13.protocol, "TLSv1.3");
    assert.match(v13.cipher, /^TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)$/);
  });

  test("when a TLS 1.2 client offers only CBC suites, then the handshake is refused", async (t) => {
    const dir = tempDir(t);
    const server = await serve(t, { enabled: true, ...writePair(dir, await serverCert()) });
    await assert.rejects(
      handshake(server.port, { maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:AES128-SHA" }),
      (error: NodeJS.ErrnoException) => /HANDSHAKE_FAILURE|handshake failure/i.test(`${error.code} ${error.message}`),
    );
  });
});

describe("HTTPS: certificate rotation without a restart", () => {
  test("when the certificate and key files are rewritten, then new connections get the new certificate and an open keep-alive connection keeps working", async (t) => {
    const dir = tempDir(t);
    const before = await serverCert("before.localhost");
    const after = await serverCert("after.localhost");
    const files = writePair(dir, before);
    const served: CertificateSummary[] = [];
    const server = await serve(t, { enabled: true, ...files }, { timeouts: { keepAliveMs: 30_000 }, onCertificate: (c) => served.push(c) });
    const agent = new Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false });
    t.after(() => agent.destroy());

    const first = await get(server.port, { agent });
    assert.equal(first.status, 200);
    assert.equal(first.fingerprint256, fingerprint(before.cert));

    const mark = server.logs.entries.length;
    writePair(dir, after);
    const reloaded = await server.logs.waitFor((e) => e.message === "TLS certificate reloaded", mark);
    assert.equal(reloaded.level, "info");
    assert.equal(reloaded.fields.fingerprint256, fingerprint(after.cert));
    assert.equal(reloaded.fields.validTo, new Date(new X509Certificate(after.cert).validTo).toISOString());
    assert.match(String(reloaded.fields.subject), /after\.localhost/);

    const fresh = await handshake(server.port, { ca: after.cert, rejectUnauthorized: true });
    assert.equal(fresh.fingerprint256, fingerprint(after.cert));
    assert.deepEqual(
      served.map((c) => c.fingerprint256),
      [fingerprint(before.cert), fingerprint(after.cert)],
      "onCertificate (the expiry metric) hears of the first certificate and of the reloaded one",
    );

    const again = await get(server.port, { agent });
    assert.equal(again.status, 200);
    assert.equal(again.reusedSocket, true, "the keep-alive connection was not reused");
    assert.equal(again.fingerprint256, fingerprint(before.cert), "the open connection was renegotiated or replaced");

    // The new context keeps the protocol settings: CBC suites are still refused.
    await assert.rejects(
      handshake(server.port, { maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES128-SHA:AES128-SHA" }),
      /handshake failure/i,
    );
  });

  test("when a Kubernetes Secret volume swaps its ..data symlink, then new connections get the new certificate", async (t) => {
    const dir = tempDir(t);
    const volume = kubernetesSecretVolume(dir);
    const before = await serverCert("before.localhost");
    const after = await serverCert("after.localhost");
    volume.publish({ "tls.crt": before.cert, "tls.key": before.key });
    const server = await serve(
      t,
      { enabled: true, certFile: volume.path("tls.crt"), keyFile: volume.path("tls.key") },
      { timeouts: { keepAliveMs: 30_000 } },
    );
    const agent = new Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false });
    t.after(() => agent.destroy());
    assert.equal((await get(server.port, { agent })).fingerprint256, fingerprint(before.cert));

    const mark = server.logs.entries.length;
    volume.publish({ "tls.crt": after.cert, "tls.key": after.key });
    await server.logs.waitFor((e) => e.message === "TLS certificate reloaded" && e.fields.fingerprint256 === fingerprint(after.cert), mark);
    assert.equal((await handshake(server.port)).fingerprint256, fingerprint(after.cert));
    const again = await get(server.port, { agent });
    assert.equal(again.status, 200);
    assert.equal(again.reusedSocket, true);

    // And a second rotation, now that the first generation's directory is gone.
    const third = await serverCert("third.localhost");
    const mark2 = server.logs.entries.length;
    volume.publish({ "tls.crt": third.cert, "tls.key": third.key });
    await server.logs.waitFor((e) => e.message === "TLS certificate reloaded", mark2);
    assert.equal((await handshake(server.port)).fingerprint256, fingerprint(third.cert));
  });

  test("when the new certificate does not match the key, then the old certificate stays in service and a warning is logged, until the matching key arrives", async (t) => {
    const dir = tempDir(t);
    const before = await serverCert("before.localhost");
    const after = await serverCert("after.localhost");
    const files = writePair(dir, before);
    const server = await serve(t, { enabled: true, ...files });

    // Half a rotation: the new certificate next to the old key.
    const mark = server.logs.entries.length;
    writeFileSync(files.certFile, after.cert);
    const warning = await server.logs.waitFor((e) => e.level === "warn", mark);
    assert.match(warning.message, /still serving the previous certificate/);
    assert.match(String(warning.fields.reason), /key values mismatch/i);
    assert.equal((await handshake(server.port)).fingerprint256, fingerprint(before.cert));
    assert.equal((await get(server.port)).status, 200);
    assert.ok(!server.logs.entries.slice(mark).some((e) => e.message === "TLS certificate reloaded"));

    // The rest of the rotation.
    writeFileSync(files.keyFile, after.key);
    await server.logs.waitFor((e) => e.message === "TLS certificate reloaded", mark);
    assert.equal((await handshake(server.port)).fingerprint256, fingerprint(after.cert));
  });

  test("when a file becomes unreadable or is not PEM, then the old certificate stays in service", async (t) => {
    const dir = tempDir(t);
    const before = await serverCert();
    const files = writePair(dir, before);
    const server = await serve(t, { enabled: true, ...files });

    const mark = server.logs.entries.length;
    rmSync(files.keyFile);
    const missing = await server.logs.waitFor((e) => e.level === "warn", mark);
    assert.match(String(missing.fields.reason), /cannot read .*key\.pem/);
    assert.equal((await handshake(server.port)).fingerprint256, fingerprint(before.cert));

    const mark2 = server.logs.entries.length;
    writeFileSync(files.keyFile, "not a key\n");
    await server.logs.waitFor((e) => e.level === "warn", mark2);
    assert.equal((await handshake(server.port)).fingerprint256, fingerprint(before.cert));
    assert.equal((await get(server.port)).status, 200);
  });

  test("when the server is closed, then it stops watching the files", async (t) => {
    const dir = tempDir(t);
    const files = writePair(dir, await serverCert());
    const server = await serve(t, { enabled: true, ...files });
    await server.close();
    const mark = server.logs.entries.length;
    writePair(dir, await serverCert("after.localhost"));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(server.logs.entries.slice(mark), []);
  });
});

describe("HTTPS: mutual TLS (server.tls.clientCAFile)", () => {
  async function mtlsServer(t: TestContext) {
    const dir = tempDir(t);
    const pair = await serverCert();
    const ca = await makeCA("Runner CI CA");
    const clientCAFile = join(dir, "client-ca.pem");
    writeFileSync(clientCAFile, ca.cert);
    const server = await serve(t, { enabled: true, ...writePair(dir, pair), clientCAFile });
    return { server, ca, clientCAFile, serverCert: pair };
  }

  /** a refused client sees the handshake fail, or (TLS 1.3, where the server checks after its Finished) the first read */
  const refusedByServer = (error: NodeJS.ErrnoException) =>
    /CERTIFICATE_REQUIRED|certificate required|UNKNOWN_CA|unknown ca|HANDSHAKE_FAILURE|handshake failure|ECONNRESET|socket hang up/i.test(
      `${error.code} ${error.message}`,
    );

  test("when the client presents a certificate signed by the configured CA, then it is answered 200 and the app sees who it is", async (t) => {
    const { server, ca, serverCert: pair } = await mtlsServer(t);
    const client = await makeClientCert(ca, "runner-42");
    const answer = await get(server.port, { cert: client.cert, key: client.key, ca: pair.cert, rejectUnauthorized: true });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { authorized: true, client: "runner-42" });
  });

  test("when the client presents no certificate, then the handshake is refused", async (t) => {
    const { server } = await mtlsServer(t);
    await assert.rejects(get(server.port), refusedByServer);
    await assert.rejects(get(server.port, { maxVersion: "TLSv1.2" }), refusedByServer);
    await server.logs.waitFor((e) => e.level === "debug" && e.message === "TLS handshake refused");
  });

  test("when the client presents a certificate from another CA, then the handshake is refused", async (t) => {
    const { server } = await mtlsServer(t);
    const stranger = await makeClientCert(await makeCA("Some Other CA"), "intruder");
    await assert.rejects(get(server.port, { cert: stranger.cert, key: stranger.key }), refusedByServer);
    // A self-signed client certificate is no better.
    const selfSigned = await serverCert("intruder");
    await assert.rejects(get(server.port, { cert: selfSigned.cert, key: selfSigned.key }), refusedByServer);
  });

  test("when the client CA file is replaced, then clients of the new CA are accepted and those of the old one refused", async (t) => {
    const { server, ca, clientCAFile } = await mtlsServer(t);
    const oldClient = await makeClientCert(ca, "old-runner");
    const newCA = await makeCA("Runner CI CA 2027");
    const newClient = await makeClientCert(newCA, "new-runner");
    await assert.rejects(get(server.port, { cert: newClient.cert, key: newClient.key }), refusedByServer);

    const mark = server.logs.entries.length;
    writeFileSync(clientCAFile, newCA.cert);
    const reloaded = await server.logs.waitFor((e) => e.message === "TLS certificate reloaded", mark);
    assert.equal(reloaded.fields.clientCA, true);
    assert.equal((await get(server.port, { cert: newClient.cert, key: newClient.key })).body.client, "new-runner");
    await assert.rejects(get(server.port, { cert: oldClient.cert, key: oldClient.key }), refusedByServer);
    await assert.rejects(get(server.port), refusedByServer);
  });
});

describe("HTTPS: slow clients", () => {
  const short: Partial<ServerTimeouts> = { handshakeMs: 300, headersMs: 300, requestMs: 2_000, checkIntervalMs: 50 };

  test("when a client sends its headers too slowly, then it is answered 408 and cut off", async (t) => {
    const dir = tempDir(t);
    const server = await serve(t, { enabled: true, ...writePair(dir, await serverCert()) }, { timeouts: short });
    const socket = tlsConnect({ host: "127.0.0.1", port: server.port, rejectUnauthorized: false });
    t.after(() => socket.destroy());
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (received += chunk));
    socket.on("error", () => {});
    await new Promise((resolve) => socket.once("secureConnect", resolve));
    const started = Date.now();
    socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    // One header line every 100 ms: always sending, never done.
    const drip = setInterval(() => socket.write("X-Slow: 1\r\n"), 100);
    t.after(() => clearInterval(drip));
    const closed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5_000);
      socket.once("close", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    clearInterval(drip);
    assert.ok(closed, "the slow client was not cut off within 5 s");
    assert.match(received, /^HTTP\/1\.1 408 /);
    assert.ok(Date.now() - started >= 250, "cut off before the headers timeout");
  });

  test("when a client opens a connection and never starts the TLS handshake, then the connection is closed", async (t) => {
    const dir = tempDir(t);
    const server = await serve(t, { enabled: true, ...writePair(dir, await serverCert()) }, { timeouts: short });
    const socket = netConnect({ host: "127.0.0.1", port: server.port });
    t.after(() => socket.destroy());
    socket.on("error", () => {});
    const closed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5_000);
      socket.once("close", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    assert.ok(closed, "the silent client was not cut off within 5 s");
  });

  test("when an onClientError handler is given, then it answers the slow headers, and a failed handshake is only closed", async (t) => {
    const dir = tempDir(t);
    const seen: Array<string | undefined> = [];
    const server = await serve(
      t,
      { enabled: true, ...writePair(dir, await serverCert()) },
      {
        timeouts: short,
        onClientError: (error, socket) => {
          seen.push(error.code);
          socket.end("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        },
      },
    );

    const silent = netConnect({ host: "127.0.0.1", port: server.port });
    t.after(() => silent.destroy());
    silent.on("error", () => {});
    const silentClosed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5_000);
      silent.once("close", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    assert.ok(await silentClosed, "the silent client was not cut off within 5 s");
    assert.deepEqual(seen, [], "the handler was asked to answer a connection without TLS");

    const slow = tlsConnect({ host: "127.0.0.1", port: server.port, rejectUnauthorized: false });
    t.after(() => slow.destroy());
    let received = "";
    slow.setEncoding("utf8");
    slow.on("data", (chunk: string) => (received += chunk));
    slow.on("error", () => {});
    await new Promise((resolve) => slow.once("secureConnect", resolve));
    slow.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    const slowClosed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5_000);
      slow.once("close", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    assert.ok(await slowClosed, "the slow client was not cut off within 5 s");
    assert.deepEqual(seen, ["ERR_HTTP_REQUEST_TIMEOUT"]);
    assert.match(received, /^HTTP\/1\.1 408 /);
  });

  test("when no timeouts are given, then the defaults hold (headers 5 s, request 30 s, keep-alive 5 s)", async (t) => {
    const dir = tempDir(t);
    const server = await serve(t, { enabled: true, ...writePair(dir, await serverCert()) });
    assert.equal(server.server.headersTimeout, 5_000);
    assert.equal(server.server.requestTimeout, 30_000);
    assert.equal(server.server.keepAliveTimeout, 5_000);
  });
});
