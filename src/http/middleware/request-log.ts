import type { RequestHandler } from "express";
import type { Logger } from "../../logging/create-logger.js";

/**
 * One access line per request, written when the answer has gone out: who, which team, which route,
 * what status, how long. Never a header value: the Authorization header holds the caller's token.
 */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on("finish", () => {
      const status = res.statusCode;
      const line = {
        requestId: res.locals.requestId as string | undefined,
        clientRequestId: res.locals.clientRequestId,
        method: req.method,
        // the path only: query strings are the caller's to keep out of our logs
        path: (req.originalUrl.split("?")[0] ?? "").slice(0, 200),
        status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        user: res.locals.caller?.login,
        team: res.locals.team,
        ip: req.ip,
      };
      if (status >= 500) log.error("request", line);
      else log.info("request", line);
    });
    next();
  };
}
