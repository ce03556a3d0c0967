// Runs every test file under test/ with node's own test runner through tsx.
// Node 20's --test neither finds .ts files nor expands globs, so we list them here.
// Usage: [FC_SEED=<n>] npm test [-- <file-or-folder-substring> ...]
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith(".test.ts") ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = findTests("test")
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(" ")}`);
  process.exit(1);
}

// One fast-check seed for the whole run, printed first, so that any property failure in CI can be replayed
// (test/helpers/property.ts applies it in every test process and names it again in a failure).
const seed = process.env.FC_SEED || String(randomInt(-(2 ** 31), 2 ** 31));
if (!/^-?\d+$/.test(seed) || Number(seed) !== (Number(seed) | 0)) {
  console.error(`FC_SEED must be a 32-bit integer, not ${seed}`);
  process.exit(1);
}
console.log(`fast-check seed ${seed} (replay: FC_SEED=${seed} npm test -- <file>)`);

const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "test", FC_SEED: seed },
});
process.exit(result.status ?? 1);
