/** GitHub's repository roles, weakest first (the REST API's `pull` is read, `push` is write). */
export const REPO_PERMISSIONS = ["read", "triage", "write", "maintain", "admin"] as const;
export type RepoPermission = (typeof REPO_PERMISSIONS)[number];

export function atLeast(held: RepoPermission | undefined, needed: RepoPermission): boolean {
  return held !== undefined && REPO_PERMISSIONS.indexOf(held) >= REPO_PERMISSIONS.indexOf(needed);
}

/**
 * The strongest role implied by GitHub's `permissions` booleans. Reading the booleans rather than
 * `role_name` keeps custom repository roles working: they report the base role's booleans.
 */
export function permissionFromFlags(
  flags: { admin?: boolean; maintain?: boolean; push?: boolean; triage?: boolean; pull?: boolean } | undefined,
): RepoPermission | undefined {
  if (!flags) return undefined;
  if (flags.admin) return "admin";
  if (flags.maintain) return "maintain";
  if (flags.push) return "write";
  if (flags.triage) return "triage";
  if (flags.pull) return "read";
  return undefined;
}
