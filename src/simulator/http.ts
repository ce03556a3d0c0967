/**
 * The simulator's own request/response shapes, and GitHub's ways of answering: error bodies,
 * validation messages and pagination with a Link header.
 */
import { randomBytes } from "node:crypto";

export interface SimRequest {
  method: string;
  /** path below the API root (the `/api/v3` prefix already removed), without query */
  path: string;
  query: URLSearchParams;
  /** lower-case header names */
  headers: Record<string, string>;
  body: string;
  /** scheme://host[:port] plus the path prefix: what API URLs in bodies and Link headers start with */
  apiRoot: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** An answer that is no answer: the seam closes the connection (the "drop" fault). */
export const DROP = Symbol("drop connection");
export type Outcome = SimResponse | typeof DROP;

/** A request as either seam hands it over, before the simulator knows whether it is for GitHub or for its hooks. */
export interface WireRequest {
  method: string;
  url: URL;
  /** lower-case header names */
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal | null;
}

/** What both seams call: the fetch seam (fetch.ts) and the node:http listener (node-handler.ts). */
export type Answer = (request: WireRequest) => Promise<Outcome>;

/** The headers GitHub puts on every answer, then the answer's own. */
export function responseHeaders(outcome: SimResponse): Record<string, string> {
  return {
    ...(outcome.body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
    "x-github-media-type": "github.v3; format=json",
    "x-github-api-version-selected": "2022-11-28",
    "x-github-request-id": randomBytes(8).toString("hex").toUpperCase(),
    ...outcome.headers,
  };
}

/** The body on the wire: none for 204, as GitHub sends none. */
export function payloadOf(outcome: SimResponse): string | undefined {
  return outcome.body === undefined || outcome.status === 204 ? undefined : JSON.stringify(outcome.body);
}

const DOCS = "https://docs.github.com/rest";

/** GitHub's error body. Since 2024 GitHub adds `status` as a string; `basic-error` allows it. */
export function errorResponse(status: number, message: string, documentationUrl = DOCS): SimResponse {
  return { status, body: { message, documentation_url: documentationUrl, status: String(status) } };
}

export const notFound = (): SimResponse => errorResponse(404, "Not Found");
export const badCredentials = (): SimResponse => errorResponse(401, "Bad credentials");

/** 422 with `errors[]` in the shape of the `validation-error` schema (octokit/fixtures' normalized errors). */
export function validationFailed(errors: Array<{ resource: string; field: string; code: string; message?: string }>): SimResponse {
  return {
    status: 422,
    body: { message: "Validation Failed", errors, documentation_url: DOCS, status: "422" },
  };
}

/** 422 in the shape of the `validation-error-simple` schema, whose `errors` are plain sentences. */
export function validationFailedSimple(errors: string[]): SimResponse {
  return { status: 422, body: { message: "Validation Failed", errors, documentation_url: DOCS, status: "422" } };
}

/** GitHub's JSON-schema style 422 for a body that does not fit the operation's schema. */
export function invalidRequest(detail: string): SimResponse {
  return errorResponse(422, `Invalid request.\n\n${detail}`);
}

export const json = (status: number, body: unknown): SimResponse => ({ status, body });
export const noContent = (): SimResponse => ({ status: 204 });

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

/**
 * GitHub's page-number pagination: `per_page` (default 30, at most 100; larger values are clamped) and
 * `page` (from 1), with `Link: <…>; rel="next"` etc. built from the URL the client asked for.
 */
export function paginate<T>(req: SimRequest, all: readonly T[]): Page<T> {
  const perPage = clampInt(req.query.get("per_page"), 30, 1, 100);
  const page = clampInt(req.query.get("page"), 1, 1, Number.MAX_SAFE_INTEGER);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const link = (n: number, rel: string) => {
    const query = new URLSearchParams(req.query);
    query.set("per_page", String(perPage));
    query.set("page", String(n));
    return `<${req.apiRoot}${req.path}?${query.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(Math.min(page - 1, last), "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { items, headers: links.length > 0 ? { link: links.join(", ") } : {} };
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null || !/^\d+$/.test(raw)) return fallback;
  return Math.min(max, Math.max(min, Number(raw)));
}
