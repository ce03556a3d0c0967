/**
 * What the configuration tests share: an App key generated here (no key file is ever committed), a file
 * system in memory, the fixtures, and parseConfig with both wired in.
 */
import assert from "node:assert/strict";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import { ConfigError, parseConfig, type Env } from "../../../src/config/load-config.js";
import type { Config } from "../../../src/config/schema.js";

// ---- keys, generated here: no key file is ever committed ----

export function rsaKey() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { pkcs1: privateKey, publicKey };
}
export const appKey = rsaKey();
/** The same key as PKCS#1 ("BEGIN RSA PRIVATE KEY", as GitHub issues it) and PKCS#8 ("BEGIN PRIVATE KEY"). */
export const PKCS1 = appKey.pkcs1;
export const PKCS8 = createPrivateKey(PKCS1).export({ type: "pkcs8", format: "pem" }).toString();
export const base64 = (text: string) => Buffer.from(text).toString("base64");

// ---- a file system in memory, so that no test touches /etc or the working directory ----

export function fakeFs(files: Record<string, string>) {
  const reads: string[] = [];
  const asked: string[] = [];
  const prepared: string[] = [];
  return {
    reads,
    asked,
    /** log directories loadConfig asked to prepare; none is created */
    prepared,
    prepareLogDirectory: (directory: string): undefined => {
      prepared.push(directory);
      return undefined;
    },
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
export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8").replaceAll("REPLACED_BY_THE_TEST", base64(PKCS1));
}

export const KEY_PATH = "/run/secrets/app.pem";
export const MINIMAL = { org: "acme", appID: 123456, installationID: 7654321, privateKeyFile: KEY_PATH };

/** Parses `doc` (an object, written out as YAML, or YAML text) with the app key served at KEY_PATH. */
export function parse(doc: object | string, opts: { env?: Env; files?: Record<string, string>; source?: string } = {}) {
  const fs = fakeFs({ [KEY_PATH]: PKCS1, ...opts.files });
  const text = typeof doc === "string" ? doc : stringify(doc);
  return parseConfig(text, { source: opts.source ?? "/etc/arm/config.yml", env: opts.env ?? {}, readFile: fs.readFile });
}

/** The ConfigError that `fn` throws. */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a ConfigError, but nothing was thrown");
}

/** Deep merge of plain objects, for writing one key's variation over MINIMAL. */
export function merge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
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
export function assertNeverRepeated(text: string, secret: string) {
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

export const DEFAULTS: Omit<Config, "org" | "appId" | "installationId" | "privateKeyPem"> = {
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
  server: {
    address: "0.0.0.0",
    port: 8443,
    rateLimit: 10,
    ipRateLimit: 100,
    tls: { enabled: false },
    shutdownGraceSeconds: 20,
    githubBudget: { refusedCallsPerHour: 60, reserve: { percent: 10 } },
    maxConnections: 1000,
    maxConnectionsPerAddress: 100,
  },
  github: { timeoutSeconds: 30, callTimeoutSeconds: 10, retries: 2 },
  cache: {
    identity: { ttlSeconds: 60, maxEntries: 10_000 },
    maintainership: { ttlSeconds: 60, maxEntries: 10_000 },
    teamParents: { ttlSeconds: 60, maxEntries: 10_000 },
    runnerGroups: { ttlSeconds: 300, maxEntries: 10_000 },
    repoPermissions: { ttlSeconds: 60, maxEntries: 50_000 },
  },
  policy: { minRepoPermission: "write", groupPrefix: "team-", teams: {}, registrationTokens: "allow" },
  redis: { onError: "fail-open", connectTimeoutMs: 2000, commandTimeoutMs: 500 },
  metrics: {},
  auth: { requireOrgAccess: true },
};
