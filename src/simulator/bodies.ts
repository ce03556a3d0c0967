/**
 * GitHub-shaped response bodies, typed against GitHub's own OpenAPI schemas so that `tsc` flags a
 * missing or misnamed field; the conformance tests validate the same bodies at run time.
 */
import type { components } from "@octokit/openapi-types";
import {
  REPO_ROLES,
  type AppInfo,
  type Org,
  type Repo,
  type RepoRole,
  type Runner,
  type RunnerGroup,
  type RunnerLabel,
  type Team,
  type User,
} from "./state.js";

type Schemas = components["schemas"];

/** github.com's web host for an API root: https://api.github.com → https://github.com; GHES: https://HOST/api/v3 → https://HOST */
export function webRoot(apiRoot: string): string {
  const url = new URL(apiRoot);
  if (url.hostname.startsWith("api.")) url.hostname = url.hostname.slice(4);
  url.pathname = url.pathname.replace(/\/api\/v3\/?$/, "");
  return url.toString().replace(/\/$/, "");
}

const nodeId = (kind: string, id: number) => Buffer.from(`${kind}:${id}`).toString("base64").replace(/=+$/, "");

export function simpleUser(api: string, login: string, id: number, type: "User" | "Organization" | "Bot" = "User"): Schemas["simple-user"] {
  const u = `${api}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId(type, id),
    avatar_url: `${webRoot(api)}/avatars/u/${id}`,
    gravatar_id: "",
    url: u,
    html_url: `${webRoot(api)}/${login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type,
    site_admin: false,
  };
}

/** GET /user: the caller sees their own private profile. */
export function privateUser(api: string, user: User, createdAt: string): Schemas["private-user"] {
  return {
    ...simpleUser(api, user.login, user.id),
    name: user.name,
    company: null,
    blog: "",
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: createdAt,
    updated_at: createdAt,
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
  };
}

export function repoPermissions(role: RepoRole | undefined): NonNullable<Schemas["full-repository"]["permissions"]> {
  const rank = role ? REPO_ROLES.indexOf(role) : -1;
  return { admin: rank >= 4, maintain: rank >= 3, push: rank >= 2, triage: rank >= 1, pull: rank >= 0 };
}

/** The full repository body (`full-repository`); the list shapes (`minimal-repository`, `team-repository`) are subsets of it. */
export function repository(api: string, org: Org, repo: Repo, role?: RepoRole) {
  const fullName = `${org.login}/${repo.name}`;
  const r = `${api}/repos/${fullName}`;
  const web = `${webRoot(api)}/${fullName}`;
  const host = new URL(web).host;
  const body = {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: fullName,
    owner: simpleUser(api, org.login, org.id, "Organization"),
    private: repo.visibility !== "public",
    visibility: repo.visibility,
    html_url: web,
    description: null,
    fork: false,
    url: r,
    archive_url: `${r}/{archive_format}{/ref}`,
    assignees_url: `${r}/assignees{/user}`,
    blobs_url: `${r}/git/blobs{/sha}`,
    branches_url: `${r}/branches{/branch}`,
    collaborators_url: `${r}/collaborators{/collaborator}`,
    comments_url: `${r}/comments{/number}`,
    commits_url: `${r}/commits{/sha}`,
    compare_url: `${r}/compare/{base}...{head}`,
    contents_url: `${r}/contents/{+path}`,
    contributors_url: `${r}/contributors`,
    deployments_url: `${r}/deployments`,
    downloads_url: `${r}/downloads`,
    events_url: `${r}/events`,
    forks_url: `${r}/forks`,
    git_commits_url: `${r}/git/commits{/sha}`,
    git_refs_url: `${r}/git/refs{/sha}`,
    git_tags_url: `${r}/git/tags{/sha}`,
    git_url: `git://${host}/${fullName}.git`,
    issue_comment_url: `${r}/issues/comments{/number}`,
    issue_events_url: `${r}/issues/events{/number}`,
    issues_url: `${r}/issues{/number}`,
    keys_url: `${r}/keys{/key_id}`,
    labels_url: `${r}/labels{/name}`,
    languages_url: `${r}/languages`,
    merges_url: `${r}/merges`,
    milestones_url: `${r}/milestones{/number}`,
    notifications_url: `${r}/notifications{?since,all,participating}`,
    pulls_url: `${r}/pulls{/number}`,
    releases_url: `${r}/releases{/id}`,
    ssh_url: `git@${host}:${fullName}.git`,
    stargazers_url: `${r}/stargazers`,
    statuses_url: `${r}/statuses/{sha}`,
    subscribers_url: `${r}/subscribers`,
    subscription_url: `${r}/subscription`,
    tags_url: `${r}/tags`,
    teams_url: `${r}/teams`,
    trees_url: `${r}/git/trees{/sha}`,
    clone_url: `${web}.git`,
    mirror_url: null,
    hooks_url: `${r}/hooks`,
    svn_url: web,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: "main",
    open_issues_count: 0,
    open_issues: 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    pushed_at: repo.createdAt,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    allow_forking: false,
    web_commit_signoff_required: false,
    license: null,
    network_count: 0,
    subscribers_count: 0,
    ...(role ? { permissions: repoPermissions(role), role_name: role } : {}),
  } satisfies Schemas["full-repository"] & Schemas["minimal-repository"];
  return body;
}

/** A team as lists and `parent` show it (`team-simple`; also the part `team-full` shares with it). */
export function teamSimple(api: string, org: Org, team: Team) {
  const t = `${api}/organizations/${org.id}/team/${team.id}`;
  const body = {
    id: team.id,
    node_id: nodeId("Team", team.id),
    url: t,
    members_url: `${t}/members{/member}`,
    name: team.name,
    description: null,
    permission: "pull",
    privacy: "closed" as const,
    notification_setting: "notifications_enabled" as const,
    html_url: `${webRoot(api)}/orgs/${org.login}/teams/${team.slug}`,
    repositories_url: `${t}/repos`,
    slug: team.slug,
    type: "organization" as const,
    organization_id: org.id,
  } satisfies Schemas["team-simple"] & Partial<Schemas["team-full"]>;
  return body;
}

/** The organization in short (`organization-simple`), as a membership and a team show it. */
function organizationSimple(api: string, org: Org): Schemas["organization-simple"] {
  const o = `${api}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: nodeId("Organization", org.id),
    url: o,
    repos_url: `${o}/repos`,
    events_url: `${o}/events`,
    hooks_url: `${o}/hooks`,
    issues_url: `${o}/issues`,
    members_url: `${o}/members{/member}`,
    public_members_url: `${o}/public_members{/member}`,
    avatar_url: `${webRoot(api)}/avatars/u/${org.id}`,
    description: null,
  };
}

/** GET /user/memberships/orgs/{org} (`org-membership`): the caller's own membership of the organization. */
export function orgMembership(api: string, org: Org, user: User): Schemas["org-membership"] {
  const o = `${api}/orgs/${org.login}`;
  return {
    url: `${o}/memberships/${user.login}`,
    state: "active",
    role: user.orgRole === "admin" ? "admin" : "member",
    organization_url: o,
    organization: organizationSimple(api, org),
    user: simpleUser(api, user.login, user.id),
    permissions: { can_create_repository: user.orgRole === "admin" },
  };
}

/** The organization as a team shows it (`team-organization`). */
export function teamOrganization(api: string, org: Org, createdAt: string): Schemas["team-organization"] {
  return {
    ...organizationSimple(api, org),
    name: org.name,
    html_url: `${webRoot(api)}/${org.login}`,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    type: "Organization",
    created_at: createdAt,
    updated_at: createdAt,
    archived_at: null,
  };
}

/** GET /orgs/{org}/teams/{team_slug} (`team-full`): `parent` is the parent team, or null at the top. */
export function teamFull(
  api: string,
  org: Org,
  team: Team,
  extra: { parent: Team | undefined; membersCount: number; createdAt: string },
): Schemas["team-full"] {
  return {
    ...teamSimple(api, org, team),
    parent: extra.parent ? teamSimple(api, org, extra.parent) : null,
    members_count: extra.membersCount,
    repos_count: team.repos.size,
    created_at: extra.createdAt,
    updated_at: extra.createdAt,
    organization: teamOrganization(api, org, extra.createdAt),
  };
}

export function runnerGroup(api: string, org: Org, group: RunnerGroup): Schemas["runner-groups-org"] {
  const g = `${api}/orgs/${org.login}/actions/runner-groups/${group.id}`;
  return {
    id: group.id,
    name: group.name,
    visibility: group.visibility,
    default: group.isDefault,
    ...(group.visibility === "selected" ? { selected_repositories_url: `${g}/repositories` } : {}),
    runners_url: `${g}/runners`,
    hosted_runners_url: `${g}/hosted-runners`,
    inherited: group.inherited,
    allows_public_repositories: group.allowsPublicRepositories,
    restricted_to_workflows: group.restrictedToWorkflows,
    selected_workflows: group.selectedWorkflows,
    workflow_restrictions_read_only: false,
  };
}

export function runner(r: Runner): Schemas["runner"] {
  return {
    id: r.id,
    runner_group_id: r.groupId,
    name: r.name,
    os: r.os,
    status: r.status,
    busy: r.busy,
    ephemeral: r.ephemeral,
    ...(r.version !== undefined && { version: r.version }),
    labels: runnerLabels(r.labels).labels,
  };
}

/** The labels answer of every runner-label operation (`actions_runner_labels`, `actions_runner_labels_readonly`). */
export function runnerLabels(labels: readonly RunnerLabel[]): { total_count: number; labels: Array<Schemas["runner-label"]> } {
  return { total_count: labels.length, labels: labels.map((l) => ({ id: l.id, name: l.name, type: l.type })) };
}

/** What the installation may do: what this product's App needs, and what GitHub would report for it. */
export const APP_PERMISSIONS = {
  administration: "write",
  members: "read",
  metadata: "read",
  organization_self_hosted_runners: "write",
} as const satisfies Schemas["app-permissions"];

export function integration(api: string, org: Org, app: AppInfo): Schemas["integration"] {
  return {
    id: app.id,
    slug: app.slug,
    client_id: app.clientId,
    node_id: nodeId("Integration", app.id),
    owner: simpleUser(api, org.login, org.id, "Organization"),
    name: app.name,
    description: "Lets team maintainers manage their own self-hosted runner group",
    external_url: `${webRoot(api)}/${org.login}`,
    html_url: `${webRoot(api)}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: APP_PERMISSIONS,
    events: [],
    installations_count: 1,
  };
}

/** `suspendedBy`: the id of the owner who suspended it, when app.suspended says so */
export function installation(api: string, org: Org, app: AppInfo, suspendedBy?: number): Schemas["installation"] {
  return {
    id: app.installationId,
    account: simpleUser(api, org.login, org.id, "Organization"),
    repository_selection: "all",
    access_tokens_url: `${api}/app/installations/${app.installationId}/access_tokens`,
    repositories_url: `${api}/installation/repositories`,
    html_url: `${webRoot(api)}/organizations/${org.login}/settings/installations/${app.installationId}`,
    app_id: app.id,
    client_id: app.clientId,
    target_id: org.id,
    target_type: "Organization",
    permissions: app.installationPermissions,
    events: [],
    created_at: app.createdAt,
    updated_at: app.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    app_slug: app.slug,
    suspended_by: app.suspended ? simpleUser(api, app.suspended.by, suspendedBy ?? 1) : null,
    suspended_at: app.suspended?.at ?? null,
    contact_email: null,
  };
}
