/**
 * One version everywhere (issue 15): package.json's version is the source, and openapi.yaml, the chart, the
 * image's labels and the README's build lines follow it; package.json's repository is where the release workflow
 * publishes, and the chart's default image points there. scripts/check-versions.mjs is the one checker, run here
 * and by .github/workflows/release.yml on the tag.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { versionProblems } from "../../../scripts/check-versions.mjs";
import { VERSION } from "../../../src/version.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
const check = versionProblems;

const FILES = [
  "package.json",
  "openapi.yaml",
  "Dockerfile",
  "README.md",
  "CHANGELOG.md",
  "helm/actions-runner-manager/Chart.yaml",
  "helm/actions-runner-manager/values.yaml",
];

/** A copy of the files the checker reads, with `file` edited by `edit`; removed after the test. */
function treeWith(t: { after(fn: () => void): void }, file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "arm-versions-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of FILES) cpSync(join(ROOT, f), join(dir, f));
  const before = readFileSync(join(dir, file), "utf8");
  const after = edit(before);
  assert.notEqual(after, before, `the edit of ${file} changed nothing: the test would prove nothing`);
  writeFileSync(join(dir, file), after);
  return dir;
}

describe("one version", () => {
  test("when the tree is as committed, then every place names package.json's version", () => {
    assert.deepEqual(check(ROOT), []);
    assert.equal(VERSION, pkg.version, "src/version.ts reads package.json");
  });

  const other = "9.9.9";
  const cases: Array<[string, string, (text: string) => string, RegExp]> = [
    [
      "openapi.yaml's info.version",
      "openapi.yaml",
      (s) => s.replace(/^( {2}version: )\S+/m, `$1${other}`),
      /openapi\.yaml's info\.version/,
    ],
    [
      "the chart's appVersion",
      "helm/actions-runner-manager/Chart.yaml",
      (s) => s.replace(/^appVersion: .*$/m, `appVersion: "${other}"`),
      /appVersion/,
    ],
    [
      "the chart's own version",
      "helm/actions-runner-manager/Chart.yaml",
      (s) => s.replace(/^version: .*$/m, `version: ${other}`),
      /Chart\.yaml's version/,
    ],
    ["the image's version label (ARG VERSION)", "Dockerfile", (s) => s.replace(/^ARG VERSION=.*$/m, `ARG VERSION=${other}`), /ARG VERSION/],
    [
      "the image's licenses label",
      "Dockerfile",
      (s) => s.replace(/licenses="[^"]*"/, 'licenses="Apache-2.0"'),
      /licenses is "Apache-2\.0"/,
    ],
    [
      "the README's image build line",
      "README.md",
      (s) => s.replace(`actions-runner-manager:${pkg.version}`, `actions-runner-manager:${other}`),
      new RegExp(`README\\.md line \\d+ shows actions-runner-manager:${other.replaceAll(".", "\\.")}`),
    ],
    [
      "the chart's default image",
      "helm/actions-runner-manager/values.yaml",
      (s) => s.replace(/^( {2}repository: ).*$/m, "$1ghcr.io/someone-else/actions-runner-manager"),
      /image\.repository/,
    ],
  ];
  for (const [what, file, edit, expected] of cases) {
    test(`when ${what} differs, then the check names it`, (t) => {
      const problems = check(treeWith(t, file, edit));
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(problems[0]!, expected);
    });
  }

  test("when a release's tag is not v<version>, or it is published from another repository, then the release check fails", () => {
    assert.deepEqual(
      check(ROOT, { tag: `v${pkg.version}` }).filter((p) => !p.startsWith("CHANGELOG.md")),
      [],
    );
    assert.match(check(ROOT, { tag: "v9.9.9" }).join("\n"), /the tag v9\.9\.9 is not v/);
    assert.match(check(ROOT, { tag: pkg.version }).join("\n"), new RegExp(`the tag ${pkg.version.replaceAll(".", "\\.")} is not v`));
    assert.match(check(ROOT, { repository: "someone-else/fork" }).join("\n"), /published from someone-else\/fork/);
  });

  test("when a release's version has no section in CHANGELOG.md, then the release check asks for one", (t) => {
    const heading = `## [${pkg.version}]`;
    const withSection = treeWith(t, "CHANGELOG.md", (s) => s.replace("## [Unreleased]", `## [Unreleased]\n\n${heading} - 2026-12-03`));
    assert.deepEqual(check(withSection, { tag: `v${pkg.version}` }), []);
    const without = treeWith(t, "CHANGELOG.md", (s) => `${s.replaceAll(heading, `## [not-${pkg.version}]`)}\n`);
    assert.match(check(without, { tag: `v${pkg.version}` }).join("\n"), /CHANGELOG\.md has no "## \[/);
  });
});
