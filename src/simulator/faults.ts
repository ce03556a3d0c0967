/**
 * Test hooks: faults armed per route for the next N calls, standing latency, and call counters.
 * A route is a GitHub template ("GET /user") or "*" for every route.
 */

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
