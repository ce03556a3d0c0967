/**
 * logging.logDirectory on a real file system. Tests may run as root (CI containers), which ignores
 * permission bits: the refusals every user meets are a path under a regular file (ENOTDIR) and a regular
 * file in the directory's place; the permission-denied case (EACCES) runs only as another user and is
 * reported as skipped as root. A read-only mount (EROFS) needs privileges a test cannot assume: its wording
 * is checked on an error of that code.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test, type TestContext } from "node:test";
import { stringify } from "yaml";
import { logDirectoryProblem, prepareLogDirectory } from "../../../src/config/log-directory.js";
import { loadConfig } from "../../../src/config/load-config.js";
import { createLogger } from "../../../src/logging/create-logger.js";
import { configError, DEFAULTS, fakeFs, KEY_PATH, merge, MINIMAL, PKCS1 } from "./helpers.js";
import { spawnEntry } from "../../helpers/processes.js";

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "arm-logdir-"));
  t.after(() => {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** A path that cannot be a directory for anyone, root included: it goes through a regular file. */
function underARegularFile(dir: string): string {
  writeFileSync(join(dir, "a-file"), "not a directory\n");
  return join(dir, "a-file", "logs");
}

const isRoot = process.getuid?.() === 0;

describe("prepareLogDirectory", () => {
  test("when the directory is missing, then it is created with its parents and reported ready", (t) => {
    const dir = join(scratch(t), "var", "log", "arm");
    assert.equal(prepareLogDirectory(dir), undefined);
    assert.ok(statSync(dir).isDirectory());
  });

  test("when the path goes through a regular file, then the problem names the directory, the reason and ephemeral: true", (t) => {
    const dir = underARegularFile(scratch(t));
    const problem = prepareLogDirectory(dir);
    assert.equal(
      problem,
      `cannot create or write ${dir}: part of the path is a file, not a directory. Set logging.ephemeral: true to log to ` +
        "stdout only (the usual choice in a container), or choose a directory this user may write",
    );
  });

  test("when a regular file stands where the directory should be, then it says so", (t) => {
    const file = join(scratch(t), "logs");
    writeFileSync(file, "");
    assert.match(prepareLogDirectory(file)!, /: it exists and is not a directory\. Set logging\.ephemeral: true/);
  });

  test(
    "when this user may not write the directory, then the problem says permission denied and names the uid",
    { skip: isRoot ? "running as root, which permission bits do not stop; the ENOTDIR cases cover root" : false },
    (t) => {
      const parent = scratch(t);
      const locked = join(parent, "locked");
      mkdirSync(locked, { mode: 0o500 });
      assert.match(prepareLogDirectory(locked)!, new RegExp(`permission denied: this user \\(uid ${process.getuid?.()}\\) may not`));
      assert.match(prepareLogDirectory(join(locked, "arm"))!, /permission denied/, "nor create one inside it");
    },
  );

  test("when the file system refuses for another reason, then the reason is in plain words, never the bare code's text", () => {
    const error = (code: string) => Object.assign(new Error(`${code}: raw text, mkdir '/x'`), { code, path: "/x" });
    assert.match(logDirectoryProblem("/x", error("EROFS")), /cannot create or write \/x: it is on a read-only file system\./);
    assert.match(logDirectoryProblem("/x", error("ENOSPC")), /: the disk is full\./);
    assert.match(logDirectoryProblem("/x/y", error("EACCES")), /permission denied: .* \(at \/x\)\./);
    assert.doesNotMatch(logDirectoryProblem("/x", error("EROFS")), /raw text/);
  });
});

describe("loadConfig: the log directory", () => {
  function load(file: object) {
    // The real prepareLogDirectory: fakeFs's own is left out.
    const { prepareLogDirectory: _fake, ...fs } = fakeFs({ "/etc/arm/config.yml": stringify(file), [KEY_PATH]: PKCS1 });
    return () => loadConfig({ argv: ["--config", "/etc/arm/config.yml"], env: {}, ...fs });
  }

  test("when the directory cannot be created, then start-up stops with every problem, this one at logging.logDirectory's line", (t) => {
    const dir = underARegularFile(scratch(t));
    const error = configError(load(merge(MINIMAL, { logging: { logDirectory: dir }, server: { port: 99999 } })));
    assert.equal(error.problems.length, 2, error.message);
    assert.equal(
      error.problems[0],
      `/etc/arm/config.yml:6: logging.logDirectory: cannot create or write ${dir}: part of the path is a file, not a directory. ` +
        "Set logging.ephemeral: true to log to stdout only (the usual choice in a container), or choose a directory this user may write",
    );
    assert.match(error.problems[1]!, /server\.port: expected a port number/);
    assert.doesNotMatch(error.message, /ENOTDIR|mkdir/);
  });

  test("when the directory can be made, then it exists before the server starts; when ephemeral, nothing is created", (t) => {
    const dir = join(scratch(t), "logs");
    const { config } = load(merge(MINIMAL, { logging: { logDirectory: dir } }))();
    assert.equal(config.logging.logDirectory, dir);
    assert.ok(statSync(dir).isDirectory());
    const unused = join(scratch(t), "unused");
    load(merge(MINIMAL, { logging: { logDirectory: unused, ephemeral: true } }))();
    assert.ok(!existsSync(unused));
  });
});

describe("createLogger: the log directory", () => {
  test("when the rotating file's directory cannot be created, then the error names the key and the way out, not EACCES/ENOTDIR", (t) => {
    const dir = underARegularFile(scratch(t));
    assert.throws(
      () => createLogger({ ...DEFAULTS.logging, logDirectory: dir }, { streams: [] }),
      (error: Error) => {
        assert.match(error.message, /^logging\.logDirectory: cannot create or write .*: part of the path is a file, not a directory\./);
        assert.match(error.message, /logging\.ephemeral: true/);
        return true;
      },
    );
  });
});

describe("actions-runner-manager serve: the log directory", () => {
  test("when logging.logDirectory cannot be created, then the process exits 2 before serving, naming the key and ephemeral: true", async (t) => {
    const dir = scratch(t);
    const logDirectory = underARegularFile(dir);
    writeFileSync(join(dir, "app.pem"), PKCS1);
    const file = join(dir, "config.yml");
    const config = {
      ...MINIMAL,
      privateKeyFile: join(dir, "app.pem"),
      server: { address: "127.0.0.1", port: 0 },
      logging: { logDirectory },
    };
    writeFileSync(file, stringify(config));
    const server = spawnEntry("src/cli.ts", ["serve", "--config", file]);
    assert.equal(await server.exited, 2);
    assert.match(server.stderr(), new RegExp(`config\\.yml:\\d+: logging\\.logDirectory: cannot create or write ${logDirectory}`));
    assert.match(server.stderr(), /Set logging\.ephemeral: true/);
    assert.doesNotMatch(server.stderr(), /ENOTDIR|mkdir/);
    assert.equal(server.stdout(), "", "nothing was logged: the server never started");
  });
});
