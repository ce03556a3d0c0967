/**
 * The plain-HTTP side listeners (metrics, probes) start and stop alike: listen on an address and port, answer
 * with the URL they got, and on close cut idle keep-alive connections at once (a scrape or a probe takes
 * milliseconds; nothing of theirs is worth draining).
 */
import type { Server, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { AppError } from "../domain/errors.js";
import { errorAnswer } from "./envelope.js";

export interface SideListener {
  url: string;
  close(): Promise<void>;
}

export async function listenSide(server: Server, options: { address: string; port: number }): Promise<SideListener> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.address, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** An error in the JSON envelope, on a bare node:http response (the side listeners have no Express). */
export function sendErrorAnswer(res: ServerResponse, error: AppError): void {
  const { status, headers, body } = errorAnswer(error);
  res.writeHead(status, headers);
  res.end(body);
}
