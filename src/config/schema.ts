/**
 * The configuration file's shape, as a zod schema, and the `Config` the rest of the server is written against.
 *
 * The file keeps the Go original's keys unchanged (`appID`, `installationID`, `logging.maxAge`, …) so that
 * operators' existing files keep working; `to-config.ts` turns the validated file into a `Config`, whose names
 * say their units (`maxAgeDays`, `maxSizeMB`). Every default lives in this file and nowhere else, and so does
 * each key's one-line description (`.meta`): the chart's values.schema.json and the README's table of keys are
 * generated from them (npm run config:generate, scripts/config-docs.ts); config.example.yml documents each key
 * at length, and test/unit/config/config-docs.test.ts checks that all of them agree with this file. A key that
 * is not here is refused (unknown-keys.ts).
 */
import { z } from "zod";
import { REPO_PERMISSIONS, type RepoPermission } from "../domain/permissions.js";
import { redisUrlProblem } from "./redis-url.js";
import { cidrProblem } from "./trust-proxy.js";

/** winston's npm levels that we use, most severe first: the logger's severity order is this list's. */
export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  org: string;
  appId: number;
  installationId: number;
  /** the App's private key as PEM text (PKCS#1 or PKCS#8, RSA), already decoded and checked to parse */
  privateKeyPem: string;
  /** GitHub's REST API base, without a trailing slash: https://api.github.com, or https://HOST/api/v3 */
  baseUrl: string;
  logging: {
    compress: boolean;
    /** true: stdout only; false: stdout and a daily-rotated file under logDirectory */
    ephemeral: boolean;
    /** one of winston's npm levels; the Go original's names are mapped (an unknown winston level disables all logging) */
    level: LogLevel;
    logDirectory: string;
    /** delete rotated files older than this many days, when maxBackups is 0; at least 1 unless ephemeral */
    maxAgeDays: number;
    /** keep at most this many rotated files besides the current one; 0 = keep by age (maxAgeDays) instead: the rotation library does one or the other */
    maxBackups: number;
    /** rotate when the file reaches this many megabytes within a day; at least 1 unless ephemeral */
    maxSizeMB: number;
  };
  server: {
    address: string;
    /** 0 lets the operating system choose a free port (tests) */
    port: number;
    /** authenticated requests per second per user (by login); fractions allowed */
    rateLimit: number;
    /** requests per second per client address, counted before authentication; fractions allowed */
    ipRateLimit: number;
    /** when enabled, certFile and keyFile are set, readable, parse, and belong together */
    tls: { enabled: boolean; certFile?: string; keyFile?: string; clientCAFile?: string };
    /** on SIGTERM, how long requests in flight may take to finish before their connections are cut */
    shutdownGraceSeconds: number;
    /** how the App installation's GitHub budget is protected (README, "Security") */
    githubBudget: {
      /** GitHub calls a caller's refused requests may cost in an hour before they are answered 429 without any; 0 = no limit */
      refusedCallsPerHour: number;
      /** below this much of GitHub's limit, only callers known as active maintainers of the team named spend calls */
      reserve: { percent: number } | { calls: number };
    };
    /**
     * whose X-Forwarded-For decides the client address: a hop count (1 to 10), or the proxies' addresses and
     * CIDRs; left out, the socket's address (no header believed)
     */
    trustProxy?: number | string[];
    /** open connections in all (further ones are closed at once, before the TLS handshake) */
    maxConnections: number;
    /** open connections from one client address (IPv6: per /56); a trusted proxy's count only toward maxConnections */
    maxConnectionsPerAddress: number;
    /** a plain-HTTP port answering only GET /healthz and /readyz, for probes that cannot present a client certificate */
    probePort?: number;
  };
  github: {
    /** the most one caller request may wait on GitHub in total, all its GitHub calls and retries included */
    timeoutSeconds: number;
    /** the most one GitHub call may take, its retries included */
    callTimeoutSeconds: number;
    /** retries of a GitHub call that failed in a way that is safe to repeat (5xx, dropped connection) */
    retries: number;
  };
  /** bounded caches of GitHub lookups; a ttlSeconds or maxEntries of 0 turns one off */
  cache: {
    /** caller token (by its SHA-256) → login */
    identity: CacheSettings;
    /** (login, team) → active maintainer or not */
    maintainership: CacheSettings;
    /** team → its parent team (read only when policy.teams.parent is set) */
    teamParents: CacheSettings;
    /** team → its runner group's id */
    runnerGroups: CacheSettings;
    /** (team, repository) → the team's permission on it */
    repoPermissions: CacheSettings;
  };
  policy: {
    minRepoPermission: RepoPermission;
    /** the managed group of team T is named groupPrefix + T; "" names it T, as the Go original did */
    groupPrefix: string;
    /**
     * which teams may use the service at all: those in `allow`, and only the direct child teams of `parent`
     * (lower-case slugs); both must hold when both are set; every team when neither is
     */
    teams: { allow?: string[]; parent?: string };
    /** `deny` turns off token-register and token-remove (organization-wide tokens; see the README's security section) */
    registrationTokens: "allow" | "deny";
    /** patterns (`*` for any run of label characters) a custom runner label must match; any label when left out */
    runnerLabels?: string[];
    /** the most runners a team's group may hold before runner-jitconfig refuses; no bound when left out */
    maxRunnersPerTeam?: number;
  };
  /** shared rate-limit counters for several replicas; without a url they are counted in memory */
  redis: {
    /** redis://, rediss:// or unix:// URL, from ARM_REDIS_URL / ARM_REDIS_URL_FILE or the file; may hold a password */
    url?: string;
    /** what the rate limits do while Redis cannot be reached */
    onError: RedisOnError;
    connectTimeoutMs: number;
    commandTimeoutMs: number;
  };
  /** where GET /metrics is served: its own listener when port is set, else the server's own port */
  /** `token`: GET /metrics requires `Authorization: Bearer <token>` (ARM_METRICS_TOKEN / ARM_METRICS_TOKEN_FILE win) */
  metrics: { port?: number; address?: string; token?: string };
  /** how far the caller's own token is trusted */
  auth: {
    /** the organization must let the caller's token read it (SAML SSO, OAuth app access restrictions): GET /user/memberships/orgs/{org} */
    requireOrgAccess: boolean;
  };
}

/**
 * fail-open: while Redis is unreachable each replica counts in its own memory (as without Redis), so CI keeps
 * working; fail-closed: limited requests are refused with 503, so no replica exceeds what GitHub is promised.
 */
export const REDIS_ON_ERROR = ["fail-open", "fail-closed"] as const;
export type RedisOnError = (typeof REDIS_ON_ERROR)[number];

export interface CacheSettings {
  ttlSeconds: number;
  maxEntries: number;
}

/**
 * The Go original parsed levels with logrus.ParseLevel, which accepts these names in any letter case; winston
 * knows only some of them, and a level it does not know silently switches off every log line
 * (https://github.com/winstonjs/winston/issues/1752).
 */
export const LOG_LEVEL_NAMES: Readonly<Record<string, LogLevel>> = {
  trace: "debug",
  debug: "debug",
  info: "info",
  warn: "warn",
  warning: "warn",
  error: "error",
  fatal: "error",
  panic: "error",
};

/** GitHub's API still reports the old names of two roles (`permissions: { pull, push }`); operators copy them. */
const PERMISSION_ALIASES: Readonly<Record<string, RepoPermission>> = { pull: "read", push: "write" };

// ---- value schemas. Each carries the one sentence an operator reads when the value is wrong. ----

/** YAML 1.2 has only true/false; the Go original's yaml.v3 also read yes/no/on/off into a bool, so accept them. */
const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  yes: true,
  y: true,
  on: true,
  false: false,
  no: false,
  n: false,
  off: false,
};
const flag = z.preprocess(
  (v) => (typeof v === "string" && v.trim().toLowerCase() in BOOLEAN_WORDS ? BOOLEAN_WORDS[v.trim().toLowerCase()] : v),
  z.boolean({ error: "expected true or false" }),
);

/** Numbers may be quoted (Helm's `quote` does that), so a string that is a plain decimal number counts as one. */
function numeric(v: unknown): unknown {
  return typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;
}
// Bounds as zod's own checks rather than refinements, so that z.toJSONSchema carries them into the chart's
// values.schema.json (scripts/config-docs.ts).
function integer(expected: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.preprocess(
    numeric,
    z.number({ error: expected }).int({ error: expected }).min(min, { error: expected }).max(max, { error: expected }),
  );
}
function positiveNumber(expected: string) {
  return z.preprocess(numeric, z.number({ error: expected }).positive({ error: expected }));
}
function text(expected: string) {
  return z.string({ error: expected }).trim().min(1, { error: expected });
}

const GROUP_PREFIX_EXPECTED = "expected letters, digits, '-', '_' or '.' (at most 40), or \"\" for no prefix";

const LABEL_PATTERN_EXPECTED = "expected a label pattern: letters, digits, '-', '_', '.' and '*' (any run of them), at most 64 characters";
const TEAM_SLUG_EXPECTED = "expected a team's slug, as in https://github.com/orgs/ORG/teams/SLUG";
const teamSlug = z
  .string({ error: TEAM_SLUG_EXPECTED })
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, { error: TEAM_SLUG_EXPECTED });

const ORG_LOGIN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const org = z
  .string({ error: "expected the organization's login, e.g. acme (as in https://github.com/acme)" })
  .trim()
  .regex(ORG_LOGIN, { error: "expected the organization's login (letters, digits and -), e.g. acme — not a URL" });

const EXPECTED_BASE_URL =
  "expected GitHub's REST API base URL: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server";
const baseUrl = z
  .string({ error: EXPECTED_BASE_URL })
  .trim()
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: EXPECTED_BASE_URL });
      return z.NEVER;
    }
    if (url.username || url.password) {
      // The value holds a credential: say what is wrong without repeating it.
      ctx.addIssue({ code: "custom", message: "must not contain a user name or password", params: { secret: true } });
      return z.NEVER;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      ctx.addIssue({ code: "custom", message: `${EXPECTED_BASE_URL} (http or https)` });
      return z.NEVER;
    }
    if (url.search || url.hash) {
      ctx.addIssue({ code: "custom", message: `${EXPECTED_BASE_URL}, without ?query or #fragment` });
      return z.NEVER;
    }
    if (url.hostname === "github.com" || url.hostname === "www.github.com") {
      ctx.addIssue({ code: "custom", message: "is GitHub's web address; the REST API base is https://api.github.com" });
      return z.NEVER;
    }
    return url.href.replace(/\/+$/, "");
  });

const level = z
  .preprocess(
    (v) => (typeof v === "string" ? v.trim().toLowerCase() : v),
    z.enum(Object.keys(LOG_LEVEL_NAMES) as [string, ...string[]], {
      error: `expected one of ${Object.keys(LOG_LEVEL_NAMES).join(", ")}`,
    }),
  )
  .transform((name): LogLevel => LOG_LEVEL_NAMES[name] ?? "info");

const minRepoPermission = z.preprocess(
  (v) => (typeof v === "string" ? (PERMISSION_ALIASES[v.trim().toLowerCase()] ?? v.trim().toLowerCase()) : v),
  z.enum(REPO_PERMISSIONS, { error: `expected one of ${REPO_PERMISSIONS.join(", ")} (GitHub's repository roles)` }),
);

/** Run a cross-field rule even when a sibling field is invalid, so that every problem is reported at once. */
const always = { when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null };
/** For a rule between two keys: each value may be fine on its own, so the message does not repeat it. */
const conflict = { ...always, params: { showValue: false } };

// ---- the file ----

const MAPPING = "expected a mapping of keys (key: value lines, indented under this one)";

/** server.tls, exported so that its files can be checked even when another part of the file is invalid. */
export const tlsSchema = z
  .object(
    {
      enabled: flag.default(false).meta({ description: "Serve HTTPS (TLS 1.2 or later); certFile and keyFile are then required" }),
      certFile: text("expected the path of a PEM certificate file")
        .optional()
        .meta({ description: "PEM certificate (a chain may follow); read again when it changes on disk" }),
      keyFile: text("expected the path of a PEM private key file")
        .optional()
        .meta({ description: "PEM private key of that certificate, unencrypted" }),
      clientCAFile: text("expected the path of a PEM file of CA certificates")
        .optional()
        .meta({ description: "Mutual TLS: every client must present a certificate signed by a CA in this PEM file" }),
    },
    { error: MAPPING },
  )
  .refine((t) => !(t.enabled !== true && t.clientCAFile !== undefined), {
    ...always,
    path: ["clientCAFile"],
    error: "needs server.tls.enabled: true (client certificates are part of TLS)",
  })
  .refine((t) => !(t.enabled === true && t.certFile === undefined), {
    ...always,
    path: ["certFile"],
    error: "required when server.tls.enabled is true: the path of a PEM certificate file",
  })
  .refine((t) => !(t.enabled === true && t.keyFile === undefined), {
    ...always,
    path: ["keyFile"],
    error: "required when server.tls.enabled is true: the path of a PEM private key file",
  });

/** logging's keys, exported so that the log directory can be checked even when another part of the file is invalid. */
export const loggingSchema = z.object(
  {
    /** The Go original's README says `compress`, its code read `compression`: both are accepted. */
    compress: flag.optional().meta({ description: "Compress rotated log files with gzip", default: false }),
    compression: flag.optional().meta({ description: "The Go original's code's name for compress; still read, with a warning" }),
    ephemeral: flag
      .default(false)
      .meta({ description: "true: log to stdout only; false: also to a daily-rotated file under logDirectory" }),
    level: level
      .default("info")
      .meta({ description: "trace, debug, info, warn, warning, error, fatal or panic (the Go original's names, any letter case)" }),
    logDirectory: text("expected a directory path")
      .default("/var/log/actions-runner-manager")
      .meta({ description: "Directory of the rotated log files, created at start-up when missing (unused when ephemeral)" }),
    maxAge: integer("expected a whole number of days, 0 or more", 0)
      .default(28)
      .meta({ description: "Days rotated files are kept when maxBackups is 0; at least 1 unless ephemeral" }),
    maxBackups: integer("expected a whole number of files, 0 or more (0 = no count limit)", 0)
      .default(3)
      .meta({ description: "Rotated files kept besides the current one; 0 = keep by maxAge instead" }),
    maxSize: integer("expected a whole number of megabytes, 0 or more", 0)
      .default(100)
      .meta({ description: "Rotate when the file reaches this many megabytes; at least 1 unless ephemeral" }),
  },
  { error: MAPPING },
);

const logging = loggingSchema
  .refine((l) => l.compress === undefined || l.compression === undefined || l.compress === l.compression, {
    ...conflict,
    path: ["compression"],
    error: "contradicts logging.compress; keep only compress",
  })
  // 0 is how lumberjack spelled "never"; the Go original refused it unless ephemeral, and so do we.
  .refine((l) => l.ephemeral !== false || l.maxAge !== 0, {
    ...always,
    path: ["maxAge"],
    error: "expected at least 1 day when logging.ephemeral is false",
  })
  .refine((l) => l.ephemeral !== false || l.maxSize !== 0, {
    ...always,
    path: ["maxSize"],
    error: "expected at least 1 megabyte when logging.ephemeral is false",
  })
  .transform(({ compress, compression, ...rest }) => ({ ...rest, compress: compress ?? compression ?? false }));

const RESERVE_EXPECTED = 'expected a share of GitHub\'s limit ("10%") or a whole number of calls, 0 or more';
/**
 * The GitHub budget's guard. 60 refused calls an hour: a maintainer's mistakes (a mistyped team, a repository
 * the team may not use) cost one or two calls each and are then answered from the caches at no cost, so 60 is
 * far more than honest use needs, while one hostile account costs at most ~1 % of a 5 000-an-hour installation.
 * The reserve, 10 %: enough for every team's maintainers to keep working for the rest of GitHub's hour.
 */
const githubBudget = z
  .object(
    {
      refusedCallsPerHour: integer("expected a whole number of calls, 0 or more (0 = no limit)", 0)
        .default(60)
        .meta({ description: "GitHub calls one caller's refused requests may cost in an hour before they get 429; 0 = no limit" }),
      reserve: z
        .preprocess(
          (v) => {
            if (typeof v !== "string") return v;
            const percent = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
            if (percent) return { percent: Number(percent[1]) };
            return /^\s*\d+\s*$/.test(v) ? Number(v) : v;
          },
          z.union(
            [
              z.object({ percent: z.number().min(0).max(100) }),
              z
                .number()
                .int()
                .min(0)
                .transform((calls) => ({ calls })),
            ],
            { error: RESERVE_EXPECTED },
          ),
        )
        .default({ percent: 10 })
        // As written in the file (the schema above reads it into { percent } or { calls }).
        .meta({
          description:
            'Below this much of GitHub\'s limit ("N%" or a number of calls), only known active maintainers of the team spend calls',
          default: "10%",
          anyOf: [
            { type: "string", pattern: "^\\s*\\d+(\\.\\d+)?\\s*%\\s*$" },
            { type: "integer", minimum: 0 },
          ],
        }),
    },
    { error: MAPPING },
  )
  .prefault({})
  .meta({ description: 'How the App installation\'s GitHub budget is protected (README, "Security")' });
const TRUST_PROXY_EXPECTED =
  "expected a hop count from 0 to 10, or a list of the proxies' addresses or CIDRs (e.g. [10.0.0.0/8]); " +
  "true (every hop) is not offered: any client could then choose its own address";
const trustProxy = z.preprocess(
  numeric,
  z.union(
    [
      z.number().int({ error: TRUST_PROXY_EXPECTED }).min(0, { error: TRUST_PROXY_EXPECTED }).max(10, { error: TRUST_PROXY_EXPECTED }),
      z
        // The pattern is a first check for the chart's values.schema.json; cidrProblem below is the real one.
        .array(z.string({ error: TRUST_PROXY_EXPECTED }).trim().meta({ pattern: "^[0-9A-Fa-f.:]+(/[0-9]{1,3})?$" }), {
          error: TRUST_PROXY_EXPECTED,
        })
        .min(1, { error: "expected at least one address or CIDR (leave trustProxy out to believe no proxy)" })
        .superRefine((entries, ctx) => {
          for (const [index, entry] of entries.entries()) {
            const problem = cidrProblem(entry);
            if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, path: [index] });
          }
        }),
    ],
    { error: TRUST_PROXY_EXPECTED },
  ),
);

const DEFAULT_RATE_LIMIT = 10;
const EXPECTED_RATE = "expected a number of requests per second greater than 0 (fractions allowed, e.g. 0.5)";

const server = z.object(
  {
    address: text("expected an IP address or host name to listen on, e.g. 0.0.0.0")
      .default("0.0.0.0")
      .meta({ description: 'Interface to listen on, an IP address or host name ("::" for IPv6 and IPv4)' }),
    port: integer("expected a port number from 0 to 65535 (0 = any free port)", 0, 65535)
      .default(8443)
      .meta({ description: "Port to listen on; 0 lets the operating system choose" }),
    /** no default here: the 0.1.x releases read a top-level `rateLimit`, resolved below */
    rateLimit: positiveNumber(EXPECTED_RATE).optional().meta({
      description: "Authenticated requests per second one user (by login) may make; fractions allowed",
      default: DEFAULT_RATE_LIMIT,
    }),
    // Generous, because a CI fleet often reaches us from one NAT address; it exists to stop floods of bad tokens.
    ipRateLimit: positiveNumber(EXPECTED_RATE)
      .default(100)
      .meta({ description: "Requests per second from one client address, counted before authentication; fractions allowed" }),
    tls: tlsSchema.prefault({}).meta({ description: "HTTPS served by the server itself" }),
    // Kubernetes sends SIGTERM, then SIGKILL after terminationGracePeriodSeconds (30 by default): finish before that.
    shutdownGraceSeconds: positiveNumber("expected a number of seconds greater than 0")
      .default(20)
      .meta({ description: "On SIGTERM, how long requests in flight may take to finish" }),
    githubBudget,
    // No default: believing X-Forwarded-For from a client that is not a proxy lets it choose its own address.
    trustProxy: trustProxy.optional().meta({
      description:
        "Whose X-Forwarded-For decides the client address: a hop count (0 to 10) or the proxies' addresses and CIDRs; none believed when left out",
    }),
    // About 45 KB each while a TLS request is half sent (measured: npm run bench -- --flood): 1000 stay well
    // inside the chart's 256 Mi next to the ~100 MB the server needs.
    maxConnections: integer("expected a whole number of connections from 1 to 100000", 1, 100_000)
      .default(1000)
      .meta({ description: "Open connections in all; further ones are closed before the TLS handshake" }),
    // One CI host or NAT address rarely holds more than a few connections at once; a flood from one
    // address is cut here long before it reaches maxConnections.
    maxConnectionsPerAddress: integer("expected a whole number of connections from 1 to 100000", 1, 100_000)
      .default(100)
      .meta({ description: "Open connections from one client address (IPv6: one /56)" }),
    // Off by default: the kubelet needs it only under mutual TLS, where it cannot present a client certificate.
    probePort: integer("expected a port number from 0 to 65535 (0 = any free port)", 0, 65535).optional().meta({
      description:
        "A plain-HTTP port answering only /healthz and /readyz, for probes that cannot present a client certificate (mutual TLS); off when left out",
    }),
  },
  { error: MAPPING },
);

const cacheSettings = (ttlSeconds: number, maxEntries: number) =>
  z
    .object(
      {
        ttlSeconds: z
          .preprocess(
            numeric,
            z
              .number({ error: "expected a number of seconds, 0 or more (0 = no cache)" })
              .min(0, { error: "expected a number of seconds, 0 or more (0 = no cache)" }),
          )
          .default(ttlSeconds)
          .meta({ description: "Seconds an entry is believed; 0 turns the cache off" }),
        maxEntries: integer("expected a whole number of entries, 0 or more (0 = no cache)", 0)
          .default(maxEntries)
          .meta({ description: "Entries kept, least recently used dropped first; 0 turns the cache off" }),
      },
      { error: MAPPING },
    )
    .prefault({});

// Identity, maintainership and team parents are short-lived on purpose: a revoked token, a removed maintainer
// or a team moved from under policy.teams.parent loses access within ttlSeconds. Group ids change only when a group is deleted, which heals itself (see services).
const cache = z.object(
  {
    identity: cacheSettings(60, 10_000).meta({
      description: "Caller token (by its SHA-256) → login: a revoked token keeps access at most ttlSeconds",
    }),
    maintainership: cacheSettings(60, 10_000).meta({
      description: "(login, team) → active maintainer or not: a removed maintainer keeps access at most ttlSeconds",
    }),
    teamParents: cacheSettings(60, 10_000).meta({ description: "Team → its parent team (read only with policy.teams.parent)" }),
    runnerGroups: cacheSettings(300, 10_000).meta({
      description: "Team → its runner group's id (a deleted group is looked up again by itself)",
    }),
    repoPermissions: cacheSettings(60, 50_000).meta({ description: "(team, repository) → the team's permission on it" }),
  },
  { error: MAPPING },
);

const redisUrl = z
  .string({ error: "expected a Redis URL" })
  .trim()
  .superRefine((value, ctx) => {
    const problem = redisUrlProblem(value);
    // The URL may hold a password: say what is wrong without repeating it.
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, params: { secret: true } });
  });

const redis = z.object(
  {
    url: redisUrl.optional().meta({
      description:
        "redis://, rediss:// or unix:// URL shared by the replicas for rate-limit counters and locks; ARM_REDIS_URL(_FILE) overrides it",
    }),
    // fail-open by default: without Redis each replica still limits on its own, as a single replica always did.
    onError: z
      .preprocess(
        (v) => (typeof v === "string" ? v.trim().toLowerCase() : v),
        z.enum(REDIS_ON_ERROR, { error: "expected fail-open (count in memory while Redis is down) or fail-closed (answer 503)" }),
      )
      .default("fail-open")
      .meta({
        description: "While Redis cannot be reached: fail-open (each replica counts in memory) or fail-closed (limited requests get 503)",
      }),
    // Redis is next door: a request waits at most commandTimeoutMs on it, then the onError policy applies.
    connectTimeoutMs: integer("expected a whole number of milliseconds from 1 to 60000", 1, 60_000)
      .default(2000)
      .meta({ description: "How long start-up waits for Redis before starting under onError, in milliseconds" }),
    commandTimeoutMs: integer("expected a whole number of milliseconds from 1 to 60000", 1, 60_000)
      .default(500)
      .meta({ description: "The most one Redis command may take, in milliseconds; then onError applies" }),
  },
  { error: MAPPING },
);

const metrics = z
  .object(
    {
      port: integer("expected a port number from 0 to 65535 (0 = any free port)", 0, 65535).optional().meta({
        description: "A plain-HTTP port of its own for GET /metrics, different from server.port; without it, the server's own port",
      }),
      address: text("expected an IP address or host name to listen on, e.g. 0.0.0.0")
        .optional()
        .meta({ description: "The interface of the metrics listener (needs metrics.port); server.address when left out" }),
      // a secret: better from ARM_METRICS_TOKEN_FILE (a mounted Secret) than in this file
      token: text("expected a bearer token of 16 to 256 printable characters")
        .regex(/^[!-~]{16,256}$/, { error: "expected a bearer token of 16 to 256 printable characters, without spaces" })
        .optional()
        .meta({
          description: "A bearer token GET /metrics then requires (16 to 256 printable characters); ARM_METRICS_TOKEN(_FILE) overrides it",
        }),
    },
    { error: MAPPING },
  )
  .refine((m) => !(m.address !== undefined && m.port === undefined), {
    ...always,
    path: ["address"],
    error: "needs metrics.port (without it, /metrics is served on the server's own address and port)",
  });

const github = z.object(
  {
    timeoutSeconds: positiveNumber("expected a number of seconds greater than 0")
      .default(30)
      .meta({ description: "The most one request waits on GitHub in total, every call and retry included; then 504" }),
    callTimeoutSeconds: positiveNumber("expected a number of seconds greater than 0")
      .default(10)
      .meta({ description: "The most one GitHub call may take, its retries included" }),
    retries: integer("expected a whole number of retries, 0 to 10", 0, 10)
      .default(2)
      .meta({ description: "Repeats of a GitHub call after a 5xx or a dropped connection, when repeating is safe" }),
  },
  { error: MAPPING },
);

export const configFileSchema = z
  .object({
    org: org.meta({ description: "The organization's login, as in https://github.com/<org>. Required" }),
    appID: integer("expected the GitHub App's ID, a whole number (App settings → About → App ID)", 1).meta({
      description: "The GitHub App's ID (App settings → About → App ID). Required",
    }),
    installationID: integer("expected the App installation's ID, a whole number (in the installation's settings URL)", 1).meta({
      description: "The ID of the App's installation in the organization (the end of its settings URL). Required",
    }),
    /** base64 of the PEM (the Go original), or the PEM itself */
    privateKey: z.string({ error: "expected a string: the App's private key PEM, or base64 of it" }).optional().meta({
      description:
        "The App's private key: base64 of the PEM (as the Go original read it) or the PEM itself; ARM_PRIVATE_KEY(_FILE) overrides it",
    }),
    privateKeyFile: text("expected the path of the App's private key PEM file")
      .optional()
      .meta({ description: "The path of the App's private key PEM file (used when privateKey is not set)" }),
    baseUrl: baseUrl
      .default("https://api.github.com")
      // The pattern is a first check for the chart's values.schema.json; the transform above is the real one.
      .meta({ description: "GitHub's REST API base URL; GitHub Enterprise Server: https://HOST/api/v3", pattern: "^https?://[^\\s?#@]+$" }),
    /** The 0.1.x releases of the Go original read `rateLimit` here; later versions under `server`. */
    rateLimit: positiveNumber(EXPECTED_RATE)
      .optional()
      .meta({ description: "The Go 0.1.x place of server.rateLimit; still read, with a warning" }),
    logging: logging.prefault({}).meta({ description: "Logs: JSON lines on stdout and, unless ephemeral, in daily-rotated files" }),
    server: server.prefault({}).meta({ description: "The HTTP server" }),
    github: github.prefault({}).meta({ description: "Calls to GitHub" }),
    cache: cache.prefault({}).meta({ description: "Bounded caches of GitHub lookups; a ttlSeconds or maxEntries of 0 turns one off" }),
    policy: z
      .object(
        {
          // write, because whoever can push to a repository can already run its workflows with its secrets.
          minRepoPermission: minRepoPermission.default("write").meta({
            description: "The least permission a team needs on a repository to attach it: read, triage, write, maintain or admin",
            // As written in the file: GitHub's old names of two roles are accepted too.
            enum: [...REPO_PERMISSIONS, ...Object.keys(PERMISSION_ALIASES)],
          }),
          // A prefix no team can take for itself: without one, any member who creates a team named like an
          // admin-made group would maintain that group.
          groupPrefix: z
            .string({ error: GROUP_PREFIX_EXPECTED })
            .regex(/^[A-Za-z0-9_.-]{0,40}$/, { error: GROUP_PREFIX_EXPECTED })
            .default("team-")
            .meta({ description: 'Team T\'s managed runner group is named groupPrefix + T; "" names it T, as the Go original did' }),
          teams: z
            .object(
              {
                // Slugs as GitHub shows them; compared without case, as the API's `team` is.
                allow: z
                  .array(teamSlug, {
                    error: "expected a list of team slugs",
                  })
                  .min(1, { error: "expected at least one team slug (leave allow out to let every team in)" })
                  .optional()
                  .meta({ description: "Only these teams (slugs) may use the service; every team when left out" }),
                // Only the direct child teams of this team may use the service (the "authorizing team" of
                // lindluni/org-runner-manager); the team itself and its grandchildren may not.
                parent: teamSlug.optional().meta({ description: "Only the direct child teams of this team (a slug) may use the service" }),
              },
              { error: MAPPING },
            )
            .prefault({})
            .meta({
              description:
                "Which teams may use the service: those in allow, and the child teams of parent; both must hold when both are set",
            }),
          // allow by default, so that CI scripts written for the Go original keep working; deny is safer
          registrationTokens: z
            .enum(["allow", "deny"], { error: "expected allow or deny" })
            .default("allow")
            .meta({ description: 'deny turns off token-register and token-remove (organization-wide tokens; README, "Security")' }),
          runnerLabels: z
            .array(z.string({ error: LABEL_PATTERN_EXPECTED }).regex(/^[A-Za-z0-9_.*-]{1,64}$/, { error: LABEL_PATTERN_EXPECTED }), {
              error: "expected a list of label patterns",
            })
            .min(1, { error: "expected at least one label pattern (leave runnerLabels out to allow any label)" })
            .optional()
            .meta({
              description: 'Patterns ("*" for any run of label characters) a custom runner label must match; any label when left out',
            }),
          maxRunnersPerTeam: z
            .number({ error: "expected a whole number of runners, 1 or more" })
            .int({ error: "expected a whole number of runners, 1 or more" })
            .min(1, { error: "expected a whole number of runners, 1 or more" })
            .max(10_000, { error: "expected at most 10000 runners" })
            .optional()
            .meta({ description: "The most runners a team's group may hold before runner-jitconfig answers 409; no bound when left out" }),
        },
        { error: MAPPING },
      )
      .prefault({})
      .meta({ description: "What teams may do" }),
    redis: redis.prefault({}).meta({ description: "Rate-limit counters and group locks shared by several replicas" }),
    metrics: metrics.prefault({}).meta({ description: "GET /metrics (Prometheus' text format)" }),
    auth: z
      .object(
        {
          // true: a token that can call GET /user is not enough; the organization's own rules (SAML SSO,
          // OAuth app access restrictions, membership) must accept it too. See the README, "Security".
          requireOrgAccess: flag
            .default(true)
            .meta({ description: "The organization must accept the caller's token too (SAML SSO, OAuth app restrictions, membership)" }),
        },
        { error: MAPPING },
      )
      .prefault({})
      .meta({ description: "How far the caller's own token is trusted" }),
  })
  .refine((c) => c.metrics?.port === undefined || c.metrics.port === 0 || c.metrics.port !== (c.server?.port ?? 8443), {
    ...conflict,
    path: ["metrics", "port"],
    error: "must differ from server.port (leave it out to serve /metrics on the server's own port)",
  })
  .refine(
    (c) =>
      c.server?.probePort === undefined ||
      c.server.probePort === 0 ||
      (c.server.probePort !== (c.server.port ?? 8443) && c.server.probePort !== c.metrics?.port),
    { ...conflict, path: ["server", "probePort"], error: "must differ from server.port and metrics.port" },
  )
  .refine((c) => c.rateLimit === undefined || c.server?.rateLimit === undefined || c.rateLimit === c.server.rateLimit, {
    ...conflict,
    path: ["rateLimit"],
    error: "contradicts server.rateLimit; keep only server.rateLimit (the top-level key is the Go 0.1.x place)",
  })
  .transform(({ rateLimit, server, ...rest }) => ({
    ...rest,
    server: { ...server, rateLimit: server.rateLimit ?? rateLimit ?? DEFAULT_RATE_LIMIT },
  }));

/** The file as a person writes it; every key but org, appID and installationID may be left out. */
export type ConfigFileInput = z.input<typeof configFileSchema>;
/** The file after validation, with every default applied; still in the file's own key names. */
export type ConfigFile = z.output<typeof configFileSchema>;

/** Keys whose values are never repeated in a message, even when invalid. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(["privateKey", "redis.url"]);

// ---- known and unknown keys ----

/** The object schema inside default/prefault/optional wrappers and transform pipes, if any. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  if (schema instanceof z.ZodObject) return schema.shape;
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) {
    return objectShape(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodPipe) return objectShape(schema.in as z.ZodType) ?? objectShape(schema.out as z.ZodType);
  return undefined;
}

/** Every key the file may hold, as paths, sections included: ["server"], ["server", "tls"], ["server", "tls", "enabled"], … */
export function keyPaths(schema: z.ZodType = configFileSchema, path: string[] = []): string[][] {
  const shape = objectShape(schema);
  if (!shape) return [];
  return Object.entries(shape).flatMap(([key, child]) => [[...path, key], ...keyPaths(child, [...path, key])]);
}

// ---- advice: values that are valid but probably not what was meant ----

export interface Advice {
  path: string[];
  message: string;
}

const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/;

export function adviceFor(file: ConfigFile, raw: Record<string, unknown>): Advice[] {
  const advice: Advice[] = [];
  const url = new URL(file.baseUrl);
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname)) {
    advice.push({ path: ["baseUrl"], message: "uses plain http: the App's tokens would cross the network unencrypted" });
  }
  const looksLikeGhesRoot =
    url.pathname === "/" && url.hostname !== "api.github.com" && !url.hostname.endsWith(".ghe.com") && !LOOPBACK.test(url.hostname);
  if (looksLikeGhesRoot) {
    advice.push({ path: ["baseUrl"], message: `GitHub Enterprise Server serves its REST API at ${url.origin}/api/v3` });
  }
  if (file.logging.maxSize > 100_000) {
    const message = `is in megabytes (${file.logging.maxSize} MB is over 100 GB); the Go README's "bytes" was wrong`;
    advice.push({ path: ["logging", "maxSize"], message });
  }
  if ("rateLimit" in raw) {
    const message = "is read for compatibility with the Go 0.1.x releases; move it to server.rateLimit";
    advice.push({ path: ["rateLimit"], message });
  }
  const rawLogging = raw.logging;
  if (typeof rawLogging === "object" && rawLogging !== null && "compression" in rawLogging) {
    const message = "is read for compatibility with the Go original's code; rename it to compress";
    advice.push({ path: ["logging", "compression"], message });
  }
  return advice;
}
