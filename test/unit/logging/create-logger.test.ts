import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, test, type TestContext } from "node:test";
import { manualClock } from "../../../src/clock.js";
import type { Config } from "../../../src/config/schema.js";
import {
  createLogger,
  OLD_ROTATION_STATE_FILE_NAME,
  ROTATION_STATE_FILE_NAME,
  rotatingFileOptions,
  type Logger,
} from "../../../src/logging/create-logger.js";
import { createLogSink } from "../../helpers/log-sink.js";

type LoggingConfig = Config["logging"];

const LOG_FILE = /^actions-runner-manager-\d{4}-\d{2}-\d{2}\.log$/;

function config(overrides: Partial<LoggingConfig> = {}): LoggingConfig {
  return {
    compress: false,
    ephemeral: true,
    level: "info",
    logDirectory: "/nonexistent/logs",
    maxAgeDays: 0,
    maxBackups: 0,
    maxSizeMB: 0,
    ...overrides,
  };
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "arm-logging-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function start(t: TestContext, cfg: LoggingConfig) {
  const sink = createLogSink();
  const clock = manualClock("2026-03-04T05:06:07.089Z");
  const { logger, close } = createLogger(cfg, { streams: [sink.stream], clock });
  t.after(close);
  return { log: logger, sink, clock, close };
}

function parseJsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * ~250-byte lines with a pause after each: the rotating stream opens each new file asynchronously, and
 * retention and archiving skip a file that is not on disk yet. Real rotations are megabytes apart; a
 * burst of 1 kB files would only test that race.
 */
async function writePaced(log: Logger, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    log.info("line", { i, padding: "x".repeat(200) });
    await sleep(10);
  }
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > 5_000) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe("createLogger: lines", () => {
  test("when a line is written, then it is one JSON object: timestamp from the clock, level, message, then the fields", async (t) => {
    const { log, sink, clock, close } = start(t, config());
    log.info("group created", { org: "acme", runnerGroupId: 7 });
    clock.advance(1_000);
    log.warn("slow", { durationMs: 1200 });
    await close();
    assert.match(sink.text(), /^\{.*\}\n\{.*\}\n$/);
    const [first, second] = sink.lines();
    assert.deepEqual(Object.keys(first!), ["timestamp", "level", "message", "org", "runnerGroupId"]);
    assert.deepEqual(first, {
      timestamp: "2026-03-04T05:06:07.089Z",
      level: "info",
      message: "group created",
      org: "acme",
      runnerGroupId: 7,
    });
    assert.deepEqual(second, { timestamp: "2026-03-04T05:06:08.089Z", level: "warn", message: "slow", durationMs: 1200 });
  });

  const expected: Record<LoggingConfig["level"], string[]> = {
    error: ["error"],
    warn: ["error", "warn"],
    info: ["error", "warn", "info"],
    debug: ["error", "warn", "info", "debug"],
  };
  for (const [level, written] of Object.entries(expected)) {
    test(`when the level is ${level}, then only ${written.join(", ")} lines are written`, async (t) => {
      const { log, sink, close } = start(t, config({ level: level as LoggingConfig["level"] }));
      log.debug("d");
      log.info("i");
      log.warn("w");
      log.error("e");
      await close();
      assert.deepEqual(
        sink.lines().map((line) => line.level),
        [...written].reverse(),
      );
    });
  }

  test("when the level is a name the Go original used (warning, fatal, trace), then createLogger throws instead of logging nothing", () => {
    for (const level of ["warning", "fatal", "trace", "INFO", ""]) {
      assert.throws(
        () => createLogger(config({ level: level as never }), { streams: [createLogSink().stream] }),
        /logging\.level must be one of error, warn, info, debug/,
      );
    }
  });

  test("when child() adds fields, then every line of the child has them, a call's own fields win, and the parent is unchanged", async (t) => {
    const { log, sink, close } = start(t, config({ level: "debug" }));
    const child = log.child({ requestId: "req-1", org: "acme" });
    const grandchild = child.child({ team: "platform" });
    child.info("one");
    child.debug("two", { org: "other", durationMs: 3 });
    grandchild.error("three");
    log.info("four");
    await close();
    const lines = sink.lines().map(({ timestamp: _, ...rest }) => rest);
    assert.deepEqual(lines, [
      { level: "info", message: "one", requestId: "req-1", org: "acme" },
      { level: "debug", message: "two", requestId: "req-1", org: "other", durationMs: 3 },
      { level: "error", message: "three", requestId: "req-1", org: "acme", team: "platform" },
      { level: "info", message: "four" },
    ]);
  });

  test("when child fields hold a secret, then it is redacted on every line", async (t) => {
    const { log, sink, close } = start(t, config());
    const token = "ghs_" + "a1B2c3D4e5".repeat(4);
    log.child({ callerToken: "opaque-caller-token-value", note: `using ${token}` }).info("call");
    await close();
    assert.ok(!sink.text().includes("opaque-caller-token-value"));
    assert.ok(!sink.text().includes(token.slice(4)));
    assert.equal(sink.lines()[0]!.callerToken, "[REDACTED]");
  });

  test("when a field is named timestamp, level or message, then it is kept as field_<name> and the line's own stay", async (t) => {
    const { log, sink, close } = start(t, config());
    log.info("real", { message: "from field", level: "debug", timestamp: "yesterday", org: "acme" });
    await close();
    assert.deepEqual(sink.lines()[0], {
      timestamp: "2026-03-04T05:06:07.089Z",
      level: "info",
      message: "real",
      field_message: "from field",
      field_level: "debug",
      field_timestamp: "yesterday",
      org: "acme",
    });
  });

  test("when untyped code passes an Error as the fields or the message, then it is logged under `error`, not as {}", async (t) => {
    const { log, sink, close } = start(t, config());
    log.error("failed", new Error("boom") as never);
    log.warn(new Error("bang") as never);
    await close();
    const [first, second] = sink.lines();
    assert.equal(first!.message, "failed");
    assert.equal((first!.error as Record<string, unknown>).message, "boom");
    assert.match(String((first!.error as Record<string, unknown>).stack), /^Error: boom\n/);
    assert.equal(second!.message, "bang");
    assert.match(String((second!.error as Record<string, unknown>).stack), /^Error: bang\n/);
  });

  test("when several streams are given, then each gets every line", async (t) => {
    const [a, b] = [createLogSink(), createLogSink()];
    const { logger, close } = createLogger(config(), { streams: [a.stream, b.stream] });
    t.after(close);
    logger.info("both");
    await close();
    assert.equal(a.lines()[0]!.message, "both");
    assert.equal(b.text(), a.text());
  });

  test("when close() is called twice or lines are written after it, then nothing fails and nothing more is written", async (t) => {
    const { log, sink, close } = start(t, config());
    log.info("before");
    await Promise.all([close(), close()]);
    log.info("after");
    log.child({ a: 1 }).error("after");
    await close();
    assert.deepEqual(
      sink.lines().map((line) => line.message),
      ["before"],
    );
  });
});

describe("createLogger: the rotating file", () => {
  test("when not ephemeral, then lines go to the streams and to a dated .log file of JSON lines under logDirectory", async (t) => {
    const dir = join(tempDir(t), "nested", "logs"); // created on demand
    const { log, sink, close } = start(t, config({ ephemeral: false, logDirectory: dir, maxAgeDays: 7 }));
    log.info("to both", { org: "acme" });
    log.debug("dropped");
    await close();
    const files = readdirSync(dir).filter((name) => LOG_FILE.test(name));
    assert.equal(files.length, 1, `one log file, got ${readdirSync(dir).join(", ")}`);
    const text = readFileSync(join(dir, files[0]!), "utf8");
    assert.equal(text, sink.text());
    assert.deepEqual(parseJsonLines(text), [{ timestamp: "2026-03-04T05:06:07.089Z", level: "info", message: "to both", org: "acme" }]);
  });

  test("when the file is written, then the rotator's state is one file in logDirectory, named as no audit trail, listing the log file", async (t) => {
    const dir = tempDir(t);
    const { log, close } = start(t, config({ ephemeral: false, logDirectory: dir, maxBackups: 3 }));
    log.info("x");
    await close();
    const state = JSON.parse(readFileSync(join(dir, ROTATION_STATE_FILE_NAME), "utf8")) as {
      keep: { days: boolean; amount: number };
      files: Array<{ name: string }>;
    };
    assert.deepEqual(state.keep, { days: false, amount: 4 });
    assert.equal(state.files.length, 1);
    assert.match(state.files[0]!.name, /actions-runner-manager-\d{4}-\d{2}-\d{2}\.log$/);
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.endsWith(".json")),
      [ROTATION_STATE_FILE_NAME],
      "no hash-named state file beside it",
    );
    assert.ok(
      readdirSync(dir).every((name) => !/audit/i.test(name)),
      `no file whose name says audit: ${readdirSync(dir).join(", ")}`,
    );
  });

  test("when an older release left its state as ...-audit.json, then it is adopted under the new name and its files are still pruned", async (t) => {
    const dir = tempDir(t);
    // Two days' files written by an older release, listed in its state file as file-stream-rotator lists them.
    const listed = ["actions-runner-manager-2026-03-01.log", "actions-runner-manager-2026-03-02.log"].map((name, i) => {
      const path = join(dir, name);
      writeFileSync(path, '{"message":"old"}\n');
      const date = Date.UTC(2026, 2, 1 + i);
      return { date, name: path, hash: createHash("sha256").update(`${path}LOG_FILE${date}`).digest("hex") };
    });
    const old = join(dir, OLD_ROTATION_STATE_FILE_NAME);
    writeFileSync(old, JSON.stringify({ keep: { days: false, amount: 2 }, auditLog: old, files: listed, hashType: "sha256" }));

    // maxBackups 1: two files are kept, today's and the newest old one; the oldest goes.
    const { log, close } = start(t, config({ ephemeral: false, logDirectory: dir, maxBackups: 1 }));
    log.info("today");
    await close();
    assert.equal(existsSync(old), false, "the old name is gone");
    const state = JSON.parse(readFileSync(join(dir, ROTATION_STATE_FILE_NAME), "utf8")) as {
      auditLog: string;
      files: Array<{ name: string }>;
    };
    assert.equal(state.auditLog, join(dir, ROTATION_STATE_FILE_NAME), "written back under the new name");
    assert.deepEqual(
      state.files.map((f) => f.name.slice(dir.length + 1)),
      ["actions-runner-manager-2026-03-02.log", readdirSync(dir).find((name) => LOG_FILE.test(name) && !name.includes("2026-03-0"))],
    );
    assert.equal(existsSync(listed[0]!.name), false, "the oldest file listed by the older release was pruned");
    assert.equal(existsSync(listed[1]!.name), true);
  });

  test("when ephemeral, then no file and no directory is created", async (t) => {
    const dir = join(tempDir(t), "logs");
    const { log, sink, close } = start(t, config({ ephemeral: true, logDirectory: dir, maxBackups: 3 }));
    log.info("stdout only");
    await close();
    assert.equal(existsSync(dir), false);
    assert.equal(sink.lines().length, 1);
  });

  test("when close() resolves, then every line is in the file", async (t) => {
    const dir = tempDir(t);
    const { log, close } = start(t, config({ ephemeral: false, logDirectory: dir }));
    for (let i = 0; i < 5_000; i++) log.info("line", { i, padding: "x".repeat(100) });
    await close();
    const [file] = readdirSync(dir).filter((name) => LOG_FILE.test(name));
    const lines = parseJsonLines(readFileSync(join(dir, file!), "utf8"));
    assert.equal(lines.length, 5_000);
    assert.equal(lines.at(-1)!.i, 4_999);
  });

  test("when a day outgrows maxSizeMB, then the file rotates and maxBackups + 1 files are kept", async (t) => {
    const dir = tempDir(t);
    const { log, close } = start(t, config({ ephemeral: false, logDirectory: dir, maxSizeMB: 1 / 1024, maxBackups: 2 })); // 1 kB
    await writePaced(log, 30);
    await close();
    const logs = readdirSync(dir)
      .filter((name) => name.endsWith(".log"))
      .sort();
    assert.equal(logs.length, 3, logs.join(", "));
    for (const name of logs) assert.match(name, /^actions-runner-manager-\d{4}-\d{2}-\d{2}(\.\d+)?\.log$/);
    const all = logs.flatMap((name) => parseJsonLines(readFileSync(join(dir, name), "utf8")));
    assert.ok(
      all.some((line) => line.i === 29),
      "the newest line is kept",
    );
  });

  test("when the log file cannot be written, then the process survives and the streams say so once and keep every line", async (t) => {
    const dir = tempDir(t);
    // A directory where today's file should be: opening it fails with EISDIR, asynchronously.
    mkdirSync(join(dir, `actions-runner-manager-${new Date().toISOString().slice(0, 10)}.log`));
    const { log, sink, close } = start(t, config({ ephemeral: false, logDirectory: dir, maxBackups: 2 }));
    log.info("one");
    await waitFor(() => sink.text().includes("EISDIR"), "the failure to be reported");
    log.info("two");
    log.info("three");
    await close();
    const lines = sink.lines();
    assert.deepEqual(
      lines.map((line) => line.message),
      ["one", "logging: a log destination failed; its lines are lost until restart", "two", "three"],
    );
    assert.equal((lines[1]!.error as Record<string, unknown>).code, "EISDIR");
  });

  test("when compress is on, then rotated files are gzipped", async (t) => {
    const dir = tempDir(t);
    const { log, close } = start(t, config({ ephemeral: false, logDirectory: dir, compress: true, maxSizeMB: 1 / 1024, maxBackups: 10 }));
    await writePaced(log, 12);
    await close();
    // Archiving runs in the background after each rotation.
    await waitFor(() => readdirSync(dir).some((name) => name.endsWith(".log.gz")), "a .log.gz file");
  });
});

describe("rotatingFileOptions", () => {
  test("when maxBackups is set, then it wins over maxAgeDays and counts the current file too", () => {
    assert.equal(rotatingFileOptions(config({ maxBackups: 5, maxAgeDays: 30 })).maxFiles, 6);
  });

  test("when only maxAgeDays is set, then files are kept that many days", () => {
    assert.equal(rotatingFileOptions(config({ maxAgeDays: 30 })).maxFiles, "30d");
  });

  test("when neither is set, then files are kept forever", () => {
    assert.equal(rotatingFileOptions(config()).maxFiles, undefined);
  });

  test("when maxSizeMB is a whole number, a fraction or 0, then maxSize is in m, in k, or unset", () => {
    assert.equal(rotatingFileOptions(config({ maxSizeMB: 100 })).maxSize, "100m");
    assert.equal(rotatingFileOptions(config({ maxSizeMB: 1.5 })).maxSize, "1536k");
    assert.equal(rotatingFileOptions(config({ maxSizeMB: 0 })).maxSize, undefined);
  });

  test("when the config is mapped, then compress, directory, file name and audit file follow it", () => {
    const options = rotatingFileOptions(config({ compress: true, logDirectory: "/var/log/arm" }));
    assert.equal(options.zippedArchive, true);
    assert.equal(options.dirname, "/var/log/arm");
    assert.equal(options.filename, "actions-runner-manager-%DATE%");
    assert.equal(options.extension, ".log");
    assert.equal(options.auditFile, join("/var/log/arm", ROTATION_STATE_FILE_NAME));
    assert.equal(rotatingFileOptions(config({ compress: false })).zippedArchive, false);
  });
});
