/**
 * loadConfig: finds the configuration file (command line, then $CONFIG_PATH, then the default places), reads
 * it and validates it, throwing ONE ConfigError that lists every problem. Nothing here reads process.*
 * unless the caller leaves argv/env out (main.ts passes them).
 *
 * The steps live next to this file, one each: command-line.ts, yaml-text.ts, schema.ts (shape and every
 * default), secrets.ts and private-key.ts, tls-files.ts, to-config.ts; parse-config.ts puts them together,
 * problems.ts words what is wrong, redact-config.ts makes a Config fit to log.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseCommandLine } from "./command-line.js";
import { prepareLogDirectory } from "./log-directory.js";
import { parseConfig } from "./parse-config.js";
import { ConfigError, readErrorText } from "./problems.js";
import type { Config } from "./schema.js";
import type { Env, ReadFile } from "./secrets.js";

export { ConfigError } from "./problems.js";
export { parseConfig } from "./parse-config.js";
export { redactConfig, type RedactedConfig } from "./redact-config.js";
export type { Env } from "./secrets.js";

/** Where the file is looked for when neither --config nor $CONFIG_PATH names it, in this order. */
export const DEFAULT_CONFIG_PATHS = ["/etc/actions-runner-manager/config.yml", "./config.yml"] as const;

/**
 * `--config PATH`, else `$CONFIG_PATH`, else the first of DEFAULT_CONFIG_PATHS that exists; undefined when none does.
 * A path named by --config or $CONFIG_PATH is returned whether or not it exists: an explicit choice never falls
 * through to another file (reading it then reports that it is missing).
 */
export function findConfigPath(opts: { argv: readonly string[]; env: Env; exists: (path: string) => boolean }): string | undefined {
  const fromFlag = parseCommandLine(opts.argv).configPath;
  if (fromFlag !== undefined) return fromFlag;
  const fromEnv = opts.env.CONFIG_PATH?.trim();
  if (fromEnv) return fromEnv;
  return DEFAULT_CONFIG_PATHS.find((path) => opts.exists(path));
}

/**
 * Finds the configuration file (see findConfigPath), reads it and validates it with parseConfig. argv and env
 * default to process.argv.slice(2) and process.env; readFile and exists to node:fs; prepareLogDirectory
 * creates logging.logDirectory and checks that it is writable (log-directory.ts). Throws one ConfigError.
 */
export function loadConfig(
  opts: {
    argv?: readonly string[];
    env?: Env;
    readFile?: ReadFile;
    exists?: (path: string) => boolean;
    prepareLogDirectory?: (directory: string) => string | undefined;
  } = {},
): {
  config: Config;
  path: string;
  warnings: string[];
} {
  const argv = opts.argv ?? process.argv.slice(2);
  const env = opts.env ?? process.env;
  const readFile = opts.readFile ?? ((path: string) => readFileSync(path, "utf8"));
  const exists = opts.exists ?? existsSync;

  const path = findConfigPath({ argv, env, exists });
  if (path === undefined) {
    throw new ConfigError(
      "(no configuration file)",
      ["--config PATH: not given", "$CONFIG_PATH: not set", ...DEFAULT_CONFIG_PATHS.map((p) => `${p}: not found`)],
      "no configuration file found; looked in these places, in this order",
    );
  }
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const how =
      parseCommandLine(argv).configPath !== undefined ? "named by --config" : env.CONFIG_PATH?.trim() ? "named by $CONFIG_PATH" : "found";
    throw new ConfigError(path, [`${path}: cannot read the configuration file ${how} (${readErrorText(error)})`]);
  }
  return {
    ...parseConfig(text, { source: path, env, readFile, prepareLogDirectory: opts.prepareLogDirectory ?? prepareLogDirectory }),
    path,
  };
}
