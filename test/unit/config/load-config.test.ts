import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { stringify } from "yaml";
import {
  ConfigError,
  DEFAULT_CONFIG_PATHS,
  findConfigPath,
  loadConfig,
  parseConfig,
  redactConfig,
  type Env,
} from "../../../src/config/load-config.js";
import { keyPaths, LOG_LEVEL_NAMES, type Config } from "../../../src/config/schema.js";

// ---- keys, generated here: no key file is ever committed ----

function rsaKey() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { pkcs1: privateKey, publicKey };
}
const appKey = rsaKey();
/** The same key as PKCS#1 ("BEGIN RSA PRIVATE KEY", as GitHub issues it) and PKCS#8 ("BEGIN PRIVATE KEY"). */
const PKCS1 = appKey.pkcs1;
const PKCS8 = createPrivateKey(PKCS1).export({ type: "pkcs8", format: "pem" }).toString();
const base64 = (text: string) => Buffer.from(text).toString("base64");

// ---- a file system in memory, so that no test touches /etc or the working directory ----

function fakeFs(files: Record<string, string>) {
  const reads: string[] = [];
  const asked: string[] = [];
  return {
    reads,
    asked,
    readFile: (path: string): string => {
      reads.push(path);
      if (Object.hasOwn(files, path)) return files[path]!;
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: "ENOENT" });
    },
    exists: (path: string): boolean => {
      asked.push(path);
      return Object.hasOwn(files, path);
    },
  };
}

const FIXTURES = new URL("../../fixtures/config/", import.meta.url);
function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8").replaceAll("REPLACED_BY_THE_TEST", base64(PKCS1));
}

const KEY_PATH = "/run/secrets/app.pem";
const MINIMAL = { org: "acme", appID: 123456, installationID: 7654321, privateKeyFile: KEY_PATH };

/** Parses `doc` (an object, written out as YAML, or YAML text) with the app key served at KEY_PATH. */
function parse(doc: object | string, opts: { env?: Env; files?: Record<string, string>; source?: string } = {}) {
  const fs = fakeFs({ [KEY_PATH]: PKCS1, ...opts.files });
  const text = typeof doc === "string" ? doc : stringify(doc);
  return parseConfig(text, { source: opts.source ?? "/etc/arm/config.yml", env: opts.env ?? {}, readFile: fs.readFile });
}

/** The ConfigError that `fn` throws. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a ConfigError, but nothing was thrown");
}

/** Deep merge of plain objects, for writing one key's variation over MINIMAL. */
function merge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] =
      typeof v === "object" && v !== null && !Array.isArray(v) && typeof b === "object" && b !== null
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/**
 * Fails when any 8-character stretch of `secret` (ignoring PEM header and footer lines, which name the kind
 * of key and are not secret) appears in `text`.
 */
function assertNeverRepeated(text: string, secret: string) {
  const material = secret
    .split("\n")
    .filter((line) => !line.startsWith("-----"))
    .join("")
    .replace(/\s+/g, "");
  assert.ok(material.length >= 8, "the secret under test is too short to check");
  for (let i = 0; i + 8 <= material.length; i++) {
    const window = material.slice(i, i + 8);
    assert.ok(!text.includes(window), `the message repeats part of the secret ("${window}" at ${i}):\n${text}`);
  }
}

const DEFAULTS: Omit<Config, "org" | "appId" | "installationId" | "privateKeyPem"> = {
  baseUrl: "https://api.github.com",
  logging: {
    compress: false,
    ephemeral: false,
    level: "info",
    logDirectory: "/var/log/actions-runner-manager",
    maxAgeDays: 28,
    maxBackups: 3,
    maxSizeMB: 100,
  },
  server: { address: "0.0.0.0", port: 8443, rateLimit: 10, ipRateLimit: 100, tls: { enabled: false }, shutdownGraceSeconds: 20 },
  github: { timeoutSeconds: 30, callTimeoutSeconds: 10, retries: 2 },
  cache: {
    identity: { ttlSeconds: 60, maxEntries: 10_000 },
    maintainership: { ttlSeconds: 60, maxEntries: 10_000 },
    runnerGroups: { ttlSeconds: 300, maxEntries: 10_000 },
    repoPermissions: { ttlSeconds: 60, maxEntries: 50_000 },
  },
  policy: { minRepoPermission: "write" },
  redis: { onError: "fail-open", connectTimeoutMs: 2000, commandTimeoutMs: 500 },
  metrics: {},
};

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
    assert.equal(error.message, "bad command line (1 problem):\n  - Unknown option '--confg'; known options: --config PATH");
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
  });

  test("when ARM_PRIVATE_KEY is in the environment given to loadConfig, then it is the key", () => {
    const fs = fakeFs({ "/c.yml": "org: acme\nappID: 1\ninstallationID: 2\n" });
    const { config } = loadConfig({ argv: [], env: { CONFIG_PATH: "/c.yml", ARM_PRIVATE_KEY: base64(PKCS1) }, ...fs });
    assert.equal(config.privateKeyPem, PKCS1);
  });
});

describe("parseConfig: files that are valid", () => {
  test("when every key is set (valid.yml), then each one arrives in the Config under its new name", () => {
    const { config, warnings } = parse(fixture("valid.yml"));
    assert.deepEqual(config, {
      org: "acme",
      appId: 123456,
      installationId: 7654321,
      privateKeyPem: PKCS1,
      baseUrl: "https://ghe.example.com/api/v3",
      logging: { compress: true, ephemeral: true, level: "debug", logDirectory: "/srv/logs", maxAgeDays: 7, maxBackups: 10, maxSizeMB: 50 },
      server: { address: "127.0.0.1", port: 9443, rateLimit: 2.5, ipRateLimit: 40, tls: { enabled: false }, shutdownGraceSeconds: 5 },
      github: { timeoutSeconds: 12, callTimeoutSeconds: 4, retries: 1 },
      cache: {
        identity: { ttlSeconds: 30, maxEntries: 100 },
        maintainership: { ttlSeconds: 15, maxEntries: 200 },
        runnerGroups: { ttlSeconds: 0, maxEntries: 10_000 },
        repoPermissions: { ttlSeconds: 60, maxEntries: 0 },
      },
      policy: { minRepoPermission: "maintain" },
      redis: { url: "redis://arm:s3cret-Redis-Passw0rd@redis.example.internal:6380/2", onError: "fail-closed", connectTimeoutMs: 1500, commandTimeoutMs: 250 },
      metrics: { port: 9090, address: "127.0.0.2" },
    } satisfies Config);
    assert.deepEqual(warnings, []);
  });

  test("when only the required keys are set, then every other key has its documented default", () => {
    const { config, warnings } = parse(MINIMAL);
    assert.deepEqual(config, { org: "acme", appId: 123456, installationId: 7654321, privateKeyPem: PKCS1, ...DEFAULTS });
    assert.deepEqual(warnings, []);
  });

  test("when sections or keys are present but empty, then they count as not set", () => {
    const { config } = parse(`${stringify(MINIMAL)}logging:\nserver:\n  port:\n  tls:\npolicy: ~\n`);
    assert.deepEqual(config, { org: "acme", appId: 123456, installationId: 7654321, privateKeyPem: PKCS1, ...DEFAULTS });
  });

  test("when numbers are quoted and booleans written yes/no/on/off (as the Go original accepted), then they are read", () => {
    const { config } = parse(
      'org: acme\nappID: "42"\ninstallationID: "43"\nprivateKeyFile: /run/secrets/app.pem\n' +
        'logging: { compress: "yes", ephemeral: On, maxAge: "3" }\nserver: { port: "8080", rateLimit: "0.5", tls: { enabled: no } }\n',
    );
    assert.equal(config.appId, 42);
    assert.equal(config.installationId, 43);
    assert.equal(config.logging.compress, true);
    assert.equal(config.logging.ephemeral, true);
    assert.equal(config.logging.maxAgeDays, 3);
    assert.equal(config.server.port, 8080);
    assert.equal(config.server.rateLimit, 0.5);
    assert.equal(config.server.tls.enabled, false);
  });

  test("when edge values are given (port 0, maxBackups 0, fractional rates, ephemeral with maxAge 0), then they are accepted", () => {
    const { config } = parse(
      merge(MINIMAL, { logging: { ephemeral: true, maxAge: 0, maxSize: 0, maxBackups: 0 }, server: { port: 0, rateLimit: 0.1, ipRateLimit: 0.25 } }),
    );
    assert.equal(config.server.port, 0);
    assert.equal(config.logging.maxBackups, 0);
    assert.equal(config.logging.maxAgeDays, 0);
    assert.equal(config.server.rateLimit, 0.1);
    assert.equal(config.server.ipRateLimit, 0.25);
  });

  test("when baseUrl has trailing slashes or upper-case letters in the host, then it is normalized without a trailing slash", () => {
    assert.equal(parse(merge(MINIMAL, { baseUrl: "https://api.github.com/" })).config.baseUrl, "https://api.github.com");
    assert.equal(parse(merge(MINIMAL, { baseUrl: "https://GHE.Example.com/api/v3//" })).config.baseUrl, "https://ghe.example.com/api/v3");
    assert.equal(parse(merge(MINIMAL, { baseUrl: "http://127.0.0.1:3001" })).config.baseUrl, "http://127.0.0.1:3001");
  });

  test("when minRepoPermission uses GitHub's old role names pull or push, or capitals, then they mean read and write", () => {
    assert.equal(parse(merge(MINIMAL, { policy: { minRepoPermission: "pull" } })).config.policy.minRepoPermission, "read");
    assert.equal(parse(merge(MINIMAL, { policy: { minRepoPermission: "push" } })).config.policy.minRepoPermission, "write");
    assert.equal(parse(merge(MINIMAL, { policy: { minRepoPermission: "Admin" } })).config.policy.minRepoPermission, "admin");
  });

  test("when a valid value is probably not what was meant, then a warning says why", () => {
    const { warnings } = parse(merge(MINIMAL, { baseUrl: "http://ghe.example.com", logging: { maxSize: 104857600 } }));
    assert.equal(warnings.length, 3, warnings.join("\n"));
    assert.match(warnings[0]!, /config\.yml:\d+: baseUrl: uses plain http/);
    assert.match(warnings[1]!, /baseUrl: GitHub Enterprise Server serves its REST API at http:\/\/ghe\.example\.com\/api\/v3/);
    assert.match(warnings[2]!, /logging\.maxSize: is in megabytes/);
  });
});

describe("parseConfig: files written for the Go original", () => {
  test("when the file is the Go original's README example with an extra key, then it is accepted and the extra key warned about", () => {
    const { config, warnings } = parse(fixture("go-original.yml"), { source: "go-original.yml" });
    assert.equal(config.org, "acme");
    assert.equal(config.appId, 123456);
    assert.equal(config.privateKeyPem, PKCS1, "privateKey holds base64 of the PEM");
    assert.equal(config.logging.level, "error", "fatal is not a winston level; it maps to error");
    assert.deepEqual(config.logging, { compress: true, ephemeral: false, level: "error", logDirectory: "/var/log", maxAgeDays: 14, maxBackups: 5, maxSizeMB: 20 });
    assert.deepEqual(config.server, {
      address: "0.0.0.0",
      port: 443,
      rateLimit: 5,
      ipRateLimit: 100,
      tls: { enabled: false, certFile: "/etc/ssl/server.crt", keyFile: "/etc/ssl/server.key" },
      shutdownGraceSeconds: 20,
    });
    assert.deepEqual(warnings, ["go-original.yml:24: environment: is not a known key; ignored"]);
  });

  test("when the file is for the Go 0.1.x releases (top-level rateLimit, logging.compression), then both are read, with advice", () => {
    const { config, warnings } = parse(fixture("go-0.1.yml"), { source: "go-0.1.yml" });
    assert.equal(config.server.rateLimit, 0.5);
    assert.equal(config.logging.compress, true);
    assert.equal(config.logging.level, "warn");
    assert.deepEqual(warnings, [
      "go-0.1.yml:7: rateLimit: is read for compatibility with the Go 0.1.x releases; move it to server.rateLimit",
      "go-0.1.yml:9: logging.compression: is read for compatibility with the Go original's code; rename it to compress",
    ]);
  });

  test("when the old and new places of a key disagree, then that is a problem; when they agree, only advice", () => {
    const error = configError(() =>
      parse(merge(MINIMAL, { rateLimit: 1, server: { rateLimit: 2 }, logging: { compress: true, compression: false } })),
    );
    assert.equal(error.problems.length, 2, error.message);
    assert.match(error.message, /: rateLimit: contradicts server\.rateLimit/);
    assert.match(error.message, /: logging\.compression: contradicts logging\.compress/);
    const { config, warnings } = parse(merge(MINIMAL, { rateLimit: 3, server: { rateLimit: 3 } }));
    assert.equal(config.server.rateLimit, 3);
    assert.equal(warnings.length, 1);
  });

  test("when unknown keys appear at any depth, then each is warned about with its full path and line", () => {
    const { warnings } = parse(`${stringify(MINIMAL)}server:\n  tls:\n    clientCA: /ca.pem\n  readTimeout: 30s\nwebhookSecret: x\n`, {
      source: "c.yml",
    });
    assert.deepEqual(warnings, [
      "c.yml:7: server.tls.clientCA: is not a known key; ignored",
      "c.yml:8: server.readTimeout: is not a known key; ignored",
      "c.yml:9: webhookSecret: is not a known key; ignored",
    ]);
  });

  test("when an unknown key is not a plain name (a pasted secret, say), then the warning does not repeat it", () => {
    const secret = "c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw==";
    const { warnings } = parse(`${stringify(MINIMAL)}"${secret} x": 1\n`);
    assert.equal(warnings.length, 1);
    assertNeverRepeated(warnings.join("\n"), secret);
  });
});

describe("parseConfig: log levels", () => {
  const expected: Record<string, string> = {
    trace: "debug",
    debug: "debug",
    info: "info",
    warn: "warn",
    warning: "warn",
    error: "error",
    fatal: "error",
    panic: "error",
  };

  test("when a level is one of the Go original's names, in any letter case, then it maps to a winston level", () => {
    assert.deepEqual(LOG_LEVEL_NAMES, expected);
    for (const [name, winston] of Object.entries(expected)) {
      for (const written of [name, name.toUpperCase(), name[0]!.toUpperCase() + name.slice(1)]) {
        assert.equal(parse(merge(MINIMAL, { logging: { level: written } })).config.logging.level, winston, written);
      }
    }
  });

  test("when a level is not one of them, then the problem lists the accepted names", () => {
    const error = configError(() => parse(merge(MINIMAL, { logging: { level: "verbose" } })));
    assert.match(error.message, /logging\.level: expected one of trace, debug, info, warn, warning, error, fatal, panic, got "verbose"/);
  });
});

describe("parseConfig: each key's validation", () => {
  /** [what, change to MINIMAL, expected message, how many problems (1 unless said)] */
  const cases: [string, Record<string, unknown>, RegExp, number?][] = [
    ["org missing", { org: undefined }, /: org: required: expected the organization's login/],
    ["org a URL", { org: "https://github.com/acme" }, /:\d+: org: expected the organization's login .*not a URL, got "https:\/\/github.com\/acme"/],
    ["org a number", { org: 42 }, /:\d+: org: expected the organization's login.*got 42/],
    ["appID missing", { appID: undefined }, /: appID: required: expected the GitHub App's ID/],
    ["appID a word", { appID: "twelve" }, /:\d+: appID: expected the GitHub App's ID, a whole number.*got "twelve"/],
    ["appID 0", { appID: 0 }, /appID: expected the GitHub App's ID.*got 0/],
    ["appID fractional", { appID: 1.5 }, /appID: expected the GitHub App's ID.*got 1\.5/],
    ["installationID missing", { installationID: undefined }, /: installationID: required: expected the App installation's ID/],
    ["installationID negative", { installationID: -4 }, /installationID: expected the App installation's ID.*got -4/],
    ["privateKeyFile not a string", { privateKeyFile: 42 }, /privateKeyFile: expected the path of the App's private key PEM file, got 42/],
    ["privateKey not a string", { privateKey: 42, privateKeyFile: undefined }, /privateKey: expected a string: the App's private key PEM, or base64 of it$/m],
    ["baseUrl not a URL", { baseUrl: "api.github.com" }, /baseUrl: expected GitHub's REST API base URL.*got "api\.github\.com"/],
    ["baseUrl not http(s)", { baseUrl: "ftp://ghe.example.com" }, /baseUrl: expected GitHub's REST API base URL.*\(http or https\)/],
    ["baseUrl the web address", { baseUrl: "https://github.com" }, /baseUrl: is GitHub's web address; the REST API base is https:\/\/api\.github\.com/],
    ["baseUrl with a query", { baseUrl: "https://api.github.com/?x=1" }, /baseUrl: .*without \?query or #fragment/],
    ["logging not a mapping", { logging: "loud" }, /:\d+: logging: expected a mapping of keys/],
    ["logging.compress not a boolean", { logging: { compress: "maybe" } }, /logging\.compress: expected true or false, got "maybe"/],
    ["logging.ephemeral not a boolean", { logging: { ephemeral: 3 } }, /logging\.ephemeral: expected true or false, got 3/],
    ["logging.logDirectory empty", { logging: { logDirectory: " " } }, /logging\.logDirectory: expected a directory path/],
    ["logging.maxAge 0 when not ephemeral", { logging: { maxAge: 0 } }, /logging\.maxAge: expected at least 1 day when logging\.ephemeral is false, got 0/],
    ["logging.maxAge negative", { logging: { maxAge: -1 } }, /logging\.maxAge: expected a whole number of days, 0 or more, got -1/],
    ["logging.maxBackups fractional", { logging: { maxBackups: 1.5 } }, /logging\.maxBackups: expected a whole number of files/],
    ["logging.maxSize 0 when not ephemeral", { logging: { maxSize: 0 } }, /logging\.maxSize: expected at least 1 megabyte/],
    ["logging.maxSize a word", { logging: { maxSize: "big" } }, /logging\.maxSize: expected a whole number of megabytes, 0 or more, got "big"/],
    ["server not a mapping", { server: [1, 2] }, /server: expected a mapping of keys.*got a list/],
    ["server.address empty", { server: { address: "" } }, /server\.address: expected an IP address or host name/],
    ["server.port too large", { server: { port: 70000 } }, /server\.port: expected a port number from 0 to 65535.*got 70000/],
    ["server.port a name", { server: { port: "https" } }, /server\.port: expected a port number.*got "https"/],
    ["server.rateLimit 0", { server: { rateLimit: 0 } }, /server\.rateLimit: expected a number of requests per second greater than 0.*got 0/],
    ["server.rateLimit a word", { server: { rateLimit: "fast" } }, /server\.rateLimit: expected a number of requests per second.*got "fast"/],
    ["top-level rateLimit negative", { rateLimit: -1 }, /:\d+: rateLimit: expected a number of requests per second.*got -1/],
    ["server.ipRateLimit 0", { server: { ipRateLimit: 0 } }, /server\.ipRateLimit: expected a number of requests per second greater than 0.*got 0/],
    ["server.tls.enabled not a boolean", { server: { tls: { enabled: "sometimes" } } }, /server\.tls\.enabled: expected true or false, got "sometimes"/],
    // The other file is reported too, as unreadable: everything at once.
    ["server.tls.certFile missing", { server: { tls: { enabled: true, keyFile: "/k" } } }, /:\d+: server\.tls\.certFile: required when server\.tls\.enabled is true/, 2],
    ["server.tls.keyFile missing", { server: { tls: { enabled: true, certFile: "/c" } } }, /:\d+: server\.tls\.keyFile: required when server\.tls\.enabled is true/, 2],
    ["server.tls.certFile not a string", { server: { tls: { certFile: 5 } } }, /server\.tls\.certFile: expected the path of a PEM certificate file, got 5/],
    ["policy.minRepoPermission unknown", { policy: { minRepoPermission: "owner" } }, /policy\.minRepoPermission: expected one of read, triage, write, maintain, admin.*got "owner"/],
  ];

  for (const [what, patch, expected, count = 1] of cases) {
    test(`when ${what}, then the error names the file, the key and what was expected`, () => {
      const error = configError(() => parse(merge(MINIMAL, patch), { source: "/etc/arm/config.yml" }));
      assert.equal(error.source, "/etc/arm/config.yml");
      assert.equal(error.problems.length, count, error.message);
      for (const problem of error.problems) assert.match(problem, /^\/etc\/arm\/config\.yml(:\d+)?: /);
      assert.match(error.message, expected);
    });
  }

  test("when baseUrl holds a user name and password, then the error says so without repeating them", () => {
    const error = configError(() => parse(merge(MINIMAL, { baseUrl: "https://robot:s3cr3t-passw0rd@ghe.example.com/api/v3" })));
    assert.match(error.message, /baseUrl: must not contain a user name or password/);
    assert.doesNotMatch(error.message, /s3cr3t|robot/);
  });

  test("when the key or a token is pasted under another key, then the error does not repeat it", () => {
    for (const secret of [PKCS1, base64(PKCS1), "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop"]) {
      const error = configError(() => parse(merge(MINIMAL, { server: { port: secret } })));
      assert.match(error.message, /server\.port: .*got a value that looks like a key or token \(not shown\)/);
      assertNeverRepeated(error.message, secret.replace(/^(gh[a-z]_|github_pat_)/, ""));
    }
  });

  test("when a problem is about a key in the file, then its line number is the key's", () => {
    const error = configError(() => parse("org: acme\nappID: 1\ninstallationID: 2\nprivateKeyFile: /run/secrets/app.pem\nserver:\n  tls:\n    enabled: maybe\n", { source: "c.yml" }));
    assert.deepEqual(error.problems, ['c.yml:7: server.tls.enabled: expected true or false, got "maybe"']);
  });
});

describe("parseConfig: several problems and malformed files", () => {
  test("when a file has many problems (several-problems.yml), then one ConfigError lists every one, in file order", () => {
    const error = configError(() => parse(fixture("several-problems.yml"), { source: "several-problems.yml" }));
    const keys = error.problems.map((p) => /^several-problems\.yml:(\d+): ([\w.]+):/.exec(p)?.slice(1).join(" "));
    assert.deepEqual(keys, [
      "2 org",
      "3 appID",
      "4 installationID",
      "5 privateKey",
      "6 baseUrl",
      "8 logging.level",
      "9 logging.maxAge",
      "11 server.port",
      "12 server.rateLimit",
      "13 server.tls.certFile", // a missing key is placed on its parent's line
      "13 server.tls.keyFile",
      "16 policy.minRepoPermission",
    ]);
    assert.match(error.message, /^invalid configuration in several-problems\.yml \(12 problems\):\n {2}- several-problems\.yml:2: org: /);
    assert.match(error.message, /privateKey: is neither a PEM .* \(a path\? use privateKeyFile for a path\)/);
  });

  test("when the file is not valid YAML (malformed.yml), then the error gives the line and column and what is wrong", () => {
    const error = configError(() => parse(fixture("malformed.yml"), { source: "malformed.yml" }));
    assert.deepEqual(error.problems, ["malformed.yml:6:9: not valid YAML: Nested mappings are not allowed in compact mappings"]);
  });

  test("when the file's required key is missing (missing-org.yml), then exactly that is reported", () => {
    const error = configError(() => parse(fixture("missing-org.yml"), { source: "missing-org.yml" }));
    assert.deepEqual(error.problems, ["missing-org.yml: org: required: expected the organization's login, e.g. acme (as in https://github.com/acme)"]);
  });

  test("when the file is empty, then every required key is reported", () => {
    const error = configError(() => parse("# nothing yet\n", { source: "c.yml" }));
    assert.deepEqual(
      error.problems.map((p) => p.split(":")[1]!.trim()),
      ["org", "appID", "installationID", "privateKey"],
    );
  });

  test("when the file is a list or a single value, or has a key twice, then that is reported", () => {
    assert.match(configError(() => parse("- org: acme\n")).message, /expected a YAML mapping of keys.*got a list/);
    assert.match(configError(() => parse("just text\n")).message, /expected a YAML mapping of keys.*got a single value/);
    assert.match(configError(() => parse("org: a\norg: b\n", { source: "c.yml" })).message, /c\.yml:2:1: not valid YAML: Map keys must be unique/);
  });
});

describe("parseConfig: the App's private key", () => {
  const noKey = { org: "acme", appID: 1, installationID: 2 };

  test("when privateKey holds base64 of a PKCS#1 PEM (the Go original's form), then privateKeyPem is that PEM", () => {
    assert.equal(parse({ ...noKey, privateKey: base64(PKCS1) }).config.privateKeyPem, PKCS1);
  });

  test("when privateKey holds base64 wrapped at 76 columns (GNU base64's output), then it is read", () => {
    const wrapped = base64(PKCS1).replace(/(.{76})/g, "$1\n");
    assert.equal(parse(`org: acme\nappID: 1\ninstallationID: 2\nprivateKey: |\n  ${wrapped.split("\n").join("\n  ")}\n`).config.privateKeyPem, PKCS1);
  });

  test("when privateKey holds the PEM itself, PKCS#1 or PKCS#8, then it is read", () => {
    assert.equal(parse({ ...noKey, privateKey: PKCS1 }).config.privateKeyPem, PKCS1);
    assert.equal(parse({ ...noKey, privateKey: PKCS8 }).config.privateKeyPem, PKCS8);
    assert.equal(parse({ ...noKey, privateKey: base64(PKCS8) }).config.privateKeyPem, PKCS8);
  });

  test("when privateKeyFile names a PEM file, or a file holding base64 of one, then it is read through readFile", () => {
    assert.equal(parse({ ...noKey, privateKeyFile: KEY_PATH }).config.privateKeyPem, PKCS1);
    assert.equal(parse({ ...noKey, privateKeyFile: "/k.b64" }, { files: { "/k.b64": `${base64(PKCS8)}\n` } }).config.privateKeyPem, PKCS8);
  });

  test("when ARM_PRIVATE_KEY is set, as a PEM or base64, then it overrides the file's key sources, with a warning naming them", () => {
    const other = rsaKey().pkcs1;
    for (const value of [other, base64(other)]) {
      const { config, warnings } = parse({ ...noKey, privateKey: base64(PKCS1), privateKeyFile: KEY_PATH }, { env: { ARM_PRIVATE_KEY: value }, source: "c.yml" });
      assert.equal(config.privateKeyPem, other);
      assert.deepEqual(warnings, [
        "c.yml:4: privateKey: is ignored: the environment variable ARM_PRIVATE_KEY overrides it",
        "c.yml:5: privateKeyFile: is ignored: the environment variable ARM_PRIVATE_KEY overrides it",
      ]);
    }
  });

  test("when ARM_PRIVATE_KEY holds a PEM with literal \\n sequences (as env files and JSON deliver it), then it is read", () => {
    const { config } = parse(noKey, { env: { ARM_PRIVATE_KEY: PKCS1.trim().replace(/\n/g, "\\n") } });
    assert.equal(config.privateKeyPem, PKCS1);
  });

  test("when ARM_PRIVATE_KEY_FILE is set, then that file is the key, overriding the file's privateKey", () => {
    const { config, warnings } = parse({ ...noKey, privateKey: "garbage that is never looked at" }, {
      env: { ARM_PRIVATE_KEY_FILE: "/var/run/secrets/arm/key.pem" },
      files: { "/var/run/secrets/arm/key.pem": PKCS8 },
    });
    assert.equal(config.privateKeyPem, PKCS8);
    assert.match(warnings[0]!, /privateKey: is ignored: the environment variable ARM_PRIVATE_KEY_FILE overrides it/);
  });

  test("when ARM_PRIVATE_KEY or ARM_PRIVATE_KEY_FILE is set but empty, then it counts as not set", () => {
    const { config } = parse({ ...noKey, privateKeyFile: KEY_PATH }, { env: { ARM_PRIVATE_KEY: "", ARM_PRIVATE_KEY_FILE: " " } });
    assert.equal(config.privateKeyPem, PKCS1);
  });

  test("when both environment variables are set, then that is a problem", () => {
    const error = configError(() => parse(noKey, { env: { ARM_PRIVATE_KEY: PKCS1, ARM_PRIVATE_KEY_FILE: KEY_PATH } }));
    assert.deepEqual(error.problems, ["ARM_PRIVATE_KEY and ARM_PRIVATE_KEY_FILE (environment): both are set; set only one"]);
  });

  test("when the file sets both privateKey and privateKeyFile, then that is a problem", () => {
    const error = configError(() => parse({ ...noKey, privateKey: base64(PKCS1), privateKeyFile: KEY_PATH }, { source: "c.yml" }));
    assert.deepEqual(error.problems, ["c.yml:5: privateKeyFile: conflicts with privateKey: set only one of them"]);
  });

  test("when no source gives a key, then the problem names all four ways to give one", () => {
    const error = configError(() => parse(noKey, { source: "c.yml" }));
    assert.equal(error.problems.length, 1);
    assert.match(error.problems[0]!, /^c\.yml: privateKey: required: .*privateKeyFile.*ARM_PRIVATE_KEY or ARM_PRIVATE_KEY_FILE/);
  });

  test("when the key file cannot be read, then the problem names the file, or the environment variable, and the reason", () => {
    const fromFile = configError(() => parse({ ...noKey, privateKeyFile: "/missing.pem" }, { source: "c.yml" }));
    assert.deepEqual(fromFile.problems, ["c.yml:4: privateKeyFile: cannot read /missing.pem (ENOENT)"]);
    const fromEnv = configError(() => parse(noKey, { env: { ARM_PRIVATE_KEY_FILE: "/missing.pem" } }));
    assert.deepEqual(fromEnv.problems, ["ARM_PRIVATE_KEY_FILE=/missing.pem (environment): cannot read /missing.pem (ENOENT)"]);
  });
});

describe("parseConfig: a bad private key is never repeated", () => {
  const noKey = { org: "acme", appID: 1, installationID: 2 };
  const lines = PKCS1.trim().split("\n");
  const damaged = [lines[0], ...lines.slice(1, -1).map((l, i) => (i === 5 ? l.replace(/[A-Za-z]/g, (c) => (c === "A" ? "B" : "A")) : l)), lines.at(-1)].join("\n");
  const truncated = lines.slice(0, 10).join("\n");
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const encrypted = createPrivateKey(PKCS1).export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pass" }).toString();
  const badKeys: [string, string, RegExp][] = [
    ["a damaged PEM", damaged, /does not parse as a private key/],
    ["base64 of a damaged PEM", base64(damaged), /does not parse as a private key/],
    ["a PEM cut short", truncated, /holds a "RSA PRIVATE KEY" block without its -----END line \(cut short\?\)/],
    ["base64 of something that is not a PEM", base64("x".repeat(10) + lines[3]! + lines[4]!), /is base64, but of something other than a PEM/],
    ["the public key instead of the private one", appKey.publicKey, /a PEM labelled "PUBLIC KEY"; expected a private key/],
    ["an EC key", ec, /key of type ec; GitHub Apps sign with RS256 and need an RSA key/],
    ["an encrypted key", encrypted, /is an encrypted private key/],
    ["text that is neither PEM nor base64", `${lines[2]!} ${lines[3]!}!`, /is neither a PEM .* nor base64 of one/],
  ];

  for (const [what, bad, expected] of badKeys) {
    test(`when the key is ${what}, then each of the four sources reports it without repeating any of it`, () => {
      const sources: [string, () => unknown, RegExp][] = [
        ["privateKey", () => parse({ ...noKey, privateKey: bad }, { source: "c.yml" }), /^c\.yml:4: privateKey: /],
        ["privateKeyFile", () => parse({ ...noKey, privateKeyFile: "/k.pem" }, { files: { "/k.pem": bad }, source: "c.yml" }), /^c\.yml:4: privateKeyFile: \/k\.pem /],
        ["ARM_PRIVATE_KEY", () => parse(noKey, { env: { ARM_PRIVATE_KEY: bad } }), /^ARM_PRIVATE_KEY \(environment\): /],
        ["ARM_PRIVATE_KEY_FILE", () => parse(noKey, { env: { ARM_PRIVATE_KEY_FILE: "/k.pem" }, files: { "/k.pem": bad } }), /^ARM_PRIVATE_KEY_FILE=\/k\.pem \(environment\): \/k\.pem /],
      ];
      for (const [source, run, prefix] of sources) {
        const error = configError(run);
        assert.equal(error.problems.length, 1, `${source}: ${error.message}`);
        assert.match(error.problems[0]!, prefix, source);
        assert.match(error.problems[0]!, expected, source);
        assertNeverRepeated(error.message, bad);
        assertNeverRepeated(error.stack ?? "", bad);
      }
    });
  }

  test("when the private key's line is not valid YAML, then the YAML error does not quote it", () => {
    const b64 = base64(PKCS1);
    const broken = [
      `privateKey: "${b64.slice(0, 40)}\\q${b64.slice(40)}"`, // a bad escape in a double-quoted string
      `privateKey: |${b64.slice(0, 40)}\n  ${b64.slice(40)}`, // text after a block scalar's header
      `privateKey: ${PKCS1}`, // a PEM pasted without "|"
      `privateKey: [${b64}`, // an unclosed flow sequence
      `privateKey: @${b64}`, // a reserved character
    ];
    for (const line of broken) {
      const error = configError(() => parse(`org: acme\nappID: 1\ninstallationID: 2\n${line}\n`));
      assert.match(error.message, /not valid YAML/);
      assertNeverRepeated(error.message, b64);
      assertNeverRepeated(error.message, PKCS1);
    }
  });
});

describe("parseConfig: TLS", () => {
  const TLS = { crt: "/etc/arm/tls/tls.crt", key: "/etc/arm/tls/tls.key" };

  /** A throwaway self-signed certificate and its key, made by the openssl command line; undefined without it. */
  function selfSigned(): { cert: string; key: string } | undefined {
    const dir = mkdtempSync(join(tmpdir(), "arm-config-test-"));
    try {
      execFileSync(
        "openssl",
        ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=localhost", "-days", "1", "-keyout", join(dir, "k"), "-out", join(dir, "c")],
        { stdio: "ignore" },
      );
      return { cert: readFileSync(join(dir, "c"), "utf8"), key: readFileSync(join(dir, "k"), "utf8") };
    } catch {
      return undefined;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const pair = selfSigned();
  const needsOpenssl = pair ? {} : { skip: "the openssl command is not installed" };

  test("when TLS is enabled with a readable certificate and its key (tls.yml), then the Config carries their paths", needsOpenssl, () => {
    const { config } = parse(fixture("tls.yml"), { files: { [TLS.crt]: pair!.cert, [TLS.key]: pair!.key } });
    assert.deepEqual(config.server.tls, { enabled: true, certFile: TLS.crt, keyFile: TLS.key });
  });

  test("when TLS is enabled and the files do not exist, then both are reported with their paths", () => {
    const error = configError(() => parse(fixture("tls.yml"), { source: "tls.yml" }));
    assert.deepEqual(error.problems, [
      `tls.yml:9: server.tls.certFile: cannot read ${TLS.crt} (ENOENT)`,
      `tls.yml:10: server.tls.keyFile: cannot read ${TLS.key} (ENOENT)`,
    ]);
  });

  test("when certFile and keyFile are swapped, then both are reported, with the hint, and the key is not repeated", needsOpenssl, () => {
    const error = configError(() => parse(fixture("tls.yml"), { files: { [TLS.crt]: pair!.key, [TLS.key]: pair!.cert }, source: "tls.yml" }));
    assert.equal(error.problems.length, 2, error.message);
    assert.match(error.problems[0]!, /^tls\.yml:9: server\.tls\.certFile: \/etc\/arm\/tls\/tls\.crt is not a PEM certificate \(it holds a private key: are certFile and keyFile swapped\?\)/);
    assert.match(error.problems[1]!, /^tls\.yml:10: server\.tls\.keyFile: \/etc\/arm\/tls\/tls\.key is not an unencrypted PEM private key \(it holds a certificate/);
    assertNeverRepeated(error.message, pair!.key);
  });

  test("when the key is not the certificate's, then keyFile is reported", needsOpenssl, () => {
    const error = configError(() => parse(fixture("tls.yml"), { files: { [TLS.crt]: pair!.cert, [TLS.key]: PKCS1 }, source: "tls.yml" }));
    assert.deepEqual(error.problems, [`tls.yml:10: server.tls.keyFile: ${TLS.key} is not the private key of the certificate in ${TLS.crt}`]);
  });

  test("when TLS is enabled and the files are bad while other keys are bad too, then all of it is reported at once", () => {
    const error = configError(() => parse(fixture("tls.yml").replace("org: acme", "org: a/b"), { files: { [TLS.crt]: "not a certificate" }, source: "tls.yml" }));
    assert.deepEqual(
      error.problems.map((p) => p.split(": ")[1]),
      ["org", "server.tls.certFile", "server.tls.keyFile"],
    );
  });

  test("when TLS is disabled, then certFile and keyFile are not read", () => {
    const fs = fakeFs({ [KEY_PATH]: PKCS1 });
    const text = stringify(merge(MINIMAL, { server: { tls: { enabled: false, certFile: TLS.crt, keyFile: TLS.key } } }));
    const { config } = parseConfig(text, { source: "c.yml", readFile: fs.readFile });
    assert.deepEqual(fs.reads, [KEY_PATH]);
    assert.deepEqual(config.server.tls, { enabled: false, certFile: TLS.crt, keyFile: TLS.key });
  });
});

describe("config.example.yml", () => {
  const example = readFileSync(new URL("../../../config.example.yml", import.meta.url), "utf8");
  const files = { "/etc/actions-runner-manager/private-key.pem": PKCS1 };

  test("when it is used as it is, then it is valid and draws no warning", () => {
    const { config, warnings } = parse(example, { files });
    assert.deepEqual(warnings, []);
    assert.equal(config.org, "my-org");
  });

  test("when every '#key: value' line in it is uncommented, then the Config is unchanged: those lines are the schema's defaults", () => {
    const uncommented = example.replace(/^(\s*)#(?=[A-Za-z]+:)/gm, "$1");
    assert.ok(uncommented.split("\n").length === example.split("\n").length);
    const defaultLines = example.match(/^\s*#[A-Za-z]+:/gm) ?? [];
    assert.ok(defaultLines.length >= 14, `found only ${defaultLines.length} default lines`);
    assert.deepEqual(parse(uncommented, { files }).config, parse(example, { files }).config);
    const { org: _o, appId: _a, installationId: _i, privateKeyPem: _p, ...rest } = parse(uncommented, { files }).config;
    assert.deepEqual(rest, DEFAULTS);
  });

  test("when a key exists in the schema, then the example documents it, and the environment variables too", () => {
    for (const path of keyPaths()) {
      const name = path.at(-1)!;
      assert.match(example, new RegExp(`^\\s*#? ?${name}:`, "m"), `config.example.yml does not document ${path.join(".")}`);
    }
    for (const name of ["CONFIG_PATH", "--config", "ARM_PRIVATE_KEY", "ARM_PRIVATE_KEY_FILE", "ARM_REDIS_URL", "ARM_REDIS_URL_FILE"]) {
      assert.ok(example.includes(name), name);
    }
  });
});

describe("redactConfig", () => {
  test("when a Config is redacted, then the key is replaced, everything else is kept and the original is untouched", () => {
    const { config } = parse(fixture("valid.yml"));
    const before = structuredClone(config);
    const redacted = redactConfig(config);
    assert.equal(redacted.privateKeyPem, "[redacted]");
    assert.equal(redacted.redis.url, "redis://arm:***@redis.example.internal:6380/2");
    assert.deepEqual({ ...redacted, privateKeyPem: config.privateKeyPem, redis: { ...redacted.redis, url: config.redis.url } }, config);
    assert.deepEqual(config, before);
    assertNeverRepeated(JSON.stringify(redacted), PKCS1);
    assert.ok(!JSON.stringify(redacted).includes("s3cret-Redis-Passw0rd"));
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

describe("redis and metrics", () => {
  const PASSWORD = "Pa55-w0rd-that-must-never-show";

  test("when redis.url is set in the file, then it is used; onError and the timeouts have their defaults", () => {
    const { config } = parse(merge(MINIMAL, { redis: { url: "unix:///run/redis/redis.sock?db=3" } }));
    assert.deepEqual(config.redis, { url: "unix:///run/redis/redis.sock?db=3", onError: "fail-open", connectTimeoutMs: 2000, commandTimeoutMs: 500 });
  });

  test("when ARM_REDIS_URL or ARM_REDIS_URL_FILE is set, then it overrides redis.url, with a warning that names no URL", () => {
    const file = merge(MINIMAL, { redis: { url: "redis://file.example:6379" } });
    const fromEnv = parse(file, { env: { ARM_REDIS_URL: `redis://:${PASSWORD}@env.example:6379/1` } });
    assert.equal(fromEnv.config.redis.url, `redis://:${PASSWORD}@env.example:6379/1`);
    assert.equal(fromEnv.warnings.length, 1);
    assert.match(fromEnv.warnings[0]!, /redis\.url: is ignored: the environment variable ARM_REDIS_URL overrides it/);
    const fromFile = parse(MINIMAL, { env: { ARM_REDIS_URL_FILE: "/run/secrets/redis-url" }, files: { "/run/secrets/redis-url": "rediss://arm:x@tls.example\n" } });
    assert.equal(fromFile.config.redis.url, "rediss://arm:x@tls.example");
  });

  test("when a Redis URL is wrong, then the problem is named and the URL, password included, is never repeated", () => {
    const cases: Array<[string, Record<string, string | undefined>, object, RegExp]> = [
      ["wrong scheme", {}, { redis: { url: `http://u:${PASSWORD}@host` } }, /redis\.url: expected redis:\/\/.*rediss.*unix/],
      ["not a URL", {}, { redis: { url: `:${PASSWORD}@` } }, /redis\.url: expected redis:\/\//],
      ["bad database", {}, { redis: { url: `redis://:${PASSWORD}@host/zero` } }, /redis\.url: .*database number/],
      ["a string where the section goes", {}, { redis: `redis://:${PASSWORD}@host` }, /redis: expected a mapping/],
      ["env: bad", { ARM_REDIS_URL: `redis//:${PASSWORD}@host` }, {}, /ARM_REDIS_URL \(environment\): expected redis:\/\//],
      ["env: both", { ARM_REDIS_URL: "redis://a", ARM_REDIS_URL_FILE: "/x" }, {}, /ARM_REDIS_URL and ARM_REDIS_URL_FILE \(environment\): both are set/],
      ["env: unreadable file", { ARM_REDIS_URL_FILE: "/nope" }, {}, /ARM_REDIS_URL_FILE=\/nope \(environment\): cannot read \/nope/],
    ];
    for (const [name, env, patch, expected] of cases) {
      const error = configError(() => parse(merge(MINIMAL, patch as Record<string, unknown>), { env }));
      assert.match(error.message, expected, name);
      assert.ok(!error.message.includes(PASSWORD), `${name}: the password reached the message`);
    }
  });

  test("when onError, the timeouts or metrics are wrong, then each problem is reported", () => {
    const error = configError(() =>
      parse(merge(MINIMAL, { redis: { onError: "maybe", commandTimeoutMs: 0 }, metrics: { address: "127.0.0.1" }, server: { port: 9000 } })),
    );
    assert.match(error.message, /redis\.onError: expected fail-open .* or fail-closed/);
    assert.match(error.message, /redis\.commandTimeoutMs: expected a whole number of milliseconds/);
    assert.match(error.message, /metrics\.address: needs metrics\.port/);
    const same = configError(() => parse(merge(MINIMAL, { metrics: { port: 9000 }, server: { port: 9000 } })));
    assert.match(same.message, /metrics\.port: must differ from server\.port/);
    assert.deepEqual(parse(merge(MINIMAL, { redis: { onError: "Fail-Closed" }, metrics: { port: 0 } })).config.metrics, { port: 0 });
  });
});
