/**
 * Every parameter of every /api/v1 route, given wrongly in every way we can think of, in the query string and
 * in a JSON body: the answer is a 400 whose message names the parameter and says what is expected, in a
 * sentence, with no regular expression and no validator's words in it. (Which requests are refused at all is
 * held to openapi.yaml by parse-contract.test.ts; exact wordings by parse.test.ts.)
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AppError } from "../../../src/domain/errors.js";
import { parseV1Request, V1_PARAMETERS, type ParameterName, type RawRequest, type V1RouteName } from "../../../src/http/parse.js";

/** Wrong values of each parameter; `body` ones only in a JSON body (they are not strings). */
const BAD: Record<ParameterName, { query: string[]; body: unknown[] }> = {
  team: { query: ["-platform", "pl atform", "x".repeat(101), "plat/form", "platförm", "_"], body: [42, true, null, ["platform"], {}] },
  to: { query: ["-data", "da ta", "x".repeat(101), "da/ta"], body: [3, false, ["data"]] },
  repos: {
    query: ["../etc", "a b", "x".repeat(101), ".", "..", "api,we b", ", ,", Array.from({ length: 1001 }, (_, i) => `r${i}`).join(",")],
    body: [7, true, {}, [7], ["ok", null], Array.from({ length: 1001 }, (_, i) => `r${i}`), [" ", ""]],
  },
  force: { query: ["yes", "2", "TRUE ", "on", ""], body: [1, "yes", [], {}] },
  labels: {
    query: ["a b", "x".repeat(65), "gpu,GPU", "a/b", ",", Array.from({ length: 101 }, (_, i) => `l${i}`).join(",")],
    body: [5, {}, [1], ["gpu", "GPU"], Array.from({ length: 101 }, (_, i) => `l${i}`)],
  },
  name: { query: ["a b", "x".repeat(65), "a/b", ""], body: [5, [], {}] },
  work_folder: { query: ["/abs", "../up", "a/../b", "a b", "x".repeat(201), ""], body: [5, ["a"]] },
  runner: { query: ["a b", "x".repeat(65), "a/b", ""], body: [12, {}] },
};

/** Values that make each parameter right, so that only the one under test is wrong. */
const GOOD: Record<ParameterName, string> = {
  team: "platform",
  to: "data",
  repos: "api",
  force: "true",
  labels: "gpu",
  name: "gpu-1",
  work_folder: "_work",
  runner: "platform-gpu-1",
};

/** What a regular expression or a validator writes, and a person does not. */
const REGEX_SYNTAX = /\^|\$|\[[a-zA-Z0-9]-|\\[dswDSWb]|\(\?|\.\*|\.\+|\{\d+,\d*\}|\/[^/\s]+\/[gimsuy]*(?:\s|$)/;
const VALIDATOR_JARGON =
  /must match|must NOT|pattern|regex|schema|oneOf|anyOf|instancePath|Invalid input|Expected \w+, received|allowed values|enum/i;
/** Saying what is expected: what it must be, what to give, a bound, or (the Go original's words) that it is required. */
const SAYS_EXPECTED = /must be|must hold|\bgive\b|\bat most\b|takes only|Missing required parameter: /;

function request(route: V1RouteName, name: ParameterName, value: unknown, inBody: boolean): RawRequest {
  const { required, bodyMethods } = V1_PARAMETERS[route] as { required: readonly ParameterName[]; bodyMethods: readonly string[] };
  const others = Object.fromEntries(required.filter((other) => other !== name).map((other) => [other, GOOD[other]]));
  if (!inBody) return { method: "GET", query: { ...others, [name]: value }, body: undefined, headers: {} };
  const body = { ...others, [name]: value };
  const text = JSON.stringify(body);
  return {
    method: bodyMethods[0]!,
    query: {},
    body,
    headers: { "content-type": "application/json", "content-length": String(text.length) },
  };
}

function refusal(route: V1RouteName, req: RawRequest): AppError {
  try {
    parseV1Request(route, req);
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    return error;
  }
  assert.fail(`accepted: ${route} ${JSON.stringify(req.query).slice(0, 200)} ${JSON.stringify(req.body)?.slice(0, 200)}`);
}

describe("parseV1Request's refusals, parameter by parameter", () => {
  for (const [route, parameters] of Object.entries(V1_PARAMETERS) as Array<[V1RouteName, (typeof V1_PARAMETERS)[V1RouteName]]>) {
    for (const name of parameters.accepts as readonly ParameterName[]) {
      test(`${route}: a wrong ${name} is named, with what is expected, in plain words`, () => {
        const cases: Array<[unknown, boolean]> = BAD[name].query.map((value) => [value, false] as [unknown, boolean]);
        if (parameters.bodyMethods.length > 0) {
          cases.push(...BAD[name].query.map((value) => [value, true] as [unknown, boolean]));
          cases.push(...BAD[name].body.map((value) => [value, true] as [unknown, boolean]));
        }
        for (const [value, inBody] of cases) {
          const shown = `${inBody ? "body" : "query"} ${name}=${JSON.stringify(value)?.slice(0, 80)}`;
          // an empty optional value in the query is refused; in the body, "" means false for force and is fine
          if (inBody && name === "force" && value === "") continue;
          const error = refusal(route, request(route, name, value, inBody));
          assert.equal(error.status, 400, `${shown}: ${error.message}`);
          // the caller's own value, quoted, may hold anything
          const ours = error.message.replace(/"(?:[^"\\]|\\.)*"/g, '""');
          assert.match(ours, new RegExp(`\\b${name}\\b`), `${shown}: names the parameter: ${error.message}`);
          assert.match(ours, SAYS_EXPECTED, `${shown}: says what is expected: ${error.message}`);
          assert.doesNotMatch(ours, REGEX_SYNTAX, `${shown}: no regular expression: ${error.message}`);
          assert.doesNotMatch(ours, VALIDATOR_JARGON, `${shown}: no validator's words: ${error.message}`);
          assert.match(error.message, /^[A-Z]/, `${shown}: a sentence: ${error.message}`);
          assert.ok(!/[,:]\s*$/.test(error.message) && !/, ,|,\s*\)/.test(error.message), `${shown}: no dangling list: ${error.message}`);
        }
      });
    }
  }

  test("when a parameter is repeated, or given both in the query string and in the body, then the answer names it and says to give it once", () => {
    for (const [route, parameters] of Object.entries(V1_PARAMETERS) as Array<[V1RouteName, (typeof V1_PARAMETERS)[V1RouteName]]>) {
      for (const name of parameters.accepts as readonly ParameterName[]) {
        const query = { ...Object.fromEntries(parameters.required.map((other) => [other, GOOD[other]])), [name]: [GOOD[name], GOOD[name]] };
        const repeated = refusal(route, { method: "GET", query, body: undefined, headers: {} });
        assert.equal(repeated.message, `Parameter ${name} is given more than once: give it once`);
        if (parameters.bodyMethods.length === 0) continue;
        const body = { [name]: GOOD[name] };
        const text = JSON.stringify(body);
        const twice = refusal(route, {
          method: parameters.bodyMethods[0],
          query: { ...Object.fromEntries(parameters.required.map((other) => [other, GOOD[other]])), [name]: GOOD[name] },
          body,
          headers: { "content-type": "application/json", "content-length": String(text.length) },
        });
        assert.equal(twice.message, `Parameter ${name} is given both in the query string and in the body: give it in one place`);
      }
    }
  });

  test("when the checks meet the old answers the issue quoted, then they catch them", () => {
    const old = [
      'Parameter team must match pattern "^[A-Za-z0-9][A-Za-z0-9_.-]*$"',
      "request/query/force must be equal to one of the allowed values: true, false, 1, 0, ",
      "Invalid input: expected string, received number",
    ];
    for (const message of old) {
      const ours = message.replace(/"(?:[^"\\]|\\.)*"/g, '""');
      assert.ok(REGEX_SYNTAX.test(ours) || VALIDATOR_JARGON.test(ours) || REGEX_SYNTAX.test(message), message);
    }
  });
});
