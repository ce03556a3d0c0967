/**
 * express-openapi-validator 5.6 finds a request's operation by compiling every path of the spec with
 * path-to-regexp, on every request, twice: about 26 KB of garbage and a good share of the validator's CPU
 * per request, measured by `npm run bench`. This memoizes path-to-regexp's `pathToRegexp` (the function
 * object the validator reads from the module on each call) for string paths and plain options: the same
 * path and options always compile to the same result, and the validator only reads it (`regexp.exec`,
 * `keys`; the pattern has no /g flag, so it keeps no state between calls).
 *
 * Anything else (an array of paths, options we do not know) goes straight through, and the cache stops
 * growing at MAX_ENTRIES; the spec has a few dozen.
 */
import { createRequire } from "node:module";

interface PathToRegexpModule {
  pathToRegexp: (path: unknown, options?: Record<string, unknown>) => unknown;
}

const MAX_ENTRIES = 1000;
/** Options whose values decide the result; `strict` is express's word, which the validator passes along. */
const KNOWN_OPTIONS = new Set(["delimiter", "end", "sensitive", "trailing", "strict"]);

let applied = false;

/** Idempotent. Answers whether the cache is in place (false if path-to-regexp has another shape). */
export function applyRouteRegexpCache(): boolean {
  if (applied) return true;
  // The validator's own copy: resolved from its package, as its require() does.
  const require = createRequire(createRequire(import.meta.url).resolve("express-openapi-validator"));
  const module = require("path-to-regexp") as PathToRegexpModule;
  const compile = module.pathToRegexp;
  if (typeof compile !== "function") return false;

  const cache = new Map<string, unknown>();
  module.pathToRegexp = function cachedPathToRegexp(path: unknown, options?: Record<string, unknown>) {
    const key = cacheKey(path, options);
    if (key === undefined) return compile(path, options);
    let compiled = cache.get(key);
    if (compiled === undefined) {
      compiled = compile(path, options);
      if (cache.size < MAX_ENTRIES) cache.set(key, compiled);
    }
    return compiled;
  };
  applied = true;
  return true;
}

function cacheKey(path: unknown, options: Record<string, unknown> = {}): string | undefined {
  if (typeof path !== "string") return undefined;
  let key = "";
  for (const name in options) {
    const value = options[name];
    if (!KNOWN_OPTIONS.has(name) || (value !== undefined && typeof value !== "boolean" && typeof value !== "string")) return undefined;
    key += `${name}=${String(value)}\u0000`;
  }
  return `${key}${path}`;
}
