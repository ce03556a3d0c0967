/**
 * Which GitHub we talk to. GitHub Enterprise Server names its release in an `X-GitHub-Enterprise-Version`
 * header ("3.14.2", or "3.14") on every REST answer, errors included; api.github.com sends none. An Octokit
 * hook reads it from every answer, so the version is known from the first call on (in practice the
 * installation token's, or the caller's GET /user) and follows an upgrade made while we run.
 *
 * A call the server lacks (github-calls.ts says from which release each one exists) is refused with
 * 501 GITHUB_VERSION_UNSUPPORTED, naming both versions, rather than sent to answer an unexplained 404.
 * Before any answer, and on api.github.com, every call is taken as supported: GitHub's own answer decides.
 */
import type { Octokit } from "@octokit/rest";
import { AppError } from "../domain/errors.js";
import { firstGhesOf, GITHUB_CALLS, isAtLeast, type GhesVersion, type GitHubRoute } from "./github-calls.js";
import type { GitHubServer } from "./ports.js";

export interface ServerVersionLog {
  info(message: string, fields?: Record<string, unknown>): void;
}

export const ENTERPRISE_VERSION_HEADER = "x-github-enterprise-version";

type Headers = Record<string, string | number | undefined> | undefined;

/**
 * @returns `server`, and the Octokit plugin that keeps it up to date: `Octokit.plugin(serverVersion.plugin)`.
 * One per createGitHub: every client it builds (the installation's, the callers') reports to it.
 */
export function createServerVersion(log: ServerVersionLog): {
  server: GitHubServer;
  plugin: (octokit: Pick<Octokit, "hook">) => Record<string, never>;
} {
  let version: string | undefined;

  function record(headers: Headers): void {
    const value = headers?.[ENTERPRISE_VERSION_HEADER];
    // An answer without the header (a proxy's error page, say) says nothing about the server.
    if (value === undefined || String(value).trim() === "" || String(value).trim() === version) return;
    const previous = version;
    version = String(value).trim();
    if (previous === undefined) log.info(`GitHub Enterprise Server ${version}`, { enterpriseVersion: version });
    else log.info(`GitHub Enterprise Server is now ${version} (was ${previous})`, { enterpriseVersion: version, previous });
  }

  const server: GitHubServer = {
    enterpriseVersion: () => version,
    supports: (route) => ghesHas(version, route),
    requireCall: (route) => requireCall(server, route),
  };

  return {
    server,
    plugin: (octokit) => {
      octokit.hook.after("request", (response) => record(response.headers));
      octokit.hook.error("request", (error) => {
        record((error as { response?: { headers?: Headers } }).response?.headers);
        throw error;
      });
      return {};
    },
  };
}

/** Whether GHES `version` ("3.14.2", "3.14") has `route`; true when there is no version or it cannot be read. */
export function ghesHas(version: string | undefined, route: GitHubRoute): boolean {
  const first = firstGhesOf(route);
  const running = version === undefined ? undefined : releaseOf(version);
  return first === undefined || running === undefined || isAtLeast(running, first);
}

/**
 * Refuses a call the server lacks, before it is sent: "GitHub Enterprise Server 3.9 has no just-in-time
 * runner configuration: it needs 3.10 or newer".
 */
export function requireCall(server: Pick<GitHubServer, "enterpriseVersion">, route: GitHubRoute): void {
  const version = server.enterpriseVersion();
  if (ghesHas(version, route)) return;
  const { what } = GITHUB_CALLS[route];
  throw new AppError(
    "GITHUB_VERSION_UNSUPPORTED",
    `GitHub Enterprise Server ${version} has no ${what}: it needs ${firstGhesOf(route)} or newer`,
  );
}

/** The feature release of "3.14.2", "3.14" (or "3.14.0-rc1"): "3.14"; undefined for anything else. */
function releaseOf(version: string): GhesVersion | undefined {
  const match = /^(\d+)\.(\d+)(?!\d)/.exec(version.trim());
  return match ? `${Number(match[1])}.${Number(match[2])}` : undefined;
}
