import { organizationRefusal } from "../auth.js";
import { orgMembership, privateUser, repository, teamFull } from "../bodies.js";
import { json, noContent, notFound, paginate } from "../http.js";
import type { Ctx, RouteDef } from "../route-table.js";
import { descendantTeams, effectiveMembership, REPO_ROLES, type Repo, type RepoRole } from "../state.js";
import { byId, findRepo, findTeam, orgMismatch } from "./common.js";

/** The strongest role a caller holds on a repository: through the installation (all), org ownership, or active team membership. */
function callerRole(ctx: Ctx, repo: Repo): RepoRole | undefined {
  const { credential, state } = ctx;
  if (credential.kind === "installation") return "admin";
  if (credential.kind !== "user") return undefined;
  if (credential.user.orgRole === "admin") return "admin";
  let best = -1;
  for (const team of state.teams.values()) {
    const membership = team.members.get(credential.user.login.toLowerCase());
    const role = team.repos.get(repo.id);
    if (membership?.state === "active" && role) best = Math.max(best, REPO_ROLES.indexOf(role));
  }
  if (best < 0 && repo.visibility !== "private") best = 0;
  return best < 0 ? undefined : REPO_ROLES[best];
}

export const userAndTeamRoutes: RouteDef[] = [
  {
    route: "GET /user",
    auth: "user",
    handler: ({ req, state, credential }) =>
      credential.kind === "user" ? json(200, privateUser(req.apiRoot, credential.user, state.app.createdAt)) : notFound(),
  },
  {
    // A user token only. 404 when the user is not in the organization ("not affiliated", the operation's
    // description); the organization's token rules (SSO, OAuth app restrictions) answer 403 before that.
    route: "GET /user/memberships/orgs/{org}",
    auth: "user",
    handler: (ctx) => {
      const { credential, state } = ctx;
      if (credential.kind !== "user" || orgMismatch(ctx) || credential.user.orgRole === "none") return notFound();
      return (
        organizationRefusal(state, credential.user, credential.token, ctx.req.apiRoot) ??
        json(200, orgMembership(ctx.req.apiRoot, state.org, credential.user))
      );
    },
  },
  {
    route: "GET /orgs/{org}/teams/{team_slug}",
    auth: "org-member",
    handler: (ctx) => {
      const team = findTeam(ctx);
      if (orgMismatch(ctx) || !team) return notFound();
      const { state } = ctx;
      // "Team members will include the members of child teams": count the people the membership route answers for.
      const logins = new Set([team, ...descendantTeams(state, team)].flatMap((t) => [...t.members.keys()]));
      const membersCount = [...logins].filter((login) => effectiveMembership(state, team, login)?.state === "active").length;
      const parent = team.parent === null ? undefined : state.teams.get(team.parent);
      return json(200, teamFull(ctx.req.apiRoot, state.org, team, { parent, membersCount, createdAt: state.app.createdAt }));
    },
  },
  {
    route: "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
    auth: "org-member",
    handler: (ctx) => {
      const team = findTeam(ctx);
      const username = (ctx.params.username ?? "").toLowerCase();
      const membership = team && effectiveMembership(ctx.state, team, username);
      if (orgMismatch(ctx) || !team || !membership) return notFound();
      return json(200, {
        url: `${ctx.req.apiRoot}/organizations/${ctx.state.org.id}/team/${team.id}/memberships/${ctx.state.users.get(username)!.login}`,
        role: membership.role,
        state: membership.state,
      });
    },
  },
  {
    route: "GET /orgs/{org}/teams/{team_slug}/repos",
    auth: "org-member",
    handler: (ctx) => {
      const team = findTeam(ctx);
      if (orgMismatch(ctx) || !team) return notFound();
      const repos = [...team.repos.entries()]
        .map(([id, role]) => ({ repo: ctx.state.repos.get(id)!, role }))
        .sort((a, b) => byId(a.repo, b.repo));
      const page = paginate(ctx.req, repos);
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map(({ repo, role }) => repository(ctx.req.apiRoot, ctx.state.org, repo, role)),
      };
    },
  },
  {
    route: "GET /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}",
    auth: "org-member",
    handler: (ctx) => {
      const team = findTeam(ctx);
      const repo = findRepo(ctx);
      const owner = (ctx.params.owner ?? "").toLowerCase();
      const role = team && repo ? team.repos.get(repo.id) : undefined;
      if (orgMismatch(ctx) || owner !== ctx.state.org.login.toLowerCase() || !role || !repo) return notFound();
      // GitHub answers the repository with the team's permissions only when asked for this media type; else 204.
      if ((ctx.req.headers.accept ?? "").includes("application/vnd.github.v3.repository+json")) {
        return json(200, repository(ctx.req.apiRoot, ctx.state.org, repo, role));
      }
      return noContent();
    },
  },
  {
    route: "GET /repos/{owner}/{repo}",
    auth: "org-member",
    handler: (ctx) => {
      const repo = findRepo(ctx);
      const role = repo ? callerRole(ctx, repo) : undefined;
      if (orgMismatch(ctx) || !repo || !role) return notFound();
      const body = repository(ctx.req.apiRoot, ctx.state.org, repo, ctx.credential.kind === "user" ? role : undefined);
      return json(200, body);
    },
  },
];
