/**
 * The configuration text as YAML: a plain object with empty keys dropped, and the line of each key for
 * messages. A YAML error is reported by line and column in words of our own wherever the parser's message
 * could quote the file, since the line it quotes may hold the private key.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document, type YAMLError } from "yaml";
import { ConfigError } from "./problems.js";

export interface YamlText {
  /** the document as plain data, keys whose value is null left out */
  raw: Record<string, unknown>;
  /** the document as written, keys without a value included (`key:` alone is still a key that may be unknown) */
  written: Record<string, unknown>;
  /** the line of the deepest key of `path` present in the file (the parent's line for a missing key) */
  lineOf(this: void, path: readonly (string | number)[]): number | undefined;
}

/** YAML error codes whose messages are fixed text; the others can quote the file, so they get our own words. */
const YAML_MESSAGES: Readonly<Record<string, string | null>> = {
  ALIAS_PROPS: null,
  BAD_ALIAS: null,
  BAD_INDENT: null,
  BLOCK_AS_IMPLICIT_KEY: null,
  DUPLICATE_KEY: null,
  MISSING_CHAR: null,
  MULTILINE_IMPLICIT_KEY: null,
  MULTIPLE_ANCHORS: null,
  MULTIPLE_TAGS: null,
  TAB_AS_INDENT: null,
  BAD_DIRECTIVE: "a bad % directive",
  BAD_DQ_ESCAPE: "an invalid escape sequence in a double-quoted string (use single quotes, or \\\\ for a backslash)",
  BAD_PROP_ORDER: "an anchor or tag in the wrong place",
  BAD_SCALAR_START: "a plain value that cannot start with this character; quote the value",
  BAD_COLLECTION_TYPE: "a tag used on the wrong kind of value",
  BLOCK_IN_FLOW: "a block value inside a flow collection ({…} or […])",
  KEY_OVER_1024_CHARS: "a key longer than 1024 characters",
  MULTIPLE_DOCS: "several YAML documents (---); expected one",
  RESOURCE_EXHAUSTION: "too many aliases",
  TAG_RESOLVE_FAILED: "an unknown tag (!…)",
  UNEXPECTED_TOKEN: "unexpected text",
};

function describeYamlError(error: YAMLError, lines: LineCounter): string {
  const { line, col } = lines.linePos(error.pos[0]);
  const own = YAML_MESSAGES[error.code];
  const what = own === null ? error.message : (own ?? `YAML error ${error.code}`);
  return `${line}:${col}: not valid YAML: ${what}`;
}

function lineOf(doc: Document, lines: LineCounter, path: readonly (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const segment of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
    if (!pair) break;
    const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    if (offset !== undefined) line = lines.linePos(offset).line;
    node = pair.value;
  }
  return line;
}

/** Drops keys whose value is null: `key:` with nothing after it means "not set", as does a section left empty. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

/** Parses `text` as one YAML mapping; throws a ConfigError naming `source` when it is not one. */
export function readYamlText(text: string, source: string): YamlText {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // One error per place: the parser's later complaints about the same spot are consequences of the first.
    const firstPerPlace = doc.errors.filter((e, i) => doc.errors.findIndex((o) => o.pos[0] === e.pos[0]) === i);
    throw new ConfigError(
      source,
      firstPerPlace.map((e) => `${source}:${describeYamlError(e, lines)}`),
    );
  }
  let parsed: unknown;
  try {
    parsed = doc.toJS({ maxAliasCount: 100 });
  } catch {
    throw new ConfigError(source, [`${source}: not valid YAML: too many aliases`]);
  }
  if (parsed === undefined || parsed === null) parsed = {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    const got = Array.isArray(parsed) ? "a list" : "a single value";
    throw new ConfigError(source, [`${source}: expected a YAML mapping of keys (org:, appID:, …), got ${got}`]);
  }
  const written = parsed as Record<string, unknown>;
  return { raw: withoutNulls(written) as Record<string, unknown>, written, lineOf: (path) => lineOf(doc, lines, path) };
}
