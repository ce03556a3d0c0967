// tsc compiles src/ to dist/ but copies nothing else: the API docs page's files go along here.
import { chmodSync, cpSync } from "node:fs";

cpSync("src/http/docs", "dist/http/docs", { recursive: true });

// The package's command (package.json "bin"): executable, so that `npx actions-runner-manager` and a
// checkout's `./dist/cli.js` run it; tsc writes files without the execute bit.
chmodSync("dist/cli.js", 0o755);
