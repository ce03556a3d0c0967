/**
 * Two limits, both with express-rate-limit's standard RateLimit headers and an answer in the envelope:
 * - per client address, in front of authentication, so a flood of bad tokens cannot make us hammer GitHub;
 * - per caller *login* after authentication, so rotating tokens does not buy a user more requests.
 * The store is a parameter so that replicas can share one (Redis: src/redis/shared-rate-limit-store.ts), one per limiter.
 */
import type { Request, RequestHandler, Response } from "express";
import { rateLimit, type Store } from "express-rate-limit";
import { AppError } from "../../domain/errors.js";

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
    handler: (_req, _res, next, opts) => {
      options.onLimited?.();
      const retryAfter = Math.max(1, Math.ceil(opts.windowMs / 1000));
      next(new AppError("RATE_LIMITED", `Rate limit exceeded (${what}); retry in ${retryAfter} s`, { retryAfter }));
    },
  });
}

export function perAddressLimit(options: RateLimitOptions): RequestHandler {
  // The default key generator: the library's IP handling and IPv6 subnet grouping stay on.
  return limiter("per client address", options);
}

/** Admits one caller's request, or rejects with AppError RATE_LIMITED (after setting the RateLimit headers). */
export type CallerAdmission = (req: Request, res: Response, login: string) => Promise<void>;

/**
 * Counted per caller login, once the service knows it (it calls this as its `admit` step): rotating tokens
 * buys a user nothing.
 */
export function perUserLimit(options: RateLimitOptions): CallerAdmission {
  const logins = new WeakMap<Request, string>();
  const middleware = limiter("per user", options, (req) => `user:${logins.get(req)?.toLowerCase() ?? ""}`);
  return (req, res, login) =>
    new Promise<void>((resolve, reject) => {
      logins.set(req, login);
      const fail = (error: unknown) => reject(error instanceof Error ? error : new Error(String(error)));
      const next = (error?: unknown) => (error === undefined ? resolve() : fail(error));
      Promise.resolve(middleware(req, res, next)).catch(fail);
    });
}
