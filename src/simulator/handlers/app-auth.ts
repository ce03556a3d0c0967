import { randomToken, INSTALLATION_TOKEN_LIFETIME_MS } from "../auth.js";
import { APP_PERMISSIONS, installation, integration } from "../bodies.js";
import { json, notFound } from "../http.js";
import type { RouteDef } from "../route-table.js";
import { intParam, orgMismatch } from "./common.js";

/** GitHub writes installation-token expiry without milliseconds: "2016-07-11T22:14:10Z". */
const githubTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

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
        ? json(200, installation(ctx.req.apiRoot, ctx.state.org, ctx.state.app))
        : notFound(),
  },
  {
    route: "GET /orgs/{org}/installation",
    auth: "app",
    handler: (ctx) => orgMismatch(ctx) ?? json(200, installation(ctx.req.apiRoot, ctx.state.org, ctx.state.app)),
  },
  {
    route: "POST /app/installations/{installation_id}/access_tokens",
    auth: "app",
    body: { fields: { repositories: "string[]", repository_ids: "integer[]" } },
    handler: (ctx) => {
      if (intParam(ctx, "installation_id") !== ctx.state.app.installationId) return notFound();
      const token = randomToken("ghs_", 36);
      const expiresAt = new Date(ctx.clock.now().getTime() + INSTALLATION_TOKEN_LIFETIME_MS);
      ctx.state.installationTokens.set(token, { token, expiresAt });
      return json(201, {
        token,
        expires_at: githubTime(expiresAt),
        permissions: APP_PERMISSIONS,
        repository_selection: "all",
      });
    },
  },
];
