import type { RequestHandler } from "express";
import { sendError } from "../envelope.js";

/**
 * Only these methods reach the route; others get 405 with Allow. Express would map HEAD onto GET, but
 * here a GET may change things, so every method is listed explicitly.
 */
export function onlyMethods(methods: string[]): RequestHandler {
  return (req, res, next) => {
    if (methods.includes(req.method)) {
      next();
      return;
    }
    res.setHeader("Allow", methods.join(", "));
    sendError(res, 405, `Method ${req.method} is not allowed on ${req.path.slice(0, 200)}; use ${methods.join(" or ")}`);
  };
}
