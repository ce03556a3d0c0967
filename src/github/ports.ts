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

/** A key of the configuration file that holds one of the App's credentials, as the file spells it. */
export type CredentialKey = "appID" | "installationID" | "privateKey";

export interface AppFacts {
  id: number;
  slug: string;
  name: string;
  /** the account that owns the App */
  owner: string | undefined;
}

export interface InstallationFacts {
  id: number;
  /** the account the App is installed on */
  account: string;
  /** "Organization", "User" or "Enterprise" */
  accountType: string;
  /** every permission the installation grants, as GitHub names them: { organization_self_hosted_runners: "write", … } */
  permissions: Record<string, string>;
  /** "all" repositories, or "selected" ones */
  repositorySelection: string;
}

/** A permission the service's calls need that the installation does not grant (or grants below the level needed). */
export interface MissingPermission {
  permission: string;
  needed: "read" | "write";
  granted: string | undefined;
  /** what fails without it */
  why: string;
}

/**
 * What GitHub says of the App's credentials (appID, installationID, privateKey):
 * - "ok": GET /app and GET /app/installations/{installation_id} answered with the JWT, the installation is on the
 *   organization, and an installation token was minted; `missingPermissions` lists what the installation lacks;
 * - "refused": GitHub refused them, or they name an installation that cannot serve the organization; `problem`
 *   says so in plain words and names the keys (`keys`) to look at;
 * - "unavailable": GitHub could not be asked (no connection, a timeout, 5xx, a rate limit); nothing was proven.
 *   `answered`: whether GitHub answered at all.
 */
export type CredentialCheck =
  | {
      outcome: "ok";
      app: AppFacts;
      installation: InstallationFacts;
      /** GitHub Enterprise Server's release, when it is one */
      enterpriseVersion: string | undefined;
      missingPermissions: MissingPermission[];
    }
  | { outcome: "refused"; keys: CredentialKey[]; problem: string; app?: AppFacts; enterpriseVersion: string | undefined }
  | { outcome: "unavailable"; answered: boolean; problem: string };

/** Calls made with the App's own JWT. */
export interface AppGitHub {
  /** asks GitHub about the configured credentials; never throws for GitHub's answers (they are in the result) */
  checkCredentials(): Promise<CredentialCheck>;
}

export interface GitHub {
  /** the App itself (its JWT): the credential check */
  app: AppGitHub;
  org: OrgGitHub;
  user: UserGitHub;
  server: GitHubServer;
  /** the installation's budget as GitHub reports it (./github-budget.ts); left out by test doubles */
  budget?: GitHubBudget;
}
