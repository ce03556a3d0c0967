/**
 * The part of Bottleneck that @octokit/plugin-throttling uses, handed to it as its limiter groups and its
 * retry limiter (its `global`, `write`, `auth`, `search`, `notifications` and `retryLimiter` options).
 *
 * Why not Bottleneck itself: its datastore API is asynchronous (made for Redis), so every job takes a
 * dozen promise hops and two locks, and the plugin runs a GitHub write through three Bottleneck jobs.
 * `npm run bench` measured that at about 80 KB of garbage and a tenth of a millisecond of CPU per GitHub
 * call, with 20 calls waiting on one another for the locks. Here a job that may start, starts at once.
 *
 * Same contract as Bottleneck for what the plugin asks of it:
 * - `schedule([options,] task, ...args)` runs `task(...args)` and settles with it;
 * - at most `maxConcurrent` jobs run at once, except jobs of `weight` 0 (the plugin's retries), which
 *   never wait for a slot; waiting jobs start by `priority` (0 first, default 5), then in order;
 * - two starts are at least `minTime` ms apart;
 * - when a job fails, the "failed" listeners are asked (error, { args, options, retryCount }); a number
 *   from any of them retries the job after that many ms, in its slot; otherwise the job rejects.
 */

export interface JobOptions {
  priority?: number;
  weight?: number;
}

export interface FailedJob {
  args: unknown[];
  options: JobOptions;
  /** retries made so far */
  retryCount: number;
}

/** Answers how many ms to wait before retrying, or nothing (undefined/null) to give up. */
export type FailedListener = (error: unknown, job: FailedJob) => unknown;

export interface LimiterOptions {
  maxConcurrent?: number;
  minTime?: number;
}

type Task = (...args: never[]) => unknown;

interface Job {
  options: JobOptions;
  task: Task;
  args: unknown[];
  priority: number;
  counts: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const DEFAULT_PRIORITY = 5;

export class LeanLimiter {
  readonly #maxConcurrent: number;
  readonly #minTime: number;
  #running = 0;
  /** performance.now() before which no job may start (minTime) */
  #nextStartAt = 0;
  /** waiting jobs, by priority then arrival */
  readonly #queue: Job[] = [];
  readonly #failedListeners: FailedListener[] = [];
  #wakeUp: NodeJS.Timeout | undefined;
  /** called when nothing runs, nothing waits and minTime has passed (LeanLimiterGroup forgets the key) */
  onIdle: (() => void) | undefined;

  constructor(options: LimiterOptions = {}) {
    this.#maxConcurrent = options.maxConcurrent ?? Infinity;
    this.#minTime = options.minTime ?? 0;
  }

  schedule<T>(task: (...args: never[]) => T | Promise<T>, ...args: unknown[]): Promise<T>;
  schedule<T>(options: JobOptions, task: (...args: never[]) => T | Promise<T>, ...args: unknown[]): Promise<T>;
  schedule(first: JobOptions | Task, ...rest: unknown[]): Promise<unknown> {
    const [options, task, args] = typeof first === "function" ? [{}, first, rest] : [first, rest[0] as Task, rest.slice(1)];
    return new Promise((resolve, reject) => {
      const priority = Math.min(9, Math.max(0, Math.trunc(options.priority ?? DEFAULT_PRIORITY)));
      const job: Job = { options, task, args, priority, counts: (options.weight ?? 1) > 0, resolve, reject };
      // After the last waiting job of the same or a more urgent priority.
      let at = this.#queue.length;
      while (at > 0 && this.#queue[at - 1]!.priority > priority) at--;
      this.#queue.splice(at, 0, job);
      this.#drain();
    });
  }

  on(event: "failed", listener: FailedListener): this {
    // The plugin listens to "failed" only; anything else would silently never fire here.
    if (event !== "failed") throw new Error(`LeanLimiter has no "${String(event)}" event`);
    this.#failedListeners.push(listener);
    return this;
  }

  #drain(): void {
    while (this.#queue.length > 0) {
      const job = this.#queue[0]!;
      if (job.counts && this.#running >= this.#maxConcurrent) return;
      const now = performance.now();
      if (now < this.#nextStartAt) {
        // ref(): a job waits on it (the timer may be the idle check's, which does not hold the process)
        this.#drainIn(this.#nextStartAt - now).ref();
        return;
      }
      this.#queue.shift();
      this.#nextStartAt = now + this.#minTime;
      void this.#run(job);
    }
    if (this.#running === 0 && this.onIdle) {
      const spacingLeft = this.#nextStartAt - performance.now();
      if (spacingLeft <= 0) this.onIdle();
      else if (this.#wakeUp === undefined) this.#drainIn(spacingLeft).unref();
    }
  }

  /** One timer at most: the one there is, or a new one. */
  #drainIn(ms: number): NodeJS.Timeout {
    if (this.#wakeUp !== undefined) return this.#wakeUp;
    this.#wakeUp = setTimeout(() => {
      this.#wakeUp = undefined;
      this.#drain();
    }, ms);
    return this.#wakeUp;
  }

  async #run(job: Job): Promise<void> {
    if (job.counts) this.#running++;
    try {
      for (let retryCount = 0; ; retryCount++) {
        try {
          job.resolve(await job.task(...(job.args as never[])));
          return;
        } catch (error) {
          const retryAfter = await this.#askFailedListeners(error, { args: job.args, options: job.options, retryCount });
          if (retryAfter === undefined) {
            job.reject(error);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, retryAfter));
        }
      }
    } finally {
      if (job.counts) this.#running--;
      this.#drain();
    }
  }

  /** As Bottleneck: the first answer that is not null or undefined; a listener that throws answers nothing. */
  async #askFailedListeners(error: unknown, job: FailedJob): Promise<number | undefined> {
    const answers = await Promise.all(this.#failedListeners.map(async (listener) => {
      try {
        return await listener(error, job);
      } catch {
        return undefined;
      }
    }));
    const answer = answers.find((a) => a !== undefined && a !== null);
    return answer === undefined ? undefined : Math.max(0, Math.trunc(Number(answer)) || 0);
  }
}

/** One LeanLimiter per key (the plugin keys by credential, its `throttle.id`); a key is forgotten when idle. */
export class LeanLimiterGroup {
  readonly #limiters = new Map<string, LeanLimiter>();

  constructor(private readonly options: LimiterOptions = {}) {}

  key(id = ""): LeanLimiter {
    let limiter = this.#limiters.get(id);
    if (!limiter) {
      const created = new LeanLimiter(this.options);
      created.onIdle = () => {
        if (this.#limiters.get(id) === created) this.#limiters.delete(id);
      };
      this.#limiters.set(id, created);
      limiter = created;
    }
    return limiter;
  }

  /** keys with a limiter now */
  keys(): string[] {
    return [...this.#limiters.keys()];
  }
}
