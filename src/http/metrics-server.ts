/**
 * A listener of its own for GET /metrics (config metrics.port), plain HTTP, so that Prometheus scrapes a
 * port that the API's clients never reach (a NetworkPolicy or a Service can keep it in-cluster). Nothing
 * else is served there: other paths get 404 and other methods 405, in the API's envelope.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { AppError } from "../domain/errors.js";
import type { Metrics } from "../metrics/metrics.js";
import { DEFAULT_TIMEOUTS } from "../server.js";
import { bearerMatches, metricsUnauthorized } from "./middleware/metrics.js";
import { badTarget, originForm } from "./request-target.js";
import { listenSide, sendErrorAnswer, type SideListener } from "./side-listener.js";

/** its URL, and close() */
export type MetricsServer = SideListener;

export async function startMetricsServer(
  metrics: Metrics,
  options: { address: string; port: number; token?: string },
): Promise<MetricsServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const target = originForm(req.url ?? "/");
    if (target === undefined) return sendErrorAnswer(res, badTarget());
    const path = target.replace(/[?#].*$/, "").replace(/(.)\/+$/, "$1");
    if (path !== "/metrics") return sendErrorAnswer(res, new AppError("NOT_FOUND", "No such route; this port serves only GET /metrics"));
    if (req.method !== "GET") {
      return sendErrorAnswer(
        res,
        new AppError("METHOD_NOT_ALLOWED", `Method ${req.method ?? ""} is not allowed on /metrics; use GET`, { allow: ["GET"] }),
      );
    }
    if (options.token !== undefined && !bearerMatches(req.headers.authorization, options.token)) {
      return sendErrorAnswer(res, metricsUnauthorized());
    }
    const text = await metrics.render();
    res.writeHead(200, { "Content-Type": metrics.contentType, "Cache-Control": "no-store" });
    res.end(text);
  };
  const server = createServer({ headersTimeout: DEFAULT_TIMEOUTS.headersMs, requestTimeout: DEFAULT_TIMEOUTS.requestMs }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendErrorAnswer(res, new AppError("INTERNAL", "The metrics could not be collected"));
      else res.destroy();
    });
  });
  return listenSide(server, options);
}
