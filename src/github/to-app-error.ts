/**
 * GitHub's failures, in the API's terms. The caller sees what went wrong on GitHub's side (and whether
 * to retry) without ever seeing a token: RequestError messages come from GitHub's body, and Octokit
 * redacts the authorization header it keeps on the error.
 *
 *   5xx, or no answer at all (connection refused, dropped, reset) → 502 GITHUB_UNAVAILABLE
 *   our deadline passed (the call's or the caller request's)      → 504 GITHUB_TIMEOUT
 *   a rate limit, primary or secondary (403/429)                   → 503 GITHUB_RATE_LIMITED + Retry-After
 *   401, or 403 for anything else: the App's credentials refused   → 503 GITHUB_APP_UNAUTHORIZED
 *   any other answer GitHub gives that we did not expect           → 502 GITHUB_UNAVAILABLE
 * Anything that is not a GitHub failure (a bug of ours) is handed back unchanged, so that the error
 * handler logs it in full and answers a generic 500.
 */
import { AppError } from "../domain/errors.js";

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
  if (isTimeout(error)) return new AppError("GITHUB_TIMEOUT", `GitHub did not answer in time while ${doing}`, { cause: error });
  if (!isRequestError(error)) {
    // Not GitHub's answer, nor a failure to reach it: a bug, which the error handler logs and answers as 500.
    return error instanceof Error ? error : new Error(`non-Error thrown while ${doing}`, { cause: error });
  }
  if (!error.response) {
    // @octokit/request's RequestError without a response: the connection failed (refused, dropped, reset).
    return new AppError("GITHUB_UNAVAILABLE", `GitHub could not be reached while ${doing}`, { cause: error });
  }
  if (isRateLimit(error)) {
    return new AppError("GITHUB_RATE_LIMITED", `GitHub's rate limit for this App is exhausted (while ${doing}); retry later`, {
      cause: error,
      retryAfter: retryAfterSeconds(error.response.headers, nowMs),
    });
  }
  if (error.status === 401) {
    return new AppError("GITHUB_APP_UNAUTHORIZED", `GitHub refused the App's credentials while ${doing}`, { cause: error });
  }
  if (error.status === 403) {
    return new AppError("GITHUB_APP_UNAUTHORIZED", `GitHub refused the App while ${doing}: ${brief(error.message)}`, { cause: error });
  }
  if (error.status >= 500) {
    return new AppError("GITHUB_UNAVAILABLE", `GitHub answered ${error.status} while ${doing}`, { cause: error });
  }
  return new AppError("GITHUB_UNAVAILABLE", `GitHub answered ${error.status} while ${doing}: ${brief(error.message)}`, { cause: error });
}

/** GitHub's own message, kept short: an answer body that is not GitHub's JSON becomes the whole message. */
function brief(message: string): string {
  const line = message.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

export function githubStatus(error: unknown): number | undefined {
  return isRequestError(error) && error.response ? error.status : undefined;
}
