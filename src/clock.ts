/** The one source of "now" for code that does time arithmetic, so tests can move time by hand. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; for tests and for the simulator's scripted scenarios. */
export function manualClock(start: Date | string | number = "2026-01-01T00:00:00Z"): Clock & {
  advance(ms: number): void;
  set(to: Date | string | number): void;
} {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (to) => {
      current = new Date(to).getTime();
    },
  };
}
