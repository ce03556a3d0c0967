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
  labels: string[];
}

export interface Repository {
  id: number;
  name: string;
}

export interface MintedToken {
  token: string;
  expires_at: string;
}
