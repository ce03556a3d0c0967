/**
 * Builds the GitHub clients: one Octokit class with our base URL, fetch, API version and call policy
 * (./call-policy.ts: deadlines, retries, rate limits, counting), handed to @octokit/app for the
 * installation; a light client of the same class per caller for GET /user.
 * The only place (with its siblings in src/github/) that imports @octokit/*.
 */
import { App } from "@octokit/app";
import { Octokit } from "@octokit/rest";
import { AppError } from "../domain/errors.js";
import { systemClock, type Clock } from "../clock.js";
import type { RequestDeadlines } from "../request-deadline.js";
import type { RequestMeters } from "../request-meter.js";
import { createCallPolicy, type CallPolicy, type GitHubCallListener, type GitHubLog } from "./call-policy.js";
import { checkCredentials } from "./check-credentials.js";
import { createBudgetWatch, type BudgetReserve } from "./github-budget.js";
import { orgGitHub } from "./org-github.js";
import type { Caller, GitHub } from "./ports.js";
import { createServerVersion, type ServerVersionLog } from "./server-version.js";
import { gitHubAnswer, isRateLimit, isRequestError, toAppError, type RequestError } from "./to-app-error.js";

export type { GitHubCallListener, GitHubLog } from "./call-policy.js";

export interface GitHubOptions {
  org: string;
  appId: number;
  installationId: number;
  privateKeyPem: string;
  /** https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server */
  baseUrl: string;
  /** globalThis.fetch in production; the simulator's fetch in tests */
  fetch?: typeof globalThis.fetch;
  /** info: the GitHub Enterprise Server release, when first seen and when it changes */
  log: GitHubLog & ServerVersionLog;
  /** the deadline of the caller request being served, which every GitHub call made for it shares (config github.timeoutSeconds) */
  deadlines: RequestDeadlines;
  /** abort one GitHub call after this long, its retries included (config github.callTimeoutSeconds) */
  timeoutMs: number;
  /** retries of a failed call that is safe to repeat (5xx, dropped connection) (config github.retries) */
  retries: number;
  /** the shortest back-off before the first retry; it doubles with each retry, with jitter */
  retryBaseMs?: number;
  /** a rate-limited call is retried once when GitHub asks us to wait at most this long */
  maxRetryAfterSeconds?: number;
  /** how long one second of GitHub's `retry-after` is waited: 1000; tests shrink it to stay fast */
  retryAfterUnitMs?: number;
  /** every GitHub call once it ends (metrics) */
  onGitHubCall?: GitHubCallListener;
  /**
   * config auth.requireOrgAccess: whoAmI also proves, with the caller's token, that the organization accepts
   * that token and counts its owner as an active member (GET /user/memberships/orgs/{org})
   */
  requireOrgAccess?: boolean;
  /** every call sent is charged to the caller request being served (the refusal budget) */
  meters?: RequestMeters;
  /** below this much of the installation's budget, only known maintainers spend it (config server.githubBudget.reserve) */
  reserve?: BudgetReserve;
  /** "now" for GitHub's reset times; the system's unless a test moves time by hand */
  clock?: Clock;
}

/** The REST API version we are written against. GitHub's 2026-03-10 version has breaking changes. */
const API_VERSION = "2022-11-28";

export function createGitHub(options: GitHubOptions): GitHub {
  const serverVersion = createServerVersion(options.log);
  const budget = createBudgetWatch({ clock: options.clock ?? systemClock, reserve: options.reserve ?? { percent: 10 } });
  const policy = createCallPolicy({
    fetch: options.fetch ?? globalThis.fetch,
    deadlines: options.deadlines,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    retryBaseMs: options.retryBaseMs ?? 500,
    maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? 5,
    retryAfterUnitMs: options.retryAfterUnitMs ?? 1000,
    log: options.log,
    onGitHubCall: options.onGitHubCall,
    meters: options.meters,
    budget,
    clock: options.clock,
  });
  const GitHubOctokit = octokitClass(policy, options, serverVersion.plugin);
  const app = githubApp(GitHubOctokit, options);
  const installation = installationClient(app, policy, options);
  return {
    app: {
      checkCredentials: () =>
        checkCredentials({
          appOctokit: app.octokit,
          // the client the organization calls use: the token minted here is the one they start with
          installationToken: async () => (await installation()).auth({ type: "installation" }),
          server: serverVersion.server,
          org: options.org,
          appId: options.appId,
          installationId: options.installationId,
          privateKeyPem: options.privateKeyPem,
        }),
    },
    org: orgGitHub(installation, options.org),
    // A client per caller costs only its construction: the policy keeps no state per client.
    user: {
      whoAmI: async (token) => {
        const octokit = new GitHubOctokit({ auth: token });
        const caller = await whoAmI(octokit);
        if (options.requireOrgAccess) await requireOrgAccess(octokit, options.org, caller);
        return caller;
      },
    },
    server: serverVersion.server,
    budget,
  };
}

type GitHubOctokit = ReturnType<typeof octokitClass>;

/** The App, its JWT calls (app.octokit) and its installation clients made with our Octokit class. */
const githubApp = (GitHubOctokit: GitHubOctokit, options: Pick<GitHubOptions, "appId" | "privateKeyPem">) =>
  new App({ appId: options.appId, privateKey: options.privateKeyPem, Octokit: GitHubOctokit });
type GitHubApp = ReturnType<typeof githubApp>;

/**
 * Octokit with every call under the call policy, every answer read for the server's release
 * (server-version.ts), and everything a call needs as defaults.
 */
function octokitClass(
  policy: CallPolicy,
  options: Pick<GitHubOptions, "log" | "baseUrl">,
  serverVersionPlugin: ReturnType<typeof createServerVersion>["plugin"],
) {
  const log = octokitLog(options.log);
  return Octokit.plugin(policy.plugin, serverVersionPlugin).defaults({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    userAgent: "actions-runner-manager",
    headers: { "x-github-api-version": API_VERSION },
    log,
    request: { fetch: policy.fetch, log },
  });
}

/**
 * Octokit's own messages (deprecations, @octokit/auth-app's retries) go through our redacting logger,
 * not to the console. @octokit/rest's request-log plugin writes every call at debug/info (its debug
 * line carries the request options, headers included) and every failed call at error: the policy's
 * own call line replaces those, so they are dropped or kept at debug; warnings stay warnings.
 */
function octokitLog(log: GitHubLog) {
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string, detail?: unknown) => log.warn(`Octokit: ${message}`, detail === undefined ? {} : { detail }),
    error: (message: string) => log.debug(`Octokit: ${message}`),
  };
}

/**
 * One installation client for the process: @octokit/auth-app mints its token, caches it, and mints
 * another before it expires. A failure to build it is not kept: the next call tries again.
 */
function installationClient(app: GitHubApp, policy: CallPolicy, options: GitHubOptions): () => Promise<Octokit> {
  let installation: Promise<Octokit> | undefined;
  return () => {
    installation ??= app.getInstallationOctokit(options.installationId).then((o) => {
      // the installation's answers report the App's budget in the organization: only this client is watched
      policy.watchBudget(o);
      return o;
    });
    installation.catch(() => {
      installation = undefined;
    });
    return installation;
  };
}

/** The caller's own token, asked whose it is. */
async function whoAmI(octokit: Octokit): Promise<Caller> {
  try {
    const { data } = await octokit.request("GET /user");
    return { login: data.login, id: Number(data.id) };
  } catch (error) {
    if (isRequestError(error) && (error.status === 401 || error.status === 403) && !isRateLimit(error)) {
      // 401: unknown, expired or revoked; 403: a token that may not read its own user (e.g. an installation token)
      throw new AppError("UNAUTHENTICATED", "GitHub did not accept the token in the Authorization header", { cause: error });
    }
    throw toAppError(error, "identifying the caller");
  }
}

/**
 * The caller's own token, asked for its owner's membership of the organization. GitHub applies the
 * organization's rules to a token on its resources, and this is the lightest call that both meets them
 * and proves membership: one GET, no body to page through, and documented to answer 404 to someone
 * "not affiliated with the organization" and 403 to a blocked app (operation
 * orgs/get-membership-for-authenticated-user). The README's "Security" section lists which tokens pass.
 */
async function requireOrgAccess(octokit: Octokit, org: string, caller: Caller): Promise<void> {
  let state: string;
  try {
    ({
      data: { state },
    } = await octokit.request("GET /user/memberships/orgs/{org}", { org }));
  } catch (error) {
    throw orgAccessRefusal(error, org, caller);
  }
  if (state !== "active") {
    throw new AppError(
      "ORG_ACCESS_DENIED",
      `${caller.login} is invited to organization ${org} but has not accepted the invitation yet: accept it, then try again`,
    );
  }
}

/** GitHub's refusal of the caller's token by the organization, said so that the caller knows what to fix. */
function orgAccessRefusal(error: unknown, org: string, caller: Caller): Error {
  if (!isRequestError(error) || !error.response || isRateLimit(error) || error.status >= 500) {
    return toAppError(error, "checking that the organization accepts the caller's token");
  }
  if (error.status === 401) {
    return new AppError("UNAUTHENTICATED", "GitHub did not accept the token in the Authorization header", { cause: error });
  }
  if (error.status === 404) {
    return new AppError(
      "ORG_ACCESS_DENIED",
      `GitHub shows this token no membership of organization ${org}: either ${caller.login} is not a member of it, or the ` +
        "token may not read organization membership (a personal access token (classic) or an OAuth app's token needs the " +
        `read:org scope; a fine-grained personal access token must have ${org} as its resource owner)`,
      { cause: error },
    );
  }
  if (error.status === 403) {
    const sso = ssoUrl(error);
    if (sso !== undefined) {
      return new AppError(
        "ORG_ACCESS_DENIED",
        `Organization ${org} enforces SAML single sign-on and this token is not authorized for it: authorize the token for ${org} ` +
          (sso === "" ? "(GitHub → Settings → Developer settings → the token → Configure SSO)" : `at ${sso}`) +
          ", then try again",
        { cause: error },
      );
    }
    if (/OAuth App access restrictions/i.test(error.message)) {
      return new AppError(
        "ORG_ACCESS_DENIED",
        `Organization ${org} restricts OAuth app access and has not approved the app that issued this token: ask an ` +
          "organization owner to approve the app, or use a personal access token",
        { cause: error },
      );
    }
    // GitHub's reason (an IP allow list, say) goes to the log: its words are GitHub's, not ours to pass on.
    return new AppError(
      "ORG_ACCESS_DENIED",
      `Organization ${org} refuses this token (GitHub answered 403); the server's log has GitHub's reason`,
      { cause: error, github: gitHubAnswer(error) },
    );
  }
  return toAppError(error, "checking that the organization accepts the caller's token");
}

/**
 * `X-GitHub-SSO: required; url=https://github.com/orgs/ORG/sso?authorization_request=…` (docs.github.com,
 * "Authenticating to the REST API"): the page where the token's owner authorizes it for the organization.
 * "" when GitHub names SSO without a URL; undefined when the answer is not an SSO refusal.
 */
function ssoUrl(error: RequestError): string | undefined {
  const header = error.response?.headers["x-github-sso"];
  if (header === undefined) return /SAML enforcement/i.test(error.message) ? "" : undefined;
  const url = /url=(https?:\/\/\S+?)(?:[;,\s]|$)/.exec(String(header))?.[1];
  return url ?? "";
}
