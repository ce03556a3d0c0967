/**
 * What every use case works with once its caller is known and authorized: the GitHub ports, the lock
 * that orders changes to a team's group, the audit trail (bound to this request and caller), the
 * organization's policy, and the team.
 */
import type { RepoPermission } from "../domain/permissions.js";
import type { Caller, GitHub } from "../github/ports.js";
import type { KeyedLock } from "./group-lock.js";

export interface Policy {
  /** the least a team must hold on a repository to attach it to its group */
  minRepoPermission: RepoPermission;
  /** the managed group of team T is named groupPrefix + T */
  groupPrefix: string;
  /**
   * the only teams that may use the service (lower-case slugs): those in `allow`, and the direct child teams
   * of `parent`; both must hold when both are set; every team when neither is
   */
  teams: { allow?: string[]; parent?: string };
  /** `deny`: no organization-wide registration or removal tokens (runner-jitconfig instead) */
  registrationTokens: "allow" | "deny";
  /** patterns a custom runner label must match; any label when left out */
  runnerLabels?: string[];
  /** runner-jitconfig refuses once the team's group holds this many runners; no bound when left out */
  maxRunnersPerTeam?: number;
}

/** One line of the audit trail per change made on GitHub. */
export type Audit = (action: string, fields: Record<string, unknown>) => void;

export interface TeamContext {
  /** who asked: an active maintainer of `team` */
  caller: Caller;
  github: GitHub;
  locks: KeyedLock;
  audit: Audit;
  policy: Policy;
  /** the team's slug, already validated */
  team: string;
}

/** Runs `work` as the only change to the team's runner group in progress (see ./group-lock.ts). */
export function changingGroup<T>(ctx: TeamContext, work: () => Promise<T>): Promise<T> {
  return ctx.locks.run(ctx.team.toLowerCase(), work);
}
