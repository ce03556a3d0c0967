import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createSimulator, type SeedInput } from "../../src/simulator/index.js";
import { call, installationOctokit, installationToken } from "../helpers/sim-clients.js";

const REPOS = 230;
const GROUPS = 150;
const seed: SeedInput = {
  org: { login: "acme" },
  users: [{ login: "maria", tokens: ["ghp_maria"] }],
  repositories: Array.from({ length: REPOS }, (_, i) => ({ name: `repo-${String(i).padStart(3, "0")}` })),
  teams: [
    {
      slug: "big",
      members: [{ login: "maria", role: "maintainer" }],
      repos: Array.from({ length: REPOS }, (_, i) => ({ name: `repo-${String(i).padStart(3, "0")}`, permission: "write" as const })),
    },
  ],
  runnerGroups: Array.from({ length: GROUPS }, (_, i) => ({ name: `group-${i}` })),
};

describe("simulator: pagination", () => {
  const sim = createSimulator({ seed });

  test("when octokit.paginate walks more than 100 runner groups, then it gets every one exactly once", async () => {
    const octokit = await installationOctokit(sim);
    const groups = await octokit.paginate("GET /orgs/{org}/actions/runner-groups", { org: "acme", per_page: 100 });
    assert.equal(groups.length, GROUPS + 1);
    assert.equal(new Set(groups.map((g) => g.id)).size, GROUPS + 1);
    assert.ok(groups.some((g) => g.name === "group-149"));
  });

  test("when octokit.paginate walks a team's 230 repositories, then it gets all of them with the team's permissions", async () => {
    const octokit = await installationOctokit(sim);
    sim.resetCalls();
    const repos = await octokit.paginate("GET /orgs/{org}/teams/{team_slug}/repos", { org: "acme", team_slug: "big", per_page: 100 });
    assert.equal(repos.length, REPOS);
    assert.equal(sim.calls("GET /orgs/{org}/teams/{team_slug}/repos"), 3);
    assert.deepEqual(repos[0]!.permissions, { admin: false, maintain: false, push: true, triage: true, pull: true });
  });

  test("when a middle page is asked for, then Link names prev, next, last and first with GitHub's syntax", async () => {
    const token = await installationToken(sim);
    const { headers, body } = await call(sim, "GET", "/orgs/acme/teams/big/repos?per_page=50&page=2", { token });
    assert.equal(body.length, 50);
    assert.equal(body[0].name, "repo-050");
    const link = headers.get("link")!;
    const rels = Object.fromEntries(
      link.split(", ").map((part) => {
        const [, url, rel] = /^<([^>]+)>; rel="(\w+)"$/.exec(part)!;
        return [rel!, new URL(url!).searchParams.get("page")];
      }),
    );
    assert.deepEqual(rels, { prev: "1", next: "3", last: "5", first: "1" });
    assert.ok(link.startsWith("<http://sim.test/orgs/acme/teams/big/repos?per_page=50&page=1>"));
  });

  test("when per_page is above 100, then GitHub's cap of 100 applies; the last page has no next", async () => {
    const token = await installationToken(sim);
    const capped = await call(sim, "GET", "/orgs/acme/teams/big/repos?per_page=500", { token });
    assert.equal(capped.body.length, 100);
    const last = await call(sim, "GET", "/orgs/acme/teams/big/repos?per_page=100&page=3", { token });
    assert.equal(last.body.length, 30);
    assert.doesNotMatch(last.headers.get("link")!, /rel="next"/);
    const beyond = await call(sim, "GET", "/orgs/acme/teams/big/repos?per_page=100&page=9", { token });
    assert.deepEqual(beyond.body, []);
  });

  test("when everything fits on one page, then there is no Link header", async () => {
    const token = await installationToken(sim);
    const { headers } = await call(sim, "GET", "/orgs/acme/actions/runners", { token });
    assert.equal(headers.get("link"), null);
  });
});
