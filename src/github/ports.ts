/**
 * Exactly the GitHub calls the services make, in domain terms. src/github/ implements them over
 * Octokit; services depend on these types only.
 */
import type { RepoPermission } from "../domain/permissions.js";
import type { JitConfig, MintedToken, Repository, Runner, RunnerGroup } from "../domain/runner-group.js";
import type { GitHubRoute } from "./github-calls.js";
import type { GitHubBudget } from "./github-budget.js";

export type { GitHubRoute } from "./github-calls.js";

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
  /** the membership a cache holds, without any GitHub call: null for a cached "none", undefined when no cache knows */
  knownMembership?(teamSlug: string, login: string): TeamMembership | null | undefined;
  /**
   * the slug of the team's parent team (GitHub's nested teams); null for a team at the top of the hierarchy;
   * undefined when the team does not exist
   */
  teamParent(teamSlug: string): Promise<string | null | undefined>;
  /** every repository the team can reach, with the team's role on it; null when the team does not exist */
  teamRepositories(teamSlug: string, options?: Lookup): Promise<TeamRepository[] | null>;
  /** the organization's own group of that name (compared without case); groups inherited from the enterprise are not looked at */
  findRunnerGroup(name: string, options?: Lookup): Promise<RunnerGroup | null>;
  /** the group as GitHub has it now, read by id (never from a cache); null when GitHub has no group of that id */
  runnerGroup(groupId: number): Promise<RunnerGroup | null>;
  /** throws AppError RUNNER_GROUP_EXISTS when GitHub has one of that name */
  createRunnerGroup(name: string): Promise<RunnerGroup>;
  deleteRunnerGroup(groupId: number): Promise<void>;
  groupRepositories(groupId: number): Promise<Repository[]>;
  groupRunners(groupId: number): Promise<Runner[]>;
  setGroupRepositories(groupId: number, repositoryIds: number[]): Promise<void>;
  addGroupRepository(groupId: number, repositoryId: number): Promise<void>;
  removeGroupRepository(groupId: number, repositoryId: number): Promise<void>;
  /** throws AppError RUNNER_BUSY when GitHub refuses because the runner is running a job */
  deleteRunner(runnerId: number): Promise<void>;
  /** moves a runner into the group */
  moveRunner(groupId: number, runnerId: number): Promise<void>;
  /** adds custom labels; answers every label of the runner afterwards */
  addRunnerLabels(runnerId: number, labels: string[]): Promise<string[]>;
  /** makes the runner's custom labels exactly these (its read-only ones stay); answers every label afterwards */
  setRunnerLabels(runnerId: number, labels: string[]): Promise<string[]>;
  /**
   * one just-in-time runner configuration for the group; never repeated (a repeat of a call GitHub applied
   * answers 409). Throws AppError RUNNER_EXISTS when GitHub has a runner of that name.
   */
  generateJitConfig(request: { groupId: number; name: string; labels: string[]; workFolder?: string }): Promise<JitConfig>;
  createRegistrationToken(): Promise<MintedToken>;
  createRemoveToken(): Promise<MintedToken>;
  /**
   * obtains an installation token, from the cache when fresh, minted anew after GitHub answered 401 to
   * the cached one: proves the App's credentials work
   */
  checkInstallation(): Promise<void>;
}

/** The calls made with the caller's own token. */
export interface UserGitHub {
  /**
   * throws AppError UNAUTHENTICATED when GitHub refuses the token; with auth.requireOrgAccess, ORG_ACCESS_DENIED
   * when the organization refuses it (SAML SSO, OAuth app restrictions) or its owner is not an active member
   */
  whoAmI(token: string): Promise<Caller>;
  /** the token's caller if a cache knows it, without any GitHub call; undefined when no cache does */
  knownCaller?(token: string): Caller | undefined;
}

/** The GitHub answering: GitHub Enterprise Server names its release on every answer (server-version.ts). */
export interface GitHubServer {
  /** GHES's release as its latest answer named it ("3.14.2"); undefined on api.github.com, or before any answer */
  enterpriseVersion(): string | undefined;
  /** whether the server has `route` (github-calls.ts): always on api.github.com, and before any answer */
  supports(route: GitHubRoute): boolean;
  /** throws AppError GITHUB_VERSION_UNSUPPORTED, naming both releases, when the server lacks `route` */
  requireCall(route: GitHubRoute): void;
}

export interface GitHub {
  org: OrgGitHub;
  user: UserGitHub;
  server: GitHubServer;
  /** the installation's budget as GitHub reports it (./github-budget.ts); left out by test doubles */
  budget?: GitHubBudget;
}
