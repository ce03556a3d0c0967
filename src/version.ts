/**
 * The product's version, read from package.json at run time: package.json is its one source (the image
 * copies it beside dist/, and tsx runs src/ beside it), so nothing else has to be edited for a release.
 */
import { readFileSync } from "node:fs";

function readVersion(): string {
  const text = readFileSync(new URL("../package.json", import.meta.url), "utf8");
  const version = (JSON.parse(text) as { version?: unknown }).version;
  if (typeof version !== "string" || version === "") throw new Error("package.json has no version");
  return version;
}

export const VERSION: string = readVersion();
