/**
 * The team's managed runner group: create, delete, describe. It is named policy.groupPrefix + the team's
 * slug, and no other group is ever read or changed on a team's behalf.
 */
import { AppError } from "../domain/errors.js";
import { groupNameForTeam, isNeverManaged, type RunnerGroup, type Runner } from "../domain/runner-group.js";
import type { Lookup } from "../github/ports.js";
import { changingGroup, type TeamContext } from "./context.js";

/**
 * The team's managed group, or 404. Never the Default group nor one inherited from the enterprise,
 * whatever the team is called: those answer as if there were no group.
 */
export async function findTeamGroup(
  { github, policy, team }: Pick<TeamContext, "github" | "policy" | "team">,
  lookup: Lookup = {},
): Promise<RunnerGroup> {
  const name = groupNameForTeam(policy.groupPrefix, team);
  const group = await github.org.findRunnerGroup(name, lookup);
  if (!group || isNeverManaged(group)) {
    throw new AppError("RUNNER_GROUP_NOT_FOUND", `Runner group not found: ${name} (create it with group-create)`);
  }
  return group;
}

/**
 * Runs `work` on the team's group. If GitHub answers that the group is gone (its id came from a cache and
 * the group was deleted and perhaps created anew since), the group is looked up afresh and `work` runs
 * once more; the changes it makes are idempotent.
 */
export async function onTeamGroup<T>(ctx: TeamContext, work: (group: RunnerGroup) => Promise<T>): Promise<T> {
  const group = await findTeamGroup(ctx);
  try {
    return await work(group);
  } catch (error) {
    if (!(error instanceof AppError && error.code === "RUNNER_GROUP_NOT_FOUND")) throw error;
    const fresh = await findTeamGroup(ctx, { fresh: true });
    if (fresh.id === group.id) throw error;
    return work(fresh);
  }
}

/**
 * `onTeamGroup` for a change to the group's repositories or its deletion: the group is first read again by id,
 * since its id was found by name, perhaps from the cache, and an organization admin may have renamed it since
 * (or GitHub now reports it as the Default group or an enterprise's). A group that is no longer the team's
 * managed one is answered as no group (404), and `onTeamGroup` looks the managed name up afresh. One GitHub
 * call, next to a change that costs at least one; token minting and runner-jitconfig do not pay it.
 */
export function onManagedGroup<T>(
  ctx: TeamContext,
  work: (group: RunnerGroup) => Promise<T>,
  options: { after?: Promise<unknown> } = {},
): Promise<T> {
  const name = groupNameForTeam(ctx.policy.groupPrefix, ctx.team);
  return onTeamGroup(ctx, async (group) => {
    // `after`: a check that may refuse the change (the repositories' permissions) settles first, so that a
    // refused change does not spend the re-read (the App's budget is shared: issue 13)
    await options.after;
    const now = await ctx.github.org.runnerGroup(group.id);
    if (!now || isNeverManaged(now) || now.name.toLowerCase() !== name.toLowerCase()) {
      throw new AppError("RUNNER_GROUP_NOT_FOUND", `Runner group not found: ${name} (create it with group-create)`);
    }
    return work(now);
  });
}

export function createGroup(ctx: TeamContext): Promise<string> {
  const { github, audit, team: teamSlug } = ctx;
  return changingGroup(ctx, async () => {
    let group: RunnerGroup;
    try {
      group = await github.org.createRunnerGroup(groupNameForTeam(ctx.policy.groupPrefix, teamSlug));
    } catch (error) {
      // No answer, or a 5xx, to a POST that is never repeated: GitHub may have created the group anyway.
      if (error instanceof AppError && (error.code === "GITHUB_UNAVAILABLE" || error.code === "GITHUB_TIMEOUT")) {
        throw reported(error, (why) => `${why}; the group may have been created anyway: group-list tells`);
      }
      throw error;
    }
    audit("runner-group.created", { groupId: group.id });
    return `Runner group created successfully: ${group.name}`;
  });
}

/** Deletes a runner; one GitHub no longer has (an ephemeral runner done with its job, say) is as good as deleted. */
export async function deleteRunnerIfPresent({ github }: Pick<TeamContext, "github">, runnerId: number): Promise<void> {
  try {
    await github.org.deleteRunner(runnerId);
  } catch (error) {
    if (!(error instanceof AppError && error.code === "RUNNER_NOT_FOUND")) throw error;
  }
}

/** The failure as the caller's answer: its code and Retry-After kept, its message in what `say` makes of it. */
export function reported(error: unknown, say: (why: string) => string): AppError {
  const cause = error instanceof AppError ? error : undefined;
  return new AppError(cause?.code ?? "INTERNAL", say(cause?.message ?? "an internal error; see the server's log"), {
    cause: error,
    ...(cause?.retryAfter === undefined ? {} : { retryAfter: cause.retryAfter }),
  });
}

/**
 * Deleting a group on GitHub moves its runners into the Default group, where every repository of the
 * organization could use them. So a group with runners is only deleted with `force`, and then its
 * runners are deleted first. If a step fails, the answer names every runner already deleted.
 */
export function deleteGroup(ctx: TeamContext, { force }: { force: boolean }): Promise<string> {
  const { github, audit } = ctx;
  return changingGroup(ctx, () =>
    onManagedGroup(ctx, async (group) => {
      const runners = await github.org.groupRunners(group.id);
      if (runners.length > 0 && !force) {
        throw new AppError(
          "RUNNER_GROUP_HAS_RUNNERS",
          `Runner group ${group.name} still has ${runners.length} runner(s) (${runners.map((r) => r.name).join(", ")}); ` +
            "deleting it would move them into the Default group. Remove them first, or pass force=true to delete them with the group",
        );
      }
      const deleted: string[] = [];
      const done = () => (deleted.length > 0 ? `Deleted runners ${deleted.join(", ")}; ` : "");
      for (const runner of runners) {
        try {
          await deleteRunnerIfPresent(ctx, runner.id);
        } catch (error) {
          throw reported(
            error,
            (why) => `${done()}runner ${runner.name} could not be deleted (${why}), so runner group ${group.name} was not deleted`,
          );
        }
        deleted.push(runner.name);
        audit("runner.deleted", { groupId: group.id, runnerId: runner.id, runner: runner.name });
      }
      try {
        await github.org.deleteRunnerGroup(group.id);
      } catch (error) {
        throw reported(error, (why) => `${done()}runner group ${group.name} could not be deleted (${why})`);
      }
      audit("runner-group.deleted", { groupId: group.id, runnersDeleted: deleted.length });
      return `Runner group deleted successfully: ${group.name}`;
    }),
  );
}

export interface GroupListing {
  /** the original's two fields: names only */
  repos: string[];
  runners: string[];
  group: { id: number; name: string; visibility: string };
  runnerDetails: Array<Pick<Runner, "id" | "name" | "os" | "status" | "busy" | "labels" | "ephemeral" | "version">>;
}

export function listGroup(ctx: TeamContext): Promise<GroupListing> {
  const { github } = ctx;
  return onTeamGroup(ctx, async (group) => {
    const [repos, runners] = await Promise.all([github.org.groupRepositories(group.id), github.org.groupRunners(group.id)]);
    return {
      repos: repos.map((r) => r.name),
      runners: runners.map((r) => r.name),
      group: { id: group.id, name: group.name, visibility: group.visibility },
      runnerDetails: runners.map(({ id, name, os, status, busy, labels, ephemeral, version }) => ({
        id,
        name,
        os,
        status,
        busy,
        labels,
        // where GitHub gives them
        ...(ephemeral !== undefined && { ephemeral }),
        ...(version !== undefined && { version }),
      })),
    };
  });
}
