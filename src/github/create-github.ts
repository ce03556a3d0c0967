/**
 * Builds the GitHub clients: one Octokit class with our base URL, fetch, API version, throttling and
 * retry, handed to @octokit/app for the installation; a lighter client per caller for GET /user.
 * The only place (with its siblings in src/github/) that imports @octokit/*.
 *
 * What a call may cost, in time and in repeats:
 * - Retries (plugin-retry) only for 5xx answers and failed connections, and only where a repeat is safe:
 *   GET, PUT, DELETE, runner tokens and installation tokens (a second token is harmless). The one POST
 *   that must not repeat (creating a runner group) says `request: { retries: 0 }`.
 * - A rate-limited call (plugin-throttling) is retried once, when GitHub's wait is short and ends before
 *   the deadline; otherwise the caller gets 503 with Retry-After at once.
 * - Deadlines: each call has `timeoutMs`, its retries included, and every call made for one caller
 *   request shares that request's deadline (`deadlines`, src/request-deadline.ts). Past either, the fetch in
 *   flight is aborted, no retry is planned or sent, and whatever the plugins are still waiting on is
 *   abandoned: the caller has its 504 on time.
 */
import { App } from "@octokit/app";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { applyBottleneckFastPath } from "./bottleneck-fast-path.js";
import { AppError } from "../domain/errors.js";
import { deadlineIn, remainingMs, sooner, type Deadline, type RequestDeadlines } from "../request-deadline.js";
import { LeanLimiter, LeanLimiterGroup } from "./lean-limiter.js";
import { orgGitHub } from "./org-github.js";
import type { Caller, GitHub } from "./ports.js";
import { isRequestError, toAppError } from "./to-app-error.js";

export interface GitHubLog {
  debug(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface GitHubOptions {
  org: string;
  appId: number;
  installationId: number;
  privateKeyPem: string;
  /** https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server */
  baseUrl: string;
  /** globalThis.fetch in production; the simulator's fetch in tests */
  fetch?: typeof globalThis.fetch;
  log: GitHubLog;
  /** the deadline of the caller request being served, which every GitHub call made for it shares */
  deadlines: RequestDeadlines;
  /** abort one GitHub call after this long, its retries included (config github.callTimeoutSeconds) */
  timeoutMs?: number;
  /** retries of a failed idempotent call (5xx, dropped connection); 0 in tests that must see GitHub's first answer */
  retries?: number;
  /** wait before retry n is n² × this (plugin-retry's retryAfterBaseValue) */
  retryBaseMs?: number;
  /** a rate-limited call is retried once when GitHub asks us to wait at most this long */
  maxRetryAfterSeconds?: number;
  /** how long one second of GitHub's `retry-after` is waited: 1000; tests shrink it to stay fast */
  retryAfterUnitMs?: number;
  /**
   * Octokit's throttling and retry plugins (default on). Tests that must see GitHub's first answer, fast,
   * turn them off, as Probot's do: each adds a few milliseconds of scheduling to every call.
   */
  throttleAndRetry?: boolean;
  /** GitHub calls in flight at once, per credential */
  maxConcurrent?: number;
  /** least time between two writes (POST/PUT/PATCH/DELETE) of one credential; GitHub advises spacing bulk writes */
  writeSpacingMs?: number;
  /** every GitHub call once it ends (metrics): "METHOD /template", status or "timeout"/"failed", x-ratelimit-remaining */
  onGitHubCall?: (route: string, status: number | string, durationMs: number, rateLimitRemaining?: number) => void;
}

/** The REST API version we are written against. GitHub's 2026-03-10 version has breaking changes. */
const API_VERSION = "2022-11-28";

/**
 * One retry of a rate-limited call at most, as terraform-aws-github-runner does: GitHub asks clients to
 * back off from secondary limits, and a caller waiting minutes behind us is worse off than one told
 * "503, Retry-After: N" at once.
 */
const MAX_RATE_LIMIT_RETRIES = 1;

/**
 * Statuses plugin-retry must not repeat: every 4xx we can get. Its default list lacks 409 (a conflict
 * stays one) and 429 (a secondary rate limit, which is the throttling plugin's to decide), so what is
 * left to retry is 5xx and failed connections (which @octokit/request reports as 500).
 */
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 429, 451];

/**
 * Settles with `work`, or rejects with the signal's reason as soon as it fires, whatever `work` is still
 * waiting on (a Bottleneck queue, a retry's back-off, @octokit/auth-app's own waits after a 401).
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort)).catch(() => undefined);
  });
}

/** The `request` options our hooks read and write (plugin-retry's fields are not in Octokit's types). */
interface CallRequestOptions {
  signal?: AbortSignal;
  retries?: number;
  retryCount?: number;
}

export function createGitHub(options: GitHubOptions): GitHub {
  applyBottleneckFastPath();
  const callTimeoutMs = options.timeoutMs ?? 10_000;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const retryAfterUnitMs = options.retryAfterUnitMs ?? 1000;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 5;
  const log = options.log;
  const baseFetch = options.fetch ?? globalThis.fetch;

  const requestDeadline = options.deadlines;
  /**
   * Each call's deadline, by its options object: before-after-hook hands every wrapper the same object
   * (and ignores what a wrapper passes on), and the plugins pass it to the rate-limit handlers too.
   */
  const callDeadlines = new WeakMap<object, Deadline>();

  // Every fetch, including those @octokit/auth-app makes on its own to mint tokens, has a deadline, and
  // none is sent once its deadline has passed (the simulator's fetch, unlike undici's, would send it).
  const fetchWithDeadline: typeof globalThis.fetch = (input, init) => {
    const signal = init?.signal ?? sooner(requestDeadline.current(), deadlineIn(callTimeoutMs)).signal;
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return baseFetch(input, { ...init, signal });
  };

  // Retry a rate-limited call once, and only when GitHub's wait is short and ends before our deadline;
  // otherwise the caller gets 503 with Retry-After at once instead of hanging.
  const onLimit =
    (kind: "primary" | "secondary") =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      const deadline = callDeadlines.get(request);
      const waitMs = retryAfter * retryAfterUnitMs;
      const fits = deadline === undefined || waitMs < remainingMs(deadline);
      const retrying = retryCount < MAX_RATE_LIMIT_RETRIES && retryAfter <= maxRetryAfter && fits;
      log.warn(`GitHub ${kind} rate limit`, { method: request.method, route: request.url, retryAfter, retryCount, retrying });
      return retrying;
    };

  /**
   * Outermost hook: gives the call its deadline (the sooner of its own and the caller request's), makes
   * sure the caller is answered by then, and logs the call with GitHub's route template (never a token).
   */
  const callPolicy = (octokit: Pick<Octokit, "hook">) => {
    octokit.hook.wrap("request", async (request, requestOptions) => {
      const started = performance.now();
      const route = `${requestOptions.method} ${requestOptions.url}`;
      const given = requestOptions.request?.signal;
      const deadline = sooner(requestDeadline.current(), deadlineIn(callTimeoutMs));
      const signal = given ? AbortSignal.any([given, deadline.signal]) : deadline.signal;
      callDeadlines.set(requestOptions, { signal, at: deadline.at });
      // Set on the shared options object, where the inner hooks and fetch see it; a copy, because
      // `request` may still be the very object of the Octokit defaults, which the plugins write into.
      requestOptions.request = { ...requestOptions.request, signal };
      try {
        const response = await untilAborted(Promise.resolve(request(requestOptions)), signal);
        log.debug(`GitHub ${route} ${response.status}`, { durationMs: Math.round(performance.now() - started) });
        options.onGitHubCall?.(route, response.status, performance.now() - started, Number(response.headers["x-ratelimit-remaining"] ?? NaN));
        return response;
      } catch (error) {
        const status = isRequestError(error) ? error.status : signal.aborted ? "timeout" : "failed";
        log.debug(`GitHub ${route} ${status}`, { durationMs: Math.round(performance.now() - started) });
        options.onGitHubCall?.(route, status, performance.now() - started);
        throw error;
      }
    });
    return {};
  };

  /**
   * Innermost hook (inside throttling and retry, around each attempt): sends nothing once the deadline
   * has passed, and when an attempt fails, lets plugin-retry plan another only if its back-off
   * (retryCount² × retryBaseMs), plus as long again as the failed attempt took, ends before the deadline.
   * Otherwise the caller has GitHub's answer now, rather than a 504 later.
   */
  const attemptPolicy = (octokit: Pick<Octokit, "hook">) => {
    octokit.hook.wrap("request", async (request, requestOptions) => {
      const deadline = callDeadlines.get(requestOptions);
      if (!deadline) return request(requestOptions);
      deadline.signal.throwIfAborted();
      const started = performance.now();
      try {
        return await request(requestOptions);
      } catch (error) {
        const call = requestOptions.request as CallRequestOptions;
        const attempt = call.retryCount ?? 0;
        const nextEndsIn = (attempt + 1) ** 2 * retryBaseMs + (performance.now() - started);
        if (deadline.signal.aborted || nextEndsIn >= remainingMs(deadline)) {
          // plugin-retry repeats while `retries` > the retries made so far: make that false.
          call.retries = Math.min(call.retries ?? 0, attempt);
        }
        throw error;
      }
    });
    return {};
  };

  // Octokit's own messages (deprecations, @octokit/auth-app's retries) go through our redacting logger,
  // not to the console.
  // @octokit/rest's request-log plugin writes every call at debug/info (its debug line carries the request
  // options, headers included) and every failed call at error: our own call line (callPolicy) replaces
  // those, so they are dropped or kept at debug; warnings stay warnings.
  const octokitLog = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string, detail?: unknown) => log.warn(`Octokit: ${message}`, detail === undefined ? {} : { detail }),
    error: (message: string) => log.debug(`Octokit: ${message}`),
  };

  const resilient = options.throttleAndRetry ?? true;
  // Plugins wrap in order: the first is innermost (just outside the auth hook), the last outermost.
  const GitHubOctokit = Octokit.plugin(attemptPolicy, throttling, retry, callPolicy).defaults({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    userAgent: "actions-runner-manager",
    headers: { "x-github-api-version": API_VERSION },
    log: octokitLog,
    // Not `request: { retries }`: plugin-retry repeats ANY failure whose request options carry `retries`,
    // 4xx included (its failed-job handler reads that field, not doNotRetry). Only a call that must not
    // be repeated sets it, to 0.
    request: { fetch: fetchWithDeadline, log: octokitLog },
    retry: { enabled: resilient, retries: options.retries ?? 2, retryAfterBaseValue: retryBaseMs, doNotRetry: DO_NOT_RETRY },
  });

  // Our own limiter groups, not the plugin's process-wide defaults: those space every write of the process
  // one second apart (a runner token every second, at most) and would be shared by every GitHub instance.
  // Lean ones, not Bottleneck's (see ./lean-limiter.ts); search and notifications keep the plugin's values,
  // though we call neither kind of route.
  const limiters = {
    global: new LeanLimiterGroup({ maxConcurrent: options.maxConcurrent ?? 32 }),
    write: new LeanLimiterGroup({ maxConcurrent: options.maxConcurrent ?? 32, minTime: options.writeSpacingMs ?? 0 }),
    auth: new LeanLimiterGroup({ maxConcurrent: 1 }),
    search: new LeanLimiterGroup({ maxConcurrent: 1, minTime: 2000 }),
    notifications: new LeanLimiterGroup({ maxConcurrent: 1, minTime: 3000 }),
    // The plugin retries a rate-limited call through this one (its "failed" listener says when).
    retryLimiter: new LeanLimiter(),
  };
  const throttle = (id: string) => ({
    // Each credential has its own key in those groups, so one user's calls never wait for another's.
    id,
    enabled: resilient,
    // The plugin's types ask for Bottleneck groups; it calls no more of them than LeanLimiter has.
    ...(limiters as object),
    retryAfterBaseValue: retryAfterUnitMs,
    onRateLimit: onLimit("primary"),
    onSecondaryRateLimit: onLimit("secondary"),
  });

  const app = new App({
    appId: options.appId,
    privateKey: options.privateKeyPem,
    Octokit: GitHubOctokit.defaults({ throttle: throttle(`installation-${options.installationId}`) }),
  });
  // One installation client for the process: @octokit/auth-app refreshes its token before it expires.
  let installation: Promise<Octokit> | undefined;
  const installationOctokit = () => {
    installation ??= app.getInstallationOctokit(options.installationId).then((o) => o as unknown as Octokit);
    installation.catch(() => {
      installation = undefined;
    });
    return installation;
  };

  return {
    org: orgGitHub(installationOctokit, options.org),
    user: {
      async whoAmI(token: string): Promise<Caller> {
        // No throttling for the caller's one GET /user: a caller's rate limit is theirs, answered at once (503
        // with Retry-After), never waited out. (A Bottleneck limiter per caller, as we once had, was also kept
        // for minutes: 100 000 callers grew the process by 2.7 GB in the benchmark.)
        const octokit = new GitHubOctokit({ auth: token, throttle: { ...throttle("user"), enabled: false } });
        try {
          const { data } = await octokit.request("GET /user");
          return { login: data.login, id: Number(data.id) };
        } catch (error) {
          if (isRequestError(error) && (error.status === 401 || error.status === 403) && !/rate limit/i.test(error.message)) {
            // 401: unknown, expired or revoked; 403: a token that may not read its own user (e.g. an installation token)
            throw new AppError("UNAUTHENTICATED", "GitHub did not accept the token in the Authorization header", { cause: error });
          }
          throw toAppError(error, "identifying the caller");
        }
      },
    },
  };
}
