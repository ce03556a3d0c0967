/**
 * The App's credentials at start-up: checked once, in the background, so that wrong ones (appID,
 * installationID, privateKey) are logged at once as an error naming the key, rather than found by the
 * first caller or probe. While GitHub refuses them, readiness fails with the same words and asks GitHub
 * again on each (throttled) check, so that a fix made on GitHub's side (an installation unsuspended) is
 * seen; with right credentials readiness costs what it did before (the installation token alone).
 */
import { AppError } from "../domain/errors.js";
import type { CredentialCheck, GitHub } from "../github/ports.js";

export interface CredentialLog {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
}

export interface CredentialWatch {
  /** settles when the start-up check has ended (never rejects) */
  started: Promise<void>;
  /**
   * For readiness, before the installation-token check: throws AppError NOT_READY, in the check's words, while
   * the credentials are known to be refused.
   */
  requireAccepted(): Promise<void>;
}

/** One line per outcome: what GitHub said of the App, or what is wrong and which key to correct. */
export function logCredentialCheck(check: CredentialCheck, log: CredentialLog): void {
  switch (check.outcome) {
    case "ok": {
      const { app, installation } = check;
      log.info(`GitHub App ${app.slug} (${app.id}) is installed on ${installation.account} (installation ${installation.id})`, {
        app: { id: app.id, slug: app.slug, name: app.name },
        installation: { id: installation.id, account: installation.account, permissions: installation.permissions },
        ...(check.enterpriseVersion !== undefined && { enterpriseVersion: check.enterpriseVersion }),
      });
      for (const missing of check.missingPermissions) {
        log.error(
          `the App's installation lacks the permission ${missing.permission}: ${missing.needed} (it has ${missing.granted ?? "none"}); ` +
            `without it GitHub refuses ${missing.why}. Grant it in the App's settings → Permissions, then accept it in the installation`,
          { permission: missing.permission, needed: missing.needed, granted: missing.granted ?? null },
        );
      }
      return;
    }
    case "refused":
      log.error(`the GitHub App's credentials are refused: ${check.problem}`, { keys: check.keys });
      return;
    case "unavailable":
      log.warn(`the GitHub App's credentials could not be checked at start-up: ${check.problem}; /readyz keeps checking`);
  }
}

export function watchCredentials(deps: { github: Pick<GitHub, "app">; log: CredentialLog; checkAtStart: boolean }): CredentialWatch {
  /** the words of GitHub's latest refusal of the credentials, while it stands */
  let refusal: string | undefined;
  const started = deps.checkAtStart
    ? deps.github.app.checkCredentials().then(
        (check) => {
          logCredentialCheck(check, deps.log);
          if (check.outcome === "refused") refusal = check.problem;
        },
        (error: unknown) => deps.log.error("the GitHub App's credentials could not be checked at start-up", { error }),
      )
    : Promise.resolve();

  return {
    started,
    async requireAccepted() {
      await started;
      if (refusal === undefined) return;
      const check = await deps.github.app.checkCredentials();
      if (check.outcome === "ok") {
        deps.log.info("the GitHub App's credentials are accepted now");
        refusal = undefined;
        return;
      }
      if (check.outcome === "refused") refusal = check.problem;
      throw new AppError("NOT_READY", `Not ready: the GitHub App's credentials are refused: ${refusal}`);
    },
  };
}
