/**
 * Octokit clients wired to an in-process simulator through its fetch seam, built the way the server
 * builds its own: one Octokit class with `baseUrl` and `request.fetch`, handed to `@octokit/app`.
 * Retries and throttling are off here (as in Probot's tests): a test must see GitHub's first answer.
 */
import { createSign } from "node:crypto";
import { App } from "@octokit/app";
import { Octokit } from "@octokit/rest";
import type { Simulator } from "../../src/simulator/index.js";

export const SIM_ORIGIN = "http://sim.test";

export function simOctokit(sim: Simulator, auth?: string) {
  return new Octokit({
    baseUrl: `${SIM_ORIGIN}${sim.pathPrefix}`,
    request: { fetch: sim.fetch },
    ...(auth === undefined ? {} : { auth }),
  });
}

export function simApp(sim: Simulator) {
  return new App({
    appId: sim.state.app.id,
    privateKey: sim.appPrivateKey!,
    Octokit: Octokit.defaults({ baseUrl: `${SIM_ORIGIN}${sim.pathPrefix}`, request: { fetch: sim.fetch } }),
  });
}

export async function installationOctokit(sim: Simulator) {
  return await simApp(sim).getInstallationOctokit(sim.state.app.installationId);
}

/** An App JWT signed by hand, so tests can set any claim. */
export function signAppJwt(
  privateKeyPem: string,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: "RS256", typ: "JWT" },
): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signingInput = `${encode(header)}.${encode(claims)}`;
  const signature = createSign("RSA-SHA256").update(signingInput).sign(privateKeyPem).toString("base64url");
  return `${signingInput}.${signature}`;
}

/** A plain call to the simulator's fetch; answers status, headers and the parsed body. */
export async function call(
  sim: Simulator,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { accept: "application/vnd.github+json", ...options.headers };
  if (options.token !== undefined) headers.authorization = `token ${options.token}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await sim.fetch(`${SIM_ORIGIN}${sim.pathPrefix}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : JSON.parse(text) };
}

/** Mints an installation token the way an App does (JWT → POST access_tokens) and answers it. */
export async function installationToken(sim: Simulator): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = signAppJwt(sim.appPrivateKey!, { iss: sim.state.app.id, iat: now - 30, exp: now + 540 });
  const minted = await call(sim, "POST", `/app/installations/${sim.state.app.installationId}/access_tokens`, { token: jwt });
  if (minted.status !== 201) throw new Error(`minting an installation token failed: ${minted.status}`);
  return minted.body.token as string;
}
