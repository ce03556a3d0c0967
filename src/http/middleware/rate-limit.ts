/**
 * Two limits, both with express-rate-limit's standard RateLimit headers and an answer in the envelope:
 * - per client address, in front of authentication, so a flood of bad tokens cannot make us hammer GitHub;
 * - per caller *login* after authentication, so rotating tokens does not buy a user more requests.
 * The store is a parameter so that replicas can share one (Redis: src/redis/shared-rate-limit-store.ts), one per limiter.
 */
import type { RequestHandler } from "express";
import { ipKeyGenerator, rateLimit, type Store } from "express-rate-limit";
import { sendError } from "../envelope.js";

export interface RateLimitOptions {
  /** requests per second; fractions allowed (0.5 = one request every two seconds) */
  perSecond: number;
  store?: Store;
  /** called once per refused request (metrics) */
  onLimited?: () => void;
}

/** A rate in requests per second as express-rate-limit's window and limit. */
export function windowFor(perSecond: number): { windowMs: number; limit: number } {
  if (perSecond >= 1) return { windowMs: 1000, limit: Math.floor(perSecond) };
  return { windowMs: Math.ceil(1000 / perSecond), limit: 1 };
}

function limiter(what: string, options: RateLimitOptions, keyGenerator?: (req: Parameters<RequestHandler>[0]) => string): RequestHandler {
  const { windowMs, limit } = windowFor(options.perSecond);
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    ...(options.store ? { store: options.store } : {}),
    ...(keyGenerator ? { keyGenerator } : {}),
    handler: (_req, res, _next, opts) => {
      options.onLimited?.();
      const retryAfter = Math.max(1, Math.ceil(opts.windowMs / 1000));
      sendError(res, 429, `Rate limit exceeded (${what}); retry in ${retryAfter} s`, retryAfter);
    },
  });
}

export function perAddressLimit(options: RateLimitOptions): RequestHandler {
  // The default key generator: the library's IP handling and IPv6 subnet grouping stay on.
  return limiter("per client address", options);
}

export function perUserLimit(options: RateLimitOptions): RequestHandler {
  return limiter("per user", options, (req) => {
    const login = (req.res?.locals.caller as { login?: string } | undefined)?.login;
    return login ? `user:${login.toLowerCase()}` : `ip:${ipKeyGenerator(req.ip ?? "unknown")}`;
  });
}
