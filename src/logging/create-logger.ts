/**
 * The service's logger: winston, one JSON object per line (`timestamp`, `level`, `message`, then the
 * fields), every line scrubbed of credentials by ./redact.ts. Lines go to stdout, and unless the
 * deployment is ephemeral also to a daily-rotated file under `logDirectory`.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import winston from "winston";
import DailyRotateFile from "winston-daily-rotate-file";
import { systemClock, type Clock } from "../clock.js";
import { logDirectoryProblem } from "../config/log-directory.js";
import { LOG_LEVELS, type Config, type LogLevel } from "../config/schema.js";
import { redactField, redactString, redactValue } from "./redact.js";

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line; fields given to a call win over them. */
  child(fields: Record<string, unknown>): Logger;
}

export interface CreateLoggerOptions {
  /** Replace stdout (tests pass an in-memory sink). The file, unless ephemeral, is written as well. */
  streams?: NodeJS.WritableStream[];
  /** The source of each line's `timestamp`. (File rotation follows the system time.) */
  clock?: Clock;
}

/**
 * Severity order. winston drops an unknown level's lines and says nothing
 * (https://github.com/winstonjs/winston/issues/1752), so the level is checked up front.
 */
const LEVELS = Object.fromEntries(LOG_LEVELS.map((level, severity) => [level, severity])) as Record<LogLevel, number>;

/** Files are `actions-runner-manager-2026-01-31.log`, then `…-2026-01-31.1.log`, … when one day outgrows `maxSizeMB`. */
export const LOG_FILE_NAME = "actions-runner-manager-%DATE%";
export const LOG_FILE_EXTENSION = ".log";
/**
 * The rotator's own state (which files it wrote, for `maxFiles`): its `auditFile` option, whose default name
 * ends in "-audit.json" and was mistaken for the audit trail, which is the `audit` lines of the log itself.
 */
export const ROTATION_STATE_FILE_NAME = ".rotation-state-actions-runner-manager.json";
/** Where releases before 2026-12 kept that state: adopted once (rotationStateOf), so old files are still pruned. */
export const OLD_ROTATION_STATE_FILE_NAME = "actions-runner-manager-audit.json";

/** Keys the line itself sets; a field of the same name is kept as `field_<name>` instead of being lost. */
const RESERVED_KEYS = new Set(["timestamp", "level", "message"]);

export interface LoggerHandle {
  logger: Logger;
  /**
   * Stops taking lines (later calls are ignored), then resolves once every line taken is written, the
   * file's included. Never ends the streams it was given (stdout stays open). Safe to call twice.
   */
  close(this: void): Promise<void>;
}

export function createLogger(cfg: Config["logging"], opts: CreateLoggerOptions = {}): LoggerHandle {
  if (!Object.hasOwn(LEVELS, cfg.level)) {
    throw new Error(`logging.level must be one of ${Object.keys(LEVELS).join(", ")}; got ${JSON.stringify(cfg.level)}`);
  }
  const clock = opts.clock ?? systemClock;
  const streams = opts.streams ?? [process.stdout];

  const transports: winston.transport[] = streams.map((stream) => new winston.transports.Stream({ stream, eol: "\n" }));
  if (!cfg.ephemeral) adoptOldRotationState(cfg.logDirectory);
  const file = cfg.ephemeral ? undefined : openRotatingFile(cfg);
  if (file) transports.push(file);

  const w = winston.createLogger({ levels: LEVELS, level: cfg.level, format: createLogFormat(clock), transports });

  // A log file that cannot be written (disk full, permissions, a directory in its place) must neither
  // bring the service down nor fail in silence: say so once, straight to the streams. The rotating
  // transport does not listen to its own file stream's errors, which would otherwise be uncaught
  // (https://github.com/winstonjs/winston-daily-rotate-file/pull/408).
  let reported = false;
  const reportFailure = (error: unknown) => {
    if (reported) return;
    reported = true;
    const line = {
      timestamp: clock.now().toISOString(),
      level: "error",
      message: "logging: a log destination failed; its lines are lost until restart",
      error: redactValue(error),
    };
    for (const stream of streams) stream.write(`${JSON.stringify(line)}\n`);
  };
  w.on("error", reportFailure);
  file?.logStream.on("error", reportFailure);

  const state = { closed: false };
  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    state.closed = true;
    // The logger's 'finish' waits until every transport has taken every line (winston's _final)…
    await new Promise<void>((resolve) => {
      w.once("finish", () => resolve());
      w.end();
    });
    // …but the rotating file hands lines to an fs stream and returns at once: wait until they are written.
    if (file) await new Promise<void>((resolve) => file.logStream.end(() => resolve()));
  };

  return { logger: bind(w, state, {}), close: () => (closing ??= close()) };
}

/**
 * The rotating file, whose transport creates the directory at once. loadConfig has already made the directory
 * ready (config/log-directory.ts); should it fail here all the same (another caller, a directory removed
 * since), the error names the key and the way out rather than a bare "EACCES: permission denied, mkdir …".
 */
function openRotatingFile(cfg: Config["logging"]): DailyRotateFile {
  try {
    return new DailyRotateFile(rotatingFileOptions(cfg));
  } catch (error) {
    throw new Error(`logging.logDirectory: ${logDirectoryProblem(cfg.logDirectory, error)}`, { cause: error });
  }
}

function bind(w: winston.Logger, state: { closed: boolean }, bound: Record<string, unknown>): Logger {
  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    // Checked here, not only by the transports: a dropped debug line then costs no redaction.
    if (state.closed || !w.isLevelEnabled(level)) return;
    // Libraries handed this logger (Octokit's `log`) are not bound by its types: an Error can come as
    // the message or as the fields, and JSON would write it as {}.
    const raw: unknown = msg;
    // `timestamp` first so that it is the first key on the line; the format fills it in.
    const info: winston.LogEntry = { timestamp: undefined, level, message: raw instanceof Error ? raw.message : String(raw) };
    addFields(info, bound);
    if (raw instanceof Error) addFields(info, { error: raw });
    addFields(info, fields instanceof Error ? { error: fields } : fields);
    // One object, never (message, ...args): winston would read "%s", "%d", "%j" … in a message as
    // placeholders and move the fields into the message text, out of reach of the key-name rules.
    w.log(info);
  };
  return {
    error: (msg, fields) => log("error", msg, fields),
    warn: (msg, fields) => log("warn", msg, fields),
    info: (msg, fields) => log("info", msg, fields),
    debug: (msg, fields) => log("debug", msg, fields),
    child: (fields) => bind(w, state, { ...bound, ...fields }),
  };
}

function addFields(info: Record<string, unknown>, fields: Record<string, unknown> | undefined): void {
  if (!fields) return;
  for (const key of Object.keys(fields)) {
    const name = RESERVED_KEYS.has(key) ? `field_${key}` : key;
    if (name === "__proto__")
      Object.defineProperty(info, name, { value: fields[key], enumerable: true, writable: true, configurable: true });
    else info[name] = fields[key];
  }
}

/**
 * Scrubs every string and every field of a line. It runs after `splat()` (which writes "%s" arguments
 * into the message, where only this step can see them) and before `json()`.
 */
const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    const value: unknown = info[key];
    info[key] = key === "message" && typeof value === "string" ? redactString(value) : redactField(key, value);
  }
  return info;
});

/** splat → redact → timestamp → json. Exported so that tests can run the chain on lines built by hand. */
export function createLogFormat(clock: Clock): winston.Logform.Format {
  return winston.format.combine(
    winston.format.splat(),
    redact(),
    winston.format.timestamp({ format: () => clock.now().toISOString() }),
    // Key order as written (timestamp, level, message, fields), not sorted.
    winston.format.json({ deterministic: false }),
  );
}

/**
 * The configuration's rotation settings in winston-daily-rotate-file's terms. `maxFiles` is either a
 * number of days ("14d") or a number of files, never both: a positive `maxBackups` wins, else
 * `maxAgeDays`, else files are kept. The count is `maxBackups + 1` because the transport counts the
 * current file and lumberjack's MaxBackups, in the Go original, did not.
 */
export function rotatingFileOptions(cfg: Config["logging"]): DailyRotateFile.DailyRotateFileTransportOptions {
  let maxFiles: string | number | undefined;
  if (cfg.maxBackups > 0) maxFiles = Math.floor(cfg.maxBackups) + 1;
  else if (cfg.maxAgeDays > 0) maxFiles = `${Math.ceil(cfg.maxAgeDays)}d`;
  return {
    dirname: cfg.logDirectory,
    filename: LOG_FILE_NAME,
    // As an extension rather than in `filename`, so that size-rotated files end in ".log" too.
    extension: LOG_FILE_EXTENSION,
    datePattern: "YYYY-MM-DD",
    utc: true, // file dates match the lines' UTC timestamps
    zippedArchive: cfg.compress,
    // The transport accepts only an integer before "m" (or "0.x"): anything else would silently mean no
    // size limit, so fractions go in kilobytes.
    maxSize:
      cfg.maxSizeMB > 0
        ? Number.isInteger(cfg.maxSizeMB)
          ? `${cfg.maxSizeMB}m`
          : `${Math.max(1, Math.round(cfg.maxSizeMB * 1024))}k`
        : undefined,
    maxFiles,
    // Its default name hashes the options, so a changed setting would orphan the old files.
    auditFile: join(cfg.logDirectory, ROTATION_STATE_FILE_NAME),
    options: { flags: "a", mode: 0o640 },
    eol: "\n",
  };
}

/**
 * Moves the state an older release kept under OLD_ROTATION_STATE_FILE_NAME to ROTATION_STATE_FILE_NAME, so
 * that the files it lists are still pruned by `maxFiles`. The state names its own path (`auditLog`), where
 * file-stream-rotator writes it back: that is rewritten too. Best effort: unreadable state is left alone.
 */
function adoptOldRotationState(directory: string): void {
  const old = join(directory, OLD_ROTATION_STATE_FILE_NAME);
  const current = join(directory, ROTATION_STATE_FILE_NAME);
  if (!existsSync(old) || existsSync(current)) return;
  try {
    const state = JSON.parse(readFileSync(old, "utf8")) as Record<string, unknown>;
    if (typeof state !== "object" || state === null || !Array.isArray(state.files)) return;
    writeFileSync(current, JSON.stringify({ ...state, auditLog: current }, null, 4));
    rmSync(old);
  } catch {
    // not the rotator's state, or not ours to move: the rotator starts a fresh list
  }
}
