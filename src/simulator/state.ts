/**
 * The simulator's world: one organization, the App installed on it, its people, teams, repositories,
 * runner groups and runners, and every credential GitHub would have handed out.
 * Plain data with integer ids, as GitHub has them; handlers read and change it synchronously, so a
 * request either changes it whole or not at all.
 */

export type Visibility = "all" | "selected" | "private";
export type TeamRole = "maintainer" | "member";
export type MembershipState = "active" | "pending";
/** GitHub's repository role names, weakest first. The REST API calls the first and third `pull` and `push`. */
export const REPO_ROLES = ["read", "triage", "write", "maintain", "admin"] as const;
export type RepoRole = (typeof REPO_ROLES)[number];

export interface Org {
  login: string;
  id: number;
  name: string;
  /** SAML single sign-on enforced: a member's token must be authorized for it (TokenGrant.ssoAuthorized) */
  samlSso?: boolean;
  /** OAuth app access restrictions on: tokens of the OAuth apps not listed here are refused on the organization's resources */
  oauthAppRestrictions?: { approvedApps: string[] };
}

/**
 * What GitHub knows of a user token beyond its owner: whether it is authorized for the organization's
 * SAML SSO, and the OAuth app that issued it (none for a personal access token).
 */
export interface TokenGrant {
  ssoAuthorized: boolean;
  oauthApp?: string;
}

export interface AppInfo {
  id: number;
  slug: string;
  name: string;
  clientId: string;
  installationId: number;
  /** PEM of the App's public key: JWTs are verified against it. */
  publicKeyPem: string;
  createdAt: string;
  /** what the installation may do, in GitHub's permission names (an owner may not have accepted all the App asks for) */
  installationPermissions: Record<string, string>;
  /** when an organization owner suspended the installation (ISO time), and who; null while it is active */
  suspended: { at: string; by: string } | null;
}

export interface User {
  login: string;
  id: number;
  name: string | null;
  /** `admin` = organization owner: may call the org's Actions admin routes with a user token. */
  orgRole: "admin" | "member" | "none";
}

export interface TeamMembership {
  role: TeamRole;
  state: MembershipState;
}

export interface Team {
  id: number;
  slug: string;
  name: string;
  /** the parent team's slug (a key of SimState.teams); null for a team at the top of the hierarchy */
  parent: string | null;
  /** the team's direct members; the members of its child teams are GitHub's members of it too (see effectiveMembership) */
  members: Map<string, TeamMembership>;
  /** repository id → the team's role on it */
  repos: Map<number, RepoRole>;
}

export interface Repo {
  id: number;
  name: string;
  visibility: "public" | "private" | "internal";
  createdAt: string;
}

export interface RunnerGroup {
  id: number;
  name: string;
  visibility: Visibility;
  isDefault: boolean;
  /** shared from the enterprise: listed in the organization's groups with `inherited: true` */
  inherited: boolean;
  allowsPublicRepositories: boolean;
  restrictedToWorkflows: boolean;
  selectedWorkflows: string[];
  /** ids of repositories selected for the group; meaningful while visibility is `selected`. */
  repositoryIds: Set<number>;
}

export interface RunnerLabel {
  id: number;
  name: string;
  type: "read-only" | "custom";
}

export interface Runner {
  id: number;
  name: string;
  os: string;
  status: "online" | "offline";
  busy: boolean;
  ephemeral: boolean;
  /** the runner software's version, once it has connected (GitHub's `version`; absent before) */
  version?: string;
  groupId: number;
  labels: RunnerLabel[];
}

export interface InstallationToken {
  token: string;
  expiresAt: Date;
}

export type MintedKind = "registration" | "remove";

export interface MintedRunnerToken {
  kind: MintedKind;
  token: string;
  expiresAt: Date;
}

/** Requests left in the current hour for one credential, as GitHub counts them for `x-ratelimit-*`. */
export interface RateWindow {
  limit: number;
  used: number;
  resetAt: Date;
}

export const DEFAULT_GROUP_ID = 1;

export interface SimState {
  org: Org;
  app: AppInfo;
  users: Map<string, User>;
  /** user token → login */
  userTokens: Map<string, string>;
  /** user token → its SSO authorization and issuing OAuth app; a token not listed is an SSO-authorized personal access token */
  tokenGrants: Map<string, TokenGrant>;
  teams: Map<string, Team>;
  repos: Map<number, Repo>;
  runnerGroups: Map<number, RunnerGroup>;
  runners: Map<number, Runner>;
  installationTokens: Map<string, InstallationToken>;
  /** every runner registration and removal token minted, oldest first */
  mintedTokens: MintedRunnerToken[];
  rateWindows: Map<string, RateWindow>;
  /** the next id handed out for each kind of object */
  nextId: { runnerGroup: number; runner: number; label: number };
}

export function repoByName(state: SimState, name: string): Repo | undefined {
  const wanted = name.toLowerCase();
  for (const repo of state.repos.values()) if (repo.name.toLowerCase() === wanted) return repo;
  return undefined;
}

export function groupByName(state: SimState, name: string): RunnerGroup | undefined {
  const wanted = name.toLowerCase();
  for (const group of state.runnerGroups.values()) if (group.name.toLowerCase() === wanted) return group;
  return undefined;
}

/** The teams below `team` in the hierarchy: its child teams, their child teams, and so on. */
export function descendantTeams(state: SimState, team: Team): Team[] {
  const found: Team[] = [];
  const seen = new Set([team.slug]);
  for (let i = -1; i < found.length; i++) {
    const parent = i < 0 ? team : found[i]!;
    for (const t of state.teams.values()) {
      if (t.parent === parent.slug && !seen.has(t.slug)) {
        seen.add(t.slug);
        found.push(t);
      }
    }
  }
  return found;
}

/**
 * A user's membership of a team as GitHub answers GET /orgs/{org}/teams/{team_slug}/memberships/{username}
 * (operation teams/get-membership-for-user-in-org, @octokit/openapi api.github.com.json):
 * - "Team members will include the members of child teams." An active member of a team below this one is
 *   answered as a member of it. "Members of a child team are not direct members of the parent team"
 *   (docs.github.com, "About organization teams" → "Nested teams"), so a maintainer of a child team is
 *   only a `member` of the parent: maintainership is a role on one team and is not inherited. A pending
 *   invitation to a child team is not yet a membership of it, so it makes none of the parent.
 * - "The `role` for organization owners is set to `maintainer`." This applies to an owner's membership,
 *   direct or through a child team; an owner who is in neither has no team membership, and GitHub
 *   documents 404 "if user has no team membership".
 * A direct membership wins over one through a child team.
 */
export function effectiveMembership(state: SimState, team: Team, login: string): TeamMembership | undefined {
  const key = login.toLowerCase();
  const inherited = descendantTeams(state, team).some((t) => t.members.get(key)?.state === "active");
  const membership = team.members.get(key) ?? (inherited ? { role: "member" as const, state: "active" as const } : undefined);
  if (!membership) return undefined;
  return state.users.get(key)?.orgRole === "admin" ? { ...membership, role: "maintainer" } : membership;
}

/** A summary of the world that tests compare before and after a request that must change nothing. */
export function snapshot(state: SimState): unknown {
  return {
    teams: [...state.teams.values()].map((t) => ({
      slug: t.slug,
      parent: t.parent,
      members: [...t.members.entries()].sort(),
      repos: [...t.repos.entries()].sort(),
    })),
    runnerGroups: [...state.runnerGroups.values()].map((g) => ({ ...g, repositoryIds: [...g.repositoryIds].sort() })),
    runners: [...state.runners.values()],
    mintedTokens: state.mintedTokens.length,
    repos: [...state.repos.values()],
  };
}
