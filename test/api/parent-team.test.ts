/**
 * Nested teams. GitHub counts the members of a team's child teams as members of the team, but a child
 * team's maintainer is only a member of the parent: they never control the parent's group. With
 * policy.teams.parent, only the direct child teams of that team may use the service at all.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SeedInput, Simulator } from "../../src/simulator/index.js";
import { startTestApp } from "../helpers/start-test-app.js";

const ROUTE = {
  team: "GET /orgs/{org}/teams/{team_slug}",
  membership: "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
  mint: "POST /orgs/{org}/actions/runners/registration-token",
} as const;

const PEOPLE = ["lead", "cal", "gus", "dora", "bob", "max", "sec", "owen"] as const;
type Person = (typeof PEOPLE)[number];
const token = (login: Person) => `ghp_Parent${login.padEnd(8, "0")}${"0".repeat(22)}`;

/**
 * engineering (lead maintains it; max too) > platform (cal and max maintain it, bob is a member, owen, an
 * organization owner, too) > platform-oncall (gus maintains it); engineering > security (sec maintains it);
 * data (dora maintains it) stands alone. Group team-engineering serves `api`.
 */
function nestedSeed(): SeedInput {
  const maintainer = (login: Person) => ({ login, role: "maintainer" as const });
  return {
    org: { login: "acme" },
    users: PEOPLE.map((login) => ({ login, tokens: [token(login)], ...(login === "owen" ? { orgRole: "admin" as const } : {}) })),
    repositories: [{ name: "api" }, { name: "web" }],
    teams: [
      { slug: "engineering", members: [maintainer("lead"), maintainer("max")], repos: [{ name: "api", permission: "admin" }] },
      {
        slug: "platform",
        parent: "engineering",
        members: [maintainer("cal"), maintainer("max"), { login: "bob" }, { login: "owen" }],
        repos: [{ name: "web", permission: "admin" }],
      },
      { slug: "platform-oncall", parent: "platform", members: [maintainer("gus")] },
      { slug: "security", parent: "engineering", members: [maintainer("sec")] },
      { slug: "data", members: [maintainer("dora")] },
    ],
    runnerGroups: [{ name: "team-engineering", id: 5, visibility: "selected", repositories: ["api"] }],
  };
}

const as = (login: Person, team: string, query: Record<string, string> = {}) => ({ token: token(login), query: { team, ...query } });

/** The 403 a non-maintainer gets, with the caller's login put in place of another's. */
const withLogin = (body: { Error: string }, from: Person, to: Person) => ({ ...body, Error: body.Error.replace(from, to) });

function groupState(sim: Simulator, id: number) {
  const group = sim.state.runnerGroups.get(id);
  return group && { name: group.name, repositories: [...group.repositoryIds].sort() };
}

describe("policy.teams.parent", () => {
  test("when a direct child team's maintainer calls, then they are served, at one team lookup more", async (t) => {
    const app = await startTestApp({ seed: nestedSeed(), parentTeam: "Engineering" });
    t.after(() => app.close());
    const answer = await app.call("GET", "/api/v1/token-register", as("cal", "platform"));
    assert.equal(answer.status, 200);
    assert.equal(app.sim.calls(ROUTE.membership), 1);
    assert.equal(app.sim.calls(ROUTE.team), 1);
    assert.equal((await app.call("GET", "/api/v1/token-register", as("sec", "security"))).status, 200);
  });

  test("when a team elsewhere is named by its maintainer, then the answer is exactly a non-maintainer's 403, and nothing is done", async (t) => {
    const app = await startTestApp({ seed: nestedSeed(), parentTeam: "engineering" });
    t.after(() => app.close());
    // cal is in no team `data`: the plain non-maintainer's answer, at one call and no team lookup
    const notMaintainer = await app.call("GET", "/api/v1/token-register", as("cal", "data"));
    assert.equal(notMaintainer.status, 403);
    assert.equal(app.sim.calls(ROUTE.team), 0, "a non-maintainer costs no more than without the policy");

    const cases: [Person, string, string][] = [
      ["dora", "data", "a team that is no child of engineering"],
      ["gus", "platform-oncall", "a grandchild of engineering"],
      ["lead", "engineering", "engineering itself"],
    ];
    for (const [login, team, what] of cases) {
      const outside = await app.call("GET", "/api/v1/token-register", as(login, team));
      assert.equal(outside.status, 403, what);
      assert.deepEqual(
        outside.body,
        withLogin({ ...notMaintainer.body, Error: notMaintainer.body.Error.replace("data", team) }, "cal", login),
        what,
      );
    }
    assert.equal(app.sim.calls(ROUTE.mint), 0);
  });

  test("when a member of a child team who does not maintain it calls, then 403 after the one membership call, no team lookup", async (t) => {
    const app = await startTestApp({ seed: nestedSeed(), parentTeam: "engineering" });
    t.after(() => app.close());
    const answer = await app.call("GET", "/api/v1/token-register", as("bob", "platform"));
    assert.equal(answer.status, 403);
    assert.match(answer.body.Error, /bob does not maintain team platform/);
    assert.deepEqual([app.sim.calls(ROUTE.membership), app.sim.calls(ROUTE.team)], [1, 0]);
  });

  test("when allow is set too, then a team must be both listed and a child of the parent", async (t) => {
    const app = await startTestApp({ seed: nestedSeed(), parentTeam: "engineering", allowTeams: ["platform", "data"] });
    t.after(() => app.close());
    assert.equal((await app.call("GET", "/api/v1/token-register", as("cal", "platform"))).status, 200);
    assert.equal((await app.call("GET", "/api/v1/token-register", as("dora", "data"))).status, 403, "listed, but no child");
    const before = app.sim.journal().length;
    assert.equal((await app.call("GET", "/api/v1/token-register", as("sec", "security"))).status, 403, "a child, but not listed");
    assert.equal(
      app.sim
        .journal()
        .slice(before)
        .filter((entry) => entry.route !== "GET /user").length,
      0,
      "GitHub is asked nothing about an unlisted team",
    );
  });

  test("when the team parents are cached, then a team's parent is looked up once for many requests", async (t) => {
    const app = await startTestApp({
      seed: nestedSeed(),
      parentTeam: "engineering",
      cache: { teamParents: { ttlSeconds: 60, maxEntries: 100 } },
    });
    t.after(() => app.close());
    for (const login of ["cal", "max", "cal"] as const)
      assert.equal((await app.call("GET", "/api/v1/token-register", as(login, "platform"))).status, 200);
    assert.equal(app.sim.calls(ROUTE.team), 1);
  });

  test("when a team moves from under the parent, then its maintainer is refused once the cached parent expires", async (t) => {
    const app = await startTestApp({ seed: nestedSeed(), parentTeam: "engineering" });
    t.after(() => app.close());
    assert.equal((await app.call("GET", "/api/v1/token-register", as("cal", "platform"))).status, 200);
    app.sim.state.teams.get("platform")!.parent = null;
    assert.equal((await app.call("GET", "/api/v1/token-register", as("cal", "platform"))).status, 403);
  });
});

describe("child teams and the parent's group", () => {
  test("when a child team's maintainer acts on the parent's group, then 403: GitHub answers them as a member of the parent, and nothing changes", async (t) => {
    const app = await startTestApp({ seed: nestedSeed() });
    t.after(() => app.close());
    const before = groupState(app.sim, 5);
    for (const login of ["cal", "gus"] as const) {
      for (const [method, path, query] of [
        ["GET", "/api/v1/group-list", {}],
        ["PATCH", "/api/v1/repos-add", { repos: "web" }],
        ["PATCH", "/api/v1/repos-set", { repos: "web" }],
        ["PATCH", "/api/v1/repos-remove", { repos: "api" }],
        ["DELETE", "/api/v1/group-delete", { force: "true" }],
        ["GET", "/api/v1/token-register", {}],
      ] as const) {
        const answer = await app.call(method, path, as(login, "engineering", query));
        assert.equal(answer.status, 403, `${login}: ${method} ${path}`);
        assert.match(answer.body.Error, new RegExp(`${login} does not maintain team engineering`));
      }
    }
    assert.deepEqual(groupState(app.sim, 5), before);
    assert.equal(app.sim.calls(ROUTE.mint), 0);
  });

  test("when someone maintains the parent itself, child team or not, then they control its group", async (t) => {
    const app = await startTestApp({ seed: nestedSeed() });
    t.after(() => app.close());
    for (const login of ["lead", "max"] as const) {
      const listed = await app.call("GET", "/api/v1/group-list", as(login, "engineering"));
      assert.equal(listed.status, 200, login);
    }
    assert.equal((await app.call("PATCH", "/api/v1/repos-set", as("max", "engineering", { repos: "api" }))).status, 200);
  });

  test("when an organization owner is in a child team, then GitHub shows them as a maintainer of it and of its parent", async (t) => {
    const app = await startTestApp({ seed: nestedSeed() });
    t.after(() => app.close());
    assert.equal((await app.call("GET", "/api/v1/group-list", as("owen", "engineering"))).status, 200);
    assert.equal((await app.call("GET", "/api/v1/token-register", as("owen", "platform"))).status, 200);
    assert.equal((await app.call("GET", "/api/v1/token-register", as("owen", "data"))).status, 403, "an owner in no team of it");
  });
});
