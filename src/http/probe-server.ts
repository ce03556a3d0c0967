/**
 * A listener of its own for GET /healthz and GET /readyz (config server.probePort), plain HTTP, for the
 * kubelet when the server requires client certificates (server.tls.clientCAFile): the kubelet presents none,
 * so an HTTPS probe would fail the handshake. The two paths are answered by the app itself, as on the main
 * port (the same checks, envelope, metrics and access log); every other path is 404 here, so that nothing of
 * the API is reachable without TLS.
 */
import { createServer, type RequestListener } from "node:http";
import { AppError } from "../domain/errors.js";
import { DEFAULT_TIMEOUTS } from "../server.js";
import { badTarget, originForm } from "./request-target.js";
import { listenSide, sendErrorAnswer, type SideListener } from "./side-listener.js";

export const PROBE_PATHS: ReadonlySet<string> = new Set(["/healthz", "/readyz"]);

/** its URL, and close() */
export type ProbeServer = SideListener;

/** `app`: the main port's request listener, which answers the two probe paths. */
export async function startProbeServer(app: RequestListener, options: { address: string; port: number }): Promise<ProbeServer> {
  const server = createServer({ headersTimeout: DEFAULT_TIMEOUTS.headersMs, requestTimeout: DEFAULT_TIMEOUTS.requestMs }, (req, res) => {
    const target = originForm(req.url ?? "/");
    if (target === undefined) return sendErrorAnswer(res, badTarget());
    const path = target.replace(/[?#].*$/, "");
    if (!PROBE_PATHS.has(path)) {
      return sendErrorAnswer(res, new AppError("NOT_FOUND", "No such route; this port serves only GET /healthz and GET /readyz"));
    }
    app(req, res);
  });
  return listenSide(server, options);
}
