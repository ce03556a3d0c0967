/**
 * startServer(app, options) → { url, close() }: HTTP or HTTPS on the configured address.
 *
 * - HTTPS: TLS 1.2 at least, forward-secret AEAD suites only (./tls/reloading-context.ts); the certificate,
 *   key and client CA are read again when their files change (Kubernetes Secret rotation), without a restart
 *   and without touching open connections; optional mutual TLS when a client CA file is configured.
 * - Timeouts against slow clients: the TLS handshake, the request headers and the whole request.
 * - Connection caps against floods of half-sent requests (each holds ~45 KB of TLS and parser state): in all
 *   (net's server.maxConnections) and per client address, both refused at once, before the TLS handshake.
 * - close(): stops accepting, answers what is in flight with `Connection: close` (a keep-alive client would
 *   otherwise go on being served), and cuts whatever is still open when the grace period ends.
 */
import {
  createServer as createHttpServer,
  type RequestListener,
  type Server,
  type ServerOptions as HttpOptions,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { ipKeyGenerator } from "express-rate-limit";
import type { Config } from "./config/schema.js";
import { answerClientError } from "./http/client-error.js";
import { trustedPeer } from "./http/trust-proxy.js";
import {
  checkTlsMaterial,
  readTlsMaterial,
  secureContextOptions,
  type CertificateSummary,
  watchTlsFiles,
  type TlsFiles,
  type TlsFileWatcher,
} from "./tls/reloading-context.js";

export interface ServerLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
}

export interface ServerTimeouts {
  /** the TLS handshake must be done within this */
  handshakeMs: number;
  /** the request line and headers must have arrived within this (then 408 and the connection is closed) */
  headersMs: number;
  /** the whole request, body included, must have arrived within this */
  requestMs: number;
  /** an idle keep-alive connection is closed after this */
  keepAliveMs: number;
  /** how often connections are checked against headersMs and requestMs (Node's own default is 30 s) */
  checkIntervalMs: number;
}

// A CI client sends its request at once; a half-sent request holds memory until headersMs ends it, so short.
export const DEFAULT_TIMEOUTS: Readonly<ServerTimeouts> = {
  handshakeMs: 5_000,
  headersMs: 5_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  checkIntervalMs: 1_000,
};

/** tls.clientCAFile: accept only clients presenting a certificate signed by one of these CAs (mutual TLS) */
export interface ServerOptions
  extends
    Pick<Config["server"], "address" | "port" | "tls">,
    Partial<Pick<Config["server"], "maxConnections" | "maxConnectionsPerAddress" | "trustProxy">> {
  /** how long close() waits for requests in flight before cutting connections (config server.shutdownGraceSeconds) */
  shutdownGraceMs: number;
  /** certificate loads and reloads, unusable new files, refused handshakes, the drain on close(); silent by default */
  log?: ServerLog;
  timeouts?: Partial<ServerTimeouts>;
  /**
   * answers what Node refuses before the app sees a request (headers too large or too slow, a malformed request);
   * by default in the API's envelope (answerClientError). Never called for a failed TLS handshake: that connection is just
   * closed, since an HTTP answer cannot be written into a session that was never set up. The headers timeout
   * arrives as code ERR_HTTP_REQUEST_TIMEOUT (answer 408), oversized headers as HPE_HEADER_OVERFLOW (431).
   */
  onClientError?: (error: Error & { code?: string }, socket: Socket) => void;
  /**
   * reading the TLS files again when they change: debounceMs after the last change notification (200 ms), and
   * every pollIntervalMs in case the file system does not notify (60 s; 0 = never). false: read once, at start.
   */
  tlsReload?: false | { debounceMs?: number; pollIntervalMs?: number };
  /** the certificate served, at start-up and after each reload (metrics: its expiry) */
  onCertificate?: (summary: CertificateSummary) => void;
}

export interface RunningServer {
  url: string;
  server: Server;
  /** the connections open now, in all and per client address (those counted against maxConnectionsPerAddress) */
  connections(): { total: number; perAddress: ReadonlyMap<string, number> };
  close(): Promise<void>;
}

/** how long a connection answered by onClientError (408, 431, 400) may stay open for its client to read the answer */
const ANSWERED_LINGER_MS = 1_000;

const silent: ServerLog = { info() {}, warn() {}, debug() {} };

export async function startServer(app: RequestListener, options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? silent;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const httpOptions: HttpOptions = {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  };

  // While draining, every answer says `Connection: close`, so that keep-alive clients go elsewhere.
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let server: Server;
  const listener: RequestListener = (req, res) => {
    inFlight.add(res);
    res.once("close", () => {
      inFlight.delete(res);
      // An answer whose headers had left before close() keeps its connection: drop it once it is idle.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
    if (draining) res.setHeader("Connection", "close");
    app(req, res);
  };

  let watcher: TlsFileWatcher | undefined;
  if (options.tls.enabled) {
    const { certFile, keyFile, clientCAFile } = options.tls;
    if (certFile === undefined || keyFile === undefined) throw new Error("server.tls.enabled needs certFile and keyFile");
    const files: TlsFiles = { certFile, keyFile, clientCAFile };
    const material = readTlsMaterial(files);
    const summary = checkTlsMaterial(material);
    const https = createHttpsServer(
      {
        ...httpOptions,
        ...secureContextOptions(material),
        handshakeTimeout: timeouts.handshakeMs,
        // Mutual TLS: the handshake itself refuses a client without a certificate from one of these CAs.
        ...(clientCAFile === undefined ? {} : { requestCert: true, rejectUnauthorized: true }),
      },
      listener,
    );
    https.on("tlsClientError", (error: Error & { code?: string }, socket) =>
      log.debug("TLS handshake refused", { remoteAddress: socket.remoteAddress, reason: error.code ?? error.message }),
    );
    log.info("TLS certificate loaded", { ...summary, ...(clientCAFile === undefined ? {} : { clientCAFile }) });
    options.onCertificate?.(summary);
    if (options.tlsReload !== false) {
      watcher = watchTlsFiles({
        files,
        current: material,
        // requestCert and rejectUnauthorized belong to the server and stay; the rest is passed again.
        apply: (contextOptions) => https.setSecureContext(contextOptions),
        log,
        pollIntervalMs: 60_000,
        ...(options.onCertificate ? { onReloaded: options.onCertificate } : {}),
        ...options.tlsReload,
      });
    }
    server = https;
  } else {
    server = createHttpServer(httpOptions, listener);
  }
  server.keepAliveTimeout = timeouts.keepAliveMs;
  {
    const answer = options.onClientError ?? answerClientError;
    // https.Server re-emits every tlsClientError as clientError: tell those apart and only close them.
    const handshakeFailed = new WeakSet<Socket>();
    server.prependListener("tlsClientError", (_error: Error, socket: Socket) => handshakeFailed.add(socket));
    server.on("clientError", (error: Error & { code?: string }, socket: Socket) => {
      if (handshakeFailed.has(socket)) {
        socket.destroy();
        return;
      }
      answer(error, socket);
      // end() waits for the client's own end; a client that never reads (a flood of half-sent requests) would
      // keep the socket, and its slot under the connection caps, for ever. A second is plenty to read an answer.
      if (!socket.destroyed) {
        const linger = setTimeout(() => socket.destroy(), ANSWERED_LINGER_MS);
        linger.unref();
        socket.once("close", () => clearTimeout(linger));
      }
    });
  }
  // Beyond maxConnections, net closes a new connection before any 'connection' listener (and TLS) sees it.
  if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
  const perAddress = new Map<string, number>();
  const perAddressCap = options.maxConnectionsPerAddress ?? Infinity;
  // A trusted proxy carries many clients on its one address: it counts only toward maxConnections.
  const isTrustedProxy = trustedPeer(options.trustProxy);
  let refusals = 0;
  // On the TCP connection, before the TLS handshake: a refused one costs no handshake and no buffers.
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address !== undefined && perAddressCap !== Infinity && !isTrustedProxy(address)) {
      // IPv6 per /56, as the per-address rate limit counts: one host is given a whole prefix.
      const key = ipKeyGenerator(address);
      const open = perAddress.get(key) ?? 0;
      if (open >= perAddressCap) {
        // One line per 1000 refusals at most: a flood must not flood the log too.
        if (refusals++ % 1000 === 0) log.warn("connection refused: too many open from one client address", { key, open, refusals });
        socket.destroy();
        return;
      }
      perAddress.set(key, open + 1);
      socket.once("close", () => {
        const left = (perAddress.get(key) ?? 1) - 1;
        if (left > 0) perAddress.set(key, left);
        else perAddress.delete(key);
      });
    }
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("drop", (data?: { remoteAddress?: string }) =>
    log.debug("connection refused: server.maxConnections reached", { remoteAddress: data?.remoteAddress }),
  );

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.address, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    watcher?.close();
    throw error;
  }
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  const url = `${options.tls.enabled ? "https" : "http"}://${host === "0.0.0.0" || host === "[::]" ? "localhost" : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    server,
    connections: () => ({ total: sockets.size, perAddress }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        draining = true;
        watcher?.close();
        for (const res of inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
        const grace = setTimeout(() => {
          log.warn("shutdown grace period over: cutting the remaining connections", {
            requestsInFlight: inFlight.size,
            connections: sockets.size,
          });
          server.closeAllConnections();
          // Also the connections the HTTP layer does not know yet (a TLS handshake under way).
          for (const socket of sockets) socket.destroy();
        }, options.shutdownGraceMs);
        server.close(() => {
          clearTimeout(grace);
          resolve();
        });
        server.closeIdleConnections();
        log.info("no longer accepting connections", { requestsInFlight: inFlight.size, connections: sockets.size });
      });
      return closing;
    },
  };
}
