/**
 * startServer(app, options) → { url, close() }: HTTP or HTTPS (TLS 1.2 at least) on the configured
 * address, with timeouts against slow clients, and a close() that lets requests in flight finish.
 */
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server, type RequestListener } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

export interface ServerOptions {
  address: string;
  port: number;
  tls: { enabled: boolean; certFile?: string; keyFile?: string };
  /** how long close() waits for requests in flight before cutting connections */
  shutdownGraceMs?: number;
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startServer(app: RequestListener, options: ServerOptions): Promise<RunningServer> {
  const server = options.tls.enabled
    ? createHttpsServer(
        {
          cert: readFileSync(options.tls.certFile!),
          key: readFileSync(options.tls.keyFile!),
          minVersion: "TLSv1.2",
        },
        app,
      )
    : createHttpServer(app);
  // Slow clients may not hold sockets open: headers within 10 s, the whole request within 30 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.address, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  const url = `${options.tls.enabled ? "https" : "http"}://${host === "0.0.0.0" || host === "[::]" ? "localhost" : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    server,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        const grace = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
        grace.unref();
      });
      return closing;
    },
  };
}
