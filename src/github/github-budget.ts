/**
 * The App installation's GitHub budget, as GitHub reports it on every answer (`x-ratelimit-limit`,
 * `-remaining`, `-reset`; https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api).
 * The budget is shared by everything the App does in the organization, so the service spends it carefully:
 *
 * - once GitHub says stop (the primary limit exhausted, or a secondary limit with its `retry-after`), no
 *   installation call is sent until the time it named: each would only be refused, and GitHub may answer a
 *   client that keeps calling through a secondary limit by banning the integration
 *   (https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#handle-rate-limit-errors-appropriately);
 * - below the reserve (`server.githubBudget.reserve`, 10 % of the limit by default) the services let only
 *   callers already known as active maintainers of the team they name spend calls (src/services/index.ts).
 *
 * Only the installation's own answers are read: a caller's `GET /user` reports the caller's budget, and the
 * App's JWT calls the App's.
 */
import type { Clock } from "../clock.js";
import { AppError } from "../domain/errors.js";

/** `server.githubBudget.reserve`: a share of GitHub's limit, or a number of calls. */
export type BudgetReserve = { percent: number } | { calls: number };

export interface GitHubBudget {
  /** seconds until GitHub lets the installation call again, while it has said stop; undefined otherwise */
  blockedFor(): number | undefined;
  /** seconds until GitHub's window resets, while the remaining calls are within the reserve; undefined otherwise */
  reservedFor(): number | undefined;
  /** GitHub's latest figures, for logs and tests: undefined before the first installation answer */
  snapshot(): { limit: number; remaining: number; resetAt: Date } | undefined;
}

export interface BudgetWatch extends GitHubBudget {
  /** reads an installation answer's x-ratelimit-* headers */
  observe(headers: Record<string, string | number | undefined>): void;
  /** GitHub refused a call for a rate limit: nothing more until `retryAfterSeconds` from now */
  stop(retryAfterSeconds: number): void;
  /** throws AppError GITHUB_RATE_LIMITED while GitHub has said stop: the call is not sent */
  gate(): void;
}

export function createBudgetWatch(options: { clock: Clock; reserve: BudgetReserve }): BudgetWatch {
  let figures: { limit: number; remaining: number; resetAtMs: number } | undefined;
  let blockedUntilMs = 0;
  const now = () => options.clock.now().getTime();
  const secondsUntil = (atMs: number) => Math.max(1, Math.ceil((atMs - now()) / 1000));
  const reserveCalls = (limit: number) =>
    "calls" in options.reserve ? options.reserve.calls : Math.ceil((limit * options.reserve.percent) / 100);

  const blockedFor = () => (now() < blockedUntilMs ? secondsUntil(blockedUntilMs) : undefined);

  return {
    observe(headers) {
      const limit = Number(headers["x-ratelimit-limit"]);
      const remaining = Number(headers["x-ratelimit-remaining"]);
      const resetAtMs = Number(headers["x-ratelimit-reset"]) * 1000;
      if (![limit, remaining, resetAtMs].every(Number.isFinite)) return;
      // Answers to concurrent calls arrive in any order: within one window, the lowest remaining is the latest.
      if (figures === undefined || resetAtMs > figures.resetAtMs) figures = { limit, remaining, resetAtMs };
      else if (resetAtMs === figures.resetAtMs) figures = { limit, remaining: Math.min(remaining, figures.remaining), resetAtMs };
      if (remaining <= 0 && resetAtMs > now()) blockedUntilMs = Math.max(blockedUntilMs, resetAtMs);
    },
    stop(retryAfterSeconds) {
      blockedUntilMs = Math.max(blockedUntilMs, now() + retryAfterSeconds * 1000);
    },
    gate() {
      const wait = blockedFor();
      if (wait === undefined) return;
      throw new AppError(
        "GITHUB_RATE_LIMITED",
        `GitHub's rate limit for this App is exhausted; no call is made to GitHub until it resets, in ${wait} s`,
        { retryAfter: wait },
      );
    },
    blockedFor,
    reservedFor() {
      if (figures === undefined || now() >= figures.resetAtMs) return undefined;
      return figures.remaining < reserveCalls(figures.limit) ? secondsUntil(figures.resetAtMs) : undefined;
    },
    snapshot: () =>
      figures === undefined ? undefined : { limit: figures.limit, remaining: figures.remaining, resetAt: new Date(figures.resetAtMs) },
  };
}
