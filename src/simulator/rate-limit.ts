/**
 * GitHub's primary rate limit: each credential has `perHour` requests in a window that opens with its
 * first request and lasts an hour. Every answer past authentication carries `x-ratelimit-*`; the request
 * after the last one is refused with 403. The windows live in SimState, so a snapshot shows them.
 */
import type { Clock } from "../clock.js";
import type { Credential } from "./auth.js";
import { errorResponse, type SimResponse } from "./http.js";
import type { SimState } from "./state.js";

const WINDOW_MS = 3_600_000;

export interface RateVerdict {
  headers: Record<string, string>;
  /** GitHub's refusal when the window is spent; undefined while requests are left */
  refusal: SimResponse | undefined;
}

export class PrimaryRateLimit {
  constructor(
    private readonly state: SimState,
    private readonly clock: Clock,
    private readonly perHour: number,
  ) {}

  /** Spends one request of the credential's window, if one is left. */
  take(credential: Credential): RateVerdict {
    const now = this.clock.now();
    const key = this.keyFor(credential);
    let window = this.state.rateWindows.get(key);
    if (!window || window.resetAt.getTime() <= now.getTime()) {
      window = { limit: this.perHour, used: 0, resetAt: new Date(now.getTime() + WINDOW_MS) };
      this.state.rateWindows.set(key, window);
    }
    const exceeded = window.used >= window.limit;
    if (!exceeded) window.used += 1;
    return {
      refusal: exceeded ? this.refusalFor(credential) : undefined,
      headers: {
        "x-ratelimit-limit": String(window.limit),
        "x-ratelimit-remaining": String(window.limit - window.used),
        "x-ratelimit-used": String(window.used),
        "x-ratelimit-reset": String(Math.floor(window.resetAt.getTime() / 1000)),
        "x-ratelimit-resource": "core",
      },
    };
  }

  /** A user's token counts for that user; the App's JWT and its installation tokens each have their own budget. */
  private keyFor(credential: Credential): string {
    if (credential.kind === "user") return `user:${credential.user.id}`;
    if (credential.kind === "installation") return `installation:${credential.installationId}`;
    return `app:${this.state.app.id}`;
  }

  private refusalFor(credential: Credential): SimResponse {
    const who = credential.kind === "user" ? `user ID ${credential.user.id}` : `installation ID ${this.state.app.installationId}`;
    return errorResponse(403, `API rate limit exceeded for ${who}.`, "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api");
  }
}
