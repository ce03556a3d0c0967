/**
 * `actions-runner-manager serve --check-config`: a deployment step that proves, before anything is served,
 * that the configuration is valid and that GitHub accepts the App's credentials for the organization
 * (src/github/check-credentials.ts, the check the server also makes once at start-up). What GitHub said goes
 * to stdout in plain words; what is wrong goes to stderr, naming the configuration key to correct. Nothing
 * secret is printed: the private key only by the fingerprint GitHub shows beside it.
 */
import { loadConfig } from "./config/load-config.js";
import { ConfigError } from "./config/problems.js";
import { forgetSecretEnv, type Env } from "./config/secrets.js";
import { NEEDED_PERMISSIONS } from "./github/check-credentials.js";
import { outboundProxyFromEnv } from "./config/outbound-proxy.js";
import { createGitHub } from "./github/create-github.js";
import { proxiedFetch } from "./github/proxied-fetch.js";
import type { CredentialCheck } from "./github/ports.js";
import { redactString } from "./logging/redact.js";
import { createRequestDeadlines } from "./request-deadline.js";
import { EXIT } from "./serve-command.js";

export interface CheckConfigIo {
  env: Env & NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** how GitHub is reached; globalThis.fetch unless a test says otherwise */
  fetch?: typeof globalThis.fetch;
}

/** Checks the configuration named by `argv` (as `serve` finds it) and the App's credentials; answers the exit code. */
export async function checkConfig(argv: readonly string[], io: CheckConfigIo): Promise<number> {
  const say = (line = "") => io.stdout.write(`${line}\n`);
  const complain = (line: string) => io.stderr.write(`${line}\n`);

  let loaded;
  let proxy;
  try {
    loaded = loadConfig({ argv, env: io.env });
    // the check goes the way the server will go: through HTTPS_PROXY unless NO_PROXY says otherwise
    proxy = outboundProxyFromEnv(io.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      complain(error.message);
      return EXIT.USAGE;
    }
    throw error;
  } finally {
    forgetSecretEnv(io.env);
  }
  const { config } = loaded;
  say(`Configuration ${loaded.path}: valid.`);
  for (const warning of loaded.warnings) complain(`warning: configuration: ${warning}`);

  const quiet = () => undefined;
  const github = createGitHub({
    org: config.org,
    appId: config.appId,
    installationId: config.installationId,
    privateKeyPem: config.privateKeyPem,
    baseUrl: config.baseUrl,
    log: { debug: quiet, info: quiet, warn: (message) => complain(`warning: ${redactString(message)}`) },
    deadlines: createRequestDeadlines(config.github.timeoutSeconds * 1000),
    timeoutMs: config.github.callTimeoutSeconds * 1000,
    retries: config.github.retries,
    ...(io.fetch ? { fetch: io.fetch } : proxy ? { fetch: proxiedFetch(proxy).fetch } : {}),
  });
  say(`Checking the GitHub App's credentials (appID ${config.appId}, installationID ${config.installationId}) at ${config.baseUrl} …`);
  const check = await github.app.checkCredentials();
  report(check, config.org, say);
  switch (check.outcome) {
    case "ok":
      if (check.missingPermissions.length > 0) {
        for (const missing of check.missingPermissions) {
          complain(
            `The installation lacks the permission ${missing.permission}: ${missing.needed} (it has ${missing.granted ?? "none"}); ` +
              `without it GitHub refuses ${missing.why}. Grant it in the App's settings → Permissions & events, then accept ` +
              "the new permissions in the installation's settings.",
          );
        }
        return EXIT.CREDENTIALS;
      }
      say(`All well: the App can manage runner groups in organization ${config.org}.`);
      return EXIT.OK;
    case "refused":
      complain(`The GitHub App's credentials are refused: ${check.problem}`);
      return EXIT.CREDENTIALS;
    case "unavailable":
      complain(`The GitHub App's credentials could not be checked: ${check.problem}`);
      return check.answered ? EXIT.GITHUB_FAILING : EXIT.GITHUB_UNREACHABLE;
  }
}

/** What GitHub said, one fact a line. */
function report(check: CredentialCheck, org: string, say: (line?: string) => void): void {
  if (check.outcome === "unavailable") return;
  if (check.enterpriseVersion !== undefined) say(`GitHub: GitHub Enterprise Server ${check.enterpriseVersion}`);
  const app = check.app;
  if (app) say(`App: ${app.name} (slug ${app.slug}, ID ${app.id})${app.owner === undefined ? "" : `, owned by ${app.owner}`}`);
  if (check.outcome !== "ok") return;
  const { installation } = check;
  say(
    `Installation: ${installation.id} on ${installation.accountType.toLowerCase()} ${installation.account} ` +
      `(${installation.repositorySelection === "all" ? "all repositories" : "selected repositories"}); an installation token was minted`,
  );
  const needed = new Map(NEEDED_PERMISSIONS.map((p) => [p.permission, p]));
  const missing = new Set(check.missingPermissions.map((m) => m.permission));
  say("Permissions of the installation:");
  const names = [...new Set([...NEEDED_PERMISSIONS.map((p) => p.permission), ...Object.keys(installation.permissions).sort()])];
  for (const name of names) {
    const granted = installation.permissions[name] ?? "none";
    const need = needed.get(name);
    const verdict =
      need === undefined ? "not used" : missing.has(name) ? `MISSING: needs ${need.needed}, for ${need.why}` : `needed (${need.why})`;
    say(`  ${name}: ${granted} — ${verdict}`);
  }
  if (installation.repositorySelection !== "all") {
    say(`  (only the repositories selected in the installation on ${org} can be attached to the teams' groups)`);
  }
}
