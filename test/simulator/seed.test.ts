import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { demoSeed, parseSeedYaml, SeedError } from "../../src/simulator/index.js";
import { validateSeed } from "../../src/simulator/seed.js";

describe("simulator seed", () => {
  test("examples/simulator-seed.yml is the built-in demo seed, so the README's example is what the demo runs", () => {
    const example = parse(readFileSync("examples/simulator-seed.yml", "utf8"));
    assert.deepEqual(validateSeed(example), validateSeed(demoSeed));
  });

  test("when a seed has several problems, then one error lists every one of them with its path", () => {
    const yaml = `
org: { login: acme }
users:
  - { login: alice, tokens: [t1] }
teams:
  - slug: platform
    members: [{ login: zed, role: maintainer }]
    repos: [{ name: nowhere, permission: write }]
runners:
  - { name: r1, group: ghost }
`;
    assert.throws(
      () => parseSeedYaml(yaml, "broken.yml"),
      (error: unknown) => {
        assert.ok(error instanceof SeedError);
        assert.match(error.message, /broken\.yml/);
        assert.match(error.message, /teams\.0\.members\.0: no user zed/);
        assert.match(error.message, /teams\.0\.repos\.0: no repository nowhere/);
        assert.match(error.message, /runners\.0\.group: no runner group ghost/);
        return true;
      },
    );
  });

  test("when a team names a parent, then it is the parent's child team; an unknown parent or a cycle is refused", () => {
    const seed = parseSeedYaml("org: { login: acme }\nteams: [{ slug: eng }, { slug: platform, parent: eng }]");
    assert.deepEqual(
      seed.teams.map((t) => [t.slug, t.parent]),
      [
        ["eng", undefined],
        ["platform", "eng"],
      ],
    );
    assert.throws(
      () => parseSeedYaml("org: { login: acme }\nteams: [{ slug: platform, parent: ghost }]"),
      /teams\.0\.parent: no team ghost/,
    );
    assert.throws(
      () => parseSeedYaml("org: { login: acme }\nteams: [{ slug: a, parent: b }, { slug: b, parent: a }, { slug: c, parent: c }]"),
      (error: unknown) => {
        assert.ok(error instanceof SeedError);
        assert.deepEqual(error.problems, [
          "teams.0.parent: a would be its own ancestor",
          "teams.1.parent: b would be its own ancestor",
          "teams.2.parent: c would be its own ancestor",
        ]);
        return true;
      },
    );
  });

  test("when a field has the wrong type or an unknown key, then the error names it", () => {
    assert.throws(() => parseSeedYaml("org: { login: acme }\nusers: [{ login: a, tokens: [] }]"), /users\.0\.tokens/);
    assert.throws(() => parseSeedYaml("org: { login: acme, colour: red }"), /colour/);
    assert.throws(() => parseSeedYaml("org: [unclosed"), /not valid YAML/);
  });
});
