/**
 * swagger-ui-dist depends on @scarf/scarf, whose postinstall script reports every install to scarf.sh unless the
 * root project opts out. We opt out in package.json ("scarfSettings": { "enabled": false }), and deny the script
 * where npm reads "allowScripts" (npm 11). This asks scarf's own code, fed the `npm ls --json --long` output it
 * reads itself, whether it would report; nothing is sent (its network step comes after this decision).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SCARF = join(ROOT, "node_modules/@scarf/scarf/report.js");

interface ScarfReport {
  processDependencyTreeOutput(
    resolve: (info: unknown) => void,
    reject: (error: Error) => void,
  ): (error: Error | null, stdout: string, stderr: string) => void;
}

/** scarf's decision on a dependency tree: "report", or the reason it gives for not reporting. */
function scarfDecision(tree: unknown): Promise<string> {
  const scarf = createRequire(import.meta.url)(SCARF) as ScarfReport;
  return new Promise((resolve) => {
    scarf.processDependencyTreeOutput(
      () => resolve("report"),
      (error) => resolve(error.message),
    )(null, JSON.stringify(tree), "");
  });
}

describe("swagger-ui-dist's install-time telemetry (@scarf/scarf)", () => {
  const present = existsSync(SCARF);

  test("package.json opts out in both ways scarf and npm read", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    assert.deepEqual(pkg.scarfSettings, { enabled: false });
    assert.equal(pkg.allowScripts?.["@scarf/scarf"], false);
  });

  test(
    "when scarf's own code reads this project's dependency tree, then it declines to report",
    { skip: !present && "@scarf/scarf is no longer installed" },
    async () => {
      const tree = JSON.parse(
        execFileSync("npm", ["ls", "@scarf/scarf", "--json", "--long"], {
          cwd: ROOT,
          encoding: "utf8",
          env: { ...process.env, npm_config_global: "" },
        }),
      );
      assert.deepEqual(tree.scarfSettings, { enabled: false }, "npm ls shows the root project's scarfSettings, which scarf reads");
      assert.match(await scarfDecision(tree), /disabled via a package\.json/);

      // The control: the same tree without the opt-out would be reported, so the assertion above can fail.
      const { scarfSettings: _optOut, ...withoutOptOut } = tree;
      assert.equal(await scarfDecision(withoutOptOut), "report");
    },
  );
});
