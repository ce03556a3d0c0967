/**
 * Which repositories may send jobs to the team's runners. A repository is accepted only when the team
 * holds at least `minRepoPermission` on it: whoever can push to a repository can already run its
 * workflows, while attaching a repository the team can merely read would hand the team's runners that
 * repository's jobs and secrets.
 */
import { AppError } from "../domain/errors.js";
import { atLeast } from "../domain/permissions.js";
import type { GitHub } from "../github/ports.js";
import { changingGroup, type Policy, type TeamContext } from "./context.js";
import { onManagedGroup } from "./runner-groups.js";

type RepoPolicy = Pick<Policy, "minRepoPermission">;

/** Resolves names to ids, refusing the whole request (403, nothing changed) if any repository is not allowed. */
async function allowedRepositoryIds(
  github: GitHub,
  policy: RepoPolicy,
  teamSlug: string,
  names: string[],
  fresh = false,
): Promise<Map<string, number>> {
  const teamRepos = (await github.org.teamRepositories(teamSlug, { fresh })) ?? [];
  const byName = new Map(teamRepos.map((r) => [r.name.toLowerCase(), r]));
  const refused: string[] = [];
  const ids = new Map<string, number>();
  for (const name of names) {
    const repo = byName.get(name.toLowerCase());
    if (!repo) refused.push(`${name} (not a repository of team ${teamSlug})`);
    // The managed group is created with allows_public_repositories false: GitHub would accept the
    // repository and then never send its jobs to the group's runners.
    else if (repo.isPublic) refused.push(`${name} (a public repository: the team's runner group does not serve public repositories)`);
    else if (!atLeast(repo.permission, policy.minRepoPermission)) {
      refused.push(`${name} (team ${teamSlug} has ${repo.permission ?? "no"} access; ${policy.minRepoPermission} is needed)`);
    } else ids.set(repo.name, repo.id);
  }
  if (refused.length > 0) {
    // The list may come from a cache: a repository granted to the team a moment ago deserves a fresh look.
    if (!fresh) return allowedRepositoryIds(github, policy, teamSlug, names, true);
    throw new AppError("REPOSITORY_NOT_ALLOWED", `Repositories not allowed, nothing was changed: ${refused.join("; ")}`);
  }
  return ids;
}

/**
 * Applies one GitHub call per repository, in order. If one fails, the answer says exactly which ones
 * were applied before it, so the caller can retry the rest.
 */
async function applyEach(
  names: Map<string, number>,
  verb: string,
  apply: (id: number) => Promise<void>,
  audit: (name: string, id: number) => void,
): Promise<void> {
  const applied: string[] = [];
  for (const [name, id] of names) {
    try {
      await apply(id);
    } catch (error) {
      const cause = error instanceof AppError ? error : undefined;
      const done = applied.length > 0 ? `${verb} ${applied.join(", ")} before the failure; ` : `nothing was ${verb}; `;
      throw new AppError(
        cause?.code ?? "INTERNAL",
        `${done}repository ${name} failed: ${cause?.message ?? "an internal error (see the server's log)"}`,
        {
          cause: error,
          ...(cause?.retryAfter === undefined ? {} : { retryAfter: cause.retryAfter }),
        },
      );
    }
    applied.push(name);
    audit(name, id);
  }
}

export function addRepos(ctx: TeamContext, { repos: names }: { repos: string[] }): Promise<string> {
  const { github, audit, policy, team: teamSlug } = ctx;
  return changingGroup(ctx, () => {
    // The permission check and the group lookup are independent: they run in parallel.
    const allowed = inParallel(allowedRepositoryIds(github, policy, teamSlug, names));
    return onManagedGroup(
      ctx,
      async (group) => {
        const ids = await allowed;
        await applyEach(
          ids,
          "added",
          (id) => github.org.addGroupRepository(group.id, id),
          (name, id) => audit("runner-group.repository-added", { groupId: group.id, repository: name, repositoryId: id }),
        );
        return "Successfully added repositories to runner group";
      },
      { after: allowed },
    );
  });
}

/** Replaces the group's repositories with exactly these, in one GitHub call. */
export function setRepos(ctx: TeamContext, { repos: names }: { repos: string[] }): Promise<string> {
  const { github, audit, policy, team: teamSlug } = ctx;
  return changingGroup(ctx, () => {
    const allowed = inParallel(allowedRepositoryIds(github, policy, teamSlug, names));
    return onManagedGroup(
      ctx,
      async (group) => {
        const ids = await allowed;
        await github.org.setGroupRepositories(group.id, [...ids.values()]);
        audit("runner-group.repositories-set", { groupId: group.id, repositories: [...ids.keys()] });
        return "Successfully added repositories to runner group";
      },
      { after: allowed },
    );
  });
}

/** Removing a repository that is not in the group is not an error: the caller's wish already holds. */
export function removeRepos(ctx: TeamContext, { repos: names }: { repos: string[] }): Promise<string> {
  const { github, audit } = ctx;
  return changingGroup(ctx, () =>
    onManagedGroup(ctx, async (group) => {
      const inGroup = new Map((await github.org.groupRepositories(group.id)).map((r) => [r.name.toLowerCase(), r]));
      const toRemove = new Map<string, number>();
      for (const name of names) {
        const repo = inGroup.get(name.toLowerCase());
        if (repo) toRemove.set(repo.name, repo.id);
      }
      await applyEach(
        toRemove,
        "removed",
        (id) => github.org.removeGroupRepository(group.id, id),
        (name, id) => audit("runner-group.repository-removed", { groupId: group.id, repository: name, repositoryId: id }),
      );
      return "Successfully removed repositories from runner group";
    }),
  );
}

/** A lookup started early and awaited later: its failure is reported where it is awaited, not as unhandled. */
function inParallel<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  return work;
}
