/**
 * The server's command line (`actions-runner-manager serve …`): `--config PATH`, `--check-config`, `--help`,
 * `--version`, and nothing else. Strict, so that a mistyped option stops the start with the options listed
 * instead of being ignored (with `--confg x.yml` ignored, another file would be found and served).
 */
import { parseArgs } from "node:util";
import { ConfigError } from "./problems.js";

const OPTIONS = {
  config: { type: "string" },
  "check-config": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;
/** Each option as a message shows it. */
const SHOWN: Readonly<Record<keyof typeof OPTIONS, string>> = {
  config: "--config PATH",
  "check-config": "--check-config",
  help: "--help",
  version: "--version",
};
const KNOWN = `known options: ${Object.values(SHOWN).join(", ")}`;

export interface CommandLine {
  /** the last --config given, if any */
  configPath?: string;
  /** --check-config: validate the configuration and the App's credentials, then exit */
  checkConfig?: true;
  /** --help (-h): print the usage and exit; needs no configuration */
  help?: true;
  /** --version: print the version and exit; needs no configuration */
  version?: true;
}

function commandLineError(problem: string): ConfigError {
  return new ConfigError("(command line)", [problem], "bad command line");
}

const NO_PATH = "--config: expected a path, e.g. --config /etc/actions-runner-manager/config.yml";

/**
 * Throws a ConfigError for an unknown option, an argument that is not an option's, --config without a path,
 * or a value given to a flag that takes none (`--help=yes`).
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false, tokens: true });
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    // "Unknown option '--port'", "Unexpected argument 'x.yml'. This command does not take positional arguments",
    // "Option '--help' does not take an argument": the first line is for people; what follows is for programmers.
    const [what = ""] = (error as Error).message.split("\n");
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      // --config as the last argument, or followed by another option
      if (/'--config\b/.test(what)) throw commandLineError(NO_PATH);
      throw commandLineError(`${what.replace(/\.$/, "")}; ${KNOWN}`);
    }
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" || code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      throw commandLineError(`${what}; ${KNOWN}`);
    }
    throw error;
  }
  // `--config=` and `--config ""` parse, as an empty path.
  if (parsed.tokens.some((t) => t.kind === "option" && t.name === "config" && (t.value ?? "").trim() === "")) {
    throw commandLineError(NO_PATH);
  }
  const { values } = parsed;
  return {
    ...(values.config !== undefined && { configPath: values.config }),
    ...(values["check-config"] === true && { checkConfig: true }),
    ...(values.help === true && { help: true }),
    ...(values.version === true && { version: true }),
  };
}
