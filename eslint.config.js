// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// ---- Walls between layers (README, "Layout"): domain ← services ← http ← app ← service ← main. ----
// Each block lists what a folder may NOT import; test/unit/lint/layers.test.ts proves that each wall holds.
const octokitOnlyInGitHub = { group: ["@octokit/*"], message: "Only src/github/ talks to Octokit." };
const expressOnlyInHttp = { group: ["express"], message: "Only src/http/, src/app.ts and src/server.ts know Express." };
const noComposition = {
  group: ["**/app.js", "**/service.js", "**/main.js", "**/demo.js"],
  message: "Only the composition root (src/service.ts) wires the parts.",
};
const noSimulator = {
  group: ["**/simulator/*"],
  message: "The server never leans on the GitHub simulator; only src/demo.ts and tests start it.",
};
const noDemo = {
  group: ["**/demo.js", "**/demo/*"],
  message: "The demo stays out of the production build (tsconfig.build.json); only src/demo.ts and tests use it.",
};
const noHttp = { group: ["**/http/*"], message: "The HTTP layer sits above this one." };
const noServices = { group: ["**/services/*"], message: "The use cases sit above this one." };
const noGitHub = { group: ["**/github/*"], message: "Reach GitHub through the services, not its adapter." };
/** @param {string[]} files @param {object[]} patterns */
const wall = (files, patterns) => ({ files, rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns }] } });

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ["*.js", "scripts/*.mjs"] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/only-throw-error": "error",
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: "readonly", console: "readonly" },
    },
  },
  {
    // The API docs page's script runs in the browser, next to Swagger UI's bundle.
    files: ["src/http/docs/*.js"],
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { window: "writable", SwaggerUIBundle: "readonly" },
    },
  },
  wall(
    ["src/domain/**/*.ts"],
    [
      { group: ["../*"], message: "src/domain is the bottom layer: it imports nothing else from src/." },
      octokitOnlyInGitHub,
      expressOnlyInHttp,
    ],
  ),
  wall(
    ["src/services/**/*.ts"],
    [
      { group: ["**/github/*", "!**/github/ports.js"], message: "Services see GitHub only through src/github/ports.ts." },
      { group: ["**/github/ports.js"], allowTypeImports: true, message: "Services import the GitHub ports as types only." },
      noHttp,
      noComposition,
      noSimulator,
      octokitOnlyInGitHub,
      expressOnlyInHttp,
    ],
  ),
  wall(["src/github/**/*.ts"], [noHttp, noServices, noComposition, noSimulator, expressOnlyInHttp]),
  wall(["src/http/**/*.ts"], [noGitHub, noComposition, noSimulator, octokitOnlyInGitHub]),
  wall(
    ["src/config/**/*.ts", "src/logging/**/*.ts", "src/metrics/**/*.ts", "src/redis/**/*.ts", "src/tls/**/*.ts"],
    [noHttp, noServices, noGitHub, noComposition, noSimulator, octokitOnlyInGitHub, expressOnlyInHttp],
  ),
  wall(
    ["src/client/**/*.ts"],
    [
      {
        group: ["../*", "!../version.js"],
        message: "The client (src/client) loads none of the server: it must start in the time Node takes.",
      },
      {
        group: ["express", "@octokit/*", "winston", "winston-*", "yaml", "zod", "redis", "prom-client", "helmet", "undici"],
        message: "The client (src/client) loads none of the server: it must start in the time Node takes.",
      },
    ],
  ),
  wall(["src/*.ts"], [octokitOnlyInGitHub]),
  {
    // The production build leaves the simulator and the demo out (tsconfig.build.json): only the demo may start them.
    ...wall(["src/*.ts"], [octokitOnlyInGitHub, noSimulator, noDemo]),
    ignores: ["src/demo.ts"],
  },
  {
    // The simulator is an island: it stands in for GitHub and must not lean on the server it is testing.
    files: ["src/simulator/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["../*", "!../clock.js"], message: "src/simulator imports nothing from src/ but the Clock type." }] },
      ],
    },
  },
  {
    files: ["src/simulator/*/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["../../*"], message: "src/simulator imports nothing from src/ but the Clock type." }] },
      ],
    },
  },
  {
    // Tests may use loose typing on parsed JSON bodies.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-explicit-any": "off",
      // node:test's describe() and test() return promises that the runner itself awaits.
      "@typescript-eslint/no-floating-promises": [
        "error",
        { allowForKnownSafeCalls: [{ from: "package", name: ["describe", "test", "it", "suite"], package: "node:test" }] },
      ],
    },
  },
  {
    // A property test runs on the seed the run printed, and a failure says how to replay it, only through the helper.
    files: ["test/**/*.ts"],
    ignores: ["test/helpers/property.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "fast-check",
              message: "import { fc } from test/helpers/property.ts: it applies the run's seed (FC_SEED) and says how to replay a failure.",
            },
          ],
        },
      ],
    },
  },
);
