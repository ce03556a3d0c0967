/**
 * openapi.yaml is the contract, served as /api/v1/openapi.yaml with a page to read it at /api/v1/docs
 * (Swagger UI from our own files, no CDN). Requests are checked by src/http/parse.ts alone, which a
 * property-based test holds to this description (test/unit/http/parse-contract.test.ts).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express, { Router } from "express";

/** The repository root's openapi.yaml, from src/http/ as from dist/http/. */
export const OPENAPI_PATH = fileURLToPath(new URL("../../openapi.yaml", import.meta.url));
const DOCS_DIR = fileURLToPath(new URL("./docs/", import.meta.url));

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
  router.use(
    "/docs/assets",
    express.static(fileURLToPath(new URL("../../node_modules/swagger-ui-dist/", import.meta.url)), { index: false, redirect: false }),
  );
  return router;
}
