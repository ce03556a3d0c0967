/**
 * npm run config:generate: writes what scripts/config-docs.ts generates from the configuration schema, the
 * `config` subtree of the chart's values.schema.json and the README's table of keys. Run it after changing a
 * key in src/config/schema.ts; `npm test` fails until the committed files agree.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { CHART_SCHEMA_FILE, chartValuesSchemaText, README_FILE, readmeText, readRepoFile, REPO_ROOT } from "./config-docs.js";

const outputs: Array<[string, string]> = [
  [CHART_SCHEMA_FILE, await chartValuesSchemaText(readRepoFile(CHART_SCHEMA_FILE))],
  [README_FILE, readmeText(readRepoFile(README_FILE))],
];
for (const [file, text] of outputs) {
  const changed = text !== readRepoFile(file);
  if (changed) writeFileSync(resolve(REPO_ROOT, file), text);
  console.log(`${changed ? "wrote" : "unchanged"} ${file}`);
}
