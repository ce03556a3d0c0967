/**
 * How a configuration problem is worded: one ConfigError for all of them, each naming where it is and what
 * was expected, and never repeating a secret (a key or token pasted under the wrong key included).
 */
import type { z } from "zod";
import { SECRET_KEYS } from "./schema.js";

export class ConfigError extends Error {
  readonly problems: string[];
  /** the configuration file the problems are about, or a description of where it was looked for */
  readonly source: string;

  constructor(source: string, problems: string[], summary = `invalid configuration in ${source}`) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`${summary} (${count}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.source = source;
    this.problems = problems;
  }
}

/** A problem or warning about a key of the file; parse-config.ts adds the file's name and the key's line. */
export interface Finding {
  path: string[];
  message: string;
}

/** Why a file could not be read: its error code (ENOENT, EACCES, …) when it has one. */
export function readErrorText(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
}

/** Text that may be a key or a token pasted under the wrong key: a PEM, GitHub token shapes, long base64. */
const LOOKS_SECRET = /-----BEGIN|\bgh[opsuri]_|github_pat_|[A-Za-z0-9+/=_-]{32,}|:\/\/[^\s/]*@/;

/** An invalid value as a message may show it: short, and never anything that looks like a secret. */
function preview(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object" && value !== null) return "a mapping";
  if (typeof value === "string" && LOOKS_SECRET.test(value)) return "a value that looks like a key or token (not shown)";
  const shown = JSON.stringify(value) ?? String(value);
  return shown.length > 60 ? `${shown.slice(0, 57)}…` : shown;
}

export function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** A schema issue as a Finding: "required: …" for a missing key, else the message and the value it got. */
export function issueFinding(issue: z.core.$ZodIssue, raw: unknown): Finding {
  const path = issue.path.map(String);
  const value = valueAt(raw, issue.path);
  const params = issue.code === "custom" ? issue.params : undefined;
  if (value === undefined) return { path, message: issue.message.startsWith("required") ? issue.message : `required: ${issue.message}` };
  // Secrets are never repeated; nor is a value that is fine in itself but contradicts another key.
  if (SECRET_KEYS.has(path.join(".")) || params?.secret === true || params?.showValue === false) return { path, message: issue.message };
  return { path, message: `${issue.message}, got ${preview(value)}` };
}

/** A key name as it may be shown: plain names only, so a pasted secret that became a key is never repeated. */
export function showKey(path: string[]): string {
  return path.map((k) => (/^[A-Za-z0-9_.-]{1,64}$/.test(k) ? k : "(a key that is not a plain name)")).join(".");
}
