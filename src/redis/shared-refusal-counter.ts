/**
 * The refusal budget's counters (src/http/middleware/refusal-budget.ts) in Redis, so that every replica
 * counts one caller's refused calls together. Each key is a counter with a one-hour expiry set by its first
 * charge (INCRBY, then PEXPIRE if none: one script, atomic). Redis being down or slow follows
 * `redis.onError` as the rate limits do (./shared-rate-limit-store.ts): fail-open counts in this replica's
 * memory meanwhile; fail-closed refuses the check with 503 RATE_LIMIT_UNAVAILABLE.
 */
import type { Clock } from "../clock.js";
import type { RedisOnError } from "../config/schema.js";
import { AppError } from "../domain/errors.js";
import { memoryRefusalCounter, REFUSAL_WINDOW_MS, type RefusalCounter } from "../refusal-counter.js";
import type { SharedRedis } from "./connection.js";
import type { SharedStoreLog } from "./shared-rate-limit-store.js";

const ADD =
  "local n = redis.call('INCRBY', KEYS[1], ARGV[1]) if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return n";
const GET = "return { redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]) }";

export interface SharedRefusalCounterOptions {
  redis: Pick<SharedRedis, "isReady" | "sendCommand" | "where">;
  prefix: string;
  onError: RedisOnError;
  clock: Clock;
  log: SharedStoreLog;
}

export function sharedRefusalCounter(options: SharedRefusalCounterOptions): RefusalCounter {
  const fallback = memoryRefusalCounter(options.clock);
  let degraded = false;

  async function send(script: string, key: string, args: string[]): Promise<unknown> {
    if (!options.redis.isReady()) throw new Error("Redis is not connected");
    const result = await options.redis.sendCommand(["EVAL", script, "1", options.prefix + key, ...args]);
    if (degraded) {
      degraded = false;
      options.log.info("refused calls are counted in Redis again", { redis: options.redis.where });
    }
    return result;
  }

  function failed(error: unknown): void {
    if (degraded) return;
    degraded = true;
    options.log.warn(
      options.onError === "fail-open"
        ? "refused calls are counted in this replica's memory while Redis is unusable (redis.onError: fail-open)"
        : "refused calls cannot be checked while Redis is unusable: requests are refused with 503 (redis.onError: fail-closed)",
      { redis: options.redis.where, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) },
    );
  }

  return {
    async add(key, calls) {
      try {
        await send(ADD, key, [String(calls), String(REFUSAL_WINDOW_MS)]);
      } catch (error) {
        failed(error);
        // fail-closed refuses at the next check; the charge itself is kept in memory either way
        await fallback.add(key, calls);
      }
    },
    async get(key) {
      try {
        const [calls, pttl] = (await send(GET, key, [])) as [string | null, number];
        if (calls === null) return undefined;
        return { calls: Number(calls), resetInSeconds: Math.max(1, Math.ceil(Number(pttl) / 1000)) };
      } catch (error) {
        failed(error);
        if (options.onError === "fail-closed") {
          throw new AppError(
            "RATE_LIMIT_UNAVAILABLE",
            "The rate limits cannot be checked right now (their store is unreachable); try again shortly",
            { cause: error, retryAfter: 5 },
          );
        }
        return fallback.get(key);
      }
    },
  };
}
