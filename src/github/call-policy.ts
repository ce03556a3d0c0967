/**
 * The one policy every GitHub call follows: how long it may take, when it is sent again, what a rate
 * limit costs, and how it is counted and logged. It sits on Octokit's own request hook
 * (`octokit.hook.wrap("request", …)`, https://github.com/octokit/core.js#hooks) and on the `fetch` that
 * Octokit is given. @octokit/auth-app requests the installation tokens through that same hook, from
 * inside the call that needs one: such a call is a call of its own here, and ends by the deadline of
 * the call around it too.
 *
 * - Deadline: a call gets the sooner of the caller request's deadline (src/request-deadline.ts) and its
 *   own `timeoutMs`, its retries and waits included. Past it, the fetch in flight is aborted, nothing
 *   more is sent, no retry is planned, and the caller has the timeout (→ 504) at once, whatever the call
 *   was still waiting on.
 * - Retries: only after a 5xx answer or a failed connection, and only for a call that is safe to send
 *   twice (isRepeatable). Back-off: exponential with jitter, p-retry's `retryBaseMs × 2^(n−1) × [1, 2)`
 *   before retry n, so that callers who failed together do not all come back together. A retry is
 *   planned only if its longest back-off, plus as long again as the last attempt took, ends before the
 *   deadline: the caller then has GitHub's answer now, rather than a 504 later.
 * - Rate limits, primary or secondary: waited out once, when GitHub's wait is short
 *   (≤ `maxRetryAfterSeconds`) and ends before the deadline; otherwise the error goes to the caller at
 *   once, and to-app-error.ts answers 503 with GitHub's Retry-After. No queue, no limiter per
 *   credential, no spacing of writes: each caller request makes a handful of calls, GitHub tells us
 *   through its limits when we go too fast, and a caller told "503, Retry-After: N" at once is better
 *   off than one left waiting in a queue of ours.
 * - Counting: one debug line and one `onGitHubCall` per call (not per attempt): the route template (never
 *   a token, never a query string), the status ("timeout" or "failed" when there was no answer), the
 *   duration and x-ratelimit-limit, -remaining and -reset. Every attempt sent is also charged to the
 *   caller request that caused it (src/request-meter.ts), for the refusal budget, with the
 *   x-github-request-id of its answer, for the request's audit line.
 * - The installation's budget (./github-budget.ts): `watchBudget` is put on the installation client only.
 *   Every answer's x-ratelimit-* is read; once GitHub says stop (exhausted, or a secondary limit) no call
 *   is sent until the time it named, and the caller has 503 with that Retry-After at once.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Octokit } from "@octokit/rest";
import pRetry from "p-retry";
import type { Clock } from "../clock.js";
import { remainingMs, soonerThanIn, type Deadline, type RequestDeadlines } from "../request-deadline.js";
import type { RequestMeters } from "../request-meter.js";
import type { BudgetWatch } from "./github-budget.js";
import { isRateLimit, isRequestError, isTimeout, retryAfterSeconds } from "./to-app-error.js";

export interface GitHubLog {
  debug(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** GitHub's rate-limit figures on one answer, each when GitHub sent it (x-ratelimit-limit, -remaining, -reset). */
export interface RateLimitFigures {
  limit?: number;
  remaining?: number;
  /** when the window resets, in seconds since the Unix epoch */
  resetSeconds?: number;
}

/** Every GitHub call once it ends (metrics): "METHOD /template", its status or "timeout"/"failed", its x-ratelimit-* figures. */
export type GitHubCallListener = (
  route: string,
  status: number | "timeout" | "failed",
  durationMs: number,
  rateLimit: RateLimitFigures,
) => void;

export interface CallPolicyOptions {
  /** where every call is sent: globalThis.fetch in production, the simulator's in tests */
  fetch: typeof globalThis.fetch;
  /** the deadline of the caller request being served, if any */
  deadlines: RequestDeadlines;
  /** the most one call may take, its retries and waits included */
  timeoutMs: number;
  /** retries of a call that is safe to repeat, after a 5xx or a failed connection */
  retries: number;
  /** the shortest back-off before the first retry; it doubles with each retry, with jitter */
  retryBaseMs: number;
  /** a rate-limited call is retried once when GitHub asks us to wait at most this long */
  maxRetryAfterSeconds: number;
  /** how long one second of GitHub's `retry-after` is waited: 1000; tests shrink it */
  retryAfterUnitMs: number;
  log: GitHubLog;
  onGitHubCall?: GitHubCallListener | undefined;
  /** the call meter of the caller request being served, if any: every attempt sent is charged to it */
  meters?: RequestMeters | undefined;
  /** the installation's budget, read from its answers (watchBudget) */
  budget?: BudgetWatch | undefined;
  /** "now" for GitHub's reset times (the simulator's clock in tests) */
  clock?: Clock | undefined;
}

export interface CallPolicy {
  /** The Octokit plugin: `Octokit.plugin(policy.plugin)`. */
  plugin: (octokit: Pick<Octokit, "hook">) => Record<string, never>;
  /** `options.fetch` under the deadline of the call it serves: Octokit's `request.fetch`. */
  fetch: typeof globalThis.fetch;
  /** Puts the budget's gate and watch on one client: the installation's (its answers report the App's budget). */
  watchBudget: (octokit: Pick<Octokit, "hook">) => void;
}

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE"]);

/** POSTs whose repeat is harmless: a second token is as good as the first. */
const REPEATABLE_POSTS = new Set([
  "POST /orgs/{org}/actions/runners/registration-token",
  "POST /orgs/{org}/actions/runners/remove-token",
  "POST /app/installations/{installation_id}/access_tokens",
]);

/**
 * Whether a call may be sent again after a 5xx or a failed connection, when GitHub may have done it
 * already. Every other POST and every PATCH is sent once; among them creating a runner group (a repeat
 * may create it twice, or answer 409 to our own first attempt) and generate-jitconfig (a repeat after a
 * first call that GitHub applied answers 409 "Already exists").
 * @param url the route template, as Octokit has it before filling it in
 */
export function isRepeatable(method: string, url: string): boolean {
  return IDEMPOTENT_METHODS.has(method) || REPEATABLE_POSTS.has(`${method} ${url}`);
}

/** What happened to one call so far. */
interface CallState {
  attempts: number;
  /** how long the last attempt took: the next is expected to take as long */
  lastAttemptMs: number;
  waitedForRateLimit: boolean;
}

/** The answer to a call, as far as the policy reads it. */
interface Answer {
  status: number;
  headers: Record<string, string | number | undefined>;
}

/** The request options the policy reads and writes (Octokit's endpoint options, after merging). */
interface CallOptions {
  method: string;
  url: string;
  request?: { signal?: AbortSignal | null | undefined };
}

export function createCallPolicy(options: CallPolicyOptions): CallPolicy {
  /** The deadline of the call being made, for what is sent inside it (auth-app minting the token it needs). */
  const callDeadline = new AsyncLocalStorage<Deadline>();
  /** The sooner of the caller request's deadline, the enclosing call's, and a call's own timeout. */
  const newDeadline = () => {
    const enclosing = callDeadline.getStore();
    const own = soonerThanIn(options.deadlines.current(), options.timeoutMs);
    return enclosing !== undefined && enclosing.at < own.at ? enclosing : own;
  };

  // Octokit passes each call's signal to fetch; a fetch sent without one, outside the hook, gets a deadline
  // all the same. None is sent once its deadline has passed (the simulator's fetch, unlike undici's,
  // would send it).
  const fetchUnderDeadline: typeof globalThis.fetch = (input, init) => {
    const signal = init?.signal ?? newDeadline().signal;
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return options.fetch(input, { ...init, signal });
  };

  async function call<R extends Answer>(send: () => Promise<R>, requestOptions: CallOptions): Promise<R> {
    const started = performance.now();
    const route = routeOf(requestOptions);
    const deadline = withSignal(newDeadline(), requestOptions.request?.signal);
    // Set on the shared options object, which is what the inner hooks and fetch read (before-after-hook
    // ignores options a wrapper passes on); a copy, because `request` may be the Octokit defaults' own.
    requestOptions.request = { ...requestOptions.request, signal: deadline.signal };
    const state: CallState = { attempts: 0, lastAttemptMs: 0, waitedForRateLimit: false };
    const repeatable = isRepeatable(requestOptions.method, requestOptions.url);
    try {
      const answer = await untilAborted(
        callDeadline.run(deadline, () => sendWithRetries(send, route, repeatable, deadline, state)),
        deadline.signal,
      );
      report(route, answer.status, started, state, answer.headers);
      return answer;
    } catch (error) {
      report(route, outcomeOf(error, deadline), started, state, isRequestError(error) ? error.response?.headers : undefined);
      throw error;
    }
  }

  /** p-retry waits at most twice its base back-off (`randomize`): retryBaseMs × 2^(n−1) × 2 before retry n. */
  const longestBackOffMs = (retry: number) => options.retryBaseMs * 2 ** retry;

  function sendWithRetries<R extends Answer>(
    send: () => Promise<R>,
    route: string,
    repeatable: boolean,
    deadline: Deadline,
    state: CallState,
  ): Promise<R> {
    return pRetry(() => sendAnsweringRateLimit(send, route, deadline, state), {
      retries: repeatable ? options.retries : 0,
      minTimeout: options.retryBaseMs,
      factor: 2,
      randomize: true,
      signal: deadline.signal,
      shouldRetry: ({ error, retriesConsumed }) =>
        isTransient(error) &&
        !deadline.signal.aborted &&
        longestBackOffMs(retriesConsumed + 1) + state.lastAttemptMs < remainingMs(deadline),
    });
  }

  /** One attempt, and after a rate limit whose wait is short and ends before the deadline, one more. */
  async function sendAnsweringRateLimit<R extends Answer>(
    send: () => Promise<R>,
    route: string,
    deadline: Deadline,
    state: CallState,
  ): Promise<R> {
    try {
      return await sendOnce(send, state, options.meters);
    } catch (error) {
      const limit = rateLimitOf(error);
      if (!limit) throw error;
      const waitMs = limit.retryAfter * options.retryAfterUnitMs;
      const retrying =
        !state.waitedForRateLimit &&
        limit.retryAfter <= options.maxRetryAfterSeconds &&
        waitMs + state.lastAttemptMs < remainingMs(deadline);
      options.log.warn(`GitHub ${limit.kind} rate limit`, { route, retryAfter: limit.retryAfter, retrying });
      if (!retrying) throw error;
      state.waitedForRateLimit = true;
      await sleep(waitMs, undefined, { signal: deadline.signal });
      return sendAnsweringRateLimit(send, route, deadline, state);
    }
  }

  function report(
    route: string,
    outcome: number | "timeout" | "failed",
    started: number,
    state: CallState,
    headers?: Answer["headers"],
  ): void {
    const durationMs = performance.now() - started;
    options.log.debug(`GitHub ${route} ${outcome}`, {
      durationMs: Math.round(durationMs),
      ...(state.attempts > 1 ? { attempts: state.attempts } : {}),
    });
    options.onGitHubCall?.(route, outcome, durationMs, rateLimitFigures(headers));
  }

  return {
    plugin: (octokit) => {
      octokit.hook.wrap("request", (send, requestOptions) => call(async () => send(requestOptions), requestOptions));
      return {};
    },
    fetch: fetchUnderDeadline,
    watchBudget: (octokit) => {
      const budget = options.budget;
      if (!budget) return;
      const nowMs = () => (options.clock ?? { now: () => new Date() }).now().getTime();
      // Outside the call policy's own wrap: a rate-limited call may be waited out once (briefly) inside it.
      octokit.hook.wrap("request", async (send, requestOptions) => {
        budget.gate();
        try {
          const answer = await send(requestOptions);
          budget.observe(answer.headers);
          return answer;
        } catch (error) {
          if (isRequestError(error) && error.response) {
            budget.observe(error.response.headers);
            if (isRateLimit(error)) budget.stop(retryAfterSeconds(error.response.headers, nowMs()));
          }
          throw error;
        }
      });
    },
  };
}

async function sendOnce<R extends Answer>(send: () => Promise<R>, state: CallState, meters: RequestMeters | undefined): Promise<R> {
  state.attempts++;
  const meter = meters?.current();
  if (meter) meter.calls++;
  const started = performance.now();
  let headers: Answer["headers"] | undefined;
  try {
    const answer = await send();
    headers = answer.headers;
    return answer;
  } catch (error) {
    if (isRequestError(error)) headers = error.response?.headers;
    throw error;
  } finally {
    state.lastAttemptMs = performance.now() - started;
    const githubRequestId = headers?.["x-github-request-id"];
    if (meter && typeof githubRequestId === "string" && githubRequestId !== "") meter.githubRequestIds.push(githubRequestId);
  }
}

function rateLimitFigures(headers: Answer["headers"] | undefined): RateLimitFigures {
  const figure = (name: string) => {
    const value = headers?.[name];
    const number = value === undefined || value === "" ? NaN : Number(value);
    return Number.isFinite(number) ? number : undefined;
  };
  const [limit, remaining, resetSeconds] = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"].map(figure);
  return {
    ...(limit === undefined ? {} : { limit }),
    ...(remaining === undefined ? {} : { remaining }),
    ...(resetSeconds === undefined ? {} : { resetSeconds }),
  };
}

/** "METHOD /template", without the query string a next-page URL carries. */
function routeOf(requestOptions: CallOptions): string {
  return `${requestOptions.method} ${requestOptions.url.replace(/\?.*$/, "")}`;
}

/** The call's deadline, fired early by a signal the caller passed (`request: { signal }`), if any. */
function withSignal(deadline: Deadline, given: AbortSignal | null | undefined): Deadline {
  return given ? { signal: AbortSignal.any([given, deadline.signal]), at: deadline.at } : deadline;
}

/**
 * Settles with `work`, or rejects with the signal's reason as soon as it fires, whatever `work` is still
 * waiting on (a back-off, a rate limit's wait, @octokit/auth-app's own waits after a 401).
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
    work
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", abort))
      .catch(() => undefined);
  });
}

/**
 * A 5xx answer, or none at all (@octokit/request reports a failed connection as status 500 without a
 * response). Never a timeout of ours, never a 4xx, never an error that is not GitHub's (a bug).
 */
function isTransient(error: unknown): boolean {
  if (!isRequestError(error) || isTimeout(error)) return false;
  return error.response === undefined || error.status >= 500;
}

function rateLimitOf(error: unknown): { kind: "primary" | "secondary"; retryAfter: number } | undefined {
  if (!isRequestError(error) || !error.response || !isRateLimit(error)) return undefined;
  const headers = error.response.headers;
  const kind = String(headers["x-ratelimit-remaining"]) === "0" ? "primary" : "secondary";
  return { kind, retryAfter: retryAfterSeconds(headers, Date.now()) };
}

function outcomeOf(error: unknown, deadline: Deadline): number | "timeout" | "failed" {
  if (deadline.signal.aborted || isTimeout(error)) return "timeout";
  return isRequestError(error) && error.response ? error.status : "failed";
}
