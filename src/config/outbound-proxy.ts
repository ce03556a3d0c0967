/**
 * The outbound HTTP proxy for calls to GitHub, from the environment variables curl and most tools read:
 * HTTPS_PROXY, HTTP_PROXY and NO_PROXY (the lower-case forms win, as in curl and undici). Read by
 * serve-command.ts only; a malformed proxy URL is a ConfigError naming the variable, never its value (it may
 * carry a password).
 */
import { ConfigError } from "./problems.js";
import type { Env } from "./secrets.js";

export interface OutboundProxy {
  /** proxy for http:// URLs (a GitHub Enterprise Server without TLS) */
  httpProxy?: string;
  /** proxy for https:// URLs; HTTP_PROXY when it is not set, as undici's EnvHttpProxyAgent does */
  httpsProxy?: string;
  /** host names (and their subdomains) reached directly, comma-separated, "host:port" allowed; "*" = none proxied */
  noProxy?: string;
}

/** The lower-case spelling first; an empty value counts as unset. */
const pick = (env: Env, name: string): string | undefined =>
  [env[name.toLowerCase()], env[name]].map((v) => v?.trim()).find((v) => v !== undefined && v !== "");

/** undefined when neither HTTPS_PROXY nor HTTP_PROXY is set (NO_PROXY alone changes nothing). */
export function outboundProxyFromEnv(env: Env): OutboundProxy | undefined {
  const proxy: OutboundProxy = {};
  const problems: string[] = [];
  for (const [key, name] of [
    ["httpProxy", "HTTP_PROXY"],
    ["httpsProxy", "HTTPS_PROXY"],
  ] as const) {
    const value = pick(env, name);
    if (value === undefined) continue;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      // not shown: a proxy URL may hold a password
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
      problems.push(
        `${name} (environment): expected the proxy's URL, e.g. http://proxy.example.com:3128 (not shown: it may hold a password)`,
      );
    } else {
      proxy[key] = value;
    }
  }
  if (problems.length > 0) throw new ConfigError("the environment", problems, "invalid outbound proxy settings");
  if (proxy.httpProxy === undefined && proxy.httpsProxy === undefined) return undefined;
  const noProxy = pick(env, "NO_PROXY");
  return noProxy === undefined ? proxy : { ...proxy, noProxy };
}

/** A proxy URL as a log line may show it: without user name and password. */
export function proxyForLog(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const url = new URL(value);
  url.username = "";
  url.password = "";
  return url.href;
}
