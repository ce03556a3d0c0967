/**
 * The README as tests read it: its sections by heading and the fenced code blocks in them, so that what a
 * user copies from the README is what a test runs.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILT_CLI } from "./cli.js";
import { REPO_ROOT } from "./processes.js";

export const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

/** The text under `heading` (e.g. "### NixOS"), up to the next heading of the same or a higher level. */
export function readmeSection(heading: string, text: string = README): string {
  const level = /^#+/.exec(heading)![0].length;
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading "${heading}"`);
  const rest = text.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`^#{1,${level}} `, "m"));
  return end < 0 ? rest : rest.slice(0, end);
}

/** The fenced blocks of `language` ("sh", "bash", …) in `text`, in order, without their fences. */
export function codeBlocks(text: string, language: string): string[] {
  // a fence may be indented (a block inside a list item); its lines are then indented alike
  return [...text.matchAll(new RegExp(`^( *)\`\`\`${language}\\n([\\s\\S]*?)^\\1\`\`\`$`, "gm"))].map(([, indent, body]) =>
    body!
      .split("\n")
      .map((line) => line.slice(indent!.length))
      .join("\n"),
  );
}

/**
 * A directory holding an `actions-runner-manager` that runs the built client (`node dist/cli.js`): put it first
 * on PATH, and a README line runs as a runner host with the command installed would run it.
 */
export function clientOnPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "arm-bin-"));
  const shim = join(dir, "actions-runner-manager");
  writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${BUILT_CLI}' "$@"\n`);
  chmodSync(shim, 0o755);
  return dir;
}
