/**
 * What the middleware and routes leave on `res.locals` for the access log and the error handler, typed
 * by declaration merging (Express's documented way to type locals).
 */
import type { CallMeter } from "../request-meter.js";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** this request's id (./middleware/request-id.ts) */
      requestId: string;
      /** the caller's own X-Request-Id, when printable and short (./middleware/request-id.ts) */
      clientRequestId?: string;
      /** the caller, once the service has identified them */
      caller?: { login: string };
      /** the team named, once parsed */
      team?: string;
      /** the GitHub calls made for this request, for its audit line and the refusal budget (./middleware/request-audit.ts) */
      meter?: CallMeter;
    }
  }
}

export {};
