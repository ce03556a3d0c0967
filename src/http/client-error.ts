/**
 * What Node answers by itself, before Express sees a request (a request line or headers over 16 KB, a
 * malformed request), answered in the envelope too: a client must never get a body it cannot parse.
 */
import type { Socket } from "node:net";

const ANSWERS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, "The request line and headers are too large (16 KB at most)"],
  // Node 20 names the headers timeout so; older parsers said HPE_HEADER_TIMEOUT
  ERR_HTTP_REQUEST_TIMEOUT: [408, "The request took too long to arrive"],
  HPE_HEADER_TIMEOUT: [408, "The request took too long to arrive"],
};

export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  // A reset connection has no one left to answer.
  if (error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const [status, message] = ANSWERS[error.code ?? ""] ?? [400, "Malformed HTTP request"];
  const body = JSON.stringify({ Code: status, Error: message });
  const reason = status === 431 ? "Request Header Fields Too Large" : status === 408 ? "Request Timeout" : "Bad Request";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\n` +
      `Connection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
