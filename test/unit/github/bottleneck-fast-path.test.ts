import assert from "node:assert/strict";
import { describe, test } from "node:test";
import Bottleneck from "bottleneck/light.js";
import { applyBottleneckFastPath } from "../../../src/github/bottleneck-fast-path.js";

describe("the Bottleneck fast path", () => {
  test("when applied to the pinned bottleneck, then it takes (an upgrade that changes the internals would fail here)", () => {
    assert.equal(applyBottleneckFastPath(), true);
    assert.equal(applyBottleneckFastPath(), true, "idempotent");
  });

  test("when jobs are limited to one at a time, then they still run one at a time, in order", async () => {
    applyBottleneckFastPath();
    const limiter = new Bottleneck({ maxConcurrent: 1 });
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3, 4].map((n) =>
        limiter.schedule(async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((resolve) => setImmediate(resolve));
          order.push(n);
          running--;
        }),
      ),
    );
    assert.equal(most, 1);
    assert.deepEqual(order, [1, 2, 3, 4]);
  });

  test("when 20 calls arrive at once, then all of them start before the event loop's next turn (no queue of yields)", async () => {
    applyBottleneckFastPath();
    // One limiter shared by 20 calls, the worst case for Bottleneck's locks (plugin-retry's limiter per call is the easy one).
    const limiter = new Bottleneck.Group({ maxConcurrent: 32 }).key("installation-1");
    let nextTurn = false;
    setImmediate(() => (nextTurn = true));
    const startedBeforeNextTurn: boolean[] = [];
    await Promise.all(Array.from({ length: 20 }, () => limiter.schedule(() => Promise.resolve(startedBeforeNextTurn.push(!nextTurn)))));
    assert.deepEqual(startedBeforeNextTurn, Array.from({ length: 20 }, () => true));
  });

  test("when jobs must be spaced (minTime), then the spacing still holds: non-zero delays are untouched", async () => {
    applyBottleneckFastPath();
    const limiter = new Bottleneck({ minTime: 40 });
    const started: number[] = [];
    await Promise.all([0, 1, 2].map(() => limiter.schedule(() => Promise.resolve(started.push(performance.now())))));
    assert.ok(started[2]! - started[0]! >= 75, `spaced ${started[2]! - started[0]!} ms`);
  });

  test("when a job throws, then the error reaches the caller and the limiter goes on", async () => {
    applyBottleneckFastPath();
    const limiter = new Bottleneck({ maxConcurrent: 2 });
    await assert.rejects(limiter.schedule(() => Promise.reject(new Error("boom"))), /boom/);
    assert.equal(await limiter.schedule(() => Promise.resolve(42)), 42);
  });
});
