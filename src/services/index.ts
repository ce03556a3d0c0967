/**
 * createServices(deps) → the use cases, built once with their dependencies. Each use case is whole: it
 * takes the caller's token, the team and its input, and does everything its rule needs, in order:
 *
 *   identify the caller (GET /user with their token) → admit them (the transport's per-caller limit)
 *   → the team may use the service (policy.teams.allow) → check they actively maintain it → the team
 *   is a child team of policy.teams.parent → act on GitHub
 *   → write the audit trail.
 *
 * A refusal at any step changes nothing on GitHub. The HTTP layer only parses and renders.
 */
import type { Caller, GitHub } from "../github/ports.js";
import { requireActiveMaintainer, requireAllowedTeam, requireChildTeam } from "./access.js";
import type { Audit, Policy, TeamContext } from "./context.js";
import type { KeyedLock } from "./group-lock.js";
import { addRepos, removeRepos, setRepos } from "./group-repos.js";
import { createGroup, deleteGroup, listGroup, type GroupListing } from "./runner-groups.js";
import { registrationToken, removeToken } from "./runner-tokens.js";
import type { MintedToken } from "../domain/runner-group.js";

export type { Caller } from "../github/ports.js";
export type { GroupListing } from "./runner-groups.js";
export type { MintedToken } from "../domain/runner-group.js";
export type { Policy } from "./context.js";

/** One entry of the audit trail: what was done, by whom, in answer to which request. */
export interface AuditEntry {
  action: string;
  requestId: string;
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
  /**
   * The transport's admission check for this caller (the per-user rate limit), run as soon as the caller
   * is known and before any GitHub call is made on their behalf; it throws to refuse.
   */
  admit?: (caller: Caller) => Promise<void>;
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
  /** proves the App's credentials work (for readiness): an installation token can be had */
  checkGitHub(): Promise<void>;
}

export function createServices(deps: ServiceDeps): Services {
  /** Identifies, admits and authorizes the caller, then runs `act` in the team's context. */
  const asMaintainer =
    <Input, Output>(act: (ctx: TeamContext, input: Input) => Promise<Output>): UseCase<Input, Output> =>
    async (request) => {
      const caller = await deps.github.user.whoAmI(request.token);
      await request.admit?.(caller);
      requireAllowedTeam(deps.policy.teams.allow, caller, request.team);
      await requireActiveMaintainer(deps.github, caller, request.team);
      // After the maintainership check, not before. The App's budget is shared by every caller: this way a
      // caller refused as a non-maintainer costs the one call they cost without policy.teams.parent, and only
      // a team's active maintainers reach the parent lookup (cached per team). Parent first would cost a
      // non-maintainer of a child team two calls instead of one, and save nothing elsewhere: an unknown
      // team, or a team outside the parent, costs one call either way.
      await requireChildTeam(deps.github, deps.policy.teams.parent, caller, request.team);
      const audit: Audit = (action, fields) =>
        deps.audit({ action, requestId: request.requestId, user: caller.login, team: request.team, ...fields });
      return act({ github: deps.github, locks: deps.locks, policy: deps.policy, audit, team: request.team }, request.input);
    };

  return {
    groupCreate: asMaintainer((ctx) => createGroup(ctx)),
    groupDelete: asMaintainer(deleteGroup),
    groupList: asMaintainer((ctx) => listGroup(ctx)),
    reposAdd: asMaintainer(addRepos),
    reposSet: asMaintainer(setRepos),
    reposRemove: asMaintainer(removeRepos),
    tokenRegister: asMaintainer((ctx) => registrationToken(ctx)),
    tokenRemove: asMaintainer((ctx) => removeToken(ctx)),
    checkGitHub: () => deps.github.org.checkInstallation(),
  };
}
