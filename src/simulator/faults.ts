/**
 * Test hooks: faults armed per route for the next N calls, and standing latency.
 * A route is a GitHub template ("GET /user") or "*" for every route.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { DROP, errorResponse, type Outcome, type SimResponse } from "./http.js";

export type Fault =
  /** answer this status (and body; GitHub's error body for the status by default) instead of doing the work */
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  /** GitHub's secondary rate limit: 403 with `retry-after` */
  | { kind: "secondary-rate-limit"; retryAfterSeconds: number }
  /** close the connection without an answer */
  | { kind: "drop" }
  /** wait this long, then serve the request normally */
  | { kind: "delay"; ms: number };

interface Armed {
  fault: Fault;
  remaining: number;
}

export const ANY_ROUTE = "*";

export class Faults {
  private readonly armed = new Map<string, Armed[]>();
  private readonly latency = new Map<string, number>();

  constructor(private readonly knownRoutes: ReadonlySet<string>) {}

  /** Arms `fault` for the next `times` calls of `route`. Unknown routes are refused, so a typo cannot make a test pass. */
  inject(route: string, fault: Fault, times = 1): void {
    this.checkRoute(route);
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
    const queue = this.armed.get(route) ?? [];
    queue.push({ fault, remaining: times });
    this.armed.set(route, queue);
  }

  failNext(route: string, options: { status: number; body?: unknown; headers?: Record<string, string>; times?: number }): void {
    const { times, ...fault } = options;
    this.inject(route, { kind: "status", ...fault }, times);
  }

  secondaryRateLimitNext(route: string, options: { retryAfterSeconds?: number; times?: number } = {}): void {
    this.inject(route, { kind: "secondary-rate-limit", retryAfterSeconds: options.retryAfterSeconds ?? 1 }, options.times);
  }

  dropNext(route: string, times = 1): void {
    this.inject(route, { kind: "drop" }, times);
  }

  delayNext(route: string, ms: number, times = 1): void {
    this.inject(route, { kind: "delay", ms }, times);
  }

  /** Standing latency added to every call of `route` (or of every route), until set to 0. */
  setLatency(ms: number, route: string = ANY_ROUTE): void {
    this.checkRoute(route);
    if (!(ms >= 0)) throw new RangeError(`latency must be >= 0 ms, got ${ms}`);
    if (ms === 0) this.latency.delete(route);
    else this.latency.set(route, ms);
  }

  latencyFor(route: string): number {
    return this.latency.get(route) ?? this.latency.get(ANY_ROUTE) ?? 0;
  }

  /** The fault for this call, if one is armed: the route's own first, then one armed for every route. */
  take(route: string): Fault | undefined {
    for (const key of [route, ANY_ROUTE]) {
      const queue = this.armed.get(key);
      const head = queue?.[0];
      if (!queue || !head) continue;
      head.remaining -= 1;
      if (head.remaining <= 0) queue.shift();
      if (queue.length === 0) this.armed.delete(key);
      return head.fault;
    }
    return undefined;
  }

  clear(): void {
    this.armed.clear();
    this.latency.clear();
  }

  private checkRoute(route: string): void {
    if (route !== ANY_ROUTE && !this.knownRoutes.has(route)) {
      throw new RangeError(`the simulator serves no route "${route}" (expected e.g. "GET /user" or "*")`);
    }
  }
}

/**
 * What a call of `route` meets before GitHub looks at it: the standing latency, then the fault armed for
 * it. Answers the fault's answer (an error, or DROP), or undefined when the call is to be served; a
 * "delay" fault waits and then serves. Faults come before authentication, as a failing GitHub answers
 * whoever asks. An abort while waiting rejects, as a real request's would.
 */
export async function faultAnswer(faults: Faults, route: string, signal?: AbortSignal | null): Promise<Outcome | undefined> {
  const wait = (ms: number) => sleep(ms, undefined, { signal: signal ?? undefined });
  const latency = faults.latencyFor(route);
  if (latency > 0) await wait(latency);
  const fault = faults.take(route);
  switch (fault?.kind) {
    case undefined:
      return undefined;
    case "delay":
      await wait(fault.ms);
      return undefined;
    case "drop":
      return DROP;
    case "status": {
      const injected: SimResponse =
        fault.body === undefined
          ? errorResponse(fault.status, fault.status >= 500 ? "Server Error" : "Injected fault")
          : { status: fault.status, body: fault.body };
      return { ...injected, headers: { ...fault.headers } };
    }
    case "secondary-rate-limit":
      return secondaryRateLimited(fault.retryAfterSeconds);
  }
}

/** GitHub's secondary rate limit answer, word for word, with a fresh request ID as GitHub's has. */
function secondaryRateLimited(retryAfterSeconds: number): SimResponse {
  const requestId = randomBytes(8).toString("hex").toUpperCase();
  return {
    ...errorResponse(
      403,
      `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
      "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
    ),
    headers: { "retry-after": String(retryAfterSeconds) },
  };
}
