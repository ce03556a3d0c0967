import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { stringify } from "yaml";
import { parseConfig } from "../../../src/config/load-config.js";
import { assertNeverRepeated, configError, fakeFs, fixture, KEY_PATH, merge, MINIMAL, parse, PKCS1 } from "./helpers.js";

describe("parseConfig: TLS", () => {
  const TLS = { crt: "/etc/arm/tls/tls.crt", key: "/etc/arm/tls/tls.key" };

  /** A throwaway self-signed certificate and its key, made by the openssl command line; undefined without it. */
  function selfSigned(): { cert: string; key: string } | undefined {
    const dir = mkdtempSync(join(tmpdir(), "arm-config-test-"));
    try {
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-subj",
          "/CN=localhost",
          "-days",
          "1",
          "-keyout",
          join(dir, "k"),
          "-out",
          join(dir, "c"),
        ],
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
    const error = configError(() =>
      parse(fixture("tls.yml"), { files: { [TLS.crt]: pair!.key, [TLS.key]: pair!.cert }, source: "tls.yml" }),
    );
    assert.equal(error.problems.length, 2, error.message);
    assert.match(
      error.problems[0]!,
      /^tls\.yml:9: server\.tls\.certFile: \/etc\/arm\/tls\/tls\.crt is not a PEM certificate \(it holds a private key: are certFile and keyFile swapped\?\)/,
    );
    assert.match(
      error.problems[1]!,
      /^tls\.yml:10: server\.tls\.keyFile: \/etc\/arm\/tls\/tls\.key is not an unencrypted PEM private key \(it holds a certificate/,
    );
    assertNeverRepeated(error.message, pair!.key);
  });

  test("when the key is not the certificate's, then keyFile is reported", needsOpenssl, () => {
    const error = configError(() => parse(fixture("tls.yml"), { files: { [TLS.crt]: pair!.cert, [TLS.key]: PKCS1 }, source: "tls.yml" }));
    assert.deepEqual(error.problems, [
      `tls.yml:10: server.tls.keyFile: ${TLS.key} is not the private key of the certificate in ${TLS.crt}`,
    ]);
  });

  test("when TLS is enabled and the files are bad while other keys are bad too, then all of it is reported at once", () => {
    const error = configError(() =>
      parse(fixture("tls.yml").replace("org: acme", "org: a/b"), { files: { [TLS.crt]: "not a certificate" }, source: "tls.yml" }),
    );
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
