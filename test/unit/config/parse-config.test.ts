import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { stringify } from "yaml";
import { keyPaths, LOG_LEVEL_NAMES, type Config } from "../../../src/config/schema.js";
import { assertNeverRepeated, base64, configError, DEFAULTS, fixture, merge, MINIMAL, parse, PKCS1 } from "./helpers.js";

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
      server: {
        address: "127.0.0.1",
        port: 9443,
        rateLimit: 2.5,
        ipRateLimit: 40,
        tls: { enabled: false },
        shutdownGraceSeconds: 5,
        githubBudget: { refusedCallsPerHour: 60, reserve: { percent: 10 } },
        maxConnections: 1000,
        maxConnectionsPerAddress: 100,
      },
      github: { timeoutSeconds: 12, callTimeoutSeconds: 4, retries: 1 },
      cache: {
        identity: { ttlSeconds: 30, maxEntries: 100 },
        maintainership: { ttlSeconds: 15, maxEntries: 200 },
        teamParents: { ttlSeconds: 60, maxEntries: 10_000 },
        runnerGroups: { ttlSeconds: 0, maxEntries: 10_000 },
        repoPermissions: { ttlSeconds: 60, maxEntries: 0 },
      },
      policy: { minRepoPermission: "maintain", groupPrefix: "team-", teams: {}, registrationTokens: "allow" },
      redis: {
        url: "redis://arm:s3cret-Redis-Passw0rd@redis.example.internal:6380/2",
        onError: "fail-closed",
        connectTimeoutMs: 1500,
        commandTimeoutMs: 250,
      },
      metrics: { port: 9090, address: "127.0.0.2" },
      auth: { requireOrgAccess: true },
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
      merge(MINIMAL, {
        logging: { ephemeral: true, maxAge: 0, maxSize: 0, maxBackups: 0 },
        server: { port: 0, rateLimit: 0.1, ipRateLimit: 0.25 },
      }),
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

  test("when policy.teams sets allow and parent, then both arrive as lower-case slugs; without them, neither is set", () => {
    const teams = (value: unknown) => parse(merge(MINIMAL, { policy: { teams: value } })).config.policy.teams;
    assert.deepEqual(teams({ allow: ["Platform", " data "], parent: " Engineering " }), {
      allow: ["platform", "data"],
      parent: "engineering",
    });
    assert.deepEqual(teams({ parent: "engineering" }), { parent: "engineering" });
    assert.deepEqual(teams({ allow: ["data"] }), { allow: ["data"] });
    assert.deepEqual(teams(null), {});
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
  test("when the file is the Go original's README example, then every key of it is known and read, without a warning", () => {
    const { config, warnings } = parse(fixture("go-original.yml"), { source: "go-original.yml" });
    assert.equal(config.org, "acme");
    assert.equal(config.appId, 123456);
    assert.equal(config.privateKeyPem, PKCS1, "privateKey holds base64 of the PEM");
    assert.equal(config.logging.level, "error", "fatal is not a winston level; it maps to error");
    assert.deepEqual(config.logging, {
      compress: true,
      ephemeral: false,
      level: "error",
      logDirectory: "/var/log",
      maxAgeDays: 14,
      maxBackups: 5,
      maxSizeMB: 20,
    });
    assert.deepEqual(config.server, {
      address: "0.0.0.0",
      port: 443,
      rateLimit: 5,
      ipRateLimit: 100,
      tls: { enabled: false, certFile: "/etc/ssl/server.crt", keyFile: "/etc/ssl/server.key" },
      githubBudget: { refusedCallsPerHour: 60, reserve: { percent: 10 } },
      shutdownGraceSeconds: 20,
      maxConnections: 1000,
      maxConnectionsPerAddress: 100,
    });
    assert.deepEqual(warnings, []);
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
    [
      "org a URL",
      { org: "https://github.com/acme" },
      /:\d+: org: expected the organization's login .*not a URL, got "https:\/\/github.com\/acme"/,
    ],
    ["org a number", { org: 42 }, /:\d+: org: expected the organization's login.*got 42/],
    ["appID missing", { appID: undefined }, /: appID: required: expected the GitHub App's ID/],
    ["appID a word", { appID: "twelve" }, /:\d+: appID: expected the GitHub App's ID, a whole number.*got "twelve"/],
    ["appID 0", { appID: 0 }, /appID: expected the GitHub App's ID.*got 0/],
    ["appID fractional", { appID: 1.5 }, /appID: expected the GitHub App's ID.*got 1\.5/],
    ["installationID missing", { installationID: undefined }, /: installationID: required: expected the App installation's ID/],
    ["installationID negative", { installationID: -4 }, /installationID: expected the App installation's ID.*got -4/],
    ["privateKeyFile not a string", { privateKeyFile: 42 }, /privateKeyFile: expected the path of the App's private key PEM file, got 42/],
    [
      "privateKey not a string",
      { privateKey: 42, privateKeyFile: undefined },
      /privateKey: expected a string: the App's private key PEM, or base64 of it$/m,
    ],
    ["baseUrl not a URL", { baseUrl: "api.github.com" }, /baseUrl: expected GitHub's REST API base URL.*got "api\.github\.com"/],
    ["baseUrl not http(s)", { baseUrl: "ftp://ghe.example.com" }, /baseUrl: expected GitHub's REST API base URL.*\(http or https\)/],
    [
      "baseUrl the web address",
      { baseUrl: "https://github.com" },
      /baseUrl: is GitHub's web address; the REST API base is https:\/\/api\.github\.com/,
    ],
    ["baseUrl with a query", { baseUrl: "https://api.github.com/?x=1" }, /baseUrl: .*without \?query or #fragment/],
    ["logging not a mapping", { logging: "loud" }, /:\d+: logging: expected a mapping of keys/],
    ["logging.compress not a boolean", { logging: { compress: "maybe" } }, /logging\.compress: expected true or false, got "maybe"/],
    ["logging.ephemeral not a boolean", { logging: { ephemeral: 3 } }, /logging\.ephemeral: expected true or false, got 3/],
    ["logging.logDirectory empty", { logging: { logDirectory: " " } }, /logging\.logDirectory: expected a directory path/],
    [
      "logging.maxAge 0 when not ephemeral",
      { logging: { maxAge: 0 } },
      /logging\.maxAge: expected at least 1 day when logging\.ephemeral is false, got 0/,
    ],
    ["logging.maxAge negative", { logging: { maxAge: -1 } }, /logging\.maxAge: expected a whole number of days, 0 or more, got -1/],
    ["logging.maxBackups fractional", { logging: { maxBackups: 1.5 } }, /logging\.maxBackups: expected a whole number of files/],
    ["logging.maxSize 0 when not ephemeral", { logging: { maxSize: 0 } }, /logging\.maxSize: expected at least 1 megabyte/],
    [
      "logging.maxSize a word",
      { logging: { maxSize: "big" } },
      /logging\.maxSize: expected a whole number of megabytes, 0 or more, got "big"/,
    ],
    ["server not a mapping", { server: [1, 2] }, /server: expected a mapping of keys.*got a list/],
    ["server.address empty", { server: { address: "" } }, /server\.address: expected an IP address or host name/],
    ["server.port too large", { server: { port: 70000 } }, /server\.port: expected a port number from 0 to 65535.*got 70000/],
    ["server.port a name", { server: { port: "https" } }, /server\.port: expected a port number.*got "https"/],
    [
      "server.rateLimit 0",
      { server: { rateLimit: 0 } },
      /server\.rateLimit: expected a number of requests per second greater than 0.*got 0/,
    ],
    [
      "server.rateLimit a word",
      { server: { rateLimit: "fast" } },
      /server\.rateLimit: expected a number of requests per second.*got "fast"/,
    ],
    ["top-level rateLimit negative", { rateLimit: -1 }, /:\d+: rateLimit: expected a number of requests per second.*got -1/],
    [
      "server.ipRateLimit 0",
      { server: { ipRateLimit: 0 } },
      /server\.ipRateLimit: expected a number of requests per second greater than 0.*got 0/,
    ],
    [
      "server.tls.enabled not a boolean",
      { server: { tls: { enabled: "sometimes" } } },
      /server\.tls\.enabled: expected true or false, got "sometimes"/,
    ],
    // The other file is reported too, as unreadable: everything at once.
    [
      "server.tls.certFile missing",
      { server: { tls: { enabled: true, keyFile: "/k" } } },
      /:\d+: server\.tls\.certFile: required when server\.tls\.enabled is true/,
      2,
    ],
    [
      "server.tls.keyFile missing",
      { server: { tls: { enabled: true, certFile: "/c" } } },
      /:\d+: server\.tls\.keyFile: required when server\.tls\.enabled is true/,
      2,
    ],
    [
      "server.tls.certFile not a string",
      { server: { tls: { certFile: 5 } } },
      /server\.tls\.certFile: expected the path of a PEM certificate file, got 5/,
    ],
    [
      "policy.minRepoPermission unknown",
      { policy: { minRepoPermission: "owner" } },
      /policy\.minRepoPermission: expected one of read, triage, write, maintain, admin.*got "owner"/,
    ],
    [
      "policy.teams.parent a URL",
      { policy: { teams: { parent: "https://github.com/orgs/acme/teams/eng" } } },
      /policy\.teams\.parent: expected a team's slug/,
    ],
    ["policy.teams.parent a list", { policy: { teams: { parent: ["eng"] } } }, /policy\.teams\.parent: expected a team's slug/],
    ["policy.teams.parent empty", { policy: { teams: { parent: "" } } }, /policy\.teams\.parent: expected a team's slug/],
    [
      "policy.teams.allow a slug with a space",
      { policy: { teams: { allow: ["data team"] } } },
      /policy\.teams\.allow\.0: expected a team's slug/,
    ],
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
    for (const secret of [
      PKCS1,
      base64(PKCS1),
      "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
      "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
    ]) {
      const error = configError(() => parse(merge(MINIMAL, { server: { port: secret } })));
      assert.match(error.message, /server\.port: .*got a value that looks like a key or token \(not shown\)/);
      assertNeverRepeated(error.message, secret.replace(/^(gh[a-z]_|github_pat_)/, ""));
    }
  });

  test("when a problem is about a key in the file, then its line number is the key's", () => {
    const error = configError(() =>
      parse("org: acme\nappID: 1\ninstallationID: 2\nprivateKeyFile: /run/secrets/app.pem\nserver:\n  tls:\n    enabled: maybe\n", {
        source: "c.yml",
      }),
    );
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
    assert.deepEqual(error.problems, [
      "missing-org.yml: org: required: expected the organization's login, e.g. acme (as in https://github.com/acme)",
    ]);
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
    assert.match(
      configError(() => parse("org: a\norg: b\n", { source: "c.yml" })).message,
      /c\.yml:2:1: not valid YAML: Map keys must be unique/,
    );
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

describe("redis and metrics", () => {
  const PASSWORD = "Pa55-w0rd-that-must-never-show";

  test("when redis.url is set in the file, then it is used; onError and the timeouts have their defaults", () => {
    const { config } = parse(merge(MINIMAL, { redis: { url: "unix:///run/redis/redis.sock?db=3" } }));
    assert.deepEqual(config.redis, {
      url: "unix:///run/redis/redis.sock?db=3",
      onError: "fail-open",
      connectTimeoutMs: 2000,
      commandTimeoutMs: 500,
    });
  });

  test("when ARM_REDIS_URL or ARM_REDIS_URL_FILE is set, then it overrides redis.url, with a warning that names no URL", () => {
    const file = merge(MINIMAL, { redis: { url: "redis://file.example:6379" } });
    const fromEnv = parse(file, { env: { ARM_REDIS_URL: `redis://:${PASSWORD}@env.example:6379/1` } });
    assert.equal(fromEnv.config.redis.url, `redis://:${PASSWORD}@env.example:6379/1`);
    assert.equal(fromEnv.warnings.length, 1);
    assert.match(fromEnv.warnings[0]!, /redis\.url: is ignored: the environment variable ARM_REDIS_URL overrides it/);
    const fromFile = parse(MINIMAL, {
      env: { ARM_REDIS_URL_FILE: "/run/secrets/redis-url" },
      files: { "/run/secrets/redis-url": "rediss://arm:x@tls.example\n" },
    });
    assert.equal(fromFile.config.redis.url, "rediss://arm:x@tls.example");
  });

  test("when a Redis URL is wrong, then the problem is named and the URL, password included, is never repeated", () => {
    const cases: Array<[string, Record<string, string | undefined>, object, RegExp]> = [
      ["wrong scheme", {}, { redis: { url: `http://u:${PASSWORD}@host` } }, /redis\.url: expected redis:\/\/.*rediss.*unix/],
      ["not a URL", {}, { redis: { url: `:${PASSWORD}@` } }, /redis\.url: expected redis:\/\//],
      ["bad database", {}, { redis: { url: `redis://:${PASSWORD}@host/zero` } }, /redis\.url: .*database number/],
      ["a string where the section goes", {}, { redis: `redis://:${PASSWORD}@host` }, /redis: expected a mapping/],
      ["env: bad", { ARM_REDIS_URL: `redis//:${PASSWORD}@host` }, {}, /ARM_REDIS_URL \(environment\): expected redis:\/\//],
      [
        "env: both",
        { ARM_REDIS_URL: "redis://a", ARM_REDIS_URL_FILE: "/x" },
        {},
        /ARM_REDIS_URL and ARM_REDIS_URL_FILE \(environment\): both are set/,
      ],
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
      parse(
        merge(MINIMAL, { redis: { onError: "maybe", commandTimeoutMs: 0 }, metrics: { address: "127.0.0.1" }, server: { port: 9000 } }),
      ),
    );
    assert.match(error.message, /redis\.onError: expected fail-open .* or fail-closed/);
    assert.match(error.message, /redis\.commandTimeoutMs: expected a whole number of milliseconds/);
    assert.match(error.message, /metrics\.address: needs metrics\.port/);
    const same = configError(() => parse(merge(MINIMAL, { metrics: { port: 9000 }, server: { port: 9000 } })));
    assert.match(same.message, /metrics\.port: must differ from server\.port/);
    assert.deepEqual(parse(merge(MINIMAL, { redis: { onError: "Fail-Closed" }, metrics: { port: 0 } })).config.metrics, { port: 0 });
  });
});
