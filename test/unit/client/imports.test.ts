/**
 * The client starts in the time Node takes because it loads nothing of the server: the built client's whole
 * static import graph (dist/cli.js, which `npm test` builds first) is Node's own modules and our own client
 * files. `serve` alone loads the server, through a dynamic import.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { test } from "node:test";
import { BUILT_CLI } from "../../helpers/cli.js";

const STATIC_IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)";?|^\s*import\s+"([^"]+)";?/gms;

function staticGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const match of readFileSync(file, "utf8").matchAll(STATIC_IMPORT)) {
      const specifier = match[1] ?? match[2]!;
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files: [...files].map((f) => relative(dirname(BUILT_CLI), f)).sort(), packages: [...packages].sort() };
}

test("the built client imports only Node's own modules and its own files; the server is imported for serve alone", () => {
  const { files, packages } = staticGraph(BUILT_CLI);
  assert.deepEqual(
    packages.filter((p) => !p.startsWith("node:")),
    [],
    "no package from node_modules",
  );
  assert.deepEqual(
    files.filter((f) => !f.startsWith("client/") && f !== "cli.js" && f !== "version.js"),
    [],
  );
  assert.ok(files.includes("client/main.js"));
  assert.match(readFileSync(BUILT_CLI, "utf8"), /await import\("\.\/serve-command\.js"\)/);
});
