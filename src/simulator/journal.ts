/**
 * What the simulator was asked: a count per route template (what tests assert to prove a cache or a
 * retry policy) and the most recent requests with their answers (what they read to see why).
 */
import type { Clock } from "../clock.js";

export interface JournalEntry {
  at: string;
  method: string;
  /** the GitHub route template, or null when no route matched */
  route: string | null;
  path: string;
  status: number | "dropped";
  credential: "anonymous" | "app" | "installation" | "user" | "invalid";
}

export class Journal {
  private readonly counters = new Map<string, number>();
  private entries: JournalEntry[] = [];

  /** `limit`: how many requests to keep, newest last; a long soak must not grow without bound. */
  constructor(
    private readonly clock: Clock,
    private readonly limit: number,
  ) {}

  /** Counts a call of `route` as it arrives, before any fault or refusal decides its answer. */
  count(route: string): void {
    this.counters.set(route, (this.counters.get(route) ?? 0) + 1);
  }

  record(entry: Omit<JournalEntry, "at">): void {
    this.entries.push({ at: this.clock.now().toISOString(), ...entry });
    if (this.entries.length > this.limit) this.entries = this.entries.slice(-this.limit);
  }

  /** Calls of `route` since start or the last reset; of every route when `route` is left out. */
  calls(route?: string): number {
    return route === undefined ? [...this.counters.values()].reduce((a, b) => a + b, 0) : (this.counters.get(route) ?? 0);
  }

  callsByRoute(): Record<string, number> {
    return Object.fromEntries([...this.counters.entries()].sort());
  }

  list(): readonly JournalEntry[] {
    return this.entries;
  }

  reset(): void {
    this.counters.clear();
    this.entries = [];
  }
}
