/**
 * Answers GitHub gives that its OpenAPI description does not list for the operation (it documents only
 * 200/201/204 for most runner-group routes, for instance). The simulator gives exactly these and no
 * other undocumented statuses; the conformance tests check every such answer against this list and its
 * body against the shared error schema named here. Each entry says why we believe GitHub answers so.
 */

export type ErrorSchema = "basic-error" | "validation-error" | "validation-error-simple";

export interface UndocumentedAnswer {
  /** route templates this applies to; "*" = every route the simulator serves */
  routes: "*" | readonly string[];
  status: number;
  schema: ErrorSchema;
  when: string;
  evidence: string;
}

const BODY_ROUTES = [
  "POST /orgs/{org}/actions/runner-groups",
  "PATCH /orgs/{org}/actions/runner-groups/{runner_group_id}",
  "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories",
  "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/runners",
  "POST /orgs/{org}/actions/runners/generate-jitconfig",
  "POST /app/installations/{installation_id}/access_tokens",
  "POST /orgs/{org}/actions/runners/{runner_id}/labels",
  "PUT /orgs/{org}/actions/runners/{runner_id}/labels",
] as const;

/** Body routes whose description documents their own 422 (generate-jitconfig, access_tokens, the label lists). */
const DOCUMENT_422: ReadonlySet<string> = new Set([
  "POST /orgs/{org}/actions/runners/generate-jitconfig",
  "POST /app/installations/{installation_id}/access_tokens",
  "POST /orgs/{org}/actions/runners/{runner_id}/labels",
  "PUT /orgs/{org}/actions/runners/{runner_id}/labels",
]);

export const UNDOCUMENTED_ANSWERS: readonly UndocumentedAnswer[] = [
  {
    routes: "*",
    status: 401,
    schema: "basic-error",
    when: "no credential (Requires authentication), an unknown or expired token (Bad credentials), a bad App JWT",
    evidence:
      "docs.github.com, Troubleshooting the REST API: '401 Unauthorized … Bad credentials'; @octokit/auth-app retries a 401 right after minting a token, which it documents as GitHub's clock-skew answer",
  },
  {
    routes: "*",
    status: 403,
    schema: "basic-error",
    when: "primary rate limit exhausted (x-ratelimit-remaining: 0), a secondary rate limit (retry-after), an installation or App JWT on a route for another kind of credential ('Resource not accessible by integration'), a user token without owner rights on an org administration route, a member's user token not authorized for the organization's SAML SSO (with X-GitHub-SSO) or issued by an OAuth app the organization has not approved",
    evidence:
      "docs.github.com, Rate limits for the REST API: exceeding a primary or secondary limit answers 403 (or 429); Octokit's throttling plugin acts on 403 whose message contains 'secondary rate' and on x-ratelimit-remaining: 0; docs.github.com, Troubleshooting the REST API: 'Resource not accessible by integration'; docs.github.com, Authenticating to the REST API: a token not authorized for SAML SSO gets 403 with an X-GitHub-SSO URL; gitbutlerapp/gitbutler#8594: the OAuth App access restrictions 403",
  },
  {
    routes: "*",
    status: 404,
    schema: "basic-error",
    when: "an organization, team, repository, runner group, runner or installation that does not exist or that the credential cannot see",
    evidence:
      "docs.github.com, Troubleshooting the REST API: GitHub answers 404 rather than 403 for resources a credential may not see; the runner-group operations document no 404 but answer it for an unknown id",
  },
  {
    routes: BODY_ROUTES,
    status: 400,
    schema: "basic-error",
    when: "a body that is not JSON, or JSON that is not an object ('Problems parsing JSON')",
    evidence: "docs.github.com, Troubleshooting the REST API: '400 Bad Request … Problems parsing JSON'",
  },
  {
    routes: BODY_ROUTES.filter((r) => !DOCUMENT_422.has(r)),
    status: 422,
    schema: "validation-error",
    when: "a body that breaks the operation's schema ('Invalid request.\\n\\n\"name\" wasn't supplied.'), unknown repository or runner ids",
    evidence:
      "docs.github.com, Troubleshooting the REST API: '422 Unprocessable Entity … Validation failed'; octokit/fixtures scenario api.github.com/errors (normalized 422 with errors[])",
  },
  {
    routes: ["POST /orgs/{org}/actions/runner-groups", "PATCH /orgs/{org}/actions/runner-groups/{runner_group_id}"],
    status: 409,
    schema: "basic-error",
    when: "a runner group of that name exists already (names compare case-insensitively)",
    evidence:
      "by analogy with generate-jitconfig, whose documented 409 GitHub answers as 'Already exists - A runner with the name … already exists.' (reported in runs-on/runs-on#33); runner-group names are unique in the UI",
  },
  {
    routes: ["PATCH /orgs/{org}/actions/runner-groups/{runner_group_id}", "DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}"],
    status: 422,
    schema: "validation-error",
    when: "renaming or deleting the Default group (id 1)",
    evidence:
      "docs.github.com, Managing access to self-hosted runners using groups: the default group cannot be removed; GitHub's UI offers no delete or rename for it",
  },
  {
    routes: "*",
    status: 500,
    schema: "basic-error",
    when: "only when injected with sim.faults (or the simulator itself failed)",
    evidence: "docs.github.com, Troubleshooting the REST API: 5xx answers; Octokit's retry plugin retries 5xx",
  },
  {
    routes: "*",
    status: 502,
    schema: "basic-error",
    when: "only when injected with sim.faults",
    evidence: "GitHub's edge answers 502 and 504 under load (docs.github.com, Troubleshooting the REST API: timeouts)",
  },
  {
    routes: "*",
    status: 503,
    schema: "basic-error",
    when: "only when injected with sim.faults",
    evidence: "docs.github.com, Troubleshooting the REST API: 5xx answers",
  },
  {
    routes: "*",
    status: 504,
    schema: "basic-error",
    when: "only when injected with sim.faults",
    evidence: "docs.github.com, Troubleshooting the REST API: timeouts",
  },
];

/** The entry that allows `status` on `route`, if any. */
export function undocumentedAnswer(route: string, status: number): UndocumentedAnswer | undefined {
  return UNDOCUMENTED_ANSWERS.find((a) => a.status === status && (a.routes === "*" || a.routes.includes(route)));
}
