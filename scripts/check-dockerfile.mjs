// Policy check for the Dockerfile (no Docker engine is needed): the things dockerfilelint does not know about us.
//
//   node scripts/check-dockerfile.mjs [Dockerfile]     check a file; exit 1 with one FAIL line per problem
//   node scripts/check-dockerfile.mjs --self-test      prove each rule fails on a Dockerfile that breaks it
//
// Rules: multi-stage; the final stage is FROM the distroless Node 24 nonroot image; no USER root in it; no RUN and
// no shell-form CMD/ENTRYPOINT/HEALTHCHECK in it (distroless has no shell); CMD is ["dist/main.js"] in exec form;
// it copies package.json (its "type": "module" makes dist/*.js ES modules), dist/, node_modules/ and openapi.yaml
// (read at run time) into WORKDIR /app and EXPOSEs 8443; no ADD of a URL or git repository anywhere; the build
// keeps only production dependencies; no secret-looking ENV/ARG; .dockerignore keeps secrets and bulk out;
// every base image is pinned by digest (tag@sha256:…, kept fresh by Renovate); the final stage carries the OCI
// labels version (from ARG VERSION, whose default is package.json's version), revision (ARG REVISION), source and
// licenses (package.json's license).
// And what the image's dist/ holds: the program `npm run build` compiles (tsc --listFilesOnly over its tsconfig)
// holds none of the simulator, the demo or its demo tokens (tsc compiles an excluded file when something imports
// it, so this is the proof that the server's and the client's import graph never reaches them).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const FINAL_IMAGE = "gcr.io/distroless/nodejs24-debian13:nonroot";
const DIGEST = /@sha256:[0-9a-f]{64}$/;
const OCI = "org.opencontainers.image.";

/** LABEL args → { key: value }, quotes removed (`a="b c" d=e`). */
function labelPairs(args) {
  const pairs = {};
  for (const m of args.matchAll(/([A-Za-z0-9_.-]+)=("((?:[^"\\]|\\.)*)"|(\S*))/g)) pairs[m[1]] = m[3] ?? m[4];
  return pairs;
}

/** ARG lines of a stage → { NAME: default | undefined }. */
function argDefaults(stage) {
  const args = {};
  for (const i of stage.filter((x) => x.keyword === "ARG")) {
    const [name, ...rest] = i.args.split("=");
    args[name.trim()] = rest.length
      ? rest
          .join("=")
          .trim()
          .replace(/^"(.*)"$/, "$1")
      : undefined;
  }
  return args;
}

/** Dockerfile text → instructions [{ line, keyword, args }], with continuations joined and comments dropped. */
function parseDockerfile(text) {
  const instructions = [];
  let pending = "";
  let startLine = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (pending === "" && (trimmed === "" || trimmed.startsWith("#"))) return;
    if (pending !== "" && trimmed.startsWith("#")) return; // comment lines inside a continuation are ignored
    if (pending === "") startLine = index + 1;
    if (trimmed.endsWith("\\")) {
      pending += trimmed.slice(0, -1) + " ";
      return;
    }
    const full = (pending + trimmed).trim();
    pending = "";
    if (full === "") return;
    const match = /^(\S+)\s*(.*)$/s.exec(full);
    instructions.push({ line: startLine, keyword: match[1].toUpperCase(), args: match[2].trim() });
  });
  if (pending.trim() !== "") {
    const match = /^(\S+)\s*(.*)$/s.exec(pending.trim());
    instructions.push({ line: startLine, keyword: match[1].toUpperCase(), args: match[2].trim() });
  }
  return instructions;
}

/** ["a", "b"] → the array; anything else (shell form) → undefined. */
function execForm(args) {
  if (!args.startsWith("[")) return undefined;
  try {
    const parsed = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === "string") ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Splits `--from=build --chown=1:1 a b dest` into flags and paths (exec-form COPY too). */
function copyArgs(args) {
  const words = execForm(args) ?? args.split(/\s+/).filter(Boolean);
  const flags = Object.fromEntries(words.filter((w) => w.startsWith("--")).map((w) => w.slice(2).split("=", 2)));
  const paths = words.filter((w) => !w.startsWith("--"));
  return { flags, sources: paths.slice(0, -1), dest: paths.at(-1) ?? "" };
}

/** Every policy problem in a Dockerfile's text, as strings ("line N: …"); [] when it complies. */
function checkDockerfile(text, { dockerignore, packageJson } = {}) {
  const problems = [];
  const instructions = parseDockerfile(text);
  const froms = instructions.filter((i) => i.keyword === "FROM");
  if (froms.length < 2) problems.push(`expected a multi-stage build (a build stage and a runtime stage), found ${froms.length} FROM`);
  const lastFrom = froms.at(-1);
  if (!lastFrom) return [...problems, "no FROM instruction"];
  const finalStage = instructions.slice(instructions.indexOf(lastFrom) + 1);
  const buildStages = instructions.slice(0, instructions.indexOf(lastFrom));

  const image = lastFrom.args.split(/\s+/).find((w) => !w.startsWith("--")) ?? "";
  const imageWithoutDigest = image.replace(/@sha256:[0-9a-f]{64}$/, "");
  if (imageWithoutDigest !== FINAL_IMAGE) {
    problems.push(`line ${lastFrom.line}: the final stage must be FROM ${FINAL_IMAGE} (optionally @sha256:…), not ${image}`);
  }

  const stageNames = new Set(froms.map((f) => /\sAS\s+(\S+)\s*$/i.exec(f.args)?.[1]?.toLowerCase()).filter(Boolean));
  for (const from of froms) {
    const base = from.args.split(/\s+/).find((w) => !w.startsWith("--")) ?? "";
    if (!stageNames.has(base.toLowerCase()) && !DIGEST.test(base)) {
      problems.push(`line ${from.line}: FROM ${base} is not pinned by digest: write ${base}@sha256:… (Renovate keeps it fresh)`);
    }
  }

  const labels = Object.assign({}, ...finalStage.filter((i) => i.keyword === "LABEL").map((i) => labelPairs(i.args)));
  const args = argDefaults(finalStage);
  for (const key of ["version", "revision", "source", "licenses"]) {
    if (!labels[OCI + key]) problems.push(`the final stage must LABEL ${OCI}${key}`);
  }
  for (const [key, arg] of [
    ["version", "VERSION"],
    ["revision", "REVISION"],
  ]) {
    const value = labels[OCI + key];
    if (value !== undefined && value !== `\${${arg}}` && value !== `$${arg}`) {
      problems.push(`LABEL ${OCI}${key} must be "\${${arg}}" (the release workflow passes --build-arg ${arg}), not "${value}"`);
    }
    if (value !== undefined && !(arg in args)) problems.push(`the final stage must declare ARG ${arg} (LABEL ${OCI}${key} reads it)`);
  }
  if (packageJson !== undefined) {
    if ("VERSION" in args && args.VERSION !== packageJson.version) {
      problems.push(`ARG VERSION defaults to ${args.VERSION}, but package.json's version is ${packageJson.version}`);
    }
    if (labels[OCI + "licenses"] !== undefined && labels[OCI + "licenses"] !== packageJson.license) {
      problems.push(`LABEL ${OCI}licenses is ${labels[OCI + "licenses"]}, but package.json's license is ${packageJson.license}`);
    }
  }

  for (const i of finalStage) {
    if (i.keyword === "USER") {
      const user = i.args.split(":")[0].trim();
      if (user === "root" || user === "0") problems.push(`line ${i.line}: USER ${i.args} runs as root; the image runs as 65532 (nonroot)`);
      if (i.args.includes(":") && ["root", "0"].includes(i.args.split(":")[1].trim())) {
        problems.push(`line ${i.line}: USER ${i.args} runs with group root`);
      }
    }
    if (i.keyword === "RUN")
      problems.push(`line ${i.line}: RUN in the final stage: distroless has no shell; do the work in the build stage`);
    if (["CMD", "ENTRYPOINT", "HEALTHCHECK"].includes(i.keyword)) {
      const args = i.keyword === "HEALTHCHECK" ? i.args.replace(/^(--\S+\s+)*CMD\s+/i, "") : i.args;
      if (!(i.keyword === "HEALTHCHECK" && /^NONE$/i.test(i.args)) && !execForm(args)) {
        problems.push(`line ${i.line}: ${i.keyword} in shell form needs /bin/sh, which distroless lacks: use ["…"] exec form`);
      }
    }
    if (["ONBUILD", "SHELL"].includes(i.keyword)) problems.push(`line ${i.line}: ${i.keyword} has no place in the runtime stage`);
  }
  const cmds = finalStage.filter((i) => i.keyword === "CMD");
  const cmd = cmds.length ? execForm(cmds.at(-1).args) : undefined;
  if (cmds.length === 0) problems.push(`the final stage has no CMD: expected CMD ["dist/main.js"] (the image's entrypoint is node)`);
  else if (cmd && cmd[0] !== "dist/main.js" && cmd[0] !== "/app/dist/main.js") {
    problems.push(
      `line ${cmds.at(-1).line}: CMD must start with "dist/main.js" (the distroless entrypoint is node), got ${cmds.at(-1).args}`,
    );
  }
  if (finalStage.some((i) => i.keyword === "ENTRYPOINT")) {
    problems.push("the final stage sets ENTRYPOINT: keep distroless' own (node) and pass the script in CMD");
  }

  const workdirs = finalStage.filter((i) => i.keyword === "WORKDIR");
  if (workdirs.at(-1)?.args !== "/app") problems.push("the final stage must set WORKDIR /app");
  const exposed = finalStage.filter((i) => i.keyword === "EXPOSE").flatMap((i) => i.args.split(/\s+/));
  if (!exposed.some((p) => p.replace(/\/tcp$/, "") === "8443")) problems.push("the final stage must EXPOSE 8443 (server.port's default)");

  const copied = finalStage
    .filter((i) => i.keyword === "COPY")
    .flatMap((i) => {
      const { sources, dest } = copyArgs(i.args);
      return sources.map((s) => ({
        source: s
          .replace(/^\/app\//, "")
          .replace(/^\.\//, "")
          .replace(/\/$/, ""),
        dest,
      }));
    });
  for (const needed of ["package.json", "dist", "node_modules", "openapi.yaml"]) {
    if (!copied.some((c) => c.source === needed || c.source.endsWith(`/${needed}`))) {
      problems.push(
        `the final stage must COPY ${needed}${needed === "package.json" ? ' (its "type": "module" makes dist/*.js ES modules)' : ""}`,
      );
    }
  }
  for (const c of copied) {
    if (/(^|\/)(src|test|\.git|\.demo|coverage)$/.test(c.source) || /\.(pem|key|crt)$/.test(c.source)) {
      problems.push(`the final stage copies ${c.source}: it does not belong in the runtime image`);
    }
  }

  for (const i of instructions) {
    if (i.keyword === "ADD") {
      const { sources } = copyArgs(i.args);
      for (const s of sources) {
        if (/^(https?|ftp|git):\/\//i.test(s) || /^git@/.test(s) || /\.git(#|$)/.test(s)) {
          problems.push(`line ${i.line}: ADD ${s} fetches from the network unverified; download in a RUN with a checksum, or COPY`);
        }
      }
    }
    if (i.keyword === "ENV" || i.keyword === "ARG") {
      for (const name of i.args.match(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)(?==\S)/g) ?? []) {
        if (/(TOKEN|PASSWORD|SECRET|PRIVATE_KEY)$/i.test(name.trim())) {
          problems.push(`line ${i.line}: ${i.keyword} ${name.trim()}=… bakes a secret into the image; pass it at run time`);
        }
      }
    }
  }

  const buildRuns = buildStages
    .filter((i) => i.keyword === "RUN")
    .map((i) => i.args)
    .join("\n");
  if (!/npm ci\b/.test(buildRuns)) problems.push("the build stage must install with npm ci (the lockfile pins every version)");
  if (!/npm run build\b/.test(buildRuns)) problems.push("the build stage must run npm run build");
  if (!/npm prune[^\n]*--omit=dev|npm ci[^\n]*--omit=dev/.test(buildRuns)) {
    problems.push("the build must keep production dependencies only (npm prune --omit=dev, or npm ci --omit=dev in a stage of its own)");
  }

  if (dockerignore !== undefined) {
    const lines = dockerignore
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    for (const needed of ["node_modules", "dist", ".git", ".demo", "test", "coverage", "*.pem"]) {
      if (
        !lines.some(
          (l) =>
            l
              .replace(/^\*\*\//, "")
              .replace(/^\//, "")
              .replace(/\/$/, "") === needed,
        )
      ) {
        problems.push(`.dockerignore must exclude ${needed}`);
      }
    }
  }
  return problems;
}

// ---- the build stage's inputs: what `npm run build` reads must be COPYed, and not dropped by .dockerignore ----

/** .dockerignore pattern → RegExp over a context-relative path (Go filepath.Match plus **, as Docker does). */
function ignoreRegex(pattern) {
  const p = pattern.replace(/^\/+/, "").replace(/\/+$/, "");
  let re = "";
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === "*" && p[i + 1] === "*") {
      re += ".*";
      i++;
      if (p[i + 1] === "/") i++;
    } else if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else re += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}(/.*)?$`);
}

/** Whether .dockerignore drops `path` from the build context (later lines win; ! re-includes). */
function ignored(path, dockerignore) {
  let out = false;
  for (const raw of dockerignore.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const negate = line.startsWith("!");
    if (ignoreRegex(negate ? line.slice(1) : line).test(path)) out = !negate;
  }
  return out;
}

/** Files the build stage needs, from package.json's build script and the tsconfig chain it names. */
function buildInputs(root) {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const build = pkg.scripts?.build ?? "";
  const inputs = new Set(["package.json", "package-lock.json"]);
  for (const m of build.matchAll(/(?:^|\s)(-p|--project)\s+(\S+)/g)) inputs.add(m[2]);
  for (const m of build.matchAll(/\bnode\s+(\S+\.m?js)\b/g)) inputs.add(m[1]);
  for (const config of [...inputs].filter((f) => /(^|\/)tsconfig[^/]*\.json$/.test(f))) {
    // Follow "extends"; the nearest "include" wins, as in tsc.
    let include;
    for (let current = config; current;) {
      inputs.add(current);
      const text = readFileSync(join(root, current), "utf8");
      include ??= /"include"\s*:\s*\[([^\]]*)\]/.exec(text)?.[1];
      const parent = /"extends"\s*:\s*"([^"]+)"/.exec(text)?.[1];
      current = parent?.startsWith(".") ? join(dirname(current), parent).replace(/^\.\//, "") : undefined;
    }
    for (const dir of include?.match(/"([^"]+)"/g) ?? []) inputs.add(dir.replaceAll('"', ""));
  }
  return [...inputs];
}

function checkBuildInputs(text, root, dockerignore) {
  const problems = [];
  const instructions = parseDockerfile(text);
  const lastFrom = instructions.filter((i) => i.keyword === "FROM").at(-1);
  const buildCopies = instructions
    .slice(0, instructions.indexOf(lastFrom))
    .filter((i) => i.keyword === "COPY" && !/--from=/.test(i.args))
    .flatMap((i) => copyArgs(i.args).sources.map((s) => s.replace(/^\.\//, "").replace(/\/$/, "")));
  const copiesAll = buildCopies.includes(".");
  const inputs = buildInputs(root);
  for (const input of inputs) {
    if (!copiesAll && !buildCopies.some((c) => c === input || input.startsWith(`${c}/`))) {
      problems.push(`the build stage does not COPY ${input}, which npm run build reads`);
    }
    if (ignored(input, dockerignore)) problems.push(`.dockerignore drops ${input}, which npm run build reads`);
  }
  for (const runtime of ["openapi.yaml"]) {
    if (ignored(runtime, dockerignore)) problems.push(`.dockerignore drops ${runtime}, which the server reads at run time`);
  }
  return { problems, inputs };
}

// ---- the build's program: what dist/ (and so the image) holds ----

/** Source files that stay out of the image: the GitHub simulator, and the demo with its demo tokens. */
const NOT_IN_IMAGE = [/^src\/simulator\//, /^src\/demo\.ts$/, /^src\/demo\//];

/** The tsconfig `npm run build` compiles with (its -p/--project). */
function buildTsconfig(root) {
  const build = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts?.build ?? "";
  return /(?:^|\s)(?:-p|--project)\s+(\S+)/.exec(build)?.[1];
}

/** Every problem with the program tsc compiles from `tsconfig` (a path), as strings; [] when it holds only what runs. */
function checkProgram(root, tsconfig) {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  if (!existsSync(tsc)) return [`cannot list the build's program: ${relative(root, tsc)} is missing (run npm ci first)`];
  const listed = spawnSync(process.execPath, [tsc, "-p", tsconfig, "--listFilesOnly"], { cwd: root, encoding: "utf8" });
  if (listed.status !== 0) return [`tsc --listFilesOnly -p ${tsconfig} failed: ${(listed.stdout + listed.stderr).trim().slice(0, 500)}`];
  const files = listed.stdout
    .split(/\r?\n/)
    .filter(Boolean)
    .map((file) => relative(root, resolve(root, file)).replaceAll("\\", "/"));
  const sources = files.filter((file) => file.startsWith("src/"));
  if (sources.length === 0) return [`tsc -p ${tsconfig} compiles no file of src/`];
  return sources
    .filter((file) => NOT_IN_IMAGE.some((re) => re.test(file)))
    .map(
      (file) =>
        `npm run build compiles ${file} into dist/ (and so into the image): exclude it, and import it from nothing the server or the client imports`,
    );
}

// ---- self-test: each rule must reject a Dockerfile that breaks it ----

const PINNED = "@sha256:" + "0".repeat(64);
const GOOD = `FROM --platform=$BUILDPLATFORM node:24-bookworm-slim${PINNED} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && \\
    npm prune --omit=dev
FROM ${FINAL_IMAGE}${PINNED}
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY openapi.yaml ./
USER 65532:65532
EXPOSE 8443
CMD ["dist/main.js"]
ARG VERSION=1.2.3
ARG REVISION=unknown
LABEL org.opencontainers.image.version="\${VERSION}" \\
      org.opencontainers.image.revision="\${REVISION}" \\
      org.opencontainers.image.source="https://example.com/x" \\
      org.opencontainers.image.licenses="MIT"
`;
const GOOD_PACKAGE = { version: "1.2.3", license: "MIT" };

const BAD = {
  "single stage": GOOD.replace(/^[\s\S]*?(?=FROM gcr)/, ""),
  "final FROM not distroless": GOOD.replace(FINAL_IMAGE, "node:24-bookworm-slim"),
  "final FROM the root variant": GOOD.replace(FINAL_IMAGE, "gcr.io/distroless/nodejs24-debian13"),
  "build FROM without digest": GOOD.replace(`slim${PINNED}`, "slim"),
  "final FROM without digest": GOOD.replace(`${FINAL_IMAGE}${PINNED}`, FINAL_IMAGE),
  "no version label": GOOD.replace('org.opencontainers.image.version="${VERSION}" \\\n', ""),
  "version label not from ARG": GOOD.replace('version="${VERSION}"', 'version="1.2.3"'),
  "VERSION default is not package.json's": GOOD.replace("ARG VERSION=1.2.3", "ARG VERSION=1.0.0"),
  "licenses label is not package.json's": GOOD.replace('licenses="MIT"', 'licenses="Apache-2.0"'),
  "no ARG REVISION": GOOD.replace("ARG REVISION=unknown\n", ""),
  "USER root": GOOD.replace("USER 65532:65532", "USER root"),
  "USER 0:0": GOOD.replace("USER 65532:65532", "USER 0:0"),
  "ADD of a URL": GOOD.replace("COPY openapi.yaml ./", "ADD https://example.com/openapi.yaml ./"),
  "CMD shell form": GOOD.replace('CMD ["dist/main.js"]', "CMD node dist/main.js"),
  "CMD names node": GOOD.replace('CMD ["dist/main.js"]', 'CMD ["node", "dist/main.js"]'),
  "RUN in final stage": GOOD.replace("EXPOSE 8443", 'EXPOSE 8443\nRUN ["/nodejs/bin/node", "-v"]'),
  "package.json not copied": GOOD.replace("COPY --from=build /app/package.json ./package.json\n", ""),
  "openapi.yaml not copied": GOOD.replace("COPY openapi.yaml ./\n", ""),
  "dev dependencies kept": GOOD.replace(" && \\\n    npm prune --omit=dev", ""),
  "secret in ENV": GOOD.replace("WORKDIR /app\nCOPY --from", "WORKDIR /app\nENV ARM_PRIVATE_KEY=abc\nCOPY --from"),
  "no EXPOSE": GOOD.replace("EXPOSE 8443\n", ""),
};

function selfTest() {
  let failed = 0;
  const good = checkDockerfile(GOOD, { packageJson: GOOD_PACKAGE });
  if (good.length) {
    failed++;
    console.log(`FAIL check-dockerfile self-test: the compliant example is refused: ${good.join("; ")}`);
  }
  for (const [name, text] of Object.entries(BAD)) {
    const problems = checkDockerfile(text, { packageJson: GOOD_PACKAGE });
    if (problems.length === 0) {
      failed++;
      console.log(`FAIL check-dockerfile self-test: "${name}" was not caught`);
    }
  }
  const badIgnore = checkDockerfile(GOOD, { dockerignore: "node_modules\n" });
  if (!badIgnore.some((p) => p.includes("*.pem"))) {
    failed++;
    console.log("FAIL check-dockerfile self-test: a .dockerignore that lets *.pem through was not caught");
  }
  // A build that takes the demo in (the whole of src/, nothing excluded) must be caught.
  const root = resolve(import.meta.dirname, "..");
  const tsconfig = buildTsconfig(root);
  // inside the project, so that tsc finds the type packages as it does for the real build
  mkdirSync(join(root, "node_modules", ".cache"), { recursive: true });
  const dir = mkdtempSync(join(root, "node_modules", ".cache", "check-dockerfile-"));
  try {
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: join(root, tsconfig), exclude: [] }));
    if (!checkProgram(root, join(dir, "tsconfig.json")).some((p) => p.includes("src/demo.ts"))) {
      failed++;
      console.log("FAIL check-dockerfile self-test: a build that compiles src/demo.ts was not caught");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    failed
      ? `FAIL check-dockerfile self-test (${failed})`
      : `PASS check-dockerfile self-test (${Object.keys(BAD).length + 2} bad examples caught)`,
  );
  return failed === 0;
}

function main(argv) {
  if (argv[0] === "--self-test") return selfTest() ? 0 : 1;
  const file = argv[0] ?? "Dockerfile";
  if (!existsSync(file)) {
    console.log(`FAIL check-dockerfile: ${file} not found`);
    return 1;
  }
  const ignoreFile = join(dirname(file), ".dockerignore");
  const dockerignore = existsSync(ignoreFile) ? readFileSync(ignoreFile, "utf8") : "";
  const text = readFileSync(file, "utf8");
  const packageFile = join(dirname(file), "package.json");
  const packageJson = existsSync(packageFile) ? JSON.parse(readFileSync(packageFile, "utf8")) : undefined;
  const problems = checkDockerfile(text, { dockerignore, packageJson });
  const inputs = checkBuildInputs(text, dirname(file), dockerignore);
  const root = dirname(file);
  const tsconfig = buildTsconfig(root);
  const program = tsconfig ? checkProgram(root, tsconfig) : ["package.json's build script names no tsconfig (-p)"];
  for (const p of [...problems, ...inputs.problems, ...program]) console.log(`FAIL check-dockerfile: ${file}: ${p}`);
  if (problems.length === 0) console.log(`PASS check-dockerfile: ${file} follows the image policy`);
  if (inputs.problems.length === 0)
    console.log(`PASS check-dockerfile: the build stage gets every build input (${inputs.inputs.join(", ")})`);
  if (program.length === 0)
    console.log(`PASS check-dockerfile: the build (${tsconfig}) compiles none of the simulator, the demo or its demo tokens`);
  return problems.length + inputs.problems.length + program.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
