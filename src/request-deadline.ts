/**
 * One deadline per caller request, on neutral ground: the HTTP layer starts it around a request's work,
 * and the GitHub adapter reads it for every call that work makes (retries, waits and the App's own token
 * fetches included). An AsyncLocalStorage follows the handlers' awaits down to each call, so neither
 * layer has to thread the deadline through the services between them.
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** A point in time (performance.now(), immune to clock steps and Date mocks) and the signal that fires there. */
export interface Deadline {
  signal: AbortSignal;
  at: number;
}

export interface RequestDeadlines {
  /** Runs `work`, and everything it starts, under a deadline `timeoutMs` from now. */
  within<T>(work: () => T): T;
  /** the deadline of the request being served, if any */
  current(): Deadline | undefined;
}

export const deadlineIn = (ms: number): Deadline => ({ signal: AbortSignal.timeout(ms), at: performance.now() + ms });

export const remainingMs = (deadline: Deadline): number => deadline.at - performance.now();

/**
 * The sooner of a deadline (if any) and one `ms` from now. A deadline's signal fires at its time and for no
 * other reason, so the sooner one's signal is all the caller needs: no combined signal, and no new timer
 * when the given deadline comes first (most GitHub calls of a caller request).
 */
export function soonerThanIn(deadline: Deadline | undefined, ms: number): Deadline {
  return deadline !== undefined && deadline.at <= performance.now() + ms ? deadline : deadlineIn(ms);
}

/** @param timeoutMs the most one caller request may wait on GitHub in all (config github.timeoutSeconds) */
export function createRequestDeadlines(timeoutMs: number): RequestDeadlines {
  const store = new AsyncLocalStorage<Deadline>();
  return {
    within: (work) => store.run(deadlineIn(timeoutMs), work),
    current: () => store.getStore(),
  };
}
