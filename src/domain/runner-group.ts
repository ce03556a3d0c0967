/** The team's runner group carries the team's slug as its name, as in the Go original. */
export function groupNameForTeam(teamSlug: string): string {
  return teamSlug;
}

export interface RunnerGroup {
  id: number;
  name: string;
  visibility: string;
  isDefault: boolean;
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
