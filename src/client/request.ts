/**
 * One attempt at one request, with node:http(s) rather than fetch: Node 20's fetch cannot be given a CA
 * without the undici package, and the client must tell "never connected" (safe to send again) from "sent,
 * then the connection dropped" (the change may have been done) — node:http says which.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * No answer. `sent` says whether the whole request had left: if not, the service cannot have acted on it.
 * `kind` "tls" is a handshake the client refused (an unknown CA, a wrong name, an expired certificate):
 * sending again would not help.
 */
export class NoAnswer extends Error {
  constructor(
    message: string,
    readonly kind: "connect" | "tls" | "dropped" | "timeout",
    readonly sent: boolean,
  ) {
    super(message);
  }
}

export interface AttemptOptions {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** PEM text trusted instead of Node's bundled CAs (--cacert) */
  ca?: string;
  timeoutMs: number;
}

/** The answer may not be larger than this: the service's answers are a few kilobytes. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

const TLS_CODES = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "EPROTO",
]);

function describe(error: NodeJS.ErrnoException): string {
  return error.code ? `${error.code}: ${error.message}` : error.message;
}

export function attempt(options: AttemptOptions): Promise<Answer> {
  const isHttps = options.url.protocol === "https:";
  const send = isHttps ? httpsRequest : httpRequest;
  return new Promise<Answer>((resolve, reject) => {
    let sent = false;
    let settled = false;
    const fail = (problem: NoAnswer) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(problem);
    };
    const req = send(options.url, {
      method: options.method,
      headers: options.headers,
      ...(isHttps && options.ca !== undefined ? { ca: options.ca } : {}),
      // one connection per command: nothing to keep alive for
      agent: false,
    });
    req.setTimeout(options.timeoutMs, () =>
      fail(new NoAnswer(`no answer within ${Math.round(options.timeoutMs / 1000)} s`, sent ? "timeout" : "connect", sent)),
    );
    req.on("finish", () => (sent = true));
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== undefined && TLS_CODES.has(error.code)) fail(new NoAnswer(`TLS: ${describe(error)}`, "tls", false));
      else if (sent) fail(new NoAnswer(`the connection dropped before an answer (${describe(error)})`, "dropped", true));
      else fail(new NoAnswer(`cannot connect to ${options.url.host} (${describe(error)})`, "connect", false));
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) fail(new NoAnswer(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`, "dropped", true));
        else chunks.push(chunk);
      });
      res.on("error", (error: NodeJS.ErrnoException) => fail(new NoAnswer(`the answer broke off (${describe(error)})`, "dropped", true)));
      res.on("end", () => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.end();
  });
}
