/**
 * The refusal budget: the GitHub calls a caller's *refused* requests cost (401, 403, 404, 409, 422) are
 * counted per caller over an hour, and past `server.githubBudget.refusedCallsPerHour` that caller's
 * further requests are answered 429 before any GitHub call is made. The App's budget is shared by the whole
 * organization: without this, one account in no team, naming random teams, empties it (issue 13).
 *
 * The key is the caller's login once known (rotating tokens buys nothing), or the client address before
 * (a bad token's GET /user). Calls are counted, not requests: a refusal answered from the caches costs
 * GitHub nothing and is not counted, so a maintainer's repeated mistake does not lock them out.
 * Counted in Redis when `redis.url` is set (src/redis/shared-refusal-counter.ts), so replicas agree; in
 * this process's memory otherwise (src/refusal-counter.ts).
 */
import { AppError } from "../../domain/errors.js";
import type { RefusalCounter } from "../../refusal-counter.js";

/** The statuses of a refused request, whose GitHub calls are charged to the caller. */
export const REFUSED_STATUSES: ReadonlySet<number> = new Set([401, 403, 404, 409, 422]);

export interface RefusalBudget {
  /** throws AppError RATE_LIMITED (429, Retry-After at the window's end) when the key is past the budget */
  check(key: string): Promise<void>;
  /** charges a refused request's GitHub calls to the key */
  charge(key: string, calls: number): Promise<void>;
}

export function createRefusalBudget(options: { perHour: number; counter: RefusalCounter; onLimited?: () => void }): RefusalBudget {
  return {
    async check(key) {
      const count = await options.counter.get(key);
      if (count === undefined || count.calls < options.perHour) return;
      options.onLimited?.();
      throw new AppError(
        "RATE_LIMITED",
        `Too many refused requests: they cost GitHub ${count.calls} calls within the hour ` +
          `(server.githubBudget.refusedCallsPerHour: ${options.perHour}); retry in ${count.resetInSeconds} s`,
        { retryAfter: count.resetInSeconds },
      );
    },
    charge: (key, calls) => (calls > 0 ? options.counter.add(key, calls) : Promise.resolve()),
  };
}

/** The key a request is charged to: the caller's login once known, the client address before. */
export function refusalKey(login: string | undefined, address: string | undefined): string {
  return login !== undefined ? `user:${login.toLowerCase()}` : `address:${address ?? "unknown"}`;
}
