/**
 * One call meter per caller request, on neutral ground like its deadline (./request-deadline.ts): the HTTP
 * layer starts it around a request's work, and the GitHub call policy adds one to it for every call that
 * work sends (retries and the App's own token fetches included), with GitHub's id for each answer. At the
 * end the HTTP layer knows what the request cost GitHub, whom to charge it to (the refusal budget,
 * src/http/middleware/refusal-budget.ts), and which of GitHub's requests its audit line names.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface CallMeter {
  /** GitHub calls sent so far on the request's behalf */
  calls: number;
  /**
   * GitHub's `x-github-request-id` of each answer to those calls, in the order they came: what GitHub's
   * support asks for, and what ties an audit line to GitHub's own audit log
   */
  githubRequestIds: string[];
}

export const newCallMeter = (): CallMeter => ({ calls: 0, githubRequestIds: [] });

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
