import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { describe, test, type TestContext } from "node:test";
import { fc } from "../../helpers/property.js";
import { manualClock } from "../../../src/clock.js";
import { createLogFormat, createLogger, type Logger } from "../../../src/logging/create-logger.js";
import { isSecretKey, redactString, redactValue } from "../../../src/logging/redact.js";
import { createLogSink, type LogSink } from "../../helpers/log-sink.js";

// ---------------------------------------------------------------------------------------------------
// Credentials of every shape the service handles, made fresh for each run so that nothing secret-looking
// sits in the repository. `text` is how one appears in a log call; `secret` is the part that must never
// reach a line.

const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const randomString = (length: number, alphabet = BASE62) => [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join("");
const base64url = (s: string | Buffer) => Buffer.from(s).toString("base64url");

const RSA_PRIVATE_KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" }, // "BEGIN RSA PRIVATE KEY", as GitHub issues App keys
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;
const EC_PRIVATE_KEY = generateKeyPairSync("ec", {
  namedCurve: "P-256",
  privateKeyEncoding: { type: "pkcs8", format: "pem" }, // "BEGIN PRIVATE KEY"
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;
/** The lines between BEGIN and END: what must not leak even if those two did. */
const pemBody = (pem: string) => pem.trim().split("\n").slice(1, -1).join("\n");

/** An App JWT as @octokit/auth-app makes one: RS256 over `{ iat, exp, iss }`. */
function appJwt(): string {
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${base64url(JSON.stringify({ alg: "RS256", typ: "JWT" }))}.${base64url(JSON.stringify({ iat: now - 60, exp: now + 540, iss: 12345 }))}`;
  return `${unsigned}.${base64url(sign("sha256", Buffer.from(unsigned), RSA_PRIVATE_KEY))}`;
}

interface Shape {
  kind: string;
  text: string;
  secret: string;
}

function secretShapes(): Shape[] {
  const ghs = `ghs_${randomString(36)}`;
  const ghp = `ghp_${randomString(36)}`;
  const gho = `gho_${randomString(36)}`;
  const ghu = `ghu_${randomString(36)}`;
  const ghr = `ghr_${randomString(76)}`;
  const pat = `github_pat_${randomString(22)}_${randomString(59)}`;
  const runner = randomString(29, BASE32);
  const jwt = appJwt();
  const classic = randomBytes(20).toString("hex"); // a classic token: 40 hex, no prefix, no shape of its own
  const basic = Buffer.from(`x-access-token:${classic}`).toString("base64");
  const keyBase64 = Buffer.from(RSA_PRIVATE_KEY).toString("base64");
  return [
    { kind: "an installation token (ghs_)", text: ghs, secret: ghs.slice(4) },
    { kind: "a classic personal access token (ghp_)", text: ghp, secret: ghp.slice(4) },
    { kind: "an OAuth token (gho_)", text: gho, secret: gho.slice(4) },
    { kind: "a user-to-server token (ghu_)", text: ghu, secret: ghu.slice(4) },
    { kind: "a refresh token (ghr_)", text: ghr, secret: ghr.slice(4) },
    { kind: "a fine-grained personal access token", text: pat, secret: pat.slice(11) },
    { kind: "a runner registration token", text: runner, secret: runner },
    { kind: "an App JWT", text: jwt, secret: jwt.slice(3) },
    { kind: "a Bearer credential", text: `Bearer ${jwt}`, secret: jwt.slice(3) },
    { kind: "a token-scheme credential", text: `token ${classic}`, secret: classic },
    { kind: "a Basic credential", text: `Basic ${basic}`, secret: basic },
    { kind: "an Authorization header", text: `Authorization: token ${classic}`, secret: classic },
    { kind: "a PKCS#1 private key", text: RSA_PRIVATE_KEY, secret: pemBody(RSA_PRIVATE_KEY) },
    { kind: "a PKCS#8 private key", text: EC_PRIVATE_KEY, secret: pemBody(EC_PRIVATE_KEY) },
    { kind: "a base64-encoded private key", text: keyBase64, secret: keyBase64.slice(16) },
    { kind: "a token in a clone URL", text: `https://x-access-token:${classic}@github.com/acme/api.git`, secret: classic },
    { kind: "an access_token query parameter", text: `https://api.github.com/user?access_token=${classic}&per_page=100`, secret: classic },
  ];
}

/** The redactor's own markers: a generated secret may spell "REDACTED", and a marker is not a leak. */
const MARKER = /\[REDACTED[^\]]*\]/g;

/** How often `part` occurs in `text`, overlaps included. */
function occurrences(text: string, part: string): number {
  let n = 0;
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + 1)) n++;
  return n;
}

/**
 * Every fragment of the secret long enough to matter must be gone, so a partial leak fails too. When the
 * secret sat in generated text, pass that text as `surroundings` (the pieces before and after the secret,
 * each as given): a fragment that occurs there may stay as often as it occurs there. fast-check seeds its
 * strings with words such as "arguments" and "constructor", so the filler can hold the very word a
 * generated secret is made of, and that copy is not the secret.
 */
function assertAbsent(output: string, secret: string, surroundings: string[] = []): void {
  // Each marker becomes a character no secret holds, so no fragment can be spelt across one.
  const text = output.replace(MARKER, "\u0000");
  for (const part of secret.split(/[\s.]+/).filter((p) => p.length >= 8)) {
    const allowed = surroundings.reduce((n, piece) => n + occurrences(piece, part), 0);
    assert.ok(occurrences(text, part) <= allowed, `secret fragment ${part.slice(0, 12)}… leaked into:\n${output}`);
  }
}

function startLogger(t: TestContext): { log: Logger; sink: LogSink; close: () => Promise<void> } {
  const sink = createLogSink();
  const { logger, close } = createLogger(
    { compress: false, ephemeral: true, level: "debug", logDirectory: "/nonexistent", maxAgeDays: 0, maxBackups: 0, maxSizeMB: 0 },
    { streams: [sink.stream], clock: manualClock("2026-01-01T00:00:00Z") },
  );
  t.after(close);
  return { log: logger, sink, close };
}

// ---------------------------------------------------------------------------------------------------

describe("redaction in log lines, for every credential shape", () => {
  for (const { kind, text, secret } of secretShapes()) {
    describe(kind, () => {
      test("when it is in the message, then it is gone and the rest of the message stays", async (t) => {
        const { log, sink, close } = startLogger(t);
        log.info(`calling GitHub with ${text} for acme`);
        await close();
        assertAbsent(sink.text(), secret);
        const [line] = sink.lines();
        assert.match(String(line!.message), /^calling GitHub with .*REDACTED.* for acme$/s);
      });

      test("when it is a field's value, then it is gone and the other fields stay", async (t) => {
        const { log, sink, close } = startLogger(t);
        log.warn("minted", { detail: `value ${text}`, org: "acme", runnerGroupId: 7 });
        await close();
        assertAbsent(sink.text(), secret);
        const [line] = sink.lines();
        assert.equal(line!.org, "acme");
        assert.equal(line!.runnerGroupId, 7);
        assert.match(String(line!.detail), /^value .*REDACTED/s);
      });

      test("when it is nested in objects and arrays, then it is gone and the structure stays", async (t) => {
        const { log, sink, close } = startLogger(t);
        log.info("request", {
          request: { method: "POST", headers: { "x-note": text } },
          items: ["first", text, { inner: [text] }, "last"],
        });
        await close();
        assertAbsent(sink.text(), secret);
        const [line] = sink.lines();
        const request = line!.request as { method: string; headers: Record<string, string> };
        assert.equal(request.method, "POST");
        assert.match(request.headers["x-note"]!, /REDACTED/);
        const items = line!.items as unknown[];
        assert.equal(items.length, 4);
        assert.equal(items[0], "first");
        assert.equal(items[3], "last");
      });

      test("when it is in an Error, then the message and stack are logged without it", async (t) => {
        const { log, sink, close } = startLogger(t);
        const cause = new Error(`upstream said ${text}`);
        log.error("GitHub call failed", { err: new Error(`request with ${text} failed`, { cause }), org: "acme" });
        await close();
        assertAbsent(sink.text(), secret);
        const [line] = sink.lines();
        const err = line!.err as { name: string; message: string; stack: string; cause: { message: string } };
        assert.equal(err.name, "Error");
        assert.match(err.message, /^request with .*REDACTED.* failed$/s);
        assert.match(err.stack, /^Error: request with .*REDACTED.* failed\n\s+at /s);
        assert.match(err.cause.message, /^upstream said .*REDACTED/s);
        assert.equal(line!.org, "acme");
      });

      test("when it is a %s argument, then splat() writes it into the message before it is redacted", () => {
        const SPLAT = Symbol.for("splat");
        const MESSAGE = Symbol.for("message");
        const format = createLogFormat(manualClock("2026-01-01T00:00:00Z"));
        const info = format.transform({ level: "info", message: "using %s for %s", [SPLAT]: [text, "acme"] }) as Record<
          string | symbol,
          unknown
        >;
        const out = info[MESSAGE] as string;
        assertAbsent(out, secret);
        assert.match(JSON.parse(out).message, /^using .*REDACTED.* for acme$/s);
      });

      test("when it is under a secret key name, then the whole value is replaced", async (t) => {
        const { log, sink, close } = startLogger(t);
        log.info("configured", { privateKey: text, org: "acme" });
        await close();
        assertAbsent(sink.text(), secret);
        assert.equal(sink.lines()[0]!.privateKey, "[REDACTED]");
      });
    });
  }

  test("when a message contains %s and fields hold a token, then the message stays literal and the field is redacted by name", async (t) => {
    const { log, sink, close } = startLogger(t);
    const opaque = randomBytes(20).toString("hex");
    log.info("GET /search?q=%s%d%j 200", { token: opaque, durationMs: 5 });
    await close();
    assertAbsent(sink.text(), opaque);
    const [line] = sink.lines();
    assert.equal(line!.message, "GET /search?q=%s%d%j 200");
    assert.equal(line!.token, "[REDACTED]");
    assert.equal(line!.durationMs, 5);
  });

  test("when %j writes an object with an opaque token into the message, then the quoted value is redacted", () => {
    const SPLAT = Symbol.for("splat");
    const MESSAGE = Symbol.for("message");
    const opaque = randomBytes(20).toString("hex");
    const format = createLogFormat(manualClock());
    const json = format.transform({
      level: "info",
      message: "body %j",
      [SPLAT]: [{ token: opaque, expires_at: "2026-01-01T01:00:00Z" }],
    }) as Record<string | symbol, unknown>;
    const inspected = format.transform({ level: "info", message: "body %o", [SPLAT]: [{ password: opaque }] }) as Record<
      string | symbol,
      unknown
    >;
    assertAbsent(json[MESSAGE] as string, opaque);
    assertAbsent(inspected[MESSAGE] as string, opaque);
    assert.match(json[MESSAGE] as string, /expires_at/);
  });

  test("when extra splat arguments are objects, then their keys are merged and redacted by name", () => {
    const SPLAT = Symbol.for("splat");
    const MESSAGE = Symbol.for("message");
    const opaque = randomBytes(20).toString("hex");
    const format = createLogFormat(manualClock());
    const info = format.transform({ level: "info", message: "minted", [SPLAT]: [{ token: opaque, runnerGroupId: 3 }] }) as Record<
      string | symbol,
      unknown
    >;
    assertAbsent(info[MESSAGE] as string, opaque);
    assert.deepEqual(JSON.parse(info[MESSAGE] as string), {
      level: "info",
      message: "minted",
      token: "[REDACTED]",
      runnerGroupId: 3,
      timestamp: "2026-01-01T00:00:00.000Z",
    });
  });
});

describe("redactString, for any surrounding text", () => {
  const word = (alphabet: string, length: number) =>
    fc.string({ unit: fc.constantFrom(...alphabet), minLength: length, maxLength: length });
  const hex40 = word("0123456789abcdef", 40);
  const b64url = fc.string({ unit: fc.constantFrom(...BASE62, "-", "_"), minLength: 4, maxLength: 60 });
  const secrets: Array<[string, fc.Arbitrary<{ text: string; secret: string }>]> = [
    [
      "gh?_ tokens",
      fc
        .tuple(fc.constantFrom("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), word(BASE62, 36))
        .map(([p, body]) => ({ text: p + body, secret: body })),
    ],
    [
      "github_pat_ tokens",
      fc.tuple(word(BASE62, 22), word(BASE62, 59)).map(([a, b]) => ({ text: `github_pat_${a}_${b}`, secret: `${a}_${b}` })),
    ],
    ["runner tokens", word(BASE32, 29).map((t) => ({ text: t, secret: t }))],
    ["JWTs", fc.tuple(b64url, b64url, b64url).map(([h, p, sig]) => ({ text: `eyJ${h}.${p}.${sig}`, secret: `${h}.${p}.${sig}` }))],
    [
      "Bearer, token and Basic credentials",
      fc
        .tuple(fc.constantFrom("Bearer", "token", "Basic", "bearer", "TOKEN"), hex40)
        .map(([scheme, t]) => ({ text: `${scheme} ${t}`, secret: t })),
    ],
    [
      "Authorization headers",
      fc
        .tuple(fc.constantFrom("Authorization: ", "authorization=", '"authorization":"', "Proxy-Authorization: token "), hex40)
        .map(([h, t]) => ({ text: h + t, secret: t })),
    ],
    ["private keys", fc.constantFrom(RSA_PRIVATE_KEY, EC_PRIVATE_KEY).map((pem) => ({ text: pem, secret: pemBody(pem) }))],
  ];
  // Anything may surround a credential, as long as something other than a letter or digit separates them.
  const separator = fc.constantFrom(
    " ",
    "\n",
    "\t",
    ":",
    "=",
    '"',
    "'",
    ",",
    ";",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "/",
    "?",
    "&",
    "#",
    "<",
    ">",
    ".",
    "-",
    "+",
    "%20",
    "%3D",
    "\\n",
    "\\t",
  );
  const around = fc.string({ unit: "binary", maxLength: 40 });

  for (const [kind, arbitrary] of secrets) {
    test(`when ${kind} sit anywhere in arbitrary text, then none of their secret part is left`, () => {
      fc.assert(
        fc.property(around, separator, arbitrary, separator, around, (before, sep1, { text, secret }, sep2, after) => {
          assertAbsent(redactString(before + sep1 + text + sep2 + after), secret, [before + sep1, sep2 + after]);
        }),
        { numRuns: 1000 },
      );
    });
  }
});

describe("redaction by key name", () => {
  const secretKeys = [
    "authorization",
    "Authorization",
    "proxy-authorization",
    "token",
    "access_token",
    "accessToken",
    "refresh_token",
    "registrationToken",
    "installationToken",
    "tokens",
    "password",
    "secret",
    "client_secret",
    "webhookSecret",
    "privateKey",
    "private_key",
    "PRIVATE-KEY",
    "privateKeyPem",
    "cookie",
    "set-cookie",
    "Set-Cookie",
    "jit_config",
    "encoded_jit_config",
    "encodedJitConfig",
    ".credentials",
    "jwt",
    "auth",
    "x-api-key",
  ];
  for (const key of secretKeys) {
    test(`when a field is named ${key}, then its value is replaced, however it looks`, async (t) => {
      const { log, sink, close } = startLogger(t);
      const opaque = `opaque-${randomBytes(12).toString("hex")}`;
      log.info("call", { [key]: opaque, nested: { [key]: [opaque] }, org: "acme" });
      await close();
      assertAbsent(sink.text(), opaque);
      const [line] = sink.lines();
      assert.equal(line![key], "[REDACTED]");
      assert.deepEqual(line!.nested, { [key]: "[REDACTED]" });
      assert.equal(line!.org, "acme");
    });
  }

  test("when a key only starts with or resembles a secret name, then its value is kept", () => {
    for (const key of ["token_type", "tokenExpiresAt", "expires_at", "author", "oauthApp", "keyId", "status", "login"]) {
      assert.equal(isSecretKey(key), false, key);
    }
    assert.deepEqual(redactValue({ token_type: "bearer", expires_at: "2026-01-01T01:00:00Z", author: "alice" }), {
      token_type: "bearer",
      expires_at: "2026-01-01T01:00:00Z",
      author: "alice",
    });
  });

  test("when a secret key holds null, undefined or a boolean, then that is kept: it tells whether one is there", () => {
    assert.deepEqual(redactValue({ token: null, password: false, secret: undefined, authorization: 12345 }), {
      token: null,
      password: false,
      authorization: "[REDACTED]",
    });
  });

  test("when a secret key holds an object, then the whole object is replaced", () => {
    assert.deepEqual(redactValue({ token: { token: "x", expires_at: "later" } }), { token: "[REDACTED]" });
  });
});

describe("redactString", () => {
  test("when a credential is replaced, then the marker names its kind", () => {
    const ghs = `ghs_${randomString(36)}`;
    const pat = `github_pat_${randomString(22)}_${randomString(59)}`;
    const runner = randomString(29, BASE32);
    assert.equal(redactString(`a ${ghs} b`), "a ghs_[REDACTED] b");
    assert.equal(redactString(`a ${pat} b`), "a github_pat_[REDACTED] b");
    assert.equal(redactString(`a ${runner} b`), "a [REDACTED:runner-token] b");
    assert.equal(redactString(`a ${appJwt()} b`), "a [REDACTED:jwt] b");
    assert.equal(redactString(`a ${RSA_PRIVATE_KEY.trim()} b`), "a [REDACTED:pem] b");
    assert.equal(redactString(`Authorization: token ${ghs}`), "Authorization: token ghs_[REDACTED]");
    assert.equal(redactString(`Bearer ${appJwt()}`), "Bearer [REDACTED:jwt]");
    assert.equal(redactString(`token ${runner}`), "token [REDACTED:runner-token]");
    assert.equal(
      redactString("https://x-access-token:s3cr3t@github.com/acme/api.git"),
      "https://x-access-token:[REDACTED]@github.com/acme/api.git",
    );
  });

  test("when text only talks about tokens, then it is left alone", () => {
    for (const s of [
      "token expired",
      "Basic auth is disabled",
      "bearer of bad news",
      "authorization failed for alice",
      "registration token minted for group 5",
      "the token_type is bearer",
      "ghs_ tokens expire after one hour",
      "commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904",
      "GET /orgs/acme/actions/runner-groups/5/repositories 200",
      "RUNNERGROUP", // upper case, but not 29 characters
      "https://api.github.com:443/orgs/acme",
    ]) {
      assert.equal(redactString(s), s);
    }
  });

  test("when a runner-token shape is part of a longer word, then it is left alone", () => {
    const runner = randomString(29, BASE32);
    assert.equal(redactString(`X${runner}`), `X${runner}`);
    assert.equal(redactString(`${runner}9`), `${runner}9`);
    assert.equal(redactString(`${runner}_x`), `${runner}_x`);
  });

  test("when a PEM block is cut off before its END line, then it is redacted to the end", () => {
    const truncated = RSA_PRIVATE_KEY.slice(0, 200);
    assert.equal(redactString(`key: ${truncated}`), "key: [REDACTED:pem]");
  });

  test("when a PEM block is written with escaped newlines, as in JSON, then it is redacted whole", () => {
    const escaped = JSON.stringify({ key: RSA_PRIVATE_KEY });
    const out = redactString(escaped);
    assertAbsent(out, pemBody(RSA_PRIVATE_KEY).replaceAll("\n", "\\n"));
    assert.equal(out, '{"key":"[REDACTED:pem]\\n"}');
  });

  test("when text is redacted twice, then the second pass changes nothing", () => {
    const text = `Authorization: token ghs_${randomString(36)}; authorization: token ${randomString(40)}; ${appJwt()}; token ${randomString(29, BASE32)}; {"password":"${randomString(12)}"}; github_pat_${randomString(30)}`;
    const once = redactString(text);
    assert.equal(redactString(once), once);
  });

  test("when a string is large and adversarial, then redaction stays linear", () => {
    const adversarial = `${"Authorization".repeat(20_000)}${"token ".repeat(20_000)}${"eyJ".repeat(20_000)}${"A".repeat(200_000)}${'"token":"'.repeat(5_000)}`;
    const started = performance.now();
    redactString(adversarial);
    assert.ok(performance.now() - started < 1_000, "redaction of ~600 kB took over a second");
  });
});

describe("redactValue", () => {
  test("when given an object, then it returns a copy and leaves the original untouched", () => {
    const ghs = `ghs_${randomString(36)}`;
    const original = { headers: { authorization: `token ${ghs}` }, list: [ghs] };
    const copy = redactValue(original);
    assert.deepEqual(copy, { headers: { authorization: "[REDACTED]" }, list: ["ghs_[REDACTED]"] });
    assert.equal(original.headers.authorization, `token ${ghs}`);
    assert.equal(original.list[0], ghs);
  });

  test("when an object refers to itself, then the cycle becomes [Circular] and shared objects stay whole", () => {
    const shared = { org: "acme" };
    const a: Record<string, unknown> = { name: "a", left: shared, right: shared };
    a.self = a;
    a.list = [a, shared];
    assert.deepEqual(redactValue(a), {
      name: "a",
      left: { org: "acme" },
      right: { org: "acme" },
      self: "[Circular]",
      list: ["[Circular]", { org: "acme" }],
    });
  });

  test("when an Error has own fields, a cause and a cycle, then they are logged, redacted", () => {
    const ghs = `ghs_${randomString(36)}`;
    // The shape of @octokit/request-error's RequestError.
    const error = Object.assign(new Error(`Bad credentials ${ghs}`, { cause: new TypeError("fetch failed") }), {
      name: "HttpError",
      status: 401,
      request: { method: "GET", url: "https://api.github.com/orgs/acme", headers: { authorization: `token ${ghs}` } },
      response: { status: 401, headers: { "set-cookie": "session=abc" }, data: { message: "Bad credentials" } },
      self: undefined,
    }) as Error & { self?: unknown };
    error.self = error;
    const out = redactValue(error) as Record<string, unknown>;
    assert.equal(out.name, "HttpError");
    assert.equal(out.message, "Bad credentials ghs_[REDACTED]");
    assert.match(String(out.stack), /^HttpError: Bad credentials ghs_\[REDACTED\]\n/);
    assert.equal(out.status, 401);
    assert.deepEqual(out.request, { method: "GET", url: "https://api.github.com/orgs/acme", headers: { authorization: "[REDACTED]" } });
    assert.deepEqual(out.response, { status: 401, headers: { "set-cookie": "[REDACTED]" }, data: { message: "Bad credentials" } });
    assert.equal(out.self, "[Circular]");
    assert.deepEqual((out.cause as Record<string, unknown>).message, "fetch failed");
    assertAbsent(JSON.stringify(out), ghs.slice(4));
  });

  test("when an AggregateError is logged, then each of its errors is logged", () => {
    const out = redactValue(new AggregateError([new Error("one"), new Error("two")], "both failed")) as {
      message: string;
      errors: Array<{ message: string }>;
    };
    assert.equal(out.message, "both failed");
    assert.deepEqual(
      out.errors.map((e) => e.message),
      ["one", "two"],
    );
  });

  test("when values are not plain JSON, then they become JSON that says what they were", () => {
    const ghs = `ghs_${randomString(36)}`;
    const out = redactValue({
      when: new Date("2026-01-01T00:00:00Z"),
      bytes: Buffer.from(RSA_PRIVATE_KEY),
      url: new URL(`https://api.github.com/user?access_token=${ghs}`),
      map: new Map<string, unknown>([
        ["token", ghs],
        ["org", "acme"],
      ]),
      set: new Set([ghs]),
      headers: new Headers({ authorization: `token ${ghs}`, accept: "application/json" }),
      big: 12345678901234567890n,
      fn: () => ghs,
      sym: Symbol("x"),
      custom: { toJSON: () => ({ note: ghs }) },
    });
    assert.deepEqual(out, {
      when: "2026-01-01T00:00:00.000Z",
      bytes: `[Binary: ${Buffer.byteLength(RSA_PRIVATE_KEY)} bytes]`,
      url: "https://api.github.com/user?access_token=ghs_[REDACTED]",
      map: { token: "[REDACTED]", org: "acme" },
      set: ["ghs_[REDACTED]"],
      headers: { accept: "application/json", authorization: "[REDACTED]" },
      big: "12345678901234567890",
      custom: { note: "ghs_[REDACTED]" },
    });
  });

  test("when a getter or toJSON throws, then the line is still written", () => {
    const hostile = {
      get boom(): string {
        throw new Error("no");
      },
      bad: {
        toJSON: () => {
          throw new Error("no");
        },
      },
      ok: 1,
    };
    assert.deepEqual(redactValue(hostile), { boom: "[Unreadable]", bad: "[Unserializable]", ok: 1 });
  });

  test("when a key is __proto__, then it stays a plain key and pollutes nothing", () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "org": "acme"}') as Record<string, unknown>;
    const out = redactValue(parsed) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ["__proto__", "org"]);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test("when an object is deeper than the limit, then the rest is cut off with a marker", () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    assert.match(JSON.stringify(redactValue(deep)), /"\[Truncated\]"/);
  });
});

describe("redactString: JWTs of more than three parts", () => {
  test("when an encrypted JWT (five parts) or a JWT right after JWT-looking text is logged, then no part of it is left", () => {
    const jwe = "eyJhbGciOiJSU0EtT0FFUCJ9.c2VjcmV0LWtleQ.aXYtdmFsdWU.Y2lwaGVydGV4dC1zZWNyZXQ.dGFnLXZhbHVl";
    for (const text of [`token ${jwe} end`, `eyJq.r.${jwe}`]) {
      const out = redactString(text);
      for (const part of jwe.split(".")) assert.ok(!out.includes(part), `${part} left in ${out}`);
    }
  });
});
