/**
 * The v1 answer shapes, kept from the Go original because existing CI scripts parse them:
 * success `{"Code": 200, "Response": …}`, failure `{"Code": 4xx/5xx, "Error": "…"}`, HTTP status = Code.
 */
import type { Response } from "express";

export interface SuccessEnvelope<T> {
  Code: number;
  Response: T;
}

export interface ErrorEnvelope {
  Code: number;
  Error: string;
}

export function sendSuccess<T>(res: Response, value: T, status = 200): void {
  res.status(status).json({ Code: status, Response: value } satisfies SuccessEnvelope<T>);
}

export function sendError(res: Response, status: number, message: string, retryAfterSeconds?: number): void {
  if (retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(retryAfterSeconds));
  res.status(status).json({ Code: status, Error: message } satisfies ErrorEnvelope);
}
