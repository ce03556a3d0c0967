/**
 * The v1 answer shapes, kept from the Go original because existing CI scripts parse them:
 * success `{"Code": 200, "Response": …}`, failure `{"Code": 4xx/5xx, "Error": "…"}`, HTTP status = Code.
 * `errorAnswer` is the one place a failure becomes status, headers and body: Express's error handler,
 * the answers Node gives before Express (./client-error.ts) and the metrics listener all use it.
 */
import type { Response } from "express";
import type { AppError } from "../domain/errors.js";

export interface SuccessEnvelope<T> {
  Code: number;
  Response: T;
}

export interface ErrorEnvelope {
  Code: number;
  Error: string;
}

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  /** the envelope as JSON text */
  body: string;
}

export function errorAnswer(error: AppError): ErrorAnswer {
  const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };
  if (error.retryAfter !== undefined) headers["Retry-After"] = String(error.retryAfter);
  if (error.allow !== undefined) headers.Allow = error.allow.join(", ");
  return { status: error.status, headers, body: JSON.stringify({ Code: error.status, Error: error.message } satisfies ErrorEnvelope) };
}

export function sendSuccess<T>(res: Response, value: T, status = 200): void {
  res.status(status).json({ Code: status, Response: value } satisfies SuccessEnvelope<T>);
}

export function sendError(res: Response, error: AppError): void {
  const { status, headers, body } = errorAnswer(error);
  res.status(status).set(headers).send(body);
}
