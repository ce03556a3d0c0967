/**
 * A success answer in words for stdout. Commands that mint a secret print the secret alone (so that
 * `$(actions-runner-manager token-register …)` is the token), or, with --out, a line saying where it went.
 */
import type { Answer as AnswerKind } from "./commands.js";

type Json = Record<string, unknown>;

const list = (values: unknown): string[] => (Array.isArray(values) ? values.map(String) : []);
const joined = (values: unknown, none: string) => (list(values).length > 0 ? list(values).join(", ") : none);

/** The secret in a success Response, if the command mints one. */
export function secretOf(kind: AnswerKind, response: unknown): string | undefined {
  const r = response as Json | null;
  if (kind === "token" && typeof r?.token === "string") return r.token;
  if (kind === "jitconfig" && typeof r?.encoded_jit_config === "string") return r.encoded_jit_config;
  return undefined;
}

/** The envelope with the secret replaced, for --json together with --out. */
export function withoutSecret(kind: AnswerKind, envelope: Json, replacement: string): Json {
  const response = envelope.Response as Json;
  if (kind === "token") return { ...envelope, Response: { ...response, token: replacement } };
  if (kind === "jitconfig") return { ...envelope, Response: { ...response, encoded_jit_config: replacement } };
  return envelope;
}

/** What the runner-jitconfig answer says about the runner, without its configuration (for stderr or --out). */
export function describeRunner(response: unknown): string {
  const runner = (response as Json | null)?.runner as Json | undefined;
  if (runner === undefined) return "a runner";
  return `runner ${String(runner.name)} (id ${String(runner.id)}, labels ${joined(runner.labels, "none")})`;
}

export function showAnswer(kind: AnswerKind, response: unknown, out?: string): string {
  const r = (response ?? {}) as Json;
  switch (kind) {
    case "message":
      return String(response);
    case "token":
      return out !== undefined ? `wrote the token to ${out}; it expires at ${String(r.expires_at)}` : String(r.token);
    case "jitconfig":
      return out !== undefined
        ? `wrote the just-in-time configuration of ${describeRunner(response)} to ${out}`
        : String(r.encoded_jit_config);
    case "prune":
      return list(r.deleted).length > 0 ? `deleted the offline runners ${joined(r.deleted, "")}` : "no offline runner to delete";
    case "runner-labels": {
      const runner = (r.runner ?? {}) as Json;
      return `runner ${String(runner.name)} (id ${String(runner.id)}) has the labels ${joined(r.labels, "(none)")}`;
    }
    case "group-list":
      return showGroup(r);
  }
}

function showGroup(r: Json): string {
  const group = (r.group ?? {}) as Json;
  const lines = [
    `group ${String(group.name)} (id ${String(group.id)}, visibility ${String(group.visibility)})`,
    `repositories: ${joined(r.repos, "(none)")}`,
  ];
  const runners = Array.isArray(r.runnerDetails) ? (r.runnerDetails as Json[]) : [];
  if (runners.length === 0) lines.push("runners: (none)");
  else {
    lines.push("runners:");
    for (const runner of runners) {
      const state = `${String(runner.status)}${runner.busy === true ? ", busy" : ""}`;
      lines.push(
        `  ${String(runner.name)}  id ${String(runner.id)}  ${state}  ${String(runner.os)}  labels ${joined(runner.labels, "(none)")}`,
      );
    }
  }
  return lines.join("\n");
}
