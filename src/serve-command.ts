/**
 * `actions-runner-manager serve [--config PATH]`: starts the server. With src/main.ts, the only production
 * code that reads process.argv and process.env, and the one that handles signals.
 */
import { ConfigError, loadConfig } from "./config/load-config.js";
import { outboundProxyFromEnv } from "./config/outbound-proxy.js";
import { forgetSecretEnv } from "./config/secrets.js";
import { startService } from "./service.js";

async function serve(argv: readonly string[]): Promise<void> {
  let loaded;
  let outboundProxy;
  try {
    loaded = loadConfig({ argv, env: process.env });
    outboundProxy = outboundProxyFromEnv(process.env);
  } catch (error) {
    forgetSecretEnv(process.env);
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  // read once: the private key (and Redis' password) stay in the Config only
  forgetSecretEnv(process.env);
  const service = await startService(loaded.config, outboundProxy ? { outboundProxy } : {});
  service.log.info("configuration loaded", { path: loaded.path });
  for (const warning of loaded.warnings) service.log.warn(`configuration: ${warning}`, { path: loaded.path });

  // A bug in one request must not take the others down silently; log it with what we know.
  process.on("unhandledRejection", (reason) => service.log.error("unhandled promise rejection", { error: reason }));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.log.info(`${signal} received`);
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("shutdown failed", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

/** Starts the server with the command line after `serve`; exits the process when it cannot start. */
export async function runServeCommand(argv: readonly string[]): Promise<void> {
  await serve(argv).catch((error: unknown) => {
    console.error("actions-runner-manager failed to start:", error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
