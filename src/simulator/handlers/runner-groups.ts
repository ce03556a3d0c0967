import { repository, runner, runnerGroup } from "../bodies.js";
import { errorResponse, json, noContent, notFound, paginate, validationFailed, type SimResponse } from "../http.js";
import type { Ctx, RouteDef } from "../route-table.js";
import { DEFAULT_GROUP_ID, groupByName, type RunnerGroup } from "../state.js";
import { byId, findGroup, intParam, orgMismatch } from "./common.js";

const VISIBILITY = { enum: ["selected", "all", "private"] } as const;

/** Runs `then` with the group named by the path, or answers 404 as GitHub does for a group it does not have. */
function withGroup(ctx: Ctx, then: (group: RunnerGroup) => SimResponse): SimResponse {
  const group = findGroup(ctx);
  return orgMismatch(ctx) ?? (group ? then(group) : notFound());
}

function duplicateName(ctx: Ctx, name: string, except?: number): SimResponse | undefined {
  const existing = groupByName(ctx.state, name);
  return existing && existing.id !== except
    ? errorResponse(409, `Already exists - A runner group with the name ${name} already exists.`)
    : undefined;
}

/** Every id must name a repository of the organization; GitHub refuses the whole request otherwise. */
function unknownRepositories(ctx: Ctx, ids: number[]): SimResponse | undefined {
  const missing = ids.filter((id) => !ctx.state.repos.has(id));
  return missing.length > 0
    ? validationFailed(
        missing.map((id) => ({
          resource: "Repository",
          field: "selected_repository_ids",
          code: "invalid",
          message: `Repository ${id} not found`,
        })),
      )
    : undefined;
}

function unknownRunners(ctx: Ctx, ids: number[]): SimResponse | undefined {
  const missing = ids.filter((id) => !ctx.state.runners.has(id));
  return missing.length > 0
    ? validationFailed(missing.map((id) => ({ resource: "Runner", field: "runners", code: "invalid", message: `Runner ${id} not found` })))
    : undefined;
}

export const runnerGroupRoutes: RouteDef[] = [
  {
    route: "GET /orgs/{org}/actions/runner-groups",
    auth: "org-admin",
    handler: (ctx) => {
      const mismatch = orgMismatch(ctx);
      if (mismatch) return mismatch;
      let groups = [...ctx.state.runnerGroups.values()].sort(byId);
      const visibleTo = ctx.req.query.get("visible_to_repository");
      if (visibleTo !== null) {
        const repo = [...ctx.state.repos.values()].find((r) => r.name.toLowerCase() === visibleTo.toLowerCase());
        groups = repo
          ? groups.filter(
              (g) =>
                (repo.visibility !== "public" || g.allowsPublicRepositories) &&
                (g.visibility === "all" || (g.visibility === "private" && repo.visibility !== "public") || g.repositoryIds.has(repo.id)),
            )
          : [];
      }
      const page = paginate(ctx.req, groups);
      return {
        status: 200,
        headers: page.headers,
        body: { total_count: groups.length, runner_groups: page.items.map((g) => runnerGroup(ctx.req.apiRoot, ctx.state.org, g)) },
      };
    },
  },
  {
    route: "POST /orgs/{org}/actions/runner-groups",
    auth: "org-admin",
    body: {
      required: ["name"],
      fields: {
        name: "string",
        visibility: VISIBILITY,
        selected_repository_ids: "integer[]",
        runners: "integer[]",
        allows_public_repositories: "boolean",
        restricted_to_workflows: "boolean",
        selected_workflows: "string[]",
        network_configuration_id: "string",
      },
    },
    handler: (ctx) => {
      const { body, state } = ctx;
      const name = (body.name as string).trim();
      const repoIds = (body.selected_repository_ids as number[] | undefined) ?? [];
      const runnerIds = (body.runners as number[] | undefined) ?? [];
      const problem =
        orgMismatch(ctx) ??
        (name === "" ? validationFailed([{ resource: "RunnerGroup", field: "name", code: "missing_field" }]) : undefined) ??
        duplicateName(ctx, name) ??
        unknownRepositories(ctx, repoIds) ??
        unknownRunners(ctx, runnerIds);
      if (problem) return problem;
      const group: RunnerGroup = {
        id: state.nextId.runnerGroup++,
        name,
        visibility: (body.visibility as RunnerGroup["visibility"] | undefined) ?? "all",
        isDefault: false,
        inherited: false,
        allowsPublicRepositories: (body.allows_public_repositories as boolean | undefined) ?? false,
        restrictedToWorkflows: (body.restricted_to_workflows as boolean | undefined) ?? false,
        selectedWorkflows: (body.selected_workflows as string[] | undefined) ?? [],
        repositoryIds: new Set(repoIds),
      };
      state.runnerGroups.set(group.id, group);
      for (const id of runnerIds) state.runners.get(id)!.groupId = group.id;
      return json(201, runnerGroup(ctx.req.apiRoot, state.org, group));
    },
  },
  {
    route: "GET /orgs/{org}/actions/runner-groups/{runner_group_id}",
    auth: "org-admin",
    handler: (ctx) => withGroup(ctx, (group) => json(200, runnerGroup(ctx.req.apiRoot, ctx.state.org, group))),
  },
  {
    route: "PATCH /orgs/{org}/actions/runner-groups/{runner_group_id}",
    auth: "org-admin",
    body: {
      required: ["name"],
      fields: {
        name: "string",
        visibility: VISIBILITY,
        allows_public_repositories: "boolean",
        restricted_to_workflows: "boolean",
        selected_workflows: "string[]",
        network_configuration_id: "string",
      },
    },
    handler: (ctx) =>
      withGroup(ctx, (group) => {
        const { body } = ctx;
        const name = (body.name as string).trim();
        if (name === "") return validationFailed([{ resource: "RunnerGroup", field: "name", code: "missing_field" }]);
        if (group.isDefault && name.toLowerCase() !== group.name.toLowerCase()) {
          return validationFailed([
            { resource: "RunnerGroup", field: "name", code: "invalid", message: "The default runner group cannot be renamed." },
          ]);
        }
        const duplicate = duplicateName(ctx, name, group.id);
        if (duplicate) return duplicate;
        group.name = name;
        if (body.visibility !== undefined) group.visibility = body.visibility as RunnerGroup["visibility"];
        if (body.allows_public_repositories !== undefined) group.allowsPublicRepositories = body.allows_public_repositories as boolean;
        if (body.restricted_to_workflows !== undefined) group.restrictedToWorkflows = body.restricted_to_workflows as boolean;
        if (body.selected_workflows !== undefined) group.selectedWorkflows = body.selected_workflows as string[];
        return json(200, runnerGroup(ctx.req.apiRoot, ctx.state.org, group));
      }),
  },
  {
    route: "DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}",
    auth: "org-admin",
    handler: (ctx) =>
      withGroup(ctx, (group) => {
        if (group.isDefault) {
          return validationFailed([
            { resource: "RunnerGroup", field: "id", code: "invalid", message: "The default runner group cannot be deleted." },
          ]);
        }
        // As on GitHub: the runners of a deleted group fall back to the Default group.
        for (const r of ctx.state.runners.values()) if (r.groupId === group.id) r.groupId = DEFAULT_GROUP_ID;
        ctx.state.runnerGroups.delete(group.id);
        return noContent();
      }),
  },
  {
    route: "GET /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories",
    auth: "org-admin",
    handler: (ctx) =>
      withGroup(ctx, (group) => {
        const repos = [...group.repositoryIds]
          .map((id) => ctx.state.repos.get(id)!)
          .filter(Boolean)
          .sort(byId);
        const page = paginate(ctx.req, repos);
        return {
          status: 200,
          headers: page.headers,
          body: { total_count: repos.length, repositories: page.items.map((r) => repository(ctx.req.apiRoot, ctx.state.org, r)) },
        };
      }),
  },
  {
    route: "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories",
    auth: "org-admin",
    body: { required: ["selected_repository_ids"], fields: { selected_repository_ids: "integer[]" } },
    handler: (ctx) =>
      withGroup(ctx, (group) => {
        const ids = ctx.body.selected_repository_ids as number[];
        const problem = unknownRepositories(ctx, ids);
        if (problem) return problem;
        group.repositoryIds = new Set(ids);
        return noContent();
      }),
  },
  {
    route: "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}",
    auth: "org-admin",
    handler: (ctx) =>
      withGroup(ctx, (group) => {
        const id = intParam(ctx, "repository_id");
        if (id === undefined || !ctx.state.repos.has(id)) return notFound();
        group.repositoryIds.add(id);
        return noContent();
      }),
  },
  {
    route: "DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}",
    auth: "org-admin",
    handler: (ctx) =>
      withGroup(ctx, (group) => {
        const id = intParam(ctx, "repository_id");
        if (id === undefined || !ctx.state.repos.has(id)) return notFound();
        group.repositoryIds.delete(id);
        return noContent();
      }),
  },
  {
    route: "GET /orgs/{org}/actions/runner-groups/{runner_group_id}/runners",
    auth: "org-admin",
    handler: (ctx) =>
      withGroup(ctx, (group) => {
        const runners = [...ctx.state.runners.values()].filter((r) => r.groupId === group.id).sort(byId);
        const page = paginate(ctx.req, runners);
        return { status: 200, headers: page.headers, body: { total_count: runners.length, runners: page.items.map(runner) } };
      }),
  },
  {
    route: "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/runners",
    auth: "org-admin",
    body: { required: ["runners"], fields: { runners: "integer[]" } },
    handler: (ctx) =>
      withGroup(ctx, (group) => {
        const ids = ctx.body.runners as number[];
        const problem = unknownRunners(ctx, ids);
        if (problem) return problem;
        const wanted = new Set(ids);
        for (const r of ctx.state.runners.values()) {
          if (wanted.has(r.id)) r.groupId = group.id;
          else if (r.groupId === group.id) r.groupId = DEFAULT_GROUP_ID;
        }
        return noContent();
      }),
  },
  {
    route: "PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/runners/{runner_id}",
    auth: "org-admin",
    handler: (ctx) =>
      withGroup(ctx, (group) => {
        const id = intParam(ctx, "runner_id");
        const r = id === undefined ? undefined : ctx.state.runners.get(id);
        if (!r) return notFound();
        r.groupId = group.id;
        return noContent();
      }),
  },
  {
    route: "DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/runners/{runner_id}",
    auth: "org-admin",
    handler: (ctx) =>
      withGroup(ctx, (group) => {
        const id = intParam(ctx, "runner_id");
        const r = id === undefined ? undefined : ctx.state.runners.get(id);
        if (!r || r.groupId !== group.id) return notFound();
        r.groupId = DEFAULT_GROUP_ID;
        return noContent();
      }),
  },
];
