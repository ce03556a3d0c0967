/**
 * server.maxConnections and server.maxConnectionsPerAddress, at the TLS server: an excess connection is closed
 * before its handshake, the counts return to zero when clients leave, and a trusted proxy counts only in all.
 * No timing is asserted here; the flood's memory is measured by `npm run bench -- --flood`.
 */
import assert from "node:assert/strict";
import type { RequestListener } from "node:http";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { describe, test, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startServer, type RunningServer, type ServerOptions } from "../../src/server.js";
import { testCertificate } from "../helpers/start-test-app.js";

const app: RequestListener = (_req, res) => res.end("ok");

async function serve(t: TestContext, extra: Partial<ServerOptions>): Promise<RunningServer & { port: number }> {
  const cert = await testCertificate();
  const running = await startServer(app, {
    address: "127.0.0.1",
    port: 0,
    tls: { enabled: true, certFile: cert.certFile, keyFile: cert.keyFile },
    tlsReload: false,
    shutdownGraceMs: 1_000,
    ...extra,
  });
  t.after(() => running.close());
  return { ...running, port: Number(new URL(running.url).port) };
}

/** A TLS connection that sends half a request and waits: "open" once the handshake is done, or "closed". */
function halfSent(t: TestContext, port: number, localAddress = "127.0.0.1"): Promise<{ outcome: "open" | "closed"; socket: TLSSocket }> {
  return new Promise((resolve) => {
    // tls.connect takes no localAddress: the TCP connection is made first, from the client's address.
    const tcp = netConnect({ host: "127.0.0.1", port, localAddress });
    tcp.on("error", () => {});
    t.after(() => tcp.destroy());
    const socket = tlsConnect({ socket: tcp, rejectUnauthorized: false });
    t.after(() => socket.destroy());
    socket.on("error", () => {});
    const timer = setTimeout(() => resolve({ outcome: "closed", socket }), 5_000);
    socket.once("secureConnect", () => {
      socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      clearTimeout(timer);
      resolve({ outcome: "open", socket });
    });
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ outcome: "closed", socket });
    });
  });
}

/** Waits (bounded) until the server's counts say what is expected: closes are seen a moment after they happen. */
async function untilCounts(server: RunningServer, expected: (c: ReturnType<RunningServer["connections"]>) => boolean) {
  for (let i = 0; i < 250 && !expected(server.connections()); i++) await sleep(20);
  return server.connections();
}

describe("server.maxConnectionsPerAddress", () => {
  test("when one address opens one connection more than its cap, then that one is closed, another address is served, and the counts return to zero", async (t) => {
    const server = await serve(t, { maxConnectionsPerAddress: 3 });
    const held = [];
    for (let i = 0; i < 3; i++) held.push(await halfSent(t, server.port));
    assert.deepEqual(
      held.map((h) => h.outcome),
      ["open", "open", "open"],
    );
    assert.equal((await halfSent(t, server.port)).outcome, "closed", "the fourth connection from 127.0.0.1 was not closed");
    assert.equal(server.connections().perAddress.get("127.0.0.1"), 3);

    // Linux routes all of 127.0.0.0/8 to the loopback interface: another client address.
    const other = await halfSent(t, server.port, "127.0.0.2");
    assert.equal(other.outcome, "open");
    assert.equal(server.connections().perAddress.get("127.0.0.2"), 1);

    for (const { socket } of [...held, other]) socket.destroy();
    const after = await untilCounts(server, (c) => c.total === 0 && c.perAddress.size === 0);
    assert.equal(after.total, 0);
    assert.deepEqual([...after.perAddress], []);
    assert.equal((await halfSent(t, server.port)).outcome, "open", "the address is served again once its connections closed");
  });

  test("when the peer is a trusted proxy (server.trustProxy), then it is not held to the per-address cap", async (t) => {
    const server = await serve(t, { maxConnectionsPerAddress: 1, trustProxy: ["127.0.0.1"] });
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await halfSent(t, server.port)).outcome);
    assert.deepEqual(outcomes, ["open", "open", "open"]);
    assert.equal(server.connections().perAddress.size, 0);
    assert.equal((await halfSent(t, server.port, "127.0.0.2")).outcome, "open");
    assert.equal((await halfSent(t, server.port, "127.0.0.2")).outcome, "closed", "an untrusted peer keeps its cap");
  });
});

describe("a client that never reads", () => {
  test("when its half-sent request is answered 408, then the server drops the connection without waiting for the client's close", async (t) => {
    const server = await serve(t, { maxConnectionsPerAddress: 2, timeouts: { headersMs: 200, checkIntervalMs: 50 } });
    // halfSent() never reads: the 408 stays unread in the client's buffers and the client never closes.
    const held = [await halfSent(t, server.port), await halfSent(t, server.port)];
    assert.deepEqual(
      held.map((h) => h.outcome),
      ["open", "open"],
    );
    const after = await untilCounts(server, (c) => c.total === 0);
    assert.equal(after.total, 0, "the unread connections still hold the server");
    assert.equal((await halfSent(t, server.port)).outcome, "open", "the address's slots were freed");
  });
});

describe("server.maxConnections", () => {
  test("when the server holds maxConnections, then a new connection from any address is closed, and accepted again once one leaves", async (t) => {
    const server = await serve(t, { maxConnections: 2, maxConnectionsPerAddress: 10 });
    const first = await halfSent(t, server.port);
    const second = await halfSent(t, server.port, "127.0.0.2");
    assert.deepEqual([first.outcome, second.outcome], ["open", "open"]);
    assert.equal((await halfSent(t, server.port, "127.0.0.3")).outcome, "closed");
    first.socket.destroy();
    await untilCounts(server, (c) => c.total === 1);
    assert.equal((await halfSent(t, server.port, "127.0.0.3")).outcome, "open");
  });
});
