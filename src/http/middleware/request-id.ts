import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";

/** printable ASCII, no space at either end, 128 characters at most */
const ACCEPTABLE_CLIENT_ID = /^[!-~](?:[ -~]{0,126}[!-~])?$/;

/**
 * The service's own id for every request, always generated (so no caller can make two audit lines share an
 * id, or pin an id to someone else's request), answered as X-Request-Id. A caller's X-Request-Id, when it is
 * printable and short, is kept beside it as clientRequestId in the access log, errors and audit, so a trace
 * can cross services; anything else a caller sends there is dropped.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.get("x-request-id");
  res.locals.requestId = randomUUID();
  if (given !== undefined && ACCEPTABLE_CLIENT_ID.test(given)) res.locals.clientRequestId = given;
  res.setHeader("X-Request-Id", res.locals.requestId);
  next();
};
