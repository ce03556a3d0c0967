import assert from "node:assert/strict";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { describe, test } from "node:test";
import { appKey, assertNeverRepeated, base64, configError, KEY_PATH, parse, PKCS1, PKCS8, rsaKey } from "./helpers.js";

describe("parseConfig: the App's private key", () => {
  const noKey = { org: "acme", appID: 1, installationID: 2 };

  test("when privateKey holds base64 of a PKCS#1 PEM (the Go original's form), then privateKeyPem is that PEM", () => {
    assert.equal(parse({ ...noKey, privateKey: base64(PKCS1) }).config.privateKeyPem, PKCS1);
  });

  test("when privateKey holds base64 wrapped at 76 columns (GNU base64's output), then it is read", () => {
    const wrapped = base64(PKCS1).replace(/(.{76})/g, "$1\n");
    assert.equal(
      parse(`org: acme\nappID: 1\ninstallationID: 2\nprivateKey: |\n  ${wrapped.split("\n").join("\n  ")}\n`).config.privateKeyPem,
      PKCS1,
    );
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
      const { config, warnings } = parse(
        { ...noKey, privateKey: base64(PKCS1), privateKeyFile: KEY_PATH },
        { env: { ARM_PRIVATE_KEY: value }, source: "c.yml" },
      );
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
    const { config, warnings } = parse(
      { ...noKey, privateKey: "garbage that is never looked at" },
      {
        env: { ARM_PRIVATE_KEY_FILE: "/var/run/secrets/arm/key.pem" },
        files: { "/var/run/secrets/arm/key.pem": PKCS8 },
      },
    );
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
  const damaged = [
    lines[0],
    ...lines.slice(1, -1).map((l, i) => (i === 5 ? l.replace(/[A-Za-z]/g, (c) => (c === "A" ? "B" : "A")) : l)),
    lines.at(-1),
  ].join("\n");
  const truncated = lines.slice(0, 10).join("\n");
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const encrypted = createPrivateKey(PKCS1).export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pass" }).toString();
  const badKeys: [string, string, RegExp][] = [
    ["a damaged PEM", damaged, /does not parse as a private key/],
    ["base64 of a damaged PEM", base64(damaged), /does not parse as a private key/],
    ["a PEM cut short", truncated, /holds a "RSA PRIVATE KEY" block without its -----END line \(cut short\?\)/],
    [
      "base64 of something that is not a PEM",
      base64("x".repeat(10) + lines[3]! + lines[4]!),
      /is base64, but of something other than a PEM/,
    ],
    ["the public key instead of the private one", appKey.publicKey, /a PEM labelled "PUBLIC KEY"; expected a private key/],
    ["an EC key", ec, /key of type ec; GitHub Apps sign with RS256 and need an RSA key/],
    ["an encrypted key", encrypted, /is an encrypted private key/],
    ["text that is neither PEM nor base64", `${lines[2]!} ${lines[3]!}!`, /is neither a PEM .* nor base64 of one/],
  ];

  for (const [what, bad, expected] of badKeys) {
    test(`when the key is ${what}, then each of the four sources reports it without repeating any of it`, () => {
      const sources: [string, () => unknown, RegExp][] = [
        ["privateKey", () => parse({ ...noKey, privateKey: bad }, { source: "c.yml" }), /^c\.yml:4: privateKey: /],
        [
          "privateKeyFile",
          () => parse({ ...noKey, privateKeyFile: "/k.pem" }, { files: { "/k.pem": bad }, source: "c.yml" }),
          /^c\.yml:4: privateKeyFile: \/k\.pem /,
        ],
        ["ARM_PRIVATE_KEY", () => parse(noKey, { env: { ARM_PRIVATE_KEY: bad } }), /^ARM_PRIVATE_KEY \(environment\): /],
        [
          "ARM_PRIVATE_KEY_FILE",
          () => parse(noKey, { env: { ARM_PRIVATE_KEY_FILE: "/k.pem" }, files: { "/k.pem": bad } }),
          /^ARM_PRIVATE_KEY_FILE=\/k\.pem \(environment\): \/k\.pem /,
        ],
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
