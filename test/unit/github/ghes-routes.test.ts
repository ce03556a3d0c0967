/**
 * The list of GitHub calls (src/github/github-calls.ts) against the code and against GitHub's own
 * descriptions:
 * - the route templates src/github/*.ts passes to octokit.request / octokit.paginate / paginate.iterator
 *   are exactly the calls listed as "called";
 * - the calls @octokit/auth-app makes for us, and the credential of every call, are what a run against
 *   the simulator shows;
 * - each call, planned ones included, is on api.github.com and in exactly the GHES releases from its
 *   `firstGhes` on (3.9 to 3.19 are described).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import ts from "typescript";
import { GITHUB_CALLS, isAtLeast, OLDEST_DESCRIBED_GHES, type GitHubCall, type GitHubRoute } from "../../../src/github/github-calls.js";
import { DEMO_TOKENS } from "../../../src/simulator/index.js";
import { adapterOnSimulator } from "../../helpers/github-adapter.js";
import { DESCRIBED_GHES, describedOperations, type DescribedGhes } from "../../helpers/ghes-descriptions.js";

const GITHUB_DIR = "src/github";
const LIST = "src/github/github-calls.ts";
const calls = Object.entries(GITHUB_CALLS) as Array<[GitHubRoute, GitHubCall]>;
const routesWhere = (use: GitHubCall["use"]) => new Set(calls.filter(([, call]) => call.use === use).map(([route]) => route));

interface Found {
  route: string;
  at: string;
}

/** The route literals src/github/*.ts passes to Octokit's request methods, and the calls whose route is not a literal. */
function scanSource(): { found: Found[]; problems: string[] } {
  const found: Found[] = [];
  const problems: string[] = [];
  for (const name of readdirSync(GITHUB_DIR).filter((n) => n.endsWith(".ts"))) {
    const file = join(GITHUB_DIR, name);
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const at = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && node.name.text === "rest") {
        problems.push(
          `${at(node)} uses octokit.rest.*: call octokit.request("METHOD /template", …) instead, so that this test sees the route`,
        );
      }
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        if (method === "request" || method === "paginate" || method === "iterator") {
          const [first] = node.arguments;
          if (first && ts.isStringLiteralLike(first) && /^[A-Z]+ \//.test(first.text)) found.push({ route: first.text, at: at(node) });
          else problems.push(`${at(node)}: pass the route to ${method}() as a literal "METHOD /template", so that this test sees it`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { found, problems };
}

describe("the GitHub calls of src/github/*.ts and the list in src/github/github-calls.ts", () => {
  const { found, problems } = scanSource();

  test("when the source is scanned, then every call names its route as a literal", () => {
    assert.ok(found.length > 0, "the scan found no call at all: has the way calls are written changed?");
    assert.deepEqual(problems, []);
  });

  test("when the routes called are compared with the list, then they are exactly its 'called' entries", () => {
    const messages: string[] = [];
    for (const { route, at } of found) {
      const listed = (GITHUB_CALLS as Record<string, GitHubCall>)[route];
      if (!listed) {
        messages.push(
          `${route} (${at}) is not listed: add it to GITHUB_CALLS in ${LIST} with use: "called", its credential, what and why; ` +
            `the GHES test below then says which releases have it (firstGhes)`,
        );
      } else if (listed.use !== "called") {
        messages.push(`${route} (${at}) is called now: change its use from "${listed.use}" to "called" in ${LIST}`);
      }
    }
    const calledInSource = new Set(found.map((f) => f.route));
    for (const route of routesWhere("called")) {
      if (!calledInSource.has(route)) {
        messages.push(`${route} is listed as called, but no code in ${GITHUB_DIR}/ calls it: remove it from ${LIST}, or mark it "planned"`);
      }
    }
    assert.deepEqual(messages, []);
  });

  test("when the adapter makes its calls against the simulator, then each is listed, with the credential the simulator saw, and @octokit/auth-app's are among them", async () => {
    const { sim, github } = adapterOnSimulator();
    await github.user.whoAmI(DEMO_TOKENS.alice);
    assert.equal((await github.app.checkCredentials()).outcome, "ok");
    await github.org.checkInstallation();
    await github.org.teamMembership("platform", "alice");
    await github.org.teamRepositories("platform");
    const group = await github.org.createRunnerGroup("team-platform");
    await github.org.findRunnerGroup("team-platform");
    await github.org.setGroupRepositories(group.id, [9001]);
    await github.org.addGroupRepository(group.id, 9002);
    await github.org.removeGroupRepository(group.id, 9002);
    await github.org.groupRepositories(group.id);
    await github.org.groupRunners(group.id);
    await github.org.createRegistrationToken();
    await github.org.createRemoveToken();
    await github.org.deleteRunner(2);
    await github.org.moveRunner(group.id, 1);
    await github.org.generateJitConfig({ groupId: group.id, name: "jit-1", labels: ["self-hosted"] });
    // not yet: addRunnerLabels and setRunnerLabels, until the simulator serves the label routes
    await github.org.deleteRunnerGroup(group.id);

    const credentialOf = { app: "app", installation: "installation", user: "caller" } as const;
    const seen = new Map<string, string>();
    for (const entry of sim.journal()) {
      assert.ok(entry.route !== null, `${entry.method} ${entry.path} matched no GitHub route`);
      const credential = credentialOf[entry.credential as keyof typeof credentialOf] ?? entry.credential;
      seen.set(entry.route, credential);
    }
    const messages: string[] = [];
    for (const [route, credential] of seen) {
      const listed = (GITHUB_CALLS as Record<string, GitHubCall>)[route];
      if (!listed) messages.push(`${route} was sent but is not listed in ${LIST}`);
      else if (listed.use === "planned") messages.push(`${route} was sent but is listed as planned in ${LIST}`);
      else if (listed.credential !== credential)
        messages.push(`${route} was sent with the ${credential} credential, listed as ${listed.credential}`);
    }
    for (const route of routesWhere("auth-app"))
      if (!seen.has(route)) messages.push(`${route} is listed as sent by @octokit/auth-app, which never sent it`);
    assert.deepEqual(messages, []);
  });
});

describe("the GitHub calls in GitHub's descriptions (api.github.com, GHES 3.9 to 3.19)", () => {
  /** The releases from which on the description has the operation, oldest first. */
  const releasesWith = (route: string) => DESCRIBED_GHES.filter((release) => describedOperations(`ghes-${release}`).has(route));
  /** The `firstGhes` the descriptions justify, or why none can be. */
  function whatTheDescriptionsShow(route: string): string {
    const has = releasesWith(route);
    if (has.length === 0) return "no GHES release described (3.9 to 3.19) has it";
    const first = has[0]!;
    const gaps = DESCRIBED_GHES.filter((release) => isAtLeast(release, first) && !has.includes(release));
    if (gaps.length > 0) return `GHES ${first} has it, but not ${gaps.join(", ")}`;
    return first === OLDEST_DESCRIBED_GHES ? "every GHES release described has it: leave firstGhes out" : `set firstGhes: "${first}"`;
  }

  for (const [route, call] of calls) {
    test(`when ${route} (${call.use}) is looked up, then api.github.com has it and GHES has it from ${call.firstGhes ?? `${OLDEST_DESCRIBED_GHES} (the oldest described)`} on, and not before`, () => {
      assert.ok(describedOperations("api.github.com").has(route), `api.github.com's description has no ${route}`);
      const first = call.firstGhes ?? OLDEST_DESCRIBED_GHES;
      const wrong = DESCRIBED_GHES.filter(
        (release: DescribedGhes) => describedOperations(`ghes-${release}`).has(route) !== isAtLeast(release, first),
      );
      assert.deepEqual(
        wrong,
        [],
        `${route}: listed with firstGhes ${call.firstGhes ?? "(none)"}, but the descriptions of GHES ${wrong.join(", ")} disagree; ${whatTheDescriptionsShow(route)} (${LIST})`,
      );
    });
  }

  test("when a call has firstGhes, then it is a described release after the oldest, so that its absence just before is checked", () => {
    for (const [route, call] of calls) {
      if (call.firstGhes === undefined) continue;
      const index = (DESCRIBED_GHES as readonly string[]).indexOf(call.firstGhes);
      assert.ok(index > 0, `${route}: firstGhes ${call.firstGhes} is not one of GHES ${DESCRIBED_GHES.slice(1).join(", ")}`);
    }
  });
});
