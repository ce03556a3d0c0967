/**
 * createServices(deps) → the use cases, built once with their dependencies. Each use case is whole: it
 * takes the caller's token, the team and its input, and does everything its rule needs, in order:
 *
 *   screen the caller (the transport's refusal budget, and GitHub's own budget, before any call; see
 *   ./budget.ts) → identify the caller (GET /user with their token) → admit them (the transport's per-caller limit)
 *   → the team may use the service (policy.teams.allow) → check they actively maintain it → the team
 *   is a child team of policy.teams.parent → act on GitHub
 *   → write the audit trail.
 *
 * A refusal at any step changes nothing on GitHub. The HTTP layer only parses and renders.
 */
import type { Caller, GitHub } from "../github/ports.js";
import { AppError } from "../domain/errors.js";
import { requireTeamAccess } from "./access.js";
import { requireGitHubBudget } from "./budget.js";
import type { Audit, Policy, TeamContext } from "./context.js";
import type { KeyedLock } from "./group-lock.js";
import { addRepos, removeRepos, setRepos } from "./group-repos.js";
import { createGroup, deleteGroup, listGroup, type GroupListing } from "./runner-groups.js";
import { registrationToken, removeToken } from "./runner-tokens.js";
import { changeLabels, createJitConfig, deleteRunner, moveRunner, pruneRunners, type JitRunner, type RunnerLabels } from "./runners.js";
import type { MintedToken } from "../domain/runner-group.js";

export type { Caller } from "../github/ports.js";
export type { GroupListing } from "./runner-groups.js";
export type { JitRunner, RunnerLabels } from "./runners.js";
export type { MintedToken } from "../domain/runner-group.js";
export type { Policy } from "./context.js";

/** One entry of the audit trail: what was done, by whom, in answer to which request. */
export interface AuditEntry {
  action: string;
  requestId: string;
  clientRequestId?: string;
  user: string;
  team: string;
  [field: string]: unknown;
}

export interface ServiceDeps {
  github: GitHub;
  /** orders the changes to one team's group (./group-lock.ts) */
  locks: KeyedLock;
  /** where the audit trail goes */
  audit: (entry: AuditEntry) => void;
  policy: Policy;
}

/** A caller's request for one use case. */
export interface CallerRequest<Input = NoInput> {
  /** the caller's own GitHub token, used for GET /user only */
  token: string;
  /** the team's slug, already validated */
  team: string;
  input: Input;
  /** the request's id, carried into the audit trail */
  requestId: string;
  /** the caller's own request id (X-Request-Id), when given: carried into the audit trail beside ours */
  clientRequestId?: string;
  /** the client's address (server.trustProxy decides it), carried into the audit trail */
  clientAddress?: string;
  /**
   * The transport's admission check for this caller (the per-user rate limit), run as soon as the caller
   * is known and before any GitHub call is made on their behalf; it throws to refuse.
   */
  admit?: (caller: Caller) => Promise<void>;
  /**
   * The transport's check before anything is asked of GitHub (the refusal budget), given the caller when a
   * cache already knows the token's owner; it throws to refuse, and so costs GitHub no call.
   */
  screen?: (known: Caller | undefined) => Promise<void>;
}

/** The input of a use case that needs nothing beyond the team. */
export type NoInput = Record<string, never>;

type UseCase<Input, Output> = (request: CallerRequest<Input>) => Promise<Output>;

export interface Services {
  groupCreate: UseCase<NoInput, string>;
  groupDelete: UseCase<{ force: boolean }, string>;
  groupList: UseCase<NoInput, GroupListing>;
  reposAdd: UseCase<{ repos: string[] }, string>;
  reposSet: UseCase<{ repos: string[] }, string>;
  reposRemove: UseCase<{ repos: string[] }, string>;
  tokenRegister: UseCase<NoInput, MintedToken>;
  tokenRemove: UseCase<NoInput, MintedToken>;
  runnerJitconfig: UseCase<{ labels: string[]; name: string | undefined; work_folder: string | undefined }, JitRunner>;
  runnerDelete: UseCase<{ runner: string; force: boolean }, string>;
  runnerPrune: UseCase<NoInput, { deleted: string[] }>;
  runnerLabelsAdd: UseCase<{ runner: string; labels: string[] }, RunnerLabels>;
  runnerLabelsSet: UseCase<{ runner: string; labels: string[] }, RunnerLabels>;
  runnerLabelsRemove: UseCase<{ runner: string; labels: string[] }, RunnerLabels>;
  runnerMove: UseCase<{ runner: string; to: string }, string>;
  /** proves the App's credentials work (for readiness): an installation token can be had */
  checkGitHub(): Promise<void>;
}

export function createServices(deps: ServiceDeps): Services {
  /** Identifies, admits and authorizes the caller, then runs `act` in the team's context. */
  const asMaintainer =
    <Input, Output>(act: (ctx: TeamContext, input: Input) => Promise<Output>): UseCase<Input, Output> =>
    async (request) => {
      const known = deps.github.user.knownCaller?.(request.token);
      await request.screen?.(known);
      requireGitHubBudget(deps.github, known, request.team);
      const caller = await deps.github.user.whoAmI(request.token);
      await request.admit?.(caller);
      await requireTeamAccess(deps.github, deps.policy, caller, request.team);
      const audit: Audit = (action, fields) =>
        deps.audit({
          action,
          requestId: request.requestId,
          ...(request.clientRequestId === undefined ? {} : { clientRequestId: request.clientRequestId }),
          user: caller.login,
          team: request.team,
          ...(request.clientAddress !== undefined && { clientAddress: request.clientAddress }),
          ...fields,
        });
      return act({ caller, github: deps.github, locks: deps.locks, policy: deps.policy, audit, team: request.team }, request.input);
    };

  /**
   * With policy.registrationTokens deny, the organization-wide tokens are refused before anything else:
   * the answer is the same for everyone, and costs GitHub nothing.
   */
  const unlessTokensDenied =
    <Output>(useCase: UseCase<NoInput, Output>): UseCase<NoInput, Output> =>
    (request) => {
      if (deps.policy.registrationTokens === "deny") {
        return Promise.reject(
          new AppError(
            "REGISTRATION_TOKENS_DENIED",
            "Registration and removal tokens are turned off here (policy.registrationTokens: deny): they are valid for " +
              "every runner group of the organization. Use runner-jitconfig for a runner bound to the team's group",
          ),
        );
      }
      return useCase(request);
    };

  return {
    groupCreate: asMaintainer((ctx) => createGroup(ctx)),
    groupDelete: asMaintainer(deleteGroup),
    groupList: asMaintainer((ctx) => listGroup(ctx)),
    reposAdd: asMaintainer(addRepos),
    reposSet: asMaintainer(setRepos),
    reposRemove: asMaintainer(removeRepos),
    tokenRegister: unlessTokensDenied(asMaintainer((ctx) => registrationToken(ctx))),
    tokenRemove: unlessTokensDenied(asMaintainer((ctx) => removeToken(ctx))),
    runnerJitconfig: asMaintainer(createJitConfig),
    runnerDelete: asMaintainer(deleteRunner),
    runnerPrune: asMaintainer((ctx) => pruneRunners(ctx)),
    runnerLabelsAdd: asMaintainer((ctx, input) => changeLabels(ctx, "add", input)),
    runnerLabelsSet: asMaintainer((ctx, input) => changeLabels(ctx, "set", input)),
    runnerLabelsRemove: asMaintainer((ctx, input) => changeLabels(ctx, "remove", input)),
    runnerMove: asMaintainer(async (ctx, input) => {
      if (input.to === ctx.team) throw new AppError("BAD_REQUEST", `Parameter to names team ${ctx.team} itself: name another team`);
      // The caller must hold the destination team as they hold the source: an active maintainer, of a team the service serves.
      await requireTeamAccess(ctx.github, ctx.policy, ctx.caller, input.to);
      return moveRunner(ctx, input);
    }),
    checkGitHub: () => deps.github.org.checkInstallation(),
  };
}
