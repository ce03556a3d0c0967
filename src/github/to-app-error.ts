/**
 * GitHub's failures, in the API's terms. The caller sees what went wrong on GitHub's side, and whether
 * to retry (Retry-After when a retry can help), in our words: GitHub's own message can describe the App's
 * permissions and installation, so it goes to the server's log only (AppError.github, logged by the error
 * handler with GitHub's request id). No token is in either: Octokit redacts the authorization header.
 *
 *   5xx, or no answer at all (connection refused, dropped, reset) → 502 GITHUB_UNAVAILABLE + Retry-After
 *   our deadline passed (the call's or the caller request's)      → 504 GITHUB_TIMEOUT + Retry-After
 *   a rate limit, primary or secondary (403/429)                   → 503 GITHUB_RATE_LIMITED + Retry-After (GitHub's)
 *   401, or 403 for anything else: the App's credentials refused   → 503 GITHUB_APP_UNAUTHORIZED (an operator must act)
 *   any other answer GitHub gives that we did not expect           → 502 GITHUB_UNAVAILABLE (the same call would fail again)
 * Anything that is not a GitHub failure (a bug of ours) is handed back unchanged, so that the error
 * handler logs it in full and answers a generic 500.
 */
import { AppError, type GitHubAnswer } from "../domain/errors.js";

/**
 * Retry-After for GitHub failing or not answering in time: its 5xx and lost connections are mostly brief (a
 * deploy, a dropped connection), and the call policy has already retried what it safely could within the
 * caller's deadline, so the caller comes back in a few seconds rather than at once.
 */
export const RETRY_AFTER_GITHUB_FAILURE_SECONDS = 5;

/** Octokit's RequestError, recognised by shape so that duplicate copies of the package cannot defeat `instanceof`. */
export interface RequestError extends Error {
  name: "HttpError";
  status: number;
  response?: { headers: Record<string, string | number | undefined>; data: unknown };
}

export function isRequestError(error: unknown): error is RequestError {
  return error instanceof Error && error.name === "HttpError" && typeof (error as { status?: unknown }).status === "number";
}

/**
 * An aborted call: AbortSignal.timeout's TimeoutError, as thrown by fetch or by our deadline, or wrapped
 * by @octokit/request in a RequestError whose cause it is.
 */
export function isTimeout(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e.name === "TimeoutError" || e.name === "AbortError") return true;
  }
  return false;
}

/** Seconds until GitHub lets us call again: `retry-after`, else `x-ratelimit-reset`, else a minute. */
export function retryAfterSeconds(headers: Record<string, string | number | undefined>, nowMs: number): number {
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.ceil(retryAfter);
  const reset = Number(headers["x-ratelimit-reset"]);
  if (Number.isFinite(reset) && reset * 1000 > nowMs) return Math.ceil((reset * 1000 - nowMs) / 1000);
  return 60;
}

/**
 * GitHub's primary limit (403/429 with x-ratelimit-remaining: 0) or a secondary one (403/429 saying so,
 * or asking us to come back: `retry-after`).
 */
export function isRateLimit(error: RequestError): boolean {
  const headers = error.response?.headers ?? {};
  if (error.status === 429) return true;
  return (
    error.status === 403 &&
    (String(headers["x-ratelimit-remaining"]) === "0" || headers["retry-after"] !== undefined || /rate limit/i.test(error.message))
  );
}

/**
 * @param doing what we were doing, for the message: "listing runner groups"
 * @returns an AppError for a failure of GitHub's (or of the way to it); any other error unchanged
 */
export function toAppError(error: unknown, doing: string, nowMs = Date.now()): Error {
  if (error instanceof AppError) return error;
  const soon = { cause: error, retryAfter: RETRY_AFTER_GITHUB_FAILURE_SECONDS, github: gitHubAnswer(error) };
  if (isTimeout(error)) return new AppError("GITHUB_TIMEOUT", `GitHub did not answer in time while ${doing}`, soon);
  if (!isRequestError(error)) {
    // Not GitHub's answer, nor a failure to reach it: a bug, which the error handler logs and answers as 500.
    return error instanceof Error ? error : new Error(`non-Error thrown while ${doing}`, { cause: error });
  }
  const github = gitHubAnswer(error);
  if (!error.response) {
    // @octokit/request's RequestError without a response: the connection failed (refused, dropped, reset).
    return new AppError("GITHUB_UNAVAILABLE", `GitHub could not be reached while ${doing}`, soon);
  }
  if (isRateLimit(error)) {
    return new AppError("GITHUB_RATE_LIMITED", `GitHub's rate limit for this App is exhausted (while ${doing}); retry later`, {
      cause: error,
      retryAfter: retryAfterSeconds(error.response.headers, nowMs),
      github,
    });
  }
  if (error.status === 401) {
    return new AppError("GITHUB_APP_UNAUTHORIZED", `GitHub refused the App's credentials while ${doing}`, { cause: error, github });
  }
  if (error.status === 403) {
    return new AppError(
      "GITHUB_APP_UNAUTHORIZED",
      `GitHub refused the App while ${doing}: the App may lack a permission, or its installation may not cover this; the server's log has GitHub's answer`,
      { cause: error, github },
    );
  }
  if (error.status >= 500) return new AppError("GITHUB_UNAVAILABLE", `GitHub answered ${error.status} while ${doing}`, soon);
  return new AppError(
    "GITHUB_UNAVAILABLE",
    `GitHub answered ${error.status} while ${doing}, which this service did not expect; the server's log has GitHub's answer`,
    { cause: error, github },
  );
}

/** GitHub's answer behind a failed call, for the log: its status, its message kept short, its request id. */
export function gitHubAnswer(error: unknown): GitHubAnswer {
  const headers = isRequestError(error) ? error.response?.headers : undefined;
  const requestId = headers?.["x-github-request-id"];
  return {
    status: isRequestError(error) && error.response ? error.status : undefined,
    message: error instanceof Error ? brief(error.message) : brief(String(error)),
    requestId: requestId === undefined ? undefined : String(requestId),
  };
}

/** GitHub's own message on one line, kept short: an answer body that is not GitHub's JSON becomes the whole message. */
function brief(message: string): string {
  const line = message.replace(/\s+/g, " ").trim();
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

export function githubStatus(error: unknown): number | undefined {
  return isRequestError(error) && error.response ? error.status : undefined;
}
