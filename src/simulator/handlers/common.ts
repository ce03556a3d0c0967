import { notFound, type SimResponse } from "../http.js";
import type { Ctx } from "../route-table.js";
import { repoByName, type Repo, type RunnerGroup, type Team } from "../state.js";

/** GitHub answers 404 for an organization the credential cannot see; the simulator knows one organization. */
export function orgMismatch(ctx: Ctx): SimResponse | undefined {
  const org = ctx.params.org ?? ctx.params.owner;
  return org !== undefined && org.toLowerCase() !== ctx.state.org.login.toLowerCase() ? notFound() : undefined;
}

export function findTeam(ctx: Ctx): Team | undefined {
  return ctx.state.teams.get((ctx.params.team_slug ?? "").toLowerCase());
}

export function findRepo(ctx: Ctx): Repo | undefined {
  return repoByName(ctx.state, ctx.params.repo ?? "");
}

/** A path parameter that GitHub declares as an integer: anything else matches no resource (404). */
export function intParam(ctx: Ctx, name: string): number | undefined {
  const raw = ctx.params[name] ?? "";
  return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

export function findGroup(ctx: Ctx): RunnerGroup | undefined {
  const id = intParam(ctx, "runner_group_id");
  return id === undefined ? undefined : ctx.state.runnerGroups.get(id);
}

export const byId = <T extends { id: number }>(a: T, b: T) => a.id - b.id;
