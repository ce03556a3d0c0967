import type { RequestHandler } from "express";
import { AppError } from "../../domain/errors.js";

function notAllowed(method: string, path: string, methods: readonly string[]): AppError {
  return new AppError("METHOD_NOT_ALLOWED", `Method ${method} is not allowed on ${path.slice(0, 200)}; use ${methods.join(" or ")}`, {
    allow: methods,
  });
}

/**
 * Only these methods reach the route; others get 405 with Allow. Express would map HEAD onto GET, but
 * here a GET may change things, so every method is listed explicitly.
 */
export function onlyMethods(methods: readonly string[]): RequestHandler {
  return (req, _res, next) => (methods.includes(req.method) ? next() : next(notAllowed(req.method, req.path, methods)));
}

/**
 * The same check for a whole table of paths, placed before the body is read: a wrong method is answered
 * 405 whatever body it carries (a huge or broken one included).
 */
export function methodGuard(routes: ReadonlyMap<string, readonly string[]>): RequestHandler {
  return (req, _res, next) => {
    const methods = routes.get(req.path.replace(/\/+$/, "") || "/");
    next(methods && !methods.includes(req.method) ? notAllowed(req.method, req.path, methods) : undefined);
  };
}
