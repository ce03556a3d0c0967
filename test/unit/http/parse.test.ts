/**
 * parseV1Request by example: what a caller gets back for each kind of mistake. (Which requests are accepted at
 * all is held to openapi.yaml by parse-contract.test.ts.)
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AppError } from "../../../src/domain/errors.js";
import { parseV1Request, type RawRequest, type V1RouteName } from "../../../src/http/parse.js";

function request(
  method: string,
  query: Record<string, string | string[]>,
  body?: unknown,
  headers: Record<string, string> = {},
): RawRequest {
  const withBody = body === undefined ? {} : { "content-type": "application/json", "content-length": String(JSON.stringify(body).length) };
  return { method, query, body, headers: { ...withBody, ...headers } };
}

function refusal(route: V1RouteName, req: RawRequest): [number, string] {
  try {
    parseV1Request(route, req);
  } catch (error) {
    assert.ok(error instanceof AppError);
    return [error.status, error.message];
  }
  assert.fail("accepted");
}

describe("parseV1Request", () => {
  test("when the parameters are right, then typed input: the slug trimmed and lowercase, names deduplicated, force a boolean", () => {
    assert.deepEqual(parseV1Request("token-register", request("GET", { team: " Platform " })), { team: "platform" });
    assert.deepEqual(parseV1Request("repos-add", request("PATCH", {}, { team: "platform", repos: ["web", "WEB", "", " api "] })), {
      team: "platform",
      repos: ["WEB", "api"],
    });
    assert.deepEqual(parseV1Request("repos-set", request("GET", { team: "platform", repos: ",api,,web," })), {
      team: "platform",
      repos: ["api", "web"],
    });
    assert.deepEqual(parseV1Request("group-delete", request("DELETE", { team: "platform" }, { force: true })), {
      team: "platform",
      force: true,
    });
    assert.deepEqual(parseV1Request("group-delete", request("GET", { team: "platform", force: "0" })), { team: "platform", force: false });
    assert.deepEqual(parseV1Request("group-delete", request("GET", { team: "platform" })), { team: "platform", force: false });
  });

  test("when a parameter is missing, then the Go original's message", () => {
    assert.deepEqual(refusal("token-register", request("GET", {})), [400, "Missing required parameter: team"]);
    assert.deepEqual(refusal("token-register", request("GET", { team: "" })), [400, "Missing required parameter: team"]);
    assert.deepEqual(refusal("repos-add", request("PATCH", { team: "platform", repos: ", ," })), [
      400,
      "Missing required parameter: repos",
    ]);
  });

  test("when a parameter is wrong, then a sentence naming it and what is expected", () => {
    const cases: Array<[V1RouteName, RawRequest, number, string]> = [
      [
        "token-register",
        request("GET", { team: "platform", tema: "x" }),
        400,
        'Unknown query parameter "tema": token-register takes only team',
      ],
      [
        "repos-add",
        request("GET", { team: "platform", repos: "api", force: "true" }),
        400,
        'Unknown query parameter "force": repos-add takes only team and repos',
      ],
      ["token-register", request("GET", { team: ["platform", "data"] }), 400, "Parameter team is given more than once: give it once"],
      [
        "token-register",
        request("POST", { team: "platform" }, { team: "data" }),
        400,
        "Parameter team is given both in the query string and in the body: give it in one place",
      ],
      [
        "token-register",
        request("GET", { team: "-platform" }),
        400,
        `Parameter team must be a team's slug: letters, digits, '-', '_' and '.', starting with a letter or digit, at most 100 characters; got "-platform"`,
      ],
      ["token-register", request("POST", {}, { team: 42 }), 400, "Parameter team must be a string: the team's slug"],
      [
        "repos-add",
        request("GET", { team: "platform", repos: "api,../etc" }),
        400,
        `Parameter repos holds "../etc", which is not a repository name: letters, digits, '-', '_' and '.' (not . or .. alone), at most 100 characters`,
      ],
      [
        "repos-add",
        request("PATCH", {}, { team: "platform", repos: { api: true } }),
        400,
        "Parameter repos must be a comma-separated string or an array of repository names",
      ],
      [
        "repos-add",
        request("PATCH", {}, { team: "platform", repos: ["api", 7] }),
        400,
        "Parameter repos must hold repository names (strings)",
      ],
      [
        "repos-add",
        request("PATCH", {}, { team: "platform", repos: Array.from({ length: 1001 }, (_, i) => `r${i}`) }),
        400,
        "Parameter repos names more than 1000 repositories: give at most 1000 per request",
      ],
      [
        "group-delete",
        request("GET", { team: "platform", force: "yes" }),
        400,
        'Parameter force must be true or false (or 1 or 0), got "yes"',
      ],
      [
        "group-delete",
        request("DELETE", {}, { team: "platform", force: 1 }),
        400,
        "Parameter force must be true or false (or 1 or 0), got the number 1",
      ],
      [
        "group-delete",
        request("GET", { team: "platform", force: "" }),
        400,
        "Parameter force is empty: give true or false (or 1 or 0), or leave it out",
      ],
    ];
    for (const [route, req, status, message] of cases) assert.deepEqual(refusal(route, req), [status, message], message);
  });

  test("when the body is not what the route and method take, then 400, or 415 for a type other than JSON", () => {
    assert.deepEqual(refusal("token-register", request("GET", {}, { team: "platform" })), [
      400,
      "GET /api/v1/token-register takes no body: send the parameters in the query string, or use POST with a JSON body",
    ]);
    assert.deepEqual(refusal("group-list", request("GET", {}, { team: "platform" })), [
      400,
      "GET /api/v1/group-list takes no body: send the parameters in the query string",
    ]);
    assert.deepEqual(refusal("token-register", request("POST", {}, ["platform"])), [
      400,
      'The body must be a JSON object of parameters, such as {"team": "platform"}',
    ]);
    const query = "send the parameters in the query string, or as a JSON body with Content-Type: application/json";
    assert.deepEqual(refusal("token-register", request("POST", {}, undefined, { "content-type": "text/plain", "content-length": "13" })), [
      415,
      `Content-Type "text/plain" is not accepted: ${query}`,
    ]);
    assert.deepEqual(refusal("token-register", request("POST", {}, undefined, { "content-length": "13" })), [
      415,
      `The body has no Content-Type: ${query}`,
    ]);
  });

  test("when the body carries properties the route does not take, then they are ignored, as openapi.yaml allows", () => {
    assert.deepEqual(parseV1Request("token-register", request("POST", {}, { team: "platform", note: "ci" })), { team: "platform" });
  });
});
