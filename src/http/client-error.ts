/**
 * What Node answers by itself, before Express sees a request (a request line or headers over 16 KB, a
 * malformed request, headers too slow to arrive), answered in the envelope too: a client must never get
 * a body it cannot parse.
 */
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { AppError } from "../domain/errors.js";
import { errorAnswer } from "./envelope.js";

function problemFor(code: string | undefined): AppError {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return new AppError("HEADERS_TOO_LARGE", "The request line and headers are too large (16 KB at most)");
    // Node 20 names the headers timeout so; older parsers said HPE_HEADER_TIMEOUT
    case "ERR_HTTP_REQUEST_TIMEOUT":
    case "HPE_HEADER_TIMEOUT":
      return new AppError("REQUEST_TIMEOUT", "The request took too long to arrive");
    default:
      return new AppError("BAD_REQUEST", "Malformed HTTP request");
  }
}

/** Answers in the envelope; returns the status answered, or undefined when there was no one left to answer. */
export function answerClientError(error: Error & { code?: string }, socket: Socket): number | undefined {
  // A socket already answering, or reset by its client, has no one left to answer.
  if (!socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage || error.code === "ECONNRESET") {
    socket.destroy();
    return undefined;
  }
  const { status, headers, body } = errorAnswer(problemFor(error.code));
  const head = Object.entries({ ...headers, Connection: "close", "Content-Length": String(Buffer.byteLength(body)) })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n${head}\r\n${body}`);
  return status;
}
