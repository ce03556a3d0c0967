/**
 * npm run simulator -- [--port 3001] [--host 127.0.0.1] [--seed seed.yml] [--path-prefix /api/v3]
 *                      [--enterprise-version 3.14] [--app-key-out app-key.pem] [--latency 50]
 * Starts the GitHub simulator and prints its URL (the `baseUrl` for a client) on the first line.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { enterpriseServer } from "./enterprise-server.js";
import { loadSeedFile, SeedError, startSimulator, DEMO_TOKENS } from "./index.js";

const USAGE = `usage: npm run simulator -- [--port N] [--host ADDR] [--seed FILE] [--path-prefix /api/v3] [--enterprise-version 3.14] [--app-key-out FILE] [--latency MS]`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string", default: "0" },
        host: { type: "string", default: "127.0.0.1" },
        seed: { type: "string" },
        "path-prefix": { type: "string", default: "" },
        "enterprise-version": { type: "string" },
        "app-key-out": { type: "string" },
        latency: { type: "string", default: "0" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = Number(values.port);
  const latency = Number(values.latency);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number (0-65535), got ${values.port}\n${USAGE}`);
    return 2;
  }
  if (!(latency >= 0)) {
    console.error(`--latency must be a number of milliseconds, got ${values.latency}\n${USAGE}`);
    return 2;
  }
  const enterpriseVersion = values["enterprise-version"];
  if (enterpriseVersion !== undefined) {
    try {
      enterpriseServer(enterpriseVersion);
    } catch (error) {
      console.error(`--enterprise-version: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
  }
  let seed;
  try {
    seed = values.seed ? loadSeedFile(values.seed) : undefined;
  } catch (error) {
    console.error(error instanceof SeedError ? error.message : `cannot read seed ${values.seed}: ${(error as Error).message}`);
    return 2;
  }
  const running = await startSimulator({
    host: values.host,
    port,
    pathPrefix: values["path-prefix"],
    ...(enterpriseVersion === undefined ? {} : { enterpriseVersion }),
    ...(seed ? { seed } : {}),
  });
  if (latency > 0) running.sim.faults.setLatency(latency);
  console.log(running.url);
  const { state } = running;
  const release = running.sim.enterpriseVersion ? ` as GitHub Enterprise Server ${running.sim.enterpriseVersion}` : "";
  console.log(
    `GitHub simulator${release} for organization "${state.org.login}": App ID ${state.app.id}, installation ${state.app.installationId}`,
  );
  if (values["app-key-out"] && running.sim.appPrivateKey) {
    writeFileSync(values["app-key-out"], running.sim.appPrivateKey, { mode: 0o600 });
    console.log(`App private key written to ${values["app-key-out"]}`);
  }
  if (!seed) {
    console.log("Demo users' tokens:");
    for (const [login, token] of Object.entries(DEMO_TOKENS)) console.log(`  ${login.padEnd(6)} ${token}`);
  }
  console.log(
    `Test hooks under ${running.url.replace(/\/api\/v3$/, "")}/_simulator (calls, journal, faults, latency, state). Ctrl-C stops.`,
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await running.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
