/**
 * The client's command line: the options every command shares, the route's own, and the help texts.
 * The caller's token is never an option value (it would show in `ps` and in shell history): it comes from
 * $GITHUB_TOKEN or --token-file.
 */
import { parseArgs } from "node:util";
import { CLIENT_COMMANDS, mintsSecret, type ClientCommand } from "./commands.js";
import { EXIT_CODE_HELP } from "./exit-codes.js";

export const URL_ENV = "ACTIONS_RUNNER_MANAGER_URL";
export const TOKEN_ENV = "GITHUB_TOKEN";
const DEFAULT_MAX_WAIT_S = 120;
const DEFAULT_TIMEOUT_S = 60;

export class UsageError extends Error {}

export interface ClientArguments {
  url: URL;
  team?: string;
  cacert?: string;
  tokenFile?: string;
  json: boolean;
  out?: string;
  maxWaitMs: number;
  timeoutMs: number;
  /** the route's query parameters, by parse.ts' names */
  params: Array<[string, string]>;
}

type OptionSpec = { type: "string" | "boolean" };

const COMMON: Record<string, OptionSpec> = {
  url: { type: "string" },
  team: { type: "string" },
  cacert: { type: "string" },
  "token-file": { type: "string" },
  json: { type: "boolean" },
  "max-wait": { type: "string" },
  timeout: { type: "string" },
  help: { type: "boolean" },
};

function optionSpecs(command: ClientCommand): Record<string, OptionSpec> {
  const specs: Record<string, OptionSpec> = { ...COMMON };
  if (!command.needsTeam) delete specs.team;
  if (mintsSecret(command)) specs.out = { type: "string" };
  for (const option of command.options) specs[option.flag] = { type: option.kind };
  return specs;
}

function seconds(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback * 1000;
  if (!/^\d+(\.\d+)?$/.test(text.trim())) throw new UsageError(`--${name}: expected a number of seconds, e.g. --${name} ${fallback}`);
  return Number(text) * 1000;
}

function serviceUrl(text: string | undefined): URL {
  if (text === undefined || text.trim() === "") {
    throw new UsageError(`no service URL: give --url https://runners.example.com or set $${URL_ENV}`);
  }
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(`--url: "${text}" is not a URL; expected e.g. https://runners.example.com`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`--url: expected an https:// URL, not ${url.protocol}`);
  if (url.username !== "" || url.password !== "")
    throw new UsageError("--url: credentials do not belong in the URL; the token comes from $GITHUB_TOKEN or --token-file");
  return url;
}

/** Parses the options after the command's name. `--help` is handled by the caller before this. */
export function parseClientArguments(command: ClientCommand, argv: readonly string[], env: NodeJS.ProcessEnv): ClientArguments {
  const specs = optionSpecs(command);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: specs, strict: true, allowPositionals: false }));
  } catch (error) {
    const [first] = (error as Error).message.split("\n");
    if (/'--token'/.test(first ?? "")) {
      throw new UsageError(
        "--token: a token on the command line shows in `ps` and in shell history; set $GITHUB_TOKEN or use --token-file FILE",
      );
    }
    throw new UsageError(`${first}; try: actions-runner-manager ${command.name} --help`);
  }
  const text = (name: string) => (typeof values[name] === "string" ? values[name] : undefined);
  const team = text("team");
  if (command.needsTeam && (team === undefined || team.trim() === ""))
    throw new UsageError("--team: required; the slug of your team, e.g. --team platform");
  const params: Array<[string, string]> = [];
  if (command.needsTeam && team !== undefined) params.push(["team", team]);
  for (const option of command.options) {
    const value = values[option.flag];
    if (value === undefined) {
      if (option.required) throw new UsageError(`--${option.flag}: required; ${option.help}`);
      continue;
    }
    if (typeof value === "boolean") params.push([option.param, String(value)]);
    else params.push([option.param, value]);
  }
  const out = text("out");
  if (out !== undefined && out.trim() === "") throw new UsageError("--out: expected a file path");
  return {
    url: serviceUrl(text("url") ?? env[URL_ENV]),
    ...(team !== undefined ? { team } : {}),
    ...(text("cacert") !== undefined ? { cacert: text("cacert") } : {}),
    ...(text("token-file") !== undefined ? { tokenFile: text("token-file") } : {}),
    json: values.json === true,
    ...(out !== undefined ? { out } : {}),
    maxWaitMs: seconds("max-wait", text("max-wait"), DEFAULT_MAX_WAIT_S),
    timeoutMs: seconds("timeout", text("timeout"), DEFAULT_TIMEOUT_S),
    params,
  };
}

const COMMON_HELP = `Options every command takes:
  --url URL           the service, e.g. https://runners.example.com (default: $${URL_ENV})
  --cacert FILE       trust the CA certificates in FILE (PEM) instead of Node's bundled ones
                      (NODE_EXTRA_CA_CERTS=FILE adds to them instead)
  --token-file FILE   read your GitHub token from FILE (default: $${TOKEN_ENV}); never given on the command line
  --json              print the service's JSON answer ({"Code": …, "Response"|"Error": …}) instead
  --max-wait SECONDS  how long retries may take in all (default ${DEFAULT_MAX_WAIT_S})
  --timeout SECONDS   how long one attempt may wait for its answer (default ${DEFAULT_TIMEOUT_S})
  --help              this help`;

const RETRY_HELP = `Retries: 429, 502, 503, 504 and dropped connections are tried again with exponential backoff and
jitter, never sooner than the service's Retry-After and never past --max-wait. A change is not sent again
when it may already have been made; runner-jitconfig is never sent again.`;

export function commandHelp(command: ClientCommand): string {
  const own = command.options.map((o) => {
    const flag = `--${o.flag}${o.kind === "string" ? ` ${o.valueName ?? "VALUE"}` : ""}`;
    return `  ${flag.padEnd(20)}${o.help}${o.required ? " (required)" : ""}`;
  });
  if (mintsSecret(command)) own.push(`  ${"--out FILE".padEnd(20)}write it to FILE (mode 0600, atomically) and print nothing secret`);
  const team = command.needsTeam ? " --team TEAM" : "";
  const usage = `actions-runner-manager ${command.name}${team}${command.options.map((o) => (o.required ? ` --${o.flag} ${o.valueName ?? ""}`.trimEnd() : "")).join("")} [options]`;
  return [
    `Usage: ${usage}`,
    "",
    `${command.summary}. ${command.method} /api/v1/${command.name}.`,
    ...(command.needsTeam ? ["", "  --team TEAM         your team's slug (you must be one of its maintainers)"] : []),
    ...(own.length > 0 ? (command.needsTeam ? own : ["", ...own]) : []),
    "",
    COMMON_HELP,
    "",
    RETRY_HELP,
    "",
    EXIT_CODE_HELP,
    "",
  ].join("\n");
}

export function generalHelp(): string {
  const width = Math.max(...CLIENT_COMMANDS.map((c) => c.name.length)) + 2;
  return [
    "Usage: actions-runner-manager <command> [options]",
    "",
    "Lets the maintainers of a GitHub team manage their team's self-hosted runner group.",
    "",
    "Server:",
    `  ${"serve".padEnd(width)}run the server (actions-runner-manager serve --help)`,
    "",
    "Client (one command per API route; the caller's token comes from $GITHUB_TOKEN or --token-file):",
    ...CLIENT_COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    "  actions-runner-manager <command> --help    shows a command's options",
    "  actions-runner-manager --version           prints the version",
    "",
    "Examples:",
    "  export ACTIONS_RUNNER_MANAGER_URL=https://runners.example.com GITHUB_TOKEN=…",
    '  ./run.sh --jitconfig "$(actions-runner-manager runner-jitconfig --team platform --labels linux,x64)"',
    "  actions-runner-manager token-register --team platform --out /run/runner/token",
    "",
    COMMON_HELP,
    "",
    EXIT_CODE_HELP,
    "",
  ].join("\n");
}
