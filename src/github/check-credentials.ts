/**
 * The App's credentials (config appID, installationID, privateKey), checked against GitHub the way an
 * operator would by hand, each step naming the key it proves:
 *   1. GET /app with the App's JWT: GitHub takes the JWT (appID and privateKey belong together);
 *   2. GET /app/installations/{installation_id}: installationID is an installation of that App, on the
 *      configured organization, not suspended;
 *   3. an installation token is minted (the one every organization call is made with);
 *   4. the installation's permissions cover the calls in ./github-calls.ts.
 * Used by `serve --check-config` and, once, by the server at start-up (src/service.ts).
 *
 * GitHub answers a JWT whose `iss` names another App exactly as one signed with a key the App does not
 * have: 401 "A JSON web token could not be decoded" (octokit/auth-app.js#375; actions/create-github-app-token#153).
 * So a refused JWT names appID and privateKey both, with the key's fingerprint to compare with the App's
 * settings page, which lists its keys by that fingerprint.
 */
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import type { Octokit } from "@octokit/rest";
import type { AppFacts, CredentialCheck, CredentialKey, GitHubServer, InstallationFacts, MissingPermission } from "./ports.js";
import { isRateLimit, isRequestError, isTimeout, type RequestError } from "./to-app-error.js";

/**
 * The installation permissions the service's calls need (./github-calls.ts), in GitHub's names. Every App has
 * `metadata: read`; it is listed because the team's repositories are read with it.
 */
export const NEEDED_PERMISSIONS: ReadonlyArray<{ permission: string; needed: "read" | "write"; why: string }> = [
  {
    permission: "organization_self_hosted_runners",
    needed: "write",
    why: "runner groups, their repositories and runners, registration tokens and just-in-time runners",
  },
  { permission: "members", needed: "read", why: "teams, their maintainers and parent teams" },
  { permission: "metadata", needed: "read", why: "the repositories a team may attach" },
];

const LEVEL: Readonly<Record<string, number>> = { read: 1, write: 2, admin: 3 };

export interface CredentialCheckDeps {
  /** an Octokit authenticated as the App (its JWT), under the call policy */
  appOctokit: Pick<Octokit, "request">;
  /** mints (or takes from the cache) the installation token */
  installationToken: () => Promise<unknown>;
  server: Pick<GitHubServer, "enterpriseVersion">;
  org: string;
  appId: number;
  installationId: number;
  privateKeyPem: string;
}

/** The fingerprint GitHub shows beside each of an App's private keys: SHA-256 of the public key (DER), base64. */
export function keyFingerprint(privateKeyPem: string): string {
  const der = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: "spki", format: "der" });
  return `SHA256:${createHash("sha256").update(der).digest("base64")}`;
}

/** GitHub's own message of a refusal ("A JSON web token could not be decoded"), one short line. */
function githubMessage(error: RequestError): string {
  const data = error.response?.data as { message?: unknown } | undefined;
  const text = typeof data?.message === "string" ? data.message : error.message;
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** The deepest cause's code or message: "ECONNREFUSED", "certificate has expired". */
function rootCause(error: unknown): string {
  let cause: unknown = error;
  for (let depth = 0; depth < 8 && cause instanceof Error && cause.cause !== undefined; depth++) cause = cause.cause;
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : cause instanceof Error ? cause.message : String(cause);
}

class Refused extends Error {
  constructor(
    readonly keys: CredentialKey[],
    message: string,
  ) {
    super(message);
  }
}

/** GitHub could not be asked: no connection, our timeout, 5xx, a rate limit. */
class Unavailable extends Error {
  constructor(
    readonly answered: boolean,
    message: string,
  ) {
    super(message);
  }
}

/** The Unavailable that `error` is, or undefined for an answer about the credentials. */
function unavailability(error: unknown, doing: string): Unavailable | undefined {
  if (isTimeout(error)) return new Unavailable(false, `GitHub did not answer in time ${doing}`);
  if (!isRequestError(error)) return undefined;
  if (!error.response) return new Unavailable(false, `GitHub could not be reached ${doing} (${rootCause(error)})`);
  if (isRateLimit(error)) return new Unavailable(true, `GitHub's rate limit stopped the check ${doing}: try again later`);
  if (error.status >= 500) return new Unavailable(true, `GitHub answered ${error.status} ${doing}: try again later`);
  return undefined;
}

export async function checkCredentials(deps: CredentialCheckDeps): Promise<CredentialCheck> {
  let app: AppFacts | undefined;
  const step = async <T>(doing: string, work: () => Promise<T>, refusal: (error: RequestError) => Refused): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      const unavailable = unavailability(error, doing);
      if (unavailable) throw unavailable;
      if (isRequestError(error)) throw refusal(error);
      throw error;
    }
  };

  try {
    const { data: appData } = await step(
      "asking for the App (GET /app)",
      () => deps.appOctokit.request("GET /app"),
      (error) => jwtRefusal(error, deps),
    );
    if (!appData) throw new Refused(["appID"], `GitHub answered GET /app without an App for appID ${deps.appId}`);
    const owner = appData.owner as { login?: unknown; slug?: unknown } | null;
    app = {
      id: appData.id,
      slug: appData.slug ?? String(appData.id),
      name: appData.name,
      owner: typeof owner?.login === "string" ? owner.login : typeof owner?.slug === "string" ? owner.slug : undefined,
    };
    const facts: AppFacts = app;

    const { data } = await step(
      `asking for installation ${deps.installationId} (GET /app/installations/{installation_id})`,
      () => deps.appOctokit.request("GET /app/installations/{installation_id}", { installation_id: deps.installationId }),
      (error) =>
        error.status === 404
          ? new Refused(
              ["installationID"],
              `installationID is wrong: App ${facts.slug} (${facts.id}) has no installation ${deps.installationId} (GitHub: ` +
                `${githubMessage(error)}). Install the App on organization ${deps.org}; the installation ID is the number ` +
                "at the end of the installation's settings URL (…/settings/installations/12345678)",
            )
          : new Refused([], `GitHub refused to show installation ${deps.installationId}: ${error.status} ${githubMessage(error)}`),
    );
    const account = data.account as { login?: unknown; slug?: unknown } | null;
    const installation: InstallationFacts = {
      id: data.id,
      account: typeof account?.login === "string" ? account.login : typeof account?.slug === "string" ? account.slug : "(unknown)",
      accountType: data.target_type,
      permissions: Object.fromEntries(
        Object.entries(data.permissions as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === "string"),
      ),
      repositorySelection: data.repository_selection,
    };
    if (installation.accountType !== "Organization" || installation.account.toLowerCase() !== deps.org.toLowerCase()) {
      throw new Refused(
        ["installationID"],
        `installationID is wrong: installation ${installation.id} of App ${facts.slug} is on ${installation.accountType.toLowerCase()} ` +
          `${installation.account}, not on organization ${deps.org} (the configuration's org). Use the ID of the App's ` +
          `installation on ${deps.org}, or correct org`,
      );
    }
    if (data.suspended_at) {
      throw new Refused(
        [],
        `installation ${installation.id} of App ${facts.slug} on ${installation.account} is suspended (since ${data.suspended_at}): ` +
          `an owner of ${installation.account} can unsuspend it (organization settings → GitHub Apps → Configure)`,
      );
    }

    await step(
      `minting an installation token (POST /app/installations/{installation_id}/access_tokens)`,
      deps.installationToken,
      (error) =>
        new Refused(
          [],
          `GitHub refused an installation token for installation ${installation.id} on ${installation.account}: ` +
            `${error.status} ${githubMessage(error)}`,
        ),
    );

    return {
      outcome: "ok",
      app: facts,
      installation,
      enterpriseVersion: deps.server.enterpriseVersion(),
      missingPermissions: missingPermissions(installation.permissions),
    };
  } catch (error) {
    if (error instanceof Refused) {
      return {
        outcome: "refused",
        keys: error.keys,
        problem: error.message,
        ...(app && { app }),
        enterpriseVersion: deps.server.enterpriseVersion(),
      };
    }
    if (error instanceof Unavailable) return { outcome: "unavailable", answered: error.answered, problem: error.message };
    throw error;
  }
}

/** GitHub's refusal of the App's JWT (GET /app), in the configuration's words. */
function jwtRefusal(error: RequestError, deps: CredentialCheckDeps): Refused {
  const said = githubMessage(error);
  if (error.status === 401 && /'(Issued at|Expiration time)' claim/.test(said)) {
    return new Refused(
      [],
      `GitHub refused the App's JSON web token for its times (GitHub: ${said}): this machine's clock is more than a minute ` +
        "off GitHub's; set it right (NTP)",
    );
  }
  if (error.status === 401) {
    return new Refused(
      ["appID", "privateKey"],
      `appID or privateKey is wrong: GitHub refused the JSON web token signed with privateKey for App ID ${deps.appId} ` +
        `(GitHub: ${said}). Either appID is not the App's ID (the App's settings → General → App ID), or privateKey is not ` +
        `one of that App's keys (its fingerprint is ${keyFingerprint(deps.privateKeyPem)}; the App's settings list each ` +
        "key's fingerprint under Private keys, and a deleted key is refused)",
    );
  }
  if (error.status === 404) {
    return new Refused(
      ["appID"],
      `appID is wrong: GitHub has no App ${deps.appId} (GitHub: ${said}); the App's ID is on its settings page → General → App ID`,
    );
  }
  return new Refused(["appID", "privateKey"], `GitHub refused GET /app for App ID ${deps.appId}: ${error.status} ${said}`);
}

function missingPermissions(granted: Record<string, string>): MissingPermission[] {
  return NEEDED_PERMISSIONS.filter(({ permission, needed }) => (LEVEL[granted[permission] ?? ""] ?? 0) < (LEVEL[needed] ?? 0)).map(
    ({ permission, needed, why }) => ({ permission, needed, granted: granted[permission], why }),
  );
}
