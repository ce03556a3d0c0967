/**
 * Which operations GitHub's own OpenAPI descriptions list, for api.github.com and for each GitHub
 * Enterprise Server release from 3.9 to 3.19. @octokit/openapi publishes only the releases GitHub
 * supports at the time of each of its versions, so the older ones come from its older versions, installed
 * under npm aliases (package.json): each release is read from the newest package that has it.
 *
 * Only the non-deref JSON (about 10 MB a release) is read, on first use, once per process; only the set
 * of its operations is kept.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** The GHES releases described, oldest first. */
export const DESCRIBED_GHES = ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15", "3.16", "3.17", "3.18", "3.19"] as const;
export type DescribedGhes = (typeof DESCRIBED_GHES)[number];
export type Description = "api.github.com" | `ghes-${DescribedGhes}`;

const PACKAGE_OF: Record<Description, string> = {
  "api.github.com": "@octokit/openapi",
  "ghes-3.9": "@octokit/openapi-ghes-3.9-3.12",
  "ghes-3.10": "@octokit/openapi-ghes-3.9-3.12",
  "ghes-3.11": "@octokit/openapi-ghes-3.9-3.12",
  "ghes-3.12": "@octokit/openapi-ghes-3.12-3.16",
  "ghes-3.13": "@octokit/openapi-ghes-3.12-3.16",
  "ghes-3.14": "@octokit/openapi-ghes-3.12-3.16",
  "ghes-3.15": "@octokit/openapi-ghes-3.12-3.16",
  "ghes-3.16": "@octokit/openapi-ghes-3.12-3.16",
  "ghes-3.17": "@octokit/openapi",
  "ghes-3.18": "@octokit/openapi",
  "ghes-3.19": "@octokit/openapi",
};

const require = createRequire(import.meta.url);
const operations = new Map<Description, ReadonlySet<string>>();

/** The operations of one description, as "METHOD /template" ("POST /orgs/{org}/actions/runner-groups"). */
export function describedOperations(name: Description): ReadonlySet<string> {
  let found = operations.get(name);
  if (!found) {
    const file = require.resolve(`${PACKAGE_OF[name]}/generated/${name}.json`);
    const doc = JSON.parse(readFileSync(file, "utf8")) as { paths: Record<string, Record<string, unknown>> };
    const set = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        if (["get", "put", "post", "delete", "options", "head", "patch", "trace"].includes(method))
          set.add(`${method.toUpperCase()} ${path}`);
      }
    }
    operations.set(name, set);
    found = set;
  }
  return found;
}
