/**
 * GitHub's failures, in the API's terms. The caller sees what went wrong on GitHub's side (and whether
 * to retry) without ever seeing a token: RequestError messages come from GitHub's body, and Octokit
 * redacts the authorization header it keeps on the error.
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

function isTimeout(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.name === "TimeoutError" || e.name === "AbortError") return true;
  }
  return false;
}

/** Seconds until GitHub lets us call again: `retry-after`, else `x-ratelimit-reset`, else a minute. */
function retryAfterSeconds(headers: Record<string, string | number | undefined>, nowMs: number): number {
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.ceil(retryAfter);
  const reset = Number(headers["x-ratelimit-reset"]);
  if (Number.isFinite(reset) && reset * 1000 > nowMs) return Math.ceil((reset * 1000 - nowMs) / 1000);
  return 60;
}

export function isRateLimit(error: RequestError): boolean {
  const headers = error.response?.headers ?? {};
  return (
    (error.status === 403 || error.status === 429) &&
    (headers["x-ratelimit-remaining"] === "0" || /rate limit/i.test(error.message))
  );
}

/**
 * @param doing what we were doing, for the message: "listing runner groups"
 */
export function toAppError(error: unknown, doing: string, nowMs = Date.now()): AppError {
  if (error instanceof AppError) return error;
  if (isTimeout(error)) return new AppError("GITHUB_TIMEOUT", `GitHub did not answer in time while ${doing}`, { cause: error });
  if (!isRequestError(error)) {
    return new AppError("GITHUB_UNAVAILABLE", `GitHub could not be reached while ${doing}`, { cause: error });
  }
  if (!error.response) {
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
    return new AppError("GITHUB_APP_UNAUTHORIZED", `GitHub refused the App while ${doing}: ${error.message}`, { cause: error });
  }
  return new AppError("GITHUB_UNAVAILABLE", `GitHub answered ${error.status} while ${doing}: ${error.message}`, { cause: error });
}

export function githubStatus(error: unknown): number | undefined {
  return isRequestError(error) && error.response ? error.status : undefined;
}
