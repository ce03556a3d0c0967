/**
 * @octokit/plugin-retry runs every GitHub call through a Bottleneck limiter of its own (a new one per call;
 * it takes no limiter from outside, unlike the throttling plugin, which runs on ./lean-limiter.ts). Bottleneck
 * yields with `setTimeout(fn, 0)` several times per job (its datastore API is asynchronous, for Redis) and
 * holds a per-limiter lock across those yields. Node clamps the timers to 1 ms: about 4 ms per call before
 * it left the process, measured by `npm run bench`. Yielding through setImmediate removed the clamp but
 * still waited one event-loop turn per yield, a millisecond or more under load (and, while the throttling
 * plugin still ran on Bottleneck, 20 calls queued on one limiter's lock, one turn each). Here a zero-delay
 * yield is a microtask: the code after it still runs later, after the current function returns, as
 * Bottleneck expects, but without waiting for the event loop. Every delay that is not zero (minTime
 * spacing, retry back-off) is untouched.
 *
 * It patches two internals of bottleneck 2.19.5, the last release (2019): package.json pins that version,
 * and applyBottleneckFastPath() refuses to patch anything that does not have the expected shape, so a
 * different version runs unpatched (slower, still correct) instead of broken.
 */
import Bottleneck from "bottleneck/light.js";

interface Job {
  doRun(): void;
  doExecute(limiter: unknown, clearGlobalState: () => void, run: (wait: number) => void, free: () => void): void;
  doExpire(clearGlobalState: () => void, run: (wait: number) => void, free: () => void): void;
  options: { expiration?: number | null };
}

interface LimiterInternals {
  _run: (this: LimiterInternals, index: string, job: Job, wait: number) => unknown;
  _clearGlobalState(index: string): void;
  _free(index: string, job: Job): void;
  _scheduled: Record<string, unknown>;
  _limiter: unknown;
  _store: { yieldLoop: (this: unknown, t?: number) => Promise<void> };
}

let applied = false;

/** Idempotent. Answers whether the fast path is in place. */
export function applyBottleneckFastPath(): boolean {
  if (applied) return true;
  const probe = new Bottleneck() as unknown as LimiterInternals;
  const limiterProto = Object.getPrototypeOf(probe) as LimiterInternals;
  const storeProto = Object.getPrototypeOf(probe._store) as LimiterInternals["_store"];
  if (typeof limiterProto._run !== "function" || limiterProto._run.length !== 3 || typeof storeProto.yieldLoop !== "function") return false;

  const yieldLoop = storeProto.yieldLoop;
  const resolved = Promise.resolve();
  storeProto.yieldLoop = function (this: unknown, t = 0) {
    return t === 0 ? resolved : yieldLoop.call(this, t);
  };

  const run = limiterProto._run;
  limiterProto._run = function (this: LimiterInternals, index, job, wait) {
    if (wait > 0) return run.call(this, index, job, wait);
    // Bottleneck's own _run with wait 0, but as a microtask. Only stop() would cancel `timeout`, and we
    // never call it.
    job.doRun();
    const clearGlobalState = this._clearGlobalState.bind(this, index);
    const again = this._run.bind(this, index, job);
    const free = this._free.bind(this, index, job);
    queueMicrotask(() => job.doExecute(this._limiter, clearGlobalState, again, free));
    const expiration = job.options.expiration;
    return (this._scheduled[index] = {
      timeout: undefined,
      expiration: expiration != null ? setTimeout(() => job.doExpire(clearGlobalState, again, free), expiration) : undefined,
      job,
    });
  };
  applied = true;
  return true;
}
