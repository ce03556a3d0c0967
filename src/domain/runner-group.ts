/**
 * The name of the group managed for a team: the prefix (config policy.groupPrefix, "team-" by default)
 * and the team's slug. GitHub compares group names without case, and so does the lookup.
 */
export function groupNameForTeam(prefix: string, teamSlug: string): string {
  return `${prefix}${teamSlug}`;
}

export interface RunnerGroup {
  id: number;
  name: string;
  visibility: string;
  isDefault: boolean;
  /** shared from the enterprise: never a team's, whatever its name */
  inherited: boolean;
}

/** A group no team may ever manage: the organization's Default group, or one the enterprise shares. */
export function isNeverManaged(group: RunnerGroup): boolean {
  return group.isDefault || group.inherited;
}

export interface Runner {
  id: number;
  name: string;
  os: string;
  status: string;
  busy: boolean;
  /** every label's name, as GitHub orders them */
  labels: string[];
  /** those GitHub gave the runner (`self-hosted`, its OS and architecture): never changed through the API */
  readOnlyLabels: string[];
  /** a just-in-time or --ephemeral runner (one job, then gone); when GitHub says */
  ephemeral?: boolean;
  /** the runner software's version, once it has connected; when GitHub says */
  version?: string;
}

/** A just-in-time runner configuration, as GitHub answered it. */
export interface JitConfig {
  runner: Runner & { groupId: number };
  /** for `./run.sh --jitconfig`: a secret, never logged */
  encodedJitConfig: string;
}

export interface Repository {
  id: number;
  name: string;
}

export interface MintedToken {
  token: string;
  expires_at: string;
}
