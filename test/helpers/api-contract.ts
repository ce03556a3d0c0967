/**
 * Every answer a test receives is checked against openapi.yaml: the status must be documented for the
 * route and method, and the body must match the documented schema. startTestApp's call() runs this on
 * every response, so the whole API suite doubles as a contract test.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";
import { OPENAPI_PATH } from "../../src/http/openapi.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const SPEC_ID = "https://actions-runner-manager.invalid/openapi.yaml";

interface ResponseObject {
  $ref?: string;
  content?: Record<string, { schema?: unknown }>;
}
interface Spec {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  components: { responses: Record<string, ResponseObject> };
}

export const spec = parse(readFileSync(OPENAPI_PATH, "utf8")) as Spec;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, SPEC_ID);
const compiled = new Map<string, ValidateFunction>();

/** A JSON pointer (without the leading "/") from its unescaped parts. */
export const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

/** An ajv validator for the schema at `jsonPointer` in openapi.yaml ("components/schemas/TeamSlug"), $refs resolved. */
export function validatorAt(jsonPointer: string): ValidateFunction {
  let validate = compiled.get(jsonPointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${SPEC_ID}#/${jsonPointer}` });
    compiled.set(jsonPointer, validate);
  }
  return validate;
}

const ERROR_RESPONSE = "components/schemas/ErrorResponse";

/** The spec's path template that `path` matches ("/api/v1/docs/assets/{file}"), or undefined. */
function templateFor(path: string): string | undefined {
  if (spec.paths[path]) return path;
  // templates hold only letters, digits, '-', '.', '/' and {params}
  return Object.keys(spec.paths).find((template) =>
    new RegExp(`^${template.replaceAll(".", "\\.").replace(/\{[^/]+\}/g, "[^/]+")}$`).test(path),
  );
}

/** Where the schema of this answer lives in the spec, or why there is none. */
function schemaPointer(method: string, concretePath: string, status: number, contentType: string): string {
  const path = templateFor(concretePath) ?? concretePath;
  const item = spec.paths[path];
  if (!item) {
    assert.equal(status >= 400, true, `${method} ${path} is not in openapi.yaml but answered ${status}`);
    return ERROR_RESPONSE;
  }
  const operation = item[method.toLowerCase()];
  if (!operation) {
    assert.ok([405, 429, 431].includes(status), `${method} ${path}: the method is not in openapi.yaml, so 405 was expected, got ${status}`);
    return ERROR_RESPONSE;
  }
  const response = operation.responses[String(status)];
  assert.ok(response, `${method} ${path} answered ${status}, which openapi.yaml does not document for it`);
  let responsePointer = pointer("paths", path, method.toLowerCase(), "responses", String(status));
  let resolved = response;
  if (response.$ref) {
    const name = response.$ref.replace("#/components/responses/", "");
    resolved = spec.components.responses[name]!;
    responsePointer = pointer("components", "responses", name);
  }
  const types = Object.keys(resolved.content ?? {});
  assert.ok(
    types.includes(contentType),
    `${method} ${path} ${status}: content type ${contentType} is not documented (${types.join(", ")})`,
  );
  return `${responsePointer}/${pointer("content", contentType, "schema")}`;
}

export function assertMatchesContract(method: string, path: string, status: number, headers: Headers, body: unknown): void {
  if (method === "HEAD") return;
  const contentType = (headers.get("content-type") ?? "").split(";")[0]!.trim();
  const where = schemaPointer(method, path, status, contentType);
  if (contentType !== "application/json") return;
  const validate = validatorAt(where);
  if (!validate(body)) {
    assert.fail(
      `${method} ${path} ${status}: the body does not match openapi.yaml (${where}): ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
    );
  }
}
