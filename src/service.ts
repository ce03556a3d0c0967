/**
 * Wires a validated Config into a running service: logger → GitHub clients → app → server.
 * main.ts (production) and demo.ts (the simulator's demo organization) both start through here.
 */
import { createApp } from "./app.js";
import { redactConfig } from "./config/load-config.js";
import type { Config } from "./config/schema.js";
import { systemClock } from "./clock.js";
import { withCaches } from "./github/cached-github.js";
import { createGitHub } from "./github/create-github.js";
import { createLogger, type Logger } from "./logging/create-logger.js";
import { startServer } from "./server.js";

export interface ServiceOptions {
  /** how GitHub is reached; globalThis.fetch unless a test or the demo says otherwise */
  fetch?: typeof globalThis.fetch;
  /** where log lines go besides the rotating file; stdout by default */
  logStreams?: NodeJS.WritableStream[];
}

export interface Service {
  url: string;
  log: Logger;
  /** stops taking connections, lets requests in flight finish, flushes the log */
  close(): Promise<void>;
}

export async function startService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const logging = createLogger(config.logging, options.logStreams ? { streams: options.logStreams } : {});
  const log = logging.logger;
  const github = withCaches(createGitHub({
    org: config.org,
    appId: config.appId,
    installationId: config.installationId,
    privateKeyPem: config.privateKeyPem,
    baseUrl: config.baseUrl,
    log,
    timeoutMs: config.github.callTimeoutSeconds * 1000,
    requestTimeoutMs: config.github.timeoutSeconds * 1000,
    retries: config.github.retries,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  }), { ...config.cache, clock: systemClock });
  const app = createApp({
    github,
    log,
    policy: config.policy,
    rateLimit: { perUser: config.server.rateLimit, perAddress: config.server.ipRateLimit },
  });
  let server;
  try {
    // config.server.tls carries clientCAFile (mutual TLS) through; the log reports certificate reloads.
    server = await startServer(app, { ...config.server, shutdownGraceMs: config.server.shutdownGraceSeconds * 1000, log });
  } catch (error) {
    log.error("cannot listen", { address: config.server.address, port: config.server.port, error });
    await logging.close();
    throw error;
  }
  log.info("listening", { url: server.url, config: redactConfig(config) });
  return {
    url: server.url,
    log,
    async close() {
      log.info("shutting down: finishing requests in flight");
      await server.close();
      log.info("stopped");
      await logging.close();
    },
  };
}
