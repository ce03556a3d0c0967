/**
 * The over-the-wire seam: a node:http(s) request listener, for a simulator in its own process
 * (`npm run simulator`, demo mode) and for clients that must open real connections.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { DROP, errorResponse, payloadOf, responseHeaders, type Answer } from "./http.js";

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** GitHub refuses bodies over 25 MB or so; we stop reading far earlier than memory would mind. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function createNodeHandler(answer: Answer): NodeHandler {
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on("end", () => {
      const tls = "encrypted" in req.socket && req.socket.encrypted === true;
      const url = new URL(req.url ?? "/", `${tls ? "https" : "http"}://${req.headers.host ?? "127.0.0.1"}`);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = String(value);
      answer({ method: req.method ?? "GET", url, headers, body: Buffer.concat(chunks).toString("utf8") })
        .then((outcome) => {
          if (outcome === DROP) {
            req.socket.destroy();
            return;
          }
          res.writeHead(outcome.status, responseHeaders(outcome));
          res.end(payloadOf(outcome));
        })
        .catch((error: unknown) => {
          // A handler that throws is a simulator bug: say so in GitHub's error shape rather than hang the client.
          const outcome = errorResponse(500, `simulator error: ${(error as Error).message}`);
          if (!res.headersSent) res.writeHead(500, responseHeaders(outcome));
          res.end(JSON.stringify(outcome.body));
        });
    });
  };
}
