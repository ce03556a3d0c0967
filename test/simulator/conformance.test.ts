/**
 * Conformance: the simulator answers as GitHub's own OpenAPI description (@octokit/openapi) says.
 *
 * Every call goes through `ConformanceClient`, which checks both sides of it systematically:
 * - the request (path and query parameters, JSON body) against the operation's description, so the
 *   scenario is a faithful client; requests that break it on purpose must say so (`deliberatelyInvalid`);
 * - the answer: a status the operation documents → its schema for that status and media type (204: no body);
 *   any other status → an entry of src/simulator/undocumented-answers.ts, and that entry's error schema.
 * The scenario runs twice: against api.github.com's description, and under /api/v3, as GHES 3.19, against GHES 3.19's.
 */
import assert from "node:assert/strict";
import { sign } from "node:crypto";
import { before, describe, test, type TestContext } from "node:test";
import type { Endpoints } from "@octokit/types";
import { createSimulator, DEMO_TOKENS, SERVED_ROUTES, type Simulator } from "../../src/simulator/index.js";
import { UNDOCUMENTED_ANSWERS, undocumentedAnswer } from "../../src/simulator/undocumented-answers.js";
import { loadGitHubOpenApi, type DescriptionName, type GitHubOpenApi } from "../helpers/github-openapi.js";

const ORIGIN = "http://sim.test";
const ORG = "acme";
const REPOSITORY_MEDIA_TYPE = "application/vnd.github.v3.repository+json";
/** demo seed: repositories api, web, docs, warehouse, infra */
const REPO = { api: 9001, web: 9002, docs: 9003, warehouse: 9004, infra: 9005 } as const;

type Route = keyof Endpoints;
type Data<R extends Route> = Endpoints[R]["response"]["data"];

interface ErrorBody {
  message: string;
  documentation_url: string;
  status?: string;
  errors?: Array<Record<string, unknown>>;
}

interface CallOptions {
  path?: Record<string, string | number>;
  query?: Record<string, string | number>;
  /** a JSON body, checked against the operation's requestBody */
  body?: unknown;
  /** sent as is instead of `body` */
  rawBody?: string;
  /** the Authorization header; null sends none; the client's default when left out */
  auth?: string | null;
  accept?: string;
  /** the request breaks the operation's description on purpose: the request check must find a problem */
  deliberatelyInvalid?: boolean;
}

interface Answer<R extends Route> {
  status: number;
  headers: Headers;
  text: string;
  /** the body as the operation's success type (meaningful for 2xx) */
  data: Data<R>;
  /** the body as GitHub's error body (meaningful for 4xx/5xx) */
  error: ErrorBody;
}

const token = (value: string) => `token ${value}`;
const bearer = (value: string) => `Bearer ${value}`;

/** An App JWT as @octokit/auth-app signs it: RS256, iat 30 s back, exp 9 minutes ahead. */
function appJwt(sim: Simulator): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${part({ alg: "RS256", typ: "JWT" })}.${part({ iat: now - 30, exp: now + 540, iss: sim.state.app.id })}`;
  return `${input}.${sign("RSA-SHA256", Buffer.from(input), sim.appPrivateKey!).toString("base64url")}`;
}

/** A fetch client for the simulator that checks every request and answer against a GitHub description. */
class ConformanceClient {
  auth: string | undefined;
  /** routes that answered 2xx to a request that fits the description */
  readonly succeeded = new Set<string>();
  /** served routes this description lacks: reported, not failed (only the GHES description could lack one) */
  readonly undescribed = new Set<string>();

  constructor(
    readonly sim: Simulator,
    readonly api: GitHubOpenApi,
  ) {}

  async call<R extends Route>(route: R, options: CallOptions = {}): Promise<Answer<R>> {
    const [method, template] = route.split(" ") as [string, string];
    const described = this.api.hasRoute(route);
    if (!described) this.undescribed.add(route);
    else this.checkRequest(route, options);

    const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const value = options.path?.[name];
      if (value === undefined) throw new Error(`${route}: no value for {${name}}`);
      return encodeURIComponent(String(value));
    });
    const query = new URLSearchParams(Object.entries(options.query ?? {}).map(([k, v]): [string, string] => [k, String(v)])).toString();
    const headers: Record<string, string> = {
      accept: options.accept ?? "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
    };
    const auth = options.auth === undefined ? this.auth : options.auth;
    if (auth !== undefined && auth !== null) headers.authorization = auth;
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers["content-type"] = "application/json; charset=utf-8";

    const response = await this.sim.fetch(`${ORIGIN}${this.sim.pathPrefix}${path}${query ? `?${query}` : ""}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    const parsed: unknown = text === "" ? undefined : JSON.parse(text);
    const journaled = this.sim.journal().at(-1);
    assert.deepEqual(
      { route: journaled?.route, path: journaled?.path },
      { route, path },
      "the simulator matched another route than the one called",
    );
    assert.equal(
      response.headers.get("x-github-enterprise-version"),
      this.sim.enterpriseVersion ?? null,
      `${route}: GHES names its release`,
    );
    if (described) this.checkAnswer(route, response.status, response.headers.get("content-type"), text, parsed);
    if (response.status < 300 && !options.deliberatelyInvalid) this.succeeded.add(route);
    return { status: response.status, headers: response.headers, text, data: parsed as Data<R>, error: parsed as ErrorBody };
  }

  private checkRequest(route: string, options: CallOptions): void {
    let body: unknown = options.body;
    const problems = this.api.checkParameters(route, { path: options.path, query: options.query });
    if (options.rawBody !== undefined) {
      try {
        body = JSON.parse(options.rawBody);
      } catch {
        problems.push("the body is not JSON");
      }
    }
    problems.push(...this.api.checkRequestBody(route, body));
    if (options.deliberatelyInvalid)
      assert.notDeepEqual(problems, [], `${route}: meant as an invalid request, but ${this.api.name} accepts it`);
    else assert.deepEqual(problems, [], `${route}: the request does not fit ${this.api.name}`);
  }

  private checkAnswer(route: string, status: number, contentType: string | null, text: string, body: unknown): void {
    const spec = this.api.response(route, status, contentType ?? undefined);
    const context = `${route} → ${status} ${text.slice(0, 300)}`;
    switch (spec.kind) {
      case "undocumented": {
        const allowed = undocumentedAnswer(route, status);
        assert.ok(
          allowed,
          `${context}: ${this.api.name} documents only ${spec.documented.join(", ")}, and undocumented-answers.ts allows no ${status}`,
        );
        assert.deepEqual(this.api.checkSchema(allowed.schema, body), [], `${context}: does not fit ${allowed.schema}`);
        return;
      }
      case "no-content":
        // GitHub describes a few error statuses without a body schema (team membership 404); it sends basic-error.
        if (status < 300 || status === 304) assert.equal(text, "", `${context}: documented without a body`);
        else assert.deepEqual(this.api.checkSchema("basic-error", body), [], `${context}: does not fit basic-error`);
        return;
      case "schema":
        assert.notEqual(body, undefined, `${context}: documented with a body, answered none`);
        assert.deepEqual(spec.check(body), [], `${context}: does not fit ${this.api.name}`);
    }
  }
}

/** What the App does first: a JWT, then an installation token that the client uses from then on. */
async function connectAsInstallation(client: ConformanceClient): Promise<void> {
  const minted = await client.call("POST /app/installations/{installation_id}/access_tokens", {
    path: { installation_id: client.sim.state.app.installationId },
    auth: bearer(appJwt(client.sim)),
  });
  assert.equal(minted.status, 201);
  client.auth = token(minted.data.token);
}

/** Page numbers of a Link header: { next: 2, last: 3, … } */
function linkPages(link: string | null): Record<string, number> {
  const pages: Record<string, number> = {};
  for (const [, url, rel] of (link ?? "").matchAll(/<([^>]+)>;\s*rel="(\w+)"/g))
    pages[rel!] = Number(new URL(url!).searchParams.get("page"));
  return pages;
}

describe("OpenAPI description checker", () => {
  const api = loadGitHubOpenApi();

  test("when the served routes are looked up, then api.github.com describes every one with that method", () => {
    assert.ok(SERVED_ROUTES.length > 0);
    assert.deepEqual(api.missingRoutes(SERVED_ROUTES), []);
  });

  test("when a route is not described, then the checker reports it, a wrong method on a known path included", () => {
    assert.deepEqual(api.missingRoutes(["GET /nope", "POST /user", "GET /user"]), ["GET /nope", "POST /user"]);
  });

  test("when a nullable field holds null, then it validates, and a non-nullable one does not", () => {
    const runner = { id: 1, name: "r", os: "linux", status: "online", busy: false, labels: [{ name: "self-hosted" }] };
    assert.deepEqual(api.checkSchema("runner", { ...runner, version: null }), []); // version: { type: string, nullable: true }
    assert.notDeepEqual(api.checkSchema("runner", { ...runner, name: null }), []);
    assert.deepEqual(api.checkSchema("nullable-simple-user", null), []);
    assert.notDeepEqual(api.checkSchema("simple-user", null), []);
  });

  test("when a body breaks a response schema or a status is not documented, then the checker says so", () => {
    const route = "GET /orgs/{org}/actions/runners/{runner_id}";
    const ok = api.response(route, 200);
    assert.equal(ok.kind, "schema");
    assert.notDeepEqual(ok.kind === "schema" ? ok.check({ id: "one" }) : [], []);
    assert.deepEqual(api.response(route, 418), { kind: "undocumented", documented: ["200"] });
    assert.deepEqual(api.response("DELETE /orgs/{org}/actions/runners/{runner_id}", 204), { kind: "no-content" });
  });

  test("when a request breaks its operation's parameters or body, then the checker says so", () => {
    const route = "GET /orgs/{org}/actions/runner-groups";
    assert.deepEqual(api.checkParameters(route, { path: { org: ORG }, query: { per_page: 2, page: 1 } }), []);
    assert.equal(api.checkParameters(route, { path: {}, query: { per_page: "many", sort: "name" } }).length, 3);
    assert.deepEqual(api.checkRequestBody("POST /orgs/{org}/actions/runner-groups", undefined), [
      "POST /orgs/{org}/actions/runner-groups requires a request body",
    ]);
    assert.notDeepEqual(api.checkRequestBody("POST /orgs/{org}/actions/runner-groups", { name: "x", visibility: "everyone" }), []);
  });
});

describe("undocumented-answers.ts", () => {
  const api = loadGitHubOpenApi();

  test("when the list is read, then every entry says when and why, with evidence", () => {
    for (const entry of UNDOCUMENTED_ANSWERS) {
      assert.ok(entry.evidence.trim().length > 0, `${entry.status}: no evidence`);
      assert.ok(entry.when.trim().length > 0, `${entry.status}: no 'when'`);
    }
  });

  test("when the list names routes, then each is a served route, and each schema exists in the description", () => {
    const served = new Set(SERVED_ROUTES);
    const named = UNDOCUMENTED_ANSWERS.flatMap((entry) => (entry.routes === "*" ? [] : entry.routes));
    assert.deepEqual(
      named.filter((route) => !served.has(route)),
      [],
    );
    for (const entry of UNDOCUMENTED_ANSWERS)
      assert.notDeepEqual(api.checkSchema(entry.schema, {}), [`${api.name} has no schema ${entry.schema}`]);
  });
});

interface Target {
  description: DescriptionName;
  pathPrefix: string;
  /** the GHES release the simulator plays, for a GHES description */
  enterpriseVersion?: string;
}

/** The product's whole conversation with GitHub, step by step on one simulator; every call is checked by the client. */
function defineScenario(target: Target): void {
  describe(`scenario against ${target.description}${target.pathPrefix ? ` under ${target.pathPrefix}` : ""}`, () => {
    let client: ConformanceClient;
    let groupId = 0;
    let jitRunnerId = 0;
    const org = { org: ORG };
    const group = () => ({ org: ORG, runner_group_id: groupId });

    before(async () => {
      const sim = createSimulator({
        pathPrefix: target.pathPrefix,
        ...(target.enterpriseVersion === undefined ? {} : { enterpriseVersion: target.enterpriseVersion }),
      });
      client = new ConformanceClient(sim, loadGitHubOpenApi(target.description));
      await connectAsInstallation(client);
    });

    test("when the App asks for itself with its JWT, then GET /app answers 200 with its id and slug", async () => {
      const res = await client.call("GET /app", { auth: bearer(appJwt(client.sim)) });
      assert.equal(res.status, 200);
      assert.equal(res.data?.id, 424242);
      assert.equal(res.data?.slug, "actions-runner-manager");
    });

    test("when the App reads its installation by id and by organization, then both are installation 4242 on acme", async () => {
      const jwt = bearer(appJwt(client.sim));
      const byId = await client.call("GET /app/installations/{installation_id}", { path: { installation_id: 4242 }, auth: jwt });
      const byOrg = await client.call("GET /orgs/{org}/installation", { path: org, auth: jwt });
      assert.equal(byId.status, 200);
      assert.equal(byOrg.status, 200);
      assert.equal(byId.data.id, 4242);
      assert.equal(byOrg.data.id, 4242);
      assert.equal((byOrg.data.account as { login?: string } | null)?.login, ORG);
      assert.equal(byId.data.access_tokens_url, `${ORIGIN}${target.pathPrefix}/app/installations/4242/access_tokens`);
    });

    test("when the App mints an installation token, then 201 with a ghs_ token that expires in an hour", async () => {
      const res = await client.call("POST /app/installations/{installation_id}/access_tokens", {
        path: { installation_id: 4242 },
        auth: bearer(appJwt(client.sim)),
      });
      assert.equal(res.status, 201);
      assert.match(res.data.token, /^ghs_[A-Za-z0-9]{36}$/);
      const lifetime = Date.parse(res.data.expires_at) - Date.now();
      assert.ok(lifetime > 59 * 60_000 && lifetime <= 60 * 60_000, `expires in ${lifetime} ms`);
    });

    test("when alice reads her own membership of the organization, then 200 active member, and 404 for someone outside it", async () => {
      const res = await client.call("GET /user/memberships/orgs/{org}", { path: org, auth: token(DEMO_TOKENS.alice) });
      assert.equal(res.status, 200);
      assert.equal(res.data.state, "active");
      assert.equal(res.data.role, "member");
      assert.equal(res.data.organization.login, ORG);
      assert.equal(res.data.user?.login, "alice");
      const owner = await client.call("GET /user/memberships/orgs/{org}", { path: org, auth: token(DEMO_TOKENS.erin) });
      assert.equal(owner.data.role, "admin");
      const elsewhere = await client.call("GET /user/memberships/orgs/{org}", {
        path: { org: "other-org" },
        auth: token(DEMO_TOKENS.alice),
      });
      assert.equal(elsewhere.status, 404);
    });

    test("when alice asks who she is, then GET /user answers 200 with her login", async () => {
      const res = await client.call("GET /user", { auth: token(DEMO_TOKENS.alice) });
      assert.equal(res.status, 200);
      assert.equal(res.data.login, "alice");
    });

    test("when the installation reads alice's team membership, then 200 maintainer, active", async () => {
      const res = await client.call("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", {
        path: { org: ORG, team_slug: "platform", username: "alice" },
      });
      assert.equal(res.status, 200);
      assert.deepEqual({ role: res.data.role, state: res.data.state }, { role: "maintainer", state: "active" });
    });

    test("when the installation reads a team, then 200 with its slug and no parent (a top-level team)", async () => {
      const res = await client.call("GET /orgs/{org}/teams/{team_slug}", { path: { org: ORG, team_slug: "platform" } });
      assert.equal(res.status, 200);
      assert.deepEqual([res.data.id, res.data.slug, res.data.parent], [7001, "platform", null]);
      assert.equal(res.data.members_count, 2, "alice and bob; carol's invitation is pending");
    });

    test("when the team's repositories are listed, then 200 with the team's role on each", async () => {
      const res = await client.call("GET /orgs/{org}/teams/{team_slug}/repos", {
        path: { org: ORG, team_slug: "platform" },
        query: { per_page: 100, page: 1 },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.data.map((r) => [r.name, r.role_name]),
        [
          ["api", "write"],
          ["web", "admin"],
          ["docs", "read"],
        ],
      );
    });

    test("when the team's permission on a repository is checked with the repository media type, then 200 with permissions", async () => {
      const res = await client.call("GET /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}", {
        path: { org: ORG, team_slug: "platform", owner: ORG, repo: "api" },
        accept: REPOSITORY_MEDIA_TYPE,
      });
      assert.equal(res.status, 200);
      assert.equal(res.data.full_name, "acme/api");
      assert.deepEqual(res.data.permissions, { admin: false, maintain: false, push: true, triage: true, pull: true });
    });

    test("when the team's permission is checked without that media type, then 204 and no body", async () => {
      const res = await client.call("GET /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}", {
        path: { org: ORG, team_slug: "platform", owner: ORG, repo: "api" },
      });
      assert.equal(res.status, 204);
      assert.equal(res.text, "");
    });

    test("when alice reads a repository of her team, then GET /repos answers 200 with her permissions", async () => {
      const res = await client.call("GET /repos/{owner}/{repo}", { path: { owner: ORG, repo: "web" }, auth: token(DEMO_TOKENS.alice) });
      assert.equal(res.status, 200);
      assert.equal(res.data.id, REPO.web);
      assert.equal(res.data.permissions?.admin, true);
    });

    test("when a runner group is created with selected repositories, then 201 with visibility selected", async () => {
      const res = await client.call("POST /orgs/{org}/actions/runner-groups", {
        path: org,
        body: { name: "platform", visibility: "selected", selected_repository_ids: [REPO.api], allows_public_repositories: false },
      });
      assert.equal(res.status, 201);
      assert.equal(res.data.name, "platform");
      assert.equal(res.data.visibility, "selected");
      assert.equal(res.data.default, false);
      groupId = res.data.id;
      assert.equal(
        res.data.selected_repositories_url,
        `${ORIGIN}${target.pathPrefix}/orgs/acme/actions/runner-groups/${groupId}/repositories`,
      );
    });

    test("when groups are listed a page at a time, then total_count counts all and Link leads from page to page", async () => {
      const first = await client.call("GET /orgs/{org}/actions/runner-groups", { path: org, query: { per_page: 2, page: 1 } });
      assert.equal(first.status, 200);
      assert.equal(first.data.total_count, 3);
      assert.deepEqual(
        first.data.runner_groups.map((g) => g.id),
        [1, 2],
      );
      assert.deepEqual(linkPages(first.headers.get("link")), { next: 2, last: 2 });
      const second = await client.call("GET /orgs/{org}/actions/runner-groups", {
        path: org,
        query: { per_page: 2, page: linkPages(first.headers.get("link")).next! },
      });
      assert.deepEqual(
        second.data.runner_groups.map((g) => g.name),
        ["platform"],
      );
      assert.deepEqual(linkPages(second.headers.get("link")), { prev: 1, first: 1 });
    });

    test("when the group is read and renamed, then GET and PATCH answer 200 with its current name", async () => {
      const got = await client.call("GET /orgs/{org}/actions/runner-groups/{runner_group_id}", { path: group() });
      assert.equal(got.status, 200);
      assert.equal(got.data.name, "platform");
      const patched = await client.call("PATCH /orgs/{org}/actions/runner-groups/{runner_group_id}", {
        path: group(),
        body: { name: "platform-runners", visibility: "selected", restricted_to_workflows: false },
      });
      assert.equal(patched.status, 200);
      assert.equal(patched.data.name, "platform-runners");
      assert.equal(patched.data.id, groupId);
    });

    test("when the group's repositories are set, added and removed, then 204s and the list shows the result", async () => {
      const set = await client.call("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories", {
        path: group(),
        body: { selected_repository_ids: [REPO.api, REPO.web] },
      });
      const added = await client.call("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}", {
        path: { ...group(), repository_id: REPO.infra },
      });
      const removed = await client.call("DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}", {
        path: { ...group(), repository_id: REPO.api },
      });
      assert.deepEqual([set.status, added.status, removed.status], [204, 204, 204]);
      assert.deepEqual([set.text, added.text, removed.text], ["", "", ""]);
      const list = await client.call("GET /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories", {
        path: group(),
        query: { per_page: 30, page: 1 },
      });
      assert.equal(list.status, 200);
      assert.equal(list.data.total_count, 2);
      assert.deepEqual(
        list.data.repositories.map((r) => r.full_name),
        ["acme/web", "acme/infra"],
      );
    });

    test("when a just-in-time runner is generated for the group, then 201 with the runner in that group and its config", async () => {
      const res = await client.call("POST /orgs/{org}/actions/runners/generate-jitconfig", {
        path: org,
        body: { name: "platform-jit-1", runner_group_id: groupId, labels: ["self-hosted", "linux"], work_folder: "_work" },
      });
      assert.equal(res.status, 201);
      assert.equal(res.data.runner.runner_group_id, groupId);
      assert.deepEqual(
        res.data.runner.labels.map((l) => l.name),
        ["self-hosted", "linux"],
      );
      assert.ok(Buffer.from(res.data.encoded_jit_config, "base64").toString("utf8").includes(".runner"));
      jitRunnerId = res.data.runner.id;
    });

    test("when the group's runners are set, added and removed, then 204s and the list shows the result", async () => {
      const set = await client.call("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/runners", {
        path: group(),
        body: { runners: [1, jitRunnerId] },
      });
      const removed = await client.call("DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/runners/{runner_id}", {
        path: { ...group(), runner_id: 1 },
      });
      const added = await client.call("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/runners/{runner_id}", {
        path: { ...group(), runner_id: 2 },
      });
      assert.deepEqual([set.status, removed.status, added.status], [204, 204, 204]);
      const list = await client.call("GET /orgs/{org}/actions/runner-groups/{runner_group_id}/runners", {
        path: group(),
        query: { per_page: 1, page: 1 },
      });
      assert.equal(list.status, 200);
      assert.equal(list.data.total_count, 2);
      assert.deepEqual(
        list.data.runners.map((r) => r.id),
        [2],
      );
      assert.deepEqual(linkPages(list.headers.get("link")), { next: 2, last: 2 });
    });

    test("when the organization's runners are listed, then every runner is there, and a name filters", async () => {
      const all = await client.call("GET /orgs/{org}/actions/runners", { path: org, query: { per_page: 100 } });
      assert.equal(all.status, 200);
      assert.deepEqual(
        all.data.runners.map((r) => [r.id, r.runner_group_id]),
        [
          [1, 1],
          [2, groupId],
          [jitRunnerId, groupId],
        ],
      );
      const named = await client.call("GET /orgs/{org}/actions/runners", { path: org, query: { name: "platform-jit-1" } });
      assert.deepEqual(
        named.data.runners.map((r) => r.id),
        [jitRunnerId],
      );
    });

    test("when a runner's labels are listed, added, set and removed, then each answers 200 with the runner's labels", async () => {
      const runner = { org: ORG, runner_id: 2 };
      const route = "/orgs/{org}/actions/runners/{runner_id}/labels";
      const names = (res: { data: Data<`GET ${typeof route}`> }) => res.data.labels.map((l) => `${l.name}:${l.type}`);
      const listed = await client.call(`GET ${route}`, { path: runner });
      assert.equal(listed.status, 200);
      assert.equal(listed.data.total_count, 4);
      assert.deepEqual(names(listed), ["self-hosted:read-only", "linux:read-only", "x64:read-only", "gpu:custom"]);
      const added = await client.call(`POST ${route}`, { path: runner, body: { labels: ["fast", "GPU"] } });
      assert.equal(added.status, 200);
      assert.deepEqual(names(added), ["self-hosted:read-only", "linux:read-only", "x64:read-only", "gpu:custom", "fast:custom"]);
      const set = await client.call(`PUT ${route}`, { path: runner, body: { labels: ["fast", "arm-cross"] } });
      assert.equal(set.status, 200);
      assert.deepEqual(names(set), ["self-hosted:read-only", "linux:read-only", "x64:read-only", "fast:custom", "arm-cross:custom"]);
      const removedOne = await client.call(`DELETE ${route}/{name}`, { path: { ...runner, name: "FAST" } });
      assert.equal(removedOne.status, 200);
      assert.deepEqual(names(removedOne), ["self-hosted:read-only", "linux:read-only", "x64:read-only", "arm-cross:custom"]);
      const removedAll = await client.call(`DELETE ${route}`, { path: runner });
      assert.equal(removedAll.status, 200);
      assert.equal(removedAll.data.total_count, 3);
      assert.deepEqual(names(removedAll), ["self-hosted:read-only", "linux:read-only", "x64:read-only"]);
    });

    test("when a runner is read and then deleted, then 200, 204, and reading it again is 404", async () => {
      const runner = { org: ORG, runner_id: jitRunnerId };
      const got = await client.call("GET /orgs/{org}/actions/runners/{runner_id}", { path: runner });
      assert.equal(got.status, 200);
      assert.equal(got.data.name, "platform-jit-1");
      const deleted = await client.call("DELETE /orgs/{org}/actions/runners/{runner_id}", { path: runner });
      assert.equal(deleted.status, 204);
      assert.equal(deleted.text, "");
      const gone = await client.call("GET /orgs/{org}/actions/runners/{runner_id}", { path: runner });
      assert.equal(gone.status, 404);
      assert.equal(gone.error.message, "Not Found");
    });

    test("when registration and remove tokens are asked for, then 201 with a runner token and its expiry", async () => {
      for (const route of [
        "POST /orgs/{org}/actions/runners/registration-token",
        "POST /orgs/{org}/actions/runners/remove-token",
      ] as const) {
        const res = await client.call(route, { path: org });
        assert.equal(res.status, 201, route);
        assert.match(res.data.token, /^[A-Z2-7]{29}$/);
        assert.ok(Date.parse(res.data.expires_at) > Date.now());
      }
      assert.deepEqual(
        client.sim.state.mintedTokens.map((t) => t.kind),
        ["registration", "remove"],
      );
    });

    test("when the group is deleted, then 204, its runners fall back to Default, and reading it is 404", async () => {
      const deleted = await client.call("DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}", { path: group() });
      assert.equal(deleted.status, 204);
      assert.equal(client.sim.state.runners.get(2)?.groupId, 1);
      const gone = await client.call("GET /orgs/{org}/actions/runner-groups/{runner_group_id}", { path: group() });
      assert.equal(gone.status, 404);
    });

    test("when the scenario is over, then every served route has answered a valid request with success", (t: TestContext) => {
      assert.deepEqual(
        SERVED_ROUTES.filter((route) => !client.succeeded.has(route)),
        [],
      );
      // GHES could lack a route api.github.com has; that is reported here rather than failed.
      if (client.undescribed.size > 0) t.diagnostic(`${target.description} does not describe: ${[...client.undescribed].join("; ")}`);
    });
  });
}

defineScenario({ description: "api.github.com", pathPrefix: "" });
defineScenario({ description: "ghes-3.19", pathPrefix: "/api/v3", enterpriseVersion: "3.19" });

describe("answers GitHub gives beyond its description", () => {
  let client: ConformanceClient;
  const runnerGroups = "GET /orgs/{org}/actions/runner-groups" as const;
  const org = { org: ORG };

  before(async () => {
    client = new ConformanceClient(createSimulator(), loadGitHubOpenApi());
    await connectAsInstallation(client);
  });

  test("when the token is unknown, then 401 Bad credentials", async () => {
    const res = await client.call(runnerGroups, { path: org, auth: token("ghp_unknown0000000000000000000000000000") });
    assert.equal(res.status, 401);
    assert.equal(res.error.message, "Bad credentials");
  });

  test("when no credential is sent, then 401 Requires authentication", async () => {
    const res = await client.call(runnerGroups, { path: org, auth: null });
    assert.equal(res.status, 401);
    assert.equal(res.error.message, "Requires authentication");
  });

  test("when an installation token calls GET /user, then 403 Resource not accessible by integration", async () => {
    const res = await client.call("GET /user");
    assert.equal(res.status, 403);
    assert.equal(res.error.message, "Resource not accessible by integration");
  });

  test("when a member who is not an owner calls an org administration route, then 403", async () => {
    const res = await client.call(runnerGroups, { path: org, auth: token(DEMO_TOKENS.alice) });
    assert.equal(res.status, 403);
    assert.match(res.error.message, /organization owner/);
  });

  test("when a runner group id is unknown, then GET, PATCH and DELETE answer 404", async () => {
    const path = { org: ORG, runner_group_id: 999 };
    const got = await client.call("GET /orgs/{org}/actions/runner-groups/{runner_group_id}", { path });
    const patched = await client.call("PATCH /orgs/{org}/actions/runner-groups/{runner_group_id}", { path, body: { name: "ghost" } });
    const deleted = await client.call("DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}", { path });
    assert.deepEqual([got.status, patched.status, deleted.status], [404, 404, 404]);
    assert.equal(got.error.message, "Not Found");
  });

  test("when a group is created with a name taken in another case, then 409 and no second group", async () => {
    const first = await client.call("POST /orgs/{org}/actions/runner-groups", { path: org, body: { name: "builders" } });
    assert.equal(first.status, 201);
    const again = await client.call("POST /orgs/{org}/actions/runner-groups", { path: org, body: { name: "BUILDERS" } });
    assert.equal(again.status, 409);
    assert.match(again.error.message, /already exists/);
    assert.equal([...client.sim.state.runnerGroups.values()].filter((g) => g.name.toLowerCase() === "builders").length, 1);
  });

  test("when the Default group (id 1) is deleted, then 422 and it stays", async () => {
    const res = await client.call("DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}", { path: { org: ORG, runner_group_id: 1 } });
    assert.equal(res.status, 422);
    assert.equal(res.error.message, "Validation Failed");
    assert.equal(res.error.errors?.[0]?.code, "invalid");
    assert.ok(client.sim.state.runnerGroups.has(1));
  });

  test("when the body lacks the required name, then 422 saying so", async () => {
    const res = await client.call("POST /orgs/{org}/actions/runner-groups", {
      path: org,
      body: { visibility: "all" },
      deliberatelyInvalid: true,
    });
    assert.equal(res.status, 422);
    assert.match(res.error.message, /"name" wasn't supplied/);
  });

  test("when the body is not JSON, then 400 Problems parsing JSON", async () => {
    const res = await client.call("POST /orgs/{org}/actions/runner-groups", {
      path: org,
      rawBody: '{"name": "x"',
      deliberatelyInvalid: true,
    });
    assert.equal(res.status, 400);
    assert.equal(res.error.message, "Problems parsing JSON");
  });

  test("when a secondary rate limit is injected, then 403 with retry-after and GitHub's message", async () => {
    client.sim.faults.secondaryRateLimitNext(runnerGroups, { retryAfterSeconds: 7 });
    const res = await client.call(runnerGroups, { path: org });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get("retry-after"), "7");
    assert.match(res.error.message, /secondary rate limit/);
    assert.equal((await client.call(runnerGroups, { path: org })).status, 200);
  });

  test("when a 502 is injected, then 502 with GitHub's error body, once", async () => {
    client.sim.faults.failNext(runnerGroups, { status: 502 });
    const res = await client.call(runnerGroups, { path: org });
    assert.equal(res.status, 502);
    assert.equal(res.error.message, "Server Error");
    assert.equal((await client.call(runnerGroups, { path: org })).status, 200);
  });

  test("when a user is in no team, then the membership is 404 (documented without a schema; basic-error)", async () => {
    const res = await client.call("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", {
      path: { org: ORG, team_slug: "platform", username: "dave" },
    });
    assert.equal(res.status, 404);
  });

  test("when the team has no access to the repository, then the permission check is 404", async () => {
    const res = await client.call("GET /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}", {
      path: { org: ORG, team_slug: "platform", owner: ORG, repo: "infra" },
    });
    assert.equal(res.status, 404);
  });

  test("when a user token calls an App route, then 401 because it is no JWT", async () => {
    const res = await client.call("GET /app", { auth: token(DEMO_TOKENS.erin) });
    assert.equal(res.status, 401);
    assert.equal(res.error.message, "A JSON web token could not be decoded");
  });

  test("when the App asks for an installation it does not have, then 404 (documented)", async () => {
    const res = await client.call("GET /app/installations/{installation_id}", {
      path: { installation_id: 999 },
      auth: bearer(appJwt(client.sim)),
    });
    assert.equal(res.status, 404);
  });

  test("when a just-in-time runner is asked for in an unknown group, under a taken name or without labels, then 404, 409, 422 (documented)", async () => {
    const route = "POST /orgs/{org}/actions/runners/generate-jitconfig" as const;
    const unknownGroup = await client.call(route, { path: org, body: { name: "jit-x", runner_group_id: 999, labels: ["linux"] } });
    const taken = await client.call(route, { path: org, body: { name: "shared-runner-1", runner_group_id: 1, labels: ["linux"] } });
    const noLabels = await client.call(route, {
      path: org,
      body: { name: "jit-y", runner_group_id: 1, labels: [] },
      deliberatelyInvalid: true,
    });
    assert.deepEqual([unknownGroup.status, taken.status, noLabels.status], [404, 409, 422]);
    assert.match(taken.error.message, /already exists/);
    assert.equal(client.sim.state.runners.size, 2);
  });

  test("when a runner is unknown, then every label route answers 404 (documented)", async () => {
    const path = { org: ORG, runner_id: 999 };
    const route = "/orgs/{org}/actions/runners/{runner_id}/labels";
    const statuses = [
      (await client.call(`GET ${route}`, { path })).status,
      (await client.call(`POST ${route}`, { path, body: { labels: ["x"] } })).status,
      (await client.call(`PUT ${route}`, { path, body: { labels: [] } })).status,
      (await client.call(`DELETE ${route}`, { path })).status,
      (await client.call(`DELETE ${route}/{name}`, { path: { ...path, name: "x" } })).status,
    ];
    assert.deepEqual(statuses, [404, 404, 404, 404, 404]);
  });

  test("when a label is removed that the runner lacks, then 404; when it is read-only, then 422 (validation-error-simple) and it stays", async () => {
    const route = "DELETE /orgs/{org}/actions/runners/{runner_id}/labels/{name}" as const;
    const absent = await client.call(route, { path: { org: ORG, runner_id: 1, name: "gpu" } });
    assert.equal(absent.status, 404);
    const readOnly = await client.call(route, { path: { org: ORG, runner_id: 1, name: "Self-Hosted" } });
    assert.equal(readOnly.status, 422);
    assert.equal(readOnly.error.message, "Validation Failed");
    // validation-error-simple: its errors are sentences, not the objects of validation-error
    const [reason] = (readOnly.error.errors ?? []) as unknown[];
    assert.equal(typeof reason, "string");
    assert.match(reason as string, /self-hosted is read-only/);
    assert.ok(client.sim.state.runners.get(1)!.labels.some((l) => l.name === "self-hosted"));
  });

  test("when a label list is empty where not allowed, too long, or holds a non-string, then 422 (documented) and nothing changes", async () => {
    const path = { org: ORG, runner_id: 1 };
    const route = "/orgs/{org}/actions/runners/{runner_id}/labels";
    const before = JSON.stringify(client.sim.state.runners.get(1));
    const many = Array.from({ length: 101 }, (_, i) => `l${i}`);
    const refusals = [
      await client.call(`POST ${route}`, { path, body: { labels: [] }, deliberatelyInvalid: true }),
      await client.call(`POST ${route}`, { path, body: { labels: many }, deliberatelyInvalid: true }),
      await client.call(`PUT ${route}`, { path, body: { labels: many }, deliberatelyInvalid: true }),
      await client.call(`PUT ${route}`, { path, body: { labels: ["ok", 7] }, deliberatelyInvalid: true }),
      await client.call(`POST ${route}`, { path, body: {}, deliberatelyInvalid: true }),
    ];
    assert.deepEqual(
      refusals.map((r) => r.status),
      [422, 422, 422, 422, 422],
    );
    assert.match(refusals[0]!.error.message, /fewer items than the minimum of 1/);
    assert.match(refusals[1]!.error.message, /more items than the maximum of 100/);
    assert.match(refusals[3]!.error.message, /For 'items', 7 is not a string/);
    assert.match(refusals[4]!.error.message, /"labels" wasn't supplied/);
    assert.equal(JSON.stringify(client.sim.state.runners.get(1)), before);
  });

  test("when a label body is not JSON, then 400 Problems parsing JSON", async () => {
    const res = await client.call("POST /orgs/{org}/actions/runners/{runner_id}/labels", {
      path: { org: ORG, runner_id: 1 },
      rawBody: '{"labels": [',
      deliberatelyInvalid: true,
    });
    assert.equal(res.status, 400);
    assert.equal(res.error.message, "Problems parsing JSON");
  });

  test("when the path is no GitHub route, then 404 Not Found in basic-error shape", async () => {
    const res = await client.sim.fetch(`${ORIGIN}/nope`, { headers: { authorization: client.auth! } });
    assert.equal(res.status, 404);
    assert.deepEqual(client.api.checkSchema("basic-error", await res.json()), []);
    assert.ok(undocumentedAnswer("GET /user", 404));
    assert.equal(client.sim.journal().at(-1)?.route, null);
  });
});

describe("answers for nested teams: engineering > platform > platform-oncall", () => {
  const membership = "GET /orgs/{org}/teams/{team_slug}/memberships/{username}" as const;
  let client: ConformanceClient;

  before(async () => {
    const seed = {
      org: { login: ORG },
      users: ["ann", "cal", "gus", "pia", "oona", "otto"].map((login, i) => ({
        login,
        tokens: [`ghp_${login}${"0".repeat(36 - login.length)}${i}`],
        ...(login.startsWith("o") ? { orgRole: "admin" as const } : {}),
      })),
      teams: [
        { slug: "engineering", members: [{ login: "ann", role: "maintainer" as const }] },
        {
          slug: "platform",
          parent: "engineering",
          members: [
            { login: "cal", role: "maintainer" as const },
            { login: "pia", role: "maintainer" as const, state: "pending" as const },
            { login: "oona" },
          ],
        },
        { slug: "platform-oncall", parent: "platform", members: [{ login: "gus", role: "maintainer" as const }] },
      ],
    };
    client = new ConformanceClient(createSimulator({ seed }), loadGitHubOpenApi());
    await connectAsInstallation(client);
  });

  const roleOf = async (team: string, username: string) => {
    const res = await client.call(membership, { path: { org: ORG, team_slug: team, username } });
    return res.status === 200 ? `${res.data.role}/${res.data.state}` : res.status;
  };

  test("when a child team is read, then its parent is the parent team in team-simple shape", async () => {
    const res = await client.call("GET /orgs/{org}/teams/{team_slug}", { path: { org: ORG, team_slug: "platform-oncall" } });
    assert.equal(res.status, 200);
    assert.equal(res.data.parent?.slug, "platform");
    assert.equal(res.data.parent?.id, client.sim.state.teams.get("platform")?.id);
    const top = await client.call("GET /orgs/{org}/teams/{team_slug}", { path: { org: ORG, team_slug: "engineering" } });
    assert.equal(top.data.parent, null);
    assert.equal(top.data.members_count, 4, "ann, and through child teams cal, oona and gus (pia is pending)");
  });

  test("when a team does not exist, then reading it is 404 (documented)", async () => {
    const res = await client.call("GET /orgs/{org}/teams/{team_slug}", { path: { org: ORG, team_slug: "nope" } });
    assert.equal(res.status, 404);
  });

  test("when a child team's maintainer is asked about the parent and grandparent, then 200 member: members of child teams are members, maintainership is not inherited", async () => {
    assert.equal(await roleOf("platform", "cal"), "maintainer/active");
    assert.equal(await roleOf("engineering", "cal"), "member/active");
    assert.equal(await roleOf("platform", "gus"), "member/active");
    assert.equal(await roleOf("engineering", "gus"), "member/active");
  });

  test("when a parent's member is asked about a child team, then 404: membership is not inherited downwards", async () => {
    assert.equal(await roleOf("platform", "ann"), 404);
  });

  test("when a child team's invitation is pending, then the parent does not count the person", async () => {
    assert.equal(await roleOf("platform", "pia"), "maintainer/pending");
    assert.equal(await roleOf("engineering", "pia"), 404);
  });

  test("when an organization owner is a member, directly or through a child team, then the role is maintainer; when not, 404", async () => {
    assert.equal(await roleOf("platform", "oona"), "maintainer/active");
    assert.equal(await roleOf("engineering", "oona"), "maintainer/active");
    assert.equal(await roleOf("platform-oncall", "oona"), 404);
    assert.equal(await roleOf("engineering", "otto"), 404);
  });
});

describe("answers of a small organization with a busy runner and 4 requests an hour", () => {
  let client: ConformanceClient;

  before(async () => {
    const seed = { org: { login: ORG }, runners: [{ name: "busy-1", id: 1, busy: true }] };
    client = new ConformanceClient(createSimulator({ seed, rateLimitPerHour: 4 }), loadGitHubOpenApi());
    await connectAsInstallation(client);
  });

  test("when a runner that runs a job is deleted, then 422 (documented, validation-error-simple) and it stays", async () => {
    const res = await client.call("DELETE /orgs/{org}/actions/runners/{runner_id}", { path: { org: ORG, runner_id: 1 } });
    assert.equal(res.status, 422);
    assert.match(res.error.message, /still running a job/);
    assert.ok(client.sim.state.runners.has(1));
  });

  test("when the hour's requests are used up, then 403 with x-ratelimit-remaining 0", async () => {
    const statuses: number[] = [];
    let last: Answer<"GET /orgs/{org}/actions/runners"> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await client.call("GET /orgs/{org}/actions/runners", { path: { org: ORG } });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 403]);
    assert.equal(last?.headers.get("x-ratelimit-remaining"), "0");
    assert.match(last?.error.message ?? "", /API rate limit exceeded/);
  });
});

describe("an organization with SAML SSO enforced and OAuth app access restrictions", () => {
  let client: ConformanceClient;
  const TOKEN = {
    unauthorized: "ghp_AliceNotSsoAuthorized000000000000001",
    oauthUnauthorized: "gho_AliceOAuthNotSsoAuthorized000000001",
    approved: "gho_AliceApprovedOAuthApp00000000000001",
    thirdParty: "gho_AliceThirdPartyOAuthApp000000000001",
    outsider: "ghp_OutsiderNotInTheOrg00000000000000001",
  };
  const membership = "GET /user/memberships/orgs/{org}" as const;

  before(async () => {
    client = new ConformanceClient(
      createSimulator({
        seed: {
          org: { login: ORG, samlSso: true, oauthAppRestrictions: { approvedApps: ["Acme CI"] } },
          users: [
            {
              login: "alice",
              tokens: [
                DEMO_TOKENS.alice,
                { token: TOKEN.unauthorized, ssoAuthorized: false },
                { token: TOKEN.oauthUnauthorized, ssoAuthorized: false, oauthApp: "Acme CI" },
                { token: TOKEN.approved, oauthApp: "Acme CI" },
                { token: TOKEN.thirdParty, oauthApp: "Some Sign-in Site" },
              ],
            },
            { login: "mallory", orgRole: "none", tokens: [TOKEN.outsider] },
          ],
          teams: [{ slug: "platform", members: [{ login: "alice", role: "maintainer" }] }],
        },
      }),
      loadGitHubOpenApi(),
    );
    await connectAsInstallation(client);
  });

  test("when a personal access token not authorized for SSO reads the membership, then 403 with GitHub's SAML message and X-GitHub-SSO's URL", async () => {
    const res = await client.call(membership, { path: { org: ORG }, auth: token(TOKEN.unauthorized) });
    assert.equal(res.status, 403);
    assert.equal(
      res.error.message,
      "Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.",
    );
    assert.match(
      res.headers.get("x-github-sso") ?? "",
      /^required; url=http:\/\/sim\.test\/orgs\/acme\/sso\?authorization_request=[\w-]+$/,
    );
  });

  test("when an OAuth token not authorized for SSO reads a team membership, then 403 naming the OAuth token", async () => {
    const res = await client.call("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", {
      path: { org: ORG, team_slug: "platform", username: "alice" },
      auth: token(TOKEN.oauthUnauthorized),
    });
    assert.equal(res.status, 403);
    assert.match(res.error.message, /You must grant your OAuth token access to this organization\.$/);
    assert.ok(res.headers.get("x-github-sso")?.startsWith("required; url="));
  });

  test("when a token of an OAuth app the organization has not approved reads the membership, then 403 with GitHub's OAuth restrictions message", async () => {
    const res = await client.call(membership, { path: { org: ORG }, auth: token(TOKEN.thirdParty) });
    assert.equal(res.status, 403);
    assert.match(
      res.error.message,
      /^Although you appear to have the correct authorization credentials, the `acme` organization has enabled OAuth App access restrictions, meaning that data access to third-parties is limited\./,
    );
    assert.equal(res.headers.get("x-github-sso"), null);
  });

  test("when an authorized token or an approved app's token reads the membership, then 200; the same tokens still call GET /user", async () => {
    for (const value of [DEMO_TOKENS.alice, TOKEN.approved]) {
      const res = await client.call(membership, { path: { org: ORG }, auth: token(value) });
      assert.equal(res.status, 200);
    }
    for (const value of [TOKEN.unauthorized, TOKEN.thirdParty]) {
      assert.equal((await client.call("GET /user", { auth: token(value) })).status, 200, "GET /user is not the organization's");
    }
  });

  test("when someone outside the organization reads the membership, then 404", async () => {
    const res = await client.call(membership, { path: { org: ORG }, auth: token(TOKEN.outsider) });
    assert.equal(res.status, 404);
  });
});

describe("served under the GHES prefix /api/v3", () => {
  const ghes = loadGitHubOpenApi("ghes-3.19");
  let sim: Simulator;

  before(() => {
    sim = createSimulator({ pathPrefix: "/api/v3" });
  });

  test("when http://sim.test/api/v3/user is called, then 200 in GHES 3.19's private-user shape", async () => {
    const res = await sim.fetch(`${ORIGIN}/api/v3/user`, { headers: { authorization: token(DEMO_TOKENS.erin) } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { login: string; url: string };
    assert.equal(body.login, "erin");
    assert.equal(body.url, `${ORIGIN}/api/v3/users/erin`);
    const spec = ghes.response("GET /user", 200);
    assert.deepEqual(spec.kind === "schema" ? spec.check(body) : ["no schema"], []);
  });

  test("when the path lacks the prefix, then 404 in basic-error shape", async () => {
    const res = await sim.fetch(`${ORIGIN}/user`, { headers: { authorization: token(DEMO_TOKENS.erin) } });
    assert.equal(res.status, 404);
    assert.deepEqual(ghes.checkSchema("basic-error", await res.json()), []);
  });

  test("when the routes api.github.com describes are looked up in GHES 3.19, then each is there or reported", (t: TestContext) => {
    const api = loadGitHubOpenApi();
    const missing = ghes.missingRoutes(SERVED_ROUTES.filter((route) => api.hasRoute(route)));
    if (missing.length > 0) t.diagnostic(`GHES 3.19 lacks: ${missing.join("; ")}`);
    assert.ok(missing.length < SERVED_ROUTES.length, "GHES 3.19 describes none of the served routes: is the file the right one?");
  });
});
