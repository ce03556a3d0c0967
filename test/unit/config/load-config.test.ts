import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { stringify } from "yaml";
import { ConfigError, DEFAULT_CONFIG_PATHS, findConfigPath, loadConfig } from "../../../src/config/load-config.js";
import { base64, configError, fakeFs, KEY_PATH, MINIMAL, PKCS1 } from "./helpers.js";

describe("findConfigPath: where the configuration file is looked for", () => {
  const everywhere = { "/from/flag.yml": "", "/from/env.yml": "", [DEFAULT_CONFIG_PATHS[0]]: "", [DEFAULT_CONFIG_PATHS[1]]: "" };

  test("when --config PATH is given, then it wins over $CONFIG_PATH, /etc and ./config.yml", () => {
    const fs = fakeFs(everywhere);
    const env = { CONFIG_PATH: "/from/env.yml" };
    assert.equal(findConfigPath({ argv: ["--config", "/from/flag.yml"], env, exists: fs.exists }), "/from/flag.yml");
    assert.equal(findConfigPath({ argv: ["--config=/from/flag.yml"], env, exists: fs.exists }), "/from/flag.yml");
    assert.deepEqual(fs.asked, [], "an explicit path needs no look at the default places");
  });

  test("when only $CONFIG_PATH is set, then it wins over /etc and ./config.yml", () => {
    const fs = fakeFs(everywhere);
    assert.equal(findConfigPath({ argv: [], env: { CONFIG_PATH: "/from/env.yml" }, exists: fs.exists }), "/from/env.yml");
    assert.deepEqual(fs.asked, []);
  });

  test("when neither is given and /etc/actions-runner-manager/config.yml exists, then it wins over ./config.yml", () => {
    const fs = fakeFs(everywhere);
    assert.equal(findConfigPath({ argv: [], env: {}, exists: fs.exists }), "/etc/actions-runner-manager/config.yml");
  });

  test("when only ./config.yml exists, then it is used, after /etc was looked at", () => {
    const fs = fakeFs({ "./config.yml": "" });
    assert.equal(findConfigPath({ argv: [], env: {}, exists: fs.exists }), "./config.yml");
    assert.deepEqual(fs.asked, ["/etc/actions-runner-manager/config.yml", "./config.yml"]);
  });

  test("when no place has a file, then the answer is undefined", () => {
    assert.equal(findConfigPath({ argv: [], env: {}, exists: fakeFs({}).exists }), undefined);
  });

  test("when $CONFIG_PATH is set but empty, then it counts as not set", () => {
    assert.equal(findConfigPath({ argv: [], env: { CONFIG_PATH: "" }, exists: fakeFs({ "./config.yml": "" }).exists }), "./config.yml");
  });

  test("when --config names a file that does not exist, then that path is still the answer (no fall-through)", () => {
    const fs = fakeFs({ "./config.yml": "" });
    assert.equal(findConfigPath({ argv: ["--config", "/nowhere.yml"], env: {}, exists: fs.exists }), "/nowhere.yml");
  });

  test("when --config is given several times, then the last one wins", () => {
    assert.equal(findConfigPath({ argv: ["--config", "/a.yml", "--config=/b.yml"], env: {}, exists: () => false }), "/b.yml");
  });

  test("when --config has no value, then a ConfigError says a path is expected", () => {
    for (const argv of [["--config"], ["--config", "--port"], ["--config="]]) {
      const error = configError(() => findConfigPath({ argv, env: {}, exists: () => true }));
      assert.match(error.message, /--config: expected a path/);
    }
  });
});

describe("loadConfig", () => {
  test("when the command line has an option other than --config, then nothing is read and the error lists the options", () => {
    const fs = fakeFs({ "./config.yml": stringify(MINIMAL), [KEY_PATH]: PKCS1 });
    const error = configError(() => loadConfig({ argv: ["--confg", "/etc/arm.yml"], env: {}, ...fs }));
    assert.equal(
      error.message,
      "bad command line (1 problem):\n  - Unknown option '--confg'; known options: --config PATH, --check-config, --help, --version",
    );
    assert.deepEqual([...fs.asked, ...fs.reads], []);
  });

  test("when no configuration file is found, then the error lists the four places searched, in order", () => {
    const error = configError(() => loadConfig({ argv: [], env: {}, ...fakeFs({}) }));
    assert.deepEqual(error.problems, [
      "--config PATH: not given",
      "$CONFIG_PATH: not set",
      "/etc/actions-runner-manager/config.yml: not found",
      "./config.yml: not found",
    ]);
    assert.match(error.message, /^no configuration file found/);
  });

  test("when the file named by --config cannot be read, then the error names it and the reason", () => {
    const error = configError(() => loadConfig({ argv: ["--config", "/nowhere.yml"], env: {}, ...fakeFs({ "./config.yml": "" }) }));
    assert.equal(error.source, "/nowhere.yml");
    assert.match(error.message, /\/nowhere\.yml: cannot read the configuration file named by --config \(ENOENT\)/);
  });

  test("when a file is found, then it is parsed, its path returned and the key file read through the same readFile", () => {
    const fs = fakeFs({ "./config.yml": stringify(MINIMAL), [KEY_PATH]: PKCS1 });
    const { config, path, warnings } = loadConfig({ argv: [], env: {}, ...fs });
    assert.equal(path, "./config.yml");
    assert.equal(config.org, "acme");
    assert.equal(config.privateKeyPem, PKCS1);
    assert.deepEqual(warnings, []);
    assert.deepEqual(fs.reads, ["./config.yml", KEY_PATH]);
    assert.deepEqual(fs.prepared, ["/var/log/actions-runner-manager"], "the log directory is made ready before the server starts");
  });

  test("when ARM_PRIVATE_KEY is in the environment given to loadConfig, then it is the key", () => {
    const fs = fakeFs({ "/c.yml": "org: acme\nappID: 1\ninstallationID: 2\n" });
    const { config } = loadConfig({ argv: [], env: { CONFIG_PATH: "/c.yml", ARM_PRIVATE_KEY: base64(PKCS1) }, ...fs });
    assert.equal(config.privateKeyPem, PKCS1);
  });
});

test("when ConfigError is thrown, then it carries the source, the problems, and a message listing them", () => {
  const error = new ConfigError("c.yml", ["c.yml:1: org: a", "c.yml:2: appID: b"]);
  assert.equal(error.name, "ConfigError");
  assert.ok(error instanceof Error);
  assert.equal(error.source, "c.yml");
  assert.deepEqual(error.problems, ["c.yml:1: org: a", "c.yml:2: appID: b"]);
  assert.equal(error.message, "invalid configuration in c.yml (2 problems):\n  - c.yml:1: org: a\n  - c.yml:2: appID: b");
});
