// One version everywhere: package.json's "version" is the source, and everything that names the release must
// say the same. Also one home: package.json's "repository" is where images and charts are published.
//
//   node scripts/check-versions.mjs                                  check the tree; exit 1 with one FAIL line per problem
//   node scripts/check-versions.mjs --tag v1.2.3 --repository o/n    as the release workflow runs it: the tag must be
//                                                                    v<version>, the repository package.json's, and
//                                                                    CHANGELOG.md must have a section for the version
//
// test/unit/release/one-version.test.ts runs versionProblems() on the tree (in npm test) and on broken copies.
// What follows VERSION at run time (src/version.ts: the start-up log line, arm_build_info, `serve --version`)
// reads package.json itself and is tested through the running service.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
/** A version-shaped word where the README shows an image tag, an image.tag value, the chart's version or $VERSION. */
const README_VERSIONS = [
  /actions-runner-manager:(v?\d+\.\d+\.\d+[0-9A-Za-z.+-]*)/g,
  /image\.tag=(v?\d+\.\d+\.\d+[0-9A-Za-z.+-]*)/g,
  /charts\/actions-runner-manager[^\n]*?--version[ =](v?\d+\.\d+\.\d+[0-9A-Za-z.+-]*)/g,
  /\bVERSION=(v?\d+\.\d+\.\d+[0-9A-Za-z.+-]*)/g,
];

/** package.json's repository → { url: "https://github.com/o/n", slug: "o/n" }, or undefined. */
export function repositoryOf(pkg) {
  const raw = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
  const m = /github\.com[/:]([^/]+)\/([^/]+?)(\.git)?$/.exec(raw ?? "");
  return m ? { url: `https://github.com/${m[1]}/${m[2]}`, slug: `${m[1]}/${m[2]}` } : undefined;
}

/** The image the release workflow publishes for a GitHub repository o/n: ghcr.io/o/n, lower-cased as GHCR requires. */
export const imageFor = (slug) => `ghcr.io/${slug.toLowerCase()}`;

/** The final stage's ARG defaults and LABELs of a Dockerfile (continuations joined, quotes removed). */
function finalStage(dockerfile) {
  const lines = dockerfile.replace(/\\\r?\n/g, " ").split(/\r?\n/);
  const lastFrom = lines.findLastIndex((l) => /^\s*FROM\s/i.test(l));
  const args = {};
  const labels = {};
  for (const line of lines.slice(lastFrom + 1)) {
    const arg = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/i.exec(line);
    if (arg) args[arg[1]] = arg[2]?.trim().replace(/^"(.*)"$/, "$1");
    if (/^\s*LABEL\s/i.test(line)) {
      for (const m of line.matchAll(/([A-Za-z0-9_.-]+)=("([^"]*)"|(\S*))/g)) labels[m[1]] = m[3] ?? m[4];
    }
  }
  return { args, labels };
}

/**
 * Every disagreement in the tree at `root`, as sentences; [] when all agree.
 * `release` (the workflow's view): { tag, repository } — the pushed tag and the GitHub repository publishing.
 */
export function versionProblems(root, release = {}) {
  const problems = [];
  const read = (file) => readFileSync(join(root, file), "utf8");
  const pkg = JSON.parse(read("package.json"));
  const version = pkg.version;
  if (typeof version !== "string" || !SEMVER.test(version)) {
    return [`package.json's version ${JSON.stringify(version)} is not a semantic version (x.y.z)`];
  }
  const expect = (where, actual) => {
    if (actual !== version) problems.push(`${where} is ${JSON.stringify(actual)}, but package.json's version is ${version}`);
  };

  expect("openapi.yaml's info.version", String(parse(read("openapi.yaml"))?.info?.version));

  const chartDir = "helm/actions-runner-manager";
  const chart = parse(read(`${chartDir}/Chart.yaml`));
  expect(`${chartDir}/Chart.yaml's appVersion`, String(chart.appVersion));
  // The chart is released in step with the server (see the comment in Chart.yaml).
  expect(`${chartDir}/Chart.yaml's version`, String(chart.version));

  const docker = finalStage(read("Dockerfile"));
  expect("the Dockerfile's ARG VERSION default (the image's org.opencontainers.image.version label)", docker.args.VERSION);
  if (docker.labels["org.opencontainers.image.version"] !== "${VERSION}") {
    problems.push('the Dockerfile\'s LABEL org.opencontainers.image.version must be "${VERSION}"');
  }
  if (docker.labels["org.opencontainers.image.licenses"] !== pkg.license) {
    problems.push(
      `the Dockerfile's LABEL org.opencontainers.image.licenses is ${JSON.stringify(docker.labels["org.opencontainers.image.licenses"])}, but package.json's license is ${pkg.license}`,
    );
  }

  const readme = read("README.md");
  let shown = 0;
  for (const pattern of README_VERSIONS) {
    for (const m of readme.matchAll(pattern)) {
      shown++;
      if (m[1] !== version) {
        const line = readme.slice(0, m.index).split("\n").length;
        problems.push(`README.md line ${line} shows ${m[0]}, but package.json's version is ${version}`);
      }
    }
  }
  if (shown === 0) problems.push("README.md shows no image tag (actions-runner-manager:<version>): the build line is gone or has moved");

  const repo = repositoryOf(pkg);
  if (repo === undefined) {
    problems.push('package.json has no GitHub "repository": it says where images and charts are published');
  } else {
    const source = docker.labels["org.opencontainers.image.source"];
    if (source !== repo.url) {
      problems.push(
        `the Dockerfile's LABEL org.opencontainers.image.source is ${JSON.stringify(source)}, but package.json's repository is ${repo.url}`,
      );
    }
    const values = parse(read(`${chartDir}/values.yaml`));
    if (values?.image?.repository !== imageFor(repo.slug)) {
      problems.push(
        `${chartDir}/values.yaml's image.repository is ${JSON.stringify(values?.image?.repository)}, but the release workflow publishes ${imageFor(repo.slug)} (package.json's repository)`,
      );
    }
    if (chart.home !== repo.url) problems.push(`${chartDir}/Chart.yaml's home is ${JSON.stringify(chart.home)}, not ${repo.url}`);
    if (release.repository !== undefined && release.repository.toLowerCase() !== repo.slug.toLowerCase()) {
      problems.push(
        `this release is published from ${release.repository}, but package.json's repository is ${repo.slug}: update package.json's ` +
          `repository, then what this check names (the Dockerfile's source label, the chart's home and image.repository)`,
      );
    }
  }

  if (release.tag !== undefined) {
    if (release.tag !== `v${version}`) problems.push(`the tag ${release.tag} is not v${version} (package.json's version)`);
    const changelog = existsSync(join(root, "CHANGELOG.md")) ? read("CHANGELOG.md") : "";
    const escaped = version.replace(/[.+]/g, "\\$&");
    if (!new RegExp(`^## \\[${escaped}\\]`, "m").test(changelog)) {
      problems.push(`CHANGELOG.md has no "## [${version}]" section: move the Unreleased notes under it`);
    }
  }
  return problems;
}

function main(argv) {
  const option = (name) => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  const root = join(import.meta.dirname, "..");
  const release = {};
  if (option("--tag") !== undefined) release.tag = option("--tag");
  if (option("--repository") !== undefined) release.repository = option("--repository");
  const problems = versionProblems(root, release);
  for (const p of problems) console.log(`FAIL versions: ${p}`);
  if (problems.length === 0) {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    console.log(`PASS versions: ${version} everywhere${release.tag ? `, tag ${release.tag}` : ""}`);
  }
  return problems.length ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
