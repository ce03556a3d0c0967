/**
 * Keys the schema does not know are refused, each named with the nearest known key: a typo such as
 * `server.ratelimit` would otherwise leave the limit silently at its default. Every key the Go original read
 * is in the schema (schema.ts), so its files keep working.
 */
import type { Finding } from "./problems.js";
import { configFileSchema, keyPaths } from "./schema.js";

/** Every key of the file, dotted ("server.tls.enabled"), by its parent ("server.tls"; "" for the top level). */
function knownKeysByParent(): Map<string, string[]> {
  const byParent = new Map<string, string[]>();
  for (const path of keyPaths(configFileSchema)) {
    const parent = path.slice(0, -1).join(".");
    byParent.set(parent, [...(byParent.get(parent) ?? []), path.at(-1)!]);
  }
  return byParent;
}
const KNOWN = knownKeysByParent();
const ALL_KEYS = keyPaths(configFileSchema).map((path) => path.join("."));

/**
 * Edit distance between two names, letter case ignored: insertions, deletions, substitutions and swaps of
 * two neighbours (optimal string alignment), each costing 1.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/** How far a name may be from a known key and still be taken for a typo of it: about one slip in four letters. */
function closeEnough(name: string): number {
  return name.length <= 3 ? 1 : name.length <= 8 ? 2 : 3;
}

/**
 * The known key `name` was most likely meant for, or undefined when none is close: the nearest within
 * closeEnough (a unique nearest only), else the one key that `name` abbreviates (`logDir` → `logDirectory`).
 */
export function nearestKey(name: string, known: readonly string[]): string | undefined {
  const scored = known.map((key) => ({ key, distance: editDistance(name, key) })).sort((a, b) => a.distance - b.distance);
  const [first, second] = scored;
  if (first && first.distance <= closeEnough(name) && (second === undefined || second.distance > first.distance)) return first.key;
  const abbreviated = known.filter((key) => name.length >= 3 && key.toLowerCase().startsWith(name.toLowerCase()));
  return abbreviated.length === 1 ? abbreviated[0] : undefined;
}

/** A key of the wrong section: the full path of the one known key elsewhere with this name, letter case ignored. */
function elsewhere(name: string, parent: string): string | undefined {
  const matches = ALL_KEYS.filter((key) => key.split(".").at(-1)!.toLowerCase() === name.toLowerCase() && !key.startsWith(`${parent}.`));
  return matches.length === 1 ? matches[0] : undefined;
}

const PLAIN_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function adviceFor(name: string, parentPath: string[]): string {
  const parent = parentPath.join(".");
  const siblings = KNOWN.get(parent) ?? [];
  // A key that is not a plain name may be a pasted secret: nothing is derived from it.
  if (PLAIN_NAME.test(name)) {
    const near = nearestKey(name, siblings);
    if (near !== undefined) return `did you mean \`${near}\`?`;
    const other = elsewhere(name, parent);
    if (other !== undefined)
      return `did you mean \`${other}\`? (it belongs under ${other.split(".").slice(0, -1).join(".") || "the top level"})`;
  }
  return parent === "" ? `the top-level keys are ${siblings.join(", ")}` : `the keys of ${parent} are ${siblings.join(", ")}`;
}

/**
 * Every key of `written` (the file as written, keys without a value included) that the schema does not know,
 * at any depth, with advice. Only mappings the schema describes are walked: lists and values are not keys.
 */
export function unknownKeyFindings(written: unknown, path: string[] = []): Finding[] {
  if (typeof written !== "object" || written === null || Array.isArray(written)) return [];
  const known = KNOWN.get(path.join("."));
  if (known === undefined) return [];
  return Object.entries(written as Record<string, unknown>).flatMap(([key, value]) =>
    known.includes(key)
      ? unknownKeyFindings(value, [...path, key])
      : [{ path: [...path, key], message: `is not a known key; ${adviceFor(key, path)}` }],
  );
}
