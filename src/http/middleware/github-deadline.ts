import type { RequestHandler } from "express";
import type { GitHub } from "../../github/ports.js";

/**
 * One deadline per caller request for everything it asks GitHub (config github.timeoutSeconds): the
 * rest of the chain runs inside `github.withDeadline`, whose AsyncLocalStorage follows the handlers'
 * awaits down to every Octokit call. Mounted right before the routes, after every middleware that might
 * resume `next` from a callback of its own (such a callback would run outside the deadline's context).
 */
export function githubDeadline(github: Pick<GitHub, "withDeadline">): RequestHandler {
  return (_req, _res, next) => {
    github.withDeadline(() => next());
  };
}
