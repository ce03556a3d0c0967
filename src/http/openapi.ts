/**
 * openapi.yaml is the contract, served as /api/v1/openapi.yaml with a page to read it at /api/v1/docs
 * (Swagger UI from our own files, no CDN). Requests are checked by src/http/parse.ts alone, which a
 * property-based test holds to this description (test/unit/http/parse-contract.test.ts).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Router } from "express";

/** The repository root's openapi.yaml, from src/http/ as from dist/http/. */
export const OPENAPI_PATH = fileURLToPath(new URL("../../openapi.yaml", import.meta.url));
const DOCS_DIR = fileURLToPath(new URL("./docs/", import.meta.url));
const SWAGGER_UI_DIR = fileURLToPath(new URL("../../node_modules/swagger-ui-dist/", import.meta.url));

/**
 * The files docs/index.html loads, and where each is: only these are served under /api/v1/docs/assets/,
 * not the rest of swagger-ui-dist (its package.json, source maps, other bundles). openapi.yaml's
 * docsAsset operation lists the same names, and test/api/openapi.test.ts loads every file the page names.
 */
export const DOCS_ASSETS: Readonly<Record<string, { dir: string; type: string }>> = {
  "swagger-ui.css": { dir: SWAGGER_UI_DIR, type: "css" },
  "swagger-ui-bundle.js": { dir: SWAGGER_UI_DIR, type: "js" },
  "init.js": { dir: DOCS_DIR, type: "js" },
};

export function specRoutes(): Router {
  const router = Router();
  const yaml = readFileSync(OPENAPI_PATH, "utf8");
  router.get("/openapi.yaml", (_req, res) => {
    res.type("application/yaml").send(yaml);
  });
  router.get("/docs", (_req, res) => {
    res.type("html").sendFile("index.html", { root: DOCS_DIR });
  });
  for (const [file, { dir, type }] of Object.entries(DOCS_ASSETS)) {
    router.get(`/docs/assets/${file}`, (_req, res) => {
      res.type(type).sendFile(file, { root: dir });
    });
  }
  return router;
}
