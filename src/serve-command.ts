/**
 * `actions-runner-manager serve [--config PATH] [--check-config] [--help] [--version]`: the server. With
 * src/main.ts, the only production code that reads process.argv and process.env, and the one that handles
 * signals.
 *
 * SIGTERM and SIGINT are honoured from the first instant: the handlers are installed before the server's
 * modules are even loaded (they are imported here only once a configuration is to be served), and a signal
 * during the start (Redis still connecting, say) ends the process at once with 0, as nothing is served yet.
 * Once a logger exists, every start-up failure is a JSON line through it (redacted like every other line);
 * before that (a bad command line or configuration) the message goes to stderr in plain words.
 */
import { parseCommandLine, type CommandLine } from "./config/command-line.js";
import { ConfigError } from "./config/problems.js";
import { VERSION } from "./version.js";

/** The exit codes of `serve`, as --help and the README list them. */
export const EXIT = {
  OK: 0,
  /** --check-config: GitHub refused the App's credentials, or the installation cannot serve the organization */
  CREDENTIALS: 1,
  /** the server could not start (it cannot listen, say), after its configuration was found valid */
  START_FAILED: 1,
  /** a bad command line, or an invalid or missing configuration */
  USAGE: 2,
  /** --check-config: GitHub answered, but failed (5xx) or rate-limited the check: nothing was proven */
  GITHUB_FAILING: 8,
  /** --check-config: GitHub could not be reached (connection, TLS, timeout) */
  GITHUB_UNREACHABLE: 9,
} as const;

export const SERVE_USAGE = `Usage: actions-runner-manager serve [--config PATH] [--check-config]
       actions-runner-manager serve --help | --version

Runs the actions-runner-manager server: the HTTP API with which the maintainers of a GitHub team manage
their team's self-hosted runner group, through a GitHub App.

Options:
  --config PATH    the configuration file (YAML). Without it, $CONFIG_PATH, else the first that exists of
                   /etc/actions-runner-manager/config.yml and ./config.yml. The App's private key may also
                   come from $ARM_PRIVATE_KEY (the PEM or its base64) or $ARM_PRIVATE_KEY_FILE (a path).
  --check-config   load and validate the configuration, then check the App's credentials against GitHub
                   (GET /app, GET /app/installations/{installationID}, an installation token) and the
                   installation's permissions; print what was found and exit. Serves nothing.
  -h, --help       print this help and exit
  --version        print the version (${VERSION}) and exit

Signals: SIGTERM or SIGINT lets requests in flight finish, then exits 0 (at once during start-up).

Exit codes:
  0  stopped by SIGTERM/SIGINT; --check-config: the configuration is valid and GitHub accepts the App
  1  the server could not start; --check-config: GitHub refused appID, installationID or privateKey, or
     the installation lacks a permission the service needs (the message names which)
  2  a bad command line, or an invalid or missing configuration (every problem is listed)
  8  --check-config: GitHub answered with an error (5xx) or a rate limit; try again
  9  --check-config: GitHub could not be reached (connection, TLS, timeout)
`;

type Stop = (signal: NodeJS.Signals) => void;

/**
 * Installs the SIGTERM/SIGINT handlers at once; `set` changes what a signal does as the start goes on.
 * Until then a signal ends the process with 0: nothing is served, so nothing is lost.
 */
function handleSignals(): { set(stop: Stop): void } {
  let stop: Stop = (signal) => {
    process.stderr.write(`actions-runner-manager: ${signal} received during start-up; stopping\n`);
    process.exit(EXIT.OK);
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => stop(signal));
  return { set: (next) => (stop = next) };
}

/** A bad command line or configuration, in plain words on stderr (no logger exists yet): exit 2. */
function usageError(error: ConfigError, hint: boolean): never {
  process.stderr.write(`${error.message}\n${hint ? "Run 'actions-runner-manager serve --help' for usage.\n" : ""}`);
  process.exit(EXIT.USAGE);
}

/** Starts the server with the command line after `serve`; exits the process when it cannot start. */
export async function runServeCommand(argv: readonly string[]): Promise<void> {
  let commandLine: CommandLine;
  try {
    commandLine = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof ConfigError) usageError(error, true);
    throw error;
  }
  if (commandLine.help) {
    process.stdout.write(SERVE_USAGE);
    return;
  }
  if (commandLine.version) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  if (commandLine.checkConfig) {
    const { checkConfig } = await import("./check-config.js");
    process.exitCode = await checkConfig(argv, { env: process.env, stdout: process.stdout, stderr: process.stderr });
    return;
  }
  const signals = handleSignals();
  await serve(argv, signals).catch((error: unknown) => {
    // before a logger exists (a configuration file that cannot be parsed as one expects, say): plain words
    process.stderr.write(`actions-runner-manager cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT.START_FAILED);
  });
}

async function serve(argv: readonly string[], signals: { set(stop: Stop): void }): Promise<void> {
  // Imported only now (after the signal handlers): Express, Octokit, winston and the rest take a while to load.
  const { loadConfig } = await import("./config/load-config.js");
  const { forgetSecretEnv } = await import("./config/secrets.js");
  const { outboundProxyFromEnv } = await import("./config/outbound-proxy.js");
  let loaded;
  let outboundProxy;
  try {
    loaded = loadConfig({ argv, env: process.env });
    outboundProxy = outboundProxyFromEnv(process.env);
  } catch (error) {
    forgetSecretEnv(process.env);
    if (error instanceof ConfigError) usageError(error, false);
    throw error;
  }
  // read once: the private key (and Redis' password) stay in the Config only
  forgetSecretEnv(process.env);

  const { createLogger } = await import("./logging/create-logger.js");
  let logging;
  try {
    logging = createLogger(loaded.config.logging);
  } catch (error) {
    process.stderr.write(
      `actions-runner-manager cannot start: logging cannot be set up (${error instanceof Error ? error.message : String(error)})\n`,
    );
    process.exit(EXIT.START_FAILED);
  }
  const log = logging.logger;
  /** Ends the process once the lines taken are written (bounded: a stuck file must not keep it alive). */
  const exitAfterLog = (code: number) => {
    const flushed = Promise.race([logging.close(), new Promise((done) => setTimeout(done, 2_000).unref())]);
    void flushed.finally(() => process.exit(code));
  };
  signals.set((signal) => {
    log.info(`${signal} received during start-up; stopping`);
    exitAfterLog(EXIT.OK);
  });

  log.info("configuration loaded", { path: loaded.path });
  for (const warning of loaded.warnings) log.warn(`configuration: ${warning}`, { path: loaded.path });

  const { startService } = await import("./service.js");
  let service;
  try {
    service = await startService(loaded.config, { logging, ...(outboundProxy ? { outboundProxy } : {}) });
  } catch (error) {
    log.error("cannot start", { error });
    exitAfterLog(EXIT.START_FAILED);
    return;
  }
  const running = service;

  // A bug in one request must not take the others down silently; log it with what we know.
  process.on("unhandledRejection", (reason) => log.error("unhandled promise rejection", { error: reason }));

  let stopping = false;
  signals.set((signal) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received`);
    running.close().then(
      () => process.exit(EXIT.OK),
      (error: unknown) => {
        process.stderr.write(`actions-runner-manager: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(EXIT.START_FAILED);
      },
    );
  });
}
