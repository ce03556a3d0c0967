/**
 * Redis URLs as node-redis reads them: redis://[user[:password]@]host[:port][/db], rediss://… (TLS) and
 * unix://[user[:password]@]/path/to/redis.sock[?db=N]. Checked here, before node-redis sees one (its own
 * errors, like WHATWG URL's, may carry the whole URL, password included), and never printed unredacted.
 */

const UNIX_URL = /^unix:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?(\/[^?#]*)(?:\?([^#]*))?(?:#.*)?$/;

/**
 * The URL with its password replaced by `***`: `redis://user:***@host:6379`. The user name stays (it is
 * not a secret and says which account is used). Anything else is returned as it is.
 */
export function redactRedisUrl(url: string): string {
  // userinfo is everything between "//" and the last "@" before the path; the password follows its first ":".
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/]*)@/, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(":");
    return colon === -1 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
  });
}

/** Why `url` is not a Redis URL node-redis can use, without repeating any part of it; undefined when it is one. */
export function redisUrlProblem(url: string): string | undefined {
  const expected = "expected redis://[user:password@]host[:port][/db], rediss://… (TLS) or unix://[user:password@]/path/to/redis.sock";
  if (url.startsWith("unix:")) {
    const match = UNIX_URL.exec(url);
    if (!match || match[3] === "/") return expected;
    const db = new URLSearchParams(match[4] ?? "").get("db");
    if (db !== null && !/^\d+$/.test(db)) return "expected ?db= to be a database number";
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return expected;
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") return expected;
  if (parsed.hostname === "") return `${expected}: the host is missing`;
  if (!/^\/?(\d+)?$/.test(parsed.pathname)) return `${expected}: the path, if any, is a database number`;
  return undefined;
}
