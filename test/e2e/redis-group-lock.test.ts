/**
 * Replicas agree on changes (issue 13, item 5): two server processes, one GitHub (the simulator, in this
 * process) and, for the pair under test, one real redis-server. Two maintainers change one runner's labels at
 * once through different replicas: one removes `gpu`, the other adds `large`. runner-labels-remove reads the
 * runner's labels and writes the rest back, so without a lock the add can land between its read and its
 * write, and is then wiped out. The lock in Redis orders them; the pair without Redis
 * shows the lost update it prevents (so that this test can fail).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { DEMO_TOKENS, startSimulator } from "../../src/simulator/index.js";
import { spawnEntry, STARTUP_WAIT_MS, writeServerConfig, type Spawned } from "../helpers/processes.js";
import { redisUnavailable, startRedis, type TestRedis } from "../helpers/redis-server.js";

const SET_LABELS = "PUT /orgs/{org}/actions/runners/{runner_id}/labels";
/** data-runner-1 (id 2) of the demo organization, in team data's group, maintained by erin */
const RUNNER = 2;

describe("the group lock across replicas (processes, real redis-server)", { skip: redisUnavailable() }, () => {
  let redis: TestRedis;
  let github: Awaited<ReturnType<typeof startSimulator>>;
  const servers: Spawned[] = [];
  const urls: Record<"locked1" | "locked2" | "alone1" | "alone2", string> = { locked1: "", locked2: "", alone1: "", alone2: "" };

  before(async () => {
    redis = await startRedis();
    github = await startSimulator();
    const start = (name: keyof typeof urls, extra: Record<string, unknown>) => {
      const server = spawnEntry("src/main.ts", ["--config", writeServerConfig(github, { name, extra })]);
      servers.push(server);
      return server.waitFor(/"message":"listening".*?"url":"(http:\/\/127\.0\.0\.1:\d+)"/, STARTUP_WAIT_MS).then((match) => {
        urls[name] = match[1]!;
      });
    };
    const shared = { redis: { url: redis.url, onError: "fail-closed" } };
    await Promise.all([start("locked1", shared), start("locked2", shared), start("alone1", {}), start("alone2", {})]);
  });

  after(async () => {
    for (const server of servers) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    await github?.close();
    await redis?.stop();
  });

  /**
   * Resets the runner's labels, then: through `first`, remove gpu, whose write GitHub holds for a second;
   * 300 ms later, through `second`, add large, which (unordered) reads and writes within that second.
   */
  async function raceThrough(first: string, second: string): Promise<string[]> {
    const runner = github.sim.state.runners.get(RUNNER)!;
    runner.labels = runner.labels.filter((l) => l.type === "read-only");
    runner.labels.push({ id: 900, name: "gpu", type: "custom" });
    const call = (base: string, method: string, path: string) =>
      fetch(`${base}/api/v1/${path}`, { method, headers: { authorization: `token ${DEMO_TOKENS.erin}` } }).then(async (response) => ({
        status: response.status,
        body: await response.json(),
      }));
    // warm: the replicas know erin, her team and its group, so that the two changes start at once
    for (const base of [first, second]) assert.equal((await call(base, "GET", "group-list?team=data")).status, 200);
    github.sim.faults.delayNext(SET_LABELS, 1000);
    const removing = call(first, "PATCH", "runner-labels-remove?team=data&runner=data-runner-1&labels=gpu");
    await sleep(300);
    const adding = call(second, "PATCH", "runner-labels-add?team=data&runner=data-runner-1&labels=large");
    for (const answer of await Promise.all([removing, adding])) assert.equal(answer.status, 200, JSON.stringify(answer.body));
    github.sim.faults.clear();
    return runner.labels.filter((l) => l.type === "custom").map((l) => l.name);
  }

  test("when two replicas share Redis, then the two changes are ordered: gpu is gone and large is there", async () => {
    assert.deepEqual(await raceThrough(urls.locked1, urls.locked2), ["large"]);
  });

  test("when the replicas share nothing (the contrast), then the later write wipes out the other's change", async () => {
    assert.deepEqual(await raceThrough(urls.alone1, urls.alone2), []);
  });
});
