/**
 * Configuration text → Config, or one ConfigError listing every problem: the YAML, keys the schema does not
 * know, each key against the schema, the App's private key, the Redis URL from the environment, the TLS files
 * and (when asked) the log directory, all checked in one go so that one start-up reports everything.
 * Problems about the file carry its name and the key's line.
 */
import { readFileSync } from "node:fs";
import { ConfigError, issueFinding, showKey, valueAt, type Finding } from "./problems.js";
import { adviceFor, configFileSchema, loggingSchema, type Config } from "./schema.js";
import { resolveMetricsTokenEnv, resolvePrivateKey, resolveRedisUrlEnv, type Env, type ReadFile } from "./secrets.js";
import { tlsFileFindings } from "./tls-files.js";
import { toConfig } from "./to-config.js";
import { unknownKeyFindings } from "./unknown-keys.js";
import { readYamlText } from "./yaml-text.js";

/**
 * Validates configuration text. `source` names the file in messages; `env` supplies ARM_PRIVATE_KEY /
 * ARM_PRIVATE_KEY_FILE and ARM_REDIS_URL / ARM_REDIS_URL_FILE (none when left out); `readFile` reads
 * privateKeyFile, ARM_REDIS_URL_FILE and the TLS files. `prepareLogDirectory`, when given, makes
 * logging.logDirectory ready (unless ephemeral) and returns what is wrong with it (loadConfig gives the real
 * one; tests and the chart's check, which only read the text, leave it out).
 */
export function parseConfig(
  yamlText: string,
  opts: { source: string; env?: Env; readFile?: ReadFile; prepareLogDirectory?: (directory: string) => string | undefined },
): { config: Config; warnings: string[] } {
  const { source } = opts;
  const env = opts.env ?? {};
  const readFile = opts.readFile ?? ((path: string) => readFileSync(path, "utf8"));

  const { raw, written, lineOf } = readYamlText(yamlText, source);
  const at = (finding: Finding) => {
    const line = lineOf(finding.path);
    return `${source}${line !== undefined ? `:${line}` : ""}: ${showKey(finding.path)}: ${finding.message}`;
  };

  const result = configFileSchema.safeParse(raw);
  const key = resolvePrivateKey(raw, env, readFile);
  const redisEnv = resolveRedisUrlEnv(raw, env, readFile);
  const metricsEnv = resolveMetricsTokenEnv(raw, env, readFile);
  const problems: Finding[] = unknownKeyFindings(written);
  if (!result.success) problems.push(...dedupe(result.error.issues.map((issue) => issueFinding(issue, raw))));
  problems.push(...key.fileProblems);
  // The TLS files are checked even when other keys are wrong, so that one start-up reports everything.
  problems.push(...tlsFileFindings(raw, readFile));
  if (opts.prepareLogDirectory) problems.push(...logDirectoryFindings(raw, opts.prepareLogDirectory));

  const inFileOrder = problems.sort((a, b) => (lineOf(a.path) ?? 0) - (lineOf(b.path) ?? 0));
  const formatted = [...inFileOrder.map(at), ...key.problems, ...redisEnv.problems, ...metricsEnv.problems];
  if (!result.success || formatted.length > 0 || key.pem === undefined) throw new ConfigError(source, formatted);

  const warnings = [...key.warnings, ...redisEnv.warnings, ...metricsEnv.warnings, ...adviceFor(result.data, raw)].map(at);
  return { config: toConfig(result.data, key.pem, redisEnv.url, metricsEnv.token), warnings };
}

/** One finding per key and message: two checks of one value (a whole number, at least 1) may word it alike. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const id = `${f.path.join(".")}\n${f.message}`;
    return seen.has(id) ? false : (seen.add(id), true);
  });
}

/** logging.logDirectory, checked even when another key is wrong; nothing to check when logging is ephemeral. */
function logDirectoryFindings(raw: unknown, prepare: (directory: string) => string | undefined): Finding[] {
  const { ephemeral, logDirectory } = loggingSchema.shape;
  const logging = valueAt(raw, ["logging"]);
  if (ephemeral.safeParse(valueAt(logging, ["ephemeral"])).data !== false) return [];
  const directory = logDirectory.safeParse(valueAt(logging, ["logDirectory"])).data;
  if (directory === undefined) return [];
  const problem = prepare(directory);
  return problem === undefined ? [] : [{ path: ["logging", "logDirectory"], message: problem }];
}
