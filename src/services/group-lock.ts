/**
 * Changes to one team's runner group run one after another. Without it two maintainers could
 * interleave: one reads the group's repositories while the other changes them, or a repos-set (replace
 * all) lands between the look-up and the write of a repos-add, and an update is lost.
 *
 * The lock built here holds within one process; the service is given it as a dependency, so that
 * replicas can share one of another kind (Redis) through the same interface.
 */

export interface KeyedLock {
  /** Runs `work` once every earlier `run` with the same key has settled; keys are independent. */
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** keys with work running or waiting (for tests: an idle lock holds nothing) */
  size(): number;
}

export function createKeyedLock(): KeyedLock {
  /** the last work queued for each key, settled or not; removed when the queue drains */
  const tails = new Map<string, Promise<void>>();
  return {
    async run<T>(key: string, work: () => Promise<T>): Promise<T> {
      const before = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tail = before.then(() => mine);
      tails.set(key, tail);
      try {
        await before;
        return await work();
      } finally {
        release();
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
    size: () => tails.size,
  };
}
