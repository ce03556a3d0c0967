/**
 * The validated file, still in the Go original's key names, as the `Config` the server is written against:
 * names that say their units (`maxAge` → `maxAgeDays`), the two secrets resolved, optional keys left out
 * rather than set to undefined.
 */
import type { Config, ConfigFile } from "./schema.js";

/** `redisUrl`: from the environment (ARM_REDIS_URL / ARM_REDIS_URL_FILE), which wins over the file's redis.url. */
/** `metricsToken`: from ARM_METRICS_TOKEN / ARM_METRICS_TOKEN_FILE, which win over the file's metrics.token. */
export function toConfig(file: ConfigFile, privateKeyPem: string, redisUrl: string | undefined, metricsToken?: string): Config {
  const { logging, server } = file;
  return {
    org: file.org,
    appId: file.appID,
    installationId: file.installationID,
    privateKeyPem,
    baseUrl: file.baseUrl,
    logging: {
      compress: logging.compress,
      ephemeral: logging.ephemeral,
      level: logging.level,
      logDirectory: logging.logDirectory,
      maxAgeDays: logging.maxAge,
      maxBackups: logging.maxBackups,
      maxSizeMB: logging.maxSize,
    },
    server: {
      address: server.address,
      port: server.port,
      rateLimit: server.rateLimit,
      ipRateLimit: server.ipRateLimit,
      tls: {
        enabled: server.tls.enabled,
        ...(server.tls.certFile !== undefined && { certFile: server.tls.certFile }),
        ...(server.tls.keyFile !== undefined && { keyFile: server.tls.keyFile }),
        ...(server.tls.clientCAFile !== undefined && { clientCAFile: server.tls.clientCAFile }),
      },
      shutdownGraceSeconds: server.shutdownGraceSeconds,
      githubBudget: { refusedCallsPerHour: server.githubBudget.refusedCallsPerHour, reserve: { ...server.githubBudget.reserve } },
      ...(server.trustProxy !== undefined && { trustProxy: server.trustProxy }),
      maxConnections: server.maxConnections,
      maxConnectionsPerAddress: server.maxConnectionsPerAddress,
      ...(server.probePort !== undefined && { probePort: server.probePort }),
    },
    github: { ...file.github },
    cache: {
      identity: { ...file.cache.identity },
      maintainership: { ...file.cache.maintainership },
      teamParents: { ...file.cache.teamParents },
      runnerGroups: { ...file.cache.runnerGroups },
      repoPermissions: { ...file.cache.repoPermissions },
    },
    policy: {
      minRepoPermission: file.policy.minRepoPermission,
      groupPrefix: file.policy.groupPrefix,
      teams: {
        ...(file.policy.teams.allow !== undefined && { allow: file.policy.teams.allow.map((slug) => slug.toLowerCase()) }),
        ...(file.policy.teams.parent !== undefined && { parent: file.policy.teams.parent.toLowerCase() }),
      },
      registrationTokens: file.policy.registrationTokens,
      ...(file.policy.runnerLabels !== undefined && { runnerLabels: file.policy.runnerLabels }),
      ...(file.policy.maxRunnersPerTeam !== undefined && { maxRunnersPerTeam: file.policy.maxRunnersPerTeam }),
    },
    redis: {
      ...((redisUrl ?? file.redis.url) !== undefined && { url: redisUrl ?? file.redis.url }),
      onError: file.redis.onError,
      connectTimeoutMs: file.redis.connectTimeoutMs,
      commandTimeoutMs: file.redis.commandTimeoutMs,
    },
    metrics: {
      ...(file.metrics.port !== undefined && { port: file.metrics.port }),
      ...(file.metrics.address !== undefined && { address: file.metrics.address }),
      ...((metricsToken ?? file.metrics.token) !== undefined && { token: metricsToken ?? file.metrics.token }),
    },
    auth: { requireOrgAccess: file.auth.requireOrgAccess },
  };
}
