import { randomToken } from "../auth.js";
import { runner } from "../bodies.js";
import { errorResponse, json, noContent, notFound, paginate, type SimResponse } from "../http.js";
import type { Ctx, RouteDef } from "../route-table.js";
import type { MintedKind, Runner } from "../state.js";
import { byId, intParam, orgMismatch } from "./common.js";

/** Runner registration and removal tokens live one hour and look like GitHub's: 29 upper-case base-32 characters. */
const RUNNER_TOKEN_LIFETIME_MS = 60 * 60 * 1000;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** GitHub writes these with milliseconds and an offset: "2020-01-22T12:13:35.123-08:00". */
const offsetTime = (date: Date) => date.toISOString().replace("Z", "+00:00");

function mint(ctx: Ctx, kind: MintedKind): SimResponse {
  const token = randomToken("", 29, BASE32);
  const expiresAt = new Date(ctx.clock.now().getTime() + RUNNER_TOKEN_LIFETIME_MS);
  ctx.state.mintedTokens.push({ kind, token, expiresAt });
  return json(201, { token, expires_at: offsetTime(expiresAt) });
}

function findRunner(ctx: Ctx): Runner | undefined {
  const id = intParam(ctx, "runner_id");
  return id === undefined ? undefined : ctx.state.runners.get(id);
}

export const runnerRoutes: RouteDef[] = [
  {
    route: "GET /orgs/{org}/actions/runners",
    auth: "org-admin",
    handler: (ctx) => {
      const mismatch = orgMismatch(ctx);
      if (mismatch) return mismatch;
      const name = ctx.req.query.get("name");
      const runners = [...ctx.state.runners.values()].filter((r) => name === null || r.name === name).sort(byId);
      const page = paginate(ctx.req, runners);
      return { status: 200, headers: page.headers, body: { total_count: runners.length, runners: page.items.map(runner) } };
    },
  },
  {
    route: "GET /orgs/{org}/actions/runners/{runner_id}",
    auth: "org-admin",
    handler: (ctx) => {
      const r = findRunner(ctx);
      return orgMismatch(ctx) ?? (r ? json(200, runner(r)) : notFound());
    },
  },
  {
    route: "DELETE /orgs/{org}/actions/runners/{runner_id}",
    auth: "org-admin",
    handler: (ctx) => {
      const mismatch = orgMismatch(ctx);
      if (mismatch) return mismatch;
      const r = findRunner(ctx);
      if (!r) return notFound();
      if (r.busy) return errorResponse(422, `Bad request - Runner "${r.name}" is still running a job`);
      ctx.state.runners.delete(r.id);
      return noContent();
    },
  },
  {
    route: "POST /orgs/{org}/actions/runners/registration-token",
    auth: "org-admin",
    handler: (ctx) => orgMismatch(ctx) ?? mint(ctx, "registration"),
  },
  {
    route: "POST /orgs/{org}/actions/runners/remove-token",
    auth: "org-admin",
    handler: (ctx) => orgMismatch(ctx) ?? mint(ctx, "remove"),
  },
  {
    route: "POST /orgs/{org}/actions/runners/generate-jitconfig",
    auth: "org-admin",
    body: {
      required: ["name", "runner_group_id", "labels"],
      fields: {
        name: "string",
        runner_group_id: "integer",
        labels: { items: "string", minItems: 1, maxItems: 100 },
        work_folder: "string",
      },
    },
    handler: (ctx) => {
      const mismatch = orgMismatch(ctx);
      if (mismatch) return mismatch;
      const { state, body } = ctx;
      const name = body.name as string;
      const labels = body.labels as string[];
      if (!state.runnerGroups.has(body.runner_group_id as number)) return notFound();
      if ([...state.runners.values()].some((r) => r.name.toLowerCase() === name.toLowerCase())) {
        return errorResponse(409, `Already exists - A runner with the name ${name} already exists.`);
      }
      const created: Runner = {
        id: state.nextId.runner++,
        name,
        os: "unknown",
        status: "offline",
        busy: false,
        ephemeral: true,
        groupId: body.runner_group_id as number,
        labels: labels.map((label) => ({ id: state.nextId.label++, name: label, type: "custom" })),
      };
      state.runners.set(created.id, created);
      const jitConfig = {
        ".runner": Buffer.from(
          JSON.stringify({
            agentId: created.id,
            agentName: name,
            poolId: created.groupId,
            workFolder: (body.work_folder as string | undefined) ?? "_work",
          }),
        ).toString("base64"),
        ".credentials": Buffer.from(JSON.stringify({ scheme: "OAuthAccessToken", data: { token: randomToken("", 40) } })).toString(
          "base64",
        ),
      };
      return json(201, { runner: runner(created), encoded_jit_config: Buffer.from(JSON.stringify(jitConfig)).toString("base64") });
    },
  },
];
