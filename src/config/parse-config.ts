/**
 * Configuration text → Config, or one ConfigError listing every problem: the YAML, each key against the
 * schema, the App's private key, the Redis URL from the environment and the TLS files, all checked in one go
 * so that one start-up reports everything. Problems about the file carry its name and the key's line.
 */
import { readFileSync } from "node:fs";
import { ConfigError, issueFinding, showKey, type Finding } from "./problems.js";
import { adviceFor, configFileSchema, unknownKeyPaths, type Config } from "./schema.js";
import { resolveMetricsTokenEnv, resolvePrivateKey, resolveRedisUrlEnv, type Env, type ReadFile } from "./secrets.js";
import { tlsFileFindings } from "./tls-files.js";
import { toConfig } from "./to-config.js";
import { readYamlText } from "./yaml-text.js";

/**
 * Validates configuration text. `source` names the file in messages; `env` supplies ARM_PRIVATE_KEY /
 * ARM_PRIVATE_KEY_FILE and ARM_REDIS_URL / ARM_REDIS_URL_FILE (none when left out); `readFile` reads
 * privateKeyFile, ARM_REDIS_URL_FILE and the TLS files.
 */
export function parseConfig(
  yamlText: string,
  opts: { source: string; env?: Env; readFile?: ReadFile },
): { config: Config; warnings: string[] } {
  const { source } = opts;
  const env = opts.env ?? {};
  const readFile = opts.readFile ?? ((path: string) => readFileSync(path, "utf8"));

  const { raw, lineOf } = readYamlText(yamlText, source);
  const at = (finding: Finding) => {
    const line = lineOf(finding.path);
    return `${source}${line !== undefined ? `:${line}` : ""}: ${showKey(finding.path)}: ${finding.message}`;
  };

  const result = configFileSchema.safeParse(raw);
  const key = resolvePrivateKey(raw, env, readFile);
  const redisEnv = resolveRedisUrlEnv(raw, env, readFile);
  const metricsEnv = resolveMetricsTokenEnv(raw, env, readFile);
  const problems: Finding[] = result.success ? [] : result.error.issues.map((issue) => issueFinding(issue, raw));
  problems.push(...key.fileProblems);
  // The TLS files are checked even when other keys are wrong, so that one start-up reports everything.
  problems.push(...tlsFileFindings(raw, readFile));

  const inFileOrder = problems.sort((a, b) => (lineOf(a.path) ?? 0) - (lineOf(b.path) ?? 0));
  const formatted = [...inFileOrder.map(at), ...key.problems, ...redisEnv.problems, ...metricsEnv.problems];
  if (!result.success || formatted.length > 0 || key.pem === undefined) throw new ConfigError(source, formatted);

  const warnings = [
    ...unknownKeyPaths(raw).map((path) => ({ path, message: "is not a known key; ignored" })),
    ...key.warnings,
    ...redisEnv.warnings,
    ...metricsEnv.warnings,
    ...adviceFor(result.data, raw),
  ].map(at);
  return { config: toConfig(result.data, key.pem, redisEnv.url, metricsEnv.token), warnings };
}
