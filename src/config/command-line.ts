/**
 * The server's command line: `[--config PATH]`.
 */
import { ConfigError } from "./problems.js";

export interface CommandLine {
  /** the last --config given, if any */
  configPath?: string;
}

/** The path given by `--config PATH` or `--config=PATH` (the last one wins); other arguments are ignored. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
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
  return found === undefined ? {} : { configPath: found };
}
