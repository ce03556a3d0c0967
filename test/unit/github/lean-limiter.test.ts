import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { LeanLimiter, LeanLimiterGroup, type FailedJob } from "../../../src/github/lean-limiter.js";

/** A promise to hold a task running until `release()`. */
function gate() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { released, release };
}

describe("LeanLimiter (what @octokit/plugin-throttling asks of its limiters)", () => {
  test("when more jobs arrive than maxConcurrent, then no more than that run at once, and the rest start in order as slots free", async () => {
    const limiter = new LeanLimiter({ maxConcurrent: 2 });
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates = [gate(), gate(), gate(), gate()];
    const jobs = gates.map((g, n) =>
      limiter.schedule(async () => {
        started.push(n);
        running++;
        most = Math.max(most, running);
        await g.released;
        running--;
        return n;
      }),
    );
    await sleep(0);
    assert.deepEqual(started, [0, 1], "two start at once");
    gates[1]!.release();
    await sleep(0);
    assert.deepEqual(started, [0, 1, 2]);
    for (const g of gates) g.release();
    assert.deepEqual(await Promise.all(jobs), [0, 1, 2, 3]);
    assert.equal(most, 2);
  });

  test("when jobs may start, then they start before the event loop's next turn", async () => {
    const limiter = new LeanLimiterGroup({ maxConcurrent: 32 }).key("installation-1");
    let nextTurn = false;
    setImmediate(() => (nextTurn = true));
    const startedBeforeNextTurn = await Promise.all(Array.from({ length: 20 }, () => limiter.schedule(() => !nextTurn)));
    assert.deepEqual(startedBeforeNextTurn, Array.from({ length: 20 }, () => true));
  });

  test("when jobs wait for a slot, then a more urgent priority goes first, and a job of weight 0 (a retry) does not wait for a slot", async () => {
    const limiter = new LeanLimiter({ maxConcurrent: 1 });
    const order: string[] = [];
    const first = gate();
    const blocking = limiter.schedule(async () => {
      await first.released;
      order.push("first");
    });
    const normal = limiter.schedule({ priority: 5 }, () => order.push("normal"));
    const urgent = limiter.schedule({ priority: 0 }, () => order.push("urgent"));
    await sleep(0);
    assert.deepEqual(order, [], "the slot is taken");
    first.release();
    await Promise.all([blocking, normal, urgent]);
    assert.deepEqual(order, ["first", "urgent", "normal"]);

    const held = gate();
    const holding = limiter.schedule(() => held.released);
    const retry = await limiter.schedule({ priority: 0, weight: 0 }, () => "ran while the slot was taken");
    assert.equal(retry, "ran while the slot was taken");
    held.release();
    await holding;
  });

  test("when starts must be spaced (minTime), then they are, each one after the last", async () => {
    const limiter = new LeanLimiter({ minTime: 30 });
    const at: number[] = [];
    await Promise.all([0, 1, 2].map(() => limiter.schedule(() => at.push(performance.now()))));
    assert.ok(at[1]! - at[0]! >= 29 && at[2]! - at[1]! >= 29, `started at +${at.map((t) => Math.round(t - at[0]!)).join(", +")} ms`);
  });

  test("when a job fails and a 'failed' listener answers a number, then it is retried after that many ms, with the retry count; with no answer it rejects", async () => {
    const limiter = new LeanLimiter();
    const seen: FailedJob[] = [];
    limiter.on("failed", (_error, job) => {
      seen.push(job);
      return job.retryCount < 2 ? 5 : undefined;
    });
    let attempts = 0;
    const failing = limiter.schedule({ priority: 3 }, (word: string) => {
      attempts++;
      throw new Error(`${word} ${attempts}`);
    }, "attempt");
    await assert.rejects(failing, /^Error: attempt 3$/);
    assert.equal(attempts, 3);
    assert.deepEqual(seen.map((job) => [job.retryCount, job.args, job.options.priority]), [[0, ["attempt"], 3], [1, ["attempt"], 3], [2, ["attempt"], 3]]);

    let tries = 0;
    assert.equal(await limiter.schedule(() => (++tries < 2 ? Promise.reject(new Error("once")) : "second time")), "second time");
  });

  test("when a 'failed' listener throws, then the job rejects with its own error", async () => {
    const limiter = new LeanLimiter();
    limiter.on("failed", () => {
      throw new Error("listener broke");
    });
    await assert.rejects(limiter.schedule(() => Promise.reject(new Error("the job's"))), /the job's/);
  });

  test("when asked for an event the plugin does not use, then it refuses rather than never firing", () => {
    assert.throws(() => new LeanLimiter().on("done" as "failed", () => undefined), /no "done" event/);
  });

  test("when a key's jobs are done, then the group forgets the key (many credentials do not grow it)", async () => {
    const group = new LeanLimiterGroup({ maxConcurrent: 4 });
    const same = group.key("a");
    assert.equal(group.key("a"), same);
    const held = gate();
    const running = Promise.all([group.key("a").schedule(() => held.released), group.key("b").schedule(() => "b")]);
    await sleep(0);
    assert.deepEqual(group.keys(), ["a"], "b is done, a still runs");
    held.release();
    await running;
    assert.deepEqual(group.keys(), []);
  });
});
