/**
 * npm run demo [-- --port 8443]: the whole product on one machine with no configuration. Starts the
 * GitHub simulator on its demo organization, makes a throwaway certificate for localhost under
 * .demo/tls/, and serves the API at https://localhost:8443 against the simulator. Prints the demo
 * users' tokens and curl lines to paste.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { parseConfig } from "./config/load-config.js";
import { selfSignedCertificate } from "./demo/self-signed.js";
import { startService } from "./service.js";
import { DEMO_TOKENS, startSimulator } from "./simulator/index.js";

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { port: { type: "string", default: "8443" } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);

  const github = await startSimulator();
  const tlsDir = resolve(".demo/tls");
  mkdirSync(tlsDir, { recursive: true });
  const certificate = await selfSignedCertificate();
  writeFileSync(`${tlsDir}/cert.pem`, certificate.cert);
  writeFileSync(`${tlsDir}/key.pem`, certificate.key, { mode: 0o600 });

  const state = github.state;
  // The demo's configuration goes through the same parser as a real one, so every default is the schema's.
  const yaml = stringify({
    org: state.org.login,
    appID: state.app.id,
    installationID: state.app.installationId,
    baseUrl: github.url,
    logging: { ephemeral: true, level: "info" },
    server: {
      address: "localhost",
      port,
      // generous, so that the README's examples can run as one quick script
      rateLimit: 50,
      ipRateLimit: 200,
      tls: { enabled: true, certFile: `${tlsDir}/cert.pem`, keyFile: `${tlsDir}/key.pem` },
      shutdownGraceSeconds: 5,
    },
  });
  const { config } = parseConfig(yaml, { source: "(demo)", env: { ARM_PRIVATE_KEY: github.sim.appPrivateKey! } });
  const service = await startService(config);
  const url = service.url.replace("//127.0.0.1:", "//localhost:");
  const curl = (who: keyof typeof DEMO_TOKENS, method: string, path: string) =>
    `  curl -s --cacert .demo/tls/cert.pem -X ${method} -H "Authorization: token ${DEMO_TOKENS[who]}" "${url}/api/v1/${path}"`;
  console.log(`
actions-runner-manager demo
  API:                ${url}/api/v1      (certificate: .demo/tls/cert.pem)
  GitHub simulator:   ${github.url}   (organization "${state.org.login}")

Demo users (tokens for the Authorization header):
  alice  active maintainer of team platform   ${DEMO_TOKENS.alice}
  bob    member of team platform              ${DEMO_TOKENS.bob}
  carol  pending maintainer of team platform  ${DEMO_TOKENS.carol}
  dave   in no team                           ${DEMO_TOKENS.dave}
  erin   maintainer of team data              ${DEMO_TOKENS.erin}

Try, as alice:
${curl("alice", "POST", "group-create?team=platform")}
${curl("alice", "PATCH", "repos-add?team=platform&repos=api,web")}
${curl("alice", "GET", "group-list?team=platform")}
${curl("alice", "GET", "token-register?team=platform")}
and as bob, who is refused:
${curl("bob", "GET", "token-register?team=platform")}

Ctrl-C stops.
`);
  const stop = () => {
    void service
      .close()
      .then(() => github.close())
      .then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error("demo failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
