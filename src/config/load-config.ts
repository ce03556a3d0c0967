/**
 * Finds, reads and validates the configuration file, and resolves the App's private key.
 *
 * Every problem is collected and thrown as ONE ConfigError, each line naming the file (and line), the key and
 * what was expected. The private key is never repeated: not its value, not a YAML parser's quote of the line
 * that holds it. Nothing here reads process.* unless the caller leaves argv/env out (main.ts passes them).
 */
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { isMap, isScalar, LineCounter, parseDocument, type Document, type YAMLError } from "yaml";
import type { z } from "zod";
import { redactRedisUrl, redisUrlProblem } from "./redis-url.js";
import { adviceFor, configFileSchema, SECRET_KEYS, tlsSchema, unknownKeyPaths, type Config, type ConfigFile } from "./schema.js";

export type Env = Record<string, string | undefined>;

/** Where the file is looked for when neither --config nor $CONFIG_PATH names it, in this order. */
export const DEFAULT_CONFIG_PATHS = ["/etc/actions-runner-manager/config.yml", "./config.yml"] as const;

/** Environment variables that override the file's privateKey / privateKeyFile. */
export const PRIVATE_KEY_ENV = "ARM_PRIVATE_KEY";
export const PRIVATE_KEY_FILE_ENV = "ARM_PRIVATE_KEY_FILE";
/** Environment variables that override the file's redis.url (the Helm chart passes a Secret's URL this way). */
export const REDIS_URL_ENV = "ARM_REDIS_URL";
export const REDIS_URL_FILE_ENV = "ARM_REDIS_URL_FILE";

export class ConfigError extends Error {
  readonly problems: string[];
  /** the configuration file the problems are about, or a description of where it was looked for */
  readonly source: string;

  constructor(source: string, problems: string[], summary = `invalid configuration in ${source}`) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`${summary} (${count}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.source = source;
    this.problems = problems;
  }
}

// ---- finding the file ----

/** The path given by `--config PATH` or `--config=PATH` (the last one wins), or undefined. */
function configFlag(argv: string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg.startsWith("--config=")) {
      found = arg.slice("--config=".length);
    } else if (arg === "--config") {
      const next = argv[i + 1];
      found = next === undefined || next.startsWith("-") ? "" : next;
      i++;
    } else {
      continue;
    }
    if (found.trim() === "") {
      throw new ConfigError("--config", ["--config: expected a path, e.g. --config /etc/actions-runner-manager/config.yml"], "bad command line");
    }
  }
  return found;
}

/**
 * `--config PATH`, else `$CONFIG_PATH`, else the first of DEFAULT_CONFIG_PATHS that exists; undefined when none does.
 * A path named by --config or $CONFIG_PATH is returned whether or not it exists: an explicit choice never falls
 * through to another file (reading it then reports that it is missing).
 */
export function findConfigPath(opts: { argv: string[]; env: Env; exists: (path: string) => boolean }): string | undefined {
  const fromFlag = configFlag(opts.argv);
  if (fromFlag !== undefined) return fromFlag;
  const fromEnv = opts.env.CONFIG_PATH?.trim();
  if (fromEnv) return fromEnv;
  return DEFAULT_CONFIG_PATHS.find((path) => opts.exists(path));
}

function readErrorText(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
}

/**
 * Finds the configuration file (see findConfigPath), reads it and validates it with parseConfig. argv and env
 * default to process.argv.slice(2) and process.env; readFile and exists to node:fs. Throws one ConfigError.
 */
export function loadConfig(
  opts: { argv?: string[]; env?: Env; readFile?: (path: string) => string; exists?: (path: string) => boolean } = {},
): { config: Config; path: string; warnings: string[] } {
  const argv = opts.argv ?? process.argv.slice(2);
  const env = opts.env ?? process.env;
  const readFile = opts.readFile ?? ((path: string) => readFileSync(path, "utf8"));
  const exists = opts.exists ?? existsSync;

  const path = findConfigPath({ argv, env, exists });
  if (path === undefined) {
    throw new ConfigError(
      "(no configuration file)",
      [
        "--config PATH: not given",
        "$CONFIG_PATH: not set",
        ...DEFAULT_CONFIG_PATHS.map((p) => `${p}: not found`),
      ],
      "no configuration file found; looked in these places, in this order",
    );
  }
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const how = configFlag(argv) !== undefined ? "named by --config" : env.CONFIG_PATH?.trim() ? "named by $CONFIG_PATH" : "found";
    throw new ConfigError(path, [`${path}: cannot read the configuration file ${how} (${readErrorText(error)})`]);
  }
  return { ...parseConfig(text, { source: path, env, readFile }), path };
}

// ---- parsing ----

/** A problem or warning, located in the file when it is about one of its keys. */
interface Finding {
  path: string[];
  message: string;
}

/** Line numbers of keys, for messages. */
class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The line of the deepest key of `path` present in the file (the parent's line for a missing key). */
  line(path: readonly (string | number)[]): number | undefined {
    let node: unknown = this.doc.contents;
    let line: number | undefined;
    for (const segment of path) {
      if (!isMap(node)) break;
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      if (offset !== undefined) line = this.lines.linePos(offset).line;
      node = pair.value;
    }
    return line;
  }
}

/** YAML error codes whose messages are fixed text; the others can quote the file, so they get our own words. */
const YAML_MESSAGES: Readonly<Record<string, string | null>> = {
  ALIAS_PROPS: null,
  BAD_ALIAS: null,
  BAD_INDENT: null,
  BLOCK_AS_IMPLICIT_KEY: null,
  DUPLICATE_KEY: null,
  MISSING_CHAR: null,
  MULTILINE_IMPLICIT_KEY: null,
  MULTIPLE_ANCHORS: null,
  MULTIPLE_TAGS: null,
  TAB_AS_INDENT: null,
  BAD_DIRECTIVE: "a bad % directive",
  BAD_DQ_ESCAPE: "an invalid escape sequence in a double-quoted string (use single quotes, or \\\\ for a backslash)",
  BAD_PROP_ORDER: "an anchor or tag in the wrong place",
  BAD_SCALAR_START: "a plain value that cannot start with this character; quote the value",
  BAD_COLLECTION_TYPE: "a tag used on the wrong kind of value",
  BLOCK_IN_FLOW: "a block value inside a flow collection ({…} or […])",
  KEY_OVER_1024_CHARS: "a key longer than 1024 characters",
  MULTIPLE_DOCS: "several YAML documents (---); expected one",
  RESOURCE_EXHAUSTION: "too many aliases",
  TAG_RESOLVE_FAILED: "an unknown tag (!…)",
  UNEXPECTED_TOKEN: "unexpected text",
};

function describeYamlError(error: YAMLError, lines: LineCounter): string {
  const { line, col } = lines.linePos(error.pos[0]);
  const own = YAML_MESSAGES[error.code];
  const what = own === null ? error.message : (own ?? `YAML error ${error.code}`);
  return `${line}:${col}: not valid YAML: ${what}`;
}

/** Text that may be a key or a token pasted under the wrong key: a PEM, GitHub token shapes, long base64. */
const LOOKS_SECRET = /-----BEGIN|\bgh[opsuri]_|github_pat_|[A-Za-z0-9+/=_-]{32,}|:\/\/[^\s/]*@/;

/** An invalid value as a message may show it: short, and never anything that looks like a secret. */
function preview(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object" && value !== null) return "a mapping";
  if (typeof value === "string" && LOOKS_SECRET.test(value)) return "a value that looks like a key or token (not shown)";
  const shown = JSON.stringify(value) ?? String(value);
  return shown.length > 60 ? `${shown.slice(0, 57)}…` : shown;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function issueFinding(issue: z.core.$ZodIssue, raw: unknown): Finding {
  const path = issue.path.map(String);
  const value = valueAt(raw, issue.path);
  const params = issue.code === "custom" ? issue.params : undefined;
  if (value === undefined) return { path, message: issue.message.startsWith("required") ? issue.message : `required: ${issue.message}` };
  // Secrets are never repeated; nor is a value that is fine in itself but contradicts another key.
  if (SECRET_KEYS.has(path.join(".")) || params?.secret === true || params?.showValue === false) return { path, message: issue.message };
  return { path, message: `${issue.message}, got ${preview(value)}` };
}

/** A key name as it may be shown: plain names only, so a pasted secret that became a key is never repeated. */
function showKey(path: string[]): string {
  return path.map((k) => (/^[A-Za-z0-9_.-]{1,64}$/.test(k) ? k : "(a key that is not a plain name)")).join(".");
}

// ---- the private key ----

/**
 * A PEM, or base64 of a PEM, to the PEM of one unencrypted RSA private key; or the reason it is not one.
 * The reason never contains any part of the input except a PEM label such as "PUBLIC KEY".
 */
export function decodePrivateKey(input: string): { pem: string } | { problem: string } {
  let text = input.trim();
  if (text === "") return { problem: "is empty" };
  if (!text.includes("-----BEGIN")) {
    if (!/^[A-Za-z0-9+/=_\s-]+$/.test(text)) {
      return { problem: "is neither a PEM (-----BEGIN … PRIVATE KEY-----) nor base64 of one" };
    }
    text = Buffer.from(text.replace(/\s+/g, ""), "base64").toString("utf8").trim();
    if (!text.includes("-----BEGIN")) {
      return { problem: "is base64, but of something other than a PEM (expected the output of `base64 < key.pem`)" };
    }
  }
  // A PEM pasted into an environment variable or a JSON string often arrives with literal "\n"s.
  if (!text.includes("\n") && text.includes("\\n")) text = text.replace(/\\n/g, "\n");
  text = text.replace(/\r\n/g, "\n");

  const labels = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]{1,40})-----/g)].map((m) => m[1] ?? "");
  if (labels.includes("ENCRYPTED PRIVATE KEY") || text.includes("Proc-Type: 4,ENCRYPTED")) {
    return { problem: "is an encrypted private key; the App's key must be unencrypted, as GitHub issues it" };
  }
  const block = /-----BEGIN (RSA PRIVATE KEY|PRIVATE KEY)-----[\s\S]*?-----END \1-----/.exec(text);
  if (!block) {
    const cut = labels.find((l) => l === "RSA PRIVATE KEY" || l === "PRIVATE KEY");
    if (cut) return { problem: `holds a "${cut}" block without its -----END line (cut short?)` };
    const found = labels.length > 0 ? `a PEM labelled ${labels.map((l) => `"${l}"`).join(", ")}` : "a PEM without a complete key block";
    return { problem: `is ${found}; expected a private key ("RSA PRIVATE KEY", PKCS#1, or "PRIVATE KEY", PKCS#8)` };
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(block[0]);
  } catch {
    return { problem: `holds a "${block[1]}" block that does not parse as a private key (damaged or cut short?)` };
  }
  if (key.asymmetricKeyType !== "rsa") {
    return { problem: `is a key of type ${key.asymmetricKeyType ?? "unknown"}; GitHub Apps sign with RS256 and need an RSA key` };
  }
  return { pem: `${block[0]}\n` };
}

interface KeyOutcome {
  pem?: string;
  problems: string[];
  warnings: Finding[];
  fileProblems: Finding[];
}

function resolvePrivateKey(file: Record<string, unknown>, env: Env, readFile: (path: string) => string): KeyOutcome {
  const out: KeyOutcome = { problems: [], warnings: [], fileProblems: [] };
  const envKey = env[PRIVATE_KEY_ENV]?.trim() ? env[PRIVATE_KEY_ENV] : undefined;
  const envKeyFile = env[PRIVATE_KEY_FILE_ENV]?.trim() ? env[PRIVATE_KEY_FILE_ENV]?.trim() : undefined;
  // Wrongly typed values are reported by the schema; here they simply do not count as a source.
  const fileKey = typeof file.privateKey === "string" && file.privateKey.trim() !== "" ? file.privateKey : undefined;
  const fileKeyFile = typeof file.privateKeyFile === "string" && file.privateKeyFile.trim() !== "" ? file.privateKeyFile.trim() : undefined;
  const wronglyTyped = [file.privateKey, file.privateKeyFile].some((v) => v !== undefined && typeof v !== "string");

  type Source = { kind: "value" | "file"; text: string; env: boolean; name: string };
  let source: Source | undefined;
  if (envKey !== undefined || envKeyFile !== undefined) {
    if (envKey !== undefined && envKeyFile !== undefined) {
      out.problems.push(`${PRIVATE_KEY_ENV} and ${PRIVATE_KEY_FILE_ENV} (environment): both are set; set only one`);
      return out;
    }
    const envName = envKey !== undefined ? PRIVATE_KEY_ENV : PRIVATE_KEY_FILE_ENV;
    for (const key of ["privateKey", "privateKeyFile"] as const) {
      if ((key === "privateKey" ? fileKey : fileKeyFile) !== undefined) {
        out.warnings.push({ path: [key], message: `is ignored: the environment variable ${envName} overrides it` });
      }
    }
    source =
      envKey !== undefined
        ? { kind: "value", text: envKey, env: true, name: `${PRIVATE_KEY_ENV} (environment)` }
        : { kind: "file", text: envKeyFile ?? "", env: true, name: `${PRIVATE_KEY_FILE_ENV}=${envKeyFile} (environment)` };
  } else if (fileKey !== undefined && fileKeyFile !== undefined) {
    out.fileProblems.push({ path: ["privateKeyFile"], message: "conflicts with privateKey: set only one of them" });
    return out;
  } else if (fileKey !== undefined) {
    source = { kind: "value", text: fileKey, env: false, name: "privateKey" };
  } else if (fileKeyFile !== undefined) {
    source = { kind: "file", text: fileKeyFile, env: false, name: "privateKeyFile" };
  } else if (!wronglyTyped) {
    out.fileProblems.push({
      path: ["privateKey"],
      message:
        `required: the App's private key PEM, or base64 of it (or privateKeyFile: the PEM's path; ` +
        `or the environment variable ${PRIVATE_KEY_ENV} or ${PRIVATE_KEY_FILE_ENV})`,
    });
    return out;
  } else {
    return out; // the schema reports the wrongly typed key
  }

  const report = (message: string) => {
    if (source.env) out.problems.push(`${source.name}: ${message}`);
    else out.fileProblems.push({ path: [source.name], message });
  };
  let text = source.text;
  if (source.kind === "file") {
    try {
      text = readFile(source.text);
    } catch (error) {
      report(`cannot read ${source.text} (${readErrorText(error)})`);
      return out;
    }
  }
  const decoded = decodePrivateKey(text);
  if ("problem" in decoded) {
    const hint = source.kind === "value" && !source.env && /^[./~]/.test(text.trim()) ? " (a path? use privateKeyFile for a path)" : "";
    report(`${source.kind === "file" ? `${source.text} ` : ""}${decoded.problem}${hint}`);
  } else {
    out.pem = decoded.pem;
  }
  return out;
}

// ---- the Redis URL from the environment ----

interface RedisUrlOutcome {
  /** the URL from ARM_REDIS_URL / ARM_REDIS_URL_FILE, when one of them is set and valid */
  url?: string;
  problems: string[];
  warnings: Finding[];
}

/** ARM_REDIS_URL or ARM_REDIS_URL_FILE, which override redis.url; problems never repeat the URL. */
function resolveRedisUrlEnv(raw: Record<string, unknown>, env: Env, readFile: (path: string) => string): RedisUrlOutcome {
  const out: RedisUrlOutcome = { problems: [], warnings: [] };
  const value = env[REDIS_URL_ENV]?.trim() || undefined;
  const file = env[REDIS_URL_FILE_ENV]?.trim() || undefined;
  if (value === undefined && file === undefined) return out;
  if (value !== undefined && file !== undefined) {
    out.problems.push(`${REDIS_URL_ENV} and ${REDIS_URL_FILE_ENV} (environment): both are set; set only one`);
    return out;
  }
  let url = value;
  const name = value !== undefined ? `${REDIS_URL_ENV} (environment)` : `${REDIS_URL_FILE_ENV}=${file ?? ""} (environment)`;
  if (file !== undefined) {
    try {
      url = readFile(file).trim();
    } catch (error) {
      out.problems.push(`${name}: cannot read ${file} (${readErrorText(error)})`);
      return out;
    }
  }
  const problem = url === undefined || url === "" ? "is empty" : redisUrlProblem(url);
  if (problem !== undefined) {
    out.problems.push(`${name}: ${problem}`);
    return out;
  }
  if (valueAt(raw, ["redis", "url"]) !== undefined) {
    out.warnings.push({ path: ["redis", "url"], message: `is ignored: the environment variable ${value !== undefined ? REDIS_URL_ENV : REDIS_URL_FILE_ENV} overrides it` });
  }
  out.url = url;
  return out;
}

// ---- TLS files ----

/** server.tls's fields that are valid on their own, so the files are checked even when another key is wrong. */
function tlsFields(raw: unknown): { enabled: boolean; certFile?: string; keyFile?: string; clientCAFile?: string } {
  const tls = valueAt(raw, ["server", "tls"]);
  const { enabled, certFile, keyFile, clientCAFile } = tlsSchema.shape;
  return {
    enabled: enabled.safeParse(valueAt(tls, ["enabled"])).data ?? false,
    certFile: certFile.safeParse(valueAt(tls, ["certFile"])).data,
    keyFile: keyFile.safeParse(valueAt(tls, ["keyFile"])).data,
    clientCAFile: clientCAFile.safeParse(valueAt(tls, ["clientCAFile"])).data,
  };
}

function tlsFindings(tls: { enabled: boolean; certFile?: string; keyFile?: string; clientCAFile?: string }, readFile: (path: string) => string): Finding[] {
  if (!tls.enabled) return [];
  const findings: Finding[] = [];
  const read = (key: "certFile" | "keyFile" | "clientCAFile", path: string): string | undefined => {
    try {
      return readFile(path);
    } catch (error) {
      findings.push({ path: ["server", "tls", key], message: `cannot read ${path} (${readErrorText(error)})` });
      return undefined;
    }
  };
  const certText = tls.certFile === undefined ? undefined : read("certFile", tls.certFile);
  const keyText = tls.keyFile === undefined ? undefined : read("keyFile", tls.keyFile);
  let cert: X509Certificate | undefined;
  let key: KeyObject | undefined;
  if (certText !== undefined) {
    try {
      cert = new X509Certificate(certText);
    } catch {
      const swapped = certText.includes("PRIVATE KEY-----") ? " (it holds a private key: are certFile and keyFile swapped?)" : "";
      findings.push({ path: ["server", "tls", "certFile"], message: `${tls.certFile ?? ""} is not a PEM certificate${swapped}` });
    }
  }
  if (keyText !== undefined) {
    try {
      key = createPrivateKey(keyText);
    } catch {
      const swapped = keyText.includes("BEGIN CERTIFICATE") ? " (it holds a certificate: are certFile and keyFile swapped?)" : "";
      const message = `${tls.keyFile ?? ""} is not an unencrypted PEM private key${swapped}`;
      findings.push({ path: ["server", "tls", "keyFile"], message });
    }
  }
  if (cert && key && !cert.checkPrivateKey(key)) {
    const message = `${tls.keyFile ?? ""} is not the private key of the certificate in ${tls.certFile ?? ""}`;
    findings.push({ path: ["server", "tls", "keyFile"], message });
  }
  const caText = tls.clientCAFile === undefined ? undefined : read("clientCAFile", tls.clientCAFile);
  if (caText !== undefined) {
    try {
      new X509Certificate(caText);
    } catch {
      findings.push({ path: ["server", "tls", "clientCAFile"], message: `${tls.clientCAFile ?? ""} is not a PEM certificate` });
    }
  }
  return findings;
}

// ---- putting it together ----

function toConfig(file: ConfigFile, privateKeyPem: string, redisUrl: string | undefined): Config {
  const { logging, server } = file;
  return {
    org: file.org,
    appId: file.appID,
    installationId: file.installationID,
    privateKeyPem,
    baseUrl: file.baseUrl,
    logging: {
      compress: logging.compress,
      ephemeral: logging.ephemeral,
      level: logging.level,
      logDirectory: logging.logDirectory,
      maxAgeDays: logging.maxAge,
      maxBackups: logging.maxBackups,
      maxSizeMB: logging.maxSize,
    },
    server: {
      address: server.address,
      port: server.port,
      rateLimit: server.rateLimit,
      ipRateLimit: server.ipRateLimit,
      tls: {
        enabled: server.tls.enabled,
        ...(server.tls.certFile !== undefined && { certFile: server.tls.certFile }),
        ...(server.tls.keyFile !== undefined && { keyFile: server.tls.keyFile }),
        ...(server.tls.clientCAFile !== undefined && { clientCAFile: server.tls.clientCAFile }),
      },
      shutdownGraceSeconds: server.shutdownGraceSeconds,
    },
    github: { ...file.github },
    cache: {
      identity: { ...file.cache.identity },
      maintainership: { ...file.cache.maintainership },
      runnerGroups: { ...file.cache.runnerGroups },
      repoPermissions: { ...file.cache.repoPermissions },
    },
    policy: { minRepoPermission: file.policy.minRepoPermission },
    redis: {
      ...((redisUrl ?? file.redis.url) !== undefined && { url: redisUrl ?? file.redis.url }),
      onError: file.redis.onError,
      connectTimeoutMs: file.redis.connectTimeoutMs,
      commandTimeoutMs: file.redis.commandTimeoutMs,
    },
    metrics: {
      ...(file.metrics.port !== undefined && { port: file.metrics.port }),
      ...(file.metrics.address !== undefined && { address: file.metrics.address }),
    },
  };
}

/** Drops keys whose value is null: `key:` with nothing after it means "not set", as does a section left empty. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

/**
 * Validates configuration text. `source` names the file in messages; `env` supplies ARM_PRIVATE_KEY /
 * ARM_PRIVATE_KEY_FILE and ARM_REDIS_URL / ARM_REDIS_URL_FILE (none when left out); `readFile` reads
 * privateKeyFile, ARM_REDIS_URL_FILE and the TLS files.
 */
export function parseConfig(
  yamlText: string,
  opts: { source: string; env?: Env; readFile?: (path: string) => string },
): { config: Config; warnings: string[] } {
  const { source } = opts;
  const env = opts.env ?? {};
  const readFile = opts.readFile ?? ((path: string) => readFileSync(path, "utf8"));

  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // One error per place: the parser's later complaints about the same spot are consequences of the first.
    const firstPerPlace = doc.errors.filter((e, i) => doc.errors.findIndex((o) => o.pos[0] === e.pos[0]) === i);
    throw new ConfigError(source, firstPerPlace.map((e) => `${source}:${describeYamlError(e, lines)}`));
  }
  let parsed: unknown;
  try {
    parsed = doc.toJS({ maxAliasCount: 100 });
  } catch {
    throw new ConfigError(source, [`${source}: not valid YAML: too many aliases`]);
  }
  if (parsed === undefined || parsed === null) parsed = {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    const got = Array.isArray(parsed) ? "a list" : "a single value";
    throw new ConfigError(source, [`${source}: expected a YAML mapping of keys (org:, appID:, …), got ${got}`]);
  }
  const raw = withoutNulls(parsed) as Record<string, unknown>;
  const locator = new Locator(doc, lines);
  const at = (finding: Finding) => {
    const line = locator.line(finding.path);
    return `${source}${line !== undefined ? `:${line}` : ""}: ${showKey(finding.path)}: ${finding.message}`;
  };

  const result = configFileSchema.safeParse(raw);
  const key = resolvePrivateKey(raw, env, readFile);
  const redisEnv = resolveRedisUrlEnv(raw, env, readFile);
  const problems: Finding[] = result.success ? [] : result.error.issues.map((issue) => issueFinding(issue, raw));
  problems.push(...key.fileProblems);
  // The TLS files are checked even when other keys are wrong, so that one start-up reports everything.
  problems.push(...tlsFindings(tlsFields(raw), readFile));

  const formatted = [...problems.sort((a, b) => (locator.line(a.path) ?? 0) - (locator.line(b.path) ?? 0)).map(at), ...key.problems, ...redisEnv.problems];
  if (!result.success || formatted.length > 0 || key.pem === undefined) throw new ConfigError(source, formatted);

  const warnings = [
    ...unknownKeyPaths(raw).map((path) => ({ path, message: "is not a known key; ignored" })),
    ...key.warnings,
    ...redisEnv.warnings,
    ...adviceFor(result.data, raw),
  ].map(at);
  return { config: toConfig(result.data, key.pem, redisEnv.url), warnings };
}

const REDACTED = "[redacted]";
export type RedactedConfig = Omit<Config, "privateKeyPem"> & { privateKeyPem: typeof REDACTED };

/** The configuration, safe to log: a copy with the private key replaced and the Redis URL's password masked. */
export function redactConfig(config: Config): RedactedConfig {
  return {
    ...config,
    privateKeyPem: REDACTED,
    logging: { ...config.logging },
    server: { ...config.server, tls: { ...config.server.tls } },
    policy: { ...config.policy },
    redis: { ...config.redis, ...(config.redis.url !== undefined && { url: redactRedisUrl(config.redis.url) }) },
    metrics: { ...config.metrics },
  };
}
