/**
 * The simulator as a given GitHub Enterprise Server release: every answer carries
 * `X-GitHub-Enterprise-Version`, and a route the release does not have answers 404 like an unknown route.
 */

/**
 * The first GHES release whose REST API has the route; a route not listed is in every release since 2.18.
 * Evidence: the ghes-X.Y descriptions in @octokit/openapi (2.2.1: 2.18-2.22; 10.0.0: 3.4-3.5; 12.0.0: 3.6-3.7;
 * 14.0.0: 3.8; 16.6.0: 3.9-3.12; 23.0.2: 3.17-3.19), read with `npm pack`: a route is listed at the first
 * release that describes it, and every later one does too. No @octokit/openapi release describes GHES
 * 3.0-3.3; runner labels are given as 3.4, their first description, which fits GitHub's changelog
 * (label API on github.com 2021-11-24, after 3.3's feature freeze).
 */
export const FIRST_GHES_RELEASE: Readonly<Record<string, string>> = {
  "GET /orgs/{org}/teams/{team_slug}/memberships/{username}": "2.21",
  "GET /orgs/{org}/teams/{team_slug}/repos": "2.21",
  "GET /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}": "2.21",
  // GitHub Actions came to GHES in 2.22, runner groups and self-hosted runner administration with it.
  "GET /orgs/{org}/actions/runner-groups": "2.22",
  "POST /orgs/{org}/actions/runner-groups": "2.22",
  "GET /orgs/{org}/actions/runner-groups/{runner_group_id}": "2.22",
  "PATCH /orgs/{org}/actions/runner-groups/{runner_group_id}": "2.22",
  "DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}": "2.22",
  "GET /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories": "2.22",
  "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories": "2.22",
  "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}": "2.22",
  "DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}": "2.22",
  "GET /orgs/{org}/actions/runner-groups/{runner_group_id}/runners": "2.22",
  "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/runners": "2.22",
  "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/runners/{runner_id}": "2.22",
  "DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/runners/{runner_id}": "2.22",
  "GET /orgs/{org}/actions/runners": "2.22",
  "GET /orgs/{org}/actions/runners/{runner_id}": "2.22",
  "DELETE /orgs/{org}/actions/runners/{runner_id}": "2.22",
  "POST /orgs/{org}/actions/runners/registration-token": "2.22",
  "POST /orgs/{org}/actions/runners/remove-token": "2.22",
  "GET /orgs/{org}/actions/runners/{runner_id}/labels": "3.4",
  "POST /orgs/{org}/actions/runners/{runner_id}/labels": "3.4",
  "PUT /orgs/{org}/actions/runners/{runner_id}/labels": "3.4",
  "DELETE /orgs/{org}/actions/runners/{runner_id}/labels": "3.4",
  "DELETE /orgs/{org}/actions/runners/{runner_id}/labels/{name}": "3.4",
  // ghes-3.9.json (@octokit/openapi 16.6.0) lacks it; ghes-3.10.json has it.
  "POST /orgs/{org}/actions/runners/generate-jitconfig": "3.10",
};

export interface EnterpriseServer {
  /** what `X-GitHub-Enterprise-Version` says: the full release number, "3.9.0" for a "3.9" asked for */
  readonly version: string;
  /** whether this release has the route ("METHOD /template") */
  readonly has: (route: string) => boolean;
}

type Release = readonly [major: number, minor: number];

function parseRelease(text: string): Release | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})(?:\.\d{1,3})?$/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

const atLeast = (release: Release, first: Release) => release[0] > first[0] || (release[0] === first[0] && release[1] >= first[1]);

/**
 * The release named by `version` ("3.9" or "3.9.2"); throws a RangeError for anything else.
 * GHES names its patch release in the header: GitHub's REST docs for GHES show
 * `X-GitHub-Enterprise-Version: 3.x.0` (github/docs, the response-headers example of "Getting started with
 * the REST API"), and clients compare it as a version, so a bare "3.9" is sent as "3.9.0".
 */
export function enterpriseServer(version: string): EnterpriseServer {
  const release = parseRelease(version);
  if (!release) throw new RangeError(`enterpriseVersion must be a GHES release such as "3.9" or "3.14.2", got ${JSON.stringify(version)}`);
  const trimmed = version.trim();
  return {
    version: trimmed.split(".").length === 2 ? `${trimmed}.0` : trimmed,
    has: (route) => {
      const first = FIRST_GHES_RELEASE[route];
      return first === undefined || atLeast(release, parseRelease(first)!);
    },
  };
}
