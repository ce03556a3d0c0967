import type { ErrorRequestHandler, RequestHandler } from "express";
import { AppError, gitHubAnswerOf } from "../../domain/errors.js";
import type { Logger } from "../../logging/create-logger.js";
import { sendError } from "../envelope.js";

/**
 * body-parser's errors carry `type` and `status`; they are the caller's fault, not ours. A body that does not
 * decompress as its Content-Encoding says (garbage, or cut short) comes from zlib with a `Z_*` (or, for br,
 * `ERR__ERROR_*`) code and the 400
 * body-parser gave it, but no `type`.
 */
function bodyParserProblem(error: unknown): AppError | undefined {
  const e = error as { type?: unknown; status?: unknown; code?: unknown; message?: unknown };
  const zlibCode = typeof e?.code === "string" && /^(Z_|ERR__ERROR_)/.test(e.code); // inflate, gunzip; brotli
  if (e?.status === 400 && zlibCode) {
    return new AppError("BAD_REQUEST", "The body does not decompress as its Content-Encoding says");
  }
  if (typeof e?.type !== "string" || typeof e.status !== "number") return undefined;
  switch (e.type) {
    case "entity.parse.failed":
      return new AppError("BAD_REQUEST", "The body is not valid JSON");
    case "entity.too.large":
      return new AppError("PAYLOAD_TOO_LARGE", "The body is too large");
    // 400 rather than body-parser's 415: every route documents 400, and those that take no body refuse one with 400
    case "encoding.unsupported":
      return new AppError("BAD_REQUEST", "The body's Content-Encoding is not supported; send it as is, or with gzip, deflate or br");
    case "charset.unsupported":
      return new AppError("BAD_REQUEST", "The body's charset is not supported; send UTF-8 JSON");
    default:
      return e.status >= 400 && e.status < 500 ? new AppError("BAD_REQUEST", "The body could not be read") : undefined;
  }
}

/** The only place errors become answers. Unknown errors are logged and answered with a generic 500. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const known = error instanceof AppError ? error : bodyParserProblem(error);
    const requestId = res.locals.requestId as string | undefined;
    const clientRequestId = res.locals.clientRequestId;
    if (known) {
      // GitHub's own words are for the operator: the log line carries them with GitHub's request id, the answer never does.
      const github = gitHubAnswerOf(known);
      const fields = { requestId, clientRequestId, code: known.code, ...(github && { github }) };
      if (known.status >= 500) log.warn(known.message, { ...fields, cause: known.cause });
      else if (github) log.info(known.message, fields);
      sendError(res, known);
      return;
    }
    log.error("unexpected error", { requestId, clientRequestId, error });
    sendError(res, new AppError("INTERNAL", `Internal error; the request id ${requestId ?? "(none)"} finds it in the server's log`));
  };
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError("NOT_FOUND", `No such route: ${req.method} ${req.path.slice(0, 200)}`));
};
