import type { RequestHandler } from "express";
import { sendError } from "../envelope.js";

function refuse(methods: readonly string[]): RequestHandler {
  return (req, res) => {
    res.setHeader("Allow", methods.join(", "));
    sendError(res, 405, `Method ${req.method} is not allowed on ${req.path.slice(0, 200)}; use ${methods.join(" or ")}`);
  };
}

/**
 * Only these methods reach the route; others get 405 with Allow. Express would map HEAD onto GET, but
 * here a GET may change things, so every method is listed explicitly.
 */
export function onlyMethods(methods: string[]): RequestHandler {
  const refusal = refuse(methods);
  return (req, res, next) => (methods.includes(req.method) ? next() : refusal(req, res, next));
}

/**
 * The same check for a whole table of paths, placed before the body is read: a wrong method is answered
 * 405 whatever body it carries (a huge or broken one included).
 */
export function methodGuard(routes: ReadonlyMap<string, readonly string[]>): RequestHandler {
  return (req, res, next) => {
    const methods = routes.get(req.path.replace(/\/+$/, "") || "/");
    if (methods && !methods.includes(req.method)) refuse(methods)(req, res, next);
    else next();
  };
}
