/**
 * openapi.yaml is the contract: requests to /api/v1 are validated against it at run time by
 * express-openapi-validator (bad input is refused before anything else runs), and it is served as
 * /api/v1/openapi.yaml with a page to read it at /api/v1/docs (Swagger UI from our own files, no CDN).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express, { Router, type RequestHandler } from "express";
import * as OpenApiValidator from "express-openapi-validator";
import { AppError, type ErrorCode } from "../domain/errors.js";
import { applyRouteRegexpCache } from "./route-regexp-cache.js";

/** The repository root's openapi.yaml, from src/http/ as from dist/http/. */
export const OPENAPI_PATH = fileURLToPath(new URL("../../openapi.yaml", import.meta.url));
const DOCS_DIR = fileURLToPath(new URL("./docs/", import.meta.url));

export function openApiValidator(): RequestHandler[] {
  applyRouteRegexpCache();
  return OpenApiValidator.middleware({
    apiSpec: OPENAPI_PATH,
    validateRequests: { allowUnknownQueryParameters: false },
    validateResponses: false,
    validateSecurity: false,
    // Other paths (unknown routes) get our own 404; the probes and /metrics are not part of /api/v1.
    ignoreUndocumented: true,
    ignorePaths: /^\/(healthz|readyz|metrics)\/?$/,
  });
}

const VALIDATOR_STATUS_CODES: Record<number, ErrorCode> = {
  400: "BAD_REQUEST",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

/** express-openapi-validator's HttpError (status + errors[]) as our AppError, or undefined for anything else. */
export function fromValidatorError(error: unknown): AppError | undefined {
  const e = error as { status?: unknown; errors?: unknown; message?: unknown };
  if (typeof e?.status !== "number" || !Array.isArray(e.errors) || typeof e.message !== "string") return undefined;
  const code = VALIDATOR_STATUS_CODES[e.status];
  if (!code) return undefined;
  // The validator's messages name the parameter and the rule broken ("request/query/team must match pattern …"), never the value.
  return new AppError(code, e.message.replace(/^request\//, "").replace(/, request\//g, ", "));
}

export function specRoutes(): Router {
  const router = Router();
  const yaml = readFileSync(OPENAPI_PATH, "utf8");
  router.get("/openapi.yaml", (_req, res) => {
    res.type("application/yaml").send(yaml);
  });
  router.get("/docs", (_req, res) => {
    res.type("html").sendFile("index.html", { root: DOCS_DIR });
  });
  router.get("/docs/assets/init.js", (_req, res) => {
    res.type("js").sendFile("init.js", { root: DOCS_DIR });
  });
  router.use("/docs/assets", express.static(fileURLToPath(new URL("../../node_modules/swagger-ui-dist/", import.meta.url)), { index: false, redirect: false }));
  return router;
}
