/**
 * src/http/parse.ts is the only gate for /api/v1 input; this holds it to openapi.yaml. For every v1
 * operation, the parameter and request-body schemas are taken from the description itself ($refs resolved
 * by ajv), requests are generated around them (slugs at the pattern's edges and the length limit, repository
 * lists with bad entries, repeated and unknown parameters, wrong JSON types, bodies where none is taken,
 * every kind of Content-Type), and the parser must accept exactly the requests the oracle accepts:
 *
 *   oracle = the description, read as HOW_THE_DESCRIPTION_IS_READ says,
 *            and then the parser's own rules, each named in EXTRA_RULES.
 *
 * When both accept, the parser's input must be what the oracle expects; when both refuse, with the same
 * status (400, or 415 for the media type), and in plain words (no pattern, no validator's jargon).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fc } from "../../helpers/property.js";
import { AppError } from "../../../src/domain/errors.js";
import { V1_ROUTES } from "../../../src/http/routes/v1.js";
import {
  parseV1Request,
  V1_PARAMETERS,
  type Inputs,
  type ParameterName,
  type RawRequest,
  type V1RouteName,
} from "../../../src/http/parse.js";
import { pointer, spec, validatorAt } from "../../helpers/api-contract.js";

// ---------------------------------------------------------------------------------------------------------
// The operations, as openapi.yaml describes them

interface Ref {
  $ref: string;
}
interface ParameterObject {
  name: string;
  in: string;
  allowEmptyValue?: boolean;
  schema: unknown;
}
interface RequestBodyObject {
  required?: boolean;
  content: Record<string, { schema: { properties?: Record<string, unknown> } }>;
}
interface OperationObject {
  parameters?: Array<ParameterObject | Ref>;
  requestBody?: RequestBodyObject | Ref;
}

const document = spec as unknown as { paths: Record<string, Record<string, OperationObject>> };

/** The object a local $ref points at, and the JSON pointer it lives at. */
function resolve<T>(value: T | Ref, at: string): { value: T; at: string } {
  if (typeof value === "object" && value !== null && "$ref" in value) {
    const path = value.$ref.replace(/^#\//, "");
    const found = path
      .split("/")
      .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part.replaceAll("~1", "/").replaceAll("~0", "~")], spec);
    return { value: found as T, at: path };
  }
  return { value, at };
}

interface Operation {
  route: V1RouteName;
  method: string;
  /** query parameters by name: the schema's validator and whether an empty value is allowed */
  query: Map<string, { validate: (value: unknown) => boolean; allowEmptyValue: boolean }>;
  body?: { mediaTypes: string[]; validate: (value: unknown) => boolean; properties: string[]; required: boolean };
}

function operations(): Operation[] {
  const found: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    const route = path.replace(/^\/api\/v1\//, "");
    if (!Object.hasOwn(V1_PARAMETERS, route)) continue;
    for (const [method, operation] of Object.entries(item)) {
      const at = pointer("paths", path, method);
      const query = new Map<string, { validate: (value: unknown) => boolean; allowEmptyValue: boolean }>();
      (operation.parameters ?? []).forEach((entry, i) => {
        const { value: parameter, at: where } = resolve(entry, `${at}/${pointer("parameters", String(i))}`);
        assert.equal(parameter.in, "query", `${method} ${path}: ${parameter.name} is not in the query`);
        const validate = validatorAt(`${where}/schema`);
        query.set(parameter.name, { validate: (value) => validate(value), allowEmptyValue: parameter.allowEmptyValue ?? false });
      });
      const op: Operation = { route: route as V1RouteName, method: method.toUpperCase(), query };
      if (operation.requestBody) {
        const { value: requestBody, at: where } = resolve(operation.requestBody, `${at}/requestBody`);
        const mediaTypes = Object.keys(requestBody.content);
        assert.deepEqual(mediaTypes, ["application/json"], `${method} ${path}: the parser takes JSON bodies only`);
        const validate = validatorAt(`${where}/${pointer("content", "application/json", "schema")}`);
        op.body = {
          mediaTypes,
          validate: (value) => validate(value),
          properties: Object.keys(requestBody.content["application/json"]!.schema.properties ?? {}),
          required: requestBody.required ?? false,
        };
      }
      found.push(op);
    }
  }
  return found;
}

const OPERATIONS = operations();

describe("V1_PARAMETERS and openapi.yaml", () => {
  test("when each v1 operation is read from openapi.yaml, then V1_PARAMETERS names its parameters, its body's, and the methods that take a body", () => {
    assert.deepEqual(new Set(OPERATIONS.map((op) => op.route)), new Set(Object.keys(V1_PARAMETERS)));
    for (const op of OPERATIONS) {
      const described = V1_PARAMETERS[op.route];
      const where = `${op.method} /api/v1/${op.route}`;
      assert.deepEqual([...op.query.keys()].sort(), [...described.accepts].sort(), `${where}: query parameters`);
      assert.equal(op.body !== undefined, (described.bodyMethods as readonly string[]).includes(op.method), `${where}: takes a body`);
      if (op.body) {
        assert.deepEqual([...op.body.properties].sort(), [...described.accepts].sort(), `${where}: body properties`);
        assert.equal(op.body.required, false, `${where}: the body is optional (the query string may carry everything)`);
      }
    }
  });

  test("when the router's routes are compared with V1_PARAMETERS, then every path has its parameters and a body is taken only on the route's own (non-GET) method", () => {
    const paths = V1_ROUTES.flatMap((route) => route.paths.map((path) => ({ path, methods: route.methods })));
    assert.deepEqual(paths.map((p) => p.path).sort(), Object.keys(V1_PARAMETERS).sort());
    for (const { path, methods } of paths) {
      for (const method of V1_PARAMETERS[path].bodyMethods as readonly string[]) {
        assert.ok(methods.includes(method) && method !== "GET", `${path}: ${method}`);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Generated requests

/** A request as it reaches the parser, with what the client sent beside it, for the oracle and for failure reports. */
interface Generated {
  op: Operation;
  query: Record<string, string | string[]>;
  contentType: string | undefined;
  /** the client sent content (Content-Length > 0, or chunked) */
  sendsBody: boolean;
  chunked: boolean;
  /** with no content: whether `Content-Length: 0` was sent */
  zeroLength: boolean;
  /** the JSON the client sent, when it sent content */
  json: unknown;
}

const ALNUM = [..."abcxyzABCXYZ0189"];
const SLUG_CHARS = [...ALNUM, "_", ".", "-"];
const WHITESPACE = ["", "", " ", "\t", "\u00a0", "\u2028", "\ufeff", "  "];

const slug = fc
  .tuple(fc.constantFrom(...ALNUM), fc.string({ unit: fc.constantFrom(...SLUG_CHARS), maxLength: 12 }))
  .map(([first, rest]) => first + rest);
const padded = <T extends string>(core: fc.Arbitrary<T>) =>
  fc.tuple(fc.constantFrom(...WHITESPACE), core, fc.constantFrom(...WHITESPACE)).map(([before, text, after]) => before + text + after);

const teamString = fc.oneof(
  { weight: 4, arbitrary: padded(slug) },
  // around the 100-character limit, which counts the whitespace around the slug too
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 97, max: 101 }))
      .map(([pad, n]) => " ".repeat(pad) + "a".repeat(n)),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "",
      " ",
      "\t",
      "-abc",
      "_abc",
      ".abc",
      "a b",
      "a/b",
      "a,b",
      "é",
      "ＰＬＡＴＦＯＲＭ",
      "plat\u200bform",
      "a\u0000",
      "..",
      "a+b",
      "Platform",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
);

const repoName = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: fc.constantFrom(...SLUG_CHARS), minLength: 1, maxLength: 10 }) },
  { weight: 2, arbitrary: padded(fc.constantFrom("api", "API", "web", "a.b", "x-1")) },
  { weight: 2, arbitrary: fc.constantFrom("", " ", ".", "..", " . ", "a b", "a/b", "../etc", "é", "a\u0000", "a;b", "a,b") },
  // around the 100-character limit on a name, whitespace included
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 98, max: 101 }))
      .map(([pad, n]) => " ".repeat(pad) + "r".repeat(n)),
  },
);

const MANY_DISTINCT = (n: number) => Array.from({ length: n }, (_, i) => `repo-${i}`);
const reposString = fc.oneof(
  { weight: 8, arbitrary: fc.array(repoName, { maxLength: 6 }).map((names) => names.join(",")) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      MANY_DISTINCT(1000).join(","),
      MANY_DISTINCT(1001).join(","),
      [...MANY_DISTINCT(1000), "REPO-0", "repo-1"].join(","),
      // over RepoList's 102 000 characters, though every name is valid and there are few of them
      `${",".repeat(102_000)}api`,
      `api,${" ".repeat(101_996)}`,
    ),
  },
);
const reposArray = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.array(
      fc.oneof({ weight: 9, arbitrary: repoName }, { weight: 1, arbitrary: fc.constantFrom<unknown>(1, null, true, ["api"]) }),
      { maxLength: 6 },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown[]>(
      MANY_DISTINCT(1000),
      MANY_DISTINCT(1001),
      [...MANY_DISTINCT(999), "repo-0", "repo-1"],
      Array.from({ length: 1001 }, () => "api"),
    ),
  },
);

const FLAGS = ["true", "false", "1", "0", "", "yes", "TRUE", " true", "on"];

const label = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: fc.constantFrom(...SLUG_CHARS), minLength: 1, maxLength: 8 }) },
  { weight: 2, arbitrary: padded(fc.constantFrom("gpu", "GPU", "large", "x64", "self-hosted")) },
  { weight: 2, arbitrary: fc.constantFrom("", " ", "a b", "a/b", "é", "a\u0000", "a:b", "a,b") },
  // around the 64-character limit on a label, whitespace included
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 62, max: 65 }))
      .map(([pad, n]) => " ".repeat(pad) + "l".repeat(n)),
  },
);
const MANY_LABELS = (n: number) => Array.from({ length: n }, (_, i) => `label-${i}`);
const labelsString = fc.oneof(
  { weight: 8, arbitrary: fc.array(label, { maxLength: 5 }).map((labels) => labels.join(",")) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      MANY_LABELS(100).join(","),
      MANY_LABELS(101).join(","),
      [...MANY_LABELS(99), "LABEL-0"].join(","),
      `${",".repeat(6_600)}gpu`,
    ),
  },
);
const labelsArray = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.array(fc.oneof({ weight: 9, arbitrary: label }, { weight: 1, arbitrary: fc.constantFrom<unknown>(1, null, ["gpu"]) }), {
      maxLength: 5,
    }),
  },
  { weight: 2, arbitrary: fc.constantFrom<unknown[]>(MANY_LABELS(100), MANY_LABELS(101), [...MANY_LABELS(99), "", ""]) },
);
/** runner and name: ids, names, and what is neither */
const runnerWord = fc.oneof(
  { weight: 5, arbitrary: padded(fc.string({ unit: fc.constantFrom(...SLUG_CHARS), minLength: 1, maxLength: 10 })) },
  { weight: 2, arbitrary: fc.constantFrom("31", "0", "platform-build-1", "-x", "..", ".") },
  { weight: 2, arbitrary: fc.constantFrom("", " ", "a b", "../b", "a/b", "é", "a\u0000", "a,b", "platform/../x") },
  { weight: 1, arbitrary: fc.integer({ min: 62, max: 66 }).map((n) => "r".repeat(n)) },
);
const workFolder = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("_work", "work/a", "a.b/c_d-e", "a/", "..a", "a..", "a/..b/c") },
  { weight: 3, arbitrary: fc.constantFrom("", " ", "/abs", "..", "../x", "a/../b", "a/..", "a\\b", "a b", "é", "~/w", "a\u0000") },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...SLUG_CHARS, "/"), minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: 198, max: 202 }).map((n) => "w".repeat(n)) },
);

function oneQueryValue(name: ParameterName): fc.Arbitrary<string> {
  switch (name) {
    case "team":
    case "to":
      return teamString;
    case "repos":
      return reposString;
    case "force":
      return fc.constantFrom(...FLAGS);
    case "labels":
      return labelsString;
    case "runner":
    case "name":
      return runnerWord;
    case "work_folder":
      return workFolder;
  }
}

/** A value for a query parameter: usually one string, sometimes the parameter repeated (an array). */
function queryValue(name: ParameterName): fc.Arbitrary<string | string[]> {
  const one = oneQueryValue(name);
  return fc.oneof({ weight: 9, arbitrary: one }, { weight: 1, arbitrary: fc.array(one, { minLength: 2, maxLength: 2 }) });
}

function bodyValue(name: ParameterName): fc.Arbitrary<unknown> {
  const wrongType = fc.constantFrom<unknown>(1, 0, null, true, false, ["platform"], { team: "platform" });
  switch (name) {
    case "team":
    case "to":
      return fc.oneof({ weight: 5, arbitrary: teamString }, { weight: 1, arbitrary: wrongType });
    case "repos":
      return fc.oneof({ weight: 4, arbitrary: reposString }, { weight: 4, arbitrary: reposArray }, { weight: 1, arbitrary: wrongType });
    case "force":
      return fc.oneof({ weight: 3, arbitrary: fc.constantFrom<unknown>(...FLAGS, true, false) }, { weight: 1, arbitrary: wrongType });
    case "labels":
      return fc.oneof({ weight: 4, arbitrary: labelsString }, { weight: 4, arbitrary: labelsArray }, { weight: 1, arbitrary: wrongType });
    case "runner":
    case "name":
      return fc.oneof({ weight: 5, arbitrary: runnerWord }, { weight: 1, arbitrary: fc.constantFrom<unknown>(31, ...[null, true]) });
    case "work_folder":
      return fc.oneof({ weight: 5, arbitrary: workFolder }, { weight: 1, arbitrary: wrongType });
  }
}

const hostile = (name: ParameterName, where: "query" | "body") => (where === "query" ? queryValue(name) : bodyValue(name));

const ALL_NAMES: ParameterName[] = ["team", "repos", "force", "labels", "name", "work_folder", "runner", "to"];
/** Included usually when the operation takes it, seldom when it does not. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, usually: boolean) =>
  fc.oneof({ weight: usually ? 2 : 7, arbitrary: fc.constant(undefined) }, { weight: usually ? 3 : 1, arbitrary });

/** One arbitrary per parameter name, as a record's fields. */
const eachName = <T>(arbitrary: (name: ParameterName) => fc.Arbitrary<T>) =>
  Object.fromEntries(ALL_NAMES.map((name) => [name, arbitrary(name)])) as Record<ParameterName, fc.Arbitrary<T>>;

function generated(op: Operation): fc.Arbitrary<Generated> {
  const takes = (name: string) => op.query.has(name);
  const queryParts = fc.record({
    ...eachName((name) => sometimes(queryValue(name), takes(name))),
    other: sometimes(
      fc.tuple(fc.constantFrom("unknown", "Team", "team[]", "TEAM", "repo", "__proto__"), fc.constantFrom("x", "platform", "")),
      false,
    ),
  });
  const bodyParts = fc.record({
    ...eachName((name) => sometimes(bodyValue(name), name === "team" || takes(name))),
    // properties the description does not name (it allows them)
    other: sometimes(fc.tuple(fc.constantFrom("unknown", "Team", "__proto__", "constructor"), fc.jsonValue({ maxDepth: 1 })), false),
  });
  const json = fc.oneof(
    {
      weight: 12,
      arbitrary: bodyParts.map((parts) => {
        const object: Record<string, unknown> = {};
        for (const name of ALL_NAMES) if (parts[name] !== undefined) object[name] = parts[name];
        if (parts.other)
          Object.defineProperty(object, parts.other[0], { value: parts.other[1], enumerable: true, writable: true, configurable: true });
        return object;
      }),
    },
    { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }) },
  );
  return fc
    .record({
      query: queryParts,
      contentType: fc.oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        { weight: 6, arbitrary: fc.constant("application/json") },
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/json;foo=bar",
            "text/plain",
            "text/plain;charset=UTF-8",
            "application/x-www-form-urlencoded",
            "application/merge-patch+json",
            "multipart/form-data; boundary=x",
            "application/jsonp",
            "",
          ),
        },
      ),
      sendsBody: fc.boolean(),
      chunked: fc.boolean(),
      zeroLength: fc.boolean(),
      json,
    })
    .map(({ query: parts, ...rest }) => {
      const query: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
      for (const name of ALL_NAMES) if (parts[name] !== undefined) query[name] = parts[name];
      if (parts.other) query[parts.other[0]] = parts.other[1];
      return { op, query, ...rest };
    });
}

/**
 * Requests that follow the description, each parameter in one place: accepted, and for the right reasons. With
 * `faults`, a parameter's value is now and then one of the hostile ones: a single fault in an otherwise good request.
 */
function wellFormed(op: Operation, faults: boolean): fc.Arbitrary<Generated> {
  const names = [...op.query.keys()] as ParameterName[];
  const valid = (name: ParameterName, where: "query" | "body"): fc.Arbitrary<unknown> => {
    if (name === "team" || name === "to") return padded(slug);
    if (name === "force")
      return where === "query" ? fc.constantFrom("true", "false", "1", "0") : fc.constantFrom<unknown>(true, false, "true", "0", "");
    if (name === "runner" || name === "name")
      return padded(fc.string({ unit: fc.constantFrom(...SLUG_CHARS), minLength: 1, maxLength: 10 }));
    if (name === "work_folder") return fc.constantFrom("_work", "work/a", "a.b/c_d-e");
    const names = fc.array(padded(fc.string({ unit: fc.constantFrom(...SLUG_CHARS), minLength: 1, maxLength: 10 })), {
      minLength: 1,
      maxLength: 5,
      // labels are refused when given twice; repository names are merged
      ...(name === "labels" ? { selector: (text: string) => text.trim().toLowerCase() } : {}),
    });
    return where === "query"
      ? names.map((list) => list.join(","))
      : fc.oneof(
          names,
          names.map((list) => list.join(", ")),
        );
  };
  return fc
    .record({
      places: fc.tuple(
        ...names.map(() => fc.constantFrom<"query" | "body">(...(op.body ? (["query", "body"] as const) : (["query"] as const)))),
      ),
      keep: fc.tuple(...names.map((name) => (V1_PARAMETERS[op.route].required.includes(name as never) ? fc.constant(true) : fc.boolean()))),
      contentType: fc.constantFrom(undefined, "application/json", "application/json; charset=utf-8"),
      chunked: fc.boolean(),
    })
    .chain(({ places, keep, contentType, chunked }) =>
      fc
        .tuple(...names.map((name, i) => (faults ? fc.oneof(valid(name, places[i]!), hostile(name, places[i]!)) : valid(name, places[i]!))))
        .map((chosen) => {
          const query: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
          const json: Record<string, unknown> = {};
          names.forEach((name, i) => {
            if (!keep[i]) return;
            if (places[i] === "query") query[name] = chosen[i] as string;
            else json[name] = chosen[i];
          });
          const sendsBody = Object.keys(json).length > 0;
          return {
            op,
            query,
            contentType: sendsBody ? "application/json" : contentType && op.body ? contentType : undefined,
            sendsBody,
            chunked,
            zeroLength: false,
            json,
          };
        }),
    );
}

const mediaTypeOf = (contentType: string | undefined) => contentType?.split(";")[0]!.trim().toLowerCase();

/** The request as Express hands it over: express.json() (types application/json and application/*+json, as in src/app.ts) has read the body. */
function rawRequest(g: Generated): RawRequest {
  const headers: Record<string, string> = {};
  if (g.contentType !== undefined) headers["content-type"] = g.contentType;
  const text = JSON.stringify(g.json);
  if (g.sendsBody && g.chunked) headers["transfer-encoding"] = "chunked";
  else if (g.sendsBody) headers["content-length"] = String(Buffer.byteLength(text));
  else if (g.zeroLength) headers["content-length"] = "0";
  const mediaType = mediaTypeOf(g.contentType);
  const readByExpressJson = mediaType === "application/json" || /^application\/[^/]+\+json$/.test(mediaType ?? "");
  let body: unknown;
  if (readByExpressJson && g.sendsBody) body = JSON.parse(text);
  else if (readByExpressJson && g.zeroLength) body = {}; // body-parser's answer for an empty JSON body
  return { method: g.op.method, query: g.query, body, headers };
}

// ---------------------------------------------------------------------------------------------------------
// The oracle

type Verdict = { ok: true } | { ok: false; status: 400 | 415; why: string };
const OK: Verdict = { ok: true };
const refuse = (status: 400 | 415, why: string): Verdict => ({ ok: false, status, why });

/**
 * What openapi.yaml says, read as follows where ajv alone cannot see it:
 * - an operation takes only the query parameters it lists (as express-openapi-validator had it, with
 *   allowUnknownQueryParameters false);
 * - a query parameter may not be empty (`?force=`): OpenAPI's allowEmptyValue, false unless said;
 * - a repeated query parameter arrives as an array, which a `type: string` schema refuses;
 * - an operation without a requestBody takes no content; one with a requestBody takes only its media types
 *   (application/json, any parameters such as charset), whenever content or a Content-Type is sent (415),
 *   and the content must match the schema.
 * Checked in this order, so that the status is the one the parser gives first (the media type, then the rest).
 */
const HOW_THE_DESCRIPTION_IS_READ = (g: Generated): Verdict => {
  const { op } = g;
  if (!op.body) {
    if (g.sendsBody) return refuse(400, "content on an operation without requestBody");
  } else if (g.sendsBody || g.contentType !== undefined) {
    if (!op.body.mediaTypes.includes(mediaTypeOf(g.contentType) ?? "")) return refuse(415, "a media type the requestBody does not list");
    if (g.sendsBody && !op.body.validate(g.json)) return refuse(400, "content the requestBody's schema refuses");
  }
  for (const [name, value] of Object.entries(g.query)) {
    const parameter = op.query.get(name);
    if (!parameter) return refuse(400, `query parameter ${name} not listed`);
    if (value === "" && !parameter.allowEmptyValue) return refuse(400, `query parameter ${name} empty`);
    if (!parameter.validate(value)) return refuse(400, `query parameter ${name}: its schema refuses it`);
  }
  return OK;
};

/** Where each parameter was found, once the description has accepted the request. */
function values(g: Generated): { query: Record<string, unknown>; body: Record<string, unknown> } {
  const body = g.op.body && g.sendsBody ? (g.json as Record<string, unknown>) : {};
  return { query: g.query, body };
}

const NAME_WITH_INNER_SPACE = /\S\s+\S/;

/** The parser's rules beyond the description, each with its number in parseV1Request's comment. */
const EXTRA_RULES: Array<[string, (g: Generated) => Verdict]> = [
  [
    "1. the route's required parameters are given, in the query string or in the body",
    (g) => {
      const { query, body } = values(g);
      for (const name of V1_PARAMETERS[g.op.route].required) {
        const value = Object.hasOwn(query, name) ? query[name] : body[name];
        if (value === undefined || value === "") return refuse(400, `${name} missing`);
      }
      return OK;
    },
  ],
  [
    "2. not both in the query string and in the body",
    (g) => {
      const { query, body } = values(g);
      const both = V1_PARAMETERS[g.op.route].accepts.find((name) => Object.hasOwn(query, name) && Object.hasOwn(body, name));
      return both ? refuse(400, `${both} in both places`) : OK;
    },
  ],
  [
    "3.–5. repos: at least one name; in the comma-separated form each at most 100 characters, no whitespace inside, at most 1000 distinct; never . or ..",
    (g) => {
      if (!V1_PARAMETERS[g.op.route].accepts.some((name) => name === "repos")) return OK;
      const { query, body } = values(g);
      const value = Object.hasOwn(query, "repos") ? query.repos : body.repos;
      if (typeof value !== "string" && !Array.isArray(value)) return OK; // rule 1's, or the description's
      const entries = (typeof value === "string" ? value.split(",") : value) as string[];
      const names = entries.map((entry) => entry.trim()).filter((name) => name !== "");
      if (names.length === 0) return refuse(400, "repos has no name");
      if (names.some((name) => name === "." || name === "..")) return refuse(400, "repos holds . or ..");
      if (typeof value === "string") {
        if (entries.some((entry) => entry.length > 100)) return refuse(400, "a name over 100 characters");
        if (names.some((name) => NAME_WITH_INNER_SPACE.test(name))) return refuse(400, "a name with whitespace inside");
        if (new Set(names.map((name) => name.toLowerCase())).size > 1000) return refuse(400, "over 1000 names");
      }
      return OK;
    },
  ],
  [
    "6. labels, when given: at least one; in the comma-separated form each at most 64 characters, no whitespace inside, at most 100; none twice",
    (g) => {
      const { query, body } = values(g);
      const value = Object.hasOwn(query, "labels") ? query.labels : body.labels;
      if (!V1_PARAMETERS[g.op.route].accepts.some((name) => name === "labels") || value === undefined) return OK;
      if (typeof value !== "string" && !Array.isArray(value)) return OK; // the description's
      const entries = (typeof value === "string" ? value.split(",") : value) as string[];
      const labels = entries.map((entry) => entry.trim()).filter((label) => label !== "");
      if (typeof value === "string") {
        if (entries.some((entry) => entry.length > 64)) return refuse(400, "a label over 64 characters");
        if (labels.some((label) => NAME_WITH_INNER_SPACE.test(label))) return refuse(400, "a label with whitespace inside");
      }
      if (new Set(labels.map((label) => label.toLowerCase())).size < labels.length) return refuse(400, "a label twice");
      if (labels.length === 0) return refuse(400, "labels has no label");
      if (labels.length > 100) return refuse(400, "over 100 labels");
      return OK;
    },
  ],
];

function oracle(g: Generated): Verdict {
  const described = HOW_THE_DESCRIPTION_IS_READ(g);
  if (!described.ok) return described;
  for (const [rule, check] of EXTRA_RULES) {
    const verdict = check(g);
    if (!verdict.ok) return { ...verdict, why: `${rule}: ${verdict.why}` };
  }
  return OK;
}

/** The input an accepted request must give. */
function expectedInput(g: Generated): Partial<Inputs> {
  const { query, body } = values(g);
  const value = (name: ParameterName) => (Object.hasOwn(query, name) ? query[name] : body[name]);
  const expected: Partial<Inputs> = {};
  for (const name of V1_PARAMETERS[g.op.route].accepts) {
    const given = value(name);
    if (name === "team") expected.team = (given as string).trim().toLowerCase();
    if (name === "force") expected.force = given === true || given === "true" || given === "1";
    if (name === "to") expected.to = (given as string).trim().toLowerCase();
    if (name === "runner") expected.runner = (given as string).trim();
    if (name === "name") expected.name = given === undefined ? undefined : (given as string).trim();
    if (name === "work_folder") expected.work_folder = given as string | undefined;
    if (name === "labels") {
      const entries = given === undefined ? [] : ((typeof given === "string" ? given.split(",") : given) as string[]);
      expected.labels = entries.map((entry) => entry.trim()).filter(Boolean);
    }
    if (name === "repos") {
      const entries = (typeof given === "string" ? given.split(",") : given) as string[];
      const byKey = new Map<string, string>();
      for (const name of entries.map((entry) => entry.trim()).filter(Boolean)) byKey.set(name.toLowerCase(), name);
      expected.repos = [...byKey.values()];
    }
  }
  return expected;
}

// ---------------------------------------------------------------------------------------------------------
// The property

/** Words that belong to a validator or a regular expression, not to a message for a person. */
const JARGON = /must match pattern|must NOT have|oneOf|request\/|query\/|body\/|\[A-Za-z|\^|\\s|\$"/;

function show(g: Generated): string {
  const cut = (value: unknown) => {
    const text = JSON.stringify(value);
    return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text;
  };
  return `${g.op.method} /api/v1/${g.op.route} query=${cut({ ...g.query })} content-type=${String(g.contentType)} sendsBody=${g.sendsBody} json=${cut(g.json)}`;
}

describe("parseV1Request against openapi.yaml, property-based", () => {
  for (const op of OPERATIONS) {
    test(`${op.method} /api/v1/${op.route}: the parser accepts exactly what the description and the extra rules accept`, () => {
      let accepted = 0;
      fc.assert(
        fc.property(fc.oneof(generated(op), wellFormed(op, false), wellFormed(op, true)), (g) => {
          const expected = oracle(g);
          let outcome: { ok: true; input: unknown } | { ok: false; error: AppError };
          try {
            outcome = { ok: true, input: parseV1Request(op.route, rawRequest(g)) };
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            outcome = { ok: false, error };
          }
          if (expected.ok) {
            assert.ok(outcome.ok, `the oracle accepts, the parser refuses with "${outcome.ok ? "" : outcome.error.message}": ${show(g)}`);
            assert.deepEqual(outcome.input, expectedInput(g), show(g));
            accepted++;
          } else {
            assert.ok(!outcome.ok, `the parser accepts, the oracle refuses (${expected.why}): ${show(g)}`);
            const { error } = outcome;
            assert.equal(error.status, expected.status, `status for ${expected.why}: "${error.message}": ${show(g)}`);
            // (the caller's own values, quoted, may hold anything)
            assert.doesNotMatch(error.message.replace(/"(?:[^"\\]|\\.)*"/g, '""'), JARGON, show(g));
            assert.match(error.message, /^[A-Z]/, "a sentence");
          }
        }),
        { numRuns: 500 },
      );
      // the generators must not drift into refusing everything
      assert.ok(accepted >= 50, `only ${accepted} generated requests were accepted`);
    });
  }
});
