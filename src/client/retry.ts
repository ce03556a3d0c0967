/**
 * When to send a request again, and after how long: exponential backoff with jitter, or the service's own
 * Retry-After, all within --max-wait. Pure (the clock and the dice are the caller's), so that it is tested
 * without waiting.
 */
import type { RetryRule } from "./commands.js";
import type { Answer } from "./request.js";
import type { NoAnswer } from "./request.js";

/** Statuses that may pass by themselves. 429 and 503 say the service did nothing; 502 and 504 do not say. */
const NOTHING_DONE = new Set([429, 503]);
const MAY_PASS = new Set([429, 502, 503, 504]);

const FIRST_DELAY_MS = 1000;
const LONGEST_DELAY_MS = 30_000;

export type Outcome = { answer: Answer } | { problem: NoAnswer };

export type Decision = { retry: true; delayMs: number; reason: string } | { retry: false; why?: string };

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), if it has a usable one. */
export function retryAfterMs(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function mayBeSentAgain(rule: RetryRule, outcome: Outcome): boolean {
  if (rule === "never") return false;
  if ("answer" in outcome) {
    if (!MAY_PASS.has(outcome.answer.status)) return false;
    return rule === "idempotent" || NOTHING_DONE.has(outcome.answer.status);
  }
  if (outcome.problem.kind === "tls") return false;
  return rule === "idempotent" || !outcome.problem.sent;
}

/**
 * Whether to try again after the `failures`-th failed attempt (1 for the first), `elapsedMs` after the first
 * began; `random` in [0, 1).
 */
export function decideRetry(opts: {
  rule: RetryRule;
  outcome: Outcome;
  failures: number;
  elapsedMs: number;
  maxWaitMs: number;
  nowMs: number;
  random: () => number;
}): Decision {
  const { outcome } = opts;
  if ("answer" in outcome && outcome.answer.status < 400) return { retry: false };
  if (!mayBeSentAgain(opts.rule, outcome)) {
    const unknown = "problem" in outcome ? outcome.problem.sent : outcome.answer.status === 502 || outcome.answer.status === 504;
    if (opts.rule === "never" && ("problem" in outcome || MAY_PASS.has(outcome.answer.status))) {
      return { retry: false, why: "not sent again: each attempt would register another runner" };
    }
    return unknown ? { retry: false, why: "not sent again: the change may have been made; check before repeating it" } : { retry: false };
  }
  const reason = "answer" in outcome ? `the service answered ${outcome.answer.status}` : outcome.problem.message;
  const asked = "answer" in outcome ? retryAfterMs(outcome.answer.headers["retry-after"], opts.nowMs) : undefined;
  // Full backoff doubles from 1 s to 30 s; jitter spreads hosts that failed together (a fleet after a deploy).
  const backoff = Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** (opts.failures - 1));
  const jittered = backoff / 2 + opts.random() * (backoff / 2);
  // The service's Retry-After is a floor: earlier would be refused again. A little jitter on top of it.
  const delayMs = asked !== undefined ? asked + opts.random() * 250 : jittered;
  const left = opts.maxWaitMs - opts.elapsedMs;
  if (delayMs > left) {
    const wait = asked !== undefined ? `waiting ${Math.ceil(asked / 1000)} s as the service asks` : "waiting for another attempt";
    return { retry: false, why: `${reason}; gave up: ${wait} would pass --max-wait (${Math.round(opts.maxWaitMs / 1000)} s)` };
  }
  return { retry: true, delayMs, reason };
}
