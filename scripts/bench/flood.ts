/**
 * npm run bench -- --flood N: the server under a flood of half-sent TLS requests (issue 13, item 4).
 *
 * One client address (127.0.0.1) keeps N TLS connections open, each with a request line and one header sent
 * and the blank line that ends the headers never sent; whenever the server closes one (refused before the
 * handshake by a connection cap, or answered 408 by the headers timeout) the flood opens another, as an attacker
 * would, with at most FLOOD_HANDSHAKES handshakes under way at once. Meanwhile an active maintainer, from another
 * address (127.0.0.2; Linux routes all of 127.0.0.0/8 to the loopback), asks for a registration token every
 * MAINTAINER_EVERY_MS on a new connection. The server's RSS is sampled all along.
 * Everything is bounded: the flood stops after `durationSeconds`, each maintainer request after 10 s.
 */
import { request as httpsRequest } from "node:https";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { setTimeout as sleep } from "node:timers/promises";
import { rssMB, sampleRss } from "./processes.js";

const FLOOD_HANDSHAKES = 100;
const MAINTAINER_EVERY_MS = 500;
const FLOOD_ADDRESS = "127.0.0.1";
const MAINTAINER_ADDRESS = "127.0.0.2";

export interface FloodReport {
  /** connections the flood keeps open (--flood) */
  target: number;
  durationSeconds: number;
  /** the server's connection caps during the run, as configured ("defaults" or what --flood-caps said) */
  caps: string;
  /** TLS connections the flood tried */
  attempts: number;
  /** closed by the server before the TLS handshake finished (a connection cap) */
  refusedBeforeHandshake: number;
  /** closed by the server after the handshake (the headers timeout's 408) */
  cutAfterHandshake: number;
  /** the most half-sent requests the flood held open at once */
  peakHeld: number;
  serverRssMB: { before: number | null; peak: number | null; after: number | null };
  maintainer: { asked: number; served: number; statuses: Record<string, number>; p50Ms: number | null; maxMs: number | null };
}

export interface FloodOptions {
  /** the server's https://127.0.0.1:PORT */
  url: string;
  ca: string;
  serverPid: number;
  target: number;
  durationSeconds: number;
  caps: string;
  /** a maintainer's request: path and Authorization header */
  maintainer: { path: string; authorization: string };
  progress(message: string): void;
}

export async function runFlood(options: FloodOptions): Promise<FloodReport> {
  const { hostname, port } = new URL(options.url);
  const before = rssMB(options.serverPid);
  const sockets = new Set<TLSSocket>();
  let held = 0;
  let peakHeld = 0;
  let handshaking = 0;
  let attempts = 0;
  let refusedBeforeHandshake = 0;
  let cutAfterHandshake = 0;
  let flooding = true;

  const open = () => {
    attempts++;
    handshaking++;
    let established = false;
    // tls.connect takes no localAddress: the TCP connection is made first, from the flood's address.
    const tcp = netConnect({ host: hostname, port: Number(port), localAddress: FLOOD_ADDRESS });
    tcp.on("error", () => {});
    const socket = tlsConnect({ socket: tcp, rejectUnauthorized: false });
    sockets.add(socket);
    socket.once("close", () => tcp.destroy());
    socket.on("error", () => {});
    // Read what the server answers (the headers timeout's 408), or this side would never see the close. The
    // server does not wait on that: it drops an answered connection a second later whether or not it is read.
    socket.resume();
    socket.once("secureConnect", () => {
      established = true;
      handshaking--;
      held++;
      peakHeld = Math.max(peakHeld, held);
      socket.write(`GET ${options.maintainer.path} HTTP/1.1\r\nHost: localhost\r\n`);
    });
    socket.once("close", () => {
      sockets.delete(socket);
      if (established) {
        held--;
        if (flooding) cutAfterHandshake++;
      } else {
        handshaking--;
        if (flooding) refusedBeforeHandshake++;
      }
    });
  };

  const maintainerTimes: number[] = [];
  const statuses: Record<string, number> = {};
  let asked = 0;
  const ask = () =>
    new Promise<void>((done) => {
      asked++;
      const started = performance.now();
      const finish = (status: string) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === "200") maintainerTimes.push(performance.now() - started);
        done();
      };
      const req = httpsRequest(
        `${options.url}${options.maintainer.path}`,
        {
          headers: { authorization: options.maintainer.authorization },
          ca: options.ca,
          localAddress: MAINTAINER_ADDRESS,
          agent: false,
          timeout: 10_000,
        },
        (res) => {
          res.resume();
          res.on("end", () => finish(String(res.statusCode)));
          res.on("error", () => finish("error"));
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (error: Error) =>
        finish(error.message === "timeout" ? "timeout" : `error (${(error as Error & { code?: string }).code ?? error.message})`),
      );
      req.end();
    });

  options.progress(
    `flood: ${options.target} half-sent TLS requests from ${FLOOD_ADDRESS} for ${options.durationSeconds} s; a maintainer from ${MAINTAINER_ADDRESS} every ${MAINTAINER_EVERY_MS} ms`,
  );
  const sampler = sampleRss(options.serverPid);
  const ends = performance.now() + options.durationSeconds * 1000;
  const maintainerRequests: Promise<void>[] = [];
  let nextAsk = performance.now();
  let nextProgress = performance.now() + 2000;
  while (performance.now() < ends) {
    while (held + handshaking < options.target && handshaking < FLOOD_HANDSHAKES) open();
    if (performance.now() >= nextAsk) {
      maintainerRequests.push(ask());
      nextAsk += MAINTAINER_EVERY_MS;
    }
    if (performance.now() >= nextProgress) {
      options.progress(
        `flood: ${held} held, ${attempts} tried, ${refusedBeforeHandshake} refused, server RSS ${rssMB(options.serverPid)?.toFixed(0) ?? "?"} MB`,
      );
      nextProgress += 2000;
    }
    await sleep(10);
  }
  flooding = false;
  await Promise.all(maintainerRequests);
  const peak = sampler.stop();
  for (const socket of sockets) socket.destroy();
  // Let the server see the closes and collect what they held.
  await sleep(2000);
  const sorted = [...maintainerTimes].sort((a, b) => a - b);
  return {
    target: options.target,
    durationSeconds: options.durationSeconds,
    caps: options.caps,
    attempts,
    refusedBeforeHandshake,
    cutAfterHandshake,
    peakHeld,
    serverRssMB: { before, peak, after: rssMB(options.serverPid) },
    maintainer: {
      asked,
      served: statuses["200"] ?? 0,
      statuses,
      p50Ms: sorted.length > 0 ? sorted[Math.floor((sorted.length - 1) / 2)]! : null,
      maxMs: sorted.at(-1) ?? null,
    },
  };
}

const mb = (n: number | null) => (n === null ? "n/a" : `${n.toFixed(0)} MB`);
const ms = (n: number | null) => (n === null ? "n/a" : `${n.toFixed(0)} ms`);

export function formatFlood(report: FloodReport, header: string): string {
  const m = report.maintainer;
  return [
    header,
    `Flood: ${report.target} half-sent TLS requests held from one address for ${report.durationSeconds} s (connection caps: ${report.caps})`,
    `  flood connections tried ${report.attempts}, refused before the TLS handshake ${report.refusedBeforeHandshake}, ` +
      `cut after it (headers timeout) ${report.cutAfterHandshake}, most held at once ${report.peakHeld}`,
    `  server RSS: before ${mb(report.serverRssMB.before)}, peak ${mb(report.serverRssMB.peak)}, 2 s after ${mb(report.serverRssMB.after)}`,
    `  maintainer token-register from another address: ${m.served} of ${m.asked} served (200), p50 ${ms(m.p50Ms)}, max ${ms(m.maxMs)}` +
      (Object.keys(m.statuses).some((s) => s !== "200")
        ? `; other outcomes: ${Object.entries(m.statuses)
            .filter(([s]) => s !== "200")
            .map(([s, n]) => `${s} ×${n}`)
            .join(", ")}`
        : ""),
  ].join("\n");
}

/** The flood held everything it should: the maintainer was always served. */
export function floodOk(report: FloodReport): boolean {
  return report.maintainer.asked > 0 && report.maintainer.served === report.maintainer.asked;
}
