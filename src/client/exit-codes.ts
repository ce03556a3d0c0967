/**
 * The client's exit codes, by class, so that a script can tell "fix the command" from "ask for access" from
 * "try later". --help and the README list them; a test runs the client into each one.
 */
export const EXIT = {
  ok: 0,
  /** a failure that fits no class below (e.g. the answer was not the service's JSON) */
  other: 1,
  /** the command line, or the parameters the service refused as invalid (400) */
  usage: 2,
  /** 401: no token, or GitHub does not accept it */
  notAuthenticated: 3,
  /** 403: not a maintainer of the team, or not allowed */
  refused: 4,
  /** 404: no such team, group, repository or runner */
  notFound: 5,
  /** 409: it exists already, or the runner is busy */
  conflict: 6,
  /** 429, still, after every retry --max-wait allowed */
  rateLimited: 7,
  /** 5xx: the service or GitHub failing */
  serviceFailing: 8,
  /** no connection, or the TLS handshake failed */
  cannotConnect: 9,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code for an answer with this HTTP status (not 2xx). */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401) return EXIT.notAuthenticated;
  if (status === 403) return EXIT.refused;
  if (status === 404) return EXIT.notFound;
  if (status === 409) return EXIT.conflict;
  if (status === 429) return EXIT.rateLimited;
  if (status >= 500) return EXIT.serviceFailing;
  // 400, 405, 413, 415, 422: the request as sent is wrong
  if (status >= 400) return EXIT.usage;
  return EXIT.other;
}

/** For --help and the README. */
export const EXIT_CODE_HELP = `Exit codes:
  0  success
  2  usage: a bad command line, or parameters the service refused as invalid (400)
  3  not authenticated (401): no token, or GitHub does not accept it
  4  refused (403): not an active maintainer of the team, or not allowed by the service's policy
  5  not found (404): no such team, group, repository or runner
  6  conflict (409): it exists already, or the runner is busy
  7  rate-limited (429), still, after retrying for --max-wait
  8  the service or GitHub failing (5xx), after any retries
  9  cannot connect, or the TLS handshake failed
  1  anything else (e.g. an answer that is not the service's JSON)`;
