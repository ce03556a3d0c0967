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
 * this process's memory otherwise.
 */
import { LRUCache } from "lru-cache";
import type { Clock } from "../../clock.js";
import { AppError } from "../../domain/errors.js";

/** The statuses of a refused request, whose GitHub calls are charged to the caller. */
export const REFUSED_STATUSES: ReadonlySet<number> = new Set([401, 403, 404, 409, 422]);

/** The window refused calls are counted over. */
export const REFUSAL_WINDOW_MS = 3_600_000;

/** Calls counted per key over a fixed window that opens with the key's first charge (as GitHub's own). */
export interface RefusalCounter {
  add(key: string, calls: number): Promise<void>;
  /** the calls counted in the key's window and the seconds until it ends; undefined when none */
  get(key: string): Promise<{ calls: number; resetInSeconds: number } | undefined>;
}

/** In this process's memory, bounded (the least recently charged keys go first), on the injected clock. */
export function memoryRefusalCounter(clock: Clock, maxKeys = 100_000): RefusalCounter {
  const counts = new LRUCache<string, { calls: number }>({
    max: maxKeys,
    ttl: REFUSAL_WINDOW_MS,
    perf: { now: () => clock.now().getTime() },
  });
  return {
    add(key, calls) {
      const current = counts.get(key);
      if (current) current.calls += calls;
      else counts.set(key, { calls });
      return Promise.resolve();
    },
    get(key) {
      const current = counts.get(key);
      if (!current) return Promise.resolve(undefined);
      return Promise.resolve({ calls: current.calls, resetInSeconds: Math.max(1, Math.ceil(counts.getRemainingTTL(key) / 1000)) });
    },
  };
}

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
