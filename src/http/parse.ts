/**
 * The only gate for /api/v1 input. Parameters come in the query string (as the original's curl lines send
 * them) or in a JSON body (for long repository lists); `parseV1Request` checks them against what
 * openapi.yaml describes for the route and method, and answers typed input, or throws a 400 (415 for a body
 * that is not JSON) whose message says in a sentence which parameter is wrong and what is expected.
 *
 * test/unit/http/parse-contract.test.ts holds this file to openapi.yaml: V1_PARAMETERS must name what each
 * operation takes, and over generated requests the parser must accept exactly what the description accepts,
 * but for the rules the description cannot express, which are ours (listed on parseV1Request).
 */
import { AppError } from "../domain/errors.js";

/** Bounds, documented in openapi.yaml and the README. */
export const LIMITS = {
  teamLength: 100,
  repoNameLength: 100,
  repositoriesPerRequest: 1000,
  /** the description's RepoList maxLength: 1000 names of 100 characters, with a comma and a space between them */
  reposTextLength: 102_000,
  /** GitHub's: a runner carries at most 100 labels, and a generate-jitconfig call takes at most 100 */
  labelsPerRunner: 100,
  /** ours: GitHub documents no bound on a label's length; a runner's name has at most 64 characters, and so does a label here */
  labelLength: 64,
  /** the description's LabelList maxLength: 100 labels of 64 characters, with a comma and a space between them */
  labelsTextLength: 6_600,
  /** GitHub's bound on a runner's name (the runner refuses to configure with a longer one) */
  runnerNameLength: 64,
  workFolderLength: 200,
} as const;

/** What the routes take, parsed. */
export interface Inputs {
  /** the team's slug, trimmed and lowercase */
  team: string;
  /** repository names, without empty entries and duplicates (compared without case; the last spelling is kept) */
  repos: string[];
  /** false when not given */
  force: boolean;
  /** runner labels, trimmed, without empty entries; [] when not given (a duplicate, compared without case, is refused) */
  labels: string[];
  /** the runner's name after the team's prefix (runner-jitconfig); undefined when not given */
  name: string | undefined;
  /** the runner's work folder, relative to its install directory (runner-jitconfig); undefined when not given */
  work_folder: string | undefined;
  /** a runner of the team's group, by id or by name, trimmed */
  runner: string;
  /** another team's slug (runner-move), trimmed and lowercase */
  to: string;
}
export type ParameterName = keyof Inputs;

export interface RouteParameters {
  /** the parameters the route takes: in the query string, or in a JSON body on `bodyMethods` */
  readonly accepts: readonly ParameterName[];
  /** those that must be given, in one place or the other */
  readonly required: readonly ParameterName[];
  /** the methods whose requests may carry a JSON body; the GET forms never do */
  readonly bodyMethods: readonly string[];
}

const TEAM_ONLY = { accepts: ["team"], required: ["team"] } as const;
const REPOS = { accepts: ["team", "repos"], required: ["team", "repos"], bodyMethods: ["PATCH"] } as const;
const RUNNER_LABELS = { accepts: ["team", "runner", "labels"], required: ["team", "runner", "labels"], bodyMethods: ["PATCH"] } as const;

/** Each /api/v1 route (by its path under /api/v1) and what it accepts, as openapi.yaml describes it. */
export const V1_PARAMETERS = {
  "group-create": { ...TEAM_ONLY, bodyMethods: ["POST"] },
  "group-add": { ...TEAM_ONLY, bodyMethods: ["POST"] },
  "group-delete": { accepts: ["team", "force"], required: ["team"], bodyMethods: ["DELETE"] },
  "group-list": { ...TEAM_ONLY, bodyMethods: [] },
  "repos-add": REPOS,
  "repos-set": REPOS,
  "repos-remove": REPOS,
  "token-register": { ...TEAM_ONLY, bodyMethods: ["POST"] },
  "token-remove": { ...TEAM_ONLY, bodyMethods: ["POST"] },
  "runner-jitconfig": { accepts: ["team", "labels", "name", "work_folder"], required: ["team"], bodyMethods: ["POST"] },
  "runner-delete": { accepts: ["team", "runner", "force"], required: ["team", "runner"], bodyMethods: ["DELETE"] },
  "runner-prune": { ...TEAM_ONLY, bodyMethods: ["POST"] },
  "runner-labels-add": RUNNER_LABELS,
  "runner-labels-set": RUNNER_LABELS,
  "runner-labels-remove": RUNNER_LABELS,
  "runner-move": { accepts: ["team", "runner", "to"], required: ["team", "runner", "to"], bodyMethods: ["PATCH"] },
} as const satisfies Record<string, RouteParameters>;

export type V1RouteName = keyof typeof V1_PARAMETERS;
/** What parseV1Request answers for a route: the Inputs it accepts, e.g. `{ team }`, `{ team, force }` or `{ team, repos }`. */
export type V1Input<R extends V1RouteName> = Pick<Inputs, (typeof V1_PARAMETERS)[R]["accepts"][number]>;

/** The parts of a request the parser reads; an Express request is one. */
export interface RawRequest {
  readonly method: string;
  /** as Express's "simple" query parser leaves it: a string per name, an array for a repeated name */
  readonly query: unknown;
  /** what express.json() made of the body; undefined when it read none */
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Shows a caller's value in an error without echoing a huge or control-laden string back. */
export function quote(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, "?");
  return JSON.stringify(printable.length > 60 ? `${printable.slice(0, 60)}…` : printable);
}

/** A JSON value from the body, named for an error message: a string quoted, anything else by its kind. */
function describe(value: unknown): string {
  if (typeof value === "string") return quote(value);
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "number") return `the number ${String(value)}`;
  return Array.isArray(value) ? "an array" : "an object";
}

const badRequest = (message: string) => new AppError("BAD_REQUEST", message);
const tooManyLabels = () =>
  badRequest(`Parameter labels holds more than ${LIMITS.labelsPerRunner} labels: give at most ${LIMITS.labelsPerRunner} (GitHub's bound)`);
const tooManyRepos = () =>
  badRequest(
    `Parameter repos names more than ${LIMITS.repositoriesPerRequest} repositories: give at most ${LIMITS.repositoriesPerRequest} per request`,
  );
const missing = (name: ParameterName) => badRequest(`Missing required parameter: ${name}`);

/** A slug once trimmed: openapi.yaml's TeamSlug pattern allows whitespace around it. */
const TEAM_SLUG = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const REPO_NAME = /^[A-Za-z0-9_.-]+$/;
/** runner names and labels: what config.sh's default names (host names) and common labels are made of */
const RUNNER_WORD = /^[A-Za-z0-9_.-]+$/;
/** a relative path of plain names: no leading `/`, no `..` segment (the folder stays inside the runner's directory) */
const WORK_FOLDER = /^(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9_.-][A-Za-z0-9_./-]*$/;
const JSON_MEDIA_TYPE = "application/json";

type Where = "query" | "body";

/**
 * The route's input from `req`, or an AppError: BAD_REQUEST (400), or UNSUPPORTED_MEDIA_TYPE (415) for a
 * body or Content-Type that is not JSON on a method that takes a body.
 *
 * As openapi.yaml describes (each checked by the contract test against the description itself):
 * - only the route's own parameters in the query string, each at most once and not empty (OpenAPI's
 *   `allowEmptyValue` is false unless said); team and to a TeamSlug; repos a RepoList (or, in the body, also an
 *   array of at most 1000 RepoNames); force a Flag (or, in the body, also a boolean); labels a LabelList (or,
 *   in the body, also an array of at most 100 Labels); runner and name a RunnerWord; work_folder a WorkFolder;
 * - a body only on the route's own method, never on the GET forms; there, a JSON object (other properties
 *   are allowed, and ignored) with Content-Type application/json, whenever a body or a Content-Type is sent.
 *
 * Beyond it (rules the description cannot express; the contract test's oracle names each):
 * 1. the route's required parameters (team; repos; runner; labels on runner-labels-*; to) are given, in the
 *    query string or in the body (the description can only say "not required" of each place);
 * 2. a parameter is given in one place only, not both in the query string and in the body;
 * 3. repos names at least one repository once empty entries are skipped;
 * 4. in the comma-separated form, each name is at most 100 characters and has no whitespace inside it (the
 *    array form's RepoName says so already), and there are at most 1000 distinct names;
 * 5. `.` and `..` are not repository names;
 * 6. labels, when given, names at least one label once empty entries are skipped; in the comma-separated form,
 *    each is at most 64 characters with no whitespace inside, and there are at most 100; no label twice
 *    (compared without case).
 */
export function parseV1Request<R extends V1RouteName>(route: R, req: RawRequest): V1Input<R> {
  const parameters: RouteParameters = V1_PARAMETERS[route];
  const body = bodyOf(route, parameters, req);
  const query = queryOf(route, parameters, req.query);

  const input: Partial<Inputs> = {};
  for (const name of parameters.accepts) {
    const inQuery = Object.hasOwn(query, name);
    const inBody = body !== undefined && Object.hasOwn(body, name);
    if (inQuery && inBody) throw badRequest(`Parameter ${name} is given both in the query string and in the body: give it in one place`);
    const where: Where = inBody ? "body" : "query";
    const value = inBody ? body[name] : query[name];
    switch (name) {
      case "team":
        input.team = teamValue(value);
        break;
      case "repos":
        input.repos = reposValue(value, where);
        break;
      case "force":
        input.force = forceValue(value, where);
        break;
      case "labels":
        input.labels = labelsValue(value, where, parameters.required.includes("labels"));
        break;
      case "name":
        input.name = runnerWordValue("name", value, "the runner's name after the team's prefix");
        break;
      case "work_folder":
        input.work_folder = workFolderValue(value);
        break;
      case "runner":
        input.runner = runnerWordValue("runner", value, "a runner's id or name") ?? throwMissing("runner");
        break;
      case "to":
        input.to = teamValue(value, "to");
        break;
    }
  }
  return input as V1Input<R>;
}

/** The query's parameters: only the route's own names, each once. */
function queryOf(route: V1RouteName, parameters: RouteParameters, query: unknown): Record<string, unknown> {
  if (typeof query !== "object" || query === null) return {};
  const values = query as Record<string, unknown>;
  for (const name of Object.keys(values)) {
    if (!(parameters.accepts as readonly string[]).includes(name)) {
      throw badRequest(`Unknown query parameter ${quote(name)}: ${route} takes only ${parameters.accepts.join(" and ")}`);
    }
    if (typeof values[name] !== "string") throw badRequest(`Parameter ${name} is given more than once: give it once`);
  }
  return values;
}

/** True when the request carries a body (as body-parser decides, but a zero length is no body). */
function hasBody(headers: RawRequest["headers"]): boolean {
  return headers["transfer-encoding"] !== undefined || Number(headers["content-length"] ?? 0) > 0;
}

/** The JSON body's parameters, undefined when there is none; refuses a body the route and method do not take. */
function bodyOf(route: V1RouteName, parameters: RouteParameters, req: RawRequest): Record<string, unknown> | undefined {
  const withBody = hasBody(req.headers);
  if (!parameters.bodyMethods.includes(req.method)) {
    if (!withBody) return undefined;
    const alternative = parameters.bodyMethods[0] ? `, or use ${parameters.bodyMethods[0]} with a JSON body` : "";
    throw badRequest(`${req.method} /api/v1/${route} takes no body: send the parameters in the query string${alternative}`);
  }
  const contentType = req.headers["content-type"];
  if (contentType === undefined && !withBody) return undefined;
  const mediaType = typeof contentType === "string" ? contentType.split(";")[0]!.trim().toLowerCase() : undefined;
  if (mediaType !== JSON_MEDIA_TYPE) {
    const what = mediaType ? `Content-Type ${quote(mediaType)} is not accepted` : "The body has no Content-Type";
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      `${what}: send the parameters in the query string, or as a JSON body with Content-Type: application/json`,
    );
  }
  if (!withBody) return undefined;
  const body = req.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest('The body must be a JSON object of parameters, such as {"team": "platform"}');
  }
  return body as Record<string, unknown>;
}

function teamValue(raw: unknown, name: "team" | "to" = "team"): string {
  if (raw === undefined || raw === "") throw missing(name);
  if (typeof raw !== "string") throw badRequest(`Parameter ${name} must be a string: the team's slug`);
  const team = raw.trim();
  if (raw.length > LIMITS.teamLength || !TEAM_SLUG.test(team)) {
    throw badRequest(
      `Parameter ${name} must be a team's slug: letters, digits, '-', '_' and '.', starting with a letter or digit, ` +
        `at most ${LIMITS.teamLength} characters; got ${quote(raw)}`,
    );
  }
  return team.toLowerCase();
}

/** Comma-separated (query or body), or an array of names (body). Empty entries are skipped, duplicates merged. */
function reposValue(raw: unknown, where: Where): string[] {
  if (raw === undefined || raw === "") throw missing("repos");
  let entries: unknown[];
  if (typeof raw === "string") {
    if (raw.length > LIMITS.reposTextLength) {
      throw badRequest(
        `Parameter repos is too long: at most ${LIMITS.repositoriesPerRequest} repository names of at most ${LIMITS.repoNameLength} characters, separated by commas`,
      );
    }
    entries = raw.split(",");
  } else if (Array.isArray(raw) && where === "body") {
    if (raw.length > LIMITS.repositoriesPerRequest) throw tooManyRepos();
    entries = raw;
  } else {
    throw badRequest("Parameter repos must be a comma-separated string or an array of repository names");
  }

  const names = new Map<string, string>();
  for (const entry of entries) {
    if (typeof entry !== "string") throw badRequest("Parameter repos must hold repository names (strings)");
    if (entry.length > LIMITS.repoNameLength) {
      throw badRequest(
        `Parameter repos holds a name of ${entry.length} characters, ${quote(entry.trim())}: a repository name has at most ${LIMITS.repoNameLength}`,
      );
    }
    const name = entry.trim();
    if (name === "") continue;
    if (!REPO_NAME.test(name) || name === "." || name === "..") {
      throw badRequest(
        `Parameter repos holds ${quote(name)}, which is not a repository name: letters, digits, '-', '_' and '.' (not . or .. alone), at most ${LIMITS.repoNameLength} characters`,
      );
    }
    names.set(name.toLowerCase(), name);
    if (names.size > LIMITS.repositoriesPerRequest) throw tooManyRepos();
  }
  if (names.size === 0) throw missing("repos");
  return [...names.values()];
}

/** true/false, 1/0, or in the body also a JSON boolean or ""; absent is false. */
function forceValue(raw: unknown, where: Where): boolean {
  if (raw === "" && where === "query") throw badRequest("Parameter force is empty: give true or false (or 1 or 0), or leave it out");
  if (raw === undefined || raw === false || raw === "false" || raw === "0" || raw === "") return false;
  if (raw === true || raw === "true" || raw === "1") return true;
  throw badRequest(`Parameter force must be true or false (or 1 or 0), got ${describe(raw)}`);
}

const throwMissing = (name: ParameterName): never => {
  throw missing(name);
};

/** A runner's name or id, or a name to give one: letters, digits, '-', '_' and '.', trimmed; undefined when not given. */
function runnerWordValue(name: "runner" | "name", raw: unknown, what: string): string | undefined {
  if (raw === undefined) return undefined;
  if (raw === "") throw badRequest(`Parameter ${name} is empty: give ${what}, or leave it out`);
  const value = typeof raw === "string" ? raw.trim() : undefined;
  if (typeof raw !== "string" || raw.length > LIMITS.runnerNameLength || !RUNNER_WORD.test(value!)) {
    throw badRequest(
      `Parameter ${name} must be ${what}: letters, digits, '-', '_' and '.', at most ${LIMITS.runnerNameLength} characters; got ${describe(raw)}`,
    );
  }
  return value;
}

function workFolderValue(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (raw === "") throw badRequest("Parameter work_folder is empty: give a folder, or leave it out for the runner's default (_work)");
  if (typeof raw !== "string" || raw.length > LIMITS.workFolderLength || !WORK_FOLDER.test(raw)) {
    throw badRequest(
      `Parameter work_folder must be a folder relative to the runner's install directory (letters, digits, '-', '_', '.' and '/', ` +
        `no leading '/' and no '..'), at most ${LIMITS.workFolderLength} characters; got ${describe(raw)}`,
    );
  }
  return raw;
}

/**
 * Comma-separated (query or body), or an array of labels (body). Empty entries are skipped; a label given
 * twice (GitHub compares labels without case) is refused, since the caller meant something by each.
 */
function labelsValue(raw: unknown, where: Where, required: boolean): string[] {
  if (raw === undefined && !required) return [];
  if (raw === undefined || raw === "") throw missing("labels");
  let entries: unknown[];
  if (typeof raw === "string") {
    if (raw.length > LIMITS.labelsTextLength) {
      throw badRequest(
        `Parameter labels is too long: at most ${LIMITS.labelsPerRunner} labels of at most ${LIMITS.labelLength} characters`,
      );
    }
    entries = raw.split(",");
  } else if (Array.isArray(raw) && where === "body") {
    if (raw.length > LIMITS.labelsPerRunner) throw tooManyLabels();
    entries = raw;
  } else {
    throw badRequest("Parameter labels must be a comma-separated string or an array of labels");
  }
  const labels = new Map<string, string>();
  for (const entry of entries) {
    if (typeof entry !== "string") throw badRequest("Parameter labels must hold labels (strings)");
    const label = entry.trim();
    if (entry.length > LIMITS.labelLength) {
      throw badRequest(`Parameter labels holds ${quote(label)}, of ${entry.length} characters: a label has at most ${LIMITS.labelLength}`);
    }
    if (label === "") continue;
    if (!RUNNER_WORD.test(label)) {
      throw badRequest(
        `Parameter labels holds ${quote(label)}, which is not a label: a label must be letters, digits, '-', '_' and '.', at most ${LIMITS.labelLength} characters`,
      );
    }
    if (labels.has(label.toLowerCase())) {
      throw badRequest(`Parameter labels holds ${quote(label)} twice (labels are compared without case): give each label once`);
    }
    labels.set(label.toLowerCase(), label);
    if (labels.size > LIMITS.labelsPerRunner) throw tooManyLabels();
  }
  if (labels.size === 0) throw missing("labels");
  return [...labels.values()];
}

/** The raw token from `Authorization: X`, `token X` or `Bearer X` (the Go original took the raw value). */
export function parseAuthorization(header: string | undefined): string {
  if (header === undefined || header.trim() === "") throw new AppError("UNAUTHENTICATED", "Missing Authorization header");
  const value = header.trim();
  const match = /^(?:token|bearer)\s+(.+)$/i.exec(value);
  const token = (match ? match[1]! : value).trim();
  if (!/^[\x21-\x7e]{1,1024}$/.test(token)) throw new AppError("UNAUTHENTICATED", "Malformed Authorization header");
  return token;
}
