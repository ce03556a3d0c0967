/**
 * The in-process seam: a WHATWG fetch, which is what Octokit's `request.fetch` option takes, so a client
 * under test talks to the simulator exactly as it would to GitHub, without a socket.
 */
import { DROP, payloadOf, responseHeaders, type Answer } from "./http.js";

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function createFetch(answer: Answer): Fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
    const outcome = await answer({
      method: request.method,
      url: new URL(request.url),
      headers,
      body,
      signal: init?.signal ?? request.signal,
    });
    if (outcome === DROP) {
      // What undici's fetch throws when the other side closes the socket.
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) });
    }
    const response = new Response(payloadOf(outcome) ?? null, { status: outcome.status, headers: responseHeaders(outcome) });
    // A constructed Response has url "", unlike a fetched one; Octokit's paginate reads it.
    Object.defineProperty(response, "url", { value: request.url });
    return response;
  };
}
