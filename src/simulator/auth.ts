/**
 * Credentials as GitHub sees them: an App's JWT (RS256, signed with the App's private key), an
 * installation token (`ghs_…`, one hour), or a user's token. Each route accepts some of these; the
 * answers for the others are GitHub's (see undocumented-answers.ts for the evidence).
 */
import { createPublicKey, randomBytes, verify, type KeyObject } from "node:crypto";
import type { Clock } from "../clock.js";
import { webRoot } from "./bodies.js";
import { errorResponse, badCredentials, type SimResponse } from "./http.js";
import type { SimState, User } from "./state.js";

export type Credential =
  | { kind: "anonymous" }
  | { kind: "app"; appId: number }
  | { kind: "installation"; installationId: number; token: string }
  | { kind: "user"; user: User; token: string };

/**
 * Which credentials a route takes:
 * - `app`: the App's JWT only (the /app routes, minting installation tokens);
 * - `user`: a user's token only (GET /user);
 * - `org-member`: the installation, or a user who belongs to the organization (teams, repositories);
 * - `org-admin`: the installation, or an organization owner (Actions runner and runner-group administration).
 */
export type AuthPolicy = "app" | "user" | "org-member" | "org-admin";

/** The JWT rules GitHub enforces: at most 10 minutes between now and `exp`, `iat` not in the future (60 s of clock drift allowed). */
export const JWT_MAX_LIFETIME_SECONDS = 600;
const CLOCK_DRIFT_SECONDS = 60;
export const INSTALLATION_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

const REQUIRES_AUTH = () => errorResponse(401, "Requires authentication");
const JWT_UNDECODABLE = () => errorResponse(401, "A JSON web token could not be decoded");
const NOT_ACCESSIBLE_BY_INTEGRATION = () => errorResponse(403, "Resource not accessible by integration");

/**
 * GitHub's refusal of a member's token that is not authorized for the organization's SAML SSO: 403, this
 * message (naming the kind of token), and `X-GitHub-SSO: required; url=…`, the page where the token's
 * owner authorizes it (docs.github.com, "Authenticating to the REST API" → "Personal access tokens and
 * SAML SSO": "follow the URL in the X-GitHub-SSO header to authorize your token"; the message as reported
 * in e.g. jhu-bids/TermHub#935, mapbox/github-release-tools#28, cli/cli#2661 for OAuth tokens).
 */
export function ssoRefusal(state: SimState, token: string, apiRoot: string): SimResponse {
  const kind = state.tokenGrants.get(token)?.oauthApp === undefined ? "Personal Access token" : "OAuth token";
  const response = errorResponse(
    403,
    `Resource protected by organization SAML enforcement. You must grant your ${kind} access to this organization.`,
    "https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/",
  );
  const request = randomBytes(30).toString("base64url");
  const url = `${webRoot(apiRoot)}/orgs/${state.org.login}/sso?authorization_request=${request}`;
  return { ...response, headers: { "x-github-sso": `required; url=${url}` } };
}

/**
 * GitHub's refusal of a token issued by an OAuth app the organization has not approved while its OAuth app
 * access restrictions are on (as reported in gitbutlerapp/gitbutler#8594 and #5190).
 */
export function oauthAppRefusal(state: SimState): SimResponse {
  return errorResponse(
    403,
    `Although you appear to have the correct authorization credentials, the \`${state.org.login}\` organization has enabled ` +
      "OAuth App access restrictions, meaning that data access to third-parties is limited. For more information on these " +
      "restrictions, including how to enable this app, visit https://docs.github.com/articles/restricting-access-to-your-organization-s-data/",
  );
}

/**
 * The organization's own rules for a user token on its resources: an unapproved OAuth app's token, then a
 * member's token not authorized for SAML SSO. Undefined when the organization accepts the token.
 */
export function organizationRefusal(state: SimState, user: User, token: string, apiRoot: string): SimResponse | undefined {
  const grant = state.tokenGrants.get(token);
  const restrictions = state.org.oauthAppRestrictions;
  if (restrictions && grant?.oauthApp !== undefined && !restrictions.approvedApps.includes(grant.oauthApp)) {
    return oauthAppRefusal(state);
  }
  // SSO guards the organization's members (who have an identity linked to it); others get the usual 404s.
  if (state.org.samlSso && user.orgRole !== "none" && grant?.ssoAuthorized === false) return ssoRefusal(state, token, apiRoot);
  return undefined;
}

/** The token in `Authorization: token X` or `Bearer X`; GitHub takes either scheme for every kind of credential. */
export function tokenFromHeader(header: string | undefined): string | undefined | null {
  if (header === undefined || header.trim() === "") return undefined;
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header.trim());
  return match ? match[1]! : null;
}

const looksLikeJwt = (token: string) => /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/.test(token);

export class Authenticator {
  private readonly publicKey: KeyObject;

  constructor(
    private readonly state: SimState,
    private readonly clock: Clock,
  ) {
    this.publicKey = createPublicKey(state.app.publicKeyPem);
  }

  /** Decides who is calling and whether the route accepts them: a Credential, or GitHub's refusal. */
  /** `apiRoot`: where the request came in, for the SSO authorization URL GitHub hands back */
  authenticate(authorization: string | undefined, policy: AuthPolicy, apiRoot = "https://api.github.com"): Credential | SimResponse {
    const token = tokenFromHeader(authorization);
    if (token === undefined) return REQUIRES_AUTH();
    if (token === null) return badCredentials();

    if (policy === "app") return looksLikeJwt(token) ? this.verifyJwt(token) : JWT_UNDECODABLE();
    if (looksLikeJwt(token)) {
      const app = this.verifyJwt(token);
      return "status" in app ? app : NOT_ACCESSIBLE_BY_INTEGRATION();
    }

    const installationToken = this.state.installationTokens.get(token);
    if (installationToken) {
      if (installationToken.expiresAt.getTime() <= this.clock.now().getTime()) return badCredentials();
      if (policy === "user") return NOT_ACCESSIBLE_BY_INTEGRATION();
      return { kind: "installation", installationId: this.state.app.installationId, token };
    }

    const login = this.state.userTokens.get(token);
    const user = login === undefined ? undefined : this.state.users.get(login);
    if (!user) return badCredentials();
    if (policy === "org-member" && user.orgRole === "none") return errorResponse(404, "Not Found");
    if (policy === "org-member" || policy === "org-admin") {
      const refusal = organizationRefusal(this.state, user, token, apiRoot);
      if (refusal) return refusal;
    }
    if (policy === "org-admin" && user.orgRole !== "admin") {
      return errorResponse(403, "You must be an organization owner to perform this action.");
    }
    return { kind: "user", user, token };
  }

  private verifyJwt(token: string): Credential | SimResponse {
    const [headerPart, payloadPart, signaturePart] = token.split(".") as [string, string, string];
    let header: { alg?: unknown };
    let claims: { iat?: unknown; exp?: unknown; iss?: unknown };
    try {
      header = JSON.parse(Buffer.from(headerPart, "base64url").toString("utf8")) as typeof header;
      claims = JSON.parse(Buffer.from(payloadPart, "base64url").toString("utf8")) as typeof claims;
    } catch {
      return JWT_UNDECODABLE();
    }
    if (header.alg !== "RS256") return JWT_UNDECODABLE();
    const signed = verify(
      "RSA-SHA256",
      Buffer.from(`${headerPart}.${payloadPart}`),
      this.publicKey,
      Buffer.from(signaturePart, "base64url"),
    );
    if (!signed) return JWT_UNDECODABLE();
    // GitHub accepts the App ID (number or numeric string) or the App's client ID as issuer. A JWT naming
    // another App ID is checked against that App's keys, and so refused exactly as a wrong key is: "When
    // privateKey is valid, but appId is not the current ID, then I retrieve the 'A JSON web token could not be
    // decoded'" (octokit/auth-app.js#375; also actions/create-github-app-token#153).
    const iss = claims.iss;
    if (String(iss) !== String(this.state.app.id) && iss !== this.state.app.clientId) {
      const numeric = typeof iss === "number" || (typeof iss === "string" && /^\d+$/.test(iss));
      return numeric ? JWT_UNDECODABLE() : errorResponse(401, "'Issuer' claim ('iss') must be an Integer");
    }
    const now = Math.floor(this.clock.now().getTime() / 1000);
    if (typeof claims.iat !== "number" || !Number.isInteger(claims.iat) || claims.iat > now + CLOCK_DRIFT_SECONDS) {
      return errorResponse(401, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued");
    }
    if (typeof claims.exp !== "number" || claims.exp <= now) {
      return errorResponse(
        401,
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
      );
    }
    if (claims.exp > now + JWT_MAX_LIFETIME_SECONDS + CLOCK_DRIFT_SECONDS) {
      return errorResponse(401, "'Expiration time' claim ('exp') is too far in the future");
    }
    return { kind: "app", appId: this.state.app.id };
  }
}

const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `prefix` + `length` random base-62 characters, the shape of GitHub's tokens (ghs_ + 36). */
export function randomToken(prefix: string, length: number, alphabet = BASE62): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}
