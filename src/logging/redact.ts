/**
 * Scrubs credentials from anything on its way to a log line. The promise: no caller token, installation
 * token, minted runner token, App JWT or private key is ever written by the logger.
 *
 * Two nets, both always on:
 * - by key name: a value under `authorization`, `token`, `password`, `privateKey`, `encoded_jit_config`, …
 *   becomes "[REDACTED]" whatever it looks like (a caller's classic token is 40 hex characters, which no
 *   pattern can tell apart from a commit SHA);
 * - by shape, inside every string (messages, field values, Error messages and stacks): GitHub tokens,
 *   JWTs, PEM blocks (also base64-encoded), runner registration tokens, `Bearer …`/`token …`/`Basic …`
 *   credentials, `Authorization: …` text, quoted values under secret key names in serialized text
 *   (`{"token":"…"}`), `?access_token=…` parameters and `user:password@` in URLs. A marker keeps the
 *   kind visible (`ghs_[REDACTED]`, `[REDACTED:jwt]`) so a reader still knows which credential it was.
 *
 * Both functions return new values and never modify what they are given: callers log live objects.
 */

export const REDACTED = "[REDACTED]";
const JWT_MARKER = "[REDACTED:jwt]";
const PEM_MARKER = "[REDACTED:pem]";
const RUNNER_TOKEN_MARKER = "[REDACTED:runner-token]";

/** Deeper than this, a value is replaced by a marker: logs are not the place for whole object graphs. */
const MAX_DEPTH = 16;

// ---------------------------------------------------------------------------------------------------
// Key names

/**
 * A key is secret when it is, or ends with, one of these names, in any case, with or without "-", "_"
 * or a plural "s". So `privateKey`, `private_key` and `Private-Key` are one name, and `registrationToken`,
 * `access_token`, `tokens`, `client_secret`, `set-cookie` and `encoded_jit_config` are all caught;
 * `token_type` and `tokenExpiresAt` are not. One precompiled test per key: it runs on every field.
 */
const SECRET_KEY_NAMES = [
  "^auth", // Octokit's `auth` option (exactly: not "oauthApp", "author")
  "authorization", // also proxy-authorization
  "token", // access_token, refresh_token, registrationToken, …
  "secret", // client_secret, webhook_secret
  "password",
  "passphrase",
  "private[-_]?key(?:[-_]?pem)?",
  "cookie", // also set-cookie
  "jit[-_]?config", // jit_config, encoded_jit_config: the runner's own credentials
  "credential", // ".credentials" inside a JIT config
  "jwt",
  "api[-_]?key", // api_key, x-api-key
];
const SECRET_KEY = new RegExp(`(?:${SECRET_KEY_NAMES.join("|")})s?$`, "i");

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** null, undefined and booleans say whether a credential is there, not what it is: they stay. */
function redactSecretValue(value: unknown): unknown {
  return value === null || value === undefined || typeof value === "boolean" ? value : REDACTED;
}

// ---------------------------------------------------------------------------------------------------
// Shapes inside strings

/** `[Aa][Uu]…`: case-insensitive words inside the one case-sensitive pattern below (Node 20 has no `(?i:…)`). */
function anyCase(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join("");
}

/**
 * PEM blocks span lines and spaces, so they get their own pass first: a context rule below must never
 * consume `-----BEGIN` and leave the key's body behind. A block cut off before its END line is redacted
 * to the end of the string.
 */
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]*?KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*?KEY(?: BLOCK)?-----|$)/g;
/** base64 of a PEM (the legacy config holds the App key that way): "-----BEGIN" encodes to "LS0tLS1CRUdJT…". */
const PEM_BASE64 = /LS0tLS1CRUdJT[A-Za-z0-9+/=]*/g;

/** The value charset of an RFC 6750 b64token, which covers every token scheme GitHub accepts. */
const CREDENTIAL = String.raw`[A-Za-z0-9\-._~+/]+=*`;
/** A header or parameter value: stops at whitespace, quotes, separators and at an earlier "[REDACTED]". */
const VALUE = String.raw`[^\s"'\x60,;{}\[\]\\&#]+`;
/** The key names of SECRET_KEY_NAMES as they appear in text, for the pattern below. */
const TEXT_SECRET_KEY = `(?:${["authorization", "token", "secret", "password", "passphrase", "private_key", "privatekey", "private-key", "privatekeypem", "cookie", "jit_config", "credential", "jwt", "api_key", "apikey"].map(anyCase).join("|")})s?`;
/**
 * Where a word starts: after anything but a letter, digit or "_", and also right after a URL escape
 * ("%20AABF…") or a JSON escape ("\\nBearer …"), whose last character is a letter or digit.
 */
const WORD_START = String.raw`(?:(?<![A-Za-z0-9_])|(?<=%[0-9A-Fa-f]{2})|(?<=\\[nrtbf]))`;
const AUTH_SCHEMES = ["Bearer", "token", "Basic", "Digest", "JWT", "RemoteAuth", "Negotiate"].map(anyCase).join("|");

/**
 * Every other shape in one pass. At one position, the first alternative that matches wins, so the
 * context rules (which know a value is a credential whatever its shape) come before the bare shapes.
 */
const SHAPES = new RegExp(
  [
    // A quoted value under a secret key name in serialized text: `{"token":"…"}` (JSON), `{ password: '…' }`
    // (util.inspect, which is what "%s" and "%o" write), `client_secret="…"`. Any value, any shape.
    String.raw`(?<kvKey>${TEXT_SECRET_KEY})(?<kvSep>["']?\s*[:=]\s*)(?<kvQuote>["'])(?<kvValue>(?:(?!\k<kvQuote>)[^\\]|\\[\s\S])*)`,
    // "Authorization: token X", `"authorization":"Bearer X"`, "authorization=X": any value, any scheme.
    String.raw`(?<authName>(?:${anyCase("proxy-")})?${anyCase("authorization")})(?<authSep>["']?\s*[:=]\s*["']?)(?:(?<authScheme>${AUTH_SCHEMES})\s+)?(?!(?:${AUTH_SCHEMES})\s)(?<authValue>${VALUE})`,
    // "https://user:password@host", "https://x-access-token:ghs_…@github.com"
    String.raw`(?<=:\/\/)(?<userinfo>[^\s:@/]*):(?<password>[^\s@/]+)@`,
    // "?access_token=X", "&client_secret=X", "password=X"
    String.raw`${WORD_START}(?<paramName>access_token|refresh_token|client_secret|token|password|jwt)=(?<paramValue>${VALUE})`,
    // "Bearer X", "token X", "Basic X" in free text: only when X looks like a credential (see below).
    String.raw`${WORD_START}(?<scheme>${AUTH_SCHEMES})(?<schemeSpace>\s+)(?<schemeValue>${CREDENTIAL})`,
    // Fine-grained personal access tokens. No word boundary asked for, here and below: "%20ghp_…" in a
    // URL-encoded header must be caught too, and a false "…ghs_[REDACTED]" costs nothing.
    String.raw`github_pat_[A-Za-z0-9_]+`,
    // ghp_ (classic PAT), gho_ (OAuth), ghu_ (user-to-server), ghs_ (installation), ghr_ (refresh), ghi_.
    String.raw`(?<ghPrefix>gh[opsuri]_)[A-Za-z0-9_]+`,
    // Installation tokens before 2021: "v1." + 40 hex.
    String.raw`(?<![A-Za-z0-9.])v1\.[0-9a-f]{40}(?![0-9a-f])`,
    // JWTs: base64url of '{"' starts with "eyJ"; the signature is empty for alg "none". The whole
    // dot-separated run is taken, so an encrypted JWT's five parts (JWE) go too, and so does a JWT that
    // follows other JWT-looking text after a dot.
    String.raw`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)+`,
    // Runner registration and removal tokens: 29 upper-case base-32 characters standing alone as a word.
    // Digits 0-9 rather than 2-7, so a shape GitHub might widen to is caught too.
    String.raw`${WORD_START}(?<runner>[A-Z0-9]{29})(?![A-Za-z0-9_])`,
  ].join("|"),
  "g",
);

const SHAPE_PREFIX = /^(?:github_pat_|gh[opsuri]_|v1\.)/;
const RUNNER_TOKEN = /^[A-Z0-9]{29}$/;

/** The marker for a credential found by its context: keeps the kind when the value also has a known shape. */
function markerFor(value: string): string {
  const prefix = SHAPE_PREFIX.exec(value);
  if (prefix) return prefix[0] + REDACTED;
  if (value.startsWith("eyJ")) return JWT_MARKER;
  if (RUNNER_TOKEN.test(value)) return RUNNER_TOKEN_MARKER;
  return REDACTED;
}

/**
 * After "Bearer"/"token"/"Basic" in free text, a word is taken for a credential when it has a digit or
 * one of `-._~+/=`, or is 20 characters or more: "token ghs_…" and "Bearer eyJ…" are redacted,
 * "token expired" and "Basic auth" are not. (After "Authorization:" every value is redacted.)
 */
const CREDENTIAL_HINT = /[0-9\-._~+/=]/;
function looksLikeCredential(word: string): boolean {
  return word.length >= 20 || (word.length >= 8 && CREDENTIAL_HINT.test(word));
}

interface ShapeGroups {
  kvKey?: string;
  kvSep?: string;
  kvQuote?: string;
  kvValue?: string;
  authName?: string;
  authSep?: string;
  authScheme?: string;
  authValue?: string;
  userinfo?: string;
  password?: string;
  paramName?: string;
  paramValue?: string;
  scheme?: string;
  schemeSpace?: string;
  schemeValue?: string;
  ghPrefix?: string;
  runner?: string;
}

function replaceShape(match: string, ...args: unknown[]): string {
  const groups = args[args.length - 1] as ShapeGroups;
  const offset = args[args.length - 3] as number;
  const input = args[args.length - 2] as string;
  // A value cut short by an earlier marker ("token ghs_[REDACTED]") is already redacted.
  const alreadyRedacted = input.startsWith("[REDACTED", offset + match.length);

  if (groups.kvValue !== undefined) {
    return groups.kvValue === "" ? match : `${groups.kvKey}${groups.kvSep}${groups.kvQuote}${markerFor(groups.kvValue)}`;
  }
  if (groups.authValue !== undefined) {
    if (alreadyRedacted) return match;
    const scheme = groups.authScheme === undefined ? "" : `${groups.authScheme} `;
    return `${groups.authName}${groups.authSep}${scheme}${markerFor(groups.authValue)}`;
  }
  if (groups.password !== undefined) {
    // "https://<token>:x-oauth-basic@github.com" puts the token in the user name.
    const user = groups.password === "x-oauth-basic" ? REDACTED : redactString(groups.userinfo ?? "");
    return `${user}:${markerFor(groups.password)}@`;
  }
  if (groups.paramValue !== undefined) {
    return alreadyRedacted ? match : `${groups.paramName}=${markerFor(groups.paramValue)}`;
  }
  if (groups.schemeValue !== undefined) {
    if (alreadyRedacted || !looksLikeCredential(groups.schemeValue)) return match;
    return `${groups.scheme}${groups.schemeSpace}${markerFor(groups.schemeValue)}`;
  }
  if (groups.ghPrefix !== undefined) return groups.ghPrefix + REDACTED;
  if (groups.runner !== undefined) return RUNNER_TOKEN_MARKER;
  if (match.startsWith("eyJ")) return JWT_MARKER;
  return markerFor(match); // github_pat_…, v1.…
}

/** Replaces every credential-shaped part of `s` with a marker; the rest of the text is kept as it was. */
export function redactString(s: string): string {
  let out = s;
  if (out.includes("-----BEGIN ")) out = out.replace(PEM_BLOCK, PEM_MARKER);
  if (out.includes("LS0tLS1CRUdJT")) out = out.replace(PEM_BASE64, PEM_MARKER);
  return out.replace(SHAPES, replaceShape);
}

// ---------------------------------------------------------------------------------------------------
// Values

/**
 * A copy of `v` that is safe to log and to serialize as JSON: strings scrubbed, secret keys replaced,
 * Errors turned into `{ name, message, stack, …own fields, cause }` (JSON.stringify writes `{}` for an
 * Error), cycles into "[Circular]", bytes into a length, Maps and Sets into objects and arrays, bigints
 * into strings, functions and symbols dropped.
 */
export function redactValue(v: unknown): unknown {
  return redactAt(v, new Set(), 0);
}

/** The value of one field: by key name first, then by shape. */
export function redactField(key: string, value: unknown): unknown {
  return isSecretKey(key) ? redactSecretValue(value) : redactValue(value);
}

function redactAt(v: unknown, ancestors: Set<object>, depth: number): unknown {
  switch (typeof v) {
    case "string":
      return redactString(v);
    case "number":
    case "boolean":
    case "undefined":
      return v;
    case "bigint":
      return v.toString();
    case "symbol":
    case "function":
      return undefined;
  }
  if (v === null) return null;
  const obj = v as object;
  if (ancestors.has(obj)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Truncated]";
  ancestors.add(obj);
  try {
    return redactObject(obj, ancestors, depth + 1);
  } finally {
    ancestors.delete(obj);
  }
}

function redactObject(obj: object, ancestors: Set<object>, depth: number): unknown {
  const child = (value: unknown) => redactAt(value, ancestors, depth);
  const entry = (key: string, value: unknown) => (isSecretKey(key) ? redactSecretValue(value) : child(value));

  if (obj instanceof Error) return redactError(obj, child, entry);
  if (Array.isArray(obj)) return obj.map(child);
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  if (obj instanceof ArrayBuffer || ArrayBuffer.isView(obj)) return `[Binary: ${obj.byteLength} bytes]`;
  if (obj instanceof URL) return redactString(obj.href);
  if (obj instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of obj) assign(out, String(key), entry(String(key), value));
    return out;
  }
  if (obj instanceof Set) return [...obj].map(child);
  if (obj instanceof Headers) {
    const out: Record<string, unknown> = {};
    obj.forEach((value, key) => assign(out, key, entry(key, value)));
    return out;
  }

  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    try {
      return child(toJSON.call(obj) as unknown);
    } catch {
      return "[Unserializable]";
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) assign(out, key, entry(key, read(obj, key)));
  return out;
}

function redactError(
  error: Error,
  child: (value: unknown) => unknown,
  entry: (key: string, value: unknown) => unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: redactString(String(read(error, "name"))),
    message: redactString(String(read(error, "message"))),
  };
  const stack = read(error, "stack");
  if (typeof stack === "string") out.stack = redactString(stack);
  // Own fields: `status`, `code`, and Octokit's RequestError `request`/`response` (headers, body).
  for (const key of Object.keys(error)) {
    if (key !== "name" && key !== "message" && key !== "stack") assign(out, key, entry(key, read(error, key)));
  }
  // Neither is enumerable, and both can carry the interesting part.
  const cause = read(error, "cause");
  if (cause !== undefined) out.cause = child(cause);
  if (error instanceof AggregateError) out.errors = child(read(error, "errors"));
  return out;
}

/** A getter that throws must not stop the log line. */
function read(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return "[Unreadable]";
  }
}

/** `out[key] = value`, except that a key named "__proto__" (JSON.parse makes those) stays a plain key. */
function assign(out: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) return;
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
