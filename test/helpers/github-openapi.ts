/**
 * GitHub's own OpenAPI descriptions (@octokit/openapi, OpenAPI 3.0.3) as run-time validators for
 * the conformance tests: does an operation exist, which statuses does it document, does a response,
 * request body or parameter set fit its schema. Each description is read once per process.
 *
 * OpenAPI 3.0's `nullable: true` is honoured by ajv when `type` is present; GitHub also writes it beside
 * `anyOf`/`oneOf` alone, which ajv refuses, so such schemas become `anyOf: [{ type: "null" }, …]`.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";

export type DescriptionName = "api.github.com" | "ghes-3.19";
/** The shared error schemas GitHub answers with (components/schemas). */
export type ErrorSchema = "basic-error" | "validation-error" | "validation-error-simple";

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Json;
}
interface Operation {
  parameters?: Array<Parameter | { $ref: string }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> } | { $ref: string };
  responses: Record<string, { content?: Record<string, { schema?: Json }> } | { $ref: string }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Json>;
    responses: Record<string, Json>;
    parameters: Record<string, Json>;
    requestBodies?: Record<string, Json>;
  };
}

/** What the description says about one answer: not documented, documented without a body, or with a schema. */
export type ResponseSpec =
  { kind: "undocumented"; documented: readonly string[] } | { kind: "no-content" } | { kind: "schema"; check(body: unknown): string[] };

export interface GitHubOpenApi {
  readonly name: DescriptionName;
  hasRoute(route: string): boolean;
  /** the routes ("METHOD /template") the description lacks */
  missingRoutes(routes: Iterable<string>): string[];
  documentedStatuses(route: string): string[];
  /** the spec for `status` on `route` with this response media type (parameters such as charset ignored) */
  response(route: string, status: number, contentType?: string): ResponseSpec;
  /** problems of `value` against components/schemas/`name`; [] when it fits */
  checkSchema(name: ErrorSchema | (string & {}), value: unknown): string[];
  /** problems of a JSON request body (undefined = none sent) against the operation's requestBody */
  checkRequestBody(route: string, body: unknown): string[];
  /** problems of typed path and query values against the operation's parameters, unknown names included */
  checkParameters(route: string, values: { path?: Record<string, unknown>; query?: Record<string, unknown> }): string[];
}

const require = createRequire(import.meta.url);
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;
const loaded = new Map<DescriptionName, GitHubOpenApi>();

export function loadGitHubOpenApi(name: DescriptionName = "api.github.com"): GitHubOpenApi {
  let api = loaded.get(name);
  if (!api) {
    const file = require.resolve(`@octokit/openapi/generated/${name}.json`);
    api = describeDocument(name, JSON.parse(readFileSync(file, "utf8")) as Document);
    loaded.set(name, api);
  }
  return api;
}

/** `nullable` beside no `type` → anyOf with null, recursively, in place; answers the same object. */
function normalizeNullable<T>(node: T): T {
  if (Array.isArray(node)) node.forEach(normalizeNullable);
  else if (node !== null && typeof node === "object") {
    const schema = node as Json;
    for (const child of Object.values(schema)) normalizeNullable(child);
    if (schema.nullable === true && schema.type === undefined) {
      const rest: Json = { ...schema };
      delete rest.nullable;
      for (const key of Object.keys(schema)) delete schema[key];
      schema.anyOf = [{ type: "null" }, rest];
    }
  }
  return node;
}

const formatErrors = (errors: ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);

function describeDocument(name: DescriptionName, doc: Document): GitHubOpenApi {
  const base = `https://github.test/openapi/${name}`;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  // Formats GitHub invents; they constrain nothing we could check.
  for (const format of ["repo.nwo", "timestamp"]) ajv.addFormat(format, true);
  ajv.addSchema({ $id: base, components: { schemas: normalizeNullable(doc.components.schemas) } });

  const validators = new Map<string, ValidateFunction>();
  /** Compiles a schema taken from the document; its "#/components/…" references point into `base`. */
  function validator(key: string, schema: Json): ValidateFunction {
    let validate = validators.get(key);
    if (!validate) {
      const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${base}#/components/`)) as Json;
      validate = ajv.compile(normalizeNullable(rebased));
      validators.set(key, validate);
    }
    return validate;
  }
  const check = (key: string, schema: Json, value: unknown) => {
    const validate = validator(key, schema);
    return validate(value) ? [] : formatErrors(validate.errors);
  };

  const deref = <T>(node: T | { $ref: string }): T => {
    if (node === null || typeof node !== "object" || !("$ref" in node)) return node;
    const target = node.$ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<unknown>((at, part) => (at as Json)[part.replaceAll("~1", "/").replaceAll("~0", "~")], doc);
    return deref(target as T | { $ref: string });
  };

  function operation(route: string): Operation | undefined {
    const [method = "", path = ""] = route.split(" ");
    return Object.hasOwn(doc.paths, path) ? doc.paths[path]?.[method.toLowerCase()] : undefined;
  }
  function mustOperation(route: string): Operation {
    const op = operation(route);
    if (!op) throw new Error(`${name} describes no operation ${route}`);
    return op;
  }

  return {
    name,
    hasRoute: (route) => operation(route) !== undefined,
    missingRoutes: (routes) => [...routes].filter((route) => operation(route) === undefined),
    documentedStatuses: (route) => Object.keys(mustOperation(route).responses),

    response(route, status, contentType = "application/json") {
      const responses = mustOperation(route).responses;
      const documented = responses[String(status)];
      if (!documented) return { kind: "undocumented", documented: Object.keys(responses) };
      const content = deref(documented).content;
      if (!content) return { kind: "no-content" };
      const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
      const media = content[mediaType] ?? (/[/+]json$/.test(mediaType) ? content["application/json"] : undefined);
      if (!media?.schema) {
        const problem = `${route} ${status} documents ${Object.keys(content).join(", ")}, not ${mediaType}`;
        return { kind: "schema", check: () => [problem] };
      }
      const schema = media.schema;
      return { kind: "schema", check: (body) => check(`response ${route} ${status} ${mediaType}`, schema, body) };
    },

    checkSchema(schemaName, value) {
      if (!Object.hasOwn(doc.components.schemas, schemaName)) return [`${name} has no schema ${schemaName}`];
      return check(`schema ${schemaName}`, { $ref: `#/components/schemas/${schemaName}` }, value);
    },

    checkRequestBody(route, body) {
      const requestBody = mustOperation(route).requestBody;
      if (!requestBody) return body === undefined ? [] : [`${route} takes no request body`];
      const { required, content } = deref(requestBody);
      if (body === undefined) return required ? [`${route} requires a request body`] : [];
      const schema = content?.["application/json"]?.schema;
      if (!schema) return [`${route} takes no application/json body`];
      return check(`request ${route}`, schema, body);
    },

    checkParameters(route, values) {
      const documented = (mustOperation(route).parameters ?? []).map((p) => deref<Parameter>(p));
      const problems: string[] = [];
      for (const where of ["path", "query"] as const) {
        const given = values[where] ?? {};
        const known = documented.filter((p) => p.in === where);
        for (const p of known) {
          if (given[p.name] === undefined) {
            if (p.required) problems.push(`${where} parameter ${p.name} is required`);
          } else if (p.schema) {
            problems.push(
              ...check(`parameter ${route} ${where} ${p.name}`, p.schema, given[p.name]).map((e) => `${where} ${p.name}: ${e}`),
            );
          }
        }
        for (const key of Object.keys(given)) {
          if (!known.some((p) => p.name === key)) problems.push(`${where} parameter ${key} is not documented`);
        }
      }
      return problems;
    },
  };
}
