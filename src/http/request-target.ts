/**
 * The request target in its absolute form (`GET https://host/api/v1/status HTTP/1.1`, RFC 9112 §3.2.2), which a
 * server must accept and which Node passes through as req.url, is served exactly as its origin form
 * (`GET /api/v1/status`): it is rewritten before anything else reads it, so routing, 404/405, the query's
 * parsing, the access log and the metrics' route label see one shape. The rewrite is textual: WHATWG URL
 * parsing would also resolve `..` segments, which origin form never does here. The authority (userinfo
 * included) is dropped, never logged; like the Host header, it chooses nothing. Any other target (`*`, a
 * bare `api/v1/…`, another scheme) is refused with 400.
 */
import type { RequestHandler } from "express";
import type { RequestListener } from "node:http";
import { AppError } from "../domain/errors.js";

const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;

/** The origin form of a request target, or undefined when it is neither origin nor http(s) absolute form. */
export function originForm(target: string): string | undefined {
  if (target.startsWith("/")) return target;
  const authority = ABSOLUTE_FORM.exec(target);
  if (!authority) return undefined;
  const rest = target.slice(authority[0].length);
  return rest.startsWith("/") ? rest : `/${rest}`;
}

export const badTarget = () => new AppError("BAD_REQUEST", "The request target must be a path (/api/v1/…) or an https:// URL of one");

/**
 * Wraps the app's listener: absolute form becomes origin form before Express sees the request. Inside Express
 * it would be too late, since its router keeps the scheme and authority it found on entry and puts them back
 * in front of req.url whenever a mounted router (/api/v1) trims its prefix. Other targets are left for
 * refuseOtherTargets.
 */
export function inOriginForm(listener: RequestListener): RequestListener {
  return (req, res) => {
    const target = originForm(req.url ?? "/");
    if (target !== undefined) req.url = target;
    listener(req, res);
  };
}

/** After the access log and the security headers, so that the refusal is logged and answered like any other. */
export const refuseOtherTargets: RequestHandler = (req, _res, next) => next(req.url.startsWith("/") ? undefined : badTarget());
