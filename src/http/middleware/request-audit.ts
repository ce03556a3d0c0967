/**
 * One audit line per request to an /api/v1 action, whatever became of it: done (`allowed`), refused before
 * or after the caller was known (`refused`: 4xx — bad input, a bad token, not a maintainer, rate limited,
 * a conflict), or not done because something failed (`failed`: 5xx, GitHub failing or too slow). The
 * use cases write one more `audit` line for each change they make on GitHub (src/services); this one says
 * how the request ended, and names GitHub's id of each call made for it, which ties it to GitHub's own
 * audit log and is what GitHub's support asks for.
 *
 * Mounted before anything can refuse the request (the method guard, the per-address limit, the body
 * parser), so that those refusals are audited too. Never a header value, a query string or a body: the
 * caller's token is in the first, and the caller's own words in the others.
 */
import type { RequestHandler } from "express";
import { newCallMeter } from "../../request-meter.js";

export type Outcome = "allowed" | "refused" | "failed";

/** The audit line of one request, as written (message "audit"). */
export interface RequestAuditLine {
  /** which kind of audit line: this one, of a request; the use cases' lines name a change instead */
  audit: "request";
  /** the route's name (the first of its paths: group-create for group-add too) */
  action: string;
  outcome: Outcome;
  status: number;
  /** the caller's GitHub login, once their token named them */
  user?: string;
  /** the team named, once it passed validation */
  team?: string;
  requestId: string;
  clientRequestId?: string;
  clientAddress?: string;
  /** GitHub's x-github-request-id of each answer to a call made for this request, in order */
  githubRequestIds: string[];
  /** the client left before its answer was sent; the work went on, and `status` is what it would have had */
  clientLeft?: true;
}

export function outcomeOf(status: number): Outcome {
  if (status >= 500) return "failed";
  return status >= 400 ? "refused" : "allowed";
}

/**
 * @param actionOf a request path → the action it names, or undefined for a path that is no action (not audited)
 * @param write where the line goes: the log, as message "audit"
 */
export function requestAudit(actionOf: (path: string) => string | undefined, write: (line: RequestAuditLine) => void): RequestHandler {
  return (req, res, next) => {
    const action = actionOf(req.path);
    if (action === undefined) {
      next();
      return;
    }
    const meter = newCallMeter();
    res.locals.meter = meter;
    const writeLine = (clientLeft: boolean) => {
      const { requestId, clientRequestId, caller, team } = res.locals;
      write({
        audit: "request",
        action,
        outcome: outcomeOf(res.statusCode),
        status: res.statusCode,
        ...(caller === undefined ? {} : { user: caller.login }),
        ...(team === undefined ? {} : { team }),
        requestId,
        ...(clientRequestId === undefined ? {} : { clientRequestId }),
        ...(req.ip === undefined ? {} : { clientAddress: req.ip }),
        githubRequestIds: [...meter.githubRequestIds],
        ...(clientLeft ? { clientLeft: true as const } : {}),
      });
    };
    // Written when the answer is ended ('prefinish', emitted by res.end() once its status is final), not on
    // 'finish': that comes only once the answer is flushed, which may be after the client has read it, and
    // never when the client has left. A client that leaves early does not stop the work (its changes are made,
    // or not), which ends with an answer no one reads: the line then says so.
    let clientLeft = false;
    res.once("close", () => {
      if (!res.writableEnded) clientLeft = true;
    });
    res.once("prefinish", () => writeLine(clientLeft));
    next();
  };
}

/** "/api/v1/<path>" → the action of each path (aliases → the route's first path), for requestAudit. */
export function actionLabeler(actions: ReadonlyMap<string, string>): (path: string) => string | undefined {
  return (path) => actions.get(path.length > 1 ? path.replace(/\/+$/, "") : path);
}
