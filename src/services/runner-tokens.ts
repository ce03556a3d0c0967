/**
 * Runner registration and removal tokens, answered exactly as GitHub minted them. As in the Go
 * original these are organization tokens: the runner's own configuration names the group it joins.
 */
import type { MintedToken } from "../domain/runner-group.js";
import type { GitHub } from "../github/ports.js";
import type { AuditLog } from "./runner-groups.js";

export async function registrationToken(github: GitHub, audit: AuditLog, teamSlug: string): Promise<MintedToken> {
  const token = await github.org.createRegistrationToken();
  audit.audit("runner-token.registration-created", { team: teamSlug, expiresAt: token.expires_at });
  return token;
}

export async function removeToken(github: GitHub, audit: AuditLog, teamSlug: string): Promise<MintedToken> {
  const token = await github.org.createRemoveToken();
  audit.audit("runner-token.remove-created", { team: teamSlug, expiresAt: token.expires_at });
  return token;
}
