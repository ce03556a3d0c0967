// tsc compiles src/ to dist/ but copies nothing else: the API docs page's files go along here.
import { cpSync } from "node:fs";

cpSync("src/http/docs", "dist/http/docs", { recursive: true });
