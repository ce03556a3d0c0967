/**
 * The walls between layers are in the lint (eslint.config.js), not only in the README: each import below
 * that breaks one must fail `npm run lint` with the wall's message, and each that keeps to the layout must pass.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";

// The fixtures are not files of the project, so type information is off (the walls need none).
const eslint = new ESLint({ overrideConfig: tseslint.configs.disableTypeChecked });

async function importProblems(file: string, importLine: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${importLine}\nexport const used = [x];\n`, { filePath: file });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === "@typescript-eslint/no-restricted-imports" || m.ruleId === "no-restricted-imports")
    .map((m) => m.message);
}

const BROKEN: Array<[file: string, importLine: string, wall: RegExp]> = [
  ["src/http/routes/fixture.ts", 'import { x } from "../../github/ports.js";', /Reach GitHub through the services/],
  ["src/http/fixture.ts", 'import { x } from "@octokit/rest";', /Only src\/github\/ talks to Octokit/],
  ["src/services/fixture.ts", 'import { x } from "../github/create-github.js";', /only through src\/github\/ports.ts/],
  ["src/services/fixture.ts", 'import { x } from "../github/ports.js";', /as types only/],
  ["src/services/fixture.ts", 'import { x } from "../http/envelope.js";', /HTTP layer sits above/],
  ["src/services/fixture.ts", 'import x from "express";', /Only src\/http\/.*know Express/],
  ["src/domain/fixture.ts", 'import { x } from "../services/index.js";', /bottom layer/],
  ["src/github/fixture.ts", 'import { x } from "../services/index.js";', /use cases sit above/],
  ["src/github/fixture.ts", 'import { x } from "../http/parse.js";', /HTTP layer sits above/],
  ["src/config/fixture.ts", 'import { x } from "../github/ports.js";', /Reach GitHub through the services/],
  ["src/http/fixture.ts", 'import { x } from "../service.js";', /composition root/],
  ["src/http/fixture.ts", 'import { x } from "../simulator/index.js";', /never leans on the GitHub simulator/],
  ["src/simulator/fixture.ts", 'import { x } from "../domain/errors.js";', /src\/simulator imports nothing from src\//],
  ["src/app.ts", 'import { x } from "@octokit/app";', /Only src\/github\/ talks to Octokit/],
  ["src/client/fixture.ts", 'import { x } from "../config/load-config.js";', /loads none of the server/],
  ["src/client/fixture.ts", 'import x from "express";', /loads none of the server/],
  ["src/client/fixture.ts", 'import { x } from "undici";', /loads none of the server/],
  ["src/main.ts", 'import { x } from "./simulator/index.js";', /never leans on the GitHub simulator/],
  ["src/serve-command.ts", 'import { x } from "./demo/self-signed.js";', /demo stays out of the production build/],
  ["src/cli.ts", 'import { x } from "./demo.js";', /composition root|demo stays out/],
];

const KEPT: Array<[file: string, importLine: string]> = [
  ["src/services/fixture.ts", 'import type { x } from "../github/ports.js";'],
  ["src/http/routes/fixture.ts", 'import type { x } from "../../services/index.js";'],
  ["src/github/fixture.ts", 'import { x } from "@octokit/rest";'],
  ["src/github/fixture.ts", 'import { x } from "../request-deadline.js";'],
  ["src/app.ts", 'import x from "express";'],
  ["src/simulator/fixture.ts", 'import type { x } from "../clock.js";'],
  ["src/client/fixture.ts", 'import { x } from "../version.js";'],
  ["src/client/fixture.ts", 'import { x } from "node:https";'],
  ["src/demo.ts", 'import { x } from "./simulator/index.js";'],
];

describe("layer walls in the lint", () => {
  for (const [file, importLine, wall] of BROKEN) {
    test(`when ${file} says ${importLine}, then the lint fails with ${wall.source}`, async () => {
      const problems = await importProblems(file, importLine);
      assert.ok(
        problems.some((m) => wall.test(m)),
        `problems: ${JSON.stringify(problems)}`,
      );
    });
  }
  for (const [file, importLine] of KEPT) {
    test(`when ${file} says ${importLine}, then no wall is broken`, async () => {
      assert.deepEqual(await importProblems(file, importLine), []);
    });
  }
});
