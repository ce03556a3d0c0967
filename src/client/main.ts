/**
 * The client: `actions-runner-manager <route> --team T …` calls one /api/v1 route with the caller's own
 * GitHub token, retries what may pass, and exits with a code by class (exit-codes.ts). Results go to stdout,
 * progress and problems to stderr, secrets only to stdout or to --out.
 *
 * It imports Node's own modules and nothing of the server (Express, Octokit, winston), so that it starts in
 * the time Node takes: the lint keeps it so (eslint.config.js, "src/client").
 */
import { randomUUID } from "node:crypto";
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { VERSION } from "../version.js";
import { commandHelp, generalHelp, parseClientArguments, TOKEN_ENV, UsageError, type ClientArguments } from "./arguments.js";
import { CLIENT_COMMANDS, findCommand, type ClientCommand } from "./commands.js";
import { EXIT, exitCodeForStatus, type ExitCode } from "./exit-codes.js";
import { attempt, NoAnswer, type Answer } from "./request.js";
import { decideRetry, type Outcome } from "./retry.js";
import { writeSecretFile } from "./secret-file.js";
import { describeRunner, secretOf, showAnswer, withoutSecret } from "./show-answer.js";

export interface ClientIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** injected by unit tests; real time otherwise */
  now?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
  random?: () => number;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

function readText(option: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`${option}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** The caller's token, from --token-file or $GITHUB_TOKEN; undefined when neither gives one. */
function callerToken(args: ClientArguments, env: NodeJS.ProcessEnv): string | undefined {
  const token = args.tokenFile !== undefined ? readText("--token-file", args.tokenFile).trim() : env[TOKEN_ENV]?.trim();
  if (args.tokenFile !== undefined && token === "") throw new UsageError(`--token-file: ${args.tokenFile} is empty`);
  return token === "" ? undefined : token;
}

/** Before anything is minted: a secret that cannot be written would be lost (and a JIT runner left registered). */
function checkOutDirectory(out: string): void {
  const directory = dirname(out);
  try {
    if (!statSync(directory).isDirectory()) throw new UsageError(`--out: ${directory} is not a directory`);
    accessSync(directory, constants.W_OK);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--out: cannot write in ${directory} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function parseEnvelope(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === "object" && "Code" in parsed ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Runs one command line (without "node cli.js") and resolves with the exit code. */
export async function runClient(argv: readonly string[], io: ClientIo): Promise<ExitCode> {
  const say = (text: string) => io.stderr.write(`${text}\n`);
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(generalHelp());
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(generalHelp());
    return EXIT.ok;
  }
  if (name === "--version" || name === "-V") {
    io.stdout.write(`actions-runner-manager ${VERSION}\n`);
    return EXIT.ok;
  }
  const command = findCommand(name);
  if (command === undefined) {
    say(`actions-runner-manager: unknown command "${name}"; the commands: serve, ${CLIENT_COMMANDS.map((c) => c.name).join(", ")}`);
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  const prefix = `actions-runner-manager ${command.name}`;
  let args: ClientArguments;
  let token: string | undefined;
  let ca: string | undefined;
  try {
    args = parseClientArguments(command, rest, io.env);
    token = callerToken(args, io.env);
    ca = args.cacert !== undefined ? readText("--cacert", args.cacert) : undefined;
    if (args.out !== undefined) checkOutDirectory(args.out);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`${prefix}: ${error.message}`);
    return EXIT.usage;
  }
  if (token === undefined && command.needsTeam) {
    say(`${prefix}: no GitHub token: set $${TOKEN_ENV} or give --token-file FILE`);
    return EXIT.notAuthenticated;
  }
  if (args.url.protocol === "http:" && !LOOPBACK.has(args.url.hostname)) {
    say(`${prefix}: warning: ${args.url.origin} is plain HTTP; your token travels in clear text`);
  }
  return call(command, args, { token, ca }, io, prefix);
}

async function call(
  command: ClientCommand,
  args: ClientArguments,
  secrets: { token: string | undefined; ca: string | undefined },
  io: ClientIo,
  prefix: string,
): Promise<ExitCode> {
  const say = (text: string) => io.stderr.write(`${text}\n`);
  const now = io.now ?? Date.now;
  const wait = io.sleep ?? ((ms: number) => sleep(ms));
  const random = io.random ?? Math.random;

  const base = args.url.href.endsWith("/") ? args.url.href : `${args.url.href}/`;
  const url = new URL(`api/v1/${command.name}`, base);
  for (const [param, value] of args.params) url.searchParams.append(param, value);
  const headers: Record<string, string> = {
    Accept: "application/json",
    "User-Agent": `actions-runner-manager-client/${VERSION}`,
    // one id for every attempt of this command, so that the service's log ties them together
    "X-Request-Id": randomUUID(),
  };
  if (secrets.token !== undefined) headers.Authorization = `Bearer ${secrets.token}`;

  const started = now();
  for (let failures = 1; ; failures++) {
    let outcome: Outcome;
    try {
      const answer = await attempt({
        method: command.method,
        url,
        headers,
        timeoutMs: args.timeoutMs,
        ...(secrets.ca !== undefined ? { ca: secrets.ca } : {}),
      });
      outcome = { answer };
    } catch (error) {
      if (!(error instanceof NoAnswer)) throw error;
      outcome = { problem: error };
    }
    const decision = decideRetry({
      rule: command.retry,
      outcome,
      failures,
      elapsedMs: now() - started,
      maxWaitMs: args.maxWaitMs,
      nowMs: now(),
      random,
    });
    if (!decision.retry) {
      if (decision.why !== undefined) say(`${prefix}: ${decision.why}`);
      if ("problem" in outcome) {
        say(`${prefix}: ${outcome.problem.message}`);
        return EXIT.cannotConnect;
      }
      return finish(command, args, outcome.answer, io, prefix);
    }
    say(`${prefix}: ${decision.reason}; trying again in ${(decision.delayMs / 1000).toFixed(1)} s (attempt ${failures + 1})`);
    await wait(decision.delayMs);
  }
}

function finish(command: ClientCommand, args: ClientArguments, answer: Answer, io: ClientIo, prefix: string): ExitCode {
  const say = (text: string) => io.stderr.write(`${text}\n`);
  const envelope = parseEnvelope(answer.body);
  const ok = answer.status >= 200 && answer.status < 300;
  if (envelope === undefined) {
    // e.g. a proxy's HTML error page, or another service at that URL
    say(`${prefix}: the answer (HTTP ${answer.status}) is not the service's JSON; is --url right?`);
    return ok ? EXIT.other : answer.status >= 500 ? EXIT.serviceFailing : exitCodeForStatus(answer.status);
  }
  if (!ok) {
    if (args.json) io.stdout.write(`${answer.body}\n`);
    say(`${prefix}: ${answer.status}: ${typeof envelope.Error === "string" ? envelope.Error : "(no message)"}`);
    return exitCodeForStatus(answer.status);
  }
  const secret = secretOf(command.answer, envelope.Response);
  if (args.out !== undefined && secret !== undefined) {
    try {
      writeSecretFile(args.out, secret);
    } catch (error) {
      say(`${prefix}: could not write ${args.out} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return EXIT.other;
    }
  }
  if (command.answer === "jitconfig" && args.out === undefined && !args.json)
    say(`${prefix}: registered ${describeRunner(envelope.Response)}`);
  if (args.json) {
    const shown = args.out !== undefined ? withoutSecret(command.answer, envelope, `(written to ${args.out})`) : envelope;
    io.stdout.write(`${JSON.stringify(shown)}\n`);
  } else {
    io.stdout.write(`${showAnswer(command.answer, envelope.Response, args.out)}\n`);
  }
  return EXIT.ok;
}
