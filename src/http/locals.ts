/**
 * What the middleware and routes leave on `res.locals` for the access log and the error handler, typed
 * by declaration merging (Express's documented way to type locals).
 */
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
    }
  }
}

export {};
