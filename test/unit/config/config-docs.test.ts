/**
 * The configuration keys are described once, in src/config/schema.ts. These tests fail when a file that
 * describes them too has drifted, naming the file and the key: the chart's values.schema.json and the
 * README's table (generated: npm run config:generate), config.example.yml (checked: every key documented, none
 * invented, defaults as the schema's), and the chart's values.yaml and ci values (checked).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { parse as parseYaml } from "yaml";
import {
  CHART_SCHEMA_FILE,
  chartConfigSchema,
  chartValuesSchemaText,
  configJsonSchema,
  keysOf,
  README_BEGIN,
  README_END,
  README_FILE,
  readmeRows,
  readmeText,
  readRepoFile,
  type JsonSchema,
} from "../../../scripts/config-docs.js";

const REGENERATE = "run npm run config:generate";

/** What differs between two schemas, key by key: "config.cache: missing", … (empty when they agree). */
function schemaDrift(committed: JsonSchema, generated: JsonSchema, prefix: string): string[] {
  const ours = new Map(keysOf(generated));
  const theirs = new Map(keysOf(committed));
  const drift: string[] = [];
  const own = ({ properties: _p, ...rest }: JsonSchema) => rest;
  for (const [key, node] of ours) {
    const found = theirs.get(key);
    if (found === undefined) drift.push(`${prefix}.${key}: missing (the configuration schema has it)`);
    else if (!isDeepStrictEqual(own(found), own(node)))
      drift.push(`${prefix}.${key}: ${JSON.stringify(own(found))}, but the configuration schema gives ${JSON.stringify(own(node))}`);
  }
  for (const key of theirs.keys()) if (!ours.has(key)) drift.push(`${prefix}.${key}: not a key the chart's configuration offers`);
  if (drift.length === 0 && !isDeepStrictEqual(own(committed), own(generated)))
    drift.push(`${prefix}: its own description or type differs`);
  return drift;
}

describe(`${CHART_SCHEMA_FILE}: the config subtree`, () => {
  test("when the configuration schema changes, then values.schema.json's config follows it (a test names the drifted key)", async () => {
    const text = readRepoFile(CHART_SCHEMA_FILE);
    const committed = (JSON.parse(text) as { properties: { config: JsonSchema } }).properties.config;
    const drift = schemaDrift(committed, chartConfigSchema(), "config");
    assert.deepEqual(drift, [], `${CHART_SCHEMA_FILE} has drifted from src/config/schema.ts (${REGENERATE}):\n  ${drift.join("\n  ")}`);
    assert.ok((await chartValuesSchemaText(text)) === text, `${CHART_SCHEMA_FILE}: not as generated (${REGENERATE})`);
  });

  test("when a key the README names as a lever (cache.*) is set, then the chart's schema accepts it", () => {
    const cache = chartConfigSchema().properties!.cache!;
    assert.ok(cache.properties?.identity?.properties?.ttlSeconds, "config.cache.identity.ttlSeconds");
    assert.equal(cache.additionalProperties, false, "a misspelled cache key is still refused");
  });

  test("when the drift check compares two schemas, then it names each key that differs", () => {
    const generated: JsonSchema = { type: "object", properties: { a: { type: "integer" }, b: { type: "object", properties: { c: {} } } } };
    const committed: JsonSchema = { type: "object", properties: { a: { type: "number" }, d: { type: "string" } } };
    assert.deepEqual(schemaDrift(committed, generated, "config"), [
      'config.a: {"type":"number"}, but the configuration schema gives {"type":"integer"}',
      "config.b: missing (the configuration schema has it)",
      "config.b.c: missing (the configuration schema has it)",
      "config.d: not a key the chart's configuration offers",
    ]);
  });
});

describe(`${README_FILE}: the table of configuration keys`, () => {
  test("when the configuration schema changes, then the README's table follows it: every key, none invented, defaults agreeing", () => {
    const text = readRepoFile(README_FILE);
    const begin = text.indexOf(README_BEGIN);
    const end = text.indexOf(README_END);
    assert.ok(begin >= 0 && end > begin, `${README_FILE}: the markers of the configuration table are missing`);
    const rows = new Map(
      text
        .slice(begin, end)
        .split("\n")
        .flatMap((line) => {
          const key = /^\| `([^`]+)` \|/.exec(line)?.[1];
          return key === undefined ? [] : [[key, line] as const];
        }),
    );
    const drift: string[] = [];
    const generated = new Map(readmeRows());
    for (const [key, row] of generated) {
      const found = rows.get(key);
      if (found === undefined) drift.push(`\`${key}\` is missing`);
      else if (found !== row) drift.push(`\`${key}\`'s row is\n      ${found}\n    but the schema gives\n      ${row}`);
    }
    for (const key of rows.keys()) if (!generated.has(key)) drift.push(`\`${key}\` is listed, but src/config/schema.ts has no such key`);
    assert.deepEqual(drift, [], `${README_FILE}'s configuration table has drifted (${REGENERATE}):\n  ${drift.join("\n  ")}`);
    assert.ok(readmeText(text) === text, `${README_FILE}: the configuration table is not as generated (${REGENERATE})`);
  });
});

// ---- config.example.yml: checked, not generated ----

interface ExampleKey {
  key: string;
  line: number;
  /** `#key: value` (no space after the #): the value shown as the default */
  shownDefault?: { value: unknown };
}

/**
 * The keys config.example.yml documents, with their lines: live keys, `#key: value` defaults and `# key: …`
 * explanations or examples, nested by indentation under the live sections they follow.
 */
function exampleKeys(text: string): ExampleKey[] {
  const keys: ExampleKey[] = [];
  const sections: Array<{ indent: number; name: string }> = [];
  text.split("\n").forEach((line, index) => {
    const match = /^(\s*)(#\s?)?([A-Za-z][A-Za-z0-9]*):(\s|$)/.exec(line);
    if (!match) return;
    const [, spaces, hash, name] = match as unknown as [string, string, string | undefined, string];
    const indent = spaces.length;
    while (sections.length > 0 && sections.at(-1)!.indent >= indent) sections.pop();
    const key = [...sections.map((s) => s.name), name].join(".");
    const rest = line.slice(match[0].length).replace(/\s+#.*$/, "");
    const entry: ExampleKey = { key, line: index + 1 };
    if (hash === "#") entry.shownDefault = { value: parseYaml(`${name}: ${rest}`)[name] as unknown };
    keys.push(entry);
    if (hash === undefined && rest.trim() === "") sections.push({ indent, name });
  });
  return keys;
}

describe("config.example.yml", () => {
  const file = "config.example.yml";
  const example = exampleKeys(readRepoFile(file));
  const schema = new Map(keysOf(configJsonSchema()));

  test("when a key is in the schema, then the example documents it", () => {
    const documented = new Set(example.map((e) => e.key));
    const missing = [...schema.keys()].filter((key) => !documented.has(key));
    assert.deepEqual(missing, [], `${file} does not document: ${missing.join(", ")}`);
  });

  test("when the example shows a key, then the schema knows it", () => {
    const unknown = example.filter((e) => !schema.has(e.key)).map((e) => `${file}:${e.line}: \`${e.key}\``);
    assert.deepEqual(unknown, [], `keys src/config/schema.ts does not know:\n  ${unknown.join("\n  ")}`);
  });

  test("when the example shows a default (#key: value), then it is the schema's default", () => {
    const shown = example.filter((e) => e.shownDefault !== undefined);
    assert.ok(shown.length >= 35, `only ${shown.length} defaults found: the scan of ${file} is broken`);
    const wrong = shown
      .filter((e) => !isDeepStrictEqual(e.shownDefault!.value, schema.get(e.key)?.default))
      .map(
        (e) =>
          `${file}:${e.line}: \`${e.key}\` shows ${JSON.stringify(e.shownDefault!.value)}, the schema's default is ${JSON.stringify(schema.get(e.key)?.default)}`,
      );
    assert.deepEqual(wrong, [], wrong.join("\n"));
  });

  test("when the scan reads a made-up example, then it finds nested keys, defaults and invented keys", () => {
    const keys = exampleKeys("org: x\nserver:\n  # explained\n  #port: 8443\n  tls:\n    # certFile: /a\n  # ratelimit: 1\nlogging:\n");
    assert.deepEqual(keys, [
      { key: "org", line: 1 },
      { key: "server", line: 2 },
      { key: "server.port", line: 4, shownDefault: { value: 8443 } },
      { key: "server.tls", line: 5 },
      { key: "server.tls.certFile", line: 6 },
      { key: "server.ratelimit", line: 7 },
      { key: "logging", line: 8 },
    ]);
  });
});

// ---- the chart's values ----

const VALUES_FILE = "helm/actions-runner-manager/values.yaml";
/** values.yaml's own choices for `config`, each with its reason; every other value there is the server's default. */
const CHART_CHOICES: Readonly<Record<string, string>> = {
  org: "left empty for the installer",
  appID: "left empty for the installer",
  installationID: "left empty for the installer",
  "logging.ephemeral": "true in a pod: the cluster collects stdout",
};

function leaves(value: unknown, prefix = ""): Array<[string, unknown]> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [[prefix, value]];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

describe(`${VALUES_FILE}: config`, () => {
  test("when values.yaml sets a configuration key, then it is one the chart offers, at the server's default unless a chart choice", () => {
    const values = parseYaml(readRepoFile(VALUES_FILE)) as { config: Record<string, unknown> };
    const offered = new Map(keysOf(chartConfigSchema()));
    const drift = leaves(values.config).flatMap(([key, value]) => {
      if (!offered.has(key)) return [`config.${key}: not a key the chart's configuration offers`];
      if (key in CHART_CHOICES) return [];
      const fallback = offered.get(key)!.default;
      return isDeepStrictEqual(value, fallback)
        ? []
        : [`config.${key}: ${JSON.stringify(value)}, the server's default is ${JSON.stringify(fallback)}`];
    });
    assert.deepEqual(drift, [], `${VALUES_FILE} has drifted from src/config/schema.ts:\n  ${drift.join("\n  ")}`);
  });

  test("when the chart offers a configuration key, then ci/config-keys-values.yaml sets it, so that the chart script renders it through the server's parser", () => {
    const file = "helm/actions-runner-manager/ci/config-keys-values.yaml";
    const values = parseYaml(readRepoFile(file)) as { config: Record<string, unknown> };
    const set = new Set(leaves(values.config).map(([key]) => key));
    const missing = keysOf(chartConfigSchema())
      .filter(([key, node]) => node.properties === undefined && !set.has(key))
      .map(([key]) => `config.${key}`);
    assert.deepEqual(missing, [], `${file} does not set: ${missing.join(", ")}`);
  });
});
