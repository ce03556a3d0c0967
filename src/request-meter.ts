/**
 * One call meter per caller request, on neutral ground like its deadline (./request-deadline.ts): the HTTP
 * layer starts it around a request's work, and the GitHub call policy adds one to it for every call that
 * work sends (retries and the App's own token fetches included). At the end the HTTP layer knows what the
 * request cost GitHub, and whom to charge it to (the refusal budget, src/http/middleware/refusal-budget.ts).
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface CallMeter {
  /** GitHub calls sent so far on the request's behalf */
  calls: number;
}

export interface RequestMeters {
  /** Runs `work`, and everything it starts, charging its GitHub calls to `meter`. */
  within<T>(meter: CallMeter, work: () => T): T;
  /** the meter of the request being served, if any */
  current(): CallMeter | undefined;
}

export function createRequestMeters(): RequestMeters {
  const store = new AsyncLocalStorage<CallMeter>();
  return {
    within: (meter, work) => store.run(meter, work),
    current: () => store.getStore(),
  };
}
