import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseCommandLine } from "../../../src/config/command-line.js";
import { ConfigError } from "../../../src/config/load-config.js";

function problems(argv: string[]): string[] {
  try {
    parseCommandLine(argv);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.match(error.message, /^bad command line \(1 problem\):/);
    return error.problems;
  }
  assert.fail(`expected ${JSON.stringify(argv)} to be refused`);
}

const KNOWN = "known options: --config PATH, --check-config, --help, --version";

describe("parseCommandLine", () => {
  test("when there are no arguments, then there is no config path", () => {
    assert.deepEqual(parseCommandLine([]), {});
  });

  test("when --config is given as two arguments or with =, then that is the path; the last one wins", () => {
    assert.deepEqual(parseCommandLine(["--config", "/a.yml"]), { configPath: "/a.yml" });
    assert.deepEqual(parseCommandLine(["--config=/a.yml"]), { configPath: "/a.yml" });
    assert.deepEqual(parseCommandLine(["--config", "/a.yml", "--config=/b.yml"]), { configPath: "/b.yml" });
    assert.deepEqual(parseCommandLine(["--config=-odd-name.yml"]), { configPath: "-odd-name.yml" });
  });

  test("when --config has no path (last, empty, or followed by an option), then the problem says a path is expected", () => {
    for (const argv of [["--config"], ["--config="], ["--config", " "], ["--config", "--port"], ["--config", "/a.yml", "--config="]]) {
      assert.deepEqual(
        problems(argv),
        ["--config: expected a path, e.g. --config /etc/actions-runner-manager/config.yml"],
        JSON.stringify(argv),
      );
    }
  });

  test("when an option is unknown, then it is named and the known options are listed", () => {
    assert.deepEqual(problems(["--port", "8443"]), [`Unknown option '--port'; ${KNOWN}`]);
    assert.deepEqual(problems(["--config", "/a.yml", "-c"]), [`Unknown option '-c'; ${KNOWN}`]);
  });

  test("when --check-config, --help (-h) or --version is given, then it is set, and only then", () => {
    assert.deepEqual(parseCommandLine(["--check-config", "--config", "/a.yml"]), { checkConfig: true, configPath: "/a.yml" });
    assert.deepEqual(parseCommandLine(["--help"]), { help: true });
    assert.deepEqual(parseCommandLine(["-h"]), { help: true });
    assert.deepEqual(parseCommandLine(["--version"]), { version: true });
  });

  test("when a flag that takes no value is given one, then it is refused, with the options listed", () => {
    assert.deepEqual(problems(["--check-config=yes"]), [`Option '--check-config' does not take an argument; ${KNOWN}`]);
    assert.deepEqual(problems(["--version=2"]), [`Option '--version' does not take an argument; ${KNOWN}`]);
  });

  test("when an argument belongs to no option (a path without --config), then it is refused, with the options listed", () => {
    const [problem] = problems(["/etc/arm.yml"]);
    assert.ok(problem!.startsWith("Unexpected argument '/etc/arm.yml'"), problem);
    assert.ok(problem!.endsWith(`; ${KNOWN}`), problem);
  });
});
