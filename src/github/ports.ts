/**
 * Exactly the GitHub calls the services make, in domain terms. src/github/ implements them over
 * Octokit; services depend on these types only.
 */
import type { RepoPermission } from "../domain/permissions.js";
import type { MintedToken, Repository, Runner, RunnerGroup } from "../domain/runner-group.js";

export interface Caller {
  login: string;
  id: number;
}

export interface TeamMembership {
  role: "maintainer" | "member";
  state: "active" | "pending";
}

export interface TeamRepository extends Repository {
  permission: RepoPermission | undefined;
  /** public repositories never send jobs to a group that does not allow them (ours never do) */
  isPublic: boolean;
}

/** Calls made with the App's installation token. */
/** `fresh`: ask GitHub even when a cache holds an answer (a cached one has proved stale). */
export interface Lookup {
  fresh?: boolean;
}

export interface OrgGitHub {
  /** null when the user is not in the team, or the team does not exist (GitHub answers 404 to both) */
  teamMembership(teamSlug: string, login: string): Promise<TeamMembership | null>;
  /**
   * the slug of the team's parent team (GitHub's nested teams); null for a team at the top of the hierarchy;
   * undefined when the team does not exist
   */
  teamParent(teamSlug: string): Promise<string | null | undefined>;
  /** every repository the team can reach, with the team's role on it; null when the team does not exist */
  teamRepositories(teamSlug: string, options?: Lookup): Promise<TeamRepository[] | null>;
  /** the organization's own group of that name (compared without case); groups inherited from the enterprise are not looked at */
  findRunnerGroup(name: string, options?: Lookup): Promise<RunnerGroup | null>;
  /** throws AppError RUNNER_GROUP_EXISTS when GitHub has one of that name */
  createRunnerGroup(name: string): Promise<RunnerGroup>;
  deleteRunnerGroup(groupId: number): Promise<void>;
  groupRepositories(groupId: number): Promise<Repository[]>;
  groupRunners(groupId: number): Promise<Runner[]>;
  setGroupRepositories(groupId: number, repositoryIds: number[]): Promise<void>;
  addGroupRepository(groupId: number, repositoryId: number): Promise<void>;
  removeGroupRepository(groupId: number, repositoryId: number): Promise<void>;
  deleteRunner(runnerId: number): Promise<void>;
  createRegistrationToken(): Promise<MintedToken>;
  createRemoveToken(): Promise<MintedToken>;
  /**
   * obtains an installation token, from the cache when fresh, minted anew after GitHub answered 401 to
   * the cached one: proves the App's credentials work
   */
  checkInstallation(): Promise<void>;
}

/** The one call made with the caller's own token. */
export interface UserGitHub {
  /** throws AppError UNAUTHENTICATED when GitHub refuses the token */
  whoAmI(token: string): Promise<Caller>;
}

export interface GitHub {
  org: OrgGitHub;
  user: UserGitHub;
}
