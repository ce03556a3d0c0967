/**
 * Request parameters, from the query string (as the original's curl lines send them) or a JSON body
 * (for long repository lists): validated into typed input, or a 400 that names the problem.
 */
import type { Request } from "express";
import { AppError } from "../domain/errors.js";

/** Bounds, documented in openapi.yaml and the README. */
export const LIMITS = {
  teamLength: 100,
  repoNameLength: 100,
  repositoriesPerRequest: 1000,
} as const;

const TEAM_SLUG = /^[a-z0-9][a-z0-9_.-]*$/;
const REPO_NAME = /^[A-Za-z0-9_.-]+$/;

/** Shows a caller's value in an error without echoing a huge or control-laden string back. */
export function quote(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, "?");
  return JSON.stringify(printable.length > 60 ? `${printable.slice(0, 60)}…` : printable);
}

function bodyField(req: Request, name: string): unknown {
  const body: unknown = req.body;
  return typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[name] : undefined;
}

/** One value for `name` from the query or the body; both, or a repeated query parameter, is a 400. */
function single(req: Request, name: string): unknown {
  const fromQuery: unknown = (req.query as Record<string, unknown>)[name];
  const fromBody = bodyField(req, name);
  if (Array.isArray(fromQuery)) throw new AppError("BAD_REQUEST", `Parameter ${name} is given more than once`);
  if (fromQuery !== undefined && fromBody !== undefined) {
    throw new AppError("BAD_REQUEST", `Parameter ${name} is given both in the query string and in the body`);
  }
  return fromQuery ?? fromBody;
}

export function parseTeam(req: Request): string {
  const raw = single(req, "team");
  if (raw === undefined || raw === "") throw new AppError("BAD_REQUEST", "Missing required parameter: team");
  if (typeof raw !== "string") throw new AppError("BAD_REQUEST", "Parameter team must be a string: the team's slug");
  const team = raw.trim().toLowerCase();
  if (team.length > LIMITS.teamLength || !TEAM_SLUG.test(team)) {
    throw new AppError(
      "BAD_REQUEST",
      `Parameter team must be a team slug (letters, digits, '-', '_', '.'; at most ${LIMITS.teamLength} characters), got ${quote(raw)}`,
    );
  }
  return team;
}

/** Comma-separated in the query (`repos=a,b`), or a JSON array or comma-separated string in the body. Empty entries are skipped, duplicates merged. */
export function parseRepos(req: Request): string[] {
  const raw = single(req, "repos");
  let entries: unknown[];
  if (raw === undefined) entries = [];
  else if (typeof raw === "string") entries = raw.split(",");
  else if (Array.isArray(raw)) entries = raw;
  else throw new AppError("BAD_REQUEST", "Parameter repos must be a comma-separated string or an array of repository names");

  const names = new Map<string, string>();
  for (const entry of entries) {
    if (typeof entry !== "string") throw new AppError("BAD_REQUEST", "Parameter repos must hold repository names (strings)");
    const name = entry.trim();
    if (name === "") continue;
    if (name.length > LIMITS.repoNameLength || !REPO_NAME.test(name) || name === "." || name === "..") {
      throw new AppError("BAD_REQUEST", `Not a repository name: ${quote(name)} (letters, digits, '-', '_', '.'; at most ${LIMITS.repoNameLength} characters)`);
    }
    names.set(name.toLowerCase(), name);
    if (names.size > LIMITS.repositoriesPerRequest) {
      throw new AppError("BAD_REQUEST", `At most ${LIMITS.repositoriesPerRequest} repositories per request`);
    }
  }
  if (names.size === 0) throw new AppError("BAD_REQUEST", "Missing required parameter: repos");
  return [...names.values()];
}

export function parseForce(req: Request): boolean {
  const raw = single(req, "force");
  if (raw === undefined || raw === false || raw === "false" || raw === "0" || raw === "") return false;
  if (raw === true || raw === "true" || raw === "1") return true;
  throw new AppError("BAD_REQUEST", `Parameter force must be true or false, got ${quote(typeof raw === "string" ? raw : JSON.stringify(raw))}`);
}

/** The raw token from `Authorization: X`, `token X` or `Bearer X` (the Go original took the raw value). */
export function parseAuthorization(header: string | undefined): string {
  if (header === undefined || header.trim() === "") throw new AppError("UNAUTHENTICATED", "Missing Authorization header");
  const value = header.trim();
  const match = /^(?:token|bearer)\s+(.+)$/i.exec(value);
  const token = (match ? match[1]! : value).trim();
  if (!/^[\x21-\x7e]{1,1024}$/.test(token)) throw new AppError("UNAUTHENTICATED", "Malformed Authorization header");
  return token;
}
