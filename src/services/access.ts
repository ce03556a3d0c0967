/**
 * Who may act on a team's runner group: the caller named by their own token (GET /user, the only call
 * made with it), and only while they are an *active maintainer* of the team, checked with the App.
 */
import { AppError } from "../domain/errors.js";
import type { Caller, GitHub } from "../github/ports.js";
import type { Policy } from "./context.js";

/**
 * The caller may act for the team: the service serves the team (policy.teams), and they actively maintain it.
 *
 * The parent check comes after the maintainership check, not before. The App's budget is shared by every
 * caller: this way a caller refused as a non-maintainer costs the one call they cost without
 * policy.teams.parent, and only a team's active maintainers reach the parent lookup (cached per team). Parent
 * first would cost a non-maintainer of a child team two calls instead of one, and save nothing elsewhere: an
 * unknown team, or a team outside the parent, costs one call either way.
 */
export async function requireTeamAccess(github: GitHub, policy: Policy, caller: Caller, teamSlug: string): Promise<void> {
  requireAllowedTeam(policy.teams.allow, caller, teamSlug);
  await requireActiveMaintainer(github, caller, teamSlug);
  await requireChildTeam(github, policy.teams.parent, caller, teamSlug);
}

/**
 * A team that does not exist gets the same 403 as a team the caller does not maintain: GitHub answers
 * 404 to both, and telling them apart would let any token holder probe the organization's team names.
 */
export async function requireActiveMaintainer(github: GitHub, caller: Caller, teamSlug: string): Promise<void> {
  const membership = await github.org.teamMembership(teamSlug, caller.login);
  if (membership?.role === "maintainer" && membership.state === "active") return;
  if (membership?.role === "maintainer") {
    throw new AppError(
      "NOT_TEAM_MAINTAINER",
      `${caller.login}'s maintainership of team ${teamSlug} is pending: accept the invitation first`,
    );
  }
  throw notMaintainer(caller, teamSlug);
}

/**
 * A team outside `policy.teams.allow` is refused before GitHub is asked anything about it, with the very
 * answer a non-maintainer gets: the list is not disclosed, and no App call is spent on such a team.
 */
export function requireAllowedTeam(allow: readonly string[] | undefined, caller: Caller, teamSlug: string): void {
  if (allow !== undefined && !allow.includes(teamSlug.toLowerCase())) throw notMaintainer(caller, teamSlug);
}

/**
 * With `policy.teams.parent`, only the direct child teams of that team may use the service: not the parent
 * itself, not a grandchild, not a team elsewhere. A team outside is refused with the very answer a
 * non-maintainer gets, so that neither the policy nor the organization's hierarchy is disclosed.
 */
export async function requireChildTeam(github: GitHub, parent: string | undefined, caller: Caller, teamSlug: string): Promise<void> {
  if (parent === undefined) return;
  const teamParent = await github.org.teamParent(teamSlug);
  if (typeof teamParent !== "string" || teamParent.toLowerCase() !== parent) throw notMaintainer(caller, teamSlug);
}

const notMaintainer = (caller: Caller, teamSlug: string) =>
  new AppError("NOT_TEAM_MAINTAINER", `User is not a maintainer of the team: ${caller.login} does not maintain team ${teamSlug}`);
