import type { Config } from "./schema.js";
import { redactRedisUrl } from "./redis-url.js";

const REDACTED = "[redacted]";
export type RedactedConfig = Omit<Config, "privateKeyPem"> & { privateKeyPem: typeof REDACTED };

/** The configuration, safe to log: a copy with the private key replaced and the Redis URL's password masked. */
export function redactConfig(config: Config): RedactedConfig {
  return {
    ...config,
    privateKeyPem: REDACTED,
    logging: { ...config.logging },
    server: { ...config.server, tls: { ...config.server.tls } },
    policy: { ...config.policy },
    redis: { ...config.redis, ...(config.redis.url !== undefined && { url: redactRedisUrl(config.redis.url) }) },
    metrics: { ...config.metrics, ...(config.metrics.token !== undefined && { token: REDACTED }) },
  };
}
