// tsc compiles src/ to dist/ but copies nothing else: the API docs page's files go along here.
import { chmodSync, cpSync, rmSync } from "node:fs";

cpSync("src/http/docs", "dist/http/docs", { recursive: true });

// tsc never deletes what it wrote before: drop what a build from before tsconfig.build.json left the simulator
// and the demo out of, so that dist/ holds only what the image runs (scripts/smoke-distroless.sh checks it).
for (const stale of ["dist/simulator", "dist/demo", "dist/demo.js", "dist/demo.js.map", "dist/demo.d.ts"]) {
  rmSync(stale, { recursive: true, force: true });
}

// The package's command (package.json "bin"): executable, so that `npx actions-runner-manager` and a
// checkout's `./dist/cli.js` run it; tsc writes files without the execute bit.
chmodSync("dist/cli.js", 0o755);
