/**
 * Where the refusal budget (src/http/middleware/refusal-budget.ts) counts: per key, the GitHub calls of
 * refused requests over a fixed window that opens with the key's first charge, as GitHub's own budget does.
 * In this process's memory here; in Redis, shared by replicas, in src/redis/shared-refusal-counter.ts.
 */
import { LRUCache } from "lru-cache";
import type { Clock } from "./clock.js";

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
