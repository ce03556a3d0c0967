/**
 * GitHub's budget for the App installation, as the services spend it (the figures are watched by
 * src/github/github-budget.ts). Checked before the caller's first GitHub call, from the caches alone:
 * - GitHub has said stop (exhausted, or a secondary limit): nobody's request makes a call; 503 with
 *   GitHub's Retry-After;
 * - the remaining calls are within the reserve (server.githubBudget.reserve): only a caller the caches
 *   already know as an active maintainer of the team named spends calls; anyone else gets 503 with
 *   Retry-After at GitHub's reset. The teams at work keep working; newcomers and strangers wait.
 */
import { AppError } from "../domain/errors.js";
import type { Caller, GitHub } from "../github/ports.js";

export function requireGitHubBudget(github: GitHub, known: Caller | undefined, teamSlug: string): void {
  const budget = github.budget;
  if (!budget) return;
  const blocked = budget.blockedFor();
  if (blocked !== undefined) {
    throw new AppError("GITHUB_RATE_LIMITED", `GitHub's rate limit for this App is exhausted; retry in ${blocked} s`, {
      retryAfter: blocked,
    });
  }
  const reserved = budget.reservedFor();
  if (reserved === undefined) return;
  const membership = known === undefined ? undefined : github.org.knownMembership?.(teamSlug, known.login);
  if (membership?.role === "maintainer" && membership.state === "active") return;
  throw new AppError(
    "GITHUB_RATE_LIMITED",
    "GitHub's rate limit for this App is nearly spent: until it resets, only active maintainers the service already " +
      `knows are served; retry in ${reserved} s`,
    { retryAfter: reserved },
  );
}
