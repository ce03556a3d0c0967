/** The simulator on a port of its own, over HTTP or HTTPS: for the CLI, demo mode and process-level tests. */
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createSimulator, type Simulator, type SimulatorOptions } from "./create-simulator.js";
import type { SimState } from "./state.js";

export interface StartOptions extends SimulatorOptions {
  /** loopback by default */
  host?: string;
  /** 0 (the default) picks a free port */
  port?: number;
  /** serve HTTPS with this certificate and key (PEM) */
  tls?: { cert: string; key: string };
}

export interface RunningSimulator {
  /** the API root to give a client as `baseUrl`, e.g. http://127.0.0.1:43123 or …/api/v3 */
  url: string;
  sim: Simulator;
  state: SimState;
  server: Server;
  close(): Promise<void>;
}

export async function startSimulator(options: StartOptions = {}): Promise<RunningSimulator> {
  const sim = createSimulator(options);
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, sim.nodeHandler)
    : createHttpServer(sim.nodeHandler);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(":") ? `[${host}]` : host;
  return {
    url: `${options.tls ? "https" : "http"}://${hostInUrl}:${port}${sim.pathPrefix}`,
    sim,
    state: sim.state,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
