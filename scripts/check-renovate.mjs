// Checks renovate.json offline (Renovate itself runs as a GitHub App, never here), for what it must keep fresh:
//   - it is JSON and pins by digest: docker:pinDigests and helpers:pinGitHubActionDigests are extended, and no
//     enabledManagers list leaves out npm, dockerfile, github-actions or helmv3;
//   - every `# renovate: datasource=… depName=…` annotation in the repository is matched by one of its
//     customManagers' patterns, with a version captured (else Renovate would silently stop bumping it);
//   - every package a packageRule names by exact name is one the repository uses (a stale rule hides nothing, but
//     misleads);
//   - the Dockerfile's base images are pinned by digest (scripts/check-dockerfile.mjs says so too).
// The full schema check is Renovate's own `renovate-config-validator` (needs Node >= 22), run on each change of
// this file: `npx --yes --package renovate@44 -- renovate-config-validator renovate.json`.
//
//   node scripts/check-renovate.mjs          exit 1 with one FAIL line per problem
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dirname, "..");
const problems = [];
const read = (file) => readFileSync(join(root, file), "utf8");

let config;
try {
  config = JSON.parse(read("renovate.json"));
} catch (error) {
  console.log(`FAIL check-renovate: renovate.json: ${error.message}`);
  process.exit(1);
}

for (const preset of ["config:recommended", "docker:pinDigests", "helpers:pinGitHubActionDigests"]) {
  if (!config.extends?.includes(preset)) problems.push(`extends lacks ${preset}`);
}
if (Array.isArray(config.enabledManagers)) {
  for (const manager of ["npm", "dockerfile", "github-actions", "helmv3", "custom.regex"]) {
    if (!config.enabledManagers.includes(manager)) problems.push(`enabledManagers leaves out ${manager}`);
  }
}

/** Files Renovate's custom managers may read: the repository's text files, outside node_modules, dist and .git. */
function files(dir) {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (["node_modules", "dist", ".git", "coverage", ".demo"].includes(name)) return [];
    return statSync(join(root, path)).isDirectory() ? files(path) : [path];
  });
}
const managers = (config.customManagers ?? []).map((m) => ({
  files: (m.managerFilePatterns ?? []).map((p) => new RegExp(p.replace(/^\/(.*)\/$/, "$1"))),
  strings: (m.matchStrings ?? []).map((s) => new RegExp(s, "g")),
}));
let annotations = 0;
for (const file of files(".")) {
  if (!/\.(sh|ya?ml)$|Dockerfile$/.test(file)) continue;
  const text = read(file);
  for (const m of text.matchAll(/^[ \t]*# renovate: datasource=[a-z-]+ depName=\S+[ \t]*$/gm)) {
    annotations++;
    const line = text.slice(0, m.index).split("\n").length;
    const covering = managers.filter((mgr) => mgr.files.some((f) => f.test(relative(root, join(root, file)))));
    const matched = covering.some((mgr) =>
      mgr.strings.some((re) => [...text.matchAll(re)].some((hit) => hit.index === m.index + m[0].indexOf("#") && hit.groups?.currentValue)),
    );
    if (!matched) problems.push(`${file} line ${line}: "${m[0].trim()}" is matched by no customManagers pattern (with a version)`);
  }
}

const pkg = JSON.parse(read("package.json"));
const dockerfile = read("Dockerfile");
const known = new Set([
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.devDependencies ?? {}),
  ...[...dockerfile.matchAll(/^FROM\s+(?:--\S+\s+)*([^\s:@]+)/gm)].map((m) => m[1]),
  ...[...files(".").filter((f) => /\.(sh|ya?ml)$/.test(f))].flatMap((f) => [...read(f).matchAll(/depName=(\S+)/g)].map((m) => m[1])),
]);
for (const rule of config.packageRules ?? []) {
  for (const name of [...(rule.matchPackageNames ?? []), ...(rule.matchDepNames ?? [])]) {
    if (/[*!/]$|^\//.test(name) || name.includes("*")) continue; // globs and patterns
    if (!known.has(name)) problems.push(`a packageRule names ${name}, which the repository does not use`);
  }
}

for (const m of dockerfile.matchAll(/^FROM\s+(?:--\S+\s+)*(\S+)/gm)) {
  if (!/@sha256:[0-9a-f]{64}$/.test(m[1]) && !/^[a-z][a-z0-9_-]*$/i.test(m[1]))
    problems.push(`Dockerfile: FROM ${m[1]} is not pinned by digest`);
}

for (const p of problems) console.log(`FAIL check-renovate: ${p}`);
if (problems.length === 0) {
  console.log(
    `PASS check-renovate: renovate.json pins digests; its custom managers match all ${annotations} annotation(s); its rules name packages in use`,
  );
}
process.exitCode = problems.length ? 1 : 0;
