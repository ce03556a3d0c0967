/**
 * Builds the GitHub clients: one Octokit class with our base URL, fetch, API version, throttling and
 * retry, handed to @octokit/app for the installation; a lighter client per caller for GET /user.
 * The only place (with its siblings in src/github/) that imports @octokit/*.
 */
import { createHash } from "node:crypto";
import { App } from "@octokit/app";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import Bottleneck from "bottleneck/light.js";
import { AppError } from "../domain/errors.js";
import { orgGitHub } from "./org-github.js";
import type { Caller, GitHub } from "./ports.js";
import { isRequestError, toAppError } from "./to-app-error.js";

export interface GitHubLog {
  debug(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface GitHubOptions {
  org: string;
  appId: number;
  installationId: number;
  privateKeyPem: string;
  /** https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server */
  baseUrl: string;
  /** globalThis.fetch in production; the simulator's fetch in tests */
  fetch?: typeof globalThis.fetch;
  log: GitHubLog;
  /** abort one GitHub call after this long, its retries included (they share one deadline) */
  timeoutMs?: number;
  /** retries of a failed idempotent call (5xx, dropped connection); 0 in tests that must see GitHub's first answer */
  retries?: number;
  /** wait before retry n is n² × this (plugin-retry's retryAfterBaseValue) */
  retryBaseMs?: number;
  /** a rate-limited call is retried once when GitHub asks us to wait at most this long */
  maxRetryAfterSeconds?: number;
  /**
   * Octokit's throttling and retry plugins (default on). Tests that must see GitHub's first answer, fast,
   * turn them off, as Probot's do: each adds a few milliseconds of scheduling to every call.
   */
  throttleAndRetry?: boolean;
  /** GitHub calls in flight at once, per credential */
  maxConcurrent?: number;
  /** least time between two writes (POST/PUT/PATCH/DELETE) of one credential; GitHub advises spacing bulk writes */
  writeSpacingMs?: number;
}

/** The REST API version we are written against. GitHub's 2026-03-10 version has breaking changes. */
const API_VERSION = "2022-11-28";

export function createGitHub(options: GitHubOptions): GitHub {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 5;
  const log = options.log;

  // Retry a rate-limited call once, and only when GitHub's wait is short; otherwise the caller gets 503
  // with Retry-After at once instead of hanging.
  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    log.warn(`GitHub ${kind} rate limit`, { method: request.method, route: request.url, retryAfter, retryCount });
    return retryCount < 1 && retryAfter <= maxRetryAfter;
  };

  /** Adds a timeout to every call and logs it, with GitHub's route template (never a token). */
  const callPolicy = (octokit: Pick<Octokit, "hook">) => {
    octokit.hook.wrap("request", async (request, requestOptions) => {
      const started = performance.now();
      const route = `${requestOptions.method} ${requestOptions.url}`;
      // before-after-hook hands every wrapper the same options object, and ignores what a wrapper passes
      // on to the next one: so the signal is set on that object, where the inner hooks and fetch see it.
      requestOptions.request = { ...requestOptions.request, signal: requestOptions.request?.signal ?? AbortSignal.timeout(timeoutMs) };
      try {
        const response = await request(requestOptions);
        log.debug(`GitHub ${route} ${response.status}`, { durationMs: Math.round(performance.now() - started) });
        return response;
      } catch (error) {
        const status = isRequestError(error) ? error.status : "failed";
        log.debug(`GitHub ${route} ${status}`, { durationMs: Math.round(performance.now() - started) });
        throw error;
      }
    });
    return {};
  };

  const resilient = options.throttleAndRetry ?? true;
  const GitHubOctokit = Octokit.plugin(throttling, retry, callPolicy).defaults({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    userAgent: "actions-runner-manager",
    headers: { "x-github-api-version": API_VERSION },
    request: { fetch: options.fetch ?? globalThis.fetch, retries: options.retries ?? 2 },
    retry: { enabled: resilient, retryAfterBaseValue: options.retryBaseMs ?? 500 },
  });

  // Our own limiter groups, not the plugin's process-wide defaults: those space every write of the process
  // one second apart (a runner token every second, at most) and would be shared by every GitHub instance.
  const limiters = {
    global: new Bottleneck.Group({ maxConcurrent: options.maxConcurrent ?? 32 }),
    write: new Bottleneck.Group({ maxConcurrent: options.maxConcurrent ?? 32, minTime: options.writeSpacingMs ?? 0 }),
    auth: new Bottleneck.Group({ maxConcurrent: 1 }),
  };
  const throttle = (id: string) => ({
    // Each credential has its own key in those groups, so one user's calls never wait for another's.
    id,
    enabled: resilient,
    ...limiters,
    onRateLimit: onLimit("primary"),
    onSecondaryRateLimit: onLimit("secondary"),
  });

  const app = new App({
    appId: options.appId,
    privateKey: options.privateKeyPem,
    Octokit: GitHubOctokit.defaults({ throttle: throttle(`installation-${options.installationId}`) }),
  });
  // One installation client for the process: @octokit/auth-app refreshes its token before it expires.
  let installation: Promise<Octokit> | undefined;
  const installationOctokit = () => {
    installation ??= app.getInstallationOctokit(options.installationId).then((o) => o as unknown as Octokit);
    installation.catch(() => {
      installation = undefined;
    });
    return installation;
  };

  return {
    org: orgGitHub(installationOctokit, options.org),
    user: {
      async whoAmI(token: string): Promise<Caller> {
        const userThrottleId = `user-${createHash("sha256").update(token).digest("hex").slice(0, 16)}`;
        const octokit = new GitHubOctokit({ auth: token, throttle: throttle(userThrottleId) });
        try {
          const { data } = await octokit.request("GET /user");
          return { login: data.login, id: Number(data.id) };
        } catch (error) {
          if (isRequestError(error) && (error.status === 401 || error.status === 403) && !/rate limit/i.test(error.message)) {
            // 401: unknown, expired or revoked; 403: a token that may not read its own user (e.g. an installation token)
            throw new AppError("UNAUTHENTICATED", "GitHub did not accept the token in the Authorization header", { cause: error });
          }
          throw toAppError(error, "identifying the caller");
        }
      },
    },
  };
}
