/**
 * Runner registration and removal tokens, answered exactly as GitHub minted them. As in the Go
 * original these are organization tokens: the runner's own configuration names the group it joins.
 */
import type { MintedToken } from "../domain/runner-group.js";
import type { TeamContext } from "./context.js";

export async function registrationToken({ github, audit }: TeamContext): Promise<MintedToken> {
  const token = await github.org.createRegistrationToken();
  audit("runner-token.registration-created", { expiresAt: token.expires_at });
  return token;
}

export async function removeToken({ github, audit }: TeamContext): Promise<MintedToken> {
  const token = await github.org.createRemoveToken();
  audit("runner-token.remove-created", { expiresAt: token.expires_at });
  return token;
}
