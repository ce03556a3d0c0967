/**
 * Changes to one team's runner group run one after another, in this process. Without it two maintainers
 * could interleave: one reads the group's repositories while the other changes them, or a repos-set
 * (replace all) lands between the look-up and the write of a repos-add, and an update is lost.
 *
 * This covers one replica only. Several replicas behind a load balancer need a shared lock (Redis, as
 * the rate limits will), which this module's interface is shaped to take: `run(key, work)`.
 */
import type { GitHub } from "../github/ports.js";

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

/**
 * One lock table per GitHub organization client, found from the client itself so that the services keep
 * their `(github, …)` signatures; a WeakMap, so that a discarded app (a test's) takes its table along.
 */
const locks = new WeakMap<object, KeyedLock>();

/** Runs `work` as the only change to team `teamSlug`'s runner group in progress in this process. */
export function changingGroup<T>(github: GitHub, teamSlug: string, work: () => Promise<T>): Promise<T> {
  let lock = locks.get(github.org);
  if (!lock) {
    lock = createKeyedLock();
    locks.set(github.org, lock);
  }
  return lock.run(teamSlug.toLowerCase(), work);
}
