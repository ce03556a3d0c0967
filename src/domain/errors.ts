/**
 * Every refusal the API can give, with its HTTP status. Domain code, services and the GitHub adapter
 * throw AppError; only the error-handling middleware turns one into an answer.
 */
export const ERRORS = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  NOT_TEAM_MAINTAINER: 403,
  /**
   * auth.requireOrgAccess: the organization does not accept the caller's token (SAML SSO not authorized for
   * it, an OAuth app it has not approved) or does not count the caller as an active member
   */
  ORG_ACCESS_DENIED: 403,
  REPOSITORY_NOT_ALLOWED: 403,
  /** a custom runner label outside policy.runnerLabels */
  LABEL_NOT_ALLOWED: 403,
  /** token-register and token-remove under policy.registrationTokens: deny */
  REGISTRATION_TOKENS_DENIED: 403,
  NOT_FOUND: 404,
  RUNNER_GROUP_NOT_FOUND: 404,
  /** not in the team's group: a runner of any other group is answered alike */
  RUNNER_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  /** the request line and headers did not arrive in time (answered before Express, src/http/client-error.ts) */
  REQUEST_TIMEOUT: 408,
  RUNNER_GROUP_EXISTS: 409,
  RUNNER_GROUP_HAS_RUNNERS: 409,
  RUNNER_BUSY: 409,
  /** generate-jitconfig: GitHub has a runner of that name */
  RUNNER_EXISTS: 409,
  /** the group holds policy.maxRunnersPerTeam runners */
  RUNNER_LIMIT_REACHED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** the request line and headers are over Node's limit (answered before Express) */
  HEADERS_TOO_LARGE: 431,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  /** the organization's GitHub Enterprise Server is too old for the route */
  GITHUB_VERSION_UNSUPPORTED: 501,
  GITHUB_UNAVAILABLE: 502,
  GITHUB_RATE_LIMITED: 503,
  GITHUB_APP_UNAUTHORIZED: 503,
  /** /readyz: the App cannot obtain an installation token, or the shared rate-limit store is required and down */
  NOT_READY: 503,
  /** the shared rate-limit store (Redis) is unreachable and redis.onError is fail-closed */
  RATE_LIMIT_UNAVAILABLE: 503,
  /** with redis.url: another replica's change to the group outlasted our wait, or Redis is unreachable under fail-closed */
  GROUP_LOCK_UNAVAILABLE: 503,
  GITHUB_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof ERRORS;

/**
 * What GitHub answered, for the server's log only. GitHub's own words never reach the caller: they can
 * describe the App's permissions and installation ("Resource not accessible by integration"), which is
 * the operator's business. The error handler logs them with GitHub's request id.
 */
export interface GitHubAnswer {
  /** GitHub's HTTP status; undefined when no answer came (a failed connection, a timeout) */
  status: number | undefined;
  /** GitHub's message (its body's `message`, or the error's when there was no answer), cut short */
  message: string;
  /** GitHub's x-github-request-id, which GitHub Support asks for */
  requestId: string | undefined;
}

export class AppError extends Error {
  readonly status: number;
  /** seconds, sent as Retry-After */
  readonly retryAfter: number | undefined;

  /** the methods a route takes, sent as Allow with 405 */
  readonly allow: readonly string[] | undefined;

  /** what GitHub answered, when this refusal comes from it: logged, never answered */
  readonly github: GitHubAnswer | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { cause?: unknown; retryAfter?: number; allow?: readonly string[]; github?: GitHubAnswer } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.status = ERRORS[code];
    this.retryAfter = options.retryAfter;
    this.allow = options.allow;
    this.github = options.github;
  }
}

/** GitHub's answer behind an error, through the AppErrors that reworded it (a use case adds what it was doing). */
export function gitHubAnswerOf(error: unknown): GitHubAnswer | undefined {
  for (let e: unknown = error, depth = 0; e instanceof AppError && depth < 8; e = e.cause, depth++) {
    if (e.github) return e.github;
  }
  return undefined;
}
