/**
 * The group lock (src/services/group-lock.ts) shared by every replica through Redis, so that two replicas
 * behind one address cannot interleave a repos-set with a repos-add on one team's group and lose a change.
 *
 * Redis' single-instance lock: `SET key token NX PX ttl` takes it, and a compare-and-delete script releases
 * it only while it still holds our token (the fencing value), so a lock that expired and was taken by
 * another replica is never released by us. The TTL outlives the request deadline (github.timeoutSeconds),
 * after which our work has ended anyway; a lock left by a replica that died frees itself after the TTL.
 * Within a process, requests for one key queue first in the process-local lock, so that they do not poll
 * Redis against each other.
 *
 * A change waits at most `waitMs` for the lock, then gets 503 with Retry-After. While Redis cannot be
 * reached, redis.onError decides as for the rate limits: fail-open takes the process-local lock only (and
 * says so in the log, once per outage), fail-closed answers 503.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { RedisOnError } from "../config/schema.js";
import { AppError } from "../domain/errors.js";
import type { RedisLog, SharedRedis } from "./connection.js";

/** The shape of src/services/group-lock.ts's KeyedLock (this layer does not import services). */
export interface KeyedLock {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
  size(): number;
}

/** Deletes the key only while it holds our token. */
const RELEASE = 'if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end';

export interface SharedGroupLockOptions {
  redis: SharedRedis;
  /** the process-local lock that queues this replica's own requests first */
  local: KeyedLock;
  /** how long a taken lock lives at most: longer than a request may take */
  ttlMs: number;
  /** how long a change waits for the lock before 503 */
  waitMs: number;
  onError: RedisOnError;
  log: RedisLog;
  /** key prefix in Redis */
  prefix?: string;
}

export function createSharedGroupLock(options: SharedGroupLockOptions): KeyedLock {
  const { redis, local, ttlMs, waitMs, onError, log, prefix = "arm:lock:group:" } = options;
  let degraded = false;

  /** Our token once the lock is ours; undefined when Redis cannot be reached (fail-open goes on without it). */
  async function acquire(key: string): Promise<string | undefined> {
    const token = randomUUID();
    const giveUpAt = Date.now() + waitMs;
    for (let attempt = 0; ; attempt++) {
      let answer: unknown;
      try {
        answer = await redis.sendCommand(["SET", key, token, "NX", "PX", String(ttlMs)]);
      } catch (error) {
        if (onError === "fail-closed") {
          throw new AppError(
            "GROUP_LOCK_UNAVAILABLE",
            "Changes to runner groups cannot be ordered right now (Redis is unreachable); try again shortly",
            {
              cause: error,
              retryAfter: 1,
            },
          );
        }
        if (!degraded)
          log.warn("Redis unreachable: changes to a runner group are ordered within this replica only until it is back", {
            error: String(error),
          });
        degraded = true;
        return undefined;
      }
      if (answer === "OK") {
        if (degraded) log.info("Redis reachable again: changes to a runner group are ordered across replicas");
        degraded = false;
        return token;
      }
      const left = giveUpAt - Date.now();
      if (left <= 0) {
        throw new AppError(
          "GROUP_LOCK_UNAVAILABLE",
          "Another change to this team's runner group is in progress on another replica; try again shortly",
          {
            retryAfter: 1,
          },
        );
      }
      // 20 ms doubling to 200 ms, with jitter, never past the wait
      await sleep(Math.min(left, Math.min(20 * 2 ** attempt, 200) + Math.floor(Math.random() * 20)));
    }
  }

  return {
    run: (key, work) =>
      local.run(key, async () => {
        const redisKey = `${prefix}${key}`;
        const token = await acquire(redisKey);
        try {
          return await work();
        } finally {
          if (token !== undefined) {
            // Best effort: if this fails the lock expires by itself after ttlMs.
            await redis
              .sendCommand(["EVAL", RELEASE, "1", redisKey, token])
              .catch((error: unknown) =>
                log.warn("could not release a runner group's lock in Redis; it expires by itself", { error: String(error) }),
              );
          }
        }
      }),
    size: () => local.size(),
  };
}
