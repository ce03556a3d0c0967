import type { RequestHandler } from "express";
import type { RequestDeadlines } from "../../request-deadline.js";

/**
 * One deadline per caller request for everything it asks GitHub (config github.timeoutSeconds): the
 * rest of the chain runs inside `deadlines.within`, whose AsyncLocalStorage follows the handlers'
 * awaits down to every GitHub call. Mounted right before the routes, after every middleware that might
 * resume `next` from a callback of its own (such a callback would run outside the deadline's context).
 */
export function githubDeadline(deadlines: RequestDeadlines): RequestHandler {
  return (_req, _res, next) => {
    deadlines.within(() => next());
  };
}
