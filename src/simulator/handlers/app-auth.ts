import { randomToken, INSTALLATION_TOKEN_LIFETIME_MS } from "../auth.js";
import { installation, integration } from "../bodies.js";
import { errorResponse, json, notFound } from "../http.js";
import type { Ctx, RouteDef } from "../route-table.js";
import { intParam, orgMismatch } from "./common.js";

/** GitHub writes installation-token expiry without milliseconds: "2016-07-11T22:14:10Z". */
const githubTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

/** The id of the owner who suspended the installation, when there is one. */
const suspenderId = (ctx: Ctx) => {
  const login = ctx.state.app.suspended?.by;
  return login === undefined ? undefined : ctx.state.users.get(login)?.id;
};

export const appAuthRoutes: RouteDef[] = [
  {
    route: "GET /app",
    auth: "app",
    handler: ({ req, state }) => json(200, integration(req.apiRoot, state.org, state.app)),
  },
  {
    route: "GET /app/installations/{installation_id}",
    auth: "app",
    handler: (ctx) =>
      intParam(ctx, "installation_id") === ctx.state.app.installationId
        ? json(200, installation(ctx.req.apiRoot, ctx.state.org, ctx.state.app, suspenderId(ctx)))
        : notFound(),
  },
  {
    route: "GET /orgs/{org}/installation",
    auth: "app",
    handler: (ctx) => orgMismatch(ctx) ?? json(200, installation(ctx.req.apiRoot, ctx.state.org, ctx.state.app, suspenderId(ctx))),
  },
  {
    route: "POST /app/installations/{installation_id}/access_tokens",
    auth: "app",
    body: { fields: { repositories: "string[]", repository_ids: "integer[]" } },
    handler: (ctx) => {
      if (intParam(ctx, "installation_id") !== ctx.state.app.installationId) return notFound();
      // GitHub refuses a token to a suspended installation (as reported in octokit/octokit.rb#1307, google-gemini/gemini-cli#12033)
      if (ctx.state.app.suspended) return errorResponse(403, "This installation has been suspended");
      const token = randomToken("ghs_", 36);
      const expiresAt = new Date(ctx.clock.now().getTime() + INSTALLATION_TOKEN_LIFETIME_MS);
      ctx.state.installationTokens.set(token, { token, expiresAt });
      return json(201, {
        token,
        expires_at: githubTime(expiresAt),
        permissions: ctx.state.app.installationPermissions,
        repository_selection: "all",
      });
    },
  },
];
