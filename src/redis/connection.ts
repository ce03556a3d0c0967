/**
 * The one Redis connection of the process (node-redis), set up so that Redis being down, slow or hung never
 * makes a request wait longer than commandTimeoutMs:
 * - `disableOfflineQueue`: while disconnected, a command fails at once instead of waiting in a queue for
 *   the reconnection (node-redis' default queues it, and every rate-limited request would hang);
 * - every command has a deadline of our own. node-redis' `commandOptions.timeout` only covers a command
 *   until it is written to the socket: once sent, it waits for its reply forever
 *   (https://github.com/redis/node-redis/pull/3008), and a Redis that is
 *   connected but silent (stopped, overloaded, a network path that drops packets without a reset) would hold
 *   every request. A command that gets no answer in time therefore also retires the connection: it is
 *   destroyed (its pending commands fail) and a new one is opened, which is not "ready" (so commands fail at
 *   once) until Redis answers its handshake. A handshake that hangs is given up after connectTimeoutMs.
 * - it reconnects by itself, with exponential back-off capped at a few seconds.
 * Start-up does not wait for Redis longer than connectTimeoutMs: the server starts, and the rate limits
 * follow redis.onError until Redis is there.
 *
 * The URL may hold a password: only its redacted form (redis://user:***@host) is ever put in a message.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "redis";
import type { Config } from "../config/schema.js";
import { redactRedisUrl } from "../config/redis-url.js";

/** config.redis, once it is known to have a URL */
export type RedisSettings = Pick<Config["redis"], "connectTimeoutMs" | "commandTimeoutMs"> & { url: string };

export interface RedisLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

/** What the rate-limit stores and the readiness probe need of Redis. */
export interface SharedRedis {
  /** the URL with its password masked, for messages */
  readonly where: string;
  /** connected and ready for commands (false while reconnecting) */
  isReady: () => boolean;
  /** one command; fails at once while disconnected, and after commandTimeoutMs without an answer */
  sendCommand: (args: string[]) => Promise<unknown>;
  /** resolves when Redis answers PING within commandTimeoutMs */
  ping: () => Promise<void>;
  close: () => Promise<void>;
}

export class RedisTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = "RedisTimeoutError";
  }
}

/** The wait before reconnection attempt `retries` (0, 1, …): 50 ms doubling up to 3 s, with jitter. */
export function reconnectDelayMs(retries: number): number {
  return Math.min(50 * 2 ** Math.min(retries, 10), 3000) + Math.floor(Math.random() * 100);
}

/** An error's message with any Redis URL password masked (node-redis' messages may quote the URL). */
function describe(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.replace(/[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/]*@/g, (url) => redactRedisUrl(url));
}

export async function connectRedis(settings: RedisSettings, log: RedisLog): Promise<SharedRedis> {
  const where = redactRedisUrl(settings.url);
  let closed = false;
  // One warning per outage, then debug lines: node-redis reports every failed reconnection attempt.
  let up = false;
  let warned = false;

  const open = () => {
    const client = createClient({
      url: settings.url,
      disableOfflineQueue: true,
      // Redis Enterprise's maintenance notifications are not used here, and their handshake (node-redis 6.3)
      // parses the URL with WHATWG URL, which refuses unix://user:password@/path: the connection would never come up.
      maintNotifications: "disabled",
      commandOptions: { timeout: settings.commandTimeoutMs },
      socket: { connectTimeout: settings.connectTimeoutMs, reconnectStrategy: reconnectDelayMs },
    });
    let socketSince: number | undefined;
    client.on("connect", () => (socketSince = performance.now()));
    client.on("ready", () => {
      socketSince = undefined;
      if (current?.client !== client) return;
      up = true;
      warned = false;
      log.info("Redis connected", { redis: where });
    });
    client.on("error", (error: unknown) => {
      if (current?.client !== client) return;
      const wasUp = up;
      up = false;
      if (wasUp || !warned) {
        warned = true;
        log.warn(wasUp ? "Redis connection lost; reconnecting" : "Redis cannot be reached; retrying", {
          redis: where,
          error: describe(error),
        });
      } else {
        log.debug("Redis still unreachable", { redis: where, error: describe(error) });
      }
    });
    // connect() settles only when connected (it keeps retrying), or when the client is destroyed.
    const connected = client.connect().then(
      () => true,
      (error: unknown) => {
        if (!closed && current?.client === client) log.warn("Redis connection given up", { redis: where, error: describe(error) });
        return false;
      },
    );
    /** the socket is open but Redis has not answered the handshake for connectTimeoutMs */
    const handshakeStuck = () =>
      socketSince !== undefined && !client.isReady && performance.now() - socketSince > settings.connectTimeoutMs;
    return { client, connected, handshakeStuck };
  };

  let current: ReturnType<typeof open> | undefined;
  current = open();

  /** Drops a connection that stopped answering and opens a new one (see the header). */
  const replace = (stale: ReturnType<typeof open>, why: string) => {
    if (closed || current !== stale) return;
    if (up || !warned) log.warn(`Redis ${why}; reconnecting`, { redis: where });
    up = false;
    warned = true;
    current = open();
    stale.client.destroy();
  };
  const watchdog = setInterval(
    () => {
      if (current?.handshakeStuck()) replace(current, `did not answer its handshake within ${settings.connectTimeoutMs} ms`);
    },
    Math.max(100, Math.min(settings.connectTimeoutMs, 1000)),
  );
  watchdog.unref();

  const ready = await Promise.race([current.connected, sleep(settings.connectTimeoutMs, false, { ref: false })]);
  if (!ready)
    log.warn(`Redis not reachable within ${settings.connectTimeoutMs} ms at start-up; starting anyway and retrying`, { redis: where });

  const sendCommand = (args: string[]): Promise<unknown> => {
    const connection = current!;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new RedisTimeoutError(settings.commandTimeoutMs));
        replace(connection, `did not answer within ${settings.commandTimeoutMs} ms`);
      }, settings.commandTimeoutMs);
      connection.client
        .sendCommand(args)
        .then(resolve, reject)
        .finally(() => clearTimeout(timer));
    });
  };

  return {
    where,
    isReady: () => current!.client.isReady,
    sendCommand,
    ping: async () => {
      await sendCommand(["PING"]);
    },
    close: async () => {
      closed = true;
      clearInterval(watchdog);
      const last = current!;
      // destroy(): no QUIT round trip to wait for (Redis may be the thing that is gone); nothing is pending
      // that matters, since the rate-limit counters are written by each request's own command.
      last.client.destroy();
      await last.connected;
    },
  };
}
