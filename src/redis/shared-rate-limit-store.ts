/**
 * An express-rate-limit Store whose counters live in Redis (rate-limit-redis), so that every replica
 * counts one user's requests together, and which keeps answering when Redis does not:
 * - while Redis is unreachable (disconnected, or no answer within the command timeout), the request is not
 *   held up: `fail-open` counts it in this replica's memory instead (the limits hold per replica, as
 *   without Redis); `fail-closed` refuses it with 503 RATE_LIMIT_UNAVAILABLE. A disconnected client fails
 *   at once; a connected Redis that does not answer (hung, overloaded) costs one request the command
 *   timeout, then Redis is left alone for COOL_DOWN_MS, so that a hung Redis does not slow every request.
 * - rate-limit-redis loads its Lua scripts once, in init(), and never again unless Redis answers NOSCRIPT:
 *   a load that failed (Redis down at start-up, or killed during a reload) would fail every later request
 *   (upstream, on a Redis that is not there at start-up: https://github.com/express-rate-limit/rate-limit-redis/issues/239,
 *   https://github.com/express-rate-limit/express-rate-limit/issues/485).
 *   So the inner store is built only once Redis is ready, and built afresh after any failure.
 *
 * One instance per limiter, each with its own prefix (express-rate-limit refuses a shared instance).
 */
import { MemoryStore, type IncrementResponse, type Options, type Store } from "express-rate-limit";
import { RedisStore } from "rate-limit-redis";
import { AppError } from "../domain/errors.js";
import type { RedisOnError } from "../config/schema.js";
import type { SharedRedis } from "./connection.js";

export interface SharedStoreLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface SharedStoreOptions {
  redis: Pick<SharedRedis, "isReady" | "sendCommand" | "where">;
  /** prepended to every key in Redis; distinct per limiter */
  prefix: string;
  onError: RedisOnError;
  /** the limiter's name in log lines: "per user", "per client address" */
  name: string;
  log: SharedStoreLog;
}

/** How long a client refused under fail-closed is asked to wait: Redis reconnects within a few seconds. */
const RETRY_AFTER_SECONDS = 5;
/** After a failure while connected (a timeout, an error reply), how long Redis is not asked again. */
const COOL_DOWN_MS = 1000;

class RedisUnavailableError extends Error {
  constructor(why: string) {
    super(why);
    this.name = "RedisUnavailableError";
  }
}

export class SharedRateLimitStore implements Store {
  readonly prefix: string;
  /** keys live in Redis, shared with the other replicas */
  readonly localKeys = false;
  readonly #settings: SharedStoreOptions;
  readonly #fallback: MemoryStore | undefined;
  #options: Options | undefined;
  #inner: Promise<RedisStore> | undefined;
  #degraded = false;
  /** performance.now() before which Redis is not asked (see COOL_DOWN_MS) */
  #coolUntil = 0;

  constructor(settings: SharedStoreOptions) {
    this.#settings = settings;
    this.prefix = settings.prefix;
    this.#fallback = settings.onError === "fail-open" ? new MemoryStore() : undefined;
  }

  /** Called by express-rate-limit when the limiter is built: nothing is sent to Redis here. */
  init(options: Options): void {
    this.#options = options;
    this.#fallback?.init(options);
  }

  /** Whether the last attempt to use Redis failed (the limits then follow onError). */
  get degraded(): boolean {
    return this.#degraded;
  }

  async increment(key: string): Promise<IncrementResponse> {
    try {
      const result = await (await this.#redisStore()).increment(key);
      this.#recovered();
      return result;
    } catch (error) {
      return this.#failed(error, () => this.#fallback!.increment(key));
    }
  }

  async decrement(key: string): Promise<void> {
    try {
      await (await this.#redisStore()).decrement(key);
    } catch (error) {
      await this.#failed(error, () => this.#fallback!.decrement(key));
    }
  }

  async resetKey(key: string): Promise<void> {
    try {
      await (await this.#redisStore()).resetKey(key);
    } catch (error) {
      await this.#failed(error, () => this.#fallback!.resetKey(key));
    }
  }

  shutdown(): void {
    this.#fallback?.shutdown();
  }

  #redisStore(): Promise<RedisStore> {
    if (!this.#settings.redis.isReady()) return Promise.reject(new RedisUnavailableError("Redis is not connected"));
    if (performance.now() < this.#coolUntil)
      return Promise.reject(new RedisUnavailableError("Redis failed a moment ago; not asked again yet"));
    this.#inner ??= (async () => {
      const options = this.#options;
      if (!options) throw new Error("the store was used before express-rate-limit initialised it");
      const store = new RedisStore({
        prefix: this.prefix,
        sendCommand: (...args: string[]) => this.#settings.redis.sendCommand(args) as ReturnType<RedisSendCommand>,
      });
      await store.init(options);
      return store;
    })();
    return this.#inner;
  }

  #recovered(): void {
    if (!this.#degraded) return;
    this.#degraded = false;
    this.#settings.log.info(`rate limits (${this.#settings.name}) are counted in Redis again`, { redis: this.#settings.redis.where });
  }

  async #failed<T>(error: unknown, fallback: () => Promise<T> | T): Promise<T> {
    // A fresh inner store next time: its script load may be the thing that failed (see the header).
    this.#inner = undefined;
    // Connected but failing (no answer in time, an error reply): give it a moment before the next try.
    if (!(error instanceof RedisUnavailableError) && this.#settings.redis.isReady()) this.#coolUntil = performance.now() + COOL_DOWN_MS;
    if (!this.#degraded) {
      this.#degraded = true;
      const policy =
        this.#settings.onError === "fail-open"
          ? "counting in this replica's memory until it is back (redis.onError: fail-open)"
          : "refusing rate-limited requests with 503 until it is back (redis.onError: fail-closed)";
      this.#settings.log.warn(`rate limits (${this.#settings.name}): Redis cannot be used; ${policy}`, {
        redis: this.#settings.redis.where,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
    if (!this.#fallback) {
      throw new AppError(
        "RATE_LIMIT_UNAVAILABLE",
        "The rate limits cannot be checked right now (their store is unreachable); try again shortly",
        {
          cause: error,
          retryAfter: RETRY_AFTER_SECONDS,
        },
      );
    }
    return fallback();
  }
}

type RedisSendCommand = ConstructorParameters<typeof RedisStore>[0] extends infer O
  ? O extends { sendCommand: infer F }
    ? F
    : never
  : never;
