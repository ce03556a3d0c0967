/**
 * Routes are keyed by GitHub's own templates ("POST /orgs/{org}/actions/runner-groups"), the same keys
 * that @octokit/types, the call counters and fault injection use. Request bodies are checked against a
 * small per-route description with GitHub's messages (no schema library on the serving path).
 */
import type { Clock } from "../clock.js";
import type { AuthPolicy, Credential } from "./auth.js";
import { errorResponse, invalidRequest, type SimRequest, type SimResponse } from "./http.js";
import type { SimState } from "./state.js";

/** An array of strings or integers, with the operation's `minItems`/`maxItems` where it has them. */
export interface ArrayType {
  items: "string" | "integer";
  minItems?: number;
  maxItems?: number;
}

export type FieldType = "string" | "integer" | "boolean" | "string[]" | "integer[]" | ArrayType | { enum: readonly string[] };

export interface BodySpec {
  required?: readonly string[];
  fields: Record<string, FieldType>;
}

export interface Ctx {
  req: SimRequest;
  params: Record<string, string>;
  body: Record<string, unknown>;
  state: SimState;
  clock: Clock;
  credential: Credential;
}

export interface RouteDef {
  /** "METHOD /template/{param}" exactly as in GitHub's OpenAPI description */
  route: string;
  auth: AuthPolicy;
  body?: BodySpec;
  /** `{org}` must name the simulated organization (else 404, as GitHub answers for an org the credential cannot see) */
  handler(ctx: Ctx): SimResponse;
}

export interface CompiledRoute extends RouteDef {
  method: string;
  pattern: RegExp;
  paramNames: string[];
}

export function compileRoutes(defs: readonly RouteDef[]): CompiledRoute[] {
  return defs.map((def) => {
    const [method, template] = def.route.split(" ") as [string, string];
    const paramNames: string[] = [];
    const source = template
      .split("/")
      .map((segment) =>
        segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_m, name: string) => {
          paramNames.push(name);
          return "([^/]+)";
        }),
      )
      .join("/");
    return { ...def, method, pattern: new RegExp(`^${source}/?$`), paramNames };
  });
}

export type Match = { route: CompiledRoute; params: Record<string, string> };

/** The route for a request, `"method-not-found"` when only the path is known, or undefined. */
export function matchRoute(routes: readonly CompiledRoute[], method: string, path: string): Match | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.paramNames.forEach((name, i) => {
      params[name] = safeDecode(m[i + 1]!);
    });
    return { route, params };
  }
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const describe = (value: unknown) => JSON.stringify(value) ?? String(value);

/** Parses and checks a JSON body as GitHub does: 400 for what is not JSON (or not an object), 422 for what breaks the schema. */
export type ParsedBody = { ok: true; body: Record<string, unknown> } | { ok: false; response: SimResponse };

export function parseBody(raw: string, spec: BodySpec | undefined): ParsedBody {
  const refuse = (response: SimResponse): ParsedBody => ({ ok: false, response });
  if (!spec) return { ok: true, body: {} };
  let body: unknown = {};
  if (raw.trim() !== "") {
    try {
      body = JSON.parse(raw);
    } catch {
      return refuse(errorResponse(400, "Problems parsing JSON"));
    }
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return refuse(errorResponse(400, "Problems parsing JSON"));
  const record = body as Record<string, unknown>;
  for (const field of spec.required ?? []) {
    if (record[field] === undefined) return refuse(invalidRequest(`"${field}" wasn't supplied.`));
  }
  for (const [field, type] of Object.entries(spec.fields)) {
    const value = record[field];
    if (value === undefined) continue;
    const problem = typeProblem(value, type);
    if (problem)
      return refuse(invalidRequest(`For '${problem.path ?? `properties/${field}`}', ${describe(problem.value)} ${problem.text}.`));
  }
  return { ok: true, body: record };
}

function typeProblem(value: unknown, type: FieldType): { value: unknown; text: string; path?: string } | undefined {
  if (typeof type === "object" && "enum" in type) {
    return typeof value === "string" && type.enum.includes(value)
      ? undefined
      : { value, text: `is not a member of [${type.enum.map((e) => `"${e}"`).join(", ")}]` };
  }
  if (typeof type === "object") {
    const problem = typeProblem(value, `${type.items}[]`);
    if (problem) return problem;
    // GitHub's wording for these two is not on record; the shape follows its other schema messages above.
    const { length } = value as unknown[];
    if (type.minItems !== undefined && length < type.minItems)
      return { value, text: `has fewer items than the minimum of ${type.minItems}` };
    if (type.maxItems !== undefined && length > type.maxItems)
      return { value, text: `has more items than the maximum of ${type.maxItems}` };
    return undefined;
  }
  switch (type) {
    case "string":
      return typeof value === "string" ? undefined : { value, text: "is not a string" };
    case "boolean":
      return typeof value === "boolean" ? undefined : { value, text: "is not a boolean" };
    case "integer":
      return Number.isSafeInteger(value) ? undefined : { value, text: "is not an integer" };
    case "string[]":
    case "integer[]": {
      if (!Array.isArray(value)) return { value, text: "is not an array" };
      const itemType = type === "string[]" ? "string" : "integer";
      for (const item of value as unknown[]) {
        const problem = typeProblem(item, itemType);
        if (problem) return { ...problem, path: "items" };
      }
      return undefined;
    }
  }
}
