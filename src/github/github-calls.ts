/**
 * Every GitHub REST call the service makes, and those it is about to make: the one list, in GitHub's
 * route templates ("METHOD /template"), with the credential each is sent with, why, and the first
 * GitHub Enterprise Server release whose REST API has it.
 *
 * Held to the code and to GitHub's descriptions by test/unit/github/ghes-routes.test.ts:
 * - the routes passed to octokit.request / octokit.paginate / paginate.iterator in src/github/*.ts are
 *   exactly the entries with `use: "called"`;
 * - `firstGhes` is a fact read from GitHub's OpenAPI descriptions (@octokit/openapi, ghes-3.9 to
 *   ghes-3.19): the operation is in every described release from `firstGhes` on, in none before it,
 *   and on api.github.com.
 *
 * To call a planned route: write the call in src/github/, then change its `use` to "called".
 * To call a new route: add it here (the test says what its descriptions show).
 */

/** A GitHub Enterprise Server feature release, "3.10". */
export type GhesVersion = `${number}.${number}`;

/**
 * The oldest GHES release whose description @octokit/openapi has published (in its 16.x versions).
 * A call without `firstGhes` is in every described release, this one included; releases before it
 * are long out of GitHub's support, and no description of them is checked.
 */
export const OLDEST_DESCRIBED_GHES: GhesVersion = "3.9";

export interface GitHubCall {
  /**
   * - "app": the App's JWT (signed with its private key);
   * - "installation": the App's installation token for the organization;
   * - "caller": the caller's own token, from the Authorization header.
   */
  credential: "app" | "installation" | "caller";
  /**
   * - "called": src/github/ sends it (octokit.request, octokit.paginate, paginate.iterator);
   * - "auth-app": @octokit/auth-app sends it on our behalf, inside the calls that need a token;
   * - "planned": no code sends it yet; listed so that the GHES releases that have it are known.
   */
  use: "called" | "auth-app" | "planned";
  /** what it does, as a noun phrase for messages: "GitHub Enterprise Server 3.9 has no <what>" */
  what: string;
  /** why the service makes it */
  why: string;
  /** the first GHES release that has it; absent: every release described (OLDEST_DESCRIBED_GHES on) */
  firstGhes?: GhesVersion;
}

export const GITHUB_CALLS = {
  // ---- made by @octokit/auth-app ----
  "POST /app/installations/{installation_id}/access_tokens": {
    credential: "app",
    use: "auth-app",
    what: "installation access token",
    why: "mints the installation token every organization call is made with (cached by @octokit/auth-app, minted again before it expires or after GitHub refuses it)",
  },

  // ---- the App's own credentials (./check-credentials.ts: serve --check-config, and once at start-up) ----
  "GET /app": {
    credential: "app",
    use: "called",
    what: "App lookup with its JSON web token",
    why: "proves that GitHub takes the App's JWT (appID and privateKey belong together), and names the App",
  },
  "GET /app/installations/{installation_id}": {
    credential: "app",
    use: "called",
    what: "App installation lookup",
    why: "proves that installationID is an installation of the App on the organization, and reads its permissions",
  },

  // ---- the caller's identity ----
  "GET /user": {
    credential: "caller",
    use: "called",
    what: "authenticated user lookup",
    why: "learns whose token the caller sent (and that GitHub accepts it); the caller's token is used for nothing else",
  },
  "GET /user/memberships/orgs/{org}": {
    credential: "caller",
    use: "called",
    what: "organization membership lookup for the authenticated user",
    why: "auth.requireOrgAccess: proves that the organization accepts the caller's token (SAML SSO, OAuth app access restrictions) and that its owner is an active member",
  },

  // ---- teams ----
  "GET /orgs/{org}/teams/{team_slug}/memberships/{username}": {
    credential: "installation",
    use: "called",
    what: "team membership lookup",
    why: "checks that the caller is an active maintainer of the team",
  },
  "GET /orgs/{org}/teams/{team_slug}/repos": {
    credential: "installation",
    use: "called",
    what: "team repository list",
    why: "the repositories the team may attach to its group, with the team's permission on each",
  },
  "GET /orgs/{org}/teams/{team_slug}": {
    credential: "installation",
    use: "called",
    what: "team lookup",
    why: "the team's parent, for policy.teams.parent (only its direct child teams are served)",
  },

  // ---- runner groups ----
  "GET /orgs/{org}/actions/runner-groups": {
    credential: "installation",
    use: "called",
    what: "runner group list",
    why: "finds the team's managed group by name",
  },
  "POST /orgs/{org}/actions/runner-groups": {
    credential: "installation",
    use: "called",
    what: "runner group creation",
    why: "group-create: makes the team's managed group (visibility selected, no public repositories)",
  },
  "GET /orgs/{org}/actions/runner-groups/{runner_group_id}": {
    credential: "installation",
    use: "called",
    what: "runner group lookup by id",
    why: "re-reads the managed group before a change to its repositories or its deletion (an admin may have renamed it)",
  },
  "DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}": {
    credential: "installation",
    use: "called",
    what: "runner group deletion",
    why: "group-delete",
  },
  "GET /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories": {
    credential: "installation",
    use: "called",
    what: "runner group repository list",
    why: "group-list and repos-remove: the repositories the group serves",
  },
  "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories": {
    credential: "installation",
    use: "called",
    what: "runner group repository replacement",
    why: "repos-set: the group's repositories become exactly these, in one call",
  },
  "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}": {
    credential: "installation",
    use: "called",
    what: "adding a repository to a runner group",
    why: "repos-add",
  },
  "DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}": {
    credential: "installation",
    use: "called",
    what: "removing a repository from a runner group",
    why: "repos-remove",
  },
  "GET /orgs/{org}/actions/runner-groups/{runner_group_id}/runners": {
    credential: "installation",
    use: "called",
    what: "runner group runner list",
    why: "group-list, and group-delete's check for runners",
  },
  "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/runners/{runner_id}": {
    credential: "installation",
    use: "called",
    what: "adding a runner to a runner group",
    why: "runner-move: moves a runner into another managed group of the caller's",
  },

  // ---- runners ----
  "GET /orgs/{org}/actions/runners/{runner_id}": {
    credential: "installation",
    use: "planned",
    what: "runner lookup",
    why: "reads one runner, to check which group it is in before acting on it",
  },
  "DELETE /orgs/{org}/actions/runners/{runner_id}": {
    credential: "installation",
    use: "called",
    what: "runner deletion",
    why: "group-delete with force: deletes the group's runners first, which GitHub would otherwise move to the Default group",
  },
  "GET /orgs/{org}/actions/runners/{runner_id}/labels": {
    credential: "installation",
    use: "planned",
    what: "runner label list",
    why: "a runner's labels",
  },
  "POST /orgs/{org}/actions/runners/{runner_id}/labels": {
    credential: "installation",
    use: "called",
    what: "adding runner labels",
    why: "runner-labels-add",
  },
  "PUT /orgs/{org}/actions/runners/{runner_id}/labels": {
    credential: "installation",
    use: "called",
    what: "setting runner labels",
    why: "runner-labels-set and runner-labels-remove",
  },
  "DELETE /orgs/{org}/actions/runners/{runner_id}/labels": {
    credential: "installation",
    use: "planned",
    what: "removing all runner labels",
    why: "removes every custom label of a runner of the team's group",
  },
  "DELETE /orgs/{org}/actions/runners/{runner_id}/labels/{name}": {
    credential: "installation",
    use: "planned",
    what: "removing a runner label",
    why: "removes one custom label of a runner of the team's group",
  },
  "POST /orgs/{org}/actions/runners/registration-token": {
    credential: "installation",
    use: "called",
    what: "runner registration token",
    why: "token-register",
  },
  "POST /orgs/{org}/actions/runners/remove-token": {
    credential: "installation",
    use: "called",
    what: "runner removal token",
    why: "token-remove",
  },
  "POST /orgs/{org}/actions/runners/generate-jitconfig": {
    credential: "installation",
    use: "called",
    what: "just-in-time runner configuration",
    why: "runner-jitconfig: a single-use runner registered straight into the team's managed group",
    firstGhes: "3.10",
  },
} as const satisfies Record<string, GitHubCall>;

/** A route the service calls or is about to: "POST /orgs/{org}/actions/runners/generate-jitconfig". */
export type GitHubRoute = keyof typeof GITHUB_CALLS;

export function isGitHubRoute(route: string): route is GitHubRoute {
  return Object.hasOwn(GITHUB_CALLS, route);
}

/** The first GHES release that has `route`; undefined: every release described. */
export function firstGhesOf(route: GitHubRoute): GhesVersion | undefined {
  const call: GitHubCall = GITHUB_CALLS[route];
  return call.firstGhes;
}

/** Whether GHES release `a` is `b` or later: "3.10" is later than "3.9". */
export function isAtLeast(a: GhesVersion, b: GhesVersion): boolean {
  const [aMajor = 0, aMinor = 0] = a.split(".").map(Number);
  const [bMajor = 0, bMinor = 0] = b.split(".").map(Number);
  return aMajor > bMajor || (aMajor === bMajor && aMinor >= bMinor);
}
