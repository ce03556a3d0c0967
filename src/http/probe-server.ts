/**
 * A listener of its own for GET /healthz and GET /readyz (config server.probePort), plain HTTP, for the
 * kubelet when the server requires client certificates (server.tls.clientCAFile): the kubelet presents none,
 * so an HTTPS probe would fail the handshake. The two paths are answered by the app itself, as on the main
 * port (the same checks, envelope, metrics and access log); every other path is 404 here, so that nothing of
 * the API is reachable without TLS.
 */
import { createServer, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { AppError } from "../domain/errors.js";
import { DEFAULT_TIMEOUTS } from "../server.js";
import { errorAnswer } from "./envelope.js";
import { badTarget, originForm } from "./request-target.js";

export const PROBE_PATHS: ReadonlySet<string> = new Set(["/healthz", "/readyz"]);

export interface ProbeServer {
  url: string;
  close(): Promise<void>;
}

function sendError(res: ServerResponse, error: AppError): void {
  const { status, headers, body } = errorAnswer(error);
  res.writeHead(status, headers);
  res.end(body);
}

/** `app`: the main port's request listener, which answers the two probe paths. */
export async function startProbeServer(app: RequestListener, options: { address: string; port: number }): Promise<ProbeServer> {
  const server = createServer({ headersTimeout: DEFAULT_TIMEOUTS.headersMs, requestTimeout: DEFAULT_TIMEOUTS.requestMs }, (req, res) => {
    const target = originForm(req.url ?? "/");
    if (target === undefined) return sendError(res, badTarget());
    const path = target.replace(/[?#].*$/, "");
    if (!PROBE_PATHS.has(path)) {
      return sendError(res, new AppError("NOT_FOUND", "No such route; this port serves only GET /healthz and GET /readyz"));
    }
    app(req, res);
  });
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.address, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // A probe takes milliseconds; idle keep-alive connections are simply cut.
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
