/**
 * The server's command line: `[--config PATH]` and nothing else. Strict, so that a mistyped option stops the
 * start with the options listed instead of being ignored (with `--confg x.yml` ignored, another file would
 * be found and served).
 */
import { parseArgs } from "node:util";
import { ConfigError } from "./problems.js";

const OPTIONS = { config: { type: "string" } } as const;
/** Each option as a message shows it. */
const SHOWN: Readonly<Record<keyof typeof OPTIONS, string>> = { config: "--config PATH" };
const KNOWN = `known options: ${Object.values(SHOWN).join(", ")}`;

export interface CommandLine {
  /** the last --config given, if any */
  configPath?: string;
}

function commandLineError(problem: string): ConfigError {
  return new ConfigError("(command line)", [problem], "bad command line");
}

const NO_PATH = "--config: expected a path, e.g. --config /etc/actions-runner-manager/config.yml";

/** Throws a ConfigError for an unknown option, an argument that is not an option's, or --config without a path. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false, tokens: true });
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    // --config as the last argument, or followed by another option: parseArgs' messages are for programmers.
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") throw commandLineError(NO_PATH);
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" || code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      // "Unknown option '--port'", "Unexpected argument 'x.yml'. This command does not take positional arguments"
      const [what] = (error as Error).message.split("\n");
      throw commandLineError(`${what}; ${KNOWN}`);
    }
    throw error;
  }
  // `--config=` and `--config ""` parse, as an empty path.
  if (parsed.tokens.some((t) => t.kind === "option" && t.name === "config" && (t.value ?? "").trim() === "")) {
    throw commandLineError(NO_PATH);
  }
  return parsed.values.config === undefined ? {} : { configPath: parsed.values.config };
}
